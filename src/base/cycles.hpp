// SPDX-License-Identifier: Apache-2.0
// The one graph-cycle finder (Boost.Graph depth-first search), used for memberships, taxonomy
// parents, action dependencies, plan links, indicator and ruleset references.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace civicplan::detail {

/// The first cycle a depth-first search finds in the directed graph over vertices
/// 0..vertices-1 with `edges` (from, to): the search starts from the vertices in order and
/// follows each vertex's edges in the order given. The cycle runs from the vertex where it
/// closes back round to it ({a, b, a}; a self-loop is {a, a}), or nullopt when there is none.
std::optional<std::vector<std::size_t>> find_cycle(std::size_t vertices,
                                                   const std::vector<std::pair<std::size_t, std::size_t>>& edges);

/// Dependencies between named things, and the cycle find_cycle() finds among them.
class DependencyGraph {
 public:
  /// One vertex per name, in the given order (the order the search visits them).
  explicit DependencyGraph(std::vector<std::string> names);
  /// `from` depends on `to`; a name that is not a vertex is ignored (reported elsewhere).
  void add(const std::string& from, const std::string& to);
  /// The first cycle found, as names from where it closes back round to it ("a", "b", "a"),
  /// or nullopt when there is none.
  std::optional<std::vector<std::string>> cycle() const;

  /// The graph of adjacency lists `adjacency` (a name → the names it depends on), over every
  /// name it mentions in sorted order.
  static DependencyGraph from_adjacency(const std::map<std::string, std::vector<std::string>>& adjacency);

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::pair<std::size_t, std::size_t>> edges_;
};

}  // namespace civicplan::detail
