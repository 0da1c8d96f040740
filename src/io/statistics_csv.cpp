// SPDX-License-Identifier: Apache-2.0
// The statistics CSV reader (body,year,variable,value), RFC 4180 quoting.
#include <cmath>
#include <cstdlib>
#include <map>

#include "civicplan/bundle.hpp"
#include "io/csv.hpp"
#include "io/statistics_csv.hpp"
#include "io/json_reader.hpp"

namespace civicplan {

namespace detail {

std::vector<std::pair<Statistic, int>> read_statistics_csv_lines(const std::string& text, const std::string& source) {
  std::vector<Issue> issues;
  const std::string decoded = decode_csv_text(text, source, CsvEncoding::kUtf8, issues);
  if (!issues.empty()) throw ValidationError(std::move(issues));
  auto records = split_csv(decoded, source, ',', issues);
  std::vector<std::pair<Statistic, int>> out;
  if (records.empty()) {
    issues.push_back({source + ":1", "empty file: expected a header body,year,variable,value"});
    throw ValidationError(std::move(issues));
  }
  const std::vector<std::string> columns = {"body", "year", "variable", "value"};
  std::map<std::string, std::size_t> position;
  const auto& header = records.front();
  const std::string header_path = source + ":" + std::to_string(header.line);
  for (std::size_t k = 0; k < header.fields.size(); ++k) {
    const std::string name = trim_cell(header.fields[k]);
    bool known = false;
    for (const auto& c : columns) known = known || c == name;
    if (!known) {
      issues.push_back({header_path, "unknown column " + detail::quote(name) + detail::did_you_mean(name, columns)});
    } else if (!position.emplace(name, k).second) {
      issues.push_back({header_path, "duplicate column " + detail::quote(name)});
    }
  }
  for (const auto& c : columns) {
    if (!position.count(c)) issues.push_back({header_path, "missing column " + detail::quote(c)});
  }
  if (!issues.empty()) throw ValidationError(std::move(issues));

  std::map<std::tuple<std::string, std::string, int>, int> seen;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    const std::string path = source + ":" + std::to_string(rec.line);
    if (rec.fields.size() != header.fields.size()) {
      issues.push_back({path, "expected " + std::to_string(header.fields.size()) + " fields, got " +
                                  std::to_string(rec.fields.size())});
      continue;
    }
    Statistic s;
    bool ok = true;
    s.body = trim_cell(rec.fields[position["body"]]);
    s.variable = trim_cell(rec.fields[position["variable"]]);
    if (s.body.empty()) {
      issues.push_back({path, "body is empty"});
      ok = false;
    }
    if (s.variable.empty()) {
      issues.push_back({path, "variable is empty"});
      ok = false;
    }
    const std::string year = trim_cell(rec.fields[position["year"]]);
    char* end = nullptr;
    long y = std::strtol(year.c_str(), &end, 10);
    if (year.empty() || *end != '\0' || y < kMinYear || y > kMaxYear) {
      issues.push_back({path, "expected a year from " + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear) +
                                  ", got " + detail::quote(year)});
      ok = false;
    }
    s.year = static_cast<int>(y);
    const std::string value = trim_cell(rec.fields[position["value"]]);
    end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(v) || value.find_first_of("xXpP") != std::string::npos) {
      issues.push_back({path, "expected a number (dot as decimal separator), got " + detail::quote(value)});
      ok = false;
    }
    s.value = v;
    if (!ok) continue;
    auto [it, inserted] = seen.emplace(std::make_tuple(s.body, s.variable, s.year), rec.line);
    if (!inserted) {
      issues.push_back({path, "duplicate row for " + s.body + "," + std::to_string(s.year) + "," + s.variable +
                                  " (first at line " + std::to_string(it->second) + ")"});
      continue;
    }
    out.emplace_back(std::move(s), rec.line);
  }
  if (!issues.empty()) throw ValidationError(std::move(issues));
  return out;
}

}  // namespace detail

std::vector<Statistic> read_statistics_csv(const std::string& text, const std::string& source) {
  std::vector<Statistic> out;
  for (auto& row : detail::read_statistics_csv_lines(text, source)) out.push_back(std::move(row.first));
  return out;
}

}  // namespace civicplan
