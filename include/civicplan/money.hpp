// SPDX-License-Identifier: Apache-2.0
// Exact amounts of money: int64 euro cents inside, decimal euros outside.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "civicplan/export.hpp"

namespace civicplan {

/// An exact amount of money in euro cents.
class CIVICPLAN_API Money {
 public:
  constexpr Money() = default;
  /// Wraps a number of cents.
  static constexpr Money from_cents(std::int64_t cents) { return Money(cents); }
  /// Converts decimal euros with at most two decimals; std::nullopt when the value has
  /// more decimals, is not finite, or does not fit.
  static std::optional<Money> from_euros(double euros);
  /// Parses "1234", "1234.5", "-0.05" (dot decimal separator, at most two decimals).
  static std::optional<Money> parse(const std::string& text);

  constexpr std::int64_t cents() const { return cents_; }
  /// The amount in euros as a double (exact for amounts below 2^53 cents).
  double euros() const { return static_cast<double>(cents_) / 100.0; }
  /// "1234.50"
  std::string to_string() const;
  /// "€ 1.234,50" as Italian documents print it.
  std::string to_display() const;

  constexpr Money operator+(Money o) const { return Money(cents_ + o.cents_); }
  constexpr Money operator-(Money o) const { return Money(cents_ - o.cents_); }
  Money& operator+=(Money o) { cents_ += o.cents_; return *this; }
  Money& operator-=(Money o) { cents_ -= o.cents_; return *this; }
  constexpr bool operator==(Money o) const { return cents_ == o.cents_; }
  constexpr bool operator!=(Money o) const { return cents_ != o.cents_; }
  constexpr bool operator<(Money o) const { return cents_ < o.cents_; }

 private:
  constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
  std::int64_t cents_ = 0;
};

}  // namespace civicplan
