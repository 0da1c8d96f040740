// SPDX-License-Identifier: Apache-2.0
// Users and roles as JSON.
#include "civicplan/user.hpp"

namespace civicplan {

const char* to_string(Role r) {
  switch (r) {
    case Role::kViewer: return "viewer";
    case Role::kEditor: return "editor";
    case Role::kReviewer: return "reviewer";
    case Role::kAdmin: return "admin";
  }
  return "?";
}

std::optional<Role> role_from_string(const std::string& s) {
  for (auto r : {Role::kViewer, Role::kEditor, Role::kReviewer, Role::kAdmin}) {
    if (s == to_string(r)) return r;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& j, const User& u) {
  j = {{"id", u.id}, {"name", u.name}};
  auto roles = nlohmann::json::array();
  for (const auto& g : u.roles) roles.push_back({{"role", to_string(g.role)}, {"body", g.body}});
  j["roles"] = std::move(roles);
}

}  // namespace civicplan
