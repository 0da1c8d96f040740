# SPDX-License-Identifier: Apache-2.0
# Shared pytest fixtures: repository paths, the example bundles and a small bundle built in code.
import copy
import json
from pathlib import Path

import pytest

import civicplan as cp

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "data"
CASES = REPO / "tests" / "cases"

#: The sample bundles shipped in examples/data.
EXAMPLE_BUNDLES = ["family", "zone", "digital_agenda", "social_cases", "union_ledger"]

#: A small, valid bundle: a province with a district, a union whose membership changes over
#: the years, three municipalities, a two-level taxonomy, one plan and a few records.
SMALL_BUNDLE = {
    "format": "civicplan-bundle",
    "version": 1,
    "bodies": [
        {"id": "TN", "kind": "province", "name": "Provincia di Trento"},
        {"id": "D1", "kind": "district", "name": "Val di Non", "parents": [{"id": "TN"}]},
        {"id": "U1", "kind": "union", "name": "Unione Alta Anaunia",
         "parents": [{"id": "D1", "from": 2016}]},
        {"id": "M1", "kind": "municipality", "name": "Cles",
         "parents": [{"id": "U1", "from": 2016, "to": 2020}, {"id": "D1"}],
         "location": {"lat": 46.36, "lon": 11.03},
         "attributes": {"istat": "022062", "altitude": 658, "area_km2": 39.2, "mountain": True}},
        {"id": "M2", "kind": "municipality", "name": "Fondo",
         "parents": [{"id": "U1", "from": 2016}]},
        {"id": "M3", "kind": "municipality", "name": "Revò",
         "parents": [{"id": "D1", "to": 2019}]},
    ],
    "taxonomies": [
        {"id": "fam", "version": "2023", "label": "Family policies",
         "nodes": [
             {"code": "A", "label": "Services"},
             {"code": "B", "label": "Economic support"},
             {"code": "A1", "label": "Childcare", "parents": ["A"]},
             {"code": "A2", "label": "Summer camps", "parents": ["A"], "description": "Holidays"},
             {"code": "A1a", "label": "Nursery vouchers", "parents": ["A1", "B"]},
         ]},
        {"id": "old", "version": "2015", "label": "Previous taxonomy",
         "nodes": [{"code": "S", "label": "Services"}, {"code": "X", "label": "Other"}]},
    ],
    "crosswalks": [
        {"id": "old-fam", "from": "old", "to": "fam", "pairs": [["S", "A1"], ["S", "A"], ["X", "B"]]},
    ],
    "plans": [
        {"id": "p-m1-2023", "kind": "family", "body": "M1", "title": "Piano famiglia 2023",
         "period": {"from": 2023, "to": 2023}, "status": "approved",
         "approval": {"date": "2023-03-01", "act": "DG 12/2023"},
         "objectives": [{"id": "o1", "title": "More childcare"}],
         "actions": [
             {"id": "a1", "title": "Nursery vouchers", "categories": ["fam:A1a"], "objective": "o1",
              "status": "in_progress",
              "budget": [{"year": 2023, "source": "municipal", "planned": 1500, "actual": 1234.5}],
              "progress": [{"date": "2023-06-30", "completion": 40},
                           {"date": "2023-12-31", "completion": 90, "note": "almost done"}]},
             {"id": "a2", "title": "Summer camp", "categories": ["fam:A2"], "status": "planned",
              "depends_on": ["a1"], "tags": ["summer"]},
         ]},
    ],
    "statistics": [
        {"variable": "population", "body": "M1", "year": 2023, "value": 7400},
        {"variable": "population", "body": "M2", "year": 2023, "value": 1450},
    ],
    "users": [
        {"id": "anna", "name": "Anna Rossi", "roles": [{"role": "editor", "body": "M1"}]},
    ],
}


def bundle(**arrays):
    """A bundle dict with the format header and the given arrays."""
    return {"format": cp.BUNDLE_FORMAT, "version": cp.BUNDLE_VERSION, **arrays}


@pytest.fixture
def small_bundle():
    """A fresh deep copy of SMALL_BUNDLE that a test may modify."""
    return copy.deepcopy(SMALL_BUNDLE)


@pytest.fixture
def ws(small_bundle):
    """An in-memory workspace holding the small bundle."""
    workspace = cp.Workspace()
    workspace.import_bundle(small_bundle)
    return workspace


@pytest.fixture
def examples_dir():
    return EXAMPLES


@pytest.fixture
def cases_dir():
    return CASES


def load_case(name):
    """The parsed JSON fixture tests/cases/<name>, shared with the C++ tests."""
    with open(CASES / name, encoding="utf-8") as f:
        return json.load(f)


def example_path(name):
    """Path of examples/data/<name>.json; fails the calling test when it is missing."""
    path = EXAMPLES / f"{name}.json"
    assert path.is_file(), f"missing example bundle {path}"
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """Workspace locations on each backend: ``store("name")`` is a SQLite file, or a fresh
    schema of the PostgreSQL server of CIVICPLAN_TEST_POSTGRES, removed after the test."""
    from backends import Stores

    stores = Stores(request.param, tmp_path)
    yield stores
    stores.close()
