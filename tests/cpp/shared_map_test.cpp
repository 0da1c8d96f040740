// SPDX-License-Identifier: Apache-2.0
// Tests of SharedMap and SharedSet: copies share what they have not changed, and a change of
// one never shows in another.
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/model.hpp"
#include "civicplan/shared_map.hpp"

using namespace civicplan;

namespace {

SharedMap<std::string, std::vector<int>> numbers(int n) {
  SharedMap<std::string, std::vector<int>> m;
  for (int i = 0; i < n; ++i) m[std::to_string(i)] = {i, i * i};
  return m;
}

}  // namespace

TEST_CASE("A SharedMap reads like a sorted std::map", "[shared_map]") {
  SharedMap<std::string, int> m{{"b", 2}, {"a", 1}};
  m["c"] = 3;
  CHECK(m.size() == 3);
  std::vector<std::string> keys;
  for (const auto& [k, v] : m) keys.push_back(k + "=" + std::to_string(v));
  CHECK(keys == std::vector<std::string>{"a=1", "b=2", "c=3"});
  CHECK(m.at("b") == 2);
  CHECK_THROWS_AS(m.at("z"), std::out_of_range);
  CHECK_THROWS_AS(m.edit("z"), std::out_of_range);
  CHECK(m.find("z") == m.end());
  CHECK(m.count("a") == 1);
  CHECK(m.lower_bound("bb")->first == "c");
  CHECK_FALSE(m.emplace("a", 10).second);
  CHECK(m.at("a") == 1);
  CHECK_FALSE(m.insert_or_assign("a", 10).second);
  CHECK(m.at("a") == 10);
  CHECK(m.erase("b") == 1);
  CHECK(m.erase("b") == 0);
  CHECK(m.erase(m.find("a"))->first == "c");
  CHECK(m.size() == 1);
  m.clear();
  CHECK(m.empty());
  CHECK(m.begin() == m.end());
}

TEST_CASE("A copy of a SharedMap shares its elements until one changes", "[shared_map]") {
  auto original = numbers(100);
  const auto* first = &original.at("7");
  auto copy = original;
  CHECK(copy.shares(original));
  CHECK(&copy.at("7") == first);  // the very same element, not a copy of it
  CHECK(copy == original);

  copy["7"].push_back(-1);
  copy.edit("8").clear();
  copy.erase("9");
  copy["new"] = {1};

  // The original is as it was, and the copy shares all it did not change.
  CHECK(original.at("7") == std::vector<int>{7, 49});
  CHECK(original.at("8") == std::vector<int>{8, 64});
  CHECK(original.count("9") == 1);
  CHECK(original.count("new") == 0);
  CHECK(&original.at("7") == first);
  CHECK(copy.at("7") == std::vector<int>{7, 49, -1});
  CHECK(copy.at("8").empty());
  CHECK(&copy.at("6") == &original.at("6"));
  CHECK_FALSE(copy.shares(original));
  CHECK(copy != original);

  // A change of a map no other shares is made in place.
  auto* own = &copy["7"];
  copy["7"].push_back(-2);
  CHECK(&copy.at("7") == own);
}

TEST_CASE("insert_or_assign replaces an element without changing maps that share it", "[shared_map]") {
  auto a = numbers(3);
  auto b = a;
  b.insert_or_assign("1", std::vector<int>{0});
  CHECK(a.at("1") == std::vector<int>{1, 1});
  CHECK(b.at("1") == std::vector<int>{0});
}

TEST_CASE("Equal maps compare equal whether or not they share", "[shared_map]") {
  auto a = numbers(10);
  auto b = numbers(10);
  CHECK_FALSE(a.shares(b));
  CHECK(a == b);
  b["3"].push_back(0);
  CHECK(a != b);
  CHECK(SharedMap<std::string, int>{} == SharedMap<std::string, int>{});
}

TEST_CASE("merge_shared adds and replaces by sharing the other map's elements", "[shared_map]") {
  auto base = numbers(5);
  SharedMap<std::string, std::vector<int>> delta;
  delta["2"] = {0};
  delta["x"] = {1};
  auto merged = base;
  merged.merge_shared(delta);
  CHECK(merged.size() == 6);
  CHECK(&merged.at("2") == &delta.at("2"));
  CHECK(&merged.at("x") == &delta.at("x"));
  CHECK(&merged.at("3") == &base.at("3"));
  CHECK(base.at("2") == std::vector<int>{2, 4});
  // Changing the merged map afterwards leaves the delta alone.
  merged["x"].push_back(2);
  CHECK(delta.at("x") == std::vector<int>{1});
}

TEST_CASE("A SharedSet keeps sorted unique elements and copies share them", "[shared_map]") {
  SharedSet<std::string> s{"b", "a"};
  CHECK_FALSE(s.insert("a").second);
  auto copy = s;
  copy.insert("c");
  copy.erase("a");
  CHECK(std::vector<std::string>(s.begin(), s.end()) == std::vector<std::string>{"a", "b"});
  CHECK(std::vector<std::string>(copy.begin(), copy.end()) == std::vector<std::string>{"b", "c"});
  CHECK(&*copy.find("b") == &*s.find("b"));
  SharedSet<std::string> more{"z"};
  copy.merge_shared(more);
  CHECK(copy.count("z") == 1);
  CHECK(copy != s);
}

TEST_CASE("Copies of a Model share their objects: a copy costs what is then changed", "[shared_map][model]") {
  Model m;
  for (int i = 0; i < 1000; ++i) {
    Plan p;
    p.id = "p" + std::to_string(i);
    p.body = "b";
    p.actions.resize(10);
    m.plans[p.id] = p;
  }
  Model next = m;
  next.plans["p5"].title = "changed";
  CHECK(m.plans.at("p5").title.empty());
  CHECK(&next.plans.at("p6") == &m.plans.at("p6"));
  CHECK(next.bodies.shares(m.bodies));
  CHECK(next != m);
}

TEST_CASE("Readers of a shared map see no change made through a copy on another thread", "[shared_map]") {
  const auto original = numbers(2000);
  std::vector<std::thread> readers;
  std::vector<long> sums(4, 0);
  for (std::size_t t = 0; t < sums.size(); ++t) {
    readers.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (const auto& kv : original) sums[t] += kv.second.back();
      }
    });
  }
  auto copy = original;
  for (int i = 0; i < 2000; ++i) copy[std::to_string(i)].push_back(0);
  for (auto& r : readers) r.join();
  long expected = 0;
  for (int i = 0; i < 2000; ++i) expected += static_cast<long>(i) * i;
  for (long s : sums) CHECK(s == expected * 20);
  CHECK(copy.at("3").back() == 0);
}

TEST_CASE("emplace and insert_or_assign take a key that refers into the moved value", "[shared_map]") {
  SharedMap<std::string, Plan> plans;
  Plan p;
  p.id = "pf-1";
  plans.emplace(p.id, std::move(p));
  Plan q;
  q.id = "pf-2";
  plans.insert_or_assign(q.id, std::move(q));
  Plan r;
  r.id = "pf-2";
  r.title = "again";
  plans.insert_or_assign(r.id, std::move(r));
  REQUIRE(plans.size() == 2);
  CHECK(plans.begin()->first == "pf-1");
  CHECK(plans.at("pf-1").id == "pf-1");
  CHECK(plans.at("pf-2").title == "again");
}
