// SPDX-License-Identifier: Apache-2.0
// Tests of the whole-workspace model: merging, counting and action lookup.
#include <string>

#include <catch2/catch.hpp>

#include "civicplan/model.hpp"

using namespace civicplan;

namespace {

Body make_body(const std::string& id, const std::string& name) {
  Body b;
  b.id = id;
  b.name = name;
  return b;
}

Plan make_plan(const std::string& id, const std::string& body, std::vector<std::string> actions) {
  Plan p;
  p.id = id;
  p.kind = "family";
  p.body = body;
  p.title = "Plan " + id;
  p.period = {2022, 2022};
  for (const auto& a : actions) {
    Action action;
    action.id = a;
    action.title = "Action " + a;
    p.actions.push_back(action);
  }
  return p;
}

}  // namespace

TEST_CASE("An empty model counts nothing", "[model]") {
  Model m;
  CHECK(m.empty());
  for (const auto& [kind, n] : m.counts()) {
    INFO(kind);
    CHECK(n == 0);
  }
  m.bodies.emplace("a", make_body("a", "A"));
  CHECK_FALSE(m.empty());
  CHECK(m.counts().at("bodies") == 1);
}

TEST_CASE("Model::counts uses the bundle array names", "[model]") {
  Model m;
  m.bodies.emplace("a", make_body("a", "A"));
  m.bodies.emplace("b", make_body("b", "B"));
  m.plans.emplace("p", make_plan("p", "a", {"a1"}));
  m.statistics.emplace(StatisticKey{"a", "population", 2022},
                       Statistic{"population", "a", 2022, 100});
  m.feedback.insert(Feedback{"p/a1", 5, std::nullopt, Date{2022, 5, 1}});
  m.users.emplace("u", User{"u", "User", {}});
  const auto counts = m.counts();
  CHECK(counts.at("bodies") == 2);
  CHECK(counts.at("plans") == 1);
  CHECK(counts.at("statistics") == 1);
  CHECK(counts.at("feedback") == 1);
  CHECK(counts.at("users") == 1);
  for (const char* kind : {"taxonomies", "crosswalks", "certifications", "cases", "ledger",
                           "places", "indicators", "rulesets"}) {
    INFO(kind);
    CHECK((counts.count(kind) == 0 || counts.at(kind) == 0));
  }
}

TEST_CASE("Model::merge adds new objects and replaces those with the same key", "[model]") {
  Model base;
  base.bodies.emplace("a", make_body("a", "Old A"));
  base.bodies.emplace("c", make_body("c", "C"));
  base.statistics.emplace(StatisticKey{"a", "population", 2022},
                          Statistic{"population", "a", 2022, 100});
  base.feedback.insert(Feedback{"p/a1", 5, std::nullopt, Date{2022, 5, 1}});

  Model other;
  other.bodies.emplace("a", make_body("a", "New A"));
  other.bodies.emplace("b", make_body("b", "B"));
  other.statistics.emplace(StatisticKey{"a", "population", 2022},
                           Statistic{"population", "a", 2022, 120});
  other.statistics.emplace(StatisticKey{"a", "population", 2023},
                           Statistic{"population", "a", 2023, 130});
  other.feedback.insert(Feedback{"p/a1", 3, std::nullopt, Date{2022, 6, 1}});

  Model merged = base;
  merged.merge(other);
  CHECK(merged.bodies.size() == 3);
  CHECK(merged.bodies.at("a").name == "New A");
  CHECK(merged.bodies.at("c").name == "C");
  CHECK(merged.statistics.size() == 2);
  CHECK(merged.statistics.at(StatisticKey{"a", "population", 2022}).value == 120);
  CHECK(merged.feedback.size() == 2);
  CHECK(merged != base);

  Model again = merged;
  again.merge(other);
  CHECK(again == merged);
}

TEST_CASE("Models compare by content", "[model]") {
  Model a;
  Model b;
  CHECK(a == b);
  a.plans.emplace("p", make_plan("p", "x", {"a1"}));
  CHECK(a != b);
  b.plans.emplace("p", make_plan("p", "x", {"a1"}));
  CHECK(a == b);
  b.plans.edit("p").actions[0].title = "Changed";
  CHECK(a != b);
  b = a;
  b.indicators.emplace("i", nlohmann::json{{"id", "i"}, {"formula", "population"}});
  CHECK(a != b);
}

TEST_CASE("find_action resolves <plan>/<action> references", "[model]") {
  Model m;
  m.plans.emplace("p-arco", make_plan("p-arco", "m-arco", {"a1", "a2"}));
  const Action* a2 = find_action(m, "p-arco/a2");
  REQUIRE(a2 != nullptr);
  CHECK(a2->title == "Action a2");
  CHECK(find_action(m, "p-arco/a9") == nullptr);
  CHECK(find_action(m, "p-riva/a1") == nullptr);
  CHECK(find_action(m, "p-arco") == nullptr);
  CHECK(find_action(m, "") == nullptr);
}
