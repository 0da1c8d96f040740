// SPDX-License-Identifier: Apache-2.0
// Plan lifecycle: plan diffs and progress (DESIGN §8); revisions and audit entries are in revision.hpp.
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
#include "civicplan/revision.hpp"

namespace civicplan {

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
  /// Changed fields of the plans themselves (title, period, status, approval, evaluation,
  /// ...), in the data model's order.
  std::vector<FieldChange> plan;
  std::vector<std::string> added;    ///< action ids in b only
  std::vector<std::string> removed;  ///< action ids in a only
  std::vector<ActionChange> changed;
  std::vector<BudgetDelta> budget_delta;
  /// {a, b, years, plan, added, removed, changed, budget_delta} with amounts in euros.
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
struct CIVICPLAN_API PlanProgress {
  std::string plan;
  Date date;
  /// Weighted by planned budget of the date's year; equal weights when all are zero.
  std::optional<double> completion;
  std::vector<ActionProgress> actions;
  nlohmann::json to_json() const;
};

CIVICPLAN_API PlanProgress plan_progress(const Plan& plan, const Date& date);

}  // namespace civicplan
