// SPDX-License-Identifier: Apache-2.0
// Explanations, indicator comparisons and rule test cases.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/cases.hpp"
#include "civicplan/explain.hpp"
#include "civicplan/indicator.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

py::list facts_to_python(const Explanation& e) {
  py::list out;
  for (const auto& f : e.facts) {
    py::dict d;
    d["kind"] = f.kind;
    d["ref"] = f.ref;
    d["year"] = f.year;
    d["value"] = optional_to_python(f.value);
    out.append(d);
  }
  return out;
}

std::string explanation_repr(const Explanation& e) {
  std::string value = e.value ? py::repr(py::float_(*e.value)).cast<std::string>() : "None";
  return "<Explanation " + e.expression + " = " + value + " for " + e.body + " in " + std::to_string(e.year) + ">";
}

}  // namespace

void bind_explain(py::module_& m) {
  py::class_<Explanation>(m, "Explanation",
                          "Why a value is what it is: the evaluation of an expression for one body "
                          "in one year, node by node. ``str()`` draws it as an indented tree; "
                          "``to_dict()`` gives it as JSON-ready dicts.")
      .def_property_readonly(
          "value", [](const Explanation& e) { return optional_to_python(e.value); },
          "The value (booleans are 1.0 and 0.0), or None for null.")
      .def_readonly("expression", &Explanation::expression, "The source text of this node.")
      .def_readonly("body", &Explanation::body, "The body evaluated.")
      .def_readonly("year", &Explanation::year, "The year evaluated (x[-1] looks a year back).")
      .def_property_readonly(
          "indicator", [](const Explanation& e) { return optional_to_python(e.indicator); },
          "The indicator id where this node is an indicator's formula, else None.")
      .def_property_readonly(
          "formula_from", [](const Explanation& e) { return optional_to_python(e.formula_from); },
          "The ``from`` of the dated formula version used; None for an undated formula.")
      .def_readonly("children", &Explanation::children,
                    "One Explanation per sub-expression evaluated, in source order (for members(): "
                    "one per member, at most 50).")
      .def_readonly("children_total", &Explanation::children_total,
                    "How many children there are without the limit of 50.")
      .def_property_readonly("facts", &facts_to_python,
                             "The records behind a fact function as dicts {kind, ref, year, value}, "
                             "at most 50.")
      .def_readonly("facts_total", &Explanation::facts_total, "How many records there are in all.")
      .def_property_readonly(
          "null_reason", [](const Explanation& e) { return optional_to_python(e.null_reason); },
          "Why the value is null (\"population missing for D037 in 2015, a leaf of R00\"), or None.")
      .def(
          "to_dict", [](const Explanation& e) { return to_python(e.to_json()); },
          "The explanation as a dict, children and facts included.")
      .def("__str__", &Explanation::to_text)
      .def("__repr__", &explanation_repr);

  py::class_<IndicatorComparison>(m, "IndicatorComparison",
                                  "The rows whose value differs between two IndicatorTables, sorted "
                                  "by indicator, body, year. ``to_pandas()`` gives a DataFrame with "
                                  "columns indicator, body, year, base, other, delta.")
      .def("__len__", &IndicatorComparison::size, "Number of rows that differ.")
      .def(
          "rows",
          [](const IndicatorComparison& c) {
            py::list out;
            for (const auto& r : c.rows) {
              py::dict d;
              d["indicator"] = r.indicator;
              d["body"] = r.body;
              d["year"] = r.year;
              d["base"] = optional_to_python(r.base);
              d["other"] = optional_to_python(r.other);
              d["delta"] = optional_to_python(r.delta);
              out.append(d);
            }
            return out;
          },
          "Every row as a dict {indicator, body, year, base, other, delta}; None where null.")
      .def("to_csv", &IndicatorComparison::to_csv, "CSV text with header indicator,body,year,base,other,delta.");

  py::class_<CaseResult>(m, "CaseResult", "The outcome of one rule test case.")
      .def_readonly("name", &CaseResult::name)
      .def_readonly("body", &CaseResult::body)
      .def_readonly("year", &CaseResult::year)
      .def_readonly("kind", &CaseResult::kind, "expression, indicator or certify.")
      .def_readonly("target", &CaseResult::target, "The expression, the indicator id or the scheme.")
      .def_readonly("passed", &CaseResult::passed)
      .def_property_readonly(
          "expected", [](const CaseResult& r) { return to_python(r.expected); },
          "The expected value (None for null), or {passed, points} for a certify case.")
      .def_property_readonly(
          "got", [](const CaseResult& r) { return to_python(r.got); }, "The value got, in the same shape.")
      .def_property_readonly(
          "error", [](const CaseResult& r) { return r.error.empty() ? py::object(py::none()) : py::str(r.error); },
          "The error the case raised, or None.")
      .def_readonly("explanation", &CaseResult::explanation,
                    "The Explanation of a failed expression or indicator case, else None.")
      .def_readonly("report", &CaseResult::report,
                    "The CertificationReport of a failed certify case, its rules explained, else None.")
      .def("details", &CaseResult::details, "The failure in words: expected, got and the explanation.")
      .def("__repr__", [](const CaseResult& r) {
        return std::string("<CaseResult ") + (r.passed ? "ok " : "FAIL ") + r.name + ">";
      });

  py::class_<CaseRun>(m, "CaseRun", "Every case of one cases file, run.")
      .def_readonly("path", &CaseRun::path)
      .def_readonly("results", &CaseRun::results, "One CaseResult per case, in file order.")
      .def_property_readonly("passed", &CaseRun::passed, "True when every case passed.")
      .def_property_readonly("failed", &CaseRun::failed, "The number of cases that failed.")
      .def("__len__", [](const CaseRun& r) { return r.results.size(); })
      .def(
          "to_dict", [](const CaseRun& r) { return to_python(r.to_json()); }, "The run as a dict.")
      .def("__str__", &CaseRun::to_text);

  m.def(
      "run_cases",
      [](const py::object& path) {
        const std::string file = fspath(path);
        py::gil_scoped_release release;
        return run_cases(file);
      },
      py::arg("path"),
      "Run the civicplan-cases file at ``path``: import its bundles into an in-memory workspace "
      "and check every case. Returns a CaseRun; ``str()`` of it prints each case and the failures "
      "with expected, got and the explanation. Raises ParseError or ValidationError "
      "(``FILE: PATH: message``) for a malformed file.");
}

}  // namespace civicplan::python
