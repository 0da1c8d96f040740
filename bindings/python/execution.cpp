// SPDX-License-Identifier: Apache-2.0
// Execution records on approved plans (DESIGN §16): the record_* methods of Workspace and
// import_execution.
#include <cmath>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/execution.hpp"
#include "civicplan/workspace.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

using WorkspacePtr = std::shared_ptr<Workspace>;

[[noreturn]] void invalid(const std::string& path, const std::string& message) {
  throw ValidationError(std::vector<Issue>{{path, message}});
}

// Euros given as an int, a float with at most two decimals, a str ("1234.50") or a Decimal.
Money money_from_python(py::handle value, const char* name) {
  if (PyBool_Check(value.ptr())) invalid(name, "expected euros, got a bool");
  if (PyLong_Check(value.ptr())) {
    const auto euros = value.cast<long long>();
    if (euros > 90000000000000LL || euros < -90000000000000LL) invalid(name, "the amount is too large");
    return Money::from_cents(euros * 100);
  }
  if (PyFloat_Check(value.ptr())) {
    if (auto m = Money::from_euros(value.cast<double>())) return *m;
    invalid(name, "expected euros with at most 2 decimals, got " + py::repr(value).cast<std::string>());
  }
  if (PyUnicode_Check(value.ptr()) || py::isinstance(value, py::module_::import("decimal").attr("Decimal"))) {
    const std::string text = py::str(value).cast<std::string>();
    if (auto m = Money::parse(text)) return *m;
    invalid(name, "expected euros with at most 2 decimals and a dot as decimal separator, got \"" + text + "\"");
  }
  throw py::type_error(std::string(name) + " must be euros (int, float, str or Decimal), got " +
                       detail::type_name(value));
}

ActionStatus status_from_python(const std::string& text) {
  if (auto s = action_status_from_string(text)) return *s;
  invalid("status", "expected one of planned, in_progress, completed, suspended, cancelled, got \"" + text + "\"");
}

// A cell of a row dict as the CSV reader would see it: None and NaN are empty.
std::string cell_from_python(py::handle value, const std::string& where, const std::string& column) {
  if (value.is_none()) return "";
  if (PyUnicode_Check(value.ptr())) return value.cast<std::string>();
  if (PyBool_Check(value.ptr())) invalid(where, column + ": expected a value, got a bool");
  if (PyLong_Check(value.ptr())) return py::str(value).cast<std::string>();
  if (PyFloat_Check(value.ptr())) {
    const double x = value.cast<double>();
    if (std::isnan(x)) return "";
    return py::repr(value).cast<std::string>();
  }
  if (py::isinstance(value, py::module_::import("datetime").attr("datetime"))) {
    // A datetime (or a pandas Timestamp) names its calendar day, as record_progress reads it;
    // pandas' NaT (not equal to itself) is an empty cell like NaN.
    if (!value.attr("__eq__")(value).cast<bool>()) return "";
    return value.attr("date")().attr("isoformat")().cast<std::string>();
  }
  if (py::hasattr(value, "isoformat")) return value.attr("isoformat")().cast<std::string>();
  return py::str(value).cast<std::string>();
}

std::vector<ExecutionRow> rows_from_python(const py::handle& rows) {
  std::vector<ExecutionRow> out;
  std::size_t i = 0;
  for (const auto& item : rows) {
    const std::string where = "rows[" + std::to_string(i++) + "]";
    if (!py::isinstance<py::dict>(item)) {
      throw py::type_error(where + " must be a dict of column to value, got " + detail::type_name(item));
    }
    ExecutionRow row;
    row.where = where;
    for (const auto& [key, value] : item.cast<py::dict>()) {
      const std::string column = py::str(key).cast<std::string>();
      row.cells[column] = cell_from_python(value, where, column);
    }
    out.push_back(std::move(row));
  }
  return out;
}

py::object import_execution(Workspace& ws, const py::object& source, bool dry_run) {
  if (is_path_like(source)) {
    const std::string path = fspath(source);
    return to_python(with_workspace(ws, [&] { return ws.import_execution(path, dry_run).to_json(); }));
  }
  py::object rows = source;
  if (py::hasattr(source, "to_dict") && py::hasattr(source, "columns")) rows = source.attr("to_dict")("records");
  if (!py::isinstance<py::iterable>(rows)) {
    throw py::type_error("import_execution expects a path, a list of paths or a list of row dicts, got " +
                         detail::type_name(source));
  }
  py::list items(rows);
  bool paths = items.size() > 0;
  for (const auto& item : items) paths = paths && is_path_like(item);
  if (paths) {
    std::vector<std::string> files;
    for (const auto& item : items) files.push_back(fspath(item));
    return to_python(with_workspace(ws, [&] { return ws.import_execution(files, dry_run).to_json(); }));
  }
  const auto parsed = rows_from_python(items);
  return to_python(with_workspace(ws, [&] { return ws.import_execution(parsed, dry_run).to_json(); }));
}

}  // namespace

void bind_workspace_execution(py::class_<Workspace, std::shared_ptr<Workspace>>& cls) {
  cls.def(
         "record_progress",
         [](Workspace& ws, const std::string& plan, const std::string& action, const py::object& date,
            double completion, const std::optional<std::string>& note) {
           const Date day = date_from_python(date, "date");
           return with_workspace(ws, [&] { return ws.record_progress(plan, action, day, completion, note); });
         },
         py::arg("plan"), py::arg("action"), py::arg("date"), py::arg("completion"), py::arg("note") = py::none(),
         "Record how far an action of an approved plan has come on ``date`` (\"YYYY-MM-DD\" or a "
         "datetime.date): completion 0..100, with an optional note; replaces the entry of that "
         "date. Returns the plan's revision (unchanged when the entry was already so).")
      .def(
          "record_actual",
          [](Workspace& ws, const std::string& plan, const std::string& action, int year, const std::string& source,
             const py::object& amount) {
            const Money m = money_from_python(amount, "amount");
            return with_workspace(ws, [&] { return ws.record_actual(plan, action, year, source, m); });
          },
          py::arg("plan"), py::arg("action"), py::arg("year"), py::arg("source"), py::arg("amount"),
          "Set the actual spending (euros: int, float with at most 2 decimals, str or Decimal) "
          "of the action's budget line of ``year`` and ``source``, adding a line without a "
          "planned amount when there is none; the year lies in the plan's period. Returns the "
          "plan's revision.")
      .def(
          "record_target",
          [](Workspace& ws, const std::string& plan, const std::string& action, const std::string& metric,
             double actual) {
            return with_workspace(ws, [&] { return ws.record_target(plan, action, metric, actual); });
          },
          py::arg("plan"), py::arg("action"), py::arg("metric"), py::arg("actual"),
          "Set the actual value of the action's target ``metric`` (NotFoundError when the "
          "action has no such target). Returns the plan's revision.")
      .def(
          "set_action_status",
          [](Workspace& ws, const std::string& plan, const std::string& action, const std::string& status) {
            const ActionStatus s = status_from_python(status);
            return with_workspace(ws, [&] { return ws.set_action_status(plan, action, s); });
          },
          py::arg("plan"), py::arg("action"), py::arg("status"),
          "Set the action's status (planned, in_progress, completed, suspended, cancelled). "
          "Returns the plan's revision.")
      .def(
          "record_evaluation",
          [](Workspace& ws, const std::string& plan, const py::object& date, const std::string& text) {
            const Date day = date_from_python(date, "date");
            return with_workspace(ws, [&] { return ws.record_evaluation(plan, day, text); });
          },
          py::arg("plan"), py::arg("date"), py::arg("text"),
          "Set the plan's overall evaluation (its date and text). Returns the plan's revision.")
      .def("import_execution", &import_execution, py::arg("path_or_rows"), py::arg("dry_run") = false,
           "Apply execution records all or nothing: a CSV path, a list of paths, a list of row "
           "dicts or a pandas DataFrame whose columns say what each row records "
           "(plan,action,date,completion[,note] · plan,action,year,source,actual · "
           "plan,action,metric,actual · plan,action,status). Every bad row is reported at once "
           "(``FILE:LINE: message`` or ``rows[i]: message``) in a ValidationError and nothing is "
           "written. Returns {changed: [{plan, action, field, before, after}], unchanged, "
           "revisions: {plan: revision}, dry_run}; with ``dry_run`` the same, and nothing is "
           "written. Applying the same records twice changes nothing the second time.");
}

}  // namespace civicplan::python
