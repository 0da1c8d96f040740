// SPDX-License-Identifier: Apache-2.0
// Importing a bundle file reads it while it is parsed, one array element at a time. Whatever
// the file holds, the result must be what importing the parsed document gives: the same
// model, the same issues in the same order, the same parse errors at the same place.
#include <functional>
#include <string>
#include <utility>
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

// Plans, statistics, cases and ledger entries are read straight from their text when they are
// well-formed, and through the parsed element otherwise: every change below, one at a time,
// must give what the parsed document gives.
TEST_CASE("elements read straight from their text agree with the parsed document", "[bundle][stream]") {
  using Change = std::function<void(json&)>;
  auto read = [](const char* name) {
    return civicplan::read_json_file(civicplan::test::source_path(std::string("examples/data/") + name));
  };
  auto plan = [](json& b) -> json& { return b["plans"][0]; };
  // The first plan's fourth action has budget lines, partners, targets and progress; its twelfth
  // a location.
  auto action = [](json& b) -> json& { return b["plans"][0]["actions"][3]; };
  auto located = [](json& b) -> json& { return b["plans"][0]["actions"][11]; };
  const std::vector<std::pair<const char*, std::vector<Change>>> cases = {
      {"family.json",
       {
           [&](json& b) { plan(b)["id"] = ""; },
           [&](json& b) { plan(b)["id"] = "a/b"; },
           [&](json& b) { plan(b).erase("kind"); },
           [&](json& b) { plan(b)["title"] = nullptr; },
           [&](json& b) { plan(b)["period"] = {{"from", 2022}, {"to", 2021}}; },
           [&](json& b) { plan(b)["period"]["from"] = 2021.0; },
           [&](json& b) { plan(b)["period"]["from"] = 1200; },
           [&](json& b) { plan(b)["period"].erase("to"); },
           [&](json& b) { plan(b)["period"]["extra"] = 1; },
           [&](json& b) { plan(b)["status"] = "aproved"; },
           [&](json& b) { plan(b)["variant"] = "update"; },
           [&](json& b) { plan(b)["based_on"] = plan(b)["id"]; },
           [&](json& b) { plan(b).erase("approval"); },
           [&](json& b) { plan(b)["approval"]["act"] = ""; },
           [&](json& b) { plan(b)["objectives"][1]["id"] = plan(b)["objectives"][0]["id"]; },
           [&](json& b) { plan(b)["objectives"][0]["description"] = nullptr; },
           [&](json& b) { plan(b)["evaluation"] = {{"date", "2021-13-01"}, {"text", "x"}}; },
           [&](json& b) { plan(b)["revision"] = 0; },
           [&](json& b) { plan(b)["revision"] = 2.0; },
           [&](json& b) { plan(b)["revision"] = "3"; },
           [&](json& b) { plan(b)["previous"] = {"x", 1}; },
           [&](json& b) { plan(b)["actions"][1]["id"] = action(b)["id"]; },
           [&](json& b) { plan(b)["unknown"] = 1; },
           [&](json& b) { plan(b)["actions"] = json::object(); },
           [&](json& b) { plan(b)["actions"].push_back(7); },
           [&](json& b) { action(b)["id"] = "x/y"; },
           [&](json& b) { action(b)["title"] = ""; },
           [&](json& b) { action(b)["description"] = nullptr; },
           [&](json& b) { action(b)["categories"] = {"nocolon"}; },
           [&](json& b) { action(b)["categories"] = {1}; },
           [&](json& b) { action(b)["status"] = "done"; },
           [&](json& b) { action(b)["horizon"] = "forever"; },
           [&](json& b) { action(b)["start"] = "2021-02-30"; },
           [&](json& b) { action(b)["end"] = "2000-01-01"; },
           [&](json& b) { action(b)["partners"][0].erase("name"); },
           [&](json& b) { action(b)["partners"][0]["kind"] = nullptr; },
           [&](json& b) { action(b)["budget"][0]["year"] = 1999; },
           [&](json& b) { action(b)["budget"][0]["year"] = 2021.0; },
           [&](json& b) { action(b)["budget"][0]["planned"] = 1.005; },
           [&](json& b) { action(b)["budget"][0]["planned"] = 1e20; },
           [&](json& b) { action(b)["budget"][0]["planned"] = 123456789012345678; },
           [&](json& b) { action(b)["budget"][0]["planned"] = -5; },
           [&](json& b) { action(b)["budget"][0]["actual"] = 12.5; },
           [&](json& b) { action(b)["budget"][0].erase("source"); },
           [&](json& b) { action(b)["budget"][0]["source"] = "fondi \u00e0 \"speciali\""; },
           [&](json& b) { action(b)["targets"][0]["baseline"] = "1"; },
           [&](json& b) { action(b)["targets"][0]["target"] = 1e300; },
           [&](json& b) { action(b)["progress"][0]["completion"] = 101; },
           [&](json& b) { action(b)["progress"][0]["completion"] = 50.5; },
           [&](json& b) { action(b)["progress"][0].erase("date"); },
           [&](json& b) { located(b)["location"]["lat"] = 91; },
           [&](json& b) { located(b)["location"].erase("lon"); },
           [&](json& b) { located(b)["location"]["lon"] = "1"; },
           [&](json& b) { action(b)["tags"] = {"x", nullptr}; },
           [&](json& b) { action(b)["depends_on"] = json::object(); },
           [&](json& b) { action(b)["title"] = "Titolo con \"virgolette\", \\ e \u00e0"; },
           [&](json& b) { action(b)["description"] = "riga\nnuova\t\u20ac \U0001F600"; },
           [&](json& b) { action(b)["unknown"] = true; },
           [&](json& b) { b["statistics"][0]["year"] = 2020.5; },
           [&](json& b) { b["statistics"][0]["value"] = nullptr; },
           [&](json& b) { b["statistics"][0]["value"] = -0.0; },
           [&](json& b) { b["statistics"][0]["variable"] = ""; },
           [&](json& b) { b["statistics"][0].erase("body"); },
           [&](json& b) { b["statistics"].push_back(b["statistics"][0]); },
       }},
      {"social_cases.json",
       {
           [](json& b) { b["cases"][0]["service"] = "nocolon"; },
           [](json& b) { b["cases"][0]["closed"] = "1990-01-01"; },
           [](json& b) { b["cases"][0].erase("closed"); },
           [](json& b) { b["cases"][0]["closed"] = nullptr; },
           [](json& b) { b["cases"][0]["opened"] = "x"; },
           [](json& b) { b["cases"][0]["extra"] = 1; },
           [](json& b) { b["cases"].push_back(b["cases"][0]); },
       }},
      {"union_ledger.json",
       {
           [](json& b) { b["ledger"][0]["charged"] = 1.234; },
           [](json& b) { b["ledger"][0]["collected"] = -3; },
           [](json& b) { b["ledger"][0]["year"] = "2020"; },
           [](json& b) { b["ledger"][0].erase("charged"); },
           [](json& b) { b["ledger"].push_back(b["ledger"][0]); },
       }},
  };
  for (const auto& [name, changes] : cases) {
    const json base = read(name);
    if (std::string(name) == "family.json") {
      json b = base;
      for (const char* k : {"budget", "partners", "targets", "progress"}) REQUIRE_FALSE(action(b)[k].empty());
      REQUIRE(located(b).contains("location"));
    }
    for (std::size_t i = 0; i < changes.size(); ++i) {
      INFO(name << " change " << i);
      json b = base;
      changes[i](b);
      both(b.dump());
      both(b.dump(2));
    }
  }
  // Number and string spellings the parsed document reads too.
  std::string text = read("family.json").dump();
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"year\":2021", "\"year\":2.021e3"},
           {"\"completion\":", "\"completion\": -0 , \"note\":\"\\u00e0\" ,\"x\":"},
           {"\"planned\":", "\"planned\":\n\t-0.0, \"actual\" :"},
           {"\"title\":\"", "\"title\":\"\\\""},
           {"\"title\":\"", "\"title\":\"\xc3"},
           {"\"status\":\"", "\"status\": \"\\u0061"},
           {"\"id\":", "\"id\" : null, \"id\":"},
       }) {
    INFO(from << " -> " << to);
    const auto at = text.find(from, text.find("\"plans\""));
    REQUIRE(at != std::string::npos);
    both(text.substr(0, at) + to + text.substr(at + from.size()));
  }
}

TEST_CASE("a plan larger than the read window streams whole", "[bundle][stream]") {
  json b = civicplan::read_json_file(civicplan::test::source_path("examples/data/family.json"));
  json& actions = b["plans"][0]["actions"];
  const json first = actions[0];
  actions = json::array();
  for (int i = 0; i < 6000; ++i) {
    json a = first;
    a["id"] = "a" + std::to_string(i);
    actions.push_back(a);
  }
  const std::string text = b.dump();
  REQUIRE(text.size() > (std::size_t{2} << 20));
  const Outcome o = both(text);
  CHECK(o.error.empty());
  REQUIRE(o.model.plans.count(b["plans"][0]["id"].get<std::string>()) == 1);
  CHECK(o.model.plans.at(b["plans"][0]["id"].get<std::string>()).actions.size() == 6000);
}
