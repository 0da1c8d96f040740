// SPDX-License-Identifier: Apache-2.0
// The open-data export of a workspace: the model's tables with indicator values and
// certification outcomes (docs/open-data.md).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "civicplan/opendata.hpp"
#include "civicplan/workspace.hpp"
#include "io/opendata_tables.hpp"

namespace civicplan {

namespace {

std::string certification_csv(const Workspace& ws) {
  detail::CsvTable t{"scheme", "year",   "version",    "body",
          "passed", "points", "min_points", "missing_mandatory"};
  const auto years = detail::data_years(*ws.model());
  for (const auto& ruleset : ws.rulesets()) {
    for (int year : years) {
      if (!ruleset.version_for(year)) continue;
      const auto table = ws.certify_all(ruleset.id, year);
      for (const auto& r : table.reports()) {
        t.cell(ruleset.id)
            .cell(year)
            .cell(r.version)
            .cell(r.body)
            .cell(r.passed ? "true" : "false");
        t.cell(detail::csv_number(r.points))
            .cell(r.min_points ? detail::csv_number(*r.min_points) : "")
            .cell(detail::joined(r.missing_mandatory));
        t.end_row();
      }
    }
  }
  return t.text();
}

}  // namespace

std::map<std::string, std::string> csv_tables(const Workspace& ws) {
  std::map<std::string, std::string> out = detail::model_csv_tables(*ws.model());
  out["indicator_values.csv"] = ws.compute_indicators().to_csv();
  out["certification_outcomes.csv"] = certification_csv(ws);
  return out;
}

std::vector<std::string> write_csv_tables(const Workspace& ws, const std::string& dir) {
  const auto path = detail::make_dir(dir);
  std::vector<std::string> written;
  for (const auto& [name, text] : csv_tables(ws)) {
    detail::write_file(path / name, text);
    written.push_back(name);
  }
  return written;
}

void Workspace::export_open_data(const std::string& dir, const std::string& format) const {
  if (format == "csv") {
    write_csv_tables(*this, dir);
  } else if (format == "geojson") {
    write_geojson(*model(), dir);
  } else if (format == "bundle") {
    export_bundle_file((detail::make_dir(dir) / "bundle.json").string());
  } else {
    throw ValidationError(
        {{"format", "unknown format \"" + format + "\"; expected one of bundle, csv, geojson"}});
  }
  write_catalog(*model(), dir);
}

}  // namespace civicplan
