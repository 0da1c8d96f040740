// SPDX-License-Identifier: Apache-2.0
// The CSV reader shared by the statistics, execution and ISTAT readers.
#include "io/csv.hpp"

#include "base/text.hpp"

namespace civicplan::detail {

namespace {

// The 1-based line of byte offset `at`.
int line_of(const std::string& text, std::size_t at) {
  int line = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// The first line holding malformed UTF-8, by checking line by line.
int first_malformed_line(const std::string& text) {
  std::size_t start = 0;
  for (int line = 1; start <= text.size(); ++line) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (!valid_utf8(text.substr(start, end - start))) return line;
    start = end + 1;
  }
  return line_of(text, text.size());
}

std::string latin1_to_utf8(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 16);
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace

std::string decode_csv_text(const std::string& bytes, const std::string& source, CsvEncoding encoding,
                            std::vector<Issue>& issues) {
  const std::size_t bom = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  if (valid_utf8(bytes)) return bytes.substr(bom);
  if (encoding == CsvEncoding::kUtf8OrLatin1) return latin1_to_utf8(bytes);
  issues.push_back({source + ":" + std::to_string(first_malformed_line(bytes)),
                    "expected UTF-8 text, got malformed bytes"});
  return "";
}

char sniff_delimiter(const std::string& text) {
  std::size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    commas += c == ',';
    semicolons += c == ';';
  }
  return semicolons > commas ? ';' : ',';
}

std::vector<CsvRecord> split_csv(const std::string& text, const std::string& source, char delimiter,
                                 std::vector<Issue>& issues) {
  std::vector<CsvRecord> out;
  std::size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool in_quotes = false, quoted = false, done = false;
    while (!done) {
      if (i >= text.size()) {
        if (in_quotes) issues.push_back({source + ":" + std::to_string(rec.line), "unterminated quoted field"});
        rec.fields.push_back(std::move(field));
        break;
      }
      const char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
          } else {
            in_quotes = false;
            ++i;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
      } else if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
        ++i;
      } else if (c == delimiter) {
        rec.fields.push_back(std::move(field));
        field.clear();
        quoted = false;
        ++i;
      } else if (c == '\r' || c == '\n') {
        rec.fields.push_back(std::move(field));
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        done = true;
      } else {
        field += c;
        ++i;
      }
    }
    const bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank) out.push_back(std::move(rec));
  }
  return out;
}

std::string trim_cell(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string header_name(const std::string& cell) {
  std::string out;
  bool space = false;
  for (char c : cell) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace civicplan::detail
