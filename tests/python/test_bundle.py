# SPDX-License-Identifier: Apache-2.0
# Bundle validation: every mistake reported by path, all-or-nothing import, JSON conversion.
import copy

import pytest

import civicplan as cp
from conftest import bundle

# A dozen different mistakes, each with the path it must be reported at and a fragment of the
# message that must say what is wrong.
MISTAKES = [
    ("bodies[0].kind", 'unknown kind "municipalty"'),
    ("bodies[1].parents[0].id", 'unknown body "NOWHERE"'),
    ("bodies[2].name", "is required"),
    ("bodies[3]", 'duplicate id "B1" (first at bodies[0])'),
    ("taxonomies[0].nodes[1].parents[0]", 'unknown parent code "Z"'),
    ("plans[0].period", "from 2024 is after to 2022"),
    ("plans[0].status", 'did you mean "approved"'),
    ("plans[0].titel", 'unknown field "titel"'),
    ("plans[0].actions[0].budget[0].planned", 'expected a number with at most 2 decimals, got "12,50"'),
    ("plans[0].actions[0].categories[0]", 'unknown category "t:Q"'),
    ("plans[0].actions[1].start", 'expected a date YYYY-MM-DD, got "2021-02-30"'),
    ("plans[0].actions[1].objective", 'unknown objective "o9"'),
    ("statistics[0].year", "expected"),
    ("feedback[0].rating", "expected"),
]

BROKEN_BUNDLE = {
    "format": "civicplan-bundle",
    "version": 1,
    "bodies": [
        {"id": "B1", "kind": "municipalty", "name": "One"},
        {"id": "B2", "kind": "municipality", "name": "Two", "parents": [{"id": "NOWHERE"}]},
        {"id": "B3", "kind": "municipality"},
        {"id": "B1", "kind": "municipality", "name": "One again"},
    ],
    "taxonomies": [
        {"id": "t", "version": "1", "label": "T",
         "nodes": [{"code": "A", "label": "A"}, {"code": "A1", "label": "A1", "parents": ["Z"]}]},
    ],
    "plans": [
        {"id": "p", "kind": "family", "body": "B2", "title": "Plan", "titel": "typo",
         "period": {"from": 2024, "to": 2022}, "status": "aproved",
         "objectives": [{"id": "o1", "title": "Objective"}],
         "actions": [
             {"id": "a1", "title": "One", "categories": ["t:Q"], "status": "planned",
              "budget": [{"year": 2023, "source": "municipal", "planned": "12,50"}]},
             {"id": "a2", "title": "Two", "status": "planned", "start": "2021-02-30", "objective": "o9"},
         ]},
    ],
    "statistics": [{"variable": "population", "body": "B2", "year": "2023", "value": 10}],
    "feedback": [{"action": "p/a1", "rating": 9, "date": "2023-01-01"}],
}


def test_every_mistake_is_reported_by_path(ws):
    before = ws.export_bundle()
    with pytest.raises(cp.ValidationError) as info:
        ws.import_bundle(copy.deepcopy(BROKEN_BUNDLE))
    error = info.value
    assert isinstance(error, cp.Error)
    assert error.code == "validation"
    issues = error.issues
    assert all(isinstance(i, tuple) and len(i) == 2 for i in issues)
    by_path = {}
    for path, message in issues:
        by_path.setdefault(path, []).append(message)
    for path, fragment in MISTAKES:
        assert path in by_path, f"no issue at {path}; got {issues}"
        assert any(fragment in m for m in by_path[path]), f"{path}: {by_path[path]} lacks {fragment!r}"
    # The message lists every issue, one per line, path first.
    lines = str(error).splitlines()
    assert len(lines) == len(issues)
    for (path, message), line in zip(issues, lines):
        assert line == f"{path}: {message}"
    # All or nothing: the workspace is unchanged.
    assert ws.export_bundle() == before


def test_validate_bundle_reports_without_importing(ws):
    issues = cp.validate_bundle(copy.deepcopy(BROKEN_BUNDLE))
    assert ("bodies[2].name", "is required") in issues
    assert ws.validate(ws.export_bundle()) == []
    # Against the workspace, a plan may reference the workspace's bodies.
    plan = bundle(plans=[{"id": "p2", "kind": "family", "body": "M2", "title": "Fondo 2024",
                          "period": {"from": 2024, "to": 2024}, "status": "draft"}])
    assert ws.validate(plan) == []
    alone = cp.validate_bundle(plan)
    assert any(p == "plans[0].body" and m.startswith('unknown body "M2"') for p, m in alone), alone
    assert "p2" not in ws.plans


def test_reference_to_the_workspace_is_accepted(ws):
    ws.import_bundle(bundle(plans=[{"id": "p2", "kind": "family", "body": "M2", "title": "Fondo 2024",
                                    "period": {"from": 2024, "to": 2024}, "status": "draft",
                                    "actions": [{"id": "x", "title": "X", "categories": ["fam:A"],
                                                 "status": "planned"}]}]))
    assert ws.plans["p2"].actions[0].categories == ["fam:A"]


def test_membership_cycle_is_named():
    cyclic = bundle(bodies=[
        {"id": "a", "kind": "union", "name": "A", "parents": [{"id": "b", "from": 2021}]},
        {"id": "b", "kind": "district", "name": "B", "parents": [{"id": "a"}]},
    ])
    with pytest.raises(cp.ValidationError) as info:
        cp.Workspace().import_bundle(cyclic)
    messages = [m for _, m in info.value.issues]
    assert any(m.startswith("membership cycle in 2021: ") for m in messages), messages
    assert any("a -> b -> a" in m or "b -> a -> b" in m for m in messages), messages


def test_unknown_top_level_field_and_wrong_format():
    with pytest.raises(cp.ValidationError) as info:
        cp.Workspace().import_bundle({"format": "other", "plan": []})
    paths = dict(info.value.issues)
    assert paths["plan"] == 'unknown field "plan" (did you mean "plans"?)'
    assert paths["format"] == 'expected "civicplan-bundle", got "other"'
    assert paths["version"] == "is required"


def test_json_types_survive_conversion():
    ws = cp.Workspace()
    attributes = {
        "int": 3, "negative": -7, "big": 2**62, "float": 2.5, "whole_float": 4.0, "bool": False,
        "none": None, "text": "città", "list": [1, 2.0, "x", [True]], "tuple": (1, 2),
        "nested": {"deeper": {"n": 1}},
    }
    ws.import_bundle(bundle(bodies=[{"id": "A", "kind": "region", "name": "Alpha", "attributes": attributes}]))
    back = ws.bodies["A"].attributes
    expected = dict(attributes, tuple=[1, 2])
    assert back == expected
    assert type(back["int"]) is int and type(back["big"]) is int
    assert type(back["whole_float"]) is float
    assert type(back["bool"]) is bool
    assert type(back["list"][1]) is float
    assert ws.export_bundle()["bodies"][0]["attributes"] == expected


def test_numpy_scalars_convert_like_python_numbers():
    import numpy as np

    ws = cp.Workspace()
    attributes = {"i": np.int64(5), "u": np.uint8(7), "f": np.float64(2.5), "g": np.float32(0.5),
                  "b": np.bool_(True)}
    ws.import_bundle(bundle(bodies=[{"id": "A", "kind": "region", "name": "A", "attributes": attributes}]))
    back = ws.bodies["A"].attributes
    assert back == {"i": 5, "u": 7, "f": 2.5, "g": 0.5, "b": True}
    assert [type(back[k]) for k in ("i", "u", "f", "g", "b")] == [int, int, float, float, bool]
    with pytest.raises(TypeError, match=r"ndarray at bodies\[0\]\.attributes\.a"):
        ws.import_bundle(bundle(bodies=[{"id": "B", "kind": "region", "name": "B",
                                         "attributes": {"a": np.arange(3)}}]))


def test_read_statistics_csv_from_text():
    rows = cp.read_statistics_csv('year,body,value,variable\n2020,"M1",12.5,births\n', "births.csv")
    assert [(r.body, r.year, r.variable, r.value) for r in rows] == [("M1", 2020, "births", 12.5)]
    with pytest.raises(cp.ValidationError) as info:
        cp.read_statistics_csv("body,year,variable\nM1,2020,x\n", "short.csv")
    assert info.value.issues[0][0] == "short.csv:1"
    assert 'missing column "value"' in info.value.issues[0][1]
