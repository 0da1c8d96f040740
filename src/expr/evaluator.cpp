// SPDX-License-Identifier: Apache-2.0
// Vectorised evaluation: every node yields one value per body of a batch.
#include <algorithm>
#include <cmath>

#include "expr/program.hpp"

namespace civicplan::detail {

// Result arrays are recycled per thread: in a large heap, fragmented by the model's many small
// objects, a fresh body-sized allocation costs more than the arithmetic done on it.
namespace {

std::vector<std::vector<double>>& spare() {
  thread_local std::vector<std::vector<double>> pool;
  return pool;
}

}  // namespace

std::vector<double> buffer(std::size_t n, double fill) {
  auto& pool = spare();
  if (pool.empty()) return std::vector<double>(n, fill);
  std::vector<double> v = std::move(pool.back());
  pool.pop_back();
  v.assign(n, fill);
  return v;
}

void recycle(std::vector<double>&& v) {
  constexpr std::size_t kKept = 16;
  auto& pool = spare();
  if (pool.size() < kKept && v.capacity() > 0) pool.push_back(std::move(v));
}

namespace {

constexpr int kMaxEvalDepth = 4000;

int bit(PlanStatus s) { return 1 << static_cast<int>(s); }

double truth(bool b) { return b ? 1.0 : 0.0; }

std::vector<double> constant(std::size_t n, double v) { return buffer(n, v); }

}  // namespace

Evaluator::Evaluator(const Facts& facts, EvalOptions options) : facts_(facts), options_(std::move(options)) {}

std::vector<double> Evaluator::eval(const CNode& n, const Batch& batch, int year) {
  struct DepthGuard {
    int& d;
    explicit DepthGuard(int& depth) : d(depth) {
      if (++d > kMaxEvalDepth) {
        --d;
        throw Error(ErrorCode::kValidation, "evaluation nested too deeply (more than " +
                                                std::to_string(kMaxEvalDepth) + " levels)");
      }
    }
    ~DepthGuard() { --d; }
  } guard(depth_);

  const std::size_t size = batch.bodies.size();
  switch (n.kind) {
    case NodeKind::kNumber:
    case NodeKind::kBool:
      return constant(size, n.number);
    case NodeKind::kString:
      return constant(size, kNull);
    case NodeKind::kName:
      return statistic(n.name, batch, year);
    case NodeKind::kCall:
      return eval_call(n, batch, year);
    case NodeKind::kLag:
      return eval(n.args[0], batch, year + n.lag);
    case NodeKind::kNeg: {
      auto v = eval(n.args[0], batch, year);
      for (auto& x : v) x = -x;
      return v;
    }
    case NodeKind::kNot: {
      auto v = eval(n.args[0], batch, year);
      for (auto& x : v) x = is_null(x) ? kNull : truth(x == 0);
      return v;
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      auto a = eval(n.args[0], batch, year);
      auto b = eval(n.args[1], batch, year);
      const bool is_and = n.kind == NodeKind::kAnd;
      for (std::size_t i = 0; i < size; ++i) {
        const bool an = is_null(a[i]), bn = is_null(b[i]);
        const bool at = !an && a[i] != 0, bt = !bn && b[i] != 0;
        if (is_and) {
          // Three-valued logic: false wins over null.
          if ((!an && !at) || (!bn && !bt)) a[i] = 0;
          else if (an || bn) a[i] = kNull;
          else a[i] = 1;
        } else {
          if (at || bt) a[i] = 1;
          else if (an || bn) a[i] = kNull;
          else a[i] = 0;
        }
      }
      recycle(std::move(b));
      return a;
    }
    default:
      break;
  }
  auto a = eval(n.args[0], batch, year);
  auto b = eval(n.args[1], batch, year);
  for (std::size_t i = 0; i < size; ++i) {
    const double x = a[i], y = b[i];
    if (is_null(x) || is_null(y)) {
      a[i] = kNull;
      continue;
    }
    switch (n.kind) {
      case NodeKind::kAdd: a[i] = x + y; break;
      case NodeKind::kSub: a[i] = x - y; break;
      case NodeKind::kMul: a[i] = x * y; break;
      case NodeKind::kDiv: a[i] = y == 0 ? kNull : x / y; break;
      case NodeKind::kEq: a[i] = truth(x == y); break;
      case NodeKind::kNe: a[i] = truth(x != y); break;
      case NodeKind::kLt: a[i] = truth(x < y); break;
      case NodeKind::kLe: a[i] = truth(x <= y); break;
      case NodeKind::kGt: a[i] = truth(x > y); break;
      case NodeKind::kGe: a[i] = truth(x >= y); break;
      default: a[i] = kNull; break;
    }
    if (!std::isfinite(a[i])) a[i] = kNull;
  }
  recycle(std::move(b));
  return a;
}

std::vector<double> Evaluator::statistic(const std::string& name, const Batch& batch, int year) {
  std::vector<double> out = buffer(batch.bodies.size(), kNull);
  auto var = facts_.statistics.find(name);
  if (var == facts_.statistics.end()) return out;
  auto col = var->second.find(year);
  if (col == var->second.end()) return out;
  const auto& own = col->second;
  const Csr& leaves = facts_.leaves(year);
  for (std::size_t i = 0; i < batch.bodies.size(); ++i) {
    const int b = batch.bodies[i];
    if (!is_null(own[b])) {
      out[i] = own[b];
      continue;
    }
    // A group without its own value: the sum over its leaves, when every leaf has one.
    const int from = leaves.offsets[b], to = leaves.offsets[b + 1];
    if (to - from == 1 && leaves.items[from] == b) continue;
    double sum = 0;
    bool complete = to > from;
    for (int k = from; k < to && complete; ++k) {
      const double v = own[leaves.items[k]];
      if (is_null(v)) complete = false;
      else sum += v;
    }
    if (complete) out[i] = sum;
  }
  return out;
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

int Evaluator::status_mask(const CallArgs& a) const {
  if (a.plan_status_mask) return a.plan_status_mask;
  // Archived plans were approved: they keep counting for the years they covered.
  int mask = bit(PlanStatus::kApproved) | bit(PlanStatus::kArchived);
  if (options_.preview) mask |= bit(PlanStatus::kDraft) | bit(PlanStatus::kSubmitted);
  return mask;
}

const std::vector<char>& Evaluator::superseded(int mask, int year) {
  const std::string key = "superseded|" + std::to_string(mask) + "|" + std::to_string(year);
  auto it = masks_.find(key);
  if (it != masks_.end()) return it->second;
  std::vector<char> out(facts_.plans.size(), 0);
  for (const auto& p : facts_.plans) {
    if (p.based_on >= 0 && p.from <= year && year <= p.to && (mask & bit(p.status))) out[p.based_on] = 1;
  }
  return masks_.emplace(key, std::move(out)).first->second;
}

const std::vector<char>& Evaluator::plan_mask(const CallArgs& a, Fn fn, int year) {
  const int mask = status_mask(a);
  const std::string key = "plans|" + a.plan_kind + "|" + std::to_string(a.variant) + "|" + std::to_string(mask) +
                          "|" + std::to_string(year) + "|" + std::to_string(static_cast<int>(fn));
  auto it = masks_.find(key);
  if (it != masks_.end()) return it->second;
  const int kind = a.plan_kind.empty() ? -1 : facts_.plan_kinds.find(a.plan_kind);
  const std::vector<char>* sup = a.variant < 0 ? &superseded(mask, year) : nullptr;
  std::vector<char> out(facts_.plans.size(), 0);
  if (a.plan_kind.empty() || kind >= 0) {
    for (std::size_t p = 0; p < facts_.plans.size(); ++p) {
      const auto& pf = facts_.plans[p];
      if (pf.from > year || year > pf.to || pf.body < 0 || !(mask & bit(pf.status))) continue;
      if (kind >= 0 && pf.kind != kind) continue;
      if (a.variant >= 0 ? static_cast<int>(pf.variant) != a.variant : (*sup)[p] != 0) continue;
      out[p] = 1;
    }
  }
  return masks_.emplace(key, std::move(out)).first->second;
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
  const std::size_t bodies = facts_.body_count();
  const std::string own_key = n.key + "#" + std::to_string(year) + (options_.preview ? "#preview" : "");
  switch (n.fn) {
    case Fn::kActions:
    case Fn::kPlans: {
      if (n.fn == Fn::kActions && !a.category.empty()) {
        if (const double* own = by_category(n, year)) return scope_sum(own, batch, year);
      }
      auto it = own_.find(own_key);
      if (it == own_.end()) {
        std::vector<double> own(bodies, 0.0);
        const auto& plans = plan_mask(a, n.fn, year);
        const std::vector<char>* cats = a.category.empty() ? nullptr : &facts_.under(a.category);
        for (std::size_t p = 0; p < plans.size(); ++p) {
          if (!plans[p]) continue;
          const auto& pf = facts_.plans[p];
          if (n.fn == Fn::kPlans) {
            own[pf.body] += 1;
            continue;
          }
          for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
            if (action_ok(act, a, cats)) own[pf.body] += 1;
          }
        }
        it = own_.emplace(own_key, std::move(own)).first;
      }
      return scope_sum(it->second.data(), batch, year);
    }
    case Fn::kBudget: {
      if (!a.category.empty()) {
        if (const double* own = by_category(n, year)) {
          auto sums = scope_sum(own, batch, year);
          for (auto& x : sums) x /= 100.0;
          return sums;
        }
      }
      auto it = own_.find(own_key);
      if (it == own_.end()) {
        // Sum exact cents per body, then per scope; euros only at the end.
        std::vector<double> own(bodies, 0.0);
        const int source = a.source.empty() ? -1 : facts_.sources.find(a.source);
        if (a.category.empty()) {
          if (a.source.empty() || source >= 0) {
            const std::int64_t* cents = by_source(a, year, source);
            for (std::size_t b = 0; b < bodies; ++b) own[b] = static_cast<double>(cents[b]);
          }
        }  // else an unknown category (by_category found none): nothing is under it, the sums stay 0
        it = own_.emplace(own_key, std::move(own)).first;
      }
      // Cents are whole numbers far below 2^53, so the scope sum is exact before the division.
      auto sums = scope_sum(it->second.data(), batch, year);
      for (auto& s : sums) s /= 100.0;
      return sums;
    }
    case Fn::kRating: {
      auto it = own_.find(own_key);
      if (it == own_.end()) {
        std::vector<double> own(2 * bodies, 0.0);
        CallArgs defaults;
        const auto& plans = plan_mask(defaults, Fn::kActions, year);
        for (std::size_t p = 0; p < plans.size(); ++p) {
          if (!plans[p]) continue;
          const auto& pf = facts_.plans[p];
          for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
            own[pf.body] += facts_.feedback_sum[act];
            own[bodies + pf.body] += facts_.feedback_count[act];
          }
        }
        it = own_.emplace(own_key, std::move(own)).first;
      }
      const Csr& scope = facts_.scope(year);
      std::vector<double> out = buffer(size, kNull);
      for (std::size_t i = 0; i < size; ++i) {
        double sum = 0, count = 0;
        const int b = batch.bodies[i];
        for (int k = scope.offsets[b]; k < scope.offsets[b + 1]; ++k) {
          sum += it->second[scope.items[k]];
          count += it->second[bodies + scope.items[k]];
        }
        if (count > 0) out[i] = sum / count;
      }
      return out;
    }
    case Fn::kCases:
    case Fn::kNewCases: {
      auto it = own_.find(own_key);
      if (it == own_.end()) {
        // One pass over the cases counts them for every year the workspace holds data for
        // (and this one): formulas ask for the same call year after year.
        std::vector<int> years = facts_.data_years;
        if (!std::binary_search(years.begin(), years.end(), year)) {
          years.insert(std::upper_bound(years.begin(), years.end(), year), year);
        }
        const std::string suffix = options_.preview ? "#preview" : "";
        std::vector<std::vector<double>*> own(years.size(), nullptr);
        std::vector<std::vector<double>> fresh(years.size());
        for (std::size_t y = 0; y < years.size(); ++y) {
          const std::string key = n.key + "#" + std::to_string(years[y]) + suffix;
          if (own_.count(key)) continue;  // already counted
          fresh[y].assign(bodies, 0.0);
          own[y] = &fresh[y];
        }
        const std::vector<char>* svc = a.service.empty() ? nullptr : &facts_.under(a.service);
        const bool active_cases = n.fn == Fn::kCases;
        for (const auto& c : facts_.cases) {
          if (svc && (svc->empty() || c.service < 0 || !(*svc)[c.service])) continue;
          // The years this case counts in: [opened, closed] for cases(), its opening year for new_cases().
          auto y = std::lower_bound(years.begin(), years.end(), c.opened);
          for (; y != years.end() && (active_cases ? *y <= c.closed : *y == c.opened); ++y) {
            if (auto* o = own[static_cast<std::size_t>(y - years.begin())]) (*o)[c.body] += 1;
          }
        }
        for (std::size_t y = 0; y < years.size(); ++y) {
          if (own[y]) own_.emplace(n.key + "#" + std::to_string(years[y]) + suffix, std::move(fresh[y]));
        }
        it = own_.find(own_key);
      }
      return scope_sum(it->second.data(), batch, year);
    }
    case Fn::kCharged:
    case Fn::kCollected: {
      auto it = own_.find(own_key);
      if (it == own_.end()) {
        std::vector<double> own(bodies, 0.0);
        const int service = a.service.empty() ? -1 : facts_.ledger_services.find(a.service);
        auto range = facts_.ledger_by_year.find(year);
        if ((a.service.empty() || service >= 0) && range != facts_.ledger_by_year.end()) {
          for (std::size_t k = range->second.first; k < range->second.second; ++k) {
            const auto& l = facts_.ledger[k];
            if (service >= 0 && l.service != service) continue;
            own[l.body] += static_cast<double>(n.fn == Fn::kCharged ? l.charged : l.collected);
          }
        }
        it = own_.emplace(own_key, std::move(own)).first;
      }
      auto sums = scope_sum(it->second.data(), batch, year);
      for (auto& s : sums) s /= 100.0;
      return sums;
    }
    case Fn::kPlaces: {
      auto it = own_.find(own_key);
      if (it == own_.end()) {
        std::vector<double> own(bodies, 0.0);
        const int category = a.place_category.empty() ? -1 : facts_.place_categories.find(a.place_category);
        if (a.place_category.empty() || category >= 0) {
          for (const auto& p : facts_.places) {
            if (p.since > year || (category >= 0 && p.category != category)) continue;
            own[p.body] += 1;
          }
        }
        it = own_.emplace(own_key, std::move(own)).first;
      }
      return scope_sum(it->second.data(), batch, year);
    }
    case Fn::kCategories:
      return categories(n, batch, year);
    case Fn::kCompletion:
      return completion(n, batch, year);
    case Fn::kMembers:
      return members(n, batch, year);
    case Fn::kHeld:
      return held(n, batch, year, false);
    case Fn::kYearsHeld:
      return held(n, batch, year, true);
    case Fn::kCertified: {
      if (!options_.certified) return constant(size, kNull);
      return options_.certified(a.text, batch, year);
    }
    case Fn::kIndicator: {
      const std::string key = "indicator|" + a.text + "|" + std::to_string(year) + "|" + batch.key;
      auto it = results_.find(key);
      if (it != results_.end() && !batch.key.empty()) return it->second;
      const CNode* formula = options_.indicator ? options_.indicator(a.text, year) : nullptr;
      auto values = formula ? eval(*formula, batch, year) : constant(size, kNull);
      if (!batch.key.empty()) results_[key] = values;
      return values;
    }
    case Fn::kParam: {
      double v = kNull;
      if (options_.parameters) {
        auto it = options_.parameters->find(a.text);
        if (it != options_.parameters->end()) v = it->second;
      }
      return constant(size, v);
    }
    case Fn::kIf: {
      auto c = eval(n.args[0], batch, year);
      auto t = eval(n.args[1], batch, year);
      auto e = eval(n.args[2], batch, year);
      for (std::size_t i = 0; i < size; ++i) c[i] = is_null(c[i]) ? kNull : (c[i] != 0 ? t[i] : e[i]);
      recycle(std::move(t));
      recycle(std::move(e));
      return c;
    }
    case Fn::kMin:
    case Fn::kMax: {
      auto acc = eval(n.args[0], batch, year);
      for (std::size_t k = 1; k < n.args.size(); ++k) {
        auto v = eval(n.args[k], batch, year);
        for (std::size_t i = 0; i < size; ++i) {
          if (is_null(acc[i]) || is_null(v[i])) acc[i] = kNull;
          else acc[i] = n.fn == Fn::kMin ? std::min(acc[i], v[i]) : std::max(acc[i], v[i]);
        }
        recycle(std::move(v));
      }
      return acc;
    }
    case Fn::kAbs: {
      auto v = eval(n.args[0], batch, year);
      for (auto& x : v) x = std::fabs(x);
      return v;
    }
    case Fn::kRound: {
      auto v = eval(n.args[0], batch, year);
      const double scale = std::pow(10.0, a.digits);
      for (auto& x : v) {
        if (!is_null(x)) x = std::round(x * scale) / scale;
        if (!std::isfinite(x)) x = kNull;
      }
      return v;
    }
    case Fn::kCoalesce: {
      auto acc = eval(n.args[0], batch, year);
      for (std::size_t k = 1; k < n.args.size(); ++k) {
        bool any_null = false;
        for (double x : acc) any_null = any_null || is_null(x);
        if (!any_null) break;
        auto v = eval(n.args[k], batch, year);
        for (std::size_t i = 0; i < size; ++i) {
          if (is_null(acc[i])) acc[i] = v[i];
        }
        recycle(std::move(v));
      }
      return acc;
    }
    case Fn::kExists: {
      auto v = eval(n.args[0], batch, year);
      for (auto& x : v) x = truth(!is_null(x));
      return v;
    }
    case Fn::kNone:
      break;
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

Evaluator::CategorySets Evaluator::own_categories(const CallArgs& a, int year) {
  // The categories of the taxonomy at the requested depth get dense slots; every category of
  // the taxonomy lists the slots of its ancestors (or itself) at that depth.
  const auto& model = facts_.model();
  CategorySets own;
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
  auto memo = own_sets_.find(own_key);
  if (memo == own_sets_.end()) memo = own_sets_.emplace(own_key, own_categories(a, year)).first;
  const CategorySets& own = memo->second;
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
  auto it = source_tables_.find(key);
  if (it == source_tables_.end()) {
    std::vector<std::int64_t> table(2 * (sources + 1) * bodies, 0);
    const auto& plans = plan_mask(a, Fn::kBudget, year);
    auto found = facts_.lines_by_year.find(year);
    if (found != facts_.lines_by_year.end()) {
      const YearLines& lines = found->second;
      std::int64_t* planned = table.data();
      std::int64_t* actual = table.data() + (sources + 1) * bodies;
      const std::size_t total = sources * bodies;
      for (std::size_t l = 0; l < lines.size(); ++l) {
        if (!plans[lines.plan[l]]) continue;
        const std::size_t at = static_cast<std::size_t>(lines.source[l]) * bodies + static_cast<std::size_t>(lines.body[l]);
        const std::size_t all = total + static_cast<std::size_t>(lines.body[l]);
        planned[at] += lines.planned[l];
        planned[all] += lines.planned[l];
        actual[at] += lines.actual[l];
        actual[all] += lines.actual[l];
      }
    }
    it = source_tables_.emplace(key, std::move(table)).first;
  }
  const std::size_t row = (a.actual ? sources + 1 : 0) + (source >= 0 ? static_cast<std::size_t>(source) : sources);
  return it->second.data() + row * bodies;
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
  std::string key = group + "|" + std::to_string(category) + "#" + std::to_string(year);
  auto announced = expected_.find(group);
  if (announced != expected_.end() &&
      std::binary_search(announced->second.begin(), announced->second.end(), category)) {
    wanted = announced->second;
    key = group + "#" + std::to_string(year);
  }
  auto it = category_tables_.find(key);
  if (it == category_tables_.end()) {
    CategoryTable t;
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
        for (std::size_t l = 0; l < lines.size(); ++l) {
          if (!plans[lines.plan[l]] || (source >= 0 && lines.source[l] != source)) continue;
          if (!action_ok(lines.action[l], others, nullptr)) continue;
          const auto body = static_cast<std::size_t>(lines.body[l]);
          each_row(lines.action[l], static_cast<int>(l), [&](std::size_t row) { cents[row * bodies + body] += amounts[l]; });
        }
      }
      for (std::size_t k = 0; k < table.size(); ++k) table[k] = static_cast<double>(cents[k]);
    }
    t.values = std::move(table);
    it = category_tables_.emplace(key, std::move(t)).first;
  }
  const auto row = static_cast<std::size_t>(it->second.row_of[category - first]);
  return it->second.values.data() + row * bodies;
}

std::vector<double> Evaluator::completion(const CNode& n, const Batch& batch, int year) {
  const CallArgs& a = n.call;
  const std::size_t bodies = facts_.body_count();
  // Per body: sum of weights, weighted completion, count and plain completion sum, memoised
  // per call and year (every level reuses them) as four consecutive arrays.
  const std::string own_key = n.key + "#" + std::to_string(year) + (options_.preview ? "#preview" : "");
  auto memo = own_.find(own_key);
  if (memo == own_.end()) memo = own_.emplace(own_key, own_completion(a, year)).first;
  const double* w = memo->second.data();
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
    for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
      double weight = 0;
      while (cursor < lines.size() && lines.action[cursor] < act) ++cursor;
      for (; cursor < lines.size() && lines.action[cursor] == act; ++cursor) {
        weight += static_cast<double>(lines.planned[cursor]);
      }
      // The latest progress entry on or before the end of the year (the later one of equal
      // dates), as Action::progress_at; without one, a completed action counts as 100%.
      int best = -1;
      for (int k = facts_.progress_offsets[act]; k < facts_.progress_offsets[act + 1]; ++k) {
        const int day = facts_.progress_day[k];
        if (day <= end_of_year && (best < 0 || facts_.progress_day[best] <= day)) best = k;
      }
      const double value = best >= 0 ? facts_.progress_completion[best]
                                     : (facts_.action_status[act] == ActionStatus::kCompleted ? 100.0 : 0.0);
      w[pf.body] += weight;
      wc[pf.body] += weight * value;
      cnt[pf.body] += 1;
      c[pf.body] += value;
    }
  }
  return own;
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
