// SPDX-License-Identifier: Apache-2.0
// The workspace: a model, its optional SQLite storage and the queries over them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/certification.hpp"
#include "civicplan/error.hpp"
#include "civicplan/export.hpp"
#include "civicplan/indicator.hpp"
#include "civicplan/model.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

/// What an import added or replaced, by bundle array name.
struct CIVICPLAN_API ImportSummary {
  std::map<std::string, std::size_t> added;
  std::map<std::string, std::size_t> replaced;
  /// Total number of objects imported.
  std::size_t total() const;
};

/// Owns a model, optionally backed by a SQLite file (DESIGN §10).
///
/// Every mutation is validated in full first, then written in one transaction, then applied
/// in memory: a failed mutation leaves both the file and the in-memory state unchanged.
/// A workspace opened on a file sees writes that other processes commit to it.
class CIVICPLAN_API Workspace {
 public:
  /// An empty in-memory workspace.
  Workspace();
  /// Opens the SQLite workspace at `path`, creating it if absent. Throws StorageError.
  static Workspace open(const std::string& path);
  ~Workspace();
  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  /// The file backing this workspace; nullopt in memory.
  std::optional<std::string> path() const;

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

  /// The current model (re-read first if another process committed changes).
  const Model& model() const;
  /// The membership queries over the current bodies.
  const Registry& registry() const;

  /// Lookups that throw NotFoundError.
  const Body& body(const std::string& id) const;
  const Plan& plan(const std::string& id) const;
  const Taxonomy& taxonomy(const std::string& id) const;

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

  /// Evaluates an ad-hoc expression (DESIGN §5) for one body in one year; nullopt for null.
  /// Throws ParseError for a syntax or name error, NotFoundError for an unknown body.
  std::optional<double> evaluate(const std::string& expression, const std::string& body, int year,
                                 bool preview = false) const;

  /// Re-reads the storage when another connection committed since the last read.
  /// Returns true when something changed.
  bool refresh() const;

 private:
  struct Impl;
  explicit Workspace(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace civicplan
