// SPDX-License-Identifier: Apache-2.0
// Tests of the bundle format: round trips, validation against a base model, and JSON text.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
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

const std::vector<std::string> kArrays = {
    "bodies", "taxonomies", "crosswalks", "plans",      "statistics", "feedback", "certifications",
    "cases",  "ledger",     "places",     "indicators", "rulesets",   "users"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Valid bundles and round trips

TEST_CASE("The minimal bundle is valid", "[bundle]") {
  const auto issues = validate_bundle(minimal());
  INFO(describe(issues));
  CHECK(issues.empty());
}

TEST_CASE("The shared small bundle is valid and reads into a model", "[bundle]") {
  const json j = load_case("small_bundle.json");
  const auto issues = validate_bundle(j);
  INFO(describe(issues));
  REQUIRE(issues.empty());

  const Model m = read_bundle(j);
  CHECK(m.bodies.size() == 8);
  CHECK(m.taxonomies.size() == 2);
  CHECK(m.crosswalks.size() == 1);
  CHECK(m.plans.size() == 4);
  CHECK(m.statistics.size() == 8);
  CHECK(m.feedback.size() == 2);
  CHECK(m.certifications.size() == 2);
  CHECK(m.cases.size() == 2);
  CHECK(m.ledger.size() == 1);
  CHECK(m.places.size() == 2);
  CHECK(m.indicators.size() == 1);
  CHECK(m.rulesets.size() == 1);
  CHECK(m.users.size() == 2);

  const Plan& p = m.plans.at("p-arco-2022");
  CHECK(p.status == PlanStatus::kApproved);
  CHECK(p.approval == Approval{Date{2022, 3, 15}, "DG 45/2022"});
  REQUIRE(p.actions.size() == 2);
  const Action& a1 = p.actions[0];
  CHECK(a1.categories == std::vector<std::string>{"family-tn:A1a"});
  REQUIRE(a1.budget.size() == 2);
  CHECK(a1.budget[0].planned == Money::from_cents(1200050));
  CHECK(a1.budget[0].actual == Money::from_cents(1100000));
  CHECK_FALSE(a1.budget[1].actual.has_value());
  CHECK(a1.progress_at(Date{2022, 7, 1})->completion == 40);
  CHECK(m.plans.at("pz-alto-garda-2022").variant == PlanVariant::kImplementation);
  CHECK(m.plans.at("pz-alto-garda-2022").based_on == std::optional<std::string>("pz-alto-garda"));
  CHECK(m.ledger.begin()->second.collected == Money::from_cents(950025));
  CHECK(m.bodies.at("m-arco").attributes["istat"] == "022006");

  const Registry r(m.bodies);
  CHECK(r.members("d-alto-garda", 2021) == std::vector<std::string>{"m-arco", "m-nago", "m-riva"});
  CHECK(r.members("d-alto-garda", 2022) ==
        std::vector<std::string>{"m-arco", "m-dro", "m-nago", "m-riva"});
  CHECK(m.taxonomies.at("family-tn").ancestors("X1") ==
        std::vector<std::string>{"A", "A1", "B", "B1"});
}

TEST_CASE("A valid bundle round-trips through read_bundle and write_bundle", "[bundle]") {
  const Model m = read_bundle(load_case("small_bundle.json"));
  const json written = write_bundle(m);
  CHECK(read_bundle(written) == m);
  // Writing what was read is stable.
  CHECK(write_bundle(read_bundle(written)).dump(1) == written.dump(1));

  CHECK(written["format"] == kBundleFormat);
  CHECK(written["version"] == kBundleVersion);
  for (const auto& name : kArrays) {
    INFO(name);
    REQUIRE(written.contains(name));
    CHECK(written[name].is_array());
  }
  // Objects with ids come out sorted by id.
  std::vector<std::string> body_ids;
  for (const auto& b : written["bodies"]) body_ids.push_back(b["id"]);
  CHECK(std::is_sorted(body_ids.begin(), body_ids.end()));
  CHECK(body_ids.size() == 8);

  // Amounts come out as decimal euros.
  for (const auto& p : written["plans"]) {
    if (p["id"] != "p-arco-2022") continue;
    CHECK(p["actions"][0]["budget"][0]["planned"] == 12000.5);
    CHECK(p["actions"][1]["budget"][0]["planned"] == 3000.75);
  }
  CHECK(written["ledger"][0]["collected"] == 9500.25);
}

TEST_CASE("The minimal bundle round-trips", "[bundle]") {
  const Model m = read_bundle(minimal());
  CHECK(m.plans.size() == 4);
  const json written = write_bundle(m);
  CHECK(read_bundle(written) == m);
  CHECK(write_bundle(read_bundle(written)) == written);
}

TEST_CASE("An empty model writes every array empty", "[bundle]") {
  const json written = write_bundle(Model{});
  CHECK(written["format"] == "civicplan-bundle");
  CHECK(written["version"] == 1);
  for (const auto& name : kArrays) {
    INFO(name);
    REQUIRE(written.contains(name));
    CHECK(written[name] == json::array());
  }
  CHECK(read_bundle(written).empty());
  CHECK(read_bundle(json{{"format", kBundleFormat}, {"version", kBundleVersion}}).empty());
}

TEST_CASE("Amounts up to billions of euros round-trip to the cent", "[bundle]") {
  json b = minimal();
  auto& budget = b["plans"][0]["actions"][0]["budget"];
  budget[0]["planned"] = 12345678901.23;
  budget[0]["actual"] = 0.07;
  budget.push_back({{"year", 2022}, {"source", "eu"}, {"planned", 19.99}, {"actual", -4.35}});
  const Model m = read_bundle(b);
  const auto& lines = m.plans.at("p1").actions[0].budget;
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].planned == Money::from_cents(1234567890123));
  CHECK(lines[0].actual == Money::from_cents(7));
  CHECK(lines[1].planned == Money::from_cents(1999));
  CHECK(lines[1].actual == Money::from_cents(-435));
  CHECK(read_bundle(write_bundle(m)) == m);
}

TEST_CASE("Attributes may hold any JSON", "[bundle]") {
  json b = minimal();
  b["bodies"][0]["attributes"] = {{"titel", {{"nested", json::array({1, "two", nullptr})}}},
                                  {"x", 1.5}};
  const auto issues = validate_bundle(b);
  INFO(describe(issues));
  CHECK(issues.empty());
  const Model m = read_bundle(b);
  CHECK(m.bodies.at("tn").attributes == b["bodies"][0]["attributes"]);
  CHECK(read_bundle(write_bundle(m)) == m);
}

TEST_CASE("read_bundle throws a ValidationError with every issue", "[bundle]") {
  json b = minimal();
  b["plans"][0]["status"] = "aproved";
  b["bodies"][0]["name"] = 12;
  const auto issues = issues_of([&] { read_bundle(b); });
  check_issue(issues, "plans[0].status", "aproved");
  check_issue(issues, "bodies[0].name", "expected a string");
  CHECK(issues.size() == 2);
}

// ---------------------------------------------------------------------------------------------
// Validation against what a workspace already holds

TEST_CASE("A bundle may refer to objects that only the base holds", "[bundle]") {
  const Model base = read_bundle(minimal());
  const json addition = json::parse(R"({
    "format": "civicplan-bundle", "version": 1,
    "plans": [{"id": "p9", "kind": "family", "body": "m2", "title": "Dro 2023",
               "period": {"from": 2023, "to": 2023}, "status": "draft", "variant": "update",
               "based_on": "p3", "previous": ["p3"], "objectives": [],
               "actions": [{"id": "x", "title": "X", "categories": ["fam:A1"], "status": "planned",
                            "budget": [], "targets": []}], "revision": 1}],
    "feedback": [{"action": "p1/a2", "rating": 5, "date": "2022-08-01"}]
  })");
  const auto issues = validate_bundle(addition, base);
  INFO(describe(issues));
  CHECK(issues.empty());

  // On its own the same bundle refers to nothing.
  const auto alone = validate_bundle(addition);
  check_issue(alone, "plans[0].body", "unknown body \"m2\"");
  check_issue(alone, "plans[0].based_on", "unknown plan \"p3\"");
  check_issue(alone, "feedback[0].action", "unknown action \"p1/a2\"");
}

TEST_CASE("An object already in the base is replaced, not a duplicate", "[bundle]") {
  const Model base = read_bundle(minimal());
  json b = {{"format", kBundleFormat}, {"version", kBundleVersion}};
  b["bodies"] = {minimal()["bodies"][3]};
  b["bodies"][0]["name"] = "Dro (TN)";
  const auto issues = validate_bundle(b, base);
  INFO(describe(issues));
  CHECK(issues.empty());
  const Model merged = merge_bundle(b, base);
  CHECK(merged.bodies.at("m2").name == "Dro (TN)");
  CHECK(base.bodies.at("m2").name == "Dro");
  CHECK(merged.plans == base.plans);
}

TEST_CASE("A taxonomy replacement that drops a code used by the base is reported", "[bundle]") {
  const Model base = read_bundle(minimal());
  json b = {{"format", kBundleFormat}, {"version", kBundleVersion}};
  b["taxonomies"] = json::array(
      {{{"id", "fam"},
        {"version", "2"},
        {"label", "Family"},
        {"nodes", {{{"code", "A"}, {"label", "Support"}}, {{"code", "B"}, {"label", "Time"}}}}}});
  // Every workspace object left pointing at the dropped code is named.
  const auto issues = validate_bundle(b, base);
  check_issue(issues, "workspace.plans[\"p1\"].actions[0].categories[0]",
              "unknown category \"fam:A1\"");
  check_issue(issues, "workspace.cases[\"c1\"].service", "unknown category \"fam:A1\"");
  CHECK(issues.size() == 2);

  CHECK_THROWS_AS(merge_bundle(b, base), ValidationError);
  // Keeping the code makes the replacement fine.
  b["taxonomies"][0]["nodes"].push_back(
      {{"code", "A1"}, {"label", "Childcare"}, {"parents", {"A"}}});
  CHECK(validate_bundle(b, base).empty());
  CHECK(merge_bundle(b, base).taxonomies.at("fam").version() == "2");
}

TEST_CASE("A cycle formed with the base is reported", "[bundle]") {
  const Model base = read_bundle(minimal());
  json b = {{"format", kBundleFormat}, {"version", kBundleVersion}};
  // The bundle puts the province under m1, which the base puts under the province.
  b["bodies"] = {
      {{"id", "tn"}, {"kind", "province"}, {"name", "Trento"}, {"parents", {{{"id", "m1"}}}}}};
  const auto issues = validate_bundle(b, base);
  INFO(describe(issues));
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].path == "bodies[0].parents");
  CHECK(issues[0].message.rfind("membership cycle", 0) == 0);
  const bool named = issues[0].message.find("m1 -> tn -> m1") != std::string::npos ||
                     issues[0].message.find("tn -> m1 -> tn") != std::string::npos;
  CHECK(named);
}

TEST_CASE("merge_bundle leaves the base untouched and throws on any issue", "[bundle]") {
  const Model base = read_bundle(minimal());
  const Model copy = base;
  json b = minimal();
  b["plans"][0]["status"] = "aproved";
  CHECK_THROWS_AS(merge_bundle(b, base), ValidationError);
  CHECK(base == copy);

  const Model merged = merge_bundle(load_case("small_bundle.json"), base);
  // small_bundle.json replaces the province "tn" and the case "c1" of the base.
  CHECK(merged.bodies.size() == base.bodies.size() + 7);
  CHECK(merged.bodies.at("tn").name == "Provincia autonoma di Trento");
  CHECK(merged.plans.count("p1") == 1);
  CHECK(merged.plans.count("p-arco-2022") == 1);
  CHECK(base == copy);
}

// ---------------------------------------------------------------------------------------------
// JSON text

TEST_CASE("JSON text: parse_json reports the line and column of malformed text", "[bundle]") {
  CHECK(parse_json("{\"a\": [1, 2]}")["a"][1] == 2);
  try {
    parse_json("{\n  \"a\": 1,\n  \"b\": ,\n}", "plan.json");
    FAIL("expected a ParseError");
  } catch (const ParseError& e) {
    CHECK(e.source() == "plan.json");
    CHECK(e.line() == 3);
    CHECK(e.column() >= 8);
    CHECK(e.column() <= 9);
    CHECK(std::string(e.what()).find("plan.json") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_json(""), ParseError);
  CHECK_THROWS_AS(parse_json("{} trailing"), ParseError);
}

TEST_CASE("read_json_file reads files and reports missing ones", "[bundle]") {
  civicplan::test::TempDir dir;
  civicplan::test::write_text(dir.path() / "ok.json", "{\"format\": \"civicplan-bundle\"}");
  CHECK(read_json_file(dir.file("ok.json"))["format"] == "civicplan-bundle");
  CHECK_THROWS_AS(read_json_file(dir.file("missing.json")), NotFoundError);
  civicplan::test::write_text(dir.path() / "bad.json", "{\n\"a\": tru\n}");
  try {
    read_json_file(dir.file("bad.json"));
    FAIL("expected a ParseError");
  } catch (const ParseError& e) {
    CHECK(e.line() == 2);
    CHECK(e.source().find("bad.json") != std::string::npos);
  }
}
