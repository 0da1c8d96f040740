// SPDX-License-Identifier: Apache-2.0
// Plan lifecycle: transitions, roles, conflicts, revisions, the audit log, diffs and progress.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <map>

#include "civicplan/lifecycle.hpp"
#include "civicplan/workspace.hpp"
#include "store_support.hpp"
#include "test_support.hpp"

namespace civicplan {
namespace {

nlohmann::json governance() { return test::load_case("governance.json"); }

Workspace make_workspace() {
  Workspace ws;
  ws.import_bundle(governance());
  return ws;
}

nlohmann::json draft_json(const Workspace& ws, const std::string& id) { return nlohmann::json(ws.plan(id)); }

// Brings zone-d1 to a status through the operator.
void bring_to(Workspace& ws, PlanStatus status) {
  if (status == PlanStatus::kDraft) return;
  ws.submit("zone-d1");
  if (status == PlanStatus::kSubmitted) return;
  if (status == PlanStatus::kRejected) {
    ws.reject("zone-d1", "Mancano gli indicatori");
    return;
  }
  ws.approve("zone-d1", *Date::parse("2021-03-01"), "Delibera 12/2021");
  if (status == PlanStatus::kArchived) ws.archive("zone-d1");
}

struct Operation {
  std::string name;
  PlanStatus start;
  std::function<void(Workspace&)> run;
};

std::vector<Operation> operations() {
  return {
      {"create a draft", PlanStatus::kDraft,
       [](Workspace& ws) {
         auto j = draft_json(ws, "zone-d1");
         j["id"] = "zone-d1-bis";
         ws.put_plan(j);
       }},
      {"edit a draft", PlanStatus::kDraft,
       [](Workspace& ws) {
         auto j = draft_json(ws, "zone-d1");
         j["title"] = "Piano di zona D1 (rivisto)";
         ws.put_plan(j, 1);
       }},
      {"submit", PlanStatus::kDraft, [](Workspace& ws) { ws.submit("zone-d1"); }},
      {"approve", PlanStatus::kSubmitted,
       [](Workspace& ws) { ws.approve("zone-d1", *Date::parse("2021-03-01"), "Delibera 12/2021"); }},
      {"reject", PlanStatus::kSubmitted, [](Workspace& ws) { ws.reject("zone-d1", "Incompleto"); }},
      {"archive", PlanStatus::kApproved, [](Workspace& ws) { ws.archive("zone-d1"); }},
      {"new_variant", PlanStatus::kApproved,
       [](Workspace& ws) { ws.new_variant("zone-d1", PlanVariant::kUpdate, "zone-d1-agg-2022"); }},
      {"put_user", PlanStatus::kDraft,
       [](Workspace& ws) { ws.put_user(User{"nuovo", "Nuovo utente", {{Role::kViewer, "D1"}}}); }},
      {"import a taxonomy", PlanStatus::kDraft,
       [](Workspace& ws) {
         ws.import_bundle(nlohmann::json::parse(R"({"format": "civicplan-bundle", "version": 1,
           "taxonomies": [{"id": "t2", "version": "1", "label": "T2", "nodes": [{"code": "X", "label": "X"}]}]})"));
       }},
  };
}

}  // namespace

TEST_CASE("every role against every operation", "[lifecycle]") {
  // Which users may run each operation on D1's plan (the others get PermissionError).
  const std::map<std::string, std::vector<std::string>> allowed = {
      {"create a draft", {"editor_d1", "admin"}},
      {"edit a draft", {"editor_d1", "admin"}},
      {"submit", {"editor_d1", "admin"}},
      {"approve", {"reviewer_r", "admin"}},
      {"reject", {"reviewer_r", "admin"}},
      {"archive", {"reviewer_r", "admin"}},
      {"new_variant", {"editor_d1", "admin"}},
      {"put_user", {"admin"}},
      {"import a taxonomy", {"admin"}},
  };
  for (const auto& op : operations()) {
    for (const std::string user : {"editor_d1", "editor_d2", "reviewer_r", "viewer", "admin"}) {
      INFO(user << " -> " << op.name);
      Workspace ws = make_workspace();
      bring_to(ws, op.start);
      const auto before = ws.export_bundle();
      const auto audit_before = ws.audit_log().size();
      Workspace view = ws.as_user(user);
      const auto& who = allowed.at(op.name);
      const bool may = std::find(who.begin(), who.end(), user) != who.end();
      if (may) {
        CHECK_NOTHROW(op.run(view));
        CHECK(ws.audit_log().size() > audit_before);
        CHECK(ws.audit_log().back().user == user);
      } else {
        try {
          op.run(view);
          FAIL("expected a PermissionError");
        } catch (const PermissionError& e) {
          const std::string message = e.what();
          CHECK_THAT(message, Catch::Contains("\"" + user + "\""));
          CHECK_THAT(message, Catch::Contains("needs the"));
        }
        CHECK(ws.export_bundle() == before);
        CHECK(ws.audit_log().size() == audit_before);
      }
    }
  }
}

TEST_CASE("every transition of the workflow, legal and illegal", "[lifecycle]") {
  struct Case {
    PlanStatus from;
    std::string op;
    bool legal;
  };
  const std::vector<Case> cases = {
      {PlanStatus::kDraft, "submit", true},       {PlanStatus::kDraft, "approve", false},
      {PlanStatus::kDraft, "reject", false},      {PlanStatus::kDraft, "archive", false},
      {PlanStatus::kDraft, "edit", true},         {PlanStatus::kSubmitted, "submit", false},
      {PlanStatus::kSubmitted, "approve", true},  {PlanStatus::kSubmitted, "reject", true},
      {PlanStatus::kSubmitted, "archive", false}, {PlanStatus::kSubmitted, "edit", false},
      {PlanStatus::kApproved, "submit", false},   {PlanStatus::kApproved, "approve", false},
      {PlanStatus::kApproved, "reject", false},   {PlanStatus::kApproved, "archive", true},
      {PlanStatus::kApproved, "edit", false},     {PlanStatus::kRejected, "edit", true},
      {PlanStatus::kRejected, "approve", false},  {PlanStatus::kRejected, "submit", false},
      {PlanStatus::kArchived, "archive", false},  {PlanStatus::kArchived, "edit", false},
  };
  for (const auto& c : cases) {
    INFO(to_string(c.from) << " -> " << c.op);
    Workspace ws = make_workspace();
    bring_to(ws, c.from);
    const auto revision = ws.plan("zone-d1").revision;
    auto run = [&] {
      if (c.op == "submit") ws.submit("zone-d1");
      if (c.op == "approve") ws.approve("zone-d1", *Date::parse("2021-04-01"), "Delibera 20/2021");
      if (c.op == "reject") ws.reject("zone-d1", "Motivo");
      if (c.op == "archive") ws.archive("zone-d1");
      if (c.op == "edit") ws.put_plan(draft_json(ws, "zone-d1"));
    };
    if (c.legal) {
      REQUIRE_NOTHROW(run());
      CHECK(ws.plan("zone-d1").revision == revision + 1);
    } else {
      try {
        run();
        FAIL("expected an Error");
      } catch (const Error& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains(std::string("it is ") + to_string(c.from)));
      }
      CHECK(ws.plan("zone-d1").revision == revision);
    }
  }
  // A rejected plan edited again becomes a draft.
  Workspace ws = make_workspace();
  bring_to(ws, PlanStatus::kRejected);
  ws.put_plan(draft_json(ws, "zone-d1"));
  CHECK(ws.plan("zone-d1").status == PlanStatus::kDraft);
}

TEST_CASE("approval needs its act, rejection its reason", "[lifecycle]") {
  Workspace ws = make_workspace();
  ws.submit("zone-d1");
  CHECK_THROWS_AS(ws.approve("zone-d1", *Date::parse("2021-03-01"), "  "), ValidationError);
  CHECK_THROWS_AS(ws.reject("zone-d1", ""), ValidationError);
  CHECK(ws.plan("zone-d1").status == PlanStatus::kSubmitted);
  ws.approve("zone-d1", *Date::parse("2021-03-01"), "Delibera di Giunta n. 12");
  REQUIRE(ws.plan("zone-d1").approval.has_value());
  CHECK(ws.plan("zone-d1").approval->act == "Delibera di Giunta n. 12");
}

TEST_CASE("put_plan validates in full and writes nothing on error", "[lifecycle]") {
  Workspace ws = make_workspace();
  auto j = draft_json(ws, "zone-d1");
  j["body"] = "nessuno";
  j["actions"][0]["categories"] = {"t:Z"};
  j["actions"][0]["budget"][0]["planned"] = "12,50";
  try {
    ws.put_plan(j);
    FAIL("expected a ValidationError");
  } catch (const ValidationError& e) {
    std::vector<std::string> paths;
    for (const auto& i : e.issues()) paths.push_back(i.path);
    CHECK(std::find(paths.begin(), paths.end(), "plan.actions[0].budget[0].planned") != paths.end());
  }
  auto j2 = draft_json(ws, "zone-d1");
  j2["body"] = "nessuno";
  j2["actions"][0]["categories"] = {"t:Z"};
  try {
    ws.put_plan(j2);
    FAIL("expected a ValidationError");
  } catch (const ValidationError& e) {
    std::vector<std::string> paths;
    for (const auto& i : e.issues()) paths.push_back(i.path);
    CHECK(std::find(paths.begin(), paths.end(), "plan.body") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "plan.actions[0].categories[0]") != paths.end());
  }
  auto j3 = draft_json(ws, "zone-d1");
  j3["status"] = "approved";
  CHECK_THROWS_AS(ws.put_plan(j3), ValidationError);
  CHECK(ws.plan("zone-d1").revision == 1);
  CHECK(ws.history("zone-d1").size() == 1);
}

TEST_CASE("a write based on a stale revision is refused", "[lifecycle]") {
  Workspace ws = make_workspace();
  auto j = draft_json(ws, "zone-d1");
  CHECK(ws.put_plan(j, 1) == 2);
  j["title"] = "Modifica concorrente";
  try {
    ws.put_plan(j, 1);
    FAIL("expected a ConflictError");
  } catch (const ConflictError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("is at revision 2"));
  }
  CHECK(ws.plan("zone-d1").title == "Piano di zona D1");
  auto fresh = draft_json(ws, "zone-d1");
  fresh["id"] = "nuovo";
  CHECK_THROWS_AS(ws.put_plan(fresh, 3), ConflictError);
}

TEST_CASE("revisions are kept and readable back, in memory and stored", "[lifecycle][store]") {
  test::TestStore store;
  for (bool on_disk : {false, true}) {
    INFO((on_disk ? test::test_backend() : "memory"));
    const std::string path = store.location("w");
    Workspace ws = on_disk ? Workspace::open(path) : Workspace();
    ws.import_bundle(governance());
    auto editor = ws.as_user("editor_d1");
    auto j = draft_json(ws, "zone-d1");
    j["title"] = "Versione 2";
    editor.put_plan(j, 1);
    editor.submit("zone-d1");
    ws.as_user("reviewer_r").approve("zone-d1", *Date::parse("2021-05-10"), "Delibera 33/2021");
    auto check = [](const Workspace& w) {
      const auto h = w.history("zone-d1");
      REQUIRE(h.size() == 4);
      CHECK(h[0].operation == "import");
      CHECK(h[1].operation == "put_plan");
      CHECK(h[1].user == "editor_d1");
      CHECK(h[2].operation == "submit");
      CHECK(h[3].operation == "approve");
      CHECK(h[3].user == "reviewer_r");
      CHECK(w.plan_revision("zone-d1", 1).title == "Piano di zona D1");
      CHECK(w.plan_revision("zone-d1", 2).title == "Versione 2");
      CHECK(w.plan_revision("zone-d1", 3).status == PlanStatus::kSubmitted);
      CHECK(w.plan_revision("zone-d1", 4) == w.plan("zone-d1"));
      CHECK_THROWS_AS(w.plan_revision("zone-d1", 9), NotFoundError);
      const auto log = w.audit_log(std::nullopt, std::string("plan:zone-d1"));
      REQUIRE(log.size() == 4);
      CHECK(log[3].detail == "Delibera 33/2021");
      CHECK(log[3].before_revision == 3);
      CHECK(log[3].revision == 4);
      for (std::size_t i = 1; i < log.size(); ++i) {
        CHECK(log[i - 1].sequence < log[i].sequence);
        CHECK(log[i - 1].time < log[i].time);
      }
    };
    check(ws);
    if (on_disk) {
      Workspace reopened = Workspace::open(path);
      check(reopened);
    }
  }
}

TEST_CASE("the audit log covers imports, plan writes, transitions and users, and cannot be rewritten",
          "[lifecycle][store]") {
  test::TestStore store;
  const std::string path = store.location("audit");
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(governance());
    ws.put_user(User{"u9", "Nove", {{Role::kEditor, "D2"}}});
    ws.submit("zone-d1");
    ws.reject("zone-d1", "Incompleto");
    const auto log = ws.audit_log();
    std::vector<std::string> ops;
    for (const auto& e : log) ops.push_back(e.operation + " " + e.object);
    CHECK(std::find(ops.begin(), ops.end(), "import bundle") != ops.end());
    CHECK(std::find(ops.begin(), ops.end(), "import plan:zone-d1") != ops.end());
    CHECK(std::find(ops.begin(), ops.end(), "import user:admin") != ops.end());
    CHECK(std::find(ops.begin(), ops.end(), "import user:u9") != ops.end());
    CHECK(ops[ops.size() - 2] == "submit plan:zone-d1");
    CHECK(ops.back() == "reject plan:zone-d1");
    CHECK(log.back().detail == "Incompleto");
    CHECK(ws.audit_log(log.back().time).size() == 1);
  }
  // Even a direct SQL connection cannot rewrite or delete entries; it can add one.
  const std::size_t entries = Workspace::open(path).audit_log().size();
  CHECK_THAT(test::direct_sql(path, "UPDATE audit SET \"user\" = 'x'"), Catch::Contains("append-only"));
  CHECK_THAT(test::direct_sql(path, "DELETE FROM audit"), Catch::Contains("append-only"));
  if (store.postgres()) CHECK_THAT(test::direct_sql(path, "TRUNCATE audit"), Catch::Contains("append-only"));
  CHECK(test::direct_sql(path, "SELECT count(*) FROM audit") == "");
  const auto log = Workspace::open(path).audit_log();
  CHECK(log.size() == entries);
  CHECK(log.front().user != "x");
}

TEST_CASE("two processes writing one stored workspace never lose an update", "[lifecycle][store]") {
  test::TestStore store;
  const std::string path = store.location("shared");
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(governance());
  }
  constexpr int kWrites = 15;
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int status = 0;
      try {
        Workspace ws = Workspace::open(path);
        for (int i = 0; i < kWrites; ++i) {
          while (true) {
            ws.refresh();
            const Plan current = ws.plan("zone-d1");
            nlohmann::json j = current;
            j["actions"].push_back({{"id", "p" + std::to_string(child) + "-" + std::to_string(i)},
                                    {"title", "Azione concorrente"},
                                    {"categories", {"t:B"}},
                                    {"status", "planned"},
                                    {"budget", nlohmann::json::array()},
                                    {"targets", nlohmann::json::array()}});
            try {
              ws.put_plan(j, current.revision);
              break;
            } catch (const ConflictError&) {
              // Someone else wrote first: read again and reapply.
            }
          }
        }
      } catch (...) {
        status = 1;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  Workspace ws = Workspace::open(path);
  const Plan& plan = ws.plan("zone-d1");
  CHECK(plan.actions.size() == 1 + 2 * kWrites);
  CHECK(plan.revision == 1 + 2 * kWrites);
  CHECK(ws.history("zone-d1").size() == 1 + 2 * kWrites);
}

TEST_CASE("new_variant starts an update of an approved plan", "[lifecycle]") {
  Workspace ws = make_workspace();
  bring_to(ws, PlanStatus::kApproved);
  CHECK_THROWS_AS(ws.put_plan(draft_json(ws, "zone-d1")), Error);
  CHECK(ws.new_variant("zone-d1", PlanVariant::kUpdate, "zone-d1-2022") == 1);
  const Plan& update = ws.plan("zone-d1-2022");
  CHECK(update.status == PlanStatus::kDraft);
  CHECK(update.variant == PlanVariant::kUpdate);
  CHECK(update.based_on == std::optional<std::string>("zone-d1"));
  CHECK_FALSE(update.approval.has_value());
  CHECK(update.actions == ws.plan("zone-d1").actions);
  CHECK_THROWS_AS(ws.new_variant("zone-d1", PlanVariant::kUpdate, "zone-d1-2022"), ValidationError);
  CHECK_THROWS_AS(ws.new_variant("zone-d1-2022", PlanVariant::kUpdate, "x"), Error);
  CHECK_THROWS_AS(ws.new_variant("zone-d1", PlanVariant::kOriginal, "y"), ValidationError);
}

TEST_CASE("diff of the example implementation plan against its zone plan", "[lifecycle]") {
  Workspace ws;
  const auto bundle = test::load_case("../../examples/data/zone.json");
  ws.import_bundle(bundle);
  const Plan& zone = ws.plan("pdz-pianura-est-2018-2020");
  const Plan& impl = ws.plan("pda-pianura-est-2019");
  // Expected from the data: ids in one plan only.
  std::vector<std::string> added, removed, common;
  for (const auto& a : impl.actions) (zone.find_action(a.id) ? common : added).push_back(a.id);
  for (const auto& a : zone.actions) {
    if (!impl.find_action(a.id)) removed.push_back(a.id);
  }
  std::sort(added.begin(), added.end());
  std::sort(removed.begin(), removed.end());
  const auto d = ws.diff(zone.id, impl.id);
  CHECK(d.added == added);
  CHECK(d.removed == removed);
  CHECK(d.added == std::vector<std::string>{"s21", "s22"});
  CHECK(d.removed == std::vector<std::string>{"s04", "s17"});
  REQUIRE(d.years.has_value());
  CHECK(d.years->from == 2019);
  CHECK(d.years->to == 2019);
  // Budget deltas per source add up to the difference of the 2019 totals.
  std::int64_t before = 0, after = 0;
  for (const auto& a : zone.actions) {
    for (const auto& l : a.budget) {
      if (l.year == 2019 && l.planned) before += l.planned->cents();
    }
  }
  for (const auto& a : impl.actions) {
    for (const auto& l : a.budget) {
      if (l.year == 2019 && l.planned) after += l.planned->cents();
    }
  }
  std::int64_t delta = 0;
  for (const auto& t : d.budget_delta) {
    if (t.dimension == "source") delta += t.planned_delta().cents();
  }
  CHECK(delta == after - before);
  // Every changed action really differs in the reported field.
  for (const auto& c : d.changed) {
    REQUIRE_FALSE(c.fields.empty());
    for (const auto& f : c.fields) CHECK(f.before != f.after);
  }
  const auto j = d.to_json();
  CHECK(j.contains("added"));
  CHECK(j.contains("removed"));
  CHECK(j.contains("changed"));
  CHECK(j.contains("budget_delta"));
}

TEST_CASE("plan_progress matches completion()", "[lifecycle]") {
  Workspace ws;
  ws.import_bundle(test::load_case("expressions.json")["bundle"]);
  const auto p = ws.plan_progress("p_m1_2021", *Date::parse("2021-12-31"));
  REQUIRE(p.completion.has_value());
  CHECK(*p.completion == Approx(*ws.evaluate("completion()", "m1", 2021)));
  REQUIRE(p.actions.size() == 3);
  CHECK(p.actions[0].completion == 100);
  CHECK(p.actions[1].completion == 40);
  CHECK(p.actions[2].completion == 0);
  const auto mid = ws.plan_progress("p_m1_2021", *Date::parse("2021-07-01"));
  CHECK(mid.actions[0].completion == 50);
}

}  // namespace civicplan

namespace civicplan {
namespace {

// The integer the query `sql` returns.
int scalar(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(q) == SQLITE_ROW);
  const int value = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return value;
}

int user_version(const std::string& path) { return scalar(path, "PRAGMA user_version"); }

void exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace
}  // namespace civicplan

TEST_CASE("a plan is stored once until it changes, and its earlier revisions stay readable", "[lifecycle][sqlite]") {
  using namespace civicplan;
  test::TempDir dir;
  const std::string path = (dir.path() / "w.db").string();
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(governance());
  }
  CHECK(user_version(path) == 3);
  // The imported revisions keep no copy of their own: the plans rows hold them.
  const int plans = scalar(path, "SELECT count(*) FROM plans");
  CHECK(plans > 0);
  CHECK(scalar(path, "SELECT count(*) FROM plan_revisions WHERE data IS NULL") == plans);
  {
    Workspace ws = Workspace::open(path);
    const Plan first = ws.plan("zone-d1");
    CHECK(ws.plan_revision("zone-d1", 1) == first);
    auto j = draft_json(ws, "zone-d1");
    j["title"] = "Versione 2";
    ws.as_user("editor_d1").put_plan(j, 1);
    // Replacing the row wrote the first revision's data out before it was lost.
    CHECK(ws.plan_revision("zone-d1", 1) == first);
    CHECK(ws.plan_revision("zone-d1", 2).title == "Versione 2");
    CHECK(ws.plan_revision("zone-d1", 2) == ws.plan("zone-d1"));
  }
  CHECK(scalar(path, "SELECT count(*) FROM plan_revisions WHERE data IS NOT NULL") == 1);
  Workspace reopened = Workspace::open(path);
  CHECK(reopened.plan_revision("zone-d1", 1).title == "Piano di zona D1");
  CHECK(reopened.plan_revision("zone-d1", 2).title == "Versione 2");
}

TEST_CASE("a version 2 workspace is migrated with its kept revisions", "[lifecycle][sqlite]") {
  using namespace civicplan;
  test::TempDir dir;
  const std::string path = (dir.path() / "w.db").string();
  std::map<std::int64_t, Plan> kept;
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(governance());
    auto j = draft_json(ws, "zone-d1");
    j["title"] = "Versione 2";
    ws.as_user("editor_d1").put_plan(j, 1);
    for (const auto& r : ws.history("zone-d1")) kept[r.revision] = ws.plan_revision("zone-d1", r.revision);
  }
  REQUIRE(kept.size() == 2);
  // Turn the file back into what version 2 wrote: every revision holds its data, NOT NULL.
  exec(path, R"sql(
    BEGIN;
    CREATE TABLE v2 (
      plan TEXT NOT NULL, revision INTEGER NOT NULL, time TEXT NOT NULL, user TEXT NOT NULL,
      operation TEXT NOT NULL, data TEXT NOT NULL,
      PRIMARY KEY (plan, revision)) WITHOUT ROWID;
    INSERT INTO v2 SELECT r.plan, r.revision, r.time, r.user, r.operation, coalesce(r.data, p.data)
      FROM plan_revisions r LEFT JOIN plans p ON p.id = r.plan AND p.revision = r.revision;
    DROP TABLE plan_revisions;
    ALTER TABLE v2 RENAME TO plan_revisions;
    PRAGMA user_version = 2;
    COMMIT;)sql");
  REQUIRE(user_version(path) == 2);
  Workspace ws = Workspace::open(path);
  CHECK(user_version(path) == 3);
  REQUIRE(ws.history("zone-d1").size() == 2);
  for (const auto& [revision, plan] : kept) CHECK(ws.plan_revision("zone-d1", revision) == plan);
  auto j = draft_json(ws, "zone-d1");
  j["title"] = "Versione 3";
  CHECK(ws.as_user("editor_d1").put_plan(j, 2) == 3);
  CHECK(ws.plan_revision("zone-d1", 2) == kept[2]);
  CHECK(ws.plan_revision("zone-d1", 3).title == "Versione 3");
}

TEST_CASE("opening reads every stored plan, in blocks, and names the first unreadable one", "[lifecycle][sqlite]") {
  using namespace civicplan;
  test::TempDir dir;
  const std::string path = (dir.path() / "w.db").string();
  // Enough plans and cases for several blocks of the two-thread read.
  nlohmann::json bundle = test::load_case("minimal_bundle.json");
  for (int i = 0; i < 1700; ++i) {
    bundle["plans"].push_back({{"id", "gen" + std::to_string(10000 + i)}, {"kind", "family"}, {"body", "m2"},
                               {"title", "Piano " + std::to_string(i)}, {"period", {{"from", 2024}, {"to", 2024}}},
                               {"status", "draft"}, {"variant", "original"}, {"objectives", nlohmann::json::array()},
                               {"actions", {{{"id", "a"}, {"title", "Azione " + std::to_string(i)}, {"status", "planned"}}}}});
  }
  Model imported;
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(bundle);
    imported = *ws.model();
  }
  REQUIRE(imported.plans.size() > 1700);
  CHECK(*Workspace::open(path).model() == imported);
  // Two broken rows: the error names the first in id order, whichever thread read it.
  exec(path, "UPDATE plans SET data = '{\"id\": 12' WHERE id = 'gen11234'; "
             "UPDATE plans SET data = '[]' WHERE id = 'gen11500'");
  try {
    Workspace::open(path);
    FAIL("expected a StorageError");
  } catch (const StorageError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("plans[\"gen11234\"]") && Catch::Contains("unreadable"));
  }
}
