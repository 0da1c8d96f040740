// SPDX-License-Identifier: Apache-2.0
// The libpq wrapper: connections, statements and COPY, with every failure as pg::Failure.
#include "store/postgres/pg_connection.hpp"

#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <exception>

namespace civicplan::detail::pg {

namespace {

// libpq's messages end in a newline and may span several lines: one line, parts by "; ".
std::string one_line(const char* message) {
  std::string out;
  bool pending_space = false;
  for (const char* p = message ? message : ""; *p; ++p) {
    if (*p == '\n' || *p == '\r' || *p == '\t') {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out += out.back() == ':' || out.back() == '.' ? " " : "; ";
    pending_space = false;
    out += *p;
  }
  return out.empty() ? "unknown PostgreSQL error" : out;
}

constexpr std::size_t kCopyBuffer = 1 << 20;

}  // namespace

std::int64_t Result::integer(int row, int column) const {
  return std::strtoll(PQgetvalue(r_.get(), row, column), nullptr, 10);
}

std::int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

// --- COPY text format ---------------------------------------------------------------------------

void CopyWriter::separate() {
  if (row_started_) buffer_ += '\t';
  row_started_ = true;
}

void CopyWriter::field(std::string_view text) {
  separate();
  for (char c : text) {
    switch (c) {
      case '\\': buffer_ += "\\\\"; break;
      case '\n': buffer_ += "\\n"; break;
      case '\r': buffer_ += "\\r"; break;
      case '\t': buffer_ += "\\t"; break;
      default: buffer_ += c;
    }
  }
}

void CopyWriter::field(std::int64_t value) {
  separate();
  buffer_ += std::to_string(value);
}

void CopyWriter::field(double value) {
  separate();
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);  // exact: read back as the same double
  buffer_ += text;
}

void CopyWriter::null() {
  separate();
  buffer_ += "\\N";
}

void CopyWriter::end_row() {
  buffer_ += '\n';
  row_started_ = false;
  if (owner_ && buffer_.size() >= kCopyBuffer) owner_->flush(*this, false);
}

// --- Connection ------------------------------------------------------------------------------------

Connection::Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (!conn_) throw Failure("", "out of memory connecting to PostgreSQL", true);
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw Failure("", one_line(PQerrorMessage(conn_.get())), true);
  }
  // The server's notices (NOTICE, WARNING) are not the embedding program's output: libpq
  // would print them on stderr.
  PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
  // Results are read as text in UTF-8 whatever the server's default; the few settings this
  // depends on are made explicit.
  exec("SET client_encoding = 'UTF8'; SET extra_float_digits = 3; SET DateStyle = 'ISO'");
}

bool Connection::healthy() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

void Connection::fail(const PGresult* result) const {
  const bool lost = !healthy();
  if (result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    std::string message = primary ? one_line(primary) : one_line(PQresultErrorMessage(result));
    if (detail) message += " (" + one_line(detail) + ")";
    if (message == "unknown PostgreSQL error" && conn_) message = one_line(PQerrorMessage(conn_.get()));
    throw Failure(state ? state : "", message, lost);
  }
  throw Failure("", one_line(conn_ ? PQerrorMessage(conn_.get()) : nullptr), lost);
}

void Connection::check(const PGresult* result, ExecStatusType expected) const {
  if (!result || PQresultStatus(result) != expected) {
    // A multi-statement exec may end in PGRES_TUPLES_OK or PGRES_COMMAND_OK: both succeed.
    if (result && expected == PGRES_COMMAND_OK && PQresultStatus(result) == PGRES_TUPLES_OK) return;
    if (result && expected == PGRES_TUPLES_OK && PQresultStatus(result) == PGRES_COMMAND_OK) return;
    fail(result);
  }
}

Result Connection::exec(const std::string& sql) {
  if (!healthy()) throw Failure("", "the connection to PostgreSQL is closed", true);
  PGresult* raw = PQexec(conn_.get(), sql.c_str());
  Result r(raw);
  check(raw, PGRES_COMMAND_OK);
  return r;
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  if (!healthy()) throw Failure("", "the connection to PostgreSQL is closed", true);
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
    lengths.push_back(p ? static_cast<int>(p->size()) : 0);
  }
  PGresult* raw = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                               lengths.data(), nullptr, 0);
  Result r(raw);
  check(raw, PGRES_TUPLES_OK);
  return r;
}

void Connection::flush(CopyWriter& writer, bool force) {
  if (writer.buffer_.empty() || (!force && writer.buffer_.size() < kCopyBuffer)) return;
  if (PQputCopyData(conn_.get(), writer.buffer_.data(), static_cast<int>(writer.buffer_.size())) != 1) fail(nullptr);
  writer.buffer_.clear();
}

void Connection::finish_copy() {
  // The COPY's own result, then the end of the command.
  PGresult* raw = PQgetResult(conn_.get());
  Result r(raw);
  while (PGresult* more = PQgetResult(conn_.get())) PQclear(more);
  check(raw, PGRES_COMMAND_OK);
}

void Connection::copy_in(const std::string& copy_sql, const std::function<void(CopyWriter&)>& produce) {
  if (!healthy()) throw Failure("", "the connection to PostgreSQL is closed", true);
  {
    PGresult* raw = PQexec(conn_.get(), copy_sql.c_str());
    Result start(raw);
    if (!raw || PQresultStatus(raw) != PGRES_COPY_IN) fail(raw);
  }
  CopyWriter writer;
  writer.owner_ = this;
  try {
    produce(writer);
    flush(writer, true);
  } catch (...) {
    // Abandon the COPY: the server discards what it received and the connection stays usable.
    if (PQputCopyEnd(conn_.get(), "abandoned by civicplan") == 1) {
      while (PGresult* more = PQgetResult(conn_.get())) PQclear(more);
    }
    throw;
  }
  if (PQputCopyEnd(conn_.get(), nullptr) != 1) fail(nullptr);
  finish_copy();
}

namespace {

// Decodes one row of COPY's text format (the line includes its final newline).
void decode_row(const char* line, int length, CopyRow& row) {
  std::size_t count = 0;
  auto next = [&]() -> std::string& {
    if (row.fields.size() <= count) {
      row.fields.emplace_back();
      row.nulls.push_back(false);
    }
    row.fields[count].clear();
    row.nulls[count] = false;
    return row.fields[count++];
  };
  const char* p = line;
  const char* end = line + length;
  if (end > p && end[-1] == '\n') --end;
  std::string* field = &next();
  const char* field_start = p;
  while (p < end) {
    const char c = *p;
    if (c == '\t') {
      field = &next();
      field_start = ++p;
      continue;
    }
    if (c != '\\' || p + 1 >= end) {
      *field += c;
      ++p;
      continue;
    }
    const char e = p[1];
    if (e == 'N' && p == field_start && (p + 2 == end || p[2] == '\t')) {
      row.nulls[count - 1] = true;
      p += 2;
      continue;
    }
    p += 2;
    switch (e) {
      case 'n': *field += '\n'; break;
      case 'r': *field += '\r'; break;
      case 't': *field += '\t'; break;
      case 'b': *field += '\b'; break;
      case 'f': *field += '\f'; break;
      case 'v': *field += '\v'; break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && p < end && std::isxdigit(static_cast<unsigned char>(*p))) {
          v = v * 16 + (std::isdigit(static_cast<unsigned char>(*p)) ? *p - '0' : (std::tolower(*p) - 'a' + 10));
          ++p;
          ++digits;
        }
        *field += static_cast<char>(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', digits = 1;
          while (digits < 3 && p < end && *p >= '0' && *p <= '7') {
            v = v * 8 + (*p++ - '0');
            ++digits;
          }
          *field += static_cast<char>(v);
        } else {
          *field += e;  // "\\" and any other escaped character stand for themselves
        }
    }
  }
  row.fields.resize(count);
  row.nulls.resize(count);
}

struct CopyBufferDeleter {
  void operator()(char* p) const noexcept { PQfreemem(p); }
};

}  // namespace

void Connection::copy_out(const std::string& copy_sql, const std::function<void(const CopyRow&)>& row) {
  if (!healthy()) throw Failure("", "the connection to PostgreSQL is closed", true);
  {
    PGresult* raw = PQexec(conn_.get(), copy_sql.c_str());
    Result start(raw);
    if (!raw || PQresultStatus(raw) != PGRES_COPY_OUT) fail(raw);
  }
  CopyRow decoded;
  bool failed = false;
  std::exception_ptr error;
  for (;;) {
    char* raw = nullptr;
    const int n = PQgetCopyData(conn_.get(), &raw, 0);
    std::unique_ptr<char, CopyBufferDeleter> buffer(raw);
    if (n == -1) break;     // the end of the data
    if (n < 0) fail(nullptr);  // -2: the connection failed
    if (failed) continue;   // drain what is left after the consumer threw
    try {
      decode_row(buffer.get(), n, decoded);
      row(decoded);
    } catch (...) {
      failed = true;
      error = std::current_exception();
    }
  }
  finish_copy();
  if (error) std::rethrow_exception(error);
}

Target target_of(const std::string& conninfo) {
  Target t;
  char* error = nullptr;
  PQconninfoOption* given = PQconninfoParse(conninfo.c_str(), &error);
  if (!given) {
    t.parsed = false;
    t.error = error ? one_line(error) : "the connection string cannot be read";
    if (error) PQfreemem(error);
    return t;
  }
  PQconninfoOption* defaults = PQconndefaults();
  auto value = [&](const char* keyword) -> std::string {
    for (PQconninfoOption* o = given; o->keyword; ++o) {
      if (std::strcmp(o->keyword, keyword) == 0 && o->val && *o->val) return o->val;
    }
    for (PQconninfoOption* o = defaults; o && o->keyword; ++o) {
      if (std::strcmp(o->keyword, keyword) == 0 && o->val && *o->val) return o->val;
    }
    return "";
  };
  t.host = value("host");
  if (t.host.empty()) t.host = value("hostaddr");
  if (t.host.empty()) t.host = "/var/run/postgresql";
  t.port = value("port");
  if (t.port.empty()) t.port = "5432";
  t.user = value("user");
  t.database = value("dbname");
  if (t.database.empty()) t.database = t.user;
  PQconninfoFree(given);
  if (defaults) PQconninfoFree(defaults);
  return t;
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace civicplan::detail::pg
