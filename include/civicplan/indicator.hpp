// SPDX-License-Identifier: Apache-2.0
// Indicators: dated formulas computed for bodies and years (DESIGN §6), and their result table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

/// A formula that applies from a year on (the one with the latest `from` ≤ year applies).
struct IndicatorFormula {
  std::optional<int> from;   ///< absent: applies to every year before the next dated version
  std::string formula;
};

/// Whether a value meets the indicator's target: `value op target`.
struct CIVICPLAN_API IndicatorTarget {
  std::string op;            ///< one of <, <=, >, >=, ==, !=
  double value = 0;
  bool met(double v) const;
};

/// An indicator definition.
struct CIVICPLAN_API Indicator {
  std::string id;
  std::string label;
  std::optional<std::string> unit;
  std::vector<IndicatorFormula> formulas;  ///< sorted by `from`
  std::vector<BodyKind> levels;
  std::optional<int> decimals;             ///< for display only
  std::optional<IndicatorTarget> target;
  std::optional<std::string> description;

  /// The formula that applies in `year`, or nullptr.
  const IndicatorFormula* formula_for(int year) const;
};

/// One value that differs between two IndicatorTables.
struct IndicatorChange {
  std::string indicator;
  std::string body;
  int year = 0;
  std::optional<double> base;   ///< the value in the table compare() was called on (nullopt: null or no row)
  std::optional<double> other;  ///< the value in the other table
  std::optional<double> delta;  ///< other - base, when both are values
};

/// The rows that differ between two IndicatorTables, sorted by indicator, body, year.
struct CIVICPLAN_API IndicatorComparison {
  std::vector<IndicatorChange> rows;
  std::size_t size() const { return rows.size(); }
  /// [{indicator, body, year, base, other, delta}]
  nlohmann::json to_json() const;
  /// CSV with header indicator,body,year,base,other,delta.
  std::string to_csv() const;
};

/// Long-form results: one row per (indicator, body, year), sorted by indicator, body, year.
/// Stored as contiguous columns; `indicator` and `body` are codes into their dictionaries.
class CIVICPLAN_API IndicatorTable {
 public:
  struct Row {
    std::string indicator;
    std::string body;
    int year = 0;
    std::optional<double> value;
    std::optional<bool> target_met;
  };

  std::size_t size() const { return years_.size(); }
  const std::vector<std::string>& indicator_names() const { return indicator_names_; }
  const std::vector<std::string>& body_names() const { return body_names_; }
  const std::vector<std::int32_t>& indicator_codes() const { return indicator_codes_; }
  const std::vector<std::int32_t>& body_codes() const { return body_codes_; }
  const std::vector<std::int32_t>& years() const { return years_; }
  /// NaN where the value is null.
  const std::vector<double>& values() const { return values_; }
  /// -1 where null (no value or no target), else 0 or 1.
  const std::vector<std::int8_t>& target_met() const { return target_met_; }
  /// Display decimals per indicator code (-1 when unset).
  const std::vector<int>& decimals() const { return decimals_; }

  Row row(std::size_t i) const;
  std::vector<Row> rows() const;
  /// `[{"indicator":…, "body":…, "year":…, "value":…|null, "target_met":…|null}, …]`
  nlohmann::json to_json() const;
  /// CSV with header indicator,body,year,value,target_met; values rounded to `decimals` when set.
  std::string to_csv() const;
  /// The rows whose value differs from `other`'s (a row only one table has counts as null in
  /// the other), sorted by indicator, body, year.
  IndicatorComparison compare(const IndicatorTable& other) const;

  /// Makes room for `rows` rows in all.
  void reserve(std::size_t rows);
  /// Appends one row; rows must arrive sorted by (indicator, body, year).
  void append(std::int32_t indicator, std::int32_t body, int year, double value, std::int8_t met);
  std::int32_t add_indicator(const std::string& id, int decimals);
  std::int32_t add_body(const std::string& id);

 private:
  std::vector<std::string> indicator_names_, body_names_;
  std::vector<int> decimals_;
  std::vector<std::int32_t> indicator_codes_, body_codes_, years_;
  std::vector<double> values_;
  std::vector<std::int8_t> target_met_;
};

/// Formats a value with `decimals` digits ("12.35"), or shortest round-trip when decimals < 0.
CIVICPLAN_API std::string format_value(double value, int decimals);

CIVICPLAN_API void to_json(nlohmann::json& j, const Indicator& i);

}  // namespace civicplan
