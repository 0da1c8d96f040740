// SPDX-License-Identifier: Apache-2.0
// Bodies and the membership registry.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/registry.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

py::object location_to_python(const std::optional<Location>& location) {
  if (!location) return py::none();
  return py::make_tuple(location->lat, location->lon);
}

py::list memberships(const Body& body) {
  py::list out;
  for (const auto& m : body.parents) {
    py::dict d;
    d["id"] = m.id;
    d["from"] = optional_to_python(m.from);
    d["to"] = optional_to_python(m.to);
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_registry(py::module_& m) {
  py::class_<Registry>(
      m, "Registry",
      "Read-only membership queries over a workspace's bodies, year by year. "
      "Obtained from ``Workspace.registry``; a snapshot of the bodies at that time.")
      .def("contains", &Registry::contains, py::arg("id"), "True when the body exists.")
      .def(
          "__contains__",
          [](const Registry& r, const py::object& id) {
            return py::isinstance<py::str>(id) && r.contains(id.cast<std::string>());
          },
          py::arg("id"), "True when the body exists.")
      .def(
          "__len__", [](const Registry& r) { return r.ids().size(); }, "Number of bodies.")
      .def("ids", &Registry::ids, "Every body id, sorted.")
      .def("parents", &Registry::parents, py::arg("id"), py::arg("year"),
           "Direct parents of a body valid in ``year``, sorted by id.")
      .def("members", &Registry::members, py::arg("id"), py::arg("year"),
           "Direct members of a body valid in ``year``, sorted by id.")
      .def("scope", &Registry::scope, py::arg("id"), py::arg("year"),
           "The body itself plus all its descendants in ``year``, sorted by id.")
      .def("leaves", &Registry::leaves, py::arg("id"), py::arg("year"),
           "The members of the scope in ``year`` that have no members of their own, sorted by id.");

  py::class_<BodyHandle>(m, "Body",
                         "A public body: municipality, union, district, province, region, agency "
                         "or organization. Membership queries read the workspace's current "
                         "registry; the workspace stays alive as long as this object.")
      .def_property_readonly(
          "id", [](const BodyHandle& h) { return h.body.id; }, "The body id.")
      .def_property_readonly(
          "kind", [](const BodyHandle& h) { return to_string(h.body.kind); },
          "The kind: municipality, union, district, province, region, agency or organization.")
      .def_property_readonly(
          "name", [](const BodyHandle& h) { return h.body.name; }, "The body's name.")
      .def_property_readonly(
          "parents", [](const BodyHandle& h) { return memberships(h.body); },
          "Memberships as dicts {id, from, to}; from/to are years or None when open.")
      .def_property_readonly(
          "location", [](const BodyHandle& h) { return location_to_python(h.body.location); },
          "(lat, lon) in WGS84 degrees, or None.")
      .def_property_readonly(
          "attributes", [](const BodyHandle& h) { return to_python(h.body.attributes); },
          "Free-form attributes as a dict (a copy).")
      .def(
          "members",
          [](const BodyHandle& h, int year) {
            return with_workspace(*h.workspace,
                                  [&] { return h.workspace->registry()->members(h.body.id, year); });
          },
          py::arg("year"), "Ids of the direct members of this body in ``year``, sorted.")
      .def(
          "scope",
          [](const BodyHandle& h, int year) {
            return with_workspace(*h.workspace,
                                  [&] { return h.workspace->registry()->scope(h.body.id, year); });
          },
          py::arg("year"), "This body's id plus all its descendants in ``year``, sorted.")
      .def(
          "leaves",
          [](const BodyHandle& h, int year) {
            return with_workspace(*h.workspace,
                                  [&] { return h.workspace->registry()->leaves(h.body.id, year); });
          },
          py::arg("year"),
          "Ids of the scope members in ``year`` with no members of their own, sorted.")
      .def(
          "parents_in",
          [](const BodyHandle& h, int year) {
            return with_workspace(*h.workspace,
                                  [&] { return h.workspace->registry()->parents(h.body.id, year); });
          },
          py::arg("year"), "Ids of the bodies this body is a direct member of in ``year``, sorted.")
      .def(
          "to_dict", [](const BodyHandle& h) { return to_dict(h.body); },
          "The body as a bundle object (dict).")
      .def(
          "__eq__", [](const BodyHandle& a, const BodyHandle& b) { return a.body == b.body; },
          py::is_operator(), "True when both bodies hold the same data.");
}

}  // namespace civicplan::python
