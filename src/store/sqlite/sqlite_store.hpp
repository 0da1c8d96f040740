// SPDX-License-Identifier: Apache-2.0
// The SQLite backend of the store interface.
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace civicplan::detail {

/// Opens the SQLite workspace at `path`. Writable: creates it when absent and migrates its
/// schema. Read-only: opens an existing, current workspace and writes nothing (no DDL, no
/// journal-mode change); StorageError when the file is missing or needs a migration.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, bool read_only);

}  // namespace civicplan::detail
