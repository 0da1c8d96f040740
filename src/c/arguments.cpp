// SPDX-License-Identifier: Apache-2.0
// Checking a call's arguments against its parameters, and converting them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "method_table.hpp"

namespace civicplan::c_api {
namespace {

// The name of a JSON value's type as a message shows it.
std::string kind_of(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    default: return "a " + std::string(v.type_name());
  }
}

bool is_integer(const nlohmann::json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

// Levenshtein distance, for "did you mean".
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The name among `items` (each with a `name`) closest to `name`, when close enough to suggest.
template <typename Items>
const char* closest(const std::string& name, const Items& items) {
  const char* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& item : items) {
    const std::size_t d = distance(name, item.name);
    if (!best || d < best_distance) {
      best = item.name;
      best_distance = d;
    }
  }
  return best && best_distance <= std::max<std::size_t>(2, name.size() / 3) ? best : nullptr;
}

// The expected value of a type, as "expected ..." says it.
const char* expected(Type type) {
  switch (type) {
    case Type::kString: return "a string";
    case Type::kInteger: return "an integer";
    case Type::kNumber: return "a number";
    case Type::kBoolean: return "true or false";
    case Type::kObject: return "an object";
    case Type::kStrings: return "a string or an array of strings";
    case Type::kIntegers: return "an integer or an array of integers";
    case Type::kDate: return "a date \"YYYY-MM-DD\"";
    case Type::kMoney: return "euros (an integer, a number or a string such as \"1234.50\")";
    case Type::kBundle: return "a bundle object or the path of a bundle file";
    case Type::kPopulation: return "a population class or range (\"3000-5000\", \"5000-\") or [min, max]";
    case Type::kRows: return "a path, an array of paths or an array of row objects";
  }
  return "a value";
}

bool accepts(Type type, const nlohmann::json& v) {
  switch (type) {
    case Type::kString:
    case Type::kDate: return v.is_string();
    case Type::kInteger: return is_integer(v);
    case Type::kNumber: return v.is_number();
    case Type::kBoolean: return v.is_boolean();
    case Type::kObject: return v.is_object();
    case Type::kStrings:
      return v.is_string() ||
             (v.is_array() && std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_string(); }));
    case Type::kIntegers:
      return is_integer(v) || (v.is_array() && std::all_of(v.begin(), v.end(), is_integer));
    case Type::kMoney: return v.is_number() || v.is_string();
    case Type::kBundle: return v.is_object() || v.is_string();
    case Type::kPopulation:
      return v.is_string() || (v.is_array() && v.size() == 2 &&
                               std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_null() || e.is_number(); }));
    case Type::kRows:
      if (v.is_string()) return true;
      if (!v.is_array() || v.empty()) return false;
      return std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_string(); }) ||
             std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_object(); });
  }
  return false;
}

[[noreturn]] void invalid(const char* name, const std::string& message) {
  throw ValidationError(std::vector<Issue>{{name, message}});
}

int to_int(const nlohmann::json& v, const std::string& name) {
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    throw UsageError("argument \"" + name + "\": " + v.dump() + " is out of range");
  }
  const auto n = v.get<std::int64_t>();
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
    throw UsageError("argument \"" + name + "\": " + v.dump() + " is out of range");
  }
  return static_cast<int>(n);
}

}  // namespace

const char* type_name(Type type) {
  switch (type) {
    case Type::kString: return "string";
    case Type::kInteger: return "integer";
    case Type::kNumber: return "number";
    case Type::kBoolean: return "boolean";
    case Type::kObject: return "object";
    case Type::kStrings: return "string|string[]";
    case Type::kIntegers: return "integer|integer[]";
    case Type::kDate: return "date";
    case Type::kMoney: return "money";
    case Type::kBundle: return "object|path";
    case Type::kPopulation: return "population";
    case Type::kRows: return "path|path[]|object[]";
  }
  return "any";
}

const Method& find_method(const std::string& name) {
  const auto& all = methods();
  auto it = std::lower_bound(all.begin(), all.end(), name,
                             [](const Method& m, const std::string& n) { return m.name < n; });
  if (it != all.end() && it->name == name) return *it;
  std::string message = "unknown method \"" + name + "\"";
  if (const char* best = closest(name, all)) {
    message += "; did you mean \"" + std::string(best) + "\"?";
  }
  throw UsageError(message + " (the method \"methods\" lists them all)");
}

Arguments check_arguments(const Method& method, const nlohmann::json& args) {
  const std::string where = std::string(method.name) + ": ";
  if (!args.is_object()) {
    throw UsageError(where + "the arguments must be a JSON object, got " + kind_of(args));
  }
  for (const auto& item : args.items()) {
    const std::string& key = item.key();
    const auto& params = method.params;
    if (std::any_of(params.begin(), params.end(), [&](const Param& p) { return key == p.name; })) continue;
    std::string message = where + "unknown argument \"" + key + "\"";
    if (const char* best = closest(key, params)) {
      message += "; did you mean \"" + std::string(best) + "\"?";
    } else if (params.empty()) {
      message += "; it takes no arguments";
    } else {
      message += "; it takes";
      for (std::size_t i = 0; i < params.size(); ++i) message += (i ? ", " : " ") + std::string(params[i].name);
    }
    throw UsageError(message);
  }
  nlohmann::json values = nlohmann::json::object();
  for (const auto& p : method.params) {
    auto it = args.find(p.name);
    if (it == args.end() || it->is_null()) {
      if (p.required()) {
        throw UsageError(where + "missing argument \"" + p.name + "\" (" + expected(p.type) + ")");
      }
      values[p.name] = nlohmann::json::parse(p.default_json);
      continue;
    }
    if (!accepts(p.type, *it)) {
      throw UsageError(where + "argument \"" + p.name + "\" must be " + expected(p.type) + ", got " + kind_of(*it));
    }
    values[p.name] = *it;
  }
  return Arguments(std::move(values));
}

nlohmann::json describe_methods() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : methods()) {
    nlohmann::json params = nlohmann::json::array();
    for (const auto& p : m.params) {
      nlohmann::json param = {{"name", p.name}, {"type", type_name(p.type)}, {"required", p.required()}};
      if (!p.required()) param["default"] = nlohmann::json::parse(p.default_json);
      params.push_back(std::move(param));
    }
    out.push_back({{"name", m.name}, {"doc", m.doc}, {"params", std::move(params)}});
  }
  return out;
}

std::string Arguments::string(const char* name) const { return values_.at(name).get<std::string>(); }

std::optional<std::string> Arguments::optional_string(const char* name) const {
  const auto& v = values_.at(name);
  if (v.is_null()) return std::nullopt;
  return v.get<std::string>();
}

int Arguments::integer(const char* name) const { return to_int(values_.at(name), name); }

std::int64_t Arguments::int64(const char* name) const {
  const auto& v = values_.at(name);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw UsageError(std::string("argument \"") + name + "\": " + v.dump() + " is out of range");
  }
  return v.get<std::int64_t>();
}

double Arguments::number(const char* name) const {
  const double d = values_.at(name).get<double>();
  if (!std::isfinite(d)) throw UsageError(std::string("argument \"") + name + "\" is not a finite number");
  return d;
}

bool Arguments::boolean(const char* name) const { return values_.at(name).get<bool>(); }

std::vector<std::string> Arguments::strings(const char* name) const {
  const auto& v = values_.at(name);
  if (v.is_null()) return {};
  if (v.is_string()) return {v.get<std::string>()};
  return v.get<std::vector<std::string>>();
}

std::vector<int> Arguments::integers(const char* name) const {
  const auto& v = values_.at(name);
  if (v.is_null()) return {};
  if (!v.is_array()) return {to_int(v, name)};
  std::vector<int> out;
  for (const auto& e : v) out.push_back(to_int(e, name));
  return out;
}

Date Arguments::date(const char* name) const {
  const std::string text = string(name);
  if (auto d = Date::parse(text)) return *d;
  invalid(name, "expected a date YYYY-MM-DD, got \"" + text + "\"");
}

Money Arguments::money(const char* name) const {
  const auto& v = values_.at(name);
  if (is_integer(v)) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > 90000000000000ULL) invalid(name, "the amount is too large");
    const auto euros = v.get<std::int64_t>();
    if (euros > 90000000000000LL || euros < -90000000000000LL) invalid(name, "the amount is too large");
    return Money::from_cents(euros * 100);
  }
  if (v.is_number_float()) {
    if (auto m = Money::from_euros(v.get<double>())) return *m;
    invalid(name, "expected euros with at most 2 decimals, got " + v.dump());
  }
  const std::string text = v.get<std::string>();
  if (auto m = Money::parse(text)) return *m;
  invalid(name, "expected euros with at most 2 decimals and a dot as decimal separator, got \"" + text + "\"");
}

}  // namespace civicplan::c_api
