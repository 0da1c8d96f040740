// SPDX-License-Identifier: Apache-2.0
// Building the columnar facts and the per-year scope index.
#include "facts/facts.hpp"

#include <algorithm>
#include <set>

namespace civicplan::detail {

int Dictionary::add(const std::string& s) {
  auto [it, inserted] = ids_.emplace(s, static_cast<int>(names_.size()));
  if (inserted) names_.push_back(s);
  return it->second;
}

int Dictionary::find(const std::string& s) const {
  auto it = ids_.find(s);
  return it == ids_.end() ? -1 : it->second;
}

Facts::Facts(const Model& m) : model_(&m) {
  std::set<int> years;
  for (const auto& [id, b] : m.bodies) {
    body_index.emplace(id, static_cast<int>(body_ids.size()));
    body_ids.push_back(id);
    body_kind.push_back(b.kind);
  }
  // Each taxonomy's categories take consecutive ids; each category lists itself and its
  // ancestors, so that one pass over the actions can count every category at once.
  for (const auto& [id, t] : m.taxonomies) {
    const int begin = static_cast<int>(categories.size());
    for (const auto& n : t.nodes()) categories.add(id + ":" + n.code);
    const int end = static_cast<int>(categories.size());
    for (const auto& n : t.nodes()) {
      category_range.emplace_back(begin, end);
      category_up.items.push_back(categories.find(id + ":" + n.code));
      for (const auto& a : t.ancestors(n.code)) category_up.items.push_back(categories.find(id + ":" + a));
      category_up.offsets.push_back(static_cast<int>(category_up.items.size()));
    }
  }
  std::unordered_map<std::string, int> plan_index;
  for (const auto& [id, p] : m.plans) plan_index.emplace(id, static_cast<int>(plan_ids.size())), plan_ids.push_back(id);
  YearLines* last_lines = nullptr;
  int last_year = 0, last_source = -1;
  for (const auto& [id, p] : m.plans) {
    PlanFact pf;
    pf.body = body(p.body);
    pf.from = p.period.from;
    pf.to = p.period.to;
    pf.kind = plan_kinds.add(p.kind);
    pf.status = p.status;
    pf.variant = p.variant;
    if (p.based_on) {
      auto it = plan_index.find(*p.based_on);
      pf.based_on = it == plan_index.end() ? -1 : it->second;
    }
    pf.first_action = static_cast<int>(actions.size());
    pf.action_count = static_cast<int>(p.actions.size());
    for (int y = p.period.from; y <= p.period.to; ++y) years.insert(y);
    const int plan_no = static_cast<int>(plans.size());
    for (const auto& a : p.actions) {
      const int action_no = static_cast<int>(actions.size());
      actions.push_back(&a);
      action_plan.push_back(plan_no);
      action_status.push_back(a.status);
      action_horizon.push_back(a.horizon ? static_cast<int>(*a.horizon) : -1);
      action_objective.push_back(a.objective ? objectives.add(*a.objective) : -1);
      for (const auto& c : a.categories) {
        const int cid = categories.find(c);
        if (cid >= 0) action_categories.items.push_back(cid);
      }
      action_categories.offsets.push_back(static_cast<int>(action_categories.items.size()));
      for (const auto& pr : a.progress) {
        progress_day.push_back(pr.date.year * 10000 + pr.date.month * 100 + pr.date.day);
        progress_completion.push_back(pr.completion);
      }
      progress_offsets.push_back(static_cast<int>(progress_day.size()));
      for (const auto& line : a.budget) {
        // Consecutive lines mostly share a year and a source: look each up only when it changes.
        if (!last_lines || line.year != last_year) {
          last_lines = &lines_by_year[line.year];
          last_year = line.year;
          years.insert(line.year);
        }
        if (last_source < 0 || line.source != sources.names()[static_cast<std::size_t>(last_source)]) {
          last_source = sources.add(line.source);
        }
        auto& year_lines = *last_lines;
        year_lines.action.push_back(action_no);
        year_lines.plan.push_back(plan_no);
        year_lines.body.push_back(pf.body);
        year_lines.source.push_back(last_source);
        year_lines.planned.push_back(line.planned ? line.planned->cents() : 0);
        year_lines.actual.push_back(line.actual ? line.actual->cents() : 0);
      }
    }
    plans.push_back(pf);
  }
  feedback_sum.assign(actions.size(), 0);
  feedback_count.assign(actions.size(), 0);
  // Feedback names "<plan>/<action>": the plan by its index, the action among the plan's own
  // (a few dozen at most), rather than an index of every action's full name.
  for (const auto& f : m.feedback) {
    const auto slash = f.action.find('/');
    if (slash == std::string::npos) continue;
    const auto it = plan_index.find(f.action.substr(0, slash));
    if (it == plan_index.end()) continue;
    const PlanFact& pf = plans[static_cast<std::size_t>(it->second)];
    for (int k = pf.first_action; k < pf.first_action + pf.action_count; ++k) {
      const std::string& action_id = actions[static_cast<std::size_t>(k)]->id;
      if (f.action.size() == slash + 1 + action_id.size() && f.action.compare(slash + 1, std::string::npos, action_id) == 0) {
        feedback_sum[static_cast<std::size_t>(k)] += f.rating;
        feedback_count[static_cast<std::size_t>(k)] += 1;
        break;
      }
    }
  }
  for (const auto& [key, s] : m.statistics) {
    const int b = body(s.body);
    if (b < 0) continue;
    auto& column = statistics[s.variable][s.year];
    if (column.empty()) column.assign(body_ids.size(), kNull);
    column[b] = s.value;
    years.insert(s.year);
  }
  for (const auto& [id, c] : m.cases) {
    CaseFact cf;
    cf.body = body(c.body);
    cf.service = categories.find(c.service);
    cf.opened = c.opened.year;
    cf.closed = c.closed ? c.closed->year : INT_MAX;
    if (cf.body < 0) continue;
    cases.push_back(cf);
    years.insert(cf.opened);
    if (c.closed) years.insert(cf.closed);
  }
  for (const auto& [key, l] : m.ledger) {
    LedgerFact lf{body(l.body), ledger_services.add(l.service), l.year, l.charged.cents(), l.collected.cents()};
    if (lf.body < 0) continue;
    ledger.push_back(lf);
    years.insert(l.year);
  }
  std::stable_sort(ledger.begin(), ledger.end(),
                   [](const LedgerFact& a, const LedgerFact& b) { return a.year < b.year; });
  for (std::size_t i = 0; i < ledger.size();) {
    std::size_t j = i;
    while (j < ledger.size() && ledger[j].year == ledger[i].year) ++j;
    ledger_by_year[ledger[i].year] = {i, j};
    i = j;
  }
  for (const auto& [id, p] : m.places) {
    PlaceFact pf{body(p.body), place_categories.add(p.category), p.since ? p.since->year : INT_MIN};
    if (pf.body >= 0) places.push_back(pf);
  }
  for (const auto& [key, c] : m.certifications) {
    CertificationFact cf{body(c.body), schemes.add(c.scheme), c.status, c.date, c.expires};
    if (cf.body >= 0) certifications.push_back(cf);
  }
  std::sort(certifications.begin(), certifications.end(),
            [](const CertificationFact& a, const CertificationFact& b) { return a.date < b.date; });
  data_years.assign(years.begin(), years.end());
}

int Facts::body(const std::string& id) const {
  auto it = body_index.find(id);
  return it == body_index.end() ? -1 : it->second;
}

const Csr& Facts::scope(int year) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = scopes_[year];
  if (!slot) {
    // The members of each body valid in `year`, then each body's scope by a depth-first walk
    // that marks what it reached with the body's number (one array for every body): the
    // registry's scope, without a search and a colour map per body.
    const std::size_t n = body_ids.size();
    std::vector<std::vector<int>> members(n);
    std::size_t b = 0;
    for (const auto& [id, body] : model_->bodies) {
      for (const auto& parent : body.parents) {
        if (!parent.valid_in(year)) continue;
        const auto it = body_index.find(parent.id);
        if (it != body_index.end()) members[static_cast<std::size_t>(it->second)].push_back(static_cast<int>(b));
      }
      ++b;
    }
    auto csr = std::make_unique<Csr>();
    csr->offsets.reserve(n + 1);
    std::vector<int> mark(n, -1), stack;
    for (std::size_t root = 0; root < n; ++root) {
      const std::size_t first = csr->items.size();
      stack.assign(1, static_cast<int>(root));
      mark[root] = static_cast<int>(root);
      while (!stack.empty()) {
        const int v = stack.back();
        stack.pop_back();
        csr->items.push_back(v);
        for (int m : members[static_cast<std::size_t>(v)]) {
          if (mark[static_cast<std::size_t>(m)] != static_cast<int>(root)) {
            mark[static_cast<std::size_t>(m)] = static_cast<int>(root);
            stack.push_back(m);
          }
        }
      }
      std::sort(csr->items.begin() + static_cast<std::ptrdiff_t>(first), csr->items.end());
      csr->offsets.push_back(static_cast<int>(csr->items.size()));
    }
    slot = std::move(csr);
  }
  return *slot;
}

const Csr& Facts::leaves(int year) const {
  const Csr& sc = scope(year);
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = leaves_[year];
  if (!slot) {
    auto csr = std::make_unique<Csr>();
    // A body is a leaf when its scope holds only itself.
    std::vector<char> leaf(body_ids.size());
    for (std::size_t b = 0; b < body_ids.size(); ++b) leaf[b] = sc.offsets[b + 1] - sc.offsets[b] == 1;
    for (std::size_t b = 0; b < body_ids.size(); ++b) {
      for (int k = sc.offsets[b]; k < sc.offsets[b + 1]; ++k) {
        if (leaf[sc.items[k]]) csr->items.push_back(sc.items[k]);
      }
      csr->offsets.push_back(static_cast<int>(csr->items.size()));
    }
    slot = std::move(csr);
  }
  return *slot;
}

const std::vector<char>& Facts::under(const std::string& ref) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = under_[ref];
  if (!slot) {
    auto mask = std::make_unique<std::vector<char>>();
    auto c = CategoryRef::parse(ref);
    auto t = c ? model_->taxonomies.find(c->taxonomy) : model_->taxonomies.end();
    if (c && t != model_->taxonomies.end() && t->second.contains(c->code)) {
      mask->assign(categories.size(), 0);
      (*mask)[categories.find(ref)] = 1;
      for (const auto& d : t->second.descendants(c->code)) (*mask)[categories.find(c->taxonomy + ":" + d)] = 1;
    }
    slot = std::move(mask);
  }
  return *slot;
}

}  // namespace civicplan::detail
