# SPDX-License-Identifier: Apache-2.0
"""The storage backends the stored suites run on, and PostgreSQL helpers for the tests.

A PostgreSQL run needs a server: CIVICPLAN_TEST_POSTGRES=URI (scripts/test starts a throwaway
cluster and sets it; ``scripts/pg-cluster run CMD`` does the same for any command). Without one
the PostgreSQL cases fail, saying so: they are never skipped.
"""
import glob
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PG_CLUSTER = REPO / "scripts" / "pg-cluster"


def postgres_base():
    uri = os.environ.get("CIVICPLAN_TEST_POSTGRES")
    if not uri:
        pytest.fail("the PostgreSQL cases need CIVICPLAN_TEST_POSTGRES=URI of a server "
                    "(scripts/test starts one; scripts/pg-cluster run CMD does it for any command)")
    return uri


def with_param(uri, name, value):
    return f"{uri}{'&' if '?' in uri else '?'}{name}={value}"


def split_schema(location):
    """(libpq URI, schema) of a workspace URI: civicplan's own ``schema`` parameter taken out."""
    base, _, query = location.partition("?")
    kept, schema = [], "civicplan"
    for part in query.split("&") if query else []:
        if part.startswith("schema="):
            schema = part[len("schema="):]
        else:
            kept.append(part)
    return base + ("?" + "&".join(kept) if kept else ""), schema


def psql_binary():
    found = shutil.which("psql")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    if not candidates:
        pytest.fail("psql not found (Debian's postgresql-client; scripts/bootstrap installs it)")
    return candidates[-1]


def psql(location, sql, check=True):
    """Runs `sql` on the workspace `location` directly (its schema first on the search path);
    returns the output rows as lists of strings."""
    uri, schema = split_schema(location)
    script = f'SET client_min_messages = warning; SET search_path = "{schema}";\n{sql}'
    done = subprocess.run([psql_binary(), "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", uri],
                          input=script, capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"psql failed: {done.stderr.strip()}")
    if not check:
        return done
    return [line.split("\t") for line in done.stdout.splitlines() if line]


class Stores:
    """Workspace locations of one test on one backend, removed at the end: SQLite files in a
    temporary directory, or fresh schemas of the test server (dropped with their contents)."""

    def __init__(self, backend, directory):
        self.backend = backend
        self.directory = Path(directory)
        self.prefix = f"t{random.randrange(10**9)}_"
        self.base = postgres_base() if backend == "postgres" else None
        self.names = set()

    @property
    def postgres(self):
        return self.backend == "postgres"

    def __call__(self, name="ws"):
        """The location of the workspace `name`."""
        self.names.add(name)
        if not self.postgres:
            return str(self.directory / f"{name}.db")
        return with_param(self.base, "schema", self.prefix + name)

    def drop(self, name):
        if self.postgres:
            psql(self.base, f'DROP SCHEMA IF EXISTS "{self.prefix + name}" CASCADE')
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                path = self.directory / f"{name}.db{suffix}"
                if path.exists():
                    path.unlink()

    def close(self):
        for name in sorted(self.names):
            self.drop(name)


class Cluster:
    """A throwaway PostgreSQL cluster of its own (scripts/pg-cluster), for the tests that
    restart a server, need password logins or build a standby."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="civicplan-pg-"))
        os.chmod(self.root, 0o755)
        self.dir = self.root / "primary"
        self.uri = self._run("start", str(self.dir))
        self.standby_dir = None

    def _run(self, *args):
        done = subprocess.run([str(PG_CLUSTER), *args], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise AssertionError(f"pg-cluster {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    @property
    def socket(self):
        return str(self.dir / "socket")

    def restart(self):
        self._run("restart", str(self.dir))

    def standby(self):
        self.standby_dir = self.root / "standby"
        return self._run("standby", str(self.dir), str(self.standby_dir))

    def stop(self):
        if self.standby_dir:
            self._run("stop", str(self.standby_dir))
        self._run("stop", str(self.dir))
        shutil.rmtree(self.root, ignore_errors=True)
