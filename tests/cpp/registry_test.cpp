// SPDX-License-Identifier: Apache-2.0
// Tests of bodies, dated memberships and the per-year membership queries.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/error.hpp"
#include "civicplan/registry.hpp"

using namespace civicplan;

namespace {

using Ids = std::vector<std::string>;

Body make_body(const std::string& id, BodyKind kind, std::vector<Membership> parents = {}) {
  Body b;
  b.id = id;
  b.kind = kind;
  b.name = "Body " + id;
  b.parents = std::move(parents);
  return b;
}

std::map<std::string, Body> by_id(const std::vector<Body>& bodies) {
  std::map<std::string, Body> out;
  for (const auto& b : bodies) out.emplace(b.id, b);
  return out;
}

/// A province with two districts and a union; m1 and m2 belong to the union, a district and
/// the province at once; m3 moves from d1 to d2 in 2022; d3 has no members.
std::map<std::string, Body> trentino() {
  return by_id({
      make_body("tn", BodyKind::kProvince),
      make_body("d1", BodyKind::kDistrict, {{"tn", {}, {}}}),
      make_body("d2", BodyKind::kDistrict, {{"tn", {}, {}}}),
      make_body("d3", BodyKind::kDistrict, {{"tn", {}, {}}}),
      make_body("u1", BodyKind::kUnion, {{"tn", {}, {}}}),
      make_body("m1", BodyKind::kMunicipality, {{"u1", {}, {}}, {"d1", {}, {}}, {"tn", {}, {}}}),
      make_body("m2", BodyKind::kMunicipality, {{"u1", {}, {}}, {"d1", {}, {}}, {"tn", {}, {}}}),
      make_body("m3", BodyKind::kMunicipality,
                {{"d1", {}, 2021}, {"d2", 2022, {}}, {"tn", {}, {}}}),
      make_body("m4", BodyKind::kMunicipality, {{"d2", {}, {}}, {"tn", {}, {}}}),
  });
}

}  // namespace

TEST_CASE("Body kinds convert to and from their names", "[registry]") {
  const std::vector<std::pair<BodyKind, std::string>> kinds = {
      {BodyKind::kMunicipality, "municipality"},
      {BodyKind::kUnion, "union"},
      {BodyKind::kDistrict, "district"},
      {BodyKind::kProvince, "province"},
      {BodyKind::kRegion, "region"},
      {BodyKind::kAgency, "agency"},
      {BodyKind::kOrganization, "organization"},
  };
  for (const auto& [kind, name] : kinds) {
    CHECK(std::string(to_string(kind)) == name);
    CHECK(body_kind_from_string(name) == kind);
  }
  CHECK_FALSE(body_kind_from_string("municipalty").has_value());
  CHECK_FALSE(body_kind_from_string("Municipality").has_value());
  CHECK_FALSE(body_kind_from_string("").has_value());
}

TEST_CASE("Membership::valid_in honours open and closed ends", "[registry]") {
  CHECK((Membership{"d", {}, {}}).valid_in(1900));
  CHECK((Membership{"d", 2021, {}}).valid_in(2021));
  CHECK_FALSE((Membership{"d", 2021, {}}).valid_in(2020));
  CHECK((Membership{"d", {}, 2021}).valid_in(2021));
  CHECK_FALSE((Membership{"d", {}, 2021}).valid_in(2022));
  CHECK((Membership{"d", 2020, 2022}).valid_in(2022));
  CHECK_FALSE((Membership{"d", 2020, 2022}).valid_in(2023));
}

TEST_CASE("A municipality belongs to a union, a district and a province at once", "[registry]") {
  const Registry r(trentino());
  CHECK(r.parents("m1", 2021) == Ids{"d1", "tn", "u1"});
  CHECK(r.members("u1", 2021) == Ids{"m1", "m2"});
  CHECK(r.members("d1", 2021) == Ids{"m1", "m2", "m3"});
  CHECK(r.members("tn", 2021) == Ids{"d1", "d2", "d3", "m1", "m2", "m3", "m4", "u1"});
  CHECK(r.parents("tn", 2021).empty());
}

TEST_CASE("Scope lists each descendant once even when reachable by several paths", "[registry]") {
  const Registry r(trentino());
  // m1 is reachable from tn directly, through u1 and through d1.
  CHECK(r.scope("tn", 2021) == Ids{"d1", "d2", "d3", "m1", "m2", "m3", "m4", "tn", "u1"});
  CHECK(r.scope("u1", 2021) == Ids{"m1", "m2", "u1"});
  CHECK(r.scope("m1", 2021) == Ids{"m1"});
}

TEST_CASE("Leaves are the scope members without members of their own", "[registry]") {
  const Registry r(trentino());
  CHECK(r.leaves("tn", 2021) == Ids{"d3", "m1", "m2", "m3", "m4"});
  CHECK(r.leaves("d1", 2021) == Ids{"m1", "m2", "m3"});
  CHECK(r.leaves("m4", 2021) == Ids{"m4"});
  // A district without members that year is its own leaf.
  CHECK(r.leaves("d3", 2021) == Ids{"d3"});
}

TEST_CASE("Memberships change with the year", "[registry]") {
  const Registry r(trentino());
  CHECK(r.parents("m3", 2021) == Ids{"d1", "tn"});
  CHECK(r.parents("m3", 2022) == Ids{"d2", "tn"});
  CHECK(r.members("d1", 2021) == Ids{"m1", "m2", "m3"});
  CHECK(r.members("d1", 2022) == Ids{"m1", "m2"});
  CHECK(r.members("d2", 2021) == Ids{"m4"});
  CHECK(r.members("d2", 2022) == Ids{"m3", "m4"});
  CHECK(r.scope("d2", 2022) == Ids{"d2", "m3", "m4"});
  CHECK(r.leaves("d2", 2022) == Ids{"m3", "m4"});
  CHECK(r.scope("d1", 2022) == Ids{"d1", "m1", "m2"});
  // The province holds m3 every year, through one district or the other.
  CHECK(r.scope("tn", 2020) == r.scope("tn", 2023));
}

TEST_CASE("Registry lists its bodies and knows which exist", "[registry]") {
  const Registry r(trentino());
  CHECK(r.ids() == Ids{"d1", "d2", "d3", "m1", "m2", "m3", "m4", "tn", "u1"});
  CHECK(r.contains("m1"));
  CHECK_FALSE(r.contains("m9"));
  const Registry copy = r;
  CHECK(copy.scope("tn", 2021) == r.scope("tn", 2021));

  const Registry empty;
  CHECK(empty.ids().empty());
  CHECK_FALSE(empty.contains("m1"));
  CHECK_FALSE(empty.find_cycle().has_value());
}

TEST_CASE("An acyclic registry has no cycle", "[registry]") {
  const Registry r(trentino());
  CHECK_FALSE(r.find_cycle().has_value());
  CHECK_NOTHROW(r.check_acyclic());
}

TEST_CASE("find_cycle finds a cycle that exists in one year only", "[registry]") {
  // a is in b only in 2021; b is in a always: the graph is cyclic in 2021 only.
  const Registry r(by_id({
      make_body("a", BodyKind::kUnion, {{"b", 2021, 2021}}),
      make_body("b", BodyKind::kDistrict, {{"a", {}, {}}}),
      make_body("c", BodyKind::kMunicipality, {{"a", {}, {}}}),
  }));
  auto cycle = r.find_cycle();
  REQUIRE(cycle.has_value());
  CHECK(cycle->year == 2021);
  const Ids& members = cycle->members;
  REQUIRE(members.size() == 3);
  CHECK(members.front() == members.back());
  CHECK(std::is_permutation(members.begin(), members.end() - 1, Ids{"a", "b"}.begin()));

  try {
    r.check_acyclic();
    FAIL("expected a CycleError");
  } catch (const CycleError& e) {
    CHECK(e.cycle() == members);
    const std::string what = e.what();
    CHECK(what.find("2021") != std::string::npos);
    CHECK(what.find(format_cycle(members)) != std::string::npos);
  }
}

TEST_CASE("Memberships that never overlap in time form no cycle", "[registry]") {
  const Registry r(by_id({
      make_body("a", BodyKind::kUnion, {{"b", 2020, 2020}}),
      make_body("b", BodyKind::kUnion, {{"a", 2021, 2022}}),
  }));
  CHECK_FALSE(r.find_cycle().has_value());
  CHECK(r.members("b", 2020) == Ids{"a"});
  CHECK(r.members("a", 2021) == Ids{"b"});
  CHECK(r.members("a", 2020).empty());
}

TEST_CASE("A cycle that holds in every year is found", "[registry]") {
  const Registry r(by_id({
      make_body("a", BodyKind::kUnion, {{"b", {}, {}}}),
      make_body("b", BodyKind::kUnion, {{"a", {}, {}}}),
  }));
  auto cycle = r.find_cycle();
  REQUIRE(cycle.has_value());
  REQUIRE(cycle->members.size() == 3);
  CHECK(cycle->members.front() == cycle->members.back());
  CHECK_THROWS_AS(r.check_acyclic(), CycleError);
}

TEST_CASE("A body that is its own member is a cycle", "[registry]") {
  const Registry r(by_id({make_body("a", BodyKind::kUnion, {{"a", 2019, {}}})}));
  auto cycle = r.find_cycle();
  REQUIRE(cycle.has_value());
  CHECK(cycle->members == Ids{"a", "a"});
  CHECK_THROWS_AS(r.check_acyclic(), CycleError);
}

TEST_CASE("Body converts to JSON with its bundle keys", "[registry]") {
  Body b = make_body("m3", BodyKind::kMunicipality, {{"d1", {}, 2021}, {"d2", 2022, {}}});
  b.location = Location{45.9, 10.9};
  b.attributes = {{"istat", "022006"}};
  nlohmann::json j = b;
  CHECK(j["id"] == "m3");
  CHECK(j["kind"] == "municipality");
  CHECK(j["name"] == "Body m3");
  REQUIRE(j["parents"].size() == 2);
  CHECK(j["parents"][0]["id"] == "d1");
  CHECK(j["parents"][0]["to"] == 2021);
  CHECK(j["parents"][1]["from"] == 2022);
  CHECK(j["location"]["lat"] == 45.9);
  CHECK(j["location"]["lon"] == 10.9);
  CHECK(j["attributes"]["istat"] == "022006");

  Body same = b;
  CHECK(same == b);
  same.parents[1].from = 2023;
  CHECK_FALSE(same == b);
}
