// SPDX-License-Identifier: Apache-2.0
// The expression language: the shared cases of tests/cases/expressions.json, and parsing.
#include <cmath>

#include "civicplan/expression.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace civicplan {
namespace {

const nlohmann::json& cases() {
  static const nlohmann::json doc = test::load_case("expressions.json");
  return doc;
}

Workspace& case_workspace() {
  static Workspace ws = [] {
    Workspace w;
    w.import_bundle(cases()["bundle"]);
    return w;
  }();
  return ws;
}

}  // namespace

TEST_CASE("every value case of expressions.json evaluates to its expected value", "[expression]") {
  const auto& ws = case_workspace();
  for (const auto& c : cases()["values"]) {
    const std::string name = c["name"];
    INFO(name << ": " << c["expression"].get<std::string>() << " for " << c["body"].get<std::string>() << " in "
              << c["year"].get<int>());
    const auto value = ws.evaluate(c["expression"], c["body"], c["year"], c.value("preview", false));
    if (c["expected"].is_null()) {
      CHECK_FALSE(value.has_value());
    } else {
      REQUIRE(value.has_value());
      const double expected = c["expected"];
      const double tolerance = c.value("tolerance", 1e-9);
      CHECK(std::fabs(*value - expected) <= tolerance * std::max(1.0, std::fabs(expected)));
    }
  }
}

TEST_CASE("every error case of expressions.json is rejected with its position", "[expression]") {
  const auto& ws = case_workspace();
  for (const auto& c : cases()["errors"]) {
    INFO(c["name"].get<std::string>());
    try {
      ws.evaluate(c["expression"], "m1", 2021);
      FAIL("expected a ParseError");
    } catch (const ParseError& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Catch::Contains(c["error"].get<std::string>()));
      if (c.contains("line")) CHECK(e.line() == c["line"].get<int>());
      if (c.contains("column")) CHECK(e.column() == c["column"].get<int>());
      // The message shows the offending line and a caret under the column.
      CHECK_THAT(message, Catch::Contains("^"));
    }
  }
}

TEST_CASE("every table case of expressions.json computes its rows", "[indicator]") {
  const auto& ws = case_workspace();
  for (const auto& c : cases()["tables"]) {
    INFO(c["name"].get<std::string>());
    const auto table = ws.compute_indicators(c["ids"], c["bodies"], c["years"]);
    const auto rows = table.rows();
    REQUIRE(rows.size() == c["rows"].size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& want = c["rows"][i];
      CHECK(rows[i].indicator == want[0].get<std::string>());
      CHECK(rows[i].body == want[1].get<std::string>());
      CHECK(rows[i].year == want[2].get<int>());
      if (want[3].is_null()) {
        CHECK_FALSE(rows[i].value.has_value());
      } else {
        REQUIRE(rows[i].value.has_value());
        CHECK(*rows[i].value == Approx(want[3].get<double>()).epsilon(1e-12));
      }
      if (want[4].is_null()) {
        CHECK_FALSE(rows[i].target_met.has_value());
      } else {
        REQUIRE(rows[i].target_met.has_value());
        CHECK(*rows[i].target_met == want[4].get<bool>());
      }
    }
  }
}

TEST_CASE("an indicator cycle is rejected at import, naming its members", "[indicator]") {
  Workspace ws;
  ws.import_bundle(cases()["bundle"]);
  const auto before = ws.export_bundle();
  try {
    ws.import_bundle(cases()["cycle_bundle"]);
    FAIL("expected a ValidationError");
  } catch (const ValidationError& e) {
    REQUIRE(e.issues().size() == 1);
    CHECK(e.issues()[0].path == "indicators[0]");
    CHECK(e.issues()[0].message == cases()["cycle_error"].get<std::string>());
  }
  CHECK(ws.export_bundle() == before);
}

TEST_CASE("a formula with a typo is rejected at import with line:column and a suggestion", "[indicator]") {
  Workspace ws;
  ws.import_bundle(cases()["bundle"]);
  nlohmann::json bad = {{"format", "civicplan-bundle"},
                        {"version", 1},
                        {"indicators",
                         {{{"id", "x"},
                           {"label", "X"},
                           {"formulas", {{{"from", 2020}, {"formula", "actions()"}}, {{"from", 2022}, {"formula", "budget() /\n popolation"}}}},
                           {"levels", {"municipality"}}}}}};
  try {
    ws.import_bundle(bad);
    FAIL("expected a ValidationError");
  } catch (const ValidationError& e) {
    REQUIRE(e.issues().size() == 1);
    CHECK(e.issues()[0].path == "indicators[0].formulas[1].formula");
    CHECK_THAT(e.issues()[0].message, Catch::StartsWith("2:2: unknown name \"popolation\""));
    CHECK_THAT(e.issues()[0].message, Catch::Contains("did you mean \"population\""));
  }
  CHECK(ws.indicators().size() == 3);
}

TEST_CASE("indicator definitions are validated field by field", "[indicator]") {
  Workspace ws;
  ws.import_bundle(cases()["bundle"]);
  nlohmann::json bad = nlohmann::json::parse(R"({"format": "civicplan-bundle", "version": 1, "indicators": [
    {"id": "a", "label": "A", "formula": "1", "formulas": [{"from": 2020, "formula": "2"}], "levels": ["municipality"]},
    {"id": "b", "label": "B", "formula": "1", "levels": ["comune"]},
    {"id": "c", "label": "C", "formula": "1", "levels": ["region"], "target": {"op": "=>", "value": 1}},
    {"id": "d", "label": "D", "formulas": [{"from": 2020, "formula": "1"}, {"from": 2020, "formula": "2"}], "levels": ["region"]}
  ]})");
  try {
    ws.import_bundle(bad);
    FAIL("expected a ValidationError");
  } catch (const ValidationError& e) {
    std::vector<std::string> paths;
    for (const auto& i : e.issues()) paths.push_back(i.path);
    CHECK(std::find(paths.begin(), paths.end(), "indicators[0]") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "indicators[1].levels[0]") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "indicators[2].target.op") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "indicators[3].formulas[1].from") != paths.end());
  }
}

TEST_CASE("Expression::parse reports names and functions", "[expression]") {
  auto e = Expression::parse("budget(source: \"eu\") / population + actions()[-1] - population");
  CHECK(e.names() == std::vector<std::string>{"population"});
  CHECK(e.functions() == std::vector<std::string>{"actions", "budget"});
  CHECK_THROWS_AS(Expression::parse(""), ParseError);
  CHECK_THROWS_AS(Expression::parse("1 2"), ParseError);
}

TEST_CASE("expressions with a huge number of terms stay bounded", "[expression]") {
  std::string many = "1";
  for (int i = 0; i < 100000; ++i) many += " + 1";
  try {
    Expression::parse(many);
    FAIL("expected a ParseError");
  } catch (const ParseError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("more than"));
  }
  std::string deep(10000, '(');
  CHECK_THROWS_AS(Expression::parse(deep + "1" + std::string(10000, ')')), ParseError);
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  CHECK_THROWS_AS(Expression::parse(nots + "true"), ParseError);
}

TEST_CASE("caches follow writes: a new import changes computed values", "[indicator]") {
  Workspace ws;
  ws.import_bundle(cases()["bundle"]);
  CHECK(*ws.evaluate("population", "m1", 2021) == 1000);
  ws.import_bundle(nlohmann::json::parse(R"({"format": "civicplan-bundle", "version": 1,
    "statistics": [{"variable": "population", "body": "m1", "year": 2021, "value": 1234}]})"));
  CHECK(*ws.evaluate("population", "m1", 2021) == 1234);
  CHECK(*ws.evaluate("population", "D1", 2021) == 4234);
}


TEST_CASE("calls that differ only by category, computed together, equal each call computed alone",
          "[indicator]") {
  // compute_indicators announces its formulas, so that actions() and budget() calls sharing
  // every filter but the category are computed in one pass; evaluate() computes one call alone.
  // zone.json has a poly-hierarchy (an action may sit under a category through two parents).
  for (const char* example : {"family", "zone"}) {
    INFO(example);
    Workspace ws;
    ws.import_file(test::source_path(std::string("examples/data/") + example + ".json").string());
    std::vector<std::string> formulas;
    for (const auto& [id, t] : ws.model()->taxonomies) {
      for (const auto& node : t.nodes()) {
        const std::string ref = "\"" + t.id() + ":" + node.code + "\"";
        formulas.push_back("actions(category: " + ref + ")");
        formulas.push_back("actions(category: " + ref + ", status: \"completed\")");
        formulas.push_back("budget(category: " + ref + ")");
        formulas.push_back("budget(\"actual\", category: " + ref + ")");
      }
    }
    REQUIRE(formulas.size() > 20);
    auto indicators = nlohmann::json::array();
    for (std::size_t i = 0; i < formulas.size(); ++i) {
      indicators.push_back({{"id", "by_category_" + std::to_string(i)},
                            {"label", formulas[i]},
                            {"formula", formulas[i]},
                            {"levels", {"municipality", "district", "province", "region"}}});
    }
    ws.import_bundle({{"format", "civicplan-bundle"}, {"version", 1}, {"indicators", indicators}});
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < formulas.size(); ++i) ids.push_back("by_category_" + std::to_string(i));
    const auto table = ws.compute_indicators(ids);
    REQUIRE(table.size() > 0);
    std::size_t nonzero = 0;
    for (const auto& row : table.rows()) {
      const std::size_t i = std::stoul(row.indicator.substr(row.indicator.rfind('_') + 1));
      const auto alone = ws.evaluate(formulas[i], row.body, row.year);
      INFO(formulas[i] << " " << row.body << " " << row.year);
      REQUIRE(alone.has_value() == row.value.has_value());
      if (alone) CHECK(*alone == *row.value);
      if (alone && *alone != 0) ++nonzero;
    }
    CHECK(nonzero > 10);
  }
}

}  // namespace civicplan
