// SPDX-License-Identifier: Apache-2.0
// Execution records on approved plans (DESIGN §16): progress, actual spending, target values,
// action statuses and the plan's evaluation, one at a time or in bulk from CSV.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <string>
#include <utility>

#include "base/clock.hpp"
#include "base/text.hpp"
#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"
#include "engines/lifecycle/permissions.hpp"
#include "io/execution_csv.hpp"
#include "workspace/workspace_impl.hpp"

namespace civicplan {

namespace {

using detail::EditKind;
using detail::ExecutionEdit;
using nlohmann::json;

json progress_json(const Progress& p) {
  json j{{"completion", p.completion}};
  if (p.note) j["note"] = *p.note;
  return j;
}

// Applies edits to copies of the plans they touch, collecting the changes. A single call
// (`single`) raises its first error as NotFoundError or ValidationError; a bulk import
// collects every problem as an issue at the row's `where` and raises them together.
class Recorder {
 public:
  Recorder(const Model& model, const detail::Permissions* permissions, bool single, std::vector<Issue> issues)
      : model_(model), permissions_(permissions), single_(single), issues_(std::move(issues)) {}

  void apply(const ExecutionEdit& e) {
    Plan* plan = plan_for(e);
    if (!plan) return;
    if (e.kind == EditKind::kEvaluation) {
      evaluation(*plan, e);
      return;
    }
    Action* action = action_for(*plan, e);
    if (!action) return;
    if (!first_time(e)) return;
    switch (e.kind) {
      case EditKind::kProgress: progress(*plan, *action, e); break;
      case EditKind::kActual: actual(*plan, *action, e); break;
      case EditKind::kTarget: target(*plan, *action, e); break;
      case EditKind::kStatus: status(*plan, *action, e); break;
      case EditKind::kEvaluation: break;
    }
  }

  // The summary and the changed plans at their new revisions; throws the collected issues.
  std::pair<ExecutionSummary, std::vector<Plan>> finish() {
    if (!issues_.empty()) throw ValidationError(std::move(issues_));
    std::vector<Plan> plans;
    for (auto& [id, plan] : working_) {
      if (!changed_.count(id)) continue;
      plan.revision = model_.plans.at(id).revision + 1;
      summary_.revisions[id] = plan.revision;
      plans.push_back(std::move(plan));
    }
    return {std::move(summary_), std::move(plans)};
  }

 private:
  void fail(const ExecutionEdit& e, const std::string& path, const std::string& message) {
    if (single_) throw ValidationError(std::vector<Issue>{{path, message}});
    issues_.push_back({e.where, message});
  }

  Plan* plan_for(const ExecutionEdit& e) {
    auto w = working_.find(e.plan);
    if (w != working_.end()) return &w->second;
    auto it = model_.plans.find(e.plan);
    if (it == model_.plans.end()) {
      if (single_) throw NotFoundError("plan", e.plan);
      std::vector<std::string> ids;
      if (model_.plans.size() <= 5000) {
        for (const auto& [id, p] : model_.plans) ids.push_back(id);
      }
      issues_.push_back({e.where, "unknown plan " + detail::quote(e.plan) + detail::did_you_mean(e.plan, ids)});
      return nullptr;
    }
    const Plan& p = it->second;
    if (p.status != PlanStatus::kApproved) {
      const std::string hint = p.status == PlanStatus::kArchived
                                   ? "an archived plan is closed"
                                   : "execution is recorded on approved plans; edit a " + std::string(to_string(p.status)) +
                                         " plan with put_plan";
      fail(e, "plan", "cannot record " + std::string(detail::to_string(e.kind)) + " on plan " + detail::quote(p.id) +
                          ": it is " + to_string(p.status) + "; " + hint);
      return nullptr;
    }
    if (permissions_) permissions_->require_editor(p, "record execution on");
    return &working_.emplace(e.plan, p).first->second;
  }

  Action* action_for(Plan& plan, const ExecutionEdit& e) {
    for (auto& a : plan.actions) {
      if (a.id == e.action) return &a;
    }
    if (single_) throw NotFoundError("action", plan.id + "/" + e.action);
    std::vector<std::string> ids;
    for (const auto& a : plan.actions) ids.push_back(a.id);
    issues_.push_back({e.where, "plan " + detail::quote(plan.id) + " has no action " + detail::quote(e.action) +
                                    detail::did_you_mean(e.action, ids)});
    return nullptr;
  }

  // False (and an issue) when an earlier row of the batch records the same thing.
  bool first_time(const ExecutionEdit& e) {
    std::string key = e.plan + "\x1f" + e.action + "\x1f" + detail::to_string(e.kind) + "\x1f";
    if (e.kind == EditKind::kProgress) key += e.date.to_string();
    if (e.kind == EditKind::kActual) key += std::to_string(e.year) + "\x1f" + e.source;
    if (e.kind == EditKind::kTarget) key += e.metric;
    auto [it, inserted] = seen_.emplace(key, e.where);
    if (!inserted) {
      issues_.push_back({e.where, "records the " + std::string(detail::to_string(e.kind)) + " of " + e.plan + "/" +
                                      e.action + " again (first at " + it->second + ")"});
    }
    return inserted;
  }

  void change(const Plan& plan, const std::string& action, const std::string& field, json before, json after) {
    if (before == after) {
      ++summary_.unchanged;
      return;
    }
    changed_.insert(plan.id);
    summary_.changed.push_back({plan.id, action, field, std::move(before), std::move(after)});
  }

  void progress(const Plan& plan, Action& a, const ExecutionEdit& e) {
    const Progress entry{e.date, e.completion, e.note};
    json before = nullptr;
    std::size_t same_date = 0;
    for (const auto& p : a.progress) {
      if (p.date == e.date && same_date++ == 0) before = progress_json(p);
    }
    if (same_date == 1 && before == progress_json(entry)) {
      ++summary_.unchanged;
      return;
    }
    a.progress.erase(std::remove_if(a.progress.begin(), a.progress.end(), [&](const Progress& p) { return p.date == e.date; }),
                     a.progress.end());
    a.progress.push_back(entry);
    std::stable_sort(a.progress.begin(), a.progress.end(),
                     [](const Progress& x, const Progress& y) { return x.date < y.date; });
    change(plan, a.id, "progress[" + e.date.to_string() + "]", std::move(before), progress_json(entry));
  }

  void actual(const Plan& plan, Action& a, const ExecutionEdit& e) {
    if (!plan.period.contains(e.year)) {
      fail(e, "year", "year " + std::to_string(e.year) + " is outside the period " + std::to_string(plan.period.from) +
                          "-" + std::to_string(plan.period.to) + " of plan " + detail::quote(plan.id));
      return;
    }
    BudgetLine* line = nullptr;
    std::size_t matches = 0;
    for (auto& l : a.budget) {
      if (l.year == e.year && l.source == e.source && matches++ == 0) line = &l;
    }
    if (matches > 1) {
      fail(e, "source", plan.id + "/" + a.id + " has " + std::to_string(matches) + " budget lines for " +
                            std::to_string(e.year) + " " + detail::quote(e.source) + "; merge them with an update first");
      return;
    }
    const std::string field = "actual[" + std::to_string(e.year) + "," + e.source + "]";
    json before = line && line->actual ? detail::money_to_json(*line->actual) : json(nullptr);
    if (!line) {
      a.budget.push_back(BudgetLine{e.year, e.source, std::nullopt, std::nullopt});
      line = &a.budget.back();
    }
    line->actual = e.amount;
    change(plan, a.id, field, std::move(before), detail::money_to_json(e.amount));
  }

  void target(const Plan& plan, Action& a, const ExecutionEdit& e) {
    Target* target = nullptr;
    std::size_t matches = 0;
    for (auto& t : a.targets) {
      if (t.metric == e.metric && matches++ == 0) target = &t;
    }
    if (!target) {
      if (single_) throw NotFoundError("target", plan.id + "/" + a.id + " " + e.metric);
      std::vector<std::string> metrics;
      for (const auto& t : a.targets) metrics.push_back(t.metric);
      issues_.push_back({e.where, plan.id + "/" + a.id + " has no target " + detail::quote(e.metric) +
                                      detail::did_you_mean(e.metric, metrics)});
      return;
    }
    if (matches > 1) {
      fail(e, "metric", plan.id + "/" + a.id + " has " + std::to_string(matches) + " targets " + detail::quote(e.metric));
      return;
    }
    json before = target->actual ? json(*target->actual) : json(nullptr);
    target->actual = e.value;
    change(plan, a.id, "target[" + e.metric + "]", std::move(before), json(e.value));
  }

  void status(const Plan& plan, Action& a, const ExecutionEdit& e) {
    json before = to_string(a.status);
    a.status = e.status;
    change(plan, a.id, "status", std::move(before), to_string(e.status));
  }

  void evaluation(Plan& plan, const ExecutionEdit& e) {
    auto as_json = [](const std::optional<Evaluation>& v) {
      return v ? json{{"date", v->date.to_string()}, {"text", v->text}} : json(nullptr);
    };
    json before = as_json(plan.evaluation);
    plan.evaluation = Evaluation{e.date, e.text};
    change(plan, "", "evaluation", std::move(before), as_json(plan.evaluation));
  }

  const Model& model_;
  const detail::Permissions* permissions_;
  const bool single_;
  std::map<std::string, Plan> working_;
  std::set<std::string> changed_;
  std::map<std::string, std::string> seen_;
  std::vector<Issue> issues_;
  ExecutionSummary summary_;
};

// "pedibus progress[2024-06-30]: null -> {...}" for the audit entry of a single call.
std::string describe_change(const ExecutionChange& c) {
  return (c.action.empty() ? "" : c.action + " ") + c.field + ": " + c.before.dump() + " -> " + c.after.dump();
}

}  // namespace

ExecutionSummary Workspace::Impl::record(const std::vector<detail::ExecutionEdit>& edits,
                                         const std::optional<std::string>& user, const std::string& operation,
                                         const std::string& detail, bool single, bool dry_run,
                                         const std::vector<Issue>& issues) {
  auto run = [&](const Model& current) {
    std::optional<detail::Permissions> permissions;
    if (user) permissions.emplace(current, acting_user(current, *user));
    Recorder recorder(current, permissions ? &*permissions : nullptr, single, issues);
    for (const auto& e : edits) recorder.apply(e);
    return recorder.finish();
  };
  // A dry run writes nothing, nor does a read-only workspace (which refuses only real changes).
  if (dry_run || store().read_only()) {
    auto preview = run(current()->model());
    if (dry_run || preview.second.empty()) {
      preview.first.dry_run = dry_run;
      return std::move(preview.first);
    }
  }
  return transact([&](const Model& current, detail::WriteTransaction& st) {
    auto [summary, plans] = run(current);
    if (plans.empty()) return std::make_pair(std::optional<Model>(), std::move(summary));
    Model delta;
    for (auto& p : plans) delta.plans.emplace(p.id, std::move(p));
    std::optional<Model> merged = current;
    for (const auto& [id, p] : delta.plans) merged->plans[id] = p;
    st.write(delta);
    const std::string time = detail::now_iso();
    const std::string who = user.value_or("");
    // How many values changed on each plan, and the first of them (described alone when it
    // is the only one).
    std::unordered_map<std::string, std::pair<std::size_t, const ExecutionChange*>> changes;
    for (const auto& c : summary.changed) {
      auto& entry = changes[c.plan];
      if (entry.first++ == 0) entry.second = &c;
    }
    for (const auto& [id, p] : delta.plans) {
      st.append_revision({p.id, p.revision, time, who, operation}, p);
      const auto& [count, first] = changes[p.id];
      std::string text = count == 1 ? describe_change(*first) + (single ? "" : " from " + detail)
                                    : std::to_string(count) + " changes from " + detail;
      st.append_audit({0, time, who, operation, "plan:" + p.id, p.revision, p.revision - 1, text});
    }
    return std::make_pair(std::move(merged), std::move(summary));
  });
}

namespace {

ExecutionEdit single_edit(EditKind kind, const std::string& plan, const std::string& action) {
  ExecutionEdit e;
  e.kind = kind;
  e.plan = plan;
  e.action = action;
  return e;
}

}  // namespace

std::int64_t Workspace::Impl::record_one(const detail::ExecutionEdit& edit, const std::optional<std::string>& user,
                                         const std::string& operation) {
  std::vector<Issue> issues;
  detail::check_edit_values(edit, issues);
  if (!issues.empty()) throw ValidationError(std::move(issues));
  const ExecutionSummary summary = record({edit}, user, operation, "", true, false, {});
  auto it = summary.revisions.find(edit.plan);
  if (it != summary.revisions.end()) return it->second;
  return snapshot()->model().plans.at(edit.plan).revision;
}

std::int64_t Workspace::record_progress(const std::string& plan, const std::string& action, const Date& date,
                                        double completion, const std::optional<std::string>& note) {
  ExecutionEdit e = single_edit(EditKind::kProgress, plan, action);
  e.date = date;
  e.completion = completion;
  if (note && !note->empty()) e.note = note;
  return impl_->record_one(e, user_, "record_progress");
}

std::int64_t Workspace::record_actual(const std::string& plan, const std::string& action, int year,
                                      const std::string& source, Money amount) {
  ExecutionEdit e = single_edit(EditKind::kActual, plan, action);
  e.year = year;
  e.source = source;
  e.amount = amount;
  return impl_->record_one(e, user_, "record_actual");
}

std::int64_t Workspace::record_target(const std::string& plan, const std::string& action, const std::string& metric,
                                      double actual) {
  ExecutionEdit e = single_edit(EditKind::kTarget, plan, action);
  e.metric = metric;
  e.value = actual;
  return impl_->record_one(e, user_, "record_target");
}

std::int64_t Workspace::set_action_status(const std::string& plan, const std::string& action, ActionStatus status) {
  ExecutionEdit e = single_edit(EditKind::kStatus, plan, action);
  e.status = status;
  return impl_->record_one(e, user_, "set_action_status");
}

std::int64_t Workspace::record_evaluation(const std::string& plan, const Date& date, const std::string& text) {
  ExecutionEdit e = single_edit(EditKind::kEvaluation, plan, "");
  e.date = date;
  e.text = text;
  return impl_->record_one(e, user_, "record_evaluation");
}

ExecutionSummary Workspace::import_execution(const std::string& path, bool dry_run) {
  return import_execution(std::vector<std::string>{path}, dry_run);
}

ExecutionSummary Workspace::import_execution(const std::vector<std::string>& paths, bool dry_run) {
  // A row with the wrong number of fields is left out and reported with the other bad rows;
  // a file that cannot be read as a whole (encoding, quoting, header) stops the import.
  std::vector<ExecutionRow> rows;
  std::vector<Issue> issues;
  std::vector<std::string> order;
  bool unreadable = false;
  for (const auto& path : paths) {
    const std::string text = read_text_file(path);
    try {
      auto more = detail::read_execution_rows(text, path, issues, order);
      rows.insert(rows.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    } catch (const ValidationError& e) {
      issues.insert(issues.end(), e.issues().begin(), e.issues().end());
      unreadable = true;
    }
  }
  if (unreadable) throw ValidationError(std::move(issues));
  std::string names;
  for (const auto& path : paths) names += (names.empty() ? "" : ", ") + path;
  return impl_->import_rows(rows, user_, dry_run, names, issues, order);
}

ExecutionSummary Workspace::import_execution(const std::vector<ExecutionRow>& rows, bool dry_run) {
  return impl_->import_rows(rows, user_, dry_run, "rows given by the caller");
}

ExecutionSummary Workspace::Impl::import_rows(const std::vector<ExecutionRow>& rows, const std::optional<std::string>& user,
                                              bool dry_run, const std::string& from,
                                              const std::vector<Issue>& read_issues,
                                              const std::vector<std::string>& positions) {
  std::vector<Issue> issues = read_issues;
  const auto edits = detail::parse_execution_rows(rows, issues);
  try {
    return record(edits, user, "import_execution", from, false, dry_run, issues);
  } catch (const ValidationError& e) {
    // Bad rows are found in passes (reading, cells, references): report them in row order.
    std::unordered_map<std::string, std::size_t> order;
    if (positions.empty()) {
      for (std::size_t i = 0; i < rows.size(); ++i) order.emplace(rows[i].where, i);
    } else {
      for (std::size_t i = 0; i < positions.size(); ++i) order.emplace(positions[i], i);
    }
    std::vector<Issue> sorted = e.issues();
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Issue& a, const Issue& b) {
      auto x = order.find(a.path), y = order.find(b.path);
      return (x == order.end() ? 0 : x->second) < (y == order.end() ? 0 : y->second);
    });
    throw ValidationError(std::move(sorted));
  }
}

}  // namespace civicplan
