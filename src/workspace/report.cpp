// SPDX-License-Identifier: Apache-2.0
// Workspace::report: gathers a body's plans, figures, indicators, certification, ratings and
// places of a year and hands them to the report engine (DESIGN §18).
#include <algorithm>
#include <map>
#include <set>

#include "base/text.hpp"
#include "civicplan/error.hpp"
#include "civicplan/workspace.hpp"
#include "engines/report/report.hpp"
#include "workspace/workspace_impl.hpp"

namespace civicplan {

namespace {

// How many years of indicators the page shows, the report's year last.
constexpr int kYearsShown = 6;
// How many indicators the members are ranked on.
constexpr std::size_t kRankings = 4;

bool counts(PlanStatus s) { return s == PlanStatus::kApproved || s == PlanStatus::kArchived; }

// The plans that count in `year` as the expressions count them (docs/semantics.md): approved or
// archived, covering the year, and not replaced that year by an update or implementation plan.
std::set<std::string> superseded(const Model& model, int year) {
  std::set<std::string> out;
  for (const auto& [id, p] : model.plans) {
    if (p.based_on && p.period.contains(year) && counts(p.status)) out.insert(*p.based_on);
  }
  return out;
}

// The nearest district, province and region above `body` in `year`, in that order.
std::vector<Body> groups_above(const Model& model, const Registry& registry, const std::string& body, int year) {
  std::map<BodyKind, std::pair<int, std::string>> nearest;  // kind -> (distance, id)
  std::vector<std::pair<std::string, int>> frontier{{body, 0}};
  std::set<std::string> seen{body};
  while (!frontier.empty()) {
    auto [id, distance] = frontier.front();
    frontier.erase(frontier.begin());
    for (const auto& parent : registry.parents(id, year)) {
      if (!seen.insert(parent).second) continue;
      const auto it = model.bodies.find(parent);
      if (it == model.bodies.end()) continue;
      const BodyKind k = it->second.kind;
      auto found = nearest.find(k);
      if (found == nearest.end() || found->second.first > distance + 1 ||
          (found->second.first == distance + 1 && parent < found->second.second)) {
        nearest[k] = {distance + 1, parent};
      }
      frontier.push_back({parent, distance + 1});
    }
  }
  std::vector<Body> out;
  for (BodyKind k : {BodyKind::kDistrict, BodyKind::kProvince, BodyKind::kRegion}) {
    const auto it = nearest.find(k);
    if (it != nearest.end()) out.push_back(model.bodies.find(it->second.second)->second);
  }
  return out;
}

bool defined_for(const Indicator& i, BodyKind k) { return std::find(i.levels.begin(), i.levels.end(), k) != i.levels.end(); }

// Every top-level category ("<taxonomy>:<root>") an action falls under.
std::set<std::string> top_categories(const Model& model, const Action& a) {
  std::set<std::string> out;
  for (const auto& ref : a.categories) {
    const auto parsed = CategoryRef::parse(ref);
    if (!parsed) continue;
    const auto tax = model.taxonomies.find(parsed->taxonomy);
    if (tax == model.taxonomies.end() || !tax->second.contains(parsed->code)) continue;
    const Taxonomy& t = tax->second;
    if (t.depth(parsed->code) == 1) {
      out.insert(ref);
    } else {
      for (const auto& root : t.ancestors_at_depth(parsed->code, 1)) out.insert(parsed->taxonomy + ":" + root);
    }
  }
  return out;
}

}  // namespace

std::string Workspace::report(const std::string& body, int year, const std::string& lang) const {
  const auto language = lang_from_string(lang);
  if (!language) throw ValidationError({{"lang", "expected \"it\" or \"en\", got " + detail::quote(lang)}});
  check_year(year);
  const auto model_ptr = model();
  const Model& model = *model_ptr;
  const auto body_it = model.bodies.find(body);
  if (body_it == model.bodies.end()) {
    std::vector<std::string> ids;
    for (const auto& [id, b] : model.bodies) ids.push_back(id);
    throw NotFoundError("body", body, detail::did_you_mean(body, ids));
  }
  const auto registry_ptr = registry();
  const Registry& reg = *registry_ptr;

  detail::ReportData d;
  d.lang = *language;
  d.year = year;
  d.body = body_it->second;
  d.ancestors = groups_above(model, reg, body, year);

  // The plans of the scope that cover the year, the body's own first.
  const auto scope_list = reg.scope(body, year);
  const std::set<std::string> scope(scope_list.begin(), scope_list.end());
  const auto replaced = superseded(model, year);
  std::vector<const Plan*> listed, counted;
  for (const auto& [id, p] : model.plans) {
    if (!scope.count(p.body) || !p.period.contains(year) || p.status == PlanStatus::kRejected) continue;
    listed.push_back(&p);
    if (counts(p.status) && !replaced.count(p.id)) counted.push_back(&p);
  }
  auto body_name = [&](const std::string& id) {
    const auto it = model.bodies.find(id);
    return it == model.bodies.end() ? id : it->second.name;
  };
  std::stable_sort(listed.begin(), listed.end(), [&](const Plan* a, const Plan* b) {
    const bool own_a = a->body == body, own_b = b->body == body;
    if (own_a != own_b) return own_a;
    const std::string na = body_name(a->body), nb = body_name(b->body);
    if (na != nb) return na < nb;
    return a->id < b->id;
  });
  d.plans_total = listed.size();
  d.own_plans = std::all_of(listed.begin(), listed.end(), [&](const Plan* p) { return p->body == body; });
  const std::set<const Plan*> counted_set(counted.begin(), counted.end());
  for (const Plan* p : listed) {
    if (d.plans.size() == detail::ReportData::kMaxPlans) break;
    detail::ReportPlan rp;
    rp.id = p->id;
    rp.title = p->title;
    rp.body = body_name(p->body);
    rp.kind = p->kind;
    rp.status = p->status;
    rp.variant = p->variant;
    rp.period = p->period;
    rp.approval = p->approval;
    rp.actions = p->actions.size();
    rp.counted = counted_set.count(p) > 0;
    d.plans.push_back(std::move(rp));
  }

  // Actions by top-level category and status; budget by source; located actions.
  std::map<std::string, detail::ReportCategory> categories;
  std::map<std::string, detail::ReportBudget> budget;
  std::set<std::string> counted_actions;
  for (const Plan* p : counted) {
    for (const auto& a : p->actions) {
      counted_actions.insert(p->id + "/" + a.id);
      for (const auto& top : top_categories(model, a)) {
        auto& c = categories[top];
        c.code = top;
        ++c.by_status[static_cast<std::size_t>(a.status)];
      }
      for (const auto& line : a.budget) {
        if (line.year != year) continue;
        auto& b = budget[line.source];
        b.source = line.source;
        if (line.planned) b.planned += *line.planned;
        if (line.actual) b.actual += *line.actual, b.reported = true;
      }
      if (a.location) d.located_actions.push_back({a.title + " (" + body_name(p->body) + ")", "", *a.location});
    }
  }
  // Categories in their taxonomy's order (taxonomies by id).
  for (const auto& [tax_id, tax] : model.taxonomies) {
    for (const auto& root : tax.roots()) {
      const auto it = categories.find(tax_id + ":" + root);
      if (it == categories.end()) continue;
      it->second.label = tax.node(root).label;
      d.categories.push_back(it->second);
    }
  }
  for (const auto& [source, b] : budget) d.budget.push_back(b);
  std::stable_sort(d.budget.begin(), d.budget.end(), [](const auto& a, const auto& b) { return b.planned < a.planned; });

  // Indicators of the body's level over the years, beside its groups'.
  const auto defs = indicators();
  std::vector<int> years;
  for (int y = std::max(kMinYear, year - kYearsShown + 1); y <= year; ++y) years.push_back(y);
  std::vector<std::string> ids, bodies{body};
  for (const auto& i : defs) {
    if (defined_for(i, d.body.kind)) ids.push_back(i.id);
  }
  for (const auto& g : d.ancestors) bodies.push_back(g.id);
  if (!ids.empty()) {
    const IndicatorTable table = compute_indicators(ids, bodies, years);
    std::map<std::tuple<std::string, std::string, int>, std::optional<double>> values;
    for (const auto& row : table.rows()) values[{row.indicator, row.body, row.year}] = row.value;
    for (const auto& def : defs) {
      if (!defined_for(def, d.body.kind)) continue;
      detail::ReportIndicator ri;
      ri.indicator = def;
      std::vector<Body> series{d.body};
      for (const auto& g : d.ancestors) {
        if (defined_for(def, g.kind)) series.push_back(g);
      }
      // The years from the first in which any series has a value.
      std::size_t first = years.size();
      for (std::size_t k = 0; k < years.size() && first == years.size(); ++k) {
        for (const auto& b : series) {
          const auto it = values.find({def.id, b.id, years[k]});
          if (it != values.end() && it->second) first = k;
        }
      }
      if (first == years.size()) continue;  // nothing to draw
      ri.years.assign(years.begin() + static_cast<std::ptrdiff_t>(first), years.end());
      for (const auto& b : series) {
        std::vector<std::optional<double>> v;
        for (int y : ri.years) {
          const auto it = values.find({def.id, b.id, y});
          v.push_back(it == values.end() ? std::nullopt : it->second);
        }
        ri.values.push_back(std::move(v));
      }
      ri.bodies = std::move(series);
      // An indicator that is null or zero for the body in every year says nothing about it (a
      // district of social plans and the family indicators): the page names it and moves on.
      const bool silent = std::all_of(ri.values[0].begin(), ri.values[0].end(),
                                      [](const std::optional<double>& v) { return !v || *v == 0; });
      if (silent) {
        d.silent_indicators.push_back(def.label);
        continue;
      }
      d.indicators.push_back(std::move(ri));
    }
  }

  // Completion at each year's end, as completion() computes it, from the first year with plans.
  for (int y : years) {
    const auto v = evaluate("completion()", body, y);
    if (!v && d.completion_years.empty()) continue;
    d.completion_years.push_back(y);
    d.completion.push_back(v);
  }

  // Certification: every scheme that applies to the body, with the latest record.
  for (const auto& rs : rulesets()) {
    if (!rs.applies(d.body.kind) || !rs.version_for(year)) continue;
    detail::ReportCertification c;
    c.label = rs.label.empty() ? rs.id : rs.label;
    c.report = certify(body, rs.id, year);
    for (const auto& [key, record] : model.certifications) {
      if (record.body != body || record.scheme != rs.id || record.date.year > year) continue;
      if (!c.record || c.record->date < record.date) c.record = record;
    }
    for (const auto& id : c.report.missing_mandatory) {
      for (const auto& rule : c.report.rules) {
        if (rule.id == id) c.missing_labels.push_back(rule.label);
      }
    }
    d.certifications.push_back(std::move(c));
  }

  // Citizens' ratings of the counted actions.
  std::vector<Feedback> comments;
  double sum = 0;
  int n = 0;
  for (const auto& f : model.feedback) {
    if (!counted_actions.count(f.action)) continue;
    if (f.rating >= 1 && f.rating <= 5) ++d.ratings.counts[static_cast<std::size_t>(f.rating - 1)];
    sum += f.rating;
    ++n;
    if (f.comment && !f.comment->empty()) comments.push_back(f);
  }
  if (n > 0) d.ratings.mean = sum / n;
  std::stable_sort(comments.begin(), comments.end(), [](const Feedback& a, const Feedback& b) { return b.date < a.date; });
  if (comments.size() > 5) comments.resize(5);
  d.ratings.recent = std::move(comments);

  // Places of the scope open by the year's end.
  for (const auto& [id, place] : model.places) {
    if (!scope.count(place.body) || (place.since && place.since->year > year)) continue;
    d.places.push_back({place.name, place.category, place.location});
  }

  // The towns of the scope, named on the map.
  for (const auto& id : scope_list) {
    const auto it = model.bodies.find(id);
    if (it != model.bodies.end() && it->second.location &&
        (it->second.kind == BodyKind::kMunicipality || scope_list.size() == 1)) {
      d.landmarks.push_back({it->second.name, "", *it->second.location});
    }
  }

  // A group's members ranked on its main indicators: those with a target first.
  if (d.body.kind != BodyKind::kMunicipality) {
    std::map<BodyKind, std::vector<std::string>> direct, below;
    for (const auto& m : reg.members(body, year)) direct[model.bodies.find(m)->second.kind].push_back(m);
    for (const auto& m : scope_list) {
      if (m != body) below[model.bodies.find(m)->second.kind].push_back(m);
    }
    auto has_indicators = [&](BodyKind k) {
      return std::any_of(defs.begin(), defs.end(), [&](const Indicator& i) { return defined_for(i, k); });
    };
    // The largest kind of direct members with indicators, else of the scope, else of direct members.
    auto pick = [&](const std::map<BodyKind, std::vector<std::string>>& groups, bool need_indicators) {
      std::optional<BodyKind> best;
      for (const auto& [k, list] : groups) {
        if (need_indicators && !has_indicators(k)) continue;
        if (!best || list.size() > groups.at(*best).size()) best = k;
      }
      return best;
    };
    std::optional<BodyKind> kind = pick(direct, true);
    const std::map<BodyKind, std::vector<std::string>>* from = &direct;
    if (!kind) kind = pick(below, true), from = &below;
    if (!kind) kind = pick(direct, false), from = &direct;
    if (kind) {
      d.members_kind = kind;
      std::vector<Indicator> main;
      for (const auto& i : defs) {
        if (defined_for(i, *kind) && i.target) main.push_back(i);
      }
      for (const auto& i : defs) {
        if (defined_for(i, *kind) && !i.target) main.push_back(i);
      }
      if (main.size() > kRankings) main.resize(kRankings);
      const auto& members = from->at(*kind);
      if (!main.empty() && !members.empty()) {
        std::vector<std::string> main_ids;
        for (const auto& i : main) main_ids.push_back(i.id);
        const IndicatorTable table = compute_indicators(main_ids, members, {year});
        std::map<std::pair<std::string, std::string>, std::optional<double>> values;
        for (const auto& row : table.rows()) values[{row.indicator, row.body}] = row.value;
        for (const auto& i : main) {
          detail::ReportRanking r;
          r.indicator = i;
          const bool lower_better = i.target && (i.target->op == "<" || i.target->op == "<=");
          for (const auto& m : members) {
            const auto it = values.find({i.id, m});
            r.rows.push_back({body_name(m), it == values.end() ? std::nullopt : it->second});
          }
          using Row = std::pair<std::string, std::optional<double>>;
          std::stable_sort(r.rows.begin(), r.rows.end(), [&](const Row& a, const Row& b) {
            if (a.second.has_value() != b.second.has_value()) return a.second.has_value();
            if (a.second && *a.second != *b.second) return lower_better ? *a.second < *b.second : *a.second > *b.second;
            return a.first < b.first;
          });
          d.rankings.push_back(std::move(r));
        }
      }
    }
  }
  return detail::render_report(d);
}

}  // namespace civicplan
