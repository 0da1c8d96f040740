// SPDX-License-Identifier: Apache-2.0
// Plans (family plans, zone plans, digital agendas) and their actions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/date.hpp"
#include "civicplan/export.hpp"
#include "civicplan/money.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

enum class PlanStatus { kDraft, kSubmitted, kApproved, kRejected, kArchived };
enum class PlanVariant { kOriginal, kUpdate, kImplementation };
enum class ActionStatus { kPlanned, kInProgress, kCompleted, kSuspended, kCancelled };
enum class Horizon { kOngoing, kScheduled, kShortTerm, kLongTerm };

CIVICPLAN_API const char* to_string(PlanStatus v);
CIVICPLAN_API const char* to_string(PlanVariant v);
CIVICPLAN_API const char* to_string(ActionStatus v);
CIVICPLAN_API const char* to_string(Horizon v);
CIVICPLAN_API std::optional<PlanStatus> plan_status_from_string(const std::string& s);
CIVICPLAN_API std::optional<PlanVariant> plan_variant_from_string(const std::string& s);
CIVICPLAN_API std::optional<ActionStatus> action_status_from_string(const std::string& s);
CIVICPLAN_API std::optional<Horizon> horizon_from_string(const std::string& s);

/// One year's money for an action from one funding source.
struct BudgetLine {
  int year = 0;
  std::string source;              ///< municipal, provincial, regional, state, eu, private, ...
  std::optional<Money> planned;
  std::optional<Money> actual;     ///< reported (rendicontazione)
  bool operator==(const BudgetLine& o) const {
    return year == o.year && source == o.source && planned == o.planned && actual == o.actual;
  }
};

/// A measurable target of an action.
struct Target {
  std::string metric;
  std::optional<std::string> unit;
  std::optional<double> baseline;
  std::optional<double> target;
  std::optional<double> actual;
  bool operator==(const Target& o) const {
    return metric == o.metric && unit == o.unit && baseline == o.baseline && target == o.target &&
           actual == o.actual;
  }
};

/// A dated evaluation of how far an action has come (0..100).
struct Progress {
  Date date;
  double completion = 0;
  std::optional<std::string> note;
  bool operator==(const Progress& o) const {
    return date == o.date && completion == o.completion && note == o.note;
  }
};

/// A partner of an action and the partnership type.
struct Partner {
  std::string name;
  std::optional<std::string> kind;
  bool operator==(const Partner& o) const { return name == o.name && kind == o.kind; }
};

/// An action (intervention, project sheet) of a plan.
struct CIVICPLAN_API Action {
  std::string id;
  std::string title;
  std::optional<std::string> description;
  std::vector<std::string> categories;  ///< "<taxonomy>:<code>" references
  std::optional<std::string> objective;
  ActionStatus status = ActionStatus::kPlanned;
  std::optional<Horizon> horizon;
  std::optional<Date> start;
  std::optional<Date> end;
  std::optional<std::string> responsible;
  std::vector<Partner> partners;
  std::vector<BudgetLine> budget;
  std::vector<Target> targets;
  std::vector<Progress> progress;
  std::optional<Location> location;
  std::vector<std::string> depends_on;
  std::vector<std::string> tags;

  /// The latest progress entry on or before `date`, if any.
  const Progress* progress_at(const Date& date) const;
  bool operator==(const Action& o) const;
};

struct Objective {
  std::string id;
  std::string title;
  std::optional<std::string> description;
  bool operator==(const Objective& o) const {
    return id == o.id && title == o.title && description == o.description;
  }
};

/// The formal approval of a plan (delibera).
struct Approval {
  Date date;
  std::string act;
  bool operator==(const Approval& o) const { return date == o.date && act == o.act; }
};

struct Evaluation {
  Date date;
  std::string text;
  bool operator==(const Evaluation& o) const { return date == o.date && text == o.text; }
};

/// A plan of a body over a range of years.
struct CIVICPLAN_API Plan {
  std::string id;
  std::string kind;                  ///< family, zone, digital_agenda, social, ...
  std::string body;
  std::string title;
  YearRange period;
  PlanStatus status = PlanStatus::kDraft;
  PlanVariant variant = PlanVariant::kOriginal;
  std::optional<std::string> based_on;
  std::optional<Approval> approval;
  std::vector<std::string> previous;
  std::vector<Objective> objectives;
  std::vector<Action> actions;
  std::optional<Evaluation> evaluation;
  std::int64_t revision = 1;

  /// The action with this id or nullptr.
  const Action* find_action(const std::string& action_id) const;
  bool operator==(const Plan& o) const;
};

CIVICPLAN_API void to_json(nlohmann::json& j, const Action& a);
CIVICPLAN_API void to_json(nlohmann::json& j, const Plan& p);

}  // namespace civicplan
