// SPDX-License-Identifier: Apache-2.0
// Bundle validation with every check an import makes: the model's references and cycles, then
// the indicator and ruleset definitions (their formulas compiled against the merged model).
#include <string>
#include <vector>

#include "civicplan/bundle.hpp"
#include "engines/certification/ruleset_set.hpp"
#include "engines/indicators/indicator_set.hpp"
#include "io/bundle_parse.hpp"
#include "workspace/validate.hpp"

namespace civicplan {

namespace detail {

void check_all(const Model& merged, const Origins& origins, std::vector<Issue>& issues) {
  check_model(merged, origins, issues);
  const auto vocab = Vocabulary::from_model(merged);
  IndicatorSet::build(merged, origins, issues, &vocab);
  RulesetSet::build(merged, origins, issues, &vocab);
}

}  // namespace detail

namespace {
// Parses `bundle`, merges it over `base` and checks the result, collecting every issue.
Model merge_collecting(const nlohmann::json& bundle, const Model& base, std::vector<Issue>& issues) {
  detail::Reader reader(issues);
  detail::Origins origins;
  Model delta = detail::parse_bundle(bundle, reader, origins);
  Model merged = base;
  merged.merge(delta);
  detail::check_all(merged, origins, issues);
  return merged;
}
}  // namespace

std::vector<Issue> validate_bundle(const nlohmann::json& bundle, const Model& base) {
  std::vector<Issue> issues;
  merge_collecting(bundle, base, issues);
  return issues;
}

Model merge_bundle(const nlohmann::json& bundle, const Model& base) {
  std::vector<Issue> issues;
  Model merged = merge_collecting(bundle, base, issues);
  if (!issues.empty()) throw ValidationError(std::move(issues));
  return merged;
}

Model read_bundle(const nlohmann::json& bundle) { return merge_bundle(bundle, Model{}); }

}  // namespace civicplan
