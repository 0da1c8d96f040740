#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""civicplan on PostgreSQL: a regional platform's load, and the storage steps at scale.

    benchmarks/pg_load.py [--uri BASE] [--editors 50] [--readers 20] [--reviewers 4]
                          [--ops 20] [--districts 38] [--submit-every 5] [--reads 20]
                          [--solo 200] [--json FILE]
    benchmarks/pg_load.py --storage [--bundle PATH] [--repeat N] [--uri BASE] [--json FILE]
    benchmarks/pg_load.py --italy [--repeat N]        (--storage on build-bench/data/italy)

The load test (default) builds a bundle of Emilia-Romagna's districts (the region, one body
per district with eight municipalities, an approved and a draft zone plan each, the zone-er
taxonomy and the zone indicators of examples/data/zone.json, one editor user per editor
process on its district, reviewers of the region), imports it into a fresh schema, then starts
one process per editor, reviewer and reader (spawned, with no workspace open in the parent),
all released together:

- an editor does --ops edits of its district's plan: read it, add an action and retitle it,
  put_plan with expected_revision; on ConflictError it counts a conflict, reads again and
  retries. Every --submit-every edits it submits the plan. While the plan is submitted it
  waits for a reviewer; once approved it continues on an update (new_variant) of it.
- a reviewer approves or rejects (about one in three approved) the submitted plans it finds,
  until the editors are done and nothing is left to review.
- a reader computes every indicator (compute_indicators) --reads times.

Every process records the latency of every call and each write acknowledged to it (operation,
plan, returned revision, the action it added). Afterwards a fresh workspace checks that
nothing was lost: every acknowledged put_plan's action is in its plan (in the final export and
in the revision the write returned, together with all the actions acknowledged before it), the
final revision of each plan is its import revision plus the writes acknowledged on it, the
revisions acknowledged are exactly the revisions after the import, the final status and title
are those of the last acknowledged write, the kept history and the audit log hold exactly the
acknowledged writes (by operation, object, revision and user), and the change sequence has
one commit per acknowledged write. Exit status 1 if any check fails or any process failed.
Then, as references in the same run: one writer alone doing --solo edits, and pgbench doing
the SQL of a put_plan (advisory lock, plan row rewritten, revision, audit and change rows) with
one client and with --editors clients.

Before commit b9ccc9a a stale put_plan of a plan read as rejected that another editor had
since written or submitted was refused with ValidationError ("put_plan writes drafts, got
rejected") instead of ConflictError; the editors still recognise that refusal, count it,
re-read and retry, and the report names it as an anomaly (it loses nothing).

--storage times, each beside PostgreSQL doing the same rows in the same run: the import of a
bundle into memory (parsing and the model) and into a fresh schema, the save being the
difference (as benchmarks/run reports it for SQLite), beside psql \\copy of the rows civicplan
wrote into tables of the same columns (plain, and with the same keys and indexes); the full
open of that schema beside psql copying what civicplan's open selects to /dev/null; a refresh
after one put_plan by another connection beside pgbench reading the change row and the plan
row it names, and beside the full open; a refresh after ten put_plans; compute_indicators on
the refreshed snapshot; put_plan there and on an in-memory workspace of the same bundle.

Without --uri a throwaway cluster is started with scripts/pg-cluster in a temporary directory
and removed at the end, also on failure. civicplan is imported from PYTHONPATH, else from
build/python.
"""

import argparse
import collections
import json
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PG_CLUSTER = os.path.join(ROOT, "scripts", "pg-cluster")
ZONE_EXAMPLE = os.path.join(ROOT, "examples", "data", "zone.json")

STALE_AS_VALIDATION = "stale put_plan of a rejected plan refused as ValidationError, not ConflictError"
WRITES = ("put_plan", "submit", "approve", "reject", "new_variant")
# The status a plan is left in by each write.
STATUS_AFTER = {"put_plan": "draft", "submit": "submitted", "approve": "approved", "reject": "rejected",
                "new_variant": "draft"}

# The 38 social and health districts of Emilia-Romagna (ambiti distrettuali), by province.
ER_DISTRICTS = [
    ("PC", "Città di Piacenza"), ("PC", "Levante"), ("PC", "Ponente"),
    ("PR", "Parma"), ("PR", "Fidenza"), ("PR", "Sud Est"), ("PR", "Valli Taro e Ceno"),
    ("RE", "Reggio Emilia"), ("RE", "Castelnovo ne' Monti"), ("RE", "Correggio"), ("RE", "Guastalla"),
    ("RE", "Montecchio Emilia"), ("RE", "Scandiano"),
    ("MO", "Carpi"), ("MO", "Mirandola"), ("MO", "Modena"), ("MO", "Sassuolo"), ("MO", "Pavullo nel Frignano"),
    ("MO", "Vignola"), ("MO", "Castelfranco Emilia"),
    ("BO", "Città di Bologna"), ("BO", "Pianura Est"), ("BO", "Pianura Ovest"), ("BO", "Reno, Lavino e Samoggia"),
    ("BO", "San Lazzaro di Savena"), ("BO", "Appennino Bolognese"), ("BO", "Imola"),
    ("FE", "Centro-Nord"), ("FE", "Sud-Est"), ("FE", "Ovest"),
    ("RA", "Ravenna, Cervia e Russi"), ("RA", "Lugo"), ("RA", "Faenza"),
    ("FC", "Forlì"), ("FC", "Cesena - Valle del Savio"), ("FC", "Rubicone"),
    ("RN", "Rimini"), ("RN", "Riccione"),
]
MUNICIPALITIES_PER_DISTRICT = 8


def import_civicplan():
    try:
        import civicplan
    except ImportError:
        sys.path.insert(0, os.path.join(ROOT, "build", "python"))
        import civicplan
    return civicplan


# --------------------------------------------------------------------------- PostgreSQL


def with_schema(base, schema):
    return base + ("&" if "?" in base else "?") + "schema=" + schema


def psql_binary():
    found = shutil.which("psql")
    if found:
        return found
    candidates = sorted(d for d in os.listdir("/usr/lib/postgresql") if os.path.exists(
        os.path.join("/usr/lib/postgresql", d, "bin", "psql"))) if os.path.isdir("/usr/lib/postgresql") else []
    if not candidates:
        raise SystemExit("psql not found")
    return os.path.join("/usr/lib/postgresql", candidates[-1], "bin", "psql")


def psql(base, script, single_transaction=False, capture=True):
    """Runs `script` (SQL and psql meta-commands) with psql on the database of `base`."""
    cmd = [psql_binary(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", base]
    if single_transaction:
        script = "BEGIN;\n" + script + "COMMIT;\n"
    p = subprocess.run(cmd, input=script, text=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("psql failed (status %d): %s\n--- script:\n%s" % (p.returncode, p.stderr.strip(),
                                                                          script[:2000]))
    return p.stdout if capture else ""


def drop_schema(base, schema):
    psql(base, 'DROP SCHEMA IF EXISTS "%s" CASCADE;' % schema)


class Cluster:
    """The database of --uri, or a throwaway cluster started now and removed on exit."""

    def __init__(self, uri):
        self.uri, self.dir = uri, None

    def __enter__(self):
        if self.uri:
            return self.uri
        self.dir = tempfile.mkdtemp(prefix="civicplan-pgbench-")
        os.chmod(self.dir, 0o755)
        p = subprocess.run([PG_CLUSTER, "start", os.path.join(self.dir, "pg")], stdout=subprocess.PIPE, text=True)
        if p.returncode != 0:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise SystemExit("scripts/pg-cluster start failed (status %d)" % p.returncode)
        self.uri = p.stdout.strip().splitlines()[-1]
        print("cluster: %s (throwaway, removed at the end)" % self.uri, flush=True)
        return self.uri

    def __exit__(self, *exc):
        if self.dir:
            subprocess.run([PG_CLUSTER, "stop", os.path.join(self.dir, "pg")])
            shutil.rmtree(self.dir, ignore_errors=True)
        return False


def terminate_on_signal():
    """SIGTERM and SIGHUP end the script through SystemExit, so that its cleanup runs."""
    def stop(signum, _frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, stop)


# --------------------------------------------------------------------------- statistics


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * q))] if v else float("nan")


def fmt_s(x):
    if x != x:
        return "-"
    if x >= 0.1:
        return "%.3f s" % x
    if x >= 0.001:
        return "%.2f ms" % (x * 1e3)
    return "%.0f µs" % (x * 1e6)


def ratio_text(ours, peer):
    """peer / civicplan, as benchmarks/README.md reports it (above 1: civicplan is faster)."""
    r = peer / ours
    return "%.2fx (%.1f%%)" % (r, 100 * r)


# --------------------------------------------------------------------------- the regional bundle


def slug(text):
    out, dash = [], False
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for ch in plain.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def district_names(n):
    names = list(ER_DISTRICTS[:n])
    for k in range(len(names), n):
        names.append(("XX", "Distretto %d" % (k + 1)))
    return names


def draft_plan_id(district_id):
    return "pdz-%s-2024-2026" % district_id[len("dist-"):]


def editor_user(e):
    return "u-editor-%02d" % e


def reviewer_user(r):
    return "u-reviewer-%d" % r


def action(action_id, title, category, rng, years):
    return {
        "id": action_id,
        "title": title,
        "categories": [category],
        "status": "planned",
        "budget": [{"year": y, "source": rng.choice(["municipal", "regional", "state"]),
                    "planned": rng.randrange(5000, 90000, 500)} for y in years],
    }


def regional_bundle(n_districts, n_editors, n_reviewers, seed=7):
    """The region, its districts and their municipalities, an approved zone plan 2021-2023 and a
    draft zone plan 2024-2026 per district, editors (editor e on district e mod n) and reviewers."""
    with open(ZONE_EXAMPLE, encoding="utf-8") as f:
        zone = json.load(f)
    rng = random.Random(seed)
    taxonomy = zone["taxonomies"][0]
    leaves = ["%s:%s" % (taxonomy["id"], n["code"]) for n in taxonomy["nodes"] if n.get("parents")]
    region = next(b for b in zone["bodies"] if b["kind"] == "region")
    bodies, statistics_, plans = [region], [], []
    districts = []
    for k, (province, name) in enumerate(district_names(n_districts)):
        did = "dist-" + slug(province + " " + name)
        districts.append(did)
        bodies.append({"id": did, "kind": "district", "name": "Distretto " + name, "parents": [{"id": region["id"]}],
                       "attributes": {"provincia": province}})
        for j in range(MUNICIPALITIES_PER_DISTRICT):
            mid = "m-%02d-%d" % (k + 1, j + 1)
            bodies.append({"id": mid, "kind": "municipality", "name": "Comune %d del distretto %s" % (j + 1, name),
                           "parents": [{"id": did}]})
            population = rng.randrange(2000, 60000)
            for year in range(2021, 2027):
                statistics_.append({"variable": "population", "body": mid, "year": year, "value": population})
                population += rng.randrange(-300, 300)
        plans.append({
            "id": "pdz-%s-2021-2023" % did[len("dist-"):], "kind": "zone", "body": did,
            "title": "Piano di zona 2021-2023 - Distretto " + name, "period": {"from": 2021, "to": 2023},
            "status": "approved", "variant": "original",
            "approval": {"date": "2021-06-30", "act": "Accordo di programma del Comitato di Distretto %s" % name},
            "objectives": [{"id": "os1", "title": "Lotta all'esclusione e alla povertà"}],
            "actions": [action("s%02d" % a, "Intervento %d" % a, rng.choice(leaves), rng, range(2021, 2024))
                        for a in range(1, 9)],
        })
        plans.append({
            "id": draft_plan_id(did), "kind": "zone", "body": did,
            "title": "Piano di zona 2024-2026 - Distretto " + name, "period": {"from": 2024, "to": 2026},
            "status": "draft", "variant": "original",
            "objectives": [{"id": "os1", "title": "Lotta all'esclusione e alla povertà"}],
            "actions": [action("s%02d" % a, "Intervento %d" % a, rng.choice(leaves), rng, range(2024, 2027))
                        for a in range(1, 4)],
        })
    users = [{"id": editor_user(e), "name": "Editor %d" % e,
              "roles": [{"role": "editor", "body": districts[e % n_districts]}]} for e in range(n_editors)]
    users += [{"id": reviewer_user(r), "name": "Reviewer %d" % r, "roles": [{"role": "reviewer", "body": region["id"]}]}
              for r in range(n_reviewers)]
    users.append({"id": "u-admin", "name": "Amministratore", "roles": [{"role": "admin", "body": region["id"]}]})
    bundle = {"format": "civicplan-bundle", "version": 1, "bodies": bodies, "taxonomies": [taxonomy],
              "plans": plans, "statistics": statistics_, "indicators": zone["indicators"], "users": users}
    return bundle, districts, leaves


# --------------------------------------------------------------------------- load test processes


class Recorder:
    def __init__(self, role, index):
        self.out = {"role": role, "index": index, "lat": collections.defaultdict(list), "acks": [],
                    "counts": collections.Counter(), "error": None}

    def time(self, kind, t0):
        self.out["lat"][kind].append(time.perf_counter() - t0)

    def ack(self, op, plan, revision, user, **extra):
        self.out["acks"].append(dict(op=op, plan=plan, revision=revision, user=user, **extra))

    def count(self, what, n=1):
        self.out["counts"][what] += n

    def save(self, path):
        with open(path, "w") as f:
            json.dump(self.out, f)


def expected_race(cp, error, *starts):
    """A refusal that another process's write explains (e.g. "cannot edit plan ...: it is
    submitted"): raised as the plain cp.Error, its message starting with one of `starts`."""
    return type(error) is cp.Error and str(error).startswith(starts)


def current_plan(view, base_id):
    """The plan the editors of a district work on: the base draft or its latest update."""
    k, pid = 0, base_id
    while (base_id + "-agg%d" % (k + 1)) in view.plans:
        k += 1
        pid = base_id + "-agg%d" % k
    return pid, k


def editor_process(uri, index, district, ops, submit_every, poll, leaves, barrier, outdir, seed):
    cp = import_civicplan()
    rec = Recorder("editor", index)
    rng = random.Random(seed * 1000 + index)
    user = editor_user(index)
    base = draft_plan_id(district)
    try:
        ws = cp.Workspace.open(uri)
        me = ws.as_user(user)
        barrier.wait(timeout=600)
        t_start = time.perf_counter()
        for i in range(ops):
            aid = "e%02di%03d" % (index, i)
            t_edit = time.perf_counter()
            waited_since = None
            while True:
                t0 = time.perf_counter()
                pid, k = current_plan(me, base)
                plan = me.plans[pid]
                data = plan.to_dict()
                rec.time("read plan", t0)
                if plan.status == "submitted":  # under review: wait for a reviewer
                    waited_since = waited_since or time.perf_counter()
                    if time.perf_counter() - waited_since > 300:
                        raise RuntimeError("plan %s submitted for more than 300 s: no reviewer took it" % pid)
                    rec.count("polls while submitted")
                    time.sleep(poll)
                    continue
                if waited_since is not None:
                    rec.time("wait for review", waited_since)
                    waited_since = None
                if plan.status in ("approved", "archived"):  # continue on an update of it
                    new_id = base + "-agg%d" % (k + 1)
                    t0 = time.perf_counter()
                    try:
                        revision = me.new_variant(pid, "update", new_id)
                    except cp.ValidationError as e:
                        if not any(path == "new_id" and "already exists" in msg for path, msg in e.issues):
                            raise
                        rec.count("new_variant races (the other editor made it)")
                        continue
                    rec.time("new_variant", t0)
                    rec.ack("new_variant", new_id, revision, user, based_on=pid)
                    continue
                title = "Piano di zona 2024-2026 (%s) - modifica %d dell'editor %d" % (district, i, index)
                data["title"] = title
                data["actions"].append(action(aid, "Intervento %s" % aid, rng.choice(leaves), rng,
                                              range(data["period"]["from"], data["period"]["to"] + 1)))
                t0 = time.perf_counter()
                try:
                    revision = me.put_plan(data, expected_revision=plan.revision)
                except cp.ConflictError:
                    rec.time("put_plan refused (conflict)", t0)
                    rec.count("conflicts")
                    rec.count("retries")
                    continue
                except cp.ValidationError as e:
                    # A stale write of a plan read as rejected, which another editor has since
                    # written (a draft again) or submitted, is refused for its status before its
                    # revision is compared: a ValidationError where a ConflictError is due.
                    if not (plan.status == "rejected" and
                            [path for path, _ in e.issues] == ["plan.status"] and
                            "put_plan writes drafts, got rejected" in str(e)):
                        raise
                    rec.time("put_plan refused (stale, as ValidationError)", t0)
                    rec.count(STALE_AS_VALIDATION)
                    rec.count("retries")
                    rec.out.setdefault("anomaly", "%s: %s" % (type(e).__name__, e))
                    continue
                except cp.Error as e:
                    if not expected_race(cp, e, 'cannot edit plan "%s": it is submitted' % pid,
                                         'cannot edit plan "%s": it is approved' % pid):
                        raise
                    rec.time("put_plan refused (status changed)", t0)
                    rec.count("status races")
                    rec.count("retries")
                    continue
                rec.time("put_plan", t0)
                rec.ack("put_plan", pid, revision, user, action=aid, title=title)
                break
            rec.time("edit (read to acknowledged write, retries included)", t_edit)
            if (i + 1) % submit_every == 0:
                t0 = time.perf_counter()
                try:
                    revision = me.submit(pid)
                except cp.Error as e:
                    if not expected_race(cp, e, 'cannot submit plan "%s"' % pid):
                        raise
                    rec.time("submit refused (status changed)", t0)
                    rec.count("submit races (already submitted or reviewed)")
                else:
                    rec.time("submit", t0)
                    rec.ack("submit", pid, revision, user)
        rec.out["active"] = time.perf_counter() - t_start
        ws.close()
    except BaseException:
        rec.out["error"] = traceback.format_exc()
        barrier.abort()  # a process that fails before the start releases the others
    finally:
        rec.save(os.path.join(outdir, "editor-%02d.json" % index))
    return 0


def reviewer_process(uri, index, reviewers, approve_share, barrier, editors_done, outdir, seed):
    cp = import_civicplan()
    rec = Recorder("reviewer", index)
    rng = random.Random(seed * 1000 + 500 + index)
    user = reviewer_user(index)
    try:
        ws = cp.Workspace.open(uri)
        me = ws.as_user(user)
        barrier.wait(timeout=600)
        t_start = time.perf_counter()
        idle_after_done = False
        while True:
            done = editors_done.is_set()
            t0 = time.perf_counter()
            waiting = [pid for pid, plan in me.plans.items() if plan.status == "submitted"]
            rec.time("scan for submitted plans", t0)
            if not waiting:
                if done:
                    if idle_after_done:
                        break
                    idle_after_done = True
                time.sleep(0.05)
                continue
            # Each reviewer takes its share of the districts first, then helps with the rest.
            mine = [pid for pid in waiting if zlib.crc32(pid.encode()) % reviewers == index]
            pid = rng.choice(mine or waiting)
            t0 = time.perf_counter()
            try:
                if rng.random() < approve_share:
                    op = "approve"
                    revision = me.approve(pid, "2024-03-%02d" % rng.randrange(1, 29),
                                          "Accordo di programma del Comitato di Distretto (%s)" % pid)
                else:
                    op = "reject"
                    revision = me.reject(pid, "Da completare: scheda %d" % rng.randrange(1, 100))
            except cp.Error as e:
                if not expected_race(cp, e, 'cannot approve plan "%s"' % pid, 'cannot reject plan "%s"' % pid):
                    raise
                rec.time("review refused (another reviewer was first)", t0)
                rec.count("review races")
                continue
            rec.time(op, t0)
            rec.ack(op, pid, revision, user)
        rec.out["active"] = time.perf_counter() - t_start
        ws.close()
    except BaseException:
        rec.out["error"] = traceback.format_exc()
        barrier.abort()  # a process that fails before the start releases the others
    finally:
        rec.save(os.path.join(outdir, "reviewer-%d.json" % index))
    return 0


def reader_process(uri, index, reads, barrier, outdir):
    cp = import_civicplan()
    rec = Recorder("reader", index)
    try:
        ws = cp.Workspace.open(uri, read_only=True)
        barrier.wait(timeout=600)
        t_start = time.perf_counter()
        sizes = []
        for _ in range(reads):
            t0 = time.perf_counter()
            table = ws.compute_indicators()
            rec.time("compute_indicators", t0)
            sizes.append(len(table))
        rec.out["values"] = sizes
        rec.out["active"] = time.perf_counter() - t_start
        ws.close()
    except BaseException:
        rec.out["error"] = traceback.format_exc()
        barrier.abort()  # a process that fails before the start releases the others
    finally:
        rec.save(os.path.join(outdir, "reader-%02d.json" % index))
    return 0


# --------------------------------------------------------------------------- load test: checks


def verify(cp, base, schema, uri, acks, imported):
    """Every check that nothing acknowledged was lost, as (name, ok, detail) rows."""
    checks = []

    def check(name, problems, detail=""):
        checks.append((name, not problems, detail if not problems else "; ".join(problems[:5]) +
                       (" (and %d more)" % (len(problems) - 5) if len(problems) > 5 else "")))

    ws = cp.Workspace.open(uri)
    exported = ws.export_bundle()
    final = {p["id"]: p for p in exported["plans"]}
    by_plan = collections.defaultdict(list)
    for a in acks:
        by_plan[a["plan"]].append(a)
    for v in by_plan.values():
        v.sort(key=lambda a: a["revision"])

    # Every acknowledged put_plan's action is in the final state of its plan.
    problems = []
    for pid, v in by_plan.items():
        ids = {x["id"] for x in final.get(pid, {}).get("actions", [])}
        for a in v:
            if a["op"] == "put_plan" and a["action"] not in ids:
                problems.append("%s: action %s (revision %d by %s) missing" % (pid, a["action"], a["revision"], a["user"]))
    puts = sum(1 for a in acks if a["op"] == "put_plan")
    check("every acknowledged put_plan's action is in the final plan", problems, "%d actions in %d plans" %
          (puts, sum(1 for v in by_plan.values() if any(a["op"] == "put_plan" for a in v))))

    # Final revision = import revision + acknowledged writes, and the acknowledged revisions are
    # exactly the revisions after the import.
    problems = []
    for pid in set(by_plan) | set(imported):
        v = by_plan.get(pid, [])
        first = imported.get(pid, 0)
        if pid not in final:
            problems.append("%s: not in the export" % pid)
            continue
        got = final[pid]["revision"]
        if got != first + len(v):
            problems.append("%s: revision %d, expected %d + %d acknowledged writes" % (pid, got, first, len(v)))
        if [a["revision"] for a in v] != list(range(first + 1, first + 1 + len(v))):
            problems.append("%s: acknowledged revisions %s are not %d..%d" %
                            (pid, [a["revision"] for a in v][:8], first + 1, first + len(v)))
    check("final revision = import revision + acknowledged writes", problems, "%d plans" % len(set(by_plan) | set(imported)))

    # The final status and title are those of the last acknowledged write.
    problems = []
    for pid, v in by_plan.items():
        p = final.get(pid)
        if p is None:
            continue
        if p["status"] != STATUS_AFTER[v[-1]["op"]]:
            problems.append("%s: status %s after %s" % (pid, p["status"], v[-1]["op"]))
        titles = [a["title"] for a in v if a["op"] == "put_plan"]
        if titles and p["title"] != titles[-1]:
            problems.append("%s: title %r, last acknowledged %r" % (pid, p["title"], titles[-1]))
    check("final status and title are those of the last acknowledged write", problems)

    # Each acknowledged put_plan's revision holds its action and every action acknowledged on
    # the plan before it: no write was based on a stale read.
    problems = []
    for pid, v in by_plan.items():
        before = set()
        for a in v:
            if a["op"] != "put_plan":
                continue
            kept = ws.plan_revision(pid, a["revision"])
            held = {x["id"] for x in (kept if isinstance(kept, dict) else kept.to_dict())["actions"]}
            before.add(a["action"])
            lost = before - held
            if lost:
                problems.append("%s@%d: lacks %s" % (pid, a["revision"], sorted(lost)[:4]))
    check("each put_plan revision holds every action acknowledged up to it", problems, "%d revisions read" % puts)

    # The kept history: one revision per acknowledged write, with its operation and user.
    problems = []
    for pid, v in by_plan.items():
        got = [(r.revision, r.operation, r.user) for r in ws.history(pid)]
        want = ([(1, "import", "")] if pid in imported else []) + [(a["revision"], a["op"], a["user"]) for a in v]
        if got != want:
            problems.append("%s: history %s... expected %s..." % (pid, got[:3], want[:3]))
    check("history = import + acknowledged writes (revision, operation, user)", problems)

    # The audit log: exactly the acknowledged writes.
    log = [e for e in ws.audit_log() if e.operation in WRITES]
    audit_counts = collections.Counter((e.operation, e.object) for e in log)
    ack_counts = collections.Counter((a["op"], "plan:" + a["plan"]) for a in acks)
    problems = ["%s %s: audit %d, acknowledged %d" % (op, obj, audit_counts[(op, obj)], ack_counts[(op, obj)])
                for op, obj in sorted(set(audit_counts) | set(ack_counts)) if audit_counts[(op, obj)] != ack_counts[(op, obj)]]
    full_audit = collections.Counter((e.operation, e.object, e.revision, e.user) for e in log)
    full_acks = collections.Counter((a["op"], "plan:" + a["plan"], a["revision"], a["user"]) for a in acks)
    if not problems and full_audit != full_acks:
        problems.append("counts agree but (revision, user) differ for %d entries" % len(full_audit - full_acks))
    sequences = sorted(e.sequence for e in ws.audit_log())
    if sequences != list(range(1, len(sequences) + 1)):
        problems.append("audit sequence numbers are not 1..%d" % len(sequences))
    per_op = collections.Counter(e.operation for e in log)
    check("audit log = acknowledged writes, by (operation, object), revision and user", problems,
          ", ".join("%s %d" % (op, per_op[op]) for op in WRITES if per_op[op]))

    # The change sequence: the import, then one commit per acknowledged write.
    commits = int(psql(base, 'SELECT count(*) FROM "%s".changes;' % schema).strip())
    check("change sequence: one commit per acknowledged write (+ the import)",
          [] if commits == 1 + len(acks) else ["%d commits, expected 1 + %d" % (commits, len(acks))],
          "%d commits" % commits)
    ws.close()
    return checks


# --------------------------------------------------------------------------- load test: driver


def puts_per_client(args):
    return args.ops * args.editors // (args.peer_clients or args.editors)


def solo_writer(cp, uri, district, leaves, n):
    """One writer alone, after the load: n edits (read, add an action, put_plan) of a new plan."""
    rng = random.Random(1)
    ws = cp.Workspace.open(uri)
    pid = "pdz-solo-%s" % district[len("dist-"):]
    ws.put_plan({"id": pid, "kind": "zone", "body": district, "title": "Piano di prova", "period": {"from": 2024, "to": 2026},
                 "actions": [action("s%02d" % a, "Intervento %d" % a, rng.choice(leaves), rng, range(2024, 2027))
                             for a in range(1, 4)]})
    reads, puts = [], []
    for i in range(n):
        t0 = time.perf_counter()
        plan = ws.plans[pid]
        data = plan.to_dict()
        reads.append(time.perf_counter() - t0)
        data["actions"].append(action("solo%03d" % i, "Intervento %d" % i, rng.choice(leaves), rng, range(2024, 2027)))
        t0 = time.perf_counter()
        ws.put_plan(data, expected_revision=plan.revision)
        puts.append(time.perf_counter() - t0)
    ok = ws.plans[pid].revision == n + 1
    ws.close()
    return {"n": n, "read": reads, "put_plan": puts, "ok": ok}


PGBENCH_SCRIPT = """\\set k random(1, {nplans})
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT pg_advisory_xact_lock(7301, 1);
SELECT coalesce(max(sequence), 0) FROM {s}.changes;
SELECT p.revision, p.data::text FROM {s}.plans p JOIN {s}.peer_ids i ON i.id = p.id WHERE i.n = :k;
UPDATE {s}.plan_revisions r SET data = p.data FROM {s}.plans p JOIN {s}.peer_ids i ON i.id = p.id
  WHERE i.n = :k AND r.plan = p.id AND r.revision = p.revision AND r.data IS NULL;
UPDATE {s}.plans p SET revision = p.revision + 1,
  data = jsonb_set(p.data, '{{title}}', to_jsonb('peer ' || clock_timestamp()::text))
  FROM {s}.peer_ids i WHERE i.n = :k AND p.id = i.id;
INSERT INTO {s}.plan_revisions (plan, revision, time, "user", operation, data)
  SELECT p.id, p.revision, now()::text, 'peer', 'put_plan', NULL FROM {s}.plans p JOIN {s}.peer_ids i ON i.id = p.id WHERE i.n = :k;
INSERT INTO {s}.audit (sequence, time, "user", operation, object, revision, before_revision, detail)
  SELECT coalesce(max(sequence), 0) + 1, now()::text, 'peer', 'put_plan', 'plan:' || :k, 0, 0, '' FROM {s}.audit;
INSERT INTO {s}.changes (sequence, objects)
  SELECT coalesce(max(sequence), 0) + 1, jsonb_build_object('plans', jsonb_build_array(:k)) FROM {s}.changes;
END;
"""


def pgbench_binary():
    return shutil.which("pgbench") or os.path.join(os.path.dirname(psql_binary()), "pgbench")


def pgbench_peer(base, schema, clients, per_client):
    """PostgreSQL alone doing a put_plan's SQL: under one advisory lock, read the plan row, keep
    the old document in its revision, rewrite the document (jsonb_set) and bump the revision, add
    the revision, audit and change rows, commit; `clients` pgbench clients, `per_client` each."""
    peer = schema + "_peer"
    tables = ("plans", "plan_revisions", "audit", "changes")
    psql(base, 'DROP SCHEMA IF EXISTS "{p}" CASCADE; CREATE SCHEMA "{p}";\n'.format(p=peer) + "".join(
        'CREATE TABLE "{p}".{t} (LIKE "{s}".{t} INCLUDING ALL); INSERT INTO "{p}".{t} SELECT * FROM "{s}".{t};\n'.format(
            p=peer, s=schema, t=t) for t in tables) +
        'CREATE TABLE "{p}".peer_ids AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM "{p}".plans;\n'
        'ALTER TABLE "{p}".peer_ids ADD PRIMARY KEY (n); ANALYZE;\n'.format(p=peer))
    nplans = int(psql(base, 'SELECT count(*) FROM "%s".peer_ids;' % peer).strip())
    try:
        return run_pgbench(base, "put_plan.sql", PGBENCH_SCRIPT.format(s='"%s"' % peer, nplans=nplans), clients,
                           per_client)
    finally:
        drop_schema(base, peer)


def run_pgbench(base, name, script, clients, per_client):
    """pgbench running `script` (saved as `name`): `per_client` transactions by each of `clients`
    clients on connections opened once; every transaction's latency from its log."""
    work = tempfile.mkdtemp(prefix="civicplan-pgbench-")
    try:
        with open(os.path.join(work, name), "w") as f:
            f.write(script)
        cmd = [pgbench_binary(), "-n", "-f", name, "-c", str(clients), "-j", str(min(2, clients)),
               "-t", str(per_client), "-l", "--log-prefix=log", base]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work)
        if p.returncode != 0:
            raise RuntimeError("pgbench failed (status %d): %s %s" % (p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
        lat = []
        for log in os.listdir(work):
            if log.startswith("log"):
                with open(os.path.join(work, log)) as f:
                    lat.extend(int(line.split()[2]) / 1e6 for line in f if line.strip())
        tps = next(float(line.split()[2]) for line in p.stdout.splitlines() if line.startswith("tps = "))
        failed = next((int(line.split(":")[1].split()[0]) for line in p.stdout.splitlines()
                       if line.startswith("number of failed transactions")), 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"clients": clients, "per_client": per_client, "transactions": len(lat), "tps": tps, "failed": failed,
            "times": lat, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
            "command": " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd))}


def load_test(args, base):
    args.schema = args.schema or "pgload_%d" % os.getpid()
    try:
        return run_load(args, base)
    finally:
        if not args.keep:
            drop_schema(base, args.schema)


def run_load(args, base):
    cp = import_civicplan()
    schema = args.schema
    uri = with_schema(base, schema)
    drop_schema(base, schema)
    bundle, districts, leaves = regional_bundle(args.districts, args.editors, args.reviewers, args.seed)
    t0 = time.perf_counter()
    ws = cp.Workspace.open(uri)
    ws.import_bundle(bundle)
    imported = {pid: p.revision for pid, p in ws.plans.items()}
    ws.close()
    setup = time.perf_counter() - t0
    print("setup: %d districts, %d bodies, %d plans, %d users imported into schema %s in %s" %
          (len(districts), len(bundle["bodies"]), len(bundle["plans"]), len(bundle["users"]), schema, fmt_s(setup)),
          flush=True)

    ctx = multiprocessing.get_context("spawn")
    parties = args.editors + args.reviewers + args.readers
    barrier = ctx.Barrier(parties + 1)
    editors_done = ctx.Event()
    outdir = tempfile.mkdtemp(prefix="civicplan-pgload-")
    procs = {"editor": [], "reviewer": [], "reader": []}
    try:
        for e in range(args.editors):
            procs["editor"].append(ctx.Process(target=editor_process, args=(
                uri, e, districts[e % len(districts)], args.ops, args.submit_every, args.poll, leaves, barrier, outdir,
                args.seed)))
        for r in range(args.reviewers):
            procs["reviewer"].append(ctx.Process(target=reviewer_process, args=(
                uri, r, args.reviewers, args.approve_share, barrier, editors_done, outdir, args.seed)))
        for r in range(args.readers):
            procs["reader"].append(ctx.Process(target=reader_process, args=(uri, r, args.reads, barrier, outdir)))
        every = [p for group in procs.values() for p in group]
        t0 = time.perf_counter()
        for p in every:
            p.start()
        try:
            barrier.wait(timeout=600)
        except threading.BrokenBarrierError:
            print("!!! a process failed before the start", file=sys.stderr)
        started = time.perf_counter()
        print("started %d processes (%d editors, %d reviewers, %d readers) in %s; running" %
              (len(every), args.editors, args.reviewers, args.readers, fmt_s(started - t0)), flush=True)
        for p in procs["editor"]:
            p.join()
        editors_end = time.perf_counter()
        editors_done.set()
        for p in procs["reader"] + procs["reviewer"]:
            p.join()
        ended = time.perf_counter()
        results = []
        for name in sorted(os.listdir(outdir)):
            with open(os.path.join(outdir, name)) as f:
                results.append(json.load(f))
    finally:
        for p in [p for group in procs.values() for p in group]:
            if p.is_alive():
                p.terminate()
                p.join()
        shutil.rmtree(outdir, ignore_errors=True)
    exit_codes = {p.name: p.exitcode for group in procs.values() for p in group}

    failures = [r for r in results if r["error"]]
    missing = parties - len(results)
    bad_exit = [n for n, c in exit_codes.items() if c != 0]
    acks = [a for r in results for a in r["acks"]]
    lat = collections.defaultdict(list)
    counts = collections.Counter()
    for r in results:
        for k, v in r["lat"].items():
            lat[k].extend(v)
        counts.update(r["counts"])

    t_checks = time.perf_counter()
    checks = verify(cp, base, schema, uri, acks, imported)
    t_checks = time.perf_counter() - t_checks
    solo = solo_writer(cp, uri, districts[0], leaves, args.solo)
    clients = args.peer_clients or args.editors
    peers = [pgbench_peer(base, schema, 1, args.solo), pgbench_peer(base, schema, clients, max(1, puts_per_client(args)))]

    wall = ended - started
    ops_kinds = ["read plan", "put_plan", "put_plan refused (conflict)", "put_plan refused (status changed)",
                 "put_plan refused (stale, as ValidationError)",
                 "submit", "submit refused (status changed)", "new_variant", "approve", "reject",
                 "review refused (another reviewer was first)", "scan for submitted plans", "compute_indicators"]
    total_ops = sum(len(lat[k]) for k in ops_kinds)
    print()
    print("PostgreSQL load: %d editors on %d districts x %d edits (submit every %d), %d reviewers "
          "(approve share %.2f), %d readers x %d compute_indicators" %
          (args.editors, len(districts), args.ops, args.submit_every, args.reviewers, args.approve_share,
           args.readers, args.reads))
    print("wall time %s (editors done after %s); %d calls: %.1f calls/s; %d acknowledged writes: %.1f writes/s; "
          "%d compute_indicators: %.1f/s" %
          (fmt_s(wall), fmt_s(editors_end - started), total_ops, total_ops / wall, len(acks), len(acks) / wall,
           len(lat["compute_indicators"]), len(lat["compute_indicators"]) / wall))
    print()
    kinds = ops_kinds + ["wait for review", "edit (read to acknowledged write, retries included)"]
    w = max(len(k) for k in kinds)
    print("%-*s  %7s  %10s  %10s  %10s" % (w, "call", "count", "p50", "p99", "max"))
    for k in kinds:
        v = lat.get(k, [])
        if v:
            print("%-*s  %7d  %10s  %10s  %10s" % (w, k, len(v), fmt_s(pct(v, 0.5)), fmt_s(pct(v, 0.99)), fmt_s(max(v))))
    print()
    print("acknowledged writes: " + ", ".join("%s %d" % (op, sum(1 for a in acks if a["op"] == op)) for op in WRITES))
    print("conflicts %d, retries %d (= conflicts + edits refused because the plan was submitted or approved "
          "meanwhile, %d, + stale writes refused as ValidationError, %d)" %
          (counts["conflicts"], counts["retries"], counts["status races"], counts[STALE_AS_VALIDATION]))
    for k in sorted(counts):
        if k not in ("conflicts", "retries", "status races", STALE_AS_VALIDATION):
            print("%s: %d" % (k, counts[k]))
    anomalies = sorted({r["anomaly"] for r in results if r.get("anomaly")})
    if anomalies:
        print("\ncivicplan anomaly, %d times: %s\n  e.g. %s\n  (the write was based on a stale revision; "
              "the editor re-read and retried, as after a ConflictError)" %
              (counts[STALE_AS_VALIDATION], STALE_AS_VALIDATION, anomalies[0]))
    sizes = sorted({n for r in results if r["role"] == "reader" for n in r.get("values", [])})
    if sizes:
        print("indicator values per compute_indicators call: %s" % (sizes if len(sizes) < 6 else
                                                                  "%d..%d" % (sizes[0], sizes[-1])))
    print()
    put_lat = lat["put_plan"]
    print("beside one writer alone and PostgreSQL alone (pgbench, the same transaction's SQL, no civicplan):")
    print("  %-58s %8s %10s %10s %10s" % ("", "writes", "writes/s", "p50", "p99"))
    print("  %-58s %8d %10.1f %10s %10s" % ("civicplan under the load: put_plan (all writes/s)", len(put_lat), len(acks) / wall,
                                             fmt_s(pct(put_lat, 0.5)), fmt_s(pct(put_lat, 0.99))))
    print("  %-58s %8d %10.1f %10s %10s" % ("civicplan, one writer alone: put_plan", solo["n"], solo["n"] / sum(solo["put_plan"]),
                                             fmt_s(pct(solo["put_plan"], 0.5)), fmt_s(pct(solo["put_plan"], 0.99))))
    for peer in peers:
        print("  %-58s %8d %10.1f %10s %10s" % ("PostgreSQL alone, %d client%s (%d failed)" % (
            peer["clients"], "s" if peer["clients"] > 1 else "", peer["failed"]), peer["transactions"], peer["tps"],
            fmt_s(peer["p50"]), fmt_s(peer["p99"])))
    print("  one writer alone: civicplan %.1f writes/s = %.2fx PostgreSQL's 1-client rate; under the load %.1f writes/s "
          "= %.2fx its %d-client rate" % (solo["n"] / sum(solo["put_plan"]), solo["n"] / sum(solo["put_plan"]) / peers[0]["tps"],
                                         len(acks) / wall, len(acks) / wall / peers[1]["tps"], peers[1]["clients"]))
    print("  peer: %s" % peers[1]["command"])
    print()
    print("checks on a fresh workspace (%s):" % fmt_s(t_checks))
    for name, ok, detail in checks:
        print("  %-4s %s%s" % ("ok" if ok else "LOST", name, " (%s)" % detail if detail else ""))
    released = [r for r in failures if "BrokenBarrierError" in r["error"]]
    for r in failures:
        if r not in released:
            print("\n!!! %s %d failed:\n%s" % (r["role"], r["index"], r["error"]), file=sys.stderr)
    if released:
        print("!!! %d processes stopped at the start because another one failed" % len(released), file=sys.stderr)
    if missing:
        print("!!! %d processes left no result" % missing, file=sys.stderr)
    if bad_exit:
        print("!!! processes with a non-zero exit code: %s" % bad_exit, file=sys.stderr)
    ok = not failures and not missing and not bad_exit and all(c[1] for c in checks) and solo["ok"]
    print("\nresult: %s" % ("nothing lost, every check passed" if ok else "FAILED"))
    summary = {
        "args": vars(args), "wall": wall, "editors_wall": editors_end - started, "setup": setup,
        "calls": total_ops, "acknowledged": len(acks), "counts": dict(counts),
        "latency": {k: {"count": len(v), "p50": pct(v, 0.5), "p99": pct(v, 0.99), "max": max(v)} for k, v in lat.items() if v},
        "checks": checks, "failures": [r["error"] for r in failures], "ok": ok,
        "anomalies": anomalies, "solo": solo, "peers": peers,
    }
    return ok, summary


# --------------------------------------------------------------------------- storage steps

# What civicplan's full open selects, table by table (src/store/postgres/postgres_store.cpp).
OPEN_SELECTS = [
    "SELECT id, data::text FROM bodies", "SELECT id, data::text FROM taxonomies",
    "SELECT id, data::text FROM crosswalks", "SELECT id, data::text FROM plans",
    "SELECT key, body, variable, year, value FROM statistics", "SELECT key, data::text FROM feedback",
    "SELECT id, data::text FROM places", "SELECT key, data::text FROM certifications",
    "SELECT id, data::text FROM cases", "SELECT key, body, service, year, charged, collected FROM ledger",
    "SELECT id, data::text FROM indicators", "SELECT id, data::text FROM rulesets",
    "SELECT id, data::text FROM users",
]


def schema_tables(base, schema):
    out = psql(base, "SELECT tablename FROM pg_tables WHERE schemaname = '%s' ORDER BY tablename;" % schema)
    return [t for t in out.split() if t]


def row_counts(base, schema):
    tables = schema_tables(base, schema)
    sql = " UNION ALL ".join("SELECT '%s', count(*) FROM \"%s\".%s" % (t, schema, t) for t in tables) + ";"
    return {t: int(n) for t, n in (line.split("|") for line in psql(base, sql).split())}


def storage_worker(step, opts):
    cp = import_civicplan() if step.startswith("cp_") else None
    base, bundle, repeat = opts["base"], opts["bundle"], opts["repeat"]
    times = []
    if step == "cp_import":
        for _ in range(repeat):
            t0 = time.perf_counter()
            ws = cp.Workspace()
            ws.import_bundle(bundle)
            times.append(time.perf_counter() - t0)
            del ws
        return {"times": times}
    if step == "cp_save":
        for k in range(repeat):
            schema = "%s_save%d" % (opts["prefix"], k)
            drop_schema(base, schema)
            t0 = time.perf_counter()
            ws = cp.Workspace.open(with_schema(base, schema))
            ws.import_bundle(bundle)
            ws.close()
            times.append(time.perf_counter() - t0)
            del ws
            if schema != opts["keep"]:
                drop_schema(base, schema)
        return {"times": times}
    if step in ("copy_plain", "copy_keys"):
        src, dump = opts["keep"], opts["dump"]
        for k in range(repeat):
            schema = "%s_%s%d" % (opts["prefix"], step, k)
            drop_schema(base, schema)
            like = " INCLUDING ALL" if step == "copy_keys" else ""
            psql(base, 'CREATE SCHEMA "%s";\n' % schema + "".join(
                'CREATE TABLE "%s".%s (LIKE "%s".%s%s);\n' % (schema, t, src, t, like) for t in opts["tables"]))
            script = "".join("\\copy \"%s\".%s FROM '%s'\n" % (schema, t, os.path.join(dump, t + ".tsv"))
                             for t in opts["tables"])
            t0 = time.perf_counter()
            psql(base, script, single_transaction=True)
            times.append(time.perf_counter() - t0)
            drop_schema(base, schema)
        return {"times": times}
    if step == "cp_open":
        uri = with_schema(base, opts["keep"])
        n = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            ws = cp.Workspace.open(uri)
            n = len(ws.plans)
            times.append(time.perf_counter() - t0)
            ws.close()
            del ws
        return {"times": times, "plans": n}
    if step == "scan_peer":
        schema = opts["keep"]
        script = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSET search_path = \"%s\";\n" % schema + "".join(
            "\\copy (%s) TO '/dev/null'\n" % s for s in OPEN_SELECTS) + "COMMIT;\n"
        for _ in range(repeat):
            t0 = time.perf_counter()
            psql(base, script)
            times.append(time.perf_counter() - t0)
        return {"times": times}
    if step == "cp_memory_write":
        # The same write on an in-memory workspace of the same bundle: civicplan's own cost of
        # a write (the model copied for the new snapshot, the checks), without any store.
        ws = cp.Workspace()
        ws.import_bundle(bundle)
        pid = opts["plan"]
        out = {"put_plan": [], "read": []}
        for k in range(repeat):
            t0 = time.perf_counter()
            current = ws.plans[pid]
            data = current.to_dict()
            out["read"].append(time.perf_counter() - t0)
            data["actions"].append({"id": "pgbench-%d" % k, "title": "Intervento aggiunto %d" % k,
                                    "categories": list(data["actions"][0]["categories"]) if data["actions"] else [],
                                    "status": "planned"})
            t0 = time.perf_counter()
            ws.put_plan(data, expected_revision=current.revision)
            out["put_plan"].append(time.perf_counter() - t0)
        return out
    if step == "reread_peer":
        # What a refresh after one put_plan must read: the change rows since the reader's last
        # commit, and the plan row they name, in one consistent read (pgbench, one client on an
        # open connection, 20 transactions).
        schema, pid = opts["keep"], opts["plan"]
        last = int(psql(base, 'SELECT max(sequence) FROM "%s".changes;' % schema).strip())
        script = ("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n"
                  "SELECT sequence, objects::text FROM \"{s}\".changes WHERE sequence > {last} ORDER BY sequence;\n"
                  "SELECT id, data::text FROM \"{s}\".plans WHERE id = ANY('{{{pid}}}'::text[]);\nCOMMIT;\n"
                  ).format(s=schema, last=last - 1, pid=pid)
        return run_pgbench(base, "reread.sql", script, 1, 20)
    if step == "cp_refresh":
        uri = with_schema(base, opts["keep"])
        out = {}
        t0 = time.perf_counter()
        reader = cp.Workspace.open(uri)
        out["open_reader"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        writer = cp.Workspace.open(uri)
        out["open_writer"] = time.perf_counter() - t0
        pid = psql(base, "SELECT id FROM \"%s\".plans WHERE status = 'draft' ORDER BY id LIMIT 1;" % opts["keep"]).strip()
        if not pid:
            raise SystemExit("no draft plan to write in " + opts["keep"])
        out["plan"] = pid
        # The reader's indicators: the first call builds the facts, the second reuses them.
        t0 = time.perf_counter()
        reader.compute_indicators()
        out["indicators_first"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        reader.compute_indicators()
        out["indicators_warm"] = time.perf_counter() - t0
        out.update({k: [] for k in ("put_plan", "refresh", "refresh_nothing_new", "read_after_write",
                                    "read_after_write_check")})
        for k in range(repeat):
            current = writer.plans[pid]
            data = current.to_dict()
            data["actions"].append({"id": "pgbench-%d" % k, "title": "Intervento aggiunto %d" % k,
                                    "categories": list(data["actions"][0]["categories"]) if data["actions"] else [],
                                    "status": "planned"})
            t0 = time.perf_counter()
            revision = writer.put_plan(data, expected_revision=current.revision)
            out["put_plan"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            changed = reader.refresh()
            out["refresh"].append(time.perf_counter() - t0)
            seen = reader.plans[pid]
            if not changed or seen.revision != revision or "pgbench-%d" % k not in [a.id for a in seen.actions]:
                raise SystemExit("refresh did not bring revision %d of %s (changed=%s, revision %d)" %
                                 (revision, pid, changed, seen.revision))
            t0 = time.perf_counter()
            changed = reader.refresh()
            out["refresh_nothing_new"].append(time.perf_counter() - t0)
            if changed:
                raise SystemExit("refresh found a change where there was none")
            # A plain read after another connection's write syncs too (ws.plans asks the store).
            current = writer.plans[pid]
            data = current.to_dict()
            data["title"] = data["title"] + " *"
            writer.put_plan(data, expected_revision=current.revision)
            t0 = time.perf_counter()
            title = reader.plans[pid].title
            out["read_after_write"].append(time.perf_counter() - t0)
            out["read_after_write_check"].append(title == data["title"])
        # Ten writes, then one refresh: what a refresh costs beyond the rows it re-reads.
        for k in range(10):
            current = writer.plans[pid]
            data = current.to_dict()
            data["title"] = data["title"] + " +"
            revision = writer.put_plan(data, expected_revision=current.revision)
        t0 = time.perf_counter()
        reader.refresh()
        out["refresh_after_10"] = time.perf_counter() - t0
        if reader.plans[pid].revision != revision:
            raise SystemExit("refresh did not bring revision %d of %s" % (revision, pid))
        # The reader's next indicators, on the refreshed snapshot.
        t0 = time.perf_counter()
        reader.compute_indicators()
        out["indicators_after_refresh"] = time.perf_counter() - t0
        out["changes"] = int(psql(base, 'SELECT count(*) FROM "%s".changes;' % opts["keep"]).strip())
        reader.close()
        writer.close()
        return out
    raise SystemExit("unknown step " + step)


def run_storage_worker(step, opts):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", step, "--worker-opts", json.dumps(opts)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit("step %s failed (status %d)" % (step, p.returncode))
    r = json.loads(p.stdout.strip().splitlines()[-1])
    shown = r["times"] if "times" in r else r.get("refresh", r.get("put_plan", []))
    print("  %-12s %s  (%.0f s)" % (step, " ".join(fmt_s(x) for x in shown), time.perf_counter() - t0), flush=True)
    return r


def storage(args, base):
    bundle = os.path.abspath(args.bundle)
    prefix = "pgbench_%d" % os.getpid()
    opts = {"base": base, "bundle": bundle, "repeat": args.repeat, "prefix": prefix, "keep": prefix + "_save0"}
    size = os.path.getsize(bundle)
    print("storage steps on %s (%.0f MiB), %d run(s) each; every run counted, the first one included" %
          (bundle, size / 2 ** 20, args.repeat), flush=True)
    res = {}
    dump = tempfile.mkdtemp(prefix="civicplan-pgdump-")
    try:
        res["cp_import"] = run_storage_worker("cp_import", opts)
        res["cp_save"] = run_storage_worker("cp_save", opts)
        counts = row_counts(base, opts["keep"])
        tables = [t for t in schema_tables(base, opts["keep"]) if counts.get(t)]
        psql(base, "".join("\\copy \"%s\".%s TO '%s'\n" % (opts["keep"], t, os.path.join(dump, t + ".tsv"))
                           for t in tables))
        opts.update({"dump": dump, "tables": tables})
        res["rows"] = counts
        res["tsv_bytes"] = sum(os.path.getsize(os.path.join(dump, t + ".tsv")) for t in tables)
        res["schema_bytes"] = int(psql(base, "SELECT sum(pg_total_relation_size(format('%%I.%%I', schemaname, tablename))) "
                                             "FROM pg_tables WHERE schemaname = '%s';" % opts["keep"]).strip())
        res["copy_plain"] = run_storage_worker("copy_plain", opts)
        res["copy_keys"] = run_storage_worker("copy_keys", opts)
        shutil.rmtree(dump, ignore_errors=True)
        res["cp_open"] = run_storage_worker("cp_open", opts)
        res["scan_peer"] = run_storage_worker("scan_peer", opts)
        res["cp_refresh"] = run_storage_worker("cp_refresh", opts)
        opts["plan"] = res["cp_refresh"]["plan"]
        res["reread_peer"] = run_storage_worker("reread_peer", opts)
        res["cp_memory_write"] = run_storage_worker("cp_memory_write", opts)
    finally:
        shutil.rmtree(dump, ignore_errors=True)
        if not args.keep:
            drop_schema(base, opts["keep"])

    med = lambda r: statistics.median(r["times"])
    imp, save = med(res["cp_import"]), med(res["cp_save"])
    net = save - imp
    rows = []

    def line(what, ours, peer_name, peer, note="", percent=True):
        ratio = "" if peer is None else ratio_text(ours, peer) if percent else \
            "%.2fx" % (peer / ours) if peer >= ours else "civicplan = %.0fx" % (ours / peer)
        rows.append((what, fmt_s(ours), peer_name, fmt_s(peer) if peer is not None else "", ratio, note))

    n_rows = sum(res["rows"].values())
    line("import into memory (parse + model)", imp, "", None, "runs " + ", ".join(fmt_s(x) for x in res["cp_import"]["times"]))
    line("import into a fresh schema", save, "", None, "runs " + ", ".join(fmt_s(x) for x in res["cp_save"]["times"]))
    line("save (schema import - memory import)", net, "psql \\copy, plain tables", med(res["copy_plain"]),
         "%s rows, %.0f MiB of TSV" % (format(n_rows, ","), res["tsv_bytes"] / 2 ** 20))
    line("save (schema import - memory import)", net, "psql \\copy, same keys/indexes", med(res["copy_keys"]),
         "schema on disk %.0f MiB" % (res["schema_bytes"] / 2 ** 20))
    op = res["cp_open"]
    line("open (full load), median", med(op), "psql \\copy of open's SELECTs", med(res["scan_peer"]),
         "first call %s; %d plans" % (fmt_s(op["times"][0]), op["plans"]))
    line("open (full load), first call", op["times"][0], "psql \\copy of open's SELECTs", res["scan_peer"]["times"][0], "")
    rf = res["cp_refresh"]
    r_med = statistics.median(rf["refresh"])
    line("refresh after one put_plan elsewhere", r_med, "pgbench: the change row + the plan row",
         statistics.median(res["reread_peer"]["times"]), "runs %s" % ", ".join(fmt_s(x) for x in rf["refresh"]),
         percent=False)
    line("refresh after one put_plan elsewhere", r_med, "full open (same process)", rf["open_reader"],
         "refresh = %.1f%% of the open" % (100 * r_med / rf["open_reader"]), percent=False)
    line("refresh after 10 put_plans elsewhere (one run)", rf["refresh_after_10"], "", None, "")
    line("compute_indicators after that refresh", rf["indicators_after_refresh"], "", None,
         "before the writes: first call %s, then %s" % (fmt_s(rf["indicators_first"]), fmt_s(rf["indicators_warm"])))
    line("refresh, nothing new", statistics.median(rf["refresh_nothing_new"]), "", None, "")
    line("read after a put_plan elsewhere (ws.plans[id])", statistics.median(rf["read_after_write"]), "", None,
         "saw the write: %s" % all(rf["read_after_write_check"]))
    line("put_plan (one plan, of the other connection)", statistics.median(rf["put_plan"]), "", None,
         "runs " + ", ".join(fmt_s(x) for x in rf["put_plan"]))
    mw = res["cp_memory_write"]
    line("put_plan on an in-memory workspace (no store)", statistics.median(mw["put_plan"]), "", None,
         "runs %s; ws.plans[id] read %s" % (", ".join(fmt_s(x) for x in mw["put_plan"]), fmt_s(statistics.median(mw["read"]))))
    print()
    print("civicplan on PostgreSQL, %s: %s" % (args.bundle, ", ".join(
        "%s %s" % (t, format(res["rows"][t], ",")) for t in ("bodies", "plans", "statistics", "cases", "ledger",
                                                             "plan_revisions", "audit") if t in res["rows"])))
    heads = ("step", "civicplan", "peer", "peer time", "peer/civicplan", "notes")
    widths = [max(len(str(r[i])) for r in rows + [heads]) for i in range(6)]
    for r in [heads] + rows:
        print("  ".join(str(c).ljust(widths[i]) if i in (0, 2, 5) else str(c).rjust(widths[i]) for i, c in enumerate(r)))
    return res


# --------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uri", default=None, help="base URI of a PostgreSQL database (default: a throwaway cluster)")
    ap.add_argument("--editors", type=int, default=50)
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--reviewers", type=int, default=4)
    ap.add_argument("--ops", type=int, default=20, help="edits per editor")
    ap.add_argument("--reads", type=int, default=20, help="compute_indicators calls per reader")
    ap.add_argument("--districts", type=int, default=38)
    ap.add_argument("--solo", type=int, default=200, help="edits of the lone writer (and the 1-client peer) after the load")
    ap.add_argument("--submit-every", type=int, default=5, help="an editor submits after every N edits")
    ap.add_argument("--approve-share", type=float, default=0.34, help="share of reviews that approve")
    ap.add_argument("--poll", type=float, default=0.1, help="seconds between an editor's reads while its plan is under review")
    ap.add_argument("--peer-clients", type=int, default=None, help="pgbench clients of the peer (default --editors)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--schema", default=None, help="schema of the load test (default pgload_<pid>)")
    ap.add_argument("--keep", action="store_true", help="keep the schemas (with --uri)")
    ap.add_argument("--storage", action="store_true", help="time save, open and refresh of --bundle instead")
    ap.add_argument("--italy", action="store_true", help="--storage on build-bench/data/italy/bundle.json")
    ap.add_argument("--bundle", default=None, help="bundle of --storage (default build-bench/data/region/bundle.json; "
                    "with --italy build-bench/data/italy/bundle.json)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each storage step")
    ap.add_argument("--json", default=None, help="write the results to FILE")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--worker-opts", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(storage_worker(args.worker, json.loads(args.worker_opts))))
        return 0
    if args.italy:
        args.storage = True
    if args.bundle is None:
        args.bundle = os.path.join(ROOT, "build-bench", "data", "italy" if args.italy else "region", "bundle.json")
    if args.districts < 1 or args.editors < 1 or args.submit_every < 1:
        ap.error("--districts, --editors and --submit-every must be at least 1")
    terminate_on_signal()
    print("command: %s" % " ".join([os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:]), flush=True)
    print("load average (1, 5, 15 min) at the start: %.2f %.2f %.2f; %d cores" % (os.getloadavg() + (os.cpu_count(),)),
          flush=True)
    with Cluster(args.uri) as base:
        if args.storage:
            results, ok = storage(args, base), True
        else:
            ok, results = load_test(args, base)
    print("load average (1, 5, 15 min) at the end: %.2f %.2f %.2f" % os.getloadavg())
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
