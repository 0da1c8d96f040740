// SPDX-License-Identifier: Apache-2.0
// Hostile input: deep nesting, huge numbers, NaN and infinities, invalid UTF-8, 10 MB strings,
// duplicate keys, enormous expressions, 100,000-node taxonomy chains and SQL metacharacters in
// ids. Each gets a clear error or is handled; none crashes, hangs or corrupts a workspace.
#include <cmath>
#include <limits>
#include <string>

#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "civicplan/expression.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace {

using civicplan::ParseError;
using civicplan::ValidationError;
using civicplan::Workspace;
using nlohmann::json;

const std::string kHead = R"({"format": "civicplan-bundle", "version": 1, )";

json header() { return json{{"format", "civicplan-bundle"}, {"version", 1}}; }

/// The message of the civicplan::Error `f` throws; fails the test when it throws nothing.
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("expected an error");
  return {};
}

std::string issues_of(const json& bundle) {
  Workspace ws;
  return error_of<ValidationError>([&] { ws.import_bundle(bundle); });
}

json region(const std::string& id) { return {{"id", id}, {"kind", "region"}, {"name", "R"}}; }

}  // namespace

TEST_CASE("Deeply nested JSON text is refused with its position", "[hostile]") {
  const std::string deep_array(100000, '[');
  auto what = error_of<ParseError>([&] {
    civicplan::parse_json(deep_array + std::string(100000, ']'), "deep.json");
  });
  CHECK_THAT(what, Catch::Contains("deep.json:1:65") && Catch::Contains("nesting deeper than 64"));

  const std::string attrs = kHead + R"("bodies": [{"id": "a", "kind": "region", "name": "x", )" +
                            R"("attributes": {"x": )" + std::string(200000, '[') +
                            std::string(200000, ']') + "}}]}";
  what = error_of<ParseError>([&] { civicplan::parse_json(attrs, "attrs.json"); });
  CHECK_THAT(what, Catch::Contains("nesting deeper than 64"));

  // Within the limit, attributes of any shape round-trip.
  std::string ok = "1";
  for (int i = 0; i < 60; ++i) ok = "[" + ok + "]";
  Workspace ws;
  ws.import_bundle(civicplan::parse_json(
      kHead + R"("bodies": [{"id": "a", "kind": "region", "name": "x", "attributes": {"x": )" + ok +
      "}}]}"));
  CHECK(ws.export_bundle()["bodies"][0]["attributes"]["x"].dump() == ok);
}

TEST_CASE("Deeply nested JSON values from C++ are refused, not copied", "[hostile]") {
  json deep = 1;
  for (int i = 0; i < 100000; ++i) deep = json::array({std::move(deep)});
  json bundle = header();
  bundle["bodies"] = json::array({region("a")});
  bundle["bodies"][0]["attributes"] = {{"x", std::move(deep)}};
  CHECK_THAT(issues_of(bundle), Catch::Contains("bodies[0].attributes.x") &&
                                    Catch::Contains("nesting deeper than 64 levels"));

  json plan = {{"id", "p"}, {"kind", "family"}, {"body", "a"}, {"title", "t"},
               {"period", {{"from", 2023}, {"to", 2023}}}};
  json nested = 1;
  for (int i = 0; i < 100000; ++i) nested = json::object({{"k", std::move(nested)}});
  plan["attributes"] = std::move(nested);
  Workspace ws;
  auto what = error_of<ValidationError>([&] { ws.put_plan(plan); });
  CHECK_THAT(what, Catch::Contains("plan.attributes.k.k") && Catch::Contains("nesting deeper"));
  CHECK(ws.model()->plans.empty());
}

TEST_CASE("Numbers out of range, NaN and infinities are refused", "[hostile]") {
  auto what = error_of<ParseError>([] {
    civicplan::parse_json(R"({"statistics": [{"value": 1e400}]})", "big.json");
  });
  CHECK_THAT(what, Catch::Contains("big.json:1:") && Catch::Contains("1e400"));
  for (const char* literal : {"NaN", "Infinity", "-Infinity"}) {
    CHECK_THROWS_AS(civicplan::parse_json(std::string(R"({"v": )") + literal + "}"), ParseError);
  }

  // Values a C++ caller can put in a json but JSON cannot spell.
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), 1e300}) {
    json bundle = header();
    bundle["bodies"] = json::array({region("a")});
    bundle["statistics"] = json::array(
        {{{"variable", "population"}, {"body", "a"}, {"year", 2023}, {"value", bad}}});
    if (std::isfinite(bad)) {
      Workspace ws;
      ws.import_bundle(bundle);  // a huge but finite statistic is a number like any other
      CHECK(ws.model()->statistics.size() == 1);
    } else {
      CHECK_THAT(issues_of(bundle), Catch::Contains("statistics[0].value"));
    }
  }
  json money = header();
  money["bodies"] = json::array({region("a")});
  money["plans"] = json::array({{{"id", "p"}, {"kind", "family"}, {"body", "a"}, {"title", "t"},
                                 {"period", {{"from", 2023}, {"to", 2023}}},
                                 {"actions", json::array({{{"id", "x"}, {"title", "t"},
                                                           {"budget", json::array({{{"year", 2023},
                                                                                    {"source", "municipal"},
                                                                                    {"planned", 1e300}}})}}})}}});
  CHECK_THAT(issues_of(money), Catch::Contains("plans[0].actions[0].budget[0].planned"));
  money["plans"][0]["actions"][0]["budget"][0]["planned"] = std::numeric_limits<std::int64_t>::max();
  CHECK_THAT(issues_of(money), Catch::Contains("plans[0].actions[0].budget[0].planned"));
}

TEST_CASE("Invalid UTF-8 is refused in text and in values", "[hostile]") {
  const std::string text = kHead + R"("bodies": [{"id": "a", "kind": "region", "name": ")" +
                           std::string("\xff\xfe") + R"("}]})";
  CHECK_THROWS_AS(civicplan::parse_json(text, "utf8.json"), ParseError);

  json bundle = header();
  bundle["bodies"] = json::array({region("a")});
  bundle["bodies"][0]["name"] = std::string("Comune \xc3\x28");
  CHECK_THAT(issues_of(bundle), Catch::Contains("bodies[0].name") && Catch::Contains("UTF-8"));
  bundle["bodies"][0]["name"] = "ok";
  bundle["bodies"][0]["attributes"] = {{"note", std::string("\xed\xa0\x80")}};  // a surrogate
  CHECK_THAT(issues_of(bundle), Catch::Contains("bodies[0].attributes") && Catch::Contains("UTF-8"));
}

TEST_CASE("Ten-megabyte strings are stored and round-trip", "[hostile]") {
  civicplan::test::TempDir dir;
  const std::string big(10 * 1024 * 1024, 'x');
  json bundle = header();
  bundle["bodies"] = json::array({region("a")});
  bundle["bodies"][0]["name"] = big;
  {
    auto ws = Workspace::open(dir.file("big.db"));
    ws.import_bundle(bundle);
  }
  auto ws = Workspace::open(dir.file("big.db"));
  CHECK(ws.body("a").name.size() == big.size());
}

TEST_CASE("Duplicate keys are refused, not silently resolved", "[hostile]") {
  auto what = error_of<ParseError>([] {
    civicplan::parse_json(R"({"bodies": [{"id": "a", "kind": "region", "id": "b"}]})", "dup.json");
  });
  CHECK_THAT(what, Catch::Contains("dup.json:1:43") && Catch::Contains("duplicate key \"id\""));
  // Escaped spellings of the same key are the same key.
  CHECK_THROWS_AS(civicplan::parse_json(R"({"id": 1, "\u0069d": 2})"), ParseError);
  // The same key in different objects is fine, and so are many keys in one object.
  std::string many = "{";
  for (int i = 0; i < 5000; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\": 1";
  many += "}";
  CHECK(civicplan::parse_json(many).size() == 5000);
  CHECK(civicplan::parse_json(R"([{"id": 1}, {"id": 2}])").size() == 2);
  CHECK_THROWS_AS(civicplan::parse_json(many.substr(0, many.size() - 1) + ",\"k4999\": 2}"),
                  ParseError);
}

TEST_CASE("Enormous expressions are refused quickly with a position", "[hostile]") {
  std::string terms = "1";
  for (int i = 1; i < 100000; ++i) terms += "+1";
  CHECK_THROWS_WITH(civicplan::Expression::parse(terms),
                    Catch::Contains("more than") && Catch::Contains("terms"));
  const std::string nested = std::string(10000, '(') + "1" + std::string(10000, ')');
  CHECK_THROWS_WITH(civicplan::Expression::parse(nested), Catch::Contains("nested more than"));
  CHECK_THROWS_AS(civicplan::Expression::parse(std::string(100000, '-') + "1"), ParseError);
  CHECK_THROWS_AS(civicplan::Expression::parse(std::string(2 * 1024 * 1024, 'x')), ParseError);
  // Long operator chains are bounded by their height, so compiling never runs out of stack...
  std::string chain = "1";
  for (int i = 1; i < 5000; ++i) chain += "+1";
  CHECK_THROWS_WITH(civicplan::Expression::parse(chain), Catch::Contains("operations deep"));
  // ...and the largest expressions accepted still compile and evaluate.
  std::string many = "1";
  for (int i = 1; i < 999; ++i) many += "+1";
  Workspace ws;
  json b = header();
  b["bodies"] = json::array({region("a")});
  ws.import_bundle(b);
  CHECK(ws.evaluate(many, "a", 2023) == Approx(999));
}

TEST_CASE("A taxonomy of 100,000 nodes in one chain is handled; a cycle through it is named",
          "[hostile]") {
  json nodes = json::array();
  nodes.push_back({{"code", "c0"}, {"label", "l"}});
  for (int i = 1; i < 100000; ++i) {
    nodes.push_back({{"code", "c" + std::to_string(i)}, {"label", "l"},
                     {"parents", {"c" + std::to_string(i - 1)}}});
  }
  json bundle = header();
  bundle["taxonomies"] = json::array({{{"id", "chain"}, {"version", "1"}, {"label", "x"},
                                       {"nodes", nodes}}});
  Workspace ws;
  ws.import_bundle(bundle);
  const auto& t = ws.taxonomy("chain");
  CHECK(t.depth("c99999") == 100000);
  CHECK(t.is_under("c99999", "c0"));
  CHECK(t.ancestors("c99999").size() == 99999);

  bundle["taxonomies"][0]["nodes"][0]["parents"] = {"c99999"};
  const auto what = issues_of(bundle);
  CHECK_THAT(what, Catch::Contains("taxonomy cycle") && Catch::Contains("more)"));
  CHECK(what.size() < 2000);  // the cycle is shortened, not listed in full
}

TEST_CASE("Ids with SQL metacharacters are data, never SQL", "[hostile]") {
  civicplan::test::TempDir dir;
  const std::string evil = "'); DROP TABLE plans;--";
  const std::string quote = "a\"b'c";
  json bundle = header();
  bundle["bodies"] = json::array({region(evil), region(quote)});
  bundle["plans"] = json::array({{{"id", evil}, {"kind", "family"}, {"body", evil}, {"title", evil},
                                  {"status", "draft"}, {"period", {{"from", 2023}, {"to", 2023}}}}});
  {
    auto ws = Workspace::open(dir.file("evil.db"));
    ws.import_bundle(bundle);
    ws.submit(evil);
  }
  auto ws = Workspace::open(dir.file("evil.db"));
  CHECK(ws.plan(evil).title == evil);
  CHECK(ws.body(quote).id == quote);
  CHECK(ws.history(evil).size() == 2);
  CHECK(ws.model()->plans.size() == 1);
}
