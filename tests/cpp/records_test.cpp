// SPDX-License-Identifier: Apache-2.0
// Tests of records: statistics, feedback, places, certifications, cases and ledger entries.
#include <string>

#include <catch2/catch.hpp>

#include "civicplan/records.hpp"

using namespace civicplan;

TEST_CASE("Certification statuses convert to and from their names", "[records]") {
  const std::vector<std::pair<CertificationStatus, std::string>> statuses = {
      {CertificationStatus::kGranted, "granted"},     {CertificationStatus::kRenewed, "renewed"},
      {CertificationStatus::kSuspended, "suspended"}, {CertificationStatus::kRevoked, "revoked"},
      {CertificationStatus::kExpired, "expired"},
  };
  for (const auto& [status, name] : statuses) {
    CHECK(std::string(to_string(status)) == name);
    CHECK(certification_status_from_string(name) == status);
  }
  CHECK_FALSE(certification_status_from_string("grantd").has_value());
}

TEST_CASE("A case is active from the year it opens to the year it closes", "[records]") {
  Case open{"c1", "S-1", "m-arco", "family-tn:A1", Date{2021, 5, 10}, std::nullopt};
  CHECK_FALSE(open.active_in(2020));
  CHECK(open.active_in(2021));
  CHECK(open.active_in(2030));
  Case closed = open;
  closed.closed = Date{2022, 2, 1};
  CHECK(closed.active_in(2022));
  CHECK_FALSE(closed.active_in(2023));
  CHECK_FALSE(closed == open);
}

TEST_CASE("Feedback orders by action, then date", "[records]") {
  const Feedback a{"p/a1", 5, std::nullopt, Date{2022, 6, 1}};
  const Feedback b{"p/a1", 1, std::nullopt, Date{2022, 7, 1}};
  const Feedback c{"p/a2", 3, std::nullopt, Date{2021, 1, 1}};
  CHECK(a < b);
  CHECK(b < c);
  CHECK_FALSE(c < a);
}

TEST_CASE("Records convert to JSON with their bundle keys", "[records]") {
  nlohmann::json s = Statistic{"population", "m-arco", 2022, 18011};
  CHECK(s ==
        nlohmann::json(
            {{"variable", "population"}, {"body", "m-arco"}, {"year", 2022}, {"value", 18011}}));

  nlohmann::json f = Feedback{"p/a1", 4, std::string("Good"), Date{2022, 7, 1}};
  CHECK(f["action"] == "p/a1");
  CHECK(f["rating"] == 4);
  CHECK(f["comment"] == "Good");
  CHECK(f["date"] == "2022-07-01");

  nlohmann::json p = Place{"pl-1",
                           "m-arco",
                           "Playground",
                           "playground",
                           Location{45.92, 10.88},
                           std::string("Viale delle Palme"),
                           Date{2019, 5, 1}};
  CHECK(p["id"] == "pl-1");
  CHECK(p["body"] == "m-arco");
  CHECK(p["category"] == "playground");
  CHECK(p["location"]["lat"] == 45.92);
  CHECK(p["address"] == "Viale delle Palme");
  CHECK(p["since"] == "2019-05-01");

  nlohmann::json c =
      CertificationRecord{"m-arco", "family-municipality", CertificationStatus::kRenewed,
                          Date{2023, 11, 10}, Date{2026, 11, 10}};
  CHECK(c["status"] == "renewed");
  CHECK(c["date"] == "2023-11-10");
  CHECK(c["expires"] == "2026-11-10");

  nlohmann::json k =
      Case{"c1", "S-1", "m-arco", "family-tn:A1", Date{2021, 5, 10}, Date{2022, 2, 1}};
  CHECK(k["subject"] == "S-1");
  CHECK(k["service"] == "family-tn:A1");
  CHECK(k["opened"] == "2021-05-10");
  CHECK(k["closed"] == "2022-02-01");

  nlohmann::json l = LedgerEntry{"m-arco", "family-tn:A1", 2022, Money::from_cents(1000000),
                                 Money::from_cents(950025)};
  CHECK(l["year"] == 2022);
  CHECK(l["charged"] == 10000);
  CHECK(l["collected"] == 9500.25);
}
