// SPDX-License-Identifier: Apache-2.0
// Tests of import_istat: ISTAT's list of municipalities as the national registry (DESIGN §16).
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "test_support.hpp"

using namespace civicplan;
using civicplan::test::check_issue;
using civicplan::test::describe;
using civicplan::test::issues_of;
using civicplan::test::read_text;
using civicplan::test::source_path;
using civicplan::test::TempDir;
using civicplan::test::write_text;

namespace {

const std::string kRealList = source_path("examples/data/istat_elenco_comuni_2020.csv").string();
const std::string kSmallLatin1 = source_path("tests/cases/istat_small_latin1.csv").string();
const std::string kSmallUtf8 = source_path("tests/cases/istat_small_utf8.csv").string();

// The real list's header: three lines (two quoted cells hold a line break), Latin-1, CRLF.
std::string list_header() {
  const std::string text = read_text(kSmallLatin1);
  std::size_t end = 0;
  for (int i = 0; i < 3; ++i) end = text.find("\r\n", end) + 2;
  return text.substr(0, end);
}

// A row of the list with the given codes, names and population.
std::string list_row(const std::string& region, const std::string& unit, const std::string& code,
                     const std::string& name, const std::string& population) {
  return region + ";" + unit + ";" + unit + "; " + code.substr(3) + " ;" + code + ";" + name + ";" +
         name +
         ";;2;Nord-est;Trentino-Alto Adige/S\xFC"
         "dtirol;Trento;0;TN;1;1;1;1;E565;" +
         population + ";ITH;ITH2;ITH20\r\n";
}

std::size_t count_kind(const Model& m, BodyKind kind, const std::string& prefix) {
  return static_cast<std::size_t>(std::count_if(
      m.bodies.begin(), m.bodies.end(),
      [&](const auto& kv) { return kv.second.kind == kind && kv.first.rfind(prefix, 0) == 0; }));
}

double population_total(const Model& m, int year) {
  double total = 0;
  for (const auto& [key, s] : m.statistics) {
    if (s.variable == "population" && s.year == year) total += s.value;
  }
  return total;
}

std::vector<std::string> parent_ids(const Body& b) {
  std::vector<std::string> ids;
  for (const auto& p : b.parents) ids.push_back(p.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Workspace with_family() {
  Workspace ws;
  ws.import_file(source_path("examples/data/family.json").string());
  return ws;
}

}  // namespace

TEST_CASE("import_istat reads the real list: 7,904 municipalities, 107 provinces, 20 regions",
          "[istat]") {
  Workspace ws;
  const ImportSummary summary = ws.import_istat(kRealList);
  CHECK(summary.added.at("bodies") == 7904 + 107 + 20);
  CHECK(summary.added.at("statistics") == 7904);
  CHECK(summary.replaced.empty());
  const auto model = ws.model();
  CHECK(count_kind(*model, BodyKind::kMunicipality, "") == 7904);
  CHECK(count_kind(*model, BodyKind::kProvince, "it-uts-") == 107);
  CHECK(count_kind(*model, BodyKind::kRegion, "it-reg-") == 20);
  // The municipalities' own figures, then the regions' sums over their leaves.
  CHECK(population_total(*model, 2011) == 59433744);
  double regions = 0;
  for (const auto& [id, body] : model->bodies) {
    if (body.kind == BodyKind::kRegion) regions += ws.evaluate("population", id, 2011).value_or(-1);
  }
  CHECK(regions == 59433744);
  CHECK(ws.evaluate("population", "it-reg-04", 2011) == 1029475);
  CHECK(ws.evaluate("population", "it-uts-022", 2011) == 524832);
}

TEST_CASE("import_istat gives Levico Terme its code, names, attributes and parents", "[istat]") {
  Workspace ws;
  ws.import_istat(kRealList);
  const Body levico = ws.body("022104");
  CHECK(levico.kind == BodyKind::kMunicipality);
  CHECK(levico.name == "Levico Terme");
  CHECK(parent_ids(levico) == std::vector<std::string>{"it-uts-022"});
  CHECK(levico.attributes ==
        nlohmann::json{
            {"istat", "022104"}, {"cadastral", "E565"}, {"nuts3", "ITH20"}, {"sigla", "TN"}});
  const Body trento = ws.body("it-uts-022");
  CHECK(trento.kind == BodyKind::kProvince);
  CHECK(trento.name == "Trento");
  CHECK(parent_ids(trento) == std::vector<std::string>{"it-reg-04"});
  CHECK(trento.attributes ==
        nlohmann::json{{"istat", "022"}, {"sigla", "TN"}, {"nuts2", "ITH2"}, {"nuts3", "ITH20"}});
  const Body region = ws.body("it-reg-04");
  CHECK(region.kind == BodyKind::kRegion);
  CHECK(region.name ==
        "Trentino-Alto Adige/S\xC3\xBC"
        "dtirol");
  CHECK(region.parents.empty());
  // Its two autonomous provinces are two NUTS 2 regions: the region itself has no single code.
  CHECK(region.attributes == nlohmann::json{{"istat", "04"}});
  CHECK(ws.body("it-reg-12").attributes == nlohmann::json{{"istat", "12"}, {"nuts2", "ITI4"}});
  CHECK(ws.body("001001").name == "Agli\xC3\xA8");
  CHECK(ws.model()->statistics.at({"022104", "population", 2011}).value == 7516);
}

TEST_CASE("import_istat reads Latin-1 and UTF-8 copies of a list alike", "[istat]") {
  Workspace latin1, utf8;
  latin1.import_istat(kSmallLatin1);
  utf8.import_istat(kSmallUtf8);
  CHECK(latin1.export_bundle() == utf8.export_bundle());
  CHECK(latin1.body("021008").name == "Bolzano");
  CHECK(latin1.body("it-uts-021").name == "Bolzano/Bozen");
  CHECK(latin1.body("007003").name == "Aosta");
  CHECK(latin1.body("it-reg-02").name ==
        "Valle d'Aosta/Vall\xC3\xA9"
        "e d'Aoste");
}

TEST_CASE("import_istat reads thousands dots and codes padded with spaces", "[istat]") {
  TempDir dir;
  const std::string file = dir.file("padded.csv");
  write_text(
      file,
      list_header() +
          " 04 ; 022 ;022; 104 ; 022104 ;Levico Terme;Levico Terme;;2;Nord-est;"
          "Trentino-Alto Adige/S\xFC"
          "dtirol;Trento;0; TN ;22104;22104;22104;22104; E565 ; 7.516 ;ITH; ITH2 ; ITH20 \r\n" +
          list_row("04", "022", "022205", "Trento", "114.198") +
          list_row("04", "022", "022999", "Grande", "1.234.567") +
          list_row("04", "022", "022998", "Piccolo", "462"));
  Workspace ws;
  ws.import_istat(file);
  const auto& stats = ws.model()->statistics;
  CHECK(stats.at({"022104", "population", 2011}).value == 7516);
  CHECK(stats.at({"022205", "population", 2011}).value == 114198);
  CHECK(stats.at({"022999", "population", 2011}).value == 1234567);
  CHECK(stats.at({"022998", "population", 2011}).value == 462);
  CHECK(ws.body("022104").attributes.at("cadastral") == "E565");
  CHECK(ws.body("022104").attributes.at("sigla") == "TN");
  CHECK(parent_ids(ws.body("022104")) == std::vector<std::string>{"it-uts-022"});
  CHECK(parent_ids(ws.body("it-uts-022")) == std::vector<std::string>{"it-reg-04"});
}

TEST_CASE("import_istat takes the census year from the population column's name", "[istat]") {
  TempDir dir;
  const std::string file = dir.file("2021.csv");
  std::string header = list_header();
  header.replace(header.find("Popolazione legale 2011 (09/10/2011)"), 36,
                 "Popolazione legale 2021(1)");
  write_text(file, header + list_row("04", "022", "022104", "Levico Terme", "7.900"));
  Workspace ws;
  ws.import_istat(file);
  CHECK(ws.model()->statistics.count({"022104", "population", 2021}) == 1);
  CHECK(ws.model()->statistics.count({"022104", "population", 2011}) == 0);
}

TEST_CASE("import_istat reports every bad row as FILE:LINE and writes nothing", "[istat]") {
  Workspace ws = with_family();
  const auto before = ws.export_bundle();
  const std::string file = source_path("tests/cases/istat_bad_rows.csv").string();
  const auto issues = issues_of([&] { ws.import_istat(file); });
  INFO(describe(issues));
  // The header takes lines 1-3; rows start at line 4.
  CHECK(issues.size() == 5);
  check_issue(issues, file + ":5", "expected 23 fields as in the header, got 20");
  check_issue(issues, file + ":6", "expected the legal population as a whole number");
  check_issue(issues, file + ":6", "\"34,1\"");
  check_issue(issues, file + ":7", "expected the municipality code as 6 digits");
  check_issue(issues, file + ":8", "duplicate municipality 001001 (first at line 4)");
  check_issue(issues, file + ":9", "expected the region code as 2 digits");
  CHECK(ws.export_bundle() == before);
}

TEST_CASE("import_istat names missing and misspelled header columns", "[istat]") {
  Workspace ws;
  const std::string file = source_path("tests/cases/istat_bad_header.csv").string();
  const auto issues = issues_of([&] { ws.import_istat(file); });
  INFO(describe(issues));
  CHECK(issues.size() == 2);
  check_issue(issues, file + ":1",
              "missing column \"Codice Regione\" (did you mean \"Codice Regioni\"?)");
  check_issue(issues, file + ":1", "missing column \"NUTS3\"");
  CHECK(ws.model()->empty());
}

TEST_CASE("import_istat refuses files that are not the list", "[istat]") {
  TempDir dir;
  Workspace ws;
  const auto only = [&](const std::string& name, const std::string& text, const std::string& line,
                        const std::string& keyword) {
    const std::string file = dir.file(name);
    write_text(file, text);
    const auto issues = issues_of([&] { ws.import_istat(file); });
    INFO(describe(issues));
    CHECK(issues.size() == 1);
    check_issue(issues, file + ":" + line, keyword);
  };
  only("empty.csv", "", "1", "empty file");
  only("header.csv", list_header(), "1", "no municipality rows after the header");
  only("statistics.csv", "body,year,variable,value\n022104,2011,population,7516\n", "1",
       "expected the header of ISTAT's list of municipalities");
  std::string no_year = list_header();
  no_year.replace(no_year.find("Popolazione legale 2011 (09/10/2011)"), 36, "Popolazione legale");
  only("no-year.csv", no_year + list_row("04", "022", "022104", "Levico Terme", "7.516"), "1",
       "names no census year");
  only("bad-dots.csv", list_header() + list_row("04", "022", "022104", "Levico Terme", "75.16"),
       "4", "got \"75.16\"");
  std::string other_name = list_row("04", "022", "022205", "Trento", "114.198");
  other_name.replace(other_name.find(";Trento;0;"), 10, ";Trient;0;");
  only("two-names.csv",
       list_header() + list_row("04", "022", "022104", "Levico Terme", "7.516") + other_name, "5",
       "supra-municipal unit 022 is \"Trento\" (TN) in region 04 at line 4, here \"Trient\" (TN) "
       "in region 04");
  CHECK(ws.model()->empty());
}

TEST_CASE("import_istat keeps the memberships and attributes it does not manage", "[istat]") {
  Workspace ws = with_family();
  ws.import_istat(kSmallLatin1);
  Body levico = ws.body("022104");
  CHECK(parent_ids(levico) ==
        std::vector<std::string>{"distretto-famiglia-trentino-nord", "it-uts-022", "pat"});
  CHECK(levico.attributes.at("codice_istat") == "022104");
  CHECK(levico.attributes.at("istat") == "022104");
  CHECK(levico.location.has_value());
  // Added after the first import: a union membership and an attribute; then the list again,
  // with Levico Terme moved to another unit.
  nlohmann::json update = {
      {"format", "civicplan-bundle"},
      {"version", 1},
      {"bodies",
       {{{"id", "comunita-alta-valsugana"}, {"kind", "union"}, {"name", "Comunit\xC3\xA0"}}}}};
  nlohmann::json row = nlohmann::json(levico);
  row["parents"].push_back({{"id", "comunita-alta-valsugana"}, {"from", 2010}});
  row["attributes"]["sito"] = "www.comune.levico-terme.tn.it";
  update["bodies"].push_back(row);
  ws.import_bundle(update);
  TempDir dir;
  const std::string moved = dir.file("moved.csv");
  write_text(moved, list_header() + list_row("04", "021", "022104", "Levico Terme", "7.600"));
  ws.import_istat(moved);
  levico = ws.body("022104");
  CHECK(parent_ids(levico) == std::vector<std::string>{"comunita-alta-valsugana",
                                                       "distretto-famiglia-trentino-nord",
                                                       "it-uts-021", "pat"});
  CHECK(levico.attributes.at("sito") == "www.comune.levico-terme.tn.it");
  CHECK(levico.attributes.at("comunita_di_valle") == "Comunit\xC3\xA0 Alta Valsugana e Bersntol");
  CHECK(ws.model()->statistics.at({"022104", "population", 2011}).value == 7600);
  // The family data's own population figures of later years stay.
  CHECK(ws.model()->statistics.count({"022104", "population", 2022}) == 1);
}

TEST_CASE("import_istat twice changes nothing the second time", "[istat]") {
  TempDir dir;
  const std::string db = dir.file("registry.db");
  {
    Workspace ws = Workspace::open(db);
    ws.import_file(source_path("examples/data/family.json").string());
    ws.import_istat(kSmallLatin1);
  }
  Workspace ws = Workspace::open(db);
  const auto before = ws.export_bundle();
  const auto audit = ws.audit_log().size();
  const ImportSummary again = ws.import_istat(kSmallUtf8);
  CHECK(again.added.empty());
  CHECK(again.replaced.empty());
  CHECK(ws.export_bundle() == before);
  CHECK(ws.audit_log().size() == audit);
}

TEST_CASE("import_istat records one audit entry with what it read and changed", "[istat]") {
  Workspace ws = with_family();
  const ImportSummary summary = ws.import_istat(kSmallLatin1);
  // 12 bodies of the family data are Trentino's; 2 of them are in the list and change.
  CHECK(summary.added.at("bodies") == 5 + 5 + 4);
  CHECK(summary.replaced.at("bodies") == 2);
  CHECK(summary.added.at("statistics") == 7);
  const auto log = ws.audit_log(std::nullopt, std::string("registry"));
  REQUIRE(log.size() == 1);
  CHECK(log[0].operation == "import-istat");
  CHECK(log[0].detail == kSmallLatin1 +
                             ": 7 municipalities, 5 provinces, 4 regions, population 2011; "
                             "bodies +14, statistics +7, bodies ~2");
}

TEST_CASE("import_istat refuses a listed id that the workspace holds as another kind", "[istat]") {
  Workspace ws;
  ws.import_bundle({{"format", "civicplan-bundle"},
                    {"version", 1},
                    {"bodies",
                     {{{"id", "022104"}, {"kind", "union"}, {"name", "Unione"}},
                      {{"id", "it-reg-12"}, {"kind", "agency"}, {"name", "Agenzia"}}}}});
  const auto before = ws.export_bundle();
  const auto issues = issues_of([&] { ws.import_istat(kSmallLatin1); });
  INFO(describe(issues));
  CHECK(issues.size() == 2);
  check_issue(
      issues, kSmallLatin1 + ":8",
      "body \"022104\" is of kind union in the workspace; ISTAT's list makes it a municipality");
  check_issue(issues, kSmallLatin1 + ":10", "body \"it-reg-12\" is of kind agency");
  CHECK(ws.export_bundle() == before);
}

TEST_CASE("import_istat through a user view needs the admin role", "[istat]") {
  Workspace ws = with_family();
  const auto before = ws.export_bundle();
  CHECK_THROWS_AS(ws.as_user("u-pergine-editor").import_istat(kSmallLatin1), PermissionError);
  CHECK_THROWS_WITH(
      ws.as_user("u-pat-revisore").import_istat(kSmallLatin1),
      Catch::Contains("may not import the national registry") && Catch::Contains("admin role"));
  CHECK(ws.export_bundle() == before);
  Workspace admin = ws.as_user("u-agenzia-admin");
  CHECK(admin.import_istat(kSmallLatin1).added.at("statistics") == 7);
  CHECK(ws.audit_log(std::nullopt, std::string("registry")).at(0).user == "u-agenzia-admin");
}

TEST_CASE("import_istat of a missing file is a NotFoundError", "[istat]") {
  Workspace ws;
  CHECK_THROWS_AS(ws.import_istat(source_path("tests/cases/no-such-list.csv").string()),
                  NotFoundError);
}
