// SPDX-License-Identifier: Apache-2.0
// The bundle interchange format and the statistics CSV.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/bundle.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

void bind_bundle(py::module_& m) {
  m.attr("BUNDLE_FORMAT") = kBundleFormat;
  m.attr("BUNDLE_VERSION") = kBundleVersion;

  m.def(
      "validate_bundle",
      [](const py::object& bundle) {
        const nlohmann::json j =
            is_path_like(bundle) ? read_json_file(fspath(bundle)) : to_json_value(bundle);
        py::list out;
        for (const auto& issue : validate_bundle(j))
          out.append(py::make_tuple(issue.path, issue.message));
        return out;
      },
      py::arg("bundle"),
      "Check a bundle (a dict, or the path of a JSON file) on its own and return every issue "
      "as (path, message) tuples; an empty list when it is valid. Raises ParseError or "
      "NotFoundError for an unreadable file.");

  m.def("read_statistics_csv", &read_statistics_csv, py::arg("text"), py::arg("source") = "<csv>",
        "Parse statistics CSV text with header ``body,year,variable,value`` (any column order) "
        "into Statistic records. Raises ValidationError with ``source:line`` paths.");
}

}  // namespace civicplan::python
