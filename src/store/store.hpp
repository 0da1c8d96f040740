// SPDX-License-Identifier: Apache-2.0
// The storage interface behind a workspace, which every backend implements (DESIGN §10, §14).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "civicplan/error.hpp"
#include "civicplan/model.hpp"
#include "civicplan/revision.hpp"

namespace civicplan::detail {

/// What other connections committed after a sequence number: the ids of the objects they
/// wrote, by kind (bundle array names, "plans" → {"p1", ...}; keyed records by their key as
/// statistic_key() and the like write it), or `everything` when the backend cannot tell.
struct Changes {
  bool everything = false;
  std::map<std::string, std::set<std::string>> ids;
  /// The store's sequence number that these changes bring a reader up to.
  std::int64_t sequence = 0;

  bool empty() const { return !everything && ids.empty(); }
};

class WriteTransaction;

/// A write the backend refused for a reason that running it again may cure (a deadlock with
/// another session, a serialization failure): the workspace runs the change again on the
/// latest state, a few times, before letting it through.
class RetryableStorageError : public StorageError {
 public:
  using StorageError::StorageError;
};

/// Durable storage of a model. Every method throws StorageError (never a backend's own
/// exception). One connection: a Store is used by one thread at a time.
class Store {
 public:
  virtual ~Store() = default;

  /// Reads the whole model in one consistent read; sequence() is then the state it read.
  virtual Model load() = 0;
  /// Reads the objects `changes` names (those that still exist), in one consistent read, and
  /// moves sequence() to `changes.sequence`.
  virtual Model load(const Changes& changes) = 0;
  /// The sequence number of the state last read or written through this store.
  virtual std::int64_t sequence() = 0;
  /// What others committed since `sequence` (empty when nothing).
  virtual Changes changes_since(std::int64_t sequence) = 0;

  /// The kept revisions of a plan, oldest first.
  virtual std::vector<PlanRevision> history(const std::string& plan) = 0;
  /// One kept revision of a plan, if kept.
  virtual std::optional<Plan> revision(const std::string& plan, std::int64_t revision) = 0;
  /// Audit entries at or after `since` (ISO time) and about `object`, oldest first.
  virtual std::vector<AuditEntry> audit(const std::optional<std::string>& since,
                                        const std::optional<std::string>& object) = 0;

  /// The model the workspace holds after a commit (or a load) through this store. A store may
  /// keep it to answer revision() for the latest state of a plan without a copy of its own.
  virtual void held(std::shared_ptr<const Model> model) { (void)model; }

  /// Where the workspace lives: a file path or a URI ("" in memory).
  virtual const std::string& location() const = 0;
  /// False for the in-memory store.
  virtual bool persistent() const = 0;
  /// True when opened read-only: a WriteTransaction on it throws StorageError.
  virtual bool read_only() const = 0;
  /// True when a write may fail with RetryableStorageError (then the change is run again, so
  /// it must not consume what it was given).
  virtual bool may_retry() const { return false; }

 protected:
  friend class WriteTransaction;
  /// Starts the write transaction (waits, bounded, for other writers).
  virtual void begin_write() = 0;
  /// Adds or replaces every object of `delta`.
  virtual void write(const Model& delta) = 0;
  /// Keeps `plan` as a revision of it, after write() of a delta holding `plan`.
  virtual void append_revision(const PlanRevision& revision, const Plan& plan) = 0;
  /// Appends to the audit log (the store numbers the entry).
  virtual void append_audit(const AuditEntry& entry) = 0;
  virtual void commit_write() = 0;
  virtual void rollback_write() noexcept = 0;
};

/// The one write transaction of a store, RAII: it begins in its constructor and rolls back in
/// its destructor unless commit() was called (SQLite::Transaction's shape, for every backend).
class WriteTransaction {
 public:
  /// Begins; StorageError on a read-only store or when another writer holds the lock too long.
  explicit WriteTransaction(Store& store);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void write(const Model& delta) { store_.write(delta); }
  void append_revision(const PlanRevision& revision, const Plan& plan) {
    store_.append_revision(revision, plan);
  }
  void append_audit(const AuditEntry& entry) { store_.append_audit(entry); }
  /// Commits; after it the destructor does nothing. Throws StorageError (then rolled back).
  void commit();

 private:
  Store& store_;
  bool done_ = false;
};

/// Opens the workspace at `location`, picking the backend from it: a postgresql:// or
/// postgres:// URI is a PostgreSQL workspace, anything else a SQLite file (created and
/// migrated when absent, unless `read_only`). Throws StorageError.
std::unique_ptr<Store> open_store(const std::string& location, bool read_only);

/// A store that keeps revisions and the audit log in memory (for Workspace()).
std::unique_ptr<Store> make_memory_store();

}  // namespace civicplan::detail
