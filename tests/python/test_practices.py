# SPDX-License-Identifier: Apache-2.0
# Best practices from Python: search, recommendations, taxonomy usage, near-duplicates,
# citizens' feedback and the open-data export.
import csv
import json
import math

import pytest

import civicplan as cp
from conftest import bundle, example_path


@pytest.fixture(scope="module")
def family():
    ws = cp.Workspace()
    ws.import_bundle(example_path("family"))
    return ws


def searchable_actions(ws):
    """(plan, action) of every action of an approved or archived plan."""
    return [(p, a) for p in ws.plans.values() if p.status in ("approved", "archived")
            for a in p.actions]


# --- search ------------------------------------------------------------------------------


def test_search_finds_the_municipalities_that_filed_the_action_first(family):
    hits = family.practices.search("tariffe famiglie numerose", limit=5)
    assert len(hits) == 5
    assert all(isinstance(h, cp.PracticeHit) for h in hits)
    # Every top hit is about large families and names its action, plan and body.
    for h in hits:
        plan = family.plan(h.plan)
        assert h.body == plan.body
        assert h.action.startswith(h.plan + "/")
        action = next(a for a in plan.actions if f"{plan.id}/{a.id}" == h.action)
        assert h.title == action.title
        assert "numeros" in (action.title + " " + (action.description or "")).lower()
        assert {"famiglie", "numerose"} <= set(h.matched_terms)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits[0].score > 0


def test_search_is_deterministic_and_folds_case_and_spacing(family):
    a = family.practices.search("tariffe famiglie numerose", limit=10)
    b = family.practices.search("  TARIFFE   Famiglie NUMEROSE ", limit=10)
    assert [h.to_dict() for h in a] == [h.to_dict() for h in b]
    # Ties are broken by plan then action id.
    for x, y in zip(a, a[1:]):
        assert (-x.score, x.plan, x.action) <= (-y.score, y.plan, y.action)


def small_practice_bundle():
    """Four municipalities in one province with approved plans over a small taxonomy."""
    bodies = [{"id": "P", "kind": "province", "name": "Provincia"}]
    stats = []
    pops = {"M1": 4000, "M2": 4200, "M3": 3900, "M4": 4500, "M5": 20000}
    for m, pop in pops.items():
        bodies.append({"id": m, "kind": "municipality", "name": f"Comune {m}",
                       "parents": [{"id": "P"}]})
        stats.append({"variable": "population", "body": m, "year": 2023, "value": pop})
    uses = {"M1": ["X", "Y"], "M2": ["X", "Y"], "M3": ["X"], "M4": ["Y"], "M5": ["Z"]}
    titles = {"X": "Tariffe agevolate per le famiglie numerose",
              "Y": "Centro estivo per bambini",
              "Z": "Sportello lavoro"}
    plans = []
    for m, codes in uses.items():
        plans.append({
            "id": f"pf-{m}", "kind": "family", "body": m, "title": f"Piano {m}",
            "period": {"from": 2023, "to": 2023}, "status": "approved",
            "approval": {"date": "2023-02-01", "act": f"DG 1/{m}"},
            "actions": [{"id": f"a{i}", "title": titles[c], "categories": [f"t:{c}"],
                         "status": "planned"} for i, c in enumerate(codes, 1)],
        })
    # A draft passing mention that a search must not see.
    plans.append({"id": "pf-M4-draft", "kind": "family", "body": "M4", "title": "Bozza",
                  "period": {"from": 2024, "to": 2024}, "status": "draft",
                  "actions": [{"id": "a1", "title": "Tariffe famiglie numerose",
                               "categories": ["t:X"], "status": "planned"}]})
    taxonomy = {"id": "t", "version": "1", "label": "Azioni", "nodes": [
        {"code": "S", "label": "Servizi"},
        {"code": "X", "label": "Agevolazioni tariffarie", "parents": ["S"]},
        {"code": "Y", "label": "Tempo libero", "parents": ["S"]},
        {"code": "Z", "label": "Lavoro"},
        {"code": "W", "label": "Mai usata"},
    ]}
    return bundle(bodies=bodies, taxonomies=[taxonomy], plans=plans, statistics=stats)


@pytest.fixture
def small():
    ws = cp.Workspace()
    ws.import_bundle(small_practice_bundle())
    return ws


def test_exact_title_outranks_a_passing_mention(small):
    plan = small.plan("pf-M1").to_dict()
    plan["actions"].append({"id": "a9", "title": "Sportello",
                            "description": "Tra le tante cose, anche centro estivo.",
                            "categories": ["t:Z"], "status": "planned"})
    plan["id"] = "pf-M1b"
    plan["period"] = {"from": 2023, "to": 2023}
    small.import_bundle(bundle(plans=[plan]))
    hits = small.practices.search("centro estivo per bambini", limit=50)
    ids = [h.action for h in hits]
    assert ids.index("pf-M1b/a9") > max(ids.index(x) for x in ids if x.endswith("/a2") or
                                        x in ("pf-M4/a1",))


def test_search_only_sees_approved_actions(small):
    assert len(small.practices) == 7
    assert all(not h.plan.endswith("draft")
               for h in small.practices.search("tariffe famiglie numerose", limit=100))


def test_category_filter_means_under_and_matches_a_hand_count(family):
    tax = family.taxonomy("family-tn")
    for root in tax.roots():
        under = {root, *tax.descendants(root)}
        expected = sorted(f"{p.id}/{a.id}" for p, a in searchable_actions(family)
                          if any(c.split(":", 1)[1] in under for c in a.categories
                                 if c.startswith("family-tn:")))
        got = sorted(h.action for h in family.practices.search(category=f"family-tn:{root}",
                                                               limit=10_000))
        assert got == expected, root
        assert expected, root


def test_filters_by_population_years_and_body_kind(family):
    ix = family.practices
    every = ix.search(limit=10_000)
    assert len(every) == len(ix) == len(searchable_actions(family))
    assert all(h.score == 0 for h in every)
    small_towns = ix.search(population=(None, 5000), limit=10_000)
    assert small_towns and len(small_towns) < len(every)
    for h in small_towns:
        first_year = family.plan(h.plan).period[0]
        assert ix.population(h.body, first_year) < 5000
    expected = {h.action for h in every
                if ix.population(h.body, family.plan(h.plan).period[0]) < 5000}
    assert {h.action for h in small_towns} == expected
    assert {h.action for h in ix.search(population="3000-5000", limit=10_000)} | \
        {h.action for h in ix.search(population="under-3000", limit=10_000)} == expected
    assert {h.action for h in ix.search(population="0-5000", limit=10_000)} == expected
    only_2021 = ix.search(years=2021, limit=10_000)
    assert only_2021
    for h in only_2021:
        lo, hi = family.plan(h.plan).period
        assert lo <= 2021 <= hi
    assert ix.search(body_kind="region", limit=10) == []


@pytest.mark.parametrize("kwargs, error", [
    ({"category": "family-tn:nope"}, cp.NotFoundError),
    ({"limit": 0}, cp.ValidationError),
    ({"body_kind": "planet"}, cp.ValidationError),
    ({"population": "lots"}, cp.ValidationError),
    ({"population": (5000, 100)}, cp.ValidationError),
    ({"population": (1, 2, 3)}, TypeError),
    ({"population": 3000}, TypeError),
    ({"years": "2022"}, TypeError),
])
def test_search_rejects_bad_filters(family, kwargs, error):
    with pytest.raises(error):
        family.practices.search(**kwargs)


def test_population_classes():
    classes = cp.population_classes()
    assert [c[0] for c in classes] == ["under-3000", "3000-5000", "5000-15000", "15000-50000",
                                       "over-50000"]
    assert classes[0][1] == 0 and classes[-1][2] is None
    for (_, _, hi), (_, lo, _) in zip(classes, classes[1:]):
        assert hi == lo


# --- recommendations -----------------------------------------------------------------------


def test_recommend_proposes_what_peers_do(small):
    ix = small.practices
    assert ix.peers("M4", 2023) == ["M1", "M2", "M3"]  # M5 is in another population class
    recs = ix.recommend("M4", 2023)
    # t:S is not proposed: M4 files an action under t:Y, which is under t:S.
    assert [r.category for r in recs] == ["t:X"]
    x = next(r for r in recs if r.category == "t:X")
    assert (x.peers_with, x.peers, x.share) == (3, 3, 1.0)
    assert x.label == "Agevolazioni tariffarie"
    assert sorted(e.body for e in x.examples) == ["M1", "M2", "M3"]
    assert all(e.title == "Tariffe agevolate per le famiglie numerose" for e in x.examples)
    # Nothing M4 already does, nothing only the other class does.
    assert all(r.category not in ("t:Y", "t:Z") for r in recs)
    assert ix.recommend("M1", 2023) == []  # M1 already does everything its peers do
    assert [(r.category, r.peers_with) for r in ix.recommend("M3", 2023)] == [("t:Y", 3)]
    assert ix.recommend("M4", 2024) == []  # no peer has a plan covering 2024


def test_recommend_on_the_family_example(family):
    recs = family.practices.recommend("022104", 2022)
    assert recs
    plans = [p for p in family.plans.values() if p.body == "022104"
             and p.period[0] <= 2022 <= p.period[1]]
    used = {c for p in plans for a in p.actions for c in a.categories}
    for r in recs:
        assert r.category not in used
        assert 0.5 <= r.share <= 1
        assert 1 <= len(r.examples) <= 3
        assert all(e.body in family.practices.peers("022104", 2022) for e in r.examples)


def test_recommend_errors(small):
    with pytest.raises(cp.NotFoundError):
        small.practices.recommend("nowhere", 2023)
    with pytest.raises(cp.ValidationError):
        small.practices.recommend("M4", 2023, k=0)


# --- taxonomy upkeep -----------------------------------------------------------------------


def test_usage_counts_and_least_used(small):
    usage = small.practices.usage("t")
    assert usage.years == [2023]
    counts = {c.code: c.total for c in usage.categories}
    # S counts every action filed under X or Y once per category.
    assert counts == {"S": 6, "X": 3, "Y": 3, "Z": 1, "W": 0}
    assert usage.filed == [7]
    assert [c.code for c in usage.least_used(2)] == ["W", "Z"]
    frame = usage.to_pandas()
    assert list(frame.columns) == ["code", "label", "depth", "year", "count"]
    assert frame.set_index("code")["count"].to_dict() == counts
    assert small.practices.usage("t", bodies="M4").filed == [1]
    with pytest.raises(cp.NotFoundError):
        small.practices.usage("nope")


def test_near_duplicates_across_categories(small):
    plan = small.plan("pf-M5").to_dict()
    plan["actions"].append({"id": "a2", "title": "Tariffe agevolate per le famiglie numerose!",
                            "categories": ["t:Z"], "status": "planned"})
    small.import_bundle(bundle(plans=[plan]))
    pairs = small.practices.near_duplicates(0.9)
    assert pairs, "the same text under t:Z and t:X must be found"
    assert all(p.similarity >= 0.9 for p in pairs)
    assert all(not set(p.a_categories) & set(p.b_categories) for p in pairs)
    assert {p.b if p.a == "pf-M5/a2" else p.a for p in pairs
            if "pf-M5/a2" in (p.a, p.b)} == {"pf-M1/a1", "pf-M2/a1", "pf-M3/a1"}
    with pytest.raises(cp.ValidationError):
        small.practices.near_duplicates(0)


def test_index_is_a_snapshot(small):
    before = small.practices
    n = len(before)
    plan = small.plan("pf-M5").to_dict()
    plan["actions"].append({"id": "a3", "title": "Nuova azione", "categories": ["t:W"],
                            "status": "planned"})
    small.import_bundle(bundle(plans=[plan]))
    assert len(before) == n
    assert len(small.practices) == n + 1


# --- feedback ------------------------------------------------------------------------------


def test_add_feedback_feeds_rating(small):
    assert small.evaluate("rating()", "M1", 2023) is None
    small.add_feedback("pf-M1/a1", 4, "2023-05-01", comment="Ottimo")
    small.add_feedback("pf-M1/a2", 2, "2023-06-01")
    assert small.evaluate("rating()", "M1", 2023) == pytest.approx(3.0)
    assert [(f.action, f.rating, f.comment) for f in small.feedback] == [
        ("pf-M1/a1", 4, "Ottimo"), ("pf-M1/a2", 2, None)]


@pytest.mark.parametrize("args, error, where", [
    (("pf-M1/a1", 0, "2023-05-01"), cp.ValidationError, "rating"),
    (("pf-M1/a1", 6, "2023-05-01"), cp.ValidationError, "rating"),
    (("pf-M1/a1", 10**30, "2023-05-01"), cp.ValidationError, "rating"),
    (("pf-M1/a1", 3, "2023-02-30"), cp.ValidationError, "date"),
    (("pf-M1/nope", 3, "2023-05-01"), cp.ValidationError, "pf-M1/nope"),
    (("pf-M1/a1", 3.5, "2023-05-01"), TypeError, "rating"),
    (("pf-M1/a1", True, "2023-05-01"), TypeError, "rating"),
])
def test_bad_feedback_is_rejected_and_nothing_written(small, args, error, where):
    with pytest.raises(error) as info:
        small.add_feedback(*args)
    assert where in str(info.value)
    assert small.feedback == []


def test_feedback_through_a_user_view_needs_a_role(small):
    # Feedback comes from citizens: any user with a role may record it, one without may not.
    small.put_user({"id": "nobody", "name": "No role", "roles": []})
    with pytest.raises(cp.PermissionError):
        small.as_user("nobody").add_feedback("pf-M1/a1", 5, "2023-05-01")
    assert small.feedback == []
    small.put_user({"id": "v", "name": "Viewer", "roles": [{"role": "viewer", "body": "M1"}]})
    small.as_user("v").add_feedback("pf-M1/a1", 5, "2023-05-01")
    assert [f.rating for f in small.feedback] == [5]


# --- open data -----------------------------------------------------------------------------


def test_export_open_data_csv(family, tmp_path):
    family.export_open_data(tmp_path, "csv")
    names = sorted(p.name for p in tmp_path.iterdir())
    for expected in ("bodies.csv", "plans.csv", "actions.csv", "budget_lines.csv",
                     "indicator_values.csv", "certification_outcomes.csv", "catalog.jsonld"):
        assert expected in names
    with open(tmp_path / "actions.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(searchable_actions(family))
    with open(tmp_path / "budget_lines.csv", encoding="utf-8", newline="") as f:
        lines = list(csv.DictReader(f))
    total_cents = sum(round(float(r["planned"]) * 100) for r in lines if r["planned"])
    expected_cents = sum(round(line["planned"] * 100) for _, a in searchable_actions(family)
                         for line in a.budget if line["planned"] is not None)
    assert total_cents == expected_cents


def test_export_open_data_geojson_and_catalog(family, tmp_path):
    family.export_open_data(str(tmp_path), format="geojson")
    with open(tmp_path / "places.geojson", encoding="utf-8") as f:
        places = json.load(f)
    assert places["type"] == "FeatureCollection"
    by_id = {p.id: p for p in family.places}
    assert len(places["features"]) == len(by_id) > 0
    for feature in places["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        place = by_id[feature["properties"]["id"]]
        assert (lat, lon) == pytest.approx(place.location)
        assert 45 < lat < 47.5 and 10 < lon < 12.5  # Trentino, so lon/lat are not swapped
    with open(tmp_path / "catalog.jsonld", encoding="utf-8") as f:
        catalog = json.load(f)
    text = json.dumps(catalog)
    for field in ("dct:title", "dct:publisher", "dcat:dataset", "dct:license", "dct:format"):
        assert field in text
    assert "places.geojson" in text and "actions.geojson" in text


def test_export_open_data_bundle_round_trips(family, tmp_path):
    family.export_open_data(tmp_path, "bundle")
    again = cp.Workspace()
    again.import_bundle(tmp_path / "bundle.json")
    assert again.export_bundle() == family.export_bundle()


def test_export_open_data_rejects_an_unknown_format(family, tmp_path):
    with pytest.raises(cp.ValidationError, match="format"):
        family.export_open_data(tmp_path / "out", "xlsx")
    assert not (tmp_path / "out").exists()


def test_to_dict_is_json(family):
    hit = family.practices.search("famiglie", limit=1)[0]
    rec = family.practices.recommend("022104", 2022)[0]
    for value in (hit.to_dict(), rec.to_dict(), family.practices.usage("family-tn").to_dict()):
        json.dumps(value)
    assert hit.to_dict()["action"] == hit.action
    assert not math.isnan(hit.score)
    assert "PracticeHit(" in repr(hit)
