// SPDX-License-Identifier: Apache-2.0
// Taxonomy DAG queries and crosswalks.
#include "civicplan/taxonomy.hpp"

#include <algorithm>
#include <climits>
#include <deque>
#include <set>
#include <unordered_map>

#include "base/cycles.hpp"
#include "civicplan/error.hpp"

namespace civicplan {

namespace detail {
struct TaxonomyIndex {
  std::unordered_map<std::string, std::size_t> position;      // code -> node index
  std::vector<std::vector<std::size_t>> parents;               // by node index (known codes only)
  std::vector<std::vector<std::size_t>> children;
  std::vector<int> depth;                                      // 0 when undefined (cycle)
};
}  // namespace detail

std::optional<CategoryRef> CategoryRef::parse(const std::string& ref) {
  auto colon = ref.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == ref.size()) return std::nullopt;
  return CategoryRef{ref.substr(0, colon), ref.substr(colon + 1)};
}

Taxonomy::Taxonomy(std::string id, std::string version, std::string label, std::vector<TaxonomyNode> nodes)
    : id_(std::move(id)), version_(std::move(version)), label_(std::move(label)), nodes_(std::move(nodes)) {
  auto idx = std::make_shared<detail::TaxonomyIndex>();
  const std::size_t n = nodes_.size();
  for (std::size_t i = 0; i < n; ++i) idx->position.emplace(nodes_[i].code, i);
  idx->parents.resize(n);
  idx->children.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& p : nodes_[i].parents) {
      auto it = idx->position.find(p);
      if (it == idx->position.end()) continue;
      idx->parents[i].push_back(it->second);
      idx->children[it->second].push_back(i);
    }
  }
  // Depth by breadth-first layering from the roots: shortest distance to a root, plus one.
  idx->depth.assign(n, 0);
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < n; ++i) {
    if (idx->parents[i].empty()) {
      idx->depth[i] = 1;
      queue.push_back(i);
    }
  }
  while (!queue.empty()) {
    auto i = queue.front();
    queue.pop_front();
    for (auto c : idx->children[i]) {
      if (idx->depth[c] == 0) {
        idx->depth[c] = idx->depth[i] + 1;
        queue.push_back(c);
      }
    }
  }
  index_ = std::move(idx);
}

std::shared_ptr<const detail::TaxonomyIndex> Taxonomy::index() const {
  static const auto empty = std::make_shared<const detail::TaxonomyIndex>();
  return index_ ? index_ : empty;
}

bool Taxonomy::contains(const std::string& code) const { return index()->position.count(code) > 0; }

const TaxonomyNode& Taxonomy::node(const std::string& code) const {
  auto idx = index();
  auto it = idx->position.find(code);
  if (it == idx->position.end()) throw NotFoundError("category", id_ + ":" + code);
  return nodes_[it->second];
}

namespace {
std::vector<std::size_t> reach(const std::vector<std::vector<std::size_t>>& adj, std::size_t start) {
  std::vector<char> seen(adj.size(), 0);
  std::vector<std::size_t> stack{start}, out;
  seen[start] = 1;
  while (!stack.empty()) {
    auto i = stack.back();
    stack.pop_back();
    for (auto j : adj[i]) {
      if (!seen[j]) {
        seen[j] = 1;
        out.push_back(j);
        stack.push_back(j);
      }
    }
  }
  return out;
}
}  // namespace

std::vector<std::string> Taxonomy::ancestors(const std::string& code) const {
  auto idx = index();
  auto it = idx->position.find(code);
  if (it == idx->position.end()) throw NotFoundError("category", id_ + ":" + code);
  std::vector<std::string> out;
  for (auto i : reach(idx->parents, it->second)) {
    if (i != it->second) out.push_back(nodes_[i].code);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Taxonomy::descendants(const std::string& code) const {
  auto idx = index();
  auto it = idx->position.find(code);
  if (it == idx->position.end()) throw NotFoundError("category", id_ + ":" + code);
  std::vector<std::string> out;
  for (auto i : reach(idx->children, it->second)) {
    if (i != it->second) out.push_back(nodes_[i].code);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool Taxonomy::is_under(const std::string& code, const std::string& ancestor) const {
  auto idx = index();
  auto a = idx->position.find(code);
  auto b = idx->position.find(ancestor);
  if (a == idx->position.end() || b == idx->position.end()) return false;
  if (a->second == b->second) return true;
  for (auto i : reach(idx->parents, a->second)) {
    if (i == b->second) return true;
  }
  return false;
}

int Taxonomy::depth(const std::string& code) const {
  auto idx = index();
  auto it = idx->position.find(code);
  if (it == idx->position.end()) throw NotFoundError("category", id_ + ":" + code);
  return idx->depth[it->second];
}

std::vector<std::string> Taxonomy::ancestors_at_depth(const std::string& code, int depth) const {
  auto idx = index();
  auto it = idx->position.find(code);
  if (it == idx->position.end()) throw NotFoundError("category", id_ + ":" + code);
  std::vector<std::string> out;
  if (idx->depth[it->second] == depth) out.push_back(code);
  for (auto i : reach(idx->parents, it->second)) {
    if (i != it->second && idx->depth[i] == depth) out.push_back(nodes_[i].code);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> Taxonomy::roots() const {
  auto idx = index();
  std::vector<std::string> out;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (idx->parents[i].empty()) out.push_back(nodes_[i].code);
  }
  return out;
}

std::optional<std::vector<std::string>> Taxonomy::find_cycle() const {
  auto idx = index();
  // Edges run from a node to its parents, in the order they are listed.
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t v = 0; v < nodes_.size(); ++v) {
    for (auto w : idx->parents[v]) edges.emplace_back(v, w);
  }
  auto found = detail::find_cycle(nodes_.size(), edges);
  if (!found) return std::nullopt;
  std::vector<std::string> cycle;
  for (auto v : *found) cycle.push_back(nodes_[v].code);
  return cycle;
}

std::vector<std::string> Crosswalk::map(const std::string& from_code) const {
  std::vector<std::string> out;
  for (const auto& [a, b] : pairs) {
    if (a == from_code) out.push_back(b);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {
template <class Taxonomies>
bool is_under_in(const Taxonomies& taxonomies, const std::string& ref, const std::string& ancestor) {
  auto a = CategoryRef::parse(ref);
  auto b = CategoryRef::parse(ancestor);
  if (!a || !b || a->taxonomy != b->taxonomy) return false;
  auto it = taxonomies.find(a->taxonomy);
  return it != taxonomies.end() && it->second.is_under(a->code, b->code);
}
}  // namespace

bool is_under(const std::map<std::string, Taxonomy>& taxonomies, const std::string& ref,
              const std::string& ancestor) {
  return is_under_in(taxonomies, ref, ancestor);
}

bool is_under(const SharedMap<std::string, Taxonomy>& taxonomies, const std::string& ref,
              const std::string& ancestor) {
  return is_under_in(taxonomies, ref, ancestor);
}

void to_json(nlohmann::json& j, const Taxonomy& t) {
  j = nlohmann::json::object();
  j["id"] = t.id();
  j["version"] = t.version();
  j["label"] = t.label();
  auto nodes = nlohmann::json::array();
  for (const auto& n : t.nodes()) {
    nlohmann::json o{{"code", n.code}, {"label", n.label}};
    if (!n.parents.empty()) o["parents"] = n.parents;
    if (n.description) o["description"] = *n.description;
    nodes.push_back(std::move(o));
  }
  j["nodes"] = std::move(nodes);
}

void to_json(nlohmann::json& j, const Crosswalk& c) {
  j = nlohmann::json::object();
  j["id"] = c.id;
  j["from"] = c.from;
  j["to"] = c.to;
  auto pairs = nlohmann::json::array();
  for (const auto& [a, b] : c.pairs) pairs.push_back(nlohmann::json::array({a, b}));
  j["pairs"] = std::move(pairs);
}

}  // namespace civicplan
