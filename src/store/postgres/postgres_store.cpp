// SPDX-License-Identifier: Apache-2.0
// PostgreSQL storage (DESIGN §14): one schema per workspace, plans as jsonb rows, writers
// serialised by an advisory lock, a change sequence for O(changes) refreshes, an append-only
// audit log enforced by a trigger.
#include "store/postgres/postgres_store.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "civicplan/error.hpp"
#include "io/bundle_parse.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/row_codec.hpp"

namespace civicplan::detail {

namespace {

using nlohmann::json;

/// The schema version this build writes: one migration per version.
constexpr int kSchemaVersion = 1;

// Migration i brings a schema from version i to i + 1; it runs with search_path set to the
// workspace's schema.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO meta(key, value) VALUES ('application', 'civicplan'), ('schema_version', '0');
CREATE TABLE bodies (id text PRIMARY KEY, kind text NOT NULL, data jsonb NOT NULL);
CREATE TABLE taxonomies (id text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE crosswalks (id text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE plans (
  id text PRIMARY KEY, body text NOT NULL, kind text NOT NULL, status text NOT NULL,
  revision bigint NOT NULL, data jsonb NOT NULL);
CREATE INDEX plans_body ON plans(body);
CREATE TABLE statistics (
  key text PRIMARY KEY, body text NOT NULL, variable text NOT NULL, year integer NOT NULL,
  value double precision NOT NULL);
CREATE TABLE feedback (key text PRIMARY KEY, action text NOT NULL, data jsonb NOT NULL);
CREATE TABLE places (id text PRIMARY KEY, body text NOT NULL, data jsonb NOT NULL);
CREATE TABLE certifications (
  key text PRIMARY KEY, body text NOT NULL, scheme text NOT NULL, date text NOT NULL, data jsonb NOT NULL);
CREATE TABLE cases (id text PRIMARY KEY, body text NOT NULL, data jsonb NOT NULL);
CREATE TABLE ledger (
  key text PRIMARY KEY, body text NOT NULL, service text NOT NULL, year integer NOT NULL,
  charged bigint NOT NULL, collected bigint NOT NULL);
CREATE TABLE indicators (id text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE rulesets (id text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE users (id text PRIMARY KEY, data jsonb NOT NULL);
-- A kept revision whose data is NULL is the one the plans row holds: a plan is stored once
-- until it changes (its data is copied into the revision then).
CREATE TABLE plan_revisions (
  plan text NOT NULL, revision bigint NOT NULL, time text NOT NULL, "user" text NOT NULL,
  operation text NOT NULL, data jsonb, PRIMARY KEY (plan, revision));
CREATE TABLE audit (
  sequence bigint PRIMARY KEY, time text NOT NULL, "user" text NOT NULL, operation text NOT NULL,
  object text NOT NULL, revision bigint, before_revision bigint, detail text NOT NULL);
CREATE INDEX audit_object ON audit(object);
CREATE INDEX audit_time ON audit(time);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the civicplan audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_no_update_or_delete BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
-- The change sequence: one row per commit, naming the objects it wrote by kind (or
-- {"everything": true}), so that other connections re-read only those.
CREATE TABLE changes (
  sequence bigint PRIMARY KEY, time timestamptz NOT NULL DEFAULT now(), objects jsonb NOT NULL);
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

/// A writer waits this long for another writer of the same workspace before giving up.
constexpr int kLockTimeoutSeconds = 30;
/// A commit naming more objects than this records {"everything": true} instead.
constexpr std::size_t kMaxChangeIds = 50000;
/// A reader this many commits behind re-reads everything.
constexpr std::size_t kMaxChangeRows = 5000;

// A PostgreSQL text[] literal of `values`.
std::string array_literal(const std::set<std::string>& values) {
  std::string out = "{";
  bool first = true;
  for (const auto& v : values) {
    if (!first) out += ',';
    first = false;
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

int percent_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = percent_value(s[i + 1]);
      const int lo = percent_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

/// Parses documents a block at a time on other threads while rows are still arriving: at
/// most two blocks are parsed ahead of the one being filled (row codec's two-thread shape).
template <class Object, class ParseObject>
class ParallelParse {
 public:
  using Keep = std::function<void(Object&&)>;
  ParallelParse(ParseObject parse_object, Keep keep, std::vector<Issue>& issues)
      : parse_object_(parse_object), keep_(std::move(keep)), issues_(issues) {}
  ~ParallelParse() {
    for (auto& p : pending_) {
      if (p.valid()) p.wait();
    }
  }

  void add(std::string where, std::string text) {
    block_.emplace_back(std::move(where), std::move(text));
    if (block_.size() >= kDocumentBlock) launch();
  }

  void finish() {
    if (!block_.empty()) launch();
    while (!pending_.empty()) take();
  }

 private:
  struct Parsed {
    std::vector<std::optional<Object>> objects;
    std::vector<Issue> issues;
  };

  void launch() {
    auto rows = std::make_shared<DocumentRows>(std::move(block_));
    block_.clear();
    pending_.push_back(std::async(std::launch::async, [rows, parse = parse_object_] {
      Parsed out;
      Reader reader(out.issues);
      for (const auto& [where, text] : *rows) {
        json j;
        try {
          j = json::parse(text);
        } catch (const json::exception& e) {
          out.issues.push_back({where, std::string("stored JSON is unreadable: ") + e.what()});
        }
        out.objects.push_back(parse(j, where, reader));
      }
      return out;
    }));
    if (pending_.size() > 2) take();
  }

  void take() {
    Parsed p = pending_.front().get();
    pending_.pop_front();
    for (auto& issue : p.issues) issues_.push_back(std::move(issue));
    for (auto& o : p.objects) {
      if (o) keep_(std::move(*o));
    }
  }

  ParseObject parse_object_;
  Keep keep_;
  std::vector<Issue>& issues_;
  DocumentRows block_;
  std::deque<std::future<Parsed>> pending_;
};

// One kept revision waiting for the commit: its data is NULL when the plans row written in
// the same transaction holds it.
struct PendingRevision {
  PlanRevision revision;
  std::optional<std::string> data;
};

class PostgresStore final : public Store {
 public:
  PostgresStore(const std::string& uri, bool read_only) : read_only_(read_only) {
    const PostgresLocation where = parse_postgres_uri(uri);
    conninfo_ = where.conninfo;
    schema_ = where.schema;
    const pg::Target target = pg::target_of(conninfo_);
    if (!target.parsed) throw StorageError("cannot read the PostgreSQL URI: " + target.error);
    describe(target);
    guard([&] {
      connection();
      if (read_only_) {
        check_current();
      } else {
        migrate();
      }
    });
  }

  ~PostgresStore() override {
    if (in_write_) rollback_write();
  }

  const std::string& location() const override { return location_; }
  bool persistent() const override { return true; }
  bool read_only() const override { return read_only_; }
  bool may_retry() const override { return true; }

  Model load() override {
    Model m;
    guard([&] {
      Read read(*this);
      load_version_ = head();
      read_all(m);
      read.commit();
    });
    return m;
  }

  Model load(const Changes& changes) override {
    Model m;
    guard([&] {
      Read read(*this);
      // Read up to the latest commit in this consistent read, so the objects read belong to
      // one state (what `changes` names plus whatever was committed since).
      Changes all = changes_after(changes.sequence);
      if (all.everything) {
        load_version_ = all.sequence;
        read_all(m);
      } else {
        for (const auto& [kind, ids] : changes.ids) all.ids[kind].insert(ids.begin(), ids.end());
        read_some(m, all.ids);
        load_version_ = std::max(all.sequence, changes.sequence);
      }
      read.commit();
    });
    return m;
  }

  std::int64_t sequence() override { return load_version_; }

  Changes changes_since(std::int64_t sequence) override {
    Changes changes;
    guard([&] { changes = changes_after(sequence); });
    return changes;
  }

  std::vector<PlanRevision> history(const std::string& plan) override {
    std::vector<PlanRevision> out;
    guard([&] {
      const pg::Result r = connection().exec(
          "SELECT revision, time, \"user\", operation FROM plan_revisions WHERE plan = $1 ORDER BY revision", {plan});
      for (int i = 0; i < r.rows(); ++i) {
        out.push_back({plan, r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
      }
    });
    return out;
  }

  std::optional<Plan> revision(const std::string& plan, std::int64_t revision) override {
    std::optional<std::string> data;
    guard([&] {
      const pg::Result r = connection().exec(
          "SELECT coalesce(r.data, p.data)::text FROM plan_revisions r "
          "LEFT JOIN plans p ON p.id = r.plan AND p.revision = r.revision WHERE r.plan = $1 AND r.revision = $2",
          {plan, std::to_string(revision)});
      if (r.rows() == 0) return;
      if (r.null(0, 0)) throw StorageError("kept revision " + plan + "@" + std::to_string(revision) + " has no data");
      data = r.text(0, 0);
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
      throw StorageError(where_ + ": kept revision " + plan + "@" + std::to_string(revision) + " is unreadable");
    }
    return out;
  }

  std::vector<AuditEntry> audit(const std::optional<std::string>& since,
                                const std::optional<std::string>& object) override {
    std::vector<AuditEntry> out;
    guard([&] {
      const pg::Result r = connection().exec(
          "SELECT sequence, time, \"user\", operation, object, revision, before_revision, detail FROM audit "
          "WHERE ($1::text IS NULL OR time >= $1) AND ($2::text IS NULL OR object = $2) ORDER BY sequence",
          {since, object});
      for (int i = 0; i < r.rows(); ++i) {
        AuditEntry e;
        e.sequence = r.integer(i, 0);
        e.time = r.text(i, 1);
        e.user = r.text(i, 2);
        e.operation = r.text(i, 3);
        e.object = r.text(i, 4);
        if (!r.null(i, 5)) e.revision = r.integer(i, 5);
        if (!r.null(i, 6)) e.before_revision = r.integer(i, 6);
        e.detail = r.text(i, 7);
        out.push_back(std::move(e));
      }
    });
    return out;
  }

 protected:
  void begin_write() override {
    guard([&] {
      pg::Connection& c = connection();
      c.exec("BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '" +
             std::to_string(kLockTimeoutSeconds) + "s'");
      in_write_ = true;
      // Writers of this workspace take turns: after the lock, every statement of this READ
      // COMMITTED transaction sees what the writers before it committed, and the change
      // sequence grows in commit order.
      c.exec(lock_sql());
    });
  }

  void write(const Model& d) override {
    guard([&] {
      Model::each_kind(
          [&](const char* kind, const auto& objects) {
            if (objects.empty()) return;
            auto& ids = touched_[kind];
            for (const auto& element : objects) ids.insert(change_key(element));
          },
          d);
      put("bodies", "id, kind, data", "id", "kind = excluded.kind, data = excluded.data", d.bodies,
          [](pg::CopyWriter& w, const auto& kv) {
            w.field(kv.first);
            w.field(to_string(kv.second.kind));
            w.field(encode(kv.second));
          });
      put_documents("taxonomies", d.taxonomies);
      put_documents("crosswalks", d.crosswalks);
      if (!d.plans.empty()) {
        for (const auto& [id, p] : d.plans) written_plans_[id] = p.revision;
        put_plans(d.plans);
      }
      put("statistics", "key, body, variable, year, value", "key",
          "body = excluded.body, variable = excluded.variable, year = excluded.year, value = excluded.value",
          d.statistics, [](pg::CopyWriter& w, const auto& kv) {
            const Statistic& s = kv.second;
            w.field(statistic_key(s));
            w.field(s.body);
            w.field(s.variable);
            w.field(static_cast<std::int64_t>(s.year));
            w.field(s.value);
          });
      put("feedback", "key, action, data", "key", nullptr, d.feedback, [](pg::CopyWriter& w, const Feedback& f) {
        w.field(feedback_key(f));
        w.field(f.action);
        w.field(encode(f));
      });
      put("places", "id, body, data", "id", "body = excluded.body, data = excluded.data", d.places,
          [](pg::CopyWriter& w, const auto& kv) {
            w.field(kv.first);
            w.field(kv.second.body);
            w.field(encode(kv.second));
          });
      put("certifications", "key, body, scheme, date, data", "key",
          "body = excluded.body, scheme = excluded.scheme, date = excluded.date, data = excluded.data",
          d.certifications, [](pg::CopyWriter& w, const auto& kv) {
            const CertificationRecord& c = kv.second;
            w.field(certification_key(c));
            w.field(c.body);
            w.field(c.scheme);
            w.field(c.date.to_string());
            w.field(encode(c));
          });
      put("cases", "id, body, data", "id", "body = excluded.body, data = excluded.data", d.cases,
          [](pg::CopyWriter& w, const auto& kv) {
            w.field(kv.first);
            w.field(kv.second.body);
            w.field(encode(kv.second));
          });
      put("ledger", "key, body, service, year, charged, collected", "key",
          "body = excluded.body, service = excluded.service, year = excluded.year, charged = excluded.charged, "
          "collected = excluded.collected",
          d.ledger, [](pg::CopyWriter& w, const auto& kv) {
            const LedgerEntry& l = kv.second;
            w.field(ledger_key(l));
            w.field(l.body);
            w.field(l.service);
            w.field(static_cast<std::int64_t>(l.year));
            w.field(static_cast<std::int64_t>(l.charged.cents()));
            w.field(static_cast<std::int64_t>(l.collected.cents()));
          });
      put_documents("indicators", d.indicators);
      put_documents("rulesets", d.rulesets);
      put_documents("users", d.users);
    });
  }

  void append_revision(const PlanRevision& r, const Plan& plan) override {
    auto it = written_plans_.find(r.plan);
    PendingRevision pending{r, std::nullopt};
    if (it == written_plans_.end() || it->second != r.revision) pending.data = encode(plan);
    revisions_.push_back(std::move(pending));
  }

  void append_audit(const AuditEntry& entry) override { audit_.push_back(entry); }

  void commit_write() override {
    guard([&] {
      pg::Connection& c = connection();
      flush_revisions(c);
      flush_audit(c);
      std::optional<std::int64_t> sequence;
      if (!touched_.empty() || !revisions_.empty() || !audit_.empty()) {
        const pg::Result r = c.exec(
            "INSERT INTO changes(sequence, objects) SELECT coalesce(max(sequence), 0) + 1, $1::jsonb FROM changes "
            "RETURNING sequence",
            {changed_objects()});
        sequence = r.integer(0, 0);
      }
      c.exec("COMMIT");
      in_write_ = false;
      clear_pending();
      if (sequence) load_version_ = *sequence;
    });
  }

  void rollback_write() noexcept override {
    if (!in_write_) return;
    in_write_ = false;
    clear_pending();
    try {
      if (conn_ && conn_->healthy()) conn_->exec("ROLLBACK");
    } catch (...) {
      // A failed rollback leaves the server to end the transaction when the connection goes.
      conn_.reset();
    }
  }

 private:
  // A consistent read (REPEATABLE READ, READ ONLY) unless inside the write transaction, whose
  // lock already keeps other writers out; rolled back unless committed.
  class Read {
   public:
    explicit Read(PostgresStore& store) : store_(store), active_(!store.in_write_) {
      if (active_) store_.connection().exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }
    ~Read() {
      if (!active_) return;
      try {
        if (store_.conn_ && store_.conn_->healthy()) store_.conn_->exec("ROLLBACK");
      } catch (...) {
        store_.conn_.reset();
      }
    }
    void commit() {
      if (!active_) return;
      active_ = false;
      store_.connection().exec("COMMIT");
    }

   private:
    PostgresStore& store_;
    bool active_;
  };

  // The connection, made (again) when there is none or it was lost.
  pg::Connection& connection() {
    if (conn_ && conn_->healthy()) return *conn_;
    if (in_write_) {
      // The transaction went with the connection: nothing of it was committed.
      in_write_ = false;
      clear_pending();
      throw pg::Failure("", "the connection was lost during the write transaction, which was rolled back", true);
    }
    conn_.reset();
    staged_.clear();
    auto c = std::make_unique<pg::Connection>(conninfo_);
    std::string setup = "SET search_path = " + pg::quote_identifier(schema_);
    if (read_only_) setup += "; SET default_transaction_read_only = on";
    c->exec(setup);
    if (lock_keys_.empty()) {
      const pg::Result r = c->exec("SELECT hashtext('civicplan')::text || ', ' || hashtext($1)::text", {schema_});
      lock_keys_ = r.text(0, 0);
    }
    conn_ = std::move(c);
    return *conn_;
  }

  std::string lock_sql() const { return "SELECT pg_advisory_xact_lock(" + lock_keys_ + ")"; }

  void describe(const pg::Target& t) {
    const bool socket = !t.host.empty() && t.host.front() == '/';
    where_ = "PostgreSQL workspace (schema " + schema_ + " of database " + t.database + " on " +
             (socket ? "socket " + t.host + " port " + t.port : "host " + t.host + " port " + t.port) +
             (t.user.empty() ? "" : ", user " + t.user) + ")";
    std::string user = t.user.empty() ? "" : t.user + "@";
    if (socket) {
      location_ = "postgresql://" + user + "/" + t.database + "?host=" + t.host + "&port=" + t.port + "&schema=" + schema_;
    } else {
      const bool ipv6 = t.host.find(':') != std::string::npos;
      location_ = "postgresql://" + user + (ipv6 ? "[" + t.host + "]" : t.host) + ":" + t.port + "/" + t.database +
                  "?schema=" + schema_;
    }
  }

  // Runs `fn`, translating libpq failures and JSON exceptions into StorageError naming the
  // host, database and schema (never the password). A lost connection is dropped, to be made
  // again by the next call.
  void guard(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error&) {
      throw;
    } catch (const pg::Failure& f) {
      const bool was_connected = conn_ != nullptr;  // not a first connection that failed
      if (f.connection_lost()) {
        conn_.reset();
        if (in_write_) {
          in_write_ = false;
          clear_pending();
        }
      }
      std::string what = f.what();
      if (f.lock_timeout()) {
        what = "another writer held the workspace for more than " + std::to_string(kLockTimeoutSeconds) + " s (" +
               what + ")";
      }
      if (f.connection_lost() && was_connected) what += "; the next call connects again";
      if (f.retryable() && in_write_) throw RetryableStorageError(where_ + ": " + what);
      throw StorageError(where_ + ": " + what);
    } catch (const std::exception& e) {
      throw StorageError(where_ + ": " + e.what());
    }
  }

  void clear_pending() {
    touched_.clear();
    written_plans_.clear();
    revisions_.clear();
    audit_.clear();
  }

  // --- schema -----------------------------------------------------------------------------

  // The schema version, or nullopt when the schema has no meta table; `tables` counts the
  // schema's tables.
  std::optional<int> stored_version(pg::Connection& c, std::int64_t* tables = nullptr) {
    const pg::Result r = c.exec(
        "SELECT to_regclass(quote_ident($1) || '.meta') IS NOT NULL, "
        "(SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1)",
        {schema_});
    if (tables) *tables = r.integer(0, 1);
    if (r.text(0, 0) != "t") return std::nullopt;
    const pg::Result m = c.exec("SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')", {});
    std::string application, version;
    for (int i = 0; i < m.rows(); ++i) (m.text(i, 0) == "application" ? application : version) = m.text(i, 1);
    if (application != "civicplan") throw StorageError(where_ + ": the schema is not a civicplan workspace");
    return std::atoi(version.c_str());
  }

  void migrate() {
    pg::Connection& c = connection();
    std::optional<int> version = stored_version(c);
    if (version && *version == kSchemaVersion) return;
    if (version && *version > kSchemaVersion) throw_newer(*version);
    c.exec("BEGIN");
    try {
      c.exec(lock_sql());
      // Another process may have created or migrated the schema while this one waited.
      const pg::Result exists = c.exec("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)",
                                       {schema_});
      if (exists.text(0, 0) != "t") c.exec("CREATE SCHEMA " + pg::quote_identifier(schema_));
      std::int64_t tables = 0;
      version = stored_version(c, &tables);
      int current = version.value_or(0);
      if (!version && tables > 0) {
        throw StorageError(where_ + ": the schema holds tables of another application");
      }
      if (current > kSchemaVersion) throw_newer(current);
      for (; current < kSchemaVersion; ++current) c.exec(kMigrations[current]);
      c.exec("UPDATE meta SET value = $1 WHERE key = 'schema_version' RETURNING value", {std::to_string(current)});
      c.exec("COMMIT");
    } catch (...) {
      try {
        if (c.healthy()) c.exec("ROLLBACK");
      } catch (...) {
        conn_.reset();
      }
      throw;
    }
  }

  [[noreturn]] void throw_newer(int version) const {
    throw StorageError(where_ + " has schema version " + std::to_string(version) +
                       ", newer than this civicplan understands (" + std::to_string(kSchemaVersion) + ")");
  }

  // A read-only opening needs a current workspace: it cannot create or migrate one.
  void check_current() {
    const std::optional<int> version = stored_version(connection());
    if (!version) throw StorageError("no civicplan workspace in " + where_ + " (the schema is absent or empty)");
    if (*version != kSchemaVersion) {
      throw StorageError(where_ + " has schema version " + std::to_string(*version) + ", this civicplan " +
                         (*version > kSchemaVersion ? "understands only up to " : "reads it after a migration to ") +
                         std::to_string(kSchemaVersion) +
                         (*version > kSchemaVersion ? "" : "; open it once without read_only to migrate it"));
    }
  }

  // --- the change sequence ------------------------------------------------------------------

  std::int64_t head() {
    return connection().exec("SELECT coalesce(max(sequence), 0) FROM changes", {}).integer(0, 0);
  }

  Changes changes_after(std::int64_t sequence) {
    Changes out;
    const pg::Result r = connection().exec(
        "SELECT h.top, c.sequence, c.objects::text FROM (SELECT coalesce(max(sequence), 0) AS top FROM changes) h "
        "LEFT JOIN LATERAL (SELECT sequence, objects FROM changes WHERE sequence > $1 ORDER BY sequence LIMIT $2) c "
        "ON true",
        {std::to_string(sequence), std::to_string(kMaxChangeRows + 1)});
    out.sequence = r.integer(0, 0);
    if (out.sequence < sequence) {
      // The workspace went back (restored from a backup, or made again): read it whole.
      out.everything = true;
      return out;
    }
    if (r.null(0, 1)) return out;  // nothing committed since
    if (static_cast<std::size_t>(r.rows()) > kMaxChangeRows) {
      out.everything = true;
      return out;
    }
    std::size_t count = 0;
    for (int i = 0; i < r.rows(); ++i) {
      const json objects = json::parse(r.text(i, 2));
      if (objects.value("everything", false)) {
        out.everything = true;
        out.ids.clear();
        return out;
      }
      for (const auto& [kind, ids] : objects.items()) {
        auto& set = out.ids[kind];
        for (const auto& id : ids) set.insert(id.get<std::string>());
        count += ids.size();
      }
      if (count > kMaxChangeIds) {
        out.everything = true;
        out.ids.clear();
        return out;
      }
    }
    return out;
  }

  std::string changed_objects() const {
    std::size_t count = 0;
    for (const auto& [kind, ids] : touched_) count += ids.size();
    if (count > kMaxChangeIds) return R"({"everything": true})";
    json objects = json::object();
    for (const auto& [kind, ids] : touched_) objects[kind] = ids;
    return objects.dump();
  }

  // --- reading ------------------------------------------------------------------------------

  // The rows of `select` (a SELECT of the key column first), whole through COPY, or only the
  // keys in `ids` through a parameterised statement.
  void rows(const std::string& select, const std::string& key, const std::set<std::string>* ids,
            const std::function<void(const pg::CopyRow&)>& fn) {
    pg::Connection& c = connection();
    if (!ids) {
      c.copy_out("COPY (" + select + ") TO STDOUT", fn);
      return;
    }
    const pg::Result r = c.exec(select + " WHERE " + key + " = ANY($1::text[])", {array_literal(*ids)});
    pg::CopyRow row;
    for (int i = 0; i < r.rows(); ++i) {
      row.fields.clear();
      row.nulls.clear();
      for (int col = 0; col < r.columns(); ++col) {
        row.fields.push_back(r.text(i, col));
        row.nulls.push_back(r.null(i, col));
      }
      fn(row);
    }
  }

  void read_all(Model& m) { read(m, nullptr); }
  void read_some(Model& m, const std::map<std::string, std::set<std::string>>& ids) { read(m, &ids); }

  void read(Model& m, const std::map<std::string, std::set<std::string>>* only) {
    std::vector<Issue> issues;
    Reader r(issues);
    // Whether to read `kind`, and which of its keys (nullptr: all of them).
    auto want = [&](const char* kind, const std::set<std::string>*& ids) {
      ids = nullptr;
      if (!only) return true;
      auto it = only->find(kind);
      if (it == only->end()) return false;
      ids = &it->second;
      return true;
    };
    auto parse = [&](const std::string& text, const std::string& where) {
      try {
        return json::parse(text);
      } catch (const json::exception& e) {
        issues.push_back({where, std::string("stored JSON is unreadable: ") + e.what()});
        return json();
      }
    };
    const std::set<std::string>* ids = nullptr;
    auto documents = [&](const char* kind, auto parse_object, auto keep) {
      if (!want(kind, ids)) return;
      rows(std::string("SELECT id, data::text FROM ") + kind, "id", ids, [&](const pg::CopyRow& row) {
        const std::string where = std::string(kind) + "[" + quote(row.fields[0]) + "]";
        if (auto o = parse_object(parse(row.fields[1], where), where, r)) keep(std::move(*o));
      });
    };
    // Plans and cases are the big kinds: their documents are parsed on two other threads.
    auto parallel = [&](const char* kind, auto parse_object, auto keep) {
      if (!want(kind, ids)) return;
      using Object = typename decltype(parse_object(std::declval<const json&>(), std::string(),
                                                    std::declval<Reader&>()))::value_type;
      ParallelParse<Object, decltype(parse_object)> parser(parse_object, keep, issues);
      rows(std::string("SELECT id, data::text FROM ") + kind, "id", ids, [&](const pg::CopyRow& row) {
        parser.add(std::string(kind) + "[" + quote(row.fields[0]) + "]", row.fields[1]);
      });
      parser.finish();
    };
    documents("bodies", parse_body, [&](Body&& b) { m.bodies[b.id] = std::move(b); });
    documents("taxonomies", parse_taxonomy, [&](Taxonomy&& t) {
      const std::string id = t.id();
      m.taxonomies.insert_or_assign(id, std::move(t));
    });
    documents("crosswalks", parse_crosswalk, [&](Crosswalk&& c) { m.crosswalks[c.id] = std::move(c); });
    parallel("plans", parse_plan, [&m](Plan&& p) {
      const std::string id = p.id;
      m.plans.insert_or_assign(id, std::move(p));
    });
    if (want("statistics", ids)) {
      rows("SELECT key, body, variable, year, value FROM statistics", "key", ids, [&](const pg::CopyRow& row) {
        Statistic s{row.fields[2], row.fields[1], std::atoi(row.fields[3].c_str()), std::strtod(row.fields[4].c_str(), nullptr)};
        m.statistics.insert_or_assign(StatisticKey{s.body, s.variable, s.year}, std::move(s));
      });
    }
    if (want("feedback", ids)) {
      rows("SELECT key, data::text FROM feedback", "key", ids, [&](const pg::CopyRow& row) {
        const std::string where = "feedback[" + quote(row.fields[0]) + "]";
        if (auto f = parse_feedback(parse(row.fields[1], where), where, r)) m.feedback.insert(std::move(*f));
      });
    }
    documents("places", parse_place, [&](Place&& p) { m.places[p.id] = std::move(p); });
    if (want("certifications", ids)) {
      rows("SELECT key, data::text FROM certifications", "key", ids, [&](const pg::CopyRow& row) {
        const std::string where = "certifications[" + quote(row.fields[0]) + "]";
        if (auto c = parse_certification(parse(row.fields[1], where), where, r)) {
          CertificationKey key{c->body, c->scheme, c->date.to_string()};
          m.certifications.insert_or_assign(std::move(key), std::move(*c));
        }
      });
    }
    parallel("cases", parse_case, [&m](Case&& c) {
      const std::string id = c.id;
      m.cases.insert_or_assign(id, std::move(c));
    });
    if (want("ledger", ids)) {
      rows("SELECT key, body, service, year, charged, collected FROM ledger", "key", ids, [&](const pg::CopyRow& row) {
        LedgerEntry l{row.fields[1], row.fields[2], std::atoi(row.fields[3].c_str()),
                      Money::from_cents(std::strtoll(row.fields[4].c_str(), nullptr, 10)),
                      Money::from_cents(std::strtoll(row.fields[5].c_str(), nullptr, 10))};
        m.ledger.insert_or_assign(LedgerKey{l.body, l.service, l.year}, std::move(l));
      });
    }
    for (const char* kind : {"indicators", "rulesets"}) {
      if (!want(kind, ids)) continue;
      auto& target = std::string(kind) == "indicators" ? m.indicators : m.rulesets;
      rows(std::string("SELECT id, data::text FROM ") + kind, "id", ids, [&](const pg::CopyRow& row) {
        target[row.fields[0]] = parse(row.fields[1], std::string(kind) + "[" + quote(row.fields[0]) + "]");
      });
    }
    documents("users", parse_user, [&](User&& u) { m.users[u.id] = std::move(u); });
    if (!issues.empty()) {
      throw StorageError(where_ + " holds unreadable data: " + issues.front().path + ": " + issues.front().message);
    }
  }

  // --- writing ------------------------------------------------------------------------------

  // Whether `table` has no row yet (then COPY goes straight into it, with no upsert).
  bool table_empty(pg::Connection& c, const std::string& table) {
    return c.exec("SELECT NOT EXISTS (SELECT 1 FROM " + table + ")", {}).text(0, 0) == "t";
  }

  // The session's staging table for `table`, made on first use of this connection.
  std::string stage(pg::Connection& c, const std::string& table) {
    const std::string name = "civicplan_stage_" + table;
    if (!staged_.count(table)) {
      c.exec("CREATE TEMPORARY TABLE IF NOT EXISTS " + name + " (LIKE " + table + ") ON COMMIT DELETE ROWS");
      staged_.insert(table);
    }
    c.exec("TRUNCATE " + name);
    return name;
  }

  // Adds or replaces the rows of `objects`: COPY into the table when it is empty, otherwise
  // COPY into the staging table and one INSERT ... ON CONFLICT from it. `update` is the SET
  // list of the upsert, or nullptr for DO NOTHING. `before_upsert(stage)` runs in between.
  template <class Container, class Fields>
  void put(const std::string& table, const std::string& columns, const std::string& key, const char* update,
           const Container& objects, Fields fields,
           const std::function<void(pg::Connection&, const std::string&)>& before_upsert = {}) {
    if (objects.empty()) return;
    pg::Connection& c = connection();
    auto produce = [&](pg::CopyWriter& w) {
      for (const auto& element : objects) {
        fields(w, element);
        w.end_row();
      }
    };
    if (table_empty(c, table)) {
      c.copy_in("COPY " + table + " (" + columns + ") FROM STDIN", produce);
      return;
    }
    const std::string staging = stage(c, table);
    c.copy_in("COPY " + staging + " (" + columns + ") FROM STDIN", produce);
    if (before_upsert) before_upsert(c, staging);
    c.exec("INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + staging + " ON CONFLICT (" +
           key + ") " + (update ? std::string("DO UPDATE SET ") + update : std::string("DO NOTHING")));
  }

  template <class Map>
  void put_documents(const std::string& table, const Map& objects) {
    put(table, "id, data", "id", "data = excluded.data", objects, [](pg::CopyWriter& w, const auto& kv) {
      w.field(kv.first);
      w.field(encode(kv.second));
    });
  }

  void put_plans(const SharedMap<std::string, Plan>& plans) {
    // The documents are written on two other threads, ahead of the COPY (row codec).
    pg::Connection& c = connection();
    auto produce = [&](pg::CopyWriter& w) {
      serialised(plans, [&](const Plan& p, const std::string& text) {
        w.field(p.id);
        w.field(p.body);
        w.field(p.kind);
        w.field(to_string(p.status));
        w.field(static_cast<std::int64_t>(p.revision));
        w.field(text);
        w.end_row();
      });
    };
    const std::string columns = "id, body, kind, status, revision, data";
    if (table_empty(c, "plans")) {
      c.copy_in("COPY plans (" + columns + ") FROM STDIN", produce);
      return;
    }
    const std::string staging = stage(c, "plans");
    c.copy_in("COPY " + staging + " (" + columns + ") FROM STDIN", produce);
    // A kept revision without data is the plans row about to be replaced: copy it first.
    c.exec("UPDATE plan_revisions r SET data = p.data FROM " + staging +
           " s JOIN plans p ON p.id = s.id WHERE r.plan = s.id AND r.revision = p.revision AND r.data IS NULL");
    c.exec("INSERT INTO plans (" + columns + ") SELECT " + columns + " FROM " + staging +
           " ON CONFLICT (id) DO UPDATE SET body = excluded.body, kind = excluded.kind, status = excluded.status, "
           "revision = excluded.revision, data = excluded.data");
  }

  void flush_revisions(pg::Connection& c) {
    if (revisions_.empty()) return;
    const std::string columns = "plan, revision, time, \"user\", operation, data";
    auto produce = [&](pg::CopyWriter& w) {
      for (const auto& p : revisions_) {
        w.field(p.revision.plan);
        w.field(static_cast<std::int64_t>(p.revision.revision));
        w.field(p.revision.time);
        w.field(p.revision.user);
        w.field(p.revision.operation);
        if (p.data) w.field(*p.data); else w.null();
        w.end_row();
      }
    };
    if (table_empty(c, "plan_revisions")) {
      c.copy_in("COPY plan_revisions (" + columns + ") FROM STDIN", produce);
      return;
    }
    const std::string staging = stage(c, "plan_revisions");
    c.copy_in("COPY " + staging + " (" + columns + ") FROM STDIN", produce);
    c.exec("INSERT INTO plan_revisions (" + columns + ") SELECT " + columns + " FROM " + staging +
           " ON CONFLICT (plan, revision) DO UPDATE SET time = excluded.time, \"user\" = excluded.\"user\", "
           "operation = excluded.operation, data = excluded.data");
  }

  void flush_audit(pg::Connection& c) {
    if (audit_.empty()) return;
    // Numbered after the last entry: gap-free, since writers take turns.
    const std::int64_t base = c.exec("SELECT coalesce(max(sequence), 0) FROM audit", {}).integer(0, 0);
    c.copy_in("COPY audit (sequence, time, \"user\", operation, object, revision, before_revision, detail) FROM STDIN",
              [&](pg::CopyWriter& w) {
                std::int64_t n = base;
                for (const auto& e : audit_) {
                  w.field(++n);
                  w.field(e.time);
                  w.field(e.user);
                  w.field(e.operation);
                  w.field(e.object);
                  if (e.revision) w.field(static_cast<std::int64_t>(*e.revision)); else w.null();
                  if (e.before_revision) w.field(static_cast<std::int64_t>(*e.before_revision)); else w.null();
                  w.field(e.detail);
                  w.end_row();
                }
              });
  }

  std::string conninfo_, schema_, where_, location_;
  bool read_only_ = false;
  std::unique_ptr<pg::Connection> conn_;
  std::string lock_keys_;            // "k1, k2" of the workspace's advisory lock
  std::set<std::string> staged_;     // staging tables made on this connection
  bool in_write_ = false;
  std::int64_t load_version_ = -1;
  // What the open write transaction wrote, for its change row and its kept revisions.
  std::map<std::string, std::set<std::string>> touched_;
  std::map<std::string, std::int64_t> written_plans_;
  std::vector<PendingRevision> revisions_;
  std::vector<AuditEntry> audit_;
};

}  // namespace

bool is_postgres_uri(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

PostgresLocation parse_postgres_uri(const std::string& uri) {
  PostgresLocation out;
  out.schema = "civicplan";
  const auto question = uri.find('?');
  std::string base = uri.substr(0, question);
  std::vector<std::string> kept;
  bool has_application = false, has_timeout = false;
  if (question != std::string::npos) {
    std::string query = uri.substr(question + 1);
    std::size_t start = 0;
    while (start <= query.size()) {
      const auto amp = query.find('&', start);
      const std::string part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!part.empty()) {
        const auto eq = part.find('=');
        const std::string name = part.substr(0, eq);
        if (name == "schema") {
          out.schema = eq == std::string::npos ? "" : percent_decode(part.substr(eq + 1));
        } else {
          if (name == "application_name") has_application = true;
          if (name == "connect_timeout") has_timeout = true;
          kept.push_back(part);
        }
      }
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  const std::string& s = out.schema;
  bool plain = !s.empty() && s.size() <= 63 && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
               s.rfind("pg_", 0) != 0;
  for (char c : s) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!plain) {
    throw StorageError("the PostgreSQL URI's schema " + quote(s) +
                       " is not a plain name: use letters, digits and _ (at most 63, not starting with a digit or pg_)");
  }
  // Named in the server's activity view, and a dead host fails in seconds, unless the URI
  // says otherwise.
  if (!has_application) kept.push_back("application_name=civicplan");
  if (!has_timeout) kept.push_back("connect_timeout=10");
  out.conninfo = base;
  for (std::size_t i = 0; i < kept.size(); ++i) out.conninfo += (i ? "&" : "?") + kept[i];
  return out;
}

std::unique_ptr<Store> open_postgres_store(const std::string& uri, bool read_only) {
  return std::make_unique<PostgresStore>(uri, read_only);
}

}  // namespace civicplan::detail
