// SPDX-License-Identifier: Apache-2.0
// The execution CSV reader and the conversion of execution rows to typed edits (DESIGN §16).
#include "io/execution_csv.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

#include "base/text.hpp"
#include "io/csv.hpp"

namespace civicplan {

namespace {

struct Shape {
  detail::EditKind kind;
  std::vector<std::string> required;
  std::vector<std::string> optional;
  const char* text;
};

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> kShapes = {
      {detail::EditKind::kProgress, {"plan", "action", "date", "completion"}, {"note"},
       "plan,action,date,completion[,note] (progress)"},
      {detail::EditKind::kActual, {"plan", "action", "year", "source", "actual"}, {}, "plan,action,year,source,actual (actuals)"},
      {detail::EditKind::kTarget, {"plan", "action", "metric", "actual"}, {}, "plan,action,metric,actual (targets)"},
      {detail::EditKind::kStatus, {"plan", "action", "status"}, {}, "plan,action,status (statuses)"},
  };
  return kShapes;
}

std::vector<std::string> known_columns() {
  std::set<std::string> all;
  for (const auto& s : shapes()) {
    all.insert(s.required.begin(), s.required.end());
    all.insert(s.optional.begin(), s.optional.end());
  }
  return {all.begin(), all.end()};
}

bool fits(const Shape& shape, const std::set<std::string>& columns) {
  for (const auto& c : shape.required) {
    if (!columns.count(c)) return false;
  }
  for (const auto& c : columns) {
    if (std::find(shape.required.begin(), shape.required.end(), c) == shape.required.end() &&
        std::find(shape.optional.begin(), shape.optional.end(), c) == shape.optional.end()) {
      return false;
    }
  }
  return true;
}

// Reports issues about one row's cells: at `where` with the column named first, or with the
// column as path when there is no `where` (a single call's argument).
class Cells {
 public:
  Cells(const ExecutionRow& row, std::vector<Issue>& issues) : row_(row), issues_(issues) {}

  bool ok() const { return ok_; }

  void fail(const std::string& column, const std::string& message) {
    ok_ = false;
    if (row_.where.empty()) {
      issues_.push_back({column, message});
    } else {
      issues_.push_back({row_.where, column + ": " + message});
    }
  }

  std::string text(const std::string& column) const {
    auto it = row_.cells.find(column);
    return it == row_.cells.end() ? "" : detail::trim_cell(it->second);
  }

  std::string required(const std::string& column) {
    std::string v = text(column);
    if (v.empty()) fail(column, "is empty");
    return v;
  }

  double number(const std::string& column, double low, double high, const char* what) {
    std::string v = text(column);
    if (column == "completion" && !v.empty() && v.back() == '%') v = detail::trim_cell(v.substr(0, v.size() - 1));
    char* end = nullptr;
    const double x = v.empty() ? 0 : std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(x) || v.find_first_of("xXpPiInN") != std::string::npos ||
        x < low || x > high) {
      fail(column, std::string("expected ") + what + ", got " + detail::quote(text(column)));
      return 0;
    }
    return x;
  }

 private:
  const ExecutionRow& row_;
  std::vector<Issue>& issues_;
  bool ok_ = true;
};

void parse_progress(Cells& cells, detail::ExecutionEdit& e) {
  const std::string date = cells.required("date");
  if (!date.empty()) {
    if (auto d = Date::parse(date)) {
      e.date = *d;
    } else {
      cells.fail("date", "expected a real date YYYY-MM-DD, got " + detail::quote(date));
    }
  }
  e.completion = cells.number("completion", 0, 100, "a completion from 0 to 100");
  const std::string note = cells.text("note");
  if (!note.empty()) e.note = note;
}

void parse_actual(Cells& cells, detail::ExecutionEdit& e) {
  const std::string year = cells.text("year");
  char* end = nullptr;
  const long y = year.empty() ? 0 : std::strtol(year.c_str(), &end, 10);
  if (year.empty() || *end != '\0' || y < kMinYear || y > kMaxYear) {
    cells.fail("year", "expected a year from " + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear) +
                           ", got " + detail::quote(year));
  }
  e.year = static_cast<int>(y);
  e.source = cells.required("source");
  const std::string amount = cells.text("actual");
  if (auto m = Money::parse(amount)) {
    e.amount = *m;
  } else {
    cells.fail("actual", "expected euros with at most 2 decimals and a dot as decimal separator, got " +
                             detail::quote(amount));
  }
}

void parse_status(Cells& cells, detail::ExecutionEdit& e) {
  const std::string status = cells.text("status");
  if (auto s = action_status_from_string(status)) {
    e.status = *s;
  } else {
    static const std::vector<std::string> kStatuses = {"planned", "in_progress", "completed", "suspended", "cancelled"};
    cells.fail("status", "expected one of planned, in_progress, completed, suspended, cancelled, got " +
                             detail::quote(status) + detail::did_you_mean(status, kStatuses));
  }
}

}  // namespace

namespace detail {

const char* to_string(EditKind kind) {
  switch (kind) {
    case EditKind::kProgress: return "progress";
    case EditKind::kActual: return "actual";
    case EditKind::kTarget: return "target";
    case EditKind::kStatus: return "status";
    case EditKind::kEvaluation: return "evaluation";
  }
  return "?";
}

std::optional<EditKind> row_kind(const std::vector<std::string>& columns, const std::string& where,
                                 std::vector<Issue>& issues) {
  const auto known = known_columns();
  std::set<std::string> set;
  bool ok = true;
  for (const auto& c : columns) {
    if (std::find(known.begin(), known.end(), c) == known.end()) {
      issues.push_back({where, "unknown column " + quote(c) + did_you_mean(c, known)});
      ok = false;
    } else if (!set.insert(c).second) {
      issues.push_back({where, "duplicate column " + quote(c)});
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  for (const auto& shape : shapes()) {
    if (fits(shape, set)) return shape.kind;
  }
  std::string expected;
  for (const auto& shape : shapes()) expected += std::string(expected.empty() ? "" : "; ") + shape.text;
  issues.push_back({where, "the columns " + join(columns, ",") + " are none of the execution shapes: " + expected});
  return std::nullopt;
}

std::vector<ExecutionEdit> parse_execution_rows(const std::vector<ExecutionRow>& rows, std::vector<Issue>& issues) {
  std::vector<ExecutionEdit> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    std::vector<std::string> columns;
    for (const auto& [column, value] : row.cells) columns.push_back(column);
    const auto kind = row_kind(columns, row.where, issues);
    if (!kind) continue;
    Cells cells(row, issues);
    for (const auto& [column, value] : row.cells) {
      if (!valid_utf8(value)) cells.fail(column, "expected UTF-8 text, got malformed bytes");
    }
    if (!cells.ok()) continue;
    ExecutionEdit e;
    e.kind = *kind;
    e.where = row.where;
    e.plan = cells.required("plan");
    e.action = cells.required("action");
    switch (*kind) {
      case EditKind::kProgress: parse_progress(cells, e); break;
      case EditKind::kActual: parse_actual(cells, e); break;
      case EditKind::kTarget:
        e.metric = cells.required("metric");
        e.value = cells.number("actual", -1e300, 1e300, "a number");
        break;
      case EditKind::kStatus: parse_status(cells, e); break;
      case EditKind::kEvaluation: break;
    }
    if (cells.ok()) out.push_back(std::move(e));
  }
  return out;
}

void check_edit_values(const ExecutionEdit& edit, std::vector<Issue>& issues) {
  auto text = [&](const std::string& value, const char* name) {
    if (!valid_utf8(value)) issues.push_back({name, "expected UTF-8 text, got malformed bytes"});
  };
  text(edit.plan, "plan");
  text(edit.action, "action");
  switch (edit.kind) {
    case EditKind::kProgress:
      if (!std::isfinite(edit.completion) || edit.completion < 0 || edit.completion > 100) {
        // format_number prints NaN as "" (an empty cell): name it.
        const std::string got = std::isnan(edit.completion) ? "NaN" : format_number(edit.completion, -1);
        issues.push_back({"completion", "expected a completion from 0 to 100, got " + got});
      }
      if (edit.note) text(*edit.note, "note");
      break;
    case EditKind::kActual:
      if (edit.source.find_first_not_of(" \t\r\n") == std::string::npos) issues.push_back({"source", "is empty"});
      text(edit.source, "source");
      break;
    case EditKind::kTarget:
      if (edit.metric.empty()) issues.push_back({"metric", "is empty"});
      if (!std::isfinite(edit.value)) issues.push_back({"actual", "expected a finite number"});
      text(edit.metric, "metric");
      break;
    case EditKind::kStatus: break;
    case EditKind::kEvaluation:
      if (edit.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        issues.push_back({"text", "an evaluation needs its text"});
      }
      text(edit.text, "text");
      break;
  }
}

}  // namespace detail

namespace detail {

std::vector<ExecutionRow> read_execution_rows(const std::string& bytes, const std::string& source,
                                              std::vector<Issue>& row_issues, std::vector<std::string>& order) {
  std::vector<Issue> issues;
  const std::string text = detail::decode_csv_text(bytes, source, detail::CsvEncoding::kUtf8, issues);
  if (!issues.empty()) throw ValidationError(std::move(issues));
  auto records = detail::split_csv(text, source, detail::sniff_delimiter(text), issues);
  if (records.empty()) {
    issues.push_back({source + ":1", "empty file: expected a header such as plan,action,date,completion"});
  }
  if (!issues.empty()) throw ValidationError(std::move(issues));
  const auto& header = records.front();
  std::vector<std::string> columns;
  for (const auto& cell : header.fields) {
    std::string name = detail::header_name(cell);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    columns.push_back(name);
  }
  if (!detail::row_kind(columns, source + ":" + std::to_string(header.line), issues)) {
    throw ValidationError(std::move(issues));
  }
  std::vector<ExecutionRow> rows;
  rows.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    const std::string where = source + ":" + std::to_string(rec.line);
    order.push_back(where);
    if (rec.fields.size() != columns.size()) {
      row_issues.push_back({where, "expected " + std::to_string(columns.size()) + " fields, got " +
                                       std::to_string(rec.fields.size())});
      continue;
    }
    ExecutionRow row;
    row.where = where;
    for (std::size_t k = 0; k < columns.size(); ++k) row.cells.emplace(columns[k], rec.fields[k]);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace detail

std::vector<ExecutionRow> read_execution_csv(const std::string& bytes, const std::string& source) {
  std::vector<Issue> issues;
  std::vector<std::string> order;
  auto rows = detail::read_execution_rows(bytes, source, issues, order);
  if (!issues.empty()) throw ValidationError(std::move(issues));
  return rows;
}

nlohmann::json ExecutionSummary::to_json() const {
  auto list = nlohmann::json::array();
  for (const auto& c : changed) {
    list.push_back({{"plan", c.plan}, {"action", c.action}, {"field", c.field}, {"before", c.before}, {"after", c.after}});
  }
  return {{"changed", list}, {"unchanged", unchanged}, {"revisions", revisions}, {"dry_run", dry_run}};
}

}  // namespace civicplan
