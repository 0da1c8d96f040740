// SPDX-License-Identifier: Apache-2.0
// The verbs of the civicplan tool: the verb table and the validate, import and export verbs.
#include "commands.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "civicplan/bundle.hpp"
#include "civicplan/opendata.hpp"

namespace civicplan::cli {

namespace {

struct Noun {
  const char* array;
  const char* singular;
  const char* plural;
};

const Noun kNouns[] = {
    {"bodies", "body", "bodies"},
    {"taxonomies", "taxonomy", "taxonomies"},
    {"crosswalks", "crosswalk", "crosswalks"},
    {"plans", "plan", "plans"},
    {"actions", "action", "actions"},
    {"statistics", "statistic", "statistics"},
    {"feedback", "feedback", "feedback"},
    {"certifications", "certification record", "certification records"},
    {"cases", "case", "cases"},
    {"ledger", "ledger entry", "ledger entries"},
    {"places", "place", "places"},
    {"indicators", "indicator", "indicators"},
    {"rulesets", "ruleset", "rulesets"},
    {"users", "user", "users"},
};

// An error about a file as one line that names the file once.
std::string about_file(const std::string& file, const Error& error) {
  const std::string message = error.what();
  return message.find(file) == std::string::npos ? file + ": " + message : message;
}

// The objects of a valid bundle by array name (a valid bundle has no duplicates), plus actions.
std::map<std::string, std::size_t> bundle_counts(const nlohmann::json& bundle) {
  std::map<std::string, std::size_t> counts;
  for (const auto& name : array_order()) {
    auto it = bundle.find(name);
    if (it != bundle.end() && it->is_array()) counts[name] = it->size();
  }
  counts["actions"] = 0;
  if (auto plans = bundle.find("plans"); plans != bundle.end() && plans->is_array()) {
    for (const auto& plan : *plans) {
      if (auto actions = plan.find("actions"); actions != plan.end() && actions->is_array()) {
        counts["actions"] += actions->size();
      }
    }
  }
  return counts;
}

std::string plural(std::size_t n, const char* singular, const char* plural_form) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural_form);
}

// "added 2 bodies, 1 plan; replaced 1 statistic", or "nothing to import".
std::string describe_import(const ImportSummary& summary) {
  const std::string added = describe_counts(summary.added);
  const std::string replaced = describe_counts(summary.replaced);
  if (added.empty() && replaced.empty()) return "nothing to import";
  std::string text;
  if (!added.empty()) text = "added " + added;
  if (!replaced.empty()) text += (text.empty() ? "" : "; ") + std::string("replaced ") + replaced;
  return text;
}

// Validates one file on its own; reports the outcome and returns true when it is valid.
bool validate_file(const std::string& file, Io& io) {
  try {
    if (is_csv_file(file)) {
      const std::size_t rows = read_statistics_csv(read_text_file(file), file).size();
      io.out << "ok: " << file << " (" << describe_counts({{"statistics", rows}}, {"statistics"})
             << ")\n";
      return true;
    }
    const nlohmann::json bundle = read_json_file(file);
    // Everything an import would check, formulas included.
    const std::vector<Issue> issues = validate_bundle(bundle);
    if (!issues.empty()) {
      print_issues(io.err, file, issues);
      io.err << "civicplan: error: " << file << ": " << plural(issues.size(), "issue", "issues")
             << "\n";
      return false;
    }
    const auto counts = bundle_counts(bundle);
    io.out << "ok: " << file << " (" << describe_counts(counts, {"bodies", "plans", "actions"})
           << ")\n";
    return true;
  } catch (const ValidationError& e) {
    print_issues(io.err, file, e.issues());
    io.err << "civicplan: error: " << file << ": " << plural(e.issues().size(), "issue", "issues")
           << "\n";
  } catch (const Error& e) {
    io.err << "civicplan: error: " << about_file(file, e) << "\n";
  }
  return false;
}

// The one-line account of an import that stopped at file `index` of `files`.
std::string import_stopped(const std::vector<std::string>& files, std::size_t index,
                           const std::string& why) {
  std::string line = "civicplan: error: " + why + "; " + files[index] + " was not imported";
  const std::size_t later = files.size() - index - 1;
  if (later > 0) line += ", nor the " + plural(later, "file", "files") + " after it";
  if (index > 0)
    line += "; " + plural(index, "earlier file", "earlier files") +
            (index == 1 ? " was" : " were") + " imported";
  return line;
}

std::string dump_bundle(const nlohmann::json& bundle) {
  return bundle.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

const std::vector<std::string>& array_order() {
  // The bundle's kinds in bundle order, with actions after the plans that hold them.
  static const std::vector<std::string> order = [] {
    std::vector<std::string> names;
    for (const auto& kind : bundle_kinds()) {
      names.push_back(kind);
      if (kind == "plans") names.emplace_back("actions");
    }
    return names;
  }();
  return order;
}

std::string noun(const std::string& array, std::size_t count) {
  for (const auto& n : kNouns) {
    if (array == n.array) return count == 1 ? n.singular : n.plural;
  }
  return array;
}

std::string describe_counts(const std::map<std::string, std::size_t>& counts,
                            const std::vector<std::string>& always) {
  std::vector<std::string> names = array_order();
  for (const auto& entry : counts) {
    if (std::find(names.begin(), names.end(), entry.first) == names.end())
      names.push_back(entry.first);
  }
  std::string text;
  for (const auto& name : names) {
    auto it = counts.find(name);
    const std::size_t n = it == counts.end() ? 0 : it->second;
    const bool listed = std::find(always.begin(), always.end(), name) != always.end();
    if (n == 0 && !listed) continue;
    if (!text.empty()) text += ", ";
    text += std::to_string(n) + " " + noun(name, n);
  }
  return text;
}

void print_issues(std::ostream& err, const std::string& file, const std::vector<Issue>& issues) {
  for (const auto& issue : issues) {
    // A CSV issue's path is already "FILE:LINE"; print it once, as compilers do.
    const bool names_file = issue.path.size() > file.size() &&
                            issue.path.compare(0, file.size(), file) == 0 &&
                            issue.path[file.size()] == ':';
    if (!names_file) err << file << ": ";
    if (!issue.path.empty()) err << issue.path << ": ";
    err << issue.message << "\n";
  }
}

bool is_database_uri(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Workspace open_existing_workspace(const std::string& path, bool read_only) {
  if (is_database_uri(path)) {
    // A read-only opening creates nothing and says when the schema holds no workspace (in
    // words that never repeat the URI's password); a writable one follows only then.
    Workspace ws = Workspace::open(path, true);
    return read_only ? std::move(ws) : Workspace::open(path, false);
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw NotFoundError("workspace", path);
  return Workspace::open(path, read_only);
}

Workspace open_existing_workspace(const Args& args, const std::string& path) {
  return open_existing_workspace(path, args.has("read-only"));
}

int run_validate(const Args& args, Io& io) {
  bool all_valid = true;
  for (const auto& file : args.positionals()) {
    if (!validate_file(file, io)) all_valid = false;
  }
  return all_valid ? 0 : 1;
}

int run_import(const Args& args, Io& io) {
  const std::string& db = args.positionals().front();
  const std::vector<std::string> files(args.positionals().begin() + 1, args.positionals().end());
  Workspace ws = Workspace::open(db);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    try {
      const ImportSummary summary = ws.import_file(file);
      io.out << "imported " << file << ": " << describe_import(summary) << "\n";
    } catch (const ValidationError& e) {
      print_issues(io.err, file, e.issues());
      io.err << import_stopped(files, i,
                               file + " has " + plural(e.issues().size(), "issue", "issues"))
             << "\n";
      return 1;
    } catch (const Error& e) {
      io.err << import_stopped(files, i, about_file(file, e)) << "\n";
      return 1;
    }
  }
  return 0;
}

namespace {

// The open-data files of one export format, then the catalogue that describes them.
std::vector<std::string> open_data_names(const std::string& format) {
  const std::string file_type = format == "csv" ? "CSV" : format == "geojson" ? "GEOJSON" : "JSON";
  std::vector<std::string> names;
  for (const auto& file : open_data_files()) {
    if (file.format == file_type) names.push_back(file.name);
  }
  names.push_back("catalog.jsonld");
  return names;
}

}  // namespace

int run_export(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals().front());
  const std::string format = args.value("format").value_or("bundle");
  if (format != "bundle") {
    const auto dir = args.value("out");
    if (!dir) throw UsageError("--format " + format + " needs --out DIR, the directory to write into", "export");
    ws.export_open_data(*dir, format);
    std::string names;
    for (const auto& name : open_data_names(format)) names += (names.empty() ? "" : ", ") + name;
    io.out << "exported " << args.positionals().front() << " as " << format << " to " << *dir << ": " << names
           << "\n";
    return 0;
  }
  if (auto out = args.value("out")) {
    ws.export_bundle_file(*out);
    const auto counts = ws.model()->counts();
    io.out << "exported " << args.positionals().front() << " to " << *out << " ("
           << describe_counts(counts, {"bodies", "plans", "actions"}) << ")\n";
    return 0;
  }
  io.out << dump_bundle(ws.export_bundle()) << "\n";
  return 0;
}

const std::vector<Verb>& verbs() {
  static const std::vector<Verb> table = {
      {{"certify",
        "Evaluate bodies under a certification scheme.",
        "Evaluates every body the scheme applies to (or only the --body ones) in the year,\n"
        "with the ruleset version in force that year: each rule's outcome, the points and\n"
        "the minimum required, and for failing bodies the top reason. With one --body the\n"
        "full report is printed and the exit status is 1 when it does not pass. --preview\n"
        "also counts draft and submitted plans, to see what a plan under construction lacks.\n"
        "--explain (with one --body) shows below each rule how its value came about.\n"
        "\n"
        "--set NAME=VALUE replaces a parameter of the version in force for this run only:\n"
        "the baseline and the scenario are printed side by side, then who gains and who\n"
        "loses the certificate and whose points change. Nothing is written.",
        {{"DB", "the workspace file (SQLite); it must exist"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"scheme", "S", "the scheme (ruleset id)", {}},
         {"year", "Y", "the year evaluated", {}},
         {"body", "B", "only this body", {}, true},
         {"preview", "", "also count draft and submitted plans", {}},
         {"explain", "", "explain every rule (needs one --body)", {}},
         {"set", "NAME=VALUE", "what if the parameter NAME were VALUE", {}, true},
         {"format", "FORMAT", "output format", {"table", "csv", "json"}}},
        {"civicplan certify family.db --scheme family-in-trentino --year 2022",
         "civicplan certify family.db --scheme family-in-trentino --year 2022 --body 022139 --preview",
         "civicplan certify family.db --scheme family-in-trentino --year 2022 --body 022205 --explain",
         "civicplan certify family.db --scheme family-in-trentino --year 2022 --set soglia_popolazione=3000"}},
       run_certify},
      {{"diff",
        "Compare two plans action by action.",
        "Lists the actions added, removed and changed (field by field, old and new value)\n"
        "from plan A to plan B, matched by id, and the budget totals per category and per\n"
        "funding source with their deltas. Budgets are compared in the years both plans\n"
        "cover, so an implementation plan compares with its plan's lines of the same year.\n"
        "PLAN@REVISION names a kept revision of a plan: diff two revisions of one plan to\n"
        "see what was recorded on it (progress, actual spending, targets, statuses).",
        {{"DB", "the workspace file (SQLite); it must exist"},
         {"PLAN_A", "the earlier plan (e.g. the zone plan), or PLAN@REVISION"},
         {"PLAN_B", "the later plan (e.g. its implementation plan), or PLAN@REVISION"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"format", "FORMAT", "output format", {"table", "json"}}},
        {"civicplan diff region.db pdz-2018-2020 pdz-attuativo-2019",
         "civicplan diff family.db pf-022104-2022@1 pf-022104-2022"}},
       run_diff},
      {{"explain",
        "Explain why an indicator or an expression has its value.",
        "Evaluates TARGET, an indicator id or an expression, for one body in one year and\n"
        "prints how the value came about: every sub-expression with its value, the\n"
        "records behind each function (statistics, plans, actions, budget lines, cases,\n"
        "ledger entries, places, feedback, certification records; at most 50 each) and,\n"
        "where a value is null, why (the statistic missing and for which body, a\n"
        "division by zero, no plan covering the year). An indicator is explained with the\n"
        "dated formula version in force that year. The value is the one `indicators`\n"
        "computes: the same evaluator produces both.",
        {{"DB", "the workspace file (SQLite); it must exist"},
         {"TARGET", "an indicator id, or an expression such as 'budget() / population'"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"body", "B", "the body", {}},
         {"year", "Y", "the year", {}},
         {"preview", "", "also count draft and submitted plans", {}},
         {"format", "FORMAT", "output format", {"text", "json"}}},
        {"civicplan explain family.db fam_spend_per_inhabitant --body 022205 --year 2022",
         "civicplan explain zone.db 'budget(plan_kind: \"zone\") / population' --body er --year 2019 --format json"}},
       run_explain},
      {{"export",
        "Write a workspace out as a bundle or as open data.",
        "Writes everything the workspace holds as one civicplan bundle (JSON, keys and\n"
        "objects sorted, 1-space indent) to standard output, or with --out to a file,\n"
        "atomically (a temporary file, then a rename). Importing the bundle into an\n"
        "empty workspace reproduces the workspace exactly.\n"
        "\n"
        "--format csv and --format geojson publish open data into the directory --out\n"
        "(created if absent): csv writes the tables bodies, memberships, categories,\n"
        "plans, actions, budget_lines, indicator_values and certification_outcomes;\n"
        "geojson writes places.geojson and actions.geojson ([lon, lat] points). Only\n"
        "approved and archived plans are published. Both also write catalog.jsonld, a\n"
        "DCAT-AP_IT catalogue of the open-data files in the directory.",
        {{"DB", "the workspace file (SQLite); it must exist"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"out", "PATH", "the bundle file (bundle), or the directory (csv, geojson)", {}},
         {"format", "FORMAT", "what to write (default bundle)", {"bundle", "csv", "geojson"}}},
        {"civicplan export region.db --out region-backup.json",
         "civicplan export region.db > region.json",
         "civicplan export region.db --format csv --out opendata/",
         "civicplan export region.db --format geojson --out opendata/"}},
       run_export},
      {{"history",
        "List the kept revisions of a plan.",
        "Every accepted change to a plan bumps its revision and is kept: this lists them with\n"
        "time, operation and user, then the reasons and acts recorded in the audit log.",
        {{"DB", "the workspace file (SQLite); it must exist"}, {"PLAN", "the plan id"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"format", "FORMAT", "output format", {"table", "json"}}},
        {"civicplan history region.db pdz-2018-2020"}},
       run_history},
      {{"import",
        "Import bundles and statistics tables into a workspace.",
        "Imports each file into the workspace DB (created if absent), in the order given.\n"
        "A .json file is a civicplan bundle; a .csv file is a statistics table with the\n"
        "header body,year,variable,value. Each file is imported all-or-nothing: it is\n"
        "validated in full against itself and the workspace first. The first file with\n"
        "errors stops the import: its issues are listed as FILE: PATH: MESSAGE, nothing\n"
        "of it is written, and the files after it are not imported (exit status 1).",
        {{"DB", "the workspace file (SQLite), created if absent"},
         {"BUNDLE", "bundle files (.json) or statistics tables (.csv)", true}},
        {},
        {"civicplan import region.db bodies.json family-plans.json population.csv"}},
       run_import},
      {{"import-istat",
        "Import ISTAT's list of Italian municipalities as the national registry.",
        "Reads FILE, ISTAT's list of municipalities (Elenco dei comuni italiani: ';'-\n"
        "separated, Latin-1 or UTF-8, with its own header), into the workspace DB (created\n"
        "if absent): one municipality per row, its id the 6-digit ISTAT code (022104); the\n"
        "supra-municipal units as provinces it-uts-NNN; the regions as it-reg-NN; the\n"
        "attributes istat, cadastral, nuts3 and sigla; the legal population as the\n"
        "population statistic of the census year the header names. Importing again\n"
        "replaces the names, those attributes and the memberships in it-uts- and it-reg-\n"
        "bodies, and keeps every other membership (districts, unions) and attribute. All or\n"
        "nothing: every problem of the file is listed as FILE:LINE: MESSAGE and nothing is\n"
        "written (exit status 1). Then prints what changed and what the registry holds.",
        {{"DB", "the workspace file (SQLite), created if absent"},
         {"FILE", "ISTAT's list of municipalities (.csv)"}},
        {},
        {"civicplan import-istat italy.db examples/data/istat_elenco_comuni_2020.csv"}},
       run_import_istat},
      {{"indicators",
        "Compute indicators for bodies and years.",
        "Computes the workspace's indicators for every body whose kind is one of an\n"
        "indicator's levels, for every year the workspace holds data for. --id, --body and\n"
        "--year narrow that (each may be repeated). Rows are sorted by indicator, body and\n"
        "year; an empty value is null (missing data or a division by zero). The table and\n"
        "CSV round values to each indicator's decimals; JSON keeps the exact values.",
        {{"DB", "the workspace file (SQLite); it must exist"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"id", "ID", "compute only this indicator", {}, true},
         {"body", "BODY", "only this body", {}, true},
         {"year", "YEAR", "only this year", {}, true},
         {"format", "FORMAT", "output format", {"table", "csv", "json"}}},
        {"civicplan indicators region.db", "civicplan indicators region.db --id spend_per_inhabitant --year 2021",
         "civicplan indicators region.db --body dist-pianura-est --format csv"}},
       run_indicators},
      {{"info",
        "Summarize what a workspace holds.",
        "Prints the bodies by kind, the plans by kind and status, the actions by\n"
        "macro-area (the top-level categories of each taxonomy; an action counts once\n"
        "under every macro-area it falls under, actions without a category on a line of\n"
        "their own), the planned and actual budget in euros of all plans and years by\n"
        "plan kind and by funding source, and the number of statistics, places, cases,\n"
        "ledger entries, certification records, feedback and users.",
        {{"DB", "the workspace file (SQLite); it must exist"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"format",
          "FORMAT",
          "output format: a readable table (default) or stable JSON",
          {"table", "json"}}},
        {"civicplan info region.db", "civicplan info region.db --format json"}},
       run_info},
      {{"recommend",
        "Propose categories that similar bodies use and a body does not.",
        "Compares the body with its peers in the year: the other bodies of the same kind,\n"
        "in the same population class (under 3000, 3000-5000, 5000-15000, 15000-50000,\n"
        "over 50000 inhabitants, by the population statistic of the year or the latest\n"
        "earlier one) and under a common district or province, that have an approved\n"
        "plan covering the year. Lists the categories at least half of the peers file\n"
        "actions under and no plan of the body covering the year has (drafts count),\n"
        "most used first, each with three example actions from the peers.",
        {{"DB", "the workspace file (SQLite); it must exist"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"body", "B", "the body to advise", {}},
         {"year", "Y", "the plan year", {}},
         {"k", "N", "at most N categories (default 5)", {}},
         {"format", "FORMAT", "output format", {"table", "json"}}},
        {"civicplan recommend family.db --body 022147 --year 2022"}},
       run_recommend},
      {{"record",
        "Record the execution of approved plans: progress, actual spending, targets, statuses.",
        "Applies execution CSV files to the approved plans of DB, all files together and\n"
        "all or nothing. The header of each file says what its rows record:\n"
        "  plan,action,date,completion[,note]   progress (completion 0..100 on that date)\n"
        "  plan,action,year,source,actual       actual spending of a budget line, in euros\n"
        "  plan,action,metric,actual            the actual value of a target\n"
        "  plan,action,status                   the action's status\n"
        "Columns are separated by commas or semicolons. Every bad row is listed as\n"
        "FILE:LINE: MESSAGE and nothing is written (exit status 1). Each plan changed gets\n"
        "one new revision; a row that changes nothing is counted as already so, so applying\n"
        "the same file twice changes nothing. Without files, one record is given in options\n"
        "(--plan, --action and the columns of one shape), or the plan's evaluation with\n"
        "--plan, --date and --evaluation. --dry-run lists every change (before -> after)\n"
        "and writes nothing.",
        {{"DB [FILE.csv]", "the workspace file (SQLite; it must exist), then execution CSV files", true}},
        {{"dry-run", "", "list the changes and write nothing", {}},
         {"user", "U", "act as this user: only editors of a plan's body may record on it", {}},
         {"format", "FORMAT", "output format", {"table", "json"}},
         {"plan", "P", "one record: the plan", {}},
         {"action", "A", "one record: the action", {}},
         {"date", "D", "the date of a progress entry or of the evaluation (YYYY-MM-DD)", {}},
         {"completion", "N", "progress: the completion, 0 to 100", {}},
         {"note", "TEXT", "progress: a note", {}},
         {"year", "Y", "actual spending: the budget year", {}},
         {"source", "S", "actual spending: the funding source (municipal, provincial, ...)", {}},
         {"actual", "X", "the actual euros (with --year and --source) or target value (with --metric)", {}},
         {"metric", "M", "a target: its metric", {}},
         {"status", "S", "the action's status", {"planned", "in_progress", "completed", "suspended", "cancelled"}},
         {"evaluation", "TEXT", "the plan's overall evaluation (with --plan and --date)", {}}},
        {"civicplan record family.db examples/data/family_execution_progress.csv --dry-run",
         "civicplan record family.db progress.csv actuals.csv --user editor-levico",
         "civicplan record family.db --plan pf-022104-2022 --action az01 --date 2022-06-30 --completion 50"}},
       run_record},
      {{"report",
        "Write the HTML report of a body's plans in a year.",
        "Writes one self-contained HTML5 page (inline CSS and SVG charts, no script, no\n"
        "request to any other address) for citizens and councils: the plans of the year\n"
        "with status and approval act, actions by area, funding by source (planned beside\n"
        "reported), the indicators over the years beside the body's district, province and\n"
        "region, completion, certification and what is still missing, citizens' ratings, a\n"
        "map of places and located actions and, for a district, province or region, its\n"
        "members ranked. Every chart has a title, a description and its numbers as a table.\n"
        "--lang sets the page's own words; the data's labels stay as they are. Without\n"
        "--out the page goes to standard output.",
        {{"DB", "the workspace file (SQLite) or a PostgreSQL URI; it must exist"}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"body", "B", "the body", {}},
         {"year", "Y", "the year", {}},
         {"lang", "LANG", "the page's language (default it)", {"it", "en"}},
         {"out", "FILE", "write the page to FILE (atomically) instead of standard output", {}}},
        {"civicplan report family.db --body 022104 --year 2022 --out levico-2022.html",
         "civicplan report zone.db --body dist-pianura-est --year 2019 --lang en --out pianura-est.html"}},
       run_report},
      {{"search",
        "Find approved actions by text, category, kind of body, population and year.",
        "Searches the actions of approved and archived plans. The words after DB are the\n"
        "text searched for, ranked by BM25 over each action's title (counting twice),\n"
        "description and category labels; case, accents and elided articles (dell',\n"
        "l') are ignored, as are common Italian words (di, per, con, ...), and singular\n"
        "and plural forms match. Without text, every action passing the filters is listed.\n"
        "--category keeps actions filed under that category or below it; --population\n"
        "takes MIN-MAX inhabitants (MIN included, MAX excluded; either may be left out)\n"
        "or a class name such as 3000-5000 or over-50000. Hits are ordered by score,\n"
        "then plan and action id.",
        {{"DB [TEXT]", "the workspace file (SQLite), then the words to search for", true}},
        {{"read-only", "", "open DB read-only: nothing is written to it", {}},
         {"category", "C", "only actions under this category (\"<taxonomy>:<code>\")", {}},
         {"body-kind", "KIND", "only plans of bodies of this kind (municipality, union, ...)", {}},
         {"population", "RANGE", "only plans of bodies with this population", {}},
         {"year", "Y", "only plans covering this year", {}, true},
         {"limit", "N", "at most N hits (default 20)", {}},
         {"format", "FORMAT", "output format", {"table", "json"}}},
        {"civicplan search family.db tariffe famiglie numerose",
         "civicplan search family.db --category family-tn:B.4 --year 2022",
         "civicplan search family.db nido --population 5000-15000 --format json"}},
       run_search},
      {{"test",
        "Run rule test cases.",
        "Runs civicplan-cases files: each imports its bundles (paths relative to the\n"
        "file) into an in-memory workspace and checks every case, an expression, an\n"
        "indicator or a certification for one body and year, against its expected value\n"
        "(within its margin). A failing case is printed with the value expected, the\n"
        "value got and its explanation. The exit status is 1 when any case fails.\n"
        "The format is described in docs/explain.md.",
        {{"CASES.json", "cases files", true}},
        {{"format", "FORMAT", "output format", {"text", "json"}}},
        {"civicplan test examples/cases/family-in-trentino.cases.json"}},
       run_test},
      {{"validate",
        "Check bundles and statistics tables without importing them.",
        "Validates each file on its own: a .json file as a civicplan bundle (types, enums,\n"
        "amounts, dates, references, duplicates, cycles), a .csv file as a statistics\n"
        "table. Prints \"ok: FILE (...)\" with what a valid file holds; for an invalid\n"
        "file, every issue on standard error as FILE: PATH: MESSAGE. Exit status 1 when\n"
        "any file is invalid.",
        {{"BUNDLE", "bundle files (.json) or statistics tables (.csv)", true}},
        {},
        {"civicplan validate family-plans.json population.csv"}},
       run_validate},
  };
  return table;
}

const Verb* find_verb(const std::string& name) {
  for (const auto& verb : verbs()) {
    if (verb.spec.name == name) return &verb;
  }
  return nullptr;
}

}  // namespace civicplan::cli
