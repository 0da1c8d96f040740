// SPDX-License-Identifier: Apache-2.0
// Tests of plans and actions: enums, progress, lookups and JSON form.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "civicplan/bundle.hpp"
#include "civicplan/plan.hpp"

using namespace civicplan;

namespace {

Action voucher_action() {
  Action a;
  a.id = "a1";
  a.title = "Nursery vouchers";
  a.description = "Vouchers for nursery fees";
  a.categories = {"family-tn:A1a"};
  a.objective = "o1";
  a.status = ActionStatus::kInProgress;
  a.horizon = Horizon::kShortTerm;
  a.start = Date{2022, 1, 10};
  a.end = Date{2022, 12, 31};
  a.responsible = "Politiche sociali";
  a.partners = {{"APSP Arco", std::string("convention")}, {"Parish", std::nullopt}};
  a.budget = {{2022, "municipal", Money::from_cents(1200050), Money::from_cents(1100000)},
              {2022, "provincial", Money::from_cents(500000), std::nullopt}};
  a.targets = {{"families", std::string("n"), 10.0, 40.0, 35.0}};
  // Deliberately out of date order.
  a.progress = {{Date{2022, 12, 31}, 90, std::string("almost done")},
                {Date{2022, 3, 31}, 10, std::nullopt},
                {Date{2022, 6, 30}, 40, std::nullopt}};
  a.location = Location{45.918, 10.887};
  a.tags = {"nursery"};
  return a;
}

Plan arco_plan() {
  Plan p;
  p.id = "p-arco-2022";
  p.kind = "family";
  p.body = "m-arco";
  p.title = "Piano famiglia 2022";
  p.period = {2022, 2022};
  p.status = PlanStatus::kApproved;
  p.approval = Approval{Date{2022, 3, 15}, "DG 45/2022"};
  p.objectives = {{"o1", "More childcare places", std::nullopt}};
  Action second;
  second.id = "a2";
  second.title = "Summer camp";
  second.depends_on = {"a1"};
  p.actions = {voucher_action(), second};
  p.evaluation = Evaluation{Date{2023, 2, 1}, "Good uptake"};
  p.revision = 3;
  return p;
}

nlohmann::json bundle_with(const Plan& plan) {
  nlohmann::json taxonomy = {{"id", "family-tn"},
                             {"version", "2021"},
                             {"label", "Family"},
                             {"nodes",
                              {{{"code", "A"}, {"label", "Support"}},
                               {{"code", "A1"}, {"label", "Childcare"}, {"parents", {"A"}}},
                               {{"code", "A1a"}, {"label", "Vouchers"}, {"parents", {"A1"}}}}}};
  nlohmann::json body = {{"id", "m-arco"},
                         {"kind", "municipality"},
                         {"name", "Arco"},
                         {"parents", nlohmann::json::array()}};
  return {{"format", kBundleFormat},
          {"version", kBundleVersion},
          {"bodies", {body}},
          {"taxonomies", {taxonomy}},
          {"plans", {plan}}};
}

}  // namespace

TEST_CASE("Plan enums convert to and from their names", "[plan]") {
  CHECK(std::string(to_string(PlanStatus::kDraft)) == "draft");
  CHECK(std::string(to_string(PlanStatus::kSubmitted)) == "submitted");
  CHECK(std::string(to_string(PlanStatus::kApproved)) == "approved");
  CHECK(std::string(to_string(PlanStatus::kRejected)) == "rejected");
  CHECK(std::string(to_string(PlanStatus::kArchived)) == "archived");
  CHECK(std::string(to_string(PlanVariant::kOriginal)) == "original");
  CHECK(std::string(to_string(PlanVariant::kUpdate)) == "update");
  CHECK(std::string(to_string(PlanVariant::kImplementation)) == "implementation");
  CHECK(std::string(to_string(ActionStatus::kPlanned)) == "planned");
  CHECK(std::string(to_string(ActionStatus::kInProgress)) == "in_progress");
  CHECK(std::string(to_string(ActionStatus::kCompleted)) == "completed");
  CHECK(std::string(to_string(ActionStatus::kSuspended)) == "suspended");
  CHECK(std::string(to_string(ActionStatus::kCancelled)) == "cancelled");
  CHECK(std::string(to_string(Horizon::kOngoing)) == "ongoing");
  CHECK(std::string(to_string(Horizon::kScheduled)) == "scheduled");
  CHECK(std::string(to_string(Horizon::kShortTerm)) == "short_term");
  CHECK(std::string(to_string(Horizon::kLongTerm)) == "long_term");

  CHECK(plan_status_from_string("approved") == PlanStatus::kApproved);
  CHECK(plan_variant_from_string("implementation") == PlanVariant::kImplementation);
  CHECK(action_status_from_string("in_progress") == ActionStatus::kInProgress);
  CHECK(horizon_from_string("long_term") == Horizon::kLongTerm);
  CHECK_FALSE(plan_status_from_string("aproved").has_value());
  CHECK_FALSE(plan_variant_from_string("Original").has_value());
  CHECK_FALSE(action_status_from_string("in progress").has_value());
  CHECK_FALSE(horizon_from_string("").has_value());
}

TEST_CASE("Action::progress_at picks the latest entry on or before a date", "[plan]") {
  const Action a = voucher_action();
  CHECK(a.progress_at(Date{2022, 1, 1}) == nullptr);
  CHECK(a.progress_at(Date{2022, 3, 30}) == nullptr);

  const Progress* at_march = a.progress_at(Date{2022, 3, 31});
  REQUIRE(at_march != nullptr);
  CHECK(at_march->completion == 10);

  const Progress* summer = a.progress_at(Date{2022, 8, 1});
  REQUIRE(summer != nullptr);
  CHECK(summer->completion == 40);
  CHECK(summer->date == Date{2022, 6, 30});

  const Progress* later = a.progress_at(Date{2030, 1, 1});
  REQUIRE(later != nullptr);
  CHECK(later->completion == 90);
  CHECK(later->note == std::optional<std::string>("almost done"));

  Action none;
  CHECK(none.progress_at(Date{2022, 1, 1}) == nullptr);
}

TEST_CASE("Plan::find_action finds actions by id", "[plan]") {
  const Plan p = arco_plan();
  const Action* a2 = p.find_action("a2");
  REQUIRE(a2 != nullptr);
  CHECK(a2->title == "Summer camp");
  CHECK(a2 == &p.actions[1]);
  CHECK(p.find_action("a9") == nullptr);
  CHECK(p.find_action("") == nullptr);
}

TEST_CASE("Plans and actions compare field by field", "[plan]") {
  CHECK(arco_plan() == arco_plan());
  CHECK(voucher_action() == voucher_action());

  Plan other = arco_plan();
  other.actions[0].budget[1].planned = Money::from_cents(500001);
  CHECK_FALSE(other == arco_plan());

  Action changed = voucher_action();
  changed.tags.push_back("new");
  CHECK_FALSE(changed == voucher_action());
  changed = voucher_action();
  changed.progress[0].note.reset();
  CHECK_FALSE(changed == voucher_action());
}

TEST_CASE("Action converts to JSON with its bundle keys", "[plan]") {
  nlohmann::json j = voucher_action();
  CHECK(j["id"] == "a1");
  CHECK(j["title"] == "Nursery vouchers");
  CHECK(j["categories"] == nlohmann::json::array({"family-tn:A1a"}));
  CHECK(j["objective"] == "o1");
  CHECK(j["status"] == "in_progress");
  CHECK(j["horizon"] == "short_term");
  CHECK(j["start"] == "2022-01-10");
  CHECK(j["end"] == "2022-12-31");
  CHECK(j["responsible"] == "Politiche sociali");
  CHECK(j["partners"][0]["name"] == "APSP Arco");
  CHECK(j["partners"][0]["kind"] == "convention");
  CHECK(j["budget"][0]["year"] == 2022);
  CHECK(j["budget"][0]["source"] == "municipal");
  CHECK(j["budget"][0]["planned"] == 12000.5);
  CHECK(j["budget"][0]["actual"] == 11000);
  CHECK(j["targets"][0]["metric"] == "families");
  CHECK(j["targets"][0]["target"] == 40);
  CHECK(j["progress"].size() == 3);
  CHECK(j["location"]["lat"] == 45.918);
  CHECK(j["tags"] == nlohmann::json::array({"nursery"}));
}

TEST_CASE("Plan converts to JSON that reads back equal", "[plan]") {
  const Plan p = arco_plan();
  nlohmann::json j = p;
  CHECK(j["id"] == "p-arco-2022");
  CHECK(j["kind"] == "family");
  CHECK(j["body"] == "m-arco");
  CHECK(j["period"]["from"] == 2022);
  CHECK(j["period"]["to"] == 2022);
  CHECK(j["status"] == "approved");
  CHECK(j["variant"] == "original");
  CHECK(j["approval"]["date"] == "2022-03-15");
  CHECK(j["approval"]["act"] == "DG 45/2022");
  CHECK(j["evaluation"]["text"] == "Good uptake");
  CHECK(j["revision"] == 3);
  REQUIRE(j["actions"].size() == 2);
  CHECK(j["actions"][1]["depends_on"] == nlohmann::json::array({"a1"}));

  const Model m = read_bundle(bundle_with(p));
  REQUIRE(m.plans.count("p-arco-2022") == 1);
  CHECK(m.plans.at("p-arco-2022") == p);
}
