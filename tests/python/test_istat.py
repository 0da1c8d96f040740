# SPDX-License-Identifier: Apache-2.0
# The national registry: ISTAT's list of municipalities through Python and the `import-istat` verb.
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import civicplan as cp
from conftest import CASES, EXAMPLES

CLI = Path(os.environ.get("CIVICPLAN_CLI") or Path(__file__).resolve().parents[2] / "build" / "civicplan")
REAL = EXAMPLES / "istat_elenco_comuni_2020.csv"
SMALL = CASES / "istat_small_latin1.csv"
SMALL_UTF8 = CASES / "istat_small_utf8.csv"
BAD_ROWS = CASES / "istat_bad_rows.csv"
ITALY_2011 = 59_433_744


def run(*args):
    assert CLI.is_file(), f"civicplan binary not found at {CLI}; set CIVICPLAN_CLI"
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=300)


def export_json(db):
    r = run("export", db)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def italy():
    ws = cp.Workspace()
    ws.import_istat(REAL)
    return ws


@pytest.fixture
def family():
    ws = cp.Workspace()
    ws.import_bundle(EXAMPLES / "family.json")
    return ws


def header_lines():
    """The first three lines of the real list: its header, whose quoted cells hold line breaks."""
    return b"\r\n".join(SMALL.read_bytes().split(b"\r\n")[:3]) + b"\r\n"


# --- Python ---------------------------------------------------------------------------------------

def test_real_list_counts(italy):
    kinds = {}
    for body in italy.bodies.values():
        kinds[body.kind] = kinds.get(body.kind, 0) + 1
    assert kinds == {"municipality": 7904, "province": 107, "region": 20}
    assert sum(1 for i in italy.bodies.keys() if i.startswith("it-uts-")) == 107
    assert sum(1 for i in italy.bodies.keys() if i.startswith("it-reg-")) == 20


def test_real_list_population_sums_over_municipalities_and_regions(italy):
    figures = [s for s in italy.statistics if s.variable == "population"]
    assert len(figures) == 7904 and {s.year for s in figures} == {2011}
    assert sum(s.value for s in figures) == ITALY_2011
    regions = [i for i in italy.bodies.keys() if i.startswith("it-reg-")]
    by_region = {r: italy.evaluate("population", r, 2011) for r in regions}
    assert sum(by_region.values()) == ITALY_2011
    assert by_region["it-reg-04"] == 1_029_475
    assert by_region["it-reg-03"] == max(by_region.values())  # Lombardia


def test_levico_terme(italy):
    levico = italy.body("022104")
    assert (levico.kind, levico.name) == ("municipality", "Levico Terme")
    assert [p["id"] for p in levico.parents] == ["it-uts-022"]
    assert levico.attributes == {"istat": "022104", "cadastral": "E565", "nuts3": "ITH20", "sigla": "TN"}
    assert italy.body("it-uts-022").parents[0]["id"] == "it-reg-04"
    assert italy.body("it-reg-04").name == "Trentino-Alto Adige/Südtirol"
    assert italy.registry.parents("022104", 2011) == ["it-uts-022"]
    assert italy.evaluate("population", "022104", 2011) == 7516


def test_path_like_and_str_give_the_same_result():
    a, b = cp.Workspace(), cp.Workspace()
    assert a.import_istat(SMALL) == b.import_istat(str(SMALL))
    assert a.export_bundle() == b.export_bundle()


def test_latin1_and_utf8_copies_read_alike():
    latin1, utf8 = cp.Workspace(), cp.Workspace()
    latin1.import_istat(SMALL)
    utf8.import_istat(SMALL_UTF8)
    assert latin1.export_bundle() == utf8.export_bundle()
    assert latin1.body("001001").name == "Agliè"
    assert latin1.evaluate("population", "058091", 2011) == 2_617_175  # "2.617.175"


def test_padded_codes(tmp_path):
    row = (" 04 ; 022 ;022; 104 ; 022104 ;Levico Terme;Levico Terme;;2;Nord-est;Trentino-Alto Adige/Südtirol;"
           "Trento;0; TN ;22104;22104;22104;22104; E565 ; 7.516 ;ITH; ITH2 ; ITH20 \r\n")
    path = tmp_path / "padded.csv"
    path.write_bytes(header_lines() + row.encode("latin-1"))
    ws = cp.Workspace()
    ws.import_istat(path)
    assert ws.body("022104").attributes["cadastral"] == "E565"
    assert [p["id"] for p in ws.body("it-uts-022").parents] == ["it-reg-04"]
    assert ws.evaluate("population", "022104", 2011) == 7516


def test_bad_rows_are_all_reported_and_nothing_is_written(family):
    before = family.export_bundle()
    with pytest.raises(cp.ValidationError) as bad:
        family.import_istat(BAD_ROWS)
    lines = sorted({path for path, _ in bad.value.issues})
    assert lines == [f"{BAD_ROWS}:{n}" for n in range(5, 10)]
    messages = dict(bad.value.issues)
    assert "got 20" in messages[f"{BAD_ROWS}:5"]
    assert "duplicate municipality 001001 (first at line 4)" in messages[f"{BAD_ROWS}:8"]
    assert family.export_bundle() == before


def test_bad_header(tmp_path):
    ws = cp.Workspace()
    with pytest.raises(cp.ValidationError) as bad:
        ws.import_istat(CASES / "istat_bad_header.csv")
    assert [m for _, m in bad.value.issues] == [
        'missing column "Codice Regione" (did you mean "Codice Regioni"?)',
        'missing column "NUTS3"',
    ]
    assert len(ws.bodies) == 0


def test_reimport_keeps_districts_and_other_attributes(family, tmp_path):
    family.import_istat(SMALL)
    levico = family.body("022104")
    assert sorted(p["id"] for p in levico.parents) == ["distretto-famiglia-trentino-nord", "it-uts-022", "pat"]
    assert levico.attributes["comunita_di_valle"] == "Comunità Alta Valsugana e Bersntol"
    assert levico.attributes["istat"] == "022104"
    assert levico.location is not None
    assert [p["id"] for p in family.body("it-uts-022").parents] == ["it-reg-04"]
    # Family-plan figures of later years and the 2011 census figure live side by side.
    assert family.evaluate("population", "022104", 2011) == 7516
    assert family.evaluate("population", "022104", 2022) is not None
    # An attribute added after the first import survives the next one.
    changed = levico.to_dict()
    changed["attributes"]["sito"] = "www.comune.levico-terme.tn.it"
    family.import_bundle({"format": "civicplan-bundle", "version": 1, "bodies": [changed]})
    assert family.import_istat(SMALL_UTF8) == {"added": {}, "replaced": {}}
    assert family.body("022104").attributes["sito"] == "www.comune.levico-terme.tn.it"


def test_second_import_changes_nothing(tmp_path):
    ws = cp.Workspace.open(tmp_path / "registry.db")
    first = ws.import_istat(SMALL)
    assert first == {"added": {"bodies": 16, "statistics": 7}, "replaced": {}}
    before, audit = ws.export_bundle(), len(ws.audit_log())
    assert ws.import_istat(SMALL) == {"added": {}, "replaced": {}}
    assert ws.export_bundle() == before and len(ws.audit_log()) == audit
    ws.close()


def test_another_kind_under_a_listed_id_is_refused():
    ws = cp.Workspace()
    ws.import_bundle({"format": "civicplan-bundle", "version": 1,
                      "bodies": [{"id": "022104", "kind": "union", "name": "Unione"}]})
    with pytest.raises(cp.ValidationError) as bad:
        ws.import_istat(SMALL)
    assert bad.value.issues == [(f"{SMALL}:8", 'body "022104" is of kind union in the workspace; ISTAT\'s list '
                                               'makes it a municipality (rename or remove that body first)')]
    assert ws.body("022104").kind == "union" and len(ws.bodies) == 1


def test_user_views_need_the_admin_role(family):
    with pytest.raises(cp.PermissionError) as refused:
        family.as_user("u-trento-editor").import_istat(SMALL)
    assert "u-trento-editor" in str(refused.value) and "admin role" in str(refused.value)
    assert "it-uts-022" not in family.bodies
    family.as_user("u-agenzia-admin").import_istat(SMALL)
    assert "it-uts-022" in family.bodies
    assert family.audit_log(object="registry")[-1].user == "u-agenzia-admin"


def test_missing_file_is_not_found():
    with pytest.raises(cp.NotFoundError):
        cp.Workspace().import_istat(CASES / "no-such-list.csv")


# --- the import-istat verb ------------------------------------------------------------------------

def test_cli_imports_the_real_list_and_reports_the_registry(tmp_path):
    db = tmp_path / "italy.db"
    r = run("import-istat", db, REAL)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"imported {REAL}: added 8,031 bodies and 7,904 statistics",
        "the national registry holds 7,904 municipalities, 107 provinces and 20 regions; "
        "population 2011: 59,433,744",
    ]
    again = run("import-istat", db, REAL)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == f"imported {REAL}: nothing changed, the workspace already holds this list"
    assert again.stdout.splitlines()[1] == r.stdout.splitlines()[1]


def test_cli_reports_what_a_reimport_over_family_data_replaces(tmp_path):
    db = tmp_path / "family.db"
    assert run("import", db, EXAMPLES / "family.json").returncode == 0
    r = run("import-istat", db, SMALL)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"imported {SMALL}: added 14 bodies and 7 statistics; replaced 2 bodies",
        "the national registry holds 7 municipalities, 5 provinces and 4 regions; population 2011: 2,882,029",
    ]
    bodies = {b["id"]: b for b in export_json(db)["bodies"]}
    assert {"id": "distretto-famiglia-trentino-nord", "from": 2014} in bodies["022104"]["parents"]


def test_cli_bad_file_lists_file_line_issues_and_writes_nothing(tmp_path):
    db = tmp_path / "family.db"
    assert run("import", db, EXAMPLES / "family.json").returncode == 0
    before = export_json(db)
    r = run("import-istat", db, BAD_ROWS)
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    for n in range(5, 10):
        assert any(re.match(rf"{re.escape(str(BAD_ROWS))}:{n}: \S", line) for line in lines), n
    assert lines[-1] == f"civicplan: error: {BAD_ROWS} has 5 issues; nothing was imported"
    assert export_json(db) == before


def test_cli_missing_file_and_usage(tmp_path):
    r = run("import-istat", tmp_path / "x.db", tmp_path / "missing.csv")
    assert r.returncode == 1
    assert r.stderr.startswith("civicplan: error: ") and "missing.csv" in r.stderr
    assert not (tmp_path / "x.db").exists()
    usage = run("import-istat", tmp_path / "x.db")
    assert usage.returncode == 2
    help_text = run("import-istat", "--help")
    assert help_text.returncode == 0 and help_text.stdout.startswith("usage: civicplan import-istat DB FILE")
    assert re.search(r"^  import-istat\s+\S", run("--help").stdout, re.M)


@pytest.mark.parametrize("bundle", ["family", "zone", "digital_agenda", "social_cases", "union_ledger"])
def test_example_municipalities_use_their_real_istat_codes(italy, bundle):
    # The examples' municipalities are real ones under their ISTAT codes: importing the list
    # over them must not rename any of them.
    data = json.loads((EXAMPLES / (bundle + ".json")).read_text(encoding="utf-8"))
    coded = [b for b in data["bodies"] if b["kind"] == "municipality" and re.fullmatch(r"\d{6}", b["id"])]
    assert coded
    for body in coded:
        assert italy.bodies[body["id"]].name == body["name"], body["id"]
