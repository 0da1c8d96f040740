// SPDX-License-Identifier: Apache-2.0
// Tests of the workspace: imports in memory and on SQLite, all-or-nothing, sharing a file.
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "store_support.hpp"
#include "test_support.hpp"

using namespace civicplan;
using civicplan::test::describe;
using civicplan::test::issues_of;
using civicplan::test::load_case;
using civicplan::test::TempDir;
using json = nlohmann::json;

namespace {

std::size_t count(const std::map<std::string, std::size_t>& counts, const std::string& kind) {
  auto it = counts.find(kind);
  return it == counts.end() ? 0 : it->second;
}

std::size_t sum(const std::map<std::string, std::size_t>& counts) {
  std::size_t n = 0;
  for (const auto& [kind, c] : counts) n += c;
  return n;
}

/// The number of objects in the bundle arrays of a model (counts() may add derived kinds).
std::size_t objects(const Model& model) {
  std::size_t n = 0;
  for (const char* kind :
       {"bodies", "taxonomies", "crosswalks", "plans", "statistics", "feedback", "certifications",
        "cases", "ledger", "places", "indicators", "rulesets", "users"}) {
    n += count(model.counts(), kind);
  }
  return n;
}

json small_bundle() { return load_case("small_bundle.json"); }

json header() { return {{"format", kBundleFormat}, {"version", kBundleVersion}}; }

/// A bundle adding one municipality to the small bundle's district and renaming another.
json addition() {
  json b = header();
  b["bodies"] = json::parse(R"json([
    {"id": "m-tenno", "kind": "municipality", "name": "Tenno", "parents": [{"id": "d-alto-garda"}, {"id": "tn"}]},
    {"id": "m-arco", "kind": "municipality", "name": "Arco (TN)", "parents": [{"id": "d-alto-garda"}, {"id": "tn"}]}
  ])json");
  b["statistics"] = json::parse(R"json([
    {"variable": "population", "body": "m-tenno", "year": 2022, "value": 2000},
    {"variable": "population", "body": "m-arco", "year": 2022, "value": 18100}
  ])json");
  return b;
}

}  // namespace

TEST_CASE("An in-memory workspace imports and exports a bundle", "[workspace]") {
  Workspace ws;
  CHECK_FALSE(ws.path().has_value());
  CHECK(ws.model()->empty());

  const ImportSummary summary = ws.import_bundle(small_bundle());
  CHECK(count(summary.added, "bodies") == 8);
  CHECK(count(summary.added, "plans") == 4);
  CHECK(count(summary.added, "statistics") == 8);
  CHECK(count(summary.added, "users") == 2);
  CHECK(sum(summary.replaced) == 0);
  CHECK(summary.total() == objects(*ws.model()));
  CHECK(summary.total() == 36);

  const Model expected = read_bundle(small_bundle());
  CHECK(*ws.model() == expected);
  CHECK(ws.export_bundle() == write_bundle(expected));

  Workspace copy;
  copy.import_bundle(ws.export_bundle());
  CHECK(*copy.model() == *ws.model());
  CHECK(copy.export_bundle() == ws.export_bundle());
}

TEST_CASE("Importing objects that exist counts them as replaced", "[workspace]") {
  Workspace ws;
  const ImportSummary first = ws.import_bundle(small_bundle());
  const ImportSummary again = ws.import_bundle(small_bundle());
  CHECK(count(again.replaced, "bodies") == 8);
  CHECK(count(again.replaced, "plans") == 4);
  CHECK(count(again.replaced, "statistics") == 8);
  CHECK(count(again.added, "bodies") == 0);
  CHECK(count(again.added, "plans") == 0);
  CHECK(again.total() == first.total());
  CHECK(*ws.model() == read_bundle(small_bundle()));

  const ImportSummary more = ws.import_bundle(addition());
  CHECK(count(more.added, "bodies") == 1);
  CHECK(count(more.replaced, "bodies") == 1);
  CHECK(count(more.added, "statistics") == 1);
  CHECK(count(more.replaced, "statistics") == 1);
  CHECK(more.total() == 4);
  CHECK(ws.body("m-arco").name == "Arco (TN)");
  CHECK(ws.model()->bodies.size() == 9);
  CHECK(ws.model()->statistics.at(StatisticKey{"m-arco", "population", 2022}).value == 18100);
  CHECK(ws.registry()->members("d-alto-garda", 2022) ==
        std::vector<std::string>{"m-arco", "m-dro", "m-nago", "m-riva", "m-tenno"});
}

TEST_CASE("A bundle is validated against what the workspace holds", "[workspace]") {
  Workspace ws;
  // On its own the addition refers to bodies the workspace does not have yet.
  CHECK_THROWS_AS(ws.import_bundle(addition()), ValidationError);
  CHECK(ws.model()->empty());
  ws.import_bundle(small_bundle());
  CHECK_NOTHROW(ws.import_bundle(addition()));
  CHECK(ws.model()->bodies.count("m-tenno") == 1);
}

TEST_CASE("A failing import leaves the workspace unchanged", "[workspace]") {
  Workspace ws;
  ws.import_bundle(small_bundle());
  const Model before = *ws.model();
  const json exported = ws.export_bundle();

  const auto issues = issues_of([&] { ws.import_bundle(load_case("bad_bundle.json")); });
  CHECK(issues.size() >= 12);
  CHECK(*ws.model() == before);
  CHECK(ws.export_bundle() == exported);

  // Valid new objects in a bundle with one mistake are not imported either.
  json b = addition();
  b["statistics"][1]["year"] = "2022";
  CHECK_THROWS_AS(ws.import_bundle(b), ValidationError);
  CHECK(*ws.model() == before);
  CHECK(ws.model()->bodies.count("m-tenno") == 0);
}

TEST_CASE("Workspace lookups throw NotFoundError for unknown ids", "[workspace]") {
  Workspace ws;
  ws.import_bundle(small_bundle());
  CHECK(ws.body("m-dro").name == "Dro");
  CHECK(ws.plan("pz-alto-garda").period == YearRange{2021, 2023});
  CHECK(ws.taxonomy("family-tn").depth("X1") == 3);

  try {
    ws.body("m-nowhere");
    FAIL("expected a NotFoundError");
  } catch (const NotFoundError& e) {
    CHECK(e.kind() == "body");
    CHECK(e.id() == "m-nowhere");
  }
  try {
    ws.plan("p-none");
    FAIL("expected a NotFoundError");
  } catch (const NotFoundError& e) {
    CHECK(e.kind() == "plan");
    CHECK(e.id() == "p-none");
  }
  try {
    ws.taxonomy("tax-none");
    FAIL("expected a NotFoundError");
  } catch (const NotFoundError& e) {
    CHECK(e.kind() == "taxonomy");
    CHECK(e.id() == "tax-none");
  }
}

TEST_CASE("The registry follows the workspace's bodies", "[workspace]") {
  Workspace ws;
  CHECK(ws.registry()->ids().empty());
  ws.import_bundle(small_bundle());
  const auto r_holder = ws.registry();
  const auto& r = *r_holder;
  CHECK(r.contains("m-dro"));
  CHECK(r.parents("m-dro", 2021) == std::vector<std::string>{"d-valle-laghi", "tn"});
  CHECK(r.parents("m-dro", 2022) == std::vector<std::string>{"d-alto-garda", "tn"});
  CHECK(r.leaves("tn", 2022).size() == 5);
}

TEST_CASE("import_statistics adds rows all-or-nothing", "[workspace]") {
  Workspace ws;
  ws.import_bundle(small_bundle());
  const std::vector<Statistic> rows = {{"families", "m-arco", 2022, 7400},
                                       {"population", "m-arco", 2022, 18050}};
  const ImportSummary summary = ws.import_statistics(rows, "families.csv");
  CHECK(count(summary.added, "statistics") == 1);
  CHECK(count(summary.replaced, "statistics") == 1);
  CHECK(ws.model()->statistics.at(StatisticKey{"m-arco", "families", 2022}).value == 7400);
  CHECK(ws.model()->statistics.at(StatisticKey{"m-arco", "population", 2022}).value == 18050);

  const Model before = *ws.model();
  const std::vector<Statistic> bad = {{"families", "m-riva", 2022, 7100},
                                      {"families", "m-nowhere", 2022, 1}};
  const auto issues = issues_of([&] { ws.import_statistics(bad, "families.csv"); });
  INFO(describe(issues));
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].message.find("m-nowhere") != std::string::npos);
  CHECK(*ws.model() == before);
}

TEST_CASE("import_file reads bundles and statistics CSV files", "[workspace]") {
  Workspace ws;
  const ImportSummary bundle =
      ws.import_file(civicplan::test::source_path("tests/cases/small_bundle.json").string());
  CHECK(count(bundle.added, "bodies") == 8);
  const ImportSummary csv =
      ws.import_file(civicplan::test::source_path("tests/cases/small_statistics.csv").string());
  CHECK(count(csv.added, "statistics") == 3);
  CHECK(ws.model()->statistics.at(StatisticKey{"m-riva", "families", 2022}).value == 7100.5);

  CHECK_THROWS_AS(
      ws.import_file(civicplan::test::source_path("tests/cases/no_such_file.json").string()),
      NotFoundError);

  TempDir dir;
  civicplan::test::write_text(dir.path() / "bad.csv",
                              "body,year,variable,value\nm-arco,2022,births,many\n");
  const auto issues = issues_of([&] { ws.import_file(dir.file("bad.csv")); });
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].path.find(":2") != std::string::npos);
}

TEST_CASE("export_bundle_file writes a file that imports back equal", "[workspace]") {
  TempDir dir;
  Workspace ws;
  ws.import_bundle(small_bundle());
  const std::string out = dir.file("export.json");
  ws.export_bundle_file(out);
  CHECK(read_json_file(out) == ws.export_bundle());

  Workspace back;
  back.import_file(out);
  CHECK(*back.model() == *ws.model());

  // The write is atomic: only the target file is left behind.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  CHECK(names == std::vector<std::string>{"export.json"});

  // Overwriting replaces the file.
  ws.import_bundle(addition());
  ws.export_bundle_file(out);
  CHECK(read_json_file(out) == ws.export_bundle());
}

TEST_CASE("A stored workspace keeps its contents across reopening", "[workspace][store]") {
  civicplan::test::TestStore store;
  const std::string path = store.location("plans");
  json exported;
  {
    Workspace ws = Workspace::open(path);
    REQUIRE(ws.path().has_value());
    if (!store.postgres()) CHECK(std::filesystem::equivalent(*ws.path(), path));
    CHECK(ws.model()->empty());
    ws.import_bundle(small_bundle());
    exported = ws.export_bundle();
  }
  if (!store.postgres()) CHECK(std::filesystem::exists(path));
  {
    // The location a workspace reports opens it again.
    Workspace ws = Workspace::open(*Workspace::open(path).path());
    CHECK(ws.export_bundle() == exported);
  }
  {
    Workspace ws = Workspace::open(path);
    CHECK(ws.export_bundle() == exported);
    CHECK(*ws.model() == read_bundle(small_bundle()));
    ws.import_bundle(addition());
  }
  Workspace ws = Workspace::open(path);
  CHECK(ws.body("m-arco").name == "Arco (TN)");
  CHECK(ws.model()->bodies.size() == 9);
}

TEST_CASE("A failing import leaves the stored workspace unchanged", "[workspace][store]") {
  civicplan::test::TestStore store;
  const std::string path = store.location("plans");
  json exported;
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(small_bundle());
    exported = ws.export_bundle();
    CHECK_THROWS_AS(ws.import_bundle(load_case("bad_bundle.json")), ValidationError);
    json b = addition();
    b["bodies"][0]["kind"] = "town";
    CHECK_THROWS_AS(ws.import_bundle(b), ValidationError);
    CHECK(ws.export_bundle() == exported);
  }
  Workspace reopened = Workspace::open(path);
  CHECK(reopened.export_bundle() == exported);
}

TEST_CASE("Two workspaces on one store see each other's commits", "[workspace][store]") {
  civicplan::test::TestStore store;
  const std::string path = store.location("shared");
  Workspace writer = Workspace::open(path);
  Workspace reader = Workspace::open(path);
  CHECK(reader.model()->empty());
  CHECK_FALSE(reader.refresh());

  writer.import_bundle(small_bundle());
  // Through refresh(): something changed, then nothing more.
  CHECK(reader.refresh());
  CHECK(*reader.model() == *writer.model());
  CHECK_FALSE(reader.refresh());

  // Through model() alone, which re-reads first.
  writer.import_bundle(addition());
  CHECK(reader.model()->bodies.count("m-tenno") == 1);
  CHECK(reader.body("m-arco").name == "Arco (TN)");
  CHECK(*reader.model() == *writer.model());
  CHECK(reader.registry()->members("d-alto-garda", 2022).size() == 5);

  // And the other way round.
  reader.import_statistics({{"families", "m-tenno", 2022, 800}});
  CHECK(writer.model()->statistics.count(StatisticKey{"m-tenno", "families", 2022}) == 1);
  CHECK(writer.export_bundle() == reader.export_bundle());
}

TEST_CASE("A moved workspace keeps its contents", "[workspace]") {
  Workspace ws;
  ws.import_bundle(small_bundle());
  Workspace moved(std::move(ws));
  CHECK(moved.model()->plans.size() == 4);
  Workspace assigned;
  assigned = std::move(moved);
  CHECK(assigned.plan("p-arco-2022").actions.size() == 2);
}

TEST_CASE("Opening storage that cannot be used throws StorageError", "[workspace]") {
  TempDir dir;
  CHECK_THROWS_AS(Workspace::open(dir.file("missing/dir/plans.db")), StorageError);

  const auto not_sqlite = dir.path() / "notes.db";
  civicplan::test::write_text(
      not_sqlite,
      "These are meeting notes, not a database. They are long enough to fill the "
      "first page header that SQLite reads when it opens a file, so that it notices.\n");
  CHECK_THROWS_AS(Workspace::open(not_sqlite.string()), StorageError);
  // The foreign file is left as it was.
  CHECK(civicplan::test::read_text(not_sqlite).rfind("These are meeting notes", 0) == 0);

  CHECK_THROWS_AS(Workspace::open(dir.path().string()), StorageError);
}

TEST_CASE("Every example bundle imports on its own and all import into one store", "[workspace][store]") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(civicplan::test::source_path("examples/data"))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 5);

  civicplan::test::TestStore store;
  Workspace all = Workspace::open(store.location("examples"));
  Model merged;
  for (const auto& file : files) {
    INFO(file.string());
    const json bundle = read_json_file(file.string());
    const auto issues = validate_bundle(bundle);
    INFO(describe(issues));
    CHECK(issues.empty());

    Workspace alone;
    const ImportSummary summary = alone.import_file(file.string());
    CHECK(summary.total() > 0);
    CHECK(read_bundle(alone.export_bundle()) == *alone.model());
    // Ids are unique across the example files: nothing is replaced.
    const ImportSummary into_all = all.import_bundle(bundle);
    CHECK(sum(into_all.replaced) == 0);
    merged.merge(*alone.model());
  }
  Workspace reopened = Workspace::open(store.location("examples"));
  CHECK(*reopened.model() == merged);
}
