// SPDX-License-Identifier: Apache-2.0
// Calendar dates (ISO YYYY-MM-DD) and closed year ranges.
#pragma once

#include <optional>
#include <string>

#include "civicplan/export.hpp"

namespace civicplan {

/// A proleptic Gregorian calendar date.
struct CIVICPLAN_API Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  /// Parses exactly "YYYY-MM-DD" with a real day of that month; nullopt otherwise.
  static std::optional<Date> parse(const std::string& text);
  /// True when year/month/day name a real day.
  static bool valid(int year, int month, int day);
  /// "YYYY-MM-DD"
  std::string to_string() const;
  /// Days since 1970-01-01 (negative before).
  long days() const;

  bool operator==(const Date& o) const { return year == o.year && month == o.month && day == o.day; }
  bool operator!=(const Date& o) const { return !(*this == o); }
  bool operator<(const Date& o) const {
    if (year != o.year) return year < o.year;
    if (month != o.month) return month < o.month;
    return day < o.day;
  }
  bool operator<=(const Date& o) const { return !(o < *this); }
};

/// A closed range of years [from, to].
struct YearRange {
  int from = 0;
  int to = 0;
  bool contains(int year) const { return from <= year && year <= to; }
  bool operator==(const YearRange& o) const { return from == o.from && to == o.to; }
};

/// Years accepted anywhere in civicplan.
inline constexpr int kMinYear = 1800;
inline constexpr int kMaxYear = 2200;

}  // namespace civicplan
