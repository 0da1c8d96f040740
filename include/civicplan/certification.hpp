// SPDX-License-Identifier: Apache-2.0
// Certification rulesets: dated versions of points-based schemes with mandatory rules (DESIGN §7).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/explain.hpp"
#include "civicplan/export.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

/// A rule: a boolean `check` that awards `points` when it holds, or a `score` expression
/// that yields points directly.
struct Rule {
  std::string id;
  std::string label;
  bool mandatory = false;
  double points = 0;                 ///< awarded when a check passes
  std::optional<std::string> check;  ///< boolean expression
  std::optional<std::string> score;  ///< points expression
};

/// The rules in force from a year on.
struct RulesetVersion {
  int from = 0;
  std::map<std::string, double> parameters;
  std::vector<Rule> rules;
  /// A number or an expression ("if(population > 5000, 58, 52)"); absent: no points needed.
  std::optional<std::string> min_points;
};

/// A certification scheme (its id is the scheme name).
struct CIVICPLAN_API Ruleset {
  std::string id;
  std::string label;
  std::vector<BodyKind> applies_to;
  std::vector<RulesetVersion> versions;  ///< sorted by `from`
  /// The version with the latest `from` ≤ year, or nullptr.
  const RulesetVersion* version_for(int year) const;
  bool applies(BodyKind kind) const;
};

enum class Outcome { kPass, kFail, kMissingData };
CIVICPLAN_API const char* to_string(Outcome o);

/// The result of one rule for one body: the two sides of its comparison and a readable message.
struct RuleResult {
  std::string id;
  std::string label;
  Outcome outcome = Outcome::kFail;
  bool mandatory = false;
  std::optional<double> value;       ///< left side of the check (the points of a score rule)
  std::optional<double> threshold;   ///< right side of the check
  double points = 0;                 ///< points awarded
  std::string message;               ///< "6 actions, 8 required"
  /// The rule's expression explained (certify with explain only).
  std::optional<Explanation> explanation;
};

/// The evaluation of one body under one scheme in one year.
struct CIVICPLAN_API CertificationReport {
  std::string body;
  std::string scheme;
  int year = 0;
  int version = 0;                   ///< the `from` of the version used
  bool preview = false;
  bool passed = false;
  double points = 0;
  std::optional<double> min_points;
  std::vector<RuleResult> rules;
  /// What stands between the body and passing: failed or unknown mandatory rules.
  std::vector<std::string> missing_mandatory;
  /// Points still needed (0 when reached).
  double points_needed = 0;
  /// The version's min_points expression explained (certify with explain only).
  std::optional<Explanation> min_points_explanation;
  /// The most important reason for failing ("" when passed).
  std::string top_reason() const;
  nlohmann::json to_json() const;
};

namespace detail {
class RulesetSet;
}

/// What changes from one CertificationTable to another (a scenario, another year).
struct CIVICPLAN_API CertificationComparison {
  std::vector<std::string> gained;  ///< bodies that pass in the other table and not in this one
  std::vector<std::string> lost;    ///< bodies that pass in this table and not in the other
  /// Other points minus these points, for the bodies of both tables whose points differ.
  std::map<std::string, double> points_delta;
  /// {gained: [body], lost: [body], points_delta: {body: d}}
  nlohmann::json to_json() const;
};

/// One rule of a version evaluated for every body of a CertificationTable, column by column:
/// entry i belongs to the table's body i. Messages are written on demand.
class CIVICPLAN_API RuleColumn {
 public:
  std::string id;
  std::string label;
  bool mandatory = false;
  std::vector<Outcome> outcomes;
  std::vector<double> values;      ///< left side of the check (a score rule's points); NaN when unknown
  std::vector<double> thresholds;  ///< right side of the check; NaN when unknown or not a comparison
  std::vector<double> points;      ///< points awarded

  /// The message of body i: "6 actions, 8 required", "12 points", "population 2021 missing for …".
  std::string message(std::size_t i) const;
  /// The RuleResult of body i.
  RuleResult result(std::size_t i) const;

 private:
  friend class detail::RulesetSet;
  enum class Form : std::uint8_t { kScore, kComparison, kCondition };
  Form form_ = Form::kCondition;
  std::string noun_;           // what the left side counts: "actions", "euros"; may be empty
  bool noun_first_ = false;    // "population 4000" rather than "6 actions"
  std::string before_;         // comparison wording around the threshold: ", more than " … " required"
  std::string after_;
  std::map<std::size_t, std::string> missing_;  // messages of missing_data outcomes, by body
};

/// Many bodies certified at once, stored by column: entry i of every column is body i, and
/// bodies are sorted by id. `report(i)` assembles one body's CertificationReport.
class CIVICPLAN_API CertificationTable {
 public:
  std::string scheme;
  int year = 0;
  int version = 0;
  bool preview = false;
  std::vector<std::string> rule_ids;
  std::vector<std::string> bodies;
  std::vector<std::uint8_t> passed;  ///< 1 when the body passed
  std::vector<double> points;
  std::vector<double> min_points;    ///< NaN when it could not be computed or the version sets none
  std::vector<RuleColumn> rules;     ///< in the version's order (the order of rule_ids)

  std::size_t size() const { return bodies.size(); }
  /// The report of body i (i < size(), else std::out_of_range).
  CertificationReport report(std::size_t i) const;
  /// Every body's report, in body order.
  std::vector<CertificationReport> reports() const;
  nlohmann::json to_json() const;
  /// body,passed,points,min_points,<rule ids...> with outcomes pass/fail/missing_data.
  std::string to_csv() const;
  /// Who gains and who loses the certificate from this table to `other`, and the points that
  /// change. A body missing from one table counts as not passing there.
  CertificationComparison compare(const CertificationTable& other) const;
};

CIVICPLAN_API void to_json(nlohmann::json& j, const Ruleset& r);

}  // namespace civicplan
