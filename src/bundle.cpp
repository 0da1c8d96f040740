// SPDX-License-Identifier: Apache-2.0
// Bundle reading, validation, merging and writing.
#include "civicplan/bundle.hpp"

#include <fstream>
#include <sstream>

#include "detail/validate.hpp"

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

nlohmann::json parse_json(const std::string& text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    int line = 0, column = 0;
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    line_column(text, offset, line, column);
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 2: <detail>"
    auto colon = what.find(": ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw ParseError("invalid JSON: " + detail, source, line, column);
  }
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFoundError("file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_json(ss.str(), path);
}

namespace {
// Parses `bundle`, merges it over `base` and checks the result, collecting every issue.
Model merge_collecting(const nlohmann::json& bundle, const Model& base, std::vector<Issue>& issues) {
  detail::Reader reader(issues);
  detail::Origins origins;
  Model delta = detail::parse_bundle(bundle, reader, origins);
  Model merged = base;
  merged.merge(delta);
  detail::check_model(merged, origins, issues);
  return merged;
}
}  // namespace

std::vector<Issue> validate_bundle(const nlohmann::json& bundle, const Model& base) {
  std::vector<Issue> issues;
  merge_collecting(bundle, base, issues);
  return issues;
}

Model merge_bundle(const nlohmann::json& bundle, const Model& base) {
  std::vector<Issue> issues;
  Model merged = merge_collecting(bundle, base, issues);
  if (!issues.empty()) throw ValidationError(std::move(issues));
  return merged;
}

Model read_bundle(const nlohmann::json& bundle) { return merge_bundle(bundle, Model{}); }

nlohmann::json write_bundle(const Model& m) {
  using nlohmann::json;
  json out = json::object();
  out["format"] = kBundleFormat;
  out["version"] = kBundleVersion;
  auto values = [](const auto& map) {
    json arr = json::array();
    for (const auto& kv : map) arr.push_back(kv.second);
    return arr;
  };
  out["bodies"] = values(m.bodies);
  out["taxonomies"] = values(m.taxonomies);
  out["crosswalks"] = values(m.crosswalks);
  out["plans"] = values(m.plans);
  out["statistics"] = values(m.statistics);
  json feedback = json::array();
  for (const auto& f : m.feedback) feedback.push_back(f);
  out["feedback"] = std::move(feedback);
  out["certifications"] = values(m.certifications);
  out["cases"] = values(m.cases);
  out["ledger"] = values(m.ledger);
  out["places"] = values(m.places);
  out["indicators"] = values(m.indicators);
  out["rulesets"] = values(m.rulesets);
  out["users"] = values(m.users);
  return out;
}

}  // namespace civicplan
