# SPDX-License-Identifier: Apache-2.0
# Tests of the `civicplan` command: every verb run as a process, exit codes and output.
import copy
import json
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("CIVICPLAN_CLI") or REPO / "build" / "civicplan")
EXAMPLES = REPO / "examples" / "data"
VERBS = ["export", "import", "info", "validate"]


def run(*args, cwd=None):
    """Runs the tool and returns the completed process (text output)."""
    assert CLI.is_file(), f"civicplan binary not found at {CLI}; set CIVICPLAN_CLI"
    return subprocess.run(
        [str(CLI), *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def small_bundle():
    """A bundle touching every record kind, with budget figures easy to sum by hand."""
    return {
        "format": "civicplan-bundle",
        "version": 1,
        "bodies": [
            {"id": "tn", "kind": "province", "name": "Provincia di Trento", "parents": []},
            {"id": "u-valle", "kind": "union", "name": "Comunità della Valle", "parents": [{"id": "tn"}]},
            {"id": "c-alpha", "kind": "municipality", "name": "Alpha",
             "parents": [{"id": "u-valle", "from": 2020}]},
            {"id": "c-beta", "kind": "municipality", "name": "Beta", "parents": [{"id": "u-valle"}]},
        ],
        "taxonomies": [
            {"id": "fam", "version": "2023", "label": "Azioni family", "nodes": [
                {"code": "A", "label": "Governance"},
                {"code": "B", "label": "Servizi"},
                {"code": "A1", "label": "Reti", "parents": ["A"]},
                {"code": "B1", "label": "Nidi", "parents": ["B"]},
                {"code": "AB", "label": "Misto", "parents": ["A1", "B1"]},
            ]},
        ],
        "plans": [
            {"id": "p-alpha-2023", "kind": "family", "body": "c-alpha", "title": "Piano famiglia 2023",
             "period": {"from": 2023, "to": 2023}, "status": "approved", "variant": "original",
             "approval": {"date": "2023-02-01", "act": "delibera 12/2023"},
             "objectives": [{"id": "o1", "title": "Reti"}],
             "actions": [
                 {"id": "a1", "title": "Tavolo famiglia", "categories": ["fam:A1", "fam:A"], "objective": "o1",
                  "status": "completed",
                  "budget": [{"year": 2023, "source": "municipal", "planned": 1500.5, "actual": 1200}]},
                 {"id": "a2", "title": "Nido estivo", "categories": ["fam:AB"], "status": "planned",
                  "budget": [{"year": 2023, "source": "regional", "planned": 10000},
                             {"year": 2023, "source": "municipal", "planned": 2000.25, "actual": 500.75}]},
                 {"id": "a3", "title": "Sportello", "categories": [], "status": "in_progress", "budget": []},
             ]},
            {"id": "da-beta", "kind": "digital_agenda", "body": "c-beta", "title": "Agenda digitale",
             "period": {"from": 2022, "to": 2024}, "status": "draft", "variant": "original",
             "objectives": [],
             "actions": [
                 {"id": "s1", "title": "Wi-Fi pubblico", "categories": [], "status": "planned",
                  "horizon": "short_term",
                  "budget": [{"year": 2022, "source": "eu", "planned": 50000, "actual": 45000.1}]},
             ]},
        ],
        "statistics": [
            {"variable": "population", "body": "c-alpha", "year": 2023, "value": 1200},
            {"variable": "population", "body": "c-beta", "year": 2023, "value": 800},
        ],
        "feedback": [{"action": "p-alpha-2023/a1", "rating": 4, "comment": "utile", "date": "2023-10-01"}],
        "places": [{"id": "pl1", "body": "c-alpha", "name": "Fasciatoio municipio",
                    "category": "changing_table", "location": {"lat": 46.07, "lon": 11.12}}],
        "certifications": [{"body": "c-alpha", "scheme": "family-in-trentino", "status": "granted",
                            "date": "2021-05-01", "expires": "2024-05-01"}],
        "cases": [{"id": "k1", "subject": "s-001", "body": "c-beta", "service": "fam:B1",
                   "opened": "2022-01-10"}],
        "ledger": [{"body": "c-alpha", "service": "canteen", "year": 2023, "charged": 10000,
                    "collected": 9500.5}],
        "users": [{"id": "u1", "name": "Ufficio piani", "roles": [{"role": "editor", "body": "c-alpha"}]}],
    }


def bad_bundle():
    """The small bundle with three independent mistakes."""
    b = small_bundle()
    b["plans"][0]["actions"][0]["budget"][0]["planned"] = "12,50"
    b["plans"][0]["status"] = "aproved"
    b["bodies"][2]["parents"][0]["id"] = "nowhere"
    return b


def write_json(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def export_json(db):
    r = run("export", db)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def info_json(db):
    r = run("info", db, "--format", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def example_files():
    return sorted(EXAMPLES.glob("*.json"))


@pytest.fixture
def bundle_file(tmp_path):
    return write_json(tmp_path / "small.json", small_bundle())


@pytest.fixture
def db(tmp_path, bundle_file):
    path = tmp_path / "ws.db"
    r = run("import", path, bundle_file)
    assert r.returncode == 0, r.stderr
    return path


# --- the tool -------------------------------------------------------------------------------

def test_version_matches_project_version():
    project = re.search(r"project\(civicplan VERSION (\S+)", (REPO / "CMakeLists.txt").read_text())
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout == f"civicplan {project.group(1)}\n"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_tool_help_lists_every_verb(flag):
    r = run(flag)
    assert r.returncode == 0
    assert r.stdout.startswith("usage: civicplan")
    for verb in VERBS:
        assert re.search(rf"^  {verb}\s+\S", r.stdout, re.M), verb
    assert r.stderr == ""


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_verb_help(verb, flag):
    r = run(verb, flag)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: civicplan {verb} ")
    assert "options:" in r.stdout
    assert "--help" in r.stdout
    assert re.search(rf"^examples?:\n  civicplan {verb} ", r.stdout, re.M)
    assert r.stderr == ""


def test_help_wins_over_bad_arguments():
    r = run("export", "--bogus", "--help")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: civicplan export DB")


def test_help_shows_option_choices():
    r = run("info", "--help")
    assert "--format table|json" in r.stdout


@pytest.mark.parametrize("typo,verb", [("valdate", "validate"), ("imprt", "import"), ("exprot", "export"),
                                       ("inof", "info")])
def test_unknown_verb_suggests(typo, verb):
    r = run(typo, "x")
    assert r.returncode == 2
    assert f'unknown verb "{typo}" (did you mean "{verb}"?)' in r.stderr
    assert "run 'civicplan --help'" in r.stderr
    assert r.stdout == ""


def test_unknown_verb_without_close_match():
    r = run("frobnicate")
    assert r.returncode == 2
    assert 'unknown verb "frobnicate"' in r.stderr
    assert "did you mean" not in r.stderr


def test_missing_verb_is_a_usage_error():
    r = run()
    assert r.returncode == 2
    assert "missing verb" in r.stderr
    assert "run 'civicplan --help'" in r.stderr


def test_unknown_tool_option():
    r = run("--verison")
    assert r.returncode == 2
    assert 'did you mean "--version"' in r.stderr


# --- usage errors of verbs -----------------------------------------------------------------------

def test_missing_argument(tmp_path):
    r = run("import")
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines == ["civicplan: error: missing argument DB", "run 'civicplan import --help'"]
    r = run("import", tmp_path / "ws.db")
    assert r.returncode == 2
    assert "missing argument BUNDLE..." in r.stderr
    assert not (tmp_path / "ws.db").exists()


def test_unexpected_argument(db):
    r = run("info", db, "extra")
    assert r.returncode == 2
    assert 'unexpected argument "extra"' in r.stderr


def test_unknown_option_suggests(db, tmp_path):
    r = run("export", db, "--outt", tmp_path / "x.json")
    assert r.returncode == 2
    assert 'unknown option --outt (did you mean "--out"?)' in r.stderr
    assert "run 'civicplan export --help'" in r.stderr
    assert not (tmp_path / "x.json").exists()


def test_option_without_value(db):
    r = run("export", db, "--out")
    assert r.returncode == 2
    assert "option --out needs a value (PATH)" in r.stderr


def test_bad_choice(db):
    r = run("info", db, "--format", "tabel")
    assert r.returncode == 2
    assert 'invalid value "tabel" for --format; expected one of table, json (did you mean "table"?)' in r.stderr
    r = run("info", db, "--format=yaml")
    assert r.returncode == 2
    assert "did you mean" not in r.stderr


def test_repeated_option(db, tmp_path):
    r = run("export", db, "--out", tmp_path / "a.json", "--out", tmp_path / "b.json")
    assert r.returncode == 2
    assert "given more than once" in r.stderr


# --- validate --------------------------------------------------------------------------------

def test_validate_ok(bundle_file):
    r = run("validate", bundle_file)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"ok: {bundle_file} (4 bodies, 1 taxonomy, 2 plans, 4 actions, 2 statistics, ")
    assert "1 ledger entry" in r.stdout
    assert "1 certification record" in r.stdout
    assert r.stderr == ""


def test_validate_csv(tmp_path):
    csv = tmp_path / "population.csv"
    csv.write_text("body,year,variable,value\nc-alpha,2023,population,1200\nc-beta,2023,population,800\n")
    r = run("validate", csv)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"ok: {csv} (2 statistics)\n"


@pytest.mark.parametrize("name", ["population.CSV", "population.Csv"])
def test_validate_and_import_read_a_csv_whatever_the_case_of_its_extension(tmp_path, db, name):
    csv = tmp_path / name
    csv.write_text("body,year,variable,value\nc-alpha,2023,population,1200\n")
    r = run("validate", csv)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"ok: {csv} (1 statistic)\n"
    r = run("import", db, csv)
    assert r.returncode == 0, r.stderr
    assert "1 statistic" in r.stdout


@pytest.mark.parametrize("verb", [["info"], ["export"], ["indicators"], ["search"], ["history", "p-alpha-2023"]])
def test_read_verbs_open_the_workspace_read_only_on_request(db, verb):
    before = db.read_bytes()
    r = run(*verb[:1], db, *verb[1:], "--read-only")
    assert r.returncode in (0, 1), r.stderr
    assert "read-only" not in r.stderr
    assert db.read_bytes() == before


def test_read_only_needs_an_existing_workspace(tmp_path):
    missing = tmp_path / "none.db"
    r = run("info", missing, "--read-only")
    assert r.returncode == 1
    assert str(missing) in r.stderr
    assert not missing.exists()


def test_validate_bad_csv_names_line(tmp_path):
    csv = tmp_path / "population.csv"
    csv.write_text("body,year,variable,value\nc-alpha,2023,population,1200\nc-beta,twenty,population,800\n")
    r = run("validate", csv)
    assert r.returncode == 1
    # the issue's path is already FILE:LINE, printed once as compilers do
    assert re.search(rf"^{re.escape(str(csv))}:3: ", r.stderr, re.M), r.stderr


def test_validate_reports_every_issue_with_paths(tmp_path):
    bad = write_json(tmp_path / "bad.json", bad_bundle())
    r = run("validate", bad)
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    prefix = f"{bad}: "
    assert any(line.startswith(prefix + "plans[0].actions[0].budget[0].planned: ") and '"12,50"' in line
               for line in lines), r.stderr
    assert any(line.startswith(prefix + "plans[0].status: ") and 'did you mean "approved"' in line
               for line in lines), r.stderr
    assert any(line.startswith(prefix + "bodies[2].parents[0].id: ") and '"nowhere"' in line
               for line in lines), r.stderr
    issue_lines = [line for line in lines if line.startswith(prefix)]
    assert len(issue_lines) >= 3


def test_validate_checks_each_file_on_its_own(tmp_path, bundle_file):
    bad = write_json(tmp_path / "bad.json", bad_bundle())
    r = run("validate", bundle_file, bad, bundle_file)
    assert r.returncode == 1
    assert r.stdout.count("ok: ") == 2
    assert str(bad) in r.stderr and str(bundle_file) not in r.stderr


def test_validate_missing_and_malformed_files(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "civicplan-bundle", "bodies": [}\n')
    missing = tmp_path / "missing.json"
    r = run("validate", missing, broken)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert len(lines) == 2, r.stderr
    assert lines[0].startswith("civicplan: error: ") and str(missing) in lines[0]
    assert lines[1].startswith("civicplan: error: ") and f"{broken}:1:" in lines[1]
    assert "Traceback" not in r.stderr and "terminate" not in r.stderr


# --- import ----------------------------------------------------------------------------------

def test_import_prints_a_summary_per_file(tmp_path, bundle_file):
    csv = tmp_path / "population.csv"
    csv.write_text("body,year,variable,value\nc-alpha,2024,population,1210\nc-alpha,2023,population,1201\n")
    dbfile = tmp_path / "ws.db"
    r = run("import", dbfile, bundle_file, csv)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"imported {bundle_file}: added 4 bodies, 1 taxonomy, 2 plans")
    assert lines[1] == f"imported {csv}: added 1 statistic; replaced 1 statistic"
    stats = {(s["body"], s["variable"], s["year"]): s["value"] for s in export_json(dbfile)["statistics"]}
    assert stats[("c-alpha", "population", 2023)] == 1201
    assert stats[("c-alpha", "population", 2024)] == 1210


def test_import_again_replaces(db, bundle_file):
    r = run("import", db, bundle_file)
    assert r.returncode == 0, r.stderr
    assert "replaced 4 bodies" in r.stdout
    assert "added" not in r.stdout


def test_bad_bundle_leaves_workspace_unchanged(db, tmp_path):
    before = export_json(db)
    bad = write_json(tmp_path / "bad.json", bad_bundle())
    r = run("import", db, bad)
    assert r.returncode == 1
    assert r.stdout == ""
    assert re.search(rf"^{re.escape(str(bad))}: plans\[0\]\.actions\[0\]\.budget\[0\]\.planned: ", r.stderr, re.M)
    assert re.search(rf"^{re.escape(str(bad))}: plans\[0\]\.status: ", r.stderr, re.M)
    last = r.stderr.splitlines()[-1]
    assert last.startswith("civicplan: error: ") and f"{bad} was not imported" in last
    assert export_json(db) == before


def test_import_stops_at_the_first_failing_file(tmp_path, bundle_file):
    bad = write_json(tmp_path / "bad.json", bad_bundle())
    later = write_json(tmp_path / "later.json", {
        "format": "civicplan-bundle", "version": 1,
        "bodies": [{"id": "c-gamma", "kind": "municipality", "name": "Gamma", "parents": []}]})
    dbfile = tmp_path / "ws.db"
    r = run("import", dbfile, bundle_file, bad, later)
    assert r.returncode == 1
    assert r.stdout.startswith(f"imported {bundle_file}: ")
    assert str(later) not in r.stdout
    last = r.stderr.splitlines()[-1]
    assert f"{bad} was not imported, nor the 1 file after it" in last
    assert last.endswith("; 1 earlier file was imported")
    ids = {b["id"] for b in export_json(dbfile)["bodies"]}
    assert "c-alpha" in ids and "c-gamma" not in ids


def test_import_csv_with_unknown_body_fails(db, tmp_path):
    before = export_json(db)
    csv = tmp_path / "stats.csv"
    csv.write_text("body,year,variable,value\nnobody,2023,population,5\n")
    r = run("import", db, csv)
    assert r.returncode == 1
    assert str(csv) in r.stderr and "nobody" in r.stderr
    assert export_json(db) == before


def test_import_missing_file(db, tmp_path):
    missing = tmp_path / "missing.json"
    r = run("import", db, missing)
    assert r.returncode == 1
    assert r.stderr.startswith("civicplan: error: ")
    assert str(missing) in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_import_into_something_that_is_not_a_workspace(tmp_path, bundle_file):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database\n" * 100)
    r = run("import", junk, bundle_file)
    assert r.returncode == 1
    assert r.stderr.startswith("civicplan: error: ")
    assert r.stdout == ""


# --- export ----------------------------------------------------------------------------------

def test_export_holds_the_bundle(db):
    bundle = export_json(db)
    assert bundle["format"] == "civicplan-bundle" and bundle["version"] == 1
    assert [b["id"] for b in bundle["bodies"]] == ["c-alpha", "c-beta", "tn", "u-valle"]
    assert [p["id"] for p in bundle["plans"]] == ["da-beta", "p-alpha-2023"]
    action = bundle["plans"][1]["actions"][1]
    assert action["budget"][1]["planned"] == 2000.25


def test_export_is_stable_and_indented(db):
    first = run("export", db)
    second = run("export", db)
    assert first.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.startswith("{\n \"")
    assert first.stdout.endswith("}\n")


def test_export_to_file(db, tmp_path):
    out = tmp_path / "out" / "bundle.json"
    out.parent.mkdir()
    r = run("export", db, "--out", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"exported {db} to {out} (4 bodies, 1 taxonomy, 2 plans, 4 actions, " \
                       f"2 statistics, 1 feedback, 1 certification record, 1 case, 1 ledger entry, " \
                       f"1 place, 1 user)\n"
    assert out.read_text(encoding="utf-8") == run("export", db).stdout
    assert sorted(p.name for p in out.parent.iterdir()) == ["bundle.json"]


def test_export_import_round_trip(db, tmp_path):
    exported = tmp_path / "exported.json"
    assert run("export", db, "--out", exported).returncode == 0
    copy_db = tmp_path / "copy.db"
    r = run("import", copy_db, exported)
    assert r.returncode == 0, r.stderr
    assert export_json(copy_db) == export_json(db)
    assert run("export", copy_db).stdout == run("export", db).stdout


def test_export_missing_workspace_is_not_created(tmp_path):
    missing = tmp_path / "nothing.db"
    r = run("export", missing)
    assert r.returncode == 1
    assert r.stderr == f'civicplan: error: no workspace "{missing}"\n'
    assert not missing.exists()


# --- info ------------------------------------------------------------------------------------

def test_info_json(db):
    info = info_json(db)
    assert set(info) == {"workspace", "bodies", "plans", "actions", "budget", "counts"}
    assert Path(info["workspace"]).resolve() == db.resolve()
    assert info["bodies"] == {"total": 4, "by_kind": {"municipality": 2, "province": 1, "union": 1}}
    assert info["plans"] == {"total": 2, "by_kind": {
        "digital_agenda": {"total": 1, "by_status": {"draft": 1}},
        "family": {"total": 1, "by_status": {"approved": 1}}}}
    actions = info["actions"]
    assert actions["total"] == 4
    assert actions["uncategorized"] == 2
    fam = actions["by_taxonomy"]["fam"]
    assert fam["label"] == "Azioni family"
    assert fam["actions"] == 2
    # a1 is under A twice (A1 and A itself) and counts once; a2 is under AB, which sits under
    # both A (via A1) and B (via B1).
    assert fam["macro_areas"] == {"A": {"label": "Governance", "actions": 2},
                                  "B": {"label": "Servizi", "actions": 1}}
    budget = info["budget"]
    assert budget["planned"] == 63500.75 and budget["actual"] == 46700.85
    assert budget["by_plan_kind"] == {"digital_agenda": {"planned": 50000.0, "actual": 45000.1},
                                      "family": {"planned": 13500.75, "actual": 1700.75}}
    assert budget["by_source"] == {"eu": {"planned": 50000.0, "actual": 45000.1},
                                   "municipal": {"planned": 3500.75, "actual": 1700.75},
                                   "regional": {"planned": 10000.0, "actual": 0.0}}
    counts = info["counts"]
    for key, n in {"bodies": 4, "taxonomies": 1, "plans": 2, "actions": 4, "statistics": 2, "feedback": 1,
                   "places": 1, "certifications": 1, "cases": 1, "ledger": 1, "users": 1, "crosswalks": 0,
                   "indicators": 0, "rulesets": 0}.items():
        assert counts[key] == n, key


def test_info_json_is_stable_with_sorted_keys(db):
    first = run("info", db, "--format", "json").stdout
    assert first == run("info", db, "--format=json").stdout

    def keys_sorted(node):
        if isinstance(node, dict):
            return list(node) == sorted(node) and all(keys_sorted(v) for v in node.values())
        if isinstance(node, list):
            return all(keys_sorted(v) for v in node)
        return True

    assert keys_sorted(json.loads(first))


def test_info_table(db):
    r = run("info", db)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out == run("info", db, "--format", "table").stdout
    assert out.startswith(f"workspace: {db}\n")
    assert re.search(r"^bodies\s+4$", out, re.M)
    assert re.search(r"^  municipality\s+2$", out, re.M)
    assert re.search(r"^    approved\s+1$", out, re.M)
    assert re.search(r"^    A  Governance\s+2$", out, re.M)
    assert re.search(r"^  no category\s+2$", out, re.M)
    assert re.search(r"^  total\s+€ 63\.500,75\s+€ 46\.700,85$", out, re.M)
    assert re.search(r"^    regional\s+€ 10\.000,00\s+€ 0,00$", out, re.M)
    assert re.search(r"^  ledger entries\s+1$", out, re.M)
    assert re.search(r"^  certification records\s+1$", out, re.M)
    # numbers share one right edge
    number_lines = [line for line in out.splitlines() if re.search(r"\s\d+$", line)]
    assert len({len(line) for line in number_lines}) == 1, number_lines


def test_info_missing_workspace(tmp_path):
    r = run("info", tmp_path / "none.db", "--format", "json")
    assert r.returncode == 1
    assert r.stderr.startswith("civicplan: error: no workspace")
    assert not (tmp_path / "none.db").exists()


# --- the example bundles -----------------------------------------------------------------------

def expected_info(bundles):
    """What info should report for a workspace holding `bundles`, computed from the JSON."""
    merged = {}
    for bundle in bundles:
        for key, items in bundle.items():
            if not isinstance(items, list):
                continue
            merged.setdefault(key, {})
            for n, item in enumerate(items):
                merged[key][item.get("id", (key, len(merged[key]), n))] = item
    bodies = {}
    for body in merged.get("bodies", {}).values():
        bodies[body["kind"]] = bodies.get(body["kind"], 0) + 1
    plans, actions, uncategorized = {}, 0, 0
    planned = actual = Decimal(0)
    for plan in merged.get("plans", {}).values():
        kind = plans.setdefault(plan["kind"], {"total": 0, "by_status": {}})
        kind["total"] += 1
        kind["by_status"][plan["status"]] = kind["by_status"].get(plan["status"], 0) + 1
        for action in plan.get("actions", []):
            actions += 1
            uncategorized += not action.get("categories")
            for line in action.get("budget", []):
                planned += Decimal(str(line.get("planned", 0)))
                actual += Decimal(str(line.get("actual", 0)))
    return {"bodies": bodies, "plans": plans, "actions": actions, "uncategorized": uncategorized,
            "planned": planned, "actual": actual}


def test_examples_validate_import_export_info(tmp_path):
    files = example_files() or [write_json(tmp_path / "small.json", small_bundle())]
    r = run("validate", *files)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok: ") == len(files)

    dbfile = tmp_path / "examples.db"
    r = run("import", dbfile, *files)
    assert r.returncode == 0, r.stderr
    assert [line.split(":")[0] for line in r.stdout.splitlines()] == [f"imported {f}" for f in files]

    bundles = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    expected = expected_info(bundles)
    info = info_json(dbfile)
    assert info["bodies"]["by_kind"] == expected["bodies"]
    assert info["plans"]["by_kind"] == expected["plans"]
    assert info["actions"]["total"] == expected["actions"]
    assert info["actions"]["uncategorized"] == expected["uncategorized"]
    assert Decimal(str(info["budget"]["planned"])) == expected["planned"]
    assert Decimal(str(info["budget"]["actual"])) == expected["actual"]

    exported = tmp_path / "examples-export.json"
    assert run("export", dbfile, "--out", exported).returncode == 0
    copy_db = tmp_path / "examples-copy.db"
    assert run("import", copy_db, exported).returncode == 0
    assert export_json(copy_db) == export_json(dbfile)

    table = run("info", dbfile)
    assert table.returncode == 0 and "no category" in table.stdout


def test_bad_bundle_does_not_touch_an_example_workspace(tmp_path):
    files = example_files() or [write_json(tmp_path / "small.json", small_bundle())]
    dbfile = tmp_path / "examples.db"
    assert run("import", dbfile, *files).returncode == 0
    before = export_json(dbfile)
    broken = copy.deepcopy(before)
    broken["plans"] = broken["plans"] + [{"id": "", "kind": "family"}]
    bad = write_json(tmp_path / "bad.json", broken)
    r = run("import", dbfile, bad)
    assert r.returncode == 1
    plan_index = len(before["plans"])
    assert re.search(rf"^{re.escape(str(bad))}: plans\[{plan_index}\]\.", r.stderr, re.M), r.stderr
    assert export_json(dbfile) == before
