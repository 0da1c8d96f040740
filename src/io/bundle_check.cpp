// SPDX-License-Identifier: Apache-2.0
// The model's reference and cycle checks, run on a merged model before anything is written.
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/cycles.hpp"
#include "civicplan/bundle.hpp"
#include "io/bundle_parse.hpp"

namespace civicplan::detail {

namespace {

// The first cycle in a directed graph given as adjacency lists over names; nullopt if none.
std::optional<std::vector<std::string>> find_cycle(const std::map<std::string, std::vector<std::string>>& adjacency) {
  return DependencyGraph::from_adjacency(adjacency).cycle();
}

bool category_exists(const Model& m, const std::string& ref) {
  auto c = CategoryRef::parse(ref);
  if (!c) return false;
  auto t = m.taxonomies.find(c->taxonomy);
  return t != m.taxonomies.end() && t->second.contains(c->code);
}

// `path()` names where the reference is; it is built only for a report.
template <class Path>
void check_category(const Model& m, const std::string& ref, Path path, std::vector<Issue>& out) {
  auto c = CategoryRef::parse(ref);
  if (!c) return;  // malformed references are reported while parsing
  auto t = m.taxonomies.find(c->taxonomy);
  if (t == m.taxonomies.end()) {
    std::vector<std::string> names;
    for (const auto& kv : m.taxonomies) names.push_back(kv.first);
    out.push_back({path(), "unknown category " + quote(ref) + ": no taxonomy " + quote(c->taxonomy) +
                             did_you_mean(c->taxonomy, names)});
  } else if (!t->second.contains(c->code)) {
    std::vector<std::string> codes;
    for (const auto& n : t->second.nodes()) codes.push_back(n.code);
    auto s = suggest(c->code, codes);
    out.push_back({path(), "unknown category " + quote(ref) +
                             (s.empty() ? "" : " (did you mean " + quote(c->taxonomy + ":" + s) + "?)")});
  }
}

template <class Path>
void check_body(const Model& m, const std::string& id, Path path, std::vector<Issue>& out) {
  if (id.empty() || m.bodies.count(id)) return;
  std::vector<std::string> names;
  if (m.bodies.size() < 5000) {
    for (const auto& kv : m.bodies) names.push_back(kv.first);
  }
  out.push_back({path(), "unknown body " + quote(id) + did_you_mean(id, names)});
}

void check_bodies(const Model& m, const Origins& origins, std::vector<Issue>& out) {
  // Parents exist; memberships are acyclic in every year.
  for (const auto& [id, body] : m.bodies) {
    const auto path = origins.of("bodies", id);
    for (std::size_t i = 0; i < body.parents.size(); ++i) {
      check_body(m, body.parents[i].id, [&] { return child(item(child(path, "parents"), i), "id"); }, out);
    }
  }
  if (auto cycle = Registry(m.bodies).find_cycle()) {
    const auto& names = cycle->members;
    std::string where = cycle->year ? " in " + std::to_string(*cycle->year) : "";
    // Name the cycle at the first member that came from the input.
    std::string path = origins.of("bodies", names.front());
    for (const auto& n : names) {
      if (origins.has("bodies", n)) {
        path = origins.of("bodies", n);
        break;
      }
    }
    out.push_back({child(path, "parents"), "membership cycle" + where + ": " + format_cycle(names)});
  }
}

void check_taxonomies(const Model& m, const Origins& origins, std::vector<Issue>& out) {
  // Parent codes exist; no cycles.
  for (const auto& [id, t] : m.taxonomies) {
    const auto path = origins.of("taxonomies", id);
    for (std::size_t i = 0; i < t.nodes().size(); ++i) {
      const auto& node = t.nodes()[i];
      for (std::size_t k = 0; k < node.parents.size(); ++k) {
        if (!t.contains(node.parents[k])) {
          out.push_back({item(child(item(child(path, "nodes"), i), "parents"), k),
                         "unknown parent code " + quote(node.parents[k])});
        } else if (node.parents[k] == node.code) {
          out.push_back({item(child(item(child(path, "nodes"), i), "parents"), k), "a code cannot be its own parent"});
        }
      }
    }
    if (auto cycle = t.find_cycle(); cycle && cycle->size() > 2) {
      out.push_back({child(path, "nodes"), "taxonomy cycle: " + format_cycle(*cycle)});
    }
  }
}

void check_crosswalks(const Model& m, const Origins& origins, std::vector<Issue>& out) {
  // Both taxonomies exist and every pair names codes of them.
  for (const auto& [id, c] : m.crosswalks) {
    const auto path = origins.of("crosswalks", id);
    auto from = m.taxonomies.find(c.from);
    auto to = m.taxonomies.find(c.to);
    if (from == m.taxonomies.end()) out.push_back({child(path, "from"), "unknown taxonomy " + quote(c.from)});
    if (to == m.taxonomies.end()) out.push_back({child(path, "to"), "unknown taxonomy " + quote(c.to)});
    for (std::size_t i = 0; i < c.pairs.size(); ++i) {
      const auto pp = item(child(path, "pairs"), i);
      if (from != m.taxonomies.end() && !from->second.contains(c.pairs[i].first)) {
        out.push_back({item(pp, 0), "unknown category " + quote(c.from + ":" + c.pairs[i].first)});
      }
      if (to != m.taxonomies.end() && !to->second.contains(c.pairs[i].second)) {
        out.push_back({item(pp, 1), "unknown category " + quote(c.to + ":" + c.pairs[i].second)});
      }
    }
  }
}

// The actions of one plan: categories, objectives and dependencies (acyclic).
void check_actions(const Model& m, const std::string& id, const Plan& plan, const std::string& path,
                   std::vector<Issue>& out) {
  std::unordered_set<std::string> objectives;
  for (const auto& o : plan.objectives) objectives.insert(o.id);
  std::unordered_set<std::string> action_ids;
  for (const auto& a : plan.actions) action_ids.insert(a.id);
  std::map<std::string, std::vector<std::string>> depends;
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    const auto& a = plan.actions[i];
    // Paths are built only for a report.
    auto action_path = [&] { return item(child(path, "actions"), i); };
    for (std::size_t k = 0; k < a.categories.size(); ++k) {
      check_category(m, a.categories[k], [&] { return item(child(action_path(), "categories"), k); }, out);
    }
    if (a.objective && !objectives.count(*a.objective)) {
      std::vector<std::string> names;
      for (const auto& o : plan.objectives) names.push_back(o.id);
      out.push_back({child(action_path(), "objective"), "unknown objective " + quote(*a.objective) + did_you_mean(*a.objective, names)});
    }
    for (std::size_t k = 0; k < a.depends_on.size(); ++k) {
      if (!action_ids.count(a.depends_on[k])) {
        out.push_back({item(child(action_path(), "depends_on"), k), "unknown action " + quote(id + "/" + a.depends_on[k])});
      } else {
        depends[a.id].push_back(a.depends_on[k]);
      }
    }
  }
  if (auto cycle = find_cycle(depends)) {
    out.push_back({child(path, "actions"), "depends_on cycle: " + format_cycle(*cycle)});
  }
}

void check_plans(const Model& m, const Origins& origins, std::vector<Issue>& out) {
  // Body, based_on and previous links (acyclic), then each plan's actions.
  std::map<std::string, std::vector<std::string>> based_on_graph, previous_graph;
  for (const auto& [id, plan] : m.plans) {
    const auto path = origins.of("plans", id);
    check_body(m, plan.body, [&] { return child(path, "body"); }, out);
    if (plan.based_on) {
      if (!m.plans.count(*plan.based_on)) {
        out.push_back({child(path, "based_on"), "unknown plan " + quote(*plan.based_on)});
      } else {
        based_on_graph[id].push_back(*plan.based_on);
      }
    }
    for (std::size_t i = 0; i < plan.previous.size(); ++i) {
      const auto pp = item(child(path, "previous"), i);
      auto prev = m.plans.find(plan.previous[i]);
      if (prev == m.plans.end()) {
        out.push_back({pp, "unknown plan " + quote(plan.previous[i])});
      } else if (prev->second.body != plan.body) {
        out.push_back({pp, "plan " + quote(plan.previous[i]) + " belongs to body " + quote(prev->second.body) +
                               ", not " + quote(plan.body)});
      } else if (prev->first == id) {
        out.push_back({pp, "a plan cannot be its own previous plan"});
      } else {
        previous_graph[id].push_back(plan.previous[i]);
      }
    }
    check_actions(m, id, plan, path, out);
  }
  if (auto cycle = find_cycle(based_on_graph)) {
    out.push_back({child(origins.of("plans", cycle->front()), "based_on"), "based_on cycle: " + format_cycle(*cycle)});
  }
  if (auto cycle = find_cycle(previous_graph)) {
    out.push_back({child(origins.of("plans", cycle->front()), "previous"), "previous cycle: " + format_cycle(*cycle)});
  }
}

void check_records(const Model& m, const Origins& origins, std::vector<Issue>& out) {
  // Every record names an existing body (and action or category).
  for (const auto& [key, s] : m.statistics) {
    const Statistic& st = s;  // lambdas cannot capture structured bindings in C++17
    if (!m.bodies.count(st.body)) {
      check_body(m, st.body, [&] { return child(origins.of("statistics", statistic_key(st)), "body"); }, out);
    }
  }
  for (const auto& f : m.feedback) {
    if (!find_action(m, f.action)) {
      out.push_back({child(origins.of("feedback", feedback_key(f)), "action"), "unknown action " + quote(f.action)});
    }
  }
  for (const auto& kv : m.places) {
    check_body(m, kv.second.body, [&] { return child(origins.of("places", kv.first), "body"); }, out);
  }
  for (const auto& [key, c] : m.certifications) {
    const CertificationRecord& record = c;
    check_body(m, record.body, [&] { return child(origins.of("certifications", certification_key(record)), "body"); }, out);
  }
  for (const auto& [id, c] : m.cases) {
    const std::string& case_id = id;
    auto path = [&] { return origins.of("cases", case_id); };
    check_body(m, c.body, [&] { return child(path(), "body"); }, out);
    if (!category_exists(m, c.service)) check_category(m, c.service, [&] { return child(path(), "service"); }, out);
  }
  for (const auto& kv : m.ledger) {
    check_body(m, kv.second.body, [&] { return child(origins.of("ledger", ledger_key(kv.second)), "body"); }, out);
  }
  for (const auto& [id, u] : m.users) {
    const auto path = origins.of("users", id);
    for (std::size_t i = 0; i < u.roles.size(); ++i) {
      check_body(m, u.roles[i].body, [&] { return child(item(child(path, "roles"), i), "body"); }, out);
    }
  }
}

}  // namespace

void check_model(const Model& m, const Origins& origins, std::vector<Issue>& out) {
  check_bodies(m, origins, out);
  check_taxonomies(m, origins, out);
  check_crosswalks(m, origins, out);
  check_plans(m, origins, out);
  check_records(m, origins, out);
}

}  // namespace civicplan::detail
