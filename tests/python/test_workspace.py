# SPDX-License-Identifier: Apache-2.0
# Workspace: import, export, round trips, SQLite persistence, mapping views and object lifetime.
import collections.abc
import json
import re
import sqlite3

from pathlib import Path

import pytest

import civicplan as cp
from conftest import EXAMPLE_BUNDLES, REPO, bundle, example_path


def test_version_comes_from_cmake_project():
    text = (REPO / "CMakeLists.txt").read_text(encoding="utf-8")
    version = re.search(r"project\(civicplan VERSION ([0-9.]+)", text).group(1)
    assert cp.__version__ == version
    assert "__version__" in cp.__all__
    for name in cp.__all__:
        assert hasattr(cp, name), name


def test_empty_workspace():
    ws = cp.Workspace()
    assert ws.path is None
    assert len(ws.bodies) == 0 and len(ws.plans) == 0 and len(ws.taxonomies) == 0
    bundle = ws.export_bundle()
    assert bundle["format"] == cp.BUNDLE_FORMAT == "civicplan-bundle"
    assert bundle["version"] == cp.BUNDLE_VERSION == 1
    assert bundle["bodies"] == [] and bundle["plans"] == [] and bundle["users"] == []
    assert "in memory" in repr(ws)


def test_import_summary_counts_added_then_replaced(small_bundle):
    ws = cp.Workspace()
    first = ws.import_bundle(small_bundle)
    assert set(first) == {"added", "replaced"}
    assert first["added"]["bodies"] == 6
    assert first["added"]["taxonomies"] == 2
    assert first["added"]["plans"] == 1
    assert first["added"]["statistics"] == 2
    assert sum(first["replaced"].values()) == 0

    second = ws.import_bundle(small_bundle)
    assert sum(second["added"].values()) == 0
    assert second["replaced"]["bodies"] == 6
    assert second["replaced"]["plans"] == 1


def test_export_import_round_trip_of_small_bundle(ws):
    exported = ws.export_bundle()
    again = cp.Workspace()
    again.import_bundle(exported)
    assert again.export_bundle() == exported
    # Integers and floats keep their JSON types across the trip.
    m1 = next(b for b in exported["bodies"] if b["id"] == "M1")
    assert m1["attributes"] == {"istat": "022062", "altitude": 658, "area_km2": 39.2, "mountain": True}
    assert type(m1["attributes"]["altitude"]) is int
    assert type(m1["attributes"]["area_km2"]) is float
    assert type(m1["attributes"]["mountain"]) is bool


@pytest.mark.parametrize("name", EXAMPLE_BUNDLES)
def test_example_bundle_round_trip(name, tmp_path):
    path = example_path(name)
    ws = cp.Workspace()
    summary = ws.import_bundle(path)  # a pathlib.Path
    assert sum(summary["added"].values()) > 0
    exported = ws.export_bundle()

    fresh = cp.Workspace()
    fresh.import_bundle(exported)
    assert fresh.export_bundle() == exported

    # Through a file as well: export_bundle(path) writes the same bundle as JSON.
    out = tmp_path / f"{name}.out.json"
    assert ws.export_bundle(out) is None
    with open(out, encoding="utf-8") as f:
        assert json.load(f) == exported
    from_file = cp.Workspace()
    from_file.import_bundle(str(out))
    assert from_file.export_bundle() == exported


def test_export_bundle_to_path_writes_valid_json(ws, tmp_path):
    out = tmp_path / "nested.json"
    assert ws.export_bundle(path=str(out)) is None
    with open(out, encoding="utf-8") as f:
        written = json.load(f)
    assert written == ws.export_bundle()
    assert [b["id"] for b in written["bodies"]] == ["D1", "M1", "M2", "M3", "TN", "U1"]


def test_persistence_across_open(small_bundle, store):
    db = store("plans")
    ws = cp.Workspace.open(db)
    if store.postgres:
        # The location without a password, naming the schema; it opens the workspace again.
        assert ws.path.startswith("postgresql://") and f"schema={store.prefix}plans" in ws.path
    else:
        assert ws.path == str(db)
    ws.import_bundle(small_bundle)
    exported = ws.export_bundle()
    del ws

    reopened = cp.Workspace.open(str(db))
    assert reopened.export_bundle() == exported
    assert reopened.bodies["M1"].name == "Cles"
    assert reopened.plans["p-m1-2023"].actions[0].budget[0]["actual"] == 1234.5
    assert reopened.path in repr(reopened)
    assert cp.Workspace.open(reopened.path).export_bundle() == exported


def test_second_connection_sees_committed_writes(small_bundle, store):
    db = store("shared")
    writer = cp.Workspace.open(db)
    reader = cp.Workspace.open(db)
    bodies = reader.bodies
    assert len(bodies) == 0
    writer.import_bundle(small_bundle)
    reader.refresh()
    assert "M1" in bodies and len(bodies) == 6
    assert reader.refresh() is False  # nothing new since the last read


def test_read_only_workspace_reads_and_refuses_writes(small_bundle, store):
    db = store("plans")
    writer = cp.Workspace.open(db)
    writer.import_bundle(small_bundle)
    exported = writer.export_bundle()
    before = None if store.postgres else Path(db).read_bytes()
    entries = len(writer.audit_log())

    reader = cp.Workspace.open(db, read_only=True)
    assert reader.read_only is True and writer.read_only is False
    assert reader.export_bundle() == exported
    assert reader.bodies["M1"].name == "Cles"
    with pytest.raises(cp.StorageError, match="read-only"):
        reader.import_bundle(bundle(bodies=[{"id": "M9", "kind": "municipality", "name": "Nuovo"}]))
    with pytest.raises(cp.StorageError):
        reader.submit("p-m1-2023")
    assert reader.export_bundle() == exported
    if not store.postgres:
        assert Path(db).read_bytes() == before
    assert len(cp.Workspace.open(db).audit_log()) == entries

    writer.import_bundle(bundle(bodies=[{"id": "M9", "kind": "municipality", "name": "Nuovo"}]))
    assert "M9" in reader.bodies  # a read-only reader sees what others commit


def test_read_only_open_of_a_missing_file_creates_nothing(tmp_path):
    missing = tmp_path / "none.db"
    with pytest.raises(cp.StorageError, match="no workspace at"):
        cp.Workspace.open(missing, read_only=True)
    assert not missing.exists()


def test_threads_read_while_another_writes(small_bundle, store):
    import threading

    ws = cp.Workspace.open(store("threads"))
    ws.import_bundle(small_bundle)
    base = len(ws.bodies)
    errors = []
    done = threading.Event()

    def read():
        while not done.is_set():
            try:
                names = ws.bodies.keys()
                extra = [n for n in names if n.startswith("X")]
                # A snapshot holds whole commits: X0 .. Xn-1, never a gap.
                assert sorted(extra, key=lambda n: int(n[1:])) == [f"X{i}" for i in range(len(extra))]
                assert len(ws.compute_indicators().rows()) >= 0
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    for i in range(10):
        ws.import_bundle(bundle(bodies=[{"id": f"X{i}", "kind": "municipality", "name": f"X{i}"}]))
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    assert len(ws.bodies) == base + 10


def test_failed_import_leaves_the_store_unchanged(small_bundle, store):
    db = store("plans")
    ws = cp.Workspace.open(db)
    ws.import_bundle(small_bundle)
    before = ws.export_bundle()
    bad = bundle(bodies=[{"id": "M9", "kind": "municipality", "name": "Nuovo", "parents": [{"id": "NOPE"}]}])
    with pytest.raises(cp.ValidationError):
        ws.import_bundle(bad)
    assert ws.export_bundle() == before
    assert cp.Workspace.open(db).export_bundle() == before


def test_open_on_a_file_that_is_not_a_database(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a SQLite database, not at all" * 100)
    with pytest.raises(cp.StorageError) as info:
        cp.Workspace.open(junk)
    assert str(info.value)
    assert info.value.code == "storage"


def test_mapping_views(ws):
    bodies = ws.bodies
    assert isinstance(bodies, collections.abc.Mapping)
    assert len(bodies) == 6
    assert list(bodies) == ["D1", "M1", "M2", "M3", "TN", "U1"]
    assert bodies.keys() == list(bodies)
    assert [b.id for b in bodies.values()] == list(bodies)
    assert [(k, v.id) for k, v in bodies.items()] == [(k, k) for k in bodies]
    assert "M1" in bodies and "M9" not in bodies and 42 not in bodies
    assert bodies["M1"].name == "Cles"
    assert bodies.get("M9") is None
    assert bodies.get("M9", "fallback") == "fallback"
    assert bodies.get("M2").name == "Fondo"
    with pytest.raises(KeyError) as info:
        bodies["M9"]
    assert info.value.args == ("M9",)
    with pytest.raises(KeyError):
        bodies[3]
    assert dict(bodies.items())["TN"].kind == "province"

    assert list(ws.plans) == ["p-m1-2023"]
    assert list(ws.taxonomies) == ["fam", "old"]
    assert list(ws.crosswalks) == ["old-fam"]
    assert list(ws.users) == ["anna"]
    assert ws.users["anna"].roles == [{"role": "editor", "body": "M1"}]
    assert "6 bodies" in repr(bodies)


def test_views_read_the_live_model():
    ws = cp.Workspace()
    bodies, plans = ws.bodies, ws.plans
    assert len(bodies) == 0
    ws.import_bundle(bundle(bodies=[{"id": "A", "kind": "region", "name": "Alpha"}]))
    assert list(bodies) == ["A"]
    ws.import_bundle(bundle(bodies=[{"id": "A", "kind": "region", "name": "Alpha Renamed"},
                                    {"id": "B", "kind": "province", "name": "Beta", "parents": [{"id": "A"}]}]))
    assert bodies["A"].name == "Alpha Renamed"
    assert len(bodies) == 2 and len(plans) == 0


def test_objects_and_views_outlive_the_workspace_variable(small_bundle):
    ws = cp.Workspace()
    ws.import_bundle(small_bundle)
    bodies = ws.bodies
    m2 = ws.bodies["M2"]
    plan = ws.plans["p-m1-2023"]
    del ws
    assert len(bodies) == 6
    assert bodies["D1"].members(2018) == ["M1", "M3", "U1"]
    assert m2.parents_in(2020) == ["U1"]
    assert m2.scope(2020) == ["M2"]
    assert plan.actions[1].depends_on == ["a1"]


def test_body_objects(ws):
    m1 = ws.bodies["M1"]
    assert (m1.id, m1.kind, m1.name) == ("M1", "municipality", "Cles")
    assert repr(m1) == "<Body M1 municipality 'Cles'>"
    assert m1.location == (46.36, 11.03)
    assert ws.bodies["TN"].location is None
    assert m1.parents == [{"id": "U1", "from": 2016, "to": 2020}, {"id": "D1", "from": None, "to": None}]
    assert m1.attributes["altitude"] == 658
    d = m1.to_dict()
    assert d["id"] == "M1" and d["kind"] == "municipality"
    assert d["parents"][0] == {"id": "U1", "from": 2016, "to": 2020}
    assert d["location"] == {"lat": 46.36, "lon": 11.03}
    assert ws.body("M1") == m1
    assert ws.body("M1") != ws.body("M2")
    with pytest.raises(cp.NotFoundError) as info:
        ws.body("M9")
    assert (info.value.kind, info.value.id) == ("body", "M9")


def test_plan_and_action_objects(ws):
    plan = ws.plans["p-m1-2023"]
    assert (plan.id, plan.kind, plan.body) == ("p-m1-2023", "family", "M1")
    assert plan.period == (2023, 2023)
    assert (plan.status, plan.variant, plan.based_on, plan.revision) == ("approved", "original", None, 1)
    assert plan.approval == {"date": "2023-03-01", "act": "DG 12/2023"}
    assert plan.objectives == [{"id": "o1", "title": "More childcare"}]
    assert plan.evaluation is None and plan.previous == []
    assert "2 actions" in repr(plan)
    assert ws.plan("p-m1-2023") == plan

    a1, a2 = plan.actions
    assert isinstance(a1, cp.Action)
    assert (a1.id, a1.title, a1.status, a1.objective) == ("a1", "Nursery vouchers", "in_progress", "o1")
    assert a1.categories == ["fam:A1a"]
    assert a1.budget == [{"year": 2023, "source": "municipal", "planned": 1500.0, "actual": 1234.5}]
    assert all(type(a1.budget[0][k]) is float for k in ("planned", "actual"))
    assert a1.progress_at("2023-07-01") == {"date": "2023-06-30", "completion": 40.0, "note": None}
    assert a1.progress_at("2024-01-01")["note"] == "almost done"
    assert a1.progress_at("2023-01-01") is None
    with pytest.raises(ValueError):
        a1.progress_at("2023-02-30")
    assert a2.budget == [] and a2.tags == ["summer"] and a2.horizon is None
    assert repr(a2) == "<Action a2 planned 'Summer camp'>"
    assert plan.action("a2") == a2
    with pytest.raises(cp.NotFoundError) as info:
        plan.action("a9")
    assert info.value.id == "p-m1-2023/a9"

    d = plan.to_dict()
    assert d["period"] == {"from": 2023, "to": 2023}
    assert [a["id"] for a in d["actions"]] == ["a1", "a2"]
    assert d["actions"][0]["budget"][0]["actual"] == 1234.5
    assert a1.to_dict() == d["actions"][0]


def test_records(ws):
    stats = ws.statistics
    assert [(s.body, s.variable, s.year, s.value) for s in stats] == [
        ("M1", "population", 2023, 7400.0), ("M2", "population", 2023, 1450.0)]
    assert stats[0].to_dict() == {"variable": "population", "body": "M1", "year": 2023, "value": 7400}
    assert ws.feedback == [] and ws.places == [] and ws.cases == [] and ws.ledger == []


def test_record_objects(ws):
    ws.import_bundle(bundle(
        feedback=[{"action": "p-m1-2023/a1", "rating": 4, "comment": "useful", "date": "2023-09-01"}],
        places=[{"id": "pl1", "body": "M1", "name": "Parco giochi", "category": "playground",
                 "location": {"lat": 46.3, "lon": 11.0}, "since": "2019-05-01"}],
        certifications=[{"body": "M1", "scheme": "family", "status": "granted", "date": "2020-01-15",
                         "expires": "2023-01-14"}],
        cases=[{"id": "c1", "subject": "S-001", "body": "M1", "service": "fam:A1", "opened": "2021-03-01",
                "closed": "2022-06-30"}],
        ledger=[{"body": "M1", "service": "canteen", "year": 2023, "charged": 1200.5, "collected": 1000}],
    ))
    (f,) = ws.feedback
    assert (f.action, f.rating, f.comment, f.date) == ("p-m1-2023/a1", 4, "useful", "2023-09-01")
    (p,) = ws.places
    assert (p.id, p.body, p.category, p.location, p.address, p.since) == (
        "pl1", "M1", "playground", (46.3, 11.0), None, "2019-05-01")
    (c,) = ws.certifications
    assert (c.body, c.scheme, c.status, c.date, c.expires) == ("M1", "family", "granted", "2020-01-15", "2023-01-14")
    (k,) = ws.cases
    assert (k.subject, k.service, k.opened, k.closed) == ("S-001", "fam:A1", "2021-03-01", "2022-06-30")
    assert [k.active_in(y) for y in (2020, 2021, 2022, 2023)] == [False, True, True, False]
    (l,) = ws.ledger
    assert (l.service, l.year, l.charged, l.collected) == ("canteen", 2023, 1200.5, 1000.0)
    assert type(l.collected) is float
    assert l.to_dict() == {"body": "M1", "service": "canteen", "year": 2023, "charged": 1200.5, "collected": 1000}
    assert "canteen 2023" in repr(l)
    exported = ws.export_bundle()
    for obj, key in ((f, "feedback"), (p, "places"), (c, "certifications"), (k, "cases"), (l, "ledger")):
        assert exported[key] == [obj.to_dict()]


def test_import_statistics_csv(ws, tmp_path, monkeypatch):
    csv = tmp_path / "population.csv"
    csv.write_text("body,year,variable,value\nM1,2024,population,7450\nM3,2024,population,1200.5\n",
                   encoding="utf-8")
    summary = ws.import_statistics_csv(csv)
    assert summary["added"]["statistics"] == 2
    values = {(s.body, s.year): s.value for s in ws.statistics}
    assert values[("M1", 2024)] == 7450 and values[("M3", 2024)] == 1200.5

    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("body,year,variable,value\nM1,2025,population,7500\nM2,2025,population,12,5\n"
                   "M2,20x5,population,1\n", encoding="utf-8")
    before = ws.export_bundle()
    with pytest.raises(cp.ValidationError) as info:
        ws.import_statistics_csv("bad.csv")
    paths = [path for path, _ in info.value.issues]
    assert paths == ["bad.csv:3", "bad.csv:4"]
    assert "expected 4 fields, got 5" in info.value.issues[0][1]
    assert 'got "20x5"' in info.value.issues[1][1]
    assert "bad.csv:3" in str(info.value)
    assert ws.export_bundle() == before

    with pytest.raises(cp.NotFoundError) as missing:
        ws.import_statistics_csv(tmp_path / "absent.csv")
    assert missing.value.kind == "file"


def test_csv_rows_naming_unknown_bodies_are_reported_by_line(ws, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("births.csv", "births.txt"):
        (tmp_path / name).write_text("variable,body,year,value\nbirths,M1,2023,61\nbirths,M7,2023,3\n",
                                     encoding="utf-8")
    with pytest.raises(cp.ValidationError) as info:
        ws.import_statistics_csv("births.csv")
    assert len(info.value.issues) == 1
    path, message = info.value.issues[0]
    assert path.startswith("births.csv:3")
    assert message.startswith('unknown body "M7"')
    # Any file name is read as CSV.
    with pytest.raises(cp.ValidationError) as other:
        ws.import_statistics_csv("births.txt")
    assert [m for _, m in other.value.issues] == [message]
    assert other.value.issues[0][0].startswith("births.txt")
    assert all(s.variable != "births" for s in ws.statistics)


def test_import_bundle_rejects_other_types():
    ws = cp.Workspace()
    with pytest.raises(TypeError, match="list"):
        ws.import_bundle([{"bodies": []}])


def test_unsupported_python_values_name_type_and_path():
    ws = cp.Workspace()
    bad = bundle(bodies=[{"id": "A", "kind": "region", "name": "Alpha", "attributes": {"tags": {"x", "y"}}}])
    with pytest.raises(TypeError) as info:
        ws.import_bundle(bad)
    assert "set" in str(info.value)
    assert "bodies[0].attributes.tags" in str(info.value)
    with pytest.raises(ValueError, match="finite"):
        ws.import_bundle(bundle(statistics=[{"variable": "v", "body": "A", "year": 2020, "value": float("nan")}]))
    with pytest.raises(TypeError, match="keys must be str"):
        ws.import_bundle(bundle(bodies=[{1: "x"}]))
    assert len(ws.bodies) == 0


def test_import_file_errors(tmp_path):
    ws = cp.Workspace()
    with pytest.raises(cp.NotFoundError) as info:
        ws.import_bundle(tmp_path / "absent.json")
    assert info.value.kind == "file"
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "bodies": [\n    {"id": "A",}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(cp.ParseError) as parse:
        ws.import_bundle(broken)
    assert parse.value.line == 3
    assert parse.value.source == str(broken)
    assert str(broken) in str(parse.value)


def test_sqlite_file_is_a_real_database(small_bundle, tmp_path):
    db = tmp_path / "plans.db"
    cp.Workspace.open(db).import_bundle(small_bundle)
    with sqlite3.connect(db) as con:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables
