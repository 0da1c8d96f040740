// SPDX-License-Identifier: Apache-2.0
// The whole data model of a workspace as plain values, sorted by key.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"
#include "civicplan/plan.hpp"
#include "civicplan/records.hpp"
#include "civicplan/registry.hpp"
#include "civicplan/shared_map.hpp"
#include "civicplan/taxonomy.hpp"
#include "civicplan/user.hpp"

namespace civicplan {

/// (body, variable, year)
using StatisticKey = std::tuple<std::string, std::string, int>;
/// (body, scheme, date)
using CertificationKey = std::tuple<std::string, std::string, std::string>;
/// (body, service, year)
using LedgerKey = std::tuple<std::string, std::string, int>;

/// Everything a workspace holds. Objects with ids are keyed by id; keyed records by their
/// natural key, so a later import of the same key replaces the record. The containers are
/// SharedMap and SharedSet: a copy of a Model shares every object with its original and pays
/// only for what is then changed, so each commit's snapshot costs what the commit changed.
struct CIVICPLAN_API Model {
  SharedMap<std::string, Body> bodies;
  SharedMap<std::string, Taxonomy> taxonomies;
  SharedMap<std::string, Crosswalk> crosswalks;
  SharedMap<std::string, Plan> plans;
  SharedMap<StatisticKey, Statistic> statistics;
  SharedSet<Feedback> feedback;
  SharedMap<std::string, Place> places;
  SharedMap<CertificationKey, CertificationRecord> certifications;
  SharedMap<std::string, Case> cases;
  SharedMap<LedgerKey, LedgerEntry> ledger;
  /// Indicator definitions (DESIGN §6), kept as JSON objects keyed by "id".
  SharedMap<std::string, nlohmann::json> indicators;
  /// Certification rulesets (DESIGN §7), kept as JSON objects keyed by "id".
  SharedMap<std::string, nlohmann::json> rulesets;
  SharedMap<std::string, User> users;

  /// Calls `f(kind, container...)` for every kind of object, in bundle order (the order of
  /// bundle_kinds()), with that kind's container of each model given: the one list of the
  /// kinds that merging, counting, checking, storing and printing go through.
  template <class F, class... Models>
  static void each_kind(F&& f, Models&... m) {
    f("bodies", m.bodies...);
    f("taxonomies", m.taxonomies...);
    f("crosswalks", m.crosswalks...);
    f("plans", m.plans...);
    f("statistics", m.statistics...);
    f("feedback", m.feedback...);
    f("certifications", m.certifications...);
    f("cases", m.cases...);
    f("ledger", m.ledger...);
    f("places", m.places...);
    f("indicators", m.indicators...);
    f("rulesets", m.rulesets...);
    f("users", m.users...);
  }

  /// Adds or replaces every object of `other` (by id or natural key).
  void merge(const Model& other);
  /// Number of objects of every kind, by bundle array name.
  std::map<std::string, std::size_t> counts() const;
  bool empty() const;
  bool operator==(const Model& o) const;
  bool operator!=(const Model& o) const { return !(*this == o); }
};

/// The kinds of object a bundle holds, in bundle order: the names of its arrays and of the
/// Model members that hold them (DESIGN §4).
CIVICPLAN_API const std::vector<std::string>& bundle_kinds();

/// The action `ref` ("<plan>/<action>") of the model, or nullptr.
CIVICPLAN_API const Action* find_action(const Model& model, const std::string& ref);

}  // namespace civicplan
