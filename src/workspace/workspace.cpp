// SPDX-License-Identifier: Apache-2.0
// The workspace facade: validate, write in one transaction, then apply in memory.
#include "civicplan/workspace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "io/bundle_stream.hpp"
#include "io/statistics_csv.hpp"
#include "io/json_reader.hpp"
#include "workspace/workspace_impl.hpp"
#include "facts/facts.hpp"
#include "engines/indicators/indicator_set.hpp"
#include "engines/certification/ruleset_set.hpp"
#include "store/store.hpp"
#include "io/bundle_parse.hpp"

namespace civicplan {

std::size_t ImportSummary::total() const {
  std::size_t n = 0;
  for (const auto& kv : added) n += kv.second;
  for (const auto& kv : replaced) n += kv.second;
  return n;
}


Workspace::Workspace() : impl_(std::make_shared<Impl>()) { impl_->store = detail::make_memory_store(&impl_->model); }
Workspace::Workspace(std::shared_ptr<Impl> impl, std::optional<std::string> user)
    : impl_(std::move(impl)), user_(std::move(user)) {}

Workspace Workspace::share() const { return Workspace(impl_, user_); }
Workspace::~Workspace() = default;
Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;

Workspace Workspace::open(const std::string& path) {
  auto impl = std::make_shared<Impl>();
  impl->store = detail::open_sqlite_store(path);
  impl->model = impl->store->load();
  return Workspace(std::move(impl));
}

std::optional<std::string> Workspace::path() const {
  if (!impl_->store->persistent()) return std::nullopt;
  return impl_->store->path();
}

ImportSummary Workspace::Impl::import_parsed(Model&& delta, const detail::Origins& origins, std::vector<Issue> issues,
                                             const std::optional<std::string>& user) {
  if (!issues.empty()) {
    // Report reference problems too, against the current state, so every issue is listed at once.
    std::lock_guard<std::recursive_mutex> lock(mutex);
    sync();
    Model merged = model;
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
  std::vector<Issue> issues;
  detail::Reader reader(issues);
  detail::Origins origins;
  Model delta = detail::parse_bundle(bundle, reader, origins);
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  Model merged = impl_->model;
  merged.merge(delta);
  Impl::check(merged, origins, issues);
  return issues;
}

std::vector<Indicator> Workspace::indicators() const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  std::vector<Indicator> out;
  for (const auto& [id, ci] : impl_->current_indicators().all()) out.push_back(ci.def);
  return out;
}

IndicatorTable Workspace::compute_indicators(const std::vector<std::string>& ids,
                                             const std::vector<std::string>& bodies,
                                             const std::vector<int>& years) const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  detail::Evaluator* self = nullptr;
  auto options = detail::certification_options(impl_->current_rulesets(), impl_->current_indicators(), false, &self);
  auto after_construction = [&self](detail::Evaluator& ev) { self = &ev; };
  return impl_->current_indicators().compute(impl_->current_facts(), ids, bodies, years, options, after_construction);
}

std::optional<double> Workspace::evaluate(const std::string& expression, const std::string& body, int year,
                                          bool preview) const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  const auto& facts = impl_->current_facts();
  const int b = facts.body(body);
  if (b < 0) throw NotFoundError("body", body);
  const auto vocab = detail::Vocabulary::from_model(impl_->model);
  const detail::CNode compiled = detail::compile_text(expression, "<expression>", vocab);
  const auto& indicators = impl_->current_indicators();
  detail::Evaluator* self = nullptr;
  detail::EvalOptions options =
      detail::certification_options(impl_->current_rulesets(), indicators, preview, &self);
  detail::Evaluator evaluator(facts, options);
  self = &evaluator;
  const auto values = evaluator.eval(compiled, detail::Batch{"", {b}}, year);
  if (detail::is_null(values[0])) return std::nullopt;
  return values[0];
}

std::vector<Ruleset> Workspace::rulesets() const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  std::vector<Ruleset> out;
  for (const auto& [id, r] : impl_->current_rulesets().all()) out.push_back(r.def);
  return out;
}

CertificationReport Workspace::certify(const std::string& body, const std::string& scheme, int year,
                                       bool preview) const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  const auto& facts = impl_->current_facts();
  const int b = facts.body(body);
  if (b < 0) throw NotFoundError("body", body);
  const auto* rs = impl_->current_rulesets().find(scheme);
  if (!rs) throw NotFoundError("ruleset", scheme);
  if (!rs->def.applies(facts.body_kind[b])) {
    throw Error(ErrorCode::kValidation, "ruleset \"" + scheme + "\" does not apply to " + body + ", a " +
                                            to_string(facts.body_kind[b]));
  }
  return impl_->certify_batch(scheme, detail::Batch{"", {b}}, year, preview).report(0);
}

CertificationTable Workspace::certify_all(const std::string& scheme, int year, const std::vector<std::string>& bodies,
                                          bool preview) const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  const auto& facts = impl_->current_facts();
  const auto* rs = impl_->current_rulesets().find(scheme);
  if (!rs) throw NotFoundError("ruleset", scheme);
  detail::Batch batch;
  if (bodies.empty()) {
    batch.key = "applicable:" + scheme;
    for (std::size_t b = 0; b < facts.body_count(); ++b) {
      if (rs->def.applies(facts.body_kind[b])) batch.bodies.push_back(static_cast<int>(b));
    }
  } else {
    std::vector<std::string> sorted(bodies);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const auto& id : sorted) {
      const int b = facts.body(id);
      if (b < 0) throw NotFoundError("body", id);
      if (!rs->def.applies(facts.body_kind[b])) {
        throw Error(ErrorCode::kValidation, "ruleset \"" + scheme + "\" does not apply to " + id + ", a " +
                                                to_string(facts.body_kind[b]));
      }
      batch.bodies.push_back(b);
    }
  }
  return impl_->certify_batch(scheme, batch, year, preview);
}

nlohmann::json Workspace::export_bundle() const { return write_bundle(model()); }

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

const Model& Workspace::model() const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  return impl_->model;
}

bool Workspace::refresh() const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  return impl_->sync();
}

const Registry& Workspace::registry() const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  if (!impl_->registry) impl_->registry = std::make_shared<const Registry>(impl_->model.bodies);
  return *impl_->registry;
}

const Body& Workspace::body(const std::string& id) const {
  const auto& m = model();
  auto it = m.bodies.find(id);
  if (it == m.bodies.end()) throw NotFoundError("body", id);
  return it->second;
}

const Plan& Workspace::plan(const std::string& id) const {
  const auto& m = model();
  auto it = m.plans.find(id);
  if (it == m.plans.end()) throw NotFoundError("plan", id);
  return it->second;
}

const Taxonomy& Workspace::taxonomy(const std::string& id) const {
  const auto& m = model();
  auto it = m.taxonomies.find(id);
  if (it == m.taxonomies.end()) throw NotFoundError("taxonomy", id);
  return it->second;
}

PracticeIndex Workspace::practices() const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  if (!impl_->practices) impl_->practices = std::make_shared<const PracticeIndex>(impl_->model, registry());
  return *impl_->practices;
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
