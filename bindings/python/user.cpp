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

User user_from_python(py::handle value) { return parse_user(to_json_value(value)); }

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
