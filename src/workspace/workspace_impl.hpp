// SPDX-License-Identifier: Apache-2.0
// The workspace's private state: its store and the snapshot of its latest commit.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "civicplan/workspace.hpp"
#include "io/bundle_parse.hpp"
#include "io/execution_csv.hpp"
#include "store/store.hpp"
#include "workspace/state.hpp"

namespace civicplan {

namespace detail { class Permissions; }

struct Workspace::Impl {
  explicit Impl(std::unique_ptr<detail::Store> s);
  // A workspace on `s` that starts from `model` (a scenario's base), not from what `s` holds.
  /// A workspace on `s` holding `model`; with `base`, a state of another workspace whose model
  /// `model` is (a scenario), the first state derives its parts from those `base` built.
  Impl(std::unique_ptr<detail::Store> s, std::shared_ptr<const Model> model,
       const detail::State* base = nullptr);

  // The latest snapshot this process knows, without asking the store.
  std::shared_ptr<const detail::State> snapshot() const { return std::atomic_load(&state_); }

  // The latest snapshot, first re-read from the store when another connection committed. A
  // reader never waits for a writer of this process: while one holds the store, the reader
  // gets the snapshot of the last commit.
  std::shared_ptr<const detail::State> current();

  // Waits for the store and re-reads what others committed; true when something changed.
  bool refresh();

  // Runs `change(current, transaction)` in one write transaction on the latest state.
  // `change` writes its rows, revisions and audit entries and returns the new model and a
  // result (or, as std::optional<Model>, nullopt when it changed nothing); the transaction
  // commits, then the new snapshot is swapped in. Nothing changes if it throws.
  template <class Change>
  auto transact(Change change)
      -> decltype(change(std::declval<const Model&>(), std::declval<detail::WriteTransaction&>()).second) {
    std::lock_guard<std::mutex> lock(store_mutex_);
    // A backend that may refuse a write for a reason a second run cures (a deadlock with
    // another session) gets the change run again on the then latest state.
    const int attempts = store_->may_retry() ? kWriteAttempts : 1;
    for (int attempt = 1;; ++attempt) {
      try {
        detail::WriteTransaction transaction(*store_);
        // Inside the write transaction no other writer can commit: work on the latest state.
        const auto state = sync_locked();
        auto result = change(state->model(), transaction);
        transaction.commit();
        if constexpr (std::is_same_v<std::decay_t<decltype(result.first)>, std::optional<Model>>) {
          // A change that found nothing to do keeps the current snapshot.
          if (result.first) publish(std::make_shared<const Model>(std::move(*result.first)));
        } else {
          publish(std::make_shared<const Model>(std::move(result.first)));
        }
        return std::move(result.second);
      } catch (const detail::RetryableStorageError&) {
        if (attempt >= attempts) throw;
      }
    }
  }

  // Checks a merged model in full: references and cycles, then indicator definitions.
  static void check(const Model& merged, const detail::Origins& origins, std::vector<Issue>& issues);

  // Certifies a batch with an evaluator that also answers certified() and indicator().
  // `version`, when given, replaces the version in force (parameters replaced).
  static CertificationTable certify_batch(const detail::State& state, const std::string& scheme,
                                          const detail::Batch& batch, int year, bool preview,
                                          const detail::CompiledVersion* version = nullptr);

  // The user `id` of model `m`; NotFoundError when there is none.
  static const User& acting_user(const Model& m, const std::string& id);

  // Validates `delta` over the current model and commits it, journaling what it changed.
  ImportSummary apply(const Model& delta, const detail::Origins& origins, std::vector<Issue> issues,
                      const std::optional<std::string>& user);
  // The same, taking `delta` over: into an empty workspace it becomes the model, uncopied.
  ImportSummary apply(Model&& delta, const detail::Origins& origins, std::vector<Issue> issues,
                      const std::optional<std::string>& user);

  // Imports a parsed bundle and the issues found parsing it: with any, throws ValidationError
  // listing them and the reference problems of the bundle over the current model.
  ImportSummary import_parsed(Model&& delta, const detail::Origins& origins, std::vector<Issue> issues,
                              const std::optional<std::string>& user);

  // Writes a new state of one plan made by `make` from the current model: the row, a kept
  // revision and an audit entry, in one transaction. Returns the new revision.
  std::int64_t write_plan(const std::optional<std::string>& user, const std::string& operation,
                          const std::string& detail,
                          const std::function<Plan(const Model&, const detail::Permissions*)>& make);

  // Applies execution edits (DESIGN §16) on the latest state: one revision and one audit
  // entry per plan changed, nothing written when nothing changes or with `dry_run`. A
  // `single` call raises its first problem; a bulk one collects them all, after `issues`
  // (those found reading the rows).
  ExecutionSummary record(const std::vector<detail::ExecutionEdit>& edits, const std::optional<std::string>& user,
                          const std::string& operation, const std::string& detail, bool single, bool dry_run,
                          const std::vector<Issue>& issues);
  // One edit of a single call, its values checked first; returns the plan's revision after it.
  std::int64_t record_one(const detail::ExecutionEdit& edit, const std::optional<std::string>& user,
                          const std::string& operation);
  // Execution rows converted and applied in bulk; `from` names them in the audit log.
  // `read_issues` are the rows left out when reading them, and `order` the position of every
  // row read (kept and left out), by which all issues are reported; by default the rows'.
  ExecutionSummary import_rows(const std::vector<ExecutionRow>& rows, const std::optional<std::string>& user,
                               bool dry_run, const std::string& from, const std::vector<Issue>& read_issues = {},
                               const std::vector<std::string>& order = {});

  // The kept revisions, one revision and the audit log, read from the store.
  std::vector<PlanRevision> history(const std::string& plan);
  std::optional<Plan> revision(const std::string& plan, std::int64_t revision);
  std::vector<AuditEntry> audit(const std::optional<std::string>& since, const std::optional<std::string>& object);

  const detail::Store& store() const { return *store_; }

 private:
  // Re-reads what others committed into a new snapshot. Caller holds store_mutex_.
  std::shared_ptr<const detail::State> sync_locked();
  // Swaps in a snapshot of `model` at the store's sequence. Caller holds store_mutex_.
  void publish(std::shared_ptr<const Model> model);
  void publish(std::shared_ptr<const Model> model, const detail::State* previous);

  static constexpr int kWriteAttempts = 5;

  std::unique_ptr<detail::Store> store_;
  // The store's connection is used by one thread at a time; a writer holds it for its whole
  // transaction.
  std::mutex store_mutex_;
  // Read and replaced with std::atomic_load / std::atomic_store only.
  std::shared_ptr<const detail::State> state_;
};

// ValidationError (path "year", or `path`) unless 1800 <= year <= 2200: the years a query may ask.
void check_year(int year, const std::string& path = "year");

// How many objects of each kind `delta` adds to `current` and how many it replaces.
ImportSummary summarize(const Model& delta, const Model& current);

}  // namespace civicplan
