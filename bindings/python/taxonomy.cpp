// SPDX-License-Identifier: Apache-2.0
// Action taxonomies (category DAGs) and crosswalks.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/taxonomy.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

py::dict node_to_python(const TaxonomyNode& n) {
  py::dict d;
  d["code"] = n.code;
  d["label"] = n.label;
  d["parents"] = n.parents;
  d["description"] = optional_to_python(n.description);
  return d;
}

}  // namespace

void bind_taxonomy(py::module_& m) {
  py::class_<Taxonomy>(m, "Taxonomy",
                       "A poly-hierarchy of category codes (a DAG: a code may have several "
                       "parents). A category reference is \"<taxonomy id>:<code>\".")
      .def_property_readonly("id", &Taxonomy::id,
                             "The taxonomy id (the part before ':' in references).")
      .def_property_readonly("version", &Taxonomy::version, "The taxonomy's version label.")
      .def_property_readonly("label", &Taxonomy::label, "Human-readable name.")
      .def_property_readonly(
          "codes",
          [](const Taxonomy& t) {
            std::vector<std::string> out;
            out.reserve(t.nodes().size());
            for (const auto& n : t.nodes()) out.push_back(n.code);
            return out;
          },
          "Every code in definition order.")
      .def_property_readonly(
          "nodes",
          [](const Taxonomy& t) {
            py::list out;
            for (const auto& n : t.nodes()) out.append(node_to_python(n));
            return out;
          },
          "Every node as a dict {code, label, parents, description}, in definition order.")
      .def(
          "__len__", [](const Taxonomy& t) { return t.nodes().size(); }, "Number of codes.")
      .def(
          "__contains__",
          [](const Taxonomy& t, const py::object& code) {
            return py::isinstance<py::str>(code) && t.contains(code.cast<std::string>());
          },
          py::arg("code"), "True when the code exists.")
      .def("contains", &Taxonomy::contains, py::arg("code"), "True when the code exists.")
      .def(
          "node",
          [](const Taxonomy& t, const std::string& code) { return node_to_python(t.node(code)); },
          py::arg("code"),
          "The node of a code as a dict; raises NotFoundError for an unknown code.")
      .def("ancestors", &Taxonomy::ancestors, py::arg("code"),
           "Every ancestor of a code (not the code itself), sorted; NotFoundError for an unknown "
           "code.")
      .def("descendants", &Taxonomy::descendants, py::arg("code"),
           "Every descendant of a code (not the code itself), sorted; NotFoundError for an unknown "
           "code.")
      .def(
          "is_under", &Taxonomy::is_under, py::arg("code"), py::arg("ancestor"),
          "True when ``code`` is ``ancestor`` or one of its descendants (False for unknown codes).")
      .def("depth", &Taxonomy::depth, py::arg("code"),
           "1 for a top-level code, else 1 + the smallest depth of its parents.")
      .def("ancestors_at_depth", &Taxonomy::ancestors_at_depth, py::arg("code"), py::arg("depth"),
           "The codes at ``depth`` that are ``code`` or its ancestors, sorted.")
      .def("roots", &Taxonomy::roots, "Top-level codes in definition order.")
      .def(
          "to_dict", [](const Taxonomy& t) { return to_dict(t); },
          "The taxonomy as a bundle object (dict).")
      .def(
          "__eq__", [](const Taxonomy& a, const Taxonomy& b) { return a == b; }, py::is_operator(),
          "True when both taxonomies hold the same data.");

  py::class_<Crosswalk>(m, "Crosswalk", "Maps the codes of one taxonomy onto the codes of another.")
      .def_readonly("id", &Crosswalk::id, "The crosswalk id.")
      .def_readonly("from_", &Crosswalk::from,
                    "Id of the taxonomy mapped from (``from`` in bundles).")
      .def_readonly("to", &Crosswalk::to, "Id of the taxonomy mapped onto.")
      .def_readonly("pairs", &Crosswalk::pairs,
                    "Every (from_code, to_code) pair, in definition order.")
      .def("map", &Crosswalk::map, py::arg("code"),
           "The ``to`` codes paired with a ``from`` code, sorted.")
      .def(
          "to_dict", [](const Crosswalk& c) { return to_dict(c); },
          "The crosswalk as a bundle object (dict).")
      .def(
          "__eq__", [](const Crosswalk& a, const Crosswalk& b) { return a == b; },
          py::is_operator(), "True when both crosswalks hold the same data.");
}

}  // namespace civicplan::python
