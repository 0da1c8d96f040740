# SPDX-License-Identifier: Apache-2.0
"""Tabular access to results: IndicatorTable and CertificationTable as numpy columns and pandas."""

import gc

from . import _civicplan as _c


class _no_gc:
    """Pauses the cyclic garbage collector inside a block (restoring its previous state)."""

    def __enter__(self):
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.enabled:
            gc.enable()


def _decode(names, codes):
    """Strings from dictionary codes, sharing one str object per distinct name."""
    return _c._decode(list(names), codes)


def columns(self: _c.IndicatorTable) -> dict:
    """The table as numpy arrays keyed by column name.

    indicator and body are object arrays of str, year int32, value float64 (NaN where null)
    and target_met an object array of True, False or None.
    """
    with _no_gc():
        return _columns_of(self)


def _columns_of(self):
    import numpy as np

    raw = self._columns()
    met = raw["target_met"]
    target_met = np.full(len(met), None, dtype=object)
    target_met[met == 1] = True
    target_met[met == 0] = False
    return {
        "indicator": _decode(raw["indicator_names"], raw["indicator_codes"]),
        "body": _decode(raw["body_names"], raw["body_codes"]),
        "year": raw["years"],
        "value": raw["values"],
        "target_met": target_met,
    }


def to_pandas(self: _c.IndicatorTable):
    """The table as a pandas DataFrame with columns indicator, body, year, value, target_met.

    value is float64 with NaN where null; target_met uses pandas' nullable "boolean" dtype.
    """
    import pandas as pd

    # The str columns are object arrays of millions of references: a garbage collection
    # triggered by the frame's own small allocations would walk them all (they hold only str,
    # which cannot form cycles), so collection waits until the frame is built.
    with _no_gc():
        raw = self._frame_columns()
        return pd.DataFrame(
            {
                "indicator": raw["indicator"],
                "body": raw["body"],
                "year": raw["year"],
                "value": raw["value"],
                "target_met": pd.arrays.BooleanArray(raw["target_met_true"], raw["target_met_null"]),
            },
            # The arrays are fresh and owned by the frame alone: no copy, no consolidation.
            copy=False,
        )


def certification_to_pandas(self: _c.CertificationTable):
    """One row per body: body, passed, points, min_points, then each rule's outcome
    (pass, fail or missing_data) in a column named by the rule id."""
    import pandas as pd

    raw = self._columns()
    data = {
        "body": raw["body"],
        "passed": raw["passed"].astype(bool),
        "points": raw["points"],
        "min_points": raw["min_points"],
    }
    for rule_id, codes in zip(self.rule_ids, raw["outcomes"]):
        data[rule_id] = _decode(raw["outcome_names"], codes)
    return pd.DataFrame(data, copy=False)


def usage_to_pandas(self: _c.TaxonomyUsage):
    """One row per category and year: code, label, depth, year, count (categories in
    definition order, years ascending)."""
    import numpy as np
    import pandas as pd

    years = list(self.years)
    cats = list(self.categories)
    n = len(years)
    return pd.DataFrame(
        {
            "code": np.repeat(np.array([c.code for c in cats], dtype=object), n),
            "label": np.repeat(np.array([c.label for c in cats], dtype=object), n),
            "depth": np.repeat(np.array([c.depth for c in cats], dtype=np.int32), n),
            "year": np.tile(np.array(years, dtype=np.int32), len(cats)),
            "count": np.array([x for c in cats for x in c.counts], dtype=np.int64),
        },
        columns=["code", "label", "depth", "year", "count"],
    )


def comparison_to_pandas(self: _c.IndicatorComparison):
    """The differing rows as a DataFrame: indicator, body, year, base, other, delta (NaN where
    null)."""
    import numpy as np
    import pandas as pd

    rows = self.rows()
    def column(name, dtype=object):
        return np.array([r[name] for r in rows], dtype=dtype)

    def numbers(name):
        return np.array([np.nan if r[name] is None else r[name] for r in rows], dtype=np.float64)

    return pd.DataFrame(
        {
            "indicator": column("indicator"),
            "body": column("body"),
            "year": column("year", np.int32),
            "base": numbers("base"),
            "other": numbers("other"),
            "delta": numbers("delta"),
        },
        columns=["indicator", "body", "year", "base", "other", "delta"],
    )


def install() -> None:
    """Adds columns() and to_pandas() to IndicatorTable, to_pandas() to CertificationTable and
    TaxonomyUsage."""
    _c.IndicatorTable.columns = columns
    _c.IndicatorTable.to_pandas = to_pandas
    _c.IndicatorComparison.to_pandas = comparison_to_pandas
    _c.CertificationTable.to_pandas = certification_to_pandas
    _c.TaxonomyUsage.to_pandas = usage_to_pandas
