// SPDX-License-Identifier: Apache-2.0
// The journal's value types: kept plan revisions and audit-log entries (DESIGN §8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"

namespace civicplan {

/// One kept revision of a plan.
struct PlanRevision {
  std::string plan;
  std::int64_t revision = 0;
  std::string time;       ///< ISO 8601 UTC, e.g. 2026-03-01T09:12:00.123Z
  std::string user;       ///< "" for the operator (a workspace not opened as a user)
  std::string operation;  ///< import, put_plan, submit, approve, reject, archive, new_variant
};

/// {plan, revision, time, user, operation}
CIVICPLAN_API void to_json(nlohmann::json& j, const PlanRevision& r);

/// One entry of the append-only audit log.
struct CIVICPLAN_API AuditEntry {
  std::int64_t sequence = 0;  ///< increasing, gap-free per workspace
  std::string time;
  std::string user;
  std::string operation;
  std::string object;         ///< "plan:<id>", "user:<id>", "bundle", ...
  std::optional<std::int64_t> revision;         ///< the revision written (plans)
  std::optional<std::int64_t> before_revision;  ///< the revision it replaced
  std::string detail;         ///< e.g. a rejection reason or an import summary
  nlohmann::json to_json() const;
};

}  // namespace civicplan
