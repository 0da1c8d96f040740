// SPDX-License-Identifier: Apache-2.0
// Execution records on approved plans: progress, actual spending, target values, action
// statuses (DESIGN §16), as rows of a CSV file or of a caller's list, and what applying them
// changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"

namespace civicplan {

/// One row of execution records: its cells by column name, and where it comes from
/// ("progress.csv:12", "rows[3]"), which every error about it names. The columns say what
/// the row records:
/// - `plan,action,date,completion[,note]`: progress (completion 0..100 on that date);
/// - `plan,action,year,source,actual`: actual spending of a budget line, in euros;
/// - `plan,action,metric,actual`: the actual value of a target;
/// - `plan,action,status`: the action's status.
struct ExecutionRow {
  std::string where;
  std::map<std::string, std::string> cells;
};

/// One change that applying execution records makes (or would make, in a dry run).
/// `field` names what changed: "progress[2024-06-30]" (before/after {completion, note?} or
/// null), "actual[2024,municipal]" (euros or null), "target[children]" (a number or null),
/// "status" (a status), "evaluation" ({date, text} or null).
struct ExecutionChange {
  std::string plan;
  std::string action;  ///< "" for a change of the plan itself (its evaluation)
  std::string field;
  nlohmann::json before;
  nlohmann::json after;
};

/// What an execution import changed: the changes in row order, how many rows changed
/// nothing, and the new revision of every plan changed (the one it would get in a dry run).
struct CIVICPLAN_API ExecutionSummary {
  std::vector<ExecutionChange> changed;
  std::size_t unchanged = 0;
  std::map<std::string, std::int64_t> revisions;
  bool dry_run = false;
  /// {changed: [{plan, action, field, before, after}], unchanged, revisions: {plan: rev},
  /// dry_run}
  nlohmann::json to_json() const;
};

/// The rows of an execution CSV file (`,` or `;` separated, UTF-8, a header naming one of
/// the four shapes above). Throws ValidationError with `SOURCE:LINE` issues for every
/// malformed row, an unknown header or a header that is none of the shapes.
CIVICPLAN_API std::vector<ExecutionRow> read_execution_csv(const std::string& text, const std::string& source);

}  // namespace civicplan
