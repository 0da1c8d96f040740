// SPDX-License-Identifier: Apache-2.0
// Explanations, scenarios, parameters for one call, comparisons and rule test cases (DESIGN §17).
#include <cmath>

#include "civicplan/cases.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace civicplan {
namespace {

const nlohmann::json& expression_cases() {
  static const nlohmann::json doc = test::load_case("expressions.json");
  return doc;
}

// Values equal as the evaluator gives them: both null, or the same number.
bool same(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b) return !a && !b;
  return *a == *b || (std::isnan(*a) && std::isnan(*b));
}

std::optional<double> row_value(const IndicatorTable& t, std::size_t i) {
  const double v = t.values()[i];
  return std::isnan(v) ? std::nullopt : std::optional<double>(v);
}

// Every node of an explanation, depth first.
template <class F>
void each_node(const Explanation& e, F&& f) {
  f(e);
  for (const auto& c : e.children) each_node(c, f);
}

const Explanation* find_node(const Explanation& e, const std::string& expression) {
  if (e.expression == expression) return &e;
  for (const auto& c : e.children) {
    if (const auto* found = find_node(c, expression)) return found;
  }
  return nullptr;
}

Workspace examples_workspace() {
  Workspace ws;
  for (const char* name : {"family", "zone", "social_cases", "union_ledger", "digital_agenda"}) {
    ws.import_file(test::source_path(std::string("examples/data/") + name + ".json").string());
  }
  return ws;
}

// A region whose registry holds a district without members, as a new user's registry may.
nlohmann::json empty_district_bundle() {
  return nlohmann::json::parse(R"({"format": "civicplan-bundle", "version": 1,
    "bodies": [
      {"id": "R00", "kind": "region", "name": "Regione", "parents": []},
      {"id": "D001", "kind": "district", "name": "Distretto 1", "parents": [{"id": "R00"}]},
      {"id": "D037", "kind": "district", "name": "Distretto 37", "parents": [{"id": "R00"}]},
      {"id": "m1", "kind": "municipality", "name": "Comune 1", "parents": [{"id": "D001"}]},
      {"id": "m2", "kind": "municipality", "name": "Comune 2", "parents": [{"id": "D001"}]}],
    "statistics": [
      {"body": "m1", "variable": "population", "year": 2015, "value": 1000},
      {"body": "m2", "variable": "population", "year": 2015, "value": 2000}],
    "indicators": [{"id": "per_capita", "label": "Per capita", "formula": "budget() / population",
                    "levels": ["district", "region"]}]})");
}

}  // namespace

TEST_CASE("explain gives evaluate's value on every value case of expressions.json", "[explain]") {
  Workspace ws;
  ws.import_bundle(expression_cases()["bundle"]);
  std::size_t checked = 0;
  for (const auto& c : expression_cases()["values"]) {
    const std::string expression = c["expression"];
    INFO(c["name"].get<std::string>() << ": " << expression);
    const bool preview = c.value("preview", false);
    const auto value = ws.evaluate(expression, c["body"], c["year"], preview);
    const Explanation e = ws.explain(expression, c["body"], c["year"], preview);
    CHECK(same(e.value, value));
    CHECK(e.expression == expression);
    CHECK(e.body == c["body"].get<std::string>());
    // Every null node says why.
    each_node(e, [](const Explanation& n) { CHECK(n.value.has_value() != n.null_reason.has_value()); });
    ++checked;
  }
  CHECK(checked == expression_cases()["values"].size());
}

TEST_CASE("explain gives compute_indicators' value on every table case of expressions.json", "[explain]") {
  Workspace ws;
  ws.import_bundle(expression_cases()["bundle"]);
  for (const auto& c : expression_cases()["tables"]) {
    INFO(c["name"].get<std::string>());
    const auto table = ws.compute_indicators(c["ids"], c["bodies"], c["years"]);
    REQUIRE(table.size() > 0);
    for (std::size_t i = 0; i < table.size(); ++i) {
      const auto row = table.row(i);
      const Explanation e = ws.explain(row.indicator, row.body, row.year);
      CHECK(same(e.value, row.value));
      CHECK(e.indicator == row.indicator);
    }
  }
}

TEST_CASE("explain gives compute_indicators' value on every row of the example indicator sets", "[explain]") {
  const Workspace ws = examples_workspace();
  const auto table = ws.compute_indicators();
  REQUIRE(table.size() > 1000);
  std::size_t values = 0, nulls = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto row = table.row(i);
    INFO(row.indicator << " " << row.body << " " << row.year);
    const Explanation e = ws.explain(row.indicator, row.body, row.year);
    CHECK(same(e.value, row_value(table, i)));
    (e.value ? values : nulls)++;
    if (!e.value) CHECK(e.null_reason.has_value());
  }
  // Both kinds occur, so the check covers values and nulls.
  CHECK(values > 500);
  CHECK(nulls > 100);
}

TEST_CASE("an indicator is explained with the dated formula version of the year", "[explain]") {
  const Workspace ws = examples_workspace();
  const Explanation before = ws.explain("fam_economic_measures_per_child", "022205", 2021);
  CHECK(before.formula_from == 2020);
  CHECK(before.expression == "budget(plan_kind: \"family\") / children");
  const Explanation after = ws.explain("fam_economic_measures_per_child", "022205", 2022);
  CHECK(after.formula_from == 2022);
  CHECK(after.expression == "budget(plan_kind: \"family\", category: \"family-tn:B\") / children");
  CHECK(after.indicator == "fam_economic_measures_per_child");
  // Before its first version, an indicator has no formula: null, and the reason says so.
  const Explanation none = ws.explain("fam_economic_measures_per_child", "022205", 2019);
  CHECK_FALSE(none.value);
  CHECK_THAT(*none.null_reason, Catch::Contains("no formula for 2019") && Catch::Contains("2020"));
  // An undated formula has no version year.
  CHECK_FALSE(ws.explain("fam_spend_per_inhabitant", "022205", 2022).formula_from);
}

TEST_CASE("the facts of a node are the records behind its value", "[explain]") {
  const Workspace ws = examples_workspace();
  SECTION("budget lines add up to the budget, statistics are named by body and variable") {
    const Explanation e = ws.explain("zone_spend_per_inhabitant", "dist-pianura-est", 2019);
    REQUIRE(e.value);
    CHECK(*e.value == Approx(14.31).margin(0.005));
    REQUIRE(e.children.size() == 2);
    const Explanation& budget = e.children[0];
    CHECK(budget.expression == "budget(plan_kind: \"zone\")");
    REQUIRE(budget.facts_total > 0);
    REQUIRE(budget.facts_total <= Explanation::kMaxFacts);
    double sum = 0;
    for (const auto& f : budget.facts) {
      CHECK(f.kind == "budget_line");
      CHECK(f.year == 2019);
      CHECK(std::count(f.ref.begin(), f.ref.end(), '/') == 2);  // plan/action/source
      sum += *f.value;
    }
    CHECK(sum == Approx(*budget.value));
    const Explanation& population = e.children[1];
    CHECK(population.expression == "population");
    // A district without its own population: the sum over its municipalities.
    REQUIRE(population.facts_total == 8);
    double people = 0;
    for (const auto& f : population.facts) {
      CHECK(f.kind == "statistic");
      CHECK_THAT(f.ref, Catch::EndsWith("/population"));
      people += *f.value;
    }
    CHECK(people == *population.value);
    CHECK(*e.value == Approx(*budget.value / *population.value));
  }
  SECTION("counted actions are listed one by one") {
    const std::string expression = "actions(plan_kind: \"family\", category: \"family-tn:A\")";
    const Explanation e = ws.explain(expression, "022205", 2022);
    REQUIRE(e.value);
    CHECK(e.facts_total == static_cast<std::size_t>(*e.value));
    for (const auto& f : e.facts) {
      CHECK(f.kind == "action");
      CHECK_THAT(f.ref, Catch::StartsWith("pf-022205-2022/"));
    }
  }
  SECTION("at most 50 facts are listed, and facts_total counts them all") {
    const Explanation e = ws.explain("actions(plan_kind: \"family\")", "pat", 2022);
    REQUIRE(e.value);
    CHECK(*e.value > 50);
    CHECK(e.facts.size() == Explanation::kMaxFacts);
    CHECK(e.facts_total == static_cast<std::size_t>(*e.value));
  }
  SECTION("ledger entries, cases, places, feedback and certification records") {
    auto kinds_of = [&](const std::string& expression, const std::string& body, int year) {
      const Explanation e = ws.explain(expression, body, year);
      std::set<std::string> kinds;
      for (const auto& f : e.facts) kinds.insert(f.kind);
      return std::make_pair(kinds, e);
    };
    auto [ledger, collected] = kinds_of("collected()", "unione-valdera", 2016);
    CHECK(ledger == std::set<std::string>{"ledger"});
    double euros = 0;
    for (const auto& f : collected.facts) euros += *f.value;
    CHECK(euros == Approx(*collected.value));
    auto [cases, opened] = kinds_of("new_cases()", "federazione-camposampierese", 2020);
    CHECK(cases == std::set<std::string>{"case"});
    CHECK(opened.facts_total == 17);
    auto [places, counted] = kinds_of("places()", "022205", 2022);
    CHECK(places == std::set<std::string>{"place"});
    CHECK(counted.facts_total == static_cast<std::size_t>(*counted.value));
    auto [feedback, rating] = kinds_of("rating()", "pat", 2022);
    CHECK(feedback == std::set<std::string>{"feedback"});
    double sum = 0;
    for (const auto& f : rating.facts) sum += *f.value;
    CHECK(sum / static_cast<double>(rating.facts_total) == Approx(*rating.value));
    auto [records, held] = kinds_of("held(\"family-in-trentino\")", "022205", 2022);
    CHECK(records == std::set<std::string>{"certification"});
    CHECK_THAT(held.facts.front().ref, Catch::StartsWith("022205/family-in-trentino/"));
  }
  SECTION("members() shows the expression for each member") {
    const Explanation e = ws.explain("fam_certified_share", "pat", 2022);
    CHECK(e.value == 0.5);
    const auto& members = e;
    CHECK(members.children_total == 12);
    REQUIRE(members.children.size() == 12);
    double held = 0;
    for (const auto& m : members.children) {
      CHECK(m.expression == "held(\"family-in-trentino\")");
      CHECK(m.body != "pat");
      held += *m.value;
    }
    CHECK(held / 12 == *e.value);
  }
  SECTION("indicator() calls explain the referenced formula") {
    const Explanation e = ws.explain("indicator(\"fam_spend_per_inhabitant\") * 2", "022205", 2022);
    const Explanation* call = find_node(e, "indicator(\"fam_spend_per_inhabitant\")");
    REQUIRE(call);
    REQUIRE(call->children.size() == 1);
    CHECK(call->children[0].indicator == "fam_spend_per_inhabitant");
    CHECK(call->children[0].expression == "budget(plan_kind: \"family\") / population");
    CHECK(call->children[0].value == call->value);
  }
}

TEST_CASE("a null says where the data is missing", "[explain]") {
  Workspace ws;
  ws.import_bundle(empty_district_bundle());
  SECTION("an empty district is a leaf without population: the region's figure is null") {
    const Explanation e = ws.explain("per_capita", "R00", 2015);
    CHECK_FALSE(e.value);
    REQUIRE(e.null_reason);
    CHECK(*e.null_reason == "population missing for D037 in 2015, a leaf of R00 (a district without members in 2015)");
    // The district with members has its figure.
    CHECK(ws.explain("per_capita", "D001", 2015).value == 0.0);
    // The same as compute_indicators.
    const auto table = ws.compute_indicators({"per_capita"}, {"R00"}, {2015});
    REQUIRE(table.size() == 1);
    CHECK_FALSE(table.row(0).value);
  }
  SECTION("a statistic missing for a leaf") {
    const Explanation e = ws.explain("population", "m1", 2016);
    CHECK_THAT(*e.null_reason, Catch::StartsWith("population missing for m1 in 2016"));
    CHECK_THAT(*e.null_reason, Catch::Contains("is given for 2015"));
  }
  SECTION("a division by zero, and no plan covering the year") {
    const Explanation e = ws.explain("actions() / plans()", "D001", 2015);
    CHECK(*e.null_reason == "division by zero: plans() is 0 for D001 in 2015; no approved plan of D001's scope covers 2015");
  }
  SECTION("a null propagates: the parent repeats the child's reason") {
    const Explanation e = ws.explain("population * 2 + 1", "R00", 2015);
    CHECK_FALSE(e.value);
    REQUIRE(e.children.size() == 2);
    CHECK(e.null_reason == e.children[0].null_reason);
    CHECK(e.children[0].null_reason == e.children[0].children[0].null_reason);
    CHECK_THAT(e.to_text(), Catch::Contains("— population missing for D037"));
  }
  SECTION("no member of the kind") {
    const Explanation e = ws.explain("members(population, \"mean\", \"union\")", "R00", 2015);
    CHECK(*e.null_reason == "R00 has no member of kind union in 2015");
  }
}

TEST_CASE("a district's null names its leaves, and a zero denominator the plans that are missing", "[explain]") {
  const Workspace ws = examples_workspace();
  const Explanation e = ws.explain("zone_spend_per_inhabitant", "dist-pianura-est", 2021);
  CHECK(*e.null_reason ==
        "population missing in 2021 for every one of the 8 leaves of dist-pianura-est (037003, 037008, 037019, …)");
  const Explanation share = ws.explain("zone_actual_share", "dist-pianura-est", 2021);
  CHECK(*share.null_reason == "division by zero: budget(plan_kind: \"zone\") is 0 for dist-pianura-est in 2021; "
                              "no approved zone plan of dist-pianura-est's scope covers 2021");
}

TEST_CASE("an Explanation as JSON and as text", "[explain]") {
  const Workspace ws = examples_workspace();
  const Explanation e = ws.explain("zone_spend_per_inhabitant", "dist-pianura-est", 2019);
  const auto j = e.to_json();
  CHECK(j["indicator"] == "zone_spend_per_inhabitant");
  CHECK(j["value"].get<double>() == *e.value);
  CHECK(j["children"].size() == 2);
  CHECK(j["children"][1]["facts"][0].contains("ref"));
  CHECK(j["facts_total"] == 0);
  CHECK_FALSE(j.contains("null_reason"));
  const std::string text = e.to_text();
  CHECK_THAT(text, Catch::StartsWith("budget(plan_kind: \"zone\") / population = 14.3068  [indicator zone_spend_per_inhabitant; dist-pianura-est in 2019]\n"));
  CHECK_THAT(text, Catch::Contains("\n  population = 108410\n"));
  CHECK_THAT(text, Catch::Contains("· statistic "));
}

TEST_CASE("the text tree writes numbers beyond an integer's range in full", "[explain]") {
  const Workspace ws = examples_workspace();
  // Found by fuzz_expression: a literal of 84 digits was cast to an integer before it was
  // compared with the range that integers can hold.
  const std::string huge = "1" + std::string(83, '6');
  const Explanation e = ws.explain("3 < " + huge, "dist-pianura-est", 2019);
  REQUIRE(e.value);
  CHECK(*e.value == 1.0);
  CHECK_THAT(e.to_text(), Catch::Contains("1.66666666666667e+83"));
  const Explanation big = ws.explain("2 * 1e300 * 1e300", "dist-pianura-est", 2019);
  CHECK_NOTHROW(big.to_text());
}

TEST_CASE("explain rejects what it cannot explain, saying why", "[explain]") {
  const Workspace ws = examples_workspace();
  CHECK_THROWS_AS(ws.explain("fam_spend_per_inhabitant", "nobody", 2022), NotFoundError);
  try {
    ws.explain("fam_spend_per_inhabitnt", "022205", 2022);
    FAIL("expected NotFoundError");
  } catch (const NotFoundError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("did you mean \"fam_spend_per_inhabitant\""));
  }
  CHECK_THROWS_AS(ws.explain("budget( / 2", "022205", 2022), ParseError);
  // Malformed UTF-8 (here in a string argument) is refused before it reaches an explanation,
  // whose JSON could not hold it: found by fuzz_expression.
  for (const auto* text : {"budget(source: \"stat\xff\xff" "e\")", "population +\n \xc3"}) {
    try {
      ws.explain(text, "022205", 2022);
      FAIL("expected ParseError");
    } catch (const ParseError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains("malformed UTF-8"));
    }
    CHECK_THROWS_AS(ws.evaluate(text, "022205", 2022), ParseError);
  }
  CHECK_THROWS_AS(ws.explain("population", "022205", 20220), ValidationError);
  try {
    ws.explain("fam_spend_per_inhabitant", "er", 2019);
    FAIL("expected ValidationError");
  } catch (const ValidationError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("computed for municipality, district, province; er is a region"));
  }
}

TEST_CASE("every query refuses a year outside 1800..2200, naming it", "[explain]") {
  // A year far out once overflowed the evaluator's day arithmetic (found by fuzz_c_api).
  const Workspace ws = examples_workspace();
  auto path_of = [](auto&& f) {
    try {
      f();
    } catch (const ValidationError& e) {
      return e.issues().at(0).path;
    }
    return std::string("no error");
  };
  CHECK(path_of([&] { ws.compute_indicators({}, {"pat"}, {2022, 1146310477}); }) == "years[1]");
  CHECK(path_of([&] { ws.evaluate("completion()", "pat", 1799); }) == "year");
  CHECK(path_of([&] { ws.certify("022205", "family-in-trentino", 2201); }) == "year");
  CHECK(path_of([&] { ws.certify_all("family-in-trentino", -5); }) == "year");
  CHECK(path_of([&] { ws.explain("completion()", "pat", 1146310477); }) == "year");
  CHECK(ws.compute_indicators({}, {"pat"}, {1800, 2200}).size() > 0);
}

TEST_CASE("certify with explain attaches an explanation to every rule", "[explain][certification]") {
  const Workspace ws = examples_workspace();
  CertifyOptions options;
  options.explain = true;
  const auto report = ws.certify("022147", "family-in-trentino", 2022, options);
  const auto plain = ws.certify("022147", "family-in-trentino", 2022);
  REQUIRE(report.rules.size() == plain.rules.size());
  for (std::size_t k = 0; k < report.rules.size(); ++k) {
    const auto& rule = report.rules[k];
    INFO(rule.id);
    REQUIRE(rule.explanation);
    CHECK_FALSE(plain.rules[k].explanation);
    CHECK(rule.outcome == plain.rules[k].outcome);
    if (rule.outcome == Outcome::kMissingData) continue;
    // A check explains to 1 when it passes; a score rule to its points.
    if (rule.message.find("points") != std::string::npos && rule.value == rule.points) {
      CHECK(rule.explanation->value == rule.points);
    } else {
      CHECK(rule.explanation->value == (rule.outcome == Outcome::kPass ? 1.0 : 0.0));
    }
  }
  REQUIRE(report.min_points_explanation);
  CHECK(report.min_points_explanation->value == report.min_points);
  CHECK(report.to_json()["rules"][1].contains("explanation"));
}

TEST_CASE("parameters replace a version's parameters for one call", "[explain][certification]") {
  const Workspace ws = examples_workspace();
  const auto base = ws.certify_all("family-in-trentino", 2022);
  CertifyOptions lower;
  lower.parameters = {{"punti_minimi_sopra_soglia", 50}};
  const auto scenario = ws.certify_all("family-in-trentino", 2022, {}, lower);
  const auto diff = base.compare(scenario);
  CHECK(diff.gained == std::vector<std::string>{"022104", "022161"});
  CHECK(diff.lost.empty());
  CHECK(diff.points_delta.empty());  // the rules award the same points
  // The call after is the version as it is.
  CHECK(ws.certify_all("family-in-trentino", 2022).to_json() == base.to_json());
  CertifyOptions stricter;
  stricter.parameters = {{"macro_aree_minime", 6}};
  const auto strict = ws.certify_all("family-in-trentino", 2022, {}, stricter);
  const auto lost = base.compare(strict);
  CHECK(lost.lost == std::vector<std::string>{"022006", "022205"});
  CHECK(lost.points_delta.at("022205") == -6);
  SECTION("an unknown parameter names the known ones") {
    CertifyOptions bad;
    bad.parameters = {{"soglia", 3000}};
    try {
      ws.certify_all("family-in-trentino", 2022, {}, bad);
      FAIL("expected NotFoundError");
    } catch (const NotFoundError& e) {
      CHECK(e.kind() == "parameter");
      CHECK(e.id() == "soglia");
      CHECK_THAT(std::string(e.what()), Catch::Contains("macro_aree_minime, punti_minimi_sopra_soglia"));
    }
  }
  SECTION("a value that is not finite") {
    CertifyOptions bad;
    bad.parameters = {{"soglia_popolazione", std::nan("")}};
    CHECK_THROWS_AS(ws.certify("022205", "family-in-trentino", 2022, bad), ValidationError);
  }
}

TEST_CASE("a scenario is the current state plus the changes, and leaves the base alone", "[explain][scenario]") {
  test::TempDir dir;
  Workspace ws = Workspace::open(dir.file("base.db"));
  ws.import_file(test::source_path("examples/data/family.json").string());
  const auto before = ws.export_bundle();
  // Trento with a smaller population: more euros per inhabitant, and it falls under 5,000.
  const auto scenario = ws.scenario(nlohmann::json::parse(R"({"statistics": [
      {"body": "022205", "variable": "population", "year": 2022, "value": 4800}]})"));
  CHECK_FALSE(scenario.path());
  CHECK(*scenario.evaluate("population", "022205", 2022) == 4800);
  CHECK(*ws.evaluate("population", "022205", 2022) == 119438);
  const auto base_table = ws.compute_indicators({"fam_spend_per_inhabitant"}, {}, {2022});
  const auto other_table = scenario.compute_indicators({"fam_spend_per_inhabitant"}, {}, {2022});
  const auto diff = base_table.compare(other_table);
  // Trento, its district and the province change; nobody else.
  REQUIRE(diff.size() == 3);
  CHECK(diff.rows[0].body == "022205");
  CHECK(*diff.rows[0].other == Approx(756500.0 / 4800));
  CHECK(*diff.rows[0].delta == Approx(*diff.rows[0].other - *diff.rows[0].base));
  CHECK(scenario.certify("022205", "family-in-trentino", 2022).min_points == 52.0);
  // The scenario's writes stay in the scenario.
  CHECK(ws.export_bundle() == before);
  CHECK(Workspace::open(dir.file("base.db")).export_bundle() == before);
  SECTION("a changed ruleset") {
    auto rulesets = before["rulesets"];
    for (auto& r : rulesets) {
      if (r["id"] == "family-in-trentino") r["versions"][1]["parameters"]["punti_minimi_sopra_soglia"] = 50;
    }
    const auto changed = ws.scenario({{"rulesets", rulesets}});
    const auto diff2 = ws.certify_all("family-in-trentino", 2022).compare(changed.certify_all("family-in-trentino", 2022));
    CHECK(diff2.gained == std::vector<std::string>{"022104", "022161"});
  }
  SECTION("bad changes: a ValidationError with paths, and the base untouched") {
    try {
      ws.scenario(nlohmann::json::parse(R"({"statistics": [{"body": "nobody", "variable": "population",
                                              "year": 2022, "value": 1}]})"));
      FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
      REQUIRE_FALSE(e.issues().empty());
      CHECK(e.issues()[0].path == "statistics[0].body");
    }
    CHECK_THROWS_AS(ws.scenario(nlohmann::json::array()), ValidationError);
    CHECK(ws.export_bundle() == before);
  }
}

TEST_CASE("IndicatorTable::compare lists what differs, rows of one table included", "[explain]") {
  Workspace ws;
  ws.import_bundle(empty_district_bundle());
  const auto a = ws.compute_indicators({}, {}, {2015});
  const auto b = ws.scenario({{"statistics", {{{"body", "D037"}, {"variable", "population"}, {"year", 2015}, {"value", 500}}}}})
                     .compute_indicators({}, {}, {2015, 2016});
  const auto diff = a.compare(b);
  // D037 and R00 get a value in 2015; 2016 exists only in the other table, null there: no change.
  REQUIRE(diff.size() == 2);
  CHECK(diff.rows[0].body == "D037");
  CHECK(diff.rows[1].body == "R00");
  CHECK_FALSE(diff.rows[1].base);
  CHECK(diff.rows[1].other == 0.0);
  CHECK_FALSE(diff.rows[1].delta);
  CHECK(diff.to_csv() == "indicator,body,year,base,other,delta\nper_capita,D037,2015,,0,\nper_capita,R00,2015,,0,\n");
  CHECK(a.compare(a).size() == 0);
}

TEST_CASE("rule test cases run from a cases file", "[explain][cases]") {
  SECTION("the shipped cases pass") {
    for (const char* name : {"family-in-trentino", "family-in-italia", "indicators"}) {
      const auto run = run_cases(test::source_path(std::string("examples/cases/") + name + ".cases.json").string());
      INFO(run.to_text());
      CHECK(run.passed());
      CHECK(run.results.size() >= 5);
    }
  }
  SECTION("a failing case reports expected, got and the explanation") {
    const auto run = run_cases(test::source_path("tests/cases/failing.cases.json").string());
    REQUIRE(run.results.size() == 4);
    CHECK(run.failed() == 3);
    CHECK(run.results[0].passed);
    const auto& wrong = run.results[1];
    CHECK_FALSE(wrong.passed);
    REQUIRE(wrong.explanation);
    CHECK(wrong.got.get<double>() == *wrong.explanation->value);
    CHECK_THAT(wrong.details(), Catch::Contains("expected: 7\n") && Catch::Contains("got:      6.33") &&
                                    Catch::Contains("budget(plan_kind: \"family\") = 756500"));
    const auto& predazzo = run.results[2];
    REQUIRE(predazzo.report);
    CHECK(predazzo.got == nlohmann::json({{"passed", false}, {"points", 36.0}}));
    CHECK_THAT(predazzo.details(), Catch::Contains("✗ piano_giovani [mandatory]"));
    CHECK(run.results[3].error == "no body \"999999\"");
    const std::string text = run.to_text();
    CHECK_THAT(text, Catch::Contains("  FAIL  a wrong per-capita figure") && Catch::EndsWith("1 passed, 3 failed\n"));
    CHECK(run.to_json()["failed"] == 3);
  }
  SECTION("a malformed file is an error that says where") {
    test::TempDir dir;
    const std::string path = dir.file("bad.cases.json");
    test::write_text(path, R"({"format": "civicplan-cases", "version": 1, "bundles": [],
      "cases": [{"name": "x", "body": "m1", "year": 2022, "expression": "1", "indicator": "y", "expect": "3"},
                {"name": "y", "body": "m1", "year": 2022, "expression": "1", "parameters": {"a": 1}, "expect": 1},
                {"name": "z", "body": "m1", "year": 2022, "certify": "s", "expect": {"passed": "yes"}},
                {"name": "w", "body": "m1", "year": 2022, "expression": "1", "expect": 1, "extra": 1}]})");
    try {
      run_cases(path);
      FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Catch::Contains(path + ": cases[0]: give exactly one of expression, indicator or certify"));
      CHECK_THAT(message, Catch::Contains(path + ": cases[0].expect: expected a number, true, false or null"));
      CHECK_THAT(message, Catch::Contains(path + ": cases[1].parameters: only a certify case takes parameters"));
      CHECK_THAT(message, Catch::Contains(path + ": cases[2].expect.passed: expected true or false"));
      CHECK_THAT(message, Catch::Contains(path + ": cases[3].extra"));
    }
    test::write_text(path, "{\"format\": \"civicplan-cases\",\n \"version\": 1,,}");
    try {
      run_cases(path);
      FAIL("expected ParseError");
    } catch (const ParseError& e) {
      CHECK(e.line() == 2);
    }
    test::write_text(path, R"({"format": "civicplan-cases", "version": 1, "bundles": ["missing.json"], "cases": []})");
    try {
      run_cases(path);
      FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
      CHECK(e.issues().front().path == path + ": bundles[0]");
    }
  }
}

}  // namespace civicplan
