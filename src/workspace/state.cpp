// SPDX-License-Identifier: Apache-2.0
// One committed state of a workspace: its derived parts, built once on first use.
#include "workspace/state.hpp"

#include <vector>

namespace civicplan::detail {

const Registry& State::registry() const {
  std::call_once(registry_.once, [&] { registry_.value = std::make_shared<const Registry>(model_->bodies); });
  return *registry_.value;
}

const Facts& State::facts() const {
  std::call_once(facts_.once, [&] { facts_.value = std::make_shared<const Facts>(*model_); });
  return *facts_.value;
}

const IndicatorSet& State::indicators() const {
  std::call_once(indicators_.once, [&] {
    std::vector<Issue> issues;  // a committed model has none
    indicators_.value = IndicatorSet::build(*model_, Origins{}, issues, &vocabulary());
  });
  return *indicators_.value;
}

const RulesetSet& State::rulesets() const {
  std::call_once(rulesets_.once, [&] {
    std::vector<Issue> issues;
    rulesets_.value = RulesetSet::build(*model_, Origins{}, issues, &vocabulary());
  });
  return *rulesets_.value;
}

const Vocabulary& State::vocabulary() const {
  std::call_once(vocabulary_.once, [&] { vocabulary_.value = std::make_shared<const Vocabulary>(Vocabulary::from_model(*model_)); });
  return *vocabulary_.value;
}

const PracticeIndex& State::practices() const {
  std::call_once(practices_.once,
                 [&] { practices_.value = std::make_shared<const PracticeIndex>(*model_, registry()); });
  return *practices_.value;
}

}  // namespace civicplan::detail
