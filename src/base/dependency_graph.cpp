// SPDX-License-Identifier: Apache-2.0
// Cycle detection over definition dependencies with Boost.Graph: a back edge of the
// depth-first search closes a cycle, recovered through the tree-edge parents.
#include "base/dependency_graph.hpp"

#include <algorithm>
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
    std::size_t u = boost::source(e, g), v = boost::target(e, g);
    std::vector<std::size_t> path{u};
    while (path.back() != v) path.push_back((*parent)[path.back()]);
    std::reverse(path.begin(), path.end());
    path.push_back(v);
    throw CycleFound{path};
  }
};
}  // namespace

DependencyGraph::DependencyGraph(std::vector<std::string> names) : names_(std::move(names)) {
  for (std::size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], i);
}

void DependencyGraph::add(const std::string& from, const std::string& to) {
  auto a = index_.find(from), b = index_.find(to);
  if (a != index_.end() && b != index_.end()) edges_.emplace_back(a->second, b->second);
}

std::optional<std::vector<std::string>> DependencyGraph::cycle() const {
  Graph g(names_.size());
  for (const auto& [a, b] : edges_) boost::add_edge(a, b, g);
  std::vector<std::size_t> parent(names_.size());
  try {
    boost::depth_first_search(g, boost::visitor(CycleVisitor(&parent)));
  } catch (const CycleFound& found) {
    std::vector<std::string> out;
    for (auto v : found.members) out.push_back(names_[v]);
    return out;
  }
  return std::nullopt;
}

}  // namespace civicplan::detail
