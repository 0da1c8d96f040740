# SPDX-License-Identifier: Apache-2.0
# Taxonomy queries over a poly-hierarchy, and crosswalks between taxonomies.
import pytest

import civicplan as cp
from conftest import bundle


def test_taxonomy_attributes(ws):
    fam = ws.taxonomies["fam"]
    assert isinstance(fam, cp.Taxonomy)
    assert (fam.id, fam.version, fam.label) == ("fam", "2023", "Family policies")
    assert fam.codes == ["A", "B", "A1", "A2", "A1a"]
    assert len(fam) == 5
    assert "A1a" in fam and "Z" not in fam and fam.contains("B")
    assert fam.nodes[3] == {"code": "A2", "label": "Summer camps", "parents": ["A"], "description": "Holidays"}
    assert fam.node("A1a") == {"code": "A1a", "label": "Nursery vouchers", "parents": ["A1", "B"],
                               "description": None}
    assert repr(fam) == "<Taxonomy fam 2023 'Family policies', 5 codes>"
    assert ws.taxonomy("fam") == fam


def test_ancestors_descendants_and_depth(ws):
    fam = ws.taxonomies["fam"]
    assert fam.roots() == ["A", "B"]
    assert fam.ancestors("A1a") == ["A", "A1", "B"]
    assert fam.ancestors("A") == []
    assert fam.descendants("A") == ["A1", "A1a", "A2"]
    assert fam.descendants("B") == ["A1a"]
    assert fam.descendants("A2") == []
    # Depth is 1 + the smallest depth of the parents: A1a sits under B (depth 1) and A1 (depth 2).
    assert [fam.depth(c) for c in ("A", "A1", "A2", "A1a")] == [1, 2, 2, 2]
    assert fam.ancestors_at_depth("A1a", 1) == ["A", "B"]
    assert fam.ancestors_at_depth("A1a", 2) == ["A1", "A1a"]


def test_is_under(ws):
    fam = ws.taxonomies["fam"]
    assert fam.is_under("A1a", "A")
    assert fam.is_under("A1a", "B")
    assert fam.is_under("A1", "A1")
    assert not fam.is_under("A2", "A1")
    assert not fam.is_under("A", "A1")
    assert not fam.is_under("nope", "A")


def test_unknown_code_raises_not_found(ws):
    fam = ws.taxonomies["fam"]
    for query in (fam.ancestors, fam.descendants, fam.depth, fam.node):
        with pytest.raises(cp.NotFoundError) as info:
            query("Z9")
        assert info.value.kind == "category"
        assert info.value.id == "fam:Z9"


def test_to_dict_round_trips(ws):
    fam = ws.taxonomies["fam"].to_dict()
    assert fam["id"] == "fam"
    assert fam["nodes"][4] == {"code": "A1a", "label": "Nursery vouchers", "parents": ["A1", "B"]}
    other = cp.Workspace()
    other.import_bundle(bundle(taxonomies=[fam]))
    assert other.taxonomies["fam"] == ws.taxonomies["fam"]


def test_crosswalk(ws):
    cw = ws.crosswalks["old-fam"]
    assert isinstance(cw, cp.Crosswalk)
    assert (cw.id, cw.from_, cw.to) == ("old-fam", "old", "fam")
    assert cw.pairs == [("S", "A1"), ("S", "A"), ("X", "B")]
    assert cw.map("S") == ["A", "A1"]
    assert cw.map("X") == ["B"]
    assert cw.map("Q") == []
    assert cw.to_dict() == {"id": "old-fam", "from": "old", "to": "fam",
                            "pairs": [["S", "A1"], ["S", "A"], ["X", "B"]]}
    assert "old -> fam" in repr(cw)


def test_taxonomy_cycle_is_rejected():
    cyclic = bundle(taxonomies=[{"id": "t", "version": "1", "label": "T", "nodes": [
        {"code": "R", "label": "Root"},
        {"code": "A", "label": "A", "parents": ["B"]},
        {"code": "B", "label": "B", "parents": ["A"]},
    ]}])
    with pytest.raises(cp.ValidationError) as info:
        cp.Workspace().import_bundle(cyclic)
    messages = [m for _, m in info.value.issues]
    assert any(m.startswith("taxonomy cycle: ") and ("A -> B -> A" in m or "B -> A -> B" in m)
               for m in messages), messages


def test_crosswalk_with_unknown_code_is_rejected(ws):
    with pytest.raises(cp.ValidationError) as info:
        ws.import_bundle(bundle(crosswalks=[{"id": "bad", "from": "old", "to": "fam", "pairs": [["S", "Q"]]}]))
    assert ("crosswalks[0].pairs[0][1]", 'unknown category "fam:Q"') in info.value.issues
    assert "bad" not in ws.crosswalks
