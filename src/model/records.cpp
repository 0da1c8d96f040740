// SPDX-License-Identifier: Apache-2.0
// Statistics, feedback, places, certification records, cases and ledger entries as JSON.
#include "civicplan/records.hpp"

#include "base/text.hpp"

namespace civicplan {

namespace {
const CertificationStatus kStatuses[] = {CertificationStatus::kGranted, CertificationStatus::kRenewed,
                                         CertificationStatus::kSuspended, CertificationStatus::kRevoked,
                                         CertificationStatus::kExpired};
}  // namespace

const char* to_string(CertificationStatus s) {
  switch (s) {
    case CertificationStatus::kGranted: return "granted";
    case CertificationStatus::kRenewed: return "renewed";
    case CertificationStatus::kSuspended: return "suspended";
    case CertificationStatus::kRevoked: return "revoked";
    case CertificationStatus::kExpired: return "expired";
  }
  return "?";
}

std::optional<CertificationStatus> certification_status_from_string(const std::string& s) {
  for (auto v : kStatuses) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& j, const Statistic& s) {
  j = {{"variable", s.variable}, {"body", s.body}, {"year", s.year}, {"value", s.value}};
}

void to_json(nlohmann::json& j, const Feedback& f) {
  j = {{"action", f.action}, {"rating", f.rating}};
  if (f.comment) j["comment"] = *f.comment;
  j["date"] = f.date.to_string();
}

void to_json(nlohmann::json& j, const Place& p) {
  j = {{"id", p.id}, {"body", p.body}, {"name", p.name}, {"category", p.category},
       {"location", {{"lat", p.location.lat}, {"lon", p.location.lon}}}};
  if (p.address) j["address"] = *p.address;
  if (p.since) j["since"] = p.since->to_string();
}

void to_json(nlohmann::json& j, const CertificationRecord& c) {
  j = {{"body", c.body}, {"scheme", c.scheme}, {"status", to_string(c.status)}, {"date", c.date.to_string()}};
  if (c.expires) j["expires"] = c.expires->to_string();
}

void to_json(nlohmann::json& j, const Case& c) {
  j = {{"id", c.id}, {"subject", c.subject}, {"body", c.body}, {"service", c.service},
       {"opened", c.opened.to_string()}};
  if (c.closed) j["closed"] = c.closed->to_string();
}

void to_json(nlohmann::json& j, const LedgerEntry& l) {
  j = {{"body", l.body}, {"service", l.service}, {"year", l.year}, {"charged", detail::money_to_json(l.charged)},
       {"collected", detail::money_to_json(l.collected)}};
}

}  // namespace civicplan
