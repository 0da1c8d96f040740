// SPDX-License-Identifier: Apache-2.0
// The verbs of the civicplan tool: one handler and one spec per verb, in one table.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "args.hpp"
#include "civicplan/error.hpp"
#include "civicplan/model.hpp"
#include "civicplan/workspace.hpp"

namespace civicplan::cli {

/// Where a verb writes: results to `out`, diagnostics to `err`.
struct Io {
  std::ostream& out;
  std::ostream& err;
};

/// Runs a verb on parsed arguments; returns the exit code (0 success, 1 domain failure).
/// Throws civicplan::Error (and UsageError) for the caller to report.
using Handler = int (*)(const Args& args, Io& io);

/// A verb: what it accepts, how it explains itself, and what runs it.
struct Verb {
  VerbSpec spec;
  Handler run;
};

/// Every verb, sorted by name. Adding a verb is one handler and one row here.
const std::vector<Verb>& verbs();
/// The verb with this name, or nullptr.
const Verb* find_verb(const std::string& name);

int run_validate(const Args& args, Io& io);
int run_import(const Args& args, Io& io);
int run_import_istat(const Args& args, Io& io);
int run_export(const Args& args, Io& io);
int run_info(const Args& args, Io& io);
int run_indicators(const Args& args, Io& io);
int run_certify(const Args& args, Io& io);
int run_explain(const Args& args, Io& io);
int run_test(const Args& args, Io& io);
int run_diff(const Args& args, Io& io);
int run_history(const Args& args, Io& io);
int run_search(const Args& args, Io& io);
int run_recommend(const Args& args, Io& io);
int run_record(const Args& args, Io& io);
int run_report(const Args& args, Io& io);

// Shared by the verbs.

/// Opens an existing workspace file; NotFoundError when there is no such file, so that a
/// read-only verb never creates an empty workspace by mistake.
Workspace open_existing_workspace(const Args& args, const std::string& path);
/// The workspace at `path`, which must exist: a SQLite file, or a PostgreSQL URI whose schema
/// holds a workspace (checked without writing anything). NotFoundError or StorageError.
Workspace open_existing_workspace(const std::string& path, bool read_only);
/// The value of --year; UsageError (naming `verb`) unless it is a year from 1800 to 2200.
int parse_year(const std::string& text, const std::string& verb);
/// True for a postgresql:// or postgres:// URI.
bool is_database_uri(const std::string& location);
/// Writes every issue as `FILE: PATH: MESSAGE` (`FILE: MESSAGE` without a path, and
/// `FILE:LINE: MESSAGE` when the path already names the file, as CSV issues do).
void print_issues(std::ostream& err, const std::string& file, const std::vector<Issue>& issues);
/// "2 bodies, 1 plan" from counts keyed by bundle array name (plus "actions"); kinds in
/// `always` are listed even when zero, the others only when non-zero.
std::string describe_counts(const std::map<std::string, std::size_t>& counts,
                            const std::vector<std::string>& always = {});
/// The singular or plural noun for a count of objects of a bundle array ("ledger" ->
/// "ledger entry" / "ledger entries").
std::string noun(const std::string& array, std::size_t count);
/// Bundle array names in the order the bundle format lists them, "actions" after "plans".
const std::vector<std::string>& array_order();

}  // namespace civicplan::cli
