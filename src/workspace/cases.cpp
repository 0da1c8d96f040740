// SPDX-License-Identifier: Apache-2.0
// Rule test cases: read a civicplan-cases file, import its bundles, run and report its cases.
#include "civicplan/cases.hpp"

#include <cmath>
#include <cstdio>

#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "io/json_reader.hpp"

namespace civicplan {

namespace {

using detail::child;
using detail::item;
using detail::json;

constexpr double kDefaultMargin = 1e-9;

struct CaseSpec {
  std::string name, body, kind, target;
  int year = 0;
  bool preview = false;
  std::map<std::string, double> parameters;
  json expect;
  double margin = kDefaultMargin;
};

std::string shown(const json& v) {
  if (v.is_number()) {
    char text[64];
    std::snprintf(text, sizeof text, "%.15g", v.get<double>());
    return text;
  }
  return v.dump();
}

// The directory part of `path`, with its slash ("" for a bare file name).
std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

bool near(const json& expected, const std::optional<double>& got, double margin) {
  if (expected.is_null()) return !got;
  if (!got) return false;
  const double want = expected.is_boolean() ? (expected.get<bool>() ? 1.0 : 0.0) : expected.get<double>();
  return std::fabs(*got - want) <= margin;
}

json value_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// Reads the file's cases; every problem is an issue with the file's name before its path.
std::vector<CaseSpec> read_cases(const json& doc, const std::string& file, std::vector<std::string>& bundles) {
  std::vector<Issue> issues;
  detail::Reader r(issues);
  std::vector<CaseSpec> out;
  if (r.object(doc, "", {"format", "version", "description", "bundles", "cases"})) {
    if (auto format = r.string(doc, "format", "", true); format && *format != "civicplan-cases") {
      r.error("format", "expected \"civicplan-cases\", got " + detail::quote(*format));
    }
    r.integer(doc, "version", "", true, 1, 1, "cases format version");
    bundles = r.strings(doc, "bundles", "", true);
    if (const json* cases = r.array(doc, "cases", "", true)) {
      for (std::size_t i = 0; i < cases->size(); ++i) {
        const json& c = (*cases)[i];
        const std::string path = item("cases", i);
        if (!r.object(c, path, {"name", "body", "year", "preview", "parameters", "expression", "indicator", "certify",
                                "expect", "margin", "description"})) {
          continue;
        }
        CaseSpec spec;
        spec.name = r.string(c, "name", path, true).value_or("");
        spec.body = r.string(c, "body", path, true).value_or("");
        spec.year = r.year(c, "year", path, true).value_or(0);
        if (const json* p = detail::Reader::get(c, "preview")) {
          if (!p->is_boolean()) r.error(child(path, "preview"), "expected true or false, got " + detail::describe(*p));
          else spec.preview = p->get<bool>();
        }
        int targets = 0;
        for (const char* kind : {"expression", "indicator", "certify"}) {
          if (auto t = r.string(c, kind, path, false)) {
            ++targets;
            spec.kind = kind;
            spec.target = *t;
          }
        }
        if (targets != 1) r.error(path, "give exactly one of expression, indicator or certify");
        if (const json* params = detail::Reader::get(c, "parameters")) {
          const std::string pp = child(path, "parameters");
          if (spec.kind != "certify") {
            r.error(pp, "only a certify case takes parameters");
          } else if (!params->is_object()) {
            r.error(pp, "expected an object of numbers, got " + detail::describe(*params));
          } else {
            for (const auto& kv : params->items()) {
              if (!kv.value().is_number()) {
                r.error(child(pp, kv.key()), "expected a number, got " + detail::describe(kv.value()));
              } else {
                spec.parameters[kv.key()] = kv.value().get<double>();
              }
            }
          }
        }
        const std::string ep = child(path, "expect");
        if (!c.contains("expect")) {
          r.error(ep, "is required");
        } else {
          const json& e = c["expect"];
          if (spec.kind == "certify") {
            if (r.object(e, ep, {"passed", "points"})) {
              if (e.empty()) r.error(ep, "expected passed, points or both");
              if (e.contains("passed") && !e["passed"].is_boolean()) {
                r.error(child(ep, "passed"), "expected true or false, got " + detail::describe(e["passed"]));
              }
              if (e.contains("points") && !e["points"].is_number()) {
                r.error(child(ep, "points"), "expected a number, got " + detail::describe(e["points"]));
              }
            }
          } else if (!e.is_null() && !e.is_number() && !e.is_boolean()) {
            r.error(ep, "expected a number, true, false or null, got " + detail::describe(e));
          }
          spec.expect = e;
        }
        if (auto m = r.number(c, "margin", path, false)) {
          if (*m < 0) r.error(child(path, "margin"), "expected a margin of 0 or more");
          spec.margin = *m;
        }
        out.push_back(std::move(spec));
      }
    }
  }
  if (!issues.empty()) {
    for (auto& issue : issues) issue.path = issue.path.empty() ? file : file + ": " + issue.path;
    throw ValidationError(std::move(issues));
  }
  return out;
}

CaseResult run_case(const Workspace& ws, const CaseSpec& spec) {
  CaseResult result;
  result.name = spec.name;
  result.body = spec.body;
  result.year = spec.year;
  result.kind = spec.kind;
  result.target = spec.target;
  result.expected = spec.expect;
  try {
    if (spec.kind == "certify") {
      CertifyOptions options;
      options.preview = spec.preview;
      options.parameters = spec.parameters;
      auto report = ws.certify(spec.body, spec.target, spec.year, options);
      result.got = {{"passed", report.passed}, {"points", report.points}};
      result.passed = true;
      if (spec.expect.contains("passed") && spec.expect["passed"].get<bool>() != report.passed) result.passed = false;
      if (spec.expect.contains("points") && !near(spec.expect["points"], report.points, spec.margin)) {
        result.passed = false;
      }
      if (!result.passed) {
        options.explain = true;
        result.report = ws.certify(spec.body, spec.target, spec.year, options);
      }
    } else {
      // One evaluation gives the value and its explanation.
      Explanation e = ws.explain(spec.target, spec.body, spec.year, spec.preview);
      result.got = value_json(e.value);
      result.passed = near(spec.expect, e.value, spec.margin);
      if (!result.passed) result.explanation = std::move(e);
    }
  } catch (const Error& e) {
    result.passed = false;
    result.got = nullptr;
    result.error = e.what();
  }
  return result;
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += prefix + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::string CaseResult::details() const {
  if (passed) return "";
  std::string out;
  out += "expected: " + (kind == "certify" ? expected.dump() : shown(expected)) + "\n";
  if (!error.empty()) {
    out += "error:    " + error + "\n";
    return out;
  }
  out += "got:      " + (kind == "certify" ? got.dump() : shown(got)) + "\n";
  if (explanation) out += "explanation:\n" + indent(explanation->to_text(), "  ");
  if (report) {
    out += "rules:\n";
    for (const auto& rule : report->rules) {
      const char* mark = rule.outcome == Outcome::kPass ? "✓" : rule.outcome == Outcome::kFail ? "✗" : "?";
      out += std::string("  ") + mark + " " + rule.id + (rule.mandatory ? " [mandatory]" : "") + ": " + rule.message;
      char points[32];
      std::snprintf(points, sizeof points, "%.15g", rule.points);
      out += std::string(" (") + points + " points)\n";
      if (rule.explanation) out += indent(rule.explanation->to_text(), "      ");
    }
    if (report->min_points_explanation) {
      out += "  min_points:\n" + indent(report->min_points_explanation->to_text(), "      ");
    }
  }
  return out;
}

std::size_t CaseRun::failed() const {
  std::size_t n = 0;
  for (const auto& r : results) n += r.passed ? 0 : 1;
  return n;
}

nlohmann::json CaseRun::to_json() const {
  json cases = json::array();
  for (const auto& r : results) {
    json c = {{"name", r.name},     {"body", r.body},         {"year", r.year},     {"kind", r.kind},
              {"target", r.target}, {"passed", r.passed},     {"expected", r.expected}, {"got", r.got}};
    if (!r.error.empty()) c["error"] = r.error;
    if (r.explanation) c["explanation"] = r.explanation->to_json();
    if (r.report) c["report"] = r.report->to_json();
    cases.push_back(std::move(c));
  }
  return {{"path", path}, {"passed", passed()}, {"failed", failed()}, {"cases", std::move(cases)}};
}

std::string CaseRun::to_text() const {
  std::string out = path + ": " + std::to_string(results.size()) + (results.size() == 1 ? " case\n" : " cases\n");
  for (const auto& r : results) {
    out += std::string(r.passed ? "  ok    " : "  FAIL  ") + r.name + "  (" + r.kind + " " + r.target + ", " + r.body +
           " " + std::to_string(r.year) + ")\n";
    if (!r.passed) out += indent(r.details(), "        ");
  }
  out += std::to_string(results.size() - failed()) + " passed, " + std::to_string(failed()) + " failed\n";
  return out;
}

CaseRun run_cases(const std::string& path) {
  const json doc = read_json_file(path);
  std::vector<std::string> bundles;
  const auto specs = read_cases(doc, path, bundles);
  Workspace ws;
  const std::string dir = directory_of(path);
  for (std::size_t i = 0; i < bundles.size(); ++i) {
    const std::string file = !bundles[i].empty() && bundles[i][0] == '/' ? bundles[i] : dir + bundles[i];
    try {
      ws.import_file(file);
    } catch (const ValidationError& e) {
      std::vector<Issue> issues{{path + ": " + item("bundles", i), file + " does not import"}};
      for (const auto& issue : e.issues()) {
        issues.push_back({issue.path.empty() ? file : file + ": " + issue.path, issue.message});
      }
      throw ValidationError(std::move(issues));
    } catch (const ParseError&) {
      throw;
    } catch (const Error& e) {
      throw ValidationError({{path + ": " + item("bundles", i), e.what()}});
    }
  }
  CaseRun run;
  run.path = path;
  for (const auto& spec : specs) run.results.push_back(run_case(ws, spec));
  return run;
}

}  // namespace civicplan
