// SPDX-License-Identifier: Apache-2.0
// Plans and actions: enums, lookups and JSON output.
#include "civicplan/plan.hpp"

#include "base/text.hpp"

namespace civicplan {

namespace {
template <class E, std::size_t N>
std::optional<E> lookup(const std::string& s, const E (&values)[N]) {
  for (auto v : values) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}
const PlanStatus kPlanStatuses[] = {PlanStatus::kDraft, PlanStatus::kSubmitted, PlanStatus::kApproved,
                                    PlanStatus::kRejected, PlanStatus::kArchived};
const PlanVariant kVariants[] = {PlanVariant::kOriginal, PlanVariant::kUpdate, PlanVariant::kImplementation};
const ActionStatus kActionStatuses[] = {ActionStatus::kPlanned, ActionStatus::kInProgress, ActionStatus::kCompleted,
                                        ActionStatus::kSuspended, ActionStatus::kCancelled};
const Horizon kHorizons[] = {Horizon::kOngoing, Horizon::kScheduled, Horizon::kShortTerm, Horizon::kLongTerm};

}  // namespace

const char* to_string(PlanStatus v) {
  switch (v) {
    case PlanStatus::kDraft: return "draft";
    case PlanStatus::kSubmitted: return "submitted";
    case PlanStatus::kApproved: return "approved";
    case PlanStatus::kRejected: return "rejected";
    case PlanStatus::kArchived: return "archived";
  }
  return "?";
}
const char* to_string(PlanVariant v) {
  switch (v) {
    case PlanVariant::kOriginal: return "original";
    case PlanVariant::kUpdate: return "update";
    case PlanVariant::kImplementation: return "implementation";
  }
  return "?";
}
const char* to_string(ActionStatus v) {
  switch (v) {
    case ActionStatus::kPlanned: return "planned";
    case ActionStatus::kInProgress: return "in_progress";
    case ActionStatus::kCompleted: return "completed";
    case ActionStatus::kSuspended: return "suspended";
    case ActionStatus::kCancelled: return "cancelled";
  }
  return "?";
}
const char* to_string(Horizon v) {
  switch (v) {
    case Horizon::kOngoing: return "ongoing";
    case Horizon::kScheduled: return "scheduled";
    case Horizon::kShortTerm: return "short_term";
    case Horizon::kLongTerm: return "long_term";
  }
  return "?";
}
std::optional<PlanStatus> plan_status_from_string(const std::string& s) { return lookup(s, kPlanStatuses); }
std::optional<PlanVariant> plan_variant_from_string(const std::string& s) { return lookup(s, kVariants); }
std::optional<ActionStatus> action_status_from_string(const std::string& s) { return lookup(s, kActionStatuses); }
std::optional<Horizon> horizon_from_string(const std::string& s) { return lookup(s, kHorizons); }

const Progress* Action::progress_at(const Date& date) const {
  const Progress* best = nullptr;
  for (const auto& p : progress) {
    if (p.date <= date && (!best || best->date <= p.date)) best = &p;
  }
  return best;
}

bool Action::operator==(const Action& o) const {
  return id == o.id && title == o.title && description == o.description && categories == o.categories &&
         objective == o.objective && status == o.status && horizon == o.horizon && start == o.start &&
         end == o.end && responsible == o.responsible && partners == o.partners && budget == o.budget &&
         targets == o.targets && progress == o.progress && location == o.location && depends_on == o.depends_on &&
         tags == o.tags;
}

const Action* Plan::find_action(const std::string& action_id) const {
  for (const auto& a : actions) {
    if (a.id == action_id) return &a;
  }
  return nullptr;
}

bool Plan::operator==(const Plan& o) const {
  return id == o.id && kind == o.kind && body == o.body && title == o.title && period == o.period &&
         status == o.status && variant == o.variant && based_on == o.based_on && approval == o.approval &&
         previous == o.previous && objectives == o.objectives && actions == o.actions && evaluation == o.evaluation &&
         revision == o.revision;
}

void to_json(nlohmann::json& j, const Action& a) {
  j = nlohmann::json::object();
  j["id"] = a.id;
  j["title"] = a.title;
  if (a.description) j["description"] = *a.description;
  j["categories"] = a.categories;
  if (a.objective) j["objective"] = *a.objective;
  j["status"] = to_string(a.status);
  if (a.horizon) j["horizon"] = to_string(*a.horizon);
  if (a.start) j["start"] = a.start->to_string();
  if (a.end) j["end"] = a.end->to_string();
  if (a.responsible) j["responsible"] = *a.responsible;
  if (!a.partners.empty()) {
    auto arr = nlohmann::json::array();
    for (const auto& p : a.partners) {
      nlohmann::json o{{"name", p.name}};
      if (p.kind) o["kind"] = *p.kind;
      arr.push_back(std::move(o));
    }
    j["partners"] = std::move(arr);
  }
  auto budget = nlohmann::json::array();
  for (const auto& b : a.budget) {
    nlohmann::json o{{"year", b.year}, {"source", b.source}};
    if (b.planned) o["planned"] = detail::money_to_json(*b.planned);
    if (b.actual) o["actual"] = detail::money_to_json(*b.actual);
    budget.push_back(std::move(o));
  }
  j["budget"] = std::move(budget);
  auto targets = nlohmann::json::array();
  for (const auto& t : a.targets) {
    nlohmann::json o{{"metric", t.metric}};
    if (t.unit) o["unit"] = *t.unit;
    if (t.baseline) o["baseline"] = *t.baseline;
    if (t.target) o["target"] = *t.target;
    if (t.actual) o["actual"] = *t.actual;
    targets.push_back(std::move(o));
  }
  j["targets"] = std::move(targets);
  if (!a.progress.empty()) {
    auto arr = nlohmann::json::array();
    for (const auto& p : a.progress) {
      nlohmann::json o{{"date", p.date.to_string()}, {"completion", p.completion}};
      if (p.note) o["note"] = *p.note;
      arr.push_back(std::move(o));
    }
    j["progress"] = std::move(arr);
  }
  if (a.location) j["location"] = {{"lat", a.location->lat}, {"lon", a.location->lon}};
  if (!a.depends_on.empty()) j["depends_on"] = a.depends_on;
  if (!a.tags.empty()) j["tags"] = a.tags;
}

void to_json(nlohmann::json& j, const Plan& p) {
  j = nlohmann::json::object();
  j["id"] = p.id;
  j["kind"] = p.kind;
  j["body"] = p.body;
  j["title"] = p.title;
  j["period"] = {{"from", p.period.from}, {"to", p.period.to}};
  j["status"] = to_string(p.status);
  j["variant"] = to_string(p.variant);
  if (p.based_on) j["based_on"] = *p.based_on;
  if (p.approval) j["approval"] = {{"date", p.approval->date.to_string()}, {"act", p.approval->act}};
  if (!p.previous.empty()) j["previous"] = p.previous;
  auto objectives = nlohmann::json::array();
  for (const auto& o : p.objectives) {
    nlohmann::json obj{{"id", o.id}, {"title", o.title}};
    if (o.description) obj["description"] = *o.description;
    objectives.push_back(std::move(obj));
  }
  j["objectives"] = std::move(objectives);
  auto actions = nlohmann::json::array();
  for (const auto& a : p.actions) actions.push_back(a);
  j["actions"] = std::move(actions);
  if (p.evaluation) j["evaluation"] = {{"date", p.evaluation->date.to_string()}, {"text", p.evaluation->text}};
  j["revision"] = p.revision;
}

}  // namespace civicplan
