// SPDX-License-Identifier: Apache-2.0
// The storage interface behind a workspace, and its SQLite implementation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "civicplan/model.hpp"

namespace civicplan::detail {

/// Durable storage of a model. One write transaction at a time per store; every method
/// throws StorageError (never a raw SQLite exception).
class Store {
 public:
  virtual ~Store() = default;
  /// Reads the whole model in one consistent read transaction.
  virtual Model load() = 0;
  /// True when another connection committed since the last load().
  virtual bool changed_since_load() = 0;
  /// Starts the write transaction (waits, bounded, for other writers).
  virtual void begin_write() = 0;
  /// Adds or replaces every object of `delta`; only inside a write transaction.
  virtual void write(const Model& delta) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual const std::string& path() const = 0;
};

/// Opens (creating if absent) and migrates the SQLite workspace at `path`.
std::unique_ptr<Store> open_sqlite_store(const std::string& path);

/// The schema version this build writes.
inline constexpr int kSchemaVersion = 1;

}  // namespace civicplan::detail
