// SPDX-License-Identifier: Apache-2.0
// The write transaction every backend shares, and the choice of a backend from a location.
#include "store/store.hpp"

#include "civicplan/error.hpp"
#include "store/sqlite/sqlite_store.hpp"
#ifdef CIVICPLAN_WITH_POSTGRESQL
#include "store/postgres/postgres_store.hpp"
#endif

namespace civicplan::detail {

WriteTransaction::WriteTransaction(Store& store) : store_(store) {
  if (store_.read_only()) {
    throw StorageError("workspace " + store_.location() + " is open read-only; open it without read_only to write");
  }
  store_.begin_write();
}

WriteTransaction::~WriteTransaction() {
  if (!done_) store_.rollback_write();
}

void WriteTransaction::commit() {
  done_ = true;  // a failed commit is rolled back here, not again by the destructor
  try {
    store_.commit_write();
  } catch (...) {
    store_.rollback_write();
    throw;
  }
}

namespace {
bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

std::unique_ptr<Store> open_store(const std::string& location, bool read_only) {
  if (location.empty()) throw StorageError("no workspace location given (a file path)");
  if (starts_with(location, "postgresql://") || starts_with(location, "postgres://")) {
#ifdef CIVICPLAN_WITH_POSTGRESQL
    return open_postgres_store(location, read_only);
#else
    // The URI is not repeated: it may hold a password.
    throw StorageError("a PostgreSQL workspace was asked for, but this build of civicplan has no PostgreSQL backend "
                       "(configure it with -DCIVICPLAN_WITH_POSTGRESQL=ON and libpq-dev installed)");
#endif
  }
  return open_sqlite_store(location, read_only);
}

}  // namespace civicplan::detail
