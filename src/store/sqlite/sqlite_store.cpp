// SPDX-License-Identifier: Apache-2.0
// SQLite storage: schema, migrations, WAL, one transaction per mutation.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <optional>

#include "civicplan/error.hpp"
#include "io/bundle_parse.hpp"
#include "store/row_codec.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace civicplan::detail {

namespace {

/// The schema version this build writes: one migration per version.
constexpr int kSchemaVersion = 3;

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
    // 1 -> 2: plan revisions and the append-only audit log.
    R"sql(
CREATE TABLE plan_revisions (
  plan TEXT NOT NULL, revision INTEGER NOT NULL, time TEXT NOT NULL, user TEXT NOT NULL,
  operation TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (plan, revision)) WITHOUT ROWID;
INSERT INTO plan_revisions(plan, revision, time, user, operation, data)
  SELECT id, revision, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), '', 'migrate', data FROM plans;
CREATE TABLE audit (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, user TEXT NOT NULL,
  operation TEXT NOT NULL, object TEXT NOT NULL, revision INTEGER, before_revision INTEGER,
  detail TEXT NOT NULL);
CREATE INDEX audit_object ON audit(object);
CREATE INDEX audit_time ON audit(time);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    // 2 -> 3: a kept revision whose data is NULL is the one the plans row holds, so that a
    // plan is stored once until it changes (its data is copied into the revision then).
    R"sql(
CREATE TABLE plan_revisions_3 (
  plan TEXT NOT NULL, revision INTEGER NOT NULL, time TEXT NOT NULL, user TEXT NOT NULL,
  operation TEXT NOT NULL, data TEXT,
  PRIMARY KEY (plan, revision)) WITHOUT ROWID;
INSERT INTO plan_revisions_3(plan, revision, time, user, operation, data)
  SELECT plan, revision, time, user, operation, data FROM plan_revisions;
DROP TABLE plan_revisions;
ALTER TABLE plan_revisions_3 RENAME TO plan_revisions;
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, bool read_only) : path_(path), read_only_(read_only) {
    guard([&] {
      if (read_only_) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) throw StorageError("no workspace at " + path);
        db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
      } else {
        db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      }
      db_->setBusyTimeout(kBusyTimeoutMs);
      // Fail early on a file that is not a SQLite database.
      db_->exec("PRAGMA schema_version");
      if (read_only_) {
        check_current();
        return;
      }
      db_->exec("PRAGMA journal_mode = WAL");
      db_->exec("PRAGMA synchronous = FULL");
      db_->exec("PRAGMA foreign_keys = ON");
      migrate();
    });
  }

  ~SqliteStore() override {
    if (in_write_) rollback_write();
  }

  const std::string& location() const override { return path_; }
  bool persistent() const override { return true; }
  bool read_only() const override { return read_only_; }

  void append_revision(const PlanRevision& r, const Plan& plan) override {
    // The plan was written by write() in this transaction: its row holds the revision's data,
    // so the revision keeps none (NULL) until write() replaces that row.
    bool copied = false;
    guard([&] {
      SQLite::Statement& q = cached(revision_insert_,
                          "INSERT INTO plan_revisions(plan, revision, time, user, operation, data) "
                          "SELECT id, revision, ?, ?, ?, NULL FROM plans WHERE id = ? AND revision = ? "
                          "ON CONFLICT(plan, revision) DO UPDATE SET time = excluded.time, "
                          "user = excluded.user, operation = excluded.operation, data = excluded.data");
      q.bind(1, r.time);
      q.bind(2, r.user);
      q.bind(3, r.operation);
      q.bind(4, r.plan);
      q.bind(5, static_cast<int64_t>(r.revision));
      copied = q.exec() > 0;
      q.reset();
    });
    if (copied) return;
    const std::string data = encode(plan);
    guard([&] {
      SQLite::Statement q(*db_,
                          "INSERT INTO plan_revisions(plan, revision, time, user, operation, data) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(plan, revision) DO UPDATE SET time = excluded.time, "
                          "user = excluded.user, operation = excluded.operation, data = excluded.data");
      q.bind(1, r.plan);
      q.bind(2, static_cast<int64_t>(r.revision));
      q.bind(3, r.time);
      q.bind(4, r.user);
      q.bind(5, r.operation);
      q.bind(6, data);
      q.exec();
    });
  }

  std::vector<PlanRevision> history(const std::string& plan) override {
    std::vector<PlanRevision> out;
    guard([&] {
      SQLite::Statement q(*db_,
                          "SELECT revision, time, user, operation FROM plan_revisions WHERE plan = ? ORDER BY revision");
      q.bind(1, plan);
      while (q.executeStep()) {
        out.push_back({plan, q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).getString()});
      }
    });
    return out;
  }

  std::optional<Plan> revision(const std::string& plan, std::int64_t revision) override {
    std::optional<std::string> data;
    guard([&] {
      SQLite::Statement q(*db_,
                          "SELECT r.data IS NULL, coalesce(r.data, p.data) FROM plan_revisions r "
                          "LEFT JOIN plans p ON p.id = r.plan AND p.revision = r.revision "
                          "WHERE r.plan = ? AND r.revision = ?");
      q.bind(1, plan);
      q.bind(2, static_cast<int64_t>(revision));
      if (!q.executeStep()) return;
      if (q.getColumn(1).isNull()) {
        throw StorageError("kept revision " + plan + "@" + std::to_string(revision) + " has no data");
      }
      data = q.getColumn(1).getString();
    });
    if (!data) return std::nullopt;
    std::vector<Issue> issues;
    Reader reader(issues);
    std::optional<Plan> out;
    try {
      out = parse_plan(json::parse(*data), "plan", reader);
    } catch (const json::exception&) {
      issues.push_back({"plan", "stored JSON is unreadable"});
    }
    if (!out || !issues.empty()) {
      throw StorageError("kept revision " + plan + "@" + std::to_string(revision) + " is unreadable");
    }
    return out;
  }

  void append_audit(const AuditEntry& e) override {
    guard([&] {
      SQLite::Statement& q = cached(audit_insert_,
                          "INSERT INTO audit(time, user, operation, object, revision, before_revision, detail) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
      q.bind(1, e.time);
      q.bind(2, e.user);
      q.bind(3, e.operation);
      q.bind(4, e.object);
      if (e.revision) q.bind(5, static_cast<int64_t>(*e.revision)); else q.bind(5);
      if (e.before_revision) q.bind(6, static_cast<int64_t>(*e.before_revision)); else q.bind(6);
      q.bind(7, e.detail);
      q.exec();
      q.reset();
    });
  }

  std::vector<AuditEntry> audit(const std::optional<std::string>& since,
                                const std::optional<std::string>& object) override {
    std::vector<AuditEntry> out;
    guard([&] {
      SQLite::Statement q(*db_,
                          "SELECT sequence, time, user, operation, object, revision, before_revision, detail FROM audit "
                          "WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR object = ?2) ORDER BY sequence");
      if (since) q.bind(1, *since); else q.bind(1);
      if (object) q.bind(2, *object); else q.bind(2);
      while (q.executeStep()) {
        AuditEntry e;
        e.sequence = q.getColumn(0).getInt64();
        e.time = q.getColumn(1).getString();
        e.user = q.getColumn(2).getString();
        e.operation = q.getColumn(3).getString();
        e.object = q.getColumn(4).getString();
        if (!q.getColumn(5).isNull()) e.revision = q.getColumn(5).getInt64();
        if (!q.getColumn(6).isNull()) e.before_revision = q.getColumn(6).getInt64();
        e.detail = q.getColumn(7).getString();
        out.push_back(std::move(e));
      }
    });
    return out;
  }

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
      // Stored JSON documents, read a block at a time and parsed on two threads (row codec).
      auto documents = [&](const char* sql, const char* table, auto parse_object, auto keep) {
        SQLite::Statement q(*db_, sql);
        bool done = false;  // stepping past the last row again is an error
        parse_documents(
            [&](DocumentRows& rows) {
              while (!done && rows.size() < kDocumentBlock) {
                if (!q.executeStep()) {
                  done = true;
                  break;
                }
                rows.emplace_back(std::string(table) + "[" + quote(q.getColumn(0).getString()) + "]",
                                  q.getColumn(1).getString());
              }
            },
            parse_object, keep, issues);
      };
      documents("SELECT id, data FROM plans ORDER BY id", "plans", parse_plan,
                [&](Plan&& p) { m.plans.emplace(p.id, std::move(p)); });
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
      documents("SELECT id, data FROM cases", "cases", parse_case,
                [&](Case&& c) { m.cases.emplace(c.id, std::move(c)); });
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

  Model load(const Changes& changes) override {
    // SQLite names no ids (changes_since() says "everything"); a reader that has some reads
    // the whole model and keeps the objects they name.
    Model all = load();
    Model out;
    Model::each_kind(
        [&](const char* kind, const auto& from, auto& to) {
          auto it = changes.ids.find(kind);
          if (it == changes.ids.end()) return;
          for (const auto& element : from) {
            if (it->second.count(change_key(element))) to.insert(element);
          }
        },
        all, out);
    load_version_ = changes.sequence;
    return out;
  }

  std::int64_t sequence() override { return load_version_; }

  // PRAGMA data_version moves when another connection commits: SQLite tells that something
  // changed, not what.
  Changes changes_since(std::int64_t sequence) override {
    Changes changes;
    guard([&] {
      changes.sequence = data_version();
      changes.everything = changes.sequence != sequence;
    });
    return changes;
  }

 protected:
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
      // A kept revision without data is the plans row about to be replaced: copy it first
      // (nothing to do in a workspace that keeps no revision yet, as on a first import).
      if (!d.plans.empty() && db_->execAndGet("SELECT EXISTS (SELECT 1 FROM plan_revisions)").getInt()) {
        upsert("UPDATE plan_revisions SET data = (SELECT data FROM plans WHERE id = ?1) WHERE plan = ?1 AND data IS NULL",
               [&](SQLite::Statement& q) {
                 for (const auto& kv : d.plans) {
                   q.bind(1, kv.first);
                   run(q);
                 }
               });
      }
      upsert("INSERT INTO plans(id, body, kind, status, revision, data) VALUES (?, ?, ?, ?, ?, ?) "
             "ON CONFLICT(id) DO UPDATE SET body = excluded.body, kind = excluded.kind, status = excluded.status, "
             "revision = excluded.revision, data = excluded.data",
             [&](SQLite::Statement& q) {
               serialised(d.plans, [&](const Plan& p, const std::string& text) {
                 q.bind(1, p.id);
                 q.bind(2, p.body);
                 q.bind(3, p.kind);
                 q.bind(4, to_string(p.status));
                 q.bind(5, static_cast<int64_t>(p.revision));
                 q.bindNoCopy(6, text);  // text outlives the step
                 run(q);
               });
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
               serialised(d.places, [&](const Place& p, const std::string& text) {
                 q.bind(1, p.id);
                 q.bind(2, p.body);
                 q.bindNoCopy(3, text);
                 run(q);
               });
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
               serialised(d.cases, [&](const Case& c, const std::string& text) {
                 q.bind(1, c.id);
                 q.bind(2, c.body);
                 q.bindNoCopy(3, text);
                 run(q);
               });
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

  void commit_write() override {
    guard([&] {
      db_->exec("COMMIT");
      in_write_ = false;
    });
  }

  void rollback_write() noexcept override {
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

  // A statement prepared once and kept in `slot` (bindings are cleared for the next use).
  SQLite::Statement& cached(std::unique_ptr<SQLite::Statement>& slot, const char* sql) {
    if (!slot) slot = std::make_unique<SQLite::Statement>(*db_, sql);
    slot->reset();
    slot->clearBindings();
    return *slot;
  }

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

  // A read-only opening needs a current civicplan workspace: it cannot create or migrate one.
  void check_current() {
    const int version = db_->execAndGet("PRAGMA user_version").getInt();
    if (version == 0) throw StorageError("no civicplan workspace in " + path_ + " (it is empty or another application's)");
    if (version != kSchemaVersion) {
      throw StorageError("workspace " + path_ + " has schema version " + std::to_string(version) + ", this civicplan " +
                         (version > kSchemaVersion ? "understands only up to " : "reads it after a migration to ") +
                         std::to_string(kSchemaVersion) +
                         (version > kSchemaVersion ? "" : "; open it once without read_only to migrate it"));
    }
    check_application();
  }

  void check_application() {
    SQLite::Statement q(*db_, "SELECT value FROM meta WHERE key = 'application'");
    if (!q.executeStep() || q.getColumn(0).getString() != "civicplan") {
      throw StorageError("workspace " + path_ + " is not a civicplan workspace");
    }
  }

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  // Declared after db_: finalised before the connection closes.
  std::unique_ptr<SQLite::Statement> revision_insert_, audit_insert_;
  std::int64_t load_version_ = -1;
  bool read_only_ = false;
  bool in_write_ = false;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, bool read_only) {
  return std::make_unique<SqliteStore>(path, read_only);
}

}  // namespace civicplan::detail
