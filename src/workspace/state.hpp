// SPDX-License-Identifier: Apache-2.0
// One committed state of a workspace: the model and everything derived from it.
#pragma once

#include <atomic>
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
///
/// A state made from `previous` (the state it replaces) derives its parts from those of
/// `previous`, or of the latest earlier state that had built them, instead of from nothing: the
/// facts of the plans it shares are copied and only the changed plans derived again (Facts),
/// the vocabulary counts only the changed plans again, and the compiled indicators and
/// rulesets and the registry are taken over whole when what they are made of did not change,
/// and the practice index takes the documents and postings of the unchanged plans over and
/// analyses only the changed ones (PracticeData::patched).
/// What is taken over is let go once the part is built.
class State {
 public:
  State(std::shared_ptr<const Model> model, std::int64_t sequence, const State* previous = nullptr);
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
  /// The same compiled sets, shared: what results computed with them hold on to.
  std::shared_ptr<const IndicatorSet> indicators_ptr() const { return indicators(), indicators_.value; }
  std::shared_ptr<const RulesetSet> rulesets_ptr() const { return rulesets(), rulesets_.value; }
  const PracticeIndex& practices() const;
  /// Builds what an evaluation needs (the facts, the compiled indicators and rulesets) when
  /// neither the facts nor the compiled sets are built yet: the facts on a second thread while
  /// the calling thread compiles, when the machine has more than one core. Without it the
  /// parts are built one after the other as they are asked for; the result is the same.
  void prepare() const;
  /// The names expressions may use (statistics, plan kinds, sources, …): one walk of the
  /// model shared by the indicators and the rulesets.
  const Vocabulary& vocabulary() const;

 private:
  template <class T>
  struct Lazy {
    std::once_flag once;
    std::shared_ptr<const T> value;
    std::atomic<bool> ready{false};
  };
  /// A part and the model it was made from (kept alive: the part may point into it); for the
  /// compiled sets, also the vocabulary they were compiled with.
  template <class T>
  struct Made {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const T> value;
    std::shared_ptr<const Vocabulary> vocabulary;
  };
  /// The parts of earlier states this one may derive its own from.
  struct Inherited {
    Made<Facts> facts;
    Made<Vocabulary> vocabulary;
    Made<IndicatorSet> indicators;
    Made<RulesetSet> rulesets;
    Made<Registry> registry;
    Made<PracticeIndex> practices;
  };
  /// Moves a part out of what this state inherited (once: its own part is being built).
  template <class T>
  Made<T> take(Made<T> Inherited::*part) const;
  /// The plans that differ between `base` and this state's model (diff_plans), computed once
  /// for the parts that derive from the same earlier model.
  const std::vector<PlanStep>& steps_from(const std::shared_ptr<const Model>& base) const;
  /// Sets a part this state no longer needs aside, to be freed by whoever makes the next
  /// state (a writer) or by this state's end, not by the reader that built the part.
  void retire(Made<Facts> part) const;

  std::shared_ptr<const Model> model_;
  std::int64_t sequence_;
  mutable Lazy<Registry> registry_;
  mutable Lazy<Facts> facts_;
  mutable Lazy<IndicatorSet> indicators_;
  mutable Lazy<RulesetSet> rulesets_;
  mutable Lazy<PracticeIndex> practices_;
  mutable Lazy<Vocabulary> vocabulary_;
  /// The compiled sets in use with the model and vocabulary they were compiled from: this
  /// state's own, or taken over (written before the Lazy is ready).
  mutable Made<IndicatorSet> indicators_made_;
  mutable Made<RulesetSet> rulesets_made_;
  mutable std::mutex inherited_mutex_;
  mutable Inherited inherited_;
  mutable std::shared_ptr<const Model> steps_base_;
  mutable std::vector<PlanStep> steps_;
  mutable std::vector<Made<Facts>> retired_;
};

}  // namespace civicplan::detail
