// SPDX-License-Identifier: Apache-2.0
// The journal: imports and plan writes as transactions that keep revisions and audit entries.
#include <string>
#include <utility>

#include "base/clock.hpp"
#include "civicplan/workspace.hpp"
#include "engines/lifecycle/permissions.hpp"
#include "workspace/workspace_impl.hpp"

namespace civicplan {

const User& Workspace::Impl::acting_user(const Model& m, const std::string& id) {
  auto it = m.users.find(id);
  if (it == m.users.end()) throw NotFoundError("user", id);
  return it->second;
}

ImportSummary Workspace::Impl::apply(const Model& delta, const detail::Origins& origins, std::vector<Issue> issues,
                                     const std::optional<std::string>& user) {
  return apply(Model(delta), origins, std::move(issues), user);
}

ImportSummary Workspace::Impl::apply(Model&& incoming, const detail::Origins& origins, std::vector<Issue> issues,
                                     const std::optional<std::string>& user) {
  return transact([&](const Model& current, detail::WriteTransaction& st) {
    Model merged;
    const Model* in = &incoming;
    if (current.empty() && !store_->may_retry()) {
      // The first import: the delta is the new model; `in` stays readable as the delta (not
      // where the change may run again, which needs the delta intact).
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
    ImportSummary summary = summarize(delta, current);
    st.write(delta);
    const std::string time = detail::now_iso();
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

// Writes a new state of one plan: the row, a kept revision and an audit entry.
std::int64_t Workspace::Impl::write_plan(const std::optional<std::string>& user, const std::string& operation,
                                        const std::string& detail,
                                        const std::function<Plan(const Model&, const detail::Permissions*)>& make) {
  return transact([&](const Model& current, detail::WriteTransaction& st) {
    std::optional<detail::Permissions> permissions;
    if (user) permissions.emplace(current, Impl::acting_user(current, *user));
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
    const std::string time = detail::now_iso();
    st.append_revision({plan.id, plan.revision, time, user.value_or(""), operation}, plan);
    AuditEntry e{0, time, user.value_or(""), operation, "plan:" + plan.id, plan.revision, std::nullopt, detail};
    if (old != current.plans.end()) e.before_revision = old->second.revision;
    st.append_audit(e);
    return std::make_pair(std::move(merged), plan.revision);
  });
}

}  // namespace civicplan
