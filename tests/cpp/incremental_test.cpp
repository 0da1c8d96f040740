// SPDX-License-Identifier: Apache-2.0
// After a write, a workspace derives its facts, vocabulary and compiled sets from the state
// before the write (only the changed plans again). Whatever it then answers must be what a
// workspace built afresh from the same contents answers.
#include <cmath>
#include <functional>

#include "civicplan/practices.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace civicplan {
namespace {

const char* const kBundles[] = {"family", "zone", "digital_agenda", "social_cases", "union_ledger"};

// Expressions over every kind of fact; "regionale" is a budget source only the test adds (unknown, it is a misspelt "regional").
const char* const kExpressions[] = {
    "actions()",
    "actions(status: \"completed\")",
    "actions(category: \"family-tn:T1\")",
    "budget()",
    "budget(source: \"municipal\")",
    "budget(actual: true)",
    "plans(status: \"draft\")",
    "plans()",
    "completion()",
    "rating()",
    "population",
    "members(population > 2000, \"share\")",
};

void import_examples(Workspace& ws) {
  for (const char* name : kBundles) {
    ws.import_file(test::source_path(std::string("examples/data/") + name + ".json").string());
  }
}

// What `ws` answers to `expression` for `body` and `year`: the value, or the error's class
// and message.
std::string answer(const Workspace& ws, const std::string& expression, const std::string& body, int year) {
  try {
    const auto v = ws.evaluate(expression, body, year);
    if (!v) return "null";
    return std::isnan(*v) ? "nan" : nlohmann::json(*v).dump();
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

// Builds every derived part of `ws`'s current state, so that the next write patches them.
void use(const Workspace& ws) {
  (void)ws.compute_indicators();
  (void)ws.certify_all("family-in-trentino", 2022);
  (void)ws.evaluate("budget()", "022205", 2022);
  (void)ws.practices().search(std::string("famiglie"));
}

// Everything the practice index of `ws` answers equals what `fresh`'s answers: searches for
// the words of every action's title (with and without a category), usage of every taxonomy,
// recommendations and peers of every body, near-duplicates.
void require_same_practices(const Workspace& ws, const Workspace& fresh) {
  const PracticeIndex ours = ws.practices(), theirs = fresh.practices();
  REQUIRE(ours.size() == theirs.size());
  auto hits = [](const PracticeIndex& index, const std::optional<std::string>& text,
                 const std::optional<std::string>& category) {
    return nlohmann::json(index.search(text, category, std::nullopt, std::nullopt, {}, 1000));
  };
  std::vector<std::string> categories;
  for (const auto& [id, taxonomy] : ws.model()->taxonomies) {
    for (const auto& node : taxonomy.nodes()) categories.push_back(id + ":" + node.code);
    REQUIRE(ours.usage(id).to_json() == theirs.usage(id).to_json());
  }
  for (const auto& [id, plan] : ws.model()->plans) {
    for (const auto& action : plan.actions) {
      INFO("searching " << action.title);
      REQUIRE(hits(ours, action.title, std::nullopt) == hits(theirs, action.title, std::nullopt));
      for (const auto& c : action.categories) {
        if (std::find(categories.begin(), categories.end(), c) == categories.end()) continue;
        REQUIRE(hits(ours, action.title, c) == hits(theirs, action.title, c));
      }
    }
  }
  REQUIRE(hits(ours, std::nullopt, std::nullopt) == hits(theirs, std::nullopt, std::nullopt));
  for (const auto& [body, b] : ws.model()->bodies) {
    for (int year : {2021, 2022}) {
      INFO(body << " in " << year);
      REQUIRE(ours.peers(body, year) == theirs.peers(body, year));
      REQUIRE(ours.population(body, year) == theirs.population(body, year));
      REQUIRE(nlohmann::json(ours.recommend(body, year, 5, 0.2)) ==
              nlohmann::json(theirs.recommend(body, year, 5, 0.2)));
    }
  }
  REQUIRE(nlohmann::json(ours.near_duplicates(0.3, std::nullopt)) ==
          nlohmann::json(theirs.near_duplicates(0.3, std::nullopt)));
}

// Everything `ws` answers equals what a workspace made from its exported contents answers.
void require_same_as_fresh(const Workspace& ws, const std::vector<std::string>& extra = {}) {
  Workspace fresh;
  fresh.import_bundle(ws.export_bundle());
  REQUIRE(ws.compute_indicators().to_json() == fresh.compute_indicators().to_json());
  require_same_practices(ws, fresh);
  for (const auto& [scheme, definition] : ws.model()->rulesets) {
    for (int year = 2020; year <= 2023; ++year) {
      INFO(scheme << " " << year);
      REQUIRE(ws.certify_all(scheme, year).to_json() == fresh.certify_all(scheme, year).to_json());
    }
  }
  std::vector<std::string> expressions(std::begin(kExpressions), std::end(kExpressions));
  expressions.insert(expressions.end(), extra.begin(), extra.end());
  for (const auto& [body, b] : ws.model()->bodies) {
    for (int year : {2020, 2021, 2022}) {
      for (const auto& e : expressions) {
        INFO(e << " for " << body << " in " << year);
        REQUIRE(answer(ws, e, body, year) == answer(fresh, e, body, year));
      }
    }
  }
}

nlohmann::json plan_json(const Workspace& ws, const std::string& id) { return nlohmann::json(ws.plan(id)); }

}  // namespace

TEST_CASE("After each kind of write, the patched state answers as a state built afresh", "[incremental]") {
  Workspace ws;
  import_examples(ws);
  use(ws);
  const std::vector<std::string> regionale = {"budget(source: \"regionale\")"};

  SECTION("progress recorded on an approved plan") {
    ws.record_progress("pf-022205-2022", "az01", *Date::parse("2022-12-31"), 40);
    require_same_as_fresh(ws);
  }
  SECTION("an actual amount recorded, then a second write before any read") {
    ws.record_actual("pf-022205-2021", "az02", 2021, "municipal", Money::from_cents(123456));
    ws.record_progress("pf-022161-2022", "az01", *Date::parse("2022-11-30"), 75);
    require_same_as_fresh(ws);
  }
  SECTION("a new plan between two others, with a new source and another number of actions, then edited") {
    auto j = plan_json(ws, "pf-022161-2022");
    j["id"] = "pf-022161-2022-bis";  // sorts right after pf-022161-2022: the later plans move up
    j["status"] = "draft";
    j.erase("approval");
    j["actions"].erase(j["actions"].begin());
    j["actions"][0]["budget"] = nlohmann::json::array(
        {{{"year", 2022}, {"source", "regionale"}, {"planned", 5000}}});
    ws.put_plan(j);
    require_same_as_fresh(ws, regionale);
    use(ws);
    // The same plan again with as many actions (patched in place): more categories on one
    // action, more budget lines on another and none on a third, progress removed.
    j["actions"][0]["categories"] = nlohmann::json::array({"family-tn:T1", "family-tn:T3"});
    j["actions"][1]["budget"] = nlohmann::json::array(
        {{{"year", 2022}, {"source", "municipal"}, {"planned", 700}},
         {{"year", 2022}, {"source", "regionale"}, {"planned", 300}, {"actual", 250}}});
    j["actions"][0]["budget"] = nlohmann::json::array();
    j["actions"][2].erase("progress");
    j["actions"][1]["title"] = "Laboratori di lettura per nonni e nipoti";  // new words to search
    ws.put_plan(j);
    require_same_as_fresh(ws, regionale);
    use(ws);
    ws.submit("pf-022161-2022-bis");
    ws.approve("pf-022161-2022-bis", *Date::parse("2022-03-01"), "Delibera 1/2022");
    require_same_as_fresh(ws, regionale);
    use(ws);
    ws.archive("pf-022161-2022-bis");
    require_same_as_fresh(ws, regionale);
  }
  SECTION("feedback on an action") {
    Feedback f;
    f.action = "pf-022205-2022/az01";
    f.rating = 2;
    f.date = *Date::parse("2022-05-01");
    ws.add_feedback(f);
    require_same_as_fresh(ws);
  }
  SECTION("statistics imported") {
    ws.import_statistics({Statistic{"population", "022205", 2022, 120000}});
    require_same_as_fresh(ws);
  }
  SECTION("a bundle with new bodies (nothing can be patched)") {
    ws.import_bundle({{"format", "civicplan-bundle"},
                      {"version", 1},
                      {"bodies", {{{"id", "099001"}, {"kind", "municipality"}, {"name", "Nuovo Comune"}}}}});
    require_same_as_fresh(ws);
  }
}

TEST_CASE("A scenario derives its parts from its base and answers as a workspace built afresh", "[incremental]") {
  Workspace ws;
  import_examples(ws);
  use(ws);
  const auto before = ws.compute_indicators().to_json();
  auto j = plan_json(ws, "pf-022161-2022");
  j["actions"].erase(j["actions"].begin());
  Workspace scenario = ws.scenario({{"plans", {j}},
                                    {"statistics", {{{"variable", "population"}, {"body", "022161"},
                                                     {"year", 2022}, {"value", 40000}}}}});
  require_same_as_fresh(scenario);
  REQUIRE(scenario.compute_indicators().to_json() != before);
  REQUIRE(ws.compute_indicators().to_json() == before);
}

TEST_CASE("A source that no plan uses any more is unknown after the write that removed it", "[incremental]") {
  Workspace ws;
  import_examples(ws);
  auto j = nlohmann::json(ws.plan("pf-022205-2022"));
  j["id"] = "pf-099999-2022";
  j["status"] = "draft";
  j.erase("approval");
  j["actions"][0]["budget"] = nlohmann::json::array({{{"year", 2022}, {"source", "regionale"}, {"planned", 5000}}});
  const auto revision = ws.put_plan(j);
  REQUIRE(ws.evaluate("budget(source: \"regionale\")", "022205", 2022) == 0.0);
  use(ws);
  // The source's only line goes: the name is no longer known, patched or not.
  j["actions"][0]["budget"] = nlohmann::json::array();
  ws.put_plan(j, revision);
  REQUIRE_THROWS_AS(ws.evaluate("budget(source: \"regionale\")", "022205", 2022), ParseError);
  require_same_as_fresh(ws);
}

}  // namespace civicplan
