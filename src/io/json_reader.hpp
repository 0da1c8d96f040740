// SPDX-License-Identifier: Apache-2.0
// Reads JSON values field by field, collecting every problem as an Issue with its path.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/date.hpp"
#include "civicplan/error.hpp"
#include "civicplan/money.hpp"
#include "civicplan/registry.hpp"
#include "base/text.hpp"

namespace civicplan::detail {

using json = nlohmann::json;

/// `path.key` (or `key` at the root).
std::string child(const std::string& path, const std::string& key);
/// `path[i]`
std::string item(const std::string& path, std::size_t i);
/// Sets `out` to `path[i]`, reusing its storage (for paths built once per element of a loop).
void set_item(std::string& out, const std::string& path, std::size_t i);

/// The path of the first array or object nested deeper than kMaxJsonDepth in `v` (whose own
/// path is `path`), or nullopt. Its recursion stops at that depth, so any value is safe.
std::optional<std::string> too_deep(const json& v, const std::string& path);


/// Reports every string and object key of `v` that is not well-formed UTF-8 (JSON text is
/// checked by the parser; this is for values built in C++). `v` must not be too_deep.
void check_utf8(const json& v, const std::string& path, std::vector<Issue>& issues);

/// Collects issues while reading; never throws for bad input.
class Reader {
 public:
  explicit Reader(std::vector<Issue>& issues) : issues_(issues) {}

  void error(const std::string& path, const std::string& message) { issues_.push_back({path, message}); }
  std::size_t issue_count() const { return issues_.size(); }

  /// True when `v` is an object; reports unknown keys (with a suggestion) against `allowed`.
  bool object(const json& v, const std::string& path, std::initializer_list<const char*> allowed);
  /// The member `key` of `obj` when present and not null.
  static const json* get(const json& obj, const char* key);

  std::optional<std::string> string(const json& obj, const char* key, const std::string& path, bool required);
  std::optional<int> integer(const json& obj, const char* key, const std::string& path, bool required,
                             long long min, long long max, const char* what = "an integer");
  std::optional<int> year(const json& obj, const char* key, const std::string& path, bool required);
  std::optional<double> number(const json& obj, const char* key, const std::string& path, bool required);
  std::optional<Money> money(const json& obj, const char* key, const std::string& path, bool required);
  std::optional<Date> date(const json& obj, const char* key, const std::string& path, bool required);
  std::optional<Location> location(const json& obj, const char* key, const std::string& path, bool required);
  /// The array `key` (nullptr when absent, null, or not an array — the latter reported).
  const json* array(const json& obj, const char* key, const std::string& path, bool required);
  /// An array of strings.
  std::vector<std::string> strings(const json& obj, const char* key, const std::string& path, bool required);

  /// Reads a string member and maps it through `from`; reports unknown values with the options.
  template <class E, class F>
  std::optional<E> enumeration(const json& obj, const char* key, const std::string& path, bool required, F from,
                               const std::vector<std::string>& names) {
    auto s = string(obj, key, path, required);
    if (!s) return std::nullopt;
    if (auto v = from(*s)) return v;
    error(child(path, key), "unknown " + std::string(key) + " " + quote(*s) + "; expected one of " +
                                join(names, ", ") + did_you_mean(*s, names));
    return std::nullopt;
  }

 private:
  std::vector<Issue>& issues_;
};

}  // namespace civicplan::detail
