// SPDX-License-Identifier: Apache-2.0
// Plan diffs and progress (DESIGN §8).
#include "civicplan/lifecycle.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "base/text.hpp"

namespace civicplan {

nlohmann::json PlanDiff::to_json() const {
  nlohmann::json j;
  j["a"] = a;
  j["b"] = b;
  j["years"] = years ? nlohmann::json{{"from", years->from}, {"to", years->to}} : nlohmann::json(nullptr);
  auto plan_j = nlohmann::json::array();
  for (const auto& f : plan) plan_j.push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
  j["plan"] = plan_j;
  j["added"] = added;
  j["removed"] = removed;
  auto changed_j = nlohmann::json::array();
  for (const auto& c : changed) {
    auto fields = nlohmann::json::array();
    for (const auto& f : c.fields) fields.push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
    changed_j.push_back({{"id", c.id}, {"fields", fields}});
  }
  j["changed"] = changed_j;
  auto deltas = nlohmann::json::array();
  for (const auto& d : budget_delta) {
    deltas.push_back({{"dimension", d.dimension},
                      {"key", d.key},
                      {"planned_before", detail::money_to_json(d.planned_before)},
                      {"planned_after", detail::money_to_json(d.planned_after)},
                      {"planned_delta", detail::money_to_json(d.planned_delta())},
                      {"actual_before", detail::money_to_json(d.actual_before)},
                      {"actual_after", detail::money_to_json(d.actual_after)},
                      {"actual_delta", detail::money_to_json(d.actual_delta())}});
  }
  j["budget_delta"] = deltas;
  return j;
}

PlanDiff diff_plans(const Plan& a, const Plan& b) {
  PlanDiff d;
  d.a = a.id;
  d.b = b.id;
  const int from = std::max(a.period.from, b.period.from), to = std::min(a.period.to, b.period.to);
  if (from <= to) d.years = YearRange{from, to};
  auto in_years = [&](int y) { return d.years && d.years->contains(y); };
  // Budget lines of the compared years only, so that plans of different spans compare fairly.
  auto comparable = [&](const Action& act) {
    nlohmann::json j = act;
    auto lines = nlohmann::json::array();
    for (const auto& line : j["budget"]) {
      if (in_years(line["year"].get<int>())) lines.push_back(line);
    }
    j["budget"] = lines;
    return j;
  };
  {
    // The plans' own fields, in the data model's order (the id, actions and revision aside).
    const nlohmann::json x = a, y = b;
    static const std::vector<std::string> kPlanOrder = {"kind",     "body",     "title",     "period",   "status",
                                                        "variant",  "based_on", "approval",  "previous", "objectives",
                                                        "evaluation"};
    for (const auto& field : kPlanOrder) {
      const nlohmann::json old_value = x.contains(field) ? x[field] : nlohmann::json(nullptr);
      const nlohmann::json new_value = y.contains(field) ? y[field] : nlohmann::json(nullptr);
      if (old_value != new_value) d.plan.push_back({field, old_value, new_value});
    }
  }
  std::map<std::string, const Action*> before, after;
  for (const auto& act : a.actions) before[act.id] = &act;
  for (const auto& act : b.actions) after[act.id] = &act;
  for (const auto& [id, act] : after) {
    if (!before.count(id)) d.added.push_back(id);
  }
  for (const auto& [id, act] : before) {
    if (!after.count(id)) {
      d.removed.push_back(id);
      continue;
    }
    const nlohmann::json x = comparable(*act), y = comparable(*after[id]);
    ActionChange change{id, {}};
    std::set<std::string> keys;
    for (const auto& kv : x.items()) keys.insert(kv.key());
    for (const auto& kv : y.items()) keys.insert(kv.key());
    // Fields in the data model's order.
    static const std::vector<std::string> kOrder = {"title",   "description", "categories", "objective", "status",
                                                    "horizon", "start",       "end",        "responsible", "partners",
                                                    "budget",  "targets",     "progress",   "location",  "depends_on",
                                                    "tags"};
    for (const auto& field : kOrder) {
      if (!keys.count(field)) continue;
      const nlohmann::json old_value = x.contains(field) ? x[field] : nlohmann::json(nullptr);
      const nlohmann::json new_value = y.contains(field) ? y[field] : nlohmann::json(nullptr);
      if (old_value != new_value) change.fields.push_back({field, old_value, new_value});
    }
    if (!change.fields.empty()) d.changed.push_back(std::move(change));
  }
  // Budget totals per category and per source.
  std::map<std::pair<std::string, std::string>, BudgetDelta> totals;
  auto add = [&](const Plan& p, bool is_after) {
    for (const auto& act : p.actions) {
      std::vector<std::string> cats = act.categories;
      if (cats.empty()) cats.push_back("");
      for (const auto& line : act.budget) {
        if (!in_years(line.year)) continue;
        const Money planned = line.planned.value_or(Money{}), actual = line.actual.value_or(Money{});
        auto bump = [&](const std::string& dim, const std::string& key) {
          auto& t = totals[{dim, key}];
          t.dimension = dim;
          t.key = key;
          (is_after ? t.planned_after : t.planned_before) += planned;
          (is_after ? t.actual_after : t.actual_before) += actual;
        };
        for (const auto& c : cats) bump("category", c);
        bump("source", line.source);
      }
    }
  };
  add(a, false);
  add(b, true);
  for (auto& [key, t] : totals) d.budget_delta.push_back(t);
  return d;
}

nlohmann::json PlanProgress::to_json() const {
  auto actions_j = nlohmann::json::array();
  for (const auto& a : actions) actions_j.push_back({{"action", a.action}, {"completion", a.completion}, {"weight", a.weight}});
  return {{"plan", plan},
          {"date", date.to_string()},
          {"completion", completion ? nlohmann::json(*completion) : nlohmann::json(nullptr)},
          {"actions", actions_j}};
}

PlanProgress plan_progress(const Plan& plan, const Date& date) {
  PlanProgress out;
  out.plan = plan.id;
  out.date = date;
  double weights = 0, weighted = 0, plain = 0;
  for (const auto& act : plan.actions) {
    ActionProgress ap;
    ap.action = act.id;
    const Progress* p = act.progress_at(date);
    ap.completion = p ? p->completion : (act.status == ActionStatus::kCompleted ? 100.0 : 0.0);
    for (const auto& line : act.budget) {
      if (line.year == date.year && line.planned) ap.weight += line.planned->euros();
    }
    weights += ap.weight;
    weighted += ap.weight * ap.completion;
    plain += ap.completion;
    out.actions.push_back(ap);
  }
  if (!out.actions.empty()) {
    out.completion = weights > 0 ? weighted / weights : plain / static_cast<double>(out.actions.size());
  }
  return out;
}

}  // namespace civicplan
