// SPDX-License-Identifier: Apache-2.0
// The workspace's private state, shared by the files that implement Workspace.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include "civicplan/workspace.hpp"
#include "facts/facts.hpp"
#include "engines/indicators/indicator_set.hpp"
#include "engines/certification/ruleset_set.hpp"
#include "store/store.hpp"
#include "io/bundle_parse.hpp"

namespace civicplan {

namespace detail { class Permissions; }

struct Workspace::Impl {
  Model model;
  std::unique_ptr<detail::Store> store;
  mutable std::shared_ptr<const Registry> registry;
  mutable std::shared_ptr<const detail::Facts> facts;
  mutable std::shared_ptr<const detail::IndicatorSet> indicators;
  mutable std::shared_ptr<const detail::RulesetSet> rulesets;
  mutable std::shared_ptr<const PracticeIndex> practices;
  mutable std::recursive_mutex mutex;

  // Drops everything derived from the model.
  void invalidate() {
    registry.reset();
    facts.reset();
    indicators.reset();
    rulesets.reset();
    practices.reset();
  }

  // Re-reads the store when another connection committed. Caller holds the mutex.
  bool sync() {
    if (!store || !store->changed_since_load()) return false;
    model = store->load();
    invalidate();
    return true;
  }

  // Checks a merged model in full: references and cycles, then indicator definitions.
  static void check(const Model& merged, const detail::Origins& origins, std::vector<Issue>& issues) {
    detail::check_model(merged, origins, issues);
    const auto vocab = detail::Vocabulary::from_model(merged);
    detail::IndicatorSet::build(merged, origins, issues, &vocab);
    detail::RulesetSet::build(merged, origins, issues, &vocab);
  }

  const detail::Facts& current_facts() const {
    if (!facts) facts = std::make_shared<const detail::Facts>(model);
    return *facts;
  }

  const detail::IndicatorSet& current_indicators() const {
    if (!indicators) {
      std::vector<Issue> issues;
      indicators = detail::IndicatorSet::build(model, detail::Origins{}, issues);
    }
    return *indicators;
  }

  const detail::RulesetSet& current_rulesets() const {
    if (!rulesets) {
      std::vector<Issue> issues;
      rulesets = detail::RulesetSet::build(model, detail::Origins{}, issues);
    }
    return *rulesets;
  }

  // Certifies a batch with an evaluator that also answers certified() and indicator().
  CertificationTable certify_batch(const std::string& scheme, const detail::Batch& batch, int year,
                                                 bool preview) const {
    detail::Evaluator* self = nullptr;
    detail::Evaluator ev(current_facts(),
                         detail::certification_options(current_rulesets(), current_indicators(), preview, &self));
    self = &ev;
    return current_rulesets().evaluate(ev, scheme, batch, year, preview);
  }

  // Runs `change(current, store)` in one write transaction on the latest state. `change`
  // writes its rows, revisions and audit entries to the store and returns the new model and
  // a result; the store commits, then the model is swapped in. Nothing changes if it throws.
  template <class Change>
  auto transact(Change change) -> decltype(change(std::declval<const Model&>(), std::declval<detail::Store&>()).second) {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    store->begin_write();
    try {
      // Inside the write transaction no other process can commit: work on the latest state.
      sync();
      auto result = change(static_cast<const Model&>(model), *store);
      store->commit();
      model = std::move(result.first);
      invalidate();
      return std::move(result.second);
    } catch (...) {
      store->rollback();
      throw;
    }
  }

  // The user `id` of model `m`; NotFoundError when there is none.
  static const User& acting_user(const Model& m, const std::string& id);

  // Validates `delta` over the current model and commits it, journaling what it changed.
  ImportSummary apply(const Model& delta, const detail::Origins& origins, std::vector<Issue> issues,
                      const std::optional<std::string>& user);
  // The same, taking `delta` over: into an empty workspace it becomes the model, uncopied.
  ImportSummary apply(Model&& delta, const detail::Origins& origins, std::vector<Issue> issues,
                      const std::optional<std::string>& user);

  // Imports a parsed bundle and the issues found parsing it: with any, throws ValidationError
  // listing them and the reference problems of the bundle over the current model.
  ImportSummary import_parsed(Model&& delta, const detail::Origins& origins, std::vector<Issue> issues,
                              const std::optional<std::string>& user);

  // Writes a new state of one plan made by `make` from the current model: the row, a kept
  // revision and an audit entry, in one transaction. Returns the new revision.
  std::int64_t write_plan(const std::optional<std::string>& user, const std::string& operation,
                          const std::string& detail,
                          const std::function<Plan(const Model&, const detail::Permissions*)>& make);

  ImportSummary summarize(const Model& delta) const {
    ImportSummary s;
    auto count = [&](const char* name, const auto& incoming, const auto& existing) {
      std::size_t added = 0, replaced = 0;
      for (const auto& kv : incoming) (existing.count(kv.first) ? replaced : added)++;
      if (added) s.added[name] = added;
      if (replaced) s.replaced[name] = replaced;
    };
    count("bodies", delta.bodies, model.bodies);
    count("taxonomies", delta.taxonomies, model.taxonomies);
    count("crosswalks", delta.crosswalks, model.crosswalks);
    count("plans", delta.plans, model.plans);
    count("statistics", delta.statistics, model.statistics);
    std::size_t fb_added = 0, fb_same = 0;
    for (const auto& f : delta.feedback) (model.feedback.count(f) ? fb_same : fb_added)++;
    if (fb_added) s.added["feedback"] = fb_added;
    if (fb_same) s.replaced["feedback"] = fb_same;
    count("certifications", delta.certifications, model.certifications);
    count("cases", delta.cases, model.cases);
    count("ledger", delta.ledger, model.ledger);
    count("places", delta.places, model.places);
    count("indicators", delta.indicators, model.indicators);
    count("rulesets", delta.rulesets, model.rulesets);
    count("users", delta.users, model.users);
    return s;
  }
};

}  // namespace civicplan
