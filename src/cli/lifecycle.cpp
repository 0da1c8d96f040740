// SPDX-License-Identifier: Apache-2.0
// The `diff` and `history` verbs: how plans changed.
#include <map>
#include <ostream>

#include "civicplan/indicator.hpp"
#include "commands.hpp"

namespace civicplan::cli {

namespace {

std::string short_json(const nlohmann::json& v) {
  std::string s = v.is_null() ? "—" : v.is_string() ? v.get<std::string>() : v.dump();
  if (display_width(s) > 70) {
    std::size_t cut = 67;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

std::string euros(Money m) { return m.to_display(); }

std::string signed_euros(Money m) { return (m.cents() > 0 ? "+" : "") + m.to_display(); }

const Action* action_of(const Plan& p, const std::string& id) { return p.find_action(id); }

std::string amount(const nlohmann::json& line, const char* key) {
  if (!line.is_object() || !line.contains(key)) return "—";
  const auto m = Money::from_euros(line[key].get<double>());
  return m ? m->to_display() : line[key].dump();
}

// Budget lines side by side per year and source: "2019 state: planned € 57.500,00 -> € 59.500,00".
void print_budget_change(std::ostream& out, const nlohmann::json& before, const nlohmann::json& after) {
  std::map<std::pair<int, std::string>, std::pair<nlohmann::json, nlohmann::json>> lines;
  for (const auto& l : before.is_array() ? before : nlohmann::json::array()) {
    lines[{l["year"].get<int>(), l["source"].get<std::string>()}].first = l;
  }
  for (const auto& l : after.is_array() ? after : nlohmann::json::array()) {
    lines[{l["year"].get<int>(), l["source"].get<std::string>()}].second = l;
  }
  for (const auto& [key, pair] : lines) {
    if (pair.first == pair.second) continue;
    out << "      budget " << key.first << " " << key.second << ":";
    const std::string pb = amount(pair.first, "planned"), pa = amount(pair.second, "planned");
    if (pb != pa) out << " planned " << pb << " -> " << pa;
    const std::string ab = amount(pair.first, "actual"), aa = amount(pair.second, "actual");
    if (ab != aa) out << " actual " << ab << " -> " << aa;
    out << "\n";
  }
}

// Progress entries side by side per date: "progress 2024-06-30: 25% -> 50%".
void print_progress_change(std::ostream& out, const nlohmann::json& before, const nlohmann::json& after) {
  std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> entries;
  for (const auto& e : before.is_array() ? before : nlohmann::json::array()) entries[e["date"].get<std::string>()].first = e;
  for (const auto& e : after.is_array() ? after : nlohmann::json::array()) entries[e["date"].get<std::string>()].second = e;
  auto show = [](const nlohmann::json& e) {
    if (e.is_null()) return std::string("—");
    const double c = e["completion"].get<double>();
    std::string s = (c == static_cast<long long>(c) ? std::to_string(static_cast<long long>(c)) : nlohmann::json(c).dump()) + "%";
    if (e.contains("note")) s += " \"" + short_json(e["note"]) + "\"";
    return s;
  };
  for (const auto& [date, pair] : entries) {
    if (pair.first == pair.second) continue;
    out << "      progress " << date << ": " << show(pair.first) << "  ->  " << show(pair.second) << "\n";
  }
}

// Targets side by side per metric: "target bambini: actual — -> 40".
void print_target_change(std::ostream& out, const nlohmann::json& before, const nlohmann::json& after) {
  std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> targets;
  for (const auto& t : before.is_array() ? before : nlohmann::json::array()) targets[t["metric"].get<std::string>()].first = t;
  for (const auto& t : after.is_array() ? after : nlohmann::json::array()) targets[t["metric"].get<std::string>()].second = t;
  for (const auto& [metric, pair] : targets) {
    if (pair.first == pair.second) continue;
    out << "      target " << metric << ":";
    for (const char* key : {"baseline", "target", "actual"}) {
      const auto b = pair.first.is_object() && pair.first.contains(key) ? pair.first[key] : nlohmann::json(nullptr);
      const auto a = pair.second.is_object() && pair.second.contains(key) ? pair.second[key] : nlohmann::json(nullptr);
      if (a != b) out << " " << key << " " << short_json(b) << " -> " << short_json(a);
    }
    out << "\n";
  }
}

// A plan by id, or a kept revision of one by "id@revision", as Workspace::diff reads them.
Plan plan_named(const Workspace& ws, const std::string& name) {
  const auto model = ws.model();
  if (model->plans.count(name)) return model->plans.at(name);
  const auto at = name.rfind('@');
  return ws.plan_revision(name.substr(0, at), std::stoll(name.substr(at + 1)));
}

}  // namespace

int run_diff(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals()[0]);
  const std::string a_id = args.positionals()[1], b_id = args.positionals()[2];
  const PlanDiff d = ws.diff(a_id, b_id);
  if (args.value("format").value_or("table") == "json") {
    io.out << d.to_json().dump(1) << "\n";
    return 0;
  }
  const Plan a = plan_named(ws, a_id);
  const Plan b = plan_named(ws, b_id);
  io.out << a.title << " (" << a_id << ", " << to_string(a.variant) << ")\n  -> " << b.title << " (" << b_id << ", "
         << to_string(b.variant) << ")\n";
  if (d.years) {
    io.out << "budgets compared for " << d.years->from;
    if (d.years->to != d.years->from) io.out << "-" << d.years->to;
    io.out << "\n";
  }
  if (!d.plan.empty()) {
    io.out << "\nplan (" << d.plan.size() << (d.plan.size() == 1 ? " field" : " fields") << ")\n";
    for (const auto& f : d.plan) io.out << "  ~ " << f.field << ": " << short_json(f.before) << "  ->  " << short_json(f.after) << "\n";
  }
  io.out << "\nadded (" << d.added.size() << ")\n";
  for (const auto& id : d.added) io.out << "  + " << id << "  " << action_of(b, id)->title << "\n";
  io.out << "\nremoved (" << d.removed.size() << ")\n";
  for (const auto& id : d.removed) io.out << "  - " << id << "  " << action_of(a, id)->title << "\n";
  io.out << "\nchanged (" << d.changed.size() << ")\n";
  for (const auto& c : d.changed) {
    io.out << "  ~ " << c.id << "  " << action_of(b, c.id)->title << "\n";
    for (const auto& f : c.fields) {
      if (f.field == "budget") {
        print_budget_change(io.out, f.before, f.after);
        continue;
      }
      if (f.field == "progress") {
        print_progress_change(io.out, f.before, f.after);
        continue;
      }
      if (f.field == "targets") {
        print_target_change(io.out, f.before, f.after);
        continue;
      }
      io.out << "      " << f.field << ": " << short_json(f.before) << "  ->  " << short_json(f.after) << "\n";
    }
  }
  io.out << "\nbudget by category and source (planned before -> after, delta)\n";
  for (const auto& t : d.budget_delta) {
    if (t.planned_before == t.planned_after && t.actual_before == t.actual_after) continue;
    io.out << "  " << t.dimension << " " << (t.key.empty() ? "(none)" : t.key) << ": " << euros(t.planned_before)
           << " -> " << euros(t.planned_after) << " (" << signed_euros(t.planned_delta()) << ")";
    if (t.actual_delta().cents() != 0) io.out << "; actual " << signed_euros(t.actual_delta());
    io.out << "\n";
  }
  return 0;
}

int run_history(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals()[0]);
  const std::string plan = args.positionals()[1];
  const auto revisions = ws.history(plan);
  if (args.value("format").value_or("table") == "json") {
    io.out << nlohmann::json(revisions).dump(1) << "\n";
    return 0;
  }
  io.out << "revisions of " << plan << "\n";
  for (const auto& r : revisions) {
    io.out << "  " << r.revision << "  " << r.time << "  " << r.operation << "  "
           << (r.user.empty() ? "(operator)" : r.user) << "\n";
  }
  for (const auto& e : ws.audit_log(std::nullopt, "plan:" + plan)) {
    if (!e.detail.empty()) io.out << "  " << e.operation << " at revision " << e.revision.value_or(0) << ": " << e.detail << "\n";
  }
  return 0;
}

}  // namespace civicplan::cli
