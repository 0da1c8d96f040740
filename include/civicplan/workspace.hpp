// SPDX-License-Identifier: Apache-2.0
// The workspace: a model, its optional SQLite storage and the queries over them.
#pragma once

#include <map>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/certification.hpp"
#include "civicplan/error.hpp"
#include "civicplan/execution.hpp"
#include "civicplan/export.hpp"
#include "civicplan/indicator.hpp"
#include "civicplan/lifecycle.hpp"
#include "civicplan/model.hpp"
#include "civicplan/practices.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

/// What an import added or replaced, by bundle array name.
struct CIVICPLAN_API ImportSummary {
  std::map<std::string, std::size_t> added;
  std::map<std::string, std::size_t> replaced;
  /// Total number of objects imported.
  std::size_t total() const;
  /// {added: {array: n}, replaced: {array: n}}
  nlohmann::json to_json() const;
};

/// How certify() and certify_all() evaluate (DESIGN §17).
struct CertifyOptions {
  /// Count draft and submitted plans too.
  bool preview = false;
  /// certify() only: attach to every rule, and to min_points, the Explanation of its expression.
  bool explain = false;
  /// Values that replace parameters of the version in force, for this call only. A name the
  /// version does not have raises NotFoundError naming the ones it has.
  std::map<std::string, double> parameters;
};

/// Owns a model, optionally backed by storage (DESIGN §10).
///
/// Every mutation is validated in full first, then written in one transaction, then applied
/// in memory: a failed mutation leaves both the storage and the in-memory state unchanged.
/// A workspace opened on storage sees writes that other processes commit to it.
///
/// Thread safety: a Workspace may be used from several threads at once. Every commit makes a
/// new immutable snapshot of the state and swaps it in; a read works on the snapshot it
/// started with, and what model() and registry() return holds that snapshot alive, so it
/// never changes or dangles while other threads write.
class CIVICPLAN_API Workspace {
 public:
  /// An empty in-memory workspace.
  Workspace();
  /// Opens the workspace stored at `location`: a file path is a SQLite workspace, created if
  /// absent. With `read_only` nothing is ever written (no creation, no migration); a write
  /// through it raises StorageError. Throws StorageError.
  static Workspace open(const std::string& location, bool read_only = false);
  ~Workspace();
  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  /// Another handle on the same workspace, for the same user (views share their state).
  Workspace share() const;

  /// The file backing this workspace; nullopt in memory.
  std::optional<std::string> path() const;
  /// True when opened read-only (Workspace::open(location, true)).
  bool read_only() const;

  /// Imports a bundle all-or-nothing. Throws ValidationError listing every issue.
  ImportSummary import_bundle(const nlohmann::json& bundle);
  /// Imports a bundle file (JSON) or a statistics CSV file (by extension .csv).
  ImportSummary import_file(const std::string& path);
  /// Imports statistics rows (body,year,variable,value) all-or-nothing.
  ImportSummary import_statistics(const std::vector<Statistic>& rows, const std::string& source = "<statistics>");
  /// The whole workspace as a bundle.
  nlohmann::json export_bundle() const;
  /// Writes the bundle to a file (atomically: temporary file then rename).
  void export_bundle_file(const std::string& path) const;

  /// The current model (re-read first if another process committed changes). The pointer
  /// keeps this state alive: later writes make new states and leave it as it is.
  std::shared_ptr<const Model> model() const;
  /// The membership queries over the current bodies, kept alive like model().
  std::shared_ptr<const Registry> registry() const;

  /// Copies of one object of the current model; NotFoundError when there is none.
  Body body(const std::string& id) const;
  Plan plan(const std::string& id) const;
  Taxonomy taxonomy(const std::string& id) const;

  /// Checks a bundle against this workspace as import_bundle would (structure, references,
  /// cycles, indicator formulas), without writing anything. Empty when it would import.
  std::vector<Issue> validate(const nlohmann::json& bundle) const;

  /// Every indicator definition, sorted by id.
  std::vector<Indicator> indicators() const;
  /// Computes indicators (all when `ids` is empty) for every body of their levels (or only
  /// `bodies`) and every year the workspace holds data for (or only `years`). Throws
  /// NotFoundError for an unknown indicator or body.
  IndicatorTable compute_indicators(const std::vector<std::string>& ids = {},
                                    const std::vector<std::string>& bodies = {},
                                    const std::vector<int>& years = {}) const;

  /// Every certification ruleset, sorted by id.
  std::vector<Ruleset> rulesets() const;
  /// Evaluates one body under a scheme in a year (DESIGN §7). With `preview`, draft and
  /// submitted plans count too. Throws NotFoundError (body, scheme, no version in force) and
  /// Error when the scheme does not apply to the body's kind.
  CertificationReport certify(const std::string& body, const std::string& scheme, int year,
                              bool preview = false) const;
  /// Evaluates every body the scheme applies to (or only `bodies`) at once.
  CertificationTable certify_all(const std::string& scheme, int year, const std::vector<std::string>& bodies = {},
                                 bool preview = false) const;
  /// certify() with options: explanations, parameters replaced for this call.
  CertificationReport certify(const std::string& body, const std::string& scheme, int year,
                              const CertifyOptions& options) const;
  /// certify_all() with options (explain is for certify() alone).
  CertificationTable certify_all(const std::string& scheme, int year, const std::vector<std::string>& bodies,
                                 const CertifyOptions& options) const;

  /// Why `target` has its value for `body` in `year` (DESIGN §17): `target` is an indicator id
  /// (its dated formula for the year is explained) or an expression. The Explanation comes from
  /// the evaluator compute_indicators() and evaluate() use, so its value is theirs. Throws
  /// NotFoundError (body; a bare name that is neither an indicator nor a statistic), ParseError
  /// (an expression), ValidationError (a year outside 1800..2200, a body the indicator is not
  /// computed for).
  Explanation explain(const std::string& target, const std::string& body, int year, bool preview = false) const;

  /// The report of `body` in `year` (DESIGN §18): one self-contained HTML5 page (inline CSS and
  /// SVG, no script, no request to any other address) with the plans of the year, actions by
  /// area, funding by source, the indicators over the years beside the body's district,
  /// province and region, completion, certification, citizens' ratings, a map and, for a group,
  /// its members ranked. `lang` is "it" or "en": the page's own words; the data's labels stay
  /// as they are. Throws NotFoundError (body), ValidationError (lang, a year outside 1800..2200).
  std::string report(const std::string& body, int year, const std::string& lang = "it") const;

  /// What if: an in-memory workspace holding this workspace's current state plus `changes`, a
  /// bundle fragment (`format` and `version` may be left out) imported as import_bundle()
  /// would. The state is shared, not copied: the scenario pays for what the changes replace.
  /// This workspace is not touched. Throws ValidationError (with paths) for bad changes.
  Workspace scenario(const nlohmann::json& changes) const;

  /// Evaluates an ad-hoc expression (DESIGN §5) for one body in one year; nullopt for null.
  /// Throws ParseError for a syntax or name error, NotFoundError for an unknown body.
  std::optional<double> evaluate(const std::string& expression, const std::string& body, int year,
                                 bool preview = false) const;

  /// Re-reads the storage when another connection committed since the last read.
  /// Returns true when something changed.
  bool refresh() const;

  // --- Governance (DESIGN §8) -------------------------------------------------------------

  /// A view of the same workspace whose writes are checked against the roles of `user_id`
  /// (PermissionError otherwise). Throws NotFoundError for an unknown user.
  Workspace as_user(const std::string& user_id) const;
  /// The acting user of this view; nullopt for the operator (every write allowed).
  const std::optional<std::string>& user() const { return user_; }

  /// Creates or replaces a draft plan (status draft; a rejected plan becomes a draft again).
  /// Validated in full as an import is. With `expected_revision`, a plan that is at another
  /// revision raises ConflictError. Returns the new revision.
  std::int64_t put_plan(const nlohmann::json& plan, std::optional<std::int64_t> expected_revision = std::nullopt);
  /// draft -> submitted
  std::int64_t submit(const std::string& plan_id);
  /// submitted -> approved, with the approval act (required).
  std::int64_t approve(const std::string& plan_id, const Date& date, const std::string& act);
  /// submitted -> rejected, with the reason (required).
  std::int64_t reject(const std::string& plan_id, const std::string& reason);
  /// approved -> archived
  std::int64_t archive(const std::string& plan_id);
  /// A draft copy of an approved plan as an update or implementation plan based on it.
  std::int64_t new_variant(const std::string& plan_id, PlanVariant variant, const std::string& new_id);
  /// Adds or replaces a user (admins only in a user view).
  void put_user(const User& user);

  /// The kept revisions of a plan, oldest first.
  std::vector<PlanRevision> history(const std::string& plan_id) const;
  /// A kept revision of a plan; NotFoundError when not kept.
  Plan plan_revision(const std::string& plan_id, std::int64_t revision) const;
  /// The audit log, oldest first: entries at or after `since` (ISO time) about `object`.
  std::vector<AuditEntry> audit_log(const std::optional<std::string>& since = std::nullopt,
                                    const std::optional<std::string>& object = std::nullopt) const;
  /// What changed from plan `a` to plan `b`.
  PlanDiff diff(const std::string& a, const std::string& b) const;
  /// Per-action and rolled-up completion of a plan at a date (matches completion()).
  PlanProgress plan_progress(const std::string& plan_id, const Date& date) const;

  // --- Execution (DESIGN §16) -------------------------------------------------------------
  //
  // What happens while an approved plan runs is recorded on it, by editors of the plan's body
  // (and the operator); drafts are edited with put_plan and archived plans are closed. Each
  // call is validated in full and makes one new revision and one audit entry; a call that
  // changes nothing makes neither. Each returns the plan's revision after the call. Errors:
  // NotFoundError (plan, action, target metric), ValidationError (a plan that is not
  // approved, a completion outside 0..100, a year outside the period, ...), PermissionError.

  /// Adds the progress entry of `date` (completion 0..100), or replaces the one of that date.
  std::int64_t record_progress(const std::string& plan, const std::string& action, const Date& date,
                               double completion, const std::optional<std::string>& note = std::nullopt);
  /// Sets the actual spending of the action's budget line of `year` and `source`, adding a
  /// line with no planned amount when there is none; the year lies inside the plan's period.
  std::int64_t record_actual(const std::string& plan, const std::string& action, int year,
                             const std::string& source, Money amount);
  /// Sets the actual value of the action's target `metric`.
  std::int64_t record_target(const std::string& plan, const std::string& action, const std::string& metric,
                             double actual);
  /// Sets the action's status.
  std::int64_t set_action_status(const std::string& plan, const std::string& action, ActionStatus status);
  /// Sets the plan's overall evaluation (its date and text).
  std::int64_t record_evaluation(const std::string& plan, const Date& date, const std::string& text);

  /// Applies execution CSV files (see read_execution_csv) all or nothing: every bad row is
  /// reported at once as `FILE:LINE: message` in a ValidationError and nothing is written.
  /// One revision per plan changed; applying the same files again changes nothing. With
  /// `dry_run`, reports the same and writes nothing.
  ExecutionSummary import_execution(const std::vector<std::string>& paths, bool dry_run = false);
  ExecutionSummary import_execution(const std::string& path, bool dry_run = false);
  /// The same for rows given by the caller.
  ExecutionSummary import_execution(const std::vector<ExecutionRow>& rows, bool dry_run = false);

  // --- The national registry (DESIGN §16) -------------------------------------------------

  /// Imports ISTAT's list of Italian municipalities (the `Elenco dei comuni italiani` CSV,
  /// `;`-separated, Latin-1 or UTF-8) into bodies: municipalities by their 6-digit ISTAT
  /// code, provinces `it-uts-NNN`, regions `it-reg-NN`, and the legal population as the
  /// `population` statistic of its census year. All or nothing; a bad file raises
  /// ValidationError with `FILE:LINE` issues. Re-importing replaces the memberships it
  /// manages (municipality → province → region) and keeps every other one.
  ImportSummary import_istat(const std::string& path);

  // --- Best practices, open data and citizen feedback (DESIGN §9) -------------------------

  /// The search index over the actions of approved and archived plans of the current state;
  /// built once per state and shared (a returned index stays valid after later writes). After a
  /// write it is derived from the last index built: only the changed plans are analysed again.
  PracticeIndex practices() const;
  /// Publishes open data into the directory `dir` (created if absent): "csv" (the tables of
  /// csv_tables()), "geojson" (places.geojson, actions.geojson) or "bundle" (bundle.json), then
  /// catalog.jsonld describing the open-data files in `dir`. Throws ValidationError for another
  /// format and StorageError when a file cannot be written.
  void export_open_data(const std::string& dir, const std::string& format) const;
  /// Adds a citizen's feedback on an action, validated and written like an import: rating 1 to
  /// 5, a real date, an existing action ("<plan>/<action>"). Throws ValidationError otherwise.
  void add_feedback(const Feedback& feedback);

 private:
  struct Impl;
  explicit Workspace(std::shared_ptr<Impl> impl, std::optional<std::string> user = std::nullopt);
  std::shared_ptr<Impl> impl_;
  std::optional<std::string> user_;
};

}  // namespace civicplan
