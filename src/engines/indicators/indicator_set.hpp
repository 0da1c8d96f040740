// SPDX-License-Identifier: Apache-2.0
// The compiled indicator set of a model: definitions, formulas, dependency check, computation.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "civicplan/indicator.hpp"
#include "expr/program.hpp"
#include "io/bundle_parse.hpp"

namespace civicplan::detail {

struct CompiledIndicator {
  Indicator def;
  std::vector<CNode> formulas;  // parallel to def.formulas
};

/// Reads one indicator definition; reports problems to `r`.
std::optional<Indicator> parse_indicator(const json& v, const std::string& path, Reader& r);

class IndicatorSet {
 public:
  /// Parses and compiles every indicator of `m`, checks that indicator() references form no
  /// cycle; every problem is reported with the indicator's path from `origins`.
  /// `vocab`, when given, is Vocabulary::from_model(m), computed once by the caller.
  static std::shared_ptr<const IndicatorSet> build(const Model& m, const Origins& origins, std::vector<Issue>& issues,
                                                   const Vocabulary* vocab = nullptr);

  const CompiledIndicator* find(const std::string& id) const;
  /// The compiled formula of `id` that applies in `year`, or nullptr.
  const CNode* formula(const std::string& id, int year) const;
  /// The text of that formula and the `from` of its version; {nullptr, nullopt} when none applies.
  std::pair<const std::string*, std::optional<int>> formula_source(const std::string& id, int year) const;
  const std::map<std::string, CompiledIndicator>& all() const { return indicators_; }

  /// Computes the indicators (all when `ids` is empty) for the bodies of their levels (narrowed
  /// to `bodies` when given) and `years` (the workspace's data years when empty).
  ///
  /// With `made_with` (this set and whatever else `options` answers from, such as the
  /// rulesets), the table is kept in `facts` for the facts patched from them: when those are
  /// asked the same with the same `made_with`, and only plans changed, only the bodies whose
  /// values may have changed (those whose plans changed and every body above them) are
  /// evaluated again, the other rows copied.
  IndicatorTable compute(const Facts& facts, const std::vector<std::string>& ids,
                         const std::vector<std::string>& bodies, const std::vector<int>& years,
                         EvalOptions options = {},
                         const std::function<void(Evaluator&)>& on_evaluator = {},
                         const std::vector<std::shared_ptr<const void>>* made_with = nullptr) const;

 private:
  std::map<std::string, CompiledIndicator> indicators_;
};

}  // namespace civicplan::detail
