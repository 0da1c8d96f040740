// SPDX-License-Identifier: Apache-2.0
// Declarations shared by the binding files of the _civicplan module.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <pybind11/pybind11.h>

#include "civicplan/registry.hpp"
#include "civicplan/workspace.hpp"

namespace civicplan::python {

namespace py = pybind11;

/// A body read from a workspace. The body itself is a copy taken when it was looked up;
/// membership queries go through the workspace's current registry, which this handle keeps
/// alive.
struct BodyHandle {
  std::shared_ptr<const Workspace> workspace;
  Body body;
};

/// A filesystem path given as str, bytes or os.PathLike, as a str.
inline std::string fspath(py::handle path) {
  return py::module_::import("os").attr("fsdecode")(path).cast<std::string>();
}

/// True when `obj` is a str, bytes or os.PathLike.
inline bool is_path_like(py::handle obj) {
  if (PyUnicode_Check(obj.ptr()) || PyBytes_Check(obj.ptr())) return true;
  return py::isinstance(obj, py::module_::import("os").attr("PathLike"));
}

/// The Python form of an optional value: the value or None.
template <class T>
py::object optional_to_python(const std::optional<T>& value) {
  if (!value) return py::none();
  return py::cast(*value);
}

void bind_error(py::module_& m);
void bind_registry(py::module_& m);
void bind_taxonomy(py::module_& m);
void bind_plan(py::module_& m);
void bind_records(py::module_& m);
void bind_user(py::module_& m);
void bind_expression(py::module_& m);
void bind_indicator(py::module_& m);
void bind_certification(py::module_& m);
void bind_bundle(py::module_& m);
void bind_workspace(py::module_& m);

}  // namespace civicplan::python
