// SPDX-License-Identifier: Apache-2.0
// Tests of the statistics CSV reader: header order, quoting, line endings and error lines.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "test_support.hpp"

using namespace civicplan;
using civicplan::test::check_issue;
using civicplan::test::describe;
using civicplan::test::issues_of;

TEST_CASE("read_statistics_csv reads rows in file order", "[csv]") {
  const auto rows = read_statistics_csv(
      "body,year,variable,value\n"
      "m-arco,2022,population,18011\n"
      "m-riva,2021,births,140.5\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == Statistic{"population", "m-arco", 2022, 18011});
  CHECK(rows[1] == Statistic{"births", "m-riva", 2021, 140.5});
}

TEST_CASE("read_statistics_csv accepts the columns in any order", "[csv]") {
  const auto rows = read_statistics_csv(
      "value,variable,body,year\n"
      "18011,population,m-arco,2022\n");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == Statistic{"population", "m-arco", 2022, 18011});
}

TEST_CASE("read_statistics_csv understands RFC 4180 quoting", "[csv]") {
  const auto rows = read_statistics_csv(
      "\"body\",\"year\",\"variable\",\"value\"\n"
      "\"Arco, TN\",2022,\"families with \"\"3+\"\" children\",\"120\"\n"
      "m-riva,\"2022\",population,17600\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].body == "Arco, TN");
  CHECK(rows[0].variable == "families with \"3+\" children");
  CHECK(rows[0].value == 120);
  CHECK(rows[0].year == 2022);
  CHECK(rows[1] == Statistic{"population", "m-riva", 2022, 17600});
}

TEST_CASE("read_statistics_csv accepts CRLF line endings and no final newline", "[csv]") {
  const auto rows = read_statistics_csv(
      "body,year,variable,value\r\n"
      "m-arco,2022,population,18011\r\n"
      "m-dro,2022,population,5120");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == Statistic{"population", "m-arco", 2022, 18011});
  CHECK(rows[1] == Statistic{"population", "m-dro", 2022, 5120});
}

TEST_CASE("read_statistics_csv reads the shared fixture", "[csv]") {
  const auto rows = read_statistics_csv(
      civicplan::test::read_text(civicplan::test::source_path("tests/cases/small_statistics.csv")),
      "small_statistics.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == Statistic{"families", "m-arco", 2022, 7400});
  CHECK(rows[1] == Statistic{"families", "m-riva", 2022, 7100.5});
  CHECK(rows[2] == Statistic{"families", "m-dro", 2022, 2050});
}

TEST_CASE("A header with no rows yields no statistics", "[csv]") {
  CHECK(read_statistics_csv("body,year,variable,value\n").empty());
}

TEST_CASE("A bad year is reported at its line, the header being line 1", "[csv]") {
  const auto issues = issues_of([] {
    read_statistics_csv(
        "body,year,variable,value\n"
        "m-arco,2022,population,18011\n"
        "m-riva,20x2,population,17600\n",
        "stats.csv");
  });
  check_issue(issues, "stats.csv:3", "20x2");
  CHECK(issues.size() == 1);
}

TEST_CASE("A bad number is reported at its line", "[csv]") {
  const auto issues = issues_of([] {
    read_statistics_csv(
        "body,year,variable,value\n"
        "m-arco,2022,population,18011\n"
        "m-riva,2022,population,17600\n"
        "m-dro,2022,population,abc\n",
        "stats.csv");
  });
  check_issue(issues, "stats.csv:4", "abc");
  CHECK(issues.size() == 1);
}

TEST_CASE("A decimal comma is not a number", "[csv]") {
  const auto issues = issues_of([] {
    read_statistics_csv("body,year,variable,value\nm-arco,2022,births,\"140,5\"\n", "stats.csv");
  });
  check_issue(issues, "stats.csv:2", "140,5");
}

TEST_CASE("A missing column is reported on the header line", "[csv]") {
  const auto issues = issues_of([] {
    read_statistics_csv(
        "body,variable,value\n"
        "m-arco,population,18011\n",
        "stats.csv");
  });
  check_issue(issues, "stats.csv:1", "year");
}

TEST_CASE("A row with the wrong number of columns is reported at its line", "[csv]") {
  const auto issues = issues_of([] {
    read_statistics_csv(
        "body,year,variable,value\n"
        "m-arco,2022,population,18011\n"
        "m-riva,2022,population\n"
        "m-dro,2022,population,5120,extra\n",
        "stats.csv");
  });
  INFO(describe(issues));
  CHECK(civicplan::test::has_issue(issues, "stats.csv:3", ""));
  CHECK(civicplan::test::has_issue(issues, "stats.csv:4", ""));
  CHECK(issues.size() == 2);
}

TEST_CASE("Every CSV error is reported at once", "[csv]") {
  const auto issues = issues_of([] {
    read_statistics_csv(
        "body,year,variable,value\r\n"
        "m-arco,2022,population,18011\r\n"
        "m-riva,year,population,17600\r\n"
        "m-nago,2022,population,2900\r\n"
        "m-dro,2022,population,lots\r\n"
        "m-tenno,2022\r\n",
        "stats.csv");
  });
  check_issue(issues, "stats.csv:3", "year");
  check_issue(issues, "stats.csv:5", "lots");
  check_issue(issues, "stats.csv:6", "");
  CHECK(issues.size() == 3);
}

TEST_CASE("The default CSV source name is <csv>", "[csv]") {
  const auto issues = issues_of([] { read_statistics_csv("body,year,variable,value\nm,x,v,1\n"); });
  check_issue(issues, "<csv>:2", "x");
}
