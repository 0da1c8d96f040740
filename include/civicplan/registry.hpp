// SPDX-License-Identifier: Apache-2.0
// Public bodies (municipalities, unions, districts, ...) and their dated memberships.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"
#include "civicplan/shared_map.hpp"

namespace civicplan {

/// The kinds of body civicplan knows.
enum class BodyKind { kMunicipality, kUnion, kDistrict, kProvince, kRegion, kAgency, kOrganization };

CIVICPLAN_API const char* to_string(BodyKind kind);
CIVICPLAN_API std::optional<BodyKind> body_kind_from_string(const std::string& text);

/// A point on the map (WGS84 degrees).
struct Location {
  double lat = 0;
  double lon = 0;
  bool operator==(const Location& o) const { return lat == o.lat && lon == o.lon; }
};

/// Membership of a body in a parent body over an optional closed range of years.
struct Membership {
  std::string id;             ///< the parent body
  std::optional<int> from;    ///< first year (open when absent)
  std::optional<int> to;      ///< last year (open when absent)
  bool valid_in(int year) const { return (!from || *from <= year) && (!to || year <= *to); }
  bool operator==(const Membership& o) const { return id == o.id && from == o.from && to == o.to; }
};

/// A public body: municipality, union, district, province, region, agency or organization.
struct CIVICPLAN_API Body {
  std::string id;
  BodyKind kind = BodyKind::kMunicipality;
  std::string name;
  std::vector<Membership> parents;
  std::optional<Location> location;
  nlohmann::json attributes = nlohmann::json::object();
  bool operator==(const Body& o) const;
};

CIVICPLAN_API void to_json(nlohmann::json& j, const Body& body);

namespace detail { struct RegistryGraph; }

/// A membership cycle: its members in order (the first repeated at the end) and the first
/// year it holds, or no year when it holds from the beginning of time.
struct MembershipCycle {
  std::optional<int> year;
  std::vector<std::string> members;
};

/// Read-only queries over the membership graph of a set of bodies, year by year.
/// Built once from the bodies; cheap to copy (shared, immutable).
class CIVICPLAN_API Registry {
 public:
  Registry();
  explicit Registry(const std::map<std::string, Body>& bodies);
  explicit Registry(const SharedMap<std::string, Body>& bodies);

  /// True when the body exists.
  bool contains(const std::string& id) const;
  /// Direct parents of a body valid in `year`, sorted by id.
  std::vector<std::string> parents(const std::string& id, int year) const;
  /// Direct members of a body valid in `year`, sorted by id.
  std::vector<std::string> members(const std::string& id, int year) const;
  /// The body itself plus the distinct set of all its descendants in `year`, sorted by id.
  std::vector<std::string> scope(const std::string& id, int year) const;
  /// The members of the scope that have no members of their own in `year`, sorted by id.
  std::vector<std::string> leaves(const std::string& id, int year) const;
  /// Every body of the registry, sorted by id.
  std::vector<std::string> ids() const;
  /// A membership cycle in any year; nullopt if there is none.
  std::optional<MembershipCycle> find_cycle() const;
  /// Throws CycleError naming the cycle when the graph has one in some year.
  void check_acyclic() const;

 private:
  std::shared_ptr<const detail::RegistryGraph> graph_;
};

}  // namespace civicplan
