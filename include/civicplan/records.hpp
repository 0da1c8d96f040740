// SPDX-License-Identifier: Apache-2.0
// Records attached to bodies and plans: statistics, feedback, places, certifications,
// cases and fee ledgers.
#pragma once

#include <optional>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "civicplan/date.hpp"
#include "civicplan/export.hpp"
#include "civicplan/money.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

/// An external figure for a body in a year (ISTAT population, families, births, ...).
struct Statistic {
  std::string variable;
  std::string body;
  int year = 0;
  double value = 0;
  bool operator==(const Statistic& o) const {
    return variable == o.variable && body == o.body && year == o.year && value == o.value;
  }
};

/// A citizen's evaluation of an action ("<plan id>/<action id>").
struct Feedback {
  std::string action;
  int rating = 0;
  std::optional<std::string> comment;
  Date date;
  bool operator==(const Feedback& o) const {
    return action == o.action && rating == o.rating && comment == o.comment && date == o.date;
  }
  bool operator<(const Feedback& o) const {
    return std::tie(action, date, rating, comment) < std::tie(o.action, o.date, o.rating, o.comment);
  }
};

/// A family-friendly point or infrastructure on the map.
struct Place {
  std::string id;
  std::string body;
  std::string name;
  std::string category;
  Location location;
  std::optional<std::string> address;
  std::optional<Date> since;
  bool operator==(const Place& o) const {
    return id == o.id && body == o.body && name == o.name && category == o.category &&
           location == o.location && address == o.address && since == o.since;
  }
};

enum class CertificationStatus { kGranted, kRenewed, kSuspended, kRevoked, kExpired };
CIVICPLAN_API const char* to_string(CertificationStatus s);
CIVICPLAN_API std::optional<CertificationStatus> certification_status_from_string(const std::string& s);

/// A certification decision about a body under a scheme.
struct CertificationRecord {
  std::string body;
  std::string scheme;
  CertificationStatus status = CertificationStatus::kGranted;
  Date date;
  std::optional<Date> expires;
  bool operator==(const CertificationRecord& o) const {
    return body == o.body && scheme == o.scheme && status == o.status && date == o.date &&
           expires == o.expires;
  }
};

/// A taking-in-charge of a subject (pseudonym) by a social service.
struct Case {
  std::string id;
  std::string subject;
  std::string body;
  std::string service;  ///< category reference
  Date opened;
  std::optional<Date> closed;
  bool active_in(int year) const { return opened.year <= year && (!closed || closed->year >= year); }
  bool operator==(const Case& o) const {
    return id == o.id && subject == o.subject && body == o.body && service == o.service &&
           opened == o.opened && closed == o.closed;
  }
};

/// Fees charged and collected by a body for a service in a year.
struct LedgerEntry {
  std::string body;
  std::string service;
  int year = 0;
  Money charged;
  Money collected;
  bool operator==(const LedgerEntry& o) const {
    return body == o.body && service == o.service && year == o.year && charged == o.charged &&
           collected == o.collected;
  }
};

CIVICPLAN_API void to_json(nlohmann::json& j, const Statistic& s);
CIVICPLAN_API void to_json(nlohmann::json& j, const Feedback& f);
CIVICPLAN_API void to_json(nlohmann::json& j, const Place& p);
CIVICPLAN_API void to_json(nlohmann::json& j, const CertificationRecord& c);
CIVICPLAN_API void to_json(nlohmann::json& j, const Case& c);
CIVICPLAN_API void to_json(nlohmann::json& j, const LedgerEntry& l);

}  // namespace civicplan
