// SPDX-License-Identifier: Apache-2.0
// Bundle reading, validation, merging and writing.
#include "civicplan/bundle.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>
#include <unordered_set>

#include "io/bundle_parse.hpp"

namespace civicplan {

namespace {
void line_column(const std::string& text, std::size_t offset, int& line, int& column) {
  line = 1;
  column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
}
}  // namespace

namespace {
/// A key as written between its quotes, decoded when it holds escapes.
std::string key_text(const std::string& text, std::size_t open, std::size_t close) {
  std::string raw = text.substr(open + 1, close - open - 1);
  if (raw.find('\\') == std::string::npos) return raw;
  return nlohmann::json::parse(text.substr(open, close - open + 1)).get<std::string>();
}

/// Second pass over text nlohmann accepted: rejects nesting deeper than kMaxJsonDepth (the
/// model keeps values such as attributes, which are copied and written recursively) and
/// duplicate keys (which nlohmann would silently resolve to the last).
void check_structure(const std::string& text, const std::string& source) {
  struct Frame {
    bool object = false;
    bool expect_key = false;
    std::vector<std::string> keys;       // linear search while small
    std::unordered_set<std::string> many;  // then hashed
    bool seen(std::string key) {
      if (many.empty() && keys.size() < 16) {
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) return true;
        keys.push_back(std::move(key));
        return false;
      }
      if (many.empty()) many.insert(keys.begin(), keys.end());
      return !many.insert(std::move(key)).second;
    }
  };
  std::vector<Frame> stack;
  const std::size_t n = text.size();
  auto fail = [&](std::size_t offset, const std::string& message) {
    int line = 0, column = 0;
    line_column(text, offset, line, column);
    throw ParseError("invalid JSON: " + message, source, line, column);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    switch (c) {
      case '"': {
        std::size_t j = i + 1;
        while (j < n && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          Frame& top = stack.back();
          std::string key = key_text(text, i, j);
          if (top.seen(key)) fail(i, "duplicate key \"" + key + "\" in an object");
          top.expect_key = false;
        }
        i = j;
        break;
      }
      case '{':
      case '[':
        if (static_cast<int>(stack.size()) >= kMaxJsonDepth) {
          fail(i, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        }
        stack.emplace_back();
        stack.back().object = stack.back().expect_key = c == '{';
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        break;
      case ',':
        if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
        break;
      default:
        break;
    }
  }
}
}  // namespace

nlohmann::json parse_json(const std::string& text, const std::string& source) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    check_structure(text, source);
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    int line = 0, column = 0;
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    line_column(text, offset, line, column);
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 2: <detail>"
    auto colon = what.find(": ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw ParseError("invalid JSON: " + detail, source, line, column);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond double's range ("1e400"): nlohmann names the literal but not where.
    std::string what = e.what();
    auto colon = what.find("] ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    int line = 0, column = 0;
    auto open = detail.find('\''), close = detail.rfind('\'');
    if (open != std::string::npos && close > open) {
      auto at = text.find(detail.substr(open + 1, close - open - 1));
      if (at != std::string::npos) line_column(text, at, line, column);
    }
    throw ParseError("invalid JSON: " + detail, source, line, column);
  }
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw NotFoundError("file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFoundError("file", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw StorageError("cannot read \"" + path + "\"");
  return text.str();
}

bool is_csv_file(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".csv";
}

nlohmann::json read_json_file(const std::string& path) { return parse_json(read_text_file(path), path); }

nlohmann::json write_bundle(const Model& m) {
  using nlohmann::json;
  json out = json::object();
  out["format"] = kBundleFormat;
  out["version"] = kBundleVersion;
  Model::each_kind(
      [&](const char* kind, const auto& objects) {
        using Container = std::decay_t<decltype(objects)>;
        json arr = json::array();
        for (const auto& element : objects) {
          if constexpr (std::is_same_v<typename Container::key_type, typename Container::value_type>) {
            arr.push_back(element);  // a set: the record is its own key
          } else {
            arr.push_back(element.second);
          }
        }
        out[kind] = std::move(arr);
      },
      m);
  return out;
}

}  // namespace civicplan
