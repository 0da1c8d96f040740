# SPDX-License-Identifier: Apache-2.0
"""The peers civicplan is measured against: pandas (indicators, certification), SQLite (bulk
insert and scan, FTS5 search) and the Italian text analysis that makes FTS5 comparable."""

import csv
import json
import math
import os
import sqlite3

import numpy as np
import pandas as pd

COUNTED = ("approved", "archived")  # the default plan_status filter


# --------------------------------------------------------------------------- tables


def load_tables(data_dir):
    """The CSV tables of a generated data set as DataFrames (not part of any timing)."""
    d = os.path.join(data_dir, "csv")
    read = lambda name, **kw: pd.read_csv(os.path.join(d, name + ".csv"), keep_default_na=False,
                                          na_values=[""], **kw)
    t = {}
    t["bodies"] = read("bodies", dtype={"id": str})
    t["memberships"] = read("memberships", dtype={"body": str, "parent": str})
    t["taxonomy"] = read("taxonomy", dtype=str)
    t["plans"] = read("plans", dtype={"body": str})
    t["actions"] = read("actions", dtype={"action": str, "category": str})
    t["budget"] = read("budget", dtype={"planned": "int64", "actual": "float64"})
    t["progress"] = read("progress")
    t["statistics"] = read("statistics", dtype={"body": str, "value": "float64"})
    t["feedback"] = read("feedback")
    t["places"] = read("places", dtype={"body": str})
    t["certifications"] = read("certifications", dtype={"body": str})
    t["cases"] = read("cases", dtype={"body": str})
    t["ledger"] = read("ledger", dtype={"body": str, "charged": "int64", "collected": "int64"})
    t["taxonomy"]["parent"] = t["taxonomy"]["parent"].fillna("")
    return t


def category_closure(taxonomy):
    """(ref, ancestor_ref) for every category and each of its ancestors, itself included."""
    edges = taxonomy[taxonomy.parent != ""]
    child = edges.taxonomy + ":" + edges.code
    parent = edges.taxonomy + ":" + edges.parent
    edges = pd.DataFrame({"ref": child.values, "up": parent.values})
    refs = (taxonomy.taxonomy + ":" + taxonomy.code).drop_duplicates()
    closure = pd.DataFrame({"ref": refs.values, "up": refs.values})
    frontier = closure
    while True:
        step = frontier.merge(edges.rename(columns={"ref": "up", "up": "next"}), on="up")
        step = step[["ref", "next"]].rename(columns={"next": "up"})
        new = step.merge(closure, how="left", indicator=True)
        new = new[new._merge == "left_only"][["ref", "up"]].drop_duplicates()
        if new.empty:
            return closure.reset_index(drop=True)
        closure = pd.concat([closure, new], ignore_index=True)
        frontier = new


def scope_pairs(bodies, memberships):
    """(group, member) for every body and each body of its scope, itself included."""
    closure = pd.DataFrame({"group": bodies.id.values, "member": bodies.id.values})
    edges = memberships.rename(columns={"body": "member", "parent": "group"})
    frontier = closure
    while True:
        step = edges.merge(frontier.rename(columns={"member": "m2", "group": "member"}), on="member")
        step = step[["group", "m2"]].rename(columns={"m2": "member"}).drop_duplicates()
        if step.empty:
            break
        closure = pd.concat([closure, step], ignore_index=True).drop_duplicates()
        frontier = step
    return closure.reset_index(drop=True)


# --------------------------------------------------------------------------- indicators


def _null(x):
    x = x.astype("float64")
    return x.where(np.isfinite(x))


def _category_sets(acts, closure):
    """For each action, the set of categories its categories lie under (themselves included),
    computed once per distinct value of the category column rather than once per action: the
    column as a pandas Categorical, whose few thousand distinct values are split in Python."""
    combo = acts.category.astype("category")
    up_of = closure.groupby("ref").up.agg(set).to_dict()
    sets = [set().union(*(up_of.get(r, set()) for r in str(name).split("|"))) for name in combo.cat.categories]
    return combo.cat.codes.values, sets


def pandas_indicators(t, years, lean=False):
    """The 27 benchmark indicators, in long form (indicator, body, year, value), with pandas.

    lean=False is the peer as first written: one row per (action, category) exploded from the
    category strings and merged with the taxonomy's closure, cases and places crossed with the
    years and compared as date strings. lean=True does the same work as one would after
    profiling it: the category flags computed once per distinct category value (Categorical
    codes), cases, places and certifications compared by integer year, one year at a time."""
    bodies = t["bodies"]
    kind = bodies.set_index("id").kind
    scope = scope_pairs(bodies, t["memberships"])
    closure = category_closure(t["taxonomy"])
    members_of = set(t["memberships"].parent)
    leaves = scope[~scope.member.isin(members_of)]

    plans = t["plans"][t["plans"].status.isin(COUNTED)]
    acts = t["actions"].merge(plans[["plan", "kind", "body", "year"]], on="plan")
    flag_codes = ("family-tn:T23", "family-tn:B", "zone-er:NA", "zone-er:DOM", "zone-er:MIN")
    roots = set((t["taxonomy"].taxonomy + ":" + t["taxonomy"].code)[t["taxonomy"].parent == ""])
    fam = acts.kind == "family"
    if lean:
        codes, sets = _category_sets(acts, closure)
        for code in flag_codes:
            acts["under " + code] = np.array([code in u for u in sets], dtype=bool)[codes]

        def under_flag(code):
            return acts["under " + code]

        # (action's category value, family macro-area) pairs, then the body-years holding each.
        pairs = pd.DataFrame([(i, r) for i, u in enumerate(sets) for r in sorted(u & roots)
                              if r.startswith("family-tn:")], columns=["code", "up"])
        fam_top = pd.DataFrame({"code": codes[fam.values], "body": acts.body[fam].values, "year": acts.year[fam].values})
        fam_top = fam_top.drop_duplicates().merge(pairs, on="code")[["body", "year", "up"]].drop_duplicates()
    else:
        # Categories of each counted action, one row per (action, ancestor-or-self).
        cats = acts[["aid", "category"]].assign(ref=acts.category.str.split("|")).explode("ref")
        under = cats.merge(closure, on="ref")[["aid", "up"]].drop_duplicates()

        def under_flag(code):
            return acts.aid.isin(under.aid[under.up == code])

        fam_top = under[under.up.isin(roots) & under.up.str.startswith("family-tn:")]
        fam_top = fam_top.merge(acts.loc[fam, ["aid", "body", "year"]], on="aid")[["body", "year", "up"]].drop_duplicates()

    line_columns = ["aid", "kind", "body", "year"] + (["under " + c for c in flag_codes[1:]] if lean else [])
    budget = t["budget"].merge(acts[line_columns].rename(columns={"year": "pyear"}), on="aid")
    budget = budget[budget.year == budget.pyear]
    budget["actual"] = budget.actual.fillna(0)
    fam_b = budget.kind == "family"
    zone_b = budget.kind == "zone"

    def line_flag(code):
        return budget["under " + code] if lean else budget.aid.isin(under.aid[under.up == code])

    b_aid_B = line_flag("family-tn:B")

    # Completion of each counted action at the end of its year, weighted by its planned budget.
    prog = t["progress"].sort_values(["aid", "date"]).drop_duplicates("aid", keep="last").set_index("aid").completion
    comp = acts.aid.map(prog)
    comp = comp.fillna(pd.Series(np.where(acts.status == "completed", 100.0, 0.0), index=acts.index))
    weight = acts.aid.map(budget.groupby("aid").planned.sum()).fillna(0)
    ratings = t["feedback"].groupby("aid").rating.agg(["sum", "count"])

    base = pd.DataFrame({
        "body": acts.body, "year": acts.year,
        "fam_actions": fam.astype(int),
        "fam_completed": (fam & (acts.status == "completed")).astype(int),
        "t23": under_flag("family-tn:T23").astype(int),
        "comp_w": np.where(fam, weight, 0.0), "comp_wc": np.where(fam, weight * comp, 0.0),
        "comp_c": np.where(fam, comp, 0.0),
        "rating_sum": acts.aid.map(ratings["sum"]).fillna(0), "rating_n": acts.aid.map(ratings["count"]).fillna(0),
    })
    lines = pd.DataFrame({
        "body": budget.body, "year": budget.year,
        "fam_planned": np.where(fam_b, budget.planned, 0), "fam_actual": np.where(fam_b, budget.actual, 0),
        "fam_planned_B": np.where(fam_b & b_aid_B, budget.planned, 0),
        "zone_planned": np.where(zone_b, budget.planned, 0), "zone_actual": np.where(zone_b, budget.actual, 0),
        "zone_regional": np.where(zone_b & (budget.source == "regional"), budget.planned, 0),
        "zone_state": np.where(zone_b & (budget.source == "state"), budget.planned, 0),
    })
    for code in ("NA", "DOM", "MIN"):
        lines["zone_" + code] = np.where(zone_b & line_flag("zone-er:" + code), budget.planned, 0)
    yrs = pd.DataFrame({"year": years})
    # Cases active in the year and opened in it; ledger; places in force.
    minors_refs = closure.ref[closure.up == "servizi-sociali:minori"]
    if lean:
        cases = t["cases"]
        opened = cases.opened.str[:4].astype(int)
        closed = cases.closed.str[:4].astype(float)  # NaN when open
        minors = cases.service.isin(minors_refs)
        per_year = []
        for y in years:
            active = (opened <= y) & ~(closed < y)
            per_year.append(pd.DataFrame({"body": cases.body, "year": y, "cases": active.astype(int),
                                          "new_cases": (opened == y).astype(int),
                                          "minors": (active & minors).astype(int)}))
        case_rows = pd.concat(per_year, ignore_index=True)
    else:
        cases = t["cases"].merge(yrs, how="cross")
        start = cases.year.astype(str) + "-01-01"
        end = cases.year.astype(str) + "-12-31"
        active = (cases.opened <= end) & (cases.closed.isna() | (cases.closed >= start))
        minors = cases.service.isin(minors_refs)
        case_rows = pd.DataFrame({"body": cases.body, "year": cases.year, "cases": active.astype(int),
                                  "new_cases": (cases.opened.str[:4].astype(int) == cases.year).astype(int),
                                  "minors": (active & minors).astype(int)})
    ledger = t["ledger"]
    ledger_rows = pd.DataFrame({"body": ledger.body, "year": ledger.year, "charged": ledger.charged,
                                "collected": ledger.collected,
                                "charged_mensa": np.where(ledger.service == "mensa", ledger.charged, 0),
                                "collected_mensa": np.where(ledger.service == "mensa", ledger.collected, 0)})
    places = t["places"].merge(yrs, how="cross")
    places = places[places.since.isna() | (places.since <= places.year.astype(str) + "-12-31")]
    place_rows = pd.DataFrame({"body": places.body, "year": places.year, "places": 1})

    own = pd.concat([base.groupby(["body", "year"]).sum(), lines.groupby(["body", "year"]).sum(),
                     case_rows.groupby(["body", "year"]).sum(), ledger_rows.groupby(["body", "year"]).sum(),
                     place_rows.groupby(["body", "year"]).sum()], axis=1).fillna(0)
    own = own.reset_index().rename(columns={"body": "member"})
    agg = scope.merge(own, on="member").drop(columns="member").groupby(["group", "year"]).sum()
    grid = pd.MultiIndex.from_product([bodies.id.values, years], names=["group", "year"])
    agg = agg.reindex(grid, fill_value=0)

    # Distinct macro-areas of family actions over each scope.
    macro = scope.merge(fam_top.rename(columns={"body": "member"}), on="member")
    macro = macro.drop_duplicates(["group", "year", "up"]).groupby(["group", "year"]).size()
    agg["macro"] = macro.reindex(grid, fill_value=0)

    # Statistics: a body's own value, else the sum over its leaves (null when any leaf lacks it).
    stats = t["statistics"].pivot_table(index=["body", "year"], columns="variable", values="value")
    n_leaves = leaves.groupby("group").size()
    lv = leaves.merge(stats.reset_index().rename(columns={"body": "member"}), on="member")
    summed = lv.groupby(["group", "year"])[["population", "children"]].agg(["sum", "count"])
    need = summed.index.get_level_values("group").map(n_leaves).values
    for var in ("population", "children"):
        val = summed[(var, "sum")].where(summed[(var, "count")].values == need)
        agg[var] = val.reindex(grid)
    prev = agg["population"].copy()
    prev.index = pd.MultiIndex.from_arrays([prev.index.get_level_values(0), prev.index.get_level_values(1) + 1])
    agg["population_prev"] = prev.reindex(grid)

    # Municipal values for members(...): certification held, population above 5000.
    certs = t["certifications"].merge(yrs, how="cross")
    certs = certs[certs.date <= certs.year.astype(str) + "-12-31"].sort_values("date")
    latest = certs.drop_duplicates(["body", "year"], keep="last")
    held = latest.status.isin(["granted", "renewed"]) & (latest.expires.isna() | (latest.expires >= latest.year.astype(str) + "-01-01"))
    munis = bodies.id[bodies.kind == "municipality"]
    mgrid = pd.MultiIndex.from_product([munis.values, years], names=["member", "year"])
    held = pd.Series(held.astype(float).values, index=pd.MultiIndex.from_arrays([latest.body, latest.year],
                                                                                 names=["member", "year"]))
    mvals = pd.DataFrame({"held": held.reindex(mgrid, fill_value=0.0)})
    mpop = agg["population"].rename_axis(["member", "year"]).reindex(mgrid)
    mvals["big"] = (mpop > 5000).astype(float).where(mpop.notna())
    mm = scope.merge(mvals.reset_index(), on="member").groupby(["group", "year"])[["held", "big"]].mean()
    agg["held_share"] = mm["held"].reindex(grid)
    agg["big_share"] = mm["big"].reindex(grid)

    a = agg
    pop, children = a.population, a.children
    eur = lambda c: c / 100.0
    year = pd.Series(a.index.get_level_values("year"), index=a.index)
    comp_val = _null(a.comp_wc / a.comp_w).where(a.comp_w > 0, _null(a.comp_c / a.fam_actions))
    values = {
        "fam_actions_per_1000": a.fam_actions / pop * 1000,
        "fam_spend_per_inhabitant": eur(a.fam_planned) / pop,
        "fam_spend_actual_share": eur(a.fam_actual) / eur(a.fam_planned),
        "fam_macro_areas": a.macro.astype(float),
        "fam_completed_share": a.fam_completed / a.fam_actions,
        "fam_completion": comp_val,
        "fam_places_per_1000_children": a.places / children * 1000,
        "fam_large_family_fees": a.t23.astype(float),
        "fam_economic_measures_per_child": (eur(a.fam_planned) / children).where(year >= 2016).where(
            year < 2020, eur(a.fam_planned_B) / children),
        "fam_population_change": pop - a.population_prev,
        "fam_certified_share": a.held_share,
        "fam_large_municipalities_share": a.big_share,
        "fam_rating": a.rating_sum / a.rating_n,
        "fam_spend_gap": _null(eur(a.fam_planned) / pop) - 5,
        "zone_spend_per_inhabitant": eur(a.zone_planned) / pop,
        "zone_actual_share": eur(a.zone_actual) / eur(a.zone_planned),
        "zone_share_na": a.zone_NA / a.zone_planned,
        "zone_share_dom": a.zone_DOM / a.zone_planned,
        "zone_share_min": a.zone_MIN / a.zone_planned,
        "zone_share_regional": a.zone_regional / a.zone_planned,
        "zone_share_state": a.zone_state / a.zone_planned,
        "soc_cases_per_1000": a.cases / pop * 1000,
        "soc_new_cases": a.new_cases.astype(float),
        "soc_minors_cases": a.minors.astype(float),
        "fee_collection_rate": eur(a.collected) / eur(a.charged),
        "fee_collection_rate_mensa": eur(a.collected_mensa) / eur(a.charged_mensa),
        "fee_charged_per_inhabitant": eur(a.charged) / pop,
    }
    all_levels = {"municipality", "district", "province", "region"}
    groups = {"district", "province", "region"}
    body_kind = pd.Series(a.index.get_level_values("group")).map(kind).values
    out = []
    for name, v in values.items():
        levels = groups if name.startswith(("zone_", "fam_certified", "fam_large_mun")) else all_levels
        keep = np.isin(body_kind, list(levels))
        v = _null(v)[keep]
        out.append(pd.DataFrame({"indicator": name, "body": v.index.get_level_values(0),
                                 "year": v.index.get_level_values(1), "value": v.values}))
    return pd.concat(out, ignore_index=True).sort_values(["indicator", "body", "year"], ignore_index=True)


# --------------------------------------------------------------------------- certification


def pandas_certify(t, years):
    """The family-in-trentino 2012 rules for every municipality and year: points and passed."""
    bodies = t["bodies"]
    munis = bodies.id[bodies.kind == "municipality"].values
    closure = category_closure(t["taxonomy"])
    plans = t["plans"][t["plans"].status.isin(COUNTED) & (t["plans"].kind == "family")]
    acts = t["actions"].merge(plans[["plan", "body", "year"]], on="plan")
    cats = acts[["aid", "category"]].assign(ref=acts.category.str.split("|")).explode("ref")
    under = cats.merge(closure, on="ref")[["aid", "up"]].drop_duplicates()
    under = under.merge(acts[["aid", "body", "year"]], on="aid")
    wanted = ["family-tn:" + c for c in ("T11", "T23", "A", "B", "C", "D", "E")]
    counts = under[under.up.isin(wanted)].groupby(["body", "year", "up"]).size().unstack(fill_value=0)
    grid = pd.MultiIndex.from_product([munis, years], names=["body", "year"])
    counts = counts.reindex(columns=wanted, fill_value=0).reindex(grid, fill_value=0)
    n_plans = plans.groupby(["body", "year"]).size().reindex(grid, fill_value=0)
    macro = counts[wanted[2:]].gt(0).sum(axis=1)
    budget = t["budget"].merge(acts[["aid", "body", "year"]].rename(columns={"year": "pyear"}), on="aid")
    spend = budget[budget.year == budget.pyear].groupby(["body", "year"]).planned.sum().reindex(grid, fill_value=0)
    stats = t["statistics"]
    pop = stats[stats.variable == "population"].set_index(["body", "year"]).value.reindex(grid)
    per_inh = _null(spend / 100.0 / pop)
    c = counts
    points = (4 * (c["family-tn:T11"] >= 1) + 4 * (c["family-tn:T23"] >= 1) + 6 * (macro >= 4)
              + 6 * (per_inh >= 5).where(per_inh.notna(), False)
              + np.minimum(c["family-tn:A"] * 4, 12) + np.minimum(c["family-tn:B"] * 3, 15)
              + np.minimum(c["family-tn:C"] * 3, 9) + np.minimum(c["family-tn:D"] * 3, 12)
              + np.minimum(c["family-tn:E"] * 3, 12)).astype(float)
    min_points = pd.Series(np.where(pop > 5000, 58.0, 52.0), index=grid).where(pop.notna())
    mandatory = (n_plans >= 1) & (c["family-tn:T11"] >= 1) & (c["family-tn:T23"] >= 1)
    passed = mandatory & min_points.notna() & (points >= min_points)
    return pd.DataFrame({"points": points, "passed": passed}).reset_index()


# --------------------------------------------------------------------------- text analysis

_LATIN1 = ["a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
           "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
           "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
           "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y"]
_STOP = set("""a ad agli ai al alla alle allo anche c che chi ci coi col come con cui d da dagli dai dal
dall dalla dalle dallo degli dei del dell della delle dello di e ed fra gli i il in l la le lo loro ma ne
negli nei nel nell nella nelle nello non o od ogni per piu quale quali quella quelle quelli quello questa
queste questi questo se si sia sono su sua sue sugli sui sul sull sulla sulle sullo suo suoi tra un una
uno""".split())
_APOSTROPHES = "'\u2019\u2018\u02bc"


def _separator(ch):
    cp = ord(ch)
    if cp < 0x80:
        return not ch.isascii() or not ch.isalnum()
    return (0x80 <= cp <= 0xBF or cp in (0xD7, 0xF7) or 0x2000 <= cp <= 0x2BFF or 0x3000 <= cp <= 0x303F
            or 0xFE00 <= cp <= 0xFE0F or cp == 0xFEFF or 0xFFF0 <= cp <= 0xFFFF or cp >= 0x1F000)


def _fold(ch):
    cp = ord(ch)
    if cp < 0x80:
        return ch.lower()
    if 0xC0 <= cp <= 0xFF:
        return _LATIN1[cp - 0xC0]
    if 0x300 <= cp <= 0x36F:
        return ""
    return ch  # the generated data holds no other letters


def _stem(w):
    n = len(w)
    if n < 6 or not all("a" <= c <= "z" for c in w):
        return w
    last, before = w[-1], w[-2]
    if last == "e":
        return w[:-2] if before in "ih" else w[:-1]
    if last == "i":
        return w[:-2] if before in "hi" else w[:-1]
    if last in "ao":
        return w[:-2] if before == "i" else w[:-1]
    return w


def analyze(text):
    """civicplan's analysis (docs/practices.md): folding, elision, stop words, light stemming."""
    out, word = [], []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES:
            nxt = text[i + 1] if i + 1 < n else None
            elided = bool(word) and nxt is not None and not _separator(nxt) and nxt not in _APOSTROPHES
            w = "".join(word)
            if w and not elided and w not in _STOP:
                out.append(_stem(w))
            word = []
        elif _separator(ch):
            w = "".join(word)
            if w and w not in _STOP:
                out.append(_stem(w))
            word = []
        else:
            word.append(_fold(ch))
    w = "".join(word)
    if w and w not in _STOP:
        out.append(_stem(w))
    return out


def query_terms(text):
    seen, out = set(), []
    for term in analyze(text):
        if term not in seen:
            seen.add(term)
            out.append(term)
    return out[:64]


# --------------------------------------------------------------------------- FTS5


class Fts5Peer:
    """An FTS5 index over the same searchable actions, fed pre-analysed terms: the title's terms
    twice, the description's, and the labels of the action's own categories, as civicplan does."""

    def __init__(self, t, path=":memory:"):
        self.db = sqlite3.connect(path)
        plans = t["plans"][t["plans"].status.isin(COUNTED)]
        acts = t["actions"].merge(plans[["plan"]], on="plan").sort_values(["plan", "aid"])
        labels = dict(zip(t["taxonomy"].taxonomy + ":" + t["taxonomy"].code, t["taxonomy"].label))
        closure = category_closure(t["taxonomy"])
        self.ups = closure.groupby("ref").up.apply(list).to_dict()
        self.label_terms = {ref: analyze(label) for ref, label in labels.items()}
        db = self.db
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0')")
        db.execute("CREATE TABLE doc_cat(ref TEXT, doc INTEGER, PRIMARY KEY (ref, doc)) WITHOUT ROWID")
        self.ref = {}
        self.n = 0
        self.add(acts)

    def add(self, acts):
        """Indexes the rows of `acts` (columns aid, plan, action, title, description, category),
        as an approval makes a plan's actions searchable."""
        docs, doc_cats = [], []
        for aid, plan, action, title, desc, cats in zip(acts.aid, acts.plan, acts.action, acts.title,
                                                         acts.description, acts.category):
            refs = cats.split("|")
            terms = analyze(title) * 2 + analyze(desc)
            for r in refs:
                terms += self.label_terms[r]
            docs.append((int(aid), " ".join(terms)))
            self.ref[int(aid)] = plan + "/" + action
            for up in {u for r in refs for u in self.ups[r]}:
                doc_cats.append((up, int(aid)))
        with self.db:
            self.db.executemany("INSERT INTO docs(rowid, terms) VALUES (?, ?)", docs)
            self.db.executemany("INSERT INTO doc_cat VALUES (?, ?)", doc_cats)
        self.n += len(docs)

    def search(self, text, category=None, limit=20):
        terms = query_terms(text)
        if not terms:
            return []
        match = " OR ".join('"%s"' % t for t in terms)
        if category:
            # CROSS JOIN keeps the full-text match as the outer loop, the filter as point lookups.
            rows = self.db.execute(
                "SELECT docs.rowid, bm25(docs) AS score FROM docs CROSS JOIN doc_cat "
                "ON doc_cat.ref = ? AND doc_cat.doc = docs.rowid WHERE docs MATCH ? ORDER BY score LIMIT ?",
                (category, match, limit)).fetchall()
        else:
            rows = self.db.execute("SELECT rowid, bm25(docs) AS score FROM docs WHERE docs MATCH ? ORDER BY score LIMIT ?",
                                   (match, limit)).fetchall()
        return [(self.ref[r], -s) for r, s in rows]

    def civicplan_scores(self, text, category=None, limit=20):
        """The same matches re-scored with civicplan's idf, ln(1 + (N - df + 0.5)/(df + 0.5)), from
        FTS5's own per-term bm25 (which uses ln((N - df + 0.5)/(df + 0.5)), floored at 1e-6):
        the term-frequency and length parts come from FTS5, only the idf differs."""
        allowed = None
        if category:
            allowed = {r for (r,) in self.db.execute("SELECT doc FROM doc_cat WHERE ref = ?", (category,))}
        score = {}
        for term in query_terms(text):
            rows = self.db.execute("SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ?", ('"%s"' % term,)).fetchall()
            df = len(rows)
            if not df:
                continue
            idf_fts = max(math.log((self.n - df + 0.5) / (df + 0.5)), 1e-6)
            idf_cp = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            for r, s in rows:
                if allowed is None or r in allowed:
                    score[r] = score.get(r, 0.0) + idf_cp * (-s / idf_fts)
        ranked = sorted(score.items(), key=lambda x: -x[1])
        return [(self.ref[r], s) for r, s in ranked[:limit]], ranked[limit][1] if len(ranked) > limit else None


# --------------------------------------------------------------------------- plain SQLite

SQL_TABLES = {
    "bodies": "id TEXT PRIMARY KEY, kind TEXT, name TEXT",
    "memberships": "body TEXT, parent TEXT",
    "taxonomy": "taxonomy TEXT, code TEXT, parent TEXT, label TEXT",
    "plans": "plan TEXT PRIMARY KEY, kind TEXT, body TEXT, year INTEGER, status TEXT",
    "actions": "aid INTEGER PRIMARY KEY, plan TEXT, action TEXT, title TEXT, description TEXT, status TEXT, category TEXT",
    "budget": "aid INTEGER, year INTEGER, source TEXT, planned INTEGER, actual INTEGER",
    "progress": "aid INTEGER, date TEXT, completion INTEGER",
    "statistics": "body TEXT, year INTEGER, variable TEXT, value REAL",
    "feedback": "aid INTEGER, rating INTEGER, date TEXT",
    "places": "id TEXT PRIMARY KEY, body TEXT, category TEXT, since TEXT",
    "certifications": "body TEXT, scheme TEXT, status TEXT, date TEXT, expires TEXT",
    "cases": "id TEXT PRIMARY KEY, body TEXT, service TEXT, opened TEXT, closed TEXT",
    "ledger": "body TEXT, service TEXT, year INTEGER, charged INTEGER, collected INTEGER",
}


def csv_rows(data_dir):
    """The rows of every table as lists of tuples (text values; SQLite applies column affinity)."""
    rows = {}
    for name in SQL_TABLES:
        with open(os.path.join(data_dir, "csv", name + ".csv"), newline="", encoding="utf-8") as f:
            r = csv.reader(f)
            next(r)
            rows[name] = [tuple(v if v != "" else None for v in row) for row in r]
    return rows


def sqlite_save(path, rows):
    """Bulk insert of every row in one transaction (WAL, synchronous FULL, as civicplan)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("BEGIN")
    for name, cols in SQL_TABLES.items():
        db.execute("CREATE TABLE %s (%s)" % (name, cols))
        marks = ",".join("?" * len(cols.split(",")))
        db.executemany("INSERT INTO %s VALUES (%s)" % (name, marks), rows[name])
    db.execute("COMMIT")
    db.close()


def sqlite_scan(path):
    """Open and read every row of every table."""
    db = sqlite3.connect(path)
    n = 0
    for name in SQL_TABLES:
        n += len(db.execute("SELECT * FROM %s" % name).fetchall())
    db.close()
    return n


# --------------------------------------------------------------------------- C++ hand loop

HAND_LOOP_INDICATORS = [
    "fam_actions_per_1000", "fam_spend_per_inhabitant", "fam_spend_actual_share", "fam_macro_areas",
    "fam_completed_share", "fam_completion", "fam_places_per_1000_children", "fam_large_family_fees",
    "fam_economic_measures_per_child", "fam_population_change", "fam_certified_share",
    "fam_large_municipalities_share", "fam_rating", "fam_spend_gap", "zone_spend_per_inhabitant",
    "zone_actual_share", "zone_share_na", "zone_share_dom", "zone_share_min", "zone_share_regional",
    "zone_share_state", "soc_cases_per_1000", "soc_new_cases", "soc_minors_cases", "fee_collection_rate",
    "fee_collection_rate_mensa", "fee_charged_per_inhabitant"]


def hand_loop_arrays(t, years, out_dir):
    """Lays the tables out as the plain arrays benchmarks/hand_loop.cpp reads (not timed): body
    indices, year indices, category flags from the taxonomy closure, dates as yyyymmdd."""
    os.makedirs(out_dir, exist_ok=True)
    i32 = lambda x: np.asarray(x, dtype=np.int32)
    i64 = lambda x: np.asarray(x, dtype=np.int64)

    def put(name, arr):
        arr.tofile(os.path.join(out_dir, name + ".bin"))

    bodies = t["bodies"]
    index = pd.Series(np.arange(len(bodies)), index=bodies.id.values)
    kinds = {"municipality": 0, "district": 1, "province": 2, "region": 3}
    y0, ny = years[0], len(years)
    put("dims", i32([len(bodies), ny, y0]))
    put("kind", i32(bodies.kind.map(kinds)))
    scope = scope_pairs(bodies, t["memberships"])
    scope = scope.assign(g=scope.group.map(index), m=scope.member.map(index)).sort_values(["g", "m"])
    put("scope_off", i32(np.searchsorted(scope.g.values, np.arange(len(bodies) + 1))))
    put("scope_items", i32(scope.m))
    put("leaf", i32(~bodies.id.isin(set(t["memberships"].parent))))
    closure = category_closure(t["taxonomy"])
    acts = t["actions"].merge(t["plans"], on="plan", how="left", sort=False).sort_values("aid")
    assert (acts.aid.values == np.arange(len(acts))).all()
    counted = acts.status_y.isin(COUNTED)
    cats = acts[["aid", "category"]].assign(ref=acts.category.str.split("|")).explode("ref").merge(closure, on="ref")
    flag = lambda code: acts.aid.isin(cats.aid[cats.up == code]).values
    put("a_body", i32(acts.body.map(index)))
    put("a_year", i32(acts.year - y0))
    put("a_kind", i32(np.where(counted, np.where(acts.kind == "family", 0, 1), -1)))
    put("a_completed", i32(acts.status_x == "completed"))
    put("a_flags", i32(flag("family-tn:T23") * 1 + flag("family-tn:B") * 2 + flag("zone-er:NA") * 4
                       + flag("zone-er:DOM") * 8 + flag("zone-er:MIN") * 16))
    put("a_top", i32(sum(flag("family-tn:" + c) * (1 << k) for k, c in enumerate("ABCDE"))))
    ymd = lambda s: i32(s.fillna("0").str.replace("-", "").astype(np.int64))
    prog = t["progress"].sort_values(["aid", "date"], kind="stable")
    put("p_aid", i32(prog.aid))
    put("p_date", ymd(prog.date))
    put("p_completion", i32(prog.completion))
    b = t["budget"]
    put("l_aid", i32(b.aid))
    put("l_year", i32(b.year - y0))
    put("l_source", i32(np.where(b.source == "regional", 1, np.where(b.source == "state", 2, 0))))
    put("l_planned", i64(b.planned))
    put("l_actual", i64(b.actual.fillna(0)))
    stats = t["statistics"]
    for var in ("population", "children"):
        s = stats[stats.variable == var]
        arr = np.full(len(bodies) * ny, np.nan)
        arr[s.body.map(index).values * ny + (s.year.values - y0)] = s.value.values
        put(var, arr)
    put("f_aid", i32(t["feedback"].aid))
    put("f_rating", i32(t["feedback"].rating))
    c = t["cases"]
    put("c_body", i32(c.body.map(index)))
    put("c_open", ymd(c.opened))
    put("c_close", i32(np.where(c.closed.isna(), 99999999, ymd(c.closed))))
    put("c_minor", i32(c.service.isin(closure.ref[closure.up == "servizi-sociali:minori"])))
    g = t["ledger"]
    put("g_body", i32(g.body.map(index)))
    put("g_year", i32(g.year - y0))
    put("g_mensa", i32(g.service == "mensa"))
    put("g_charged", i64(g.charged))
    put("g_collected", i64(g.collected))
    pl = t["places"]
    put("pl_body", i32(pl.body.map(index)))
    put("pl_since", ymd(pl.since))
    r = t["certifications"].sort_values("date", kind="stable")
    put("r_body", i32(r.body.map(index)))
    put("r_date", ymd(r.date))
    put("r_grants", i32(r.status.isin(["granted", "renewed"])))
    put("r_expires", i32(np.where(r.expires.isna(), 99999999, ymd(r.expires))))


def hand_loop_table(out_dir, bodies, years):
    """The hand loop's output in long form (indicator, body, year, value)."""
    out = np.fromfile(os.path.join(out_dir, "out.f64"), dtype=np.float64)
    ni, nb, ny = len(HAND_LOOP_INDICATORS), len(bodies), len(years)
    out = out.reshape(ni, nb, ny)
    return pd.DataFrame({
        "indicator": np.repeat(HAND_LOOP_INDICATORS, nb * ny),
        "body": np.tile(np.repeat(bodies.id.values, ny), ni),
        "year": np.tile(np.asarray(years), ni * nb),
        "value": out.ravel()})


# --------------------------------------------------------------------------- execution (h)


def execution_files(data_dir, n=50000, seed=7):
    """n progress rows and n actual-spending rows on approved plans, as the two CSV files of
    `civicplan record` (made once per data set): year-end progress of n distinct actions, and
    the actual of n distinct budget lines (between half and all of the planned amount)."""
    import random
    out = os.path.join(data_dir, "execution")
    made = os.path.join(out, "files.json")
    if os.path.exists(made):
        with open(made) as f:
            paths = json.load(f).get(str(n))
        if paths and all(os.path.exists(p) for p in paths):
            return tuple(paths)
    rows = {name: [] for name in ("plans", "actions", "budget")}
    for name in rows:
        with open(os.path.join(data_dir, "csv", name + ".csv"), newline="", encoding="utf-8") as f:
            r = csv.reader(f)
            next(r)
            rows[name] = list(r)
    approved = {p[0]: int(p[3]) for p in rows["plans"] if p[4] == "approved"}
    action_of = {a[0]: (a[1], a[2]) for a in rows["actions"] if a[1] in approved}
    rng = random.Random(seed)
    lines = [b for b in rows["budget"] if b[0] in action_of]
    k = min(n, len(action_of) // 2, len(lines) // 2)  # smaller data sets get fewer rows
    aids = rng.sample(sorted(action_of, key=int), k)
    chosen = rng.sample(range(len(lines)), k)
    os.makedirs(out, exist_ok=True)
    paths = (os.path.join(out, "progress_%d.csv" % k), os.path.join(out, "actuals_%d.csv" % k))
    with open(paths[0], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["plan", "action", "date", "completion"])
        for aid in aids:
            plan, action = action_of[aid]
            w.writerow([plan, action, "%d-12-31" % approved[plan], rng.choice([25, 50, 75, 100])])
    with open(paths[1], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["plan", "action", "year", "source", "actual"])
        for i in chosen:
            aid, year, source, planned = lines[i][0], lines[i][1], lines[i][2], int(lines[i][3])
            cents = int(planned * rng.uniform(0.5, 1.0))
            w.writerow(list(action_of[aid]) + [year, source, "%d.%02d" % (cents // 100, cents % 100)])
    with open(made, "w") as f:
        json.dump({str(n): paths}, f)
    return paths


def sqlite_execution_prepare(path, rows):
    """The peer's database: the tables of sqlite_save with the indexes an UPDATE by key needs
    (made before timing, as civicplan's workspace is)."""
    sqlite_save(path, rows)
    db = sqlite3.connect(path)
    db.execute("CREATE UNIQUE INDEX actions_key ON actions(plan, action)")
    db.execute("CREATE INDEX budget_key ON budget(aid, year, source)")
    db.execute("CREATE INDEX progress_key ON progress(aid, date)")
    db.commit()
    db.close()


def sqlite_execution(path, files):
    """The same records as plain SQL in one transaction: each progress row replaces the entry of
    its action and date, each actual row is an UPDATE of its budget line. Returns the number of
    rows that changed."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("BEGIN")
    aid = "(SELECT aid FROM actions WHERE plan = ? AND action = ?)"
    with open(files[0], newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        progress = [(p, a, d, int(c)) for p, a, d, c in r]
    db.executemany("DELETE FROM progress WHERE aid = %s AND date = ?" % aid, [(p, a, d) for p, a, d, c in progress])
    db.executemany("INSERT INTO progress SELECT %s, ?, ?" % aid, progress)
    with open(files[1], newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        actuals = [(round(float(x) * 100), p, a, int(y), s) for p, a, y, s, x in r]
    db.executemany("UPDATE budget SET actual = ? WHERE aid = %s AND year = ? AND source = ?" % aid, actuals)
    changed = db.total_changes
    db.execute("COMMIT")
    db.close()
    return changed
