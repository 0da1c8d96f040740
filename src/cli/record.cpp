// SPDX-License-Identifier: Apache-2.0
// The `record` verb: execution records on approved plans, from CSV files or one from options.
#include <filesystem>
#include <map>
#include <ostream>

#include "civicplan/execution.hpp"
#include "commands.hpp"

namespace civicplan::cli {

namespace {

// The options that make one record instead of files, by the CSV column they fill.
const std::vector<std::string>& record_columns() {
  static const std::vector<std::string> kColumns = {"plan",   "action", "date",   "completion", "note",
                                                    "year",   "source", "actual", "metric",     "status"};
  return kColumns;
}

// The record given by options: --plan P --action A and the columns of one shape; a
// UsageError naming the options of each shape otherwise.
ExecutionRow row_from_options(const Args& args) {
  static const std::vector<std::vector<std::string>> kShapes = {
      {"plan", "action", "date", "completion"}, {"plan", "action", "year", "source", "actual"},
      {"plan", "action", "metric", "actual"}, {"plan", "action", "status"}};
  bool fits = false;
  for (const auto& shape : kShapes) {
    std::size_t given = 0;
    for (const auto& column : record_columns()) given += args.has(column);
    bool all = true;
    for (const auto& column : shape) all = all && args.has(column);
    const std::size_t extra = shape.front() == "plan" && shape.size() == 4 && shape[2] == "date" && args.has("note");
    fits = fits || (all && given == shape.size() + extra);
  }
  if (!fits) {
    throw UsageError("one record takes the options of one shape: --plan --action --date --completion [--note], "
                     "--plan --action --year --source --actual, --plan --action --metric --actual, or "
                     "--plan --action --status",
                     "record");
  }
  ExecutionRow row;
  // No row position: issues name the column, which the verb prints as its option.
  for (const auto& column : record_columns()) {
    if (auto v = args.value(column)) row.cells[column] = *v;
  }
  return row;
}

std::string show(const ExecutionChange& c, const nlohmann::json& v) {
  if (v.is_null()) return "—";
  if (c.field.rfind("progress[", 0) == 0) {
    const double c = v["completion"].get<double>();
    std::string s = (c == static_cast<long long>(c) ? std::to_string(static_cast<long long>(c)) : nlohmann::json(c).dump()) + "%";
    if (v.contains("note")) s += " \"" + v["note"].get<std::string>() + "\"";
    return s;
  }
  if (c.field.rfind("actual[", 0) == 0) {
    if (auto m = Money::from_euros(v.get<double>())) return m->to_display();
  }
  if (c.field == "evaluation") return v["date"].get<std::string>() + " \"" + v["text"].get<std::string>() + "\"";
  if (v.is_number_float() && v.get<double>() == static_cast<long long>(v.get<double>())) {
    return std::to_string(static_cast<long long>(v.get<double>()));
  }
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "progress 2024-06-30", "actual 2024 municipal", "target bambini", "status".
std::string what(const std::string& field) {
  auto open = field.find('[');
  if (open == std::string::npos) return field;
  std::string key = field.substr(open + 1, field.size() - open - 2);
  for (auto& c : key) {
    if (c == ',') c = ' ';
  }
  return field.substr(0, open) + " " + key;
}

void print_summary(std::ostream& out, const ExecutionSummary& s) {
  std::size_t plan_width = 4, action_width = 6, what_width = 5;
  for (const auto& c : s.changed) {
    plan_width = std::max(plan_width, display_width(c.plan));
    action_width = std::max(action_width, display_width(c.action));
    what_width = std::max(what_width, display_width(what(c.field)));
  }
  auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width > display_width(text) ? width - display_width(text) : 0, ' ');
  };
  for (const auto& c : s.changed) {
    out << "  " << pad(c.plan, plan_width) << "  " << pad(c.action, action_width) << "  "
        << pad(what(c.field), what_width) << "  " << show(c, c.before) << " -> " << show(c, c.after) << "\n";
  }
  out << (s.dry_run ? "would change " : "changed ") << s.changed.size() << (s.changed.size() == 1 ? " value" : " values")
      << ", " << s.unchanged << " already so";
  if (!s.revisions.empty()) {
    out << "; " << (s.dry_run ? "new revisions would be" : "new revisions:");
    for (const auto& [plan, rev] : s.revisions) out << " " << plan << "@" << rev;
  }
  out << "\n";
  if (s.dry_run) out << "dry run: nothing was written\n";
}

}  // namespace

int run_record(const Args& args, Io& io) {
  const std::string& db = args.positionals().front();
  const std::vector<std::string> files(args.positionals().begin() + 1, args.positionals().end());
  bool single = false;
  for (const auto& column : record_columns()) single = single || args.has(column);
  if (single == !files.empty()) {
    throw UsageError(files.empty() ? "give execution CSV files, or one record with --plan, --action and its values"
                                   : "give either CSV files or a record in options (--plan ...), not both",
                     "record");
  }
  const bool dry_run = args.has("dry-run");
  Workspace base = open_existing_workspace(db, dry_run || args.has("read-only"));
  Workspace ws = args.value("user") ? base.as_user(*args.value("user")) : std::move(base);
  ExecutionSummary summary;
  try {
    if (auto text = args.value("evaluation")) {
      if (!args.value("plan") || !args.value("date")) throw UsageError("--evaluation needs --plan and --date", "record");
      auto date = Date::parse(*args.value("date"));
      if (!date) throw UsageError("--date expects YYYY-MM-DD, got " + *args.value("date"), "record");
      const auto before = ws.plan(*args.value("plan")).revision;
      const auto after = ws.record_evaluation(*args.value("plan"), *date, *text);
      io.out << (after == before ? "unchanged: " : "recorded the evaluation of ") << *args.value("plan") << "@" << after
             << "\n";
      return 0;
    }
    summary = single ? ws.import_execution(std::vector<ExecutionRow>{row_from_options(args)}, dry_run)
                     : ws.import_execution(files, dry_run);
  } catch (const ValidationError& e) {
    for (const auto& issue : e.issues()) {
      if (!issue.path.empty()) io.err << (single ? "--" : "") << issue.path << ": ";
      io.err << issue.message << "\n";
    }
    io.err << "civicplan: error: nothing was recorded: " << e.issues().size()
           << (e.issues().size() == 1 ? " problem" : " problems") << "\n";
    return 1;
  }
  if (args.value("format").value_or("table") == "json") {
    io.out << summary.to_json().dump(1) << "\n";
    return 0;
  }
  print_summary(io.out, summary);
  return 0;
}

}  // namespace civicplan::cli
