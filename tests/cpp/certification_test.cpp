// SPDX-License-Identifier: Apache-2.0
// Certification: the shared cases of tests/cases/certification.json, batch equality, preview.
#include <cmath>

#include "civicplan/certification.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace civicplan {
namespace {

const nlohmann::json& cases() {
  static const nlohmann::json doc = test::load_case("certification.json");
  return doc;
}

Workspace make_workspace() {
  Workspace ws;
  ws.import_bundle(test::load_case("expressions.json")["bundle"]);
  ws.import_bundle(cases()["rulesets"]);
  return ws;
}

void check_optional(const std::optional<double>& got, const nlohmann::json& want) {
  if (want.is_null()) {
    CHECK_FALSE(got.has_value());
  } else {
    REQUIRE(got.has_value());
    CHECK(*got == Approx(want.get<double>()).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("every report case of certification.json says what it must", "[certification]") {
  const Workspace ws = make_workspace();
  for (const auto& c : cases()["reports"]) {
    INFO(c["name"].get<std::string>());
    const auto report = ws.certify(c["body"], c["scheme"], c["year"], c.value("preview", false));
    CHECK(report.passed == c["passed"].get<bool>());
    CHECK(report.version == c["version"].get<int>());
    if (c.contains("points")) CHECK(report.points == Approx(c["points"].get<double>()));
    if (c.contains("min_points")) check_optional(report.min_points, c["min_points"]);
    if (c.contains("points_needed")) CHECK(report.points_needed == Approx(c["points_needed"].get<double>()));
    if (c.contains("missing_mandatory")) {
      CHECK(report.missing_mandatory == c["missing_mandatory"].get<std::vector<std::string>>());
    }
    const nlohmann::json rules = c.contains("rules") ? c["rules"] : nlohmann::json::object();
    for (const auto& [id, want] : rules.items()) {
      INFO("rule " << id);
      const RuleResult* got = nullptr;
      for (const auto& r : report.rules) {
        if (r.id == id) got = &r;
      }
      REQUIRE(got != nullptr);
      CHECK(to_string(got->outcome) == want[0].get<std::string>());
      check_optional(got->value, want[1]);
      check_optional(got->threshold, want[2]);
      if (!want[3].is_null()) CHECK(got->message == want[3].get<std::string>());
    }
    // Every failed or unknown rule says what was found.
    for (const auto& r : report.rules) CHECK_FALSE(r.message.empty());
    if (!report.passed) CHECK_FALSE(report.top_reason().empty());
  }
}

TEST_CASE("every load error of certification.json is reported at its path", "[certification]") {
  for (const auto& c : cases()["load_errors"]) {
    INFO(c["name"].get<std::string>());
    Workspace ws;
    ws.import_bundle(test::load_case("expressions.json")["bundle"]);
    const auto before = ws.export_bundle();
    try {
      ws.import_bundle(c["bundle"]);
      FAIL("expected a ValidationError");
    } catch (const ValidationError& e) {
      bool found = false;
      for (const auto& issue : e.issues()) {
        if (issue.path == c["path"].get<std::string>() &&
            issue.message.find(c["contains"].get<std::string>()) != std::string::npos) {
          found = true;
        }
      }
      INFO(e.what());
      CHECK(found);
    }
    CHECK(ws.export_bundle() == before);
  }
}

TEST_CASE("certifying each body alone equals certifying all at once", "[certification]") {
  Workspace ws;
  ws.import_file(test::source_path("examples/data/family.json").string());
  for (const std::string scheme : {"family-in-trentino", "family-in-italia-base", "family-in-italia-exec"}) {
    for (int year : {2010, 2021, 2022}) {
      if (scheme != "family-in-trentino" && year == 2010) {
        // The national scheme starts in 2017: no version is in force before.
        CHECK_THROWS_AS(ws.certify_all(scheme, year), Error);
        continue;
      }
      for (bool preview : {false, true}) {
        INFO(scheme << " " << year << (preview ? " preview" : ""));
        const auto all = ws.certify_all(scheme, year, {}, preview);
        REQUIRE(all.size() == 12);
        for (const auto& batch : all.reports()) {
          const auto alone = ws.certify(batch.body, scheme, year, preview);
          CHECK(alone.to_json() == batch.to_json());
        }
      }
    }
  }
}

TEST_CASE("the example family standard: 2010 uses the 2006 version, 2022 the 2012 one", "[certification]") {
  Workspace ws;
  ws.import_file(test::source_path("examples/data/family.json").string());
  CHECK(ws.certify("022205", "family-in-trentino", 2010).version == 2006);
  CHECK(ws.certify("022205", "family-in-trentino", 2011).version == 2006);
  CHECK(ws.certify("022205", "family-in-trentino", 2012).version == 2012);
  const auto trento = ws.certify("022205", "family-in-trentino", 2022);
  REQUIRE(trento.min_points.has_value());
  CHECK(*trento.min_points == 58);  // over 5,000 inhabitants
  const auto small = ws.certify("022147", "family-in-trentino", 2022);  // Predazzo, below 5,000
  REQUIRE(small.min_points.has_value());
  CHECK(*small.min_points == 52);
  CHECK_THROWS_AS(ws.certify("022205", "family-in-trentino", 2005), Error);
  CHECK_THROWS_AS(ws.certify("pat", "family-in-trentino", 2022), Error);
  CHECK_THROWS_AS(ws.certify("022205", "no-such-scheme", 2022), NotFoundError);
  CHECK_THROWS_AS(ws.certify("nobody", "family-in-trentino", 2022), NotFoundError);
}

TEST_CASE("a draft plan fails normally and passes in preview once complete", "[certification]") {
  Workspace ws = make_workspace();
  // m3's only 2022 plan is a draft: complete it with enough actions.
  auto bundle = test::load_case("expressions.json")["bundle"];
  nlohmann::json draft;
  for (const auto& p : bundle["plans"]) {
    if (p["id"] == "p_m3_2022") draft = p;
  }
  for (const char* id : {"c2", "c3", "c4"}) {
    draft["actions"].push_back({{"id", id},
                                {"title", std::string("Azione ") + id},
                                {"categories", {"t:A.2"}},
                                {"status", "planned"},
                                {"budget", {{{"year", 2022}, {"source", "municipal"}, {"planned", 1000}}}},
                                {"targets", nlohmann::json::array()}});
  }
  ws.import_bundle({{"format", "civicplan-bundle"}, {"version", 1}, {"plans", {draft}}});
  ws.import_bundle(nlohmann::json::parse(
      R"({"format": "civicplan-bundle", "version": 1,
          "statistics": [{"variable": "children", "body": "m3", "year": 2022, "value": 900}]})"));
  const auto normal = ws.certify("m3", "fam", 2022);
  CHECK_FALSE(normal.passed);
  CHECK(normal.missing_mandatory == std::vector<std::string>{"plan"});
  const auto preview = ws.certify("m3", "fam", 2022, true);
  INFO(preview.to_json().dump(1));
  CHECK(preview.passed);
  CHECK(preview.points == Approx(26));  // actions 10 + area A 10 + spend 5 + children 1
}

TEST_CASE("certified() in an indicator follows the ruleset", "[certification]") {
  Workspace ws = make_workspace();
  CHECK(*ws.evaluate("certified(\"base\")", "m1", 2021) == 1);
  CHECK(*ws.evaluate("certified(\"base\")", "m2", 2021) == 0);
  CHECK(*ws.evaluate("members(certified(\"fam\"), \"share\")", "D1", 2021) == Approx(0.5));
  CHECK_THROWS_AS(ws.evaluate("certified(\"nope\")", "m1", 2021), ParseError);
}

TEST_CASE("the certification table serialises every rule outcome", "[certification]") {
  const Workspace ws = make_workspace();
  const auto table = ws.certify_all("fam", 2021);
  CHECK(table.rule_ids == std::vector<std::string>{"plan", "actions", "area_a", "spend", "children"});
  REQUIRE(table.size() == 3);
  const std::string csv = table.to_csv();
  CHECK_THAT(csv, Catch::StartsWith("body,passed,points,min_points,plan,actions,area_a,spend,children\n"));
  CHECK_THAT(csv, Catch::Contains("\nm1,true,26,20,pass,pass,pass,pass,pass\n"));
  CHECK_THAT(csv, Catch::Contains("\nm2,false,10,25,pass,fail,pass,pass,missing_data\n"));
  const auto j = table.to_json();
  CHECK(j["reports"].size() == 3);
  CHECK(j["reports"][0]["rules"][1]["message"] == "3 actions, 3 required");
}

TEST_CASE("the certification table's columns agree with the reports built from them", "[certification]") {
  const Workspace ws = make_workspace();
  const auto table = ws.certify_all("fam", 2021);
  REQUIRE(table.size() == 3);
  CHECK(table.bodies == std::vector<std::string>{"m1", "m2", "m3"});
  REQUIRE(table.rules.size() == table.rule_ids.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto report = table.report(i);
    CHECK(report.body == table.bodies[i]);
    CHECK(report.passed == (table.passed[i] != 0));
    CHECK(report.points == table.points[i]);
    CHECK(report.min_points.has_value() == !std::isnan(table.min_points[i]));
    double sum = 0;
    for (std::size_t r = 0; r < table.rules.size(); ++r) {
      const auto& column = table.rules[r];
      CHECK(report.rules[r].id == column.id);
      CHECK(report.rules[r].outcome == column.outcomes[i]);
      CHECK(report.rules[r].message == column.message(i));
      sum += column.points[i];
    }
    CHECK(sum == table.points[i]);
  }
  // m2 lacks the children statistic: the message names it, and the missing rule is no value.
  const auto& children = table.rules.back();
  CHECK(children.outcomes[1] == Outcome::kMissingData);
  CHECK(std::isnan(children.values[1]));
  CHECK_THAT(children.message(1), Catch::Contains("missing for m2"));
  CHECK(table.rules[1].message(1) == "2 actions, 3 required");
  CHECK_THROWS_AS(table.report(3), std::out_of_range);
  CHECK_THROWS_AS(table.rules[0].message(3), std::out_of_range);
}

}  // namespace civicplan
