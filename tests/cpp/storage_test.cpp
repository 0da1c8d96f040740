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
#include "store_support.hpp"
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

TEST_CASE("A read-only workspace reads everything and writes nothing", "[storage][store]") {
  civicplan::test::TestStore store;
  const std::string path = store.location("plans");
  json exported;
  {
    Workspace ws = Workspace::open(path);
    ws.import_bundle(small_bundle());
    exported = ws.export_bundle();
    CHECK_FALSE(ws.read_only());
  }
  // On SQLite the file's bytes stay as they are; on both, the contents and the audit log.
  const std::string bytes = store.postgres() ? "" : read_text(path);
  const std::size_t entries = Workspace::open(path).audit_log().size();

  Workspace reader = Workspace::open(path, true);
  CHECK(reader.read_only());
  if (store.postgres()) {
    // The location without any password, naming the schema.
    REQUIRE(reader.path());
    CHECK_THAT(*reader.path(), Catch::Contains("schema=") && Catch::StartsWith("postgresql://"));
  } else {
    CHECK(reader.path() == path);
  }
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
  if (!store.postgres()) CHECK(read_text(path) == bytes);
  CHECK(Workspace::open(path).audit_log().size() == entries);

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

TEST_CASE("Readers on several threads see whole commits while a writer imports", "[storage][store]") {
  civicplan::test::TestStore store;
  Workspace ws = Workspace::open(store.location("shared"));
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

TEST_CASE("A PostgreSQL location that cannot be used never echoes its password", "[storage]") {
  // A host that does not resolve (.invalid is reserved for that): the error names host,
  // database and schema, not the password.
  CHECK_THROWS_AS(Workspace::open("postgresql://alice:secret@db.invalid/region?schema=emilia"), StorageError);
  CHECK_THROWS_WITH(Workspace::open("postgres://alice:secret@db.invalid:6543/region?schema=emilia"),
                    !Catch::Contains("secret") && Catch::Contains("PostgreSQL") && Catch::Contains("db.invalid") &&
                        Catch::Contains("6543") && Catch::Contains("region") && Catch::Contains("emilia"));
  // civicplan's own parameter must be a plain name; libpq's syntax errors are StorageError too.
  CHECK_THROWS_WITH(Workspace::open("postgresql://alice:secret@db.invalid/region?schema=a;drop"),
                    !Catch::Contains("secret") && Catch::Contains("not a plain name"));
  CHECK_THROWS_WITH(Workspace::open("postgresql://alice:secret@db.invalid/region?colour=blue"),
                    !Catch::Contains("secret") && Catch::Contains("colour"));
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
