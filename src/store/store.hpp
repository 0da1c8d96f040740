// SPDX-License-Identifier: Apache-2.0
// The storage interface behind a workspace, and its SQLite implementation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "civicplan/revision.hpp"
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
  /// False for the in-memory store.
  virtual bool persistent() const = 0;

  /// Keeps `plan` as a revision of it; only inside a write transaction, after write() of a
  /// delta holding `plan` and before the model that holds it is swapped in.
  virtual void append_revision(const PlanRevision& revision, const Plan& plan) = 0;
  /// The kept revisions of a plan, oldest first.
  virtual std::vector<PlanRevision> history(const std::string& plan) = 0;
  /// The JSON of one kept revision, if kept.
  virtual std::optional<std::string> revision_data(const std::string& plan, std::int64_t revision) = 0;
  /// Appends to the audit log (the store numbers the entry); only inside a write transaction.
  virtual void append_audit(const AuditEntry& entry) = 0;
  /// Audit entries at or after `since` (ISO time) and about `object`, oldest first.
  virtual std::vector<AuditEntry> audit(const std::optional<std::string>& since,
                                        const std::optional<std::string>& object) = 0;
};

/// A store that keeps revisions and the audit log in memory (for Workspace()). `model` is the
/// workspace's model, which must outlive the store: the latest revision of a plan is read from
/// it until the plan changes, instead of being kept as a second copy.
std::unique_ptr<Store> make_memory_store(const Model* model);

/// Opens (creating if absent) and migrates the SQLite workspace at `path`.
std::unique_ptr<Store> open_sqlite_store(const std::string& path);

/// The schema version this build writes.
inline constexpr int kSchemaVersion = 3;

}  // namespace civicplan::detail
