// SPDX-License-Identifier: Apache-2.0
// The expression language shared by indicators and certification rules.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/expression.hpp"

namespace civicplan::python {

void bind_expression(py::module_& m) {
  py::class_<Expression>(m, "Expression",
                         "A syntax-checked expression of the civicplan formula language, e.g. "
                         "``budget(category: \"fam:A\") / population``. Names and functions are "
                         "resolved when the indicator or ruleset using it is loaded.")
      .def_static("parse", &Expression::parse, py::arg("text"), py::arg("source") = "<expression>",
                  "Parse ``text``; raises ParseError with line, column and a caret line.")
      .def_property_readonly("text", &Expression::text, "The source text.")
      .def("names", &Expression::names,
           "The bare names (statistics) the expression reads, sorted and distinct.")
      .def("functions", &Expression::functions,
           "The functions the expression calls, sorted and distinct.");

  m.def("expression_functions", &expression_functions,
        "Every function name of the expression language.");
}

}  // namespace civicplan::python
