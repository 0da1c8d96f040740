// SPDX-License-Identifier: Apache-2.0
// The storage backends the [store] suites run against: a SQLite file in a temporary directory,
// or a fresh schema of the PostgreSQL server named by CIVICPLAN_TEST_POSTGRES. ctest runs the
// [store] tests once per backend (CIVICPLAN_TEST_BACKEND=sqlite|postgres).
#pragma once

#include <sqlite3.h>
#ifdef CIVICPLAN_TEST_WITH_POSTGRESQL
#include <libpq-fe.h>
#endif

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "test_support.hpp"

namespace civicplan::test {

/// The backend of this run: CIVICPLAN_TEST_BACKEND, "sqlite" when unset.
inline std::string test_backend() {
  const char* b = std::getenv("CIVICPLAN_TEST_BACKEND");
  return b && *b ? b : "sqlite";
}

inline bool testing_postgres() { return test_backend() == "postgres"; }

/// The server the PostgreSQL run uses; the run fails (never skips) without one.
inline std::string postgres_base_uri() {
  const char* uri = std::getenv("CIVICPLAN_TEST_POSTGRES");
  if (!uri || !*uri) {
    FAIL("CIVICPLAN_TEST_BACKEND=postgres needs CIVICPLAN_TEST_POSTGRES=URI of a server to test against "
         "(scripts/test starts a throwaway one; scripts/pg-cluster run CMD does it for any command)");
  }
  return uri;
}

/// Runs `sql` on the workspace `location` directly, not through civicplan; returns the error
/// message, or "" when the statement succeeded.
inline std::string direct_sql(const std::string& location, const std::string& sql);

/// Workspace locations of one test, removed at its end: files of a temporary directory, or
/// schemas of the test server (dropped with everything in them).
class TestStore {
 public:
  TestStore() {
    if (testing_postgres()) {
      base_ = postgres_base_uri();
      std::random_device random;
      prefix_ = "t" + std::to_string(random() % 1000000000u) + "_";
    }
  }
  ~TestStore() {
    for (const auto& name : names_) drop(name);
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  bool postgres() const { return !base_.empty(); }

  /// The location of the workspace `name` of this test.
  std::string location(const std::string& name) {
    names_.insert(name);
    if (!postgres()) return dir_.file(name + ".db");
    return base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "schema=" + prefix_ + name;
  }

  /// Removes the workspace `name`: its files, or its schema.
  void drop(const std::string& name) {
    if (!postgres()) {
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ignored;
        std::filesystem::remove(dir_.file(name + ".db") + suffix, ignored);
      }
      return;
    }
    direct_sql(base_, "DROP SCHEMA IF EXISTS \"" + prefix_ + name + "\" CASCADE");
  }

  /// The temporary directory of this test (for files other than workspaces).
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::string base_, prefix_;
  std::set<std::string> names_;
};

inline std::string direct_sql(const std::string& location, const std::string& sql) {
  const bool pg = location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
  if (!pg) {
    sqlite3* db = nullptr;
    std::string error;
    if (sqlite3_open(location.c_str(), &db) != SQLITE_OK) {
      error = sqlite3_errmsg(db);
    } else {
      char* message = nullptr;
      if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) error = message ? message : "error";
      sqlite3_free(message);
    }
    sqlite3_close(db);
    return error;
  }
#ifdef CIVICPLAN_TEST_WITH_POSTGRESQL
  // civicplan's own `schema` parameter becomes the search path of the direct connection.
  std::string conninfo = location, schema;
  const auto at = conninfo.find("schema=");
  if (at != std::string::npos) {
    auto end = conninfo.find('&', at);
    schema = conninfo.substr(at + 7, end == std::string::npos ? std::string::npos : end - at - 7);
    // Drop "?schema=x" or "&schema=x", keeping a "?" before what follows.
    const bool first = conninfo[at - 1] == '?';
    conninfo.erase(at - 1, (end == std::string::npos ? conninfo.size() : end) - at + 1);
    if (first && end != std::string::npos) conninfo[at - 1] = '?';
  }
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) return PQerrorMessage(conn.get());
  const std::string full =
      "SET client_min_messages = warning; " + (schema.empty() ? "" : "SET search_path = \"" + schema + "\"; ") + sql;
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), full.c_str()), &PQclear);
  const auto status = PQresultStatus(r.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
  return PQresultErrorMessage(r.get());
#else
  return "this build has no PostgreSQL backend";
#endif
}

}  // namespace civicplan::test
