// SPDX-License-Identifier: Apache-2.0
// Plan lifecycle and governance: revisions, the audit log, diffs, progress and the workspace's
// plan writes, workflow and user views.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/error.hpp"
#include "civicplan/lifecycle.hpp"
#include "civicplan/plan.hpp"
#include "civicplan/workspace.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

std::string type_name(py::handle value) {
  return py::str(py::type::handle_of(value).attr("__qualname__")).cast<std::string>();
}

py::dict revision_to_python(const PlanRevision& r) {
  py::dict d;
  d["plan"] = r.plan;
  d["revision"] = r.revision;
  d["time"] = r.time;
  d["user"] = r.user;
  d["operation"] = r.operation;
  return d;
}

/// `to_dict()[key]`, so that records read like the dicts DESIGN §11 describes.
py::object item(const py::dict& d, const py::object& key) {
  if (!d.contains(key)) {
    PyErr_SetObject(PyExc_KeyError, key.ptr());
    throw py::error_already_set();
  }
  return d[key];
}

PlanVariant variant_from_python(const std::string& text) {
  auto variant = plan_variant_from_string(text);
  if (!variant || *variant == PlanVariant::kOriginal) {
    throw ValidationError(
        std::vector<Issue>{{"variant", "unknown variant " + nlohmann::json(text).dump() +
                                           "; expected one of update, implementation"}});
  }
  return *variant;
}

}  // namespace

Date date_from_python(py::handle value, const char* name) {
  const auto date_type = py::module_::import("datetime").attr("date");
  if (py::isinstance(value, date_type)) {
    // datetime.datetime is a date too: its calendar day counts.
    return Date{value.attr("year").cast<int>(), value.attr("month").cast<int>(),
                value.attr("day").cast<int>()};
  }
  if (!py::isinstance<py::str>(value)) {
    throw py::type_error(std::string(name) +
                         " must be a str \"YYYY-MM-DD\" or a datetime.date, got " +
                         type_name(value));
  }
  const std::string text = value.cast<std::string>();
  if (auto date = Date::parse(text)) return *date;
  throw ValidationError(
      std::vector<Issue>{{name, "expected a date YYYY-MM-DD, got " + nlohmann::json(text).dump()}});
}

void bind_lifecycle(py::module_& m) {
  py::class_<PlanRevision>(m, "PlanRevision",
                           "One kept revision of a plan: which, when, by whom and by which "
                           "operation. ``Workspace.plan_revision`` reads its content back.")
      .def_readonly("plan", &PlanRevision::plan, "The plan id.")
      .def_readonly("revision", &PlanRevision::revision, "The revision number (1 for the first).")
      .def_readonly("time", &PlanRevision::time,
                    "When it was written: ISO 8601 UTC, e.g. \"2026-03-01T09:12:00.123Z\".")
      .def_readonly("user", &PlanRevision::user,
                    "Id of the user who wrote it; \"\" for the operator (a workspace not opened "
                    "as a user).")
      .def_readonly("operation", &PlanRevision::operation,
                    "import, put_plan, submit, approve, reject, archive, new_variant, or an "
                    "execution call (record_progress, record_actual, record_target, "
                    "set_action_status, record_evaluation, import_execution).")
      .def("to_dict", &revision_to_python,
           "The revision as a dict {plan, revision, time, user, operation}.")
      .def(
          "__getitem__",
          [](const PlanRevision& r, const py::object& key) {
            return item(revision_to_python(r), key);
          },
          py::arg("key"), "The value of ``to_dict()[key]``.")
      .def(
          "keys", [](const PlanRevision& r) { return revision_to_python(r).attr("keys")(); },
          "The keys of ``to_dict()``.")
      .def(
          "__eq__",
          [](const PlanRevision& a, const PlanRevision& b) {
            return a.plan == b.plan && a.revision == b.revision && a.time == b.time &&
                   a.user == b.user && a.operation == b.operation;
          },
          py::is_operator(), "True when both describe the same revision.");

  py::class_<AuditEntry>(m, "AuditEntry",
                         "One entry of the append-only audit log: who did what to which object "
                         "and when. No API rewrites or deletes entries.")
      .def_readonly("sequence", &AuditEntry::sequence,
                    "Position in the log: increasing and gap-free per workspace.")
      .def_readonly("time", &AuditEntry::time, "When: ISO 8601 UTC.")
      .def_readonly("user", &AuditEntry::user, "Id of the acting user; \"\" for the operator.")
      .def_readonly("operation", &AuditEntry::operation,
                    "import, put_plan, submit, approve, reject, archive, new_variant, ...")
      .def_readonly("object", &AuditEntry::object,
                    "What changed: \"plan:<id>\", \"user:<id>\", \"ruleset:<id>\", \"bundle\", ...")
      .def_property_readonly(
          "revision", [](const AuditEntry& e) { return optional_to_python(e.revision); },
          "The plan revision written, or None for objects without revisions.")
      .def_property_readonly(
          "before_revision",
          [](const AuditEntry& e) { return optional_to_python(e.before_revision); },
          "The plan revision it replaced, or None when there was none.")
      .def_readonly("detail", &AuditEntry::detail,
                    "Free text: the approval act, the rejection reason, the source plan of a "
                    "variant, an import summary; \"\" when none.")
      .def(
          "to_dict", [](const AuditEntry& e) { return to_python(e.to_json()); },
          "The entry as a dict {sequence, time, user, operation, object, revision, "
          "before_revision, detail}.")
      .def(
          "__getitem__",
          [](const AuditEntry& e, const py::object& key) {
            return item(to_python(e.to_json()), key);
          },
          py::arg("key"), "The value of ``to_dict()[key]``.")
      .def(
          "keys", [](const AuditEntry& e) { return to_python(e.to_json()).attr("keys")(); },
          "The keys of ``to_dict()``.");

  py::class_<ActionProgress>(m, "ActionProgress", "The completion of one action at a date.")
      .def_readonly("action", &ActionProgress::action, "The action id.")
      .def_readonly("completion", &ActionProgress::completion,
                    "Percent complete (0-100): the latest progress entry on or before the date; "
                    "100 for a completed action without entries, else 0.")
      .def_readonly("weight", &ActionProgress::weight,
                    "Its weight in the plan's completion: planned euros of the date's year.")
      .def(
          "to_dict",
          [](const ActionProgress& a) {
            py::dict d;
            d["action"] = a.action;
            d["completion"] = a.completion;
            d["weight"] = a.weight;
            return d;
          },
          "The action's progress as a dict {action, completion, weight}.");

  py::class_<PlanProgress>(m, "PlanProgress",
                           "Per-action and rolled-up completion of a plan at a date.")
      .def_readonly("plan", &PlanProgress::plan, "The plan id.")
      .def_property_readonly(
          "date", [](const PlanProgress& p) { return p.date.to_string(); },
          "The date, \"YYYY-MM-DD\".")
      .def_property_readonly(
          "completion", [](const PlanProgress& p) { return optional_to_python(p.completion); },
          "Percent complete, weighted by planned budget of the date's year (equal weights when "
          "all are zero); None for a plan without actions.")
      .def_readonly("actions", &PlanProgress::actions,
                    "ActionProgress of every action, in plan order.")
      .def(
          "to_dict", [](const PlanProgress& p) { return to_python(p.to_json()); },
          "The progress as a dict {plan, date, completion, actions: [{action, completion, "
          "weight}]}.");

  m.def(
      "diff_plans",
      [](const Plan& a, const Plan& b) { return to_python(diff_plans(a, b).to_json()); },
      py::arg("a"), py::arg("b"),
      "What changed from plan ``a`` to plan ``b``, as ``Workspace.diff`` reports it.");
  m.def(
      "plan_progress",
      [](const Plan& plan, const py::object& date) {
        return plan_progress(plan, date_from_python(date, "date"));
      },
      py::arg("plan"), py::arg("date"),
      "Per-action and rolled-up completion of ``plan`` at ``date`` (\"YYYY-MM-DD\" or a "
      "datetime.date), as a PlanProgress.");
}

void bind_workspace_governance(py::class_<Workspace, std::shared_ptr<Workspace>>& cls) {
  cls.def(
         "as_user",
         [](const Workspace& ws, const std::string& user_id) {
           Workspace view = with_workspace(ws, [&] { return ws.as_user(user_id); });
           return make_workspace_handle(std::move(view));
         },
         py::arg("user_id"),
         "A view of the same workspace acting as ``user_id``: it reads the same state, and "
         "each of its writes (imports object by object, plan writes, transitions, users) is "
         "checked against the user's roles, raising PermissionError naming the user, their "
         "roles and the object. Raises NotFoundError for an unknown user.")
      .def_property_readonly(
          "user", [](const Workspace& ws) { return ws.user(); },
          "Id of the user this view acts as; None for the operator (every write allowed).")
      .def(
          "put_plan",
          [](Workspace& ws, const py::object& plan, std::optional<std::int64_t> expected) {
            if (!py::isinstance<py::dict>(plan)) {
              throw py::type_error("put_plan expects a plan dict, got " + type_name(plan));
            }
            const nlohmann::json j = to_json_value(plan);
            return with_workspace(ws, [&] { return ws.put_plan(j, expected); });
          },
          py::arg("plan"), py::arg("expected_revision") = py::none(),
          "Create or replace a draft plan given as a bundle plan dict (status defaults to "
          "draft; a rejected plan becomes a draft again). Validated in full as an import is: "
          "raises ValidationError listing every issue with paths under \"plan\", and writes "
          "nothing. With ``expected_revision`` (the revision the change was based on; 0 for a "
          "new plan), a plan at another revision raises ConflictError. Editing a submitted, "
          "approved or archived plan raises Error naming its status. Returns the new revision.")
      .def(
          "submit",
          [](Workspace& ws, const std::string& plan_id) {
            return with_workspace(ws, [&] { return ws.submit(plan_id); });
          },
          py::arg("plan_id"),
          "draft -> submitted. Returns the new revision; raises Error naming the current status "
          "for any other plan.")
      .def(
          "approve",
          [](Workspace& ws, const std::string& plan_id, const py::object& date,
             const std::string& act) {
            const Date day = date_from_python(date, "date");
            return with_workspace(ws, [&] { return ws.approve(plan_id, day, act); });
          },
          py::arg("plan_id"), py::arg("date"), py::arg("act"),
          "submitted -> approved, with the date (\"YYYY-MM-DD\" or a datetime.date) and the "
          "approval act (required: ValidationError when blank). Returns the new revision.")
      .def(
          "reject",
          [](Workspace& ws, const std::string& plan_id, const std::string& reason) {
            return with_workspace(ws, [&] { return ws.reject(plan_id, reason); });
          },
          py::arg("plan_id"), py::arg("reason"),
          "submitted -> rejected, with the reason (required: ValidationError when blank). "
          "Returns the new revision.")
      .def(
          "archive",
          [](Workspace& ws, const std::string& plan_id) {
            return with_workspace(ws, [&] { return ws.archive(plan_id); });
          },
          py::arg("plan_id"), "approved -> archived. Returns the new revision.")
      .def(
          "new_variant",
          [](Workspace& ws, const std::string& plan_id, const std::string& variant,
             const std::string& new_id) {
            const PlanVariant v = variant_from_python(variant);
            return with_workspace(ws, [&] { return ws.new_variant(plan_id, v, new_id); });
          },
          py::arg("plan_id"), py::arg("variant"), py::arg("new_id"),
          "Make ``new_id``, a draft copy of the approved plan ``plan_id`` based on it, as an "
          "\"update\" or an \"implementation\" plan (ValidationError otherwise). Returns its "
          "revision.")
      .def(
          "put_user",
          [](Workspace& ws, const py::object& user) {
            const User u = py::isinstance<User>(user) ? user.cast<User>() : user_from_python(user);
            with_workspace(ws, [&] { ws.put_user(u); });
          },
          py::arg("user"),
          "Add or replace a user given as a dict {id, name, roles: [{role, body}]} (or a "
          "User). Raises ValidationError listing every issue (paths under \"user\"); in a user "
          "view, PermissionError unless the acting user is an admin.")
      .def(
          "history",
          [](const Workspace& ws, const std::string& plan_id) {
            return with_workspace(ws, [&] { return ws.history(plan_id); });
          },
          py::arg("plan_id"),
          "The kept revisions of a plan, oldest first, as PlanRevision objects. Raises "
          "NotFoundError for an unknown plan.")
      .def(
          "plan_revision",
          [](const Workspace& ws, const std::string& plan_id, std::int64_t revision) {
            return to_dict(with_workspace(ws, [&] { return ws.plan_revision(plan_id, revision); }));
          },
          py::arg("plan_id"), py::arg("revision"),
          "The content of a kept revision of a plan, as a bundle plan dict. Raises "
          "NotFoundError when that revision is not kept.")
      .def(
          "audit_log",
          [](const Workspace& ws, const std::optional<std::string>& since,
             const std::optional<std::string>& object) {
            return with_workspace(ws, [&] { return ws.audit_log(since, object); });
          },
          py::arg("since") = py::none(), py::arg("object") = py::none(),
          "The audit log, oldest first, as AuditEntry objects: only entries at or after "
          "``since`` (an ISO 8601 time such as \"2026-03-01T09:00:00Z\"), only those about "
          "``object`` (e.g. \"plan:pdz-2021\").")
      .def(
          "diff",
          [](const Workspace& ws, const std::string& a, const std::string& b) {
            return to_python(with_workspace(ws, [&] { return ws.diff(a, b).to_json(); }));
          },
          py::arg("a"), py::arg("b"),
          "What changed from plan ``a`` to plan ``b`` (an update against its original, an "
          "implementation plan against its plan), each a plan id or ``\"PLAN@REVISION\"`` (a "
          "kept revision: diff two revisions of one plan to see what was recorded on it), as a "
          "dict {a, b, years, plan, added, removed, changed, budget_delta}: ``plan`` lists the "
          "plans' own changed fields [{field, before, after}] (title, period, status, approval, "
          "evaluation, ...); actions matched by id; ``changed`` lists {id, fields: [{field, "
          "before, after}]} (title, status, budget, targets, progress, ...); ``budget_delta`` lists {dimension (category or source), key, "
          "planned_before, planned_after, planned_delta, actual_before, actual_after, "
          "actual_delta} in euros over the years both plans cover. Raises NotFoundError for an "
          "unknown plan or a revision that is not kept.")
      .def(
          "plan_progress",
          [](const Workspace& ws, const std::string& plan_id, const py::object& date) {
            const Date day = date_from_python(date, "date");
            return to_python(
                with_workspace(ws, [&] { return ws.plan_progress(plan_id, day).to_json(); }));
          },
          py::arg("plan_id"), py::arg("date"),
          "Per-action and rolled-up completion of a plan at ``date`` (\"YYYY-MM-DD\" or a "
          "datetime.date) as a dict {plan, date, completion, actions: [{action, completion, "
          "weight}]}; completion is weighted by planned budget of the date's year.");
}

}  // namespace civicplan::python
