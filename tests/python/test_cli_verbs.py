# SPDX-License-Identifier: Apache-2.0
# Tests of the analysis verbs of the `civicplan` command on the example data: indicators,
# certify, diff, history, search, recommend and the open-data export formats.
import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("CIVICPLAN_CLI") or REPO / "build" / "civicplan")
EXAMPLES = REPO / "examples" / "data"


def run(*args):
    assert CLI.is_file(), f"civicplan binary not found at {CLI}; set CIVICPLAN_CLI"
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "examples.db"
    files = [EXAMPLES / f"{name}.json" for name in ("family", "zone", "digital_agenda", "social_cases", "union_ledger")]
    r = run("import", path, *files)
    assert r.returncode == 0, r.stderr
    return path


@pytest.fixture(scope="module")
def family():
    return json.loads((EXAMPLES / "family.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def zone():
    return json.loads((EXAMPLES / "zone.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("verb", ["indicators", "certify", "diff", "history", "search", "recommend"])
def test_help(verb):
    r = run(verb, "--help")
    assert r.returncode == 0
    assert f"civicplan {verb}" in r.stdout


def test_indicators_csv_is_a_ratio_of_sums(db, zone):
    r = run("indicators", db, "--id", "zone_spend_per_inhabitant", "--year", "2018", "--body", "dist-pianura-est",
            "--body", "er", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["body"] for row in rows] == ["dist-pianura-est", "er"]
    # The district's value is its summed 2018 budget over its summed population.
    district = "dist-pianura-est"
    members = {b["id"] for b in zone["bodies"] if any(p["id"] == district for p in b.get("parents", []))}
    population = sum(s["value"] for s in zone["statistics"]
                     if s["variable"] == "population" and s["year"] == 2018 and s["body"] in members)
    budget = sum(line.get("planned", 0) for p in zone["plans"] if p["variant"] == "original"
                 for a in p["actions"] for line in a["budget"] if line["year"] == 2018)
    assert float(rows[0]["value"]) == pytest.approx(budget / population, abs=0.005)


def test_indicators_json_keeps_exact_values_and_nulls(db):
    r = run("indicators", db, "--id", "fee_collection_rate", "--body", "unione-valdera", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    by_year = {row["year"]: row for row in rows}
    assert by_year[2012]["value"] == pytest.approx(0.695, abs=0.005)
    assert by_year[2016]["target_met"] is True
    assert by_year[2012]["target_met"] is False
    assert by_year[2021]["value"] is None and by_year[2021]["target_met"] is None


def test_indicators_table_and_errors(db):
    r = run("indicators", db, "--id", "fam_macro_areas", "--body", "022205")
    assert r.returncode == 0, r.stderr
    assert "Macro-aree coperte dal piano famiglia (fam_macro_areas)" in r.stdout
    assert "Trento" in r.stdout
    r = run("indicators", db, "--id", "nope")
    assert r.returncode == 1
    assert 'no indicator "nope"' in r.stderr
    r = run("indicators", db, "--year", "duemila")
    assert r.returncode == 2


def test_certify_all_and_single(db, family):
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--format", "json")
    assert r.returncode == 0, r.stderr
    table = json.loads(r.stdout)
    assert table["version"] == 2012
    # Every municipality of the workspace is evaluated; look at the family bundle's twelve.
    municipalities = {b["id"] for b in family["bodies"] if b["kind"] == "municipality"}
    reports = {rep["body"]: rep for rep in table["reports"] if rep["body"] in municipalities}
    assert len(reports) == 12
    passed = [b for b, rep in reports.items() if rep["passed"]]
    failed = [b for b, rep in reports.items() if not rep["passed"]]
    assert passed and failed
    for b in failed:
        assert reports[b]["top_reason"]
    # One body asked for: exit 1 when it fails, 0 when it passes, full report printed.
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--body", failed[0])
    assert r.returncode == 1
    assert "NOT PASSED" in r.stdout
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--body", passed[0])
    assert r.returncode == 0
    assert "PASSED" in r.stdout
    # 2010 uses the 2006 rules.
    r = run("certify", db, "--scheme", "family-in-trentino", "--year", "2010", "--format", "csv")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].startswith("body,passed,points,min_points,piano_famiglia")
    r = run("certify", db, "--scheme", "family-in-trentino")
    assert r.returncode == 2


def test_certify_preview_counts_drafts(db, family):
    draft_bodies = {p["body"] for p in family["plans"] if p["status"] in ("draft", "submitted")}
    body = sorted(draft_bodies)[0]
    normal = json.loads(run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--body", body,
                            "--format", "json").stdout)
    preview = json.loads(run("certify", db, "--scheme", "family-in-trentino", "--year", "2022", "--body", body,
                             "--preview", "--format", "json").stdout)
    assert normal["preview"] is False and preview["preview"] is True
    plan_rule = {r["id"]: r for r in normal["rules"]}["piano_famiglia"]
    assert plan_rule["outcome"] == "fail"
    assert {r["id"]: r for r in preview["rules"]}["piano_famiglia"]["outcome"] == "pass"
    assert preview["points"] > normal["points"]


def test_diff_of_the_implementation_plan(db, zone):
    plans = {p["variant"]: p for p in zone["plans"]}
    a, b = plans["original"], plans["implementation"]
    r = run("diff", db, a["id"], b["id"], "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    ids_a = {x["id"] for x in a["actions"]}
    ids_b = {x["id"] for x in b["actions"]}
    assert d["added"] == sorted(ids_b - ids_a)
    assert d["removed"] == sorted(ids_a - ids_b)
    assert {c["id"] for c in d["changed"]} <= ids_a & ids_b
    text = run("diff", db, a["id"], b["id"]).stdout
    assert f"added ({len(ids_b - ids_a)})" in text
    assert "budget by category and source" in text


def test_history(db, zone):
    plan = zone["plans"][0]["id"]
    r = run("history", db, plan, "--format", "json")
    assert r.returncode == 0, r.stderr
    revisions = json.loads(r.stdout)
    assert revisions[0]["operation"] == "import"
    assert revisions[0]["revision"] == zone["plans"][0].get("revision", 1)
    assert run("history", db, "no-such-plan").returncode == 1


def test_search_and_recommend(db, family):
    r = run("search", db, "tariffe famiglie numerose", "--limit", "5", "--format", "json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    hits = hits["hits"] if isinstance(hits, dict) else hits
    assert len(hits) == 5
    categories = {(p["id"], a["id"]): a["categories"] for p in family["plans"] for a in p["actions"]}
    for hit in hits:
        plan, action = hit["action"].split("/")
        assert "family-tn:T23" in categories[(plan, action)]
    r = run("recommend", db, "--body", "022104", "--year", "2022", "--format", "json")
    assert r.returncode == 0, r.stderr
    r = run("recommend", db, "--body", "022104")
    assert r.returncode == 2


def test_export_open_data(db, tmp_path):
    out = tmp_path / "open"
    r = run("export", db, "--format", "csv", "--out", out)
    assert r.returncode == 0, r.stderr
    assert (out / "actions.csv").is_file()
    r = run("export", db, "--format", "geojson", "--out", out)
    assert r.returncode == 0, r.stderr
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    assert places["type"] == "FeatureCollection"
    assert (out / "catalog.jsonld").is_file()
    assert run("export", db, "--format", "csv").returncode == 2
