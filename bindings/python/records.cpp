// SPDX-License-Identifier: Apache-2.0
// Records attached to bodies and plans: statistics, feedback, places, certifications, cases,
// ledger.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/records.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

py::object date_to_python(const std::optional<Date>& date) {
  if (!date) return py::none();
  return py::str(date->to_string());
}

}  // namespace

void bind_records(py::module_& m) {
  py::class_<Statistic>(
      m, "Statistic", "An external figure for a body in a year (population, families, births...).")
      .def_readonly("variable", &Statistic::variable, "The variable name, e.g. \"population\".")
      .def_readonly("body", &Statistic::body, "Id of the body the figure is about.")
      .def_readonly("year", &Statistic::year, "The year.")
      .def_readonly("value", &Statistic::value, "The value (float).")
      .def(
          "to_dict", [](const Statistic& s) { return to_dict(s); },
          "The record as a bundle object (dict).")
      .def(
          "__eq__", [](const Statistic& a, const Statistic& b) { return a == b; },
          py::is_operator(), "True when both records hold the same data.");

  py::class_<Feedback>(m, "Feedback", "A citizen's rating (1..5) of an action.")
      .def_readonly("action", &Feedback::action, "The rated action as \"<plan id>/<action id>\".")
      .def_readonly("rating", &Feedback::rating, "1..5.")
      .def_property_readonly(
          "comment", [](const Feedback& f) { return optional_to_python(f.comment); },
          "Free text, or None.")
      .def_property_readonly(
          "date", [](const Feedback& f) { return f.date.to_string(); }, "\"YYYY-MM-DD\".")
      .def(
          "to_dict", [](const Feedback& f) { return to_dict(f); },
          "The record as a bundle object (dict).")
      .def(
          "__eq__", [](const Feedback& a, const Feedback& b) { return a == b; }, py::is_operator(),
          "True when both records hold the same data.");

  py::class_<Place>(m, "Place", "A family-friendly point or infrastructure on the map.")
      .def_readonly("id", &Place::id, "The place id.")
      .def_readonly("body", &Place::body, "Id of the body the place lies in.")
      .def_readonly("name", &Place::name, "The place's name.")
      .def_readonly("category", &Place::category, "What the place is (playground, library, ...).")
      .def_property_readonly(
          "location", [](const Place& p) { return py::make_tuple(p.location.lat, p.location.lon); },
          "(lat, lon) in WGS84 degrees.")
      .def_property_readonly(
          "address", [](const Place& p) { return optional_to_python(p.address); },
          "Street address, or None.")
      .def_property_readonly(
          "since", [](const Place& p) { return date_to_python(p.since); },
          "Date the place opened \"YYYY-MM-DD\", or None.")
      .def(
          "to_dict", [](const Place& p) { return to_dict(p); },
          "The record as a bundle object (dict).")
      .def(
          "__eq__", [](const Place& a, const Place& b) { return a == b; }, py::is_operator(),
          "True when both records hold the same data.");

  py::class_<CertificationRecord>(m, "CertificationRecord",
                                  "A certification decision about a body under a scheme.")
      .def_readonly("body", &CertificationRecord::body, "Id of the certified body.")
      .def_readonly("scheme", &CertificationRecord::scheme,
                    "The certification scheme (a ruleset id).")
      .def_property_readonly(
          "status", [](const CertificationRecord& c) { return to_string(c.status); },
          "granted, renewed, suspended, revoked or expired.")
      .def_property_readonly(
          "date", [](const CertificationRecord& c) { return c.date.to_string(); },
          "Date of the decision \"YYYY-MM-DD\".")
      .def_property_readonly(
          "expires", [](const CertificationRecord& c) { return date_to_python(c.expires); },
          "Expiry date \"YYYY-MM-DD\", or None.")
      .def(
          "to_dict", [](const CertificationRecord& c) { return to_dict(c); },
          "The record as a bundle object (dict).")
      .def(
          "__eq__",
          [](const CertificationRecord& a, const CertificationRecord& b) { return a == b; },
          py::is_operator(), "True when both records hold the same data.");

  py::class_<Case>(m, "Case", "A taking-in-charge of a subject (a pseudonym) by a social service.")
      .def_readonly("id", &Case::id, "The case id.")
      .def_readonly("subject", &Case::subject, "Pseudonym of the person taken in charge.")
      .def_readonly("body", &Case::body, "Id of the body whose service took the case.")
      .def_readonly("service", &Case::service, "The service as a category reference.")
      .def_property_readonly(
          "opened", [](const Case& c) { return c.opened.to_string(); }, "\"YYYY-MM-DD\".")
      .def_property_readonly(
          "closed", [](const Case& c) { return date_to_python(c.closed); },
          "\"YYYY-MM-DD\", or None while open.")
      .def("active_in", &Case::active_in, py::arg("year"),
           "True when the case was open during ``year``.")
      .def(
          "to_dict", [](const Case& c) { return to_dict(c); },
          "The record as a bundle object (dict).")
      .def(
          "__eq__", [](const Case& a, const Case& b) { return a == b; }, py::is_operator(),
          "True when both records hold the same data.");

  py::class_<LedgerEntry>(m, "LedgerEntry",
                          "Fees charged and collected by a body for a service in a year.")
      .def_readonly("body", &LedgerEntry::body, "Id of the body charging the fees.")
      .def_readonly("service", &LedgerEntry::service,
                    "The service (canteen, school transport, ...).")
      .def_readonly("year", &LedgerEntry::year, "The year.")
      .def_property_readonly(
          "charged", [](const LedgerEntry& l) { return l.charged.euros(); },
          "Euros charged (float).")
      .def_property_readonly(
          "collected", [](const LedgerEntry& l) { return l.collected.euros(); },
          "Euros collected (float).")
      .def(
          "to_dict", [](const LedgerEntry& l) { return to_dict(l); },
          "The record as a bundle object (dict).")
      .def(
          "__eq__", [](const LedgerEntry& a, const LedgerEntry& b) { return a == b; },
          py::is_operator(), "True when both records hold the same data.");
}

}  // namespace civicplan::python
