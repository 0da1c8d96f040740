/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The civicplan C API (DESIGN §15): a workspace behind an opaque handle, and one call that runs
 * any workspace method by its Python name with its keyword arguments as a JSON object.
 *
 *     cp_workspace* ws = NULL;
 *     if (cp_open("family.db", 0, &ws) != CP_OK) { fprintf(stderr, "%s\n", cp_last_error()); ... }
 *     char* out = NULL;
 *     cp_status s = cp_call(ws, "certify",
 *                           "{\"body\": \"it-tn-022205\", \"scheme\": \"family-in-trentino\", \"year\": 2024}",
 *                           &out);
 *     puts(out);          (the report as JSON, or the error as JSON when s != CP_OK)
 *     cp_free(out);
 *     cp_close(ws);
 *
 * Plain C99. Every function catches everything: none throws, aborts or exits, whatever it is
 * given. Strings are UTF-8 and NUL-terminated; strings returned through `char**` are owned by
 * the caller and released with cp_free; strings returned as `const char*` are owned by the
 * library.
 *
 * Threads: a handle may be used from several threads at once (a read works on the snapshot of
 * the state it started with; writes are serialised). cp_close must not run while another
 * thread still uses the same handle. cp_last_error is per thread.
 */
#ifndef CIVICPLAN_C_H
#define CIVICPLAN_C_H

#if defined(_WIN32)
#if defined(CIVICPLAN_BUILDING)
#define CIVICPLAN_C_API __declspec(dllexport)
#else
#define CIVICPLAN_C_API __declspec(dllimport)
#endif
#else
#define CIVICPLAN_C_API __attribute__((visibility("default")))
#endif

/* The version of this interface: it changes only when a declaration below changes in a way that
 * breaks programs built against an earlier one. Compare it with cp_abi_version() at run time. */
#define CIVICPLAN_C_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

/* A workspace handle: an in-memory, SQLite or PostgreSQL workspace, or a user's view of one. */
typedef struct cp_workspace cp_workspace;

/* What a call returns: CP_OK, or the class of the error it failed with (the `error` field of
 * the error JSON names the same class). */
typedef enum cp_status {
  CP_OK = 0,
  CP_ERROR,            /* "Error": anything else (out of memory, an internal error) */
  CP_PARSE_ERROR,      /* "ParseError": malformed JSON, CSV or formula in the data */
  CP_VALIDATION_ERROR, /* "ValidationError": bad data, every issue with its path */
  CP_NOT_FOUND,        /* "NotFoundError": an unknown body, plan, indicator, file, ... */
  CP_PERMISSION_ERROR, /* "PermissionError": the user's roles do not allow the write */
  CP_CONFLICT,         /* "ConflictError": a write based on a stale revision */
  CP_CYCLE_ERROR,      /* "CycleError": memberships, categories or plans in a cycle */
  CP_STORAGE_ERROR,    /* "StorageError": the database failed or is read-only */
  CP_USAGE_ERROR       /* "UsageError": the call itself is wrong (NULL, bad UTF-8, bad JSON,
                          an unknown method or argument, a wrong type) */
} cp_status;

/* CIVICPLAN_C_ABI_VERSION of the library that is loaded. */
CIVICPLAN_C_API int cp_abi_version(void);

/* The library version, "MAJOR.MINOR.PATCH". */
CIVICPLAN_C_API const char* cp_version(void);

/* Opens a workspace: NULL or "" is a new in-memory workspace; a file path is a SQLite workspace
 * (created if absent); a postgresql:// URI is a PostgreSQL workspace. With read_only != 0
 * nothing is ever written. On success *out is the new handle; on failure *out is NULL and
 * cp_last_error() says why. */
CIVICPLAN_C_API cp_status cp_open(const char* location, int read_only, cp_workspace** out);

/* A view of the same workspace whose writes are checked against the roles of `user_id`
 * (CP_NOT_FOUND for an unknown user). Close it with cp_close, before or after `ws`. */
CIVICPLAN_C_API cp_status cp_as_user(cp_workspace* ws, const char* user_id, cp_workspace** out);

/* Releases a handle; the workspace closes with its last handle. NULL: no-op. */
CIVICPLAN_C_API void cp_close(cp_workspace* ws);

/* Runs the workspace method `method` (its Python name: "import_bundle", "compute_indicators",
 * "certify", "search", "put_plan", ...; "methods" lists them all with their parameters) with
 * the keyword arguments in `args_json`, a JSON object ("{}" for none).
 * On CP_OK, *result_json is the result as JSON (the shapes of the CLI's --format json).
 * Otherwise *result_json is the error as JSON,
 *     {"error": "ValidationError", "message": "...", "issues": [{"path": "...", "message": "..."}]}
 * (issues only for a ValidationError; ParseError adds source, line and column, NotFoundError
 * kind and id, CycleError cycle), and cp_last_error() returns the same text.
 * *result_json is NULL only when result_json itself is NULL or memory ran out. */
CIVICPLAN_C_API cp_status cp_call(cp_workspace* ws, const char* method, const char* args_json,
                                  char** result_json);

/* Releases a string returned through a char** of this API. NULL: no-op. */
CIVICPLAN_C_API void cp_free(char* p);

/* The calling thread's last failure as error JSON (see cp_call), "" when none has happened on
 * this thread. Valid until the thread's next failing call. */
CIVICPLAN_C_API const char* cp_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* CIVICPLAN_C_H */
