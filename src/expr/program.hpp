// SPDX-License-Identifier: Apache-2.0
// Compiled expressions and their evaluation over many bodies at once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "civicplan/error.hpp"
#include "civicplan/explain.hpp"
#include "expr/ast.hpp"
#include "facts/facts.hpp"

namespace civicplan::detail {

enum class Fn {
  kNone,
  kActions, kBudget, kPlans, kCategories, kRating, kCases, kNewCases, kCharged, kCollected,
  kMembers, kPlaces, kCompletion, kCertified, kHeld, kYearsHeld, kIndicator, kParam,
  kIf, kMin, kMax, kAbs, kRound, kCoalesce, kExists,
};

enum class Agg { kSum, kMean, kMin, kMax, kCount, kShare };

/// The arguments of a fact function, resolved at compile time.
struct CallArgs {
  std::string category;          // category ref filter ("" = none)
  std::string plan_kind;         // plan kind filter ("" = none)
  std::string objective;         // objective id filter ("" = none)
  int action_status = -1;        // ActionStatus or -1
  int horizon = -1;              // Horizon or -1
  int variant = -1;              // PlanVariant or -1 (= the effective plans)
  int plan_status_mask = 0;      // bit per PlanStatus; 0 = the context default
  bool actual = false;           // budget(kind: "actual")
  std::string source;            // budget source
  std::string service;           // cases: category ref; ledger: service key
  std::string place_category;
  std::string taxonomy;
  int depth = 1;
  Agg agg = Agg::kSum;
  BodyKind member_kind = BodyKind::kMunicipality;
  bool equal_weight = false;
  std::string text;              // scheme, indicator id or parameter name
  int digits = 0;                // round()
};

struct CNode {
  NodeKind kind = NodeKind::kNumber;
  Fn fn = Fn::kNone;
  double number = 0;
  int lag = 0;
  std::string name;              // statistic name
  CallArgs call;
  std::vector<CNode> args;
  std::string key;               // memo key of a fact function: function + arguments
  int line = 1, column = 1;
  std::size_t begin = 0, end = 0;  // the node's text: bytes [begin, end) of its expression
};

/// What names an expression may use: the workspace's statistics, taxonomies, indicators, ...
struct Vocabulary {
  std::set<std::string> statistics;
  std::set<std::string> plan_kinds;
  std::set<std::string> objectives;
  std::set<std::string> sources;
  std::set<std::string> ledger_services;
  std::set<std::string> place_categories;
  std::set<std::string> indicators;
  std::set<std::string> schemes;       // rulesets that certified() may name
  std::map<std::string, double> parameters;
  const SharedMap<std::string, Taxonomy>* taxonomies = nullptr;
  /// Statistics are optional: when true, an unknown bare name is accepted (its value is null).
  bool lenient_statistics = false;

  /// How many plans use each plan kind, objective and budget source (each counted once per
  /// plan): what lets patched() drop a name that its last plan no longer uses.
  std::map<std::string, int> kind_uses, objective_uses, source_uses;

  static Vocabulary from_model(const Model& m);
  /// The vocabulary of `after` from `previous`, the vocabulary of `before`, a model `after`
  /// was derived from: the plans that changed between the two (`steps`, diff_plans()) are
  /// counted again, the records of a kind both models share are not read. Equal to
  /// from_model(after).
  static Vocabulary patched(const Vocabulary& previous, const Model& before, const Model& after,
                            const std::vector<PlanStep>& steps);
  /// Whether both accept the same names, so that what one compiled the other compiles alike.
  bool same_names(const Vocabulary& o) const;
};

/// Compiles a parsed expression; throws ParseError (with line:column and caret) on an
/// unknown name, function, argument or value.
CNode compile(const Node& root, const std::string& text, const std::string& source, const Vocabulary& vocab);

/// Parses and compiles in one step.
CNode compile_text(const std::string& text, const std::string& source, const Vocabulary& vocab);

/// The indicator and ruleset references of a compiled expression.
void collect_references(const CNode& n, std::set<std::string>& indicators, std::set<std::string>& schemes);

/// A set of bodies evaluated together, with a key that names it for memoisation.
struct Batch {
  std::string key;
  std::vector<int> bodies;
};

struct EvalOptions {
  bool preview = false;
  const std::map<std::string, double>* parameters = nullptr;
  /// The compiled formula of indicator `id` for `year`, or nullptr when none applies.
  std::function<const CNode*(const std::string& id, int year)> indicator;
  /// Whether each body of `bodies` passes ruleset `scheme` in `year` (1, 0 or null).
  std::function<std::vector<double>(const std::string& scheme, const Batch& bodies, int year)> certified;
  /// For explanations: the text of the formula of indicator `id` for `year` and the `from` of
  /// its version (nullptr when none applies).
  std::function<std::pair<const std::string*, std::optional<int>>(const std::string& id, int year)> formula_text;
};

/// A body-sized result array, from this thread's spare ones when it has any.
std::vector<double> buffer(std::size_t n, double fill);
/// Gives a result array that is no longer needed back for reuse by buffer().
void recycle(std::vector<double>&& v);

/// Evaluates compiled expressions over batches of bodies; memoises fact arrays per year.
/// One evaluator serves one model state and one set of options.
class Evaluator {
 public:
  Evaluator(const Facts& facts, EvalOptions options);
  /// One value per body of the batch; kNull for null. Booleans are 1 and 0.
  std::vector<double> eval(const CNode& n, const Batch& batch, int year);
  /// Announces an expression about to be evaluated: actions() and budget() calls that differ
  /// only by their category are then computed together, in one pass over the actions.
  void expect(const CNode& root);
  const Facts& facts() const { return facts_; }

  /// Evaluates `root`, compiled from `text`, for body `body` in `year` as eval() does, and
  /// records every node on the way: its value, its facts and why it is null.
  Explanation explain(const CNode& root, const std::string& text, int body, int year);

 private:
  // The trace explain() records while it runs.
  struct Trace {
    int suspended = 0;                       // inside certified() or members(): not traced
    std::vector<Explanation*> open;          // the nodes being evaluated, innermost last
    std::vector<const std::string*> texts;   // the source text of each open formula
    Explanation root;
    bool started = false;
  };
  std::vector<double> eval_node(const CNode& n, const Batch& batch, int year);
  std::vector<double> traced(const CNode& n, const Batch& batch, int year);
  // The records behind fact function `n` for body `body`.
  void list_facts(const CNode& n, int body, int year, Explanation& e);
  std::string null_reason(const CNode& n, const Explanation& e, int body, int year);
  std::string statistic_reason(const std::string& name, int body, int year) const;
  // "; no family plan of B covers 2015" when `n` counts plans and none covers the year.
  std::string plan_hint(const CNode& n, int body, int year);
  // Whether each body is in the scope of `body` in `year`.
  std::vector<char> scope_mask(int body, int year) const;
  // The latest completion of `action` on or before the last day `day` (yyyymmdd).
  double completion_at(int action, int day) const;
  std::vector<double> eval_call(const CNode& n, const Batch& batch, int year);
  const std::vector<char>& plan_mask(const CallArgs& a, Fn fn, int year);
  const std::vector<char>& superseded(int status_mask, int year);
  int status_mask(const CallArgs& a) const;
  bool action_ok(int action, const CallArgs& a, const std::vector<char>* category_mask) const;
  std::vector<double> scope_sum(const double* own, const Batch& batch, int year) const;
  // The own values of a category-filtered actions() or budget() call: a row of the table that
  // one pass fills for every category of the taxonomy. nullptr when the category is unknown.
  const double* by_category(const CNode& n, int year);
  // The cents of budget() without a category, per body: of `source` (or all, when -1).
  const std::int64_t* by_source(const CallArgs& a, int year, int source);
  // The filters of a category-filtered call but its category (and the category's taxonomy).
  std::string category_group(const CNode& n) const;
  std::vector<double> statistic(const std::string& name, const Batch& batch, int year);
  std::vector<double> members(const CNode& n, const Batch& batch, int year);
  std::vector<double> categories(const CNode& n, const Batch& batch, int year);
  std::vector<double> completion(const CNode& n, const Batch& batch, int year);
  Derived own_categories(const CallArgs& a, int year);
  std::vector<double> own_completion(const CallArgs& a, int year);
  // What a derived array depends on besides the plans, and so when an inherited one still holds.
  enum class Depends { kPlans, kFeedback, kCases, kLedger, kPlaces };
  // The array derived under `key`: this evaluator's, one an earlier evaluator of the same facts
  // kept, one of the facts these were patched from (derived again by `make` for the changed
  // bodies only), or made by `make`; kept in the facts for later evaluators.
  template <class Make>
  const Derived& derive(const std::string& key, Depends depends, Make&& make);
  // The lines of `lines` of the plans of `plans`, in order: f(line).
  template <class F>
  void each_line(const YearLines& lines, const std::vector<char>& plans, F&& f) const;
  std::vector<double> held(const CNode& n, const Batch& batch, int year, bool years);

  const Facts& facts_;
  EvalOptions options_;
  int depth_ = 0;
  Trace* trace_ = nullptr;
  std::unordered_map<std::string, std::vector<char>> masks_;
  std::unordered_map<std::string, std::vector<double>> results_;
  std::unordered_map<std::string, std::vector<int>> expected_;  // category group: category ids, sorted
  // What this evaluator derived or took over: own values per body, tables, category sets.
  std::unordered_map<std::string, std::shared_ptr<const Derived>> derived_;
  // While derive() patches an inherited array: 1 for each body whose plans changed. Plan masks
  // then hold only the plans of those bodies.
  const std::vector<char>* only_ = nullptr;
  std::vector<std::int64_t> cents_;  // scratch of budget sums, reused
};

}  // namespace civicplan::detail
