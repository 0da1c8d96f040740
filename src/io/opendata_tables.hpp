// SPDX-License-Identifier: Apache-2.0
// The pieces of the open-data export that the workspace's tables share with the model's.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "civicplan/model.hpp"

namespace civicplan::detail {

/// One CSV table built row by row (RFC 4180 quoting).
class CsvTable {
 public:
  explicit CsvTable(std::initializer_list<const char*> header) {
    for (const char* h : header) cell(h);
    end_row();
  }
  CsvTable& cell(const std::string& value) {
    if (!first_) out_ << ',';
    first_ = false;
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
      out_ << value;
    } else {
      out_ << '"';
      for (char c : value) out_ << (c == '"' ? "\"\"" : std::string(1, c));
      out_ << '"';
    }
    return *this;
  }
  CsvTable& cell(const char* value) { return cell(std::string(value)); }
  CsvTable& cell(const std::optional<std::string>& value) {
    return cell(value.value_or(std::string()));
  }
  CsvTable& cell(int value) { return cell(std::to_string(value)); }
  void end_row() {
    out_ << '\n';
    first_ = true;
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  bool first_ = true;
};

/// Items joined with ";", as the CSV tables list them.
std::string joined(const std::vector<std::string>& items);
/// A number as the CSV tables write it: the shortest text that reads back exactly.
std::string csv_number(double v);
/// Every year a plan's period or a budget line names.
std::set<int> data_years(const Model& m);
/// The tables computed from the model alone (bodies, memberships, categories, plans, actions,
/// budget lines), by file name.
std::map<std::string, std::string> model_csv_tables(const Model& m);
/// Writes `text` to `path` through a temporary file renamed over it (StorageError on failure).
void write_file(const std::filesystem::path& path, const std::string& text);
/// Creates `dir` and its parents when missing (StorageError on failure).
std::filesystem::path make_dir(const std::string& dir);


}  // namespace civicplan::detail
