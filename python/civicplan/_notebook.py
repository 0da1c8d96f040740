# SPDX-License-Identifier: Apache-2.0
"""Notebook views: HTML tables for IndicatorTable and CertificationReport, and a matplotlib plot."""

from html import escape as _escape

from . import _civicplan as _c

# Rows an IndicatorTable shows in a notebook before it says how many more it has.
MAX_HTML_ROWS = 60

_STYLE = (
    "<style>.cp-table td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".cp-table caption{text-align:left;font-weight:600}"
    ".cp-ok{color:#2b6e3a;font-weight:600}.cp-no{color:#a3210f;font-weight:600}"
    ".cp-unknown{color:#4a4f55;font-weight:600}</style>"
)


def _number(value, decimals=None) -> str:
    if value is None or value != value:  # None or NaN
        return "<td class=\"num\">null</td>"
    text = f"{value:.{decimals}f}" if decimals is not None and decimals >= 0 else f"{value:.6g}"
    return f"<td class=\"num\">{_escape(text)}</td>"


def indicator_table_html(self: _c.IndicatorTable) -> str:
    """The table's first rows as an HTML table (indicator, body, year, value, target met)."""
    n = len(self)
    rows = [self.row(i) for i in range(min(n, MAX_HTML_ROWS))]
    cols = self._columns()
    decimals = {name: (None if d < 0 else int(d)) for name, d in zip(cols["indicator_names"], cols["decimals"])}
    out = [_STYLE, "<table class=\"cp-table\"><caption>",
           _escape(f"IndicatorTable: {n} row{'' if n == 1 else 's'}"),
           "</caption><thead><tr><th>indicator</th><th>body</th><th>year</th><th>value</th>"
           "<th>target met</th></tr></thead><tbody>"]
    for row in rows:
        met = row["target_met"]
        met_cell = "" if met is None else ("<span class=\"cp-ok\">✓ yes</span>" if met else
                                           "<span class=\"cp-no\">✗ no</span>")
        out.append(
            f"<tr><td>{_escape(row['indicator'])}</td><td>{_escape(row['body'])}</td>"
            f"<td class=\"num\">{row['year']}</td>{_number(row['value'], decimals.get(row['indicator']))}"
            f"<td>{met_cell}</td></tr>"
        )
    out.append("</tbody></table>")
    if n > MAX_HTML_ROWS:
        out.append(f"<p>… {n - MAX_HTML_ROWS} more rows (to_pandas() gives them all)</p>")
    return "".join(out)


_OUTCOME = {
    "pass": ("cp-ok", "✓ pass"),
    "fail": ("cp-no", "✗ fail"),
    "missing_data": ("cp-unknown", "? missing data"),
}


def certification_report_html(self: _c.CertificationReport) -> str:
    """The report as HTML: the verdict, the points against the minimum and every rule."""
    verdict = "<span class=\"cp-ok\">✓ passed</span>" if self.passed else "<span class=\"cp-no\">✗ failed</span>"
    points = f"{self.points:g}" + ("" if self.min_points is None else f" of {self.min_points:g} required")
    mode = " (preview)" if self.preview else ""
    out = [_STYLE, f"<p><b>{_escape(self.scheme)}</b>, {_escape(self.body)}, {self.year}{mode}: {verdict}; "
                   f"points {_escape(points)}</p>"]
    if not self.passed:
        missing = []
        if self.missing_mandatory:
            missing.append("mandatory rules " + ", ".join(_escape(m) for m in self.missing_mandatory))
        if self.points_needed > 0:
            missing.append(f"{self.points_needed:g} more points")
        if missing:
            out.append("<p>Still missing: " + "; ".join(missing) + "</p>")
    out.append("<table class=\"cp-table\"><thead><tr><th>rule</th><th>outcome</th><th>detail</th>"
               "<th>points</th></tr></thead><tbody>")
    for rule in self.rules:
        cls, text = _OUTCOME.get(rule.outcome, ("cp-unknown", rule.outcome))
        mandatory = " <i>(mandatory)</i>" if rule.mandatory else ""
        out.append(
            f"<tr><td>{_escape(rule.label)}{mandatory}<br><small>{_escape(rule.id)}</small></td>"
            f"<td class=\"{cls}\">{_escape(text)}</td><td>{_escape(rule.message)}</td>"
            f"{_number(rule.points)}</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def plot(self: _c.IndicatorTable, indicator: str, bodies=None, ax=None):
    """One line per body of ``indicator`` over the years, with matplotlib; returns the Axes.

    ``bodies`` is None (every body of the table that has the indicator), one id or an iterable of
    ids. Null values leave gaps. Raises ValueError for an indicator or body the table does not
    hold, ImportError when matplotlib is not installed (Debian: python3-matplotlib).
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("IndicatorTable.plot needs matplotlib (Debian: python3-matplotlib)") from error
    cols = self.columns()
    names = list(self._columns()["indicator_names"])
    if indicator not in names:
        known = ", ".join(sorted(names)) or "none"
        raise ValueError(f"indicator {indicator!r} is not in this table (it holds: {known})")
    series = {}
    for ind, body, year, value in zip(cols["indicator"], cols["body"], cols["year"], cols["value"]):
        if ind == indicator:
            series.setdefault(body, []).append((int(year), float(value)))
    if bodies is None:
        chosen = sorted(series)
    else:
        chosen = [bodies] if isinstance(bodies, str) else list(bodies)
        unknown = [b for b in chosen if b not in series]
        if unknown:
            raise ValueError(f"no {indicator} row for {', '.join(map(repr, unknown))} in this table")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    markers = "osD^vx*"
    styles = ["-", "--", ":", "-."]
    for i, body in enumerate(chosen):
        points = sorted(series[body])
        ax.plot([y for y, _ in points], [v for _, v in points], label=body,
                marker=markers[i % len(markers)], linestyle=styles[i % len(styles)])
    ax.set_title(indicator)
    ax.set_xlabel("year")
    ax.set_ylabel(indicator)
    ax.grid(True, alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if chosen:
        ax.legend()
    return ax


def install() -> None:
    """Adds _repr_html_() to IndicatorTable and CertificationReport, and IndicatorTable.plot()."""
    _c.IndicatorTable._repr_html_ = indicator_table_html
    _c.IndicatorTable.plot = plot
    _c.CertificationReport._repr_html_ = certification_report_html
