// SPDX-License-Identifier: Apache-2.0
// Open-data export: CSV tables, GeoJSON maps and a DCAT-AP_IT catalogue (docs/open-data.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"
#include "civicplan/model.hpp"

namespace civicplan {

class Workspace;

/// One file of the open-data export and how the catalogue describes it.
struct OpenDataFile {
  std::string name;         ///< "actions.csv"
  std::string title;        ///< dct:title
  std::string description;  ///< dct:description
  std::string theme;        ///< EU data theme code: SOCI, GOVE, ECON, REGI
  std::string format;       ///< EU file type: CSV, GEOJSON, JSON
  std::string media_type;   ///< "text/csv"
};

/// Every file the export can write, in a stable order: the CSV tables, the two GeoJSON
/// files and the bundle.
CIVICPLAN_API const std::vector<OpenDataFile>& open_data_files();

/// What the catalogue says about the whole export.
struct CatalogOptions {
  std::optional<std::string> title;  ///< default: "Piani e azioni — dati aperti"
  std::optional<std::string> description;
  /// The publisher (dct:publisher and rightsHolder). Default: the first agency of the model by
  /// id, else the first region, else the first province; else "civicplan".
  std::optional<std::string> publisher_name;
  std::optional<std::string> publisher_id;
  /// Prefix of the access and download URLs ("https://dati.example.it/piani/"); default none,
  /// so URLs are the file names, relative to the catalogue.
  std::string base_url;
  /// dct:modified, YYYY-MM-DD; default today (UTC).
  std::optional<std::string> modified;
};

/// The CSV tables of a workspace, file name -> text: bodies, memberships, categories, plans,
/// actions, budget_lines (approved and archived plans only), indicator_values (every indicator,
/// body and year) and certification_outcomes (every ruleset, every year the workspace holds
/// data for and a version of the ruleset is in force). Header row, RFC 4180 quoting, LF line
/// ends, UTF-8; amounts in euros with two decimals.
CIVICPLAN_API std::map<std::string, std::string> csv_tables(const Workspace& ws);
/// The places as a GeoJSON FeatureCollection (RFC 7946: coordinates are [lon, lat]).
CIVICPLAN_API nlohmann::json places_geojson(const Model& model);
/// The actions of approved and archived plans that have a location, as a FeatureCollection.
CIVICPLAN_API nlohmann::json actions_geojson(const Model& model);
/// A DCAT-AP_IT catalogue (JSON-LD) with one dataset per file name of `files` (names from
/// open_data_files(); others are ignored).
CIVICPLAN_API nlohmann::json dcat_catalog(const Model& model, const std::vector<std::string>& files,
                                          const CatalogOptions& options = {});

/// Writes the CSV tables into `dir` (created if absent); returns the file names written.
/// Throws StorageError when a file cannot be written.
CIVICPLAN_API std::vector<std::string> write_csv_tables(const Workspace& ws,
                                                        const std::string& dir);
/// Writes places.geojson and actions.geojson into `dir`; returns the file names written.
CIVICPLAN_API std::vector<std::string> write_geojson(const Model& model, const std::string& dir);
/// Writes `dir`/catalog.jsonld describing every file of open_data_files() present in `dir`.
CIVICPLAN_API void write_catalog(const Model& model, const std::string& dir,
                                 const CatalogOptions& options = {});

}  // namespace civicplan
