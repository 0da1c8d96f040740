// SPDX-License-Identifier: Apache-2.0
// The info verb: a readable summary of a workspace, as an aligned table or stable JSON.
#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/money.hpp"
#include "civicplan/plan.hpp"
#include "civicplan/registry.hpp"
#include "civicplan/taxonomy.hpp"
#include "commands.hpp"

namespace civicplan::cli {

namespace {

constexpr std::size_t kMaxLabelWidth = 48;

const BodyKind kBodyKinds[] = {BodyKind::kMunicipality, BodyKind::kUnion,  BodyKind::kDistrict,
                               BodyKind::kProvince,     BodyKind::kRegion, BodyKind::kAgency,
                               BodyKind::kOrganization};
const PlanStatus kPlanStatuses[] = {PlanStatus::kDraft, PlanStatus::kSubmitted,
                                    PlanStatus::kApproved, PlanStatus::kRejected,
                                    PlanStatus::kArchived};

struct Amounts {
  Money planned;
  Money actual;
};

struct MacroArea {
  std::string code;
  std::string label;
  std::size_t actions = 0;
};

struct TaxonomyUsage {
  std::string id;
  std::string label;
  std::size_t actions = 0;       // actions with at least one category of this taxonomy
  std::vector<MacroArea> areas;  // the taxonomy's top-level codes in definition order
};

struct PlanKindCounts {
  std::size_t total = 0;
  std::map<PlanStatus, std::size_t> by_status;
};

struct Summary {
  std::string workspace;
  std::map<BodyKind, std::size_t> bodies_by_kind;
  std::map<std::string, PlanKindCounts> plans_by_kind;
  std::size_t actions = 0;
  std::size_t uncategorized = 0;
  std::vector<TaxonomyUsage> taxonomies;  // sorted by id
  Amounts budget;
  std::map<std::string, Amounts> budget_by_plan_kind;
  std::map<std::string, Amounts> budget_by_source;
  std::map<std::string, std::size_t> counts;  // by bundle array name
};

void add_line(Amounts& amounts, const BudgetLine& line) {
  if (line.planned) amounts.planned += *line.planned;
  if (line.actual) amounts.actual += *line.actual;
}

std::vector<TaxonomyUsage> taxonomy_usage(const Model& model, std::size_t& uncategorized) {
  std::vector<TaxonomyUsage> usage;
  std::map<std::string, std::size_t> index;
  std::map<std::string, std::map<std::string, std::size_t>> area_index;
  for (const auto& [id, taxonomy] : model.taxonomies) {
    index[id] = usage.size();
    TaxonomyUsage u{id, taxonomy.label(), 0, {}};
    for (const auto& root : taxonomy.roots()) {
      area_index[id][root] = u.areas.size();
      u.areas.push_back({root, taxonomy.node(root).label, 0});
    }
    usage.push_back(std::move(u));
  }
  for (const auto& [plan_id, plan] : model.plans) {
    for (const auto& action : plan.actions) {
      if (action.categories.empty()) ++uncategorized;
      std::map<std::string, std::set<std::string>> areas;  // taxonomy -> top-level codes
      for (const auto& ref : action.categories) {
        const auto parsed = CategoryRef::parse(ref);
        if (!parsed) continue;
        auto taxonomy = model.taxonomies.find(parsed->taxonomy);
        if (taxonomy == model.taxonomies.end() || !taxonomy->second.contains(parsed->code))
          continue;
        auto& codes = areas[parsed->taxonomy];
        for (const auto& code : taxonomy->second.ancestors_at_depth(parsed->code, 1))
          codes.insert(code);
      }
      for (const auto& [taxonomy_id, codes] : areas) {
        TaxonomyUsage& u = usage[index.at(taxonomy_id)];
        ++u.actions;
        for (const auto& code : codes) {
          auto area = area_index[taxonomy_id].find(code);
          if (area != area_index[taxonomy_id].end()) ++u.areas[area->second].actions;
        }
      }
    }
  }
  return usage;
}

Summary summarize(const Workspace& ws) {
  const auto model_holder = ws.model();
  const auto& model = *model_holder;
  Summary s;
  s.workspace = ws.path().value_or("");
  for (const auto& [id, body] : model.bodies) ++s.bodies_by_kind[body.kind];
  for (const auto& [id, plan] : model.plans) {
    PlanKindCounts& kind = s.plans_by_kind[plan.kind];
    ++kind.total;
    ++kind.by_status[plan.status];
    s.actions += plan.actions.size();
    for (const auto& action : plan.actions) {
      for (const auto& line : action.budget) {
        add_line(s.budget, line);
        add_line(s.budget_by_plan_kind[plan.kind], line);
        add_line(s.budget_by_source[line.source], line);
      }
    }
  }
  s.taxonomies = taxonomy_usage(model, s.uncategorized);
  s.counts = model.counts();
  return s;
}

// --- JSON ------------------------------------------------------------------------------------

nlohmann::json amounts_json(const Amounts& a) {
  return {{"planned", a.planned.euros()}, {"actual", a.actual.euros()}};
}

nlohmann::json summary_json(const Summary& s) {
  nlohmann::json out;
  out["workspace"] = s.workspace;

  nlohmann::json bodies_by_kind = nlohmann::json::object();
  std::size_t bodies = 0;
  for (const auto& [kind, n] : s.bodies_by_kind) {
    bodies_by_kind[to_string(kind)] = n;
    bodies += n;
  }
  out["bodies"] = {{"total", bodies}, {"by_kind", bodies_by_kind}};

  nlohmann::json plans_by_kind = nlohmann::json::object();
  std::size_t plans = 0;
  for (const auto& [kind, counts] : s.plans_by_kind) {
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto& [status, n] : counts.by_status) by_status[to_string(status)] = n;
    plans_by_kind[kind] = {{"total", counts.total}, {"by_status", by_status}};
    plans += counts.total;
  }
  out["plans"] = {{"total", plans}, {"by_kind", plans_by_kind}};

  nlohmann::json by_taxonomy = nlohmann::json::object();
  for (const auto& u : s.taxonomies) {
    nlohmann::json areas = nlohmann::json::object();
    for (const auto& area : u.areas)
      areas[area.code] = {{"label", area.label}, {"actions", area.actions}};
    by_taxonomy[u.id] = {{"label", u.label}, {"actions", u.actions}, {"macro_areas", areas}};
  }
  out["actions"] = {
      {"total", s.actions}, {"uncategorized", s.uncategorized}, {"by_taxonomy", by_taxonomy}};

  nlohmann::json by_plan_kind = nlohmann::json::object();
  for (const auto& [kind, a] : s.budget_by_plan_kind) by_plan_kind[kind] = amounts_json(a);
  nlohmann::json by_source = nlohmann::json::object();
  for (const auto& [source, a] : s.budget_by_source) by_source[source] = amounts_json(a);
  out["budget"] = amounts_json(s.budget);
  out["budget"]["by_plan_kind"] = by_plan_kind;
  out["budget"]["by_source"] = by_source;

  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [name, n] : s.counts) counts[name] = n;
  out["counts"] = counts;
  return out;
}

// --- table -----------------------------------------------------------------------------------

// Rows of an indented label and right-aligned cells; all cells of a column share a width.
class Table {
 public:
  void row(int depth, std::string label, std::vector<std::string> cells = {}) {
    rows_.push_back({depth, std::move(label), std::move(cells)});
  }
  void blank() { rows_.push_back({0, "", {}}); }

  void print(std::ostream& out) const {
    std::size_t label_width = 0;
    std::vector<std::size_t> cell_widths;
    for (const auto& r : rows_) {
      if (r.cells.empty()) continue;
      label_width = std::max(label_width, indent(r).size() + display_width(r.label));
      for (std::size_t i = 0; i < r.cells.size(); ++i) {
        if (cell_widths.size() <= i) cell_widths.push_back(0);
        cell_widths[i] = std::max(cell_widths[i], display_width(r.cells[i]));
      }
    }
    for (const auto& r : rows_) {
      std::string line = indent(r) + r.label;
      if (!r.cells.empty())
        line += std::string(label_width - indent(r).size() - display_width(r.label), ' ');
      for (std::size_t i = 0; i < r.cells.size(); ++i) {
        line += std::string(cell_widths[i] - display_width(r.cells[i]) + 2, ' ') + r.cells[i];
      }
      out << line << "\n";
    }
  }

 private:
  struct Row {
    int depth;
    std::string label;
    std::vector<std::string> cells;
  };
  static std::string indent(const Row& r) {
    return std::string(static_cast<std::size_t>(r.depth) * 2, ' ');
  }
  std::vector<Row> rows_;
};

// Shortens a label to kMaxLabelWidth characters, cutting at a UTF-8 character boundary.
std::string clip(const std::string& label) {
  if (display_width(label) <= kMaxLabelWidth) return label;
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < label.size(); ++i) {
    const auto c = static_cast<unsigned char>(label[i]);
    if ((c & 0xC0) != 0x80 && ++chars > kMaxLabelWidth - 1) break;
    out += label[i];
  }
  return out + "\u2026";
}

std::vector<std::string> money_cells(const Amounts& a) {
  return {a.planned.to_display(), a.actual.to_display()};
}

void print_table(std::ostream& out, const Summary& s) {
  out << "workspace: " << s.workspace << "\n\n";
  Table t;
  std::size_t bodies = 0;
  for (const auto& [kind, n] : s.bodies_by_kind) bodies += n;
  t.row(0, "bodies", {std::to_string(bodies)});
  for (BodyKind kind : kBodyKinds) {
    auto it = s.bodies_by_kind.find(kind);
    if (it != s.bodies_by_kind.end()) t.row(1, to_string(kind), {std::to_string(it->second)});
  }

  t.blank();
  std::size_t plans = 0;
  for (const auto& [kind, counts] : s.plans_by_kind) plans += counts.total;
  t.row(0, "plans", {std::to_string(plans)});
  for (const auto& [kind, counts] : s.plans_by_kind) {
    t.row(1, kind, {std::to_string(counts.total)});
    for (PlanStatus status : kPlanStatuses) {
      auto it = counts.by_status.find(status);
      if (it != counts.by_status.end()) t.row(2, to_string(status), {std::to_string(it->second)});
    }
  }

  t.blank();
  t.row(0, "actions", {std::to_string(s.actions)});
  for (const auto& u : s.taxonomies) {
    t.row(1, clip(u.id + (u.label.empty() ? "" : " (" + u.label + ")")),
          {std::to_string(u.actions)});
    for (const auto& area : u.areas) {
      t.row(2, clip(area.code + (area.label.empty() ? "" : "  " + area.label)),
            {std::to_string(area.actions)});
    }
  }
  t.row(1, "no category", {std::to_string(s.uncategorized)});

  t.blank();
  t.row(0, "budget, all plans and years", {"planned", "actual"});
  t.row(1, "by plan kind");
  for (const auto& [kind, a] : s.budget_by_plan_kind) t.row(2, kind, money_cells(a));
  t.row(1, "by source");
  for (const auto& [source, a] : s.budget_by_source) t.row(2, source, money_cells(a));
  t.row(1, "total", money_cells(s.budget));

  t.blank();
  t.row(0, "records");
  for (const auto& name : array_order()) {
    if (name == "bodies" || name == "plans" || name == "actions") continue;
    auto it = s.counts.find(name);
    const std::size_t n = it == s.counts.end() ? 0 : it->second;
    t.row(1, noun(name, 2), {std::to_string(n)});
  }
  t.print(out);
}

}  // namespace

int run_info(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals().front());
  const Summary summary = summarize(ws);
  if (args.value("format").value_or("table") == "json") {
    io.out << summary_json(summary).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
           << "\n";
  } else {
    print_table(io.out, summary);
  }
  return 0;
}

}  // namespace civicplan::cli
