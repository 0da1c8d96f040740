// SPDX-License-Identifier: Apache-2.0
// One committed state of a workspace: its derived parts, built once on first use.
#include "workspace/state.hpp"

#include "engines/practices/practice_data.hpp"

#include <exception>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace civicplan::detail {

State::State(std::shared_ptr<const Model> model, std::int64_t sequence, const State* previous)
    : model_(std::move(model)), sequence_(sequence) {
  if (!previous) return;
  // Each part: the previous state's own when it has built it, else what it inherited.
  auto own = [&](const auto& lazy) { return lazy.ready.load(std::memory_order_acquire); };
  std::vector<Made<Facts>> retired;  // freed here, on the writer's thread, after the lock
  std::lock_guard<std::mutex> lock(previous->inherited_mutex_);
  retired.swap(previous->retired_);
  const Inherited& before = previous->inherited_;
  inherited_.facts = own(previous->facts_) ? Made<Facts>{previous->model_, previous->facts_.value, nullptr} : before.facts;
  inherited_.vocabulary = own(previous->vocabulary_)
                              ? Made<Vocabulary>{previous->model_, previous->vocabulary_.value, nullptr}
                              : before.vocabulary;
  inherited_.registry = own(previous->registry_) ? Made<Registry>{previous->model_, previous->registry_.value, nullptr}
                                                 : before.registry;
  inherited_.practices = own(previous->practices_)
                             ? Made<PracticeIndex>{previous->model_, previous->practices_.value, nullptr}
                             : before.practices;
  inherited_.indicators = own(previous->indicators_) ? previous->indicators_made_ : before.indicators;
  inherited_.rulesets = own(previous->rulesets_) ? previous->rulesets_made_ : before.rulesets;
}

template <class T>
State::Made<T> State::take(Made<T> Inherited::*part) const {
  std::lock_guard<std::mutex> lock(inherited_mutex_);
  return std::exchange(inherited_.*part, Made<T>{});
}

const std::vector<PlanStep>& State::steps_from(const std::shared_ptr<const Model>& base) const {
  // Called from inside the once-initialisers of the facts and the vocabulary, one at a time
  // per part; the lock orders the two parts' calls.
  std::lock_guard<std::mutex> lock(inherited_mutex_);
  if (steps_base_ != base) {
    steps_ = diff_plans(*base, *model_);
    steps_base_ = base;
  }
  return steps_;
}

void State::retire(Made<Facts> part) const {
  std::lock_guard<std::mutex> lock(inherited_mutex_);
  retired_.push_back(std::move(part));
}

const Registry& State::registry() const {
  std::call_once(registry_.once, [&] {
    const auto base = take(&Inherited::registry);
    registry_.value = base.value && base.model->bodies.shares(model_->bodies)
                          ? base.value
                          : std::make_shared<const Registry>(model_->bodies);
    registry_.ready.store(true, std::memory_order_release);
  });
  return *registry_.value;
}

const Facts& State::facts() const {
  std::call_once(facts_.once, [&] {
    auto base = take(&Inherited::facts);  // its model stays alive while the facts are patched
    if (base.value && base.model->bodies.shares(model_->bodies)) {
      facts_.value = std::make_shared<const Facts>(*model_, base.value.get(), &steps_from(base.model));
    } else {
      facts_.value = std::make_shared<const Facts>(*model_, base.value.get());
    }
    facts_.ready.store(true, std::memory_order_release);
    // Freeing the earlier facts costs a tenth of deriving these: not the reader's to pay.
    if (base.value) retire(std::move(base));
  });
  return *facts_.value;
}

void State::prepare() const {
  const auto ready = [](const auto& lazy) { return lazy.ready.load(std::memory_order_acquire); };
  if (ready(facts_) || (ready(indicators_) && ready(rulesets_)) || std::thread::hardware_concurrency() < 2) return;
  // Both walk the whole model and neither needs the other: the facts' plan pass, and the
  // vocabulary's walk before the indicators and rulesets compile.
  std::exception_ptr failed;
  std::thread worker;
  try {
    worker = std::thread([this, &failed] {
      try {
        facts();
      } catch (...) {
        failed = std::current_exception();
      }
    });
  } catch (const std::system_error&) {
    return;  // no thread to spare: the parts are built as they are asked for
  }
  try {
    rulesets();
    indicators();
  } catch (...) {
    worker.join();
    throw;
  }
  worker.join();
  if (failed) std::rethrow_exception(failed);
}

const Vocabulary& State::vocabulary() const {
  std::call_once(vocabulary_.once, [&] {
    const auto base = take(&Inherited::vocabulary);
    vocabulary_.value = std::make_shared<const Vocabulary>(
        base.value ? Vocabulary::patched(*base.value, *base.model, *model_, steps_from(base.model))
                   : Vocabulary::from_model(*model_));
    vocabulary_.ready.store(true, std::memory_order_release);
  });
  return *vocabulary_.value;
}

// A compiled set made from `base` holds for `m` when the definitions and taxonomies are the
// same objects and the vocabulary accepts the same names.
template <class Definitions>
static bool still_holds(const Model& base, const Model& m, Definitions Model::*definitions,
                        const Vocabulary& compiled_with, const Vocabulary& now) {
  return (base.*definitions).shares(m.*definitions) && base.taxonomies.shares(m.taxonomies) &&
         compiled_with.same_names(now);
}

const IndicatorSet& State::indicators() const {
  std::call_once(indicators_.once, [&] {
    auto base = take(&Inherited::indicators);
    const Vocabulary& vocab = vocabulary();
    if (base.value && still_holds(*base.model, *model_, &Model::indicators, *base.vocabulary, vocab)) {
      indicators_made_ = std::move(base);
    } else {
      std::vector<Issue> issues;  // a committed model has none
      indicators_made_ = {model_, IndicatorSet::build(*model_, Origins{}, issues, &vocab), vocabulary_.value};
    }
    indicators_.value = indicators_made_.value;
    indicators_.ready.store(true, std::memory_order_release);
  });
  return *indicators_.value;
}

const RulesetSet& State::rulesets() const {
  std::call_once(rulesets_.once, [&] {
    auto base = take(&Inherited::rulesets);
    const Vocabulary& vocab = vocabulary();
    if (base.value && still_holds(*base.model, *model_, &Model::rulesets, *base.vocabulary, vocab)) {
      rulesets_made_ = std::move(base);
    } else {
      std::vector<Issue> issues;
      rulesets_made_ = {model_, RulesetSet::build(*model_, Origins{}, issues, &vocab), vocabulary_.value};
    }
    rulesets_.value = rulesets_made_.value;
    rulesets_.ready.store(true, std::memory_order_release);
  });
  return *rulesets_.value;
}

const PracticeIndex& State::practices() const {
  std::call_once(practices_.once, [&] {
    // Its own diff: the base may be an earlier state than the one the facts derive from.
    const auto base = take(&Inherited::practices);  // its model stays alive while it is patched
    if (base.value) {
      practices_.value = std::make_shared<const PracticeIndex>(PracticeIndexAccess::of(
          PracticeData::patched(PracticeIndexAccess::data(*base.value), *base.model, *model_,
                                registry(), diff_plans(*base.model, *model_))));
    } else {
      practices_.value = std::make_shared<const PracticeIndex>(*model_, registry());
    }
    practices_.ready.store(true, std::memory_order_release);
  });
  return *practices_.value;
}

}  // namespace civicplan::detail
