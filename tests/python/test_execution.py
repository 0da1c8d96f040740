# SPDX-License-Identifier: Apache-2.0
# Execution on approved plans (DESIGN §16): the five single records, import_execution in bulk
# (CSV files, row dicts, DataFrames), roles, refusals, and the effect of what was recorded on
# indicators, progress, certification, diff, history, audit log, open data, bundles, SQLite
# and the `civicplan record` verb.
import copy
import csv
import datetime
import json
import math
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import civicplan as cp
from conftest import bundle, example_path

REPO = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("CIVICPLAN_CLI") or REPO / "build" / "civicplan")

# The 2021 and 2022 family plans of Trento (examples/data/family.json), both approved.
BODY = "022205"
DISTRICT = "distretto-famiglia-trentino-nord"
PLAN = "pf-022205-2021"
PLAN_2022 = "pf-022205-2022"
# An action of PLAN: a 2021 municipal line (planned 15000, actual 14530.58), one target,
# progress 50% on 2021-06-30 and 100% on 2021-12-31, completed.
ACTION = "az02"
METRIC = "strutture comunali con marchio family"

# Users of family.json ...
EDITOR = "u-trento-editor"  # editor of 022205 (and viewer of its district)
OTHER_EDITOR = "u-pergine-editor"  # editor of 022139
REVIEWER = "u-pat-revisore"  # reviewer of the province, an ancestor of 022205
AGENCY_ADMIN = "u-agenzia-admin"  # admin of the agency, not an ancestor of 022205
# ... and those the tests add.
VIEWER = "u-trento-viewer"
ADMIN = "u-pat-admin"
DISTRICT_EDITOR = "u-distretto-nord-editor"


def family_ws(ws=None):
    """`ws` (default a new in-memory workspace) holding family.json and the extra users."""
    ws = ws if ws is not None else cp.Workspace()
    ws.import_bundle(example_path("family"))
    ws.put_user({"id": VIEWER, "name": "Sara Pedrotti", "roles": [{"role": "viewer", "body": BODY}]})
    ws.put_user({"id": ADMIN, "name": "Marco Dalpez", "roles": [{"role": "admin", "body": "pat"}]})
    ws.put_user({"id": DISTRICT_EDITOR, "name": "Irene Sartori", "roles": [{"role": "editor", "body": DISTRICT}]})
    return ws


@pytest.fixture
def fws():
    return family_ws()


def action_dict(ws, action=ACTION, plan=PLAN):
    return next(a for a in ws.plans[plan].to_dict()["actions"] if a["id"] == action)


def state(ws, plan=PLAN):
    """Everything a write could change: the bundle, the plan's history and the audit log."""
    return ws.export_bundle(), [r.to_dict() for r in ws.history(plan)], [e.to_dict() for e in ws.audit_log()]


def write_csv(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


# --- Single records -------------------------------------------------------------------------

def _progress_entry(a):
    return [p for p in a["progress"] if p["date"] == "2021-09-30"]


def _actual_line(a):
    return [(b["year"], b["source"], b.get("planned"), b.get("actual")) for b in a["budget"]]


#: (operation, call, check on the plan dict after the call)
SINGLE = [
    ("record_progress",
     lambda ws: ws.record_progress(PLAN, ACTION, "2021-09-30", 75, note="a metà percorso"),
     lambda p: _progress_entry(next(a for a in p["actions"] if a["id"] == ACTION)) == [
         {"date": "2021-09-30", "completion": 75, "note": "a metà percorso"}]),
    ("record_actual",
     lambda ws: ws.record_actual(PLAN, ACTION, 2021, "municipal", 14999.99),
     lambda p: _actual_line(next(a for a in p["actions"] if a["id"] == ACTION)) == [
         (2021, "municipal", 15000, 14999.99)]),
    ("record_target",
     lambda ws: ws.record_target(PLAN, ACTION, METRIC, 3),
     lambda p: [t["actual"] for t in next(a for a in p["actions"] if a["id"] == ACTION)["targets"]
                if t["metric"] == METRIC] == [3]),
    ("set_action_status",
     lambda ws: ws.set_action_status(PLAN, ACTION, "suspended"),
     lambda p: next(a for a in p["actions"] if a["id"] == ACTION)["status"] == "suspended"),
    ("record_evaluation",
     lambda ws: ws.record_evaluation(PLAN, datetime.date(2022, 3, 1), "Valutazione aggiornata"),
     lambda p: p["evaluation"] == {"date": "2022-03-01", "text": "Valutazione aggiornata"}),
]
SINGLE_IDS = [s[0] for s in SINGLE]


@pytest.mark.parametrize("operation,call,check", SINGLE, ids=SINGLE_IDS)
def test_a_single_record_makes_one_revision_and_one_audit_entry(fws, operation, call, check):
    ws = fws
    before = ws.plans[PLAN].revision
    history = len(ws.history(PLAN))
    audit = ws.audit_log(object=f"plan:{PLAN}")
    assert not check(ws.plans[PLAN].to_dict())

    revision = call(ws)
    assert revision == before + 1
    assert ws.plans[PLAN].revision == revision
    kept = ws.history(PLAN)
    assert len(kept) == history + 1
    assert (kept[-1].revision, kept[-1].operation, kept[-1].user) == (revision, operation, "")
    entries = ws.audit_log(object=f"plan:{PLAN}")
    assert len(entries) == len(audit) + 1
    entry = entries[-1]
    assert (entry.operation, entry.user, entry.revision, entry.before_revision) == (operation, "", revision, before)
    # The entry says what changed, before -> after.
    assert "->" in entry.detail
    # The value is visible in the plan and in the kept revision, and the one before keeps the old value.
    assert check(ws.plans[PLAN].to_dict())
    assert check(ws.plan_revision(PLAN, revision))
    assert not check(ws.plan_revision(PLAN, before))
    # Other plans are untouched.
    assert ws.plans[PLAN_2022].revision == 1

    # The same call again changes nothing and writes nothing.
    snapshot = state(ws)
    assert call(ws) == revision
    assert state(ws) == snapshot
    assert len(ws.audit_log(object=f"plan:{PLAN}")) == len(audit) + 1


def test_the_audit_entry_names_the_change(fws):
    fws.record_progress(PLAN, ACTION, "2021-09-30", 75)
    detail = fws.audit_log(object=f"plan:{PLAN}")[-1].detail
    assert detail.startswith(f"{ACTION} progress[2021-09-30]: null -> ")
    assert '"completion":75' in detail
    fws.set_action_status(PLAN, ACTION, "in_progress")
    assert fws.audit_log(object=f"plan:{PLAN}")[-1].detail == f'{ACTION} status: "completed" -> "in_progress"'


def test_record_progress_replaces_the_entry_of_its_date_and_keeps_entries_sorted(fws):
    ws = fws
    dates = lambda: [p["date"] for p in action_dict(ws)["progress"]]
    assert dates() == ["2021-06-30", "2021-12-31"]
    r1 = ws.record_progress(PLAN, ACTION, "2021-09-30", 75)
    r2 = ws.record_progress(PLAN, ACTION, datetime.date(2021, 3, 31), 10)
    assert dates() == ["2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31"]
    # Same date: replaced, not added.
    r3 = ws.record_progress(PLAN, ACTION, "2021-09-30", 80, note="in anticipo")
    assert (r1, r2, r3) == (2, 3, 4)
    assert dates() == ["2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31"]
    assert action_dict(ws)["progress"][2] == {"date": "2021-09-30", "completion": 80, "note": "in anticipo"}
    # A change of the note alone is a change; dropping the note too.
    assert ws.record_progress(PLAN, ACTION, "2021-09-30", 80, note="nota diversa") == 5
    assert ws.record_progress(PLAN, ACTION, "2021-09-30", 80) == 6
    assert action_dict(ws)["progress"][2] == {"date": "2021-09-30", "completion": 80}
    # A datetime counts by its calendar day; an existing entry can be replaced too.
    assert ws.record_progress(PLAN, ACTION, datetime.datetime(2021, 12, 31, 18, 30), 95) == 7
    assert action_dict(ws)["progress"][-1] == {"date": "2021-12-31", "completion": 95}
    assert ws.plans[PLAN].action(ACTION).progress_at("2021-12-31")["completion"] == 95
    # A fractional completion is kept as given.
    assert ws.record_progress(PLAN, ACTION, "2021-10-15", 82.5) == 8
    assert action_dict(ws)["progress"][3] == {"date": "2021-10-15", "completion": 82.5}


def test_record_actual_on_a_new_year_and_source_adds_a_line_without_planned(fws):
    ws = fws
    assert ws.record_actual(PLAN, ACTION, 2021, "provincial", 500) == 2
    lines = action_dict(ws)["budget"]
    assert lines == [
        {"year": 2021, "source": "municipal", "planned": 15000, "actual": 14530.58},
        {"year": 2021, "source": "provincial", "actual": 500},
    ]
    assert ws.plans[PLAN].action(ACTION).budget[1]["planned"] is None
    # Recording on that line again replaces its actual, without adding another line.
    assert ws.record_actual(PLAN, ACTION, 2021, "provincial", "650.25") == 3
    assert [b.get("actual") for b in action_dict(ws)["budget"]] == [14530.58, 650.25]
    # An action without any budget line gets its first.
    assert action_dict(ws, "az01")["budget"] == []
    ws.record_actual(PLAN, "az01", 2021, "municipal", 120)
    assert action_dict(ws, "az01")["budget"] == [{"year": 2021, "source": "municipal", "actual": 120}]


@pytest.mark.parametrize("year", [2020, 2022, 1999])
def test_record_actual_outside_the_period_is_refused(fws, year):
    snapshot = state(fws)
    with pytest.raises(cp.ValidationError) as info:
        fws.record_actual(PLAN, ACTION, year, "municipal", 100)
    message = str(info.value)
    assert str(year) in message and "outside" in message and "2021" in message and PLAN in message
    assert state(fws) == snapshot


@pytest.mark.parametrize("amount,euros", [
    (1234, 1234),
    (0, 0),
    (1234.5, 1234.5),
    (0.1 + 0.2, 0.3),  # a float sum's representation error is not a third decimal
    ("1234.50", 1234.5),
    ("1234", 1234),
    (Decimal("1234.56"), 1234.56),
    (Decimal("99.9"), 99.9),
], ids=["int", "zero", "float", "float-sum", "str", "str-int", "decimal", "decimal-1"])
def test_amounts_as_int_float_str_and_decimal(fws, amount, euros):
    fws.record_actual(PLAN, ACTION, 2021, "municipal", amount)
    assert action_dict(fws)["budget"][0]["actual"] == pytest.approx(euros, abs=1e-9)
    # Exact cents: the same amount written another way changes nothing.
    revision = fws.plans[PLAN].revision
    assert fws.record_actual(PLAN, ACTION, 2021, "municipal", Decimal(str(euros)).quantize(Decimal("0.01"))) == revision


@pytest.mark.parametrize("amount", [1.234, 0.001, "1.234", "12,50", "€ 10", "", Decimal("1.005"), float("nan"),
                                    float("inf"), True],
                         ids=["float-3", "float-tiny", "str-3", "comma", "symbol", "empty", "decimal-3", "nan",
                              "inf", "bool"])
def test_amounts_with_more_than_two_decimals_or_malformed_are_refused(fws, amount):
    snapshot = state(fws)
    with pytest.raises(cp.ValidationError) as info:
        fws.record_actual(PLAN, ACTION, 2021, "municipal", amount)
    assert "amount" in str(info.value)
    assert state(fws) == snapshot


def test_an_amount_of_another_type_is_a_type_error(fws):
    snapshot = state(fws)
    with pytest.raises(TypeError):
        fws.record_actual(PLAN, ACTION, 2021, "municipal", [100])
    assert state(fws) == snapshot


def test_record_target_sets_an_absent_actual(fws):
    ws = fws
    target = action_dict(ws, "az03", PLAN_2022)["targets"][0]
    assert "actual" not in target
    assert ws.record_target(PLAN_2022, "az03", target["metric"], 2.5) == 2
    assert action_dict(ws, "az03", PLAN_2022)["targets"][0] == {**target, "actual": 2.5}


def test_record_evaluation_replaces_the_evaluation(fws):
    ws = fws
    assert "evaluation" not in ws.plans[PLAN_2022].to_dict()
    assert ws.plans[PLAN_2022].evaluation is None
    assert ws.record_evaluation(PLAN_2022, "2023-02-10", "Prima relazione") == 2
    assert ws.plans[PLAN_2022].evaluation == {"date": "2023-02-10", "text": "Prima relazione"}
    # A new date with the same text is a change.
    assert ws.record_evaluation(PLAN_2022, "2023-02-11", "Prima relazione") == 3
    assert ws.plans[PLAN_2022].evaluation["date"] == "2023-02-11"
    assert [e.operation for e in ws.audit_log(object=f"plan:{PLAN_2022}")] == [
        "import", "record_evaluation", "record_evaluation"]


# --- Validation ---------------------------------------------------------------------------

#: (id, call, error class, words the message holds)
BAD_CALLS = [
    ("date-feb-30", lambda ws: ws.record_progress(PLAN, ACTION, "2021-02-30", 50), cp.ValidationError, ["date", "2021-02-30"]),
    ("date-italian", lambda ws: ws.record_progress(PLAN, ACTION, "30/09/2021", 50), cp.ValidationError, ["date", "30/09/2021"]),
    ("date-empty", lambda ws: ws.record_progress(PLAN, ACTION, "", 50), cp.ValidationError, ["date"]),
    ("completion-negative", lambda ws: ws.record_progress(PLAN, ACTION, "2021-09-30", -1), cp.ValidationError,
     ["completion", "0 to 100", "-1"]),
    ("completion-101", lambda ws: ws.record_progress(PLAN, ACTION, "2021-09-30", 101), cp.ValidationError,
     ["completion", "0 to 100", "101"]),
    ("completion-nan", lambda ws: ws.record_progress(PLAN, ACTION, "2021-09-30", float("nan")), cp.ValidationError,
     ["completion", "0 to 100", "NaN"]),
    ("completion-inf", lambda ws: ws.record_progress(PLAN, ACTION, "2021-09-30", float("inf")), cp.ValidationError,
     ["completion", "0 to 100"]),
    ("progress-unknown-plan", lambda ws: ws.record_progress("pf-nope", ACTION, "2021-09-30", 50), cp.NotFoundError,
     ["pf-nope"]),
    ("progress-unknown-action", lambda ws: ws.record_progress(PLAN, "az99", "2021-09-30", 50), cp.NotFoundError,
     [f"{PLAN}/az99"]),
    ("actual-unknown-plan", lambda ws: ws.record_actual("pf-nope", ACTION, 2021, "municipal", 5), cp.NotFoundError,
     ["pf-nope"]),
    ("actual-unknown-action", lambda ws: ws.record_actual(PLAN, "az99", 2021, "municipal", 5), cp.NotFoundError,
     ["az99"]),
    ("actual-blank-source", lambda ws: ws.record_actual(PLAN, ACTION, 2021, "  ", 5), cp.ValidationError, ["source"]),
    ("target-unknown-plan", lambda ws: ws.record_target("pf-nope", ACTION, METRIC, 1), cp.NotFoundError, ["pf-nope"]),
    ("target-unknown-action", lambda ws: ws.record_target(PLAN, "az99", METRIC, 1), cp.NotFoundError, ["az99"]),
    ("target-unknown-metric", lambda ws: ws.record_target(PLAN, ACTION, "bambini", 1), cp.NotFoundError, ["bambini"]),
    ("target-nan", lambda ws: ws.record_target(PLAN, ACTION, METRIC, float("nan")), cp.ValidationError, ["actual"]),
    ("status-unknown-plan", lambda ws: ws.set_action_status("pf-nope", ACTION, "completed"), cp.NotFoundError,
     ["pf-nope"]),
    ("status-unknown-action", lambda ws: ws.set_action_status(PLAN, "az99", "completed"), cp.NotFoundError, ["az99"]),
    ("status-unknown", lambda ws: ws.set_action_status(PLAN, ACTION, "done"), cp.ValidationError,
     ["status", "done", "in_progress"]),
    ("status-italian", lambda ws: ws.set_action_status(PLAN, ACTION, "completata"), cp.ValidationError,
     ["completata"]),
    ("evaluation-unknown-plan", lambda ws: ws.record_evaluation("pf-nope", "2022-01-01", "Testo"), cp.NotFoundError,
     ["pf-nope"]),
    ("evaluation-empty", lambda ws: ws.record_evaluation(PLAN, "2022-01-01", ""), cp.ValidationError, ["text"]),
    ("evaluation-blank", lambda ws: ws.record_evaluation(PLAN, "2022-01-01", " \t\n "), cp.ValidationError, ["text"]),
    ("evaluation-bad-date", lambda ws: ws.record_evaluation(PLAN, "2022-13-01", "Testo"), cp.ValidationError,
     ["date"]),
]


@pytest.mark.parametrize("call,error,words", [b[1:] for b in BAD_CALLS], ids=[b[0] for b in BAD_CALLS])
def test_a_bad_single_record_raises_and_writes_nothing(fws, call, error, words):
    snapshot = state(fws)
    with pytest.raises(error) as info:
        call(fws)
    assert isinstance(info.value, cp.Error)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    assert state(fws) == snapshot


def test_a_wrong_type_is_a_type_error_and_writes_nothing(fws):
    snapshot = state(fws)
    with pytest.raises(TypeError):
        fws.record_progress(PLAN, ACTION, 20210930, 50)
    with pytest.raises(TypeError):
        fws.record_progress(PLAN, ACTION, "2021-09-30", "50")
    assert state(fws) == snapshot


def family_plan(plan_id, year=2023):
    """A new draft family plan of Trento for `year`, made from the 2022 plan's content."""
    with open(example_path("family"), encoding="utf-8") as f:
        source = next(p for p in json.load(f)["plans"] if p["id"] == PLAN_2022)
    plan = copy.deepcopy(source)
    for key in ("approval", "evaluation", "revision"):
        plan.pop(key, None)
    plan.update(id=plan_id, status="draft", period={"from": year, "to": year}, title=f"Piano famiglia {year}")
    for a in plan["actions"]:
        for line in a["budget"]:
            line["year"] = year
        a["progress"] = []
    return plan


def plan_in_status(ws, status):
    """A plan of Trento in `status`, made through the workflow."""
    plan_id = f"pf-022205-2023-{status}"
    if status == "update-draft":
        ws.new_variant(PLAN, "update", plan_id)
        return plan_id, "draft"
    ws.put_plan(family_plan(plan_id))
    if status == "draft":
        return plan_id, status
    ws.submit(plan_id)
    if status == "rejected":
        ws.reject(plan_id, "Mancano le azioni della macro-area C")
    elif status == "archived":
        ws.approve(plan_id, "2023-03-01", "Delibera di Giunta comunale n. 40 del 01/03/2023")
        ws.archive(plan_id)
    return plan_id, status


#: The five calls on any plan, on an action it has (az02) and a year in 2021 or 2023.
def _calls(plan_id):
    year = 2021 if plan_id.endswith("update-draft") else 2023
    metric = METRIC
    return [
        lambda ws: ws.record_progress(plan_id, ACTION, f"{year}-09-30", 40),
        lambda ws: ws.record_actual(plan_id, ACTION, year, "municipal", 100),
        lambda ws: ws.record_target(plan_id, ACTION, metric, 2),
        lambda ws: ws.set_action_status(plan_id, ACTION, "suspended"),
        lambda ws: ws.record_evaluation(plan_id, f"{year}-12-31", "Valutazione"),
    ]


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "archived", "update-draft"])
@pytest.mark.parametrize("operation", range(5), ids=SINGLE_IDS)
def test_plans_that_are_not_approved_are_refused(fws, status, operation):
    ws = fws
    plan_id, shown = plan_in_status(ws, status)
    assert ws.plans[plan_id].status == shown
    snapshot = state(ws, plan_id)
    with pytest.raises(cp.ValidationError) as info:
        _calls(plan_id)[operation](ws)
    message = str(info.value)
    assert f"it is {shown}" in message and plan_id in message
    if shown == "archived":
        assert "closed" in message
    else:
        assert "put_plan" in message
    assert state(ws, plan_id) == snapshot


def test_the_plan_an_update_is_based_on_still_records(fws):
    ws = fws
    ws.new_variant(PLAN, "update", "pf-022205-2021-agg")
    assert ws.record_progress(PLAN, ACTION, "2021-09-30", 70) == 2
    assert _progress_entry(action_dict(ws)) == [{"date": "2021-09-30", "completion": 70}]
    assert _progress_entry(action_dict(ws, ACTION, "pf-022205-2021-agg")) == []


def test_an_archived_plan_is_refused_also_in_bulk(fws, tmp_path):
    ws = fws
    plan_id, _ = plan_in_status(ws, "archived")
    path = write_csv(tmp_path, "status.csv", f"plan,action,status\n{PLAN},az01,in_progress\n{plan_id},az01,completed\n")
    snapshot = state(ws)
    with pytest.raises(cp.ValidationError) as info:
        ws.import_execution(path)
    assert str(info.value).splitlines() == [
        f'{path}:3: cannot record status on plan "{plan_id}": it is archived; an archived plan is closed']
    assert state(ws) == snapshot


# --- Roles × operations -----------------------------------------------------------------

#: (id, user or None for the operator, allowed)
ROLES = [
    ("operator", None, True),
    ("editor-of-the-body", EDITOR, True),
    ("admin-of-an-ancestor", ADMIN, True),  # require_editor lets admins act in their scope
    ("editor-of-another-body", OTHER_EDITOR, False),
    ("viewer-of-the-body", VIEWER, False),
    ("reviewer-of-an-ancestor", REVIEWER, False),
    ("editor-of-an-ancestor", DISTRICT_EDITOR, False),  # the editor role is held on the body itself
    ("admin-of-another-body", AGENCY_ADMIN, False),
]


@pytest.mark.parametrize("user,allowed", [r[1:] for r in ROLES], ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("operation,call,check", SINGLE, ids=SINGLE_IDS)
def test_who_may_record(fws, operation, call, check, user, allowed):
    ws = fws
    view = ws if user is None else ws.as_user(user)
    before = ws.plans[PLAN].revision
    if allowed:
        assert call(view) == before + 1
        assert check(ws.plans[PLAN].to_dict())
        entry = ws.audit_log(object=f"plan:{PLAN}")[-1]
        assert (entry.operation, entry.user) == (operation, user or "")
        assert ws.history(PLAN)[-1].user == (user or "")
    else:
        snapshot = state(ws)
        with pytest.raises(cp.PermissionError) as info:
            call(view)
        message = str(info.value)
        assert f'user "{user}"' in message and PLAN in message and f"editor role on {BODY}" in message
        assert state(ws) == snapshot
        assert not check(ws.plans[PLAN].to_dict())


@pytest.mark.parametrize("dry_run", [False, True], ids=["apply", "dry-run"])
@pytest.mark.parametrize("user,allowed", [r[1:] for r in ROLES], ids=[r[0] for r in ROLES])
def test_who_may_import_execution(fws, tmp_path, user, allowed, dry_run):
    ws = fws
    view = ws if user is None else ws.as_user(user)
    path = write_csv(tmp_path, "progress.csv", f"plan,action,date,completion\n{PLAN},{ACTION},2021-09-30,75\n")
    snapshot = state(ws)
    if allowed:
        summary = view.import_execution(path, dry_run=dry_run)
        assert summary["revisions"] == {PLAN: 2} and summary["dry_run"] is dry_run
        if dry_run:
            assert state(ws) == snapshot
        else:
            assert ws.audit_log(object=f"plan:{PLAN}")[-1].user == (user or "")
    else:
        # Refused also in a dry run: it tells what the user could write.
        with pytest.raises(cp.PermissionError) as info:
            view.import_execution(path, dry_run=dry_run)
        assert f'user "{user}"' in str(info.value)
        assert state(ws) == snapshot


def test_an_editor_of_one_body_may_not_touch_another_in_the_same_file(fws, tmp_path):
    ws = fws
    path = write_csv(tmp_path, "status.csv",
                     f"plan,action,status\n{PLAN},az01,in_progress\npf-022139-2021,az01,in_progress\n")
    snapshot = state(ws)
    with pytest.raises(cp.PermissionError) as info:
        ws.as_user(EDITOR).import_execution(path)
    assert "pf-022139-2021" in str(info.value)
    assert state(ws) == snapshot


# --- Bulk import --------------------------------------------------------------------------

def test_the_four_shapes_are_told_apart_by_the_header(fws, tmp_path):
    ws = fws
    files = {
        "progress.csv": (f"plan,action,date,completion,note\n{PLAN},{ACTION},2021-09-30,75,verificato\n",
                         "progress[2021-09-30]", None, {"completion": 75, "note": "verificato"}),
        "progress_no_note.csv": (f"plan,action,date,completion\n{PLAN},az01,2021-09-30,60\n",
                                 "progress[2021-09-30]", None, {"completion": 60}),
        "actuals.csv": (f"plan,action,year,source,actual\n{PLAN},{ACTION},2021,municipal,14000.10\n",
                        "actual[2021,municipal]", 14530.58, 14000.1),
        "targets.csv": (f"plan,action,metric,actual\n{PLAN},{ACTION},{METRIC},3\n", f"target[{METRIC}]", 2, 3),
        "statuses.csv": (f"plan,action,status\n{PLAN},{ACTION},suspended\n", "status", "completed", "suspended"),
    }
    for name, (text, field, before, after) in files.items():
        summary = ws.import_execution(write_csv(tmp_path, name, text))
        assert [(c["field"], c["before"], c["after"]) for c in summary["changed"]] == [(field, before, after)], name
        assert summary["unchanged"] == 0
    a = action_dict(ws)
    assert _progress_entry(a) == [{"date": "2021-09-30", "completion": 75, "note": "verificato"}]
    assert _progress_entry(action_dict(ws, "az01")) == [{"date": "2021-09-30", "completion": 60}]
    assert a["budget"][0]["actual"] == 14000.1
    assert a["targets"][0]["actual"] == 3
    assert a["status"] == "suspended"
    assert ws.plans[PLAN].revision == 1 + len(files)


def test_columns_in_any_order_and_any_case(fws, tmp_path):
    path = write_csv(tmp_path, "p.csv", f"Completion,DATE,Note,action,Plan\n40,2021-09-30,riordino,{ACTION},{PLAN}\n")
    summary = fws.import_execution(path)
    assert [c["field"] for c in summary["changed"]] == ["progress[2021-09-30]"]
    assert _progress_entry(action_dict(fws)) == [{"date": "2021-09-30", "completion": 40, "note": "riordino"}]


def test_semicolon_separated_files(fws, tmp_path):
    path = write_csv(tmp_path, "spesa.csv",
                     f"plan;action;year;source;actual\n{PLAN};{ACTION};2021;municipal;100.50\n"
                     f"{PLAN};az04;2021;provincial;25000\n")
    summary = fws.import_execution(path)
    assert [(c["action"], c["field"], c["after"]) for c in summary["changed"]] == [
        (ACTION, "actual[2021,municipal]", 100.5), ("az04", "actual[2021,provincial]", 25000)]
    assert action_dict(fws)["budget"][0]["actual"] == 100.5
    assert [b["actual"] for b in action_dict(fws, "az04")["budget"] if b["source"] == "provincial"] == [25000]


def test_quoted_cells_and_line_numbers_after_a_line_break(fws, tmp_path):
    path = write_csv(tmp_path, "p.csv",
                     "plan,action,date,completion,note\n"
                     f'{PLAN},{ACTION},2021-09-30,75,"primo, secondo\nterzo ""punto"""\n'
                     f"{PLAN},{ACTION},2021-10-31,x,\n")
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(path)
    # The quoted cell spans lines 2 and 3: the bad record starts on line 4.
    assert str(info.value).splitlines() == [f'{path}:4: completion: expected a completion from 0 to 100, got "x"']
    path.write_text(path.read_text(encoding="utf-8").replace(",x,", ",80,"), encoding="utf-8")
    fws.import_execution(path)
    assert _progress_entry(action_dict(fws)) == [
        {"date": "2021-09-30", "completion": 75, "note": 'primo, secondo\nterzo "punto"'}]


def test_rows_as_a_list_of_dicts(fws):
    ws = fws
    rows = [
        {"plan": PLAN, "action": ACTION, "date": datetime.date(2021, 9, 30), "completion": 75, "note": None},
        {"plan": PLAN, "action": "az01", "date": "2021-09-30", "completion": 55.5},
        {"plan": PLAN, "action": ACTION, "year": 2021, "source": "municipal", "actual": Decimal("100.50")},
        {"plan": PLAN, "action": ACTION, "metric": METRIC, "actual": 3},
        {"plan": PLAN_2022, "action": ACTION, "status": "completed"},
    ]
    summary = ws.import_execution(rows)
    assert [(c["plan"], c["action"], c["field"]) for c in summary["changed"]] == [
        (PLAN, ACTION, "progress[2021-09-30]"),
        (PLAN, "az01", "progress[2021-09-30]"),
        (PLAN, ACTION, "actual[2021,municipal]"),
        (PLAN, ACTION, f"target[{METRIC}]"),
        (PLAN_2022, ACTION, "status"),
    ]
    assert summary["revisions"] == {PLAN: 2, PLAN_2022: 2}
    a = action_dict(ws)
    assert _progress_entry(a) == [{"date": "2021-09-30", "completion": 75}]
    assert _progress_entry(action_dict(ws, "az01")) == [{"date": "2021-09-30", "completion": 55.5}]
    assert a["budget"][0]["actual"] == 100.5 and a["targets"][0]["actual"] == 3
    assert action_dict(ws, ACTION, PLAN_2022)["status"] == "completed"
    # The same rows again change nothing.
    again = ws.import_execution(rows)
    assert again["changed"] == [] and again["unchanged"] == len(rows) and again["revisions"] == {}


def test_bad_rows_in_a_list_are_named_by_index(fws):
    snapshot = state(fws)
    rows = [
        {"plan": PLAN, "action": ACTION, "status": "completed"},
        {"plan": PLAN, "action": ACTION, "status": "finito"},
        {"plan": PLAN, "action": "az77", "status": "completed"},
    ]
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(rows)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith('rows[1]: status: expected one of planned, in_progress') and '"finito"' in lines[0]
    assert lines[1].startswith(f'rows[2]: plan "{PLAN}" has no action "az77"')
    assert [path for path, _ in info.value.issues] == ["rows[1]", "rows[2]"]
    assert state(fws) == snapshot
    with pytest.raises(TypeError):
        fws.import_execution([{"plan": PLAN, "action": ACTION, "status": "completed"}, ("not", "a", "dict")])
    assert state(fws) == snapshot


def test_a_pandas_dataframe(fws):
    ws = fws
    progress = pd.DataFrame({
        "plan": [PLAN, PLAN, PLAN_2022],
        "action": [ACTION, "az01", ACTION],
        "date": pd.to_datetime(["2021-09-30", "2021-10-31", "2022-10-31"]),
        "completion": [75.0, 80.0, 65.0],
        "note": ["verificato", float("nan"), None],
    })
    summary = ws.import_execution(progress)
    assert [(c["plan"], c["action"], c["field"], c["after"]) for c in summary["changed"]] == [
        (PLAN, ACTION, "progress[2021-09-30]", {"completion": 75, "note": "verificato"}),
        (PLAN, "az01", "progress[2021-10-31]", {"completion": 80}),
        (PLAN_2022, ACTION, "progress[2022-10-31]", {"completion": 65}),
    ]
    assert summary["revisions"] == {PLAN: 2, PLAN_2022: 2}
    actuals = pd.DataFrame([{"plan": PLAN, "action": ACTION, "year": 2021, "source": "municipal", "actual": 14000.5}])
    assert ws.import_execution(actuals)["changed"][0]["after"] == 14000.5
    assert action_dict(ws)["budget"][0]["actual"] == 14000.5
    # Applied again: nothing changes.
    again = ws.import_execution(progress)
    assert again["changed"] == [] and again["unchanged"] == 3


def test_a_dataframe_with_a_missing_date_names_its_row(fws):
    frame = pd.DataFrame({"plan": [PLAN, PLAN], "action": [ACTION, "az01"],
                          "date": pd.to_datetime(["2021-09-30", None]), "completion": [75, 5]})
    snapshot = state(fws)
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(frame)
    assert str(info.value).splitlines() == ["rows[1]: date: is empty"]
    assert state(fws) == snapshot


def test_all_or_nothing_every_bad_row_in_row_order(fws, tmp_path):
    ws = fws
    path = write_csv(tmp_path, "avanzamento.csv",
                     "plan,action,date,completion,note\n"
                     f"{PLAN},{ACTION},2021-09-30,75,\n"      # 2 good
                     f"{PLAN},{ACTION},2021-13-30,75,\n"      # 3 bad date
                     f"{PLAN},az01,2021-09-30,60,\n"          # 4 good
                     f"{PLAN},az022,2021-09-30,60,\n"         # 5 unknown action
                     f"{PLAN},az03,2021-09-30,101,\n"         # 6 completion out of range
                     f"{PLAN_2022},az01,2022-10-31,75,\n"     # 7 good
                     f"pf-022205-2020,az01,2020-09-30,75,\n"  # 8 unknown plan
                     f"{PLAN},az04,2021-09-30,,\n"            # 9 empty completion
                     f"{PLAN},az05,2021-09-30,50\n")          # 10 missing field
    snapshot = state(ws)
    with pytest.raises(cp.ValidationError) as info:
        ws.import_execution(path)
    lines = str(info.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:{n}" for n in (3, 5, 6, 8, 9, 10)]
    assert lines[0] == f'{path}:3: date: expected a real date YYYY-MM-DD, got "2021-13-30"'
    assert lines[1].startswith(f'{path}:5: plan "{PLAN}" has no action "az022"')
    assert 'did you mean "az02"' in lines[1]
    assert lines[2] == f'{path}:6: completion: expected a completion from 0 to 100, got "101"'
    assert lines[3].startswith(f'{path}:8: unknown plan "pf-022205-2020"')
    assert lines[4].startswith(f"{path}:9: completion:")
    assert lines[5] == f"{path}:10: expected 5 fields, got 4"
    assert [p for p, _ in info.value.issues] == [f"{path}:{n}" for n in (3, 5, 6, 8, 9, 10)]
    assert state(ws) == snapshot
    assert ws.plans[PLAN_2022].revision == 1


def test_bad_rows_across_files_and_kinds(fws, tmp_path):
    progress = write_csv(tmp_path, "p.csv", f"plan,action,date,completion\n{PLAN},{ACTION},2021-09-30,75\n"
                                            f"{PLAN},{ACTION},2021-10-30,-5\n")
    actuals = write_csv(tmp_path, "a.csv", f"plan,action,year,source,actual\n{PLAN},{ACTION},2020,municipal,10\n"
                                           f"{PLAN},{ACTION},2021,municipal,\"1.234,50\"\n"
                                           f"{PLAN},{ACTION},2021,,10\n")
    targets = write_csv(tmp_path, "t.csv", f"plan,action,metric,actual\n{PLAN},{ACTION},bambini,3\n"
                                           f"{PLAN},{ACTION},{METRIC},tre\n")
    snapshot = state(fws)
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution([progress, actuals, targets])
    where = [p for p, _ in info.value.issues]
    assert where == [f"{progress}:3", f"{actuals}:2", f"{actuals}:3", f"{actuals}:4", f"{targets}:2", f"{targets}:3"]
    text = str(info.value)
    assert "outside the period" in text and "at most 2 decimals" in text and "source: is empty" in text
    assert 'has no target "bambini"' in text and 'actual: expected a number, got "tre"' in text
    assert state(fws) == snapshot


@pytest.mark.parametrize("second", ["2021-09-30,80", "2021-09-30,75"], ids=["different", "identical"])
def test_a_row_recorded_twice_in_one_file_names_the_first_line(fws, tmp_path, second):
    path = write_csv(tmp_path, "p.csv", "plan,action,date,completion\n"
                                        f"{PLAN},{ACTION},2021-09-30,75\n"
                                        f"{PLAN},az01,2021-09-30,75\n"
                                        f"{PLAN},{ACTION},{second}\n")
    snapshot = state(fws)
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(path)
    assert str(info.value).splitlines() == [
        f"{path}:4: records the progress of {PLAN}/{ACTION} again (first at {path}:2)"]
    assert state(fws) == snapshot


def test_the_same_record_in_two_files_is_a_duplicate_too(fws, tmp_path):
    a = write_csv(tmp_path, "a.csv", f"plan,action,status\n{PLAN},{ACTION},suspended\n")
    b = write_csv(tmp_path, "b.csv", f"plan,action,status\n{PLAN},az01,suspended\n{PLAN},{ACTION},cancelled\n")
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution([a, b])
    assert str(info.value) == f"{b}:3: records the status of {PLAN}/{ACTION} again (first at {a}:2)"
    # Different dates, years, sources or metrics of one action are different records.
    ok = write_csv(tmp_path, "ok.csv", "plan,action,year,source,actual\n"
                                       f"{PLAN},{ACTION},2021,municipal,1\n{PLAN},{ACTION},2021,provincial,2\n")
    assert len(fws.import_execution(ok)["changed"]) == 2


def test_one_revision_per_plan_changed(fws, tmp_path):
    ws = fws
    path = write_csv(tmp_path, "stato.csv", "plan,action,status\n"
                                            f"{PLAN},az01,suspended\n"
                                            f"{PLAN_2022},az01,completed\n"
                                            f"{PLAN},az02,cancelled\n"
                                            f"{PLAN},az03,in_progress\n")
    history = {p: len(ws.history(p)) for p in (PLAN, PLAN_2022)}
    audit = len(ws.audit_log())
    summary = ws.import_execution(path)
    assert summary["revisions"] == {PLAN: 2, PLAN_2022: 2}
    assert len(summary["changed"]) == 4 and summary["unchanged"] == 0 and summary["dry_run"] is False
    # Changes come in row order.
    assert [(c["plan"], c["action"]) for c in summary["changed"]] == [
        (PLAN, "az01"), (PLAN_2022, "az01"), (PLAN, "az02"), (PLAN, "az03")]
    for plan in (PLAN, PLAN_2022):
        assert len(ws.history(plan)) == history[plan] + 1
        assert ws.history(plan)[-1].operation == "import_execution"
        assert ws.plans[plan].revision == 2
    assert len(ws.audit_log()) == audit + 2
    entries = {e.object: e for e in ws.audit_log()[-2:]}
    assert set(entries) == {f"plan:{PLAN}", f"plan:{PLAN_2022}"}
    assert entries[f"plan:{PLAN}"].detail == f"3 changes from {path}"
    assert entries[f"plan:{PLAN_2022}"].detail == f'az01 status: "in_progress" -> "completed" from {path}'
    assert all(e.operation == "import_execution" and e.revision == 2 and e.before_revision == 1
               for e in entries.values())


def test_a_plan_whose_rows_change_nothing_gets_no_revision(fws, tmp_path):
    ws = fws
    current = action_dict(ws, "az01")["status"]
    path = write_csv(tmp_path, "stato.csv", f"plan,action,status\n{PLAN},az01,{current}\n{PLAN_2022},az01,completed\n")
    summary = ws.import_execution(path)
    assert summary["revisions"] == {PLAN_2022: 2} and summary["unchanged"] == 1
    assert ws.plans[PLAN].revision == 1 and len(ws.history(PLAN)) == 1
    assert [e.operation for e in ws.audit_log(object=f"plan:{PLAN}")] == ["import"]


def test_applying_the_same_file_twice_changes_nothing_the_second_time(fws, tmp_path):
    ws = fws
    path = write_csv(tmp_path, "p.csv", "plan,action,date,completion,note\n"
                                        f"{PLAN},{ACTION},2021-09-30,75,verificato\n"
                                        f"{PLAN},az01,2021-12-31,100,\n"  # replaces an entry with its note
                                        f"{PLAN_2022},az01,2022-10-31,80,\n")
    first = ws.import_execution(path)
    assert len(first["changed"]) == 3 and first["revisions"] == {PLAN: 2, PLAN_2022: 2}
    snapshot = state(ws)
    second = ws.import_execution(path)
    assert second == {"changed": [], "unchanged": 3, "revisions": {}, "dry_run": False}
    assert state(ws) == snapshot


def test_dry_run_reports_the_same_and_writes_nothing(fws, tmp_path):
    ws = fws
    path = write_csv(tmp_path, "p.csv", "plan,action,date,completion\n"
                                        f"{PLAN},{ACTION},2021-09-30,75\n"
                                        f"{PLAN},az01,2021-06-30,30\n"  # already so
                                        f"{PLAN_2022},az01,2022-10-31,80\n")
    snapshot = state(ws)
    dry = ws.import_execution(path, dry_run=True)
    assert state(ws) == snapshot
    assert dry["dry_run"] is True and dry["unchanged"] == 1
    assert ws.import_execution(path, dry_run=True) == dry
    real = ws.import_execution(path)
    assert real["dry_run"] is False
    assert real["changed"] == dry["changed"] and real["revisions"] == dry["revisions"]
    assert real["unchanged"] == dry["unchanged"]
    # A dry run of bad rows raises the same errors.
    bad = write_csv(tmp_path, "bad.csv", f"plan,action,date,completion\n{PLAN},{ACTION},2021-09-30,175\n")
    with pytest.raises(cp.ValidationError) as info:
        ws.import_execution(bad, dry_run=True)
    assert str(info.value).startswith(f"{bad}:2: completion:")


def test_several_files_in_one_call_make_one_revision_per_plan(fws, tmp_path):
    ws = fws
    progress = write_csv(tmp_path, "p.csv", f"plan,action,date,completion\n{PLAN},{ACTION},2021-09-30,75\n")
    statuses = write_csv(tmp_path, "s.csv", f"plan,action,status\n{PLAN},{ACTION},in_progress\n")
    actuals = write_csv(tmp_path, "a.csv", f"plan;action;year;source;actual\n{PLAN};{ACTION};2021;eu;99.99\n")
    summary = ws.import_execution([progress, statuses, str(actuals)])
    assert [c["field"] for c in summary["changed"]] == ["progress[2021-09-30]", "status", "actual[2021,eu]"]
    assert summary["revisions"] == {PLAN: 2}
    assert len(ws.history(PLAN)) == 2
    assert ws.audit_log(object=f"plan:{PLAN}")[-1].detail == f"3 changes from {progress}, {statuses}, {actuals}"
    # A bad second file stops them all.
    bad = write_csv(tmp_path, "bad.csv", f"plan,action,status\n{PLAN},{ACTION},rotto\n")
    good = write_csv(tmp_path, "good.csv", f"plan,action,status\n{PLAN},az01,cancelled\n")
    snapshot = state(ws)
    with pytest.raises(cp.ValidationError):
        ws.import_execution([good, bad])
    assert state(ws) == snapshot


def test_an_unknown_column_suggests_the_known_one(fws, tmp_path):
    path = write_csv(tmp_path, "p.csv", f"plan,action,dat,completion\n{PLAN},{ACTION},2021-09-30,75\n")
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(path)
    assert str(info.value) == f'{path}:1: unknown column "dat" (did you mean "date"?)'
    rows = [{"plan": PLAN, "action": ACTION, "stauts": "completed"}]
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(rows)
    assert str(info.value) == 'rows[0]: unknown column "stauts" (did you mean "status"?)'


@pytest.mark.parametrize("header", ["plan,action,completion", "plan,action", "plan,action,date,completion,status",
                                    "plan,action,year,actual", "plan,action,plan,status"])
def test_a_header_that_is_none_of_the_shapes(fws, tmp_path, header):
    cells = ",".join("x" for _ in header.split(","))
    path = write_csv(tmp_path, "x.csv", f"{header}\n{cells}\n")
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(path)
    message = str(info.value)
    assert message.startswith(f"{path}:1: ")
    assert "none of the execution shapes" in message or "duplicate column" in message
    if "duplicate" not in message:
        assert "plan,action,date,completion[,note] (progress)" in message
        assert "plan,action,status" in message


def test_an_empty_file(fws, tmp_path):
    path = write_csv(tmp_path, "empty.csv", "")
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(path)
    assert str(info.value).startswith(f"{path}:1: empty file")
    # A header alone records nothing and is fine.
    only = write_csv(tmp_path, "header.csv", "plan,action,status\n")
    assert fws.import_execution(only) == {"changed": [], "unchanged": 0, "revisions": {}, "dry_run": False}


def test_a_utf8_bom_is_skipped(fws, tmp_path):
    path = write_csv(tmp_path, "bom.csv", "\ufeffplan,action,date,completion,note\n"
                                          f"{PLAN},{ACTION},2021-09-30,75,attività già verificata\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    summary = fws.import_execution(path)
    assert summary["changed"][0]["after"] == {"completion": 75, "note": "attività già verificata"}
    assert _progress_entry(action_dict(fws))[0]["note"] == "attività già verificata"


def test_malformed_utf8_names_file_and_line(fws, tmp_path):
    path = write_csv(tmp_path, "latin1.csv", "plan,action,date,completion,note\n"
                                             f"{PLAN},{ACTION},2021-09-30,75,ok\n"
                                             f"{PLAN},az01,2021-09-30,75,attività\n", encoding="latin-1")
    snapshot = state(fws)
    with pytest.raises(cp.ValidationError) as info:
        fws.import_execution(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}:3: ") and "UTF-8" in lines[0]
    assert state(fws) == snapshot


def test_a_missing_file(fws, tmp_path):
    with pytest.raises(cp.Error) as info:
        fws.import_execution(tmp_path / "nope.csv")
    assert "nope.csv" in str(info.value)


def test_percent_signs_and_spaces_in_cells(fws, tmp_path):
    path = write_csv(tmp_path, "p.csv", f"plan,action,date,completion\n {PLAN} , {ACTION} , 2021-09-30 , 75% \n")
    fws.import_execution(path)
    assert _progress_entry(action_dict(fws)) == [{"date": "2021-09-30", "completion": 75}]


# --- The effect shows everywhere ----------------------------------------------------------

EXEC_INDICATORS = [
    {"id": "exec_actual", "label": "Spesa rendicontata", "unit": "EUR",
     "formula": 'budget(kind: "actual", plan_kind: "family")', "levels": ["municipality", "district"]},
    {"id": "exec_completion", "label": "Avanzamento medio", "unit": "%",
     "formula": 'completion(plan_kind: "family")', "levels": ["municipality"]},
]

EXEC_RULESET = {
    "id": "esecuzione", "label": "Esecuzione del piano famiglia", "applies_to": ["municipality"],
    "versions": [{"from": 2020, "parameters": {}, "rules": [
        {"id": "avanzamento", "label": "Avanzamento almeno al 60%", "mandatory": True, "points": 10,
         "check": 'completion(plan_kind: "family") >= 60'},
        {"id": "spesa", "label": "Spesa rendicontata almeno 400.000 euro", "points": 5,
         "check": 'budget(kind: "actual", plan_kind: "family") >= 400000'},
    ], "pass": {"min_points": 15}}],
}


@pytest.fixture
def ews(fws):
    fws.import_bundle(bundle(indicators=EXEC_INDICATORS, rulesets=[EXEC_RULESET]))
    return fws


def values(ws, indicator, body=BODY, year=2021):
    rows = ws.compute_indicators(ids=[indicator], bodies=[body], years=[year]).rows()
    assert len(rows) == 1
    return rows[0]["value"]


def expected_completion(plan, year):
    """completion() of one plan in `year` as docs/semantics.md defines it."""
    end = f"{year}-12-31"
    pairs = []
    for a in plan["actions"]:
        entries = [p for p in a.get("progress", []) if p["date"] <= end]
        c = max(entries, key=lambda p: p["date"])["completion"] if entries else (100 if a["status"] == "completed" else 0)
        w = sum(line.get("planned", 0) for line in a["budget"] if line["year"] == year)
        pairs.append((c, w))
    total = sum(w for _, w in pairs)
    if total == 0:
        return sum(c for c, _ in pairs) / len(pairs)
    return sum(c * w for c, w in pairs) / total


def test_indicators_follow_the_recorded_actuals_and_progress(ews):
    ws = ews
    actual = values(ws, "exec_actual")
    district = values(ws, "exec_actual", DISTRICT)
    completion = values(ws, "exec_completion")
    assert completion == pytest.approx(expected_completion(ws.plans[PLAN].to_dict(), 2021))
    # Actual spending: +1000.42 on the existing line, +500 on a new line.
    ws.record_actual(PLAN, ACTION, 2021, "municipal", Decimal("15531.00"))
    ws.record_actual(PLAN, ACTION, 2021, "provincial", 500)
    assert values(ws, "exec_actual") == pytest.approx(actual + 1000.42 + 500, abs=1e-6)
    # The district sums its scope: it moves by the same amount.
    assert values(ws, "exec_actual", DISTRICT) == pytest.approx(district + 1500.42, abs=1e-6)
    # Progress: the action with the largest planned budget is done by the year's end.
    heavy = max(ws.plans[PLAN].to_dict()["actions"],
                key=lambda a: sum(line.get("planned", 0) for line in a["budget"] if line["year"] == 2021))
    assert ws.plans[PLAN].action(heavy["id"]).progress_at("2021-12-31")["completion"] < 100
    ws.record_progress(PLAN, heavy["id"], "2021-12-31", 100)
    after = values(ws, "exec_completion")
    assert after > completion + 5
    assert after == pytest.approx(expected_completion(ws.plans[PLAN].to_dict(), 2021))
    # An entry after the year's end does not count for 2021.
    ws.record_progress(PLAN, heavy["id"], "2022-01-15", 0)
    assert values(ws, "exec_completion") == pytest.approx(after)
    # The planned budget used as a weight is not changed by a line with only an actual.
    assert ws.evaluate('budget(plan_kind: "family")', BODY, 2021) == pytest.approx(
        sum(line.get("planned", 0) for a in ws.plans[PLAN].to_dict()["actions"] for line in a["budget"]))


def test_an_action_status_changes_the_action_counts(ews):
    ws = ews
    count = lambda status: ws.evaluate(f'actions(plan_kind: "family", status: "{status}")', BODY, 2021)
    completed, cancelled = count("completed"), count("cancelled")
    ws.set_action_status(PLAN, ACTION, "cancelled")
    assert (count("completed"), count("cancelled")) == (completed - 1, cancelled + 1)


def test_plan_progress_follows_the_recorded_progress(fws):
    ws = fws
    before = ws.plan_progress(PLAN, "2021-10-01")
    by_action = {a["action"]: a["completion"] for a in before["actions"]}
    assert by_action[ACTION] == 50
    ws.record_progress(PLAN, ACTION, "2021-09-30", 90)
    after = ws.plan_progress(PLAN, datetime.date(2021, 10, 1))
    assert {a["action"]: a["completion"] for a in after["actions"]}[ACTION] == 90
    weights = {a["action"]: a["weight"] for a in after["actions"]}
    total = sum(weights.values())
    assert after["completion"] - before["completion"] == pytest.approx((90 - 50) * weights[ACTION] / total)
    # Before the new entry's date the state is the older entry.
    assert {a["action"]: a["completion"] for a in ws.plan_progress(PLAN, "2021-09-29")["actions"]}[ACTION] == 50


@pytest.mark.parametrize("preview", [False, True], ids=["approved", "preview"])
def test_certification_follows_what_was_recorded(ews, preview):
    ws = ews
    report = ws.certify(BODY, "esecuzione", 2021, preview=preview)
    rules = {r.id: r for r in report.rules}
    spent = rules["spesa"].value
    assert spent == pytest.approx(ws.evaluate('budget(kind: "actual", plan_kind: "family")', BODY, 2021))
    assert spent < 400000 and rules["spesa"].outcome == "fail"
    assert rules["avanzamento"].outcome == "fail" and rules["avanzamento"].value < 60
    assert not report.passed and report.points == 0
    # Record the rest of the spending on the plan's largest action, and its completion.
    ws.record_actual(PLAN, "az13", 2021, "fondo straordinario", Decimal(str(round(400000 - spent + 1, 2))))
    report = ws.certify(BODY, "esecuzione", 2021, preview=preview)
    rules = {r.id: r for r in report.rules}
    assert rules["spesa"].outcome == "pass" and rules["spesa"].value == pytest.approx(400001, abs=0.01)
    assert report.points == 5 and not report.passed
    for a in ws.plans[PLAN].actions:
        ws.record_progress(PLAN, a.id, "2021-12-31", 100)
    report = ws.certify(BODY, "esecuzione", 2021, preview=preview)
    rules = {r.id: r for r in report.rules}
    assert rules["avanzamento"].outcome == "pass" and rules["avanzamento"].value == pytest.approx(100)
    assert report.passed and report.points == 15
    assert ws.certify_all("esecuzione", 2021, bodies=[BODY], preview=preview)[0].passed


def test_diff_of_two_revisions_lists_what_was_recorded(fws):
    ws = fws
    ws.record_progress(PLAN, ACTION, "2021-09-30", 75, note="verificato")  # 2
    ws.record_actual(PLAN, ACTION, 2021, "provincial", 500)  # 3
    ws.record_target(PLAN, ACTION, METRIC, 3)  # 4
    ws.set_action_status(PLAN, ACTION, "suspended")  # 5
    ws.record_evaluation(PLAN, "2022-03-01", "Relazione aggiornata")  # 6
    old = ws.plan_revision(PLAN, 1)
    d = ws.diff(f"{PLAN}@1", PLAN)
    assert (d["a"], d["b"]) == (f"{PLAN}@1", PLAN)
    assert d["added"] == [] and d["removed"] == []
    assert [c["id"] for c in d["changed"]] == [ACTION]
    fields = {f["field"]: f for f in d["changed"][0]["fields"]}
    assert set(fields) == {"status", "budget", "targets", "progress"}
    assert (fields["status"]["before"], fields["status"]["after"]) == ("completed", "suspended")
    assert {"date": "2021-09-30", "completion": 75, "note": "verificato"} in fields["progress"]["after"]
    assert {"date": "2021-09-30", "completion": 75, "note": "verificato"} not in fields["progress"]["before"]
    assert {"year": 2021, "source": "provincial", "actual": 500} in fields["budget"]["after"]
    assert [t["actual"] for t in fields["targets"]["after"]] == [3]
    assert [t["actual"] for t in fields["targets"]["before"]] == [2]
    assert d["plan"] == [{"field": "evaluation", "before": old["evaluation"],
                          "after": {"date": "2022-03-01", "text": "Relazione aggiornata"}}]
    # The actual spending shows in the budget deltas by source.
    provincial = next(x for x in d["budget_delta"] if x["dimension"] == "source" and x["key"] == "provincial")
    assert provincial["actual_delta"] == pytest.approx(500) and provincial["planned_delta"] == 0
    # Two kept revisions: only what happened between them.
    d = ws.diff(f"{PLAN}@3", f"{PLAN}@4")
    assert d["plan"] == [] and [[f["field"] for f in c["fields"]] for c in d["changed"]] == [["targets"]]
    assert ws.diff(f"{PLAN}@6", PLAN)["changed"] == [] and ws.diff(f"{PLAN}@6", PLAN)["plan"] == []
    # Revisions of different plans compare too.
    assert ws.diff(f"{PLAN}@1", f"{PLAN_2022}@1")["years"] is None


@pytest.mark.parametrize("name", [f"{PLAN}@99", f"{PLAN}@0", "pf-nope@1", "pf-nope", f"{PLAN}@", f"{PLAN}@x"])
def test_diff_of_an_unknown_revision(fws, name):
    with pytest.raises(cp.NotFoundError) as info:
        fws.diff(name, PLAN)
    assert name in str(info.value)
    with pytest.raises(cp.NotFoundError):
        fws.diff(PLAN, name)


def test_history_and_audit_log_of_a_plan(fws, tmp_path):
    ws = fws
    editor = ws.as_user(EDITOR)
    editor.record_progress(PLAN, ACTION, "2021-09-30", 75)
    ws.record_actual(PLAN, ACTION, 2021, "municipal", 14600)
    editor.import_execution(write_csv(tmp_path, "s.csv", f"plan,action,status\n{PLAN},{ACTION},suspended\n"))
    editor.record_target(PLAN, ACTION, METRIC, 3)
    editor.record_evaluation(PLAN, "2022-03-01", "Relazione")
    editor.set_action_status(PLAN, "az01", "in_progress")
    ops = [("import", ""), ("record_progress", EDITOR), ("record_actual", ""), ("import_execution", EDITOR),
           ("record_target", EDITOR), ("record_evaluation", EDITOR), ("set_action_status", EDITOR)]
    assert [(r.operation, r.user) for r in ws.history(PLAN)] == ops
    assert [r.revision for r in ws.history(PLAN)] == list(range(1, 8))
    entries = ws.audit_log(object=f"plan:{PLAN}")
    assert [(e.operation, e.user) for e in entries] == ops
    assert [(e.revision, e.before_revision) for e in entries[1:]] == [(n, n - 1) for n in range(2, 8)]
    # Each kept revision reads back as it was.
    assert [p["status"] for p in ws.plan_revision(PLAN, 3)["actions"] if p["id"] == ACTION] == ["completed"]
    assert [p["status"] for p in ws.plan_revision(PLAN, 4)["actions"] if p["id"] == ACTION] == ["suspended"]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_open_data_holds_the_recorded_values(fws, tmp_path):
    ws = fws
    ws.record_progress(PLAN, ACTION, "2021-09-30", 75, note="verificato, con nota")
    ws.record_actual(PLAN, ACTION, 2021, "provincial", "500.50")
    ws.record_actual(PLAN, ACTION, 2021, "municipal", 14600)
    ws.record_target(PLAN, ACTION, METRIC, 3)
    out = tmp_path / "open"
    ws.export_open_data(out, "csv")
    progress = [r for r in read_csv(out / "progress.csv") if (r["plan"], r["action"]) == (PLAN, ACTION)]
    assert [(r["date"], r["completion"], r["note"]) for r in progress] == [
        ("2021-06-30", "50", ""), ("2021-09-30", "75", "verificato, con nota"), ("2021-12-31", "100", "Azione realizzata come da programma.")]
    assert {r["body"] for r in progress} == {BODY}
    targets = [r for r in read_csv(out / "targets.csv") if (r["plan"], r["action"]) == (PLAN, ACTION)]
    assert [(r["metric"], r["baseline"], r["target"], r["actual"]) for r in targets] == [(METRIC, "1", "2", "3")]
    lines = [r for r in read_csv(out / "budget_lines.csv") if (r["plan"], r["action"]) == (PLAN, ACTION)]
    assert sorted((r["source"], r["planned"], r["actual"]) for r in lines) == [
        ("municipal", "15000.00", "14600.00"), ("provincial", "", "500.50")]
    catalog = json.loads((out / "catalog.jsonld").read_text(encoding="utf-8"))
    assert "progress.csv" in json.dumps(catalog) and "targets.csv" in json.dumps(catalog)


def test_export_bundle_round_trips_the_recorded_values(fws, tmp_path):
    ws = fws
    ws.record_progress(PLAN, ACTION, "2021-09-30", 75, note="verificato")
    ws.record_actual(PLAN, ACTION, 2021, "provincial", Decimal("500.05"))
    ws.record_target(PLAN, ACTION, METRIC, 3.25)
    ws.set_action_status(PLAN, ACTION, "suspended")
    ws.record_evaluation(PLAN_2022, "2023-02-01", "Relazione 2022")
    exported = ws.export_bundle()
    fresh = cp.Workspace()
    fresh.import_bundle(exported)
    assert fresh.export_bundle() == exported
    for plan in (PLAN, PLAN_2022):
        assert fresh.plans[plan].to_dict() == ws.plans[plan].to_dict()
    a = action_dict(fresh)
    assert _progress_entry(a) == [{"date": "2021-09-30", "completion": 75, "note": "verificato"}]
    assert {"year": 2021, "source": "provincial", "actual": 500.05} in a["budget"]
    assert a["targets"][0]["actual"] == 3.25 and a["status"] == "suspended"
    assert fresh.plans[PLAN_2022].evaluation == {"date": "2023-02-01", "text": "Relazione 2022"}
    # Through a file too.
    path = tmp_path / "bundle.json"
    ws.export_bundle(path)
    again = cp.Workspace()
    again.import_bundle(path)
    assert again.plans[PLAN].to_dict() == ws.plans[PLAN].to_dict()


# --- Persistence ---------------------------------------------------------------------------

def test_recorded_values_survive_reopening_and_show_in_a_second_handle(tmp_path):
    db = tmp_path / "w.db"
    ws = family_ws(cp.Workspace.open(db))
    other = cp.Workspace.open(db)
    assert other.plans[PLAN].revision == 1
    ws.record_progress(PLAN, ACTION, "2021-09-30", 75, note="verificato")
    ws.record_actual(PLAN, ACTION, 2021, "provincial", "500.50")
    ws.as_user(EDITOR).record_target(PLAN, ACTION, METRIC, 3)
    ws.set_action_status(PLAN, ACTION, "suspended")
    ws.record_evaluation(PLAN, "2022-03-01", "Relazione")
    summary = ws.import_execution(write_csv(tmp_path, "p.csv", f"plan,action,date,completion\n{PLAN_2022},az01,2022-10-31,80\n"))
    assert summary["revisions"] == {PLAN_2022: 2}
    expected = ws.plans[PLAN].to_dict()
    # The second handle sees the commits of the first.
    assert other.plans[PLAN].to_dict() == expected
    assert other.plans[PLAN].revision == 6
    assert [r.operation for r in other.history(PLAN)][-1] == "record_evaluation"
    assert [p["date"] for p in action_dict(other, "az01", PLAN_2022)["progress"]][-1] == "2022-10-31"
    ws.close()
    other.close()
    reopened = cp.Workspace.open(db, read_only=True)
    assert reopened.plans[PLAN].to_dict() == expected
    a = action_dict(reopened)
    assert _progress_entry(a) == [{"date": "2021-09-30", "completion": 75, "note": "verificato"}]
    assert {"year": 2021, "source": "provincial", "actual": 500.5} in a["budget"]
    assert a["targets"][0]["actual"] == 3 and a["status"] == "suspended"
    assert reopened.plans[PLAN].evaluation == {"date": "2022-03-01", "text": "Relazione"}
    assert [(r.operation, r.user) for r in reopened.history(PLAN)] == [
        ("import", ""), ("record_progress", ""), ("record_actual", ""), ("record_target", EDITOR),
        ("set_action_status", ""), ("record_evaluation", "")]
    assert reopened.plan_revision(PLAN, 2)["actions"][1]["status"] == "completed"
    # A read-only handle refuses to record.
    with pytest.raises(cp.StorageError):
        reopened.record_progress(PLAN, ACTION, "2021-10-31", 80)
    reopened.close()


def test_a_failed_import_writes_nothing_to_the_file(tmp_path):
    db = tmp_path / "w.db"
    ws = family_ws(cp.Workspace.open(db))
    snapshot = state(ws)
    path = write_csv(tmp_path, "p.csv", f"plan,action,date,completion\n{PLAN},{ACTION},2021-09-30,75\n"
                                        f"{PLAN_2022},{ACTION},2022-09-30,750\n")
    with pytest.raises(cp.ValidationError):
        ws.import_execution(path)
    ws.close()
    reopened = cp.Workspace.open(db)
    assert state(reopened) == snapshot
    reopened.close()


# --- The `civicplan record` verb ----------------------------------------------------------

def run(*args):
    assert CLI.is_file(), f"civicplan binary not found at {CLI}; set CIVICPLAN_CLI"
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "family.db"
    family_ws(cp.Workspace.open(path)).close()
    return path


def opened(db):
    return cp.Workspace.open(db, read_only=True)


@pytest.fixture
def progress_csv(tmp_path):
    return write_csv(tmp_path, "progress.csv", "plan,action,date,completion,note\n"
                                               f"{PLAN},{ACTION},2021-09-30,75,verificato\n"
                                               f"{PLAN_2022},az01,2022-10-31,80,\n"
                                               f"{PLAN},az01,2021-06-30,30,\n")  # already so


def test_cli_record_prints_before_and_after(db, progress_csv):
    r = run("record", db, progress_csv)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == [PLAN, ACTION, "progress", "2021-09-30", "—", "->", "75%", '"verificato"']
    assert lines[1].split() == [PLAN_2022, "az01", "progress", "2022-10-31", "—", "->", "80%"]
    assert lines[-1] == f"changed 2 values, 1 already so; new revisions: {PLAN}@2 {PLAN_2022}@2"
    ws = opened(db)
    assert _progress_entry(action_dict(ws)) == [{"date": "2021-09-30", "completion": 75, "note": "verificato"}]
    assert ws.history(PLAN)[-1].operation == "import_execution"
    # Again: nothing changes.
    r = run("record", db, progress_csv)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "changed 0 values, 3 already so"


def test_cli_record_shows_each_kind(db, tmp_path):
    actuals = write_csv(tmp_path, "a.csv", f"plan,action,year,source,actual\n{PLAN},{ACTION},2021,municipal,100.50\n")
    statuses = write_csv(tmp_path, "s.csv", f"plan,action,status\n{PLAN},{ACTION},suspended\n")
    targets = write_csv(tmp_path, "t.csv", f"plan,action,metric,actual\n{PLAN},{ACTION},{METRIC},3\n")
    r = run("record", db, actuals, statuses, targets)
    assert r.returncode == 0, r.stderr
    lines = [line.split() for line in r.stdout.splitlines()]
    assert lines[0] == [PLAN, ACTION, "actual", "2021", "municipal", "€", "14.530,58", "->", "€", "100,50"]
    assert lines[1] == [PLAN, ACTION, "status", "completed", "->", "suspended"]
    assert lines[2][-3:] == ["2", "->", "3"] and METRIC.split()[0] in lines[2]
    assert r.stdout.splitlines()[-1] == f"changed 3 values, 0 already so; new revisions: {PLAN}@2"


def test_cli_record_dry_run_writes_nothing(db, progress_csv):
    before = state(opened(db))
    r = run("record", db, progress_csv, "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "would change 2 values, 1 already so" in r.stdout
    assert f"new revisions would be {PLAN}@2 {PLAN_2022}@2" in r.stdout
    assert r.stdout.splitlines()[-1] == "dry run: nothing was written"
    assert f"{PLAN}  {ACTION}" in r.stdout
    assert state(opened(db)) == before
    r = run("record", db, progress_csv, "--dry-run", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["dry_run"] is True
    assert state(opened(db)) == before


def test_cli_record_json_is_the_summary(db, progress_csv):
    expected = family_ws().import_execution(progress_csv)
    r = run("record", db, progress_csv, "--format", "json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got == expected
    assert set(got) == {"changed", "unchanged", "revisions", "dry_run"}
    assert got["revisions"] == {PLAN: 2, PLAN_2022: 2} and got["unchanged"] == 1
    assert got["changed"][0] == {"plan": PLAN, "action": ACTION, "field": "progress[2021-09-30]", "before": None,
                                 "after": {"completion": 75, "note": "verificato"}}


def test_cli_record_bad_rows_are_listed_on_stderr(db, tmp_path):
    path = write_csv(tmp_path, "bad.csv", "plan,action,date,completion\n"
                                          f"{PLAN},{ACTION},2021-09-30,75\n"
                                          f"{PLAN},{ACTION},2021-13-30,75\n"
                                          f"{PLAN},az99,2021-09-30,75\n")
    before = state(opened(db))
    r = run("record", db, path)
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == f'{path}:3: date: expected a real date YYYY-MM-DD, got "2021-13-30"'
    assert lines[1].startswith(f'{path}:4: plan "{PLAN}" has no action "az99"')
    assert lines[2] == "civicplan: error: nothing was recorded: 2 problems"
    assert state(opened(db)) == before


def test_cli_record_as_a_user(db, progress_csv):
    before = state(opened(db))
    r = run("record", db, progress_csv, "--user", VIEWER)
    assert r.returncode == 1
    assert f'user "{VIEWER}"' in r.stderr and "may not record" in r.stderr and f"editor role on {BODY}" in r.stderr
    assert state(opened(db)) == before
    r = run("record", db, progress_csv, "--user", "nobody")
    assert r.returncode == 1 and 'no user "nobody"' in r.stderr
    assert state(opened(db)) == before
    r = run("record", db, progress_csv, "--user", EDITOR)
    assert r.returncode == 0, r.stderr
    ws = opened(db)
    assert ws.audit_log(object=f"plan:{PLAN}")[-1].user == EDITOR
    assert ws.history(PLAN_2022)[-1].user == EDITOR


def test_cli_record_one_record_from_options(db):
    r = run("record", db, "--plan", PLAN, "--action", ACTION, "--date", "2021-09-30", "--completion", "50")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].split() == [PLAN, ACTION, "progress", "2021-09-30", "—", "->", "50%"]
    assert r.stdout.splitlines()[-1] == f"changed 1 value, 0 already so; new revisions: {PLAN}@2"
    assert _progress_entry(action_dict(opened(db))) == [{"date": "2021-09-30", "completion": 50}]
    r = run("record", db, "--plan", PLAN, "--action", ACTION, "--status", "in_progress", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["changed"] == [
        {"plan": PLAN, "action": ACTION, "field": "status", "before": "completed", "after": "in_progress"}]
    r = run("record", db, "--plan", PLAN, "--action", ACTION, "--year", "2021", "--source", "municipal",
            "--actual", "100.5")
    assert r.returncode == 0, r.stderr
    assert action_dict(opened(db))["budget"][0]["actual"] == 100.5
    r = run("record", db, "--plan", PLAN, "--action", ACTION, "--metric", METRIC, "--actual", "4")
    assert r.returncode == 0, r.stderr
    assert action_dict(opened(db))["targets"][0]["actual"] == 4
    assert opened(db).plans[PLAN].revision == 5


def test_cli_record_a_bad_option_value_names_the_option(db):
    before = state(opened(db))
    r = run("record", db, "--plan", PLAN, "--action", ACTION, "--date", "2021-09-30", "--completion", "150")
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == '--completion: expected a completion from 0 to 100, got "150"'
    r = run("record", db, "--plan", "pf-nope", "--action", ACTION, "--status", "completed")
    assert r.returncode == 1 and 'unknown plan "pf-nope"' in r.stderr
    assert state(opened(db)) == before


def test_cli_record_the_evaluation(db):
    r = run("record", db, "--plan", PLAN, "--date", "2022-03-01", "--evaluation", "Relazione aggiornata")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"recorded the evaluation of {PLAN}@2"
    ws = opened(db)
    assert ws.plans[PLAN].evaluation == {"date": "2022-03-01", "text": "Relazione aggiornata"}
    assert ws.history(PLAN)[-1].operation == "record_evaluation"
    r = run("record", db, "--plan", PLAN, "--date", "2022-03-01", "--evaluation", "Relazione aggiornata")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"unchanged: {PLAN}@2"
    assert len(opened(db).history(PLAN)) == 2
    r = run("record", db, "--plan", PLAN, "--evaluation", "Senza data")
    assert r.returncode == 2


def test_cli_record_usage_errors(db, progress_csv):
    before = state(opened(db))
    r = run("record", db, progress_csv, "--plan", PLAN, "--action", ACTION, "--status", "completed")
    assert r.returncode == 2
    assert "not both" in r.stderr
    r = run("record", db)
    assert r.returncode == 2
    r = run("record", db, progress_csv, "--format", "yaml")
    assert r.returncode == 2
    assert state(opened(db)) == before
    r = run("record", "--help")
    assert r.returncode == 0 and "civicplan record" in r.stdout


def test_cli_diff_shows_the_recorded_progress(db, progress_csv):
    assert run("record", db, progress_csv).returncode == 0
    assert run("record", db, "--plan", PLAN, "--date", "2022-03-01", "--evaluation", "Relazione").returncode == 0
    r = run("diff", db, f"{PLAN}@1", PLAN)
    assert r.returncode == 0, r.stderr
    lines = [line.strip() for line in r.stdout.splitlines()]
    assert 'progress 2021-09-30: —  ->  75% "verificato"' in lines
    assert "plan (1 field)" in lines
    assert any(line.startswith("~ evaluation:") and '"Relazione"' in line for line in lines)
    assert not any("2021-06-30" in line for line in lines)  # unchanged entries are not listed
    r = run("diff", db, f"{PLAN}@1", PLAN, "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d == opened(db).diff(f"{PLAN}@1", PLAN)
    assert [f["field"] for f in d["plan"]] == ["evaluation"]
    r = run("diff", db, f"{PLAN}@9", PLAN)
    assert r.returncode == 1 and f'no plan revision "{PLAN}@9"' in r.stderr


# --- The typed stubs ---------------------------------------------------------------------

STUBS = REPO / "python" / "civicplan" / "_civicplan.pyi"


def _stub_methods():
    import ast
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    workspace = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Workspace")
    return {f.name: f for f in workspace.body if isinstance(f, ast.FunctionDef)}


@pytest.mark.parametrize("name", ["record_progress", "record_actual", "record_target", "set_action_status",
                                  "record_evaluation", "import_execution", "diff"])
def test_the_stubs_match_the_bindings(name):
    import ast
    import re
    stub = _stub_methods()[name]
    doc = getattr(cp.Workspace, name).__doc__
    signature = doc.splitlines()[0]
    # Parameter names and defaults, as pybind11 writes them: "name: type = default".
    inner = signature[signature.index("(") + 1:signature.rindex(")")]
    params = re.findall(r"(\w+): [^=]+?(?: = ([^,]+))?(?=, \w+: |$)", inner)
    stub_args = stub.args.args
    defaults = [None] * (len(stub_args) - len(stub.args.defaults)) + [ast.literal_eval(d) for d in stub.args.defaults]
    assert [a.arg for a in stub_args] == [p for p, _ in params], name
    assert [repr(d) if d is not None else "" for d in defaults[1:]] == [
        d if d != "None" else "" for _, d in params[1:]], name
    # The stub's docstring says what the binding's does, word for word.
    words = lambda text: re.sub(r"[`\"\\\\]", "", " ".join(text.split()))
    stub_doc = ast.get_docstring(stub)
    assert stub_doc, name
    binding_doc = doc.split("\n", 2)[2]
    assert words(stub_doc) == words(binding_doc), name


@pytest.mark.parametrize("options", [
    ["--plan", PLAN, "--action", ACTION, "--date", "2021-09-30"],
    ["--plan", PLAN, "--action", ACTION, "--year", "2021", "--actual", "10"],
    ["--plan", PLAN, "--action", ACTION, "--status", "completed", "--metric", "m"],
])
def test_cli_record_options_of_no_shape_are_a_usage_error(db, options):
    before = cp.Workspace.open(db).export_bundle()
    r = run("record", db, *options)
    assert r.returncode == 2
    assert "one record takes the options of one shape" in r.stderr
    assert cp.Workspace.open(db).export_bundle() == before
