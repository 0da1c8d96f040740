// SPDX-License-Identifier: Apache-2.0
// The store of an in-memory workspace: revisions and the audit log kept in memory.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "civicplan/error.hpp"
#include "store/store.hpp"

namespace civicplan::detail {

namespace {

// Keeps revisions and the audit log in memory; writes inside a transaction are buffered so
// that a rollback leaves nothing behind. The latest revision of a plan is the plan of the
// model the workspace holds (held()), not a second copy; it is copied out when a later
// revision of that plan is about to replace it.
class MemoryStore final : public Store {
 public:
  Model load() override { return Model{}; }
  Model load(const Changes&) override { return Model{}; }
  std::int64_t sequence() override { return 0; }
  Changes changes_since(std::int64_t) override { return Changes{}; }

  std::vector<PlanRevision> history(const std::string& plan) override {
    std::vector<PlanRevision> out;
    auto it = revisions_.find(plan);
    if (it != revisions_.end()) {
      for (const auto& k : it->second) out.push_back(k.revision);
    }
    return out;
  }

  std::optional<Plan> revision(const std::string& plan, std::int64_t revision) override {
    auto it = revisions_.find(plan);
    if (it == revisions_.end()) return std::nullopt;
    for (const auto& k : it->second) {
      if (k.revision.revision == revision) return k.data ? *k.data : current(plan, revision);
    }
    return std::nullopt;
  }

  std::vector<AuditEntry> audit(const std::optional<std::string>& since,
                                const std::optional<std::string>& object) override {
    std::vector<AuditEntry> out;
    for (const auto& e : audit_) {
      if ((!since || e.time >= *since) && (!object || e.object == *object)) out.push_back(e);
    }
    return out;
  }

  void held(std::shared_ptr<const Model> model) override { model_ = std::move(model); }

  const std::string& location() const override { return location_; }
  bool persistent() const override { return false; }
  bool read_only() const override { return false; }

 protected:
  void begin_write() override {
    pending_revisions_.clear();
    pending_audit_.clear();
  }
  void write(const Model&) override {}
  void append_revision(const PlanRevision& r, const Plan&) override {
    // The plan is about to replace the one in the held model: copy out the model's (still
    // current) state of every revision that was read from it.
    auto it = revisions_.find(r.plan);
    if (it != revisions_.end()) {
      for (auto& k : it->second) {
        if (!k.data) k.data = current(r.plan, k.revision.revision);
      }
    }
    pending_revisions_.push_back({r, std::nullopt});
  }
  void append_audit(const AuditEntry& e) override { pending_audit_.push_back(e); }
  void commit_write() override {
    for (auto& k : pending_revisions_) {
      auto& list = revisions_[k.revision.plan];
      const auto revision = k.revision.revision;
      list.erase(std::remove_if(list.begin(), list.end(), [&](const Kept& x) { return x.revision.revision == revision; }),
                 list.end());
      list.push_back(std::move(k));
      std::sort(list.begin(), list.end(),
                [](const Kept& x, const Kept& y) { return x.revision.revision < y.revision.revision; });
    }
    for (auto& e : pending_audit_) {
      e.sequence = static_cast<std::int64_t>(audit_.size()) + 1;
      audit_.push_back(e);
    }
    pending_revisions_.clear();
    pending_audit_.clear();
  }
  void rollback_write() noexcept override {
    pending_revisions_.clear();
    pending_audit_.clear();
  }

 private:
  // A kept revision; without data it is the plan as the held model has it.
  struct Kept {
    PlanRevision revision;
    std::optional<Plan> data;
  };

  // The held model's plan, which is at `revision`.
  Plan current(const std::string& plan, std::int64_t revision) const {
    if (model_) {
      auto p = model_->plans.find(plan);
      if (p != model_->plans.end() && p->second.revision == revision) return p->second;
    }
    throw StorageError("kept revision " + plan + "@" + std::to_string(revision) + " is no longer held");
  }

  std::shared_ptr<const Model> model_;
  std::string location_;
  std::map<std::string, std::vector<Kept>> revisions_;
  std::vector<AuditEntry> audit_;
  std::vector<Kept> pending_revisions_;
  std::vector<AuditEntry> pending_audit_;
};

}  // namespace

std::unique_ptr<Store> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace civicplan::detail
