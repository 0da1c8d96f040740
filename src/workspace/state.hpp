// SPDX-License-Identifier: Apache-2.0
// One committed state of a workspace: the model and everything derived from it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "civicplan/model.hpp"
#include "civicplan/practices.hpp"
#include "civicplan/registry.hpp"
#include "engines/certification/ruleset_set.hpp"
#include "engines/indicators/indicator_set.hpp"
#include "facts/facts.hpp"

namespace civicplan::detail {

/// An immutable snapshot: the model of one commit with its registry, facts, compiled
/// indicators and rulesets and practice index. The derived parts are built on first use, once,
/// by whichever thread asks first; after that every reader shares them without a lock. A
/// reader keeps the snapshot it uses alive through a shared_ptr, so nothing it reads can be
/// replaced under it: a commit makes a new State and swaps it in.
class State {
 public:
  State(std::shared_ptr<const Model> model, std::int64_t sequence)
      : model_(std::move(model)), sequence_(sequence) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  const Model& model() const { return *model_; }
  const std::shared_ptr<const Model>& model_ptr() const { return model_; }
  /// The store's sequence number this state was read or written at.
  std::int64_t sequence() const { return sequence_; }

  const Registry& registry() const;
  const Facts& facts() const;
  const IndicatorSet& indicators() const;
  const RulesetSet& rulesets() const;
  const PracticeIndex& practices() const;
  /// The names expressions may use (statistics, plan kinds, sources, …): one walk of the
  /// model shared by the indicators and the rulesets.
  const Vocabulary& vocabulary() const;

 private:
  template <class T>
  struct Lazy {
    std::once_flag once;
    std::shared_ptr<const T> value;
  };

  std::shared_ptr<const Model> model_;
  std::int64_t sequence_;
  mutable Lazy<Registry> registry_;
  mutable Lazy<Facts> facts_;
  mutable Lazy<IndicatorSet> indicators_;
  mutable Lazy<RulesetSet> rulesets_;
  mutable Lazy<PracticeIndex> practices_;
  mutable Lazy<Vocabulary> vocabulary_;
};

}  // namespace civicplan::detail
