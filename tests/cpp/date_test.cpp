// SPDX-License-Identifier: Apache-2.0
// Tests of calendar dates and year ranges.
#include <string>

#include <catch2/catch.hpp>

#include "civicplan/date.hpp"

using namespace civicplan;

TEST_CASE("Date::parse reads ISO dates", "[date]") {
  auto d = Date::parse("2022-03-15");
  REQUIRE(d.has_value());
  CHECK(d->year == 2022);
  CHECK(d->month == 3);
  CHECK(d->day == 15);
  CHECK(Date::parse("1999-12-31") == Date{1999, 12, 31});
  CHECK(Date::parse("2021-01-01") == Date{2021, 1, 1});
}

TEST_CASE("Leap years follow the Gregorian rules", "[date]") {
  CHECK(Date::parse("2020-02-29").has_value());
  CHECK_FALSE(Date::parse("2021-02-29").has_value());
  CHECK(Date::parse("2000-02-29").has_value());
  CHECK_FALSE(Date::parse("1900-02-29").has_value());
  CHECK_FALSE(Date::parse("2100-02-29").has_value());
  CHECK(Date::parse("2024-02-29").has_value());

  CHECK(Date::valid(2020, 2, 29));
  CHECK_FALSE(Date::valid(2021, 2, 29));
  CHECK(Date::valid(2021, 2, 28));
  CHECK_FALSE(Date::valid(2000, 2, 30));
}

TEST_CASE("Impossible days and months are rejected", "[date]") {
  CHECK_FALSE(Date::parse("2021-02-30").has_value());
  CHECK_FALSE(Date::parse("2021-04-31").has_value());
  CHECK(Date::parse("2021-05-31").has_value());
  CHECK_FALSE(Date::parse("2021-13-01").has_value());
  CHECK_FALSE(Date::parse("2021-00-10").has_value());
  CHECK_FALSE(Date::parse("2021-01-00").has_value());
  CHECK_FALSE(Date::parse("2021-01-32").has_value());

  CHECK_FALSE(Date::valid(2021, 0, 1));
  CHECK_FALSE(Date::valid(2021, 13, 1));
  CHECK_FALSE(Date::valid(2021, 6, 31));
  CHECK_FALSE(Date::valid(2021, 6, 0));
  CHECK(Date::valid(2021, 12, 31));
}

TEST_CASE("Malformed date strings are rejected", "[date]") {
  for (const char* text :
       {"", "2021", "2021-04", "2021-4-01", "2021-04-1", "21-04-01", "2021/04/01",
        "2021-04-01T00:00", " 2021-04-01", "2021-04-01 ", "abcd-ef-gh", "2021-04-01x",
        "+2021-04-01", "2021-0a-01", "20210401", "01-04-2021"}) {
    INFO("text: \"" << text << "\"");
    CHECK_FALSE(Date::parse(text).has_value());
  }
}

TEST_CASE("Date::to_string pads to YYYY-MM-DD", "[date]") {
  CHECK((Date{2021, 3, 5}).to_string() == "2021-03-05");
  CHECK((Date{1999, 12, 31}).to_string() == "1999-12-31");
  CHECK(Date::parse("2020-02-29")->to_string() == "2020-02-29");
}

TEST_CASE("Dates order chronologically", "[date]") {
  const Date a{2021, 12, 31};
  const Date b{2022, 1, 1};
  const Date c{2022, 1, 2};
  const Date d{2022, 2, 1};
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK_FALSE(b < a);
  CHECK_FALSE(b < b);
  CHECK(b <= b);
  CHECK(a <= d);
  CHECK_FALSE(d <= a);
  CHECK(b == Date{2022, 1, 1});
  CHECK(b != c);
}

TEST_CASE("Date::days counts from 1970-01-01", "[date]") {
  CHECK((Date{1970, 1, 1}).days() == 0);
  CHECK((Date{1970, 1, 2}).days() == 1);
  CHECK((Date{1969, 12, 31}).days() == -1);
  CHECK((Date{2000, 1, 1}).days() == 10957);
  CHECK((Date{2000, 3, 1}).days() == 11017);
  CHECK((Date{2021, 3, 1}).days() - (Date{2021, 2, 28}).days() == 1);
  CHECK((Date{2020, 3, 1}).days() - (Date{2020, 2, 28}).days() == 2);
  CHECK((Date{2023, 1, 1}).days() - (Date{2022, 1, 1}).days() == 365);
  CHECK((Date{2021, 1, 1}).days() - (Date{2020, 1, 1}).days() == 366);
  CHECK((Date{1900, 1, 1}).days() == -25567);
}

TEST_CASE("YearRange is closed at both ends", "[date]") {
  const YearRange r{2021, 2023};
  CHECK_FALSE(r.contains(2020));
  CHECK(r.contains(2021));
  CHECK(r.contains(2022));
  CHECK(r.contains(2023));
  CHECK_FALSE(r.contains(2024));
  CHECK(r == YearRange{2021, 2023});
  CHECK_FALSE(r == YearRange{2021, 2022});
  STATIC_REQUIRE(kMinYear < kMaxYear);
}
