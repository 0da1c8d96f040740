// SPDX-License-Identifier: Apache-2.0
// Plans and their actions.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/error.hpp"
#include "civicplan/plan.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

py::object date_to_python(const std::optional<Date>& date) {
  if (!date) return py::none();
  return py::str(date->to_string());
}

py::object location_to_python(const std::optional<Location>& location) {
  if (!location) return py::none();
  return py::make_tuple(location->lat, location->lon);
}

py::object money_to_python(const std::optional<Money>& money) {
  if (!money) return py::none();
  return py::float_(money->euros());
}

/// The list under `key` of an object's bundle form (empty list when absent).
template <class T>
py::object json_list(const T& value, const char* key) {
  nlohmann::json j;
  to_json(j, value);
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return py::list();
  return to_python(*it);
}

py::list budget_to_python(const Action& a) {
  py::list out;
  for (const auto& line : a.budget) {
    py::dict d;
    d["year"] = line.year;
    d["source"] = line.source;
    d["planned"] = money_to_python(line.planned);
    d["actual"] = money_to_python(line.actual);
    out.append(d);
  }
  return out;
}

py::object progress_to_python(const Progress* p) {
  if (p == nullptr) return py::none();
  py::dict d;
  d["date"] = p->date.to_string();
  d["completion"] = p->completion;
  d["note"] = optional_to_python(p->note);
  return std::move(d);
}

Date parse_date(const std::string& text) {
  auto date = Date::parse(text);
  if (!date) throw py::value_error("expected a date YYYY-MM-DD, got \"" + text + "\"");
  return *date;
}

}  // namespace

void bind_plan(py::module_& m) {
  py::class_<Action>(m, "Action",
                     "An action (intervention, project sheet) of a plan. Its global reference is "
                     "\"<plan id>/<action id>\".")
      .def_readonly("id", &Action::id, "The action id, unique within its plan.")
      .def_readonly("title", &Action::title, "The action's title.")
      .def_property_readonly(
          "description", [](const Action& a) { return optional_to_python(a.description); },
          "Longer text, or None.")
      .def_readonly("categories", &Action::categories, "Category references \"<taxonomy>:<code>\".")
      .def_property_readonly(
          "objective", [](const Action& a) { return optional_to_python(a.objective); },
          "Id of the plan objective the action serves, or None.")
      .def_property_readonly(
          "status", [](const Action& a) { return to_string(a.status); },
          "planned, in_progress, completed, suspended or cancelled.")
      .def_property_readonly(
          "horizon",
          [](const Action& a) -> py::object {
            if (!a.horizon) return py::none();
            return py::str(to_string(*a.horizon));
          },
          "ongoing, scheduled, short_term, long_term, or None.")
      .def_property_readonly(
          "start", [](const Action& a) { return date_to_python(a.start); },
          "Start date \"YYYY-MM-DD\", or None.")
      .def_property_readonly(
          "end", [](const Action& a) { return date_to_python(a.end); },
          "End date \"YYYY-MM-DD\", or None.")
      .def_property_readonly(
          "responsible", [](const Action& a) { return optional_to_python(a.responsible); },
          "The responsible council department, or None.")
      .def_property_readonly(
          "partners", [](const Action& a) { return json_list(a, "partners"); },
          "Partners as dicts {name, kind?}.")
      .def_property_readonly("budget", &budget_to_python,
                             "Budget lines as dicts {year, source, planned, actual}; amounts are "
                             "float euros, None when not given.")
      .def_property_readonly(
          "targets", [](const Action& a) { return json_list(a, "targets"); },
          "Targets as dicts {metric, unit?, baseline?, target?, actual?}.")
      .def_property_readonly(
          "progress", [](const Action& a) { return json_list(a, "progress"); },
          "Dated evaluations as dicts {date, completion, note?}.")
      .def_property_readonly(
          "location", [](const Action& a) { return location_to_python(a.location); },
          "(lat, lon) in WGS84 degrees, or None.")
      .def_readonly("depends_on", &Action::depends_on,
                    "Ids of actions of the same plan this one depends on.")
      .def_readonly("tags", &Action::tags, "Free tags.")
      .def(
          "progress_at",
          [](const Action& a, const std::string& date) {
            return progress_to_python(a.progress_at(parse_date(date)));
          },
          py::arg("date"),
          "The latest progress entry on or before ``date`` (\"YYYY-MM-DD\") as a dict "
          "{date, completion, note}, or None.")
      .def(
          "to_dict", [](const Action& a) { return to_dict(a); },
          "The action as a bundle object (dict).")
      .def(
          "__eq__", [](const Action& a, const Action& b) { return a == b; }, py::is_operator(),
          "True when both actions hold the same data.");

  py::class_<Plan>(m, "Plan",
                   "A plan of a body over a range of years: a family plan, a zone plan, a digital "
                   "agenda, ... with its objectives and actions.")
      .def_readonly("id", &Plan::id, "The plan id.")
      .def_readonly("kind", &Plan::kind, "family, zone, digital_agenda, social, ... (free text).")
      .def_readonly("body", &Plan::body, "Id of the body the plan belongs to.")
      .def_readonly("title", &Plan::title, "The plan's title.")
      .def_property_readonly(
          "period", [](const Plan& p) { return py::make_tuple(p.period.from, p.period.to); },
          "(from, to): the closed range of years the plan covers.")
      .def_property_readonly(
          "status", [](const Plan& p) { return to_string(p.status); },
          "draft, submitted, approved, rejected or archived.")
      .def_property_readonly(
          "variant", [](const Plan& p) { return to_string(p.variant); },
          "original, update or implementation.")
      .def_property_readonly(
          "based_on", [](const Plan& p) { return optional_to_python(p.based_on); },
          "Id of the plan this one updates or implements, or None.")
      .def_property_readonly(
          "approval",
          [](const Plan& p) -> py::object {
            if (!p.approval) return py::none();
            py::dict d;
            d["date"] = p.approval->date.to_string();
            d["act"] = p.approval->act;
            return std::move(d);
          },
          "The approval act as a dict {date, act}, or None.")
      .def_readonly("previous", &Plan::previous, "Ids of the same body's plans of earlier years.")
      .def_property_readonly(
          "objectives", [](const Plan& p) { return json_list(p, "objectives"); },
          "Objectives as dicts {id, title, description?}.")
      .def_property_readonly(
          "actions", [](const Plan& p) { return p.actions; },
          "The actions, in plan order, as Action objects.")
      .def_property_readonly(
          "evaluation",
          [](const Plan& p) -> py::object {
            if (!p.evaluation) return py::none();
            py::dict d;
            d["date"] = p.evaluation->date.to_string();
            d["text"] = p.evaluation->text;
            return std::move(d);
          },
          "The final evaluation as a dict {date, text}, or None.")
      .def_readonly("revision", &Plan::revision, "The revision number, bumped by every change.")
      .def(
          "action",
          [](const Plan& p, const std::string& id) {
            const Action* a = p.find_action(id);
            if (a == nullptr) throw NotFoundError("action", p.id + "/" + id);
            return *a;
          },
          py::arg("id"), "The action with this id; raises NotFoundError when absent.")
      .def(
          "to_dict", [](const Plan& p) { return to_dict(p); },
          "The plan as a bundle object (dict).")
      .def(
          "__eq__", [](const Plan& a, const Plan& b) { return a == b; }, py::is_operator(),
          "True when both plans hold the same data.");
}

}  // namespace civicplan::python
