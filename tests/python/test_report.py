# SPDX-License-Identifier: Apache-2.0
# The HTML report (DESIGN §18), read as a parser and a screen reader read it: no script, no
# external address, every chart titled and described, and the numbers of its tables equal to
# what the workspace computes. Also the notebook views (_repr_html_, plot).
import math
import os
import subprocess
from html.parser import HTMLParser

import pytest

import civicplan as cp
from conftest import REPO, example_path

CLI = os.environ.get("CIVICPLAN_CLI") or str(REPO / "build" / "civicplan")

ROOT_ELEMENTS_WITHOUT_END = {"meta", "br", "link", "img", "input", "hr", "source", "col", "wbr", "area", "base"}


class Page(HTMLParser):
    """Every element with its attributes, the <svg> children and the data tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []       # (tag, attrs)
        self.svgs = []           # [{"attrs":…, "children": [tag…], "title": str, "desc": str}]
        self.tables = {}         # id -> {"caption": str, "header": [...], "rows": [[(text, data-value)…]]}
        self.text = []
        self._stack = []
        self._svg = None
        self._svg_depth = 0
        self._table = None
        self._cell = None
        self._capture = None     # "title" | "desc" | "caption"
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag not in ROOT_ELEMENTS_WITHOUT_END:
            self._stack.append(tag)
        if tag == "svg":
            self._svg = {"attrs": attrs, "children": [], "title": None, "desc": None}
            self._svg_depth = len(self._stack)
            self.svgs.append(self._svg)
        elif self._svg is not None and len(self._stack) == self._svg_depth + 1:
            self._svg["children"].append(tag)
        if self._svg is not None and tag in ("title", "desc") and len(self._stack) == self._svg_depth + 1:
            self._capture, self._buffer = tag, ""
        if tag == "table" and attrs.get("class") == "data":
            self._table = {"caption": "", "header": [], "rows": []}
            self.tables[attrs["id"]] = self._table
        if self._table is not None:
            if tag == "caption":
                self._capture, self._buffer = "caption", ""
            elif tag == "tr":
                self._table["rows"].append([])
            elif tag in ("td", "th"):
                self._cell = [attrs.get("data-value"), ""]

    def handle_endtag(self, tag):
        if self._capture and tag == self._capture:
            if self._capture == "caption":
                self._table["caption"] = self._buffer
            else:
                self._svg[self._capture] = self._buffer
            self._capture = None
        if self._table is not None and tag in ("td", "th") and self._cell is not None:
            self._table["rows"][-1].append((self._cell[1].strip(), self._cell[0]))
            self._cell = None
        if tag == "table":
            if self._table is not None:
                self._table["header"] = self._table["rows"].pop(0)
            self._table = None
        if tag == "svg":
            self._svg = None
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        if self._capture:
            self._buffer += data
        if self._cell is not None:
            self._cell[1] += data


def parse(html):
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def ws():
    w = cp.Workspace()
    for name in ("family", "zone"):
        w.import_bundle(example_path(name))
    return w


REPORTS = [("022104", 2022, "it"), ("022205", 2021, "en"), ("dist-pianura-est", 2019, "it"),
           ("pat", 2022, "it"), ("er", 2020, "en")]


@pytest.mark.parametrize("body,year,lang", REPORTS)
def test_the_page_is_self_contained_and_every_chart_is_described(ws, body, year, lang):
    html = ws.report(body, year, lang=lang)
    page = parse(html)
    tags = [t for t, _ in page.elements]
    assert "script" not in tags
    assert tags[0] == "html" and dict(page.elements[0][1])["lang"] == lang
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)  # no event handlers either
            if value is None:
                continue
            assert "://" not in value and not value.startswith("//"), (tag, name, value)
            if name in ("href", "src", "xlink:href"):
                assert value.startswith("#"), (tag, name, value)
    styles = "".join(t for t in page.text if "{" in t)
    assert "@import" not in styles and "url(" not in styles.replace("url(#", "")
    assert page.svgs, "the page has charts"
    for svg in page.svgs:
        assert svg["attrs"]["role"] == "img"
        assert svg["children"][:2] == ["title", "desc"], svg["attrs"]
        assert svg["title"].strip() and svg["desc"].strip()
        ids = svg["attrs"]["aria-labelledby"].split()
        assert len(ids) == 2
    # Every chart has its numbers as a table.
    assert len(page.tables) == len(page.svgs)


def cents(text_value):
    return None if text_value is None else round(float(text_value))


def test_the_budget_table_holds_what_the_evaluator_sums(ws):
    for body, year in [("022104", 2022), ("dist-pianura-est", 2019), ("pat", 2022)]:
        page = parse(ws.report(body, year))
        table = page.tables["chart-budget-table"]
        assert [h for h, _ in table["header"][1:]] == ["programmata", "rendicontata"]
        total = 0
        for row in table["rows"]:
            source = row[0][0]
            planned = ws.evaluate(f'budget(source: "{source}")', body, year)
            actual = ws.evaluate(f'budget(kind: "actual", source: "{source}")', body, year)
            assert cents(row[1][1]) == round(planned * 100), (body, source)
            if row[2][1] is None:
                assert row[2][0] == "n.d."
            else:
                assert cents(row[2][1]) == round(actual * 100), (body, source)
            # The text is the exact amount as Italians write it.
            euros, frac = divmod(cents(row[1][1]), 100)
            assert row[1][0] == "€ " + f"{euros:,}".replace(",", ".") + f",{frac:02d}"
            total += cents(row[1][1])
        assert total == round(ws.evaluate("budget()", body, year) * 100)


def test_the_actions_table_counts_what_actions_counts(ws):
    for body, year in [("022104", 2022), ("dist-pianura-est", 2019)]:
        page = parse(ws.report(body, year))
        table = page.tables["chart-actions-table"]
        labels = {}
        for tax in ws.taxonomies.values():
            for node in tax.nodes:
                if not node.get("parents"):
                    labels[node["label"]] = f"{tax.id}:{node['code']}"
        for row in table["rows"]:
            code = labels[row[0][0]]
            counted = sum(float(v) for _, v in row[1:] if v is not None)
            assert counted == ws.evaluate(f'actions(category: "{code}")', body, year), (body, code)


def indicator_by_caption(ws, caption):
    for i in ws.indicators():
        if caption == i.label or caption.startswith(i.label + " ("):
            return i
    raise AssertionError(f"no indicator labelled {caption!r}")


@pytest.mark.parametrize("body,year", [("022104", 2022), ("dist-pianura-est", 2019), ("pat", 2022)])
def test_the_indicator_tables_hold_the_computed_indicators(ws, body, year):
    page = parse(ws.report(body, year))
    checked = 0
    for tid, table in page.tables.items():
        if not tid.startswith("chart-ind-"):
            continue
        ind = indicator_by_caption(ws, table["caption"])
        years = [int(row[0][0]) for row in table["rows"]]
        assert years == sorted(years) and years[-1] == year
        got = ws.compute_indicators(ind.id, bodies=body, years=years).to_pandas()
        computed = {int(r.year): r.value for r in got.itertuples()}
        for row in table["rows"]:
            y = int(row[0][0])
            text, value = row[1]
            if value is None:
                assert math.isnan(computed.get(y, math.nan)), (ind.id, y)
                assert text == "n.d."
            else:
                assert float(value) == computed[y], (ind.id, y)
            checked += 1
    assert checked > 0


def test_a_municipality_page_has_its_certification_ratings_and_map(ws):
    html = ws.report("022104", 2022)
    page = parse(html)
    report = ws.certify("022104", "family-in-trentino", 2022)
    assert ("requisiti soddisfatti" if report.passed else "requisiti non soddisfatti") in html
    ratings = page.tables["chart-ratings-table"]  # Levico Terme's 2022 plan has a rating
    n = sum(float(r[1][1]) for r in ratings["rows"])
    mean = sum(float(r[1][1]) * int(r[0][0].split()[-1]) for r in ratings["rows"]) / n
    assert mean == pytest.approx(ws.evaluate("rating()", "022104", 2022))
    places = [p for p in ws.places if p.body == "022104" and (p.since is None or int(p.since[:4]) <= 2022)]
    map_table = page.tables["map-table"]
    assert places, "Levico Terme has places"
    named = [row[1][0] for row in map_table["rows"]]
    for p in places:
        assert f"{p.name} — {p.category}" in named


def test_report_errors_name_what_is_wrong(ws):
    with pytest.raises(cp.NotFoundError, match="did you mean"):
        ws.report("022105", 2022)
    with pytest.raises(cp.ValidationError, match='expected "it" or "en"'):
        ws.report("022104", 2022, lang="de")
    with pytest.raises(cp.ValidationError, match="1800"):
        ws.report("022104", 99999)


def test_the_cli_writes_the_report(tmp_path):
    cli = CLI
    db = tmp_path / "family.db"
    subprocess.run([cli, "import", str(db), str(example_path("family"))], check=True, capture_output=True)
    out = tmp_path / "levico.html"
    done = subprocess.run([cli, "report", str(db), "--body", "022104", "--year", "2022", "--lang", "en",
                           "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "report: wrote" in done.stderr
    page = parse(out.read_text(encoding="utf-8"))
    assert page.svgs and dict(page.elements[0][1])["lang"] == "en"
    bad = subprocess.run([cli, "report", str(db), "--body", "nowhere", "--year", "2022"], capture_output=True, text=True)
    assert bad.returncode != 0 and 'no body "nowhere"' in bad.stderr
    assert not (tmp_path / "nowhere.html").exists()


def test_indicator_table_repr_html(ws):
    table = ws.compute_indicators(["fam_spend_per_inhabitant", "fam_macro_areas"], years=[2021, 2022])
    html = table._repr_html_()
    page = parse(html)
    assert "script" not in [t for t, _ in page.elements]
    cells = [d for d in page.text if d.strip()]
    assert f"IndicatorTable: {len(table)} rows" in html
    first = table.row(0)
    assert first["indicator"] in cells and first["body"] in cells
    spend = next(r for r in table.rows() if r["indicator"] == "fam_spend_per_inhabitant" and r["value"] is not None)
    assert f"{spend['value']:.2f}" in cells  # fam_spend_per_inhabitant has 2 decimals
    macro = next(r for r in table.rows() if r["indicator"] == "fam_macro_areas" and r["value"] is not None)
    assert f"{macro['value']:.0f}" in cells  # fam_macro_areas has none
    big = ws.compute_indicators()
    assert f"{len(big) - 60} more rows" in big._repr_html_()


def test_certification_report_repr_html(ws):
    report = ws.certify("022104", "family-in-trentino", 2022)
    html = report._repr_html_()
    assert ("✓ passed" if report.passed else "✗ failed") in html
    for rule in report.rules:
        assert rule.id in html
    failing = ws.certify("022006", "family-in-trentino", 2012, parameters={"macro_aree_minime": 6})
    assert not failing.passed
    assert "Still missing" in failing._repr_html_()


def test_plot_draws_one_line_per_body(ws):
    import matplotlib
    matplotlib.use("Agg")
    table = ws.compute_indicators("fam_spend_per_inhabitant", bodies=["022104", "022205", "pat"])
    ax = table.plot("fam_spend_per_inhabitant", bodies=["022104", "pat"])
    lines = ax.get_lines()
    assert [l.get_label() for l in lines] == ["022104", "pat"]
    frame = table.to_pandas()
    mine = frame[frame.body == "022104"].sort_values("year")
    assert list(lines[0].get_xdata()) == list(mine.year)
    ys = list(lines[0].get_ydata())
    for y, v in zip(ys, mine.value):
        assert (math.isnan(y) and math.isnan(v)) or y == v
    assert ax.get_title() == "fam_spend_per_inhabitant"
    with pytest.raises(ValueError, match="not in this table"):
        table.plot("nope")
    with pytest.raises(ValueError, match="no fam_spend_per_inhabitant row for 'xyz'"):
        table.plot("fam_spend_per_inhabitant", bodies="xyz")
    every = table.plot("fam_spend_per_inhabitant")
    assert len(every.get_lines()) == 3


def contrast(hex_colour, background=(255, 255, 255)):
    """WCAG 2.1 contrast ratio of a #rrggbb colour against the background."""
    def luminance(rgb):
        def channel(c):
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    lighter, darker = sorted((luminance(rgb), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_and_marks_have_enough_contrast(ws):
    import re

    html = ws.report("022104", 2022) + ws.report("dist-pianura-est", 2019)
    page = parse(html)
    text_colours, mark_colours = set(), set()
    root_fill = None
    for tag, attrs in page.elements:
        if tag == "svg":
            root_fill = attrs.get("fill")
            text_colours.add(root_fill)
        elif tag == "text" and attrs.get("fill", "").startswith("#"):
            text_colours.add(attrs["fill"])
        elif tag in ("circle", "path", "rect") and attrs.get("stroke", "").startswith("#"):
            # A series' mark: its outline or its fill carries the colour.
            mark_colours.add(attrs["stroke"])
    decorative = {"#c8ccd0", "#9aa3ab"}  # gridlines and the map's frame: not information
    for colour in text_colours:
        assert contrast(colour) >= 4.5, colour  # WCAG 1.4.3, text
    for colour in mark_colours - decorative:
        assert contrast(colour) >= 3, colour    # WCAG 1.4.11, graphical objects
    css = re.findall(r"--(ink|muted|accent|good|bad):(#[0-9a-f]{6})", html)
    for name, colour in css:
        assert contrast(colour) >= 4.5, (name, colour)
    assert len(mark_colours - decorative) >= 3
