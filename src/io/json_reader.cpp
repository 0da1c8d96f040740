// SPDX-License-Identifier: Apache-2.0
// Field readers that collect issues with JSON paths.
#include "io/json_reader.hpp"

#include <cstdio>

#include "civicplan/bundle.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace civicplan::detail {

std::string child(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

std::string item(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

void set_item(std::string& out, const std::string& path, std::size_t i) {
  char digits[24];
  const int n = std::snprintf(digits, sizeof digits, "%zu", i);
  out.assign(path);
  out += '[';
  out.append(digits, static_cast<std::size_t>(n));
  out += ']';
}

bool Reader::object(const json& v, const std::string& path, std::initializer_list<const char*> allowed) {
  if (!v.is_object()) {
    error(path, "expected an object, got " + describe(v));
    return false;
  }
  for (const auto& kv : v.items()) {
    const std::string& key = kv.key();
    bool known = false;
    for (const char* a : allowed) {
      // The first letter rules out most names without a full comparison.
      if (!key.empty() && key[0] == a[0] && key == a) {
        known = true;
        break;
      }
    }
    if (!known) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      error(child(path, kv.key()), "unknown field " + quote(kv.key()) + did_you_mean(kv.key(), names));
    }
  }
  return true;
}

const json* Reader::get(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> Reader::string(const json& obj, const char* key, const std::string& path, bool required) {
  const json* v = get(obj, key);
  if (!v) {
    if (required) error(child(path, key), "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    error(child(path, key), "expected a string, got " + describe(*v));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (required && s.empty()) {
    error(child(path, key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<int> Reader::integer(const json& obj, const char* key, const std::string& path, bool required,
                                   long long min, long long max, const char* what) {
  const json* v = get(obj, key);
  if (!v) {
    if (required) error(child(path, key), "is required");
    return std::nullopt;
  }
  long long value = 0;
  bool ok = false;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned()) {
      auto u = v->get<unsigned long long>();
      ok = true;
      // Out-of-range values fall through to the range message below.
      value = u > static_cast<unsigned long long>(max) ? (max == LLONG_MAX ? max : max + 1)
                                                       : static_cast<long long>(u);
    } else {
      value = v->get<long long>();
      ok = true;
    }
  } else if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      value = static_cast<long long>(d);
      ok = true;
    }
  }
  if (!ok) {
    error(child(path, key), std::string("expected ") + what + ", got " + describe(*v));
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(child(path, key), std::string("expected ") + what + " from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got " + describe(*v));
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<int> Reader::year(const json& obj, const char* key, const std::string& path, bool required) {
  return integer(obj, key, path, required, kMinYear, kMaxYear, "a year");
}

std::optional<double> Reader::number(const json& obj, const char* key, const std::string& path, bool required) {
  const json* v = get(obj, key);
  if (!v) {
    if (required) error(child(path, key), "is required");
    return std::nullopt;
  }
  if (!v->is_number()) {
    error(child(path, key), "expected a number, got " + describe(*v));
    return std::nullopt;
  }
  double d = v->get<double>();
  if (!std::isfinite(d)) {
    error(child(path, key), "expected a finite number, got " + describe(*v));
    return std::nullopt;
  }
  return d;
}

std::optional<Money> Reader::money(const json& obj, const char* key, const std::string& path, bool required) {
  const json* v = get(obj, key);
  if (!v) {
    if (required) error(child(path, key), "is required");
    return std::nullopt;
  }
  std::optional<Money> m;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned()) {
      auto u = v->get<unsigned long long>();
      if (u <= 90000000000000ULL) m = Money::from_cents(static_cast<std::int64_t>(u) * 100);
    } else {
      auto i = v->get<long long>();
      if (i <= 90000000000000LL && i >= -90000000000000LL) m = Money::from_cents(i * 100);
    }
  } else if (v->is_number_float()) {
    m = Money::from_euros(v->get<double>());
  }
  if (!m) error(child(path, key), "expected a number with at most 2 decimals, got " + describe(*v));
  return m;
}

std::optional<Date> Reader::date(const json& obj, const char* key, const std::string& path, bool required) {
  const json* v = get(obj, key);
  if (!v) {
    if (required) error(child(path, key), "is required");
    return std::nullopt;
  }
  std::optional<Date> d;
  if (v->is_string()) d = Date::parse(v->get_ref<const std::string&>());
  if (d && (d->year < kMinYear || d->year > kMaxYear)) d.reset();
  if (!d) error(child(path, key), "expected a date YYYY-MM-DD, got " + describe(*v));
  return d;
}

std::optional<Location> Reader::location(const json& obj, const char* key, const std::string& path, bool required) {
  const json* v = get(obj, key);
  if (!v) {
    if (required) error(child(path, key), "is required");
    return std::nullopt;
  }
  const std::string p = child(path, key);
  if (!object(*v, p, {"lat", "lon"})) return std::nullopt;
  auto lat = number(*v, "lat", p, true);
  auto lon = number(*v, "lon", p, true);
  bool ok = lat && lon;
  if (lat && (*lat < -90 || *lat > 90)) {
    error(child(p, "lat"), "expected a latitude from -90 to 90, got " + describe((*v)["lat"]));
    ok = false;
  }
  if (lon && (*lon < -180 || *lon > 180)) {
    error(child(p, "lon"), "expected a longitude from -180 to 180, got " + describe((*v)["lon"]));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return Location{*lat, *lon};
}

const json* Reader::array(const json& obj, const char* key, const std::string& path, bool required) {
  const json* v = get(obj, key);
  if (!v) {
    if (required) error(child(path, key), "is required");
    return nullptr;
  }
  if (!v->is_array()) {
    error(child(path, key), "expected an array, got " + describe(*v));
    return nullptr;
  }
  return v;
}

std::vector<std::string> Reader::strings(const json& obj, const char* key, const std::string& path, bool required) {
  std::vector<std::string> out;
  const json* arr = array(obj, key, path, required);
  if (!arr) return out;
  const std::string p = child(path, key);
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto& v = (*arr)[i];
    if (!v.is_string()) {
      error(item(p, i), "expected a string, got " + describe(v));
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

namespace {
/// True when `v` holds an array or object nested `levels` or more levels below it.
bool nests(const json& v, int levels) {
  if (!v.is_structured()) return false;
  if (levels <= 0) return true;
  for (const auto& e : v) {
    if (nests(e, levels - 1)) return true;
  }
  return false;
}
}  // namespace

std::optional<std::string> too_deep(const json& v, const std::string& path) {
  if (!nests(v, kMaxJsonDepth)) return std::nullopt;
  // Rare: walk down the offending branch only, building its path.
  std::string where = path;
  const json* at = &v;
  for (int remaining = kMaxJsonDepth; remaining > 0; --remaining) {
    if (at->is_object()) {
      for (const auto& kv : at->items()) {
        if (nests(kv.value(), remaining - 1)) {
          where = child(where, kv.key());
          at = &kv.value();
          break;
        }
      }
    } else {
      std::size_t i = 0;
      for (const auto& e : *at) {
        if (nests(e, remaining - 1)) {
          where = item(where, i);
          at = &e;
          break;
        }
        ++i;
      }
    }
  }
  return where.empty() ? std::string("the top level") : where;
}

namespace {
bool all_utf8(const json& v) {
  if (v.is_string()) return valid_utf8(v.get_ref<const std::string&>());
  if (v.is_object()) {
    for (const auto& kv : v.items()) {
      if (!valid_utf8(kv.key()) || !all_utf8(kv.value())) return false;
    }
  } else if (v.is_array()) {
    for (const auto& e : v) {
      if (!all_utf8(e)) return false;
    }
  }
  return true;
}
}  // namespace

void check_utf8(const json& v, const std::string& path, std::vector<Issue>& issues) {
  // The common case, every string fine, costs one walk without building paths.
  if (all_utf8(v)) return;
  constexpr std::size_t kMaxReported = 20;
  if (issues.size() >= kMaxReported) return;
  if (v.is_string()) {
    if (!valid_utf8(v.get_ref<const std::string&>())) {
      issues.push_back({path.empty() ? "the top level" : path, "expected UTF-8 text, got malformed bytes"});
    }
  } else if (v.is_object()) {
    for (const auto& kv : v.items()) {
      if (!valid_utf8(kv.key())) {
        issues.push_back({path.empty() ? "the top level" : path,
                          "expected UTF-8 keys, got a key with malformed bytes"});
        continue;
      }
      check_utf8(kv.value(), child(path, kv.key()), issues);
    }
  } else if (v.is_array()) {
    std::size_t i = 0;
    for (const auto& e : v) check_utf8(e, item(path, i++), issues);
  }
}

}  // namespace civicplan::detail
