// SPDX-License-Identifier: Apache-2.0
// Vectorised evaluation: operators, statistics and plan masks, one value per body of a batch.
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
  if (trace_ && trace_->suspended == 0 && batch.bodies.size() == 1) return traced(n, batch, year);
  return eval_node(n, batch, year);
}

std::vector<double> Evaluator::eval_node(const CNode& n, const Batch& batch, int year) {
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
  if (it == masks_.end()) {
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
    it = masks_.emplace(key, std::move(out)).first;
  }
  if (!only_) return it->second;
  // While derive() patches an inherited array: only the plans of the bodies whose plans changed.
  auto only = masks_.find(key + "|only");
  if (only == masks_.end()) {
    std::vector<char> out = it->second;
    for (std::size_t p = 0; p < out.size(); ++p) {
      if (out[p] && !(*only_)[static_cast<std::size_t>(facts_.plans[p].body)]) out[p] = 0;
    }
    only = masks_.emplace(key + "|only", std::move(out)).first;
  }
  return only->second;
}

}  // namespace civicplan::detail
