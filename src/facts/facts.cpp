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

std::vector<PlanStep> diff_plans(const Model& before, const Model& after) {
  std::vector<PlanStep> steps;
  steps.reserve(std::max(before.plans.size(), after.plans.size()));
  auto b = before.plans.begin(), a = after.plans.begin();
  while (b != before.plans.end() || a != after.plans.end()) {
    PlanStep step;
    if (a != after.plans.end() && b != before.plans.end() && &*a == &*b) {
      // The same object: a kept plan, found without comparing the ids.
      step.id = &a->first, step.before = step.after = &a->second, ++a, ++b;
    } else if (a == after.plans.end() || (b != before.plans.end() && b->first < a->first)) {
      step.id = &b->first, step.before = &b->second, ++b;
    } else if (b == before.plans.end() || a->first < b->first) {
      step.id = &a->first, step.after = &a->second, ++a;
    } else {
      step.id = &a->first, step.before = &b->second, step.after = &a->second, ++a, ++b;
    }
    steps.push_back(step);
  }
  return steps;
}

// The budget lines' year and source of the last line appended: consecutive lines mostly share
// both, so each is looked up only when it changes.
struct Facts::LineCursor {
  YearLines* lines = nullptr;
  int year = 0, source = -1;
};

Facts::Facts(const Model& m, const Facts* previous, const std::vector<PlanStep>* given) : model_(&m) {
  const Model* before = previous ? &previous->model() : nullptr;
  patched_ = before && m.bodies.shares(before->bodies) && m.taxonomies.shares(before->taxonomies);
  if (!patched_) {
    build_bodies(m);
    build_categories(m);
    reserve_plans(m);
    LineCursor cursor;
    for (const auto& [id, p] : m.plans) plan_ids.push_back(id), append_plan(p, cursor);
    resolve_based_on(m);
    build_feedback(m);
    build_statistics(m);
    build_cases(m);
    build_ledger(m);
    build_places(m);
    build_certifications(m);
    collect_years();
    return;
  }
  const Facts& prev = *previous;
  body_ids = prev.body_ids;
  body_kind = prev.body_kind;
  body_index = prev.body_index;
  categories = prev.categories;
  category_up = prev.category_up;
  category_range = prev.category_range;
  {
    // The same bodies and taxonomies: the same scopes, leaves and category masks.
    std::lock_guard<std::mutex> lock(prev.mutex_);
    scopes_ = prev.scopes_;
    leaves_ = prev.leaves_;
    under_ = prev.under_;
  }
  // The plans: runs of kept plans are copied, every other plan of `m` derived again.
  plan_kinds = prev.plan_kinds;
  sources = prev.sources;
  objectives = prev.objectives;
  const bool feedback_kept = m.feedback.shares(before->feedback);
  std::vector<PlanStep> diffed;
  if (!given) diffed = diff_plans(*before, m);
  const std::vector<PlanStep>& steps = given ? *given : diffed;
  if (patch_in_place(prev, m, steps, feedback_kept)) {
    // Every plan kept its place: the columns are shared with `prev` but where a plan changed.
  } else {
  plans.edit().reserve(m.plans.size());
  plan_ids.edit().reserve(m.plans.size());
  LineCursor cursor;
  int old_plan = 0;
  for (std::size_t i = 0; i < steps.size();) {
    if (steps[i].kept()) {
      std::size_t j = i;
      while (j < steps.size() && steps[j].kept()) ++j;
      copy_plans(prev, old_plan, old_plan + static_cast<int>(j - i), feedback_kept);
      old_plan += static_cast<int>(j - i);
      cursor = LineCursor{};
      i = j;
      continue;
    }
    if (steps[i].after) {
      plan_ids.push_back(*steps[i].id);
      append_plan(*steps[i].after, cursor);
      if (feedback_kept) feedback_of_plan(m, *steps[i].id);
    }
    if (steps[i].before) ++old_plan;
    ++i;
  }
  resolve_based_on(m);
  }
  if (!feedback_kept) build_feedback(m);
  // What changed: the bodies of the changed plans and of the plans they are based on, in
  // either model.
  {
    std::vector<int> changed;
    auto add = [&](const Model& model, const Plan* p) {
      if (!p) return;
      changed.push_back(body(p->body));
      if (!p->based_on) return;
      const auto base = model.plans.find(*p->based_on);
      if (base != model.plans.end()) changed.push_back(body(base->second.body));
    };
    for (const auto& step : steps) {
      if (step.kept()) continue;
      add(*before, step.before);
      add(m, step.after);
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    if (!changed.empty() && changed.front() < 0) changed.erase(changed.begin());
    delta_.bodies = std::move(changed);
    delta_.feedback = feedback_kept;
    delta_.statistics = m.statistics.shares(before->statistics);
    delta_.certifications = m.certifications.shares(before->certifications);
    delta_.cases = m.cases.shares(before->cases);
    delta_.ledger = m.ledger.shares(before->ledger);
    delta_.places = m.places.shares(before->places);
    delta_.sources = prev.sources.size();
    std::lock_guard<std::mutex> lock(prev.derived_mutex_);
    inherited_ = prev.derived_;
    inherited_results_ = prev.results_;
  }
  // Records of the other kinds: copied when both models share them.
  if (m.statistics.shares(before->statistics)) {
    statistics = prev.statistics;
  } else {
    build_statistics(m);
  }
  if (m.cases.shares(before->cases)) {
    cases = prev.cases;
  } else {
    build_cases(m);
  }
  if (m.ledger.shares(before->ledger)) {
    ledger = prev.ledger, ledger_by_year = prev.ledger_by_year, ledger_services = prev.ledger_services;
  } else {
    build_ledger(m);
  }
  if (m.places.shares(before->places)) {
    places = prev.places, place_categories = prev.place_categories;
  } else {
    build_places(m);
  }
  if (m.certifications.shares(before->certifications)) {
    certifications = prev.certifications, schemes = prev.schemes;
  } else {
    build_certifications(m);
  }
  collect_years();
}

void Facts::build_bodies(const Model& m) {
  for (const auto& [id, b] : m.bodies) {
    body_index.emplace(id, static_cast<int>(body_ids.size()));
    body_ids.push_back(id);
    body_kind.push_back(b.kind);
  }
}

void Facts::build_categories(const Model& m) {
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
}

void Facts::describe_plan(const Plan& p, PlanFact& pf) {
  pf.body = body(p.body);
  pf.from = p.period.from;
  pf.to = p.period.to;
  pf.kind = plan_kinds.add(p.kind);
  pf.status = p.status;
  pf.variant = p.variant;
}

// Every column of the plans at its final size at once: growing them by doubling touched about
// twice their memory, fresh pages each time, and copied what it had.
void Facts::reserve_plans(const Model& m) {
  std::size_t n_actions = 0, n_categories = 0, n_progress = 0;
  std::vector<std::size_t> n_lines;  // by year - kMinYear
  for (const auto& [id, p] : m.plans) {
    n_actions += p.actions.size();
    for (const auto& a : p.actions) {
      n_categories += a.categories.size();
      n_progress += a.progress.size();
      for (const auto& line : a.budget) {
        if (line.year < kMinYear || line.year > kMaxYear) continue;  // not reserved, still appended
        const auto y = static_cast<std::size_t>(line.year - kMinYear);
        if (y >= n_lines.size()) n_lines.resize(y + 1, 0);
        ++n_lines[y];
      }
    }
  }
  plans.edit().reserve(m.plans.size());
  plan_ids.edit().reserve(m.plans.size());
  actions.edit().reserve(n_actions);
  action_plan.edit().reserve(n_actions);
  action_status.edit().reserve(n_actions);
  action_horizon.edit().reserve(n_actions);
  action_objective.edit().reserve(n_actions);
  action_categories.items.edit().reserve(n_categories);
  action_categories.offsets.edit().reserve(n_actions + 1);
  progress_day.edit().reserve(n_progress);
  progress_completion.edit().reserve(n_progress);
  progress_offsets.edit().reserve(n_actions + 1);
  feedback_sum.edit().reserve(n_actions);
  feedback_count.edit().reserve(n_actions);
  for (std::size_t y = 0; y < n_lines.size(); ++y) {
    const std::size_t n = n_lines[y];
    if (n == 0) continue;
    YearLines& lines = lines_by_year[static_cast<int>(y) + kMinYear];
    lines.action.edit().reserve(n);
    lines.plan.edit().reserve(n);
    lines.body.edit().reserve(n);
    lines.source.edit().reserve(n);
    lines.planned.edit().reserve(n);
    lines.actual.edit().reserve(n);
  }
}

void Facts::append_plan(const Plan& p, LineCursor& cursor) {
  PlanFact pf;
  describe_plan(p, pf);
  pf.first_action = static_cast<int>(actions.size());
  pf.action_count = static_cast<int>(p.actions.size());
  const int plan_no = static_cast<int>(plans.size());
  auto& acts = actions.edit();
  auto& owner = action_plan.edit();
  auto& status = action_status.edit();
  auto& horizon = action_horizon.edit();
  auto& objective = action_objective.edit();
  auto& category_items = action_categories.items.edit();
  auto& category_offsets = action_categories.offsets.edit();
  auto& days = progress_day.edit();
  auto& completions = progress_completion.edit();
  auto& progress_rows = progress_offsets.edit();
  auto& ratings = feedback_sum.edit();
  auto& rated = feedback_count.edit();
  for (const auto& a : p.actions) {
    const int action_no = static_cast<int>(acts.size());
    acts.push_back(&a);
    owner.push_back(plan_no);
    status.push_back(a.status);
    horizon.push_back(a.horizon ? static_cast<int>(*a.horizon) : -1);
    objective.push_back(a.objective ? objectives.add(*a.objective) : -1);
    for (const auto& c : a.categories) {
      const int cid = categories.find(c);
      if (cid >= 0) category_items.push_back(cid);
    }
    category_offsets.push_back(static_cast<int>(category_items.size()));
    for (const auto& pr : a.progress) {
      days.push_back(pr.date.year * 10000 + pr.date.month * 100 + pr.date.day);
      completions.push_back(pr.completion);
    }
    progress_rows.push_back(static_cast<int>(days.size()));
    ratings.push_back(0);
    rated.push_back(0);
    for (const auto& line : a.budget) {
      if (!cursor.lines || line.year != cursor.year) {
        cursor.lines = &lines_by_year[line.year];
        cursor.year = line.year;
      }
      if (cursor.source < 0 || line.source != sources.names()[static_cast<std::size_t>(cursor.source)]) {
        cursor.source = sources.add(line.source);
      }
      auto& year_lines = *cursor.lines;
      year_lines.action.push_back(action_no);
      year_lines.plan.push_back(plan_no);
      year_lines.body.push_back(pf.body);
      year_lines.source.push_back(cursor.source);
      year_lines.planned.push_back(line.planned ? line.planned->cents() : 0);
      year_lines.actual.push_back(line.actual ? line.actual->cents() : 0);
    }
  }
  plans.push_back(pf);
}

namespace {

template <class T>
void append_range(Column<T>& to, const Column<T>& from, std::size_t first, std::size_t end) {
  to.edit().insert(to.edit().end(), from.begin() + static_cast<std::ptrdiff_t>(first),
                   from.begin() + static_cast<std::ptrdiff_t>(end));
}

// Rows [first, end) of `from` appended to `to`, their items with them.
template <class Items>
void append_rows(Column<int>& offsets, Items& items, const Column<int>& from_offsets, const Items& from_items,
                 std::size_t first, std::size_t end) {
  const int shift = static_cast<int>(items.size()) - from_offsets[first];
  append_range(items, from_items, static_cast<std::size_t>(from_offsets[first]), static_cast<std::size_t>(from_offsets[end]));
  auto& to = offsets.edit();
  for (std::size_t r = first + 1; r <= end; ++r) to.push_back(from_offsets[r] + shift);
}

}  // namespace

void Facts::copy_plans(const Facts& prev, int first, int end, bool with_feedback) {
  if (first == end) return;
  const int plan_shift = static_cast<int>(plans.size()) - first;
  const auto a0 = static_cast<std::size_t>(prev.plans[static_cast<std::size_t>(first)].first_action);
  const PlanFact& last = prev.plans[static_cast<std::size_t>(end - 1)];
  const auto a1 = static_cast<std::size_t>(last.first_action + last.action_count);
  const int action_shift = static_cast<int>(actions.size()) - static_cast<int>(a0);
  auto& to_plans = plans.edit();
  for (int j = first; j < end; ++j) {
    PlanFact pf = prev.plans[static_cast<std::size_t>(j)];
    pf.first_action += action_shift;
    to_plans.push_back(pf);
  }
  append_range(plan_ids, prev.plan_ids, static_cast<std::size_t>(first), static_cast<std::size_t>(end));
  append_range(actions, prev.actions, a0, a1);
  auto& owner = action_plan.edit();
  for (std::size_t a = a0; a < a1; ++a) owner.push_back(prev.action_plan[a] + plan_shift);
  append_range(action_status, prev.action_status, a0, a1);
  append_range(action_horizon, prev.action_horizon, a0, a1);
  append_range(action_objective, prev.action_objective, a0, a1);
  append_rows(action_categories.offsets, action_categories.items, prev.action_categories.offsets,
              prev.action_categories.items, a0, a1);
  append_rows(progress_offsets, progress_day, prev.progress_offsets, prev.progress_day, a0, a1);
  append_range(progress_completion, prev.progress_completion, static_cast<std::size_t>(prev.progress_offsets[a0]),
               static_cast<std::size_t>(prev.progress_offsets[a1]));
  if (with_feedback) {
    append_range(feedback_sum, prev.feedback_sum, a0, a1);
    append_range(feedback_count, prev.feedback_count, a0, a1);
  } else {
    feedback_sum.edit().resize(feedback_sum.size() + (a1 - a0), 0);
    feedback_count.edit().resize(feedback_count.size() + (a1 - a0), 0);
  }
  // Each year's lines are in plan order: the plans' lines are one run per year.
  for (const auto& [year, from] : prev.lines_by_year) {
    const auto lo = static_cast<std::size_t>(std::lower_bound(from.plan.begin(), from.plan.end(), first) - from.plan.begin());
    const auto hi = static_cast<std::size_t>(std::lower_bound(from.plan.begin() + static_cast<std::ptrdiff_t>(lo), from.plan.end(), end) - from.plan.begin());
    if (lo == hi) continue;
    YearLines& to = lines_by_year[year];
    const std::size_t at = to.size();
    append_range(to.action, from.action, lo, hi);
    append_range(to.plan, from.plan, lo, hi);
    append_range(to.body, from.body, lo, hi);
    append_range(to.source, from.source, lo, hi);
    append_range(to.planned, from.planned, lo, hi);
    append_range(to.actual, from.actual, lo, hi);
    if (plan_shift != 0 || action_shift != 0) {
      auto& action = to.action.edit();
      auto& plan = to.plan.edit();
      for (std::size_t l = at; l < to.size(); ++l) action[l] += action_shift, plan[l] += plan_shift;
    }
  }
}

namespace {

// Replacing the rows of some actions in a column of rows (`offsets` over the actions, one or
// more item columns): `rows` lists (action, its new items) by action, and `get(row)` gives the
// items of one column.

// Sets value `at` of `column`, which is copied first only when the value differs.
template <class T>
void set(Column<T>& column, std::size_t at, const T& value) {
  if (!(column[at] == value)) column.edit()[at] = value;
}

// Whether each replacement has as many items as the row it replaces: then they are written in
// place.
template <class Row, class Get>
bool same_lengths(const Column<int>& offsets, const std::vector<std::pair<int, Row>>& rows, Get get) {
  for (const auto& [a, row] : rows) {
    const auto at = static_cast<std::size_t>(a);
    if (offsets[at + 1] - offsets[at] != static_cast<int>(get(row).size())) return false;
  }
  return true;
}

// One item column with the rows replaced, by the offsets before the replacement.
template <class T, class Row, class Get>
void replace_items(Column<T>& items, const Column<int>& offsets, const std::vector<std::pair<int, Row>>& rows,
                   Get get, bool in_place) {
  if (rows.empty()) return;
  if (in_place) {
    for (const auto& [a, row] : rows) {
      const auto at = static_cast<std::size_t>(offsets[static_cast<std::size_t>(a)]);
      for (std::size_t k = 0; k < get(row).size(); ++k) set(items, at + k, get(row)[k]);
    }
    return;
  }
  std::vector<T> made;
  made.reserve(items.size());
  int copied = 0;  // items before this offset are in `made`
  for (const auto& [a, row] : rows) {
    const auto at = static_cast<std::size_t>(a);
    made.insert(made.end(), items.begin() + copied, items.begin() + offsets[at]);
    made.insert(made.end(), get(row).begin(), get(row).end());
    copied = offsets[at + 1];
  }
  made.insert(made.end(), items.begin() + copied, items.end());
  items = Column<T>(std::move(made));
}

// The offsets after the replacement (after every item column).
template <class Row, class Get>
void replace_offsets(Column<int>& offsets, const std::vector<std::pair<int, Row>>& rows, Get get) {
  if (rows.empty()) return;
  const std::vector<int>& old = offsets.get();
  std::vector<int> v(old.size());
  v[0] = old[0];
  std::size_t next = 0;
  for (std::size_t a = 0; a + 1 < old.size(); ++a) {
    int length = old[a + 1] - old[a];
    if (next < rows.size() && static_cast<std::size_t>(rows[next].first) == a) {
      length = static_cast<int>(get(rows[next++].second).size());
    }
    v[a + 1] = v[a] + length;
  }
  offsets = Column<int>(std::move(v));
}

}  // namespace

bool Facts::patch_in_place(const Facts& prev, const Model& m, const std::vector<PlanStep>& steps, bool feedback_kept) {
  // Only when no plan was added or removed and each changed plan has as many actions as before:
  // then every plan and action keeps its number.
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].kept()) continue;
    if (!steps[i].before || !steps[i].after || steps[i].before->actions.size() != steps[i].after->actions.size()) {
      return false;
    }
    changed.push_back(i);
  }
  plans = prev.plans;
  plan_ids = prev.plan_ids;
  actions = prev.actions;
  action_plan = prev.action_plan;
  action_status = prev.action_status;
  action_horizon = prev.action_horizon;
  action_objective = prev.action_objective;
  action_categories = prev.action_categories;
  progress_offsets = prev.progress_offsets;
  progress_day = prev.progress_day;
  progress_completion = prev.progress_completion;
  lines_by_year = prev.lines_by_year;
  feedback_sum = prev.feedback_sum;
  feedback_count = prev.feedback_count;
  struct Categories {
    std::vector<int> ids;
  };
  struct Progress {
    std::vector<int> days;
    std::vector<double> completions;
  };
  struct Lines {  // one plan's lines of one year, in action order
    std::vector<int> action, plan, body, source;
    std::vector<std::int64_t> planned, actual;
  };
  std::vector<std::pair<int, Categories>> category_rows;
  std::vector<std::pair<int, Progress>> progress_rows;
  for (std::size_t i : changed) {
    const Plan& p = *steps[i].after;
    PlanFact pf = plans[i];
    describe_plan(p, pf);
    pf.based_on = p.based_on ? prev.plan_number(*p.based_on) : -1;  // the same numbers
    plans.edit()[i] = pf;
    std::map<int, Lines> lines;
    for (std::size_t k = 0; k < p.actions.size(); ++k) {
      const Action& a = p.actions[k];
      const int act = pf.first_action + static_cast<int>(k);
      const auto at = static_cast<std::size_t>(act);
      set(actions, at, &a);
      set(action_status, at, a.status);
      set(action_horizon, at, a.horizon ? static_cast<int>(*a.horizon) : -1);
      set(action_objective, at, a.objective ? objectives.add(*a.objective) : -1);
      Categories cats;
      for (const auto& c : a.categories) {
        const int cid = categories.find(c);
        if (cid >= 0) cats.ids.push_back(cid);
      }
      category_rows.emplace_back(act, std::move(cats));
      Progress progress;
      for (const auto& pr : a.progress) {
        progress.days.push_back(pr.date.year * 10000 + pr.date.month * 100 + pr.date.day);
        progress.completions.push_back(pr.completion);
      }
      progress_rows.emplace_back(act, std::move(progress));
      for (const auto& line : a.budget) {
        Lines& l = lines[line.year];
        l.action.push_back(act);
        l.plan.push_back(static_cast<int>(i));
        l.body.push_back(pf.body);
        l.source.push_back(sources.add(line.source));
        l.planned.push_back(line.planned ? line.planned->cents() : 0);
        l.actual.push_back(line.actual ? line.actual->cents() : 0);
      }
    }
    // Each year's lines are in plan order: the plan's lines of a year are one run, replaced by
    // its new lines (in place when as many).
    std::set<int> years;
    for (const auto& [year, yl] : lines_by_year) {
      if (std::binary_search(yl.plan.begin(), yl.plan.end(), static_cast<int>(i))) years.insert(year);
    }
    for (const auto& [year, l] : lines) years.insert(year);
    static const Lines kNone;
    for (int year : years) {
      YearLines& yl = lines_by_year[year];
      const auto found = lines.find(year);
      const Lines& fresh = found == lines.end() ? kNone : found->second;
      const auto lo = static_cast<std::size_t>(std::lower_bound(yl.plan.begin(), yl.plan.end(), static_cast<int>(i)) - yl.plan.begin());
      const auto hi = static_cast<std::size_t>(std::upper_bound(yl.plan.begin() + static_cast<std::ptrdiff_t>(lo), yl.plan.end(), static_cast<int>(i)) - yl.plan.begin());
      auto put = [&](auto& column, const auto& values) {
        const auto& now = column.get();
        if (hi - lo == values.size() &&
            std::equal(values.begin(), values.end(), now.begin() + static_cast<std::ptrdiff_t>(lo))) {
          return;  // unchanged: still shared
        }
        auto& v = column.edit();
        if (hi - lo == values.size()) {
          std::copy(values.begin(), values.end(), v.begin() + static_cast<std::ptrdiff_t>(lo));
        } else {
          v.erase(v.begin() + static_cast<std::ptrdiff_t>(lo), v.begin() + static_cast<std::ptrdiff_t>(hi));
          v.insert(v.begin() + static_cast<std::ptrdiff_t>(lo), values.begin(), values.end());
        }
      };
      put(yl.action, fresh.action);
      put(yl.body, fresh.body);
      put(yl.source, fresh.source);
      put(yl.planned, fresh.planned);
      put(yl.actual, fresh.actual);
      put(yl.plan, fresh.plan);  // last: lo and hi are positions in it
    }
    if (feedback_kept) {
      // The same feedback, summed again over the plan's actions (which may have other ids now),
      // as add_feedback() does.
      std::vector<double> sums(p.actions.size(), 0);
      std::vector<int> counts(p.actions.size(), 0);
      Feedback first;
      first.action = *steps[i].id + "/";
      if (steps[i].id->find('/') == std::string::npos) {
        for (auto it = m.feedback.lower_bound(first);
             it != m.feedback.end() && it->action.compare(0, first.action.size(), first.action) == 0; ++it) {
          for (std::size_t k = 0; k < p.actions.size(); ++k) {
            if (it->action.compare(first.action.size(), std::string::npos, p.actions[k].id) == 0) {
              sums[k] += it->rating;
              counts[k] += 1;
              break;
            }
          }
        }
      }
      for (std::size_t k = 0; k < p.actions.size(); ++k) {
        set(feedback_sum, static_cast<std::size_t>(pf.first_action) + k, sums[k]);
        set(feedback_count, static_cast<std::size_t>(pf.first_action) + k, counts[k]);
      }
    }
  }
  // The changed actions' categories and progress: in place when as many as before.
  auto ids = [](const Categories& c) -> const std::vector<int>& { return c.ids; };
  const bool categories_in_place = same_lengths(action_categories.offsets, category_rows, ids);
  replace_items(action_categories.items, action_categories.offsets, category_rows, ids, categories_in_place);
  if (!categories_in_place) replace_offsets(action_categories.offsets, category_rows, ids);
  auto days = [](const Progress& p) -> const std::vector<int>& { return p.days; };
  auto completions = [](const Progress& p) -> const std::vector<double>& { return p.completions; };
  const bool progress_in_place = same_lengths(progress_offsets, progress_rows, days);
  replace_items(progress_day, progress_offsets, progress_rows, days, progress_in_place);
  replace_items(progress_completion, progress_offsets, progress_rows, completions, progress_in_place);
  if (!progress_in_place) replace_offsets(progress_offsets, progress_rows, days);
  return true;
}

int Facts::plan_number(const std::string& id) const {
  const auto it = std::lower_bound(plan_ids.begin(), plan_ids.end(), id);
  return it == plan_ids.end() || *it != id ? -1 : static_cast<int>(it - plan_ids.begin());
}

void Facts::resolve_based_on(const Model& m) {
  std::size_t k = 0;
  auto& to = plans.edit();
  for (const auto& [id, p] : m.plans) {
    to[k++].based_on = p.based_on ? plan_number(*p.based_on) : -1;
  }
}

// Feedback names "<plan>/<action>": the plan by its index, the action among the plan's own (a
// few dozen at most), rather than an index of every action's full name.
void Facts::add_feedback(const Feedback& f) {
  const auto slash = f.action.find('/');
  if (slash == std::string::npos) return;
  const int plan = plan_number(f.action.substr(0, slash));
  if (plan < 0) return;
  const PlanFact& pf = plans[static_cast<std::size_t>(plan)];
  for (int k = pf.first_action; k < pf.first_action + pf.action_count; ++k) {
    const std::string& action_id = actions[static_cast<std::size_t>(k)]->id;
    if (f.action.size() == slash + 1 + action_id.size() && f.action.compare(slash + 1, std::string::npos, action_id) == 0) {
      feedback_sum.edit()[static_cast<std::size_t>(k)] += f.rating;
      feedback_count.edit()[static_cast<std::size_t>(k)] += 1;
      return;
    }
  }
}

void Facts::build_feedback(const Model& m) {
  feedback_sum.edit().assign(actions.size(), 0);
  feedback_count.edit().assign(actions.size(), 0);
  for (const auto& f : m.feedback) add_feedback(f);
}

void Facts::feedback_of_plan(const Model& m, const std::string& id) {
  if (id.find('/') != std::string::npos) return;  // feedback names its plan up to the first '/'
  Feedback first;
  first.action = id + "/";
  for (auto it = m.feedback.lower_bound(first);
       it != m.feedback.end() && it->action.compare(0, first.action.size(), first.action) == 0; ++it) {
    add_feedback(*it);
  }
}

void Facts::build_statistics(const Model& m) {
  for (const auto& [key, s] : m.statistics) {
    const int b = body(s.body);
    if (b < 0) continue;
    auto& column = statistics[s.variable][s.year];
    if (column.empty()) column.assign(body_ids.size(), kNull);
    column[static_cast<std::size_t>(b)] = s.value;
  }
}

void Facts::build_cases(const Model& m) {
  for (const auto& [id, c] : m.cases) {
    CaseFact cf;
    cf.body = body(c.body);
    cf.service = categories.find(c.service);
    cf.opened = c.opened.year;
    cf.closed = c.closed ? c.closed->year : INT_MAX;
    if (cf.body < 0) continue;
    cases.push_back(cf);
  }
}

void Facts::build_ledger(const Model& m) {
  for (const auto& [key, l] : m.ledger) {
    LedgerFact lf{body(l.body), ledger_services.add(l.service), l.year, l.charged.cents(), l.collected.cents()};
    if (lf.body < 0) continue;
    ledger.push_back(lf);
  }
  std::stable_sort(ledger.begin(), ledger.end(),
                   [](const LedgerFact& a, const LedgerFact& b) { return a.year < b.year; });
  for (std::size_t i = 0; i < ledger.size();) {
    std::size_t j = i;
    while (j < ledger.size() && ledger[j].year == ledger[i].year) ++j;
    ledger_by_year[ledger[i].year] = {i, j};
    i = j;
  }
}

void Facts::build_places(const Model& m) {
  for (const auto& [id, p] : m.places) {
    PlaceFact pf{body(p.body), place_categories.add(p.category), p.since ? p.since->year : INT_MIN};
    if (pf.body >= 0) places.push_back(pf);
  }
}

void Facts::build_certifications(const Model& m) {
  for (const auto& [key, c] : m.certifications) {
    CertificationFact cf{body(c.body), schemes.add(c.scheme), c.status, c.date, c.expires};
    if (cf.body >= 0) certifications.push_back(cf);
  }
  std::sort(certifications.begin(), certifications.end(),
            [](const CertificationFact& a, const CertificationFact& b) { return a.date < b.date; });
}

void Facts::collect_years() {
  // Plan periods repeat: expand each distinct one once.
  std::set<std::pair<int, int>> periods;
  for (const auto& p : plans) periods.emplace(p.from, p.to);
  std::set<int> years;
  for (const auto& [from, to] : periods) {
    for (int y = from; y <= to; ++y) years.insert(y);
  }
  for (const auto& [year, lines] : lines_by_year) {
    if (lines.size()) years.insert(year);
  }
  for (const auto& [variable, by_year] : statistics) {
    for (const auto& [year, column] : by_year) years.insert(year);
  }
  for (const auto& c : cases) {
    years.insert(c.opened);
    if (c.closed != INT_MAX) years.insert(c.closed);
  }
  for (const auto& [year, range] : ledger_by_year) years.insert(year);
  data_years.assign(years.begin(), years.end());
}

std::shared_ptr<const Derived> Facts::derived(const std::string& key) const {
  std::lock_guard<std::mutex> lock(derived_mutex_);
  auto it = derived_.find(key);
  return it == derived_.end() ? nullptr : it->second;
}

std::shared_ptr<const Derived> Facts::keep(const std::string& key, std::shared_ptr<const Derived> value) const {
  std::lock_guard<std::mutex> lock(derived_mutex_);
  auto found = derived_.find(key);
  if (found != derived_.end()) return found->second;
  const std::size_t bytes = value->values.size() * sizeof(double) + value->cents.size() * sizeof(std::int64_t) +
                            value->bits.size() * sizeof(std::uint64_t) + value->row_of.size() * sizeof(int);
  if (derived_bytes_ + bytes > kKeptBytes) return value;
  derived_bytes_ += bytes;
  return derived_.emplace(key, std::move(value)).first->second;
}

std::shared_ptr<const Derived> Facts::inherited(const std::string& key) const {
  std::lock_guard<std::mutex> lock(derived_mutex_);
  auto it = inherited_.find(key);
  if (it == inherited_.end()) return nullptr;
  auto value = std::move(it->second);
  inherited_.erase(it);
  return value;
}

std::shared_ptr<const void> Facts::result(const std::string& key) const {
  std::lock_guard<std::mutex> lock(derived_mutex_);
  auto it = results_.find(key);
  return it == results_.end() ? nullptr : it->second;
}

void Facts::keep_result(const std::string& key, std::shared_ptr<const void> value) const {
  std::lock_guard<std::mutex> lock(derived_mutex_);
  results_.emplace(key, std::move(value));
}

std::shared_ptr<const void> Facts::inherited_result(const std::string& key) const {
  std::lock_guard<std::mutex> lock(derived_mutex_);
  auto it = inherited_results_.find(key);
  if (it == inherited_results_.end()) return nullptr;
  auto value = std::move(it->second);
  inherited_results_.erase(it);
  return value;
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
    auto mask = std::make_shared<std::vector<char>>();
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
