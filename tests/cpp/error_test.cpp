// SPDX-License-Identifier: Apache-2.0
// Tests of the exception hierarchy: codes, structured fields and messages.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/error.hpp"

using namespace civicplan;

TEST_CASE("Error codes have lowercase names", "[error]") {
  CHECK(std::string(to_string(ErrorCode::kParse)) == "parse");
  CHECK(std::string(to_string(ErrorCode::kValidation)) == "validation");
  CHECK(std::string(to_string(ErrorCode::kNotFound)) == "not_found");
  CHECK(std::string(to_string(ErrorCode::kPermission)) == "permission");
  CHECK(std::string(to_string(ErrorCode::kConflict)) == "conflict");
  CHECK(std::string(to_string(ErrorCode::kCycle)) == "cycle");
  CHECK(std::string(to_string(ErrorCode::kStorage)) == "storage");
  CHECK(std::string(to_string(ErrorCode::kUsage)) == "usage");
}

TEST_CASE("Every error is a civicplan::Error and a std::runtime_error", "[error]") {
  CHECK_THROWS_AS(throw NotFoundError("body", "x"), Error);
  CHECK_THROWS_AS(throw StorageError("disk full"), std::runtime_error);
  CHECK_THROWS_AS(throw ConflictError("stale"), Error);
  CHECK_THROWS_AS(throw PermissionError("no"), Error);
  CHECK_THROWS_AS(throw CycleError("cycle", {"a", "b", "a"}), Error);
  CHECK_THROWS_AS(throw ParseError("bad", "x.json", 1, 2), Error);
  CHECK_THROWS_AS(throw ValidationError(std::vector<Issue>{{"a", "b"}}), Error);

  CHECK(StorageError("disk full").code() == ErrorCode::kStorage);
  CHECK(ConflictError("stale").code() == ErrorCode::kConflict);
  CHECK(PermissionError("no").code() == ErrorCode::kPermission);
  CHECK(std::string(StorageError("disk full").what()).find("disk full") != std::string::npos);
}

TEST_CASE("ParseError carries source, line and column", "[error]") {
  ParseError e("unexpected '}'", "plan.json", 3, 14);
  CHECK(e.code() == ErrorCode::kParse);
  CHECK(e.source() == "plan.json");
  CHECK(e.line() == 3);
  CHECK(e.column() == 14);
  CHECK(std::string(e.what()).find("unexpected '}'") != std::string::npos);
}

TEST_CASE("NotFoundError names the kind and the id", "[error]") {
  NotFoundError e("plan", "p-arco-2022");
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK(e.kind() == "plan");
  CHECK(e.id() == "p-arco-2022");
  const std::string what = e.what();
  CHECK(what.find("plan") != std::string::npos);
  CHECK(what.find("p-arco-2022") != std::string::npos);
}

TEST_CASE("ValidationError keeps every issue and lists them one per line, path first", "[error]") {
  std::vector<Issue> issues = {
      {"plans[0].title", "is required"},
      {"bodies[1].kind", "unknown kind \"municipalty\"; expected one of municipality, union"},
      {"statistics.csv:12", "expected a number, got \"abc\""},
  };
  ValidationError e(issues);
  CHECK(e.code() == ErrorCode::kValidation);
  CHECK(e.issues() == issues);

  std::vector<std::string> lines;
  std::istringstream in(e.what());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const auto& issue : issues) {
    const std::string expected = issue.path + ": " + issue.message;
    INFO("message: " << e.what());
    bool found = false;
    for (const auto& line : lines) {
      if (line.find(expected) != std::string::npos && line.find(issue.path) < 3) found = true;
    }
    CHECK(found);
  }
}

TEST_CASE("Issues compare by path and message", "[error]") {
  CHECK(Issue{"a", "b"} == Issue{"a", "b"});
  CHECK_FALSE(Issue{"a", "b"} == Issue{"a", "c"});
  CHECK_FALSE(Issue{"a", "b"} == Issue{"x", "b"});
}

TEST_CASE("CycleError holds the cycle and names it in its message", "[error]") {
  CycleError e("membership cycle in 2021", {"a", "b", "a"});
  CHECK(e.code() == ErrorCode::kCycle);
  CHECK(e.cycle() == std::vector<std::string>{"a", "b", "a"});
  CHECK(std::string(e.what()).find("membership cycle in 2021") != std::string::npos);
}

TEST_CASE("format_cycle joins with arrows", "[error]") {
  CHECK(format_cycle({"a", "b", "c", "a"}) == "a -> b -> c -> a");
  CHECK(format_cycle({"x", "x"}) == "x -> x");
  CHECK(format_cycle({}) == "");
}
