// SPDX-License-Identifier: Apache-2.0
// The `certify` verb: evaluate bodies under a certification scheme.
#include <cmath>
#include <cstdlib>
#include <algorithm>
#include <map>
#include <ostream>

#include "commands.hpp"
#include "civicplan/indicator.hpp"

namespace civicplan::cli {

int parse_year(const std::string& text, const std::string& verb) {
  char* end = nullptr;
  const long y = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || y < kMinYear || y > kMaxYear) {
    throw UsageError("--year expects a year such as 2021, got \"" + text + "\"", verb);
  }
  return static_cast<int>(y);
}

namespace {

// The parameters of --set NAME=VALUE options.
std::map<std::string, double> parse_settings(const std::vector<std::string>& settings) {
  std::map<std::string, double> out;
  for (const auto& s : settings) {
    const auto eq = s.find('=');
    const std::string name = eq == std::string::npos ? s : s.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : s.substr(eq + 1);
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (name.empty() || value.empty() || *end != '\0' || !std::isfinite(v)) {
      throw UsageError("--set expects NAME=VALUE with a number, such as soglia_popolazione=3000, got \"" + s + "\"",
                       "certify");
    }
    if (out.count(name)) throw UsageError("--set gives " + name + " twice", "certify");
    out[name] = v;
  }
  return out;
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
    if (rule.explanation) {
      std::string tree = rule.explanation->to_text();
      std::size_t start = 0;
      while (start < tree.size()) {
        const auto nl = tree.find('\n', start);
        out << "      " << tree.substr(start, nl - start) << "\n";
        start = nl == std::string::npos ? tree.size() : nl + 1;
      }
    }
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

namespace {

// The baseline, the scenario and who gains or loses, for --set.
void print_comparison(std::ostream& out, const Workspace& ws, const CertificationTable& base,
                      const CertificationTable& scenario, const std::map<std::string, double>& settings) {
  auto passed = [](const CertificationTable& t) {
    std::size_t n = 0;
    for (auto p : t.passed) n += p;
    return n;
  };
  out << base.scheme << " " << base.year << " (rules of " << base.version << ")" << (base.preview ? ", preview" : "")
      << "\n";
  out << "  baseline: " << passed(base) << " of " << base.size() << " passed\n";
  out << "  scenario:";
  for (const auto& [name, value] : settings) out << " " << name << "=" << num(value);
  out << ": " << passed(scenario) << " of " << scenario.size() << " passed\n";
  const auto diff = base.compare(scenario);
  auto line = [&](const char* mark, const std::string& body) {
    std::size_t i = 0, k = 0;
    while (i < base.size() && base.bodies[i] != body) ++i;
    while (k < scenario.size() && scenario.bodies[k] != body) ++k;
    out << "    " << mark << " " << name_of(ws, body);
    if (i < base.size() && k < scenario.size()) {
      const auto before = base.report(i), after = scenario.report(k);
      auto points = [](const CertificationReport& r) {
        return num(r.points) + (r.min_points ? "/" + num(*r.min_points) : "");
      };
      out << "  " << points(before) << " → " << points(after);
      if (!after.passed) out << "  " << after.top_reason();
    }
    out << "\n";
  };
  out << "  gain the certificate: " << diff.gained.size() << "\n";
  for (const auto& b : diff.gained) line("+", b);
  out << "  lose the certificate: " << diff.lost.size() << "\n";
  for (const auto& b : diff.lost) line("-", b);
  std::size_t changed = 0;
  for (const auto& kv : diff.points_delta) {
    if (std::find(diff.gained.begin(), diff.gained.end(), kv.first) == diff.gained.end() &&
        std::find(diff.lost.begin(), diff.lost.end(), kv.first) == diff.lost.end()) {
      ++changed;
    }
  }
  out << "  points change, certificate unchanged: " << changed << "\n";
  for (const auto& [body, delta] : diff.points_delta) {
    if (std::find(diff.gained.begin(), diff.gained.end(), body) != diff.gained.end() ||
        std::find(diff.lost.begin(), diff.lost.end(), body) != diff.lost.end()) {
      continue;
    }
    out << "    ~ " << name_of(ws, body) << "  " << (delta > 0 ? "+" : "") << num(delta) << "\n";
  }
}

}  // namespace

int run_certify(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals().front());
  const auto scheme = args.value("scheme");
  const auto year = args.value("year");
  if (!scheme) throw UsageError("--scheme is required", "certify");
  if (!year) throw UsageError("--year is required", "certify");
  const auto bodies = args.values("body");
  const std::string format = args.value("format").value_or("table");
  CertifyOptions options;
  options.preview = args.has("preview");
  options.explain = args.has("explain");
  if (options.explain && bodies.size() != 1) throw UsageError("--explain needs exactly one --body", "certify");
  const int y = parse_year(*year, "certify");
  if (args.has("set")) {
    if (options.explain) throw UsageError("--explain and --set do not go together", "certify");
    if (format == "csv") throw UsageError("--set prints a comparison: use --format table or json", "certify");
    const auto settings = parse_settings(args.values("set"));
    const auto base = ws.certify_all(*scheme, y, bodies, options);
    CertifyOptions changed = options;
    changed.parameters = settings;
    const auto scenario = ws.certify_all(*scheme, y, bodies, changed);
    if (format == "json") {
      io.out << nlohmann::json{{"parameters", settings},
                               {"baseline", base.to_json()},
                               {"scenario", scenario.to_json()},
                               {"compare", base.compare(scenario).to_json()}}
                    .dump(1)
             << "\n";
    } else {
      print_comparison(io.out, ws, base, scenario, settings);
    }
    return 0;
  }
  if (options.explain) {
    const auto report = ws.certify(bodies.front(), *scheme, y, options);
    if (format == "json") io.out << report.to_json().dump(1) << "\n";
    else if (format == "csv") throw UsageError("--explain prints a report: use --format table or json", "certify");
    else print_report(io.out, ws, report);
    return report.passed ? 0 : 1;
  }
  const auto table = ws.certify_all(*scheme, y, bodies, options);
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
