# SPDX-License-Identifier: Apache-2.0
# Run by run.cmake against the Python module built with the shared library: it loads, and the
# out-of-line members of the exported value types (AuditEntry, PlanProgress) resolve.
import sys

import civicplan as cp

ws = cp.Workspace()
ws.import_bundle(sys.argv[1])
entry = ws.audit_log()[0].to_dict()
assert entry["operation"] == "import", entry
plan = ws.plans.keys()[0]
progress = ws.plan_progress(plan, "2022-12-31")  # PlanProgress::to_json
assert progress["plan"] == plan, progress
print(f"civicplan shared: the Python module read {len(ws.plans)} plans from {cp.__file__}")
