# SPDX-License-Identifier: Apache-2.0
# The shared cases of tests/cases/expressions.json, run through the Python API.
import pytest

import civicplan as cp
from conftest import bundle, load_case

CASES = load_case("expressions.json")


@pytest.fixture(scope="module")
def case_ws():
    ws = cp.Workspace()
    ws.import_bundle(CASES["bundle"])
    return ws


def close(got, want, tolerance=1e-9):
    return abs(got - want) <= tolerance * max(1.0, abs(want))


def test_every_value_case(case_ws):
    failures = []
    for c in CASES["values"]:
        got = case_ws.evaluate(c["expression"], c["body"], c["year"], c.get("preview", False))
        want = c["expected"]
        if want is None:
            ok = got is None
        else:
            ok = got is not None and close(got, want, c.get("tolerance", 1e-9))
        if not ok:
            failures.append(f"{c['name']}: {c['expression']} for {c['body']} in {c['year']} = {got}, want {want}")
    assert not failures, "\n".join(failures)
    assert len(CASES["values"]) > 50


def test_every_error_case(case_ws):
    for c in CASES["errors"]:
        with pytest.raises(cp.ParseError) as info:
            case_ws.evaluate(c["expression"], "m1", 2021)
        message = str(info.value)
        assert c["error"] in message, c["name"]
        assert "^" in message, c["name"]
        if "line" in c:
            assert info.value.line == c["line"], c["name"]
        if "column" in c:
            assert info.value.column == c["column"], c["name"]


def test_every_table_case(case_ws):
    for c in CASES["tables"]:
        rows = case_ws.compute_indicators(c["ids"], c["bodies"], c["years"]).rows()
        assert len(rows) == len(c["rows"]), c["name"]
        for got, (indicator, body, year, value, met) in zip(rows, c["rows"]):
            assert (got["indicator"], got["body"], got["year"]) == (indicator, body, year), c["name"]
            if value is None:
                assert got["value"] is None, c["name"]
            else:
                assert got["value"] == pytest.approx(value, rel=1e-12), c["name"]
            assert got["target_met"] == met, c["name"]


def test_indicator_cycle_is_rejected_naming_its_members(case_ws):
    before = case_ws.export_bundle()
    with pytest.raises(cp.ValidationError) as info:
        case_ws.import_bundle(CASES["cycle_bundle"])
    assert info.value.issues == [("indicators[0]", CASES["cycle_error"])]
    assert case_ws.export_bundle() == before


def test_evaluate_follows_imports():
    ws = cp.Workspace()
    ws.import_bundle(CASES["bundle"])
    assert ws.evaluate("population", "m1", 2021) == 1000
    ws.import_bundle(bundle(statistics=[{"variable": "population", "body": "m1", "year": 2021, "value": 1234}]))
    assert ws.evaluate("population", "m1", 2021) == 1234
    assert ws.evaluate("population", "D1", 2021) == 4234
    assert ws.evaluate("population[-1] - population[-1]", "m1", 1990) is None
    with pytest.raises(cp.NotFoundError) as info:
        ws.evaluate("population", "nowhere", 2021)
    assert info.value.id == "nowhere"
