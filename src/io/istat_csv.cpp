// SPDX-License-Identifier: Apache-2.0
// ISTAT's list of municipalities as bodies and population figures, with FILE:LINE issues.
#include "io/istat_csv.hpp"

#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/text.hpp"
#include "civicplan/date.hpp"
#include "civicplan/error.hpp"
#include "io/csv.hpp"

namespace civicplan::detail {

namespace {

// The columns read, in the order of kColumnNames.
enum Column : std::size_t {
  kRegionCode,
  kUnitCode,
  kCode,
  kName,
  kRegionName,
  kUnitName,
  kSigla,
  kCadastral,
  kPopulation,
  kNuts2,
  kNuts3,
  kColumnCount
};

// Their names as column_name() leaves a header cell; the population column's name only begins
// so, since it goes on with the census year and date.
const char* const kColumnNames[kColumnCount] = {
    "Codice Regione",
    "Codice dell'Unit\xC3\xA0 territoriale sovracomunale (valida a fini statistici)",
    "Codice Comune formato alfanumerico",
    "Denominazione in italiano",
    "Denominazione regione",
    "Denominazione dell'Unit\xC3\xA0 territoriale sovracomunale (valida a fini statistici)",
    "Sigla automobilistica",
    "Codice Catastale del comune",
    "Popolazione legale",
    "NUTS2",
    "NUTS3",
};

// What a cell must look like: '9' a digit, 'A' a capital letter, 'X' either, else itself.
struct Shape {
  Column column;
  const char* pattern;
  const char* expected;
};

const Shape kShapes[] = {
    {kRegionCode, "99", "the region code as 2 digits"},
    {kUnitCode, "999", "the supra-municipal unit code as 3 digits"},
    {kCode, "999999", "the municipality code as 6 digits"},
    {kSigla, "AA", "the vehicle registration code as 2 capital letters"},
    {kCadastral, "A999", "the cadastral code as a capital letter and 3 digits"},
    {kNuts2, "ITXX", "a NUTS 2 code such as ITH2"},
    {kNuts3, "ITXXX", "a NUTS 3 code such as ITH20"},
};

const Column kNames[] = {kName, kRegionName, kUnitName};

using Cells = std::array<std::string, kColumnCount>;

std::string at_line(const std::string& source, int line) {
  return source + ":" + std::to_string(line);
}

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// A header cell as a column name: white space collapsed and footnote marks "(1)".."(9)" dropped.
std::string column_name(const std::string& cell) {
  const std::string name = header_name(cell);
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const bool footnote = name[i] == '(' && i + 2 < name.size() && name[i + 1] >= '1' &&
                          name[i + 1] <= '9' && name[i + 2] == ')';
    if (footnote) {
      i += 2;
    } else {
      out += name[i];
    }
  }
  return header_name(out);
}

// " (did you mean ...?)" for a header name close to `wanted`, unless it differs only in digits
// (the list's NUTS1 column is not a misspelt NUTS3).
std::string close_name(const std::string& wanted, const std::vector<std::string>& names) {
  const std::string near = suggest(wanted, names);
  if (near.empty()) return "";
  bool only_digits = near.size() == wanted.size();
  for (std::size_t i = 0; only_digits && i < near.size(); ++i) {
    only_digits = near[i] == wanted[i] || (std::isdigit(static_cast<unsigned char>(near[i])) &&
                                           std::isdigit(static_cast<unsigned char>(wanted[i])));
  }
  return only_digits ? "" : " (did you mean " + in_quotes(near) + "?)";
}

bool names_column(Column c, const std::string& name) {
  return c == kPopulation ? name.rfind(kColumnNames[c], 0) == 0 : name == kColumnNames[c];
}

bool has_shape(const std::string& s, const char* pattern) {
  std::size_t i = 0;
  for (; pattern[i] != '\0'; ++i) {
    if (i >= s.size()) return false;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool ok = pattern[i] == '9'   ? std::isdigit(c) != 0
                    : pattern[i] == 'A' ? std::isupper(c) != 0
                    : pattern[i] == 'X' ? std::isdigit(c) != 0 || std::isupper(c) != 0
                                        : s[i] == pattern[i];
    if (!ok) return false;
  }
  return i == s.size();
}

// A whole number written with or without a dot between groups of three digits: 462, 2644,
// 2.644, 1.234.567.
std::optional<double> parse_count(const std::string& s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  const bool grouped = s.find('.') != std::string::npos;
  double value = 0;
  std::size_t run = 0;  // digits since the start or the last dot
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (run == 0 || run > 3 || (i > run && run != 3)) return std::nullopt;
      run = 0;
    } else if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      value = value * 10 + (s[i] - '0');
      ++run;
    } else {
      return std::nullopt;
    }
  }
  if (run == 0 || (grouped && run != 3)) return std::nullopt;
  return value;
}

// The first four-digit number in `name` that is a year, or 0.
int census_year(const std::string& name) {
  for (std::size_t i = 0; i + 4 <= name.size(); ++i) {
    const bool ends =
        i + 4 == name.size() || !std::isdigit(static_cast<unsigned char>(name[i + 4]));
    const bool starts = i == 0 || !std::isdigit(static_cast<unsigned char>(name[i - 1]));
    if (!starts || !ends || !has_shape(name.substr(i, 4), "9999")) continue;
    const int year = std::stoi(name.substr(i, 4));
    if (year >= kMinYear && year <= kMaxYear) return year;
  }
  return 0;
}

// The ISTAT code of a body of the list: its id without the prefix.
std::string code_of(const Body& body) {
  for (const char* prefix : {kIstatProvincePrefix, kIstatRegionPrefix}) {
    if (body.id.rfind(prefix, 0) == 0)
      return body.id.substr(std::char_traits<char>::length(prefix));
  }
  return body.id;
}

// Where the columns are, and the census year the population column names.
struct Header {
  std::size_t width = 0;
  std::array<std::size_t, kColumnCount> at{};
  int year = 0;
};

// Places every column of kColumnNames in `header`, reporting missing and repeated ones;
// returns how many it found.
std::size_t find_columns(const std::vector<std::string>& names, const std::string& where,
                         Header& header, std::vector<Issue>& issues) {
  std::size_t known = 0;
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    std::vector<std::size_t> hits;
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (names_column(static_cast<Column>(c), names[k])) hits.push_back(k);
    }
    known += !hits.empty();
    if (hits.empty()) {
      issues.push_back({where, "missing column " + in_quotes(kColumnNames[c]) +
                                   close_name(kColumnNames[c], names)});
    } else if (hits.size() > 1) {
      issues.push_back({where, "column " + in_quotes(names[hits[1]]) + " appears twice (columns " +
                                   std::to_string(hits[0] + 1) + " and " +
                                   std::to_string(hits[1] + 1) + ")"});
    } else {
      header.at[c] = hits[0];
    }
  }
  return known;
}

// The header row: where the columns are and the census year; nullopt after reporting why not.
std::optional<Header> read_header(const CsvRecord& record, const std::string& source,
                                  std::vector<Issue>& issues) {
  const std::string where = at_line(source, record.line);
  std::vector<std::string> names;
  for (const auto& cell : record.fields) names.push_back(column_name(cell));
  Header header;
  header.width = names.size();
  std::vector<Issue> found;
  if (find_columns(names, where, header, found) == 0) {
    issues.push_back(
        {where,
         "expected the header of ISTAT's list of municipalities (Elenco dei comuni italiani), "
         "with columns such as \"Codice Comune formato alfanumerico\"; got " +
             quote(header_name(join(record.fields, ";")))});
    return std::nullopt;
  }
  issues.insert(issues.end(), found.begin(), found.end());
  if (!found.empty()) return std::nullopt;
  header.year = census_year(names[header.at[kPopulation]]);
  if (header.year == 0) {
    issues.push_back({where, "the column " + in_quotes(names[header.at[kPopulation]]) +
                                 " names no census year; expected a name such as "
                                 "\"Popolazione legale 2011 (09/10/2011)\""});
    return std::nullopt;
  }
  return header;
}

// The NUTS codes seen for a province or region: an attribute only when they agree.
void set_if_one(Body& body, const char* key, const std::set<std::string>& values) {
  if (values.size() == 1) body.attributes[key] = *values.begin();
}

// Builds the registry row by row, checking that rows agree on their provinces and regions.
class ListBuilder {
 public:
  ListBuilder(const std::string& source, const Header& header, std::vector<Issue>& issues)
      : source_(source), header_(header), issues_(issues) {
    out_.population_year = header.year;
  }

  void row(const CsvRecord& record);
  IstatRegistry finish();

 private:
  bool check_cells(const Cells& cells, const std::string& where);
  void add_region(const Cells& cells, int line);
  void add_province(const Cells& cells, int line);
  void add_municipality(const Cells& cells, int line, double population);
  void conflict(int line, const std::string& what, const std::string& first, int first_line,
                const std::string& here);

  const std::string& source_;
  const Header& header_;
  std::vector<Issue>& issues_;
  IstatRegistry out_;
  std::map<std::string, std::size_t> regions_, provinces_;
  std::map<std::string, int> municipalities_;
  std::map<std::string, std::set<std::string>> region_nuts2_, province_nuts2_, province_nuts3_;
};

void ListBuilder::row(const CsvRecord& record) {
  const std::string where = at_line(source_, record.line);
  if (record.fields.size() != header_.width) {
    issues_.push_back({where, "expected " + std::to_string(header_.width) +
                                  " fields as in the header, got " +
                                  std::to_string(record.fields.size())});
    return;
  }
  Cells cells;
  for (std::size_t c = 0; c < kColumnCount; ++c) cells[c] = trim_cell(record.fields[header_.at[c]]);
  const bool ok = check_cells(cells, where);
  const auto population = parse_count(cells[kPopulation]);
  if (!population) {
    issues_.push_back(
        {where,
         "expected the legal population as a whole number (thousands separated by dots, "
         "as in 2.644), got " +
             quote(cells[kPopulation])});
  }
  if (!ok || !population) return;
  auto [first, fresh] = municipalities_.emplace(cells[kCode], record.line);
  if (!fresh) {
    issues_.push_back({where, "duplicate municipality " + cells[kCode] + " (first at line " +
                                  std::to_string(first->second) + ")"});
    return;
  }
  add_region(cells, record.line);
  add_province(cells, record.line);
  add_municipality(cells, record.line, *population);
}

bool ListBuilder::check_cells(const Cells& cells, const std::string& where) {
  const std::size_t before = issues_.size();
  for (const auto& shape : kShapes) {
    if (!has_shape(cells[shape.column], shape.pattern)) {
      issues_.push_back({where, "expected " + std::string(shape.expected) + " in " +
                                    in_quotes(kColumnNames[shape.column]) + ", got " +
                                    quote(cells[shape.column])});
    }
  }
  for (Column c : kNames) {
    if (cells[c].empty()) issues_.push_back({where, in_quotes(kColumnNames[c]) + " is empty"});
  }
  return issues_.size() == before;
}

void ListBuilder::conflict(int line, const std::string& what, const std::string& first,
                           int first_line, const std::string& here) {
  if (first == here) return;
  issues_.push_back({at_line(source_, line), what + " is " + first + " at line " +
                                                 std::to_string(first_line) + ", here " + here});
}

void ListBuilder::add_region(const Cells& cells, int line) {
  const std::string& code = cells[kRegionCode];
  region_nuts2_[code].insert(cells[kNuts2]);
  auto [it, fresh] = regions_.emplace(code, out_.regions.size());
  if (!fresh) {
    const IstatBody& first = out_.regions[it->second];
    conflict(line, "region " + code, quote(first.body.name), first.line, quote(cells[kRegionName]));
    return;
  }
  Body region;
  region.id = kIstatRegionPrefix + code;
  region.kind = BodyKind::kRegion;
  region.name = cells[kRegionName];
  region.attributes["istat"] = code;
  out_.regions.push_back({std::move(region), line});
}

void ListBuilder::add_province(const Cells& cells, int line) {
  const std::string& code = cells[kUnitCode];
  province_nuts2_[code].insert(cells[kNuts2]);
  province_nuts3_[code].insert(cells[kNuts3]);
  const auto describe = [](const std::string& name, const std::string& sigla,
                           const std::string& region) {
    return quote(name) + " (" + sigla + ") in region " + region;
  };
  auto [it, fresh] = provinces_.emplace(code, out_.provinces.size());
  if (!fresh) {
    const IstatBody& first = out_.provinces[it->second];
    const std::string sigla = first.body.attributes.at("sigla").get<std::string>();
    const std::string region =
        first.body.parents.front().id.substr(std::char_traits<char>::length(kIstatRegionPrefix));
    conflict(line, "supra-municipal unit " + code, describe(first.body.name, sigla, region),
             first.line, describe(cells[kUnitName], cells[kSigla], cells[kRegionCode]));
    return;
  }
  Body province;
  province.id = kIstatProvincePrefix + code;
  province.kind = BodyKind::kProvince;
  province.name = cells[kUnitName];
  province.parents.push_back({kIstatRegionPrefix + cells[kRegionCode], std::nullopt, std::nullopt});
  province.attributes["istat"] = code;
  province.attributes["sigla"] = cells[kSigla];
  out_.provinces.push_back({std::move(province), line});
}

void ListBuilder::add_municipality(const Cells& cells, int line, double population) {
  Body m;
  m.id = cells[kCode];
  m.kind = BodyKind::kMunicipality;
  m.name = cells[kName];
  m.parents.push_back({kIstatProvincePrefix + cells[kUnitCode], std::nullopt, std::nullopt});
  m.attributes["istat"] = cells[kCode];
  m.attributes["cadastral"] = cells[kCadastral];
  m.attributes["nuts3"] = cells[kNuts3];
  m.attributes["sigla"] = cells[kSigla];
  out_.population.push_back(
      {Statistic{"population", m.id, out_.population_year, population}, line});
  out_.municipalities.push_back({std::move(m), line});
}

IstatRegistry ListBuilder::finish() {
  for (auto& region : out_.regions)
    set_if_one(region.body, "nuts2", region_nuts2_[code_of(region.body)]);
  for (auto& province : out_.provinces) {
    const std::string code = code_of(province.body);
    set_if_one(province.body, "nuts2", province_nuts2_[code]);
    set_if_one(province.body, "nuts3", province_nuts3_[code]);
  }
  return std::move(out_);
}

}  // namespace

IstatRegistry read_istat_csv(const std::string& bytes, const std::string& source) {
  std::vector<Issue> issues;
  const std::string text = decode_csv_text(bytes, source, CsvEncoding::kUtf8OrLatin1, issues);
  const std::vector<CsvRecord> records = split_csv(text, source, ';', issues);
  if (records.empty()) {
    issues.push_back({at_line(source, 1),
                      "empty file: expected ISTAT's list of municipalities, a header row "
                      "then one row per municipality"});
    throw ValidationError(std::move(issues));
  }
  const auto header = read_header(records.front(), source, issues);
  if (!header) throw ValidationError(std::move(issues));
  if (records.size() == 1) {
    issues.push_back(
        {at_line(source, records.front().line), "no municipality rows after the header"});
  }
  ListBuilder builder(source, *header, issues);
  for (std::size_t r = 1; r < records.size(); ++r) builder.row(records[r]);
  IstatRegistry out = builder.finish();
  if (!issues.empty()) throw ValidationError(std::move(issues));
  return out;
}

bool istat_managed_parent(const Membership& membership) {
  return membership.id.rfind(kIstatProvincePrefix, 0) == 0 ||
         membership.id.rfind(kIstatRegionPrefix, 0) == 0;
}

const std::vector<std::string>& istat_attribute_keys(BodyKind kind) {
  static const std::vector<std::string> municipality = {"istat", "cadastral", "nuts3", "sigla"};
  static const std::vector<std::string> province = {"istat", "sigla", "nuts2", "nuts3"};
  static const std::vector<std::string> region = {"istat", "nuts2"};
  static const std::vector<std::string> none;
  switch (kind) {
    case BodyKind::kMunicipality:
      return municipality;
    case BodyKind::kProvince:
      return province;
    case BodyKind::kRegion:
      return region;
    default:
      return none;
  }
}

}  // namespace civicplan::detail
