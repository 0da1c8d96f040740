// SPDX-License-Identifier: Apache-2.0
// Exact money in cents: conversion from decimal euros and formatting.
#include "civicplan/money.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace civicplan {

namespace {
// Amounts up to 2^53 cents convert exactly from doubles.
constexpr double kMaxCents = 9007199254740992.0;
}  // namespace

std::optional<Money> Money::from_euros(double euros) {
  if (!std::isfinite(euros)) return std::nullopt;
  const double cents = euros * 100.0;
  if (std::fabs(cents) >= kMaxCents) return std::nullopt;
  const double rounded = std::nearbyint(cents);
  // 12.34 * 100 is 1233.9999999999998 in binary; anything further from an integer than
  // the representation error has a third decimal.
  const double tolerance = std::max(1e-6, std::fabs(cents) * 4e-16);
  if (std::fabs(cents - rounded) > tolerance) return std::nullopt;
  return Money(static_cast<std::int64_t>(rounded));
}

std::optional<Money> Money::parse(const std::string& text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  std::int64_t whole = 0;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (whole > (std::numeric_limits<std::int64_t>::max() / 100 - 9) / 10) return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  std::int64_t frac = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n == 2) return std::nullopt;
      frac = frac * 10 + (text[i] - '0');
      ++i;
      ++n;
    }
    if (n == 0) return std::nullopt;
    if (n == 1) frac *= 10;
  }
  if (i != text.size()) return std::nullopt;
  std::int64_t cents = whole * 100 + frac;
  return Money(negative ? -cents : cents);
}

std::string Money::to_string() const {
  std::int64_t abs = cents_ < 0 ? -cents_ : cents_;
  std::string frac = std::to_string(abs % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (cents_ < 0 ? "-" : "") + std::to_string(abs / 100) + "." + frac;
}

std::string Money::to_display() const {
  std::int64_t abs = cents_ < 0 ? -cents_ : cents_;
  std::string whole = std::to_string(abs / 100);
  std::string grouped;
  for (std::size_t k = 0; k < whole.size(); ++k) {
    if (k > 0 && (whole.size() - k) % 3 == 0) grouped += '.';
    grouped += whole[k];
  }
  std::string frac = std::to_string(abs % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return std::string(cents_ < 0 ? "-" : "") + "€ " + grouped + "," + frac;
}

}  // namespace civicplan
