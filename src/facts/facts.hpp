// SPDX-License-Identifier: Apache-2.0
// Columnar facts built once per workspace state: bodies, scope index, plans, actions,
// budget lines, statistics, cases, ledger, places and certification records.
#pragma once

#include <climits>
#include <initializer_list>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "civicplan/model.hpp"

namespace civicplan::detail {

inline const double kNull = std::numeric_limits<double>::quiet_NaN();
inline bool is_null(double v) { return std::isnan(v); }

/// A string dictionary: stable small integer ids for repeated strings.
class Dictionary {
 public:
  int add(const std::string& s);
  /// The id of `s`, or -1.
  int find(const std::string& s) const;
  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, int> ids_;
  std::vector<std::string> names_;
};

/// A column of facts that facts patched from it share until one of them changes it: copying a
/// Column shares its values, and edit() copies them first when they are shared. Facts edit
/// their columns only while they are built, before any reader sees them.
template <class T>
class Column {
 public:
  Column() : values_(std::make_shared<std::vector<T>>()) {}
  Column(std::initializer_list<T> init) : values_(std::make_shared<std::vector<T>>(init)) {}
  explicit Column(std::vector<T> values) : values_(std::make_shared<std::vector<T>>(std::move(values))) {}

  const std::vector<T>& get() const { return *values_; }
  operator const std::vector<T>&() const { return *values_; }  // NOLINT: read as a vector
  const T& operator[](std::size_t i) const { return (*values_)[i]; }
  std::size_t size() const { return values_->size(); }
  bool empty() const { return values_->empty(); }
  typename std::vector<T>::const_iterator begin() const { return values_->begin(); }
  typename std::vector<T>::const_iterator end() const { return values_->end(); }
  const T* data() const { return values_->data(); }
  const T& back() const { return values_->back(); }

  /// The values to change, this column's own.
  std::vector<T>& edit() {
    if (values_.use_count() > 1) values_ = std::make_shared<std::vector<T>>(*values_);
    return *values_;
  }
  void push_back(const T& v) { edit().push_back(v); }
  /// Whether both share their values.
  bool shares(const Column& o) const { return values_ == o.values_; }

 private:
  std::shared_ptr<std::vector<T>> values_;
};

/// Compressed rows: for each body i, items[offsets[i] .. offsets[i+1]).
struct Csr {
  std::vector<int> offsets{0};
  std::vector<int> items;
  std::size_t rows() const { return offsets.size() - 1; }
};

/// An array an evaluator derived from the facts and keeps for the evaluators after it: rows of
/// one value (or exact cents) per body, or `words` bits per body, body after body.
struct Derived {
  std::vector<double> values;
  std::vector<std::int64_t> cents;
  std::vector<std::uint64_t> bits;
  std::size_t words = 0;
  std::vector<int> row_of;  // a table by category: each category of the taxonomy, its row or -1
};

/// How many bytes of derived arrays one state's facts keep at most.
inline constexpr std::size_t kKeptBytes = std::size_t{512} << 20;

/// What differs between patched facts and the facts they were patched from.
struct FactsDelta {
  /// The bodies whose plans changed, or whose plans the changed plans are based on; sorted.
  std::vector<int> bodies;
  /// Which records were kept (shared by both models).
  bool feedback = false, statistics = false, cases = false, ledger = false, places = false, certifications = false;
  /// How many budget sources the earlier facts named.
  std::size_t sources = 0;
};

struct PlanFact {
  int body = 0;
  int from = 0, to = 0;
  int kind = 0;                  // in Facts::plan_kinds
  PlanStatus status = PlanStatus::kDraft;
  PlanVariant variant = PlanVariant::kOriginal;
  int based_on = -1;             // plan index
  int first_action = 0, action_count = 0;
};

/// The budget lines of one year, column by column, in action order.
struct YearLines {
  Column<int> action;
  Column<int> plan;
  Column<int> body;          // the plan's body
  Column<int> source;        // in Facts::sources
  Column<std::int64_t> planned, actual;  // cents
  std::size_t size() const { return action.size(); }
};

/// Compressed rows of facts columns: for each action a, items[offsets[a] .. offsets[a+1]).
struct ColumnCsr {
  Column<int> offsets{0};
  Column<int> items;
};

struct CaseFact {
  int body = 0;
  int service = -1;              // category id
  int opened = 0, closed = INT_MAX;  // years
  bool opened_in_range = true;
};

struct LedgerFact {
  int body = 0;
  int service = 0;               // in Facts::ledger_services
  int year = 0;
  std::int64_t charged = 0, collected = 0;
};

struct PlaceFact {
  int body = 0;
  int category = 0;              // in Facts::place_categories
  int since = INT_MIN;           // year
};

struct CertificationFact {
  int body = 0;
  int scheme = 0;                // in Facts::schemes
  CertificationStatus status = CertificationStatus::kGranted;
  Date date;
  std::optional<Date> expires;
};

/// One plan in the comparison of two models of a workspace: kept (the same object in both:
/// `before == after`), changed (both, different objects), added (`before` null) or removed
/// (`after` null). A model shares every unchanged plan object with the model it was derived
/// from, so comparing the objects finds the changes without comparing their contents.
struct PlanStep {
  const std::string* id = nullptr;
  const Plan* before = nullptr;
  const Plan* after = nullptr;
  bool kept() const { return before && before == after; }
};

/// Every plan of `before` and `after`, in id order.
std::vector<PlanStep> diff_plans(const Model& before, const Model& after);

/// Immutable facts of one model state, laid out for evaluation over many bodies at once.
class Facts {
 public:
  /// The facts of `model`. With `previous`, the facts of an earlier state of the same workspace
  /// whose model is still alive: when both models share their bodies and taxonomies, the
  /// plans `model` shares with it are copied from `previous` and only the changed plans are
  /// derived again; so are the records of every kind the two models share (statistics, cases,
  /// ledger, places, certifications, feedback), and the scope index. The result is the same
  /// as without `previous`, up to the order of the names in the dictionaries.
  /// `steps`, when given, is diff_plans(previous->model(), model), computed by the caller.
  explicit Facts(const Model& model, const Facts* previous = nullptr, const std::vector<PlanStep>* steps = nullptr);

  /// Whether the facts were patched from previous facts rather than built from the model.
  bool patched() const { return patched_; }
  /// What changed since the facts these were patched from; nullptr when built afresh.
  const FactsDelta* delta() const { return patched_ ? &delta_ : nullptr; }

  /// What an evaluator derived from these facts under `key`, or nullptr.
  std::shared_ptr<const Derived> derived(const std::string& key) const;
  /// Keeps `value` under `key` for the evaluators that come later; when another evaluator kept
  /// one first, returns that one. Past kKeptBytes of arrays (expressions of many different
  /// calls) nothing more is kept: the caller still has `value`.
  std::shared_ptr<const Derived> keep(const std::string& key, std::shared_ptr<const Derived> value) const;
  /// What the evaluators of the facts these were patched from derived under `key`, handed over
  /// once (nullptr when nothing): the caller derives its own from it with delta().
  std::shared_ptr<const Derived> inherited(const std::string& key) const;
  /// The same for whole results (an indicator table, say), of a type their user knows.
  std::shared_ptr<const void> result(const std::string& key) const;
  void keep_result(const std::string& key, std::shared_ptr<const void> value) const;
  std::shared_ptr<const void> inherited_result(const std::string& key) const;

  const Model& model() const { return *model_; }
  std::size_t body_count() const { return body_ids.size(); }
  int body(const std::string& id) const;  // -1 when unknown

  /// Distinct scope (the body and all its descendants) of every body in `year`; rows in body order.
  const Csr& scope(int year) const;
  /// Leaves of every body's scope in `year` (bodies without members that year).
  const Csr& leaves(int year) const;
  /// Mask over category ids: 1 where the category is `ref` or below it. Empty when `ref` is unknown.
  const std::vector<char>& under(const std::string& ref) const;

  std::vector<std::string> body_ids;
  std::vector<BodyKind> body_kind;
  std::unordered_map<std::string, int> body_index;

  /// Years the workspace holds data for: plan periods, budget lines, statistics, cases, ledger.
  std::vector<int> data_years;

  Dictionary categories;         // "<taxonomy>:<code>"; a taxonomy's categories are consecutive
  Csr category_up;               // each category id: itself, then its ancestors
  std::vector<std::pair<int, int>> category_range;  // each category id: its taxonomy's [first, end) ids
  Dictionary plan_kinds;
  Dictionary sources;
  Dictionary ledger_services;
  Dictionary place_categories;
  Dictionary schemes;

  Column<PlanFact> plans;                    // model order (plan id)
  Column<std::string> plan_ids;              // sorted
  /// The index of plan `id` in `plans`, or -1.
  int plan_number(const std::string& id) const;
  Column<int> action_plan;
  Column<ActionStatus> action_status;
  Column<int> action_horizon;                // -1 when none
  Column<int> action_objective;              // in Facts::objectives, -1 when none
  Dictionary objectives;
  ColumnCsr action_categories;               // category ids of each action
  /// Progress entries of each action, in the action's order: action a owns entries
  /// [progress_offsets[a], progress_offsets[a + 1]); days are written yyyymmdd.
  Column<int> progress_offsets{0};
  Column<int> progress_day;
  Column<double> progress_completion;
  Column<const Action*> actions;
  std::map<int, YearLines> lines_by_year;
  Column<double> feedback_sum;               // per action
  Column<int> feedback_count;
  std::vector<CaseFact> cases;
  std::vector<LedgerFact> ledger;             // by year, then model order
  /// Each year's entries of `ledger`: [first, end).
  std::map<int, std::pair<std::size_t, std::size_t>> ledger_by_year;
  std::vector<PlaceFact> places;
  std::vector<CertificationFact> certifications;
  /// statistics[variable][year] = value per body (kNull when missing).
  std::unordered_map<std::string, std::map<int, std::vector<double>>> statistics;

 private:
  struct LineCursor;
  void build_bodies(const Model& m);
  void build_categories(const Model& m);
  // The plan's own fields (body, period, kind, status, variant) of `pf`.
  void describe_plan(const Plan& p, PlanFact& pf);
  void reserve_plans(const Model& m);
  void append_plan(const Plan& p, LineCursor& cursor);
  void copy_plans(const Facts& prev, int first, int end, bool with_feedback);
  // With no plan added or removed and as many actions in each changed plan: shares every plan
  // column of `prev` and rewrites the changed plans' rows. False (nothing done) otherwise.
  bool patch_in_place(const Facts& prev, const Model& m, const std::vector<PlanStep>& steps, bool feedback_kept);
  void resolve_based_on(const Model& m);
  void add_feedback(const Feedback& f);
  void build_feedback(const Model& m);
  void feedback_of_plan(const Model& m, const std::string& id);
  void build_statistics(const Model& m);
  void build_cases(const Model& m);
  void build_ledger(const Model& m);
  void build_places(const Model& m);
  void build_certifications(const Model& m);
  void collect_years();

  const Model* model_;
  bool patched_ = false;
  FactsDelta delta_;
  mutable std::mutex mutex_;
  mutable std::mutex derived_mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Derived>> derived_, inherited_;
  mutable std::size_t derived_bytes_ = 0;
  mutable std::unordered_map<std::string, std::shared_ptr<const void>> results_, inherited_results_;
  mutable std::map<int, std::shared_ptr<const Csr>> scopes_, leaves_;
  mutable std::unordered_map<std::string, std::shared_ptr<const std::vector<char>>> under_;
};

}  // namespace civicplan::detail
