// SPDX-License-Identifier: Apache-2.0
// Rule test cases, as a rules team keeps them: the civicplan-cases format (DESIGN §17).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/certification.hpp"
#include "civicplan/explain.hpp"
#include "civicplan/export.hpp"

namespace civicplan {

/// The outcome of one case of a cases file.
struct CIVICPLAN_API CaseResult {
  std::string name;
  std::string body;
  int year = 0;
  std::string kind;             ///< expression, indicator or certify
  std::string target;           ///< the expression, the indicator id or the scheme
  bool passed = false;
  nlohmann::json expected;      ///< a value (null allowed), or {passed?, points?} for certify
  nlohmann::json got;           ///< the same shape; null when the case raised an error
  std::string error;            ///< the error the case raised, "" when none
  /// Why the value is what it is (expression and indicator cases that failed).
  std::optional<Explanation> explanation;
  /// The certification, its rules explained (certify cases that failed).
  std::optional<CertificationReport> report;

  /// The failure in words: expected, got and the explanation ("" when passed).
  std::string details() const;
};

/// Every case of one cases file, run.
struct CIVICPLAN_API CaseRun {
  std::string path;
  std::vector<CaseResult> results;

  std::size_t failed() const;
  bool passed() const { return failed() == 0; }
  /// {path, passed, failed, cases: [{name, body, year, kind, target, passed, expected, got,
  ///  error?, explanation?, report?}]}
  nlohmann::json to_json() const;
  /// One line per case ("ok" or "FAIL"), each failure's details below it, and a summary line.
  std::string to_text() const;
};

/// Reads the civicplan-cases file at `path`, imports its bundles (paths relative to the file)
/// into a new in-memory workspace and runs every case:
///
///     {"format": "civicplan-cases", "version": 1, "bundles": ["family.json"],
///      "cases": [{"name": "...", "body": "022205", "year": 2022, "preview": false,
///                 "expression": "actions()" | "indicator": "id" | "certify": "scheme",
///                 "parameters": {"name": 55}, "expect": 3 | null | {"passed": true, "points": 58},
///                 "margin": 0.01}]}
///
/// `parameters` are for certify cases; `margin` is the absolute tolerance of numbers (default
/// 1e-9). A case whose evaluation raises an error fails with that error. Throws ParseError for
/// malformed JSON, ValidationError for a malformed file (issues `FILE: PATH`, such as
/// `rules.json: cases[2].expect`) or a bundle that does not import.
CIVICPLAN_API CaseRun run_cases(const std::string& path);

}  // namespace civicplan
