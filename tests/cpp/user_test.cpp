// SPDX-License-Identifier: Apache-2.0
// Tests of users and their roles.
#include <string>

#include <catch2/catch.hpp>

#include "civicplan/user.hpp"

using namespace civicplan;

TEST_CASE("Roles convert to and from their names", "[user]") {
  const std::vector<std::pair<Role, std::string>> roles = {{Role::kViewer, "viewer"},
                                                           {Role::kEditor, "editor"},
                                                           {Role::kReviewer, "reviewer"},
                                                           {Role::kAdmin, "admin"}};
  for (const auto& [role, name] : roles) {
    CHECK(std::string(to_string(role)) == name);
    CHECK(role_from_string(name) == role);
  }
  CHECK_FALSE(role_from_string("editer").has_value());
  CHECK_FALSE(role_from_string("Admin").has_value());
}

TEST_CASE("User converts to JSON with its bundle keys", "[user]") {
  const User u{"u-anna", "Anna Rossi", {{Role::kEditor, "m-arco"}, {Role::kViewer, "tn"}}};
  nlohmann::json j = u;
  CHECK(j["id"] == "u-anna");
  CHECK(j["name"] == "Anna Rossi");
  REQUIRE(j["roles"].size() == 2);
  CHECK(j["roles"][0] == nlohmann::json({{"role", "editor"}, {"body", "m-arco"}}));
  CHECK(j["roles"][1]["role"] == "viewer");

  User other = u;
  CHECK(other == u);
  other.roles[1].role = Role::kReviewer;
  CHECK_FALSE(other == u);
}
