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

User parse_user(const nlohmann::json& user) {
  // The bundle reader checks the structure with the messages of an import; which bodies
  // exist is the workspace's to say, so its reference issues are left out here.
  const nlohmann::json bundle = {
      {"format", kBundleFormat}, {"version", kBundleVersion}, {"users", nlohmann::json::array({user})}};
  const std::string prefix = "users[0]";
  auto is_role_body = [](const std::string& path) {
    const std::string head = "users[0].roles[", tail = "].body";
    return path.size() > head.size() + tail.size() && path.rfind(head, 0) == 0 &&
           path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  std::vector<Issue> all;
  Model merged = merge_collecting(bundle, Model{}, all);
  std::vector<Issue> issues;
  for (auto& issue : all) {
    if (is_role_body(issue.path) && issue.message.rfind("unknown body ", 0) == 0) continue;
    if (issue.path.rfind(prefix, 0) == 0) issue.path = "user" + issue.path.substr(prefix.size());
    issues.push_back(std::move(issue));
  }
  if (issues.empty() && merged.users.size() != 1) issues.push_back({"user", "expected a user object"});
  if (!issues.empty()) throw ValidationError(std::move(issues));
  return merged.users.begin()->second;
}

}  // namespace civicplan
