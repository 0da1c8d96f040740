// SPDX-License-Identifier: Apache-2.0
// Explanations as JSON and as an indented text tree.
#include "civicplan/explain.hpp"

#include <cmath>
#include <cstdio>

namespace civicplan {

namespace {

std::string number(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.15g", v);
  return text;
}

// A value as the text tree shows it: whole numbers whole, others to 4 decimals (the JSON keeps
// every digit).
std::string readable(double v) {
  // Checked before the cast: converting a double beyond long long's range is undefined.
  if (!std::isfinite(v) || std::fabs(v) >= 1e15) return number(v);
  if (v == std::trunc(v)) return number(v);
  char text[64];
  std::snprintf(text, sizeof text, "%.4f", v);
  std::string s = text;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "0" || s == "-0") return number(v);  // too small for 4 decimals
  return s;
}

std::string shown(const std::optional<double>& v) { return v ? readable(*v) : std::string("null"); }

// A literal ("1000", "true") says its value itself: the text tree leaves it out.
bool literal(const Explanation& e) {
  if (!e.children.empty() || e.facts_total > 0 || !e.value) return false;
  if (e.expression == "true" || e.expression == "false") return true;
  return e.expression == number(*e.value);
}

void draw(const Explanation& e, const Explanation* parent, int depth, std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  out += indent + e.expression + " = " + shown(e.value);
  std::vector<std::string> notes;
  if (e.indicator) {
    notes.push_back("indicator " + *e.indicator +
                    (e.formula_from ? ", formula from " + std::to_string(*e.formula_from) : std::string()));
  }
  if (!parent || parent->body != e.body || parent->year != e.year) notes.push_back(e.body + " in " + std::to_string(e.year));
  if (!notes.empty()) {
    out += "  [";
    for (std::size_t i = 0; i < notes.size(); ++i) out += (i ? "; " : "") + notes[i];
    out += "]";
  }
  // A null node repeats its child's reason: the tree shows it where it starts.
  bool from_child = false;
  for (const auto& c : e.children) from_child = from_child || (c.null_reason && c.null_reason == e.null_reason);
  if (e.null_reason && !from_child) out += "  — " + *e.null_reason;
  out += "\n";
  for (const auto& f : e.facts) {
    out += indent + "    · " + f.kind + " " + f.ref + " (" + std::to_string(f.year) + ")";
    if (f.value) out += ": " + readable(*f.value);
    out += "\n";
  }
  if (e.facts_total > e.facts.size()) {
    out += indent + "    · … and " + std::to_string(e.facts_total - e.facts.size()) + " more\n";
  }
  for (const auto& c : e.children) {
    if (!literal(c)) draw(c, &e, depth + 1, out);
  }
  if (e.children_total > e.children.size()) {
    out += indent + "  … and " + std::to_string(e.children_total - e.children.size()) + " more members\n";
  }
}

}  // namespace

nlohmann::json Explanation::to_json() const {
  nlohmann::json j;
  j["expression"] = expression;
  j["body"] = body;
  j["year"] = year;
  j["value"] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  if (indicator) j["indicator"] = *indicator;
  if (formula_from) j["formula_from"] = *formula_from;
  if (null_reason) j["null_reason"] = *null_reason;
  auto facts_json = nlohmann::json::array();
  for (const auto& f : facts) {
    facts_json.push_back({{"kind", f.kind},
                          {"ref", f.ref},
                          {"year", f.year},
                          {"value", f.value ? nlohmann::json(*f.value) : nlohmann::json(nullptr)}});
  }
  j["facts"] = std::move(facts_json);
  j["facts_total"] = facts_total;
  auto kids = nlohmann::json::array();
  for (const auto& c : children) kids.push_back(c.to_json());
  j["children"] = std::move(kids);
  j["children_total"] = children_total;
  return j;
}

std::string Explanation::to_text() const {
  std::string out;
  draw(*this, nullptr, 0, out);
  return out;
}

}  // namespace civicplan
