// SPDX-License-Identifier: Apache-2.0
// The bundle interchange format (DESIGN §4) and the statistics CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/error.hpp"
#include "civicplan/export.hpp"
#include "civicplan/model.hpp"

namespace civicplan {

inline constexpr const char* kBundleFormat = "civicplan-bundle";
inline constexpr int kBundleVersion = 1;

/// The deepest nesting of arrays and objects accepted in a bundle, a plan or a JSON text (a
/// bundle itself needs 6 levels; `attributes` may use the rest).
inline constexpr int kMaxJsonDepth = 64;

/// Parses JSON text; throws ParseError with line and column on malformed input, on nesting
/// deeper than kMaxJsonDepth and on an object with the same key twice.
CIVICPLAN_API nlohmann::json parse_json(const std::string& text, const std::string& source = "<input>");
/// Reads and parses a JSON file; throws NotFoundError / ParseError.
CIVICPLAN_API nlohmann::json read_json_file(const std::string& path);
/// Reads a whole file as bytes; NotFoundError when it is missing or not a regular file,
/// StorageError when it cannot be read.
CIVICPLAN_API std::string read_text_file(const std::string& path);
/// True when `path` names a CSV file: its extension is ".csv" in any case ("x.Csv" too). The
/// one rule by which Workspace::import_file, the CLI and Python tell CSV from JSON.
CIVICPLAN_API bool is_csv_file(const std::string& path);

/// Checks a bundle against itself and against `base` (what a workspace already holds) with
/// every check an import makes: types, enums, amounts, dates, references, duplicates, cycles,
/// and the indicator and ruleset definitions with their formulas. Returns every issue found,
/// each with its JSON path; empty when the bundle can be imported into `base`.
CIVICPLAN_API std::vector<Issue> validate_bundle(const nlohmann::json& bundle, const Model& base = Model{});

/// Validates a bundle against `base` and returns the model `base` would become after
/// importing it. Throws ValidationError listing every issue; `base` is not modified.
CIVICPLAN_API Model merge_bundle(const nlohmann::json& bundle, const Model& base);

/// Reads one user object of a bundle ({id, name, roles: [{role, body}]}) with the checks of an
/// import, except that the bodies of its roles are not looked up (a workspace's put_user does
/// that). Throws ValidationError whose paths start with `user` (`user.roles[0].role`).
CIVICPLAN_API User parse_user(const nlohmann::json& user);
/// Reads a bundle on its own into a model; throws ValidationError.
CIVICPLAN_API Model read_bundle(const nlohmann::json& bundle);

/// Writes a model as a bundle: every array present, objects sorted by id or key.
CIVICPLAN_API nlohmann::json write_bundle(const Model& model);

/// Parses statistics CSV text with header `body,year,variable,value` (any column order,
/// RFC 4180 quoting). Throws ValidationError with `source:line` paths.
CIVICPLAN_API std::vector<Statistic> read_statistics_csv(const std::string& text,
                                                         const std::string& source = "<csv>");

}  // namespace civicplan
