// SPDX-License-Identifier: Apache-2.0
// The table behind cp_call: every workspace method by its Python name, its parameters with their
// types and defaults, and the handler that runs it. cp_call checks the arguments against the
// table (unknown names, missing ones, types) before a handler sees them, so a handler only
// converts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/date.hpp"
#include "civicplan/error.hpp"
#include "civicplan/money.hpp"
#include "civicplan/workspace.hpp"

namespace civicplan::c_api {

/// The call itself is wrong: status CP_USAGE_ERROR, class "UsageError".
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ErrorCode::kUsage, message) {}
};

/// What a parameter accepts. `methods` names each as the string in type_name().
enum class Type {
  kString,      ///< a JSON string
  kInteger,     ///< a JSON integer (in the range of int, or of int64 for revisions)
  kNumber,      ///< a JSON number
  kBoolean,     ///< true or false
  kObject,      ///< a JSON object
  kStrings,     ///< a string or an array of strings (a filter)
  kIntegers,    ///< an integer or an array of integers (a filter of years)
  kDate,        ///< a "YYYY-MM-DD" string
  kMoney,       ///< euros: an integer, a number with at most 2 decimals, or a decimal string
  kBundle,      ///< a bundle object, or the path of a bundle file (a string)
  kPopulation,  ///< a class name or "MIN-MAX" string, or a [min, max] array (null for open)
  kRows,        ///< a path, an array of paths, or an array of row objects
};

const char* type_name(Type type);

struct Param {
  const char* name;
  Type type;
  /// The value when absent, as JSON text; nullptr for a required parameter. "null" means the
  /// parameter is optional and null is its default (null given explicitly is the same).
  const char* default_json;
  bool required() const { return default_json == nullptr; }
};

/// The arguments of one call, checked against its parameters: every parameter is present
/// (given or defaulted) with a value of its type, or null.
class Arguments {
 public:
  Arguments(nlohmann::json values) : values_(std::move(values)) {}
  bool is_null(const char* name) const { return values_.at(name).is_null(); }
  const nlohmann::json& json(const char* name) const { return values_.at(name); }
  std::string string(const char* name) const;
  std::optional<std::string> optional_string(const char* name) const;
  int integer(const char* name) const;
  std::int64_t int64(const char* name) const;
  double number(const char* name) const;
  bool boolean(const char* name) const;
  std::vector<std::string> strings(const char* name) const;  ///< [] when null
  std::vector<int> integers(const char* name) const;         ///< [] when null
  Date date(const char* name) const;
  Money money(const char* name) const;

 private:
  nlohmann::json values_;
};

using Handler = nlohmann::json (*)(Workspace& ws, const Arguments& args);

struct Method {
  const char* name;
  std::vector<Param> params;
  Handler run;
  const char* doc;
};

/// Every method, sorted by name.
const std::vector<Method>& methods();
/// The method called `name`; UsageError naming the closest known one otherwise.
const Method& find_method(const std::string& name);
/// Checks `args` (a parsed JSON value) against the method's parameters and fills in the
/// defaults; UsageError for anything that is not an object, an unknown or missing argument,
/// or a value of the wrong type.
Arguments check_arguments(const Method& method, const nlohmann::json& args);
/// The `methods` listing: [{name, doc, params: [{name, type, required, default?}]}].
nlohmann::json describe_methods();

}  // namespace civicplan::c_api
