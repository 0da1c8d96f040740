// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL backend of the store interface (DESIGN §14).
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace civicplan::detail {

/// True for a postgresql:// or postgres:// URI.
bool is_postgres_uri(const std::string& location);

/// What a PostgreSQL workspace URI says: libpq's URI without civicplan's own `schema`
/// parameter, and the schema (default "civicplan"). StorageError when the schema name is not
/// a plain identifier. Neither the message nor anything here repeats a password.
struct PostgresLocation {
  std::string conninfo;
  std::string schema;
};
PostgresLocation parse_postgres_uri(const std::string& uri);

/// Opens the PostgreSQL workspace of `uri`. Writable: creates the schema and its tables when
/// absent and migrates them. Read-only: runs no DDL and writes nothing, so it works against a
/// hot standby; StorageError when the schema holds no current workspace.
std::unique_ptr<Store> open_postgres_store(const std::string& uri, bool read_only);

}  // namespace civicplan::detail
