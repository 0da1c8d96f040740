# SPDX-License-Identifier: Apache-2.0
# Loads a bundle into a workspace and prints each plan with its actions and planned budget.
import sys

import civicplan as cp

ws = cp.Workspace()  # cp.Workspace.open("plans.db") keeps it in a SQLite file
ws.import_bundle(sys.argv[1] if len(sys.argv) > 1 else "examples/data/family.json")
print(len(ws.bodies), "bodies,", len(ws.plans), "plans")
for plan in ws.plans.values():
    planned = sum(line["planned"] or 0 for action in plan.actions for line in action.budget)
    print(f"{plan.id} ({plan.kind}, {plan.status}): {len(plan.actions)} actions, "
          f"{planned:,.2f} euros planned")
