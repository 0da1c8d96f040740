// SPDX-License-Identifier: Apache-2.0
// Users and the roles they hold on bodies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"

namespace civicplan {

enum class Role { kViewer, kEditor, kReviewer, kAdmin };
CIVICPLAN_API const char* to_string(Role r);
CIVICPLAN_API std::optional<Role> role_from_string(const std::string& s);

struct RoleGrant {
  Role role = Role::kViewer;
  std::string body;
  bool operator==(const RoleGrant& o) const { return role == o.role && body == o.body; }
};

struct User {
  std::string id;
  std::string name;
  std::vector<RoleGrant> roles;
  bool operator==(const User& o) const { return id == o.id && name == o.name && roles == o.roles; }
};

CIVICPLAN_API void to_json(nlohmann::json& j, const User& u);

}  // namespace civicplan
