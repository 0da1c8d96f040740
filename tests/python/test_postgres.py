# SPDX-License-Identifier: Apache-2.0
"""PostgreSQL workspaces (DESIGN §14): what the schema holds, read-only opening, a hot standby,
faults (bad logins, a server restart, a connection killed mid-import), a deadlock retried, and
the CLI on a URI. The stored suites of test_workspace, test_lifecycle and test_safety run on
PostgreSQL too, through the ``store`` fixture."""
import json
import os
import subprocess
import threading
import time

import pytest

import civicplan as cp
from backends import Cluster, Stores, postgres_base, psql, psql_binary, split_schema, with_param
from conftest import bundle, example_path

CLI = os.environ.get("CIVICPLAN_CLI", "civicplan")


@pytest.fixture
def pg(tmp_path):
    """Schemas of the test server (CIVICPLAN_TEST_POSTGRES), dropped after the test."""
    stores = Stores("postgres", tmp_path)
    yield stores
    stores.close()


@pytest.fixture(scope="module")
def cluster():
    """A cluster of this module's own, which the tests may restart, give password logins, and
    copy to a standby; removed at the end."""
    c = Cluster()
    try:
        psql(c.uri, "CREATE ROLE civicplan_pw LOGIN PASSWORD 'Segreto-42'; "
                    "GRANT CREATE ON DATABASE civicplan TO civicplan_pw")
        hba = c.dir / "data" / "pg_hba.conf"
        # Password logins for that role, trust for the rest (as initdb left it).
        rules = hba.read_text()
        hba.write_text("local all civicplan_pw scram-sha-256\n" + rules)
        psql(c.uri, "SELECT pg_reload_conf()")
        yield c
    finally:
        c.stop()


def zone_plan(plan_id, title="Piano di zona"):
    ws = cp.Workspace()
    ws.import_bundle(example_path("zone"))
    plan = next(iter(p for p in ws.export_bundle()["plans"] if p["status"] == "approved"))
    plan = json.loads(json.dumps(plan))
    plan.update(id=plan_id, status="draft", title=title)
    plan.pop("approval", None)
    return plan


# --- What the schema holds -------------------------------------------------------------------

def test_first_open_creates_the_schema_with_plans_as_jsonb(pg):
    uri = pg("zone")
    assert psql(postgres_base(), f"SELECT count(*) FROM pg_namespace WHERE nspname = '{pg.prefix}zone'") == [["0"]]
    ws = cp.Workspace.open(uri)
    ws.import_bundle(example_path("zone"))
    tables = {r[0] for r in psql(uri, f"SELECT tablename FROM pg_tables WHERE schemaname = '{pg.prefix}zone'")}
    assert {"meta", "bodies", "plans", "plan_revisions", "audit", "changes", "statistics"} <= tables
    # A platform's own SQL reads the plans as JSON documents.
    [[kind, count]] = psql(uri, "SELECT pg_typeof(data)::text, count(*) FROM plans GROUP BY 1")
    assert kind == "jsonb" and int(count) == len(ws.plans)
    titles = dict(psql(uri, "SELECT id, data->>'title' FROM plans"))
    assert titles == {pid: p.title for pid, p in ws.plans.items()}
    assert psql(uri, "SELECT value FROM meta WHERE key = 'schema_version'") == [["1"]]
    # A second opening finds it current and changes nothing.
    again = cp.Workspace.open(uri)
    assert again.export_bundle() == ws.export_bundle()


def test_one_database_holds_one_workspace_per_schema(pg):
    emilia, trentino = cp.Workspace.open(pg("emilia")), cp.Workspace.open(pg("trentino"))
    emilia.import_bundle(example_path("zone"))
    trentino.import_bundle(example_path("family"))
    assert set(emilia.plans).isdisjoint(trentino.plans)
    assert cp.Workspace.open(pg("emilia")).export_bundle() == emilia.export_bundle()


def test_a_schema_of_another_application_is_refused(pg):
    uri = pg("other")
    psql(postgres_base(), f'CREATE SCHEMA "{pg.prefix}other"; CREATE TABLE "{pg.prefix}other".invoices (n int)')
    with pytest.raises(cp.StorageError, match="another application"):
        cp.Workspace.open(uri)
    assert psql(uri, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") == [["1"]]


def test_a_bad_schema_name_is_refused_before_connecting():
    with pytest.raises(cp.StorageError, match="not a plain name"):
        cp.Workspace.open(with_param(postgres_base(), "schema", "x;DROP TABLE plans"))


def test_the_change_sequence_names_what_each_commit_wrote(pg):
    uri = pg("changes")
    ws = cp.Workspace.open(uri)
    ws.import_bundle(example_path("zone"))
    ws.put_plan(zone_plan("pdz-nuovo"))
    ws.put_plan(zone_plan("pdz-nuovo", title="Versione 1b"), expected_revision=1)
    rows = psql(uri, "SELECT sequence, objects::text FROM changes ORDER BY sequence")
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert json.loads(rows[-1][1]) == {"plans": ["pdz-nuovo"]}
    assert json.loads(rows[-2][1]) == {"plans": ["pdz-nuovo"]}
    first = json.loads(rows[0][1])
    assert set(first["plans"]) == set(ws.plans) - {"pdz-nuovo"} and "bodies" in first

    # A reader re-reads only the plan another connection changed; what it already had stays.
    reader = cp.Workspace.open(uri, read_only=True)
    kept = reader.plans["pdz-nuovo"]
    ws.put_plan(zone_plan("pdz-nuovo", title="Versione 2"), expected_revision=2)
    assert reader.refresh() is True
    assert reader.plans["pdz-nuovo"].title == "Versione 2" and kept.title == "Versione 1b"
    assert reader.export_bundle() == ws.export_bundle()
    assert reader.refresh() is False
    ws.submit("pdz-nuovo")
    assert reader.plans["pdz-nuovo"].status == "submitted"


def test_the_audit_log_refuses_direct_sql(pg):
    uri = pg("audit")
    ws = cp.Workspace.open(uri)
    ws.import_bundle(example_path("zone"))
    before = ws.audit_log()
    for sql in ("UPDATE audit SET \"user\" = 'x'", "DELETE FROM audit", "TRUNCATE audit"):
        done = psql(uri, sql, check=False)
        assert done.returncode != 0 and "append-only" in done.stderr
    assert [(e.sequence, e.user) for e in cp.Workspace.open(uri).audit_log()] == \
        [(e.sequence, e.user) for e in before]


# --- Read-only opening and a hot standby -------------------------------------------------------

def test_read_only_opening_runs_no_ddl(pg):
    uri = pg("absent")
    with pytest.raises(cp.StorageError, match="no civicplan workspace") as error:
        cp.Workspace.open(uri, read_only=True)
    assert f"{pg.prefix}absent" in str(error.value)
    assert psql(postgres_base(), f"SELECT count(*) FROM pg_namespace WHERE nspname = '{pg.prefix}absent'") == [["0"]]


def test_a_read_only_workspace_on_a_hot_standby_sees_the_primary(cluster):
    primary_uri = with_param(cluster.uri, "schema", "emilia")
    primary = cp.Workspace.open(primary_uri)
    primary.import_bundle(example_path("zone"))
    standby_base = cluster.standby()
    standby_uri = with_param(standby_base, "schema", "emilia")
    assert psql(standby_uri, "SELECT pg_is_in_recovery()") == [["t"]]

    replica = cp.Workspace.open(standby_uri, read_only=True)
    assert replica.read_only and replica.export_bundle() == primary.export_bundle()
    # What the primary commits reaches the replica once it is replayed there.
    primary.put_plan(zone_plan("pdz-replica"))
    primary.submit("pdz-replica")
    [[target]] = psql(primary_uri, "SELECT pg_current_wal_lsn()")
    for _ in range(600):
        [[caught_up]] = psql(standby_uri, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if caught_up == "t":
            break
        time.sleep(0.05)
    assert caught_up == "t"
    assert replica.plans["pdz-replica"].status == "submitted"
    assert replica.history("pdz-replica")[-1].operation == "submit"
    assert len(replica.audit_log()) == len(primary.audit_log())
    assert replica.compute_indicators().rows() == primary.compute_indicators().rows()
    with pytest.raises(cp.StorageError, match="read-only"):
        replica.submit("pdz-replica")
    # Opened for writing, the standby still refuses the write itself, naming the workspace.
    writable = cp.Workspace.open(standby_uri)
    with pytest.raises(cp.StorageError, match="read-only transaction") as error:
        writable.put_plan(zone_plan("pdz-standby"))
    assert "schema emilia" in str(error.value)
    assert "pdz-standby" not in cp.Workspace.open(primary_uri).plans


# --- Faults ---------------------------------------------------------------------------------

def test_wrong_host_port_database_and_password_name_the_target_not_the_password(cluster):
    socket = cluster.socket
    cases = {
        "host": (f"postgresql:///civicplan?host={socket}-missing&user=postgres&schema=s1", f"{socket}-missing"),
        "port": (f"postgresql:///civicplan?host={socket}&port=6999&user=postgres&schema=s1", "6999"),
        "database": (f"postgresql:///nessuna?host={socket}&user=postgres&schema=s1", "nessuna"),
        "password": (f"postgresql://civicplan_pw:Sbagliata-7@/civicplan?host={socket}&schema=s1", "civicplan_pw"),
    }
    for what, (uri, named) in cases.items():
        with pytest.raises(cp.StorageError) as error:
            cp.Workspace.open(uri)
        message = str(error.value)
        assert named in message and "schema s1" in message, (what, message)
        assert "Sbagliata" not in message, what
    # The right password works, and nothing was created by the refused attempts.
    assert psql(cluster.uri, "SELECT count(*) FROM pg_namespace WHERE nspname = 's1'") == [["0"]]
    ws = cp.Workspace.open(f"postgresql://civicplan_pw:Segreto-42@/civicplan?host={socket}&schema=pw")
    ws.import_bundle(example_path("zone"))
    assert "Segreto" not in ws.path and "Segreto" not in repr(ws)


def test_a_server_restart_gives_one_storage_error_then_reconnects(cluster):
    uri = with_param(cluster.uri, "schema", "restart")
    ws = cp.Workspace.open(uri)
    ws.import_bundle(example_path("zone"))
    before = ws.export_bundle()
    cluster.restart()
    with pytest.raises(cp.StorageError) as error:
        ws.put_plan(zone_plan("pdz-dopo"))
    message = str(error.value)
    assert "schema restart" in message and "database civicplan" in message and cluster.socket in message
    # Nothing half-written, and the next calls connect again.
    assert ws.export_bundle() == before
    assert ws.put_plan(zone_plan("pdz-dopo")) == 1
    assert "pdz-dopo" in cp.Workspace.open(uri).plans


def big_bundle(plans, actions):
    b = bundle(bodies=[{"id": "R", "kind": "region", "name": "Regione"}]
               + [{"id": f"D{i}", "kind": "district", "name": f"Distretto {i}", "parents": [{"id": "R"}]}
                  for i in range(plans)])
    b["plans"] = [{"id": f"pz-{i}", "kind": "zone", "body": f"D{i}", "title": f"Piano {i}",
                   "period": {"from": 2024, "to": 2026}, "status": "draft",
                   "actions": [{"id": f"a{k}", "title": f"Intervento {k} del distretto {i}",
                                "status": "planned",
                                "budget": [{"year": 2024, "source": "regional", "planned": 1000 + k}]}
                               for k in range(actions)]}
                  for i in range(plans)]
    return b


def test_a_connection_killed_mid_import_writes_nothing_and_the_next_call_reconnects(pg):
    uri = with_param(pg("killed"), "application_name", "civicplan_killed")
    ws = cp.Workspace.open(uri)
    ws.import_bundle(bundle(bodies=[{"id": "X", "kind": "region", "name": "X"}]))
    before = ws.export_bundle()
    entries = len(ws.audit_log())
    outcome = {}

    def run():
        try:
            ws.import_bundle(big_bundle(3000, 30))
            outcome["ok"] = True
        except cp.StorageError as error:
            outcome["error"] = str(error)

    importer = threading.Thread(target=run)
    importer.start()
    killed = []
    # Once the import's transaction has written (it has a transaction id), kill its backend.
    while importer.is_alive() and not killed:
        killed = psql(postgres_base(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE application_name = 'civicplan_killed' AND backend_xid IS NOT NULL")
    importer.join(timeout=300)
    assert killed == [["t"]], f"the import ended before its connection could be killed: {outcome}"
    assert "error" in outcome and f"schema {pg.prefix}killed" in outcome["error"]
    assert "connects again" in outcome["error"]
    assert ws.export_bundle() == before
    fresh = cp.Workspace.open(uri)
    assert fresh.export_bundle() == before and len(fresh.audit_log()) == entries
    # The next call reconnects, and the same import then goes through whole.
    summary = ws.import_bundle(big_bundle(30, 3))
    assert summary["added"]["plans"] == 30
    assert len(cp.Workspace.open(uri).plans) == 30


def test_a_deadlock_with_another_session_is_retried_not_surfaced(cluster):
    # civicplan's session waits 5 s before looking for a deadlock; the other one a minute, so
    # civicplan's transaction is the one PostgreSQL cancels, and civicplan runs it again.
    base = with_param(cluster.uri, "schema", "deadlock")
    ws = cp.Workspace.open(base + "&application_name=civicplan_deadlock&options=-c%20deadlock_timeout%3D5s")
    ws.import_bundle(example_path("zone"))
    ws.put_plan(zone_plan("pdz-conteso"))
    uri, schema = split_schema(base)
    [[keys]] = psql(cluster.uri, f"SELECT hashtext('civicplan') || ', ' || hashtext('{schema}')")
    other = subprocess.Popen([psql_binary(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", uri], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        other.stdin.write(f"SET deadlock_timeout = '1min'; BEGIN; LOCK TABLE {schema}.plans IN EXCLUSIVE MODE;\n"
                          "SELECT 'locked';\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "locked"
        outcome = {}

        def write():
            try:
                outcome["revision"] = ws.put_plan(zone_plan("pdz-conteso", title="Versione 2"), expected_revision=1)
            except Exception as error:  # reported below
                outcome["error"] = error

        writer = threading.Thread(target=write)
        writer.start()
        # Wait until civicplan holds the workspace's lock and waits for the table...
        waiting = []
        while not waiting and writer.is_alive():
            waiting = psql(cluster.uri, "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                                        "WHERE a.application_name = 'civicplan_deadlock' AND NOT l.granted")
        assert waiting, outcome
        # ... then ask for that lock: a deadlock, which PostgreSQL breaks by cancelling civicplan.
        other.stdin.write(f"SELECT pg_advisory_xact_lock({keys}); SELECT 'got it'; COMMIT;\n")
        other.stdin.flush()
        lines = [other.stdout.readline().strip()]  # the lock's own (empty) row comes first
        while lines[-1] == "":
            lines.append(other.stdout.readline().strip())
        assert lines[-1] == "got it"
        writer.join(timeout=60)
        assert outcome == {"revision": 2}
    finally:
        other.stdin.close()
        other.wait(timeout=30)
    plan = cp.Workspace.open(base).plans["pdz-conteso"]
    assert plan.title == "Versione 2" and plan.revision == 2
    assert [e.revision for e in ws.audit_log(object="plan:pdz-conteso")] == [1, 2]
    log = (cluster.dir / "server.log").read_text()
    assert "deadlock detected" in log


# --- The CLI on a URI ----------------------------------------------------------------------------

def test_every_cli_db_argument_takes_a_uri(pg):
    uri = pg("cli")
    run = lambda *args: subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)  # noqa: E731
    done = run("import", uri, str(example_path("family")))
    assert done.returncode == 0, done.stderr
    info = run("info", uri)
    assert info.returncode == 0 and "postgresql://" in info.stdout, info.stdout + info.stderr
    table = run("indicators", uri, "--year", "2022", "--format", "json")
    assert table.returncode == 0 and json.loads(table.stdout)
    exported = run("export", uri)
    assert exported.returncode == 0 and json.loads(exported.stdout)["plans"]
    bad = run("info", with_param(postgres_base().replace("civicplan?", "nessuna?"), "schema", "x"))
    assert bad.returncode == 1 and "nessuna" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
