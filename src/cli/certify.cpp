// SPDX-License-Identifier: Apache-2.0
// The `certify` verb: evaluate bodies under a certification scheme.
#include <cstdlib>
#include <ostream>

#include "commands.hpp"
#include "civicplan/indicator.hpp"

namespace civicplan::cli {

namespace {

int parse_year(const std::string& text) {
  char* end = nullptr;
  const long y = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || y < kMinYear || y > kMaxYear) {
    throw UsageError("--year expects a year such as 2021, got \"" + text + "\"", "certify");
  }
  return static_cast<int>(y);
}

std::string num(double v) { return format_value(v, v == static_cast<long long>(v) ? 0 : 2); }

std::string name_of(const Workspace& ws, const std::string& id) {
  const auto model = ws.model();
  const auto& bodies = model->bodies;
  auto it = bodies.find(id);
  return it == bodies.end() || it->second.name == id ? id : it->second.name + " (" + id + ")";
}

void print_report(std::ostream& out, const Workspace& ws, const CertificationReport& r) {
  out << name_of(ws, r.body) << " — " << r.scheme << " " << r.year << " (rules of " << r.version << ")"
      << (r.preview ? ", preview counting draft and submitted plans" : "") << "\n";
  out << "  " << (r.passed ? "PASSED" : "NOT PASSED") << ": " << num(r.points) << " points";
  if (r.min_points) out << ", " << num(*r.min_points) << " required";
  out << "\n";
  for (const auto& rule : r.rules) {
    const char* mark = rule.outcome == Outcome::kPass ? "✓" : rule.outcome == Outcome::kFail ? "✗" : "?";
    out << "  " << mark << " " << rule.label << (rule.mandatory ? " [mandatory]" : "") << ": " << rule.message;
    if (rule.points != 0) out << " (+" << num(rule.points) << ")";
    out << "\n";
  }
  if (!r.passed) {
    if (!r.missing_mandatory.empty()) {
      out << "  missing mandatory rules:";
      for (const auto& id : r.missing_mandatory) out << " " << id;
      out << "\n";
    }
    if (r.points_needed > 0) out << "  points still needed: " << num(r.points_needed) << "\n";
  }
}

void print_summary(std::ostream& out, const Workspace& ws, const CertificationTable& t) {
  out << t.scheme << " " << t.year << " (rules of " << t.version << ")"
      << (t.preview ? ", preview" : "") << "\n";
  std::size_t width = 4;
  std::vector<std::string> names;
  for (const auto& body : t.bodies) {
    names.push_back(name_of(ws, body));
    width = std::max(width, display_width(names.back()));
  }
  std::size_t passed = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto r = t.report(i);
    passed += r.passed ? 1 : 0;
    std::string points = num(r.points) + (r.min_points ? "/" + num(*r.min_points) : "");
    out << "  " << (r.passed ? "✓" : "✗") << " " << names[i] << std::string(width - display_width(names[i]), ' ')
        << "  " << std::string(points.size() < 7 ? 7 - points.size() : 0, ' ') << points;
    if (!r.passed) out << "  " << r.top_reason();
    out << "\n";
  }
  out << "  " << passed << " of " << t.size() << " passed\n";
}

}  // namespace

int run_certify(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals().front());
  const auto scheme = args.value("scheme");
  const auto year = args.value("year");
  if (!scheme) throw UsageError("--scheme is required", "certify");
  if (!year) throw UsageError("--year is required", "certify");
  const auto bodies = args.values("body");
  const bool preview = args.has("preview");
  const auto table = ws.certify_all(*scheme, parse_year(*year), bodies, preview);
  const std::string format = args.value("format").value_or("table");
  if (format == "json") {
    io.out << (bodies.size() == 1 ? table.report(0).to_json() : table.to_json()).dump(1) << "\n";
  } else if (format == "csv") {
    io.out << table.to_csv();
  } else if (bodies.size() == 1) {
    print_report(io.out, ws, table.report(0));
  } else {
    print_summary(io.out, ws, table);
  }
  // A single body asked for: its failure is the command's failure.
  if (bodies.size() == 1 && !table.passed.front()) return 1;
  return 0;
}

}  // namespace civicplan::cli
