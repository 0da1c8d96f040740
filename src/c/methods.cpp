// SPDX-License-Identifier: Apache-2.0
// The methods cp_call runs: one row per public workspace method, named and parameterised as in
// Python, returning what the CLI's --format json prints (or, where the CLI has no such verb,
// what Python's to_dict() gives).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "civicplan/bundle.hpp"
#include "civicplan/cases.hpp"
#include "civicplan/practices.hpp"
#include "civicplan/workspace.hpp"
#include "method_table.hpp"

namespace civicplan::c_api {
namespace {

using nlohmann::json;

// Every record of a set of the current model.
template <typename Set>
json all_of(const Set& records) {
  json out = json::array();
  for (const auto& record : records) out.push_back(record);
  return out;
}

// Every object of a map of the current model, in key order.
template <typename Map>
json values_of(const Map& objects) {
  json out = json::array();
  for (const auto& [key, value] : objects) out.push_back(value);
  return out;
}

json import_bundle(Workspace& ws, const Arguments& a) {
  const json& bundle = a.json("bundle");
  if (bundle.is_string()) return ws.import_file(bundle.get<std::string>()).to_json();
  return ws.import_bundle(bundle).to_json();
}

json import_statistics_csv(Workspace& ws, const Arguments& a) {
  const std::string file = a.string("path");
  if (is_csv_file(file)) return ws.import_file(file).to_json();
  return ws.import_statistics(read_statistics_csv(read_text_file(file), file), file).to_json();
}

std::string cell_of(const json& value, const std::string& where, const std::string& column) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float() && std::isnan(value.get<double>())) return "";
  if (value.is_number()) return value.dump();
  throw ValidationError(std::vector<Issue>{{where + "." + column, "expected a string or a number, got " +
                                                                     std::string(value.type_name())}});
}

json import_execution(Workspace& ws, const Arguments& a) {
  const json& source = a.json("path_or_rows");
  const bool dry_run = a.boolean("dry_run");
  if (source.is_string()) return ws.import_execution(source.get<std::string>(), dry_run).to_json();
  if (source.front().is_string()) {
    return ws.import_execution(source.get<std::vector<std::string>>(), dry_run).to_json();
  }
  std::vector<ExecutionRow> rows;
  for (std::size_t i = 0; i < source.size(); ++i) {
    ExecutionRow row;
    row.where = "rows[" + std::to_string(i) + "]";
    for (const auto& [column, value] : source[i].items()) row.cells[column] = cell_of(value, row.where, column);
    rows.push_back(std::move(row));
  }
  return ws.import_execution(rows, dry_run).to_json();
}

json validate(Workspace& ws, const Arguments& a) {
  const json& bundle = a.json("bundle");
  json out = json::array();
  const auto issues = ws.validate(bundle.is_string() ? read_json_file(bundle.get<std::string>()) : bundle);
  for (const auto& issue : issues) out.push_back({{"path", issue.path}, {"message", issue.message}});
  return out;
}

json plans(Workspace& ws, const Arguments& a) {
  const auto body = a.optional_string("body");
  std::optional<int> year;
  if (!a.is_null("year")) year = a.integer("year");
  json out = json::array();
  const auto model = ws.model();
  if (body && !model->bodies.count(*body)) throw NotFoundError("body", *body);
  for (const auto& [id, plan] : model->plans) {
    if (body && plan.body != *body) continue;
    if (year && (*year < plan.period.from || *year > plan.period.to)) continue;
    out.push_back(plan);
  }
  return out;
}

json export_bundle(Workspace& ws, const Arguments& a) {
  if (a.is_null("path")) return ws.export_bundle();
  ws.export_bundle_file(a.string("path"));
  return nullptr;
}

json export_open_data(Workspace& ws, const Arguments& a) {
  ws.export_open_data(a.string("dir"), a.string("format"));
  return nullptr;
}

std::optional<PopulationRange> population_of(const json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return PopulationRange::parse(v.get<std::string>());
  PopulationRange range;
  if (!v[0].is_null()) range.min = v[0].get<double>();
  if (!v[1].is_null()) range.max = v[1].get<double>();
  if (range.min && range.max && *range.min > *range.max) {
    throw ValidationError(std::vector<Issue>{{"population", "the minimum is above the maximum"}});
  }
  return range;
}

json search(Workspace& ws, const Arguments& a) {
  const auto limit = a.integer("limit");
  return ws.practices().search(a.optional_string("text"), a.optional_string("category"),
                               a.optional_string("body_kind"), population_of(a.json("population")),
                               a.integers("years"), limit);
}

json near_duplicates(Workspace& ws, const Arguments& a) {
  std::optional<std::size_t> limit;
  if (!a.is_null("limit")) {
    const auto n = a.int64("limit");
    if (n < 0) throw ValidationError(std::vector<Issue>{{"limit", "must not be negative"}});
    limit = static_cast<std::size_t>(n);
  }
  return ws.practices().near_duplicates(a.number("threshold"), limit);
}

json add_feedback(Workspace& ws, const Arguments& a) {
  Feedback feedback;
  feedback.action = a.string("action");
  const auto rating = a.int64("rating");
  if (rating < 1 || rating > 5) {
    throw ValidationError(std::vector<Issue>{
        {"feedback.rating", "expected a rating from 1 to 5, got " + std::to_string(rating)}});
  }
  feedback.rating = static_cast<int>(rating);
  feedback.date = a.date("date");
  feedback.comment = a.optional_string("comment");
  ws.add_feedback(feedback);
  return nullptr;
}

PlanVariant variant_of(const std::string& text) {
  if (auto v = plan_variant_from_string(text)) return *v;
  throw ValidationError(std::vector<Issue>{{"variant", "expected update or implementation, got \"" + text + "\""}});
}

ActionStatus status_of(const std::string& text) {
  if (auto s = action_status_from_string(text)) return *s;
  throw ValidationError(std::vector<Issue>{
      {"status", "expected one of planned, in_progress, completed, suspended, cancelled, got \"" + text + "\""}});
}

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// Parameters that several methods share.
constexpr Param kPlan{"plan", Type::kString, nullptr};
constexpr Param kPlanId{"plan_id", Type::kString, nullptr};
constexpr Param kAction{"action", Type::kString, nullptr};
constexpr Param kBody{"body", Type::kString, nullptr};
constexpr Param kYear{"year", Type::kInteger, nullptr};
constexpr Param kDateParam{"date", Type::kDate, nullptr};
constexpr Param kPreview{"preview", Type::kBoolean, "false"};
constexpr Param kBodies{"bodies", Type::kStrings, "null"};
constexpr Param kYears{"years", Type::kIntegers, "null"};
constexpr Param kId{"id", Type::kString, nullptr};
constexpr Param kParameters{"parameters", Type::kObject, "null"};

// preview and parameters ({name: number}) of a certify call.
CertifyOptions certify_options(const Arguments& a) {
  CertifyOptions options;
  options.preview = a.boolean("preview");
  if (!a.is_null("parameters")) {
    for (const auto& [name, value] : a.json("parameters").items()) {
      if (!value.is_number()) {
        throw UsageError("argument \"parameters\": " + name + " must be a number, got " + value.type_name());
      } else {
        options.parameters[name] = value.get<double>();
      }
    }
  }
  return options;
}

std::vector<Method> make_methods() {
  std::vector<Method> m = {
      // --- the workspace itself
      {"methods", {}, [](Workspace&, const Arguments&) { return describe_methods(); },
       "Every method cp_call runs, with its parameters: [{name, doc, params: [{name, type, required, default}]}]."},
      {"path", {}, [](Workspace& ws, const Arguments&) { return optional_json(ws.path()); },
       "The file or URI (without password) backing the workspace; null in memory."},
      {"read_only", {}, [](Workspace& ws, const Arguments&) { return json(ws.read_only()); },
       "True when opened read-only."},
      {"user", {}, [](Workspace& ws, const Arguments&) { return optional_json(ws.user()); },
       "The acting user of this view; null for the operator."},
      {"refresh", {}, [](Workspace& ws, const Arguments&) { return json(ws.refresh()); },
       "Re-read the storage if another connection committed; true when something changed."},

      // --- bundles in and out
      {"import_bundle", {{"bundle", Type::kBundle, nullptr}}, import_bundle,
       "Import a bundle (an object, or the path of a JSON file; a .csv path imports statistics) all or "
       "nothing. Returns {added, replaced} counts by bundle array."},
      {"import_statistics_csv", {{"path", Type::kString, nullptr}}, import_statistics_csv,
       "Import a statistics CSV (body,year,variable,value) all or nothing; issues are FILE:LINE."},
      {"import_istat", {{"path", Type::kString, nullptr}},
       [](Workspace& ws, const Arguments& a) { return ws.import_istat(a.string("path")).to_json(); },
       "Import ISTAT's list of Italian municipalities as the national registry."},
      {"import_execution", {{"path_or_rows", Type::kRows, nullptr}, {"dry_run", Type::kBoolean, "false"}},
       import_execution,
       "Apply execution records (a CSV path, paths, or row objects) all or nothing. Returns "
       "{changed, unchanged, revisions, dry_run}."},
      {"validate", {{"bundle", Type::kBundle, nullptr}}, validate,
       "Check a bundle against the workspace without writing: [{path, message}], empty when it would import."},
      {"export_bundle", {{"path", Type::kString, "null"}}, export_bundle,
       "The workspace as a bundle; with path, written to that file (null returned)."},
      {"export_open_data", {{"dir", Type::kString, nullptr}, {"format", Type::kString, "\"csv\""}},
       export_open_data, "Publish open data (csv, geojson or bundle) and catalog.jsonld into dir."},

      // --- indicators, certification, expressions
      {"indicators", {}, [](Workspace& ws, const Arguments&) { return json(ws.indicators()); },
       "Every indicator definition, sorted by id."},
      {"compute_indicators", {{"ids", Type::kStrings, "null"}, kBodies, kYears},
       [](Workspace& ws, const Arguments& a) {
         return ws.compute_indicators(a.strings("ids"), a.strings("bodies"), a.integers("years")).to_json();
       },
       "Compute indicators (all or ids) for bodies and years: {columns, rows} as the CLI prints them."},
      {"rulesets", {}, [](Workspace& ws, const Arguments&) { return json(ws.rulesets()); },
       "Every certification ruleset, sorted by id."},
      {"certify",
       {kBody, {"scheme", Type::kString, nullptr}, kYear, kPreview, {"explain", Type::kBoolean, "false"},
        kParameters},
       [](Workspace& ws, const Arguments& a) {
         CertifyOptions options = certify_options(a);
         options.explain = a.boolean("explain");
         return ws.certify(a.string("body"), a.string("scheme"), a.integer("year"), options).to_json();
       },
       "Evaluate one body under a scheme in a year: the certification report (explain: every rule "
       "explained; parameters: {name: number} replacing the version's for this call)."},
      {"certify_all", {{"scheme", Type::kString, nullptr}, kYear, kBodies, kPreview, kParameters},
       [](Workspace& ws, const Arguments& a) {
         return ws.certify_all(a.string("scheme"), a.integer("year"), a.strings("bodies"), certify_options(a))
             .to_json();
       },
       "Evaluate every body the scheme applies to (or bodies) at once (parameters as for certify)."},
      {"explain", {{"target", Type::kString, nullptr}, kBody, kYear, kPreview},
       [](Workspace& ws, const Arguments& a) {
         return ws.explain(a.string("target"), a.string("body"), a.integer("year"), a.boolean("preview")).to_json();
       },
       "Why an indicator or an expression has its value for a body in a year: the explanation tree."},
      {"report", {kBody, kYear, {"lang", Type::kString, "\"it\""}},
       [](Workspace& ws, const Arguments& a) {
         return nlohmann::json(ws.report(a.string("body"), a.integer("year"), a.string("lang")));
       },
       "The report of a body in a year: one self-contained HTML page (inline CSS and SVG, no script), "
       "as a JSON string; lang \"it\" or \"en\"."},
      {"run_cases", {{"path", Type::kString, nullptr}},
       [](Workspace&, const Arguments& a) { return run_cases(a.string("path")).to_json(); },
       "Run a civicplan-cases file (in its own in-memory workspace): every case with passed, expected and got."},
      {"evaluate", {{"expression", Type::kString, nullptr}, kBody, kYear, kPreview},
       [](Workspace& ws, const Arguments& a) {
         return optional_json(
             ws.evaluate(a.string("expression"), a.string("body"), a.integer("year"), a.boolean("preview")));
       },
       "Evaluate a formula for one body in one year: a number, or null."},

      // --- objects and records
      {"body", {kId}, [](Workspace& ws, const Arguments& a) { return json(ws.body(a.string("id"))); },
       "The body with this id."},
      {"plan", {kId}, [](Workspace& ws, const Arguments& a) { return json(ws.plan(a.string("id"))); },
       "The plan with this id."},
      {"taxonomy", {kId}, [](Workspace& ws, const Arguments& a) { return json(ws.taxonomy(a.string("id"))); },
       "The taxonomy with this id."},
      {"bodies", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->bodies); },
       "Every body, sorted by id."},
      {"plans", {{"body", Type::kString, "null"}, {"year", Type::kInteger, "null"}}, plans,
       "Every plan, sorted by id; only those of body, and only those whose period covers year, when given."},
      {"taxonomies", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->taxonomies); },
       "Every taxonomy, sorted by id."},
      {"crosswalks", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->crosswalks); },
       "Every crosswalk, sorted by id."},
      {"users", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->users); },
       "Every user, sorted by id."},
      {"statistics", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->statistics); },
       "Every statistic, sorted by (body, variable, year)."},
      {"feedback", {}, [](Workspace& ws, const Arguments&) { return all_of(ws.model()->feedback); },
       "Every feedback, sorted by (action, date)."},
      {"places", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->places); },
       "Every place, sorted by id."},
      {"certifications", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->certifications); },
       "Every certification record, sorted by (body, scheme, date)."},
      {"cases", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->cases); },
       "Every case, sorted by id."},
      {"ledger", {}, [](Workspace& ws, const Arguments&) { return values_of(ws.model()->ledger); },
       "Every ledger entry, sorted by (body, service, year)."},

      // --- governance
      {"put_plan", {{"plan", Type::kObject, nullptr}, {"expected_revision", Type::kInteger, "null"}},
       [](Workspace& ws, const Arguments& a) {
         std::optional<std::int64_t> expected;
         if (!a.is_null("expected_revision")) expected = a.int64("expected_revision");
         return json(ws.put_plan(a.json("plan"), expected));
       },
       "Create or replace a draft plan; with expected_revision, ConflictError when stale. Returns the revision."},
      {"submit", {kPlanId}, [](Workspace& ws, const Arguments& a) { return json(ws.submit(a.string("plan_id"))); },
       "draft -> submitted. Returns the revision."},
      {"approve", {kPlanId, kDateParam, {"act", Type::kString, nullptr}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.approve(a.string("plan_id"), a.date("date"), a.string("act")));
       },
       "submitted -> approved, with the date and the approval act. Returns the revision."},
      {"reject", {kPlanId, {"reason", Type::kString, nullptr}},
       [](Workspace& ws, const Arguments& a) { return json(ws.reject(a.string("plan_id"), a.string("reason"))); },
       "submitted -> rejected, with the reason. Returns the revision."},
      {"archive", {kPlanId}, [](Workspace& ws, const Arguments& a) { return json(ws.archive(a.string("plan_id"))); },
       "approved -> archived. Returns the revision."},
      {"new_variant", {kPlanId, {"variant", Type::kString, nullptr}, {"new_id", Type::kString, nullptr}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.new_variant(a.string("plan_id"), variant_of(a.string("variant")), a.string("new_id")));
       },
       "A draft copy of an approved plan (variant update or implementation) as new_id. Returns its revision."},
      {"put_user", {{"user", Type::kObject, nullptr}},
       [](Workspace& ws, const Arguments& a) -> json {
         ws.put_user(parse_user(a.json("user")));
         return nullptr;
       },
       "Add or replace a user {id, name, roles: [{role, body}]}."},
      {"history", {kPlanId}, [](Workspace& ws, const Arguments& a) { return json(ws.history(a.string("plan_id"))); },
       "The kept revisions of a plan, oldest first."},
      {"plan_revision", {kPlanId, {"revision", Type::kInteger, nullptr}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.plan_revision(a.string("plan_id"), a.int64("revision")));
       },
       "A kept revision of a plan."},
      {"audit_log", {{"since", Type::kString, "null"}, {"object", Type::kString, "null"}},
       [](Workspace& ws, const Arguments& a) {
         json out = json::array();
         for (const auto& e : ws.audit_log(a.optional_string("since"), a.optional_string("object"))) {
           out.push_back(e.to_json());
         }
         return out;
       },
       "The audit log, oldest first: entries at or after since (ISO time) about object (\"plan:<id>\")."},
      {"diff", {{"a", Type::kString, nullptr}, {"b", Type::kString, nullptr}},
       [](Workspace& ws, const Arguments& a) { return ws.diff(a.string("a"), a.string("b")).to_json(); },
       "What changed from plan a to plan b: {added, removed, changed, budget_delta, ...}."},
      {"plan_progress", {kPlanId, kDateParam},
       [](Workspace& ws, const Arguments& a) { return ws.plan_progress(a.string("plan_id"), a.date("date")).to_json(); },
       "Per-action and rolled-up completion of a plan at a date."},

      // --- execution
      {"record_progress", {kPlan, kAction, kDateParam, {"completion", Type::kNumber, nullptr}, {"note", Type::kString, "null"}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.record_progress(a.string("plan"), a.string("action"), a.date("date"), a.number("completion"),
                                        a.optional_string("note")));
       },
       "Record an action's completion (0..100) on a date. Returns the plan's revision."},
      {"record_actual", {kPlan, kAction, kYear, {"source", Type::kString, nullptr}, {"amount", Type::kMoney, nullptr}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.record_actual(a.string("plan"), a.string("action"), a.integer("year"), a.string("source"),
                                      a.money("amount")));
       },
       "Set the actual spending of a budget line (euros). Returns the plan's revision."},
      {"record_target", {kPlan, kAction, {"metric", Type::kString, nullptr}, {"actual", Type::kNumber, nullptr}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.record_target(a.string("plan"), a.string("action"), a.string("metric"), a.number("actual")));
       },
       "Set the actual value of an action's target. Returns the plan's revision."},
      {"set_action_status", {kPlan, kAction, {"status", Type::kString, nullptr}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.set_action_status(a.string("plan"), a.string("action"), status_of(a.string("status"))));
       },
       "Set an action's status (planned, in_progress, completed, suspended, cancelled). Returns the plan's revision."},
      {"record_evaluation", {kPlan, kDateParam, {"text", Type::kString, nullptr}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.record_evaluation(a.string("plan"), a.date("date"), a.string("text")));
       },
       "Set a plan's overall evaluation. Returns the plan's revision."},

      // --- best practices and feedback
      {"search",
       {{"text", Type::kString, "null"}, {"category", Type::kString, "null"}, {"body_kind", Type::kString, "null"},
        {"population", Type::kPopulation, "null"}, kYears, {"limit", Type::kInteger, "20"}},
       search, "Rank approved actions by BM25 over their text and categories, with filters."},
      {"recommend", {kBody, kYear, {"k", Type::kInteger, "5"}, {"min_share", Type::kNumber, "0.5"}},
       [](Workspace& ws, const Arguments& a) {
         return json(ws.practices().recommend(a.string("body"), a.integer("year"), a.integer("k"), a.number("min_share")));
       },
       "Categories the body's peers use and it does not, best first."},
      {"peers", {kBody, kYear},
       [](Workspace& ws, const Arguments& a) { return json(ws.practices().peers(a.string("body"), a.integer("year"))); },
       "The ids of the body's peers in a year."},
      {"population", {kBody, kYear},
       [](Workspace& ws, const Arguments& a) {
         return optional_json(ws.practices().population(a.string("body"), a.integer("year")));
       },
       "The body's population in a year (or the latest earlier one); null when unknown."},
      {"usage", {{"taxonomy", Type::kString, nullptr}, kBodies, kYears},
       [](Workspace& ws, const Arguments& a) {
         return ws.practices().usage(a.string("taxonomy"), a.strings("bodies"), a.integers("years")).to_json();
       },
       "Actions per category of a taxonomy and per year."},
      {"near_duplicates", {{"threshold", Type::kNumber, "0.8"}, {"limit", Type::kInteger, "1000"}}, near_duplicates,
       "Pairs of actions with nearly the same text and no category in common (limit null: all)."},
      {"add_feedback", {kAction, {"rating", Type::kInteger, nullptr}, kDateParam, {"comment", Type::kString, "null"}},
       add_feedback, "Add a citizen's rating (1..5) of an action \"<plan>/<action>\" on a date."},
  };
  std::sort(m.begin(), m.end(), [](const Method& a, const Method& b) { return std::string(a.name) < b.name; });
  return m;
}

}  // namespace

const std::vector<Method>& methods() {
  static const std::vector<Method> table = make_methods();
  return table;
}

}  // namespace civicplan::c_api
