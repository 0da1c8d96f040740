// SPDX-License-Identifier: Apache-2.0
// The national registry: ISTAT's list of municipalities merged into the workspace's bodies.
#include <string>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "engines/lifecycle/permissions.hpp"
#include "io/bundle_parse.hpp"
#include "io/istat_csv.hpp"
#include "workspace/workspace_impl.hpp"

namespace civicplan {

namespace {

// What the list changes in a model: the bodies and figures that are new or differ, where each
// comes from, and the bodies the list cannot take over.
struct RegistryDelta {
  Model delta;
  detail::Origins origins;
  std::vector<Issue> issues;
};

std::string at_line(const std::string& source, int line) {
  return source + ":" + std::to_string(line);
}

// The existing memberships with the managed ones replaced by `managed`, at the place of the
// first of them (or at the end), so that a body read back from storage compares equal.
std::vector<Membership> merge_parents(const std::vector<Membership>& existing,
                                      const std::vector<Membership>& managed) {
  std::vector<Membership> out;
  bool placed = false;
  for (const auto& m : existing) {
    if (!detail::istat_managed_parent(m)) {
      out.push_back(m);
    } else if (!placed) {
      out.insert(out.end(), managed.begin(), managed.end());
      placed = true;
    }
  }
  if (!placed) out.insert(out.end(), managed.begin(), managed.end());
  return out;
}

// The existing body as the list describes it: its name, managed memberships and managed
// attributes from the list; every other membership and attribute, and its location, kept.
Body merge_body(const Body& existing, const Body& listed) {
  Body out = existing;
  out.name = listed.name;
  out.parents = merge_parents(existing.parents, listed.parents);
  if (!out.attributes.is_object()) out.attributes = nlohmann::json::object();
  for (const auto& key : detail::istat_attribute_keys(listed.kind)) out.attributes.erase(key);
  for (const auto& [key, value] : listed.attributes.items()) out.attributes[key] = value;
  return out;
}

void add_bodies(const std::vector<detail::IstatBody>& listed, const Model& current,
                const std::string& source, RegistryDelta& out) {
  for (const auto& [body, line] : listed) {
    auto it = current.bodies.find(body.id);
    if (it != current.bodies.end() && it->second.kind != body.kind) {
      out.issues.push_back({at_line(source, line),
                            "body \"" + body.id + "\" is of kind " + to_string(it->second.kind) +
                                " in the workspace; ISTAT's list makes it a " +
                                to_string(body.kind) + " (rename or remove that body first)"});
      continue;
    }
    Body merged = it == current.bodies.end() ? body : merge_body(it->second, body);
    if (it != current.bodies.end() && merged == it->second) continue;
    out.origins.set("bodies", body.id, at_line(source, line));
    out.delta.bodies[body.id] = std::move(merged);
  }
}

void add_figures(const std::vector<detail::IstatFigure>& figures, const Model& current,
                 const std::string& source, RegistryDelta& out) {
  for (const auto& [s, line] : figures) {
    const StatisticKey key{s.body, s.variable, s.year};
    auto it = current.statistics.find(key);
    if (it != current.statistics.end() && it->second == s) continue;
    out.origins.set("statistics", detail::statistic_key(s), at_line(source, line));
    out.delta.statistics[key] = s;
  }
}

RegistryDelta registry_delta(const detail::IstatRegistry& list, const Model& current,
                             const std::string& source) {
  RegistryDelta out;
  add_bodies(list.regions, current, source, out);
  add_bodies(list.provinces, current, source, out);
  add_bodies(list.municipalities, current, source, out);
  add_figures(list.population, current, source, out);
  return out;
}

// Through a user view (`acting` is its user), the registry is managed by admins, as bodies
// are; its population figures come with it.
void check_permission(const Model& current, const User* acting, const std::string& source) {
  if (acting)
    detail::Permissions(current, *acting)
        .require_admin("the national registry from " + source, "import");
}

// "FILE: 7904 municipalities, 107 provinces, 20 regions, population 2011; bodies +8031, ..."
std::string audit_detail(const detail::IstatRegistry& list, const std::string& source,
                         const ImportSummary& summary) {
  std::string text = source + ": " + std::to_string(list.municipalities.size()) +
                     " municipalities, " + std::to_string(list.provinces.size()) + " provinces, " +
                     std::to_string(list.regions.size()) + " regions, population " +
                     std::to_string(list.population_year);
  std::string changes;
  for (const auto& [kind, n] : summary.added)
    changes += (changes.empty() ? "" : ", ") + kind + " +" + std::to_string(n);
  for (const auto& [kind, n] : summary.replaced)
    changes += (changes.empty() ? "" : ", ") + kind + " ~" + std::to_string(n);
  return text + "; " + changes;
}

}  // namespace

ImportSummary Workspace::import_istat(const std::string& path) {
  const detail::IstatRegistry list = detail::read_istat_csv(read_text_file(path), path);
  const auto acting = [this](const Model& m) {
    return user_ ? &Impl::acting_user(m, *user_) : nullptr;
  };
  {
    // A list the workspace already holds as it is changes nothing: no write, no audit entry.
    const auto state = impl_->current();
    check_permission(state->model(), acting(state->model()), path);
    const RegistryDelta unchanged = registry_delta(list, state->model(), path);
    if (unchanged.issues.empty() && unchanged.delta.empty()) return {};
  }
  return impl_->transact([&](const Model& current, detail::WriteTransaction& st) {
    check_permission(current, acting(current), path);
    RegistryDelta d = registry_delta(list, current, path);
    Model merged = current;
    merged.merge(d.delta);
    Impl::check(merged, d.origins, d.issues);
    if (!d.issues.empty()) throw ValidationError(std::move(d.issues));
    ImportSummary summary = summarize(d.delta, current);
    st.write(d.delta);
    st.append_audit({0, detail::now_iso(), user_.value_or(""), "import-istat", "registry",
                     std::nullopt, std::nullopt, audit_detail(list, path, summary)});
    return std::make_pair(std::move(merged), summary);
  });
}

}  // namespace civicplan
