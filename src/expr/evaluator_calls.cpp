// SPDX-License-Identifier: Apache-2.0
// Vectorised function calls: fact functions summed over each body's scope, element-wise ones.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "expr/program.hpp"

namespace civicplan::detail {

namespace {

double truth(bool b) { return b ? 1.0 : 0.0; }

std::vector<double> constant(std::size_t n, double v) { return buffer(n, v); }

// The results of indicator() calls, by batch.
using ArrayMemo = std::unordered_map<std::string, std::vector<double>>;

Derived of_values(std::vector<double> values) {
  Derived d;
  d.values = std::move(values);
  return d;
}

// `old` with the values of `bodies` taken from `fresh`, an array of the same layout derived for
// those bodies only; nullptr when the layouts differ.
std::shared_ptr<const Derived> spliced(const Derived& old, const Derived& fresh, const std::vector<int>& bodies,
                                       std::size_t body_count) {
  if (old.values.size() != fresh.values.size() || old.cents.size() != fresh.cents.size() ||
      old.bits.size() != fresh.bits.size() || old.words != fresh.words || old.row_of != fresh.row_of) {
    return nullptr;
  }
  auto out = std::make_shared<Derived>(old);
  auto rows = [&](auto& to, const auto& from) {
    if (body_count == 0) return;
    for (std::size_t r = 0; r < to.size() / body_count; ++r) {
      for (int b : bodies) to[r * body_count + static_cast<std::size_t>(b)] = from[r * body_count + static_cast<std::size_t>(b)];
    }
  };
  rows(out->values, fresh.values);
  rows(out->cents, fresh.cents);
  for (int b : bodies) {
    const std::size_t at = static_cast<std::size_t>(b) * out->words;
    std::copy(fresh.bits.begin() + static_cast<std::ptrdiff_t>(at),
              fresh.bits.begin() + static_cast<std::ptrdiff_t>(at + out->words),
              out->bits.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return out;
}

// plans(): per body, the plans of the mask.
std::vector<double> own_plans(const Facts& facts, const std::vector<char>& plans) {
  std::vector<double> own(facts.body_count(), 0.0);
  for (std::size_t p = 0; p < plans.size(); ++p) {
    if (plans[p]) own[facts.plans[p].body] += 1;
  }
  return own;
}

// actions(): per body, the actions of the plans of the mask that pass `ok`.
template <class Filter>
std::vector<double> own_actions(const Facts& facts, const std::vector<char>& plans, Filter&& ok) {
  std::vector<double> own(facts.body_count(), 0.0);
  for (std::size_t p = 0; p < plans.size(); ++p) {
    if (!plans[p]) continue;
    const auto& pf = facts.plans[p];
    for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
      if (ok(act)) own[pf.body] += 1;
    }
  }
  return own;
}

// budget() without a category: per body, its exact cents (all 0 when `cents` is null).
std::vector<double> own_cents(const std::int64_t* cents, std::size_t bodies) {
  std::vector<double> own(bodies, 0.0);
  if (cents) {
    for (std::size_t b = 0; b < bodies; ++b) own[b] = static_cast<double>(cents[b]);
  }
  return own;
}

// Sums of cents as euros. Cents are whole numbers far below 2^53, so a sum of them is exact
// before the division.
std::vector<double> in_euros(std::vector<double> sums) {
  for (auto& s : sums) s /= 100.0;
  return sums;
}

// rating(): per body, the sum of the feedback ratings of the actions of the plans of the mask,
// then (from `bodies` on) their number.
std::vector<double> own_ratings(const Facts& facts, const std::vector<char>& plans) {
  const std::size_t bodies = facts.body_count();
  std::vector<double> own(2 * bodies, 0.0);
  for (std::size_t p = 0; p < plans.size(); ++p) {
    if (!plans[p]) continue;
    const auto& pf = facts.plans[p];
    for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
      own[pf.body] += facts.feedback_sum[act];
      own[bodies + pf.body] += facts.feedback_count[act];
    }
  }
  return own;
}

// rating(): per body of the batch, the mean rating over its scope; null without any rating.
std::vector<double> scope_rating(const Facts& facts, const std::vector<double>& own,
                                 const Batch& batch, int year) {
  const std::size_t bodies = facts.body_count();
  const std::size_t size = batch.bodies.size();
  const Csr& scope = facts.scope(year);
  std::vector<double> out = buffer(size, kNull);
  for (std::size_t i = 0; i < size; ++i) {
    double sum = 0, count = 0;
    const int b = batch.bodies[i];
    for (int k = scope.offsets[b]; k < scope.offsets[b + 1]; ++k) {
      sum += own[scope.items[k]];
      count += own[bodies + scope.items[k]];
    }
    if (count > 0) out[i] = sum / count;
  }
  return out;
}

// cases() or new_cases(): per body, the cases of the call's service (or of all), counted in one
// pass for every year of `years`, sorted.
std::vector<std::vector<double>> count_cases(const Facts& facts, const CNode& n, const std::vector<int>& years) {
  std::vector<std::vector<double>> own(years.size(), std::vector<double>(facts.body_count(), 0.0));
  const std::vector<char>* svc = n.call.service.empty() ? nullptr : &facts.under(n.call.service);
  const bool active_cases = n.fn == Fn::kCases;
  for (const auto& c : facts.cases) {
    if (svc && (svc->empty() || c.service < 0 || !(*svc)[c.service])) continue;
    // The years this case counts in: [opened, closed] for cases(), its opening year for
    // new_cases().
    auto y = std::lower_bound(years.begin(), years.end(), c.opened);
    for (; y != years.end() && (active_cases ? *y <= c.closed : *y == c.opened); ++y) {
      own[static_cast<std::size_t>(y - years.begin())][c.body] += 1;
    }
  }
  return own;
}

// charged() or collected(): per body, the cents of the year's ledger entries of the call's
// service (or of all).
std::vector<double> own_ledger(const Facts& facts, const CallArgs& a, int year, bool charged) {
  std::vector<double> own(facts.body_count(), 0.0);
  const int service = a.service.empty() ? -1 : facts.ledger_services.find(a.service);
  auto range = facts.ledger_by_year.find(year);
  if ((a.service.empty() || service >= 0) && range != facts.ledger_by_year.end()) {
    for (std::size_t k = range->second.first; k < range->second.second; ++k) {
      const auto& l = facts.ledger[k];
      if (service >= 0 && l.service != service) continue;
      own[l.body] += static_cast<double>(charged ? l.charged : l.collected);
    }
  }
  return own;
}

// places(): per body, the places of the call's category (or of all) open by `year`.
std::vector<double> own_places(const Facts& facts, const CallArgs& a, int year) {
  std::vector<double> own(facts.body_count(), 0.0);
  const int category = a.place_category.empty() ? -1 : facts.place_categories.find(a.place_category);
  if (a.place_category.empty() || category >= 0) {
    for (const auto& p : facts.places) {
      if (p.since > year || (category >= 0 && p.category != category)) continue;
      own[p.body] += 1;
    }
  }
  return own;
}

// param(name): the parameter's value, or null.
double parameter_value(const std::map<std::string, double>* parameters, const std::string& name) {
  if (!parameters) return kNull;
  auto it = parameters->find(name);
  return it != parameters->end() ? it->second : kNull;
}

// indicator(id): the values of the indicator's formula for `year` (null without one), memoised
// in `results` for a batch with a key.
std::vector<double> indicator_values(Evaluator& ev, const EvalOptions& options, ArrayMemo& results,
                                     const std::string& id, const Batch& batch, int year) {
  const std::string key = "indicator|" + id + "|" + std::to_string(year) + "|" + batch.key;
  auto it = results.find(key);
  if (it != results.end() && !batch.key.empty()) return it->second;
  const CNode* formula = options.indicator ? options.indicator(id, year) : nullptr;
  auto values = formula ? ev.eval(*formula, batch, year) : constant(batch.bodies.size(), kNull);
  if (!batch.key.empty()) results[key] = values;
  return values;
}

// if(condition, then, else): null where the condition is null.
std::vector<double> eval_if(Evaluator& ev, const CNode& n, const Batch& batch, int year) {
  const std::size_t size = batch.bodies.size();
  auto c = ev.eval(n.args[0], batch, year);
  auto t = ev.eval(n.args[1], batch, year);
  auto e = ev.eval(n.args[2], batch, year);
  for (std::size_t i = 0; i < size; ++i) c[i] = is_null(c[i]) ? kNull : (c[i] != 0 ? t[i] : e[i]);
  recycle(std::move(t));
  recycle(std::move(e));
  return c;
}

// min(...) or max(...): null where any argument is null.
std::vector<double> eval_min_max(Evaluator& ev, const CNode& n, const Batch& batch, int year) {
  const std::size_t size = batch.bodies.size();
  auto acc = ev.eval(n.args[0], batch, year);
  for (std::size_t k = 1; k < n.args.size(); ++k) {
    auto v = ev.eval(n.args[k], batch, year);
    for (std::size_t i = 0; i < size; ++i) {
      if (is_null(acc[i]) || is_null(v[i])) acc[i] = kNull;
      else acc[i] = n.fn == Fn::kMin ? std::min(acc[i], v[i]) : std::max(acc[i], v[i]);
    }
    recycle(std::move(v));
  }
  return acc;
}

std::vector<double> eval_abs(Evaluator& ev, const CNode& n, const Batch& batch, int year) {
  auto v = ev.eval(n.args[0], batch, year);
  for (auto& x : v) x = std::fabs(x);
  return v;
}

// round(x, digits): null where the result is not finite.
std::vector<double> eval_round(Evaluator& ev, const CNode& n, const Batch& batch, int year) {
  auto v = ev.eval(n.args[0], batch, year);
  const double scale = std::pow(10.0, n.call.digits);
  for (auto& x : v) {
    if (!is_null(x)) x = std::round(x * scale) / scale;
    if (!std::isfinite(x)) x = kNull;
  }
  return v;
}

// coalesce(...): the first argument that is not null; later arguments are evaluated only while
// some value is still null.
std::vector<double> eval_coalesce(Evaluator& ev, const CNode& n, const Batch& batch, int year) {
  const std::size_t size = batch.bodies.size();
  auto acc = ev.eval(n.args[0], batch, year);
  for (std::size_t k = 1; k < n.args.size(); ++k) {
    bool any_null = false;
    for (double x : acc) any_null = any_null || is_null(x);
    if (!any_null) break;
    auto v = ev.eval(n.args[k], batch, year);
    for (std::size_t i = 0; i < size; ++i) {
      if (is_null(acc[i])) acc[i] = v[i];
    }
    recycle(std::move(v));
  }
  return acc;
}

std::vector<double> eval_exists(Evaluator& ev, const CNode& n, const Batch& batch, int year) {
  auto v = ev.eval(n.args[0], batch, year);
  for (auto& x : v) x = truth(!is_null(x));
  return v;
}

}  // namespace

namespace {

// Calls make() with the evaluator's restriction `slot` set to `only`, then restores it.
template <class Make>
Derived restricted(const std::vector<char>*& slot, const std::vector<char>* only, Make& make) {
  struct Restore {
    const std::vector<char>*& slot;
    const std::vector<char>* saved;
    ~Restore() { slot = saved; }
  } restore{slot, slot};
  slot = only;
  return make();
}

}  // namespace

template <class Make>
const Derived& Evaluator::derive(const std::string& key, Depends depends, Make&& make) {
  auto mine = derived_.find(key);
  if (mine != derived_.end()) return *mine->second;
  std::shared_ptr<const Derived> d = facts_.derived(key);
  if (!d) {
    const FactsDelta* delta = facts_.delta();
    std::shared_ptr<const Derived> old = delta ? facts_.inherited(key) : nullptr;
    const bool holds = depends == Depends::kPlans || (depends == Depends::kFeedback && delta && delta->feedback) ||
                       (depends == Depends::kCases && delta && delta->cases) ||
                       (depends == Depends::kLedger && delta && delta->ledger) ||
                       (depends == Depends::kPlaces && delta && delta->places);
    if (old && holds) {
      // Records of other kinds do not change with the plans; an array of the plans is derived
      // again for the bodies whose plans changed, the other bodies' values copied.
      if (depends == Depends::kCases || depends == Depends::kLedger || depends == Depends::kPlaces ||
          delta->bodies.empty()) {
        d = std::move(old);
      } else {
        std::vector<char> changed(facts_.body_count(), 0);
        for (int b : delta->bodies) changed[static_cast<std::size_t>(b)] = 1;
        const Derived fresh = restricted(only_, &changed, make);
        d = spliced(*old, fresh, delta->bodies, facts_.body_count());
      }
    }
    // Derived for every body, even inside the patch of another array.
    if (!d) d = std::make_shared<const Derived>(restricted(only_, nullptr, make));
    d = facts_.keep(key, std::move(d));
  }
  return *derived_.emplace(key, std::move(d)).first->second;
}

template <class F>
void Evaluator::each_line(const YearLines& lines, const std::vector<char>& plans, F&& f) const {
  if (!only_) {
    for (std::size_t l = 0; l < lines.size(); ++l) {
      if (plans[lines.plan[l]]) f(l);
    }
    return;
  }
  // A few plans: the lines of each, found by a search (the lines are in action order).
  for (std::size_t p = 0; p < plans.size(); ++p) {
    if (!plans[p]) continue;
    const auto& pf = facts_.plans[p];
    auto l = static_cast<std::size_t>(std::lower_bound(lines.action.begin(), lines.action.end(), pf.first_action) -
                                      lines.action.begin());
    for (; l < lines.size() && lines.action[l] < pf.first_action + pf.action_count; ++l) f(l);
  }
}

std::vector<double> Evaluator::scope_sum(const double* own, const Batch& batch, int year) const {
  const Csr& scope = facts_.scope(year);
  std::vector<double> out = buffer(batch.bodies.size(), 0.0);
  for (std::size_t i = 0; i < batch.bodies.size(); ++i) {
    const int b = batch.bodies[i];
    double sum = 0;
    for (int k = scope.offsets[b]; k < scope.offsets[b + 1]; ++k) sum += own[scope.items[k]];
    out[i] = sum;
  }
  return out;
}

bool Evaluator::action_ok(int action, const CallArgs& a, const std::vector<char>* category_mask) const {
  if (a.action_status >= 0 && static_cast<int>(facts_.action_status[action]) != a.action_status) return false;
  if (a.horizon >= 0 && facts_.action_horizon[action] != a.horizon) return false;
  if (!a.objective.empty()) {
    const int objective = facts_.objectives.find(a.objective);
    if (objective < 0 || facts_.action_objective[action] != objective) return false;
  }
  if (category_mask) {
    if (category_mask->empty()) return false;
    const auto& cats = facts_.action_categories;
    for (int k = cats.offsets[action]; k < cats.offsets[action + 1]; ++k) {
      if ((*category_mask)[cats.items[k]]) return true;
    }
    return false;
  }
  return true;
}

std::vector<double> Evaluator::eval_call(const CNode& n, const Batch& batch, int year) {
  const std::size_t size = batch.bodies.size();
  const CallArgs& a = n.call;
  const std::string own_key = n.key + "#" + std::to_string(year) + (options_.preview ? "#preview" : "");
  switch (n.fn) {
    case Fn::kActions:
    case Fn::kPlans: {
      if (n.fn == Fn::kActions && !a.category.empty()) {
        if (const double* own = by_category(n, year)) return scope_sum(own, batch, year);
      }
      const auto& own = derive("own|" + own_key, Depends::kPlans, [&] {
        const auto& plans = plan_mask(a, n.fn, year);
        if (n.fn == Fn::kPlans) return of_values(own_plans(facts_, plans));
        const std::vector<char>* cats = a.category.empty() ? nullptr : &facts_.under(a.category);
        return of_values(own_actions(facts_, plans, [&](int act) { return action_ok(act, a, cats); }));
      }).values;
      return scope_sum(own.data(), batch, year);
    }
    case Fn::kBudget: {
      if (!a.category.empty()) {
        if (const double* own = by_category(n, year)) return in_euros(scope_sum(own, batch, year));
      }
      // Exact cents per body, then per scope; euros only at the end.
      const auto& own = derive("own|" + own_key, Depends::kPlans, [&] {
        const int source = a.source.empty() ? -1 : facts_.sources.find(a.source);
        // With a category by_category does not know, nothing is under it: the sums stay 0.
        const bool any = a.category.empty() && (a.source.empty() || source >= 0);
        return of_values(own_cents(any ? by_source(a, year, source) : nullptr, facts_.body_count()));
      }).values;
      return in_euros(scope_sum(own.data(), batch, year));
    }
    case Fn::kRating: {
      const auto& own = derive("own|" + own_key, Depends::kFeedback, [&] {
        return of_values(own_ratings(facts_, plan_mask(CallArgs{}, Fn::kActions, year)));
      }).values;
      return scope_rating(facts_, own, batch, year);
    }
    case Fn::kCases:
    case Fn::kNewCases: {
      const auto& own = derive("own|" + own_key, Depends::kCases, [&] {
        // Formulas ask for the same call year after year: one pass counts every year the
        // workspace holds data for, and the other years are kept for the calls to come.
        std::vector<int> years = facts_.data_years;
        if (!std::binary_search(years.begin(), years.end(), year)) {
          years.insert(std::upper_bound(years.begin(), years.end(), year), year);
        }
        auto counted = count_cases(facts_, n, years);
        const std::string suffix = options_.preview ? "#preview" : "";
        Derived mine;
        for (std::size_t y = 0; y < years.size(); ++y) {
          if (years[y] == year) {
            mine.values = std::move(counted[y]);
            continue;
          }
          const std::string key = "own|" + n.key + "#" + std::to_string(years[y]) + suffix;
          if (!facts_.derived(key)) facts_.keep(key, std::make_shared<const Derived>(of_values(std::move(counted[y]))));
        }
        return mine;
      }).values;
      return scope_sum(own.data(), batch, year);
    }
    case Fn::kCharged:
    case Fn::kCollected: {
      const bool charged = n.fn == Fn::kCharged;
      const auto& own = derive("own|" + own_key, Depends::kLedger,
                               [&] { return of_values(own_ledger(facts_, a, year, charged)); }).values;
      return in_euros(scope_sum(own.data(), batch, year));
    }
    case Fn::kPlaces: {
      const auto& own =
          derive("own|" + own_key, Depends::kPlaces, [&] { return of_values(own_places(facts_, a, year)); }).values;
      return scope_sum(own.data(), batch, year);
    }
    case Fn::kCategories: return categories(n, batch, year);
    case Fn::kCompletion: return completion(n, batch, year);
    case Fn::kMembers: return members(n, batch, year);
    case Fn::kHeld: return held(n, batch, year, false);
    case Fn::kYearsHeld: return held(n, batch, year, true);
    case Fn::kCertified:
      return options_.certified ? options_.certified(a.text, batch, year) : constant(size, kNull);
    case Fn::kIndicator: return indicator_values(*this, options_, results_, a.text, batch, year);
    case Fn::kParam: return constant(size, parameter_value(options_.parameters, a.text));
    case Fn::kIf: return eval_if(*this, n, batch, year);
    case Fn::kMin:
    case Fn::kMax: return eval_min_max(*this, n, batch, year);
    case Fn::kAbs: return eval_abs(*this, n, batch, year);
    case Fn::kRound: return eval_round(*this, n, batch, year);
    case Fn::kCoalesce: return eval_coalesce(*this, n, batch, year);
    case Fn::kExists: return eval_exists(*this, n, batch, year);
    case Fn::kNone: break;
  }
  return constant(size, kNull);
}

std::vector<double> Evaluator::members(const CNode& n, const Batch& batch, int year) {
  const CallArgs& a = n.call;
  // Evaluate the inner expression once over every body of the member kind.
  Batch inner;
  inner.key = std::string("kind:") + to_string(a.member_kind);
  std::vector<int> position(facts_.body_count(), -1);
  for (std::size_t b = 0; b < facts_.body_count(); ++b) {
    if (facts_.body_kind[b] == a.member_kind) {
      position[b] = static_cast<int>(inner.bodies.size());
      inner.bodies.push_back(static_cast<int>(b));
    }
  }
  const auto values = eval(n.args[0], inner, year);
  const Csr& scope = facts_.scope(year);
  std::vector<double> out = buffer(batch.bodies.size(), kNull);
  for (std::size_t i = 0; i < batch.bodies.size(); ++i) {
    const int b = batch.bodies[i];
    double sum = 0, lo = INFINITY, hi = -INFINITY, count = 0, truthy = 0;
    for (int k = scope.offsets[b]; k < scope.offsets[b + 1]; ++k) {
      const int pos = position[scope.items[k]];
      if (pos < 0) continue;
      const double v = values[pos];
      if (is_null(v)) continue;
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      count += 1;
      truthy += v != 0 ? 1 : 0;
    }
    switch (a.agg) {
      case Agg::kCount: out[i] = count; break;
      case Agg::kSum: out[i] = count > 0 ? sum : kNull; break;
      case Agg::kMean: out[i] = count > 0 ? sum / count : kNull; break;
      case Agg::kMin: out[i] = count > 0 ? lo : kNull; break;
      case Agg::kMax: out[i] = count > 0 ? hi : kNull; break;
      case Agg::kShare: out[i] = count > 0 ? truthy / count : kNull; break;
    }
  }
  return out;
}

Derived Evaluator::own_categories(const CallArgs& a, int year) {
  // The categories of the taxonomy at the requested depth get dense slots; every category of
  // the taxonomy lists the slots of its ancestors (or itself) at that depth.
  const auto& model = facts_.model();
  Derived own;
  auto t = model.taxonomies.find(a.taxonomy);
  if (t == model.taxonomies.end()) return own;
  std::vector<int> slot(facts_.categories.size(), -1);
  std::vector<std::vector<int>> at_depth(facts_.categories.size());
  int slots = 0;
  for (const auto& node : t->second.nodes()) {
    const int id = facts_.categories.find(a.taxonomy + ":" + node.code);
    for (const auto& code : t->second.ancestors_at_depth(node.code, a.depth)) {
      const int up = facts_.categories.find(a.taxonomy + ":" + code);
      if (slot[up] < 0) slot[up] = slots++;
      at_depth[id].push_back(slot[up]);
    }
  }
  own.words = (static_cast<std::size_t>(slots) + 63) / 64;
  own.bits.assign(own.words * facts_.body_count(), 0);
  const auto& plans = plan_mask(a, Fn::kActions, year);
  const auto& cats = facts_.action_categories;
  for (std::size_t p = 0; p < plans.size(); ++p) {
    if (!plans[p]) continue;
    const auto& pf = facts_.plans[p];
    std::uint64_t* set = own.bits.data() + static_cast<std::size_t>(pf.body) * own.words;
    for (int k = cats.offsets[pf.first_action]; k < cats.offsets[pf.first_action + pf.action_count]; ++k) {
      for (int s : at_depth[cats.items[k]]) set[s / 64] |= std::uint64_t{1} << (s % 64);
    }
  }
  return own;
}

std::vector<double> Evaluator::categories(const CNode& n, const Batch& batch, int year) {
  const CallArgs& a = n.call;
  // Distinct depth categories per body, memoised per call and year: every level reuses them.
  const std::string own_key = n.key + "#" + std::to_string(year) + (options_.preview ? "#preview" : "");
  const Derived& own = derive("sets|" + own_key, Depends::kPlans, [&] { return own_categories(a, year); });
  std::vector<double> out = buffer(batch.bodies.size(), 0.0);
  if (own.words == 0) return out;
  const Csr& scope = facts_.scope(year);
  std::vector<std::uint64_t> set(own.words);
  for (std::size_t i = 0; i < batch.bodies.size(); ++i) {
    const int b = batch.bodies[i];
    std::fill(set.begin(), set.end(), 0);
    for (int k = scope.offsets[b]; k < scope.offsets[b + 1]; ++k) {
      const std::uint64_t* member = own.bits.data() + static_cast<std::size_t>(scope.items[k]) * own.words;
      for (std::size_t w = 0; w < own.words; ++w) set[w] |= member[w];
    }
    int distinct = 0;
    for (std::uint64_t w : set) distinct += __builtin_popcountll(w);
    out[i] = distinct;
  }
  return out;
}

const std::int64_t* Evaluator::by_source(const CallArgs& a, int year, int source) {
  // budget() calls without a category differ by source and by planned or actual: one pass
  // over the year's lines sums, per body, the cents of every source and of all sources, for
  // both. Rows: (actual ? 1 : 0) * (sources + 1) + (source, or sources for the total).
  const std::size_t bodies = facts_.body_count();
  const std::size_t sources = facts_.sources.size();
  const std::string key = a.plan_kind + "|" + std::to_string(a.variant) + "|" + std::to_string(status_mask(a)) +
                          "#" + std::to_string(year);
  const Derived& made = derive("src|" + key, Depends::kPlans, [&] {
    std::vector<std::int64_t> table(2 * (sources + 1) * bodies, 0);
    const auto& plans = plan_mask(a, Fn::kBudget, year);
    auto found = facts_.lines_by_year.find(year);
    if (found != facts_.lines_by_year.end()) {
      const YearLines& lines = found->second;
      std::int64_t* planned = table.data();
      std::int64_t* actual = table.data() + (sources + 1) * bodies;
      const std::size_t total = sources * bodies;
      each_line(lines, plans, [&](std::size_t l) {
        const std::size_t at = static_cast<std::size_t>(lines.source[l]) * bodies + static_cast<std::size_t>(lines.body[l]);
        const std::size_t all = total + static_cast<std::size_t>(lines.body[l]);
        planned[at] += lines.planned[l];
        planned[all] += lines.planned[l];
        actual[at] += lines.actual[l];
        actual[all] += lines.actual[l];
      });
    }
    Derived d;
    d.cents = std::move(table);
    return d;
  });
  const std::size_t row = (a.actual ? sources + 1 : 0) + (source >= 0 ? static_cast<std::size_t>(source) : sources);
  return made.cents.data() + row * bodies;
}

std::string Evaluator::category_group(const CNode& n) const {
  const CallArgs& a = n.call;
  const int category = facts_.categories.find(a.category);
  const int first = category < 0 ? -1 : facts_.category_range[category].first;
  return std::to_string(static_cast<int>(n.fn)) + "|" + a.plan_kind + "|" + a.objective + "|" +
         std::to_string(a.action_status) + "|" + std::to_string(a.horizon) + "|" + std::to_string(a.variant) + "|" +
         std::to_string(status_mask(a)) + "|" + (a.actual ? "actual" : "planned") + "|" + a.source + "|" +
         std::to_string(first);
}

void Evaluator::expect(const CNode& root) {
  std::vector<const CNode*> stack{&root};
  while (!stack.empty()) {
    const CNode* n = stack.back();
    stack.pop_back();
    if (n->kind == NodeKind::kCall && (n->fn == Fn::kActions || n->fn == Fn::kBudget) && !n->call.category.empty()) {
      const int category = facts_.categories.find(n->call.category);
      if (category >= 0) {
        auto& ids = expected_[category_group(*n)];
        auto at = std::lower_bound(ids.begin(), ids.end(), category);
        if (at == ids.end() || *at != category) ids.insert(at, category);
      }
    }
    for (const auto& arg : n->args) stack.push_back(&arg);
  }
}

const double* Evaluator::by_category(const CNode& n, int year) {
  const CallArgs& a = n.call;
  const int category = facts_.categories.find(a.category);
  if (category < 0) return nullptr;
  // Not a structured binding: lambdas below use both, which C++17 does not allow for bindings.
  const auto first = facts_.category_range[category].first;
  const auto end = facts_.category_range[category].second;
  const std::size_t bodies = facts_.body_count();
  // The rows: every category announced for the call's group when the call was announced, else
  // the call's own category alone.
  const std::string group = category_group(n);
  std::vector<int> wanted{category};
  auto announced = expected_.find(group);
  if (announced != expected_.end() &&
      std::binary_search(announced->second.begin(), announced->second.end(), category)) {
    wanted = announced->second;
  }
  // Evaluators that were announced other calls make other tables: the rows are in the key.
  std::string key = "cat|" + group + "|";
  for (int w : wanted) key += std::to_string(w) + ",";
  key += "#" + std::to_string(year);
  const Derived& made = derive(key, Depends::kPlans, [&] {
    Derived t;
    t.row_of.assign(static_cast<std::size_t>(end - first), -1);
    for (std::size_t r = 0; r < wanted.size(); ++r) t.row_of[wanted[r] - first] = static_cast<int>(r);
    CallArgs others = a;  // every filter but the category
    others.category.clear();
    const auto& plans = plan_mask(a, n.fn, year);
    const auto& cats = facts_.action_categories;
    const auto& up = facts_.category_up;
    const std::size_t rows = wanted.size();
    // stamp[row] = the last action (or budget line) counted in that row: an action under a
    // category through two of its own categories counts once.
    std::vector<int> stamp(rows, -1);
    auto each_row = [&](int action, int mark, auto&& add) {
      for (int k = cats.offsets[action]; k < cats.offsets[action + 1]; ++k) {
        const int c = cats.items[k];
        if (c < first || c >= end) continue;
        for (int u = up.offsets[c]; u < up.offsets[c + 1]; ++u) {
          const int r = t.row_of[up.items[u] - first];
          if (r < 0) continue;
          const auto row = static_cast<std::size_t>(r);
          if (stamp[row] == mark) continue;
          stamp[row] = mark;
          add(row);
        }
      }
    };
    std::vector<double> table(rows * bodies, 0.0);
    if (n.fn == Fn::kActions) {
      for (std::size_t p = 0; p < plans.size(); ++p) {
        if (!plans[p]) continue;
        const auto& pf = facts_.plans[p];
        for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
          if (!action_ok(act, others, nullptr)) continue;
          each_row(act, act, [&](std::size_t row) { table[row * bodies + pf.body] += 1; });
        }
      }
    } else {
      // Exact cents per body and category, euros only at the end (as budget() without category).
      std::vector<std::int64_t>& cents = cents_;
      cents.assign(rows * bodies, 0);
      const int source = a.source.empty() ? -1 : facts_.sources.find(a.source);
      auto found = facts_.lines_by_year.find(year);
      if (found != facts_.lines_by_year.end() && (a.source.empty() || source >= 0)) {
        const YearLines& lines = found->second;
        const auto& amounts = a.actual ? lines.actual : lines.planned;
        each_line(lines, plans, [&](std::size_t l) {
          if (source >= 0 && lines.source[l] != source) return;
          if (!action_ok(lines.action[l], others, nullptr)) return;
          const auto body = static_cast<std::size_t>(lines.body[l]);
          each_row(lines.action[l], static_cast<int>(l), [&](std::size_t row) { cents[row * bodies + body] += amounts[l]; });
        });
      }
      for (std::size_t k = 0; k < table.size(); ++k) table[k] = static_cast<double>(cents[k]);
    }
    t.values = std::move(table);
    return t;
  });
  const auto row = static_cast<std::size_t>(made.row_of[category - first]);
  return made.values.data() + row * bodies;
}

std::vector<double> Evaluator::completion(const CNode& n, const Batch& batch, int year) {
  const CallArgs& a = n.call;
  const std::size_t bodies = facts_.body_count();
  // Per body: sum of weights, weighted completion, count and plain completion sum, memoised
  // per call and year (every level reuses them) as four consecutive arrays.
  const std::string own_key = n.key + "#" + std::to_string(year) + (options_.preview ? "#preview" : "");
  const double* w =
      derive("own|" + own_key, Depends::kPlans, [&] { return of_values(own_completion(a, year)); }).values.data();
  const double* wc = w + bodies;
  const double* c = w + 2 * bodies;
  const double* cnt = w + 3 * bodies;
  const Csr& scope = facts_.scope(year);
  std::vector<double> out = buffer(batch.bodies.size(), kNull);
  for (std::size_t i = 0; i < batch.bodies.size(); ++i) {
    const int b = batch.bodies[i];
    double sw = 0, swc = 0, sc = 0, sn = 0;
    for (int k = scope.offsets[b]; k < scope.offsets[b + 1]; ++k) {
      const int m = scope.items[k];
      sw += w[m];
      swc += wc[m];
      sc += c[m];
      sn += cnt[m];
    }
    if (sn == 0) continue;
    out[i] = (!a.equal_weight && sw > 0) ? swc / sw : sc / sn;
  }
  return out;
}

std::vector<double> Evaluator::own_completion(const CallArgs& a, int year) {
  const std::size_t bodies = facts_.body_count();
  std::vector<double> own(4 * bodies, 0.0);
  double* w = own.data();
  double* wc = w + bodies;
  double* c = w + 2 * bodies;
  double* cnt = w + 3 * bodies;
  const auto& plans = plan_mask(a, Fn::kActions, year);
  // An action's weight is its planned budget of the year. The year's lines are in action
  // order, as are the plans' actions below: one cursor walks them together.
  static const YearLines kNoLines;
  auto found = facts_.lines_by_year.find(year);
  const YearLines& lines = found == facts_.lines_by_year.end() ? kNoLines : found->second;
  std::size_t cursor = 0;
  const int end_of_year = year * 10000 + 1231;
  for (std::size_t p = 0; p < plans.size(); ++p) {
    if (!plans[p]) continue;
    const auto& pf = facts_.plans[p];
    // The plan's first line: a search, since the plans between may be many (or, when derive()
    // patches, most of them skipped).
    cursor = static_cast<std::size_t>(
        std::lower_bound(lines.action.begin() + static_cast<std::ptrdiff_t>(cursor), lines.action.end(), pf.first_action) -
        lines.action.begin());
    for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
      double weight = 0;
      while (cursor < lines.size() && lines.action[cursor] < act) ++cursor;
      for (; cursor < lines.size() && lines.action[cursor] == act; ++cursor) {
        weight += static_cast<double>(lines.planned[cursor]);
      }
      const double value = completion_at(act, end_of_year);
      w[pf.body] += weight;
      wc[pf.body] += weight * value;
      cnt[pf.body] += 1;
      c[pf.body] += value;
    }
  }
  return own;
}

double Evaluator::completion_at(int act, int last_day) const {
  // The latest progress entry on or before the day (the later one of equal dates), as
  // Action::progress_at; without one, a completed action counts as 100%.
  int best = -1;
  for (int k = facts_.progress_offsets[act]; k < facts_.progress_offsets[act + 1]; ++k) {
    const int day = facts_.progress_day[k];
    if (day <= last_day && (best < 0 || facts_.progress_day[best] <= day)) best = k;
  }
  return best >= 0 ? facts_.progress_completion[best]
                   : (facts_.action_status[act] == ActionStatus::kCompleted ? 100.0 : 0.0);
}

std::vector<double> Evaluator::held(const CNode& n, const Batch& batch, int year, bool years) {
  const int scheme = facts_.schemes.find(n.call.text);
  std::vector<double> out = buffer(batch.bodies.size(), years ? kNull : 0.0);
  if (scheme < 0) return out;
  std::vector<int> position(facts_.body_count(), -1);
  for (std::size_t i = 0; i < batch.bodies.size(); ++i) position[batch.bodies[i]] = static_cast<int>(i);
  const Date start{year, 1, 1}, end{year, 12, 31};
  // Records are sorted by date: the last one on or before the end of the year is in force.
  std::vector<const CertificationFact*> latest(batch.bodies.size(), nullptr);
  std::vector<int> first_grant(batch.bodies.size(), INT_MAX);
  for (const auto& c : facts_.certifications) {
    const int pos = position[c.body];
    if (pos < 0 || c.scheme != scheme || end < c.date) continue;
    latest[pos] = &c;
    const bool grants = c.status == CertificationStatus::kGranted || c.status == CertificationStatus::kRenewed;
    if (grants) first_grant[pos] = std::min(first_grant[pos], c.date.year);
  }
  for (std::size_t i = 0; i < batch.bodies.size(); ++i) {
    if (years) {
      if (first_grant[i] != INT_MAX) out[i] = year - first_grant[i];
      continue;
    }
    const auto* c = latest[i];
    const bool grants = c && (c->status == CertificationStatus::kGranted || c->status == CertificationStatus::kRenewed);
    out[i] = truth(grants && (!c->expires || !(*c->expires < start)));
  }
  return out;
}

}  // namespace civicplan::detail
