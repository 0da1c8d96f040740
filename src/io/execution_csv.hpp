// SPDX-License-Identifier: Apache-2.0
// Execution rows as typed edits: each row's cells checked and converted (dates, completions,
// years, euros, statuses), with issues naming the row and the column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "civicplan/date.hpp"
#include "civicplan/error.hpp"
#include "civicplan/execution.hpp"
#include "civicplan/money.hpp"
#include "civicplan/plan.hpp"

namespace civicplan::detail {

/// What one edit records.
enum class EditKind { kProgress, kActual, kTarget, kStatus, kEvaluation };

/// One execution record, typed. Only the fields of its kind are meaningful.
struct ExecutionEdit {
  EditKind kind = EditKind::kProgress;
  std::string where;  ///< "FILE:LINE", "rows[3]"; "" for a single call (issues name the argument)
  std::string plan;
  std::string action;  ///< "" for an evaluation
  Date date;           ///< progress, evaluation
  double completion = 0;
  std::optional<std::string> note;
  int year = 0;  ///< actual
  std::string source;
  Money amount;
  std::string metric;  ///< target
  double value = 0;
  ActionStatus status = ActionStatus::kPlanned;
  std::string text;  ///< evaluation
};

/// The kind of a row from its columns; nullopt (and an issue at `where`) when they are none
/// of the four shapes.
std::optional<EditKind> row_kind(const std::vector<std::string>& columns, const std::string& where,
                                 std::vector<Issue>& issues);

/// Converts rows to edits, adding an issue for every bad cell; rows with issues are left out.
std::vector<ExecutionEdit> parse_execution_rows(const std::vector<ExecutionRow>& rows, std::vector<Issue>& issues);

/// The rows of an execution CSV file as read_execution_csv reads them, except that a row with
/// the wrong number of fields is left out with an issue added to `row_issues`, so that the
/// other rows can still be checked; `order` gets the position ("FILE:LINE") of every row read,
/// in file order. Throws ValidationError when the file cannot be read as a whole (encoding,
/// quoting, header).
std::vector<ExecutionRow> read_execution_rows(const std::string& text, const std::string& source,
                                              std::vector<Issue>& row_issues, std::vector<std::string>& order);

/// Checks the cells of an edit made by a single call (completion range, text): issues have
/// the argument's name as path.
void check_edit_values(const ExecutionEdit& edit, std::vector<Issue>& issues);

/// "progress", "actual", "target", "status" or "evaluation".
const char* to_string(EditKind kind);

}  // namespace civicplan::detail
