// SPDX-License-Identifier: Apache-2.0
// The workspace's private state, shared by the files that implement Workspace.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "civicplan/workspace.hpp"
#include "detail/facts.hpp"
#include "detail/indicators.hpp"
#include "detail/rulesets.hpp"
#include "detail/store.hpp"
#include "detail/validate.hpp"

namespace civicplan {

struct Workspace::Impl {
  Model model;
  std::unique_ptr<detail::Store> store;
  mutable std::shared_ptr<const Registry> registry;
  mutable std::shared_ptr<const detail::Facts> facts;
  mutable std::shared_ptr<const detail::IndicatorSet> indicators;
  mutable std::shared_ptr<const detail::RulesetSet> rulesets;
  mutable std::recursive_mutex mutex;

  // Drops everything derived from the model.
  void invalidate() {
    registry.reset();
    facts.reset();
    indicators.reset();
    rulesets.reset();
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
    detail::IndicatorSet::build(merged, origins, issues);
    detail::RulesetSet::build(merged, origins, issues);
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
  std::vector<CertificationReport> certify_batch(const std::string& scheme, const detail::Batch& batch, int year,
                                                 bool preview) const {
    detail::Evaluator* self = nullptr;
    detail::Evaluator ev(current_facts(),
                         detail::certification_options(current_rulesets(), current_indicators(), preview, &self));
    self = &ev;
    return current_rulesets().evaluate(ev, scheme, batch, year, preview);
  }

  // Validates `delta` over the current model and commits it: store first, memory after.
  ImportSummary apply(const Model& delta, const detail::Origins& origins, std::vector<Issue> issues) {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    if (store) {
      store->begin_write();
    }
    try {
      // Inside the write transaction no other process can commit: validate against the latest state.
      sync();
      Model merged = model;
      merged.merge(delta);
      check(merged, origins, issues);
      if (!issues.empty()) throw ValidationError(std::move(issues));
      ImportSummary summary = summarize(delta);
      if (store) {
        store->write(delta);
        store->commit();
      }
      model = std::move(merged);
      invalidate();
      return summary;
    } catch (...) {
      if (store) store->rollback();
      throw;
    }
  }

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
