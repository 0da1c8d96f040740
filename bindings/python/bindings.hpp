// SPDX-License-Identifier: Apache-2.0
// Declarations shared by the binding files of the _civicplan module.
#pragma once

#include <memory>
#include <shared_mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "civicplan/date.hpp"
#include "civicplan/error.hpp"
#include "civicplan/registry.hpp"
#include "civicplan/user.hpp"
#include "civicplan/workspace.hpp"

namespace civicplan::python {

namespace py = pybind11;

/// The state of one Python-owned workspace handle: whether close() was called, and the guard
/// that lets close() wait for the calls in flight on that handle. Calls on a handle run
/// concurrently (the workspace itself is thread-safe); only close() excludes them.
struct HandleState {
  std::shared_mutex closing;
  bool closed = false;  // written under an exclusive `closing`
};

/// A Python-owned handle on `workspace`.
std::shared_ptr<Workspace> make_workspace_handle(Workspace workspace);

/// The state of a handle made by make_workspace_handle (a shared one, never closed, for any
/// other workspace).
std::shared_ptr<HandleState> handle_state(const Workspace& workspace);

/// Runs `f` on `workspace` with the GIL released, so that a call that waits on another
/// process's SQLite lock never blocks unrelated Python threads, and returns its result by
/// value. `f` must not touch Python objects. Raises StorageError on a closed handle.
template <class F>
auto with_workspace(const Workspace& workspace, F&& f) -> std::decay_t<std::invoke_result_t<F>> {
  const auto state = handle_state(workspace);
  py::gil_scoped_release release;
  std::shared_lock<std::shared_mutex> guard(state->closing);
  if (state->closed) throw StorageError("the workspace is closed");
  return std::forward<F>(f)();
}

/// A date given as "YYYY-MM-DD" or as a datetime.date. Raises ValidationError naming `name`
/// for a malformed string, TypeError for another type.
Date date_from_python(py::handle value, const char* name);

/// A user given as a dict {id, name, roles: [{role, body}]}. Raises ValidationError listing
/// every issue, with paths under "user" (role bodies are checked by the workspace).
User user_from_python(py::handle value);

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

/// A filter of ids: None → empty (meaning "all"), a single str → one id, else every item of an
/// iterable of str. Raises TypeError naming `name` for anything else.
std::vector<std::string> string_filter(const py::object& value, const char* name);

/// A filter of years: None → empty (meaning "all"), a single int → one year, else every item
/// of an iterable of int. Raises TypeError otherwise.
std::vector<int> year_filter(const py::object& value);

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
void bind_explain(py::module_& m);
void bind_indicator(py::module_& m);
void bind_certification(py::module_& m);
void bind_bundle(py::module_& m);
void bind_lifecycle(py::module_& m);
void bind_practices(py::module_& m);
void bind_workspace(py::module_& m);
/// The governance methods of Workspace (DESIGN §8): user views, plan writes and the
/// workflow, revisions, the audit log, diffs and progress.
void bind_workspace_governance(py::class_<Workspace, std::shared_ptr<Workspace>>& cls);
/// The execution methods of Workspace (DESIGN §16): record_* and import_execution.
void bind_workspace_execution(py::class_<Workspace, std::shared_ptr<Workspace>>& cls);
/// The best-practice, open-data and feedback methods of Workspace (DESIGN §9).
void bind_workspace_practices(py::class_<Workspace, std::shared_ptr<Workspace>>& cls);

}  // namespace civicplan::python
