// SPDX-License-Identifier: Apache-2.0
// Crash safety: a process writing to a stored workspace (SQLite, or PostgreSQL in the postgres
// run) is killed with SIGKILL at random points of a large import and of plan writes; the
// reopened workspace equals the state before or after one of the operations, never a mix, and
// a SQLite file passes PRAGMA integrity_check.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "civicplan/workspace.hpp"
#include "store_support.hpp"
#include "test_support.hpp"

namespace {

using civicplan::Date;
using civicplan::Workspace;
using nlohmann::json;

json header() { return json{{"format", "civicplan-bundle"}, {"version", 1}}; }

/// The province, its municipalities and a taxonomy: what the workspace holds at the start.
json base_bundle(int municipalities) {
  json b = header();
  b["bodies"].push_back({{"id", "TN"}, {"kind", "province"}, {"name", "Trento"}});
  for (int i = 0; i < municipalities; ++i) {
    b["bodies"].push_back({{"id", "M" + std::to_string(i)},
                           {"kind", "municipality"},
                           {"name", "Comune " + std::to_string(i)},
                           {"parents", json::array({{{"id", "TN"}}})}});
  }
  b["taxonomies"].push_back(
      {{"id", "t"},
       {"version", "1"},
       {"label", "Azioni"},
       {"nodes", json::array({{{"code", "A"}, {"label", "Servizi"}},
                              {{"code", "A1"}, {"label", "Nidi"}, {"parents", {"A"}}}})}});
  return b;
}

json plan(const std::string& id, const std::string& body, int actions, const std::string& status,
          int salt) {
  json p{{"id", id},
         {"kind", "family"},
         {"body", body},
         {"title", "Piano famiglia " + body},
         {"period", {{"from", 2023}, {"to", 2023}}},
         {"status", status}};
  if (status == "approved") p["approval"] = {{"date", "2023-02-01"}, {"act", "DG 1/2023"}};
  for (int a = 0; a < actions; ++a) {
    p["actions"].push_back(
        {{"id", "a" + std::to_string(a)},
         {"title", "Azione " + std::to_string(a) + " per le famiglie numerose"},
         {"categories", {a % 2 ? "t:A1" : "t:A"}},
         {"status", "planned"},
         {"budget", json::array({{{"year", 2023},
                                  {"source", "municipal"},
                                  {"planned", 1000 + a + salt}}})}});
  }
  return p;
}

/// One large import: a plan with many actions for each municipality.
json large_import(int municipalities, int actions) {
  json b = header();
  for (int i = 0; i < municipalities; ++i) {
    b["plans"].push_back(
        plan("pf-M" + std::to_string(i), "M" + std::to_string(i), actions, "approved", 0));
  }
  return b;
}

/// The operations of one run, in order; each is one transaction. Returns after all of them.
void run_operations(Workspace& ws, const json& import, int ops_to_report, int report_fd) {
  auto mark = [&](int k) {
    if (report_fd >= 0 && k < ops_to_report) {
      const char byte = static_cast<char>(k);
      (void)!::write(report_fd, &byte, 1);
    }
  };
  mark(0);
  ws.import_bundle(import);
  mark(1);
  ws.put_plan(plan("draft-M0", "M0", 400, "draft", 7));
  mark(2);
  ws.put_plan(plan("draft-M0", "M0", 450, "draft", 9));
  mark(3);
  ws.submit("draft-M0");
  mark(4);
  ws.approve("draft-M0", Date{2023, 3, 1}, "DG 2/2023");
}

std::string state_of(const std::string& file) {
  return Workspace::open(file).export_bundle().dump();
}

std::string integrity(const std::string& file) {
  SQLite::Database db(file, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA integrity_check").getString();
}

/// The workspace `name` of `store`, made again holding only `base`; returns its location.
std::string fresh(civicplan::test::TestStore& store, const std::string& name, const json& base) {
  store.drop(name);
  const std::string location = store.location(name);
  Workspace::open(location).import_bundle(base);
  return location;
}

}  // namespace

TEST_CASE("SIGKILL during imports and plan writes leaves a consistent workspace", "[crash][store]") {
  constexpr int kMunicipalities = 60;
  constexpr int kActions = 40;
  constexpr int kRuns = 50;
  constexpr int kOperations = 5;
  civicplan::test::TestStore store;
  const json base = base_bundle(kMunicipalities);
  const json import = large_import(kMunicipalities, kActions);

  // Every state a run may legitimately stop in: before any operation and after each one.
  std::vector<std::string> states;
  std::vector<double> seconds;  // how long each operation took here, to aim the kills
  {
    auto ws = Workspace::open(fresh(store, "reference", base));
    states.push_back(ws.export_bundle().dump());
    const auto t0 = std::chrono::steady_clock::now();
    run_operations(ws, import, 0, -1);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  {
    // Replay step by step to record each intermediate state.
    auto ws = Workspace::open(fresh(store, "steps", base));
    ws.import_bundle(import);
    states.push_back(ws.export_bundle().dump());
    ws.put_plan(plan("draft-M0", "M0", 400, "draft", 7));
    states.push_back(ws.export_bundle().dump());
    ws.put_plan(plan("draft-M0", "M0", 450, "draft", 9));
    states.push_back(ws.export_bundle().dump());
    ws.submit("draft-M0");
    states.push_back(ws.export_bundle().dump());
    ws.approve("draft-M0", Date{2023, 3, 1}, "DG 2/2023");
    states.push_back(ws.export_bundle().dump());
  }
  REQUIRE(states.size() == kOperations + 1);
  REQUIRE(std::set<std::string>(states.begin(), states.end()).size() == states.size());

  std::mt19937 random(20261123);
  const auto total_us = static_cast<long>(seconds.front() * 1e6);
  std::vector<int> landed(states.size(), 0);
  int killed_while_running = 0;
  for (int run = 0; run < kRuns; ++run) {
    // No connection of this process is open across the fork.
    const std::string file = fresh(store, "run", base);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(fds[0]);
      try {
        auto ws = Workspace::open(file);
        run_operations(ws, import, kOperations, fds[1]);
      } catch (...) {
        ::_exit(3);
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    // Wait until the child starts a randomly chosen operation, then kill it a random time
    // later (up to the whole run's duration, so some kills land after it finished).
    const int op = std::uniform_int_distribution<int>(0, kOperations - 1)(random);
    char byte = 0;
    for (int k = 0; k <= op; ++k) {
      if (::read(fds[0], &byte, 1) != 1) break;
    }
    const long delay = std::uniform_int_distribution<long>(0, total_us / 2)(random);
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    ::close(fds[0]);
    if (WIFSIGNALED(status)) {
      ++killed_while_running;
    } else {
      REQUIRE(WIFEXITED(status));
      REQUIRE(WEXITSTATUS(status) == 0);  // the child's operations themselves must succeed
    }

    INFO("run " << run << ", killed during or after operation " << op);
    if (!store.postgres()) REQUIRE(integrity(file) == "ok");
    const std::string state = state_of(file);
    auto it = std::find(states.begin(), states.end(), state);
    REQUIRE(it != states.end());
    ++landed[static_cast<std::size_t>(it - states.begin())];
  }
  // Not a timing assertion: which states were hit is reported for the record.
  std::string hits;
  for (std::size_t i = 0; i < landed.size(); ++i) {
    hits += " S" + std::to_string(i) + "=" + std::to_string(landed[i]);
  }
  WARN("SIGKILL runs: " << kRuns << ", killed while running: " << killed_while_running
                        << ", final states:" << hits);
}
