// SPDX-License-Identifier: Apache-2.0
// The civicplan exception hierarchy as Python exceptions with structured attributes.
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "civicplan/error.hpp"

namespace civicplan::python {

namespace {

/// The Python exception types, created once and kept for the life of the process.
struct ExceptionTypes {
  py::handle error, parse, validation, not_found, permission, conflict, cycle, storage;
};

ExceptionTypes& types() {
  static auto* t = new ExceptionTypes();  // never destroyed: translators may run until exit
  return *t;
}

py::handle new_exception(py::module_& m, const char* name, py::handle base, const char* doc,
                         std::initializer_list<const char*> attributes) {
  const std::string qualified = std::string("civicplan.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  py::handle handle(type);
  // Class-level defaults, so instances raised from Python code also have every attribute.
  for (const char* attribute : attributes) py::setattr(handle, attribute, py::none());
  m.add_object(name, handle);
  return handle;
}

py::str decoded(const char* text) {
  PyObject* s = PyUnicode_DecodeUTF8(
      text, static_cast<Py_ssize_t>(std::char_traits<char>::length(text)), "replace");
  if (s == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(s);
}

/// Sets the pending Python exception to an instance of `type` carrying the C++ message and
/// code, with the attributes `fill` adds.
template <class Fill>
void raise(py::handle type, const Error& e, Fill&& fill) {
  py::object instance = type(decoded(e.what()));
  instance.attr("code") = to_string(e.code());
  fill(instance);
  PyErr_SetObject(type.ptr(), instance.ptr());
}

void raise(py::handle type, const Error& e) {
  raise(type, e, [](py::object&) {});
}

py::list strings(const std::vector<std::string>& items) {
  py::list out;
  for (const auto& item : items) out.append(decoded(item.c_str()));
  return out;
}

void translate(std::exception_ptr p) {
  if (!p) return;
  auto& t = types();
  try {
    std::rethrow_exception(p);
  } catch (const ParseError& e) {
    raise(t.parse, e, [&](py::object& o) {
      o.attr("source") = decoded(e.source().c_str());
      o.attr("line") = e.line();
      o.attr("column") = e.column();
    });
  } catch (const ValidationError& e) {
    raise(t.validation, e, [&](py::object& o) {
      py::list issues;
      for (const auto& issue : e.issues()) {
        issues.append(py::make_tuple(decoded(issue.path.c_str()), decoded(issue.message.c_str())));
      }
      o.attr("issues") = issues;
    });
  } catch (const NotFoundError& e) {
    raise(t.not_found, e, [&](py::object& o) {
      o.attr("kind") = decoded(e.kind().c_str());
      o.attr("id") = decoded(e.id().c_str());
    });
  } catch (const PermissionError& e) {
    raise(t.permission, e);
  } catch (const ConflictError& e) {
    raise(t.conflict, e);
  } catch (const CycleError& e) {
    raise(t.cycle, e, [&](py::object& o) { o.attr("cycle") = strings(e.cycle()); });
  } catch (const StorageError& e) {
    raise(t.storage, e);
  } catch (const Error& e) {
    raise(t.error, e);
  }
}

/// Throws the C++ exception of category `code`; lets callers check how each one surfaces
/// in Python (several are only raised by operations that need a populated workspace).
void raise_error(const std::string& code, const std::string& message) {
  if (code == "parse") throw ParseError(message, "<input>", 3, 7);
  if (code == "validation")
    throw ValidationError({{"bodies[0].id", message}, {"plans[1].title", "is required"}});
  if (code == "not_found") throw NotFoundError("body", message);
  if (code == "permission") throw PermissionError(message);
  if (code == "conflict") throw ConflictError(message);
  if (code == "cycle") throw CycleError(message, {"a", "b", "a"});
  if (code == "storage") throw StorageError(message);
  if (code == "usage") throw Error(ErrorCode::kUsage, message);
  throw py::value_error("unknown error code \"" + code +
                        "\"; expected one of parse, validation, not_found, permission, conflict, "
                        "cycle, storage, usage");
}

}  // namespace

void bind_error(py::module_& m) {
  auto& t = types();
  t.error =
      new_exception(m, "Error", PyExc_RuntimeError,
                    "Base of every civicplan error. ``str(e)`` is the message; ``e.code`` the "
                    "category (\"parse\", \"validation\", \"not_found\", ...).",
                    {"code"});
  t.parse = new_exception(m, "ParseError", t.error,
                          "Malformed text (JSON, CSV or an expression). ``source``, ``line`` and "
                          "``column`` (1-based) say where.",
                          {"source", "line", "column"});
  t.validation =
      new_exception(m, "ValidationError", t.error,
                    "Invalid input. ``issues`` lists every problem found as (path, "
                    "message) tuples, e.g. ('plans[0].period', 'from 2023 is after to 2021').",
                    {"issues"});
  t.not_found = new_exception(m, "NotFoundError", t.error,
                              "A named object does not exist. ``kind`` (\"body\", \"plan\", "
                              "\"file\", ...) and ``id`` name it.",
                              {"kind", "id"});
  t.permission = new_exception(m, "PermissionError", t.error,
                               "The acting user's roles do not allow the operation.", {});
  t.conflict =
      new_exception(m, "ConflictError", t.error, "A write was based on a stale revision.", {});
  t.cycle =
      new_exception(m, "CycleError", t.error,
                    "A graph that must be acyclic has a cycle. ``cycle`` lists its members in "
                    "order, the first repeated at the end.",
                    {"cycle"});
  t.storage =
      new_exception(m, "StorageError", t.error,
                    "The storage (SQLite file) failed: cannot open, locked too long, corrupt.", {});
  py::register_exception_translator(&translate);

  m.def("_raise_error", &raise_error, py::arg("code"), py::arg("message"),
        "Raise the civicplan error of category ``code`` with ``message``; shows how each C++ "
        "error surfaces in Python.");
}

}  // namespace civicplan::python
