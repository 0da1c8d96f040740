// SPDX-License-Identifier: Apache-2.0
// Conversion between nlohmann::json values and Python objects (dict, list, str, int, float, bool,
// None).
#pragma once

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <nlohmann/json.hpp>

#include "civicplan/bundle.hpp"

namespace civicplan::python {

namespace py = pybind11;

/// Converts a JSON value to the equivalent Python object; integers stay int, floats stay float.
inline py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list out(j.size());
      std::size_t i = 0;
      for (const auto& item : j) out[i++] = to_python(item);
      return std::move(out);
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, value] : j.items()) out[py::str(key)] = to_python(value);
      return std::move(out);
    }
    case nlohmann::json::value_t::binary:
      break;
  }
  throw py::type_error("cannot convert a binary JSON value to Python");
}

namespace detail {

inline std::string type_name(py::handle obj) {
  return py::str(py::type::handle_of(obj).attr("__qualname__")).cast<std::string>();
}

/// The name of a numpy scalar type ("int64", "float32", "bool_", ...): a subclass of
/// numpy.generic. "" for other types, numpy arrays included.
inline std::string numpy_scalar_name(py::handle obj) {
  const auto type = py::type::handle_of(obj);
  for (auto base : py::reinterpret_borrow<py::tuple>(type.attr("__mro__"))) {
    const auto module = py::getattr(base, "__module__", py::none());
    if (py::isinstance<py::str>(module) && module.cast<std::string>() == "numpy" &&
        py::str(base.attr("__name__")).cast<std::string>() == "generic") {
      return py::str(type.attr("__name__")).cast<std::string>();
    }
  }
  return "";
}

/// A position in the value being converted, linked to its parent; rendered only for errors.
struct PathNode {
  const PathNode* parent = nullptr;
  const std::string* key = nullptr;  ///< object member, or
  std::size_t index = 0;             ///< array element when key is null
  int depth = 1;                     ///< containers above this value, itself included
};

inline std::string render(const PathNode* node) {
  if (node == nullptr) return "the top level";
  std::vector<const PathNode*> chain;
  for (; node != nullptr; node = node->parent) chain.push_back(node);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if ((*it)->key != nullptr) {
      if (!out.empty()) out += '.';
      out += *(*it)->key;
    } else {
      out += "[" + std::to_string((*it)->index) + "]";
    }
  }
  return out;
}

inline nlohmann::json integer_to_json(py::handle obj, const PathNode* path) {
  auto value = py::reinterpret_steal<py::object>(PyNumber_Index(obj.ptr()));
  if (!value) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow == 0) {
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return static_cast<std::int64_t>(v);
  }
  if (overflow > 0) {
    const unsigned long long u = PyLong_AsUnsignedLongLong(value.ptr());
    if (!PyErr_Occurred()) return static_cast<std::uint64_t>(u);
    PyErr_Clear();
  }
  throw py::value_error("integer " + py::repr(obj).cast<std::string>() + " at " + render(path) +
                        " does not fit in 64 bits");
}

inline nlohmann::json float_to_json(py::handle obj, const PathNode* path) {
  const double d = PyFloat_AsDouble(obj.ptr());
  if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  if (!std::isfinite(d)) {
    throw py::value_error("expected a finite number at " + render(path) + ", got " +
                          py::repr(obj).cast<std::string>());
  }
  return d;
}

/// A str as UTF-8; a str that cannot be (lone surrogates) raises ValueError naming `path`.
inline std::string utf8_of(py::handle obj, const PathNode* path) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
  if (data == nullptr) {
    PyErr_Clear();
    throw py::value_error("text at " + render(path) +
                          " cannot be encoded as UTF-8 (it holds lone surrogates): " +
                          py::repr(obj).cast<std::string>());
  }
  return std::string(data, static_cast<std::size_t>(size));
}

inline nlohmann::json convert(py::handle obj, const PathNode* path) {
  PyObject* p = obj.ptr();
  if (obj.is_none()) return nullptr;
  if (PyBool_Check(p)) return p == Py_True;
  if (PyLong_Check(p)) return integer_to_json(obj, path);
  if (PyFloat_Check(p)) return float_to_json(obj, path);
  if (PyUnicode_Check(p)) return utf8_of(obj, path);
  if ((PyDict_Check(p) || PyList_Check(p) || PyTuple_Check(p)) && path != nullptr &&
      path->depth >= kMaxJsonDepth) {
    // Also what stops a list that contains itself.
    throw py::value_error("nesting deeper than " + std::to_string(kMaxJsonDepth) +
                          " levels at " + render(path));
  }
  const int depth = path == nullptr ? 1 : path->depth + 1;
  if (PyDict_Check(p)) {
    nlohmann::json out = nlohmann::json::object();
    for (auto item : py::reinterpret_borrow<py::dict>(obj)) {
      if (!PyUnicode_Check(item.first.ptr())) {
        throw py::type_error("JSON object keys must be str, got " + type_name(item.first) + " " +
                             py::repr(item.first).cast<std::string>() + " at " + render(path));
      }
      const auto key = utf8_of(item.first, path);
      const PathNode child{path, &key, 0, depth};
      out[key] = convert(item.second, &child);
    }
    return out;
  }
  if (PyList_Check(p) || PyTuple_Check(p)) {
    nlohmann::json out = nlohmann::json::array();
    const auto seq = py::reinterpret_borrow<py::sequence>(obj);
    const auto n = seq.size();
    for (std::size_t i = 0; i < n; ++i) {
      const PathNode child{path, nullptr, i, depth};
      out.push_back(convert(seq[i], &child));
    }
    return out;
  }
  const std::string numpy = numpy_scalar_name(obj);
  if (numpy == "bool_" || numpy == "bool") return PyObject_IsTrue(p) == 1;
  if (!numpy.empty() && PyIndex_Check(p)) return integer_to_json(obj, path);
  if (numpy.rfind("float", 0) == 0) {
    auto as_float = py::reinterpret_steal<py::object>(PyNumber_Float(p));
    if (!as_float) throw py::error_already_set();
    return float_to_json(as_float, path);
  }
  throw py::type_error("cannot convert " + type_name(obj) + " at " + render(path) +
                       " to JSON (expected dict, list, tuple, str, int, float, bool or None)");
}

}  // namespace detail

/// Converts a Python object built from dict, list, tuple, str, int, float, bool and None to JSON
/// (numpy integer, floating and bool scalars are accepted as int, float and bool).
/// Raises TypeError for any other type, naming the type and its path in the value (e.g.
/// `bodies[0].attributes.tags`); ValueError for NaN or infinite floats and integers outside
/// the 64-bit range.
inline nlohmann::json to_json_value(py::handle obj) { return detail::convert(obj, nullptr); }

/// A civicplan value converted through its `to_json` overload into a Python object.
template <class T>
py::object to_dict(const T& value) {
  nlohmann::json j;
  to_json(j, value);
  return to_python(j);
}

}  // namespace civicplan::python
