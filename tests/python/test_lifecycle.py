# SPDX-License-Identifier: Apache-2.0
# Plan lifecycle and governance: drafts, workflow, roles, revisions, conflicts, audit log, diff.
import copy
import datetime
import json
import multiprocessing
import sqlite3
import threading
import time
import traceback
from collections import defaultdict

import pytest

import civicplan as cp
from conftest import bundle, example_path

REGION = "er"
DISTRICT = "dist-pianura-est"
OTHER_DISTRICT = "dist-reno-lavino-samoggia"
ZONE_PLAN = "pdz-pianura-est-2018-2020"
IMPLEMENTATION_PLAN = "pda-pianura-est-2019"

# Users of examples/data/zone.json ...
EDITOR = "u-pianura-est-editor"  # editor of dist-pianura-est
REVIEWER = "u-er-revisore"  # reviewer of the region
# ... and those the tests add.
OTHER_EDITOR = "u-reno-lavino-editor"
VIEWER = "u-er-viewer"
ADMIN = "u-er-admin"

NEW_PLAN = "pdz-pianura-est-2021-2023"
ACT = "Accordo di programma del Comitato di Distretto n. 4 del 01/03/2021"


def action(action_id, title=None, planned=10000, category="zone-er:TRA.1", year=2021):
    return {
        "id": action_id,
        "title": title or f"Intervento {action_id}",
        "categories": [category],
        "status": "planned",
        "budget": [{"year": year, "source": "municipal", "planned": planned}],
    }


def zone_plan(plan_id=NEW_PLAN, body=DISTRICT, actions=None):
    """A new zone plan dict for 2021-2023, a draft unless the caller says otherwise."""
    return {
        "id": plan_id,
        "kind": "zone",
        "body": body,
        "title": f"Piano di zona 2021-2023 - {body}",
        "period": {"from": 2021, "to": 2023},
        "status": "draft",
        "objectives": [{"id": "os1", "title": "Lotta all'esclusione e alla povertà"}],
        "actions": actions if actions is not None else [action("s01")],
    }


def governed(ws):
    """Loads the example zone bundle into `ws`, adds a second district and the users."""
    ws.import_bundle(example_path("zone"))
    ws.import_bundle(bundle(bodies=[{
        "id": OTHER_DISTRICT, "kind": "district", "name": "Distretto Reno, Lavino e Samoggia",
        "parents": [{"id": REGION}],
    }]))
    ws.put_user({"id": OTHER_EDITOR, "name": "Marta Golinelli",
                 "roles": [{"role": "editor", "body": OTHER_DISTRICT}]})
    ws.put_user({"id": VIEWER, "name": "Luca Bernardi", "roles": [{"role": "viewer", "body": REGION}]})
    ws.put_user({"id": ADMIN, "name": "Paola Ferri", "roles": [{"role": "admin", "body": REGION}]})
    return ws


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def gws(request, tmp_path):
    """A governed workspace, in memory, on a SQLite file and in a PostgreSQL schema."""
    if request.param == "memory":
        yield governed(cp.Workspace())
        return
    from backends import Stores

    stores = Stores(request.param, tmp_path)
    ws = governed(cp.Workspace.open(stores("plans")))
    yield ws
    ws.close()
    stores.close()


def submitted_plan(ws, plan_id=NEW_PLAN):
    ws.put_plan(zone_plan(plan_id))
    ws.submit(plan_id)
    return plan_id


def plan_ops(ws, plan_id):
    """(operation, user, revision, before_revision) of every audit entry about a plan."""
    return [(e.operation, e.user, e.revision, e.before_revision)
            for e in ws.audit_log(object=f"plan:{plan_id}")]


# --- The issue's "done when", end to end ---------------------------------------------------

def test_district_zone_plan_from_draft_to_approval_and_update(gws):
    ws = gws
    editor = ws.as_user(EDITOR)
    other = ws.as_user(OTHER_EDITOR)
    reviewer = ws.as_user(REVIEWER)
    assert ws.user is None and editor.user == EDITOR and reviewer.user == REVIEWER
    assert f"as {EDITOR}" in repr(editor)
    log_start = len(ws.audit_log())

    # The district editor drafts its zone plan ...
    plan = zone_plan()
    assert editor.put_plan(plan) == 1
    assert ws.plans[NEW_PLAN].status == "draft" and ws.plans[NEW_PLAN].revision == 1
    # ... and edits it, based on the revision it read.
    plan["actions"].append(action("s02", "Centro per le famiglie"))
    assert editor.put_plan(plan, expected_revision=1) == 2
    assert [a.id for a in ws.plans[NEW_PLAN].actions] == ["s01", "s02"]
    # The views share the state: every view sees the edit.
    assert reviewer.plans[NEW_PLAN].revision == 2

    # A write based on the stale revision 1 is refused and changes nothing.
    stale = copy.deepcopy(plan)
    stale["title"] = "Titolo superato"
    with pytest.raises(cp.ConflictError) as conflict:
        editor.put_plan(stale, expected_revision=1)
    assert "revision 2" in str(conflict.value) and "revision 1" in str(conflict.value)
    assert ws.plans[NEW_PLAN].revision == 2 and ws.plans[NEW_PLAN].title == plan["title"]

    # Another district's editor cannot touch the plan, nor can the editor write for another district.
    with pytest.raises(cp.PermissionError) as refused:
        other.put_plan(stale, expected_revision=2)
    message = str(refused.value)
    assert OTHER_EDITOR in message and "editor" in message and NEW_PLAN in message
    with pytest.raises(cp.PermissionError) as refused:
        other.submit(NEW_PLAN)
    assert OTHER_EDITOR in str(refused.value) and NEW_PLAN in str(refused.value)
    with pytest.raises(cp.PermissionError) as refused:
        editor.put_plan(zone_plan("pdz-reno-lavino-2021-2023", body=OTHER_DISTRICT))
    assert EDITOR in str(refused.value) and "pdz-reno-lavino-2021-2023" in str(refused.value)
    assert "pdz-reno-lavino-2021-2023" not in ws.plans

    # The editor submits; it cannot approve its own plan.
    assert editor.submit(NEW_PLAN) == 3
    assert ws.plans[NEW_PLAN].status == "submitted"
    with pytest.raises(cp.PermissionError) as refused:
        editor.approve(NEW_PLAN, "2021-03-01", ACT)
    message = str(refused.value)
    assert EDITOR in message and f"editor of {DISTRICT}" in message and NEW_PLAN in message
    assert "reviewer" in message
    assert ws.plans[NEW_PLAN].status == "submitted"

    # The regional reviewer approves with the act.
    assert reviewer.approve(NEW_PLAN, datetime.date(2021, 3, 1), ACT) == 4
    approved = ws.plans[NEW_PLAN]
    assert approved.status == "approved"
    assert approved.approval == {"date": "2021-03-01", "act": ACT}

    # The approved plan refuses edits, whoever writes, naming its status.
    for writer in (editor, ws):
        with pytest.raises(cp.Error) as refused:
            writer.put_plan(plan, expected_revision=4)
        assert not isinstance(refused.value, (cp.PermissionError, cp.ConflictError))
        assert "approved" in str(refused.value) and NEW_PLAN in str(refused.value)
    assert ws.plans[NEW_PLAN].revision == 4

    # new_variant starts its update: a draft copy based on it, which the editor then edits.
    update_id = "pdz-pianura-est-2021-2023-agg-2022"
    assert editor.new_variant(NEW_PLAN, "update", update_id) == 1
    update = ws.plans[update_id]
    assert (update.status, update.variant, update.based_on) == ("draft", "update", NEW_PLAN)
    assert update.approval is None
    assert [a.to_dict() for a in update.actions] == [a.to_dict() for a in approved.actions]
    changed = update.to_dict()
    changed["actions"] = [a for a in changed["actions"] if a["id"] != "s01"]
    changed["actions"][0]["title"] = "Centro per le famiglie distrettuale"
    changed["actions"].append(action("s03", planned=5000))
    assert editor.put_plan(changed, expected_revision=1) == 2
    diff = ws.diff(NEW_PLAN, update_id)
    assert diff["added"] == ["s03"] and diff["removed"] == ["s01"]
    assert [(c["id"], [f["field"] for f in c["fields"]]) for c in diff["changed"]] == [("s02", ["title"])]
    assert diff["changed"][0]["fields"][0] == {
        "field": "title", "before": "Centro per le famiglie", "after": "Centro per le famiglie distrettuale"}

    # Every step is in the audit log with its user; refusals wrote nothing.
    assert plan_ops(ws, NEW_PLAN) == [
        ("put_plan", EDITOR, 1, None),
        ("put_plan", EDITOR, 2, 1),
        ("submit", EDITOR, 3, 2),
        ("approve", REVIEWER, 4, 3),
    ]
    assert plan_ops(ws, update_id) == [("new_variant", EDITOR, 1, None), ("put_plan", EDITOR, 2, 1)]
    assert ws.audit_log(object=f"plan:{NEW_PLAN}")[-1].detail == ACT
    assert ws.audit_log(object=f"plan:{update_id}")[0].detail == NEW_PLAN
    assert ws.audit_log(object="plan:pdz-reno-lavino-2021-2023") == []
    entries = ws.audit_log()
    assert len(entries) == log_start + 6
    assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
    assert [e.time for e in entries] == sorted(e.time for e in entries)
    last = entries[-1].to_dict()
    assert {"time", "user", "operation", "object", "revision"} <= set(last)
    assert last["user"] == EDITOR and last["object"] == f"plan:{update_id}" and last["revision"] == 2
    assert entries[-1]["operation"] == "put_plan" and dict(entries[-1]) == last
    approval = ws.audit_log(object=f"plan:{NEW_PLAN}")[3]
    since = ws.audit_log(since=approval.time)
    assert since[0].sequence <= approval.sequence and all(e.time >= approval.time for e in since)
    assert approval.sequence in [e.sequence for e in since]
    assert ws.audit_log(since="2999-01-01T00:00:00Z") == []

    # history lists each revision with its operation and user; plan_revision reads them back.
    history = ws.history(NEW_PLAN)
    assert [(r.plan, r.revision, r.operation, r.user) for r in history] == [
        (NEW_PLAN, 1, "put_plan", EDITOR),
        (NEW_PLAN, 2, "put_plan", EDITOR),
        (NEW_PLAN, 3, "submit", EDITOR),
        (NEW_PLAN, 4, "approve", REVIEWER),
    ]
    assert [r.time for r in history] == sorted(r.time for r in history)
    assert history[3].to_dict() == {"plan": NEW_PLAN, "revision": 4, "time": history[3].time,
                                    "user": REVIEWER, "operation": "approve"}
    assert repr(history[3]).startswith(f"<PlanRevision {NEW_PLAN}@4 approve by {REVIEWER} ")
    first = ws.plan_revision(NEW_PLAN, 1)
    assert [a["id"] for a in first["actions"]] == ["s01"]
    assert first["status"] == "draft" and first["revision"] == 1
    assert [a["id"] for a in ws.plan_revision(NEW_PLAN, 2)["actions"]] == ["s01", "s02"]
    assert ws.plan_revision(NEW_PLAN, 3)["status"] == "submitted"
    assert ws.plan_revision(NEW_PLAN, 4) == ws.plans[NEW_PLAN].to_dict()
    with pytest.raises(cp.NotFoundError):
        ws.plan_revision(NEW_PLAN, 5)
    with pytest.raises(cp.NotFoundError):
        ws.history("no-such-plan")

    # On a file, all of it is still there after reopening.
    if ws.path is not None:
        again = cp.Workspace.open(ws.path)
        assert [(r.revision, r.operation, r.user) for r in again.history(NEW_PLAN)] == [
            (r.revision, r.operation, r.user) for r in history]
        assert [e.to_dict() for e in again.audit_log()] == [e.to_dict() for e in ws.audit_log()]
        assert again.plan_revision(NEW_PLAN, 1) == first


def test_example_plans_have_their_import_revision(gws):
    history = gws.history(ZONE_PLAN)
    assert [(r.revision, r.operation, r.user) for r in history] == [(1, "import", "")]
    assert gws.plan_revision(ZONE_PLAN, 1) == gws.plans[ZONE_PLAN].to_dict()
    imports = gws.audit_log(object=f"plan:{ZONE_PLAN}")
    assert [(e.operation, e.user, e.revision) for e in imports] == [("import", "", 1)]
    assert "operator" in repr(imports[0])


# --- Diff of the example implementation plan against its zone plan ------------------------

def test_diff_of_example_implementation_plan_against_zone_plan(gws):
    data = json.loads(example_path("zone").read_text(encoding="utf-8"))
    plans = {p["id"]: p for p in data["plans"]}
    a, b = plans[ZONE_PLAN], plans[IMPLEMENTATION_PLAN]
    first = max(a["period"]["from"], b["period"]["from"])
    last = min(a["period"]["to"], b["period"]["to"])
    before = {x["id"]: x for x in a["actions"]}
    after = {x["id"]: x for x in b["actions"]}

    def comparable(act):
        out = dict(act)
        out["budget"] = [line for line in act.get("budget", []) if first <= line["year"] <= last]
        return out

    expected_changed = {}
    for action_id in sorted(set(before) & set(after)):
        x, y = comparable(before[action_id]), comparable(after[action_id])
        fields = {k for k in set(x) | set(y) if k != "id" and x.get(k) != y.get(k)}
        if fields:
            expected_changed[action_id] = fields

    diff = gws.diff(ZONE_PLAN, IMPLEMENTATION_PLAN)
    assert diff["a"] == ZONE_PLAN and diff["b"] == IMPLEMENTATION_PLAN
    assert diff["years"] == {"from": first, "to": last} == {"from": 2019, "to": 2019}
    assert diff["added"] == sorted(set(after) - set(before)) == ["s21", "s22"]
    assert diff["removed"] == sorted(set(before) - set(after)) == ["s04", "s17"]
    assert {c["id"]: {f["field"] for f in c["fields"]} for c in diff["changed"]} == expected_changed
    s01 = next(c for c in diff["changed"] if c["id"] == "s01")
    status = next(f for f in s01["fields"] if f["field"] == "status")
    assert (status["before"], status["after"]) == ("in_progress", "completed")

    # Budget deltas per category and per source, planned and actual, over 2019.
    expected = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for offset, plan in ((0, a), (1, b)):
        for act in plan["actions"]:
            for line in act.get("budget", []):
                if not first <= line["year"] <= last:
                    continue
                keys = [("source", line["source"])]
                keys += [("category", c) for c in act.get("categories") or [""]]
                for key in keys:
                    expected[key][offset] += line.get("planned", 0)
                    expected[key][2 + offset] += line.get("actual", 0)
    got = {(d["dimension"], d["key"]): d for d in diff["budget_delta"]}
    assert set(got) == set(expected)
    for key, (planned_a, planned_b, actual_a, actual_b) in expected.items():
        d = got[key]
        assert d["planned_before"] == pytest.approx(planned_a), key
        assert d["planned_after"] == pytest.approx(planned_b), key
        assert d["planned_delta"] == pytest.approx(planned_b - planned_a), key
        assert d["actual_before"] == pytest.approx(actual_a), key
        assert d["actual_after"] == pytest.approx(actual_b), key
        assert d["actual_delta"] == pytest.approx(actual_b - actual_a), key

    assert cp.diff_plans(gws.plans[ZONE_PLAN], gws.plans[IMPLEMENTATION_PLAN]) == diff
    with pytest.raises(cp.NotFoundError):
        gws.diff(ZONE_PLAN, "no-such-plan")


def test_plan_progress_is_weighted_by_planned_budget(gws):
    data = json.loads(example_path("zone").read_text(encoding="utf-8"))
    plan = next(p for p in data["plans"] if p["id"] == IMPLEMENTATION_PLAN)
    for day in ("2019-06-30", "2019-12-31"):
        weights, completions = [], []
        for act in plan["actions"]:
            entries = [e for e in act.get("progress", []) if e["date"] <= day]
            if entries:
                completion = max(entries, key=lambda e: e["date"])["completion"]
            else:
                completion = 100 if act.get("status") == "completed" else 0
            completions.append(completion)
            weights.append(sum(line.get("planned", 0) for line in act.get("budget", [])
                               if line["year"] == int(day[:4])))
        expected = sum(w * c for w, c in zip(weights, completions)) / sum(weights)

        progress = gws.plan_progress(IMPLEMENTATION_PLAN, day)
        assert progress["plan"] == IMPLEMENTATION_PLAN and progress["date"] == day
        assert progress["completion"] == pytest.approx(expected)
        assert [p["action"] for p in progress["actions"]] == [x["id"] for x in plan["actions"]]
        assert [p["completion"] for p in progress["actions"]] == pytest.approx(completions)
        assert [p["weight"] for p in progress["actions"]] == pytest.approx(weights)

        same = cp.plan_progress(gws.plans[IMPLEMENTATION_PLAN], datetime.date.fromisoformat(day))
        assert same.to_dict() == progress
        assert same.completion == pytest.approx(expected) and same.date == day
        assert [p.to_dict() for p in same.actions] == progress["actions"]
        assert repr(same).startswith(f"<PlanProgress {IMPLEMENTATION_PLAN} at {day}: ")
    with pytest.raises(cp.ValidationError) as bad:
        gws.plan_progress(IMPLEMENTATION_PLAN, "31/12/2019")
    assert bad.value.issues[0][0] == "date"


# --- Workflow ------------------------------------------------------------------------------

def test_approve_needs_an_act_and_reject_a_reason(gws):
    submitted_plan(gws)
    for blank in ("", "   "):
        with pytest.raises(cp.ValidationError) as missing:
            gws.approve(NEW_PLAN, "2021-03-01", blank)
        assert [path for path, _ in missing.value.issues] == ["act"]
        with pytest.raises(cp.ValidationError) as missing:
            gws.reject(NEW_PLAN, blank)
        assert [path for path, _ in missing.value.issues] == ["reason"]
    assert gws.plans[NEW_PLAN].status == "submitted" and gws.plans[NEW_PLAN].revision == 2


def test_rejected_plan_is_edited_again_as_a_draft(gws):
    submitted_plan(gws)
    reviewer = gws.as_user(REVIEWER)
    reason = "Manca la scheda sul contrasto alla povertà"
    assert reviewer.reject(NEW_PLAN, reason) == 3
    assert gws.plans[NEW_PLAN].status == "rejected"
    assert gws.audit_log(object=f"plan:{NEW_PLAN}")[-1].detail == reason
    plan = zone_plan(actions=[action("s01"), action("s02", "Reddito di cittadinanza")])
    assert gws.as_user(EDITOR).put_plan(plan, expected_revision=3) == 4
    assert gws.plans[NEW_PLAN].status == "draft"
    assert gws.as_user(EDITOR).submit(NEW_PLAN) == 5
    assert reviewer.approve(NEW_PLAN, "2021-04-15", ACT) == 6
    assert reviewer.archive(NEW_PLAN) == 7
    assert [r.operation for r in gws.history(NEW_PLAN)] == [
        "put_plan", "submit", "reject", "put_plan", "submit", "approve", "archive"]


@pytest.mark.parametrize("status, attempt", [
    ("approved", lambda ws: ws.submit(NEW_PLAN)),
    ("approved", lambda ws: ws.approve(NEW_PLAN, "2021-05-01", ACT)),
    ("approved", lambda ws: ws.reject(NEW_PLAN, "troppo tardi")),
    ("draft", lambda ws: ws.approve(NEW_PLAN, "2021-03-01", ACT)),
    ("draft", lambda ws: ws.reject(NEW_PLAN, "incompleto")),
    ("draft", lambda ws: ws.archive(NEW_PLAN)),
    ("draft", lambda ws: ws.new_variant(NEW_PLAN, "update", "pdz-agg")),
    ("submitted", lambda ws: ws.submit(NEW_PLAN)),
    ("submitted", lambda ws: ws.archive(NEW_PLAN)),
    ("submitted", lambda ws: ws.put_plan(zone_plan())),
    ("archived", lambda ws: ws.put_plan(zone_plan())),
    ("archived", lambda ws: ws.approve(NEW_PLAN, "2021-05-01", ACT)),
])
def test_illegal_transitions_name_the_current_status(status, attempt):
    ws = governed(cp.Workspace())
    ws.put_plan(zone_plan())
    if status != "draft":
        ws.submit(NEW_PLAN)
    if status in ("approved", "archived"):
        ws.approve(NEW_PLAN, "2021-03-01", ACT)
    if status == "archived":
        ws.archive(NEW_PLAN)
    revision = ws.plans[NEW_PLAN].revision
    entries = len(ws.audit_log())
    with pytest.raises(cp.Error) as illegal:
        attempt(ws)
    assert not isinstance(illegal.value, (cp.PermissionError, cp.ConflictError, cp.NotFoundError))
    assert f"it is {status}" in str(illegal.value) and NEW_PLAN in str(illegal.value)
    assert ws.plans[NEW_PLAN].status == status and ws.plans[NEW_PLAN].revision == revision
    assert len(ws.audit_log()) == entries


def test_transition_arguments_are_checked():
    ws = governed(cp.Workspace())
    submitted_plan(ws)
    with pytest.raises(cp.ValidationError) as bad:
        ws.approve(NEW_PLAN, "2021-02-30", ACT)
    assert bad.value.issues == [("date", 'expected a date YYYY-MM-DD, got "2021-02-30"')]
    with pytest.raises(TypeError):
        ws.approve(NEW_PLAN, 20210301, ACT)
    # A datetime counts by its calendar day.
    ws.approve(NEW_PLAN, datetime.datetime(2021, 3, 1, 17, 30), ACT)
    assert ws.plans[NEW_PLAN].approval["date"] == "2021-03-01"
    for variant in ("aggiornamento", "original"):
        with pytest.raises(cp.ValidationError) as bad:
            ws.new_variant(NEW_PLAN, variant, "pdz-x")
        assert bad.value.issues[0][0] == "variant" and "update, implementation" in bad.value.issues[0][1]
    assert "pdz-x" not in ws.plans
    assert ws.new_variant(NEW_PLAN, "implementation", "pda-pianura-est-2021") == 1
    assert ws.plans["pda-pianura-est-2021"].variant == "implementation"
    with pytest.raises(cp.NotFoundError):
        ws.submit("no-such-plan")
    with pytest.raises(TypeError):
        ws.put_plan([zone_plan()])


def test_put_plan_validates_in_full_and_writes_nothing_on_error(gws):
    entries = len(gws.audit_log())
    editor = gws.as_user(EDITOR)
    with pytest.raises(cp.ValidationError) as invalid:
        editor.put_plan(zone_plan(actions=[action("s01", category="zone-er:NOPE"), action("s02")]))
    assert invalid.value.issues == [("plan.actions[0].categories[0]", 'unknown category "zone-er:NOPE"')]
    plan = zone_plan(actions=[action("s01"), action("s01")])
    plan["period"] = {"from": 2023, "to": 2021}
    with pytest.raises(cp.ValidationError) as invalid:
        editor.put_plan(plan)
    assert invalid.value.issues == [
        ("plan.period", "from 2023 is after to 2021"),
        ("plan.actions[1]", 'duplicate id "s01" (first at plan.actions[0])'),
    ]
    assert NEW_PLAN not in gws.plans and len(gws.audit_log()) == entries
    with pytest.raises(cp.ValidationError) as invalid:
        gws.put_plan({**zone_plan(), "status": "approved", "approval": {"date": "2021-03-01", "act": ACT}})
    assert [path for path, _ in invalid.value.issues] == ["plan.status"]
    assert "put_plan writes drafts" in invalid.value.issues[0][1]
    with pytest.raises(cp.ConflictError):
        gws.put_plan(zone_plan(), expected_revision=3)
    assert NEW_PLAN not in gws.plans and len(gws.audit_log()) == entries
    assert gws.put_plan(zone_plan(), expected_revision=0) == 1


def test_put_plan_lists_every_issue_at_once_as_import_does(gws):
    # Structural and reference issues together, as import_bundle reports them.
    plan = zone_plan(actions=[action("s01", category="zone-er:NOPE"), action("s01")])
    plan["period"] = {"from": 2023, "to": 2021}
    with pytest.raises(cp.ValidationError) as imported:
        gws.import_bundle(bundle(plans=[plan]))
    with pytest.raises(cp.ValidationError) as put:
        gws.put_plan(plan)
    expected = sorted((path.replace("plans[0]", "plan"), message.replace("plans[0]", "plan"))
                      for path, message in imported.value.issues)
    assert ("plan.actions[0].categories[0]", 'unknown category "zone-er:NOPE"') in expected
    assert sorted(put.value.issues) == expected


# --- Roles ---------------------------------------------------------------------------------

def test_viewer_reads_but_every_write_is_refused(gws):
    gws.put_plan(zone_plan())
    viewer = gws.as_user(VIEWER)
    assert NEW_PLAN in viewer.plans and len(viewer.history(NEW_PLAN)) == 1
    entries = len(gws.audit_log())
    writes = [
        lambda: viewer.put_plan(zone_plan("pdz-viewer")),
        lambda: viewer.put_plan(zone_plan(), expected_revision=1),
        lambda: viewer.submit(NEW_PLAN),
        lambda: viewer.put_user({"id": "u-new", "name": "Nuovo", "roles": []}),
        lambda: viewer.import_bundle(bundle(plans=[zone_plan("pdz-viewer")])),
    ]
    for write in writes:
        with pytest.raises(cp.PermissionError) as refused:
            write()
        assert VIEWER in str(refused.value) and "viewer" in str(refused.value)
    gws.submit(NEW_PLAN)
    for write in (lambda: viewer.approve(NEW_PLAN, "2021-03-01", ACT),
                  lambda: viewer.reject(NEW_PLAN, "no")):
        with pytest.raises(cp.PermissionError):
            write()
    assert len(gws.audit_log()) == entries + 1  # only the operator's submit
    assert "pdz-viewer" not in gws.plans and "u-new" not in gws.users


def test_only_admins_manage_users(gws):
    with pytest.raises(cp.PermissionError) as refused:
        gws.as_user(EDITOR).put_user({"id": "u-new", "name": "Nuovo", "roles": []})
    assert EDITOR in str(refused.value) and "admin" in str(refused.value)
    admin = gws.as_user(ADMIN)
    admin.put_user({"id": "u-new", "name": "Nuovo Utente", "roles": [{"role": "editor", "body": OTHER_DISTRICT}]})
    assert gws.users["u-new"].roles == [{"role": "editor", "body": OTHER_DISTRICT}]
    entry = gws.audit_log(object="user:u-new")[-1]
    assert entry.user == ADMIN and entry.revision is None
    # A User object is accepted too.
    admin.put_user(gws.users[EDITOR])
    with pytest.raises(cp.NotFoundError):
        gws.as_user("u-nobody")


def test_put_user_reports_every_issue(gws):
    with pytest.raises(cp.ValidationError) as invalid:
        gws.put_user({"id": "u-x", "nme": "X", "roles": [{"role": "edtor", "body": DISTRICT}]})
    issues = dict(invalid.value.issues)
    assert issues["user.name"] == "is required"
    assert "did you mean \"name\"" in issues["user.nme"]
    assert "unknown role \"edtor\"" in issues["user.roles[0].role"]
    with pytest.raises(cp.ValidationError) as invalid:
        gws.put_user({"id": "u-x", "name": "X", "roles": [{"role": "editor", "body": "dist-nowhere"}]})
    assert invalid.value.issues == [("user.roles[0].body", 'unknown body "dist-nowhere"')]
    with pytest.raises(cp.ValidationError) as invalid:
        gws.put_user({"id": 7, "name": "X", "roles": "editor"})
    assert dict(invalid.value.issues).keys() == {"user.id", "user.roles"}
    assert "u-x" not in gws.users


def test_import_through_a_user_view_is_checked_object_by_object(gws):
    editor = gws.as_user(EDITOR)
    own = zone_plan()
    foreign = zone_plan("pdz-reno-lavino-2021-2023", body=OTHER_DISTRICT)
    entries = len(gws.audit_log())
    with pytest.raises(cp.PermissionError) as refused:
        editor.import_bundle(bundle(plans=[own, foreign]))
    message = str(refused.value)
    assert EDITOR in message and "pdz-reno-lavino-2021-2023" in message and OTHER_DISTRICT in message
    assert NEW_PLAN not in gws.plans and "pdz-reno-lavino-2021-2023" not in gws.plans
    assert len(gws.audit_log()) == entries
    # Its own draft imports, journaled with its user; approving through import is a reviewer's.
    assert editor.import_bundle(bundle(plans=[own]))["added"] == {"plans": 1}
    assert plan_ops(gws, NEW_PLAN) == [("import", EDITOR, 1, None)]
    approved = {**zone_plan("pdz-approved"), "status": "approved",
                "approval": {"date": "2021-03-01", "act": ACT}}
    with pytest.raises(cp.PermissionError):
        editor.import_bundle(bundle(plans=[approved]))
    with pytest.raises(cp.PermissionError):
        editor.import_bundle(bundle(bodies=[{"id": "dist-x", "kind": "district", "name": "X"}]))
    assert "pdz-approved" not in gws.plans and "dist-x" not in gws.bodies


# --- Concurrency ---------------------------------------------------------------------------

def test_two_handles_on_one_store_detect_a_stale_write(store):
    path = store("plans")
    first = governed(cp.Workspace.open(path))
    first.put_plan(zone_plan())
    second = cp.Workspace.open(path)
    read_first = first.plans[NEW_PLAN].to_dict()
    read_second = second.plans[NEW_PLAN].to_dict()
    read_first["actions"].append(action("s02"))
    read_second["actions"].append(action("s03"))
    assert first.put_plan(read_first, expected_revision=1) == 2
    with pytest.raises(cp.ConflictError):
        second.put_plan(read_second, expected_revision=1)
    fresh = second.plans[NEW_PLAN]
    assert fresh.revision == 2 and [a.id for a in fresh.actions] == ["s01", "s02"]


def test_a_stale_write_is_a_conflict_whatever_changed_since(gws):
    # Read while rejected; another editor writes it first (a draft again), then submits it.
    submitted_plan(gws)
    gws.reject(NEW_PLAN, "Incompleto")
    read = gws.plans[NEW_PLAN]
    mine = read.to_dict()
    other = gws.plans[NEW_PLAN].to_dict()
    other["title"] = "Versione di un altro"
    gws.put_plan(other, expected_revision=read.revision)
    mine["title"] = "La mia versione"
    with pytest.raises(cp.ConflictError, match=f"revision {read.revision + 1}"):
        gws.put_plan(mine, expected_revision=read.revision)
    gws.submit(NEW_PLAN)
    with pytest.raises(cp.ConflictError):
        gws.put_plan(mine, expected_revision=read.revision)
    assert gws.plans[NEW_PLAN].title == "Versione di un altro"


EDITS_PER_PROCESS = 20
SHARED_PLAN = "pdz-condiviso"


def _append_actions(path, tag, start, results):
    """Adds EDITS_PER_PROCESS actions to SHARED_PLAN, one write each, rereading on conflict."""
    try:
        ws = cp.Workspace.open(path)
        start.wait(timeout=60)  # both processes begin writing together
        conflicts = 0
        for i in range(EDITS_PER_PROCESS):
            while True:
                current = ws.plans[SHARED_PLAN]
                plan = current.to_dict()
                plan["actions"].append(action(f"{tag}{i:02d}", f"Intervento {tag} {i}"))
                try:
                    ws.put_plan(plan, expected_revision=current.revision)
                    break
                except cp.ConflictError:
                    conflicts += 1
        results.put((tag, "ok", conflicts))
    except BaseException:  # reported to the parent, which fails the test
        results.put((tag, "error", traceback.format_exc()))


def test_two_processes_never_lose_an_update(store):
    path = store("shared")
    ws = governed(cp.Workspace.open(path))
    assert ws.put_plan(zone_plan(SHARED_PLAN, actions=[])) == 1
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    results = ctx.Queue()
    workers = [ctx.Process(target=_append_actions, args=(path, tag, start, results)) for tag in ("a", "b")]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    for tag, status, detail in outcomes:
        assert status == "ok", f"process {tag} failed:\n{detail}"

    ws.refresh()
    plan = ws.plans[SHARED_PLAN]
    expected = {f"{tag}{i:02d}" for tag in "ab" for i in range(EDITS_PER_PROCESS)}
    assert len(plan.actions) == 2 * EDITS_PER_PROCESS
    assert {a.id for a in plan.actions} == expected
    assert plan.revision == 1 + 2 * EDITS_PER_PROCESS
    history = ws.history(SHARED_PLAN)
    assert [r.revision for r in history] == list(range(1, 2 + 2 * EDITS_PER_PROCESS))
    # Each revision holds one more action than the one before: no write was based on a stale read.
    sizes = [len(ws.plan_revision(SHARED_PLAN, r.revision)["actions"]) for r in history]
    assert sizes == list(range(0, 1 + 2 * EDITS_PER_PROCESS))
    assert len(ws.audit_log(object=f"plan:{SHARED_PLAN}")) == 1 + 2 * EDITS_PER_PROCESS


def test_a_write_waiting_on_the_sqlite_lock_releases_the_gil(tmp_path):
    path = tmp_path / "locked.db"
    ws = governed(cp.Workspace.open(path))
    ws.put_plan(zone_plan())
    plan = ws.plans[NEW_PLAN].to_dict()
    plan["actions"].append(action("s02"))
    other = cp.Workspace.open(path)  # another workspace: not blocked by ws's write

    blocker = sqlite3.connect(str(path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    outcome = {}

    def write():
        try:
            outcome["revision"] = ws.put_plan(plan, expected_revision=1)
        except Exception as error:  # reported below
            outcome["error"] = error

    writer = threading.Thread(target=write)
    writer.start()
    try:
        # While the writer waits for the lock, this thread keeps running Python and reading.
        deadline = time.monotonic() + 0.5
        spins = 0
        while time.monotonic() < deadline:
            spins += 1
        assert writer.is_alive() and not outcome
        assert other.plans[NEW_PLAN].revision == 1
        assert spins > 1000
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    writer.join(timeout=30)
    assert outcome == {"revision": 2}
    assert other.plans[NEW_PLAN].revision == 2


def test_threads_writing_and_reading_one_workspace():
    ws = governed(cp.Workspace())
    ws.put_plan(zone_plan(SHARED_PLAN, actions=[]))
    errors = []

    def edit(user, tag):
        view = ws.as_user(user)
        try:
            for i in range(15):
                while True:
                    current = view.plans[SHARED_PLAN]
                    plan = current.to_dict()
                    plan["actions"].append(action(f"{tag}{i:02d}"))
                    try:
                        view.put_plan(plan, expected_revision=current.revision)
                        break
                    except cp.ConflictError:
                        pass
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=edit, args=(EDITOR, tag)) for tag in "abc"]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for plan in ws.plans.values():
            assert plan.actions is not None
        assert len(ws.audit_log()) > 0
    for thread in threads:
        thread.join()
    assert errors == []
    assert ws.plans[SHARED_PLAN].revision == 1 + 45
    assert len(ws.plans[SHARED_PLAN].actions) == 45
