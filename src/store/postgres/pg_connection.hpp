// SPDX-License-Identifier: Apache-2.0
// A small RAII wrapper of libpq: a connection, its results, parameterised statements and COPY
// in both directions. Private to the store layer: no libpq type leaves src/store/postgres/.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace civicplan::detail::pg {

/// What the server or libpq refused: the SQLSTATE (empty when libpq gave none), the message
/// (first line, its detail after "; ") and whether the connection is gone.
class Failure : public std::runtime_error {
 public:
  Failure(std::string sqlstate, const std::string& message, bool connection_lost)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)), connection_lost_(connection_lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }
  /// A serialization failure or a deadlock: the transaction may simply be run again.
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
  /// lock_timeout expired.
  bool lock_timeout() const { return sqlstate_ == "55P03"; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
struct ConnectionDeleter {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};

/// The rows of a statement, read as text.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  int rows() const { return PQntuples(r_.get()); }
  int columns() const { return PQnfields(r_.get()); }
  bool null(int row, int column) const { return PQgetisnull(r_.get(), row, column) != 0; }
  std::string text(int row, int column) const {
    return std::string(PQgetvalue(r_.get(), row, column),
                       static_cast<std::size_t>(PQgetlength(r_.get(), row, column)));
  }
  std::int64_t integer(int row, int column) const;
  /// The number of rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, ResultDeleter> r_;
};

/// A parameter of a statement: text, or SQL NULL.
using Param = std::optional<std::string>;

/// The rows a COPY ... FROM STDIN sends, in COPY's text format, buffered.
class Connection;

class CopyWriter {
 public:
  void field(std::string_view text);
  void field(std::int64_t value);
  void field(double value);
  void null();
  /// Ends the row: every row has the same number of fields, in the order the COPY names.
  void end_row();

 private:
  friend class Connection;
  void separate();
  Connection* owner_ = nullptr;
  std::string buffer_;
  bool row_started_ = false;
};

/// One row of a COPY ... TO STDOUT, decoded: its fields, and which of them are NULL.
struct CopyRow {
  std::vector<std::string> fields;
  std::vector<bool> nulls;
};

/// One libpq connection. Every call throws Failure; after a lost connection, healthy() is
/// false and the owner connects again.
class Connection {
 public:
  /// Connects with `conninfo` (a URI or key=value pairs, libpq's syntax). Throws Failure.
  explicit Connection(const std::string& conninfo);

  /// Runs `sql` (one or more statements, no parameters).
  Result exec(const std::string& sql);
  /// Runs one statement with text parameters $1, $2, ...
  Result exec(const std::string& sql, const std::vector<Param>& params);
  /// Runs `copy_sql` (COPY ... FROM STDIN); `produce` writes the rows.
  void copy_in(const std::string& copy_sql, const std::function<void(CopyWriter&)>& produce);
  /// Runs `copy_sql` (COPY ... TO STDOUT) and hands every decoded row to `row`.
  void copy_out(const std::string& copy_sql, const std::function<void(const CopyRow&)>& row);

  /// False once the connection is lost.
  bool healthy() const;

 private:
  friend class CopyWriter;
  [[noreturn]] void fail(const PGresult* result) const;
  void check(const PGresult* result, ExecStatusType expected) const;
  void flush(CopyWriter& writer, bool force);
  void finish_copy();

  std::unique_ptr<PGconn, ConnectionDeleter> conn_;
};

/// Where a connection string points, with libpq's defaults filled in (the environment's
/// PGHOST and the like, the local socket, the database named as the user).
struct Target {
  std::string host, port, database, user;
  /// False when libpq cannot parse `conninfo`; `error` then says why (without the string).
  bool parsed = true;
  std::string error;
};
Target target_of(const std::string& conninfo);

/// The SQL text of an identifier, always quoted ("name").
std::string quote_identifier(const std::string& name);

}  // namespace civicplan::detail::pg
