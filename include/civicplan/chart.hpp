// SPDX-License-Identifier: Apache-2.0
// Charts as data: bars, stacked bars, lines with a target band and a dot map, drawn as inline
// SVG with a title, a description and their numbers as a table (DESIGN §18).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "civicplan/export.hpp"
#include "civicplan/money.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

/// The language of a page's own words and of its numbers: Italian writes 1.234,5 and € 1.234,56,
/// English 1,234.5 and €1,234.56. The data's own labels are never translated.
enum class Lang { kItalian, kEnglish };

/// "it" or "en"; nullopt for anything else.
CIVICPLAN_API std::optional<Lang> lang_from_string(const std::string& text);
/// "it" or "en".
CIVICPLAN_API const char* to_string(Lang lang);

/// A number as the language writes it, rounded to `decimals` digits: 1234.5 → "1.234,5" (it),
/// "1,234.5" (en). Never "-0".
CIVICPLAN_API std::string format_number(double value, int decimals, Lang lang);
/// An amount of money: "€ 1.234,56" (it), "€1,234.56" (en); without cents when `cents` is false
/// (rounded to the euro).
CIVICPLAN_API std::string format_euros(Money amount, Lang lang, bool cents = true);

/// An axis whose ticks are 1, 2 or 5 times a power of ten and cover [lo, hi].
/// `min` and `max` are the first and last tick; pass 0 as `lo` to start at zero.
struct Axis {
  double min = 0;
  double max = 1;
  double step = 1;
  std::vector<double> ticks;
};
/// At most `max_ticks` + 1 ticks, at least two. A range of one value gets a unit around it.
CIVICPLAN_API Axis nice_axis(double lo, double hi, int max_ticks = 5);

/// How a chart writes its values.
enum class ValueFormat {
  kNumber,   ///< format_number with the chart's decimals
  kEuros,    ///< values are cents: the tables write them exactly, the axis in whole euros
  kPercent,  ///< values are fractions (0.25 → "25%")
};

/// One series of a chart: a value (or a gap) per category.
struct ChartSeries {
  std::string label;
  std::vector<std::optional<double>> values;
};

/// What a chart shows. The id must be unique in its page: the SVG's <title>, <desc> and
/// patterns are named after it.
struct Chart {
  enum class Kind {
    kBars,         ///< horizontal bars, the series side by side within each category
    kStackedBars,  ///< horizontal bars, the series stacked within each category
    kLines,        ///< one line per series over the categories (years), with an optional target band
  };
  Kind kind = Kind::kBars;
  std::string id;
  std::string title;
  std::string description;
  std::vector<std::string> categories;
  std::vector<ChartSeries> series;
  ValueFormat format = ValueFormat::kNumber;
  int decimals = 0;
  /// Lines only: the values that meet a target, drawn as a band (either end may be open).
  std::optional<double> band_from;
  std::optional<double> band_to;
  std::string band_label;
  /// Lines only: the series drawn heavier, whose values are labelled (the body the page is about).
  std::optional<std::size_t> emphasis;
  Lang lang = Lang::kItalian;
};

/// A point of a dot map: what it is, the group it belongs to (a legend entry) and where.
struct MapPoint {
  std::string label;
  std::string group;
  Location location;
};

/// Points on a map without tiles: an equirectangular projection centred on the points, with a
/// scale bar and a north arrow. Each group has its own shape and colour.
struct DotMap {
  std::string id;
  std::string title;
  std::string description;
  std::vector<std::string> groups;  ///< legend order; every point's group is one of them
  std::vector<MapPoint> points;
  /// Context drawn under the points and named on the map (the towns), not numbered and not in
  /// the table; they widen the map's extent only when there are points.
  std::vector<MapPoint> landmarks;
  Lang lang = Lang::kItalian;
};

/// The chart as an <svg> element (no namespace URL, no script, no external reference): role
/// "img", labelled by its <title> and described by its <desc>. Throws ValidationError when a
/// series does not have one value per category or the id is empty.
CIVICPLAN_API std::string render_svg(const Chart& chart);
/// The chart's numbers as a <table> captioned with its title: a row per category, a column per
/// series; each cell carries its exact value in `data-value`.
CIVICPLAN_API std::string render_table(const Chart& chart);
/// The map as an <svg> element; no points gives a frame that says so.
CIVICPLAN_API std::string render_svg(const DotMap& map);
/// The map's points as a <table>: number, label, group, latitude, longitude.
CIVICPLAN_API std::string render_table(const DotMap& map);
/// Text made safe for HTML and SVG: & < > " ' escaped.
CIVICPLAN_API std::string html_escape(const std::string& text);

}  // namespace civicplan
