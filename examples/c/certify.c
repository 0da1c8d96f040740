/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A municipality's certification through the C API, and what a bad bundle gets back.
 *
 *     cc -std=c99 certify.c $(pkg-config --cflags --libs civicplan) -o certify
 *     ./certify examples/data/family.json 022104 2022
 */
#include <stdio.h>
#include <string.h>

#include <civicplan/c.h>

static int fail(const char* what) {
  fprintf(stderr, "%s: %s\n", what, cp_last_error());
  return 1;
}

int main(int argc, char** argv) {
  cp_workspace* ws = NULL;
  char args[4096];
  char* out = NULL;
  cp_status status;
  if (argc != 4) {
    fprintf(stderr, "usage: certify BUNDLE BODY YEAR\n");
    return 2;
  }
  if (cp_abi_version() != CIVICPLAN_C_ABI_VERSION) {
    fprintf(stderr, "libcivicplan has C ABI %d, this program was built for %d\n", cp_abi_version(),
            CIVICPLAN_C_ABI_VERSION);
    return 1;
  }
  if (cp_open(NULL, 0, &ws) != CP_OK) return fail("cp_open");

  /* Paths and ids go into JSON: a real program escapes them (these need no escaping). */
  snprintf(args, sizeof args, "{\"bundle\": \"%s\"}", argv[1]);
  if (cp_call(ws, "import_bundle", args, &out) != CP_OK) {
    fprintf(stderr, "import: %s\n", out);
    cp_free(out);
    cp_close(ws);
    return 1;
  }
  printf("imported: %s\n", out);
  cp_free(out);

  snprintf(args, sizeof args, "{\"body\": \"%s\", \"scheme\": \"family-in-trentino\", \"year\": %s}", argv[2],
           argv[3]);
  status = cp_call(ws, "certify", args, &out);
  printf("certify: %s %.160s...\n", status == CP_OK ? "ok" : "failed", out);
  if (status == CP_OK) printf("passed: %s\n", strstr(out, "\"passed\":true") ? "yes" : "no");
  cp_free(out);

  /* A bundle with a mistake: nothing is imported, and every issue says where. */
  status = cp_call(ws, "import_bundle",
                   "{\"bundle\": {\"format\": \"civicplan-bundle\", \"version\": 1, \"bodies\": "
                   "[{\"id\": \"m-x\", \"kind\": \"municipalty\", \"name\": \"X\"}]}}",
                   &out);
  printf("bad bundle: %s %s\n", status == CP_VALIDATION_ERROR ? "CP_VALIDATION_ERROR" : "unexpected status", out);
  cp_free(out);
  cp_close(ws);
  return status == CP_VALIDATION_ERROR ? 0 : 1;
}
