// SPDX-License-Identifier: Apache-2.0
// Certification rulesets and the reports of evaluating bodies under them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/certification.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

py::list versions_to_python(const Ruleset& r) {
  nlohmann::json j;
  to_json(j, r);
  return to_python(j["versions"]);
}

template <class T>
py::array_t<T> to_array(const std::vector<T>& values) {
  py::array_t<T> out(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

std::size_t body_index(const CertificationTable& t, py::ssize_t i) {
  const auto n = static_cast<py::ssize_t>(t.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw py::index_error("report index out of range");
  return static_cast<std::size_t>(i);
}

}  // namespace

void bind_certification(py::module_& m) {
  py::class_<Ruleset>(m, "Ruleset",
                      "A certification scheme (its id is the scheme name): dated versions of "
                      "points-based rules, some mandatory.")
      .def_readonly("id", &Ruleset::id, "The scheme name.")
      .def_readonly("label", &Ruleset::label, "Human-readable name.")
      .def_property_readonly(
          "applies_to",
          [](const Ruleset& r) {
            py::list out;
            for (auto k : r.applies_to) out.append(py::str(to_string(k)));
            return out;
          },
          "The body kinds the scheme certifies.")
      .def_property_readonly("versions", &versions_to_python,
                             "The versions as bundle dicts {from, parameters, rules, pass}, sorted "
                             "by ``from``.")
      .def(
          "version_for",
          [](const Ruleset& r, int year) -> py::object {
            const RulesetVersion* v = r.version_for(year);
            if (v == nullptr) return py::none();
            return py::int_(v->from);
          },
          py::arg("year"), "The ``from`` year of the version in force in ``year``, or None.")
      .def(
          "applies",
          [](const Ruleset& r, const std::string& kind) {
            auto k = body_kind_from_string(kind);
            if (!k) throw py::value_error("unknown body kind \"" + kind + "\"");
            return r.applies(*k);
          },
          py::arg("kind"), "True when the scheme certifies bodies of this kind.")
      .def(
          "to_dict", [](const Ruleset& r) { return to_dict(r); },
          "The ruleset as a bundle object (dict).");

  py::class_<RuleResult>(m, "RuleResult",
                         "The outcome of one rule for one body: the two sides of its check and "
                         "a readable message such as \"6 actions, 8 required\".")
      .def_readonly("id", &RuleResult::id, "The rule id.")
      .def_readonly("label", &RuleResult::label, "The rule's label.")
      .def_property_readonly(
          "outcome", [](const RuleResult& r) { return to_string(r.outcome); },
          "pass, fail or missing_data.")
      .def_readonly("mandatory", &RuleResult::mandatory, "True when the body must pass this rule.")
      .def_property_readonly(
          "value", [](const RuleResult& r) { return optional_to_python(r.value); },
          "Left side of the check (the points of a score rule), or None when unknown.")
      .def_property_readonly(
          "threshold", [](const RuleResult& r) { return optional_to_python(r.threshold); },
          "Right side of the check, or None.")
      .def_readonly("points", &RuleResult::points, "Points awarded.")
      .def_readonly("message", &RuleResult::message, "What was found, in words.")
      .def_readonly("explanation", &RuleResult::explanation,
                    "The Explanation of the rule's expression (certify with explain=True), else None.");

  py::class_<CertificationReport>(
      m, "CertificationReport",
      "The evaluation of one body under one scheme in one year: whether it passed, its points "
      "and every rule's outcome.")
      .def_readonly("body", &CertificationReport::body, "Id of the evaluated body.")
      .def_readonly("scheme", &CertificationReport::scheme, "The scheme (ruleset id).")
      .def_readonly("year", &CertificationReport::year, "The year evaluated.")
      .def_readonly("version", &CertificationReport::version,
                    "The ``from`` of the ruleset version used.")
      .def_readonly("preview", &CertificationReport::preview,
                    "True when draft and submitted plans were counted.")
      .def_readonly("passed", &CertificationReport::passed,
                    "True when every mandatory rule passed and the points reach min_points.")
      .def_readonly("points", &CertificationReport::points, "Points obtained.")
      .def_property_readonly(
          "min_points",
          [](const CertificationReport& r) { return optional_to_python(r.min_points); },
          "Points required, or None when they could not be computed.")
      .def_readonly("rules", &CertificationReport::rules, "Every rule's RuleResult, in order.")
      .def_readonly("missing_mandatory", &CertificationReport::missing_mandatory,
                    "Ids of the mandatory rules that failed or lack data.")
      .def_readonly("points_needed", &CertificationReport::points_needed,
                    "Points still needed (0 when reached).")
      .def_readonly("min_points_explanation", &CertificationReport::min_points_explanation,
                    "The Explanation of min_points (certify with explain=True), else None.")
      .def("top_reason", &CertificationReport::top_reason,
           "The most important reason for failing (\"\" when passed).")
      .def(
          "to_dict", [](const CertificationReport& r) { return to_python(r.to_json()); },
          "The report as a dict, rules included.");

  py::class_<CertificationTable>(m, "CertificationTable",
                                 "Many bodies certified at once under one scheme: one report "
                                 "per body, sorted by body.")
      .def_readonly("scheme", &CertificationTable::scheme, "The scheme (ruleset id).")
      .def_readonly("year", &CertificationTable::year, "The year evaluated.")
      .def_readonly("version", &CertificationTable::version,
                    "The ``from`` of the ruleset version used.")
      .def_readonly("preview", &CertificationTable::preview,
                    "True when draft and submitted plans were counted.")
      .def_readonly("rule_ids", &CertificationTable::rule_ids, "The rule ids of that version.")
      .def_readonly("bodies", &CertificationTable::bodies, "The body ids, sorted.")
      .def_property_readonly(
          "reports", [](const CertificationTable& t) { return t.reports(); },
          "The CertificationReport of every body, sorted by body (built on each access; "
          "``table[i]`` builds one).")
      .def("__len__", &CertificationTable::size, "Number of bodies.")
      .def(
          "__getitem__",
          [](const CertificationTable& t, py::ssize_t i) { return t.report(body_index(t, i)); },
          py::arg("index"), "The CertificationReport of body ``index`` (negative counts from the end).")
      .def(
          "_columns",
          [](const CertificationTable& t) {
            py::dict d;
            d["body"] = t.bodies;
            d["passed"] = to_array(t.passed);
            d["points"] = to_array(t.points);
            d["min_points"] = to_array(t.min_points);
            py::list rules;
            for (const auto& column : t.rules) {
              std::vector<std::uint8_t> codes(column.outcomes.size());
              for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<std::uint8_t>(column.outcomes[i]);
              rules.append(to_array(codes));
            }
            d["outcomes"] = rules;
            d["outcome_names"] = std::vector<std::string>{to_string(Outcome::kPass), to_string(Outcome::kFail),
                                                          to_string(Outcome::kMissingData)};
            return d;
          },
          "The table's columns: body ids, passed (uint8), points and min_points (NaN where "
          "unknown), and per rule an outcome code array into outcome_names.")
      .def("to_csv", &CertificationTable::to_csv,
           "CSV text: body,passed,points,min_points and one outcome column per rule.")
      .def(
          "compare",
          [](const CertificationTable& t, const CertificationTable& other) {
            const auto c = t.compare(other);
            py::dict d;
            d["gained"] = c.gained;
            d["lost"] = c.lost;
            d["points_delta"] = c.points_delta;
            return d;
          },
          py::arg("other"),
          "What changes from this table to ``other`` (a scenario, parameters, another year): "
          "{\"gained\": [body], \"lost\": [body], \"points_delta\": {body: other - this}} with "
          "the bodies whose points differ. A body missing from one table counts as not passing "
          "there.")
      .def(
          "to_dict", [](const CertificationTable& t) { return to_python(t.to_json()); },
          "The table as a dict {scheme, year, version, preview, reports}.");
}

}  // namespace civicplan::python
