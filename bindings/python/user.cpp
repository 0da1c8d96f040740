// SPDX-License-Identifier: Apache-2.0
// Users and the roles they hold on bodies.
#include <string>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "civicplan/user.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

User user_from_python(py::handle value) {
  const nlohmann::json j = to_json_value(value);
  // The bundle reader checks the structure with the messages of an import; which bodies
  // exist is the workspace's to say, so its reference issues are left out here.
  const nlohmann::json bundle = {{"format", kBundleFormat},
                                 {"version", kBundleVersion},
                                 {"users", nlohmann::json::array({j})}};
  const std::string prefix = "users[0]";
  auto is_role_body = [](const std::string& path) {
    const std::string head = "users[0].roles[", tail = "].body";
    return path.size() > head.size() + tail.size() && path.rfind(head, 0) == 0 &&
           path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  std::vector<Issue> issues;
  for (auto& issue : validate_bundle(bundle)) {
    if (is_role_body(issue.path) && issue.message.rfind("unknown body ", 0) == 0) continue;
    if (issue.path.rfind(prefix, 0) == 0) issue.path = "user" + issue.path.substr(prefix.size());
    issues.push_back(std::move(issue));
  }
  if (!issues.empty()) throw ValidationError(std::move(issues));
  User user;
  user.id = j.at("id").get<std::string>();
  user.name = j.at("name").get<std::string>();
  if (auto roles = j.find("roles"); roles != j.end() && roles->is_array()) {
    for (const auto& grant : *roles) {
      user.roles.push_back({*role_from_string(grant.at("role").get<std::string>()),
                            grant.at("body").get<std::string>()});
    }
  }
  return user;
}

void bind_user(py::module_& m) {
  py::class_<User>(m, "User", "A person using a workspace and the roles they hold on bodies.")
      .def_readonly("id", &User::id, "The user id.")
      .def_readonly("name", &User::name, "The user's display name.")
      .def_property_readonly(
          "roles",
          [](const User& u) {
            py::list out;
            for (const auto& grant : u.roles) {
              py::dict d;
              d["role"] = to_string(grant.role);
              d["body"] = grant.body;
              out.append(d);
            }
            return out;
          },
          "Role grants as dicts {role, body}; role is viewer, editor, reviewer or admin.")
      .def(
          "to_dict", [](const User& u) { return to_dict(u); },
          "The user as a bundle object (dict).")
      .def(
          "__eq__", [](const User& a, const User& b) { return a == b; }, py::is_operator(),
          "True when both users hold the same data.");
}

}  // namespace civicplan::python
