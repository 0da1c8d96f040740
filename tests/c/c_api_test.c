/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C API test: every method cp_call lists, and every error path of the entry points, as a C
 * program written against include/civicplan/c.h alone (C99, -Wall -Wextra -Werror -pedantic).
 *
 *     c_api_test SOURCE_DIR WORK_DIR
 *
 * SOURCE_DIR is the repository (for examples/data and tests/cases); WORK_DIR an empty
 * directory for the SQLite files and the exports. Prints one line per failed check and exits 1
 * when any failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "civicplan/c.h"

static int failures = 0;
static int checks = 0;
static const char* source_dir;
static const char* work_dir;

#define CHECK(cond, ...)                                  \
  do {                                                    \
    ++checks;                                             \
    if (!(cond)) {                                        \
      ++failures;                                         \
      fprintf(stderr, "%s:%d: failed: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                       \
      fprintf(stderr, "\n");                              \
    }                                                     \
  } while (0)

/* --- the methods this program calls, to compare with what "methods" lists */
#define MAX_METHODS 128
static char covered[MAX_METHODS][64];
static int n_covered = 0;

static void cover(const char* method) {
  int i;
  for (i = 0; i < n_covered; ++i) {
    if (strcmp(covered[i], method) == 0) return;
  }
  if (n_covered < MAX_METHODS && strlen(method) < sizeof covered[0]) strcpy(covered[n_covered++], method);
}

static const char* status_name(cp_status s) {
  static const char* names[] = {"CP_OK", "CP_ERROR", "CP_PARSE_ERROR", "CP_VALIDATION_ERROR",
                                "CP_NOT_FOUND", "CP_PERMISSION_ERROR", "CP_CONFLICT", "CP_CYCLE_ERROR",
                                "CP_STORAGE_ERROR", "CP_USAGE_ERROR"};
  return (s >= CP_OK && s <= CP_USAGE_ERROR) ? names[s] : "(unknown status)";
}

/* Runs a method and checks its status; returns its output (free with cp_free). */
static char* call_at(const char* file, int line, cp_workspace* ws, const char* method, const char* args,
                     cp_status expected) {
  char* out = NULL;
  cp_status s = cp_call(ws, method, args, &out);
  ++checks;
  if (method) cover(method);
  if (s != expected || out == NULL) {
    ++failures;
    fprintf(stderr, "%s:%d: %s(%s): expected %s, got %s: %s\n", file, line, method ? method : "NULL",
            args ? args : "NULL", status_name(expected), status_name(s), out ? out : "(no output)");
  }
  if (s != CP_OK && out && strcmp(out, cp_last_error()) != 0) {
    ++failures;
    fprintf(stderr, "%s:%d: cp_last_error() differs from the error JSON: %s\n", file, line, cp_last_error());
  }
  return out;
}
#define CALL(ws, method, args, expected) call_at(__FILE__, __LINE__, ws, method, args, expected)

/* True when `text` contains `needle`. */
static int has(const char* text, const char* needle) { return text && strstr(text, needle) != NULL; }

/* Runs a method, checks its status and that its output contains `needle`. */
static void expect_at(const char* file, int line, cp_workspace* ws, const char* method, const char* args,
                      cp_status expected, const char* needle) {
  char* out = call_at(file, line, ws, method, args, expected);
  ++checks;
  if (!has(out, needle)) {
    ++failures;
    fprintf(stderr, "%s:%d: %s: the output lacks %s: %.600s\n", file, line, method ? method : "NULL", needle,
            out ? out : "(none)");
  }
  cp_free(out);
}
#define EXPECT(ws, method, args, expected, needle) expect_at(__FILE__, __LINE__, ws, method, args, expected, needle)

/* A path under SOURCE_DIR or WORK_DIR, as a JSON string (no escaping needed for the paths used). */
static const char* path_in(const char* dir, const char* rel) {
  static char buffers[8][1024];
  static int next = 0;
  char* p = buffers[next++ % 8];
  snprintf(p, sizeof buffers[0], "%s/%s", dir, rel);
  return p;
}

/* Formats a JSON argument object into a static buffer. */
static const char* args_of(const char* format, ...) {
  static char buffers[4][8192];
  static int next = 0;
  char* p = buffers[next++ % 4];
  va_list ap;
  va_start(ap, format);
  vsnprintf(p, sizeof buffers[0], format, ap);
  va_end(ap);
  return p;
}

static cp_workspace* open_family(void) {
  cp_workspace* ws = NULL;
  CHECK(cp_open(NULL, 0, &ws) == CP_OK && ws != NULL, "cp_open(NULL): %s", cp_last_error());
  EXPECT(ws, "import_bundle", args_of("{\"bundle\": \"%s\"}", path_in(source_dir, "examples/data/family.json")),
         CP_OK, "\"added\":{\"bodies\":16");
  return ws;
}

/* --- the entry points and their usage errors */
static void test_entry_points(void) {
  cp_workspace* ws = NULL;
  char* out = NULL;
  CHECK(cp_abi_version() == CIVICPLAN_C_ABI_VERSION, "abi %d", cp_abi_version());
  CHECK(cp_version() && strchr(cp_version(), '.') != NULL, "version %s", cp_version());
  CHECK(strcmp(cp_last_error(), "") == 0, "no error yet, got %s", cp_last_error());

  CHECK(cp_open(NULL, 0, NULL) == CP_USAGE_ERROR, "cp_open out NULL");
  CHECK(has(cp_last_error(), "\"error\":\"UsageError\""), "%s", cp_last_error());
  ws = (cp_workspace*)&out; /* a non-NULL value that must be overwritten */
  CHECK(cp_open("", 1, &ws) == CP_USAGE_ERROR && ws == NULL, "read-only in memory");
  CHECK(cp_open("\xff\xfe.db", 0, &ws) == CP_USAGE_ERROR && ws == NULL, "bad UTF-8 location");
  CHECK(has(cp_last_error(), "not valid UTF-8"), "%s", cp_last_error());
  CHECK(cp_open(path_in(work_dir, "no-such-dir/x.db"), 0, &ws) == CP_STORAGE_ERROR && ws == NULL,
        "missing directory: %s", cp_last_error());
  CHECK(cp_open(path_in(work_dir, "absent.db"), 1, &ws) != CP_OK && ws == NULL, "read-only absent file");
  cp_close(NULL);
  cp_free(NULL);

  CHECK(cp_open(NULL, 0, &ws) == CP_OK, "%s", cp_last_error());
  CHECK(cp_call(ws, "methods", "{}", NULL) == CP_USAGE_ERROR, "result NULL");
  out = CALL(NULL, "methods", "{}", CP_USAGE_ERROR);
  CHECK(has(out, "handle is NULL"), "%s", out);
  cp_free(out);
  out = CALL(ws, NULL, "{}", CP_USAGE_ERROR);
  CHECK(has(out, "method is NULL"), "%s", out);
  cp_free(out);
  EXPECT(ws, "methods", NULL, CP_USAGE_ERROR, "args_json is NULL");
  EXPECT(ws, "meth\xc3", "{}", CP_USAGE_ERROR, "method is not valid UTF-8");
  EXPECT(ws, "body", "{\"id\": \"\xed\xa0\x80\"}", CP_USAGE_ERROR, "args_json is not valid UTF-8");
  EXPECT(ws, "body", "{\"id\": \"\xc0\xaf\"}", CP_USAGE_ERROR, "not valid UTF-8");
  EXPECT(ws, "body", "{\"id\": ", CP_USAGE_ERROR, "malformed arguments");
  EXPECT(ws, "body", "{\"id\": \"a\",\n \"id\": \"b\"}", CP_USAGE_ERROR, "args_json:2:2: invalid JSON: duplicate key");
  EXPECT(ws, "body", "[\"022104\"]", CP_USAGE_ERROR, "must be a JSON object, got an array");
  EXPECT(ws, "certfy", "{}", CP_USAGE_ERROR, "did you mean \\\"certify\\\"");
  EXPECT(ws, "no_such_method_at_all", "{}", CP_USAGE_ERROR, "unknown method");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"schem\": \"x\", \"year\": 2022}", CP_USAGE_ERROR,
         "did you mean \\\"scheme\\\"");
  EXPECT(ws, "refresh", "{\"x\": 1}", CP_USAGE_ERROR, "takes no arguments");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"year\": 2022}", CP_USAGE_ERROR, "missing argument \\\"scheme\\\"");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"scheme\": \"s\", \"year\": \"2022\"}", CP_USAGE_ERROR,
         "\\\"year\\\" must be an integer, got a string");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"scheme\": \"s\", \"year\": 2022.5}", CP_USAGE_ERROR,
         "got a number");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"scheme\": \"s\", \"year\": 99999999999}", CP_USAGE_ERROR,
         "out of range");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"scheme\": \"s\", \"year\": 2022, \"preview\": 1}", CP_USAGE_ERROR,
         "must be true or false");
  EXPECT(ws, "compute_indicators", "{\"years\": [2021, \"2022\"]}", CP_USAGE_ERROR, "an integer or an array");
  EXPECT(ws, "import_bundle", "{\"bundle\": 12}", CP_USAGE_ERROR, "a bundle object or the path");
  EXPECT(ws, "import_execution", "{\"path_or_rows\": []}", CP_USAGE_ERROR, "an array of row objects");
  EXPECT(ws, "search", "{\"population\": [1, 2, 3]}", CP_USAGE_ERROR, "population");
  EXPECT(ws, "put_plan", "{\"plan\": null}", CP_USAGE_ERROR, "missing argument \\\"plan\\\"");
  CHECK(has(cp_last_error(), "missing argument"), "%s", cp_last_error());
  cp_close(ws);
}

/* --- "methods" */
static void test_methods_listing(void) {
  cp_workspace* ws = open_family();
  char* out = CALL(ws, "methods", "{}", CP_OK);
  CHECK(has(out, "\"name\":\"certify\",\"params\":[{\"name\":\"body\",\"required\":true,\"type\":\"string\"}"),
        "%.300s", out);
  CHECK(has(out, "{\"default\":false,\"name\":\"preview\",\"required\":false,\"type\":\"boolean\"}"), "%.300s", out);
  cp_free(out);
  cp_close(ws);
}

/* --- reading: indicators, certification, objects, records, practices */
static void test_reads(void) {
  cp_workspace* ws = open_family();
  EXPECT(ws, "path", "{}", CP_OK, "null");
  EXPECT(ws, "read_only", "{}", CP_OK, "false");
  EXPECT(ws, "user", "{}", CP_OK, "null");
  EXPECT(ws, "refresh", "{}", CP_OK, "false");
  EXPECT(ws, "indicators", "{}", CP_OK, "\"id\":\"fam_spend_per_inhabitant\"");
  EXPECT(ws, "compute_indicators", "{\"ids\": \"fam_spend_per_inhabitant\", \"bodies\": [\"pat\"], \"years\": [2021, 2022]}",
         CP_OK, "\"pat\"");
  EXPECT(ws, "compute_indicators", "{\"ids\": [\"nope\"]}", CP_NOT_FOUND, "\"kind\":\"indicator\"");
  EXPECT(ws, "rulesets", "{}", CP_OK, "\"id\":\"family-in-trentino\"");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"scheme\": \"family-in-trentino\", \"year\": 2022}", CP_OK,
         "\"passed\":");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"scheme\": \"family-in-trentino\", \"year\": 2022, \"preview\": true}",
         CP_OK, "\"rules\":");
  EXPECT(ws, "certify", "{\"body\": \"999999\", \"scheme\": \"family-in-trentino\", \"year\": 2022}", CP_NOT_FOUND,
         "\"id\":\"999999\"");
  EXPECT(ws, "certify_all", "{\"scheme\": \"family-in-trentino\", \"year\": 2022}", CP_OK, "022104");
  EXPECT(ws, "evaluate", "{\"expression\": \"population\", \"body\": \"022104\", \"year\": 2022}", CP_OK, "");
  EXPECT(ws, "evaluate", "{\"expression\": \"1 +\", \"body\": \"022104\", \"year\": 2022}", CP_PARSE_ERROR,
         "\"column\":");
  EXPECT(ws, "evaluate", "{\"expression\": \"1 / 0\", \"body\": \"022104\", \"year\": 2022}", CP_OK, "null");
  /* The report: an HTML page as a JSON string. */
  EXPECT(ws, "report", "{\"body\": \"022104\", \"year\": 2022}", CP_OK, "\"<!DOCTYPE html>\\n<html lang=\\\"it\\\">");
  EXPECT(ws, "report", "{\"body\": \"022104\", \"year\": 2022, \"lang\": \"en\"}", CP_OK, "Funding by source");
  EXPECT(ws, "report", "{\"body\": \"022104\", \"year\": 2022, \"lang\": \"fr\"}", CP_VALIDATION_ERROR,
         "\"path\":\"lang\"");
  EXPECT(ws, "report", "{\"body\": \"nowhere\", \"year\": 2022}", CP_NOT_FOUND, "\"id\":\"nowhere\"");
  /* Explain and what-if. */
  EXPECT(ws, "explain", "{\"target\": \"fam_spend_per_inhabitant\", \"body\": \"022205\", \"year\": 2022}", CP_OK,
         "\"indicator\":\"fam_spend_per_inhabitant\"");
  EXPECT(ws, "explain", "{\"target\": \"population / 0\", \"body\": \"022205\", \"year\": 2022}", CP_OK,
         "\"null_reason\":\"division by zero: 0 is 0 for 022205 in 2022\"");
  EXPECT(ws, "explain", "{\"target\": \"fam_spend_per_inhabitnt\", \"body\": \"022205\", \"year\": 2022}",
         CP_NOT_FOUND, "did you mean");
  EXPECT(ws, "certify", "{\"body\": \"022104\", \"scheme\": \"family-in-trentino\", \"year\": 2022, \"explain\": true}",
         CP_OK, "\"explanation\":{");
  EXPECT(ws, "certify",
         "{\"body\": \"022104\", \"scheme\": \"family-in-trentino\", \"year\": 2022, "
         "\"parameters\": {\"punti_minimi_sopra_soglia\": 50}}",
         CP_OK, "\"passed\":true");
  EXPECT(ws, "certify_all",
         "{\"scheme\": \"family-in-trentino\", \"year\": 2022, \"parameters\": {\"soglia\": 1}}", CP_NOT_FOUND,
         "its parameters are");
  EXPECT(ws, "certify_all",
         "{\"scheme\": \"family-in-trentino\", \"year\": 2022, \"parameters\": {\"soglia_popolazione\": \"1\"}}",
         CP_USAGE_ERROR, "must be a number");
  EXPECT(ws, "run_cases", args_of("{\"path\": \"%s\"}", path_in(source_dir, "examples/cases/family-in-trentino.cases.json")),
         CP_OK, "\"failed\":0");
  EXPECT(ws, "run_cases", args_of("{\"path\": \"%s\"}", path_in(source_dir, "tests/cases/failing.cases.json")),
         CP_OK, "\"failed\":3");
  EXPECT(ws, "body", "{\"id\": \"022104\"}", CP_OK, "\"kind\":\"municipality\"");
  EXPECT(ws, "body", "{\"id\": \"nope\"}", CP_NOT_FOUND, "\"error\":\"NotFoundError\"");
  EXPECT(ws, "plan", "{\"id\": \"pf-022205-2022\"}", CP_OK, "\"body\":\"022205\"");
  EXPECT(ws, "taxonomy", "{\"id\": \"family-tn\"}", CP_OK, "\"nodes\"");
  EXPECT(ws, "bodies", "{}", CP_OK, "\"id\":\"022104\"");
  EXPECT(ws, "plans", "{}", CP_OK, "\"id\":\"pf-022205-2022\"");
  EXPECT(ws, "plans", "{\"body\": \"022205\", \"year\": 2022}", CP_OK, "[{\"actions\":");
  {
    char* out = CALL(ws, "plans", "{\"body\": \"022205\", \"year\": 2022}", CP_OK);
    CHECK(has(out, "\"id\":\"pf-022205-2022\"") && !has(out, "\"id\":\"pf-022205-2021\"") && !has(out, "\"body\":\"022161\""), "%.300s", out);
    cp_free(out);
  }
  EXPECT(ws, "plans", "{\"body\": \"999\"}", CP_NOT_FOUND, "\"kind\":\"body\"");
  EXPECT(ws, "taxonomies", "{}", CP_OK, "\"id\":\"family-tn\"");
  EXPECT(ws, "crosswalks", "{}", CP_OK, "[]");
  EXPECT(ws, "users", "{}", CP_OK, "\"id\":\"u-agenzia-admin\"");
  EXPECT(ws, "statistics", "{}", CP_OK, "\"variable\":\"population\"");
  EXPECT(ws, "feedback", "{}", CP_OK, "\"rating\":");
  EXPECT(ws, "places", "{}", CP_OK, "\"lat\":");
  EXPECT(ws, "certifications", "{}", CP_OK, "\"scheme\":\"family-in-trentino\"");
  EXPECT(ws, "cases", "{}", CP_OK, "[]");
  EXPECT(ws, "ledger", "{}", CP_OK, "[]");
  EXPECT(ws, "search", "{\"text\": \"tariffe famiglie numerose\", \"limit\": 3}", CP_OK, "\"score\":");
  EXPECT(ws, "search", "{\"population\": \"3000-5000\", \"years\": 2022}", CP_OK, "[");
  EXPECT(ws, "search", "{\"population\": [null, 5000]}", CP_OK, "[");
  EXPECT(ws, "search", "{\"population\": \"many\"}", CP_VALIDATION_ERROR, "\"issues\":");
  EXPECT(ws, "search", "{\"limit\": 0}", CP_VALIDATION_ERROR, "limit");
  EXPECT(ws, "search", "{\"category\": \"family-tn:NOPE\"}", CP_NOT_FOUND, "NotFoundError");
  EXPECT(ws, "recommend", "{\"body\": \"022104\", \"year\": 2022, \"k\": 3}", CP_OK, "[");
  EXPECT(ws, "peers", "{\"body\": \"022104\", \"year\": 2022}", CP_OK, "[");
  EXPECT(ws, "population", "{\"body\": \"022104\", \"year\": 2022}", CP_OK, "");
  EXPECT(ws, "population", "{\"body\": \"agenzia-famiglia-tn\", \"year\": 1900}", CP_OK, "null");
  EXPECT(ws, "usage", "{\"taxonomy\": \"family-tn\", \"years\": [2021, 2022]}", CP_OK, "\"categories\":");
  EXPECT(ws, "near_duplicates", "{\"threshold\": 0.5, \"limit\": null}", CP_OK, "[");
  EXPECT(ws, "near_duplicates", "{\"limit\": -1}", CP_VALIDATION_ERROR, "must not be negative");
  EXPECT(ws, "near_duplicates", "{\"threshold\": 2}", CP_VALIDATION_ERROR, "threshold");
  EXPECT(ws, "diff", "{\"a\": \"pf-022205-2021\", \"b\": \"pf-022205-2022\"}", CP_OK, "\"added\":");
  EXPECT(ws, "plan_progress", "{\"plan_id\": \"pf-022205-2022\", \"date\": \"2022-12-31\"}", CP_OK, "\"completion\":");
  EXPECT(ws, "plan_progress", "{\"plan_id\": \"pf-022205-2022\", \"date\": \"2022-02-30\"}", CP_VALIDATION_ERROR,
         "\"path\":\"date\"");
  EXPECT(ws, "history", "{\"plan_id\": \"pf-022205-2022\"}", CP_OK, "\"operation\":\"import\"");
  EXPECT(ws, "plan_revision", "{\"plan_id\": \"pf-022205-2022\", \"revision\": 1}", CP_OK, "\"id\":\"pf-022205-2022\"");
  EXPECT(ws, "plan_revision", "{\"plan_id\": \"pf-022205-2022\", \"revision\": 99}", CP_NOT_FOUND, "NotFoundError");
  EXPECT(ws, "audit_log", "{\"object\": \"bundle\"}", CP_OK, "\"operation\":\"import\"");
  EXPECT(ws, "audit_log", "{\"since\": \"2999-01-01T00:00:00Z\"}", CP_OK, "[]");
  cp_close(ws);
}

/* --- bundles in and out, statistics, the registry, open data */
static void test_imports(void) {
  cp_workspace* ws = open_family();
  char* out;
  FILE* f;
  /* A bad bundle: a ValidationError with the JSON path of every issue, nothing imported. */
  out = CALL(ws, "import_bundle",
             "{\"bundle\": {\"format\": \"civicplan-bundle\", \"version\": 1, \"plans\": [{\"id\": \"p-x\", "
             "\"kind\": \"family\", \"body\": \"nowhere\", \"title\": \"X\", \"period\": {\"from\": 2022, \"to\": 2022}, "
             "\"status\": \"draft\", \"actions\": [{\"id\": \"a1\", \"title\": \"A\", \"budget\": [{\"year\": 2022, "
             "\"source\": \"municipal\", \"planned\": \"12,50\"}]}]}]}}",
             CP_VALIDATION_ERROR);
  CHECK(has(out, "\"error\":\"ValidationError\""), "%s", out);
  CHECK(has(out, "\"path\":\"plans[0].body\""), "%s", out);
  CHECK(has(out, "\"path\":\"plans[0].actions[0].budget[0].planned\""), "%s", out);
  cp_free(out);
  EXPECT(ws, "plan", "{\"id\": \"p-x\"}", CP_NOT_FOUND, "p-x");
  EXPECT(ws, "import_bundle", args_of("{\"bundle\": \"%s\"}", path_in(source_dir, "tests/cases/bad_bundle.json")),
         CP_VALIDATION_ERROR, "\"path\":\"bodies[1].kind\"");
  EXPECT(ws, "import_bundle", args_of("{\"bundle\": \"%s\"}", path_in(work_dir, "missing.json")), CP_NOT_FOUND,
         "missing.json");
  EXPECT(ws, "validate", args_of("{\"bundle\": \"%s\"}", path_in(source_dir, "tests/cases/bad_bundle.json")), CP_OK,
         "\"path\":\"bodies[2].name\"");
  EXPECT(ws, "validate", "{\"bundle\": {\"format\": \"civicplan-bundle\", \"version\": 1}}", CP_OK, "[]");

  f = fopen(path_in(work_dir, "stats.csv"), "w");
  CHECK(f != NULL, "cannot write stats.csv");
  if (f) {
    fputs("body,year,variable,value\n022104,2022,nidi_posti,40\n", f);
    fclose(f);
  }
  EXPECT(ws, "import_statistics_csv", args_of("{\"path\": \"%s\"}", path_in(work_dir, "stats.csv")), CP_OK,
         "\"statistics\":1");
  f = fopen(path_in(work_dir, "bad-stats.csv"), "w");
  if (f) {
    fputs("body,year,variable,value\n022104,20x2,nidi_posti,40\n", f);
    fclose(f);
  }
  EXPECT(ws, "import_statistics_csv", args_of("{\"path\": \"%s\"}", path_in(work_dir, "bad-stats.csv")),
         CP_VALIDATION_ERROR, "bad-stats.csv:2");
  EXPECT(ws, "import_istat", args_of("{\"path\": \"%s\"}", path_in(source_dir, "tests/cases/istat_small_utf8.csv")),
         CP_OK, "\"added\":");
  EXPECT(ws, "import_istat", args_of("{\"path\": \"%s\"}", path_in(source_dir, "tests/cases/istat_bad_rows.csv")),
         CP_VALIDATION_ERROR, "istat_bad_rows.csv:");
  EXPECT(ws, "export_bundle", "{}", CP_OK, "\"format\":\"civicplan-bundle\"");
  EXPECT(ws, "export_bundle", args_of("{\"path\": \"%s\"}", path_in(work_dir, "export.json")), CP_OK, "null");
  {
    struct stat st;
    CHECK(stat(path_in(work_dir, "export.json"), &st) == 0 && st.st_size > 1000, "export.json written");
  }
  EXPECT(ws, "export_open_data", args_of("{\"dir\": \"%s\", \"format\": \"geojson\"}", path_in(work_dir, "open")),
         CP_OK, "null");
  {
    struct stat st;
    CHECK(stat(path_in(work_dir, "open/catalog.jsonld"), &st) == 0, "catalog.jsonld written");
  }
  EXPECT(ws, "export_open_data", args_of("{\"dir\": \"%s\", \"format\": \"xml\"}", path_in(work_dir, "open")),
         CP_VALIDATION_ERROR, "xml");
  cp_close(ws);
}

/* --- the plan lifecycle, execution records, feedback, users and views */
static void test_writes(void) {
  cp_workspace* ws = open_family();
  cp_workspace* view = NULL;
  const char* draft =
      "{\"id\": \"pf-022104-2023\", \"kind\": \"family\", \"body\": \"022104\", \"title\": \"Piano famiglia 2023\", "
      "\"period\": {\"from\": 2023, \"to\": 2023}, \"status\": \"draft\", \"actions\": [{\"id\": \"az01\", "
      "\"title\": \"Tariffe ridotte per famiglie numerose\", \"status\": \"planned\", \"categories\": [\"family-tn:T1\"], "
      "\"targets\": [{\"metric\": \"famiglie\", \"target\": 40}], "
      "\"budget\": [{\"year\": 2023, \"source\": \"municipal\", \"planned\": 1200.50}]}]}";
  EXPECT(ws, "put_plan", args_of("{\"plan\": %s}", draft), CP_OK, "1");
  EXPECT(ws, "put_plan", args_of("{\"plan\": %s, \"expected_revision\": 7}", draft), CP_CONFLICT, "ConflictError");
  EXPECT(ws, "put_plan", "{\"plan\": {\"id\": \"p\"}}", CP_VALIDATION_ERROR, "\"path\":\"plan");
  EXPECT(ws, "approve", "{\"plan_id\": \"pf-022104-2023\", \"date\": \"2023-02-01\", \"act\": \"Delibera 1\"}",
         CP_VALIDATION_ERROR, "submitted");
  EXPECT(ws, "submit", "{\"plan_id\": \"pf-022104-2023\"}", CP_OK, "2");
  EXPECT(ws, "approve", "{\"plan_id\": \"pf-022104-2023\", \"date\": \"2023-02-01\", \"act\": \"Delibera 1\"}", CP_OK,
         "3");
  EXPECT(ws, "record_progress",
         "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"date\": \"2023-06-30\", \"completion\": 40, "
         "\"note\": \"a met\\u00e0\"}",
         CP_OK, "4");
  EXPECT(ws, "record_progress",
         "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"date\": \"2023-06-30\", \"completion\": 140}",
         CP_VALIDATION_ERROR, "completion");
  EXPECT(ws, "record_actual",
         "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"year\": 2023, \"source\": \"municipal\", "
         "\"amount\": \"1100.25\"}",
         CP_OK, "5");
  EXPECT(ws, "record_actual",
         "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"year\": 2023, \"source\": \"municipal\", "
         "\"amount\": 10.125}",
         CP_VALIDATION_ERROR, "at most 2 decimals");
  EXPECT(ws, "record_target", "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"metric\": \"famiglie\", \"actual\": 31}",
         CP_OK, "6");
  EXPECT(ws, "record_target", "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"metric\": \"nope\", \"actual\": 1}",
         CP_NOT_FOUND, "nope");
  EXPECT(ws, "set_action_status", "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"status\": \"in_progress\"}",
         CP_OK, "7");
  EXPECT(ws, "set_action_status", "{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"status\": \"done\"}",
         CP_VALIDATION_ERROR, "\"path\":\"status\"");
  EXPECT(ws, "record_evaluation", "{\"plan\": \"pf-022104-2023\", \"date\": \"2023-12-31\", \"text\": \"Buono.\"}",
         CP_OK, "8");
  EXPECT(ws, "import_execution",
         "{\"path_or_rows\": [{\"plan\": \"pf-022104-2023\", \"action\": \"az01\", \"date\": \"2023-12-31\", "
         "\"completion\": 100}], \"dry_run\": true}",
         CP_OK, "\"dry_run\":true");
  EXPECT(ws, "import_execution",
         "{\"path_or_rows\": [{\"plan\": \"pf-022104-2023\", \"action\": \"az99\", \"date\": \"2023-12-31\", "
         "\"completion\": 100}]}",
         CP_VALIDATION_ERROR, "rows[0]");
  EXPECT(ws, "import_execution", args_of("{\"path_or_rows\": \"%s\"}", path_in(source_dir, "examples/data/family_progress_2022.csv")),
         CP_OK, "\"revisions\":");
  EXPECT(ws, "import_execution",
         args_of("{\"path_or_rows\": [\"%s\", \"%s\"], \"dry_run\": true}",
                 path_in(source_dir, "examples/data/family_progress_2022.csv"),
                 path_in(source_dir, "examples/data/family_statuses_2022.csv")),
         CP_OK, "\"changed\":");
  EXPECT(ws, "new_variant", "{\"plan_id\": \"pf-022104-2023\", \"variant\": \"update\", \"new_id\": \"pf-022104-2023-u\"}",
         CP_OK, "1");
  EXPECT(ws, "new_variant", "{\"plan_id\": \"pf-022104-2023\", \"variant\": \"sideways\", \"new_id\": \"x\"}",
         CP_VALIDATION_ERROR, "\"path\":\"variant\"");
  EXPECT(ws, "submit", "{\"plan_id\": \"pf-022104-2023-u\"}", CP_OK, "2");
  EXPECT(ws, "reject", "{\"plan_id\": \"pf-022104-2023-u\", \"reason\": \"Manca il bilancio.\"}", CP_OK, "3");
  EXPECT(ws, "archive", "{\"plan_id\": \"pf-022104-2023\"}", CP_OK, "9");
  EXPECT(ws, "add_feedback", "{\"action\": \"pf-022205-2022/az06\", \"rating\": 4, \"date\": \"2022-10-01\", \"comment\": \"Utile\"}",
         CP_OK, "null");
  EXPECT(ws, "add_feedback", "{\"action\": \"pf-022205-2022/az06\", \"rating\": 9, \"date\": \"2022-10-01\"}",
         CP_VALIDATION_ERROR, "feedback.rating");
  EXPECT(ws, "put_user", "{\"user\": {\"id\": \"u-levico\", \"name\": \"Anna Rossi\", \"roles\": [{\"role\": \"editor\", \"body\": \"022104\"}]}}",
         CP_OK, "null");
  EXPECT(ws, "put_user", "{\"user\": {\"id\": \"u-x\", \"name\": \"X\", \"roles\": [{\"role\": \"boss\", \"body\": \"022104\"}]}}",
         CP_VALIDATION_ERROR, "\"path\":\"user.roles[0].role\"");

  CHECK(cp_as_user(ws, "u-levico", NULL) == CP_USAGE_ERROR, "cp_as_user out NULL");
  CHECK(cp_as_user(NULL, "u-levico", &view) == CP_USAGE_ERROR && view == NULL, "cp_as_user ws NULL");
  CHECK(cp_as_user(ws, NULL, &view) == CP_USAGE_ERROR && view == NULL, "cp_as_user user NULL");
  CHECK(cp_as_user(ws, "u-nobody", &view) == CP_NOT_FOUND && view == NULL, "unknown user: %s", cp_last_error());
  CHECK(cp_as_user(ws, "u-levico", &view) == CP_OK && view != NULL, "%s", cp_last_error());
  EXPECT(view, "user", "{}", CP_OK, "\"u-levico\"");
  EXPECT(view, "record_progress",
         "{\"plan\": \"pf-022205-2022\", \"action\": \"az01\", \"date\": \"2022-12-31\", \"completion\": 90}",
         CP_PERMISSION_ERROR, "PermissionError");
  cp_close(ws); /* the view keeps the workspace */
  EXPECT(view, "plan", "{\"id\": \"pf-022104-2023\"}", CP_OK, "\"status\":\"archived\"");
  cp_close(view);
}

/* --- a SQLite workspace: persistence, read-only handles, storage errors */
static void test_sqlite(void) {
  cp_workspace* ws = NULL;
  cp_workspace* reader = NULL;
  const char* db = path_in(work_dir, "family.db");
  remove(db);
  CHECK(cp_open(db, 0, &ws) == CP_OK, "%s", cp_last_error());
  EXPECT(ws, "import_bundle", args_of("{\"bundle\": \"%s\"}", path_in(source_dir, "examples/data/family.json")), CP_OK,
         "\"plans\":24");
  EXPECT(ws, "path", "{}", CP_OK, "family.db");
  CHECK(cp_open(db, 1, &reader) == CP_OK, "%s", cp_last_error());
  EXPECT(reader, "read_only", "{}", CP_OK, "true");
  EXPECT(reader, "certify", "{\"body\": \"022104\", \"scheme\": \"family-in-trentino\", \"year\": 2022}", CP_OK,
         "\"passed\":");
  EXPECT(reader, "add_feedback", "{\"action\": \"pf-022205-2022/az06\", \"rating\": 4, \"date\": \"2022-10-01\"}",
         CP_STORAGE_ERROR, "StorageError");
  EXPECT(ws, "add_feedback", "{\"action\": \"pf-022205-2022/az06\", \"rating\": 4, \"date\": \"2022-10-01\"}", CP_OK,
         "null");
  EXPECT(reader, "refresh", "{}", CP_OK, "true");
  cp_close(reader);
  cp_close(ws);
}

/* --- several threads on one handle */
struct worker {
  cp_workspace* ws;
  int ok;
  int runs;
  char last_error_seen[64];
};

static void* read_loop(void* arg) {
  struct worker* w = (struct worker*)arg;
  int i;
  char* out = NULL;
  for (i = 0; i < w->runs; ++i) {
    if (cp_call(w->ws, "certify", "{\"body\": \"022104\", \"scheme\": \"family-in-trentino\", \"year\": 2022}", &out) ==
            CP_OK &&
        has(out, "\"passed\":")) {
      ++w->ok;
    }
    cp_free(out);
    if (cp_call(w->ws, "compute_indicators", "{\"bodies\": \"pat\", \"years\": 2022}", &out) == CP_OK) ++w->ok;
    cp_free(out);
  }
  /* This thread's failure is its own. */
  cp_free(out = NULL);
  cp_call(w->ws, "nope", "{}", &out);
  cp_free(out);
  strncpy(w->last_error_seen, cp_last_error(), sizeof w->last_error_seen - 1);
  return NULL;
}

static void test_threads(void) {
  cp_workspace* ws = open_family();
  enum { kThreads = 4 };
  pthread_t threads[kThreads];
  struct worker workers[kThreads];
  int i, writes = 0;
  char* out = NULL;
  /* A failure of this thread, which the workers' failures must not replace. */
  cp_call(ws, "body", "{\"id\": \"mine\"}", &out);
  cp_free(out);
  for (i = 0; i < kThreads; ++i) {
    memset(&workers[i], 0, sizeof workers[i]);
    workers[i].ws = ws;
    workers[i].runs = 10;
    CHECK(pthread_create(&threads[i], NULL, read_loop, &workers[i]) == 0, "pthread_create");
  }
  for (i = 0; i < 10; ++i) {
    char args[256];
    snprintf(args, sizeof args,
             "{\"plan\": \"pf-022205-2022\", \"action\": \"az06\", \"date\": \"2022-%02d-28\", \"completion\": %d}", i + 1,
             i * 10);
    if (cp_call(ws, "record_progress", args, &out) == CP_OK) ++writes;
    cp_free(out);
  }
  for (i = 0; i < kThreads; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(workers[i].ok == 2 * workers[i].runs, "thread %d: %d of %d calls passed", i, workers[i].ok,
          2 * workers[i].runs);
    CHECK(has(workers[i].last_error_seen, "UsageError"), "thread %d saw %s", i, workers[i].last_error_seen);
  }
  CHECK(writes == 10, "%d of 10 writes", writes);
  CHECK(has(cp_last_error(), "\"id\":\"mine\""), "this thread's last error: %s", cp_last_error());
  EXPECT(ws, "plan_progress", "{\"plan_id\": \"pf-022205-2022\", \"date\": \"2022-10-28\"}", CP_OK, "\"completion\":");
  cp_close(ws);
}

/* Every method "methods" lists was called above. */
static void test_coverage(void) {
  cp_workspace* ws = NULL;
  char* out = NULL;
  const char* p;
  int listed = 0;
  CHECK(cp_open(NULL, 0, &ws) == CP_OK, "%s", cp_last_error());
  CHECK(cp_call(ws, "methods", "{}", &out) == CP_OK, "%s", out);
  for (p = out; p && (p = strstr(p, "\"name\":\"")) != NULL;) {
    const char* start = p + 8;
    const char* end = strchr(start, '"');
    char name[64];
    int i, found = 0;
    if (!end) break;
    p = end;
    if (strncmp(end, "\",\"params\"", 10) != 0) continue; /* a parameter's name */
    if ((size_t)(end - start) >= sizeof name) continue;
    memcpy(name, start, (size_t)(end - start));
    name[end - start] = '\0';
    ++listed;
    for (i = 0; i < n_covered; ++i) found = found || strcmp(covered[i], name) == 0;
    CHECK(found, "method %s is listed but not tested", name);
  }
  CHECK(listed >= 50, "methods lists %d methods", listed);
  cp_free(out);
  cp_close(ws);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: c_api_test SOURCE_DIR WORK_DIR\n");
    return 2;
  }
  source_dir = argv[1];
  work_dir = argv[2];
  mkdir(work_dir, 0755);
  test_entry_points();
  test_methods_listing();
  test_reads();
  test_imports();
  test_writes();
  test_sqlite();
  test_threads();
  test_coverage();
  printf("c_api_test: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
