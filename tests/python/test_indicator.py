# SPDX-License-Identifier: Apache-2.0
# Indicators from Python: definitions, computation with filters, rows, CSV and pandas.
import math

import pytest

import civicplan as cp
from conftest import bundle

INDICATORS = [
    {"id": "spend_per_inhabitant", "label": "Planned spend per inhabitant", "unit": "EUR",
     "formula": "budget() / population", "levels": ["municipality", "district"], "decimals": 2,
     "target": {"op": ">=", "value": 0.1}},
    {"id": "actions_count", "label": "Actions", "levels": ["municipality"],
     "formulas": [{"from": 2000, "formula": "actions()"}, {"from": 2024, "formula": "actions() * 10"}]},
]


@pytest.fixture
def iws(ws):
    ws.import_bundle(bundle(indicators=INDICATORS))
    return ws


def test_definitions(iws):
    indicators = iws.indicators()
    assert [i.id for i in indicators] == ["actions_count", "spend_per_inhabitant"]
    counts, spend = indicators
    assert isinstance(spend, cp.Indicator)
    assert (spend.label, spend.unit, spend.decimals) == ("Planned spend per inhabitant", "EUR", 2)
    assert spend.levels == ["municipality", "district"]
    assert spend.target == {"op": ">=", "value": 0.1}
    assert spend.formula_for(2023) == "budget() / population"
    assert counts.formulas == [{"from": 2000, "formula": "actions()"}, {"from": 2024, "formula": "actions() * 10"}]
    assert counts.formula_for(1999) is None
    assert counts.formula_for(2023) == "actions()"
    assert counts.formula_for(2030) == "actions() * 10"
    assert counts.target is None and counts.unit is None
    assert spend.to_dict()["formula"] == "budget() / population"
    assert repr(spend) == "<Indicator spend_per_inhabitant 'Planned spend per inhabitant' for municipality,district>"


def test_group_rates_are_ratios_of_sums(iws):
    table = iws.compute_indicators(ids="spend_per_inhabitant", years=[2023])
    assert isinstance(table, cp.IndicatorTable)
    values = {(r["body"], r["year"]): r["value"] for r in table.rows()}
    assert values[("M1", 2023)] == pytest.approx(1500 / 7400)
    # D1's 2023 leaves are M1 and M2: their budgets and populations are summed.
    assert values[("D1", 2023)] == pytest.approx(1500 / (7400 + 1450))
    assert values[("M2", 2023)] == 0.0
    # M3 has no population statistic: a null value, and no target verdict.
    m3 = next(r for r in table.rows() if r["body"] == "M3")
    assert m3["value"] is None and m3["target_met"] is None
    met = {r["body"]: r["target_met"] for r in table.rows()}
    assert met["M1"] is True and met["M2"] is False


def test_rows_are_sorted_and_filters_narrow(iws):
    table = iws.compute_indicators()
    keys = [(r["indicator"], r["body"], r["year"]) for r in table.rows()]
    assert keys == sorted(keys)
    assert {k[0] for k in keys} == {"actions_count", "spend_per_inhabitant"}
    assert len(table) == len(keys)
    assert table.row(0) == table.rows()[0]
    assert table.row(-1) == table.rows()[-1]
    with pytest.raises(IndexError):
        table.row(len(table))

    only_m1 = iws.compute_indicators(ids=["actions_count"], bodies=("M1",), years=2023)
    assert only_m1.rows() == [{"indicator": "actions_count", "body": "M1", "year": 2023, "value": 2.0,
                               "target_met": None}]
    with pytest.raises(cp.NotFoundError) as info:
        iws.compute_indicators(ids=["nope"])
    assert (info.value.kind, info.value.id) == ("indicator", "nope")
    with pytest.raises(TypeError):
        iws.compute_indicators(years=["2023"])
    with pytest.raises(TypeError):
        iws.compute_indicators(bodies=[1])


def test_csv_and_pandas(iws):
    table = iws.compute_indicators(ids="spend_per_inhabitant")
    assert table.to_csv().splitlines() == [
        "indicator,body,year,value,target_met",
        "spend_per_inhabitant,D1,2023,0.17,true",
        "spend_per_inhabitant,M1,2023,0.20,true",
        "spend_per_inhabitant,M2,2023,0.00,false",
        "spend_per_inhabitant,M3,2023,,",
    ]

    df = table.to_pandas()
    assert list(df.columns) == ["indicator", "body", "year", "value", "target_met"]
    assert len(df) == len(table)
    assert str(df["target_met"].dtype) == "boolean"
    rows = table.rows()
    for i, row in enumerate(rows):
        assert df["indicator"][i] == row["indicator"] and df["body"][i] == row["body"]
        assert df["year"][i] == row["year"]
        if row["value"] is None:
            assert math.isnan(df["value"][i])
        else:
            assert df["value"][i] == row["value"]
    assert df["target_met"].isna().tolist() == [r["target_met"] is None for r in rows]
    assert df.loc[df["body"] == "M1", "target_met"].tolist() == [True]

    columns = table.columns()
    assert columns["indicator"].tolist() == [r["indicator"] for r in rows]
    assert columns["target_met"].tolist() == [r["target_met"] for r in rows]


def test_empty_table_converts():
    table = cp.Workspace().compute_indicators()
    assert len(table) == 0 and table.rows() == []
    df = table.to_pandas()
    assert list(df.columns) == ["indicator", "body", "year", "value", "target_met"] and len(df) == 0


def test_bad_formula_is_a_validation_error_naming_the_position(ws):
    bad = bundle(indicators=[{"id": "x", "label": "X", "formula": "actions() +", "levels": ["municipality"]}])
    with pytest.raises(cp.ValidationError) as info:
        ws.import_bundle(bad)
    assert any(path.startswith("indicators[0]") for path, _ in info.value.issues), info.value.issues
    assert ws.indicators() == []


def test_expression_parse():
    e = cp.Expression.parse('budget(category: "fam:A") / population + births[-1]')
    assert e.text == 'budget(category: "fam:A") / population + births[-1]'
    assert e.names() == ["births", "population"]
    assert e.functions() == ["budget"]
    assert "members" in cp.expression_functions() and "coalesce" in cp.expression_functions()
    with pytest.raises(cp.ParseError) as info:
        cp.Expression.parse("1 + * 2", "f.expr")
    assert (info.value.source, info.value.line, info.value.column) == ("f.expr", 1, 5)


def test_decode_shares_one_str_per_name_and_checks_codes():
    import numpy as np
    from civicplan import _civicplan as _c

    names = ["alpha", "beta"]
    for dtype in (np.int32, np.uint8, np.int64, np.int16):
        out = _c._decode(names, np.array([1, 0, 1], dtype=dtype))
        assert out.dtype == object and list(out) == ["beta", "alpha", "beta"]
        assert out[0] is out[2]
    assert len(_c._decode(names, np.array([], dtype=np.int32))) == 0
    with pytest.raises(IndexError):
        _c._decode(names, np.array([0, 2], dtype=np.int32))
    with pytest.raises(IndexError):
        _c._decode(names, np.array([-1], dtype=np.int64))


def test_to_pandas_leaves_the_garbage_collector_as_it_found_it(iws):
    import gc

    table = iws.compute_indicators()
    assert len(table) > 0
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            assert len(table.to_pandas()) == len(table)
            assert len(table.columns()["value"]) == len(table)
            assert gc.isenabled() is state
    finally:
        (gc.enable if was else gc.disable)()
