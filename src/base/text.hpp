// SPDX-License-Identifier: Apache-2.0
// Small text utilities shared by every layer: quoting, suggestions, joining, UTF-8 checks.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/money.hpp"

namespace civicplan::detail {

/// `s` as a JSON string literal, shortened past 60 characters.
std::string quote(const std::string& s);
/// A JSON value as an error message shows it: "an object", "null", a quoted string, a number.
std::string describe(const nlohmann::json& v);
/// The option closest to `word` (case-insensitive edit distance), or "" when none is close.
std::string suggest(const std::string& word, const std::vector<std::string>& options);
/// " (did you mean \"x\"?)" for the closest option, or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& options);
std::string join(const std::vector<std::string>& items, const std::string& sep);
/// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(const std::string& s);
/// The byte offset of the first malformed UTF-8 sequence of `s`, or std::string::npos.
std::size_t invalid_utf8_at(const std::string& s);
/// `value` with `decimals` digits ("12.35"), or the shortest text that reads back exactly when
/// decimals < 0; "" for NaN.
std::string format_number(double value, int decimals);
/// Money as a JSON number of euros: an integer when whole, else a number with two decimals.
nlohmann::json money_to_json(Money m);

}  // namespace civicplan::detail
