// SPDX-License-Identifier: Apache-2.0
// Plan writes, the workflow, revisions, the audit log, diffs and progress (DESIGN §8).
#include "civicplan/lifecycle.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "detail/permissions.hpp"
#include "detail/workspace_impl.hpp"

namespace civicplan {

namespace {

// The current time as ISO 8601 UTC with milliseconds; strictly increasing within a process so
// that revisions and audit entries written in one millisecond keep their order.
std::string now_iso() {
  static std::mutex mutex;
  static long long last = 0;
  std::lock_guard<std::mutex> lock(mutex);
  long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  if (ms <= last) ms = last + 1;
  last = ms;
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
  return buf;
}

nlohmann::json euros(Money m) { return m.cents() % 100 == 0 ? nlohmann::json(m.cents() / 100) : nlohmann::json(m.euros()); }

}  // namespace

nlohmann::json AuditEntry::to_json() const {
  nlohmann::json j{{"sequence", sequence}, {"time", time},     {"user", user},
                   {"operation", operation}, {"object", object}, {"detail", detail}};
  j["revision"] = revision ? nlohmann::json(*revision) : nlohmann::json(nullptr);
  j["before_revision"] = before_revision ? nlohmann::json(*before_revision) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json PlanDiff::to_json() const {
  nlohmann::json j;
  j["a"] = a;
  j["b"] = b;
  j["years"] = years ? nlohmann::json{{"from", years->from}, {"to", years->to}} : nlohmann::json(nullptr);
  j["added"] = added;
  j["removed"] = removed;
  auto changed_j = nlohmann::json::array();
  for (const auto& c : changed) {
    auto fields = nlohmann::json::array();
    for (const auto& f : c.fields) fields.push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
    changed_j.push_back({{"id", c.id}, {"fields", fields}});
  }
  j["changed"] = changed_j;
  auto deltas = nlohmann::json::array();
  for (const auto& d : budget_delta) {
    deltas.push_back({{"dimension", d.dimension},
                      {"key", d.key},
                      {"planned_before", euros(d.planned_before)},
                      {"planned_after", euros(d.planned_after)},
                      {"planned_delta", euros(d.planned_delta())},
                      {"actual_before", euros(d.actual_before)},
                      {"actual_after", euros(d.actual_after)},
                      {"actual_delta", euros(d.actual_delta())}});
  }
  j["budget_delta"] = deltas;
  return j;
}

PlanDiff diff_plans(const Plan& a, const Plan& b) {
  PlanDiff d;
  d.a = a.id;
  d.b = b.id;
  const int from = std::max(a.period.from, b.period.from), to = std::min(a.period.to, b.period.to);
  if (from <= to) d.years = YearRange{from, to};
  auto in_years = [&](int y) { return d.years && d.years->contains(y); };
  // Budget lines of the compared years only, so that plans of different spans compare fairly.
  auto comparable = [&](const Action& act) {
    nlohmann::json j = act;
    auto lines = nlohmann::json::array();
    for (const auto& line : j["budget"]) {
      if (in_years(line["year"].get<int>())) lines.push_back(line);
    }
    j["budget"] = lines;
    return j;
  };
  std::map<std::string, const Action*> before, after;
  for (const auto& act : a.actions) before[act.id] = &act;
  for (const auto& act : b.actions) after[act.id] = &act;
  for (const auto& [id, act] : after) {
    if (!before.count(id)) d.added.push_back(id);
  }
  for (const auto& [id, act] : before) {
    if (!after.count(id)) {
      d.removed.push_back(id);
      continue;
    }
    const nlohmann::json x = comparable(*act), y = comparable(*after[id]);
    ActionChange change{id, {}};
    std::set<std::string> keys;
    for (const auto& kv : x.items()) keys.insert(kv.key());
    for (const auto& kv : y.items()) keys.insert(kv.key());
    // Fields in the data model's order.
    static const std::vector<std::string> kOrder = {"title",   "description", "categories", "objective", "status",
                                                    "horizon", "start",       "end",        "responsible", "partners",
                                                    "budget",  "targets",     "progress",   "location",  "depends_on",
                                                    "tags"};
    for (const auto& field : kOrder) {
      if (!keys.count(field)) continue;
      const nlohmann::json old_value = x.contains(field) ? x[field] : nlohmann::json(nullptr);
      const nlohmann::json new_value = y.contains(field) ? y[field] : nlohmann::json(nullptr);
      if (old_value != new_value) change.fields.push_back({field, old_value, new_value});
    }
    if (!change.fields.empty()) d.changed.push_back(std::move(change));
  }
  // Budget totals per category and per source.
  std::map<std::pair<std::string, std::string>, BudgetDelta> totals;
  auto add = [&](const Plan& p, bool is_after) {
    for (const auto& act : p.actions) {
      std::vector<std::string> cats = act.categories;
      if (cats.empty()) cats.push_back("");
      for (const auto& line : act.budget) {
        if (!in_years(line.year)) continue;
        const Money planned = line.planned.value_or(Money{}), actual = line.actual.value_or(Money{});
        auto bump = [&](const std::string& dim, const std::string& key) {
          auto& t = totals[{dim, key}];
          t.dimension = dim;
          t.key = key;
          (is_after ? t.planned_after : t.planned_before) += planned;
          (is_after ? t.actual_after : t.actual_before) += actual;
        };
        for (const auto& c : cats) bump("category", c);
        bump("source", line.source);
      }
    }
  };
  add(a, false);
  add(b, true);
  for (auto& [key, t] : totals) d.budget_delta.push_back(t);
  return d;
}

nlohmann::json PlanProgress::to_json() const {
  auto actions_j = nlohmann::json::array();
  for (const auto& a : actions) actions_j.push_back({{"action", a.action}, {"completion", a.completion}, {"weight", a.weight}});
  return {{"plan", plan},
          {"date", date.to_string()},
          {"completion", completion ? nlohmann::json(*completion) : nlohmann::json(nullptr)},
          {"actions", actions_j}};
}

PlanProgress plan_progress(const Plan& plan, const Date& date) {
  PlanProgress out;
  out.plan = plan.id;
  out.date = date;
  double weights = 0, weighted = 0, plain = 0;
  for (const auto& act : plan.actions) {
    ActionProgress ap;
    ap.action = act.id;
    const Progress* p = act.progress_at(date);
    ap.completion = p ? p->completion : (act.status == ActionStatus::kCompleted ? 100.0 : 0.0);
    for (const auto& line : act.budget) {
      if (line.year == date.year && line.planned) ap.weight += line.planned->euros();
    }
    weights += ap.weight;
    weighted += ap.weight * ap.completion;
    plain += ap.completion;
    out.actions.push_back(ap);
  }
  if (!out.actions.empty()) {
    out.completion = weights > 0 ? weighted / weights : plain / static_cast<double>(out.actions.size());
  }
  return out;
}

// --- Workspace: the journaled import path -------------------------------------------------

ImportSummary Workspace::Impl::apply(const Model& delta, const detail::Origins& origins, std::vector<Issue> issues,
                                     const std::optional<std::string>& user) {
  return apply(Model(delta), origins, std::move(issues), user);
}

ImportSummary Workspace::Impl::apply(Model&& incoming, const detail::Origins& origins, std::vector<Issue> issues,
                                     const std::optional<std::string>& user) {
  return transact([&](const Model& current, detail::Store& st) {
    Model merged;
    const Model* in = &incoming;
    if (current.empty()) {
      // The first import: the delta is the new model; `in` stays readable as the delta.
      merged = std::move(incoming);
      in = &merged;
    } else {
      merged = current;
      merged.merge(incoming);
    }
    const Model& delta = *in;
    check(merged, origins, issues);
    if (!issues.empty()) throw ValidationError(std::move(issues));
    if (user) {
      auto u = current.users.find(*user);
      if (u == current.users.end()) throw NotFoundError("user", *user);
      detail::Permissions(current, u->second).check_import(delta);
    }
    ImportSummary summary = summarize(delta);
    st.write(delta);
    const std::string time = now_iso();
    const std::string who = user.value_or("");
    for (const auto& [id, p] : delta.plans) {
      st.append_revision({id, p.revision, time, who, "import"}, p);
      auto old = current.plans.find(id);
      AuditEntry e{0, time, who, "import", "plan:" + id, p.revision, std::nullopt, ""};
      if (old != current.plans.end()) e.before_revision = old->second.revision;
      st.append_audit(e);
    }
    for (const auto& [id, u] : delta.users) st.append_audit({0, time, who, "import", "user:" + id, {}, {}, ""});
    for (const auto& [id, r] : delta.rulesets) st.append_audit({0, time, who, "import", "ruleset:" + id, {}, {}, ""});
    for (const auto& [id, r] : delta.indicators) st.append_audit({0, time, who, "import", "indicator:" + id, {}, {}, ""});
    for (const auto& [id, t] : delta.taxonomies) st.append_audit({0, time, who, "import", "taxonomy:" + id, {}, {}, ""});
    std::string detail;
    for (const auto& [kind, n] : summary.added) detail += (detail.empty() ? "" : ", ") + kind + " +" + std::to_string(n);
    for (const auto& [kind, n] : summary.replaced) detail += (detail.empty() ? "" : ", ") + kind + " ~" + std::to_string(n);
    st.append_audit({0, time, who, "import", "bundle", {}, {}, detail});
    return std::make_pair(std::move(merged), summary);
  });
}

// --- Workspace: governance ----------------------------------------------------------------

namespace {

const Plan& find_plan(const Model& m, const std::string& id) {
  auto it = m.plans.find(id);
  if (it == m.plans.end()) throw NotFoundError("plan", id);
  return it->second;
}

const User& acting_user(const Model& m, const std::string& id) {
  auto it = m.users.find(id);
  if (it == m.users.end()) throw NotFoundError("user", id);
  return it->second;
}

[[noreturn]] void illegal(const Plan& p, const std::string& operation, const std::string& allowed) {
  throw Error(ErrorCode::kValidation, "cannot " + operation + " plan \"" + p.id + "\": it is " + to_string(p.status) +
                                          "; " + allowed);
}

}  // namespace

Workspace Workspace::as_user(const std::string& user_id) const {
  acting_user(model(), user_id);
  return Workspace(impl_, user_id);
}

// Writes a new state of one plan: the row, a kept revision and an audit entry.
std::int64_t Workspace::Impl::write_plan(const std::optional<std::string>& user, const std::string& operation,
                                        const std::string& detail,
                                        const std::function<Plan(const Model&, const detail::Permissions*)>& make) {
  return transact([&](const Model& current, detail::Store& st) {
    std::optional<detail::Permissions> permissions;
    if (user) permissions.emplace(current, acting_user(current, *user));
    Plan plan = make(current, permissions ? &*permissions : nullptr);
    auto old = current.plans.find(plan.id);
    plan.revision = old == current.plans.end() ? 1 : old->second.revision + 1;
    Model merged = current;
    merged.plans[plan.id] = plan;
    std::vector<Issue> issues;
    detail::Origins origins;
    origins.set("plans", plan.id, "plan");
    detail::check_model(merged, origins, issues);
    if (!issues.empty()) throw ValidationError(std::move(issues));
    Model delta;
    delta.plans[plan.id] = plan;
    st.write(delta);
    const std::string time = now_iso();
    st.append_revision({plan.id, plan.revision, time, user.value_or(""), operation}, plan);
    AuditEntry e{0, time, user.value_or(""), operation, "plan:" + plan.id, plan.revision, std::nullopt, detail};
    if (old != current.plans.end()) e.before_revision = old->second.revision;
    st.append_audit(e);
    return std::make_pair(std::move(merged), plan.revision);
  });
}

std::int64_t Workspace::put_plan(const nlohmann::json& input, std::optional<std::int64_t> expected_revision) {
  // Parse first: every structural issue at once, with paths under "plan".
  if (auto deep = detail::too_deep(input, "plan")) {
    throw ValidationError(std::vector<Issue>{
        {*deep, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"}});
  }
  {
    std::vector<Issue> malformed;
    detail::check_utf8(input, "plan", malformed);
    if (!malformed.empty()) throw ValidationError(std::move(malformed));
  }
  nlohmann::json j = input;
  if (j.is_object()) {
    if (!j.contains("status")) j["status"] = "draft";
    j.erase("revision");
  }
  std::vector<Issue> issues;
  detail::Reader reader(issues);
  auto parsed = detail::parse_plan(j, "plan", reader);
  if (!parsed) throw ValidationError(std::move(issues));
  if (!issues.empty()) {
    // Report reference problems too, as an import does, so every issue is listed at once.
    Model merged = model();
    merged.plans[parsed->id] = *parsed;
    detail::Origins origins;
    origins.set("plans", parsed->id, "plan");
    std::vector<Issue> references;
    detail::check_model(merged, origins, references);
    for (auto& issue : references) {
      if (issue.path.compare(0, 4, "plan") == 0) issues.push_back(std::move(issue));
    }
    throw ValidationError(std::move(issues));
  }
  // A plan read back and written again carries its current status: that is fine, the
  // checks below name it. Asking for another status is not what put_plan does.
  const PlanStatus requested = parsed->status;
  return impl_->write_plan(user_, "put_plan", "", [&](const Model& current, const detail::Permissions* perm) {
    Plan plan = *parsed;
    plan.status = PlanStatus::kDraft;
    auto old = current.plans.find(plan.id);
    if (requested != PlanStatus::kDraft && (old == current.plans.end() || old->second.status != requested)) {
      throw ValidationError(std::vector<Issue>{
          {"plan.status", std::string("put_plan writes drafts, got ") + to_string(requested) +
                              "; use submit, approve, reject or archive to change the status"}});
    }
    if (old != current.plans.end()) {
      const Plan& o = old->second;
      if (o.status != PlanStatus::kDraft && o.status != PlanStatus::kRejected) {
        illegal(o, "edit", "only draft and rejected plans are edited; make an update with new_variant");
      }
      if (expected_revision && *expected_revision != o.revision) {
        throw ConflictError("plan \"" + plan.id + "\" is at revision " + std::to_string(o.revision) +
                            ", but the write was based on revision " + std::to_string(*expected_revision) +
                            "; read it again and reapply the change");
      }
      if (perm) perm->require_editor(o, "edit");
    } else if (expected_revision && *expected_revision != 0) {
      throw ConflictError("plan \"" + plan.id + "\" does not exist, but the write was based on revision " +
                          std::to_string(*expected_revision));
    }
    if (perm) perm->require_editor(plan, old == current.plans.end() ? "create" : "edit");
    return plan;
  });
}

std::int64_t Workspace::submit(const std::string& plan_id) {
  return impl_->write_plan(user_, "submit", "", [&](const Model& current, const detail::Permissions* perm) {
    Plan plan = find_plan(current, plan_id);
    if (plan.status != PlanStatus::kDraft) illegal(plan, "submit", "only drafts are submitted");
    if (perm) perm->require_editor(plan, "submit");
    plan.status = PlanStatus::kSubmitted;
    return plan;
  });
}

std::int64_t Workspace::approve(const std::string& plan_id, const Date& date, const std::string& act) {
  if (act.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ValidationError(std::vector<Issue>{{"act", "an approval needs its act (the resolution that approves the plan)"}});
  }
  return impl_->write_plan(user_, "approve", act, [&](const Model& current, const detail::Permissions* perm) {
    Plan plan = find_plan(current, plan_id);
    if (plan.status != PlanStatus::kSubmitted) illegal(plan, "approve", "only submitted plans are approved");
    if (perm) perm->require_reviewer(plan, "approve");
    plan.status = PlanStatus::kApproved;
    plan.approval = Approval{date, act};
    return plan;
  });
}

std::int64_t Workspace::reject(const std::string& plan_id, const std::string& reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ValidationError(std::vector<Issue>{{"reason", "a rejection needs its reason"}});
  }
  return impl_->write_plan(user_, "reject", reason, [&](const Model& current, const detail::Permissions* perm) {
    Plan plan = find_plan(current, plan_id);
    if (plan.status != PlanStatus::kSubmitted) illegal(plan, "reject", "only submitted plans are rejected");
    if (perm) perm->require_reviewer(plan, "reject");
    plan.status = PlanStatus::kRejected;
    return plan;
  });
}

std::int64_t Workspace::archive(const std::string& plan_id) {
  return impl_->write_plan(user_, "archive", "", [&](const Model& current, const detail::Permissions* perm) {
    Plan plan = find_plan(current, plan_id);
    if (plan.status != PlanStatus::kApproved) illegal(plan, "archive", "only approved plans are archived");
    if (perm) perm->require_reviewer(plan, "archive");
    plan.status = PlanStatus::kArchived;
    return plan;
  });
}

std::int64_t Workspace::new_variant(const std::string& plan_id, PlanVariant variant, const std::string& new_id) {
  if (variant == PlanVariant::kOriginal) {
    throw ValidationError(std::vector<Issue>{{"variant", "a new variant is an update or an implementation plan"}});
  }
  if (new_id.empty() || new_id.find('/') != std::string::npos) {
    throw ValidationError(std::vector<Issue>{{"new_id", "expected a plan id without '/'"}});
  }
  return impl_->write_plan(user_, "new_variant", plan_id, [&](const Model& current, const detail::Permissions* perm) {
    const Plan& source = find_plan(current, plan_id);
    if (source.status != PlanStatus::kApproved && source.status != PlanStatus::kArchived) {
      illegal(source, "make a variant of", "variants are made of approved plans");
    }
    if (current.plans.count(new_id)) {
      throw ValidationError(std::vector<Issue>{{"new_id", "plan \"" + new_id + "\" already exists"}});
    }
    Plan plan = source;
    plan.id = new_id;
    plan.variant = variant;
    plan.based_on = plan_id;
    plan.status = PlanStatus::kDraft;
    plan.approval.reset();
    plan.evaluation.reset();
    plan.previous.clear();
    if (perm) perm->require_editor(plan, "create a variant as");
    return plan;
  });
}

void Workspace::put_user(const User& user) {
  Model delta;
  delta.users[user.id] = user;
  detail::Origins origins;
  origins.set("users", user.id, "user");
  std::vector<Issue> issues;
  if (user.id.empty()) issues.push_back({"user.id", "is required"});
  if (user.name.empty()) issues.push_back({"user.name", "is required"});
  if (!detail::valid_utf8(user.id)) issues.push_back({"user.id", "expected UTF-8 text, got malformed bytes"});
  if (!detail::valid_utf8(user.name)) issues.push_back({"user.name", "expected UTF-8 text, got malformed bytes"});
  impl_->apply(delta, origins, std::move(issues), user_);
}

std::vector<PlanRevision> Workspace::history(const std::string& plan_id) const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  auto out = impl_->store->history(plan_id);
  if (out.empty() && !impl_->model.plans.count(plan_id)) throw NotFoundError("plan", plan_id);
  return out;
}

Plan Workspace::plan_revision(const std::string& plan_id, std::int64_t revision) const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  impl_->sync();
  auto data = impl_->store->revision_data(plan_id, revision);
  if (!data) throw NotFoundError("plan revision", plan_id + "@" + std::to_string(revision));
  std::vector<Issue> issues;
  detail::Reader reader(issues);
  auto plan = detail::parse_plan(parse_json(*data, plan_id), "plan", reader);
  if (!plan || !issues.empty()) throw StorageError("kept revision " + plan_id + "@" + std::to_string(revision) + " is unreadable");
  return *plan;
}

std::vector<AuditEntry> Workspace::audit_log(const std::optional<std::string>& since,
                                             const std::optional<std::string>& object) const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  return impl_->store->audit(since, object);
}

PlanDiff Workspace::diff(const std::string& a, const std::string& b) const {
  const Model& m = model();
  return diff_plans(find_plan(m, a), find_plan(m, b));
}

PlanProgress Workspace::plan_progress(const std::string& plan_id, const Date& date) const {
  return civicplan::plan_progress(find_plan(model(), plan_id), date);
}

}  // namespace civicplan
