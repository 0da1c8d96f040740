// SPDX-License-Identifier: Apache-2.0
// The model container: merging and counting.
#include "civicplan/model.hpp"

namespace civicplan {

void Model::merge(const Model& o) {
  for (const auto& kv : o.bodies) bodies[kv.first] = kv.second;
  for (const auto& kv : o.taxonomies) taxonomies[kv.first] = kv.second;
  for (const auto& kv : o.crosswalks) crosswalks[kv.first] = kv.second;
  for (const auto& kv : o.plans) plans[kv.first] = kv.second;
  for (const auto& kv : o.statistics) statistics[kv.first] = kv.second;
  feedback.insert(o.feedback.begin(), o.feedback.end());
  for (const auto& kv : o.places) places[kv.first] = kv.second;
  for (const auto& kv : o.certifications) certifications[kv.first] = kv.second;
  for (const auto& kv : o.cases) cases[kv.first] = kv.second;
  for (const auto& kv : o.ledger) ledger[kv.first] = kv.second;
  for (const auto& kv : o.indicators) indicators[kv.first] = kv.second;
  for (const auto& kv : o.rulesets) rulesets[kv.first] = kv.second;
  for (const auto& kv : o.users) users[kv.first] = kv.second;
}

std::map<std::string, std::size_t> Model::counts() const {
  std::size_t actions = 0;
  for (const auto& kv : plans) actions += kv.second.actions.size();
  return {{"bodies", bodies.size()},         {"taxonomies", taxonomies.size()},
          {"crosswalks", crosswalks.size()}, {"plans", plans.size()},
          {"actions", actions},              {"statistics", statistics.size()},
          {"feedback", feedback.size()},     {"certifications", certifications.size()},
          {"cases", cases.size()},           {"ledger", ledger.size()},
          {"places", places.size()},         {"indicators", indicators.size()},
          {"rulesets", rulesets.size()},     {"users", users.size()}};
}

bool Model::empty() const {
  return bodies.empty() && taxonomies.empty() && crosswalks.empty() && plans.empty() && statistics.empty() &&
         feedback.empty() && places.empty() && certifications.empty() && cases.empty() && ledger.empty() &&
         indicators.empty() && rulesets.empty() && users.empty();
}

bool Model::operator==(const Model& o) const {
  return bodies == o.bodies && taxonomies == o.taxonomies && crosswalks == o.crosswalks && plans == o.plans &&
         statistics == o.statistics && feedback == o.feedback && places == o.places &&
         certifications == o.certifications && cases == o.cases && ledger == o.ledger &&
         indicators == o.indicators && rulesets == o.rulesets && users == o.users;
}

const Action* find_action(const Model& model, const std::string& ref) {
  auto slash = ref.find('/');
  if (slash == std::string::npos) return nullptr;
  auto plan = model.plans.find(ref.substr(0, slash));
  if (plan == model.plans.end()) return nullptr;
  return plan->second.find_action(ref.substr(slash + 1));
}

}  // namespace civicplan
