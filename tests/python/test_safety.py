# SPDX-License-Identifier: Apache-2.0
# Python safety: objects that outlive their workspace, hostile values, and calls from several
# threads at once give results or clear exceptions, never a crash.
import gc
import threading

import pytest

import civicplan as cp
from conftest import bundle, example_path


def test_objects_outlive_their_workspace():
    ws = cp.Workspace()
    ws.import_bundle(example_path("family"))
    body = ws.body("022104")
    plan = ws.plan("pf-022104-2022")
    registry = ws.registry
    index = ws.practices
    table = ws.compute_indicators("fam_actions_per_1000", years=2022)
    plans_view = ws.plans
    del ws
    gc.collect()
    assert body.parents_in(2022)  # membership queries go through the workspace the body keeps
    assert plan.actions and plan.to_dict()["id"] == "pf-022104-2022"
    assert "022104" in registry.leaves("pat", 2022)
    assert index.search("famiglie numerose", limit=1)
    assert len(table.to_pandas()) == len(table.rows()) > 0
    assert "pf-022104-2022" in plans_view


def test_a_user_view_outlives_the_workspace_it_came_from(store):
    ws = cp.Workspace.open(store("w"))
    ws.import_bundle(bundle(bodies=[{"id": "R", "kind": "region", "name": "R"}],
                            users=[{"id": "u", "name": "U", "roles": [{"role": "admin", "body": "R"}]}]))
    view = ws.as_user("u")
    del ws
    gc.collect()
    view.import_bundle(bundle(bodies=[{"id": "P", "kind": "province", "name": "P",
                                       "parents": [{"id": "R"}]}]))
    assert sorted(view.bodies.keys()) == ["P", "R"]


def test_use_after_close_raises(store):
    path = store("w")
    with cp.Workspace.open(path) as ws:
        ws.import_bundle(example_path("family"))
        body = ws.body("022104")
        plan = ws.plan("pf-022104-2022")
        table = ws.compute_indicators("fam_actions_per_1000", years=2022)
        index = ws.practices
        plans = ws.plans
        assert not ws.closed
    assert ws.closed
    for call in (lambda: ws.plans.keys(), lambda: ws.import_bundle(example_path("zone")),
                 lambda: ws.compute_indicators(), lambda: ws.path, lambda: len(plans),
                 lambda: body.parents_in(2022), lambda: ws.as_user("nobody"),
                 lambda: ws.practices, lambda: ws.add_feedback("pf-022104-2022/az06", 5, "2022-05-01")):
        with pytest.raises(cp.StorageError, match="closed"):
            call()
    ws.close()  # closing twice is fine
    # What was read before stays usable, and the file was released intact.
    assert plan.actions and len(table.to_pandas()) > 0 and index.search("famiglie", limit=1)
    again = cp.Workspace.open(path)
    assert "pf-022104-2022" in again.plans
    assert again.feedback == cp.Workspace.open(path).feedback


def test_self_referencing_and_deep_values_are_refused():
    ws = cp.Workspace()
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nesting deeper"):
        ws.import_bundle(bundle(bodies=[{"id": "a", "kind": "region", "name": "n",
                                         "attributes": {"x": loop}}]))
    deep = 1
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(ValueError, match="nesting deeper"):
        ws.put_plan({"id": "p", "kind": "family", "body": "a", "title": "t",
                     "period": {"from": 2023, "to": 2023}, "attributes": {"x": deep}})
    with pytest.raises(ValueError):
        ws.import_bundle(bundle(statistics=[{"variable": "population", "body": "a", "year": 2020,
                                             "value": float("nan")}]))
    with pytest.raises(ValueError, match=r"bodies\[0\]\.name"):
        ws.import_bundle(bundle(bodies=[{"id": "a", "kind": "region", "name": "\udcff"}]))
    assert len(ws.bodies) == 0


def test_hostile_files_are_refused_with_positions(tmp_path):
    ws = cp.Workspace()
    cases = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "dup.json": '{"format": "civicplan-bundle", "version": 1, "bodies": [], "bodies": []}',
        "big.json": '{"format": "civicplan-bundle", "version": 1, "statistics": [{"value": 1e400}]}',
        "nan.json": '{"format": "civicplan-bundle", "version": 1, "statistics": [{"value": NaN}]}',
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(cp.ParseError) as info:
            ws.import_bundle(tmp_path / name)
        assert f"{name}:1:" in str(info.value)
    (tmp_path / "utf8.json").write_bytes(b'{"format": "civicplan-bundle", "bodies": ["\xff"]}')
    with pytest.raises(cp.ParseError):
        ws.import_bundle(tmp_path / "utf8.json")
    (tmp_path / "bad.csv").write_bytes(b"body,year,variable,value\nM1,2023,population,1\n\xff,2023,x,1\n")
    with pytest.raises(cp.ValidationError, match="bad.csv:3"):
        ws.import_statistics_csv(tmp_path / "bad.csv")
    assert len(ws.bodies) == 0 and ws.statistics == []


def test_calls_from_several_threads(store):
    path = store("shared")
    ws = cp.Workspace.open(path)
    ws.import_bundle(example_path("family"))
    other = cp.Workspace.open(path)  # a second connection to the same file
    errors = []
    results = {"reads": 0, "writes": 0}
    lock = threading.Lock()

    def reader(workspace):
        try:
            for _ in range(20):
                frame = workspace.compute_indicators("fam_actions_per_1000", years=2022).to_pandas()
                assert len(frame) > 0
                assert workspace.practices.search("famiglie", limit=3)
                assert workspace.certify("022104", "family-in-trentino", 2022).points >= 0
                with lock:
                    results["reads"] += 1
        except Exception as error:  # collected and reported by the test
            errors.append(error)

    def writer(workspace, n):
        try:
            for i in range(10):
                workspace.add_feedback("pf-022104-2022/az06", 1 + (i + n) % 5, f"2022-0{1 + i % 9}-1{n}")
                workspace.refresh()
                with lock:
                    results["writes"] += 1
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=reader, args=(ws,)), threading.Thread(target=reader, args=(other,)),
               threading.Thread(target=writer, args=(ws, 1)), threading.Thread(target=writer, args=(other, 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == {"reads": 40, "writes": 20}
    expected = _example_feedback() + 20
    ws.refresh()
    assert len(ws.feedback) == expected
    assert len(cp.Workspace.open(path).feedback) == expected


def _example_feedback():
    w = cp.Workspace()
    w.import_bundle(example_path("family"))
    return len(w.feedback)
