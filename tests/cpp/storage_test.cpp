// SPDX-License-Identifier: Apache-2.0
// Storage behind the workspace: read-only opening, snapshots that outlive writes, the choice
// of a backend from a location, and the one rule that tells CSV files from bundles.
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

using namespace civicplan;
using civicplan::test::load_case;
using civicplan::test::read_text;
using civicplan::test::TempDir;
using civicplan::test::write_text;
using json = nlohmann::json;

namespace {

json small_bundle() { return load_case("small_bundle.json"); }

json one_body(const std::string& id) {
  return {{"format", kBundleFormat},
          {"version", kBundleVersion},
          {"bodies", {{{"id", id}, {"kind", "municipality"}, {"name", "Comune " + id}}}}};
}

}  // namespace

TEST_CASE("A read-only workspace reads everything and writes nothing", "[storage]") {
  TempDir dir;
  const std::string path = dir.file("plans.db");
  json exported;
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(small_bundle());
    exported = ws.export_bundle();
    CHECK_FALSE(ws.read_only());
  }
  const std::string bytes = read_text(path);

  Workspace reader = Workspace::open(path, true);
  CHECK(reader.read_only());
  CHECK(reader.path() == path);
  CHECK(reader.export_bundle() == exported);
  CHECK(reader.history("p-arco-2022").size() == 1);
  CHECK_FALSE(reader.audit_log().empty());
  CHECK(reader.compute_indicators().size() > 0);

  // Every kind of write is refused with StorageError, and nothing changes.
  CHECK_THROWS_AS(reader.import_bundle(one_body("m-new")), StorageError);
  CHECK_THROWS_WITH(reader.import_bundle(one_body("m-new")), Catch::Contains("read-only"));
  CHECK_THROWS_AS(reader.import_statistics({{"families", "m-arco", 2022, 1}}), StorageError);
  CHECK_THROWS_AS(reader.submit("p-arco-2022"), StorageError);
  CHECK_THROWS_AS(reader.add_feedback({"p-arco-2022/a1", 4, std::nullopt, Date{2022, 5, 1}}), StorageError);
  CHECK(reader.export_bundle() == exported);
  CHECK(read_text(path) == bytes);

  // A writer's commits are seen by the read-only reader.
  Workspace writer = Workspace::open(path);
  writer.import_bundle(one_body("m-new"));
  CHECK(reader.model()->bodies.count("m-new") == 1);
}

TEST_CASE("A read-only opening needs an existing, current workspace", "[storage]") {
  TempDir dir;
  const std::string missing = dir.file("missing.db");
  CHECK_THROWS_AS(Workspace::open(missing, true), StorageError);
  CHECK_THROWS_WITH(Workspace::open(missing, true), Catch::Contains("no workspace at"));
  CHECK_FALSE(std::filesystem::exists(missing));

  const std::string empty = dir.file("empty.db");
  write_text(empty, "");
  CHECK_THROWS_WITH(Workspace::open(empty, true), Catch::Contains("no civicplan workspace"));
  CHECK(std::filesystem::file_size(empty) == 0);

  const std::string text = dir.file("notes.txt");
  write_text(text, "not a database at all, just some words that are long enough");
  CHECK_THROWS_AS(Workspace::open(text, true), StorageError);
}

TEST_CASE("What model() returns stays as it was while other threads write", "[storage]") {
  Workspace ws;
  ws.import_bundle(small_bundle());
  const std::shared_ptr<const Model> before = ws.model();
  const std::shared_ptr<const Registry> registry = ws.registry();
  const std::size_t bodies = before->bodies.size();
  const auto members = registry->members("d-alto-garda", 2022);

  std::thread writer([&] {
    for (int i = 0; i < 20; ++i) ws.import_bundle(one_body("m-thread-" + std::to_string(i)));
  });
  writer.join();

  CHECK(before->bodies.size() == bodies);
  CHECK(before->bodies.count("m-thread-0") == 0);
  CHECK(registry->members("d-alto-garda", 2022) == members);
  CHECK(ws.model()->bodies.size() == bodies + 20);
  CHECK(ws.registry()->contains("m-thread-19"));
}

TEST_CASE("Readers on several threads see whole commits while a writer imports", "[storage]") {
  TempDir dir;
  Workspace ws = Workspace::open(dir.file("shared.db"));
  ws.import_bundle(small_bundle());
  const std::size_t base = ws.model()->bodies.size();
  constexpr int kWrites = 15;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<long> reads{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const auto model = ws.model();
        // Every snapshot is one commit: the bodies of n imports, the registry of the same.
        const std::size_t n = model->bodies.size() - base;
        if (n > kWrites) bad++;
        for (std::size_t i = 0; i < n; ++i) {
          if (!model->bodies.count("m-extra-" + std::to_string(i))) bad++;
        }
        if (ws.compute_indicators().size() == 0) bad++;
        reads++;
      }
    });
  }
  for (int i = 0; i < kWrites; ++i) ws.import_bundle(one_body("m-extra-" + std::to_string(i)));
  done = true;
  for (auto& t : readers) t.join();
  CHECK(bad.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(ws.model()->bodies.size() == base + kWrites);
}

TEST_CASE("A PostgreSQL location is refused without echoing the URI", "[storage]") {
  CHECK_THROWS_AS(Workspace::open("postgresql://alice:secret@db.example/region"), StorageError);
  CHECK_THROWS_WITH(Workspace::open("postgres://alice:secret@db.example/region"),
                    !Catch::Contains("secret") && Catch::Contains("PostgreSQL"));
  CHECK_THROWS_AS(Workspace::open(""), StorageError);
}

TEST_CASE("A CSV file is told by its extension in any case", "[storage]") {
  CHECK(is_csv_file("population.csv"));
  CHECK(is_csv_file("dir.v2/Population.CSV"));
  CHECK(is_csv_file("x.Csv"));
  CHECK_FALSE(is_csv_file("x.json"));
  CHECK_FALSE(is_csv_file("csv"));
  CHECK_FALSE(is_csv_file("x.csv.json"));

  TempDir dir;
  const std::string csv = dir.file("stats.Csv");
  write_text(csv, "body,year,variable,value\nm-arco,2022,families,7400\n");
  Workspace ws;
  ws.import_bundle(small_bundle());
  const ImportSummary summary = ws.import_file(csv);
  CHECK(summary.total() == 1);
  CHECK(ws.model()->statistics.at(StatisticKey{"m-arco", "families", 2022}).value == 7400);
}

TEST_CASE("read_text_file reads bytes and names a missing file", "[storage]") {
  TempDir dir;
  const std::string path = dir.file("bytes.bin");
  write_text(path, std::string("a\0b\r\n", 5));
  CHECK(read_text_file(path) == std::string("a\0b\r\n", 5));
  CHECK_THROWS_AS(read_text_file(dir.file("nothing.txt")), NotFoundError);
  CHECK_THROWS_AS(read_text_file(dir.path().string()), NotFoundError);
}
