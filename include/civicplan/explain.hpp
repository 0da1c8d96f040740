// SPDX-License-Identifier: Apache-2.0
// Why a value is what it is: the trace of one evaluation, node by node (DESIGN §17).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"

namespace civicplan {

/// One record behind the value of a fact function.
struct ExplainedFact {
  /// statistic, plan, action, budget_line, case, ledger, place, feedback or certification.
  std::string kind;
  /// What names the record: "<body>/<variable>" for a statistic, a plan id, "<plan>/<action>"
  /// for an action, "<plan>/<action>/<source>" for a budget line, a case or place id,
  /// "<body>/<service>" for a ledger entry, "<plan>/<action>/<date>" for a feedback and
  /// "<body>/<scheme>/<date>" for a certification record.
  std::string ref;
  int year = 0;
  /// What the record contributes: the statistic, the euros of a budget line or ledger entry,
  /// the rating, an action's completion, 1 for a counted record; nullopt where it has none.
  std::optional<double> value;
  bool operator==(const ExplainedFact& o) const {
    return kind == o.kind && ref == o.ref && year == o.year && value == o.value;
  }
};

/// The evaluation of one expression, or one of its sub-expressions, for one body in one year.
///
/// It comes from the evaluator that computes indicators and certifications, run for one body
/// with a trace: `value` is the value those compute.
struct CIVICPLAN_API Explanation {
  /// At most this many facts are listed per node (and members per members() call).
  static constexpr std::size_t kMaxFacts = 50;

  std::string expression;                ///< the source text of this node
  std::string body;                      ///< the body evaluated
  int year = 0;                          ///< the year evaluated (x[-1] looks a year back)
  std::optional<double> value;           ///< nullopt for null
  std::optional<std::string> indicator;  ///< set where this node is an indicator's formula
  /// The `from` of the dated formula version used; nullopt for an undated formula.
  std::optional<int> formula_from;
  /// One explanation per sub-expression evaluated, in source order (for members(): the
  /// expression evaluated for each member, at most kMaxFacts of them).
  std::vector<Explanation> children;
  /// How many children there would be without the kMaxFacts limit.
  std::size_t children_total = 0;
  /// The records behind a fact function, at most kMaxFacts of them.
  std::vector<ExplainedFact> facts;
  /// How many records there are in all.
  std::size_t facts_total = 0;
  /// Why the value is null, set on every null node (a node made null by a child repeats the
  /// child's reason): "population missing for D037 in 2015, a leaf of R00".
  std::optional<std::string> null_reason;
  /// {expression, body, year, value, indicator?, formula_from?, null_reason?, facts,
  ///  facts_total, children, children_total}
  nlohmann::json to_json() const;
  /// The explanation as an indented tree, one node per line with its facts below it.
  std::string to_text() const;
};

}  // namespace civicplan
