// SPDX-License-Identifier: Apache-2.0
// The one CSV reader of the io layer: RFC 4180 quoting (quoted cells may hold delimiters,
// quotes and line breaks), CRLF or LF line ends, a chosen delimiter, UTF-8 or Latin-1 text.
#pragma once

#include <string>
#include <vector>

#include "civicplan/error.hpp"

namespace civicplan::detail {

/// One record of a CSV file and the line it starts on (1-based).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

/// How a CSV file's bytes are read as text.
enum class CsvEncoding {
  kUtf8,          ///< UTF-8 only: malformed bytes are an error naming their line
  kUtf8OrLatin1,  ///< UTF-8 when well-formed, else Latin-1 (ISO 8859-1) converted to UTF-8
};

/// The file's bytes as UTF-8 text without a byte order mark. With kUtf8, malformed bytes add
/// an issue `SOURCE:LINE` for their first line and return "".
std::string decode_csv_text(const std::string& bytes, const std::string& source, CsvEncoding encoding,
                            std::vector<Issue>& issues);

/// The delimiter of a header line: ';' when the first line has more semicolons than commas,
/// else ','. Quoted cells are skipped.
char sniff_delimiter(const std::string& text);

/// Splits decoded text into records. Blank lines are skipped; an unterminated quoted cell
/// adds an issue naming the line it started on.
std::vector<CsvRecord> split_csv(const std::string& text, const std::string& source, char delimiter,
                                 std::vector<Issue>& issues);

/// `s` without leading and trailing spaces and tabs.
std::string trim_cell(const std::string& s);

/// A header cell as a name: trimmed, every run of white space (line breaks too) one space.
std::string header_name(const std::string& cell);

}  // namespace civicplan::detail
