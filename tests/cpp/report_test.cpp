// SPDX-License-Identifier: Apache-2.0
// Charts (nice axes, Italian numbers, accessible SVG) and the HTML report (DESIGN §18).
#include <cmath>

#include "civicplan/chart.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

namespace civicplan {
namespace {

Workspace family_and_zone() {
  Workspace ws;
  ws.import_file(test::source_path("examples/data/family.json").string());
  ws.import_file(test::source_path("examples/data/zone.json").string());
  return ws;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

Chart two_series() {
  Chart c;
  c.id = "c1";
  c.title = "Spesa per fonte";
  c.description = "Programmata e rendicontata";
  c.categories = {"regional", "municipal"};
  c.series = {{"programmata", {65050000.0, 46050000.0}}, {"rendicontata", {61333469.0, std::nullopt}}};
  c.format = ValueFormat::kEuros;
  return c;
}

}  // namespace

TEST_CASE("numbers and euros are written as the language writes them", "[report][chart]") {
  CHECK(format_number(1234.5, 1, Lang::kItalian) == "1.234,5");
  CHECK(format_number(1234.5, 1, Lang::kEnglish) == "1,234.5");
  CHECK(format_number(1234567.891, 2, Lang::kItalian) == "1.234.567,89");
  CHECK(format_number(-0.0001, 2, Lang::kItalian) == "0,00");
  CHECK(format_number(-12.6, 0, Lang::kItalian) == "-13");
  CHECK(format_number(999.9996, 3, Lang::kItalian) == "1.000,000");
  CHECK(format_euros(Money::from_cents(123456), Lang::kItalian) == "€ 1.234,56");
  CHECK(format_euros(Money::from_cents(123456), Lang::kEnglish) == "€1,234.56");
  CHECK(format_euros(Money::from_cents(-5), Lang::kItalian) == "-€ 0,05");
  CHECK(format_euros(Money::from_cents(-5), Lang::kItalian, false) == "€ 0");
  CHECK(format_euros(Money::from_cents(155100050), Lang::kItalian, false) == "€ 1.551.001");
  CHECK(format_euros(Money::from_cents(INT64_MIN), Lang::kItalian) == "-€ 92.233.720.368.547.758,08");
  CHECK(lang_from_string("en") == Lang::kEnglish);
  CHECK_FALSE(lang_from_string("fr"));
}

TEST_CASE("axes have ticks at 1, 2 or 5 times a power of ten", "[report][chart]") {
  const Axis a = nice_axis(0, 14.31);
  CHECK(a.min == 0);
  CHECK(a.step == 5);
  CHECK(a.ticks == std::vector<double>{0, 5, 10, 15});
  const Axis money = nice_axis(0, 155100000, 4);
  CHECK(money.step == 50000000);
  CHECK(money.max == 200000000);
  const Axis narrow = nice_axis(0.42, 0.47);
  CHECK(narrow.step == Approx(0.01));
  CHECK(narrow.min == Approx(0.42));
  CHECK(narrow.max == Approx(0.47));
  const Axis flat = nice_axis(7, 7);
  CHECK(flat.min <= 7);
  CHECK(flat.max > 7);
  for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{{0, 1}, {-3, 17}, {0.001, 0.0093}, {12, 4e9}, {5, 5}}) {
    const Axis x = nice_axis(lo, hi);
    INFO(lo << " .. " << hi);
    CHECK(x.min <= std::min(lo, hi) + 1e-12);
    CHECK(x.max >= std::max(lo, hi) - 1e-12);
    CHECK(x.ticks.size() >= 2);
    CHECK(x.ticks.size() <= 7);
    const double mantissa = x.step / std::pow(10.0, std::floor(std::log10(x.step)));
    CHECK((std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 || std::fabs(mantissa - 5) < 1e-9));
  }
}

TEST_CASE("a chart is SVG with a title, a description and its numbers as a table", "[report][chart]") {
  const Chart c = two_series();
  const std::string svg = render_svg(c);
  CHECK_THAT(svg, Catch::StartsWith("<svg class=\"chart\" viewBox=\"0 0 400 "));
  CHECK_THAT(svg, Catch::Contains("role=\"img\" aria-labelledby=\"c1-title c1-desc\""));
  CHECK_THAT(svg, Catch::Contains("<title id=\"c1-title\">Spesa per fonte</title>"));
  CHECK_THAT(svg, Catch::Contains("<desc id=\"c1-desc\">Programmata e rendicontata</desc>"));
  CHECK_THAT(svg, Catch::Contains("url(#c1-p1)"));            // the second series has a pattern, not only a colour
  CHECK_THAT(svg, Catch::Contains("€ 650.500"));              // value labels in whole euros
  CHECK_THAT(svg, Catch::Contains("n.d."));                   // a gap says so
  CHECK(svg.find("http") == std::string::npos);
  const std::string table = render_table(c);
  CHECK_THAT(table, Catch::Contains("<caption>Spesa per fonte</caption>"));
  CHECK_THAT(table, Catch::Contains("<td class=\"num\" data-value=\"65050000\">€ 650.500,00</td>"));
  CHECK_THAT(table, Catch::Contains("<td class=\"num\" data-value=\"61333469\">€ 613.334,69</td>"));

  Chart bad = c;
  bad.series[1].values.pop_back();
  try {
    (void)render_svg(bad);
    FAIL("expected ValidationError");
  } catch (const ValidationError& e) {
    REQUIRE(e.issues().size() == 1);
    CHECK(e.issues()[0].path == "series[1].values");
    CHECK(e.issues()[0].message == "expected 2 values, one per category, got 1");
  }
  bad = c;
  bad.series[0].values[0] = std::nan("");
  CHECK_THROWS_AS(render_table(bad), ValidationError);
}

TEST_CASE("a chart of counts ticks at whole numbers", "[report][chart]") {
  Chart c;
  c.id = "r";
  c.title = "Valutazioni";
  c.description = "Una valutazione da 4";
  c.categories = {"5", "4", "3"};
  c.series = {{"valutazioni", {0.0, 1.0, 0.0}}};
  const std::string svg = render_svg(c);
  CHECK_THAT(svg, Catch::Contains(">1</text>"));
  CHECK(svg.find(">0,5</text>") == std::string::npos);
}

TEST_CASE("a line chart draws its target band and tells series apart without colour", "[report][chart]") {
  Chart c;
  c.kind = Chart::Kind::kLines;
  c.id = "l";
  c.title = "Spesa per abitante";
  c.description = "d";
  c.categories = {"2020", "2021", "2022"};
  c.series = {{"Levico Terme (comune)", {4.2, std::nullopt, 6.1}}, {"Trentino (provincia)", {5.0, 5.5, 5.9}}};
  c.band_from = 5;
  c.band_label = "obiettivo >= 5";
  c.decimals = 2;
  c.emphasis = 0;
  const std::string svg = render_svg(c);
  CHECK_THAT(svg, Catch::Contains("fill=\"#dcefe0\""));           // the band
  CHECK_THAT(svg, Catch::Contains("obiettivo &gt;= 5"));           // named in the legend
  CHECK_THAT(svg, Catch::Contains("stroke-dasharray=\"7 4\""));    // the second line is dashed
  CHECK_THAT(svg, Catch::Contains("<rect x=\""));                  // and has square markers
  CHECK_THAT(svg, Catch::Contains(">6,10</text>"));                // the body's values are labelled
  // The gap of 2021 breaks the body's line: two moves, no line through the missing year.
  const auto line_end = svg.find("\" fill=\"none\" stroke=\"#1a4f8b\" stroke-width=\"3\"");
  REQUIRE(line_end != std::string::npos);
  const auto first = svg.rfind("<path d=\"", line_end);
  const std::string d = svg.substr(first + 9, line_end - first - 9);
  CHECK(count(d, "M") == 2);
  CHECK(count(d, "L") == 0);
}

TEST_CASE("a dot map projects the points, with a scale bar and its points as a table", "[report][chart]") {
  DotMap m;
  m.id = "m";
  m.title = "Luoghi";
  m.description = "Due luoghi";
  m.groups = {"luogo"};
  m.points = {{"Biblioteca", "luogo", {46.0702, 11.1210}}, {"Parco", "luogo", {46.0103, 11.3012}}};
  const std::string svg = render_svg(m);
  CHECK_THAT(svg, Catch::Contains("<title id=\"m-title\">Luoghi</title>"));
  CHECK_THAT(svg, Catch::Contains(" km</text>"));
  CHECK_THAT(svg, Catch::Contains(">N</text>"));
  const std::string table = render_table(m);
  CHECK_THAT(table, Catch::Contains("<th scope=\"row\">Parco</th><td>luogo</td><td class=\"num\" data-value=\"46.0103\">46,01030</td>"));
  DotMap towns = m;
  towns.landmarks = {{"Levico Terme", "", {46.0103, 11.3012}}};
  CHECK_THAT(render_svg(towns), Catch::Contains("font-style=\"italic\">Levico Terme</text>"));
  CHECK(render_table(towns) == table);  // context, not data: the table lists the points only
  DotMap empty = m;
  empty.points.clear();
  CHECK_THAT(render_svg(empty), Catch::Contains("Nessun punto da mostrare"));
}

TEST_CASE("the report of a municipality is one self-contained page", "[report]") {
  const Workspace ws = family_and_zone();
  const std::string html = ws.report("022104", 2022);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>\n<html lang=\"it\">"));
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  // Every chart has a title and a description; every chart and map a table.
  const std::size_t charts = count(html, "<svg ");
  CHECK(charts >= 6);
  CHECK(count(html, "-title\">") == charts);
  CHECK(count(html, "-desc\">") == charts);
  CHECK(count(html, "<table class=\"data\"") == charts);
  CHECK_THAT(html, Catch::Contains("<h1>Levico Terme</h1>"));
  CHECK_THAT(html, Catch::Contains("Delibera"));  // the approval act
  CHECK_THAT(html, Catch::Contains("id=\"map\""));
  CHECK_THAT(html, Catch::Contains("Family in Trentino"));
  CHECK(html == ws.report("022104", 2022));  // deterministic
  const std::string en = ws.report("022104", 2022, "en");
  CHECK_THAT(en, Catch::Contains("<html lang=\"en\">"));
  CHECK_THAT(en, Catch::Contains("Funding by source"));
  CHECK_THAT(en, Catch::Contains("<h1>Levico Terme</h1>"));  // the data's labels stay as they are
}

TEST_CASE("the report of a district compares it with its region and lists its plans", "[report]") {
  const Workspace ws = family_and_zone();
  const std::string html = ws.report("dist-pianura-est", 2019);
  CHECK_THAT(html, Catch::Contains("pda-pianura-est-2019"));
  CHECK_THAT(html, Catch::Contains("Accordo di programma"));
  CHECK_THAT(html, Catch::Contains("(regione)"));                // the region's line beside the district's
  CHECK_THAT(html, Catch::Contains("Per quest&#39;anno vale il suo piano attuativo"));  // the 2019 slice replaced by its implementation plan
  CHECK_THAT(html, Catch::Contains("id=\"members\""));
  const std::string province = ws.report("pat", 2022);
  CHECK_THAT(province, Catch::Contains("Il confronto tra i membri"));
  CHECK_THAT(province, Catch::Contains("chart-rank-1"));
}

TEST_CASE("report refuses an unknown body, language or year, saying which", "[report]") {
  const Workspace ws = family_and_zone();
  try {
    (void)ws.report("022105", 2022);
    FAIL("expected NotFoundError");
  } catch (const NotFoundError& e) {
    CHECK(e.kind() == "body");
    CHECK_THAT(e.what(), Catch::Contains("did you mean \"022104\"") || Catch::Contains("did you mean \"022205\""));
  }
  try {
    (void)ws.report("022104", 2022, "fr");
    FAIL("expected ValidationError");
  } catch (const ValidationError& e) {
    CHECK(e.issues()[0].path == "lang");
    CHECK(e.issues()[0].message == "expected \"it\" or \"en\", got \"fr\"");
  }
  CHECK_THROWS_AS(ws.report("022104", 3022), ValidationError);
  // A body without plans, statistics or places still gets a page that says so.
  const std::string empty = ws.report("agenzia-famiglia-tn", 2022);
  CHECK_THAT(empty, Catch::Contains("Nessun piano copre quest&#39;anno."));
  CHECK(count(empty, "<svg ") == count(empty, "-desc\">"));
}

}  // namespace civicplan
