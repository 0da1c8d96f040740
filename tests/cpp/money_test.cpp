// SPDX-License-Identifier: Apache-2.0
// Tests of exact money amounts: conversion, parsing, formatting and arithmetic.
#include <cmath>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "civicplan/money.hpp"

using namespace civicplan;

TEST_CASE("Money::from_euros accepts at most two decimals", "[money]") {
  CHECK(Money::from_euros(0)->cents() == 0);
  CHECK(Money::from_euros(12)->cents() == 1200);
  CHECK(Money::from_euros(12.3)->cents() == 1230);
  CHECK(Money::from_euros(12.34)->cents() == 1234);
  CHECK(Money::from_euros(1234.5)->cents() == 123450);
  CHECK(Money::from_euros(-0.05)->cents() == -5);
  CHECK(Money::from_euros(-1234.56)->cents() == -123456);
  // Values whose binary form lies just below the decimal one still round to the cent.
  CHECK(Money::from_euros(19.99)->cents() == 1999);
  CHECK(Money::from_euros(0.07)->cents() == 7);
  CHECK(Money::from_euros(1.15)->cents() == 115);
  CHECK(Money::from_euros(4.35)->cents() == 435);
  CHECK(Money::from_euros(12000.5)->cents() == 1200050);
  CHECK(Money::from_euros(9500.25)->cents() == 950025);
  CHECK(Money::from_euros(1e12)->cents() == 100000000000000LL);
}

TEST_CASE("Money::from_euros rejects more decimals, non-finite and huge values", "[money]") {
  CHECK_FALSE(Money::from_euros(12.345).has_value());
  CHECK_FALSE(Money::from_euros(0.001).has_value());
  CHECK_FALSE(Money::from_euros(-0.005).has_value());
  CHECK_FALSE(Money::from_euros(std::nan("")).has_value());
  CHECK_FALSE(Money::from_euros(std::numeric_limits<double>::infinity()).has_value());
  CHECK_FALSE(Money::from_euros(-std::numeric_limits<double>::infinity()).has_value());
  CHECK_FALSE(Money::from_euros(1e300).has_value());
  CHECK_FALSE(Money::from_euros(-1e300).has_value());
  CHECK_FALSE(Money::from_euros(1e17).has_value());  // 1e19 cents do not fit in int64
}

TEST_CASE("Money::parse reads dot-decimal euros", "[money]") {
  CHECK(Money::parse("1234")->cents() == 123400);
  CHECK(Money::parse("1234.5")->cents() == 123450);
  CHECK(Money::parse("1234.50")->cents() == 123450);
  CHECK(Money::parse("-0.05")->cents() == -5);
  CHECK(Money::parse("0")->cents() == 0);
  CHECK(Money::parse("19.99")->cents() == 1999);
}

TEST_CASE("Money::parse rejects commas, extra decimals and garbage", "[money]") {
  CHECK_FALSE(Money::parse("12,50").has_value());
  CHECK_FALSE(Money::parse("1.234,50").has_value());
  CHECK_FALSE(Money::parse("12.345").has_value());
  CHECK_FALSE(Money::parse("").has_value());
  CHECK_FALSE(Money::parse("abc").has_value());
  CHECK_FALSE(Money::parse("12abc").has_value());
  CHECK_FALSE(Money::parse("€ 12").has_value());
  CHECK_FALSE(Money::parse("-").has_value());
  CHECK_FALSE(Money::parse("99999999999999999999999").has_value());
}

TEST_CASE("Money::to_string prints two decimals with a dot", "[money]") {
  CHECK(Money::from_cents(123450).to_string() == "1234.50");
  CHECK(Money::from_cents(0).to_string() == "0.00");
  CHECK(Money::from_cents(7).to_string() == "0.07");
  CHECK(Money::from_cents(-5).to_string() == "-0.05");
  CHECK(Money::from_cents(-123456).to_string() == "-1234.56");
  CHECK(Money::from_cents(100).to_string() == "1.00");
}

TEST_CASE("Money::to_display prints Italian style", "[money]") {
  CHECK(Money::from_cents(123450).to_display() == "€ 1.234,50");
  CHECK(Money::from_cents(0).to_display() == "€ 0,00");
  CHECK(Money::from_cents(99).to_display() == "€ 0,99");
  CHECK(Money::from_cents(100000).to_display() == "€ 1.000,00");
  CHECK(Money::from_cents(99999).to_display() == "€ 999,99");
  CHECK(Money::from_cents(1234567890).to_display() == "€ 12.345.678,90");
}

TEST_CASE("Money::to_display shows the sign of negative amounts", "[money]") {
  const std::string text = Money::from_cents(-123450).to_display();
  INFO(text);
  CHECK((text == "€ -1.234,50" || text == "-€ 1.234,50"));
  const std::string small = Money::from_cents(-5).to_display();
  INFO(small);
  CHECK((small == "€ -0,05" || small == "-€ 0,05"));
}

TEST_CASE("Money round-trips through to_string and parse", "[money]") {
  for (std::int64_t cents : {0LL, 1LL, -1LL, 99LL, 100LL, 123456789LL, -987654321LL}) {
    const Money m = Money::from_cents(cents);
    auto back = Money::parse(m.to_string());
    REQUIRE(back.has_value());
    CHECK(back->cents() == cents);
  }
}

TEST_CASE("Money arithmetic and comparison are exact", "[money]") {
  const Money a = Money::from_cents(1010);
  const Money b = Money::from_cents(-250);
  CHECK((a + b).cents() == 760);
  CHECK((a - b).cents() == 1260);
  Money c = a;
  c += b;
  CHECK(c.cents() == 760);
  c -= a;
  CHECK(c == b);
  CHECK(a != b);
  CHECK(b < a);
  CHECK_FALSE(a < b);
  CHECK(Money{}.cents() == 0);
  CHECK(a.euros() == Approx(10.10));

  // Ten thousand additions of 0.10 are exactly 1000.00, unlike doubles.
  Money sum;
  for (int i = 0; i < 10000; ++i) sum += *Money::from_euros(0.10);
  CHECK(sum.cents() == 100000);

  STATIC_REQUIRE((Money::from_cents(3) + Money::from_cents(4)).cents() == 7);
  STATIC_REQUIRE(Money::from_cents(3) < Money::from_cents(4));
}
