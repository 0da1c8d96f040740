// SPDX-License-Identifier: Apache-2.0
// Small text utilities shared by every layer.
#include "base/text.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace civicplan::detail {

using json = nlohmann::json;

std::string quote(const std::string& s) {
  std::string shown = s.size() > 60 ? s.substr(0, 57) + "..." : s;
  return json(shown).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::null: return "null";
    case json::value_t::string: return quote(v.get_ref<const std::string&>());
    default: {
      std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
      return s.size() > 40 ? s.substr(0, 37) + "..." : s;
    }
  }
}

namespace {
int lower(char c) { return std::tolower(static_cast<unsigned char>(c)); }

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1), prev2(b.size() + 1, 0), last(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    last = row;
    std::size_t prev = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cur = row[j];
      const bool same = lower(a[i - 1]) == lower(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (same ? 0 : 1)});
      // An adjacent transposition ("titel" / "title") costs one edit.
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        row[j] = std::min(row[j], prev2[j - 2] + 1);
      }
      prev = cur;
    }
    prev2 = last;
  }
  return row[b.size()];
}
}  // namespace

std::string suggest(const std::string& word, const std::vector<std::string>& options) {
  if (word.size() > 64) return "";
  std::string best;
  std::size_t best_d = SIZE_MAX;
  for (const auto& o : options) {
    const std::size_t d = distance(word, o);
    if (d < best_d) {
      best_d = d;
      best = o;
    }
  }
  const std::size_t limit = std::max<std::size_t>(1, std::min(word.size(), best.size()) / 3);
  return best_d <= limit && best_d > 0 ? best : "";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& options) {
  auto s = suggest(word, options);
  return s.empty() ? "" : " (did you mean " + quote(s) + "?)";
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

bool valid_utf8(const std::string& s) { return invalid_utf8_at(s) == std::string::npos; }

std::size_t invalid_utf8_at(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + static_cast<std::size_t>(extra) >= n) return i;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = p[i + static_cast<std::size_t>(k)];
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return std::string::npos;
}

std::string format_number(double value, int decimals) {
  if (std::isnan(value)) return "";
  char buf[64];
  if (decimals >= 0) {
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 15), value);
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", value);
    // Prefer the shortest representation that reads back exactly.
    for (int p = 1; p <= 17; ++p) {
      char shorter[64];
      std::snprintf(shorter, sizeof shorter, "%.*g", p, value);
      if (std::strtod(shorter, nullptr) == value) {
        std::snprintf(buf, sizeof buf, "%s", shorter);
        break;
      }
    }
  }
  return buf;
}

json money_to_json(Money m) {
  if (m.cents() % 100 == 0) return json(m.cents() / 100);
  return json(m.euros());
}

}  // namespace civicplan::detail
