# SPDX-License-Identifier: Apache-2.0
# The shared cases of tests/cases/certification.json, batch equality and tables, from Python.
import pytest

import civicplan as cp
from conftest import example_path, load_case

CASES = load_case("certification.json")
EXPRESSIONS = load_case("expressions.json")


@pytest.fixture(scope="module")
def cws():
    ws = cp.Workspace()
    ws.import_bundle(EXPRESSIONS["bundle"])
    ws.import_bundle(CASES["rulesets"])
    return ws


def check_optional(got, want, what):
    if want is None:
        assert got is None, what
    else:
        assert got == pytest.approx(want, rel=1e-12), what


def test_every_report_case(cws):
    for c in CASES["reports"]:
        name = c["name"]
        report = cws.certify(c["body"], c["scheme"], c["year"], preview=c.get("preview", False))
        assert isinstance(report, cp.CertificationReport)
        assert report.passed is c["passed"], name
        assert report.version == c["version"], name
        if "points" in c:
            assert report.points == pytest.approx(c["points"]), name
        if "min_points" in c:
            check_optional(report.min_points, c["min_points"], name)
        if "points_needed" in c:
            assert report.points_needed == pytest.approx(c["points_needed"]), name
        if "missing_mandatory" in c:
            assert report.missing_mandatory == c["missing_mandatory"], name
        by_id = {r.id: r for r in report.rules}
        for rule_id, (outcome, value, threshold, message) in c.get("rules", {}).items():
            got = by_id[rule_id]
            assert got.outcome == outcome, (name, rule_id)
            check_optional(got.value, value, (name, rule_id))
            check_optional(got.threshold, threshold, (name, rule_id))
            if message is not None:
                assert got.message == message, (name, rule_id)
        assert all(r.message for r in report.rules), name
        if not report.passed:
            assert report.top_reason(), name
        d = report.to_dict()
        assert (d["body"], d["scheme"], d["passed"]) == (report.body, report.scheme, report.passed)
        assert [r["id"] for r in d["rules"]] == [r.id for r in report.rules]


def test_every_load_error(cws):
    for c in CASES["load_errors"]:
        ws = cp.Workspace()
        ws.import_bundle(EXPRESSIONS["bundle"])
        before = ws.export_bundle()
        with pytest.raises(cp.ValidationError) as info:
            ws.import_bundle(c["bundle"])
        assert any(path == c["path"] and c["contains"] in message for path, message in info.value.issues), (
            c["name"], info.value.issues)
        assert ws.export_bundle() == before


def test_rulesets(cws):
    rulesets = {r.id: r for r in cws.rulesets()}
    fam = rulesets["fam"]
    assert fam.applies_to == ["municipality"]
    assert fam.applies("municipality") and not fam.applies("district")
    with pytest.raises(ValueError):
        fam.applies("comune")
    assert [v["from"] for v in fam.versions] == [2006, 2012]
    assert fam.version_for(2005) is None
    assert fam.version_for(2011) == 2006
    assert fam.version_for(2030) == 2012
    assert fam.to_dict()["versions"][1]["pass"] == {"min_points": 'if(population > param("soglia"), 25, 20)'}


def test_certify_all_equals_certifying_each_body():
    ws = cp.Workspace()
    ws.import_bundle(example_path("family"))
    table = ws.certify_all("family-in-trentino", 2022)
    assert isinstance(table, cp.CertificationTable)
    assert len(table) == len(table.reports) > 0
    assert [r.body for r in table.reports] == sorted(r.body for r in table.reports)
    for report in table.reports:
        alone = ws.certify(report.body, "family-in-trentino", 2022)
        assert alone.to_dict() == report.to_dict()

    first = table.reports[0].body
    only = ws.certify_all("family-in-trentino", 2022, bodies=first)
    assert [r.body for r in only.reports] == [first]

    lines = table.to_csv().splitlines()
    assert lines[0] == ",".join(["body", "passed", "points", "min_points", *table.rule_ids])
    assert len(lines) == len(table) + 1

    df = table.to_pandas()
    assert list(df.columns) == ["body", "passed", "points", "min_points", *table.rule_ids]
    assert df["body"].tolist() == [r.body for r in table.reports]
    assert df["passed"].tolist() == [r.passed for r in table.reports]
    rule = table.rule_ids[0]
    assert df[rule].tolist() == [next(x.outcome for x in r.rules if x.id == rule) for r in table.reports]
    for rule in table.rule_ids:
        assert df[rule].tolist() == [next(x.outcome for x in r.rules if x.id == rule) for r in table.reports]
    assert df["points"].tolist() == [r.points for r in table.reports]
    assert [None if m != m else m for m in df["min_points"]] == [r.min_points for r in table.reports]
    assert df.dtypes["passed"] == bool and df.dtypes["points"] == float


def test_certification_table_indexing():
    ws = cp.Workspace()
    ws.import_bundle(example_path("family"))
    table = ws.certify_all("family-in-trentino", 2022)
    assert table.bodies == [r.body for r in table.reports]
    assert table[0].to_dict() == table.reports[0].to_dict()
    assert table[-1].body == table.bodies[-1]
    with pytest.raises(IndexError):
        table[len(table)]
    passed = sum(r.passed for r in table.reports)
    assert repr(table).endswith(f"{passed} of {len(table)} passed>")


def test_unknown_scheme_or_body(cws):
    with pytest.raises(cp.NotFoundError):
        cws.certify("m1", "no-such-scheme", 2021)
    with pytest.raises(cp.NotFoundError):
        cws.certify("nowhere", "fam", 2021)
    with pytest.raises(cp.Error):
        cws.certify("D1", "fam", 2021)  # the scheme certifies municipalities only
