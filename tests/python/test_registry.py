# SPDX-License-Identifier: Apache-2.0
# Registry queries over dated memberships: members, scope, leaves and parents change with the year.
import pytest

import civicplan as cp
from conftest import bundle


def test_members_change_between_years(ws):
    d1 = ws.bodies["D1"]
    # U1 joins D1 in 2016; M3 leaves D1 after 2019; M1 belongs to D1 throughout.
    assert d1.members(2015) == ["M1", "M3"]
    assert d1.members(2018) == ["M1", "M3", "U1"]
    assert d1.members(2021) == ["M1", "U1"]
    u1 = ws.bodies["U1"]
    assert u1.members(2015) == []
    assert u1.members(2018) == ["M1", "M2"]
    assert u1.members(2021) == ["M2"]


def test_scope_is_distinct_and_sorted(ws):
    tn = ws.bodies["TN"]
    # M1 is reachable both through U1 and directly through D1 in 2018: listed once.
    assert tn.scope(2018) == ["D1", "M1", "M2", "M3", "TN", "U1"]
    assert tn.scope(2015) == ["D1", "M1", "M3", "TN"]
    assert tn.scope(2021) == ["D1", "M1", "M2", "TN", "U1"]
    assert ws.bodies["M1"].scope(2018) == ["M1"]


def test_leaves(ws):
    tn = ws.bodies["TN"]
    assert tn.leaves(2018) == ["M1", "M2", "M3"]
    assert tn.leaves(2021) == ["M1", "M2"]
    # A union without members in a year is a leaf of the scope.
    assert ws.bodies["D1"].leaves(2015) == ["M1", "M3"]
    assert ws.bodies["U1"].leaves(2015) == ["U1"]


def test_parents_in(ws):
    m1 = ws.bodies["M1"]
    assert m1.parents_in(2015) == ["D1"]
    assert m1.parents_in(2018) == ["D1", "U1"]
    assert m1.parents_in(2021) == ["D1"]
    assert ws.bodies["M3"].parents_in(2020) == []
    assert ws.bodies["TN"].parents_in(2020) == []


def test_registry_object(ws):
    registry = ws.registry
    assert isinstance(registry, cp.Registry)
    assert registry.ids() == ["D1", "M1", "M2", "M3", "TN", "U1"]
    assert len(registry) == 6
    assert "M1" in registry and registry.contains("U1") and "X" not in registry
    assert registry.parents("M1", 2018) == ["D1", "U1"]
    assert registry.members("U1", 2021) == ["M2"]
    assert registry.scope("D1", 2021) == ["D1", "M1", "M2", "U1"]
    assert registry.leaves("D1", 2021) == ["M1", "M2"]
    assert registry.scope("X", 2021) == []


def test_body_queries_follow_later_imports(ws):
    m2 = ws.bodies["M2"]
    assert m2.parents_in(2022) == ["U1"]
    ws.import_bundle(bundle(bodies=[
        {"id": "U2", "kind": "union", "name": "Unione Nuova", "parents": [{"id": "D1"}]},
        {"id": "M2", "kind": "municipality", "name": "Fondo",
         "parents": [{"id": "U1", "from": 2016, "to": 2021}, {"id": "U2", "from": 2022}]},
    ]))
    # The handle is the old copy of M2, but its queries read the current registry.
    assert m2.parents_in(2022) == ["U2"]
    assert ws.bodies["M2"].parents == [{"id": "U1", "from": 2016, "to": 2021},
                                      {"id": "U2", "from": 2022, "to": None}]
    assert ws.bodies["D1"].scope(2022) == ["D1", "M1", "M2", "U1", "U2"]


def test_body_kinds(ws):
    kinds = {b.id: b.kind for b in ws.bodies.values()}
    assert kinds == {"TN": "province", "D1": "district", "U1": "union",
                     "M1": "municipality", "M2": "municipality", "M3": "municipality"}


def test_membership_outside_range_is_rejected():
    with pytest.raises(cp.ValidationError) as info:
        cp.Workspace().import_bundle(bundle(bodies=[
            {"id": "A", "kind": "region", "name": "A"},
            {"id": "B", "kind": "province", "name": "B", "parents": [{"id": "A", "from": 2022, "to": 2020}]},
        ]))
    assert ("bodies[1].parents[0]", "from 2022 is after to 2020") in info.value.issues
