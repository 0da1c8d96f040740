// SPDX-License-Identifier: Apache-2.0
// SQLite storage: schema, migrations, WAL, one transaction per mutation.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <functional>
#include <optional>

#include "civicplan/error.hpp"
#include "detail/store.hpp"
#include "detail/validate.hpp"

namespace civicplan::detail {

namespace {

// Migration i brings a database from schema version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta(key, value) VALUES ('application', 'civicplan');
CREATE TABLE bodies (id TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE taxonomies (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE crosswalks (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL REFERENCES bodies(id) DEFERRABLE INITIALLY DEFERRED,
  kind TEXT NOT NULL, status TEXT NOT NULL, revision INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX plans_body ON plans(body);
CREATE TABLE statistics (
  body TEXT NOT NULL REFERENCES bodies(id) DEFERRABLE INITIALLY DEFERRED,
  variable TEXT NOT NULL, year INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (body, variable, year)) WITHOUT ROWID;
CREATE TABLE feedback (key TEXT PRIMARY KEY, action TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE places (
  id TEXT PRIMARY KEY, body TEXT NOT NULL REFERENCES bodies(id) DEFERRABLE INITIALLY DEFERRED, data TEXT NOT NULL);
CREATE TABLE certifications (
  body TEXT NOT NULL REFERENCES bodies(id) DEFERRABLE INITIALLY DEFERRED,
  scheme TEXT NOT NULL, date TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (body, scheme, date)) WITHOUT ROWID;
CREATE TABLE cases (
  id TEXT PRIMARY KEY, body TEXT NOT NULL REFERENCES bodies(id) DEFERRABLE INITIALLY DEFERRED, data TEXT NOT NULL);
CREATE TABLE ledger (
  body TEXT NOT NULL REFERENCES bodies(id) DEFERRABLE INITIALLY DEFERRED,
  service TEXT NOT NULL, year INTEGER NOT NULL, charged INTEGER NOT NULL, collected INTEGER NOT NULL,
  PRIMARY KEY (body, service, year)) WITHOUT ROWID;
CREATE TABLE indicators (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE rulesets (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE users (id TEXT PRIMARY KEY, data TEXT NOT NULL);
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path) : path_(path) {
    guard([&] {
      db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db_->setBusyTimeout(kBusyTimeoutMs);
      // Fail early on a file that is not a SQLite database.
      db_->exec("PRAGMA schema_version");
      db_->exec("PRAGMA journal_mode = WAL");
      db_->exec("PRAGMA synchronous = FULL");
      db_->exec("PRAGMA foreign_keys = ON");
      migrate();
    });
  }

  ~SqliteStore() override {
    if (in_write_) rollback();
  }

  const std::string& path() const override { return path_; }

  Model load() override {
    Model m;
    guard([&] {
      // Inside a write transaction the read is already consistent; otherwise take a read one.
      std::optional<SQLite::Transaction> read;
      if (!in_write_) read.emplace(*db_, SQLite::TransactionBehavior::DEFERRED);
      load_version_ = data_version();
      std::vector<Issue> issues;
      Reader r(issues);
      auto each = [&](const char* sql, const std::function<void(SQLite::Statement&)>& fn) {
        SQLite::Statement q(*db_, sql);
        while (q.executeStep()) fn(q);
      };
      auto parse = [&](SQLite::Statement& q, int col, const std::string& where) {
        try {
          return json::parse(q.getColumn(col).getString());
        } catch (const json::exception& e) {
          issues.push_back({where, std::string("stored JSON is unreadable: ") + e.what()});
          return json();
        }
      };
      each("SELECT id, data FROM bodies ORDER BY id", [&](SQLite::Statement& q) {
        const std::string where = "bodies[" + quote(q.getColumn(0).getString()) + "]";
        if (auto b = parse_body(parse(q, 1, where), where, r)) m.bodies.emplace(b->id, std::move(*b));
      });
      each("SELECT id, data FROM taxonomies ORDER BY id", [&](SQLite::Statement& q) {
        const std::string where = "taxonomies[" + quote(q.getColumn(0).getString()) + "]";
        if (auto t = parse_taxonomy(parse(q, 1, where), where, r)) m.taxonomies.emplace(t->id(), std::move(*t));
      });
      each("SELECT id, data FROM crosswalks ORDER BY id", [&](SQLite::Statement& q) {
        const std::string where = "crosswalks[" + quote(q.getColumn(0).getString()) + "]";
        if (auto c = parse_crosswalk(parse(q, 1, where), where, r)) m.crosswalks.emplace(c->id, std::move(*c));
      });
      each("SELECT id, data FROM plans ORDER BY id", [&](SQLite::Statement& q) {
        const std::string where = "plans[" + quote(q.getColumn(0).getString()) + "]";
        if (auto p = parse_plan(parse(q, 1, where), where, r)) m.plans.emplace(p->id, std::move(*p));
      });
      each("SELECT body, variable, year, value FROM statistics", [&](SQLite::Statement& q) {
        Statistic s{q.getColumn(1).getString(), q.getColumn(0).getString(), q.getColumn(2).getInt(),
                    q.getColumn(3).getDouble()};
        m.statistics.emplace(StatisticKey{s.body, s.variable, s.year}, std::move(s));
      });
      each("SELECT key, data FROM feedback", [&](SQLite::Statement& q) {
        const std::string where = "feedback[" + quote(q.getColumn(0).getString()) + "]";
        if (auto f = parse_feedback(parse(q, 1, where), where, r)) m.feedback.insert(std::move(*f));
      });
      each("SELECT id, data FROM places", [&](SQLite::Statement& q) {
        const std::string where = "places[" + quote(q.getColumn(0).getString()) + "]";
        if (auto p = parse_place(parse(q, 1, where), where, r)) m.places.emplace(p->id, std::move(*p));
      });
      each("SELECT body, scheme, date, data FROM certifications", [&](SQLite::Statement& q) {
        const std::string where = "certifications[" + quote(q.getColumn(0).getString()) + "]";
        if (auto c = parse_certification(parse(q, 3, where), where, r)) {
          m.certifications.emplace(CertificationKey{c->body, c->scheme, c->date.to_string()}, std::move(*c));
        }
      });
      each("SELECT id, data FROM cases", [&](SQLite::Statement& q) {
        const std::string where = "cases[" + quote(q.getColumn(0).getString()) + "]";
        if (auto c = parse_case(parse(q, 1, where), where, r)) m.cases.emplace(c->id, std::move(*c));
      });
      each("SELECT body, service, year, charged, collected FROM ledger", [&](SQLite::Statement& q) {
        LedgerEntry l{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt(),
                      Money::from_cents(q.getColumn(3).getInt64()), Money::from_cents(q.getColumn(4).getInt64())};
        m.ledger.emplace(LedgerKey{l.body, l.service, l.year}, std::move(l));
      });
      each("SELECT id, data FROM indicators", [&](SQLite::Statement& q) {
        m.indicators.emplace(q.getColumn(0).getString(), parse(q, 1, "indicators"));
      });
      each("SELECT id, data FROM rulesets", [&](SQLite::Statement& q) {
        m.rulesets.emplace(q.getColumn(0).getString(), parse(q, 1, "rulesets"));
      });
      each("SELECT id, data FROM users", [&](SQLite::Statement& q) {
        const std::string where = "users[" + quote(q.getColumn(0).getString()) + "]";
        if (auto u = parse_user(parse(q, 1, where), where, r)) m.users.emplace(u->id, std::move(*u));
      });
      if (read) read->commit();
      if (!issues.empty()) {
        throw StorageError("workspace " + path_ + " holds unreadable data: " + issues.front().path + ": " +
                           issues.front().message);
      }
    });
    return m;
  }

  bool changed_since_load() override {
    bool changed = false;
    guard([&] { changed = data_version() != load_version_; });
    return changed;
  }

  void begin_write() override {
    guard([&] {
      db_->exec("BEGIN IMMEDIATE");
      in_write_ = true;
    });
  }

  void write(const Model& d) override {
    guard([&] {
      auto upsert = [&](const char* sql, const std::function<void(SQLite::Statement&)>& bind_all) {
        SQLite::Statement q(*db_, sql);
        bind_all(q);
      };
      auto run = [](SQLite::Statement& q) {
        q.exec();
        q.reset();
        q.clearBindings();
      };
      upsert("INSERT INTO bodies(id, kind, data) VALUES (?, ?, ?) "
             "ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, data = excluded.data",
             [&](SQLite::Statement& q) {
               for (const auto& [id, b] : d.bodies) {
                 q.bind(1, id);
                 q.bind(2, to_string(b.kind));
                 q.bind(3, json(b).dump());
                 run(q);
               }
             });
      auto by_id = [&](const char* table, const auto& map) {
        std::string sql = std::string("INSERT INTO ") + table +
                          "(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data";
        upsert(sql.c_str(), [&](SQLite::Statement& q) {
          for (const auto& [id, obj] : map) {
            q.bind(1, id);
            q.bind(2, json(obj).dump());
            run(q);
          }
        });
      };
      by_id("taxonomies", d.taxonomies);
      by_id("crosswalks", d.crosswalks);
      upsert("INSERT INTO plans(id, body, kind, status, revision, data) VALUES (?, ?, ?, ?, ?, ?) "
             "ON CONFLICT(id) DO UPDATE SET body = excluded.body, kind = excluded.kind, status = excluded.status, "
             "revision = excluded.revision, data = excluded.data",
             [&](SQLite::Statement& q) {
               for (const auto& [id, p] : d.plans) {
                 q.bind(1, id);
                 q.bind(2, p.body);
                 q.bind(3, p.kind);
                 q.bind(4, to_string(p.status));
                 q.bind(5, static_cast<int64_t>(p.revision));
                 q.bind(6, json(p).dump());
                 run(q);
               }
             });
      upsert("INSERT INTO statistics(body, variable, year, value) VALUES (?, ?, ?, ?) "
             "ON CONFLICT(body, variable, year) DO UPDATE SET value = excluded.value",
             [&](SQLite::Statement& q) {
               for (const auto& [key, s] : d.statistics) {
                 q.bind(1, s.body);
                 q.bind(2, s.variable);
                 q.bind(3, s.year);
                 q.bind(4, s.value);
                 run(q);
               }
             });
      upsert("INSERT INTO feedback(key, action, data) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING",
             [&](SQLite::Statement& q) {
               for (const auto& f : d.feedback) {
                 q.bind(1, feedback_key(f));
                 q.bind(2, f.action);
                 q.bind(3, json(f).dump());
                 run(q);
               }
             });
      upsert("INSERT INTO places(id, body, data) VALUES (?, ?, ?) "
             "ON CONFLICT(id) DO UPDATE SET body = excluded.body, data = excluded.data",
             [&](SQLite::Statement& q) {
               for (const auto& [id, p] : d.places) {
                 q.bind(1, id);
                 q.bind(2, p.body);
                 q.bind(3, json(p).dump());
                 run(q);
               }
             });
      upsert("INSERT INTO certifications(body, scheme, date, data) VALUES (?, ?, ?, ?) "
             "ON CONFLICT(body, scheme, date) DO UPDATE SET data = excluded.data",
             [&](SQLite::Statement& q) {
               for (const auto& [key, c] : d.certifications) {
                 q.bind(1, c.body);
                 q.bind(2, c.scheme);
                 q.bind(3, c.date.to_string());
                 q.bind(4, json(c).dump());
                 run(q);
               }
             });
      upsert("INSERT INTO cases(id, body, data) VALUES (?, ?, ?) "
             "ON CONFLICT(id) DO UPDATE SET body = excluded.body, data = excluded.data",
             [&](SQLite::Statement& q) {
               for (const auto& [id, c] : d.cases) {
                 q.bind(1, id);
                 q.bind(2, c.body);
                 q.bind(3, json(c).dump());
                 run(q);
               }
             });
      upsert("INSERT INTO ledger(body, service, year, charged, collected) VALUES (?, ?, ?, ?, ?) "
             "ON CONFLICT(body, service, year) DO UPDATE SET charged = excluded.charged, "
             "collected = excluded.collected",
             [&](SQLite::Statement& q) {
               for (const auto& [key, l] : d.ledger) {
                 q.bind(1, l.body);
                 q.bind(2, l.service);
                 q.bind(3, l.year);
                 q.bind(4, static_cast<int64_t>(l.charged.cents()));
                 q.bind(5, static_cast<int64_t>(l.collected.cents()));
                 run(q);
               }
             });
      by_id("indicators", d.indicators);
      by_id("rulesets", d.rulesets);
      by_id("users", d.users);
    });
  }

  void commit() override {
    guard([&] {
      db_->exec("COMMIT");
      in_write_ = false;
    });
  }

  void rollback() noexcept override {
    if (!in_write_) return;
    in_write_ = false;
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
      // A failed rollback leaves SQLite to roll back on close; nothing more to do here.
    }
  }

 private:
  static constexpr int kBusyTimeoutMs = 10000;

  // Runs `fn`, translating SQLite and JSON exceptions into StorageError naming the file.
  void guard(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error&) {
      throw;
    } catch (const SQLite::Exception& e) {
      const int code = e.getErrorCode();
      std::string what = e.what();
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        what = "the workspace stayed locked by another writer for more than " +
               std::to_string(kBusyTimeoutMs / 1000) + " s (" + what + ")";
      }
      throw StorageError("workspace " + path_ + ": " + what);
    } catch (const std::exception& e) {
      throw StorageError("workspace " + path_ + ": " + e.what());
    }
  }

  std::int64_t data_version() {
    return db_->execAndGet("PRAGMA data_version").getInt64();
  }

  void migrate() {
    const int version = db_->execAndGet("PRAGMA user_version").getInt();
    if (version > kSchemaVersion) {
      throw StorageError("workspace " + path_ + " has schema version " + std::to_string(version) +
                         ", newer than this civicplan understands (" + std::to_string(kSchemaVersion) + ")");
    }
    if (version == kSchemaVersion) {
      check_application();
      return;
    }
    SQLite::Transaction t(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have migrated while we waited for the lock.
    int current = db_->execAndGet("PRAGMA user_version").getInt();
    if (current == 0) {
      // A version-0 file must be empty: refuse to take over some other application's database.
      const int tables = db_->execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table'").getInt();
      if (tables > 0) {
        throw StorageError("workspace " + path_ + " is a SQLite database of another application");
      }
    }
    for (; current < kSchemaVersion; ++current) {
      db_->exec(kMigrations[current]);
      db_->exec("PRAGMA user_version = " + std::to_string(current + 1));
    }
    t.commit();
  }

  void check_application() {
    SQLite::Statement q(*db_, "SELECT value FROM meta WHERE key = 'application'");
    if (!q.executeStep() || q.getColumn(0).getString() != "civicplan") {
      throw StorageError("workspace " + path_ + " is not a civicplan workspace");
    }
  }

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  std::int64_t load_version_ = -1;
  bool in_write_ = false;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path) { return std::make_unique<SqliteStore>(path); }

}  // namespace civicplan::detail
