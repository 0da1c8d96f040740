// SPDX-License-Identifier: Apache-2.0
// The civicplan exception hierarchy: every error names what is wrong and where.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "civicplan/export.hpp"

namespace civicplan {

/// Stable machine-readable error categories, one per exception type.
enum class ErrorCode {
  kParse,
  kValidation,
  kNotFound,
  kPermission,
  kConflict,
  kCycle,
  kStorage,
  kUsage,
};

/// Returns the lowercase name of an error code ("validation", "not_found", ...).
CIVICPLAN_API const char* to_string(ErrorCode code);

/// Base of every exception civicplan throws.
class CIVICPLAN_API Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);
  /// The category of this error.
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/// Malformed text: JSON, CSV or an expression. Carries the source position (1-based).
class CIVICPLAN_API ParseError : public Error {
 public:
  ParseError(const std::string& message, std::string source, int line, int column);
  const std::string& source() const noexcept { return source_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }

 private:
  std::string source_;
  int line_;
  int column_;
};

/// One problem found while validating input: where (a JSON path such as
/// `plans[3].actions[12].budget[0].planned`, or `file.csv:12`) and what.
struct Issue {
  std::string path;
  std::string message;
  bool operator==(const Issue& o) const { return path == o.path && message == o.message; }
};

/// Every problem found in an input, not just the first. The message lists
/// them one per line, path first.
class CIVICPLAN_API ValidationError : public Error {
 public:
  explicit ValidationError(std::vector<Issue> issues);
  const std::vector<Issue>& issues() const noexcept { return issues_; }

 private:
  std::vector<Issue> issues_;
};

/// A named object (body, plan, taxonomy, ...) does not exist.
class CIVICPLAN_API NotFoundError : public Error {
 public:
  NotFoundError(std::string kind, std::string id);
  /// The same, the message followed by `detail` ("; did you mean ...").
  NotFoundError(std::string kind, std::string id, const std::string& detail);
  const std::string& kind() const noexcept { return kind_; }
  const std::string& id() const noexcept { return id_; }

 private:
  std::string kind_;
  std::string id_;
};

/// The acting user's roles do not allow an operation.
class CIVICPLAN_API PermissionError : public Error {
 public:
  using Error::Error;
  explicit PermissionError(const std::string& message) : Error(ErrorCode::kPermission, message) {}
};

/// A write was based on a stale revision.
class CIVICPLAN_API ConflictError : public Error {
 public:
  explicit ConflictError(const std::string& message) : Error(ErrorCode::kConflict, message) {}
};

/// A graph that must be acyclic (memberships, taxonomy, dependencies) has a cycle.
class CIVICPLAN_API CycleError : public Error {
 public:
  CycleError(const std::string& what, std::vector<std::string> cycle);
  /// The members of the cycle in order; the first is repeated at the end.
  const std::vector<std::string>& cycle() const noexcept { return cycle_; }

 private:
  std::vector<std::string> cycle_;
};

/// The storage (SQLite file) failed: cannot open, locked too long, corrupt.
class CIVICPLAN_API StorageError : public Error {
 public:
  explicit StorageError(const std::string& message) : Error(ErrorCode::kStorage, message) {}
};

/// Joins a cycle as "a -> b -> c -> a"; a cycle of more than 17 members is shortened in the
/// middle ("... (N more)").
CIVICPLAN_API std::string format_cycle(const std::vector<std::string>& cycle);

}  // namespace civicplan
