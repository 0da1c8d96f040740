// SPDX-License-Identifier: Apache-2.0
// One test per bundle validation rule: a small invalid bundle, the exact path and message.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

using namespace civicplan;
using civicplan::test::check_issue;
using civicplan::test::check_only_issue;
using civicplan::test::describe;
using civicplan::test::has_issue;
using civicplan::test::issues_of;
using civicplan::test::load_case;
using json = nlohmann::json;

namespace {

/// A small valid bundle touching every array (tests/cases/minimal_bundle.json); each test
/// breaks one thing in it.
json minimal() { return load_case("minimal_bundle.json"); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// One test per validation rule

TEST_CASE("Validation: wrong JSON types name the expected type and the value", "[bundle]") {
  json b = minimal();
  b["bodies"][0]["name"] = 12;
  b["plans"][1]["period"]["from"] = "2023";
  b["plans"][0]["actions"][0]["categories"] = "fam:A1";
  const auto issues = validate_bundle(b);
  check_issue(issues, "bodies[0].name", "expected a string, got 12");
  check_issue(issues, "plans[1].period.from", "\"2023\"");
  check_issue(issues, "plans[0].actions[0].categories", "expected an array");
  CHECK(issues.size() == 3);
}

TEST_CASE("Validation: a top-level array of the wrong type", "[bundle]") {
  json b = minimal();
  b["users"] = json::object();
  check_only_issue(validate_bundle(b), "users", "expected an array");
}

TEST_CASE("Validation: missing required fields", "[bundle]") {
  json b = minimal();
  b["plans"][0].erase("title");
  b["bodies"][1].erase("kind");
  b["plans"][0]["actions"][1].erase("id");
  b["statistics"][0].erase("value");
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[0].title", "is required");
  check_issue(issues, "bodies[1].kind", "is required");
  check_issue(issues, "plans[0].actions[1].id", "is required");
  check_issue(issues, "statistics[0].value", "is required");
  CHECK(issues.size() == 4);
}

TEST_CASE("Validation: an unknown enum value lists the choices and suggests one", "[bundle]") {
  json b = minimal();
  b["plans"][0]["status"] = "aproved";
  const auto issues = validate_bundle(b);
  check_only_issue(issues, "plans[0].status",
                   "unknown status \"aproved\"; expected one of draft, submitted");
  check_issue(issues, "plans[0].status", "(did you mean \"approved\"?)");

  json k = minimal();
  k["bodies"][2]["kind"] = "municipalty";
  check_only_issue(validate_bundle(k), "bodies[2].kind", "(did you mean \"municipality\"?)");

  json r = minimal();
  r["users"][0]["roles"][0]["role"] = "editer";
  check_only_issue(validate_bundle(r), "users[0].roles[0].role", "(did you mean \"editor\"?)");

  json c = minimal();
  c["certifications"][0]["status"] = "grantd";
  check_only_issue(validate_bundle(c), "certifications[0].status", "(did you mean \"granted\"?)");
}

TEST_CASE("Validation: an enum value close to nothing gets no suggestion", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["status"] = "zzzzzzzz";
  const auto issues = validate_bundle(b);
  check_only_issue(issues, "plans[0].actions[0].status", "expected one of planned, in_progress");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].message.find("did you mean") == std::string::npos);
}

TEST_CASE("Validation: an amount with three decimals", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["budget"][0]["planned"] = 12.345;
  b["ledger"][0]["collected"] = 0.001;
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[0].actions[0].budget[0].planned", "at most 2 decimals, got 12.345");
  check_issue(issues, "ledger[0].collected", "at most 2 decimals");
  CHECK(issues.size() == 2);
}

TEST_CASE("Validation: an amount written as a string with a decimal comma", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["budget"][0]["planned"] = "12,50";
  check_only_issue(validate_bundle(b), "plans[0].actions[0].budget[0].planned",
                   "expected a number with at most 2 decimals, got \"12,50\"");
}

TEST_CASE("Validation: references to unknown bodies", "[bundle]") {
  json b = minimal();
  b["bodies"][2]["parents"][0]["id"] = "nowhere";
  b["plans"][2]["body"] = "m9";
  b["statistics"][0]["body"] = "m8";
  b["users"][0]["roles"][0]["body"] = "m7";
  const auto issues = validate_bundle(b);
  check_issue(issues, "bodies[2].parents[0].id", "unknown body \"nowhere\"");
  check_issue(issues, "plans[2].body", "unknown body \"m9\"");
  check_issue(issues, "statistics[0].body", "unknown body \"m8\"");
  check_issue(issues, "users[0].roles[0].body", "unknown body \"m7\"");
  CHECK(issues.size() == 4);
}

TEST_CASE("Validation: references to unknown categories", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["categories"][0] = "fam:Z9";
  b["cases"][0]["service"] = "fam:Z8";
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[0].actions[0].categories[0]", "unknown category \"fam:Z9\"");
  check_issue(issues, "cases[0].service", "unknown category \"fam:Z8\"");
  CHECK(issues.size() == 2);
}

TEST_CASE("Validation: references to unknown taxonomies", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["categories"][0] = "nope:A1";
  b["crosswalks"][0]["to"] = "nada";
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[0].actions[0].categories[0]", "nope");
  check_issue(issues, "crosswalks[0].to", "unknown taxonomy \"nada\"");
  CHECK(issues.size() == 2);
}

TEST_CASE("Validation: a crosswalk pair with an unknown code", "[bundle]") {
  json b = minimal();
  b["crosswalks"][0]["pairs"].push_back({"A1", "G"});
  check_only_issue(validate_bundle(b), "crosswalks[0].pairs[1][1]", "unknown category \"it:G\"");
}

TEST_CASE("Validation: a category reference without a taxonomy", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["categories"][0] = "A1";
  check_only_issue(validate_bundle(b), "plans[0].actions[0].categories[0]", "\"A1\"");
}

TEST_CASE("Validation: an unknown objective", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["objective"] = "o9";
  check_only_issue(validate_bundle(b), "plans[0].actions[0].objective", "unknown objective \"o9\"");
}

TEST_CASE("Validation: unknown plans in based_on and previous", "[bundle]") {
  json b = minimal();
  b["plans"][3]["based_on"] = "zzz";
  b["plans"][1]["previous"][0] = "p0";
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[3].based_on", "unknown plan \"zzz\"");
  check_issue(issues, "plans[1].previous[0]", "unknown plan \"p0\"");
  CHECK(issues.size() == 2);
}

TEST_CASE("Validation: a previous plan of another body", "[bundle]") {
  json b = minimal();
  b["plans"][2]["previous"] = {"p1"};  // p3 is m2's plan, p1 is m1's
  check_only_issue(validate_bundle(b), "plans[2].previous[0]", "p1");
}

TEST_CASE("Validation: feedback on an unknown action", "[bundle]") {
  json b = minimal();
  b["feedback"][0]["action"] = "p1/a9";
  b["feedback"].push_back({{"action", "p9/a1"}, {"rating", 3}, {"date", "2022-07-02"}});
  const auto issues = validate_bundle(b);
  check_issue(issues, "feedback[0].action", "unknown action \"p1/a9\"");
  check_issue(issues, "feedback[1].action", "unknown action \"p9/a1\"");
  CHECK(issues.size() == 2);
}

TEST_CASE("Validation: depends_on an unknown action", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][1]["depends_on"][0] = "a9";
  check_only_issue(validate_bundle(b), "plans[0].actions[1].depends_on[0]", "a9");
}

TEST_CASE("Validation: duplicate body ids", "[bundle]") {
  json b = minimal();
  json copy = b["bodies"][3];
  copy["name"] = "Dro again";
  b["bodies"].push_back(copy);
  check_only_issue(validate_bundle(b), "bodies[4]", "duplicate id \"m2\" (first at bodies[3])");
}

TEST_CASE("Validation: duplicate plan ids", "[bundle]") {
  json b = minimal();
  b["plans"].push_back(b["plans"][1]);
  check_only_issue(validate_bundle(b), "plans[4]", "duplicate id \"p2\" (first at plans[1])");
}

TEST_CASE("Validation: duplicate indicator ids", "[bundle]") {
  json b = minimal();
  const json indicator = {{"id", "pop"},
                          {"label", "Population"},
                          {"formula", "population"},
                          {"levels", {"municipality"}}};
  b["indicators"] = {indicator, indicator};
  check_only_issue(validate_bundle(b), "indicators[1]",
                   "duplicate id \"pop\" (first at indicators[0])");
}

TEST_CASE("Validation: duplicate action ids within a plan", "[bundle]") {
  json b = minimal();
  json copy = b["plans"][2]["actions"][0];
  copy["title"] = "Another";
  b["plans"][2]["actions"].push_back(copy);
  // Like top-level objects: the path and "first at" name the objects (DESIGN's convention).
  check_only_issue(validate_bundle(b), "plans[2].actions[1]",
                   "duplicate id \"a1\" (first at plans[2].actions[0])");
}

TEST_CASE("Validation: the same action id in two plans is fine", "[bundle]") {
  // p1 and p3 both have an action a1 in the minimal bundle.
  const json b = minimal();
  CHECK(b["plans"][0]["actions"][0]["id"] == b["plans"][2]["actions"][0]["id"]);
  CHECK(validate_bundle(b).empty());
}

TEST_CASE("Validation: duplicate taxonomy codes", "[bundle]") {
  json b = minimal();
  b["taxonomies"][0]["nodes"].push_back({{"code", "A1"}, {"label", "Childcare again"}});
  check_only_issue(validate_bundle(b), "taxonomies[0].nodes[3]",
                   "duplicate code \"A1\" (first at taxonomies[0].nodes[1])");
}

TEST_CASE("Validation: a taxonomy node with an unknown parent", "[bundle]") {
  json b = minimal();
  b["taxonomies"][0]["nodes"][2]["parents"] = {"Q"};
  check_only_issue(validate_bundle(b), "taxonomies[0].nodes[2].parents[0]", "\"Q\"");
}

TEST_CASE("Validation: a cyclic taxonomy", "[bundle]") {
  json b = minimal();
  b["taxonomies"][0]["nodes"][0]["parents"] = {"A1"};  // A under A1 under A
  // Cycles start at the member defined first; the path names where its links are.
  check_only_issue(validate_bundle(b), "taxonomies[0].nodes", "taxonomy cycle: A -> A1 -> A");
}

TEST_CASE("Validation: a membership cycle names its year", "[bundle]") {
  json b = minimal();
  b["bodies"][1]["parents"].push_back({{"id", "m2"}, {"from", 2021}, {"to", 2021}});
  check_only_issue(validate_bundle(b), "bodies[1].parents",
                   "membership cycle in 2021: d1 -> m2 -> d1");
}

TEST_CASE("Validation: a depends_on cycle", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["depends_on"] = {"a2"};
  check_only_issue(validate_bundle(b), "plans[0].actions", "depends_on cycle: a1 -> a2 -> a1");
}

TEST_CASE("Validation: a based_on cycle", "[bundle]") {
  json b = minimal();
  b["plans"][0]["variant"] = "update";
  b["plans"][0]["based_on"] = "p4";
  check_only_issue(validate_bundle(b), "plans[0].based_on", "based_on cycle: p1 -> p4 -> p1");
}

TEST_CASE("Validation: impossible and malformed dates", "[bundle]") {
  json b = minimal();
  b["plans"][0]["approval"]["date"] = "2021-02-30";
  b["feedback"][0]["date"] = "2022-7-1";
  b["cases"][0]["opened"] = "01/02/2022";
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[0].approval.date", "expected a date YYYY-MM-DD, got \"2021-02-30\"");
  check_issue(issues, "feedback[0].date", "expected a date YYYY-MM-DD, got \"2022-7-1\"");
  check_issue(issues, "cases[0].opened", "expected a date YYYY-MM-DD, got \"01/02/2022\"");
  CHECK(issues.size() == 3);
}

TEST_CASE("Validation: a plan period that ends before it starts", "[bundle]") {
  json b = minimal();
  b["plans"][1]["period"] = {{"from", 2024}, {"to", 2023}};
  check_only_issue(validate_bundle(b), "plans[1].period", "from 2024 is after to 2023");
}

TEST_CASE("Validation: a membership that ends before it starts", "[bundle]") {
  json b = minimal();
  b["bodies"][2]["parents"][0] = {{"id", "d1"}, {"from", 2023}, {"to", 2021}};
  check_only_issue(validate_bundle(b), "bodies[2].parents[0]", "from 2023 is after to 2021");
}

TEST_CASE("Validation: a year outside the accepted range", "[bundle]") {
  json b = minimal();
  b["statistics"][0]["year"] = 20222;
  check_only_issue(validate_bundle(b), "statistics[0].year", "20222");
}

TEST_CASE("Validation: a budget year outside the plan period", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["budget"][0]["year"] = 2021;
  check_only_issue(validate_bundle(b), "plans[0].actions[0].budget[0].year", "2021");
}

TEST_CASE("Validation: an action that starts after it ends", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["start"] = "2022-12-31";
  b["plans"][0]["actions"][0]["end"] = "2022-01-01";
  check_only_issue(validate_bundle(b), "plans[0].actions[0].end", "2022-12-31");
  check_issue(validate_bundle(b), "plans[0].actions[0].end", "2022-01-01");
}

TEST_CASE("Validation: a case closed before it was opened", "[bundle]") {
  json b = minimal();
  b["cases"][0]["closed"] = "2022-01-15";
  check_only_issue(validate_bundle(b), "cases[0].closed", "2022-01-15");
  check_issue(validate_bundle(b), "cases[0].closed", "2022-02-01");
}

TEST_CASE("Validation: a rating outside 1..5", "[bundle]") {
  json b = minimal();
  b["feedback"][0]["rating"] = 6;
  b["feedback"].push_back({{"action", "p1/a2"}, {"rating", 0}, {"date", "2022-07-02"}});
  const auto issues = validate_bundle(b);
  check_issue(issues, "feedback[0].rating", "6");
  check_issue(issues, "feedback[1].rating", "0");
  CHECK(issues.size() == 2);
}

TEST_CASE("Validation: a completion outside 0..100", "[bundle]") {
  json b = minimal();
  b["plans"][0]["actions"][0]["progress"][0]["completion"] = 120;
  b["plans"][0]["actions"][0]["progress"].push_back({{"date", "2022-07-30"}, {"completion", -1}});
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[0].actions[0].progress[0].completion", "120");
  check_issue(issues, "plans[0].actions[0].progress[1].completion", "-1");
  CHECK(issues.size() == 2);
}

TEST_CASE("Validation: latitude and longitude out of range", "[bundle]") {
  json b = minimal();
  b["bodies"][2]["location"]["lat"] = 95;
  b["places"][0]["location"]["lon"] = 200.5;
  b["plans"][0]["actions"][0]["location"]["lat"] = -90.5;
  const auto issues = validate_bundle(b);
  check_issue(issues, "bodies[2].location.lat", "95");
  check_issue(issues, "places[0].location.lon", "200.5");
  check_issue(issues, "plans[0].actions[0].location.lat", "-90.5");
  CHECK(issues.size() == 3);
}

TEST_CASE("Validation: unknown fields are errors with a suggestion", "[bundle]") {
  json b = minimal();
  b["plans"][0]["titel"] = "Family plan";
  b["taxonomys"] = json::array();
  b["plans"][0]["actions"][0]["budget"][0]["plannd"] = 5;
  const auto issues = validate_bundle(b);
  check_issue(issues, "plans[0].titel", "unknown field \"titel\" (did you mean \"title\"?)");
  check_issue(issues, "taxonomys", "unknown field \"taxonomys\" (did you mean \"taxonomies\"?)");
  check_issue(issues, "plans[0].actions[0].budget[0].plannd", "(did you mean \"planned\"?)");
  CHECK(issues.size() == 3);
}

TEST_CASE("Validation: the format and version header", "[bundle]") {
  json b = minimal();
  b["format"] = "civicplan-bundel";
  b["version"] = 2;
  auto issues = validate_bundle(b);
  check_issue(issues, "format", "civicplan-bundel");
  check_issue(issues, "version", "2");
  CHECK(issues.size() == 2);

  json missing = minimal();
  missing.erase("format");
  check_only_issue(validate_bundle(missing), "format", "is required");
}

TEST_CASE("Validation: a bundle that is not a JSON object", "[bundle]") {
  const std::vector<json> not_objects = {json::array({1, 2}), json("bundle"), json(42),
                                         json(nullptr)};
  for (const json& j : not_objects) {
    INFO(j.dump());
    const auto issues = validate_bundle(j);
    INFO(describe(issues));
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].path == "");
    CHECK(issues[0].message.find("expected a bundle object") != std::string::npos);
    CHECK_THROWS_AS(read_bundle(j), ValidationError);
  }
}

TEST_CASE("Validation: a bundle with a dozen mistakes reports all of them", "[bundle]") {
  const json bad = load_case("bad_bundle.json");
  const json expected = load_case("bad_bundle.expected.json");
  const auto issues = validate_bundle(bad);
  INFO(describe(issues));
  CHECK(issues.size() >= 12);
  CHECK(issues.size() == expected.size());  // one issue per mistake, nothing spurious
  for (const auto& e : expected) {
    check_issue(issues, e["path"].get<std::string>(), e["contains"].get<std::string>());
  }
  const auto thrown = issues_of([&] { read_bundle(bad); });
  CHECK(thrown == issues);
}

TEST_CASE("Validation: validate_bundle checks formulas as an import does", "[bundle]") {
  json b = minimal();
  b["indicators"] = {{{"id", "bad"},
                      {"label", "Bad"},
                      {"formula", "population +"},
                      {"levels", {"municipality"}}}};
  const auto issues = validate_bundle(b);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].path.rfind("indicators[0]", 0) == 0);
  // The same bundle is refused by an import with the same issue.
  Workspace ws;
  try {
    ws.import_bundle(b);
    FAIL("the import was accepted");
  } catch (const ValidationError& e) {
    REQUIRE(e.issues().size() == 1);
    CHECK(e.issues()[0].path == issues[0].path);
    CHECK(e.issues()[0].message == issues[0].message);
  }
  CHECK_THROWS_AS(merge_bundle(b, Model{}), ValidationError);
}

TEST_CASE("The bundle's kinds are one list, in bundle order", "[bundle]") {
  CHECK(bundle_kinds() == std::vector<std::string>{"bodies", "taxonomies", "crosswalks", "plans", "statistics",
                                                   "feedback", "certifications", "cases", "ledger", "places",
                                                   "indicators", "rulesets", "users"});
  const json exported = write_bundle(read_bundle(minimal()));
  std::vector<std::string> arrays;
  for (const auto& kind : bundle_kinds()) {
    CHECK(exported.contains(kind));
    arrays.push_back(kind);
  }
  const auto counts = read_bundle(minimal()).counts();
  for (const auto& kind : arrays) CHECK(counts.count(kind) == 1);
  CHECK(counts.count("actions") == 1);
  CHECK(counts.size() == arrays.size() + 1);
}
