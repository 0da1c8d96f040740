// SPDX-License-Identifier: Apache-2.0
// Uses an installed civicplan: imports a bundle into a SQLite workspace and checks what it holds.
#include <civicplan/civicplan.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

const char* const kBundle = R"({
  "format": "civicplan-bundle", "version": 1,
  "bodies": [
    {"id": "alto-garda", "kind": "district", "name": "Distretto famiglia Alto Garda"},
    {"id": "arco", "kind": "municipality", "name": "Arco", "parents": [{"id": "alto-garda"}]},
    {"id": "riva", "kind": "municipality", "name": "Riva del Garda",
     "parents": [{"id": "alto-garda", "from": 2020}]}
  ],
  "taxonomies": [{"id": "fam", "version": "1", "label": "Family actions", "nodes": [
    {"code": "A", "label": "Governance"},
    {"code": "A1", "label": "Network", "parents": ["A"]},
    {"code": "B", "label": "Economic measures"}]}],
  "plans": [{"id": "riva-2024", "kind": "family", "body": "riva", "title": "Piano famiglia 2024",
    "period": {"from": 2024, "to": 2024}, "status": "approved", "variant": "original",
    "approval": {"date": "2024-03-01", "act": "DG 12/2024"}, "revision": 1,
    "objectives": [{"id": "o1", "title": "Support families"}],
    "actions": [
      {"id": "a1", "title": "Family desk", "categories": ["fam:A1"], "objective": "o1",
       "status": "in_progress", "targets": [],
       "budget": [{"year": 2024, "source": "municipal", "planned": 1500.5, "actual": 1200}]},
      {"id": "a2", "title": "Reduced canteen fees", "categories": ["fam:B"], "status": "planned",
       "targets": [], "budget": [{"year": 2024, "source": "provincial", "planned": 2000.25}]}]}],
  "statistics": [
    {"variable": "population", "body": "riva", "year": 2024, "value": 18000},
    {"variable": "population", "body": "arco", "year": 2024, "value": 17800}]
})";

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << '\n';
    ++failures;
  }
}

std::size_t count(const civicplan::Model& model, const std::string& kind) {
  const auto counts = model.counts();
  const auto it = counts.find(kind);
  return it == counts.end() ? 0 : it->second;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: civicplan_consumer WORK_DIR\n";
    return 2;
  }
  const std::string db = std::string(argv[1]) + "/consumer.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());

  try {
    check(std::string(civicplan::kVersion) == CONSUMER_EXPECTED_VERSION, "library version");
    {
      auto ws = civicplan::Workspace::open(db);
      const auto summary = ws.import_bundle(civicplan::parse_json(kBundle, "consumer bundle"));
      check(summary.total() == 7, "import summary counts 7 objects");
    }

    auto ws = civicplan::Workspace::open(db);  // a second connection reads what the first wrote
    const std::shared_ptr<const civicplan::Model> snapshot = ws.model();
    const civicplan::Model& model = *snapshot;
    check(count(model, "bodies") == 3, "3 bodies");
    check(count(model, "taxonomies") == 1, "1 taxonomy");
    check(count(model, "plans") == 1, "1 plan");
    check(count(model, "statistics") == 2, "2 statistics");

    civicplan::Money planned;
    for (const auto& action : ws.plan("riva-2024").actions) {
      for (const auto& line : action.budget) planned += line.planned.value_or(civicplan::Money());
    }
    check(planned == civicplan::Money::from_cents(350075), "planned budget is 3500.75 euros");
    check(ws.taxonomy("fam").is_under("A1", "A"), "A1 is under A");
    check(ws.registry()->scope("alto-garda", 2024) ==
              std::vector<std::string>{"alto-garda", "arco", "riva"},
          "district scope in 2024");
    check(ws.registry()->scope("alto-garda", 2019) == std::vector<std::string>{"alto-garda", "arco"},
          "district scope in 2019");

    // Errors cross the library boundary with their own types, and a failed import changes nothing.
    try {
      ws.import_bundle(civicplan::parse_json(
          R"({"format": "civicplan-bundle", "version": 1,
              "bodies": [{"id": "nago", "kind": "municipality", "name": "Nago"}],
              "plans": [{"id": "x", "kind": "family", "body": "nowhere", "title": "X",
                         "period": {"from": 2024, "to": 2024}, "status": "draft",
                         "variant": "original", "objectives": [], "actions": []}]})"));
      check(false, "a bundle naming an unknown body is rejected");
    } catch (const civicplan::ValidationError& e) {
      check(!e.issues().empty(), "the validation error lists its issues");
    }
    check(count(*ws.model(), "bodies") == 3, "a failed import writes nothing");
    try {
      ws.plan("missing");
      check(false, "an unknown plan is reported");
    } catch (const civicplan::NotFoundError&) {
    }

    // Out-of-line members of the exported value types link from the shared library too.
    const auto audit = ws.audit_log();
    check(!audit.empty() && audit.front().to_json().at("operation") == "import",
          "the audit log starts with the import");
    const auto progress = ws.plan_progress("riva-2024", civicplan::Date{2024, 12, 31});
    check(progress.to_json().at("plan") == "riva-2024", "plan progress as JSON");
    check(ws.diff("riva-2024", "riva-2024").to_json().at("changed").empty(), "a plan diffed with itself");
    check(ws.history("riva-2024").size() == 1, "one kept revision");

    {
      // A read-only opening sees the same state and refuses writes.
      const auto reader = civicplan::Workspace::open(db, true);
      check(reader.read_only() && *reader.model() == *ws.model(), "a read-only opening reads the workspace");
    }

    civicplan::Workspace copy;
    copy.import_bundle(ws.export_bundle());
    check(*copy.model() == *ws.model(), "export then import reproduces the workspace");

    std::cout << "civicplan " << civicplan::kVersion << ": " << count(*ws.model(), "bodies")
              << " bodies, " << count(*ws.model(), "plans") << " plan, planned "
              << planned.to_string() << " euros\n";
  } catch (const civicplan::Error& e) {
    std::cerr << "civicplan error: " << e.what() << '\n';
    return 1;
  }
  if (failures > 0) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  return 0;
}
