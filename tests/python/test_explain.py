# SPDX-License-Identifier: Apache-2.0
# Explain and what-if from Python and the CLI: explanations, scenarios, parameters for one call,
# comparisons and rule test cases (DESIGN §17).
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

import civicplan as cp
from conftest import CASES, EXAMPLE_BUNDLES, REPO, example_path, load_case

CLI = Path(os.environ.get("CIVICPLAN_CLI") or REPO / "build" / "civicplan")
SHIPPED = sorted((REPO / "examples" / "cases").glob("*.cases.json"))


def run(*args):
    assert CLI.is_file(), f"civicplan binary not found at {CLI}; set CIVICPLAN_CLI"
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=300)


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.fixture(scope="module")
def examples():
    ws = cp.Workspace()
    for name in EXAMPLE_BUNDLES:
        ws.import_bundle(example_path(name))
    return ws


EMPTY_DISTRICT = {
    "format": "civicplan-bundle", "version": 1,
    "bodies": [
        {"id": "R00", "kind": "region", "name": "Regione"},
        {"id": "D001", "kind": "district", "name": "Distretto 1", "parents": [{"id": "R00"}]},
        {"id": "D037", "kind": "district", "name": "Distretto 37", "parents": [{"id": "R00"}]},
        {"id": "m1", "kind": "municipality", "name": "Comune 1", "parents": [{"id": "D001"}]},
        {"id": "m2", "kind": "municipality", "name": "Comune 2", "parents": [{"id": "D001"}]},
    ],
    "statistics": [
        {"body": "m1", "variable": "population", "year": 2015, "value": 1000},
        {"body": "m2", "variable": "population", "year": 2015, "value": 2000},
    ],
    "indicators": [{"id": "per_capita", "label": "Per capita", "formula": "budget() / population",
                    "levels": ["district", "region"]}],
}


def test_explain_equals_evaluate_on_every_shared_expression_case():
    doc = load_case("expressions.json")
    ws = cp.Workspace()
    ws.import_bundle(doc["bundle"])
    for case in doc["values"]:
        args = (case["expression"], case["body"], case["year"], case.get("preview", False))
        e = ws.explain(*args)
        assert same(e.value, ws.evaluate(*args)), case["name"]
        assert (e.value is None) == (e.null_reason is not None), case["name"]


def test_explain_equals_compute_indicators_on_the_example_indicator_sets(examples):
    frame = examples.compute_indicators().to_pandas()
    assert len(frame) > 1000
    for row in frame.itertuples():
        e = examples.explain(row.indicator, row.body, int(row.year))
        value = None if math.isnan(row.value) else row.value
        assert same(e.value, value), (row.indicator, row.body, row.year)


def test_an_explanation_from_python(examples):
    e = examples.explain("zone_spend_per_inhabitant", "dist-pianura-est", 2019)
    assert round(e.value, 2) == 14.31
    assert e.indicator == "zone_spend_per_inhabitant" and e.formula_from is None
    budget, population = e.children
    assert budget.expression == 'budget(plan_kind: "zone")'
    assert sum(f["value"] for f in budget.facts) == pytest.approx(budget.value)
    assert {f["kind"] for f in population.facts} == {"statistic"}
    assert population.facts_total == 8
    d = e.to_dict()
    assert d["children"][1]["facts_total"] == 8 and d["value"] == e.value
    json.dumps(d)  # JSON-ready
    text = str(e)
    assert text.startswith('budget(plan_kind: "zone") / population = 14.3068  [indicator zone_spend_per_inhabitant')
    assert "· statistic 037003/population (2019): 7010" in text
    assert repr(e).startswith("<Explanation budget(")


def test_a_null_names_the_missing_leaf():
    ws = cp.Workspace()
    ws.import_bundle(EMPTY_DISTRICT)
    e = ws.explain("per_capita", "R00", 2015)
    assert e.value is None
    assert e.null_reason == "population missing for D037 in 2015, a leaf of R00 (a district without members in 2015)"
    assert ws.compute_indicators(ids="per_capita", bodies="R00", years=2015).row(0)["value"] is None
    # What if the empty district had its population: the region gets its figure.
    fixed = ws.scenario({"statistics": [{"body": "D037", "variable": "population", "year": 2015, "value": 500}]})
    assert fixed.explain("per_capita", "R00", 2015).value == 0.0
    assert ws.explain("per_capita", "R00", 2015).value is None


def test_explain_errors(examples):
    with pytest.raises(cp.NotFoundError, match='did you mean "fam_spend_per_inhabitant"'):
        examples.explain("fam_spend_per_inhabitnt", "022205", 2022)
    with pytest.raises(cp.NotFoundError):
        examples.explain("population", "nobody", 2022)
    with pytest.raises(cp.ParseError):
        examples.explain("budget( / 2", "022205", 2022)
    with pytest.raises(cp.ValidationError, match="year"):
        examples.explain("population", "022205", 99999)
    with pytest.raises(cp.ValidationError, match="er is a region"):
        examples.explain("fam_spend_per_inhabitant", "er", 2019)


def test_certify_explains_every_rule(examples):
    report = examples.certify("022147", "family-in-trentino", 2022, explain=True)
    assert all(rule.explanation is not None for rule in report.rules)
    giovani = next(r for r in report.rules if r.id == "piano_giovani")
    assert giovani.outcome == "fail" and giovani.explanation.value == 0.0
    assert giovani.explanation.children[0].facts_total == 0
    assert report.min_points_explanation.value == report.min_points == 52
    assert "explanation" in report.to_dict()["rules"][0]
    assert examples.certify("022147", "family-in-trentino", 2022).rules[0].explanation is None


def test_parameters_for_one_call_and_compare(examples):
    base = examples.certify_all("family-in-trentino", 2022)
    lower = examples.certify_all("family-in-trentino", 2022, parameters={"punti_minimi_sopra_soglia": 50})
    assert base.compare(lower) == {"gained": ["022104", "022161"], "lost": [], "points_delta": {}}
    stricter = examples.certify_all("family-in-trentino", 2022, parameters={"macro_aree_minime": 6})
    diff = base.compare(stricter)
    assert diff["lost"] == ["022006", "022205"] and diff["points_delta"]["022205"] == -6
    # The workspace's own parameters are back on the next call.
    assert examples.certify_all("family-in-trentino", 2022).to_dict() == base.to_dict()
    with pytest.raises(cp.NotFoundError, match="its parameters are macro_aree_minime, punti_minimi_sopra_soglia"):
        examples.certify_all("family-in-trentino", 2022, parameters={"soglia": 3000})
    with pytest.raises(TypeError):
        examples.certify_all("family-in-trentino", 2022, parameters={"soglia_popolazione": "3000"})
    with pytest.raises(cp.ValidationError):
        examples.certify("022205", "family-in-trentino", 2022, parameters={"soglia_popolazione": float("nan")})


def test_a_scenario_on_each_backend_leaves_the_base_alone(store):
    location = store("base")
    ws = cp.Workspace.open(location)
    ws.import_bundle(example_path("family"))
    before = ws.export_bundle()
    scenario = ws.scenario({"statistics": [{"body": "022205", "variable": "population", "year": 2022, "value": 4800}]})
    assert scenario.path is None
    assert scenario.evaluate("population", "022205", 2022) == 4800
    diff = ws.compute_indicators(ids="fam_spend_per_inhabitant", years=2022).compare(
        scenario.compute_indicators(ids="fam_spend_per_inhabitant", years=2022))
    assert len(diff) == 3
    frame = diff.to_pandas()
    assert list(frame.columns) == ["indicator", "body", "year", "base", "other", "delta"]
    assert frame.iloc[0]["body"] == "022205"
    assert frame.iloc[0]["other"] == pytest.approx(756500 / 4800)
    assert diff.rows()[0]["delta"] == pytest.approx(frame.iloc[0]["other"] - frame.iloc[0]["base"])
    assert diff.to_csv().startswith("indicator,body,year,base,other,delta\n")
    # The stored base explains its own state.
    assert ws.explain("fam_spend_per_inhabitant", "022205", 2022).value == pytest.approx(756500 / 119438)
    with pytest.raises(cp.ValidationError) as error:
        ws.scenario({"statistics": [{"body": "nobody", "variable": "population", "year": 2022, "value": 1}]})
    assert error.value.issues[0][0] == "statistics[0].body"
    with pytest.raises(TypeError):
        ws.scenario(["not", "a", "bundle"])
    assert ws.export_bundle() == before
    assert cp.Workspace.open(location).export_bundle() == before


def test_a_scenario_from_a_file(examples, tmp_path):
    changes = tmp_path / "changes.json"
    rulesets = [r.to_dict() for r in examples.rulesets() if r.id == "family-in-trentino"]
    rulesets[0]["versions"][1]["parameters"]["punti_minimi_sopra_soglia"] = 50
    changes.write_text(json.dumps({"rulesets": rulesets}), encoding="utf-8")
    scenario = examples.scenario(changes)
    diff = examples.certify_all("family-in-trentino", 2022).compare(scenario.certify_all("family-in-trentino", 2022))
    assert diff["gained"] == ["022104", "022161"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_cases_pass(path):
    run_ = cp.run_cases(path)
    assert run_.passed, str(run_)
    assert len(run_) >= 5 and run_.failed == 0


def test_a_failing_case_says_expected_got_and_why():
    run_ = cp.run_cases(CASES / "failing.cases.json")
    assert [r.passed for r in run_.results] == [True, False, False, False]
    wrong = run_.results[1]
    assert wrong.expected == 7 and wrong.got == pytest.approx(6.3338, abs=1e-4)
    assert wrong.explanation.value == wrong.got
    assert "budget(plan_kind: \"family\") = 756500" in wrong.details()
    assert run_.results[2].report.passed is False
    assert run_.results[3].error == 'no body "999999"'
    assert str(run_).endswith("1 passed, 3 failed\n")
    assert run_.to_dict()["failed"] == 3


def test_a_malformed_cases_file(tmp_path):
    bad = tmp_path / "bad.cases.json"
    bad.write_text(json.dumps({"format": "civicplan-cases", "version": 1, "bundles": [],
                               "cases": [{"name": "x", "body": "m", "year": 2022, "expect": 1}]}), encoding="utf-8")
    with pytest.raises(cp.ValidationError, match=f"{bad}: cases\\[0\\]: give exactly one of expression"):
        cp.run_cases(bad)


# --- The CLI ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "examples.db"
    r = run("import", path, *(example_path(n) for n in EXAMPLE_BUNDLES))
    assert r.returncode == 0, r.stderr
    return path


def test_cli_explain_text_and_json(db):
    r = run("explain", db, "zone_spend_per_inhabitant", "--body", "dist-pianura-est", "--year", "2019")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('budget(plan_kind: "zone") / population = 14.3068')
    assert "· budget_line pda-pianura-est-2019/" in r.stdout
    r = run("explain", db, "budget() / population", "--body", "er", "--year", "2019", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["expression"] == "budget() / population" and len(doc["children"]) == 2
    r = run("explain", db, "nope", "--body", "er", "--year", "2019")
    assert r.returncode == 1 and "no indicator or statistic \"nope\"" in r.stderr
    r = run("explain", db, "population", "--body", "er")
    assert r.returncode == 2 and "--year is required" in r.stderr


def test_cli_certify_set_prints_baseline_scenario_and_who_changes(db):
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--set", "punti_minimi_sopra_soglia=50")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "baseline: 2 of 33 passed" in out
    assert "scenario: punti_minimi_sopra_soglia=50: 4 of 33 passed" in out
    assert "gain the certificate: 2" in out and "+ Levico Terme (022104)  50/58 → 50/50" in out
    assert "lose the certificate: 0" in out
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--set", "macro_aree_minime=6",
            "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["compare"]["lost"] == ["022006", "022205"] and doc["parameters"] == {"macro_aree_minime": 6}
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--set", "soglia=1")
    assert r.returncode == 1 and "its parameters are" in r.stderr
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--set", "soglia")
    assert r.returncode == 2 and "NAME=VALUE" in r.stderr


def test_cli_certify_explain(db):
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--body", "022147", "--explain")
    assert r.returncode == 1  # Predazzo does not pass
    assert "✗ Adesione al Piano giovani di zona (tipo azione 11) [mandatory]: 0 actions, 1 required" in r.stdout
    assert '      actions(plan_kind: "family", category: "family-tn:T11") >= 1 = 0' in r.stdout
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--explain")
    assert r.returncode == 2 and "--explain needs exactly one --body" in r.stderr


def test_cli_test_runs_cases_and_fails_on_a_failure(tmp_path):
    r = run("test", *SHIPPED)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 failed" in r.stdout and "all files:" in r.stdout
    r = run("test", CASES / "failing.cases.json")
    assert r.returncode == 1
    assert "  FAIL  a wrong per-capita figure" in r.stdout
    assert "        expected: 7\n        got:      6.33" in r.stdout
    assert "explanation:" in r.stdout
    bad = tmp_path / "bad.cases.json"
    bad.write_text('{"format": "civicplan-cases", "version": 1, "bundles": [], "cases": [{"name": 3}]}')
    r = run("test", bad)
    assert r.returncode == 1
    assert f"civicplan: error: {bad}: cases[0].name: expected a string" in r.stderr
