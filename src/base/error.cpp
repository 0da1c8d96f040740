// SPDX-License-Identifier: Apache-2.0
// The civicplan exception hierarchy.
#include "civicplan/error.hpp"

#include <utility>

namespace civicplan {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kParse: return "parse";
    case ErrorCode::kValidation: return "validation";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kPermission: return "permission";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kCycle: return "cycle";
    case ErrorCode::kStorage: return "storage";
    case ErrorCode::kUsage: return "usage";
  }
  return "unknown";
}

Error::Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

namespace {
std::string parse_message(const std::string& message, const std::string& source, int line, int column) {
  std::string where = source;
  if (line > 0) {
    where += ":" + std::to_string(line);
    if (column > 0) where += ":" + std::to_string(column);
  }
  return where.empty() ? message : where + ": " + message;
}

std::string validation_message(const std::vector<Issue>& issues) {
  std::string out;
  for (const auto& issue : issues) {
    if (!out.empty()) out += '\n';
    out += issue.path.empty() ? issue.message : issue.path + ": " + issue.message;
  }
  return out.empty() ? std::string("invalid input") : out;
}
}  // namespace

ParseError::ParseError(const std::string& message, std::string source, int line, int column)
    : Error(ErrorCode::kParse, parse_message(message, source, line, column)),
      source_(std::move(source)),
      line_(line),
      column_(column) {}

ValidationError::ValidationError(std::vector<Issue> issues)
    : Error(ErrorCode::kValidation, validation_message(issues)), issues_(std::move(issues)) {}

NotFoundError::NotFoundError(std::string kind, std::string id)
    : Error(ErrorCode::kNotFound, "no " + kind + " \"" + id + "\""), kind_(std::move(kind)), id_(std::move(id)) {}

NotFoundError::NotFoundError(std::string kind, std::string id, const std::string& detail)
    : Error(ErrorCode::kNotFound, "no " + kind + " \"" + id + "\"" + detail), kind_(std::move(kind)), id_(std::move(id)) {}

std::string format_cycle(const std::vector<std::string>& cycle) {
  // A long cycle is shortened in the middle so messages stay readable; CycleError::cycle()
  // keeps every member.
  constexpr std::size_t kHead = 12, kTail = 4;
  std::string out;
  auto add = [&out](const std::string& c) {
    if (!out.empty()) out += " -> ";
    out += c;
  };
  if (cycle.size() <= kHead + kTail + 1) {
    for (const auto& c : cycle) add(c);
    return out;
  }
  for (std::size_t i = 0; i < kHead; ++i) add(cycle[i]);
  add("... (" + std::to_string(cycle.size() - kHead - kTail) + " more)");
  for (std::size_t i = cycle.size() - kTail; i < cycle.size(); ++i) add(cycle[i]);
  return out;
}

CycleError::CycleError(const std::string& what, std::vector<std::string> cycle)
    : Error(ErrorCode::kCycle, what + " cycle: " + format_cycle(cycle)), cycle_(std::move(cycle)) {}

}  // namespace civicplan
