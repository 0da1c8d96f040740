// SPDX-License-Identifier: Apache-2.0
// Execution on approved plans (DESIGN §16): single records, bulk CSV updates, who may record,
// and the effect on indicators, progress, certification, diffs, history and open data.
#include <functional>
#include <map>

#include "civicplan/execution.hpp"
#include "civicplan/opendata.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace civicplan {
namespace {

Date day(const char* text) { return *Date::parse(text); }

Workspace make_workspace() {
  Workspace ws;
  ws.import_bundle(test::load_case("execution.json"));
  return ws;
}

const Action& action(const Workspace& ws, const std::string& plan, const std::string& id) {
  static thread_local Plan kept;
  kept = ws.plan(plan);
  const Action* a = kept.find_action(id);
  REQUIRE(a != nullptr);
  return *a;
}

std::size_t audit_entries(const Workspace& ws, const std::string& plan) {
  return ws.audit_log(std::nullopt, "plan:" + plan).size();
}

std::optional<double> value_of(const Workspace& ws, const std::string& indicator, const std::string& body, int year) {
  for (const auto& row : ws.compute_indicators({indicator}, {body}, {year}).rows()) return row.value;
  FAIL("no row for " << indicator << " " << body << " " << year);
  return std::nullopt;
}

ExecutionRow row(const std::string& where, std::map<std::string, std::string> cells) { return {where, std::move(cells)}; }

// --- single records ------------------------------------------------------------------------

TEST_CASE("each record makes one revision and one audit entry; the same record again makes neither", "[execution]") {
  Workspace ws = make_workspace();
  const std::vector<std::pair<std::string, std::function<std::int64_t(Workspace&)>>> calls = {
      {"record_progress", [](Workspace& w) { return w.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), 50, "metà"); }},
      {"record_actual",
       [](Workspace& w) { return w.record_actual("pf-m1-2024", "pedibus", 2024, "municipal", Money::from_cents(123450)); }},
      {"record_target", [](Workspace& w) { return w.record_target("pf-m1-2024", "pedibus", "bambini", 32); }},
      {"set_action_status",
       [](Workspace& w) { return w.set_action_status("pf-m1-2024", "pedibus", ActionStatus::kInProgress); }},
      {"record_evaluation",
       [](Workspace& w) { return w.record_evaluation("pf-m1-2024", day("2025-01-31"), "Obiettivi in gran parte raggiunti"); }},
  };
  std::int64_t revision = ws.plan("pf-m1-2024").revision;
  for (const auto& [name, call] : calls) {
    INFO(name);
    const std::size_t history = ws.history("pf-m1-2024").size(), audit = audit_entries(ws, "pf-m1-2024");
    CHECK(call(ws) == revision + 1);
    ++revision;
    CHECK(ws.plan("pf-m1-2024").revision == revision);
    CHECK(ws.history("pf-m1-2024").size() == history + 1);
    CHECK(ws.history("pf-m1-2024").back().operation == name);
    REQUIRE(audit_entries(ws, "pf-m1-2024") == audit + 1);
    CHECK(ws.audit_log(std::nullopt, "plan:pf-m1-2024").back().operation == name);
    CHECK(ws.audit_log(std::nullopt, "plan:pf-m1-2024").back().before_revision == revision - 1);
    // Again: nothing changes, nothing is written.
    CHECK(call(ws) == revision);
    CHECK(ws.history("pf-m1-2024").size() == history + 1);
    CHECK(audit_entries(ws, "pf-m1-2024") == audit + 1);
  }
  const Action& a = action(ws, "pf-m1-2024", "pedibus");
  REQUIRE(a.progress.size() == 1);
  CHECK(a.progress[0].completion == 50);
  CHECK(a.progress[0].note == std::optional<std::string>("metà"));
  CHECK(a.budget[0].actual == Money::from_cents(123450));
  CHECK(a.budget[0].planned == Money::from_cents(300000));
  CHECK(a.targets[0].actual == std::optional<double>(32));
  CHECK(a.status == ActionStatus::kInProgress);
  CHECK(ws.plan("pf-m1-2024").evaluation->text == "Obiettivi in gran parte raggiunti");
}

TEST_CASE("record_progress replaces the entry of its date and keeps entries in date order", "[execution]") {
  Workspace ws = make_workspace();
  ws.record_progress("pf-m1-2024", "sportello", day("2024-09-30"), 75);
  ws.record_progress("pf-m1-2024", "sportello", day("2024-06-30"), 50);
  ws.record_progress("pf-m1-2024", "sportello", day("2024-03-31"), 30, "rivisto");
  const auto& p = action(ws, "pf-m1-2024", "sportello").progress;
  REQUIRE(p.size() == 3);
  CHECK(p[0].date == day("2024-03-31"));
  CHECK(p[0].completion == 30);
  CHECK(p[0].note == std::optional<std::string>("rivisto"));
  CHECK(p[1].date == day("2024-06-30"));
  CHECK(p[2].date == day("2024-09-30"));
}

TEST_CASE("record_actual adds a line without a planned amount when the action has none for that source", "[execution]") {
  Workspace ws = make_workspace();
  ws.record_actual("pf-m1-2024", "pedibus", 2024, "provincial", Money::from_cents(50000));
  const auto& budget = action(ws, "pf-m1-2024", "pedibus").budget;
  REQUIRE(budget.size() == 2);
  CHECK(budget[1].source == "provincial");
  CHECK_FALSE(budget[1].planned.has_value());
  CHECK(budget[1].actual == Money::from_cents(50000));
}

TEST_CASE("bad records are refused with the error of their kind and write nothing", "[execution]") {
  Workspace ws = make_workspace();
  const nlohmann::json before = ws.export_bundle();
  const std::size_t audit = ws.audit_log().size();
  CHECK_THROWS_AS(ws.record_progress("nope", "pedibus", day("2024-06-30"), 50), NotFoundError);
  CHECK_THROWS_AS(ws.record_progress("pf-m1-2024", "nope", day("2024-06-30"), 50), NotFoundError);
  CHECK_THROWS_AS(ws.record_target("pf-m1-2024", "pedibus", "nope", 1), NotFoundError);
  CHECK_THROWS_AS(ws.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), 101), ValidationError);
  CHECK_THROWS_AS(ws.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), -1), ValidationError);
  CHECK_THROWS_AS(ws.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), std::nan("")), ValidationError);
  CHECK_THROWS_AS(ws.record_target("pf-m1-2024", "pedibus", "bambini", std::nan("")), ValidationError);
  CHECK_THROWS_AS(ws.record_actual("pf-m1-2024", "pedibus", 2025, "municipal", Money::from_cents(1)), ValidationError);
  CHECK_THROWS_AS(ws.record_actual("pf-m1-2024", "pedibus", 2024, " ", Money::from_cents(1)), ValidationError);
  CHECK_THROWS_AS(ws.record_evaluation("pf-m1-2024", day("2024-12-31"), "  "), ValidationError);
  try {
    ws.record_actual("pf-m1-2024", "pedibus", 2023, "municipal", Money::from_cents(1));
    FAIL("no error");
  } catch (const ValidationError& e) {
    REQUIRE(e.issues().size() == 1);
    CHECK(e.issues()[0].path == "year");
    CHECK(e.issues()[0].message == "year 2023 is outside the period 2024-2024 of plan \"pf-m1-2024\"");
  }
  CHECK(ws.export_bundle() == before);
  CHECK(ws.audit_log().size() == audit);
}

TEST_CASE("execution is recorded on approved plans only", "[execution]") {
  Workspace ws = make_workspace();
  auto refused = [&](const std::string& plan, const std::string& status) {
    try {
      ws.record_progress(plan, "pedibus", day("2025-06-30"), 10);
      FAIL("recorded on a " << status << " plan");
    } catch (const ValidationError& e) {
      CHECK_THAT(e.what(), Catch::Contains("it is " + status));
    }
  };
  refused("pf-m1-2025", "draft");
  ws.submit("pf-m1-2025");
  refused("pf-m1-2025", "submitted");
  ws.reject("pf-m1-2025", "Manca il bilancio");
  refused("pf-m1-2025", "rejected");
  ws.archive("pf-m1-2024");
  try {
    ws.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), 10);
    FAIL("recorded on an archived plan");
  } catch (const ValidationError& e) {
    CHECK_THAT(e.what(), Catch::Contains("it is archived; an archived plan is closed"));
  }
}

// --- who may record ------------------------------------------------------------------------

TEST_CASE("editors of the plan's body and the operator record; other roles are refused", "[execution][roles]") {
  // require_editor: editors of the body, and admins whose scope holds it.
  const std::map<std::string, bool> allowed = {{"editor_m1", true},  {"admin_r", true},    {"editor_m2", false},
                                               {"viewer_m1", false}, {"reviewer_r", false}};
  const std::vector<std::pair<std::string, std::function<void(Workspace&)>>> calls = {
      {"record_progress", [](Workspace& w) { w.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), 50); }},
      {"record_actual",
       [](Workspace& w) { w.record_actual("pf-m1-2024", "pedibus", 2024, "municipal", Money::from_cents(100)); }},
      {"record_target", [](Workspace& w) { w.record_target("pf-m1-2024", "pedibus", "bambini", 10); }},
      {"set_action_status", [](Workspace& w) { w.set_action_status("pf-m1-2024", "pedibus", ActionStatus::kCompleted); }},
      {"record_evaluation", [](Workspace& w) { w.record_evaluation("pf-m1-2024", day("2024-12-31"), "Bene"); }},
      {"import_execution",
       [](Workspace& w) {
         w.import_execution(std::vector<ExecutionRow>{
             row("rows[0]", {{"plan", "pf-m1-2024"}, {"action", "pedibus"}, {"status", "suspended"}})});
       }},
  };
  for (const auto& [call_name, call] : calls) {
    {
      Workspace ws = make_workspace();
      INFO(call_name << " as the operator");
      call(ws);
      CHECK(ws.plan("pf-m1-2024").revision == 2);
    }
    for (const auto& [user, ok] : allowed) {
      INFO(call_name << " as " << user);
      Workspace ws = make_workspace();
      Workspace view = ws.as_user(user);
      if (ok) {
        call(view);
        CHECK(ws.plan("pf-m1-2024").revision == 2);
        CHECK(ws.history("pf-m1-2024").back().user == user);
      } else {
        CHECK_THROWS_AS(call(view), PermissionError);
        CHECK(ws.plan("pf-m1-2024").revision == 1);
      }
    }
  }
}

// --- the CSV reader ------------------------------------------------------------------------

TEST_CASE("the four shapes are told apart by the header", "[execution][csv]") {
  CHECK(read_execution_csv("plan,action,date,completion\np,a,2024-01-31,10\n", "p.csv").at(0).cells.count("date"));
  CHECK(read_execution_csv("plan,action,date,completion,note\np,a,2024-01-31,10,x\n", "p.csv").at(0).cells.at("note") == "x");
  CHECK(read_execution_csv("plan,action,year,source,actual\np,a,2024,municipal,10.5\n", "a.csv").at(0).cells.at("source") ==
        "municipal");
  CHECK(read_execution_csv("plan,action,metric,actual\np,a,m,3\n", "t.csv").at(0).cells.at("metric") == "m");
  CHECK(read_execution_csv("Plan;Action;Status\r\np;a;completed\r\n", "s.csv").at(0).cells.at("status") == "completed");
  CHECK(read_execution_csv("\xEF\xBB\xBFplan,action,status\np,a,planned\n", "bom.csv").size() == 1);
  const auto quoted = read_execution_csv("plan,action,date,completion,note\np,a,2024-01-31,10,\"una nota,\nsu due righe\"\np,b,2024-01-31,5,\n", "q.csv");
  REQUIRE(quoted.size() == 2);
  CHECK(quoted[0].cells.at("note") == "una nota,\nsu due righe");
  CHECK(quoted[1].where == "q.csv:4");
}

TEST_CASE("a bad execution file names the file and line of every problem", "[execution][csv]") {
  auto issues_of = [](const std::string& text) {
    try {
      read_execution_csv(text, "f.csv");
    } catch (const ValidationError& e) {
      return e.issues();
    }
    return std::vector<Issue>{};
  };
  auto unknown = issues_of("plan,action,date,compleiton\n");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].path == "f.csv:1");
  CHECK(unknown[0].message == "unknown column \"compleiton\" (did you mean \"completion\"?)");
  auto none = issues_of("plan,action,date\n");
  REQUIRE(none.size() == 1);
  CHECK_THAT(none[0].message, Catch::StartsWith("the columns plan,action,date are none of the execution shapes"));
  CHECK(issues_of("plan,action,status,status\n").at(0).message == "duplicate column \"status\"");
  auto short_rows = issues_of("plan,action,status\np,a\np,a,planned\np\n");
  REQUIRE(short_rows.size() == 2);
  CHECK(short_rows[0].path == "f.csv:2");
  CHECK(short_rows[0].message == "expected 3 fields, got 2");
  CHECK(short_rows[1].path == "f.csv:4");
  CHECK(issues_of("").at(0).path == "f.csv:1");
  CHECK(issues_of("plan,action,status\np,\"a\n").at(0).message == "unterminated quoted field");
  auto bytes = issues_of("plan,action,status\np,a,planned\np,\xC3\x28,planned\n");
  REQUIRE(bytes.size() == 1);
  CHECK(bytes[0].path == "f.csv:3");
}

// --- bulk updates --------------------------------------------------------------------------

TEST_CASE("import_execution is all or nothing and reports every bad row in row order", "[execution][bulk]") {
  Workspace ws = make_workspace();
  const nlohmann::json before = ws.export_bundle();
  test::TempDir dir;
  const auto path = (dir.path() / "progress.csv").string();
  test::write_text(path,
                   "plan,action,date,completion\n"
                   "pf-m1-2024,pedibus,2024-06-30,50\n"
                   "pf-m1-2024,pedibus,2024-02-30,50\n"
                   "pf-m9-2024,pedibus,2024-06-30,50\n"
                   "pf-m1-2024,pedibuss,2024-06-30,50\n"
                   "pf-m1-2024,pedibus,2024-07-31,500\n"
                   "pf-m1-2025,pedibus,2025-07-31,10\n"
                   "pf-m1-2024,pedibus,2024-06-30,60\n");
  try {
    ws.import_execution(path);
    FAIL("no error");
  } catch (const ValidationError& e) {
    const auto& issues = e.issues();
    REQUIRE(issues.size() == 6);
    CHECK(issues[0].path == path + ":3");
    CHECK(issues[0].message == "date: expected a real date YYYY-MM-DD, got \"2024-02-30\"");
    CHECK(issues[1].path == path + ":4");
    CHECK(issues[1].message == "unknown plan \"pf-m9-2024\" (did you mean \"pf-m1-2024\"?)");
    CHECK(issues[2].path == path + ":5");
    CHECK(issues[2].message == "plan \"pf-m1-2024\" has no action \"pedibuss\" (did you mean \"pedibus\"?)");
    CHECK(issues[3].path == path + ":6");
    CHECK(issues[3].message == "completion: expected a completion from 0 to 100, got \"500\"");
    CHECK(issues[4].path == path + ":7");
    CHECK_THAT(issues[4].message, Catch::Contains("it is draft"));
    CHECK(issues[5].path == path + ":8");
    CHECK(issues[5].message == "records the progress of pf-m1-2024/pedibus again (first at " + path + ":2)");
    CHECK_THAT(e.what(), Catch::Contains(path + ":3: date:"));
  }
  CHECK(ws.export_bundle() == before);
}

TEST_CASE("import_execution makes one revision per plan changed and changes nothing the second time", "[execution][bulk]") {
  Workspace ws = make_workspace();
  test::TempDir dir;
  const auto progress = (dir.path() / "progress.csv").string(), actuals = (dir.path() / "actuals.csv").string();
  test::write_text(progress,
                   "plan;action;date;completion;note\n"
                   "pf-m1-2024;pedibus;2024-06-30;50;metà percorso\n"
                   "pf-m1-2024;sportello;2024-06-30;60;\n"
                   "pf-m1-2024;sportello;2024-03-31;25;\n"
                   "pf-m2-2024;nido;2024-08-31;100;\n");
  test::write_text(actuals,
                   "plan,action,year,source,actual\n"
                   "pf-m1-2024,pedibus,2024,municipal,2800.50\n"
                   "pf-m2-2024,nido,2024,municipal,4900\n");
  const ExecutionSummary dry = ws.import_execution({progress, actuals}, true);
  CHECK(dry.dry_run);
  CHECK(ws.plan("pf-m1-2024").revision == 1);
  CHECK(ws.history("pf-m1-2024").size() == 1);
  const ExecutionSummary first = ws.import_execution({progress, actuals});
  CHECK_FALSE(first.dry_run);
  REQUIRE(first.changed.size() == 5);
  CHECK(first.unchanged == 1);  // sportello's 2024-03-31 entry was already 25
  CHECK(first.changed[0].plan == "pf-m1-2024");
  CHECK(first.changed[0].action == "pedibus");
  CHECK(first.changed[0].field == "progress[2024-06-30]");
  CHECK(first.changed[0].before.is_null());
  CHECK(first.changed[0].after == nlohmann::json({{"completion", 50.0}, {"note", "metà percorso"}}));
  CHECK(first.changed[3].field == "actual[2024,municipal]");
  CHECK(first.changed[3].after == nlohmann::json(2800.5));
  CHECK(first.revisions == std::map<std::string, std::int64_t>{{"pf-m1-2024", 2}, {"pf-m2-2024", 2}});
  CHECK(dry.changed.size() == first.changed.size());
  CHECK(dry.to_json()["changed"] == first.to_json()["changed"]);
  CHECK(dry.revisions == first.revisions);
  CHECK(ws.history("pf-m1-2024").size() == 2);
  CHECK(ws.history("pf-m2-2024").size() == 2);
  const std::size_t audit = ws.audit_log().size();
  const ExecutionSummary second = ws.import_execution({progress, actuals});
  CHECK(second.changed.empty());
  CHECK(second.unchanged == 6);
  CHECK(second.revisions.empty());
  CHECK(ws.audit_log().size() == audit);
  CHECK(ws.plan("pf-m1-2024").revision == 2);
  CHECK(action(ws, "pf-m2-2024", "nido").budget[0].actual == Money::from_cents(490000));
}

TEST_CASE("rows given by the caller are checked like a file's, with their index", "[execution][bulk]") {
  Workspace ws = make_workspace();
  try {
    ws.import_execution(std::vector<ExecutionRow>{
        row("rows[0]", {{"plan", "pf-m1-2024"}, {"action", "pedibus"}, {"metric", "bambini"}, {"actual", "tanti"}}),
        row("rows[1]", {{"plan", "pf-m1-2024"}, {"action", "pedibus"}, {"status", "done"}}),
        row("rows[2]", {{"plan", "pf-m1-2024"}, {"action", "pedibus"}, {"metric", "bambino"}, {"actual", "3"}})});
    FAIL("no error");
  } catch (const ValidationError& e) {
    REQUIRE(e.issues().size() == 3);
    CHECK(e.issues()[0].path == "rows[0]");
    CHECK(e.issues()[0].message == "actual: expected a number, got \"tanti\"");
    CHECK(e.issues()[1].message ==
          "status: expected one of planned, in_progress, completed, suspended, cancelled, got \"done\"");
    CHECK(e.issues()[2].message == "pf-m1-2024/pedibus has no target \"bambino\" (did you mean \"bambini\"?)");
  }
  CHECK(ws.plan("pf-m1-2024").revision == 1);
}

// --- the effect shows everywhere ------------------------------------------------------------

TEST_CASE("recorded execution moves indicators, progress and certification", "[execution][effects]") {
  Workspace ws = make_workspace();
  CHECK(value_of(ws, "spent", "D1", 2024) == std::optional<double>(0));
  CHECK(value_of(ws, "done", "m1", 2024) == std::optional<double>(6.25));
  CHECK_FALSE(ws.certify("m1", "attuazione", 2024).passed);
  ws.record_actual("pf-m1-2024", "pedibus", 2024, "municipal", Money::from_cents(280050));
  ws.record_actual("pf-m2-2024", "nido", 2024, "municipal", Money::from_cents(490000));
  ws.record_progress("pf-m1-2024", "pedibus", day("2024-10-31"), 60);
  CHECK(value_of(ws, "spent", "m1", 2024) == std::optional<double>(2800.5));
  CHECK(value_of(ws, "spent", "D1", 2024) == std::optional<double>(7700.5));
  // (3000 * 60 + 1000 * 25) / 4000
  CHECK(value_of(ws, "done", "m1", 2024) == std::optional<double>(51.25));
  CHECK(*ws.plan_progress("pf-m1-2024", day("2024-12-31")).completion == Approx(51.25));
  CHECK(*ws.plan_progress("pf-m1-2024", day("2024-09-30")).completion == Approx(6.25));
  CHECK(ws.certify("m1", "attuazione", 2024).passed);
  CHECK(ws.certify("m1", "attuazione", 2024, true).passed);
}

TEST_CASE("the diff of two revisions of one plan lists what was recorded", "[execution][effects]") {
  Workspace ws = make_workspace();
  ws.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), 50);
  ws.record_actual("pf-m1-2024", "pedibus", 2024, "municipal", Money::from_cents(100000));
  ws.record_target("pf-m1-2024", "pedibus", "bambini", 25);
  ws.set_action_status("pf-m1-2024", "sportello", ActionStatus::kCompleted);
  ws.record_evaluation("pf-m1-2024", day("2025-01-15"), "Buon avvio");
  const PlanDiff d = ws.diff("pf-m1-2024@1", "pf-m1-2024");
  CHECK(d.a == "pf-m1-2024@1");
  CHECK(d.added.empty());
  CHECK(d.removed.empty());
  REQUIRE(d.changed.size() == 2);
  std::vector<std::string> fields;
  for (const auto& f : d.changed[0].fields) fields.push_back(f.field);
  CHECK(fields == std::vector<std::string>{"budget", "targets", "progress"});
  CHECK(d.changed[1].fields.at(0).field == "status");
  REQUIRE(d.plan.size() == 1);
  CHECK(d.plan[0].field == "evaluation");
  CHECK(d.plan[0].before.is_null());
  bool actual_delta = false;
  for (const auto& t : d.budget_delta) {
    if (t.dimension == "source" && t.key == "municipal") actual_delta = t.actual_delta() == Money::from_cents(100000);
  }
  CHECK(actual_delta);
  CHECK(ws.diff("pf-m1-2024@2", "pf-m1-2024@3").changed.at(0).fields.at(0).field == "budget");
  CHECK_THROWS_AS(ws.diff("pf-m1-2024@9", "pf-m1-2024"), NotFoundError);
  CHECK_THROWS_AS(ws.diff("pf-zz@1", "pf-m1-2024"), NotFoundError);
}

TEST_CASE("recorded execution is in the open-data tables and survives export and reopening", "[execution][effects]") {
  test::TempDir dir;
  const auto db = (dir.path() / "w.db").string();
  {
    Workspace ws = Workspace::open(db);
    ws.import_bundle(test::load_case("execution.json"));
    ws.record_progress("pf-m1-2024", "pedibus", day("2024-06-30"), 50, "a metà");
    ws.record_target("pf-m1-2024", "pedibus", "bambini", 25);
    ws.record_actual("pf-m1-2024", "pedibus", 2024, "municipal", Money::from_cents(100050));
    const auto tables = csv_tables(ws);
    CHECK_THAT(tables.at("progress.csv"), Catch::Contains("pf-m1-2024,pedibus,m1,2024-06-30,50,a metà"));
    CHECK_THAT(tables.at("targets.csv"), Catch::Contains("pf-m1-2024,pedibus,m1,bambini,bambini,0,40,25"));
    CHECK_THAT(tables.at("budget_lines.csv"), Catch::Contains("pf-m1-2024,pedibus,m1,2024,municipal,3000.00,1000.50"));
  }
  Workspace reopened = Workspace::open(db, true);
  CHECK(action(reopened, "pf-m1-2024", "pedibus").progress.at(0).note == std::optional<std::string>("a metà"));
  CHECK(reopened.history("pf-m1-2024").size() == 4);
  Workspace copy;
  copy.import_bundle(reopened.export_bundle());
  CHECK(copy.plan("pf-m1-2024").actions == reopened.plan("pf-m1-2024").actions);
  CHECK_THROWS_AS(reopened.record_progress("pf-m1-2024", "pedibus", day("2024-07-31"), 60), StorageError);
}

}  // namespace
}  // namespace civicplan
