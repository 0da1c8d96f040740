// SPDX-License-Identifier: Apache-2.0
// Certification with options, explanations and scenarios (DESIGN §17).
#include <algorithm>
#include <cctype>

#include "base/text.hpp"
#include "civicplan/workspace.hpp"
#include "engines/certification/ruleset_set.hpp"
#include "engines/indicators/indicator_set.hpp"
#include "store/store.hpp"
#include "workspace/workspace_impl.hpp"

namespace civicplan {

namespace {

// The version used for a call: the one in force, or a copy with the caller's parameters.
std::shared_ptr<const detail::CompiledVersion> version_for_call(const detail::State& state, const std::string& scheme,
                                                                int year, const CertifyOptions& options) {
  if (options.parameters.empty()) return nullptr;
  return state.rulesets().with_parameters(scheme, year, options.parameters);
}

[[noreturn]] void not_applicable(const std::string& scheme, const std::string& body, BodyKind kind) {
  throw Error(ErrorCode::kValidation,
              "ruleset \"" + scheme + "\" does not apply to " + body + ", a " + to_string(kind));
}

// A single identifier (that is not a literal): a user who means an indicator id.
bool bare_name(const std::string& s) {
  if (s == "true" || s == "false") return false;
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

void check_year(int year, const std::string& path) {
  if (year < kMinYear || year > kMaxYear) {
    throw ValidationError({{path, "expected a year from " + std::to_string(kMinYear) + " to " +
                                      std::to_string(kMaxYear) + ", got " + std::to_string(year)}});
  }
}

CertificationReport Workspace::certify(const std::string& body, const std::string& scheme, int year,
                                       const CertifyOptions& options) const {
  const auto state = impl_->current();
  const auto& facts = state->facts();
  const int b = facts.body(body);
  if (b < 0) throw NotFoundError("body", body);
  const auto* rs = state->rulesets().find(scheme);
  if (!rs) throw NotFoundError("ruleset", scheme);
  if (!rs->def.applies(facts.body_kind[b])) not_applicable(scheme, body, facts.body_kind[b]);
  check_year(year);
  const auto replaced = version_for_call(*state, scheme, year, options);
  auto report = Impl::certify_batch(*state, scheme, detail::Batch{"", {b}}, year, options.preview, replaced.get())
                    .report(0);
  if (!options.explain) return report;
  // Each rule again, traced, by an evaluator like the one that certified it.
  const detail::CompiledVersion* version = replaced ? replaced.get() : rs->version_for(year);
  detail::Evaluator* self = nullptr;
  detail::Evaluator ev(facts, detail::certification_options(state->rulesets(), state->indicators(), options.preview, &self));
  self = &ev;
  for (std::size_t k = 0; k < version->rules.size() && k < report.rules.size(); ++k) {
    const auto& rule = version->rules[k];
    const std::string& text = rule.def.check ? *rule.def.check : *rule.def.score;
    report.rules[k].explanation = ev.explain(rule.expr, text, b, year);
  }
  if (version->min_points) {
    report.min_points_explanation = ev.explain(*version->min_points, *version->def.min_points, b, year);
  }
  return report;
}

CertificationTable Workspace::certify_all(const std::string& scheme, int year, const std::vector<std::string>& bodies,
                                          const CertifyOptions& options) const {
  const auto state = impl_->current();
  const auto& facts = state->facts();
  const auto* rs = state->rulesets().find(scheme);
  if (!rs) throw NotFoundError("ruleset", scheme);
  check_year(year);
  detail::Batch batch;
  if (bodies.empty()) {
    batch.key = "applicable:" + scheme;
    for (std::size_t b = 0; b < facts.body_count(); ++b) {
      if (rs->def.applies(facts.body_kind[b])) batch.bodies.push_back(static_cast<int>(b));
    }
  } else {
    std::vector<std::string> sorted(bodies);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const auto& id : sorted) {
      const int b = facts.body(id);
      if (b < 0) throw NotFoundError("body", id);
      if (!rs->def.applies(facts.body_kind[b])) not_applicable(scheme, id, facts.body_kind[b]);
      batch.bodies.push_back(b);
    }
  }
  const auto replaced = version_for_call(*state, scheme, year, options);
  return Impl::certify_batch(*state, scheme, batch, year, options.preview, replaced.get());
}

Explanation Workspace::explain(const std::string& target, const std::string& body, int year, bool preview) const {
  const auto state = impl_->current();
  const auto& facts = state->facts();
  const int b = facts.body(body);
  if (b < 0) throw NotFoundError("body", body);
  check_year(year);
  const auto& indicators = state->indicators();
  detail::Evaluator* self = nullptr;
  detail::Evaluator ev(facts, detail::certification_options(state->rulesets(), indicators, preview, &self));
  self = &ev;
  if (const auto* ci = indicators.find(target)) {
    const BodyKind kind = facts.body_kind[b];
    if (std::find(ci->def.levels.begin(), ci->def.levels.end(), kind) == ci->def.levels.end()) {
      std::vector<std::string> levels;
      for (auto k : ci->def.levels) levels.push_back(to_string(k));
      throw ValidationError({{"body", "indicator " + target + " is computed for " + detail::join(levels, ", ") + "; " +
                                          body + " is a " + to_string(kind)}});
    }
    const auto source = indicators.formula_source(target, year);
    const detail::CNode* formula = indicators.formula(target, year);
    if (!source.first || !formula) {
      Explanation e;
      e.body = body;
      e.year = year;
      e.indicator = target;
      std::string first;
      for (const auto& f : ci->def.formulas) {
        if (f.from) first = std::to_string(*f.from);
        break;
      }
      e.null_reason = "indicator " + target + " has no formula for " + std::to_string(year) +
                      (first.empty() ? "" : ": its first formula applies from " + first);
      return e;
    }
    Explanation e = ev.explain(*formula, *source.first, b, year);
    e.indicator = target;
    e.formula_from = source.second;
    return e;
  }
  const auto& vocab = state->vocabulary();
  if (bare_name(target) && !vocab.statistics.count(target)) {
    std::vector<std::string> names;
    for (const auto& kv : indicators.all()) names.push_back(kv.first);
    for (const auto& s : vocab.statistics) names.push_back(s);
    throw NotFoundError("indicator or statistic", target,
                        " to explain (give an indicator id or an expression)" + detail::did_you_mean(target, names));
  }
  const detail::CNode compiled = detail::compile_text(target, "<expression>", vocab);
  return ev.explain(compiled, target, b, year);
}

Workspace Workspace::scenario(const nlohmann::json& changes) const {
  if (!changes.is_object()) {
    throw ValidationError({{"", "expected a bundle fragment (an object such as {\"rulesets\": [...]}), got " +
                                    std::string(changes.type_name())}});
  }
  nlohmann::json bundle = changes;
  if (!bundle.contains("format")) bundle["format"] = "civicplan-bundle";
  if (!bundle.contains("version")) bundle["version"] = 1;
  const auto state = impl_->current();
  // The scenario starts from this state's model, shared: its maps are copied on write, and its
  // facts and compiled sets are derived from this state's (only the changed plans again).
  Workspace scenario(std::make_shared<Impl>(detail::make_memory_store(), state->model_ptr(), state.get()));
  scenario.import_bundle(bundle);
  return scenario;
}

}  // namespace civicplan
