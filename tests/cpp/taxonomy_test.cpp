// SPDX-License-Identifier: Apache-2.0
// Tests of action taxonomies (poly-hierarchies of codes), category references and crosswalks.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/error.hpp"
#include "civicplan/taxonomy.hpp"

using namespace civicplan;

namespace {

using Ids = std::vector<std::string>;

TaxonomyNode node(const std::string& code, Ids parents = {}) {
  return TaxonomyNode{code, "Label " + code, std::move(parents), std::nullopt};
}

/// Three levels; X1 sits under both A1 and B1; Y has parents at depths 1 and 3.
Taxonomy family() {
  return Taxonomy("family-tn", "2021", "Family plan action types",
                  {
                      node("B"),
                      node("A"),
                      node("A1", {"A"}),
                      node("A2", {"A"}),
                      node("B1", {"B"}),
                      node("A1a", {"A1"}),
                      node("X1", {"A1", "B1"}),
                      node("Y", {"A1a", "B"}),
                  });
}

}  // namespace

TEST_CASE("Taxonomy keeps its identity and nodes in definition order", "[taxonomy]") {
  const Taxonomy t = family();
  CHECK(t.id() == "family-tn");
  CHECK(t.version() == "2021");
  CHECK(t.label() == "Family plan action types");
  REQUIRE(t.nodes().size() == 8);
  CHECK(t.nodes()[0].code == "B");
  CHECK(t.nodes()[6].code == "X1");
  CHECK(t.contains("X1"));
  CHECK_FALSE(t.contains("Z9"));
  CHECK(t.node("A1a").label == "Label A1a");
  CHECK(t.node("X1").parents == Ids{"A1", "B1"});
  CHECK_THROWS_AS(t.node("Z9"), NotFoundError);
}

TEST_CASE("Roots are the top-level codes in definition order", "[taxonomy]") {
  CHECK(family().roots() == Ids{"B", "A"});
}

TEST_CASE("Ancestors follow every parent of a poly-hierarchy", "[taxonomy]") {
  const Taxonomy t = family();
  CHECK(t.ancestors("A").empty());
  CHECK(t.ancestors("A1") == Ids{"A"});
  CHECK(t.ancestors("A1a") == Ids{"A", "A1"});
  CHECK(t.ancestors("X1") == Ids{"A", "A1", "B", "B1"});
  CHECK(t.ancestors("Y") == Ids{"A", "A1", "A1a", "B"});
}

TEST_CASE("Descendants are listed once each, sorted", "[taxonomy]") {
  const Taxonomy t = family();
  CHECK(t.descendants("A") == Ids{"A1", "A1a", "A2", "X1", "Y"});
  CHECK(t.descendants("B") == Ids{"B1", "X1", "Y"});
  CHECK(t.descendants("A1") == Ids{"A1a", "X1", "Y"});
  CHECK(t.descendants("X1").empty());
}

TEST_CASE("is_under includes the code itself and every descendant", "[taxonomy]") {
  const Taxonomy t = family();
  CHECK(t.is_under("A", "A"));
  CHECK(t.is_under("A1a", "A"));
  CHECK(t.is_under("X1", "A"));
  CHECK(t.is_under("X1", "B"));
  CHECK(t.is_under("X1", "B1"));
  CHECK(t.is_under("Y", "B"));
  CHECK_FALSE(t.is_under("A", "A1"));
  CHECK_FALSE(t.is_under("A2", "B"));
  CHECK_FALSE(t.is_under("B1", "A"));
}

TEST_CASE("Depth is one more than the shallowest parent", "[taxonomy]") {
  const Taxonomy t = family();
  CHECK(t.depth("A") == 1);
  CHECK(t.depth("B") == 1);
  CHECK(t.depth("A1") == 2);
  CHECK(t.depth("A1a") == 3);
  CHECK(t.depth("X1") == 3);
  // Y's parents are at depth 3 (A1a) and 1 (B).
  CHECK(t.depth("Y") == 2);
}

TEST_CASE("ancestors_at_depth gives the code or its ancestors at that depth", "[taxonomy]") {
  const Taxonomy t = family();
  CHECK(t.ancestors_at_depth("X1", 1) == Ids{"A", "B"});
  CHECK(t.ancestors_at_depth("X1", 2) == Ids{"A1", "B1"});
  CHECK(t.ancestors_at_depth("X1", 3) == Ids{"X1"});
  CHECK(t.ancestors_at_depth("A1a", 1) == Ids{"A"});
  CHECK(t.ancestors_at_depth("A", 1) == Ids{"A"});
  CHECK(t.ancestors_at_depth("A", 2).empty());
  CHECK(t.ancestors_at_depth("Y", 2) == Ids{"A1", "Y"});  // A1 is at depth 2 too
  CHECK(t.ancestors_at_depth("Y", 1) == Ids{"A", "B"});
}

TEST_CASE("An acyclic taxonomy has no cycle", "[taxonomy]") {
  CHECK_FALSE(family().find_cycle().has_value());
  CHECK_FALSE(Taxonomy().find_cycle().has_value());
}

TEST_CASE("find_cycle names a cycle among parent links", "[taxonomy]") {
  const Taxonomy t("t", "1", "T",
                   {node("R"), node("A", {"R", "C"}), node("B", {"A"}), node("C", {"B"})});
  auto cycle = t.find_cycle();
  REQUIRE(cycle.has_value());
  REQUIRE(cycle->size() == 4);
  CHECK(cycle->front() == cycle->back());
  CHECK(std::is_permutation(cycle->begin(), cycle->end() - 1, Ids{"A", "B", "C"}.begin()));

  const Taxonomy self("t", "1", "T", {node("A", {"A"})});
  REQUIRE(self.find_cycle().has_value());
  CHECK(*self.find_cycle() == Ids{"A", "A"});
}

TEST_CASE("Taxonomies compare by identity and nodes", "[taxonomy]") {
  CHECK(family() == family());
  Taxonomy other("family-tn", "2022", "Family plan action types", family().nodes());
  CHECK_FALSE(other == family());
}

TEST_CASE("Taxonomy converts to JSON with its bundle keys", "[taxonomy]") {
  Taxonomy t("t", "1", "T", {node("A"), TaxonomyNode{"A1", "Childcare", {"A"}, "Nurseries"}});
  nlohmann::json j = t;
  CHECK(j["id"] == "t");
  CHECK(j["version"] == "1");
  CHECK(j["label"] == "T");
  REQUIRE(j["nodes"].size() == 2);
  CHECK(j["nodes"][1]["code"] == "A1");
  CHECK(j["nodes"][1]["label"] == "Childcare");
  CHECK(j["nodes"][1]["parents"] == nlohmann::json::array({"A"}));
  CHECK(j["nodes"][1]["description"] == "Nurseries");
}

TEST_CASE("CategoryRef::parse splits at the first colon", "[taxonomy]") {
  auto ref = CategoryRef::parse("family-tn:A1a");
  REQUIRE(ref.has_value());
  CHECK(ref->taxonomy == "family-tn");
  CHECK(ref->code == "A1a");
  CHECK(ref->to_string() == "family-tn:A1a");

  auto nested = CategoryRef::parse("t:a:b");
  REQUIRE(nested.has_value());
  CHECK(nested->taxonomy == "t");
  CHECK(nested->code == "a:b");

  CHECK_FALSE(CategoryRef::parse("A1a").has_value());
  CHECK_FALSE(CategoryRef::parse(":A1a").has_value());
  CHECK_FALSE(CategoryRef::parse("family-tn:").has_value());
  CHECK_FALSE(CategoryRef::parse(":").has_value());
  CHECK_FALSE(CategoryRef::parse("").has_value());
}

TEST_CASE("Crosswalk::map gives every paired code, sorted", "[taxonomy]") {
  const Crosswalk c{
      "tn-to-it", "family-tn", "family-it", {{"A1", "F2"}, {"A", "F"}, {"A1", "F1"}, {"X1", "F1"}}};
  CHECK(c.map("A1") == Ids{"F1", "F2"});
  CHECK(c.map("A") == Ids{"F"});
  CHECK(c.map("B").empty());

  nlohmann::json j = c;
  CHECK(j["id"] == "tn-to-it");
  CHECK(j["from"] == "family-tn");
  CHECK(j["to"] == "family-it");
  REQUIRE(j["pairs"].size() == 4);
  CHECK(j["pairs"][0] == nlohmann::json::array({"A1", "F2"}));
}

TEST_CASE("Free is_under works on full references over a set of taxonomies", "[taxonomy]") {
  std::map<std::string, Taxonomy> taxonomies;
  taxonomies.emplace("family-tn", family());
  taxonomies.emplace("it", Taxonomy("it", "1", "IT", {node("A"), node("A1", {"A"})}));

  CHECK(is_under(taxonomies, "family-tn:X1", "family-tn:B"));
  CHECK(is_under(taxonomies, "family-tn:X1", "family-tn:X1"));
  CHECK(is_under(taxonomies, "it:A1", "it:A"));
  CHECK_FALSE(is_under(taxonomies, "family-tn:A2", "family-tn:B"));
  // Same codes in another taxonomy are not related.
  CHECK_FALSE(is_under(taxonomies, "it:A1", "family-tn:A"));
  CHECK_FALSE(is_under(taxonomies, "family-tn:A1", "it:A"));
  // Unknown taxonomies and malformed references are under nothing.
  CHECK_FALSE(is_under(taxonomies, "nope:A1", "nope:A"));
  CHECK_FALSE(is_under(taxonomies, "A1", "family-tn:A"));
}
