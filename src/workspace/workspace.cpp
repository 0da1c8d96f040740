// SPDX-License-Identifier: Apache-2.0
// The workspace facade: validate, write in one transaction, then apply in memory.
#include "civicplan/workspace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <type_traits>

#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "io/bundle_stream.hpp"
#include "io/statistics_csv.hpp"
#include "io/json_reader.hpp"
#include "workspace/validate.hpp"
#include "workspace/workspace_impl.hpp"
#include "facts/facts.hpp"
#include "engines/indicators/indicator_set.hpp"
#include "engines/certification/ruleset_set.hpp"
#include "store/store.hpp"
#include "io/bundle_parse.hpp"

namespace civicplan {

nlohmann::json ImportSummary::to_json() const {
  return {{"added", added}, {"replaced", replaced}};
}

std::size_t ImportSummary::total() const {
  std::size_t n = 0;
  for (const auto& kv : added) n += kv.second;
  for (const auto& kv : replaced) n += kv.second;
  return n;
}

// --- Impl: the store and the snapshot of the latest commit -----------------------------------

Workspace::Impl::Impl(std::unique_ptr<detail::Store> s) : store_(std::move(s)) {
  std::lock_guard<std::mutex> lock(store_mutex_);
  publish(std::make_shared<const Model>(store_->persistent() ? store_->load() : Model{}));
}

Workspace::Impl::Impl(std::unique_ptr<detail::Store> s, std::shared_ptr<const Model> model, const detail::State* base)
    : store_(std::move(s)) {
  std::lock_guard<std::mutex> lock(store_mutex_);
  publish(std::move(model), base);
}

std::shared_ptr<const detail::State> Workspace::Impl::current() {
  if (!store_->persistent()) return snapshot();
  std::unique_lock<std::mutex> lock(store_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return snapshot();
  return sync_locked();
}

bool Workspace::Impl::refresh() {
  if (!store_->persistent()) return false;
  std::lock_guard<std::mutex> lock(store_mutex_);
  const auto before = snapshot();
  return sync_locked() != before;
}

std::shared_ptr<const detail::State> Workspace::Impl::sync_locked() {
  auto state = snapshot();
  const detail::Changes changes = store_->changes_since(state->sequence());
  if (changes.empty()) return state;
  Model model;
  if (changes.everything) {
    model = store_->load();
  } else {
    model = state->model();
    model.merge(store_->load(changes));
  }
  publish(std::make_shared<const Model>(std::move(model)));
  return snapshot();
}

void Workspace::Impl::publish(std::shared_ptr<const Model> model) {
  // The new state derives its facts and compiled sets from those of the state it replaces.
  const auto previous = snapshot();
  publish(std::move(model), previous.get());
}

void Workspace::Impl::publish(std::shared_ptr<const Model> model, const detail::State* previous) {
  store_->held(model);
  std::atomic_store(&state_, std::shared_ptr<const detail::State>(std::make_shared<const detail::State>(
                                 std::move(model), store_->sequence(), previous)));
}

void Workspace::Impl::check(const Model& merged, const detail::Origins& origins, std::vector<Issue>& issues) {
  detail::check_all(merged, origins, issues);
}

CertificationTable Workspace::Impl::certify_batch(const detail::State& state, const std::string& scheme,
                                                  const detail::Batch& batch, int year, bool preview,
                                                  const detail::CompiledVersion* version) {
  state.prepare();
  detail::Evaluator* self = nullptr;
  detail::Evaluator ev(state.facts(),
                       detail::certification_options(state.rulesets(), state.indicators(), preview, &self));
  self = &ev;
  return state.rulesets().evaluate(ev, scheme, batch, year, preview, version);
}

std::vector<PlanRevision> Workspace::Impl::history(const std::string& plan) {
  std::lock_guard<std::mutex> lock(store_mutex_);
  return store_->history(plan);
}

std::optional<Plan> Workspace::Impl::revision(const std::string& plan, std::int64_t revision) {
  std::lock_guard<std::mutex> lock(store_mutex_);
  return store_->revision(plan, revision);
}

std::vector<AuditEntry> Workspace::Impl::audit(const std::optional<std::string>& since,
                                               const std::optional<std::string>& object) {
  std::lock_guard<std::mutex> lock(store_mutex_);
  return store_->audit(since, object);
}

ImportSummary summarize(const Model& delta, const Model& current) {
  ImportSummary s;
  Model::each_kind(
      [&](const char* kind, const auto& incoming, const auto& existing) {
        using Container = std::decay_t<decltype(incoming)>;
        std::size_t added = 0, replaced = 0;
        for (const auto& element : incoming) {
          bool known;
          if constexpr (std::is_same_v<typename Container::key_type, typename Container::value_type>) {
            known = existing.count(element) > 0;  // a set: the record is its own key
          } else {
            known = existing.count(element.first) > 0;
          }
          (known ? replaced : added)++;
        }
        if (added) s.added[kind] = added;
        if (replaced) s.replaced[kind] = replaced;
      },
      delta, current);
  return s;
}

// --- Workspace ---------------------------------------------------------------------------------

Workspace::Workspace() : impl_(std::make_shared<Impl>(detail::make_memory_store())) {}
Workspace::Workspace(std::shared_ptr<Impl> impl, std::optional<std::string> user)
    : impl_(std::move(impl)), user_(std::move(user)) {}

Workspace Workspace::share() const { return Workspace(impl_, user_); }
Workspace::~Workspace() = default;
Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;

Workspace Workspace::open(const std::string& location, bool read_only) {
  return Workspace(std::make_shared<Impl>(detail::open_store(location, read_only)));
}

std::optional<std::string> Workspace::path() const {
  if (!impl_->store().persistent()) return std::nullopt;
  return impl_->store().location();
}

bool Workspace::read_only() const { return impl_->store().read_only(); }

ImportSummary Workspace::Impl::import_parsed(Model&& delta, const detail::Origins& origins, std::vector<Issue> issues,
                                             const std::optional<std::string>& user) {
  if (!issues.empty()) {
    // Report reference problems too, against the current state, so every issue is listed at once.
    Model merged = current()->model();
    merged.merge(delta);
    check(merged, origins, issues);
    throw ValidationError(std::move(issues));
  }
  return apply(std::move(delta), origins, {}, user);
}

ImportSummary Workspace::import_bundle(const nlohmann::json& bundle) {
  std::vector<Issue> issues;
  detail::Reader reader(issues);
  detail::Origins origins;
  Model delta = detail::parse_bundle(bundle, reader, origins);
  return impl_->import_parsed(std::move(delta), origins, std::move(issues), user_);
}

ImportSummary Workspace::import_statistics(const std::vector<Statistic>& rows, const std::string& source) {
  Model delta;
  detail::Origins origins;
  std::vector<Issue> issues;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& s = rows[i];
    const std::string path = source + "[" + std::to_string(i) + "]";
    if (s.body.empty() || s.variable.empty() || s.year < kMinYear || s.year > kMaxYear || !std::isfinite(s.value)) {
      issues.push_back({path, "expected a body, a variable, a year from " + std::to_string(kMinYear) + " to " +
                                  std::to_string(kMaxYear) + " and a finite value"});
      continue;
    }
    origins.set("statistics", detail::statistic_key(s), path);
    delta.statistics[StatisticKey{s.body, s.variable, s.year}] = s;
  }
  return impl_->apply(delta, origins, std::move(issues), user_);
}

ImportSummary Workspace::import_file(const std::string& path) {
  if (!is_csv_file(path)) {
    std::vector<Issue> issues;
    detail::Reader reader(issues);
    detail::Origins origins;
    Model delta = detail::read_bundle_file(path, reader, origins);
    return impl_->import_parsed(std::move(delta), origins, std::move(issues), user_);
  }
  const std::string text = read_text_file(path);
  Model delta;
  detail::Origins origins;
  for (auto& [s, line] : detail::read_statistics_csv_lines(text, path)) {
    origins.set("statistics", detail::statistic_key(s), path + ":" + std::to_string(line));
    delta.statistics[StatisticKey{s.body, s.variable, s.year}] = std::move(s);
  }
  return impl_->apply(delta, origins, {}, user_);
}

std::vector<Issue> Workspace::validate(const nlohmann::json& bundle) const {
  return validate_bundle(bundle, impl_->current()->model());
}

std::vector<Indicator> Workspace::indicators() const {
  const auto state = impl_->current();
  std::vector<Indicator> out;
  for (const auto& [id, ci] : state->indicators().all()) out.push_back(ci.def);
  return out;
}

IndicatorTable Workspace::compute_indicators(const std::vector<std::string>& ids,
                                             const std::vector<std::string>& bodies,
                                             const std::vector<int>& years) const {
  for (std::size_t i = 0; i < years.size(); ++i) check_year(years[i], "years[" + std::to_string(i) + "]");
  const auto state = impl_->current();
  state->prepare();
  detail::Evaluator* self = nullptr;
  auto options = detail::certification_options(state->rulesets(), state->indicators(), false, &self);
  auto after_construction = [&self](detail::Evaluator& ev) { self = &ev; };
  // The table stays with the facts: after a write to plans, the next state evaluates only the
  // bodies whose values may have changed.
  const std::vector<std::shared_ptr<const void>> made_with = {state->indicators_ptr(), state->rulesets_ptr()};
  return state->indicators().compute(state->facts(), ids, bodies, years, options, after_construction, &made_with);
}

std::optional<double> Workspace::evaluate(const std::string& expression, const std::string& body, int year,
                                          bool preview) const {
  const auto state = impl_->current();
  state->prepare();
  const auto& facts = state->facts();
  const int b = facts.body(body);
  if (b < 0) throw NotFoundError("body", body);
  check_year(year);
  const auto& vocab = state->vocabulary();
  const detail::CNode compiled = detail::compile_text(expression, "<expression>", vocab);
  const auto& indicators = state->indicators();
  detail::Evaluator* self = nullptr;
  detail::EvalOptions options =
      detail::certification_options(state->rulesets(), indicators, preview, &self);
  detail::Evaluator evaluator(facts, options);
  self = &evaluator;
  const auto values = evaluator.eval(compiled, detail::Batch{"", {b}}, year);
  if (detail::is_null(values[0])) return std::nullopt;
  return values[0];
}

std::vector<Ruleset> Workspace::rulesets() const {
  const auto state = impl_->current();
  std::vector<Ruleset> out;
  for (const auto& [id, r] : state->rulesets().all()) out.push_back(r.def);
  return out;
}

CertificationReport Workspace::certify(const std::string& body, const std::string& scheme, int year,
                                       bool preview) const {
  CertifyOptions options;
  options.preview = preview;
  return certify(body, scheme, year, options);
}

CertificationTable Workspace::certify_all(const std::string& scheme, int year, const std::vector<std::string>& bodies,
                                          bool preview) const {
  CertifyOptions options;
  options.preview = preview;
  return certify_all(scheme, year, bodies, options);
}

nlohmann::json Workspace::export_bundle() const { return write_bundle(impl_->current()->model()); }

void Workspace::export_bundle_file(const std::string& path) const {
  const std::string text = export_bundle().dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw StorageError("cannot write " + tmp);
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw StorageError("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw StorageError("cannot replace " + path);
  }
}

std::shared_ptr<const Model> Workspace::model() const {
  auto state = impl_->current();
  return std::shared_ptr<const Model>(state, &state->model());
}

bool Workspace::refresh() const { return impl_->refresh(); }

std::shared_ptr<const Registry> Workspace::registry() const {
  auto state = impl_->current();
  return std::shared_ptr<const Registry>(state, &state->registry());
}

Body Workspace::body(const std::string& id) const {
  const auto state = impl_->current();
  auto it = state->model().bodies.find(id);
  if (it == state->model().bodies.end()) throw NotFoundError("body", id);
  return it->second;
}

Plan Workspace::plan(const std::string& id) const {
  const auto state = impl_->current();
  auto it = state->model().plans.find(id);
  if (it == state->model().plans.end()) throw NotFoundError("plan", id);
  return it->second;
}

Taxonomy Workspace::taxonomy(const std::string& id) const {
  const auto state = impl_->current();
  auto it = state->model().taxonomies.find(id);
  if (it == state->model().taxonomies.end()) throw NotFoundError("taxonomy", id);
  return it->second;
}

PracticeIndex Workspace::practices() const {
  return impl_->current()->practices();
}

void Workspace::add_feedback(const Feedback& feedback) {
  std::vector<Issue> issues;
  if (feedback.rating < 1 || feedback.rating > 5) {
    issues.push_back({"feedback.rating", "expected a rating from 1 to 5, got " + std::to_string(feedback.rating)});
  }
  if (!detail::valid_utf8(feedback.action)) issues.push_back({"feedback.action", "expected UTF-8 text, got malformed bytes"});
  if (feedback.comment && !detail::valid_utf8(*feedback.comment)) {
    issues.push_back({"feedback.comment", "expected UTF-8 text, got malformed bytes"});
  }
  const Date& d = feedback.date;
  if (!Date::valid(d.year, d.month, d.day) || d.year < kMinYear || d.year > kMaxYear) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", d.year, d.month, d.day);
    issues.push_back({"feedback.date", "expected a date YYYY-MM-DD, got " + detail::quote(text)});
  }
  Model delta;
  delta.feedback.insert(feedback);
  detail::Origins origins;
  origins.set("feedback", detail::feedback_key(feedback), "feedback");
  impl_->apply(delta, origins, std::move(issues), user_);
}

}  // namespace civicplan
