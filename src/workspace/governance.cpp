// SPDX-License-Identifier: Apache-2.0
// Governance: plan writes, the workflow, revisions, the audit log, diffs and progress (DESIGN §8).
#include <string>
#include <utility>

#include "civicplan/bundle.hpp"
#include "civicplan/lifecycle.hpp"
#include "civicplan/workspace.hpp"
#include "engines/lifecycle/permissions.hpp"
#include "workspace/workspace_impl.hpp"

namespace civicplan {

namespace {

const Plan& find_plan(const Model& m, const std::string& id) {
  auto it = m.plans.find(id);
  if (it == m.plans.end()) throw NotFoundError("plan", id);
  return it->second;
}

[[noreturn]] void illegal(const Plan& p, const std::string& operation, const std::string& allowed) {
  throw Error(ErrorCode::kValidation, "cannot " + operation + " plan \"" + p.id + "\": it is " + to_string(p.status) +
                                          "; " + allowed);
}

}  // namespace

Workspace Workspace::as_user(const std::string& user_id) const {
  Impl::acting_user(impl_->current()->model(), user_id);
  return Workspace(impl_, user_id);
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
    Model merged = impl_->current()->model();
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
    // A write based on a stale revision is a conflict first, whatever else changed since
    // (another editor's write, a submission, a review): the writer reads again.
    if (expected_revision && old != current.plans.end() && *expected_revision != old->second.revision) {
      throw ConflictError("plan \"" + plan.id + "\" is at revision " + std::to_string(old->second.revision) +
                          ", but the write was based on revision " + std::to_string(*expected_revision) +
                          "; read it again and reapply the change");
    }
    if (expected_revision && old == current.plans.end() && *expected_revision != 0) {
      throw ConflictError("plan \"" + plan.id + "\" does not exist, but the write was based on revision " +
                          std::to_string(*expected_revision));
    }
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
      if (perm) perm->require_editor(o, "edit");
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
  const auto state = impl_->current();
  auto out = impl_->history(plan_id);
  if (out.empty() && !state->model().plans.count(plan_id)) throw NotFoundError("plan", plan_id);
  return out;
}

Plan Workspace::plan_revision(const std::string& plan_id, std::int64_t revision) const {
  impl_->current();
  auto plan = impl_->revision(plan_id, revision);
  if (!plan) throw NotFoundError("plan revision", plan_id + "@" + std::to_string(revision));
  return std::move(*plan);
}

std::vector<AuditEntry> Workspace::audit_log(const std::optional<std::string>& since,
                                             const std::optional<std::string>& object) const {
  return impl_->audit(since, object);
}

PlanDiff Workspace::diff(const std::string& a, const std::string& b) const {
  const auto state = impl_->current();
  // A plan by id, or a kept revision of one by "id@revision".
  auto resolve = [&](const std::string& name) -> Plan {
    auto it = state->model().plans.find(name);
    if (it != state->model().plans.end()) return it->second;
    const auto at = name.rfind('@');
    if (at != std::string::npos && at + 1 < name.size() && name.size() - at <= 18 &&
        name.find_first_not_of("0123456789", at + 1) == std::string::npos) {
      const std::string id = name.substr(0, at);
      if (auto plan = impl_->revision(id, std::stoll(name.substr(at + 1)))) return std::move(*plan);
      if (state->model().plans.count(id)) throw NotFoundError("plan revision", name);
    }
    throw NotFoundError("plan", name);
  };
  PlanDiff d = diff_plans(resolve(a), resolve(b));
  d.a = a;
  d.b = b;
  return d;
}

PlanProgress Workspace::plan_progress(const std::string& plan_id, const Date& date) const {
  const auto state = impl_->current();
  return civicplan::plan_progress(find_plan(state->model(), plan_id), date);
}

}  // namespace civicplan
