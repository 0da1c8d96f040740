// SPDX-License-Identifier: Apache-2.0
// Open-data export: CSV tables, GeoJSON maps and a DCAT-AP_IT catalogue (docs/open-data.md).
#include "civicplan/opendata.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "base/text.hpp"
#include "civicplan/error.hpp"
#include "io/opendata_tables.hpp"

namespace civicplan {

namespace {

using json = nlohmann::json;
using detail::CsvTable;
using detail::joined;

std::string number(double v) { return detail::csv_number(v); }

constexpr const char* kThemeBase = "http://publications.europa.eu/resource/authority/data-theme/";
constexpr const char* kFileTypeBase = "http://publications.europa.eu/resource/authority/file-type/";
constexpr const char* kLicense =
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0";
constexpr const char* kFrequency =
    "http://publications.europa.eu/resource/authority/frequency/IRREG";
constexpr const char* kLanguage = "http://publications.europa.eu/resource/authority/language/ITA";

bool published(const Plan& p) {
  return p.status == PlanStatus::kApproved || p.status == PlanStatus::kArchived;
}

std::string money(const std::optional<Money>& m) { return m ? m->to_string() : ""; }
std::string date(const std::optional<Date>& d) { return d ? d->to_string() : ""; }

std::string body_name(const Model& m, const std::string& id) {
  auto it = m.bodies.find(id);
  return it == m.bodies.end() ? "" : it->second.name;
}

std::string category_label(const Model& m, const std::string& ref) {
  auto c = CategoryRef::parse(ref);
  if (!c) return ref;
  auto t = m.taxonomies.find(c->taxonomy);
  if (t == m.taxonomies.end() || !t->second.contains(c->code)) return ref;
  return t->second.node(c->code).label;
}

std::vector<std::string> category_labels(const Model& m, const std::vector<std::string>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(category_label(m, r));
  return out;
}

std::string bodies_csv(const Model& m) {
  CsvTable t{"id", "kind", "name", "lat", "lon"};
  for (const auto& [id, b] : m.bodies) {
    t.cell(id).cell(to_string(b.kind)).cell(b.name);
    t.cell(b.location ? number(b.location->lat) : "")
        .cell(b.location ? number(b.location->lon) : "");
    t.end_row();
  }
  return t.text();
}

std::string memberships_csv(const Model& m) {
  CsvTable t{"body", "parent", "from", "to"};
  for (const auto& [id, b] : m.bodies) {
    for (const auto& p : b.parents) {
      t.cell(id)
          .cell(p.id)
          .cell(p.from ? std::to_string(*p.from) : "")
          .cell(p.to ? std::to_string(*p.to) : "");
      t.end_row();
    }
  }
  return t.text();
}

std::string categories_csv(const Model& m) {
  CsvTable t{"taxonomy", "code", "label", "parents", "depth"};
  for (const auto& [id, tax] : m.taxonomies) {
    for (const auto& n : tax.nodes()) {
      t.cell(id).cell(n.code).cell(n.label).cell(joined(n.parents)).cell(tax.depth(n.code));
      t.end_row();
    }
  }
  return t.text();
}

std::string plans_csv(const Model& m) {
  CsvTable t{"id",           "body",     "kind",    "title",    "period_from",
          "period_to",    "status",   "variant", "based_on", "approval_date",
          "approval_act", "revision", "actions"};
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    t.cell(id).cell(p.body).cell(p.kind).cell(p.title).cell(p.period.from).cell(p.period.to);
    t.cell(to_string(p.status)).cell(to_string(p.variant)).cell(p.based_on);
    t.cell(p.approval ? p.approval->date.to_string() : "").cell(p.approval ? p.approval->act : "");
    t.cell(std::to_string(p.revision)).cell(static_cast<int>(p.actions.size()));
    t.end_row();
  }
  return t.text();
}

std::string actions_csv(const Model& m) {
  CsvTable t{
      "plan",      "action", "body",    "title", "description", "categories",  "category_labels",
      "objective", "status", "horizon", "start", "end",         "responsible", "lat",
      "lon",       "tags",   "planned", "actual"};
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    for (const auto& a : p.actions) {
      std::optional<Money> planned, actual;
      for (const auto& line : a.budget) {
        if (line.planned) planned = planned.value_or(Money{}) + *line.planned;
        if (line.actual) actual = actual.value_or(Money{}) + *line.actual;
      }
      t.cell(id)
          .cell(a.id)
          .cell(p.body)
          .cell(a.title)
          .cell(a.description)
          .cell(joined(a.categories));
      t.cell(joined(category_labels(m, a.categories))).cell(a.objective).cell(to_string(a.status));
      t.cell(a.horizon ? to_string(*a.horizon) : "")
          .cell(date(a.start))
          .cell(date(a.end))
          .cell(a.responsible);
      t.cell(a.location ? number(a.location->lat) : "")
          .cell(a.location ? number(a.location->lon) : "");
      t.cell(joined(a.tags)).cell(money(planned)).cell(money(actual));
      t.end_row();
    }
  }
  return t.text();
}

std::string budget_lines_csv(const Model& m) {
  CsvTable t{"plan", "action", "body", "year", "source", "planned", "actual"};
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    for (const auto& a : p.actions) {
      for (const auto& line : a.budget) {
        t.cell(id)
            .cell(a.id)
            .cell(p.body)
            .cell(line.year)
            .cell(line.source)
            .cell(money(line.planned));
        t.cell(money(line.actual));
        t.end_row();
      }
    }
  }
  return t.text();
}

std::string progress_csv(const Model& m) {
  CsvTable t{"plan", "action", "body", "date", "completion", "note"};
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    for (const auto& a : p.actions) {
      for (const auto& e : a.progress) {
        t.cell(id).cell(a.id).cell(p.body).cell(e.date.to_string()).cell(number(e.completion)).cell(e.note);
        t.end_row();
      }
    }
  }
  return t.text();
}

std::string targets_csv(const Model& m) {
  CsvTable t{"plan", "action", "body", "metric", "unit", "baseline", "target", "actual"};
  auto value = [](const std::optional<double>& v) { return v ? number(*v) : std::string(); };
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    for (const auto& a : p.actions) {
      for (const auto& target : a.targets) {
        t.cell(id).cell(a.id).cell(p.body).cell(target.metric).cell(target.unit);
        t.cell(value(target.baseline)).cell(value(target.target)).cell(value(target.actual));
        t.end_row();
      }
    }
  }
  return t.text();
}

// Years the workspace holds data for: plan periods, budget lines, statistics, cases, ledger.
std::set<int> plan_years(const Model& m) {
  std::set<int> years;
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    for (int y = p.period.from; y <= p.period.to; ++y) years.insert(y);
    for (const auto& a : p.actions) {
      for (const auto& line : a.budget) years.insert(line.year);
    }
  }
  return years;
}

json point(const Location& l) { return {{"type", "Point"}, {"coordinates", {l.lon, l.lat}}}; }

json feature_collection(json features) {
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
#if defined(_WIN32)
  gmtime_s(&utc, &now);
#else
  gmtime_r(&now, &utc);
#endif
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday);
  return text;
}

json typed_date(const std::string& d) { return {{"@value", d}, {"@type", "xsd:date"}}; }

// The publisher: named in the options, else the model's agency, region or province.
json publisher(const Model& m, const CatalogOptions& options) {
  std::string name = "civicplan", id = "civicplan";
  for (auto kind : {BodyKind::kAgency, BodyKind::kRegion, BodyKind::kProvince}) {
    auto it = std::find_if(m.bodies.begin(), m.bodies.end(),
                           [&](const auto& kv) { return kv.second.kind == kind; });
    if (it != m.bodies.end()) {
      name = it->second.name;
      id = it->first;
      break;
    }
  }
  if (options.publisher_name) name = *options.publisher_name;
  if (options.publisher_id) id = *options.publisher_id;
  return {{"@type", {"foaf:Agent", "dcatapit:Agent"}}, {"foaf:name", name}, {"dct:identifier", id}};
}

}  // namespace

namespace detail {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ";") + item;
  return out;
}

std::string csv_number(double v) { return format_number(v, -1); }

std::set<int> data_years(const Model& m) {
  std::set<int> years;
  for (const auto& [id, p] : m.plans) {
    for (int y = p.period.from; y <= p.period.to; ++y) years.insert(y);
    for (const auto& a : p.actions) {
      for (const auto& line : a.budget) years.insert(line.year);
    }
  }
  for (const auto& [key, s] : m.statistics) years.insert(s.year);
  for (const auto& [id, c] : m.cases) {
    years.insert(c.opened.year);
    if (c.closed) years.insert(c.closed->year);
  }
  for (const auto& [key, l] : m.ledger) years.insert(l.year);
  return years;
}

// Years of the published plans' periods and budget lines.
void write_file(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw StorageError("cannot write " + tmp.string());
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw StorageError("cannot write " + tmp.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw StorageError("cannot replace " + path.string());
  }
}

std::filesystem::path make_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec)) throw StorageError("cannot create directory " + dir);
  return std::filesystem::path(dir);
}

std::map<std::string, std::string> model_csv_tables(const Model& m) {
  std::map<std::string, std::string> out;
  out["bodies.csv"] = bodies_csv(m);
  out["memberships.csv"] = memberships_csv(m);
  out["categories.csv"] = categories_csv(m);
  out["plans.csv"] = plans_csv(m);
  out["actions.csv"] = actions_csv(m);
  out["budget_lines.csv"] = budget_lines_csv(m);
  out["progress.csv"] = progress_csv(m);
  out["targets.csv"] = targets_csv(m);
  return out;
}

}  // namespace detail

const std::vector<OpenDataFile>& open_data_files() {
  static const std::vector<OpenDataFile> files = {
      {"bodies.csv", "Enti",
       "Enti pubblici (comuni, unioni, distretti, province, regioni, agenzie) con tipo, nome e "
       "coordinate della sede.",
       "GOVE", "CSV", "text/csv"},
      {"memberships.csv", "Appartenenze degli enti",
       "Appartenenza di ogni ente agli enti di livello superiore "
       "(unione, distretto, provincia), con gli anni di validità.",
       "GOVE", "CSV", "text/csv"},
      {"categories.csv", "Tassonomie delle azioni",
       "Codici delle tassonomie con cui sono classificate le azioni "
       "dei piani: etichetta, codici padre e livello.",
       "SOCI", "CSV", "text/csv"},
      {"plans.csv", "Piani approvati",
       "Piani approvati e archiviati degli enti (piani famiglia, piani di zona, "
       "agende digitali): periodo, stato, variante e atto di approvazione.",
       "SOCI", "CSV", "text/csv"},
      {"actions.csv", "Azioni dei piani",
       "Azioni dei piani approvati e archiviati con categorie, obiettivo, stato, "
       "responsabile, localizzazione e totali di bilancio in euro.",
       "SOCI", "CSV", "text/csv"},
      {"budget_lines.csv", "Bilancio delle azioni",
       "Risorse previste e rendicontate per azione, anno e fonte di "
       "finanziamento, in euro con due decimali.",
       "ECON", "CSV", "text/csv"},
      {"progress.csv", "Stato di avanzamento delle azioni",
       "Valutazioni datate dell'avanzamento di ogni azione dei piani approvati e archiviati, "
       "in percentuale di completamento (0-100), con una nota.",
       "SOCI", "CSV", "text/csv"},
      {"targets.csv", "Obiettivi misurabili delle azioni",
       "Indicatori di risultato delle azioni: metrica, unità, valore di partenza, valore "
       "obiettivo e valore raggiunto.",
       "SOCI", "CSV", "text/csv"},
      {"indicator_values.csv", "Valori degli indicatori",
       "Indicatori calcolati per ente e anno, con l'esito "
       "rispetto al valore obiettivo.",
       "SOCI", "CSV", "text/csv"},
      {"certification_outcomes.csv", "Esiti della certificazione",
       "Esito della valutazione di ogni ente secondo "
       "i disciplinari di certificazione, per anno: superata o no, punti, punti richiesti, "
       "requisiti obbligatori "
       "mancanti.",
       "GOVE", "CSV", "text/csv"},
      {"places.geojson", "Luoghi family friendly",
       "Punti e infrastrutture per le famiglie (fasciatoi, parchi "
       "gioco, parcheggi rosa, biblioteche) come FeatureCollection GeoJSON.",
       "REGI", "GEOJSON", "application/geo+json"},
      {"actions.geojson", "Azioni localizzate",
       "Azioni dei piani approvati e archiviati che hanno una "
       "localizzazione, come FeatureCollection GeoJSON.",
       "REGI", "GEOJSON", "application/geo+json"},
      {"bundle.json", "Bundle civicplan",
       "L'intero spazio di lavoro nel formato di interscambio civicplan "
       "(civicplan-bundle, versione 1).",
       "GOVE", "JSON", "application/json"},
  };
  return files;
}

json places_geojson(const Model& m) {
  json features = json::array();
  for (const auto& [id, p] : m.places) {
    json props = {{"id", id},
                  {"name", p.name},
                  {"category", p.category},
                  {"body", p.body},
                  {"body_name", body_name(m, p.body)},
                  {"address", p.address ? json(*p.address) : json()},
                  {"since", p.since ? json(p.since->to_string()) : json()}};
    features.push_back(
        {{"type", "Feature"}, {"id", id}, {"geometry", point(p.location)}, {"properties", props}});
  }
  return feature_collection(std::move(features));
}

json actions_geojson(const Model& m) {
  json features = json::array();
  for (const auto& [id, p] : m.plans) {
    if (!published(p)) continue;
    for (const auto& a : p.actions) {
      if (!a.location) continue;
      const std::string ref = id + "/" + a.id;
      json props = {{"action", ref},
                    {"plan", id},
                    {"plan_title", p.title},
                    {"plan_status", to_string(p.status)},
                    {"body", p.body},
                    {"body_name", body_name(m, p.body)},
                    {"title", a.title},
                    {"status", to_string(a.status)},
                    {"categories", a.categories},
                    {"category_labels", category_labels(m, a.categories)},
                    {"period_from", p.period.from},
                    {"period_to", p.period.to}};
      features.push_back({{"type", "Feature"},
                          {"id", ref},
                          {"geometry", point(*a.location)},
                          {"properties", props}});
    }
  }
  return feature_collection(std::move(features));
}

json dcat_catalog(const Model& m, const std::vector<std::string>& files,
                  const CatalogOptions& options) {
  const json agent = publisher(m, options);
  const std::string modified = options.modified.value_or(today());
  const json license = {
      {"@id", kLicense},
      {"@type", "dct:LicenseDocument"},
      {"foaf:name", "Creative Commons Attribution 4.0 International (CC BY 4.0)"}};
  const auto all_years = detail::data_years(m), published_years = plan_years(m);
  json datasets = json::array();
  for (const auto& file : open_data_files()) {
    if (std::find(files.begin(), files.end(), file.name) == files.end()) continue;
    const std::string stem = file.name.substr(0, file.name.find('.'));
    const bool from_plans = stem == "plans" || stem == "actions" || stem == "budget_lines" || stem == "progress" ||
                            stem == "targets";
    const auto& years = from_plans ? published_years : all_years;
    const std::string url = options.base_url + file.name;
    json distribution = {{"@type", {"dcat:Distribution", "dcatapit:Distribution"}},
                         {"dct:title", file.title + " (" + file.format + ")"},
                         {"dct:format", {{"@id", std::string(kFileTypeBase) + file.format}}},
                         {"dcat:mediaType", file.media_type},
                         {"dcat:accessURL", {{"@id", url}}},
                         {"dcat:downloadURL", {{"@id", url}}},
                         {"dct:license", license}};
    json dataset = {{"@id", url + "#dataset"},
                    {"@type", {"dcat:Dataset", "dcatapit:Dataset"}},
                    {"dct:identifier", agent["dct:identifier"].get<std::string>() + ":" + stem},
                    {"dct:title", file.title},
                    {"dct:description", file.description},
                    {"dct:publisher", agent},
                    {"dct:rightsHolder", agent},
                    {"dct:modified", typed_date(modified)},
                    {"dct:language", {{"@id", kLanguage}}},
                    {"dcat:theme", {{"@id", std::string(kThemeBase) + file.theme}}},
                    {"dct:accrualPeriodicity", {{"@id", kFrequency}}},
                    {"dct:license", license},
                    {"dcat:distribution", json::array({distribution})}};
    if (!years.empty()) {
      dataset["dct:temporal"] = {
          {"@type", "dct:PeriodOfTime"},
          {"dcat:startDate", typed_date(std::to_string(*years.begin()) + "-01-01")},
          {"dcat:endDate", typed_date(std::to_string(*years.rbegin()) + "-12-31")}};
    }
    datasets.push_back(std::move(dataset));
  }
  return {{"@context",
           {{"dcat", "http://www.w3.org/ns/dcat#"},
            {"dct", "http://purl.org/dc/terms/"},
            {"dcatapit", "http://dati.gov.it/onto/dcatapit#"},
            {"foaf", "http://xmlns.com/foaf/0.1/"},
            {"xsd", "http://www.w3.org/2001/XMLSchema#"}}},
          {"@id", options.base_url + "catalog.jsonld"},
          {"@type", {"dcat:Catalog", "dcatapit:Catalog"}},
          {"dct:title", options.title.value_or("Piani e azioni — dati aperti")},
          {"dct:description",
           options.description.value_or(
               "Piani degli enti pubblici, azioni classificate per tassonomia, bilanci, "
               "indicatori, esiti della certificazione e luoghi sulla mappa.")},
          {"dct:publisher", agent},
          {"dct:modified", typed_date(modified)},
          {"dct:language", {{"@id", kLanguage}}},
          {"dcat:dataset", std::move(datasets)}};
}

std::vector<std::string> write_geojson(const Model& model, const std::string& dir) {
  const auto path = detail::make_dir(dir);
  detail::write_file(path / "places.geojson",
             places_geojson(model).dump(1, ' ', false, json::error_handler_t::replace) + "\n");
  detail::write_file(path / "actions.geojson",
             actions_geojson(model).dump(1, ' ', false, json::error_handler_t::replace) + "\n");
  return {"actions.geojson", "places.geojson"};
}

void write_catalog(const Model& model, const std::string& dir, const CatalogOptions& options) {
  const auto path = detail::make_dir(dir);
  std::vector<std::string> present;
  std::error_code ec;
  for (const auto& file : open_data_files()) {
    if (std::filesystem::is_regular_file(path / file.name, ec)) present.push_back(file.name);
  }
  detail::write_file(
      path / "catalog.jsonld",
      dcat_catalog(model, present, options).dump(1, ' ', false, json::error_handler_t::replace) +
          "\n");
}

}  // namespace civicplan
