// SPDX-License-Identifier: Apache-2.0
// The report of a body in a year (DESIGN §18): what the workspace gathers and the page drawn
// from it. The workspace computes every figure; this engine only lays them out.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "civicplan/certification.hpp"
#include "civicplan/chart.hpp"
#include "civicplan/indicator.hpp"
#include "civicplan/plan.hpp"
#include "civicplan/records.hpp"
#include "civicplan/registry.hpp"

namespace civicplan::detail {

struct ReportPlan {
  std::string id;
  std::string title;
  std::string body;       // the body's name
  std::string kind;
  PlanStatus status = PlanStatus::kDraft;
  PlanVariant variant = PlanVariant::kOriginal;
  YearRange period;
  std::optional<Approval> approval;
  std::size_t actions = 0;
  bool counted = false;   // counts in the figures (approved or archived, not replaced that year)
};

// Actions under one top-level category, by status (the order of ActionStatus).
struct ReportCategory {
  std::string code;       // "<taxonomy>:<code>"
  std::string label;
  std::array<int, 5> by_status{};
};

struct ReportBudget {
  std::string source;
  Money planned;
  Money actual;
  bool reported = false;  // some line of the source has an actual amount
};

// One indicator over the years for the body (series 0) and its district, province, region.
struct ReportIndicator {
  Indicator indicator;
  std::vector<int> years;
  std::vector<Body> bodies;         // the series: the body, then its groups
  std::vector<std::vector<std::optional<double>>> values;
};

struct ReportCertification {
  std::string label;
  CertificationReport report;
  std::optional<CertificationRecord> record;  // the latest on or before the year's end
  std::vector<std::string> missing_labels;    // labels of the missing mandatory rules
};

struct ReportRatings {
  std::array<int, 5> counts{};  // ratings 1..5
  std::optional<double> mean;
  std::vector<Feedback> recent;  // latest first
};

// Members of a group body ranked on one indicator, best first, nulls last.
struct ReportRanking {
  Indicator indicator;
  std::vector<std::pair<std::string, std::optional<double>>> rows;  // member name, value
};

struct ReportData {
  Lang lang = Lang::kItalian;
  int year = 0;
  Body body;
  std::vector<Body> ancestors;   // district, province, region in that order, those it has
  std::vector<ReportPlan> plans; // of the body's scope covering the year (at most kMaxPlans)
  std::size_t plans_total = 0;
  bool own_plans = true;         // the plans are the body's own (else its members')
  std::vector<ReportCategory> categories;
  std::vector<ReportBudget> budget;
  std::vector<ReportIndicator> indicators;
  std::vector<std::string> silent_indicators;  // labels of those null or zero for the body every year
  std::vector<int> completion_years;
  std::vector<std::optional<double>> completion;  // completion() of the body, percent
  std::vector<ReportCertification> certifications;
  ReportRatings ratings;
  std::vector<MapPoint> places;  // group: the place's category
  std::vector<MapPoint> located_actions;
  std::vector<MapPoint> landmarks;  // the scope's bodies with a location, named on the map
  std::vector<ReportRanking> rankings;
  std::optional<BodyKind> members_kind;  // the kind of the ranked members; none for a body without members
  static constexpr std::size_t kMaxPlans = 50;
};

// The self-contained HTML page.
std::string render_report(const ReportData& data);

}  // namespace civicplan::detail
