// SPDX-License-Identifier: Apache-2.0
// Dependencies between named definitions (indicators citing indicators, rulesets citing
// schemes) and the cycle a depth-first search finds among them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace civicplan::detail {

class DependencyGraph {
 public:
  /// One vertex per name, in the given order (the order the search visits them).
  explicit DependencyGraph(std::vector<std::string> names);
  /// `from` depends on `to`; a name that is not a vertex is ignored (reported elsewhere).
  void add(const std::string& from, const std::string& to);
  /// The first cycle found, as names from where it closes back round to it ("a", "b", "a"),
  /// or nullopt when there is none.
  std::optional<std::vector<std::string>> cycle() const;

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::pair<std::size_t, std::size_t>> edges_;
};

}  // namespace civicplan::detail
