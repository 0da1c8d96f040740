// SPDX-License-Identifier: Apache-2.0
// Role checks: editors write their body's drafts, reviewers decide on plans in their scope,
// admins manage definitions and users, viewers only read.
#include "engines/lifecycle/permissions.hpp"

#include <algorithm>

#include "civicplan/error.hpp"

namespace civicplan::detail {

Permissions::Permissions(const Model& model, const User& user) : model_(model), user_(user), registry_(model.bodies) {}

std::string Permissions::roles_text() const {
  if (user_.roles.empty()) return "no roles";
  std::string out;
  for (const auto& g : user_.roles) {
    if (!out.empty()) out += ", ";
    out += std::string(to_string(g.role)) + " of " + g.body;
  }
  return out;
}

void Permissions::refuse(const std::string& operation, const std::string& object, const std::string& needs) const {
  throw PermissionError("user \"" + user_.id + "\" (" + roles_text() + ") may not " + operation + " " + object + ": " +
                        needs);
}

bool Permissions::holds(Role role, const std::string& body, int from, int to, bool exact) const {
  for (const auto& g : user_.roles) {
    if (g.role != role && g.role != Role::kAdmin) continue;
    if (g.body == body) return true;
    if (exact && g.role != Role::kAdmin) continue;
    for (int y = from; y <= to; ++y) {
      const auto scope = registry_.scope(g.body, y);
      if (std::binary_search(scope.begin(), scope.end(), body)) return true;
    }
  }
  return false;
}

void Permissions::require_editor(const Plan& plan, const std::string& operation) const {
  if (!holds(Role::kEditor, plan.body, plan.period.from, plan.period.to, true)) {
    refuse(operation, "plan \"" + plan.id + "\" of " + plan.body, "it needs the editor role on " + plan.body);
  }
}

void Permissions::require_reviewer(const Plan& plan, const std::string& operation) const {
  if (!holds(Role::kReviewer, plan.body, plan.period.from, plan.period.to, false)) {
    refuse(operation, "plan \"" + plan.id + "\" of " + plan.body,
           "it needs the reviewer role on a body whose scope includes " + plan.body);
  }
}

void Permissions::require_admin(const std::string& object, const std::string& operation) const {
  for (const auto& g : user_.roles) {
    if (g.role == Role::kAdmin) return;
  }
  refuse(operation, object, "it needs the admin role");
}

void Permissions::require_body_editor(const std::string& body, int year, const std::string& object,
                                      const std::string& operation) const {
  if (!holds(Role::kEditor, body, year, year, false)) {
    refuse(operation, object, "it needs the editor role on " + body + " or on a body whose scope includes it");
  }
}

void Permissions::check_import(const Model& d) const {
  for (const auto& [id, b] : d.bodies) require_admin("body \"" + id + "\"", "import");
  for (const auto& [id, t] : d.taxonomies) require_admin("taxonomy \"" + id + "\"", "import");
  for (const auto& [id, c] : d.crosswalks) require_admin("crosswalk \"" + id + "\"", "import");
  for (const auto& [id, i] : d.indicators) require_admin("indicator \"" + id + "\"", "import");
  for (const auto& [id, r] : d.rulesets) require_admin("ruleset \"" + id + "\"", "import");
  for (const auto& [id, u] : d.users) require_admin("user \"" + id + "\"", "import");
  for (const auto& [key, c] : d.certifications) require_admin("certification record of " + c.body, "import");
  for (const auto& [id, p] : d.plans) {
    require_editor(p, "import");
    auto old = model_.plans.find(id);
    if (old != model_.plans.end() && old->second.status != PlanStatus::kDraft &&
        old->second.status != PlanStatus::kRejected) {
      // Decided plans change only through the workflow, by reviewers.
      require_reviewer(p, "import over the " + std::string(to_string(old->second.status)) + " plan");
    }
    if (p.status != PlanStatus::kDraft) require_reviewer(p, "import as " + std::string(to_string(p.status)));
  }
  for (const auto& [key, s] : d.statistics) {
    require_body_editor(s.body, s.year, "statistic " + s.variable + " of " + s.body, "import");
  }
  for (const auto& [id, p] : d.places) require_body_editor(p.body, p.since ? p.since->year : 0, "place \"" + id + "\"", "import");
  for (const auto& [id, c] : d.cases) require_body_editor(c.body, c.opened.year, "case \"" + id + "\"", "import");
  for (const auto& [key, l] : d.ledger) {
    require_body_editor(l.body, l.year, "ledger entry " + l.service + " " + std::to_string(l.year) + " of " + l.body,
                        "import");
  }
  // Feedback comes from citizens: any user with a role may record it.
  if (!d.feedback.empty() && user_.roles.empty()) refuse("import", "feedback", "it needs a role");
}

}  // namespace civicplan::detail
