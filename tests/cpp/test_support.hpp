// SPDX-License-Identifier: Apache-2.0
// Shared test utilities: fixture loading, temporary directories and issue matchers.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "civicplan/error.hpp"

namespace civicplan::test {

/// Absolute path of a file under the source tree.
inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(CIVICPLAN_SOURCE_DIR) / relative;
}

/// The text of a file.
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Writes text to a file, replacing it.
inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  REQUIRE(out.good());
  out << text;
}

/// A JSON fixture of tests/cases, parsed without civicplan.
inline nlohmann::json load_case(const std::string& name) {
  return nlohmann::json::parse(read_text(source_path("tests/cases/" + name)));
}

/// A fresh directory under the system temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    std::ostringstream name;
    name << "civicplan-test-" << std::hex << random() << "-" << now << "-" << counter++;
    path_ = std::filesystem::temp_directory_path() / name.str();
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// The path of `name` inside the directory, as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Every issue as "path: message", one per line, for failure messages.
inline std::string describe(const std::vector<Issue>& issues) {
  std::ostringstream out;
  out << issues.size() << " issue(s):\n";
  for (const auto& issue : issues) out << "  " << issue.path << ": " << issue.message << "\n";
  return out.str();
}

/// True when some issue has exactly `path` and a message containing `keyword`.
inline bool has_issue(const std::vector<Issue>& issues, const std::string& path,
                      const std::string& keyword) {
  for (const auto& issue : issues) {
    if (issue.path == path && issue.message.find(keyword) != std::string::npos) return true;
  }
  return false;
}

/// Checks that an issue at `path` mentions `keyword`.
inline void check_issue(const std::vector<Issue>& issues, const std::string& path,
                        const std::string& keyword) {
  INFO("expected " << path << ": ..." << keyword << "...\n" << describe(issues));
  CHECK(has_issue(issues, path, keyword));
}

/// Checks that the only issue is at `path` and mentions `keyword`.
inline void check_only_issue(const std::vector<Issue>& issues, const std::string& path,
                             const std::string& keyword) {
  INFO("expected only " << path << ": ..." << keyword << "...\n" << describe(issues));
  CHECK(issues.size() == 1);
  CHECK(has_issue(issues, path, keyword));
}

/// The issues of a ValidationError thrown by `fn`; fails the test when none is thrown.
template <typename Fn>
std::vector<Issue> issues_of(Fn&& fn) {
  try {
    fn();
  } catch (const ValidationError& e) {
    return e.issues();
  }
  FAIL("expected a ValidationError");
  return {};
}

}  // namespace civicplan::test
