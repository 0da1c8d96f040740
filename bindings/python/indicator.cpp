// SPDX-License-Identifier: Apache-2.0
// Indicator definitions and the long-form result table (rows, CSV and columnar arrays).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/indicator.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

template <class T>
py::array_t<T> to_array(const std::vector<T>& values) {
  py::array_t<T> out(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

// names[codes[i]] for every i, as a numpy object array sharing one str object per name: one
// reference taken per element, no intermediate array.
template <class Code>
py::array decode(const py::list& names, const py::array_t<Code>& codes) {
  const auto n = static_cast<std::size_t>(codes.size());
  const auto count = static_cast<Code>(names.size());
  const Code* in = codes.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<std::int64_t>(in[i]) < 0 || in[i] >= count) throw py::index_error("code " + std::to_string(in[i]) + " has no name");
  }
  py::array out(py::dtype("O"), static_cast<py::ssize_t>(n));
  auto** data = static_cast<PyObject**>(out.mutable_data());
  for (std::size_t i = 0; i < n; ++i) {
    PyObject* name = PyList_GET_ITEM(names.ptr(), static_cast<py::ssize_t>(in[i]));
    Py_INCREF(name);
    PyObject* old = data[i];  // a new object array holds NULL (or None)
    data[i] = name;
    Py_XDECREF(old);
  }
  return out;
}

// names[codes[i]] straight from the table's codes (no intermediate code array).
py::array decode_names(const std::vector<std::string>& names, const std::vector<std::int32_t>& codes) {
  py::list strs;
  for (const auto& n : names) strs.append(py::str(n));
  const py::array_t<std::int32_t> view(static_cast<py::ssize_t>(codes.size()), codes.data(), py::none());
  return decode<std::int32_t>(strs, view);
}

py::dict row_to_python(const IndicatorTable::Row& row) {
  py::dict d;
  d["indicator"] = row.indicator;
  d["body"] = row.body;
  d["year"] = row.year;
  d["value"] = optional_to_python(row.value);
  d["target_met"] = optional_to_python(row.target_met);
  return d;
}

}  // namespace

void bind_indicator(py::module_& m) {
  const char* decode_doc = "names[codes] as an object array of str (one reference per element).";
  m.def("_decode", &decode<std::int32_t>, py::arg("names"), py::arg("codes").noconvert(), decode_doc);
  m.def("_decode", &decode<std::uint8_t>, py::arg("names"), py::arg("codes").noconvert(), decode_doc);
  m.def("_decode", &decode<std::int64_t>, py::arg("names"), py::arg("codes"), decode_doc);
  py::class_<Indicator>(m, "Indicator",
                        "An indicator definition: dated formulas computed for the bodies of some "
                        "kinds, year by year.")
      .def_readonly("id", &Indicator::id, "The indicator id.")
      .def_readonly("label", &Indicator::label, "Human-readable name.")
      .def_property_readonly(
          "unit", [](const Indicator& i) { return optional_to_python(i.unit); },
          "Unit of the values, or None.")
      .def_property_readonly(
          "formulas",
          [](const Indicator& i) {
            py::list out;
            for (const auto& f : i.formulas) {
              py::dict d;
              d["from"] = optional_to_python(f.from);
              d["formula"] = f.formula;
              out.append(d);
            }
            return out;
          },
          "Dated formula versions as dicts {from, formula}, sorted by ``from`` "
          "(None: applies before every dated version).")
      .def_property_readonly(
          "levels",
          [](const Indicator& i) {
            py::list out;
            for (auto k : i.levels) out.append(py::str(to_string(k)));
            return out;
          },
          "The body kinds the indicator is computed for.")
      .def_property_readonly(
          "decimals", [](const Indicator& i) { return optional_to_python(i.decimals); },
          "Display decimals, or None.")
      .def_property_readonly(
          "target",
          [](const Indicator& i) -> py::object {
            if (!i.target) return py::none();
            py::dict d;
            d["op"] = i.target->op;
            d["value"] = i.target->value;
            return std::move(d);
          },
          "The target as a dict {op, value} (value op target must hold), or None.")
      .def_property_readonly(
          "description", [](const Indicator& i) { return optional_to_python(i.description); },
          "Longer text, or None.")
      .def(
          "formula_for",
          [](const Indicator& i, int year) -> py::object {
            const IndicatorFormula* f = i.formula_for(year);
            if (f == nullptr) return py::none();
            return py::str(f->formula);
          },
          py::arg("year"), "The formula text that applies in ``year``, or None.")
      .def(
          "to_dict", [](const Indicator& i) { return to_dict(i); },
          "The indicator as a bundle object (dict).");

  py::class_<IndicatorTable>(m, "IndicatorTable",
                             "Computed indicators in long form: one row per (indicator, body, "
                             "year), sorted by indicator, body, year. ``to_pandas()`` gives a "
                             "DataFrame with columns indicator, body, year, value, target_met.")
      .def("__len__", &IndicatorTable::size, "Number of rows.")
      .def(
          "row",
          [](const IndicatorTable& t, py::ssize_t i) {
            const auto n = static_cast<py::ssize_t>(t.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) throw py::index_error("row index out of range");
            return row_to_python(t.row(static_cast<std::size_t>(i)));
          },
          py::arg("index"), "Row ``index`` (negative counts from the end) as a dict.")
      .def(
          "rows",
          [](const IndicatorTable& t) {
            py::list out;
            for (const auto& row : t.rows()) out.append(row_to_python(row));
            return out;
          },
          "Every row as a dict {indicator, body, year, value, target_met}; value and target_met "
          "are None where null.")
      .def("compare", &IndicatorTable::compare, py::arg("other"),
           "The rows whose value differs in ``other`` (a scenario's table, say) as an "
           "IndicatorComparison: (indicator, body, year, base, other, delta), sorted. A row only "
           "one table has counts as null in the other.")
      .def("to_csv", &IndicatorTable::to_csv,
           "CSV text with header indicator,body,year,value,target_met; values rounded to each "
           "indicator's decimals when set.")
      .def(
          "_columns",
          [](const IndicatorTable& t) {
            py::dict d;
            d["indicator_names"] = t.indicator_names();
            d["indicator_codes"] = to_array(t.indicator_codes());
            d["body_names"] = t.body_names();
            d["body_codes"] = to_array(t.body_codes());
            d["years"] = to_array(t.years());
            d["values"] = to_array(t.values());
            d["target_met"] = to_array(t.target_met());
            d["decimals"] = t.decimals();
            return d;
          },
          "The table's columns as numpy arrays: indicator and body codes into their name lists, "
          "years, values (NaN where null), target_met (-1 where null, else 0 or 1) and the "
          "display decimals of each indicator code (-1 when unset).")
      .def(
          "_frame_columns",
          [](const IndicatorTable& t) {
            py::dict d;
            d["indicator"] = decode_names(t.indicator_names(), t.indicator_codes());
            d["body"] = decode_names(t.body_names(), t.body_codes());
            d["year"] = to_array(t.years());
            d["value"] = to_array(t.values());
            const auto& met = t.target_met();
            py::array_t<bool> is_true(static_cast<py::ssize_t>(met.size()));
            py::array_t<bool> is_null(static_cast<py::ssize_t>(met.size()));
            bool* yes = is_true.mutable_data();
            bool* none = is_null.mutable_data();
            for (std::size_t i = 0; i < met.size(); ++i) {
              yes[i] = met[i] == 1;
              none[i] = met[i] < 0;
            }
            d["target_met_true"] = is_true;
            d["target_met_null"] = is_null;
            return d;
          },
          "The columns of to_pandas(): indicator and body as object arrays of str, year, value, "
          "and target_met as two bool arrays (true, null).");
}

}  // namespace civicplan::python
