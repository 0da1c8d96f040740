// SPDX-License-Identifier: Apache-2.0
// Plan lifecycle and governance: revisions, the audit log, plan diffs and progress (DESIGN §8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/date.hpp"
#include "civicplan/export.hpp"
#include "civicplan/money.hpp"
#include "civicplan/plan.hpp"

namespace civicplan {

/// One kept revision of a plan.
struct PlanRevision {
  std::string plan;
  std::int64_t revision = 0;
  std::string time;       ///< ISO 8601 UTC, e.g. 2026-03-01T09:12:00.123Z
  std::string user;       ///< "" for the operator (a workspace not opened as a user)
  std::string operation;  ///< import, put_plan, submit, approve, reject, archive, new_variant
};

/// One entry of the append-only audit log.
struct AuditEntry {
  std::int64_t sequence = 0;  ///< increasing, gap-free per workspace
  std::string time;
  std::string user;
  std::string operation;
  std::string object;         ///< "plan:<id>", "user:<id>", "bundle", ...
  std::optional<std::int64_t> revision;         ///< the revision written (plans)
  std::optional<std::int64_t> before_revision;  ///< the revision it replaced
  std::string detail;         ///< e.g. a rejection reason or an import summary
  nlohmann::json to_json() const;
};

/// A changed field of an action: its value before and after.
struct FieldChange {
  std::string field;
  nlohmann::json before;
  nlohmann::json after;
};

struct ActionChange {
  std::string id;
  std::vector<FieldChange> fields;
};

/// Budget totals of both plans for one category or funding source.
struct BudgetDelta {
  std::string dimension;  ///< "category" or "source"
  std::string key;        ///< the category reference ("" for none) or the source
  Money planned_before, planned_after, actual_before, actual_after;
  Money planned_delta() const { return planned_after - planned_before; }
  Money actual_delta() const { return actual_after - actual_before; }
};

/// What changed from plan `a` to plan `b`: actions matched by id.
struct CIVICPLAN_API PlanDiff {
  std::string a, b;
  /// The years compared for budgets: both plans' periods overlap there.
  std::optional<YearRange> years;
  std::vector<std::string> added;    ///< action ids in b only
  std::vector<std::string> removed;  ///< action ids in a only
  std::vector<ActionChange> changed;
  std::vector<BudgetDelta> budget_delta;
  /// {added, removed, changed, budget_delta} with amounts in euros.
  nlohmann::json to_json() const;
};

/// Compares two plans (DESIGN §8). Budget lines count only in the years both periods cover,
/// so an implementation plan compares with its plan's lines of the same year.
CIVICPLAN_API PlanDiff diff_plans(const Plan& a, const Plan& b);

struct ActionProgress {
  std::string action;
  double completion = 0;  ///< latest on or before the date (100 when completed without entries)
  double weight = 0;      ///< planned euros of the date's year
};

/// Per-action and rolled-up completion of a plan at a date.
struct PlanProgress {
  std::string plan;
  Date date;
  /// Weighted by planned budget of the date's year; equal weights when all are zero.
  std::optional<double> completion;
  std::vector<ActionProgress> actions;
  nlohmann::json to_json() const;
};

CIVICPLAN_API PlanProgress plan_progress(const Plan& plan, const Date& date);

}  // namespace civicplan
