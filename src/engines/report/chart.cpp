// SPDX-License-Identifier: Apache-2.0
// The SVG charts of the reports: bars, stacked bars, lines with a target band and a dot map.
#include "civicplan/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "civicplan/error.hpp"

namespace civicplan {

namespace {

// The drawing's width in SVG units: the page scales it to its column, so a phone shows it near
// 1:1 and text stays readable.
constexpr double kWidth = 400;
constexpr double kLabelFont = 13;
constexpr double kTickFont = 11.5;
const char* const kText = "#1b1b1b";
const char* const kGrid = "#c8ccd0";
// Every colour reaches 4.5:1 against white (text and graphics alike, WCAG 1.4.3 and 1.4.11);
// each series also has its own pattern, dash and marker, so colour is never the only cue.
const char* const kColours[] = {"#1a4f8b", "#a8400c", "#2b6e3a", "#6a3d9a", "#5c5c5c", "#7a5c00"};
constexpr std::size_t kColourCount = sizeof kColours / sizeof kColours[0];
const char* const kDashes[] = {"", "7 4", "2 3", "9 3 2 3", "4 2", "1 2"};

const char* colour(std::size_t i) { return kColours[i % kColourCount]; }

std::string num(double v) {
  if (std::fabs(v) < 0.005) v = 0;
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  std::string s = text;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// The shortest text that reads back as the same double: the exact value a table cell carries.
std::string num_exact(double v) {
  char text[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, v);
    if (std::strtod(text, nullptr) == v) break;
  }
  return text;
}

std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// An estimate of a text's width (proportional sans-serif): enough to lay labels out.
double text_width(const std::string& s, double font) { return static_cast<double>(characters(s)) * font * 0.56; }

// The text cut to `max` characters, with an ellipsis.
std::string clip(const std::string& s, std::size_t max) {
  if (characters(s) <= max) return s;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++n > max - 1) break;
    out += s[i];
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

std::string text(double x, double y, const std::string& body, double font, const std::string& extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(font) + "\"" +
         (extra.empty() ? "" : " " + extra) + ">" + html_escape(body) + "</text>";
}

std::string open_svg(const std::string& id, double height, const std::string& title, const std::string& description) {
  return "<svg class=\"chart\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) + "\" role=\"img\" aria-labelledby=\"" +
         id + "-title " + id + "-desc\" font-family=\"sans-serif\" fill=\"" + kText + "\">" + "<title id=\"" + id +
         "-title\">" + html_escape(title) + "</title><desc id=\"" + id + "-desc\">" + html_escape(description) +
         "</desc>";
}

// The fill of series i in chart `id`: a colour, and from the second series on a pattern.
std::string patterns(const std::string& id, std::size_t count) {
  std::string out = "<defs>";
  for (std::size_t i = 1; i < count; ++i) {
    const std::string c = colour(i);
    const std::string pid = id + "-p" + std::to_string(i);
    out += "<pattern id=\"" + pid + "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"";
    switch ((i - 1) % 4) {
      case 0:  // diagonal hatch
        out += " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><rect width=\"3\" height=\"6\" fill=\"" + c + "\"/>";
        break;
      case 1:  // dots
        out += "><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><circle cx=\"3\" cy=\"3\" r=\"1.9\" fill=\"" + c + "\"/>";
        break;
      case 2:  // cross hatch
        out += "><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><path d=\"M0 3H6M3 0V6\" stroke=\"" + c + "\" stroke-width=\"1.6\"/>";
        break;
      default:  // horizontal lines
        out += "><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><rect width=\"6\" height=\"2.5\" fill=\"" + c + "\"/>";
        break;
    }
    out += "</pattern>";
  }
  return out + "</defs>";
}

std::string fill(const std::string& id, std::size_t i) {
  return i == 0 ? std::string(colour(0)) : "url(#" + id + "-p" + std::to_string(i) + ")";
}

// A marker of series i at (x, y): circle, square, triangle, diamond, cross, ring.
std::string marker(std::size_t i, double x, double y, const std::string& c, const std::string& tip) {
  const std::string t = tip.empty() ? "" : "<title>" + html_escape(tip) + "</title>";
  switch (i % 6) {
    case 0:
      return "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.6\" fill=\"" + c + "\">" + t + "</circle>";
    case 1:
      return "<rect x=\"" + num(x - 3.4) + "\" y=\"" + num(y - 3.4) + "\" width=\"6.8\" height=\"6.8\" fill=\"" + c + "\">" + t + "</rect>";
    case 2:
      return "<path d=\"M" + num(x) + " " + num(y - 4.4) + "L" + num(x + 4.2) + " " + num(y + 3.2) + "H" + num(x - 4.2) +
             "Z\" fill=\"" + c + "\">" + t + "</path>";
    case 3:
      return "<path d=\"M" + num(x) + " " + num(y - 4.6) + "L" + num(x + 4.2) + " " + num(y) + "L" + num(x) + " " +
             num(y + 4.6) + "L" + num(x - 4.2) + " " + num(y) + "Z\" fill=\"" + c + "\">" + t + "</path>";
    case 4:
      return "<path d=\"M" + num(x - 3.6) + " " + num(y - 3.6) + "L" + num(x + 3.6) + " " + num(y + 3.6) + "M" +
             num(x + 3.6) + " " + num(y - 3.6) + "L" + num(x - 3.6) + " " + num(y + 3.6) + "\" stroke=\"" + c +
             "\" stroke-width=\"2.2\">" + t + "</path>";
    default:
      return "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.4\" fill=\"#ffffff\" stroke=\"" + c +
             "\" stroke-width=\"2\">" + t + "</circle>";
  }
}

char thousands(Lang lang) { return lang == Lang::kItalian ? '.' : ','; }
char decimal_mark(Lang lang) { return lang == Lang::kItalian ? ',' : '.'; }

std::string group(const std::string& digits, char sep) {
  std::string out;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out += sep;
    out += digits[k];
  }
  return out;
}

// A value as a chart's tables and labels write it.
std::string value_text(double v, const Chart& c, bool exact) {
  switch (c.format) {
    case ValueFormat::kEuros:
      return format_euros(Money::from_cents(std::llround(v)), c.lang, exact);
    case ValueFormat::kPercent:
      return format_number(v * 100, std::max(0, c.decimals - 2), c.lang) + "%";
    case ValueFormat::kNumber:
      break;
  }
  return format_number(v, c.decimals, c.lang);
}

// A tick's label: euros whole, percentages and numbers with the decimals the step needs.
std::string tick_text(double v, const Chart& c, double step) {
  int decimals = 0;
  const double unit = c.format == ValueFormat::kPercent ? step * 100 : step;
  while (decimals < 6 && std::fabs(unit * std::pow(10.0, decimals) - std::round(unit * std::pow(10.0, decimals))) > 1e-9) ++decimals;
  switch (c.format) {
    case ValueFormat::kEuros:
      return format_euros(Money::from_cents(std::llround(v)), c.lang, false);
    case ValueFormat::kPercent:
      return format_number(v * 100, decimals, c.lang) + "%";
    case ValueFormat::kNumber:
      break;
  }
  return format_number(v, decimals, c.lang);
}

// True when every value is a whole number and the chart writes none with decimals: counts,
// whose axis should not tick at 0.5.
bool counts_only(const Chart& c) {
  if (c.format != ValueFormat::kNumber || c.decimals != 0) return false;
  for (const auto& s : c.series) {
    for (const auto& v : s.values) {
      if (v && *v != std::floor(*v)) return false;
    }
  }
  return true;
}

// nice_axis, with a step of at least 1 for counts.
Axis value_axis(const Chart& c, double lo, double hi, int max_ticks) {
  Axis a = nice_axis(lo, hi, max_ticks);
  if (counts_only(c) && a.step < 1) {
    a.step = 1;
    a.min = std::floor(a.min);
    a.max = std::max(std::ceil(a.max), a.min + 1);
    a.ticks.clear();
    for (double t = a.min; t <= a.max; t += 1) a.ticks.push_back(t);
  }
  return a;
}

void check(const Chart& c) {
  std::vector<Issue> issues;
  if (c.id.empty()) issues.push_back({"id", "a chart needs an id, unique in its page"});
  for (std::size_t s = 0; s < c.series.size(); ++s) {
    if (c.series[s].values.size() != c.categories.size()) {
      issues.push_back({"series[" + std::to_string(s) + "].values",
                        "expected " + std::to_string(c.categories.size()) + " values, one per category, got " +
                            std::to_string(c.series[s].values.size())});
    }
    for (std::size_t k = 0; k < c.series[s].values.size(); ++k) {
      if (c.series[s].values[k] && !std::isfinite(*c.series[s].values[k])) {
        issues.push_back({"series[" + std::to_string(s) + "].values[" + std::to_string(k) + "]", "expected a finite number"});
      }
    }
  }
  if (!issues.empty()) throw ValidationError(issues);
}

// A legend of swatches (bars) or line samples (lines), wrapped to the width; returns its height.
double legend(const Chart& c, double y, std::string& out) {
  double x = 8;
  double row = y;
  const std::size_t max_chars = static_cast<std::size_t>((kWidth - 8 - 22 - 8) / (kLabelFont * 0.56));
  auto entry = [&](const std::string& full, const std::string& sample) {
    const std::string label = clip(full, max_chars);
    const double w = 22 + text_width(label, kLabelFont) + 14;
    if (x + w > kWidth - 4 && x > 8) {
      x = 8;
      row += 18;
    }
    out += "<g transform=\"translate(" + num(x) + " " + num(row) + ")\">" + sample + text(20, 10, label, kLabelFont) + "</g>";
    x += w;
  };
  for (std::size_t s = 0; s < c.series.size(); ++s) {
    std::string sample;
    if (c.kind == Chart::Kind::kLines) {
      sample = "<path d=\"M0 6H16\" stroke=\"" + std::string(colour(s)) + "\" stroke-width=\"2\"" +
               (s % 6 ? std::string(" stroke-dasharray=\"") + kDashes[s % 6] + "\"" : "") + "/>" + marker(s, 8, 6, colour(s), "");
    } else {
      sample = "<rect width=\"14\" height=\"12\" fill=\"" + fill(c.id, s) + "\" stroke=\"" + colour(s) + "\"/>";
    }
    entry(c.series[s].label, sample);
  }
  if (c.kind == Chart::Kind::kLines && (c.band_from || c.band_to) && !c.band_label.empty()) {
    entry(c.band_label, "<rect width=\"16\" height=\"12\" fill=\"#dcefe0\" stroke=\"#2b6e3a\" stroke-dasharray=\"3 2\"/>");
  }
  return row + 18 - y;
}

std::string bars(const Chart& c) {
  double lo = 0, hi = 0;
  std::vector<double> totals(c.categories.size(), 0);
  for (const auto& s : c.series) {
    for (std::size_t k = 0; k < s.values.size(); ++k) {
      if (!s.values[k]) continue;
      if (c.kind == Chart::Kind::kStackedBars) {
        totals[k] += *s.values[k];
      } else {
        lo = std::min(lo, *s.values[k]);
        hi = std::max(hi, *s.values[k]);
      }
    }
  }
  if (c.kind == Chart::Kind::kStackedBars) {
    for (double t : totals) hi = std::max(hi, t);
  }
  const Axis axis = value_axis(c, lo, hi, 4);
  // Room on the right for the largest value label.
  double value_room = 0;
  for (const auto& s : c.series) {
    for (const auto& v : s.values) {
      if (v) value_room = std::max(value_room, text_width(value_text(*v, c, false), kTickFont));
    }
  }
  for (double t : totals) value_room = std::max(value_room, text_width(value_text(t, c, false), kTickFont));
  const double left = 8, right = kWidth - 10 - value_room;
  auto x_of = [&](double v) { return left + (v - axis.min) / (axis.max - axis.min) * (right - left); };

  std::string body;
  double y = 4;
  if (c.series.size() > 1) y += legend(c, y, body) + 4;
  const double top = y;
  const bool stacked = c.kind == Chart::Kind::kStackedBars;
  const double bar = 13, gap = 3;
  const std::size_t label_chars = static_cast<std::size_t>((kWidth - 16) / (kLabelFont * 0.56));
  for (std::size_t k = 0; k < c.categories.size(); ++k) {
    body += "<g>" + text(left, y + 12, clip(c.categories[k], label_chars), kLabelFont);
    y += 17;
    if (stacked) {
      double at = 0;
      for (std::size_t s = 0; s < c.series.size(); ++s) {
        const auto& v = c.series[s].values[k];
        if (!v || *v <= 0) continue;
        body += "<rect x=\"" + num(x_of(at)) + "\" y=\"" + num(y) + "\" width=\"" + num(x_of(at + *v) - x_of(at)) +
                "\" height=\"" + num(bar) + "\" fill=\"" + fill(c.id, s) + "\" stroke=\"" + colour(s) +
                "\" stroke-width=\"0.8\"><title>" + html_escape(c.series[s].label + ": " + value_text(*v, c, true)) +
                "</title></rect>";
        at += *v;
      }
      body += text(x_of(at) + 4, y + 10.5, value_text(totals[k], c, false), kTickFont);
      y += bar + gap;
    } else {
      for (std::size_t s = 0; s < c.series.size(); ++s) {
        const auto& v = c.series[s].values[k];
        if (v) {
          const double x0 = x_of(std::min(0.0, *v)), x1 = x_of(std::max(0.0, *v));
          body += "<rect x=\"" + num(x0) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(x1 - x0, 0.0)) + "\" height=\"" +
                  num(bar) + "\" fill=\"" + fill(c.id, s) + "\" stroke=\"" + colour(s) + "\" stroke-width=\"0.8\"><title>" +
                  html_escape(c.series[s].label + ": " + value_text(*v, c, true)) + "</title></rect>";
          body += text(x1 + 4, y + 10.5, value_text(*v, c, false), kTickFont);
        } else {
          body += text(left + 2, y + 10.5, c.lang == Lang::kItalian ? "n.d." : "n/a", kTickFont, "font-style=\"italic\"");
        }
        y += bar + (s + 1 < c.series.size() ? 1 : gap);
      }
    }
    body += "</g>";
    y += 5;
  }
  // The axis: gridlines under the bars, tick labels below.
  std::string grid;
  for (double t : axis.ticks) {
    const double x = x_of(t);
    grid += "<line x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" + num(y) + "\" stroke=\"" +
            kGrid + "\" stroke-width=\"" + (t == 0 ? "1.2" : "0.6") + "\"/>";
    const double w = text_width(tick_text(t, c, axis.step), kTickFont);
    const double tx = std::clamp(x - w / 2, 0.0, kWidth - w);
    grid += text(tx, y + 13, tick_text(t, c, axis.step), kTickFont, "fill=\"#444444\"");
  }
  return open_svg(c.id, y + 20, c.title, c.description) + patterns(c.id, c.series.size()) + grid + body + "</svg>";
}

std::string lines(const Chart& c) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : c.series) {
    for (const auto& v : s.values) {
      if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
    }
  }
  for (const auto& b : {c.band_from, c.band_to}) {
    if (b) lo = std::min(lo, *b), hi = std::max(hi, *b);
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  // Zero is always on the axis: a zoomed axis makes a change of a few thousandths look like a
  // collapse to a citizen.
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const Axis axis = value_axis(c, lo, hi, 5);
  double left = 12;
  for (double t : axis.ticks) left = std::max(left, text_width(tick_text(t, c, axis.step), kTickFont) + 10);
  const double right = kWidth - 14;
  std::string body;
  double y = 4;
  y += legend(c, y, body) + 8;
  const double top = y, height = 170, bottom = top + height;
  auto y_of = [&](double v) { return bottom - (v - axis.min) / (axis.max - axis.min) * height; };
  const std::size_t n = c.categories.size();
  auto x_of = [&](std::size_t k) {
    return n <= 1 ? (left + right) / 2 : left + 10 + static_cast<double>(k) * (right - left - 20) / static_cast<double>(n - 1);
  };
  std::string out = open_svg(c.id, bottom + 24, c.title, c.description) + body;
  if (c.band_from || c.band_to) {
    const double from = std::max(c.band_from.value_or(axis.min), axis.min);
    const double to = std::min(c.band_to.value_or(axis.max), axis.max);
    if (to > from) {
      out += "<rect x=\"" + num(left) + "\" y=\"" + num(y_of(to)) + "\" width=\"" + num(right - left) + "\" height=\"" +
             num(y_of(from) - y_of(to)) + "\" fill=\"#dcefe0\"/>";
    }
    for (const auto& b : {c.band_from, c.band_to}) {
      if (b && *b >= axis.min && *b <= axis.max) {
        out += "<line x1=\"" + num(left) + "\" y1=\"" + num(y_of(*b)) + "\" x2=\"" + num(right) + "\" y2=\"" + num(y_of(*b)) +
               "\" stroke=\"#2b6e3a\" stroke-width=\"1.2\" stroke-dasharray=\"3 2\"/>";
      }
    }
  }
  for (double t : axis.ticks) {
    out += "<line x1=\"" + num(left) + "\" y1=\"" + num(y_of(t)) + "\" x2=\"" + num(right) + "\" y2=\"" + num(y_of(t)) +
           "\" stroke=\"" + kGrid + "\" stroke-width=\"0.6\"/>";
    const std::string label = tick_text(t, c, axis.step);
    out += text(left - 6 - text_width(label, kTickFont), y_of(t) + 4, label, kTickFont, "fill=\"#444444\"");
  }
  out += "<line x1=\"" + num(left) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(right) + "\" y2=\"" + num(bottom) +
         "\" stroke=\"#6b6b6b\"/>";
  // Category labels, thinned so they never overlap.
  double last_end = -1e9;
  for (std::size_t k = 0; k < n; ++k) {
    const double w = text_width(c.categories[k], kTickFont);
    const double x = std::clamp(x_of(k) - w / 2, 0.0, kWidth - w);
    if (x < last_end + 6) continue;
    out += text(x, bottom + 15, c.categories[k], kTickFont, "fill=\"#444444\"");
    last_end = x + w;
  }
  // The series in reverse order, so the first (the body the page is about) is drawn on top.
  for (std::size_t s = c.series.size(); s-- > 0;) {
    const std::string col = colour(s);
    const bool strong = c.emphasis && *c.emphasis == s;
    std::string d;
    bool pen = false;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& v = c.series[s].values[k];
      if (!v) {
        pen = false;
        continue;
      }
      d += (pen ? "L" : "M") + num(x_of(k)) + " " + num(y_of(*v));
      pen = true;
    }
    if (!d.empty()) {
      out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + col + "\" stroke-width=\"" + (strong ? "3" : "2") + "\"" +
             (s % 6 ? std::string(" stroke-dasharray=\"") + kDashes[s % 6] + "\"" : "") + "/>";
    }
    for (std::size_t k = 0; k < n; ++k) {
      const auto& v = c.series[s].values[k];
      if (!v) continue;
      out += marker(s, x_of(k), y_of(*v), col, c.series[s].label + ", " + c.categories[k] + ": " + value_text(*v, c, true));
      if (strong) {
        const std::string label = value_text(*v, c, false);
        const double w = text_width(label, kTickFont);
        out += text(std::clamp(x_of(k) - w / 2, 0.0, kWidth - w), y_of(*v) - 8, label, kTickFont, "font-weight=\"bold\"");
      }
    }
  }
  return out + "</svg>";
}

std::string cell(const std::optional<double>& v, const Chart& c) {
  if (!v) return std::string("<td class=\"num\">") + (c.lang == Lang::kItalian ? "n.d." : "n/a") + "</td>";
  return "<td class=\"num\" data-value=\"" + num_exact(*v) + "\">" + html_escape(value_text(*v, c, true)) + "</td>";
}


// The points of a map in the projection's units (x east, y south), and its scale in SVG units
// per kilometre.
struct Projection {
  double lat0 = 0, lon0 = 0, kx = 1, scale = 1, x0 = 0, y0 = 0;
  double x(const Location& l) const { return x0 + (l.lon - lon0) * kx * scale; }
  double y(const Location& l) const { return y0 - (l.lat - lat0) * scale; }
};

constexpr double kKmPerDegree = 111.32;

}  // namespace

std::optional<Lang> lang_from_string(const std::string& text) {
  if (text == "it") return Lang::kItalian;
  if (text == "en") return Lang::kEnglish;
  return std::nullopt;
}

const char* to_string(Lang lang) { return lang == Lang::kItalian ? "it" : "en"; }

std::string format_number(double value, int decimals, Lang lang) {
  if (!std::isfinite(value)) return std::isnan(value) ? "n/a" : (value > 0 ? "∞" : "-∞");
  decimals = std::clamp(decimals, 0, 12);
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  const bool negative = s[0] == '-';
  if (negative) s.erase(0, 1);
  const std::size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  const bool zero = s.find_first_not_of("0.") == std::string::npos;
  return std::string(negative && !zero ? "-" : "") + group(whole, thousands(lang)) +
         (frac.empty() ? "" : std::string(1, decimal_mark(lang)) + frac);
}

std::string format_euros(Money amount, Lang lang, bool cents) {
  const std::int64_t c = amount.cents();
  std::uint64_t abs = c < 0 ? ~static_cast<std::uint64_t>(c) + 1 : static_cast<std::uint64_t>(c);
  std::uint64_t whole = abs / 100, frac = abs % 100;
  if (!cents && frac >= 50) ++whole;
  std::string out = c < 0 && (cents ? abs > 0 : whole > 0) ? "-" : "";
  out += lang == Lang::kItalian ? "€ " : "€";
  out += group(std::to_string(whole), thousands(lang));
  if (cents) {
    out += decimal_mark(lang);
    out += static_cast<char>('0' + frac / 10);
    out += static_cast<char>('0' + frac % 10);
  }
  return out;
}

Axis nice_axis(double lo, double hi, int max_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  max_ticks = std::max(max_ticks, 1);
  if (lo == hi) {
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.5;
    lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
    hi = hi + pad;
  }
  // Include zero when the range starts at it or crosses it.
  const double raw = (hi - lo) / max_ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power * 10;
  for (double m : {1.0, 2.0, 5.0}) {
    if (power * m >= raw * (1 - 1e-12)) {
      step = power * m;
      break;
    }
  }
  Axis a;
  a.step = step;
  a.min = std::floor(lo / step + 1e-9) * step;
  a.max = std::ceil(hi / step - 1e-9) * step;
  if (a.max <= a.min) a.max = a.min + step;
  for (double t = a.min; t <= a.max + step * 1e-6; t += step) {
    a.ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  }
  return a;
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_svg(const Chart& chart) {
  check(chart);
  return chart.kind == Chart::Kind::kLines ? lines(chart) : bars(chart);
}

std::string render_table(const Chart& chart) {
  check(chart);
  std::string out = "<table class=\"data\" id=\"" + chart.id + "-table\"><caption>" + html_escape(chart.title) +
                    "</caption><thead><tr><th scope=\"col\"></th>";
  for (const auto& s : chart.series) out += "<th scope=\"col\">" + html_escape(s.label) + "</th>";
  out += "</tr></thead><tbody>";
  for (std::size_t k = 0; k < chart.categories.size(); ++k) {
    out += "<tr><th scope=\"row\">" + html_escape(chart.categories[k]) + "</th>";
    for (const auto& s : chart.series) out += cell(s.values[k], chart);
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string render_svg(const DotMap& map) {
  if (map.id.empty()) throw ValidationError(std::vector<Issue>{{"id", "a map needs an id, unique in its page"}});
  const double height = 300, margin = 18, legend_height = 22;
  std::string out = open_svg(map.id, height, map.title, map.description);
  out += "<rect x=\"0.5\" y=\"0.5\" width=\"" + num(kWidth - 1) + "\" height=\"" + num(height - 1) +
         "\" fill=\"#f3f5f7\" stroke=\"#9aa3ab\"/>";
  if (map.points.empty()) {
    return out + text(kWidth / 2 - 80, height / 2, map.lang == Lang::kItalian ? "Nessun punto da mostrare" : "No point to show",
                      kLabelFont) + "</svg>";
  }
  // The legend along the top.
  double lx = 10;
  for (std::size_t g = 0; g < map.groups.size(); ++g) {
    out += marker(g, lx + 5, 13, colour(g), "") + text(lx + 13, 17, map.groups[g], kTickFont);
    lx += 26 + text_width(map.groups[g], kTickFont);
  }
  double lat_min = 90, lat_max = -90, lon_min = 180, lon_max = -180;
  std::vector<MapPoint> extent = map.points;
  extent.insert(extent.end(), map.landmarks.begin(), map.landmarks.end());
  for (const auto& p : extent) {
    lat_min = std::min(lat_min, p.location.lat), lat_max = std::max(lat_max, p.location.lat);
    lon_min = std::min(lon_min, p.location.lon), lon_max = std::max(lon_max, p.location.lon);
  }
  Projection proj;
  proj.lat0 = (lat_min + lat_max) / 2;
  proj.lon0 = (lon_min + lon_max) / 2;
  proj.kx = std::cos(proj.lat0 * 3.14159265358979323846 / 180);
  const double span_x = std::max((lon_max - lon_min) * proj.kx, 0.004);
  const double span_y = std::max(lat_max - lat_min, 0.004);
  const double top = legend_height + margin, bottom = height - margin - 22;
  proj.scale = std::min((kWidth - 2 * margin) / span_x, (bottom - top) / span_y);
  proj.x0 = kWidth / 2;
  proj.y0 = (top + bottom) / 2;
  for (const auto& l : map.landmarks) {
    const double x = proj.x(l.location), y = proj.y(l.location);
    const double w = text_width(l.label, 10.5);
    const bool right_side = x + 6 + w < kWidth - 4;
    out += "<rect x=\"" + num(x - 2.5) + "\" y=\"" + num(y - 2.5) + "\" width=\"5\" height=\"5\" fill=\"#ffffff\" stroke=\"#5c5c5c\"/>" +
           text(right_side ? x + 6 : x - 6 - w, y + 4, l.label, 10.5, "fill=\"#4a4f55\" font-style=\"italic\"");
  }
  const bool numbered = map.points.size() <= 60;
  for (std::size_t i = 0; i < map.points.size(); ++i) {
    const auto& p = map.points[i];
    const std::size_t g = static_cast<std::size_t>(
        std::find(map.groups.begin(), map.groups.end(), p.group) - map.groups.begin());
    const double x = proj.x(p.location), y = proj.y(p.location);
    out += marker(g, x, y, colour(g), std::to_string(i + 1) + ". " + p.label + " (" + p.group + ")");
    if (numbered) out += text(x + 5, y - 4, std::to_string(i + 1), 9.5, "fill=\"#1b1b1b\"");
  }
  // A scale bar of a round number of kilometres, about a quarter of the width.
  const double per_km = proj.scale / kKmPerDegree;
  const Axis km = nice_axis(0, (kWidth / 4) / per_km, 1);
  const double length_km = km.step, length = length_km * per_km;
  const double sx = 12, sy = height - 14;
  out += "<path d=\"M" + num(sx) + " " + num(sy - 5) + "V" + num(sy) + "H" + num(sx + length) + "V" + num(sy - 5) +
         "\" fill=\"none\" stroke=\"#1b1b1b\" stroke-width=\"1.5\"/>";
  const std::string label = (length_km < 1 ? format_number(length_km * 1000, 0, map.lang) + " m"
                                           : format_number(length_km, length_km < 10 && length_km != std::floor(length_km) ? 1 : 0, map.lang) + " km");
  out += text(sx + length + 6, sy, label, kTickFont);
  // North.
  out += "<path d=\"M" + num(kWidth - 20) + " " + num(height - 32) + "l6 16l-6 -4l-6 4z\" fill=\"#1b1b1b\"/>" +
         text(kWidth - 24, height - 8, "N", kTickFont, "font-weight=\"bold\"");
  return out + "</svg>";
}

std::string render_table(const DotMap& map) {
  const bool it = map.lang == Lang::kItalian;
  std::string out = "<table class=\"data\" id=\"" + map.id + "-table\"><caption>" + html_escape(map.title) +
                    "</caption><thead><tr><th scope=\"col\">n.</th><th scope=\"col\">" + (it ? "Nome" : "Name") +
                    "</th><th scope=\"col\">" + (it ? "Tipo" : "Kind") + "</th><th scope=\"col\">" +
                    (it ? "Latitudine" : "Latitude") + "</th><th scope=\"col\">" + (it ? "Longitudine" : "Longitude") +
                    "</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < map.points.size(); ++i) {
    const auto& p = map.points[i];
    out += "<tr><td class=\"num\">" + std::to_string(i + 1) + "</td><th scope=\"row\">" + html_escape(p.label) +
           "</th><td>" + html_escape(p.group) + "</td><td class=\"num\" data-value=\"" + num_exact(p.location.lat) +
           "\">" + format_number(p.location.lat, 5, map.lang) + "</td><td class=\"num\" data-value=\"" +
           num_exact(p.location.lon) + "\">" + format_number(p.location.lon, 5, map.lang) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace civicplan
