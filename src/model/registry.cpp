// SPDX-License-Identifier: Apache-2.0
// Bodies and the dated membership graph (Boost.Graph, behind a pimpl).
#include "civicplan/registry.hpp"

#include <algorithm>
#include <climits>
#include <set>
#include <unordered_map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>

#include "base/cycles.hpp"
#include "civicplan/error.hpp"

namespace civicplan {

const char* to_string(BodyKind kind) {
  switch (kind) {
    case BodyKind::kMunicipality: return "municipality";
    case BodyKind::kUnion: return "union";
    case BodyKind::kDistrict: return "district";
    case BodyKind::kProvince: return "province";
    case BodyKind::kRegion: return "region";
    case BodyKind::kAgency: return "agency";
    case BodyKind::kOrganization: return "organization";
  }
  return "?";
}

std::optional<BodyKind> body_kind_from_string(const std::string& text) {
  for (auto k : {BodyKind::kMunicipality, BodyKind::kUnion, BodyKind::kDistrict, BodyKind::kProvince,
                 BodyKind::kRegion, BodyKind::kAgency, BodyKind::kOrganization}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

bool Body::operator==(const Body& o) const {
  return id == o.id && kind == o.kind && name == o.name && parents == o.parents && location == o.location &&
         attributes == o.attributes;
}

void to_json(nlohmann::json& j, const Body& b) {
  j = nlohmann::json::object();
  j["id"] = b.id;
  j["kind"] = to_string(b.kind);
  j["name"] = b.name;
  auto parents = nlohmann::json::array();
  for (const auto& m : b.parents) {
    nlohmann::json p{{"id", m.id}};
    if (m.from) p["from"] = *m.from;
    if (m.to) p["to"] = *m.to;
    parents.push_back(std::move(p));
  }
  j["parents"] = std::move(parents);
  if (b.location) j["location"] = {{"lat", b.location->lat}, {"lon", b.location->lon}};
  if (!b.attributes.empty()) j["attributes"] = b.attributes;
}

namespace detail {

struct MembershipEdge {
  int from = INT_MIN;
  int to = INT_MAX;
};

// Edges run from a parent to its member, so descendants are reachable along out-edges.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                                    MembershipEdge>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

struct RegistryGraph {
  std::vector<std::string> ids;  // sorted; vertex i is ids[i]
  std::unordered_map<std::string, Vertex> index;
  Graph graph;
  std::vector<int> breakpoints;  // the years at which the set of valid edges may change
};

namespace {

struct InYear {
  const Graph* g = nullptr;
  int year = 0;
  bool operator()(const Edge& e) const {
    const auto& p = (*g)[e];
    return p.from <= year && year <= p.to;
  }
};

using YearGraph = boost::filtered_graph<Graph, InYear>;

struct Collect : boost::default_bfs_visitor {
  std::vector<Vertex>* out;
  explicit Collect(std::vector<Vertex>* o) : out(o) {}
  template <class G>
  void discover_vertex(Vertex v, const G&) const { out->push_back(v); }
};

}  // namespace
}  // namespace detail

Registry::Registry() : graph_(std::make_shared<detail::RegistryGraph>()) {}

namespace detail {
namespace {
// The membership graph of `bodies`, a sorted map from id to Body.
template <class Bodies>
std::shared_ptr<const RegistryGraph> build_graph(const Bodies& bodies) {
  auto g = std::make_shared<RegistryGraph>();
  g->ids.reserve(bodies.size());
  for (const auto& kv : bodies) g->ids.push_back(kv.first);
  g->graph = Graph(g->ids.size());
  for (std::size_t i = 0; i < g->ids.size(); ++i) g->index.emplace(g->ids[i], i);
  std::set<int> breaks;
  for (const auto& kv : bodies) {
    const auto child = g->index.at(kv.first);
    for (const auto& m : kv.second.parents) {
      auto it = g->index.find(m.id);
      if (it == g->index.end()) continue;  // dangling references are reported by validation
      MembershipEdge e;
      if (m.from) {
        e.from = *m.from;
        breaks.insert(*m.from);
      }
      if (m.to) {
        e.to = *m.to;
        if (*m.to < INT_MAX) breaks.insert(*m.to + 1);
      }
      boost::add_edge(it->second, child, e, g->graph);
    }
  }
  g->breakpoints.push_back(INT_MIN);
  g->breakpoints.insert(g->breakpoints.end(), breaks.begin(), breaks.end());
  return g;
}
}  // namespace
}  // namespace detail

Registry::Registry(const std::map<std::string, Body>& bodies) : graph_(detail::build_graph(bodies)) {}
Registry::Registry(const SharedMap<std::string, Body>& bodies) : graph_(detail::build_graph(bodies)) {}

bool Registry::contains(const std::string& id) const { return graph_->index.count(id) > 0; }

std::vector<std::string> Registry::ids() const { return graph_->ids; }

std::vector<std::string> Registry::parents(const std::string& id, int year) const {
  std::vector<std::string> out;
  auto it = graph_->index.find(id);
  if (it == graph_->index.end()) return out;
  const auto& g = graph_->graph;
  for (auto [e, end] = boost::in_edges(it->second, g); e != end; ++e) {
    if (g[*e].from <= year && year <= g[*e].to) out.push_back(graph_->ids[boost::source(*e, g)]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> Registry::members(const std::string& id, int year) const {
  std::vector<std::string> out;
  auto it = graph_->index.find(id);
  if (it == graph_->index.end()) return out;
  const auto& g = graph_->graph;
  for (auto [e, end] = boost::out_edges(it->second, g); e != end; ++e) {
    if (g[*e].from <= year && year <= g[*e].to) out.push_back(graph_->ids[boost::target(*e, g)]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> Registry::scope(const std::string& id, int year) const {
  std::vector<std::string> out;
  auto it = graph_->index.find(id);
  if (it == graph_->index.end()) return out;
  detail::YearGraph fg(graph_->graph, detail::InYear{&graph_->graph, year});
  std::vector<detail::Vertex> found;
  std::vector<boost::default_color_type> colors(boost::num_vertices(graph_->graph));
  boost::breadth_first_search(
      fg, it->second,
      boost::visitor(detail::Collect(&found))
          .color_map(boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, fg))));
  std::sort(found.begin(), found.end());  // ids are sorted, so vertex order is id order
  out.reserve(found.size());
  for (auto v : found) out.push_back(graph_->ids[v]);
  return out;
}

std::vector<std::string> Registry::leaves(const std::string& id, int year) const {
  std::vector<std::string> out;
  for (auto& member : scope(id, year)) {
    if (members(member, year).empty()) out.push_back(std::move(member));
  }
  return out;
}

std::optional<MembershipCycle> Registry::find_cycle() const {
  const auto& g = graph_->graph;
  const auto n = boost::num_vertices(g);
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (int year : graph_->breakpoints) {
    // The memberships valid in `year`, each vertex's in the order they were added.
    edges.clear();
    for (std::size_t v = 0; v < n; ++v) {
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
        if (g[*e].from <= year && year <= g[*e].to) edges.emplace_back(v, boost::target(*e, g));
      }
    }
    if (auto found = detail::find_cycle(n, edges)) {
      MembershipCycle cycle;
      if (year != INT_MIN) cycle.year = year;
      for (auto v : *found) cycle.members.push_back(graph_->ids[v]);
      return cycle;
    }
  }
  return std::nullopt;
}

void Registry::check_acyclic() const {
  if (auto c = find_cycle()) {
    std::string what = c->year ? "membership (in " + std::to_string(*c->year) + ")" : "membership";
    throw CycleError(what, c->members);
  }
}

}  // namespace civicplan
