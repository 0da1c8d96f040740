// SPDX-License-Identifier: Apache-2.0
// Importing a bundle file reads it while it is parsed, one array element at a time. Whatever
// the file holds, the result must be what importing the parsed document gives: the same
// model, the same issues in the same order, the same parse errors at the same place.
#include <string>
#include <vector>

#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace {

using civicplan::Issue;
using civicplan::Model;
using civicplan::ParseError;
using civicplan::ValidationError;
using civicplan::Workspace;
using civicplan::test::TempDir;
using civicplan::test::write_text;
using nlohmann::json;

// What an import ends in: the model, or the kind of error with its issues or message.
struct Outcome {
  std::string error;  // "" when the import succeeded
  std::vector<Issue> issues;
  Model model;
};

template <class F>
Outcome outcome(F&& import) {
  Outcome o;
  Workspace ws;
  try {
    import(ws);
    o.model = *ws.model();
  } catch (const ValidationError& e) {
    o.error = "validation";
    o.issues = e.issues();
  } catch (const ParseError& e) {
    o.error = std::string("parse: ") + e.what() + " @" + std::to_string(e.line()) + ":" + std::to_string(e.column());
  }
  return o;
}

// Imports `text` from a file (streamed) and as a parsed document, and checks they agree.
Outcome both(const std::string& text) {
  TempDir dir;
  const auto path = (dir.path() / "bundle.json").string();
  write_text(path, text);
  Outcome streamed = outcome([&](Workspace& ws) { ws.import_file(path); });
  Outcome parsed = outcome([&](Workspace& ws) { ws.import_bundle(civicplan::read_json_file(path)); });
  INFO(text.substr(0, 300));
  CHECK(streamed.error == parsed.error);
  CHECK(streamed.issues == parsed.issues);
  CHECK(streamed.model == parsed.model);
  return streamed;
}

const std::string kHead = R"({"format": "civicplan-bundle", "version": 1)";

}  // namespace

TEST_CASE("every example bundle streams into the model its parsed document gives", "[bundle][stream]") {
  for (const char* name : {"family.json", "zone.json", "digital_agenda.json", "social_cases.json",
                           "union_ledger.json"}) {
    INFO(name);
    const std::string text = civicplan::test::read_text(civicplan::test::source_path(std::string("examples/data/") + name));
    const Outcome o = both(text);
    CHECK(o.error.empty());
    CHECK_FALSE(o.model.empty());
  }
}

TEST_CASE("a bundle larger than a read block streams whole", "[bundle][stream]") {
  // About 2.5 MB: elements cross the 1 MiB block boundaries at arbitrary bytes.
  json b{{"format", "civicplan-bundle"}, {"version", 1}};
  b["bodies"] = json::array({json{{"id", "c1"}, {"name", "Comune \u00e0 \"uno\""}, {"kind", "municipality"}}});
  json stats = json::array();
  for (int i = 0; i < 24000; ++i) {
    stats.push_back({{"body", "c1"}, {"variable", "v" + std::to_string(i % 997)}, {"year", 2000 + i / 997},
                     {"value", i * 0.5}});
  }
  b["statistics"] = stats;
  const Outcome o = both(b.dump(1));
  CHECK(o.error.empty());
  CHECK(o.model.statistics.size() == 24000);
}

TEST_CASE("issues of a streamed bundle come in the order of the parsed one", "[bundle][stream]") {
  // Arrays in another order than they are read, each with problems, plus header problems last.
  const std::string text = R"({
    "users": [{"id": "u1"}, {"id": "u1", "name": "x"}],
    "plans": [{"id": "p1", "body": "nowhere", "title": "t", "kind": "family", "year": 2020}, 7],
    "statistics": [{"body": "c1", "variable": "v", "year": 1200, "value": 1}],
    "bodies": [{"id": "c1", "name": "C", "kind": "town"}, {"id": "c1", "name": "C", "kind": "municipality"}],
    "indicators": [{"id": "i1"}, {"id": "i1"}, {"name": "no id"}],
    "ledger": {"not": "an array"},
    "places": null,
    "extra": [1, 2, {"a": [3]}],
    "format": "civicplan-bundel",
    "version": 2
  })";
  const Outcome o = both(text);
  CHECK(o.error == "validation");
  CHECK(o.issues.size() >= 10);
}

TEST_CASE("members given as other things than arrays are reported as parsed", "[bundle][stream]") {
  for (const std::string members : {R"("plans": 5)", R"("plans": "x")", R"("plans": {})", R"("plans": null)",
                                    R"("plans": [])", R"("rulesets": [[]])", R"("version": [1])",
                                    R"("format": {"a": 1})"}) {
    both(kHead + ", " + members + "}");
  }
}

TEST_CASE("documents that are not bundle objects are reported as parsed", "[bundle][stream]") {
  for (const std::string text : {"[1, 2, {\"a\": 3}]", "\"text\"", "null", "12", "[]", "{}"}) {
    const Outcome o = both(text);
    CHECK(o.error == "validation");
  }
}

TEST_CASE("malformed text fails with the parse error and position of the parsed path", "[bundle][stream]") {
  const std::string deep = std::string(70, '[') + std::string(70, ']');
  const std::vector<std::string> texts = {
      "",
      "{",
      kHead + ", \"plans\": [{\"id\": \"p1\",}]}",
      kHead + ", \"statistics\": [{\"value\": 1e400}]}",
      kHead + ", \"plans\": [" + deep + "]}",
      kHead + ", \"extra\": " + deep + "}",
      deep,
      kHead + ", \"version\": 1}",
      kHead + ", \"bodies\": [{\"id\": \"a\", \"id\": \"b\"}]}",
      kHead + ", \"extra\": {\"k\": 1, \"k\": 2}}",
      kHead + ", \"bodies\": [], \"bodies\": []}",
      kHead + "} trailing",
      kHead + ", \"bodies\": [{\"id\": \"\xff\"}]}",
  };
  for (const auto& text : texts) {
    const Outcome o = both(text);
    CHECK(o.error.rfind("parse: ", 0) == 0);
  }
}

TEST_CASE("a missing bundle file is reported by name", "[bundle][stream]") {
  Workspace ws;
  CHECK_THROWS_AS(ws.import_file("/nonexistent/dir/bundle.json"), civicplan::NotFoundError);
  CHECK(ws.model()->empty());
}
