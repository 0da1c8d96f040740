// SPDX-License-Identifier: Apache-2.0
// Certification rulesets: parsing, compiling, and batch evaluation into reports.
#include "civicplan/certification.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <tuple>


#include "civicplan/indicator.hpp"
#include "base/cycles.hpp"
#include "engines/certification/ruleset_set.hpp"

namespace civicplan {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "pass";
    case Outcome::kFail: return "fail";
    case Outcome::kMissingData: return "missing_data";
  }
  return "?";
}

const RulesetVersion* Ruleset::version_for(int year) const {
  const RulesetVersion* best = nullptr;
  for (const auto& v : versions) {
    if (v.from <= year) best = &v;
  }
  return best;
}

bool Ruleset::applies(BodyKind kind) const {
  return std::find(applies_to.begin(), applies_to.end(), kind) != applies_to.end();
}

namespace {

std::string number(double v) {
  if (std::isnan(v)) return "null";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return format_value(v, 0);
  return format_value(v, 2);
}

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string CertificationReport::top_reason() const {
  if (passed) return "";
  for (const auto& r : rules) {
    if (r.mandatory && r.outcome != Outcome::kPass) return r.label + ": " + r.message;
  }
  if (!min_points) return "the minimum points could not be computed (missing data)";
  return number(points) + " points, " + number(*min_points) + " required";
}

nlohmann::json CertificationReport::to_json() const {
  nlohmann::json j;
  j["body"] = body;
  j["scheme"] = scheme;
  j["year"] = year;
  j["version"] = version;
  j["preview"] = preview;
  j["passed"] = passed;
  j["points"] = points;
  j["min_points"] = optional_number(min_points);
  j["points_needed"] = points_needed;
  j["missing_mandatory"] = missing_mandatory;
  j["top_reason"] = top_reason();
  auto arr = nlohmann::json::array();
  for (const auto& r : rules) {
    arr.push_back({{"id", r.id},
                   {"label", r.label},
                   {"outcome", to_string(r.outcome)},
                   {"mandatory", r.mandatory},
                   {"value", optional_number(r.value)},
                   {"threshold", optional_number(r.threshold)},
                   {"points", r.points},
                   {"message", r.message}});
    if (r.explanation) arr.back()["explanation"] = r.explanation->to_json();
  }
  j["rules"] = std::move(arr);
  if (min_points_explanation) j["min_points_explanation"] = min_points_explanation->to_json();
  return j;
}

nlohmann::json CertificationComparison::to_json() const {
  return {{"gained", gained}, {"lost", lost}, {"points_delta", points_delta}};
}

CertificationComparison CertificationTable::compare(const CertificationTable& other) const {
  // Both tables list their bodies sorted by id: one merge.
  CertificationComparison c;
  std::size_t i = 0, k = 0;
  while (i < size() || k < other.size()) {
    const bool here = i < size() && (k >= other.size() || bodies[i] <= other.bodies[k]);
    const bool there = k < other.size() && (i >= size() || other.bodies[k] <= bodies[i]);
    const bool before = here && passed[i];
    const bool after = there && other.passed[k];
    const std::string& body = here ? bodies[i] : other.bodies[k];
    if (after && !before) c.gained.push_back(body);
    if (before && !after) c.lost.push_back(body);
    if (here && there && points[i] != other.points[k]) c.points_delta[body] = other.points[k] - points[i];
    if (here) ++i;
    if (there) ++k;
  }
  return c;
}

std::string RuleColumn::message(std::size_t i) const {
  const Outcome o = outcomes.at(i);
  if (o == Outcome::kMissingData) {
    auto it = missing_.find(i);
    return it == missing_.end() ? "data missing" : it->second;
  }
  switch (form_) {
    case Form::kScore:
      return number(values[i]) + " points";
    case Form::kCondition:
      return o == Outcome::kPass ? "condition met" : "condition not met";
    case Form::kComparison: {
      const std::string v = number(values[i]);
      std::string found = noun_.empty() ? v : noun_first_ ? noun_ + " " + v : v + " " + noun_;
      return found + before_ + number(thresholds[i]) + after_;
    }
  }
  return "";
}

RuleResult RuleColumn::result(std::size_t i) const {
  RuleResult r;
  r.id = id;
  r.label = label;
  r.outcome = outcomes.at(i);
  r.mandatory = mandatory;
  if (!std::isnan(values[i])) r.value = values[i];
  if (!std::isnan(thresholds[i])) r.threshold = thresholds[i];
  r.points = points[i];
  r.message = message(i);
  return r;
}

CertificationReport CertificationTable::report(std::size_t i) const {
  if (i >= size()) {
    throw std::out_of_range("report " + std::to_string(i) + " of a table of " + std::to_string(size()) + " bodies");
  }
  CertificationReport r;
  r.body = bodies[i];
  r.scheme = scheme;
  r.year = year;
  r.version = version;
  r.preview = preview;
  r.passed = passed[i] != 0;
  r.points = points[i];
  if (!std::isnan(min_points[i])) {
    r.min_points = min_points[i];
    r.points_needed = std::max(0.0, min_points[i] - points[i]);
  }
  r.rules.reserve(rules.size());
  for (const auto& column : rules) {
    r.rules.push_back(column.result(i));
    if (column.mandatory && column.outcomes[i] != Outcome::kPass) r.missing_mandatory.push_back(column.id);
  }
  return r;
}

std::vector<CertificationReport> CertificationTable::reports() const {
  std::vector<CertificationReport> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(report(i));
  return out;
}

nlohmann::json CertificationTable::to_json() const {
  auto arr = nlohmann::json::array();
  for (std::size_t i = 0; i < size(); ++i) arr.push_back(report(i).to_json());
  return {{"scheme", scheme}, {"year", year}, {"version", version}, {"preview", preview}, {"reports", arr}};
}

std::string CertificationTable::to_csv() const {
  std::ostringstream out;
  out << "body,passed,points,min_points";
  for (const auto& id : rule_ids) out << "," << id;
  out << "\n";
  for (std::size_t i = 0; i < size(); ++i) {
    out << bodies[i] << "," << (passed[i] ? "true" : "false") << "," << format_value(points[i], -1) << ","
        << (std::isnan(min_points[i]) ? "" : format_value(min_points[i], -1));
    for (const auto& column : rules) out << "," << to_string(column.outcomes[i]);
    out << "\n";
  }
  return out.str();
}

void to_json(nlohmann::json& j, const Ruleset& r) {
  j = nlohmann::json::object();
  j["id"] = r.id;
  j["label"] = r.label;
  auto kinds = nlohmann::json::array();
  for (auto k : r.applies_to) kinds.push_back(to_string(k));
  j["applies_to"] = kinds;
  auto versions = nlohmann::json::array();
  for (const auto& v : r.versions) {
    nlohmann::json vj{{"from", v.from}, {"parameters", v.parameters}};
    auto rules = nlohmann::json::array();
    for (const auto& rule : v.rules) {
      nlohmann::json rj{{"id", rule.id}, {"label", rule.label}};
      if (rule.check) {
        if (rule.mandatory) rj["mandatory"] = true;
        if (rule.points != 0) rj["points"] = rule.points;
        rj["check"] = *rule.check;
      } else if (rule.score) {
        rj["score"] = *rule.score;
      }
      rules.push_back(std::move(rj));
    }
    vj["rules"] = std::move(rules);
    vj["pass"] = nlohmann::json::object();
    if (v.min_points) vj["pass"]["min_points"] = *v.min_points;
    versions.push_back(std::move(vj));
  }
  j["versions"] = std::move(versions);
}

namespace detail {

namespace {

const std::vector<std::string> kKinds = {"municipality", "union",  "district",    "province",
                                         "region",       "agency", "organization"};


bool is_comparison(NodeKind k) {
  return k == NodeKind::kEq || k == NodeKind::kNe || k == NodeKind::kLt || k == NodeKind::kLe ||
         k == NodeKind::kGt || k == NodeKind::kGe;
}

bool compare(NodeKind k, double a, double b) {
  switch (k) {
    case NodeKind::kEq: return a == b;
    case NodeKind::kNe: return a != b;
    case NodeKind::kLt: return a < b;
    case NodeKind::kLe: return a <= b;
    case NodeKind::kGt: return a > b;
    case NodeKind::kGe: return a >= b;
    default: return false;
  }
}

// What a side of a comparison counts, for messages: "6 actions".
std::string noun(const CNode& n) {
  if (n.kind == NodeKind::kName) return n.name;
  if (n.kind == NodeKind::kLag && !n.args.empty()) return noun(n.args[0]);
  if (n.kind != NodeKind::kCall) return "";
  switch (n.fn) {
    case Fn::kActions: return "actions";
    case Fn::kBudget: case Fn::kCharged: case Fn::kCollected: return "euros";
    case Fn::kPlans: return "plans";
    case Fn::kCategories: return "categories";
    case Fn::kCases: case Fn::kNewCases: return "cases";
    case Fn::kPlaces: return "places";
    case Fn::kRating: return "average rating";
    case Fn::kCompletion: return "% complete";
    case Fn::kYearsHeld: return "years held";
    default: return "";
  }
}

// The wording around the threshold of a failed or passed comparison: ", 8 required".
std::pair<std::string, std::string> comparison_wording(NodeKind k) {
  switch (k) {
    case NodeKind::kGe: return {", ", " required"};
    case NodeKind::kGt: return {", more than ", " required"};
    case NodeKind::kLe: return {", at most ", " allowed"};
    case NodeKind::kLt: return {", less than ", " required"};
    case NodeKind::kEq: return {", exactly ", " required"};
    case NodeKind::kNe: return {", anything but ", " required"};
    default: return {"", ""};
  }
}

// Names the first statistic that is missing for the body, for a missing_data message.
std::string missing_message(Evaluator& ev, const CNode& n, int body, int year) {
  std::vector<std::pair<const CNode*, int>> stack{{&n, year}};
  while (!stack.empty()) {
    auto [node, y] = stack.back();
    stack.pop_back();
    if (node->kind == NodeKind::kName) {
      const auto v = ev.eval(*node, Batch{"", {body}}, y);
      if (is_null(v[0])) {
        return node->name + " " + std::to_string(y) + " missing for " + ev.facts().body_ids[body];
      }
      continue;
    }
    const int child_year = node->kind == NodeKind::kLag ? y + node->lag : y;
    for (auto it = node->args.rbegin(); it != node->args.rend(); ++it) stack.emplace_back(&*it, child_year);
  }
  return "data missing for " + ev.facts().body_ids[body] + " in " + std::to_string(year);
}

}  // namespace

const CompiledVersion* CompiledRuleset::version_for(int year) const {
  const CompiledVersion* best = nullptr;
  for (const auto& v : versions) {
    if (v.def.from <= year) best = &v;
  }
  return best;
}

std::optional<Ruleset> parse_ruleset(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "label", "applies_to", "versions"})) return std::nullopt;
  Ruleset rs;
  rs.id = r.string(v, "id", path, true).value_or("");
  rs.label = r.string(v, "label", path, true).value_or("");
  if (const json* arr = r.array(v, "applies_to", path, true)) {
    const auto ap = child(path, "applies_to");
    if (arr->empty()) r.error(ap, "needs at least one body kind");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& e = (*arr)[i];
      auto kind = e.is_string() ? body_kind_from_string(e.get<std::string>()) : std::nullopt;
      if (!kind) {
        const std::string s = e.is_string() ? e.get<std::string>() : describe(e);
        r.error(item(ap, i), "unknown body kind " + quote(s) + "; expected one of " + join(kKinds, ", ") +
                                 did_you_mean(s, kKinds));
        continue;
      }
      rs.applies_to.push_back(*kind);
    }
  }
  if (const json* arr = r.array(v, "versions", path, true)) {
    const auto vp = child(path, "versions");
    if (arr->empty()) r.error(vp, "needs at least one version");
    std::vector<int> froms;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& ver = (*arr)[i];
      const auto ip = item(vp, i);
      if (!r.object(ver, ip, {"from", "parameters", "rules", "pass"})) continue;
      RulesetVersion rv;
      auto from = r.year(ver, "from", ip, true);
      rv.from = from.value_or(0);
      if (from && std::find(froms.begin(), froms.end(), *from) != froms.end()) {
        r.error(child(ip, "from"), "two versions start in " + std::to_string(*from));
      }
      if (from) froms.push_back(*from);
      if (const json* params = Reader::get(ver, "parameters")) {
        const auto pp = child(ip, "parameters");
        if (!params->is_object()) {
          r.error(pp, "expected an object of numbers, got " + describe(*params));
        } else {
          for (const auto& kv : params->items()) {
            if (kv.value().is_boolean()) {
              rv.parameters[kv.key()] = kv.value().get<bool>() ? 1 : 0;
            } else if (kv.value().is_number()) {
              rv.parameters[kv.key()] = kv.value().get<double>();
            } else {
              r.error(child(pp, kv.key()), "expected a number, got " + describe(kv.value()));
            }
          }
        }
      }
      if (const json* rules = r.array(ver, "rules", ip, true)) {
        const auto rp = child(ip, "rules");
        std::vector<std::string> ids;
        for (std::size_t k = 0; k < rules->size(); ++k) {
          const auto& rule = (*rules)[k];
          const auto kp = item(rp, k);
          if (!r.object(rule, kp, {"id", "label", "mandatory", "points", "check", "score"})) continue;
          Rule ru;
          ru.id = r.string(rule, "id", kp, true).value_or("");
          ru.label = r.string(rule, "label", kp, true).value_or("");
          if (!ru.id.empty() && std::find(ids.begin(), ids.end(), ru.id) != ids.end()) {
            r.error(child(kp, "id"), "duplicate rule id " + quote(ru.id));
          }
          ids.push_back(ru.id);
          ru.check = r.string(rule, "check", kp, false);
          ru.score = r.string(rule, "score", kp, false);
          if (const json* m = Reader::get(rule, "mandatory")) {
            if (!m->is_boolean()) r.error(child(kp, "mandatory"), "expected true or false, got " + describe(*m));
            else ru.mandatory = m->get<bool>();
          }
          ru.points = r.number(rule, "points", kp, false).value_or(0);
          if (ru.check && ru.score) r.error(kp, "a rule has either a check or a score, not both");
          if (!ru.check && !ru.score) r.error(child(kp, "check"), "is required (or score)");
          if (ru.score && (Reader::get(rule, "points") || Reader::get(rule, "mandatory"))) {
            r.error(kp, "a score rule yields its points itself: points and mandatory belong to check rules");
          }
          rv.rules.push_back(std::move(ru));
        }
      }
      if (const json* pass = Reader::get(ver, "pass")) {
        const auto pp = child(ip, "pass");
        if (r.object(*pass, pp, {"min_points"})) {
          if (const json* mp = Reader::get(*pass, "min_points")) {
            if (mp->is_number()) {
              rv.min_points = format_value(mp->get<double>(), -1);
            } else if (mp->is_string()) {
              rv.min_points = mp->get<std::string>();
            } else {
              r.error(child(pp, "min_points"), "expected a number or an expression, got " + describe(*mp));
            }
          }
        }
      }
      rs.versions.push_back(std::move(rv));
    }
  }
  std::stable_sort(rs.versions.begin(), rs.versions.end(),
                   [](const RulesetVersion& a, const RulesetVersion& b) { return a.from < b.from; });
  return rs;
}

std::shared_ptr<const RulesetSet> RulesetSet::build(const Model& m, const Origins& origins,
                                                    std::vector<Issue>& issues, const Vocabulary* given) {
  auto set = std::make_shared<RulesetSet>();
  Reader r(issues);
  set->vocabulary_ = std::make_shared<const Vocabulary>(given ? *given : Vocabulary::from_model(m));
  const Vocabulary& base = *set->vocabulary_;
  for (const auto& [id, definition] : m.rulesets) {
    const std::string path = origins.of("rulesets", id);
    auto rs = parse_ruleset(definition, path, r);
    if (!rs) continue;
    CompiledRuleset cr;
    bool ok = true;
    // Versions were sorted by `from`; name them by their position in the input.
    const json* input_versions = Reader::get(definition, "versions");
    for (const auto& version : rs->versions) {
      std::size_t pos = 0;
      if (input_versions && input_versions->is_array()) {
        for (std::size_t i = 0; i < input_versions->size(); ++i) {
          const auto& iv = (*input_versions)[i];
          if (iv.is_object() && iv.contains("from") && iv["from"].is_number() && iv["from"].get<double>() == version.from) {
            pos = i;
          }
        }
      }
      const std::string vpath = item(child(path, "versions"), pos);
      Vocabulary vocab = base;
      vocab.parameters = version.parameters;
      CompiledVersion cv;
      cv.def = version;
      auto compile_at = [&](const std::string& text, const std::string& fpath) -> std::optional<CNode> {
        try {
          return compile_text(text, fpath, vocab);
        } catch (const ParseError& e) {
          std::string message = e.what();
          const std::string prefix = fpath + ":";
          if (message.compare(0, prefix.size(), prefix) == 0) message = message.substr(prefix.size());
          issues.push_back({fpath, message});
          ok = false;
          return std::nullopt;
        }
      };
      for (std::size_t k = 0; k < version.rules.size(); ++k) {
        const auto& rule = version.rules[k];
        const bool is_check = rule.check.has_value();
        const std::string text = is_check ? *rule.check : rule.score.value_or("");
        if (text.empty()) continue;
        const std::string rpath = child(item(child(vpath, "rules"), k), is_check ? "check" : "score");
        if (auto c = compile_at(text, rpath)) cv.rules.push_back({rule, std::move(*c)});
      }
      if (version.min_points) {
        cv.min_points = compile_at(*version.min_points, child(child(vpath, "pass"), "min_points"));
      }
      cr.versions.push_back(std::move(cv));
    }
    cr.def = std::move(*rs);
    if (ok) set->rulesets_.emplace(id, std::move(cr));
  }
  // certified() references between schemes must form no cycle.
  std::vector<std::string> ids;
  for (const auto& [id, cr] : set->rulesets_) ids.push_back(id);
  detail::DependencyGraph graph(ids);
  for (const auto& [id, cr] : set->rulesets_) {
    std::set<std::string> indicators, schemes;
    for (const auto& v : cr.versions) {
      for (const auto& rule : v.rules) collect_references(rule.expr, indicators, schemes);
      if (v.min_points) collect_references(*v.min_points, indicators, schemes);
    }
    for (const auto& s : schemes) graph.add(id, s);
  }
  if (auto names = graph.cycle()) {
    issues.push_back({origins.of("rulesets", names->front()), "ruleset cycle: " + format_cycle(*names)});
    set->rulesets_.clear();
  }
  return set;
}

const CompiledRuleset* RulesetSet::find(const std::string& id) const {
  auto it = rulesets_.find(id);
  return it == rulesets_.end() ? nullptr : &it->second;
}

namespace {

[[noreturn]] void no_version(const CompiledRuleset& rs, int year) {
  throw Error(ErrorCode::kNotFound, "ruleset \"" + rs.def.id + "\" has no version in force in " + std::to_string(year) +
                                        (rs.versions.empty() ? std::string()
                                                             : " (the first starts in " +
                                                                   std::to_string(rs.versions.front().def.from) + ")"));
}

}  // namespace

std::shared_ptr<const CompiledVersion> RulesetSet::with_parameters(const std::string& scheme, int year,
                                                                   const std::map<std::string, double>& parameters) const {
  const CompiledRuleset* rs = find(scheme);
  if (!rs) throw NotFoundError("ruleset", scheme);
  const CompiledVersion* version = rs->version_for(year);
  if (!version) no_version(*rs, year);
  std::vector<Issue> issues;
  for (const auto& [name, value] : parameters) {
    if (!version->def.parameters.count(name)) {
      std::vector<std::string> known;
      for (const auto& kv : version->def.parameters) known.push_back(kv.first);
      throw NotFoundError("parameter", name,
                          " in the " + std::to_string(version->def.from) + " version of " + scheme +
                              (known.empty() ? std::string(", which has no parameters")
                                             : "; its parameters are " + join(known, ", ") + did_you_mean(name, known)));
    }
    if (!std::isfinite(value)) issues.push_back({"parameters." + name, "expected a finite number"});
  }
  if (!issues.empty()) throw ValidationError(std::move(issues));
  Vocabulary vocab = vocabulary_ ? *vocabulary_ : Vocabulary{};
  vocab.parameters = version->def.parameters;
  for (const auto& [name, value] : parameters) vocab.parameters[name] = value;
  auto out = std::make_shared<CompiledVersion>();
  out->def = version->def;
  out->def.parameters = vocab.parameters;
  // The texts compiled before compile again: only the parameters' values differ.
  for (const auto& rule : version->rules) {
    const std::string& text = rule.def.check ? *rule.def.check : *rule.def.score;
    out->rules.push_back({rule.def, compile_text(text, scheme + "." + rule.def.id, vocab)});
  }
  if (version->min_points) out->min_points = compile_text(*version->def.min_points, scheme + ".min_points", vocab);
  return out;
}

CertificationTable RulesetSet::evaluate(Evaluator& ev, const std::string& scheme, const Batch& batch, int year,
                                          bool preview, const CompiledVersion* given) const {
  const CompiledRuleset* rs = find(scheme);
  if (!rs) throw NotFoundError("ruleset", scheme);
  const CompiledVersion* version = given ? given : rs->version_for(year);
  if (!version) no_version(*rs, year);
  const std::size_t n = batch.bodies.size();
  CertificationTable table;
  table.scheme = scheme;
  table.year = year;
  table.version = version->def.from;
  table.preview = preview;
  table.bodies.reserve(n);
  for (int b : batch.bodies) table.bodies.push_back(ev.facts().body_ids[b]);
  table.points.assign(n, 0.0);
  for (const auto& rule : version->rules) ev.expect(rule.expr);
  std::vector<std::uint8_t> mandatory_ok(n, 1);
  for (const auto& rule : version->rules) {
    const CNode& e = rule.expr;
    const bool comparison = rule.def.check && e.kind != NodeKind::kCall && is_comparison(e.kind);
    RuleColumn column;
    column.id = rule.def.id;
    column.label = rule.def.label;
    column.mandatory = rule.def.mandatory;
    column.outcomes.assign(n, Outcome::kFail);
    column.thresholds.assign(n, kNull);
    column.points.assign(n, 0.0);
    auto missing = [&](std::size_t i) {
      column.outcomes[i] = Outcome::kMissingData;
      column.missing_[i] = missing_message(ev, e, batch.bodies[i], year);
    };
    if (rule.def.score) {
      column.form_ = RuleColumn::Form::kScore;
      column.values = ev.eval(e, batch, year);
      for (std::size_t i = 0; i < n; ++i) {
        if (is_null(column.values[i])) {
          missing(i);
        } else {
          column.outcomes[i] = Outcome::kPass;
          column.points[i] = column.values[i];
        }
      }
    } else if (comparison) {
      column.form_ = RuleColumn::Form::kComparison;
      const CNode& left = e.args[0];
      column.noun_ = noun(left);
      column.noun_first_ = left.kind == NodeKind::kName || left.kind == NodeKind::kLag;
      std::tie(column.before_, column.after_) = comparison_wording(e.kind);
      column.values = ev.eval(left, batch, year);
      column.thresholds = ev.eval(e.args[1], batch, year);
      for (std::size_t i = 0; i < n; ++i) {
        if (is_null(column.values[i]) || is_null(column.thresholds[i])) {
          missing(i);
        } else {
          const bool ok = compare(e.kind, column.values[i], column.thresholds[i]);
          column.outcomes[i] = ok ? Outcome::kPass : Outcome::kFail;
          column.points[i] = ok ? rule.def.points : 0;
        }
      }
    } else {
      column.form_ = RuleColumn::Form::kCondition;
      column.values = ev.eval(e, batch, year);
      for (std::size_t i = 0; i < n; ++i) {
        if (is_null(column.values[i])) {
          missing(i);
        } else {
          const bool ok = column.values[i] != 0;
          column.outcomes[i] = ok ? Outcome::kPass : Outcome::kFail;
          column.points[i] = ok ? rule.def.points : 0;
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      table.points[i] += column.points[i];
      if (column.mandatory && column.outcomes[i] != Outcome::kPass) mandatory_ok[i] = 0;
    }
    table.rule_ids.push_back(column.id);
    table.rules.push_back(std::move(column));
  }
  table.min_points.assign(n, kNull);
  table.passed.assign(n, 0);
  std::vector<double> min_points;
  if (version->min_points) min_points = ev.eval(*version->min_points, batch, year);
  for (std::size_t i = 0; i < n; ++i) {
    bool points_ok = true;
    if (version->min_points) {
      if (is_null(min_points[i])) {
        points_ok = false;
      } else {
        table.min_points[i] = min_points[i];
        points_ok = table.points[i] >= min_points[i];
      }
    }
    table.passed[i] = mandatory_ok[i] && points_ok ? 1 : 0;
  }
  return table;
}

EvalOptions certification_options(const RulesetSet& rulesets, const IndicatorSet& indicators, bool preview,
                                  Evaluator** self) {
  EvalOptions options;
  options.preview = preview;
  options.indicator = [&indicators](const std::string& id, int year) { return indicators.formula(id, year); };
  options.formula_text = [&indicators](const std::string& id, int year) {
    return indicators.formula_source(id, year);
  };
  options.certified = [&rulesets, preview, self](const std::string& scheme, const Batch& batch, int year) {
    std::vector<double> out(batch.bodies.size(), kNull);
    const CompiledRuleset* rs = rulesets.find(scheme);
    if (!rs || !rs->version_for(year) || !*self) return out;
    const auto table = rulesets.evaluate(**self, scheme, batch, year, preview);
    for (std::size_t i = 0; i < table.size(); ++i) {
      const BodyKind kind = (*self)->facts().body_kind[batch.bodies[i]];
      out[i] = rs->def.applies(kind) ? (table.passed[i] ? 1.0 : 0.0) : 0.0;
    }
    return out;
  };
  return options;
}

}  // namespace detail

}  // namespace civicplan
