// SPDX-License-Identifier: Apache-2.0
// Tests of the open-data export: CSV tables, GeoJSON maps and the DCAT-AP_IT catalogue, re-read.
#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/opendata.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

using namespace civicplan;
using civicplan::test::read_text;
using civicplan::test::source_path;
using civicplan::test::TempDir;
using json = nlohmann::json;

namespace {

using Row = std::vector<std::string>;

// An RFC 4180 reader, independent of the library's own.
std::vector<Row> parse_csv(const std::string& text) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
    } else {
      field += c;
    }
  }
  REQUIRE(row.empty());
  REQUIRE(field.empty());
  return rows;
}

// A table as records keyed by column name; checks the header and the width of every row.
std::vector<std::map<std::string, std::string>> records(const std::string& text,
                                                        const Row& header) {
  const auto rows = parse_csv(text);
  REQUIRE_FALSE(rows.empty());
  CHECK(rows.front() == header);
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == header.size());
    std::map<std::string, std::string> rec;
    for (std::size_t c = 0; c < header.size(); ++c) rec[header[c]] = rows[r][c];
    out.push_back(rec);
  }
  return out;
}

Workspace family() {
  Workspace ws;
  ws.import_file(source_path("examples/data/family.json").string());
  return ws;
}

bool published(const Plan& p) {
  return p.status == PlanStatus::kApproved || p.status == PlanStatus::kArchived;
}

std::int64_t cents(const std::string& euros) {
  const auto m = Money::parse(euros);
  REQUIRE(m.has_value());
  return m->cents();
}

const std::map<std::string, Row> kHeaders = {
    {"bodies.csv", {"id", "kind", "name", "lat", "lon"}},
    {"memberships.csv", {"body", "parent", "from", "to"}},
    {"categories.csv", {"taxonomy", "code", "label", "parents", "depth"}},
    {"plans.csv",
     {"id", "body", "kind", "title", "period_from", "period_to", "status", "variant", "based_on",
      "approval_date", "approval_act", "revision", "actions"}},
    {"actions.csv",
     {"plan", "action", "body", "title", "description", "categories", "category_labels",
      "objective", "status", "horizon", "start", "end", "responsible", "lat", "lon", "tags",
      "planned", "actual"}},
    {"budget_lines.csv", {"plan", "action", "body", "year", "source", "planned", "actual"}},
    {"progress.csv", {"plan", "action", "body", "date", "completion", "note"}},
    {"targets.csv", {"plan", "action", "body", "metric", "unit", "baseline", "target", "actual"}},
    {"indicator_values.csv", {"indicator", "body", "year", "value", "target_met"}},
    {"certification_outcomes.csv",
     {"scheme", "year", "version", "body", "passed", "points", "min_points", "missing_mandatory"}},
};

}  // namespace

TEST_CASE("the CSV tables have their documented columns and exact amounts", "[opendata]") {
  const Workspace ws = family();
  const auto m_holder = ws.model();
  const auto& m = *m_holder;
  const auto tables = csv_tables(ws);
  std::set<std::string> names;
  for (const auto& [name, text] : tables) names.insert(name);
  std::set<std::string> expected_names;
  for (const auto& [name, header] : kHeaders) expected_names.insert(name);
  REQUIRE(names == expected_names);

  CHECK(records(tables.at("bodies.csv"), kHeaders.at("bodies.csv")).size() == m.bodies.size());
  const auto bodies = records(tables.at("bodies.csv"), kHeaders.at("bodies.csv"));
  CHECK(bodies.front().at("id") == m.bodies.begin()->first);
  CHECK(bodies.front().at("lat") == "45.9177");  // Arco, as in the bundle

  std::size_t memberships = 0;
  for (const auto& [id, b] : m.bodies) memberships += b.parents.size();
  CHECK(records(tables.at("memberships.csv"), kHeaders.at("memberships.csv")).size() ==
        memberships);
  CHECK(records(tables.at("categories.csv"), kHeaders.at("categories.csv")).size() ==
        m.taxonomies.at("family-tn").nodes().size());

  // Only approved and archived plans are published.
  std::size_t plans = 0, actions = 0;
  std::int64_t planned = 0, actual = 0;
  std::size_t lines = 0;
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    ++plans;
    actions += p.actions.size();
    for (const auto& a : p.actions) {
      for (const auto& l : a.budget) {
        ++lines;
        planned += l.planned ? l.planned->cents() : 0;
        actual += l.actual ? l.actual->cents() : 0;
      }
    }
  }
  REQUIRE(plans < m.plans.size());
  const auto plan_rows = records(tables.at("plans.csv"), kHeaders.at("plans.csv"));
  CHECK(plan_rows.size() == plans);
  for (const auto& r : plan_rows)
    CHECK((r.at("status") == "approved" || r.at("status") == "archived"));
  const auto action_rows = records(tables.at("actions.csv"), kHeaders.at("actions.csv"));
  CHECK(action_rows.size() == actions);

  const std::regex amount(R"(-?[0-9]+\.[0-9]{2})");
  const auto line_rows = records(tables.at("budget_lines.csv"), kHeaders.at("budget_lines.csv"));
  CHECK(line_rows.size() == lines);
  std::int64_t planned_csv = 0, actual_csv = 0;
  for (const auto& r : line_rows) {
    if (!r.at("planned").empty()) {
      CHECK(std::regex_match(r.at("planned"), amount));
      planned_csv += cents(r.at("planned"));
    }
    if (!r.at("actual").empty()) {
      CHECK(std::regex_match(r.at("actual"), amount));
      actual_csv += cents(r.at("actual"));
    }
  }
  CHECK(planned_csv == planned);
  CHECK(actual_csv == actual);
  // The totals of actions.csv add up to the same amounts.
  std::int64_t planned_actions = 0;
  for (const auto& r : action_rows) {
    if (!r.at("planned").empty()) planned_actions += cents(r.at("planned"));
  }
  CHECK(planned_actions == planned);

  const auto indicator_rows =
      records(tables.at("indicator_values.csv"), kHeaders.at("indicator_values.csv"));
  CHECK(indicator_rows.size() == ws.compute_indicators().size());

  const auto outcome_rows =
      records(tables.at("certification_outcomes.csv"), kHeaders.at("certification_outcomes.csv"));
  std::set<std::string> schemes;
  for (const auto& r : outcome_rows) {
    schemes.insert(r.at("scheme"));
    CHECK((r.at("passed") == "true" || r.at("passed") == "false"));
  }
  CHECK(schemes.size() == ws.rulesets().size());
  REQUIRE_FALSE(outcome_rows.empty());
  // Each row says what certifying that body alone says.
  for (std::size_t i = 0; i < outcome_rows.size(); i += 7) {
    const auto& r = outcome_rows[i];
    const auto report = ws.certify(r.at("body"), r.at("scheme"), std::stoi(r.at("year")));
    CHECK(r.at("passed") == (report.passed ? "true" : "false"));
    CHECK(std::stod(r.at("points")) == report.points);
    CHECK(std::stoi(r.at("version")) == report.version);
  }
}

TEST_CASE("CSV quoting keeps commas, quotes and line breaks", "[opendata]") {
  Workspace ws;
  json b = {{"format", kBundleFormat}, {"version", kBundleVersion}};
  b["bodies"] = {{{"id", "m1"},
                  {"kind", "municipality"},
                  {"name", "Comune \"Uno\", centro"},
                  {"parents", json::array()}}};
  b["plans"] = {
      {{"id", "p1"},
       {"kind", "family"},
       {"body", "m1"},
       {"title", "Piano"},
       {"period", {{"from", 2022}, {"to", 2022}}},
       {"status", "approved"},
       {"approval", {{"date", "2022-02-01"}, {"act", "Delibera n. 3"}}},
       {"actions",
        {{{"id", "a1"},
          {"title", "Nidi, \"tagesmutter\""},
          {"description", "Prima riga,\nseconda riga"},
          {"categories", json::array()},
          {"status", "planned"},
          {"budget",
           {{{"year", 2022}, {"source", "municipal"}, {"planned", 1234.5}, {"actual", 0.05}}}}}}}}};
  ws.import_bundle(b);
  const auto tables = csv_tables(ws);
  const auto bodies = records(tables.at("bodies.csv"), kHeaders.at("bodies.csv"));
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0].at("name") == "Comune \"Uno\", centro");
  CHECK(bodies[0].at("lat").empty());
  const auto actions = records(tables.at("actions.csv"), kHeaders.at("actions.csv"));
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].at("title") == "Nidi, \"tagesmutter\"");
  CHECK(actions[0].at("description") == "Prima riga,\nseconda riga");
  CHECK(actions[0].at("planned") == "1234.50");
  CHECK(actions[0].at("actual") == "0.05");
  const auto lines = records(tables.at("budget_lines.csv"), kHeaders.at("budget_lines.csv"));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("planned") == "1234.50");
  CHECK(lines[0].at("actual") == "0.05");
  CHECK(records(tables.at("certification_outcomes.csv"), kHeaders.at("certification_outcomes.csv"))
            .empty());
}

TEST_CASE("GeoJSON features are points at [lon, lat] where the places are", "[opendata]") {
  const Workspace ws = family();
  const auto m_holder = ws.model();
  const auto& m = *m_holder;
  const json places = places_geojson(m);
  CHECK(places["type"] == "FeatureCollection");
  REQUIRE(places["features"].size() == m.places.size());
  for (const auto& f : places["features"]) {
    CHECK(f["type"] == "Feature");
    CHECK(f["geometry"]["type"] == "Point");
    const auto& xy = f["geometry"]["coordinates"];
    REQUIRE(xy.size() == 2);
    const Place& place = m.places.at(f["id"].get<std::string>());
    CHECK(xy[0].get<double>() == place.location.lon);
    CHECK(xy[1].get<double>() == place.location.lat);
    // Trentino: longitude about 10-12 east, latitude about 45-47 north.
    CHECK(xy[0].get<double>() > 10.0);
    CHECK(xy[0].get<double>() < 12.5);
    CHECK(xy[1].get<double>() > 45.5);
    CHECK(xy[1].get<double>() < 47.0);
    const auto& props = f["properties"];
    CHECK(props["body"] == place.body);
    CHECK(props["body_name"] == m.bodies.at(place.body).name);
    CHECK(props["name"] == place.name);
    CHECK(props["category"] == place.category);
  }

  const json actions = actions_geojson(m);
  CHECK(actions["type"] == "FeatureCollection");
  std::size_t located = 0;
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    for (const auto& a : p.actions) located += a.location ? 1 : 0;
  }
  REQUIRE(located > 0);
  REQUIRE(actions["features"].size() == located);
  for (const auto& f : actions["features"]) {
    const auto& props = f["properties"];
    const std::string ref = props["action"];
    const Action* a = find_action(m, ref);
    REQUIRE(a != nullptr);
    REQUIRE(a->location.has_value());
    CHECK(f["geometry"]["coordinates"][0].get<double>() == a->location->lon);
    CHECK(f["geometry"]["coordinates"][1].get<double>() == a->location->lat);
    const Plan& p = m.plans.at(props["plan"].get<std::string>());
    CHECK(published(p));
    CHECK(props["body"] == p.body);
    CHECK(props["body_name"] == m.bodies.at(p.body).name);
    CHECK(props["status"] == to_string(a->status));
    CHECK(props["title"] == a->title);
    REQUIRE(props["category_labels"].size() == a->categories.size());
    if (!a->categories.empty()) {
      const auto code = a->categories[0].substr(a->categories[0].find(':') + 1);
      CHECK(props["category_labels"][0] == m.taxonomies.at("family-tn").node(code).label);
    }
  }
}

TEST_CASE("exported files re-read: tables, maps and a DCAT-AP_IT catalogue of them", "[opendata]") {
  const Workspace ws = family();
  TempDir dir;
  const std::string out = dir.file("opendata");
  ws.export_open_data(out, "csv");
  ws.export_open_data(out, "geojson");

  for (const auto& [name, text] : csv_tables(ws))
    CHECK(read_text(std::filesystem::path(out) / name) == text);
  const json places = json::parse(read_text(std::filesystem::path(out) / "places.geojson"));
  CHECK(places == places_geojson(*ws.model()));

  const json catalog = json::parse(read_text(std::filesystem::path(out) / "catalog.jsonld"));
  const auto& context = catalog["@context"];
  CHECK(context["dcat"] == "http://www.w3.org/ns/dcat#");
  CHECK(context["dct"] == "http://purl.org/dc/terms/");
  CHECK(context["dcatapit"] == "http://dati.gov.it/onto/dcatapit#");
  CHECK(catalog["@type"].dump().find("dcat:Catalog") != std::string::npos);
  CHECK(catalog["dct:title"].is_string());
  CHECK(catalog["dct:description"].is_string());
  CHECK(catalog["dct:publisher"]["foaf:name"] ==
        "Agenzia provinciale per la famiglia, la natalità e le politiche giovanili");
  CHECK(std::regex_match(catalog["dct:modified"]["@value"].get<std::string>(),
                         std::regex(R"(\d{4}-\d{2}-\d{2})")));

  const auto& datasets = catalog["dcat:dataset"];
  REQUIRE(datasets.size() == 12);
  std::set<std::string> described;
  for (const auto& d : datasets) {
    INFO(d["dct:title"]);
    CHECK(d["@type"].dump().find("dcat:Dataset") != std::string::npos);
    CHECK_FALSE(d["dct:title"].get<std::string>().empty());
    CHECK_FALSE(d["dct:description"].get<std::string>().empty());
    CHECK(d["dct:publisher"] == catalog["dct:publisher"]);
    CHECK(d["dct:identifier"].is_string());
    const std::string theme = d["dcat:theme"]["@id"];
    CHECK(theme.rfind("http://publications.europa.eu/resource/authority/data-theme/", 0) == 0);
    CHECK(d["dct:license"]["@id"] ==
          "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0");
    const std::string start = d["dct:temporal"]["dcat:startDate"]["@value"];
    const std::string end = d["dct:temporal"]["dcat:endDate"]["@value"];
    CHECK((start == "2020-01-01" || start == "2021-01-01"));
    CHECK(end == "2022-12-31");
    REQUIRE(d["dcat:distribution"].size() == 1);
    const auto& dist = d["dcat:distribution"][0];
    const std::string file = dist["dcat:accessURL"]["@id"];
    CHECK(dist["dcat:downloadURL"]["@id"] == file);
    CHECK(std::filesystem::is_regular_file(std::filesystem::path(out) / file));
    const std::string format = dist["dct:format"]["@id"];
    const bool csv = file.size() > 4 && file.substr(file.size() - 4) == ".csv";
    CHECK(format == std::string("http://publications.europa.eu/resource/authority/file-type/") +
                        (csv ? "CSV" : "GEOJSON"));
    CHECK(dist["dcat:mediaType"] == (csv ? "text/csv" : "application/geo+json"));
    CHECK(dist["dct:license"]["@id"] == d["dct:license"]["@id"]);
    described.insert(file);
  }
  std::set<std::string> expected;
  for (const auto& [name, text] : csv_tables(ws)) expected.insert(name);
  expected.insert("places.geojson");
  expected.insert("actions.geojson");
  CHECK(described == expected);
  // Plans start in 2021; statistics, and so the other datasets, in 2020.
  const std::set<std::string> from_plans = {"plans.csv", "actions.csv", "budget_lines.csv", "progress.csv", "targets.csv",
                                            "actions.geojson"};
  for (const auto& d : datasets) {
    const std::string file = d["dcat:distribution"][0]["dcat:accessURL"]["@id"];
    const std::string start = d["dct:temporal"]["dcat:startDate"]["@value"];
    CHECK(start == (from_plans.count(file) ? "2021-01-01" : "2020-01-01"));
  }
}

TEST_CASE("the catalogue can be told its publisher and base URL", "[opendata]") {
  const Workspace ws = family();
  CatalogOptions options;
  options.publisher_name = "Regione di prova";
  options.publisher_id = "r_prova";
  options.base_url = "https://dati.example.it/piani/";
  options.modified = "2024-01-31";
  const json catalog = dcat_catalog(*ws.model(), {"plans.csv", "unknown.txt"}, options);
  REQUIRE(catalog["dcat:dataset"].size() == 1);
  const auto& d = catalog["dcat:dataset"][0];
  CHECK(d["dct:identifier"] == "r_prova:plans");
  CHECK(d["dct:publisher"]["foaf:name"] == "Regione di prova");
  CHECK(d["dct:modified"]["@value"] == "2024-01-31");
  CHECK(d["dcat:distribution"][0]["dcat:accessURL"]["@id"] ==
        "https://dati.example.it/piani/plans.csv");
}

TEST_CASE("the bundle format writes bundle.json; other formats are refused", "[opendata]") {
  const Workspace ws = family();
  TempDir dir;
  ws.export_open_data(dir.file("out"), "bundle");
  const json bundle = read_json_file(dir.file("out/bundle.json"));
  CHECK(read_bundle(bundle) == *ws.model());
  const json catalog = json::parse(read_text(dir.path() / "out" / "catalog.jsonld"));
  REQUIRE(catalog["dcat:dataset"].size() == 1);
  CHECK(catalog["dcat:dataset"][0]["dcat:distribution"][0]["dct:format"]["@id"] ==
        "http://publications.europa.eu/resource/authority/file-type/JSON");
  CHECK_THROWS_AS(ws.export_open_data(dir.file("x"), "xml"), ValidationError);
  CHECK_THROWS_WITH(ws.export_open_data(dir.file("x"), "xml"),
                    Catch::Contains("bundle, csv, geojson"));
}
