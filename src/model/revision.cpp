// SPDX-License-Identifier: Apache-2.0
// Plan revisions and audit entries as JSON.
#include "civicplan/revision.hpp"

namespace civicplan {

void to_json(nlohmann::json& j, const PlanRevision& r) {
  j = {{"plan", r.plan}, {"revision", r.revision}, {"time", r.time}, {"user", r.user}, {"operation", r.operation}};
}

nlohmann::json AuditEntry::to_json() const {
  nlohmann::json j{{"sequence", sequence}, {"time", time},     {"user", user},
                   {"operation", operation}, {"object", object}, {"detail", detail}};
  j["revision"] = revision ? nlohmann::json(*revision) : nlohmann::json(nullptr);
  j["before_revision"] = before_revision ? nlohmann::json(*before_revision) : nlohmann::json(nullptr);
  return j;
}

}  // namespace civicplan
