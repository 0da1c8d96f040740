// SPDX-License-Identifier: Apache-2.0
// The one graph-cycle finder: a back edge of Boost.Graph's depth-first search closes a cycle,
// recovered through the tree-edge parents.
#include "base/cycles.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>

namespace civicplan::detail {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

struct CycleFound {
  std::vector<std::size_t> members;
};

struct CycleVisitor : boost::default_dfs_visitor {
  std::vector<std::size_t>* parent;
  explicit CycleVisitor(std::vector<std::size_t>* p) : parent(p) {}
  void tree_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    // Walk from the source up the search tree to the target: v -> ... -> u -> v.
    std::size_t u = boost::source(e, g), v = boost::target(e, g);
    std::vector<std::size_t> path{u};
    while (path.back() != v) path.push_back((*parent)[path.back()]);
    std::reverse(path.begin(), path.end());
    path.push_back(v);
    throw CycleFound{path};
  }
};
}  // namespace

std::optional<std::vector<std::size_t>> find_cycle(std::size_t vertices,
                                                   const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  Graph g(vertices);
  for (const auto& [a, b] : edges) boost::add_edge(a, b, g);
  std::vector<std::size_t> parent(vertices);
  try {
    boost::depth_first_search(g, boost::visitor(CycleVisitor(&parent)));
  } catch (const CycleFound& found) {
    return found.members;
  }
  return std::nullopt;
}

DependencyGraph::DependencyGraph(std::vector<std::string> names) : names_(std::move(names)) {
  for (std::size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], i);
}

void DependencyGraph::add(const std::string& from, const std::string& to) {
  auto a = index_.find(from), b = index_.find(to);
  if (a != index_.end() && b != index_.end()) edges_.emplace_back(a->second, b->second);
}

std::optional<std::vector<std::string>> DependencyGraph::cycle() const {
  auto found = find_cycle(names_.size(), edges_);
  if (!found) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(found->size());
  for (auto v : *found) out.push_back(names_[v]);
  return out;
}

DependencyGraph DependencyGraph::from_adjacency(const std::map<std::string, std::vector<std::string>>& adjacency) {
  std::set<std::string> names;
  for (const auto& [from, to] : adjacency) {
    names.insert(from);
    names.insert(to.begin(), to.end());
  }
  DependencyGraph graph(std::vector<std::string>(names.begin(), names.end()));
  for (const auto& [from, to] : adjacency) {
    for (const auto& t : to) graph.add(from, t);
  }
  return graph;
}

}  // namespace civicplan::detail
