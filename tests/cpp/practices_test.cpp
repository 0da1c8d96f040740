// SPDX-License-Identifier: Apache-2.0
// Tests of best practices: search, recommendations, taxonomy usage, near-duplicates, feedback.
#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/practices.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

using namespace civicplan;
using civicplan::test::issues_of;
using civicplan::test::source_path;
using json = nlohmann::json;

namespace {

json body(const std::string& id, const std::string& kind, std::vector<std::string> parents) {
  json ps = json::array();
  for (const auto& p : parents) ps.push_back({{"id", p}});
  return {{"id", id}, {"kind", kind}, {"name", "Ente " + id}, {"parents", ps}};
}

json action(const std::string& id, const std::string& title, const std::string& description,
            std::vector<std::string> categories) {
  json a = {{"id", id}, {"title", title}, {"categories", categories}, {"status", "planned"}};
  if (!description.empty()) a["description"] = description;
  return a;
}

json plan(const std::string& id, const std::string& body_id, int year, const std::string& status,
          json actions) {
  json p = {{"id", id},
            {"kind", "family"},
            {"body", body_id},
            {"title", "Piano " + id},
            {"period", {{"from", year}, {"to", year}}},
            {"status", status},
            {"variant", "original"},
            {"actions", std::move(actions)}};
  if (status == "approved" || status == "archived") {
    p["approval"] = {{"date", std::to_string(year) + "-03-01"},
                     {"act", "Delibera n. 1/" + std::to_string(year)}};
  }
  return p;
}

json population(const std::string& body_id, int year, double value) {
  return {{"variable", "population"}, {"body", body_id}, {"year", year}, {"value", value}};
}

/// Two provinces; district d1 of p1 holds m1, m2 and m4; m3 is in p1 without a district; m5 is
/// in p2. m1, m2, m3 and m5 have 3,000-5,000 inhabitants, m4 20,000 (m3 only counted in 2020).
json world() {
  json b = {{"format", kBundleFormat}, {"version", kBundleVersion}};
  b["bodies"] = {body("p1", "province", {}),
                 body("p2", "province", {}),
                 body("d1", "district", {"p1"}),
                 body("m1", "municipality", {"d1", "p1"}),
                 body("m2", "municipality", {"d1", "p1"}),
                 body("m3", "municipality", {"p1"}),
                 body("m4", "municipality", {"d1"}),
                 body("m5", "municipality", {"p2"})};
  b["taxonomies"] = json::array({{{"id", "tx"},
                                  {"version", "1"},
                                  {"label", "Test"},
                                  {"nodes",
                                   {{{"code", "A"}, {"label", "Area A"}},
                                    {{"code", "A.1"}, {"label", "Campo A.1"}, {"parents", {"A"}}},
                                    {{"code", "T1"}, {"label", "Tipo 1"}, {"parents", {"A.1"}}},
                                    {{"code", "T2"}, {"label", "Tipo 2"}, {"parents", {"A.1"}}},
                                    {{"code", "B"}, {"label", "Area B"}},
                                    {{"code", "T3"}, {"label", "Tipo 3"}, {"parents", {"B"}}},
                                    {{"code", "T4"}, {"label", "Tipo 4"}, {"parents", {"B"}}}}}}});
  const std::string nido = "Servizio educativo per i bambini da 0 a 3 anni.";
  const std::string estivo = "Attività ricreative estive nei mesi di luglio e agosto.";
  b["plans"] = {
      plan("pm1-2022", "m1", 2022, "approved",
           {action("a1", "Sportello informativo per le famiglie",
                   "Uno sportello aperto due giorni alla settimana.", {"tx:T3"})}),
      plan("pm1-draft", "m1", 2022, "draft", {action("a1", "Ludoteca comunale", "", {"tx:T2"})}),
      plan("pm2-2021", "m2", 2021, "archived",
           {action("a1", "Nido d'infanzia comunale", nido, {"tx:T1"})}),
      plan("pm2-2022", "m2", 2022, "approved",
           {action("a1", "Nido d'infanzia comunale", nido, {"tx:T1"}),
            action("a2", "Contributi alle famiglie",
                   "Contributi economici per le spese scolastiche, i libri di testo, la mensa, il "
                   "trasporto, le "
                   "attività sportive e culturali dei figli, anche per la frequenza del nido "
                   "d'infanzia e dei "
                   "servizi estivi.",
                   {"tx:T3"})}),
      plan("pm3-2022", "m3", 2022, "approved",
           {action("a1", "Tariffe ridotte del nido",
                   "Riduzione delle rette per le famiglie con due o più figli.", {"tx:T1"}),
            action("a2", "Ludoteca estiva", "Giochi e laboratori nel parco.", {"tx:T2"})}),
      plan("pm4-2022", "m4", 2022, "approved",
           {action("a1", "Festa dell’Infanzia in città", "Una giornata di giochi in piazza.",
                   {"tx:T1"}),
            action("a2", "Centro estivo per bambini e ragazzi", estivo, {"tx:T2"}),
            action("a3", "Corsi di nuoto", "Lezioni in piscina.", {"tx:T4"})}),
      plan("pm5-2022", "m5", 2022, "approved",
           {action("a1", "Laboratori creativi", "Pittura e musica.", {"tx:T2"}),
            action("a2", "Centro estivo per bambini e ragazzi", estivo, {"tx:T4"})}),
  };
  b["statistics"] = {population("m1", 2022, 4000),  population("m2", 2021, 4150),
                     population("m2", 2022, 4200),  population("m3", 2020, 4500),
                     population("m4", 2022, 20000), population("m5", 2022, 4100)};
  return b;
}

PracticeIndex world_index() { return PracticeIndex(read_bundle(world())); }

std::vector<std::string> refs(const std::vector<PracticeHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.action);
  return out;
}

const PracticeHit* find_hit(const std::vector<PracticeHit>& hits, const std::string& ref) {
  for (const auto& h : hits) {
    if (h.action == ref) return &h;
  }
  return nullptr;
}

Model family_model() {
  return read_bundle(read_json_file(source_path("examples/data/family.json").string()));
}

bool published(const Plan& p) {
  return p.status == PlanStatus::kApproved || p.status == PlanStatus::kArchived;
}

}  // namespace

TEST_CASE("an exact title outranks a passing mention", "[practices]") {
  const auto index = world_index();
  CHECK(index.size() == 11);
  const auto hits = index.search(std::string("nido d'infanzia"));
  REQUIRE(hits.size() >= 3);
  // The two identical actions tie and are ordered by plan id.
  CHECK(hits[0].action == "pm2-2021/a1");
  CHECK(hits[1].action == "pm2-2022/a1");
  CHECK(hits[0].score == hits[1].score);
  CHECK(hits[0].matched_terms == std::vector<std::string>{"nido", "infanzia"});
  CHECK(hits[0].plan == "pm2-2021");
  CHECK(hits[0].body == "m2");
  CHECK(hits[0].title == "Nido d'infanzia comunale");
  CHECK(hits[0].categories == std::vector<std::string>{"tx:T1"});
  const PracticeHit* mention = find_hit(hits, "pm2-2022/a2");
  REQUIRE(mention != nullptr);
  CHECK(mention->matched_terms == std::vector<std::string>{"nido", "infanzia"});
  CHECK(mention->score < hits[1].score);
  for (std::size_t i = 1; i < hits.size(); ++i) CHECK(hits[i - 1].score >= hits[i].score);
  // Draft plans are not searchable.
  CHECK(refs(index.search(std::string("ludoteca"))) == std::vector<std::string>{"pm3-2022/a2"});
}

TEST_CASE("search folds case and accents, drops elided articles and stop words, folds plurals",
          "[practices]") {
  const auto index = world_index();
  SECTION("accents and case") {
    const auto hits = index.search(std::string("CITTA"));
    REQUIRE(refs(hits) == std::vector<std::string>{"pm4-2022/a1"});
    CHECK(hits[0].matched_terms == std::vector<std::string>{"citta"});
    CHECK(refs(index.search(std::string("città"))) == std::vector<std::string>{"pm4-2022/a1"});
    CHECK(index.search(std::string("attivita")).size() == 3);
    CHECK(index.search(std::string("ATTIVITÀ")).size() == 3);
  }
  SECTION("elision with a straight or a typographic apostrophe") {
    const auto hits =
        index.search(std::string("infanzia"), std::nullopt, std::nullopt, std::nullopt, {}, 50);
    const auto found = refs(hits);
    CHECK(std::set<std::string>(found.begin(), found.end()) ==
          std::set<std::string>{"pm2-2021/a1", "pm2-2022/a1", "pm2-2022/a2", "pm4-2022/a1"});
    CHECK(index.search(std::string("dell")).empty());
    CHECK(index.search(std::string("l'infanzia")).size() == 4);
  }
  SECTION("stop words alone match nothing; blank text lists everything") {
    CHECK(index.search(std::string("di per la e")).empty());
    CHECK(index.search(std::string("   "), std::nullopt, std::nullopt, std::nullopt, {}, 100)
              .size() == 11);
  }
  SECTION("singular and plural forms match") {
    const auto hits = index.search(std::string("famiglia"));
    const auto found = refs(hits);
    CHECK(std::set<std::string>(found.begin(), found.end()) ==
          std::set<std::string>{"pm1-2022/a1", "pm2-2022/a2", "pm3-2022/a1"});
    CHECK(hits.front().matched_terms == std::vector<std::string>{"famiglia"});
    CHECK(index.search(std::string("laboratorio")).size() == 2);
  }
}

TEST_CASE("the category filter returns exactly the actions under it", "[practices]") {
  const auto index = world_index();
  const auto under_a =
      index.search(std::nullopt, std::string("tx:A"), std::nullopt, std::nullopt, {}, 100);
  // Counted by hand: approved and archived actions filed under T1 or T2 (the draft is left out).
  CHECK(refs(under_a) == std::vector<std::string>{"pm2-2021/a1", "pm2-2022/a1", "pm3-2022/a1",
                                                  "pm3-2022/a2", "pm4-2022/a1", "pm4-2022/a2",
                                                  "pm5-2022/a1"});
  for (const auto& h : under_a) CHECK(h.score == 0);
  CHECK(
      refs(index.search(std::nullopt, std::string("tx:B"), std::nullopt, std::nullopt, {}, 100)) ==
      std::vector<std::string>{"pm1-2022/a1", "pm2-2022/a2", "pm4-2022/a3", "pm5-2022/a2"});
  CHECK(refs(index.search(std::string("famiglie"), std::string("tx:T3"))) ==
        std::vector<std::string>{"pm1-2022/a1", "pm2-2022/a2"});
  CHECK(index.search(std::nullopt, std::string("tx:A"), std::nullopt, std::nullopt, {}, 3).size() ==
        3);
}

TEST_CASE("search filters by kind of body, population and year", "[practices]") {
  const auto index = world_index();
  auto all = [&](std::optional<std::string> kind, std::optional<PopulationRange> pop,
                 std::vector<int> years) {
    return refs(index.search(std::nullopt, std::nullopt, kind, pop, years, 100));
  };
  CHECK(all(std::string("municipality"), std::nullopt, {}).size() == 11);
  CHECK(all(std::string("district"), std::nullopt, {}).empty());
  CHECK(all(std::nullopt, PopulationRange::of_class("15000-50000"), {}) ==
        std::vector<std::string>{"pm4-2022/a1", "pm4-2022/a2", "pm4-2022/a3"});
  // m2 had 4,150 inhabitants in 2021 and 4,200 in 2022; m5 4,100; m1 4,000 is left out.
  CHECK(all(std::nullopt, PopulationRange{4100, 4300}, {}) ==
        std::vector<std::string>{"pm2-2021/a1", "pm2-2022/a1", "pm2-2022/a2", "pm5-2022/a1",
                                 "pm5-2022/a2"});
  CHECK(all(std::nullopt, PopulationRange::parse("4100-4200"), {}) ==
        std::vector<std::string>{"pm2-2021/a1", "pm5-2022/a1", "pm5-2022/a2"});
  CHECK(all(std::nullopt, std::nullopt, {2021}) == std::vector<std::string>{"pm2-2021/a1"});
  CHECK(all(std::nullopt, std::nullopt, {2020}).empty());
}

TEST_CASE("equal scores are ordered by action id across a long plan", "[practices]") {
  // 250 identical actions stored in shuffled id order: the best ones are the lowest ids,
  // wherever the plan stores them.
  std::mt19937 random(7);
  std::vector<int> ids(250);
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), random);
  json actions = json::array();
  for (int id : ids) {
    char ref[8];
    std::snprintf(ref, sizeof ref, "a%03d", id);
    actions.push_back(action(ref, "Nido comunale", "Servizio educativo.", {"tx:T1"}));
  }
  json b = world();
  b["plans"] = json::array(
      {plan("pa", "m1", 2022, "approved", actions), plan("pb", "m2", 2022, "approved", actions)});
  const PracticeIndex index(read_bundle(b));
  for (const char* text : {"nido", "nido servizio"}) {
    for (int limit : {1, 3, 10, 300}) {
      const auto hits =
          index.search(std::string(text), std::nullopt, std::nullopt, std::nullopt, {}, limit);
      REQUIRE(hits.size() == static_cast<std::size_t>(limit));
      for (int i = 0; i < limit; ++i) {
        char ref[12];
        std::snprintf(ref, sizeof ref, "%s/a%03d", i < 250 ? "pa" : "pb", i % 250);
        CHECK(hits[static_cast<std::size_t>(i)].action == ref);
        CHECK(hits[static_cast<std::size_t>(i)].score == hits[0].score);
      }
    }
  }
}

TEST_CASE("a search for the best few hits equals the head of the full ranking", "[practices]") {
  // Many actions over a small vocabulary: common words (kept as bitmaps by the index), rare
  // ones (kept as lists), repeated words, and texts repeated word for word so that scores tie
  // often. Plans are longer than a 64-action window and their action ids are shuffled, so that
  // ties are broken by an order (plan id, action id) unlike the order actions are stored in.
  std::mt19937 random(20240612);
  json b = world();
  const std::vector<std::string> codes = {"tx:T1", "tx:T2", "tx:T3", "tx:T4"};
  auto word = [&]() {
    return random() % 4 == 0 ? "r" + std::to_string(random() % 200)
                             : "k" + std::to_string(random() % 10);
  };
  auto words = [&](int n) {
    std::string text;
    for (int k = 0; k < n; ++k) text += word() + " ";
    return text;
  };
  std::vector<std::pair<std::string, std::string>> templates;  // texts shared word for word
  for (int i = 0; i < 12; ++i)
    templates.emplace_back(words(2), words(static_cast<int>(random() % 4)));
  json plans = json::array();
  const std::vector<std::string> bodies = {"m1", "m2", "m3", "m4", "m5", "d1"};
  for (const auto& body_id : bodies) {
    for (int year = 2020; year <= 2022; ++year) {
      std::vector<int> ids(60 + random() % 100);
      std::iota(ids.begin(), ids.end(), 0);
      std::shuffle(ids.begin(), ids.end(), random);
      json actions = json::array();
      for (int id : ids) {
        auto [title, description] = templates[random() % templates.size()];
        if (random() % 5 < 2) {
          title = words(1 + static_cast<int>(random() % 3));
          description = words(static_cast<int>(random() % 12));
        }
        std::vector<std::string> categories = {codes[random() % codes.size()]};
        if (random() % 5 == 0) categories.push_back(codes[random() % codes.size()]);
        char ref[8];
        std::snprintf(ref, sizeof ref, "a%03d", id);
        actions.push_back(action(ref, title, description, categories));
      }
      const std::string status = random() % 8 == 0 ? "draft" : "approved";
      plans.push_back(
          plan("p-" + body_id + "-" + std::to_string(year), body_id, year, status, actions));
    }
  }
  b["plans"] = plans;
  const PracticeIndex index(read_bundle(b));
  REQUIRE(index.size() > 1500);

  struct Query {
    std::string text;
    std::optional<std::string> category, body_kind;
    std::optional<PopulationRange> population;
    std::vector<int> years;
  };
  std::vector<Query> queries;
  const std::vector<std::optional<std::string>> categories = {
      std::nullopt,         std::nullopt,        std::string("tx:A"),
      std::string("tx:T1"), std::string("tx:B"), std::string("tx:T4")};
  for (int i = 0; i < 400; ++i) {
    Query q;
    q.text = words(1 + static_cast<int>(random() % 4));
    if (random() % 10 == 0) q.text += "nessuna k1";  // a word no action has, a repeated word
    q.category = categories[random() % categories.size()];
    if (random() % 6 == 0) q.body_kind = random() % 2 ? "municipality" : "district";
    if (random() % 6 == 0) q.population = PopulationRange{4000, 5000};
    if (random() % 6 == 0) q.years = {2020 + static_cast<int>(random() % 3)};
    queries.push_back(q);
  }
  std::size_t compared = 0;
  for (const auto& q : queries) {
    // With a limit above the number of matches nothing can be pruned: every match is scored.
    const auto all = index.search(q.text, q.category, q.body_kind, q.population, q.years, 100000);
    INFO("query \"" << q.text << "\" in " << q.category.value_or("-"));
    // The full ranking: by score, then plan id and action id.
    for (std::size_t i = 1; i < all.size(); ++i) {
      const auto& x = all[i - 1];
      const auto& y = all[i];
      CHECK((x.score > y.score || (x.score == y.score && std::make_pair(x.plan, x.action) <
                                                             std::make_pair(y.plan, y.action))));
    }
    for (int limit : {1, 2, 5, 20, 64}) {
      const auto head = index.search(q.text, q.category, q.body_kind, q.population, q.years, limit);
      REQUIRE(head.size() == std::min(all.size(), static_cast<std::size_t>(limit)));
      for (std::size_t i = 0; i < head.size(); ++i) {
        CHECK(head[i].action == all[i].action);
        CHECK(head[i].score == all[i].score);
        CHECK(head[i].matched_terms == all[i].matched_terms);
      }
      compared += head.size();
    }
  }
  CHECK(compared > 10000);
}

TEST_CASE("invalid search arguments raise clear errors", "[practices]") {
  const auto index = world_index();
  auto issues = issues_of(
      [&] { index.search(std::string("nido"), std::nullopt, std::nullopt, std::nullopt, {}, 0); });
  civicplan::test::check_only_issue(issues, "limit", "positive");
  issues =
      issues_of([&] { index.search(std::nullopt, std::nullopt, std::string("munincipality")); });
  civicplan::test::check_only_issue(issues, "body_kind", "did you mean \"municipality\"");
  issues = issues_of(
      [&] { index.search(std::nullopt, std::nullopt, std::nullopt, std::nullopt, {20222}); });
  civicplan::test::check_only_issue(issues, "years[0]", "expected a year");
  CHECK_THROWS_AS(index.search(std::nullopt, std::string("tx:T9")), NotFoundError);
  CHECK_THROWS_WITH(index.search(std::nullopt, std::string("tx:T9")), Catch::Contains("tx:T9"));
  CHECK_THROWS_AS(PopulationRange::parse("5000-3000"), ValidationError);
  CHECK_THROWS_AS(PopulationRange::parse("tanti"), ValidationError);
  CHECK_THROWS_WITH(PopulationRange::of_class("3000-4000"),
                    Catch::Contains("expected one of under-3000"));
  const auto open = PopulationRange::parse("50000-");
  CHECK(open.min == 50000.0);
  CHECK_FALSE(open.max.has_value());
  CHECK(population_class_of(2999).name == "under-3000");
  CHECK(population_class_of(3000).name == "3000-5000");
  CHECK(population_class_of(50000).name == "over-50000");
}

TEST_CASE("a body is recommended what its peers do and it does not", "[practices]") {
  const auto index = world_index();
  // m4 is in another class, m5 in another province; m3 counts with its 2020 population.
  CHECK(index.peers("m1", 2022) == std::vector<std::string>{"m2", "m3"});
  CHECK(index.population("m3", 2022) == 4500.0);
  CHECK(index.population("d1", 2022) == 28200.0);
  CHECK_FALSE(index.population("d1", 2020).has_value());

  // m1 has T3 (approved) and T2 (in its draft): only T1, used by both peers, is left.
  const auto recs = index.recommend("m1", 2022);
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].category == "tx:T1");
  CHECK(recs[0].label == "Tipo 1");
  CHECK(recs[0].share == 1.0);
  CHECK(recs[0].peers_with == 2);
  CHECK(recs[0].peers == 2);
  REQUIRE(recs[0].examples.size() == 2);
  CHECK(recs[0].examples[0].action == "pm2-2022/a1");
  CHECK(recs[0].examples[0].body == "m2");
  CHECK(recs[0].examples[0].title == "Nido d'infanzia comunale");
  CHECK(recs[0].examples[1].action == "pm3-2022/a1");

  // m2's peers are m1 (its draft does not count) and m3: T2 is used by one of the two.
  const auto for_m2 = index.recommend("m2", 2022);
  REQUIRE(for_m2.size() == 1);
  CHECK(for_m2[0].category == "tx:T2");
  CHECK(for_m2[0].share == 0.5);
  CHECK(for_m2[0].peers_with == 1);
  CHECK(index.recommend("m2", 2022, 5, 0.6).empty());

  CHECK(index.recommend("m4", 2022).empty());  // alone in its class
  CHECK(index.recommend("m1", 2019).empty());  // no population yet
  CHECK_THROWS_AS(index.recommend("m9", 2022), NotFoundError);
  civicplan::test::check_only_issue(issues_of([&] { index.recommend("m1", 2022, 0); }), "k",
                                    "positive");
}

TEST_CASE("recommendations rank by share, then category, and keep k", "[practices]") {
  json b = world();
  // m2 and m3 both add T4; m3 adds a second T1 action; m1 now lacks T1 and T4 (share 1).
  b["plans"][3]["actions"].push_back(
      action("a3", "Piscina comunale", "Ingressi ridotti.", {"tx:T4"}));
  b["plans"][4]["actions"].push_back(
      action("a3", "Corso di acquaticità", "Per i più piccoli.", {"tx:T4"}));
  b["plans"][4]["actions"].push_back(
      action("a4", "Spazio gioco 0-3", "Accoglienza dei bambini.", {"tx:T1"}));
  const PracticeIndex index(read_bundle(b));
  const auto recs = index.recommend("m1", 2022);
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].category == "tx:T1");
  CHECK(recs[1].category == "tx:T4");
  // Examples come from different peers first, then the next action of each.
  std::vector<std::string> examples;
  for (const auto& e : recs[0].examples) examples.push_back(e.action);
  CHECK(examples == std::vector<std::string>{"pm2-2022/a1", "pm3-2022/a1", "pm3-2022/a4"});
  CHECK(index.recommend("m1", 2022, 1).size() == 1);
}

TEST_CASE("usage counts actions per category and year, ancestors included", "[practices]") {
  const auto index = world_index();
  const auto usage = index.usage("tx");
  CHECK(usage.years == std::vector<int>{2021, 2022});
  std::map<std::string, std::vector<std::size_t>> counts;
  for (const auto& c : usage.categories) counts[c.code] = c.counts;
  CHECK(counts["A"] == std::vector<std::size_t>{1, 6});
  CHECK(counts["A.1"] == std::vector<std::size_t>{1, 6});
  CHECK(counts["T1"] == std::vector<std::size_t>{1, 3});
  CHECK(counts["T2"] == std::vector<std::size_t>{0, 3});
  CHECK(counts["B"] == std::vector<std::size_t>{0, 4});
  CHECK(counts["T3"] == std::vector<std::size_t>{0, 2});
  CHECK(counts["T4"] == std::vector<std::size_t>{0, 2});
  CHECK(usage.filed == std::vector<std::size_t>{1, 10});
  const auto least = usage.least_used(2);
  REQUIRE(least.size() == 2);
  CHECK(least[0].code == "T3");
  CHECK(least[1].code == "T4");
  CHECK(usage.to_json()["least_used"][0] == "T3");

  // Only the scope of district d1 (m1, m2, m4) in 2022.
  const auto d1 = index.usage("tx", {"d1"}, {2022});
  std::map<std::string, std::size_t> in_d1;
  for (const auto& c : d1.categories) in_d1[c.code] = c.total;
  CHECK(in_d1["T1"] == 2);
  CHECK(in_d1["T2"] == 1);
  CHECK(in_d1["T3"] == 2);
  CHECK(in_d1["T4"] == 1);
  CHECK(in_d1["A"] == 3);
  CHECK_THROWS_AS(index.usage("nope"), NotFoundError);
  CHECK_THROWS_AS(index.usage("tx", {"m9"}), NotFoundError);
}

TEST_CASE("near-duplicates are found across categories, not within one", "[practices]") {
  const auto index = world_index();
  const auto pairs = index.near_duplicates(0.8);
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].a == "pm4-2022/a2");
  CHECK(pairs[0].b == "pm5-2022/a2");
  CHECK(pairs[0].similarity == 1.0);
  CHECK(pairs[0].a_categories == std::vector<std::string>{"tx:T2"});
  CHECK(pairs[0].b_categories == std::vector<std::string>{"tx:T4"});
  for (const auto& p : index.near_duplicates(0.05)) {
    CHECK(p.a_categories != p.b_categories);
    CHECK(p.similarity >= 0.05);
  }
  civicplan::test::check_only_issue(issues_of([&] { index.near_duplicates(0); }), "threshold",
                                    "above 0");
  CHECK_THROWS_AS(index.near_duplicates(1.5), ValidationError);
}

TEST_CASE("near-duplicates agree with comparing every pair", "[practices]") {
  // Random texts over a small vocabulary of words that analysis leaves as they are.
  std::mt19937 random(20240611);
  json b = world();
  json actions = json::array();
  std::vector<std::set<std::string>> words;
  std::vector<std::string> category;
  const std::vector<std::string> codes = {"tx:T1", "tx:T2", "tx:T3", "tx:T4"};
  for (int i = 0; i < 160; ++i) {
    std::set<std::string> w;
    const int n = 2 + static_cast<int>(random() % 6);
    while (static_cast<int>(w.size()) < n) w.insert("k" + std::to_string(random() % 12));
    std::string title;
    for (const auto& x : w) title += (title.empty() ? "" : " ") + x;
    category.push_back(codes[random() % codes.size()]);
    char id[8];
    std::snprintf(id, sizeof id, "r%03d", i);
    actions.push_back(action(id, title, "", {category.back()}));
    words.push_back(w);
  }
  b["plans"] = json::array({plan("pr", "m1", 2022, "approved", actions)});
  const PracticeIndex index(read_bundle(b));
  for (double threshold : {0.5, 0.75, 1.0}) {
    std::set<std::pair<std::string, std::string>> expected, found;
    for (std::size_t i = 0; i < words.size(); ++i) {
      for (std::size_t j = i + 1; j < words.size(); ++j) {
        if (category[i] == category[j]) continue;
        std::size_t common = 0;
        for (const auto& w : words[i]) common += words[j].count(w);
        const double jaccard =
            static_cast<double>(common) / (words[i].size() + words[j].size() - common);
        if (jaccard >= threshold) {
          expected.insert({"pr/" + actions[i]["id"].get<std::string>(),
                           "pr/" + actions[j]["id"].get<std::string>()});
        }
      }
    }
    CHECK_FALSE(expected.empty());
    const auto pairs = index.near_duplicates(threshold, std::nullopt);
    for (const auto& p : pairs) found.insert({p.a, p.b});
    INFO("threshold " << threshold);
    CHECK(found.size() == pairs.size());
    CHECK(found == expected);
    CHECK(std::is_sorted(pairs.begin(), pairs.end(),
                         [](const NearDuplicate& x, const NearDuplicate& y) {
                           return x.similarity > y.similarity;
                         }));
    // A limit keeps the first pairs of the same order.
    const auto first = index.near_duplicates(threshold, 7);
    REQUIRE(first.size() == std::min<std::size_t>(7, pairs.size()));
    for (std::size_t i = 0; i < first.size(); ++i) {
      CHECK(first[i].a == pairs[i].a);
      CHECK(first[i].b == pairs[i].b);
    }
  }
  CHECK(index.near_duplicates(0.5, 0).empty());
}

TEST_CASE("on the family example, fee reductions for large families come first", "[practices]") {
  const Model model = family_model();
  const PracticeIndex index(model);
  // The approved actions filed under T23 (fee reductions for large families), found by hand.
  std::set<std::string> t23, t23_bodies;
  for (const auto& [id, p] : model.plans) {
    if (!published(p)) continue;
    for (const auto& a : p.actions) {
      if (std::find(a.categories.begin(), a.categories.end(), "family-tn:T23") !=
          a.categories.end()) {
        t23.insert(id + "/" + a.id);
        t23_bodies.insert(p.body);
      }
    }
  }
  REQUIRE(t23.size() >= 10);
  const auto hits = index.search(std::string("tariffe famiglie numerose"), std::nullopt,
                                 std::nullopt, std::nullopt, {}, 200);
  REQUIRE(hits.size() > t23.size());
  std::set<std::string> first, first_bodies;
  for (std::size_t i = 0; i < t23.size(); ++i) {
    first.insert(hits[i].action);
    first_bodies.insert(hits[i].body);
  }
  CHECK(first == t23);
  CHECK(first_bodies == t23_bodies);
  CHECK(first_bodies.count("022050") == 0);  // Cavalese filed none

  // The category filter returns exactly the actions under the macro-area B.
  const auto& taxonomy = model.taxonomies.at("family-tn");
  std::vector<std::string> expected;
  for (const auto& [id, p] : model.plans) {
    if (!published(p)) continue;
    std::vector<std::string> in_plan;
    for (const auto& a : p.actions) {
      for (const auto& c : a.categories) {
        if (taxonomy.is_under(c.substr(c.find(':') + 1), "B")) {
          in_plan.push_back(id + "/" + a.id);
          break;
        }
      }
    }
    std::sort(in_plan.begin(), in_plan.end());
    expected.insert(expected.end(), in_plan.begin(), in_plan.end());
  }
  REQUIRE_FALSE(expected.empty());
  CHECK(refs(index.search(std::nullopt, std::string("family-tn:B"), std::nullopt, std::nullopt, {},
                          10000)) == expected);
}

TEST_CASE("the workspace's practice index follows its writes", "[practices]") {
  Workspace ws;
  ws.import_bundle(world());
  const PracticeIndex before = ws.practices();
  CHECK(before.size() == 11);
  json more = {{"format", kBundleFormat}, {"version", kBundleVersion}};
  more["plans"] = {plan("pm5-2023", "m5", 2023, "approved",
                        {action("a1", "Biblioteca dei ragazzi", "", {"tx:T2"})})};
  ws.import_bundle(more);
  CHECK(ws.practices().size() == 12);
  CHECK(before.size() == 11);  // an index taken earlier stays as it was
  CHECK(refs(ws.practices().search(std::string("biblioteca"))) ==
        std::vector<std::string>{"pm5-2023/a1"});
  CHECK(before.search(std::string("biblioteca")).empty());
}

TEST_CASE("feedback is validated and feeds rating()", "[practices][feedback]") {
  Workspace ws;
  ws.import_bundle(world());
  CHECK_FALSE(ws.evaluate("rating()", "m2", 2022).has_value());
  ws.add_feedback({"pm2-2022/a1", 4, std::string("Ottimo servizio"), Date{2022, 5, 1}});
  CHECK(ws.evaluate("rating()", "m2", 2022) == 4.0);
  ws.add_feedback({"pm2-2022/a2", 1, std::nullopt, Date{2022, 6, 1}});
  CHECK(ws.evaluate("rating()", "m2", 2022) == 2.5);
  CHECK(ws.evaluate("rating()", "d1", 2022) == 2.5);
  CHECK(ws.model()->feedback.size() == 2);

  auto issues = issues_of([&] {
    ws.add_feedback({"pm2-2022/a1", 6, std::nullopt, Date{2022, 5, 1}});
  });
  civicplan::test::check_only_issue(issues, "feedback.rating", "from 1 to 5, got 6");
  issues = issues_of([&] { ws.add_feedback({"pm2-2022/a1", 3, std::nullopt, Date{2022, 2, 30}}); });
  civicplan::test::check_only_issue(issues, "feedback.date", "\"2022-02-30\"");
  issues = issues_of([&] { ws.add_feedback({"pm2-2022/a9", 3, std::nullopt, Date{2022, 3, 1}}); });
  civicplan::test::check_only_issue(issues, "feedback.action", "unknown action \"pm2-2022/a9\"");
  issues = issues_of([&] { ws.add_feedback({"nowhere", 0, std::nullopt, Date{2022, 13, 1}}); });
  CHECK(issues.size() == 3);
  CHECK(ws.model()->feedback.size() == 2);
  CHECK(ws.evaluate("rating()", "m2", 2022) == 2.5);
}
