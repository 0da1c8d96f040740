// SPDX-License-Identifier: Apache-2.0
// The C API: any method name (the input's first line) and any argument text (the rest) given to
// cp_call on a workspace holding the example family plans returns a status and a JSON text,
// never crashes or throws; the result is valid JSON, and on failure it is the error JSON that
// cp_last_error() returns too. Methods that write files are left out (the fuzzer must not write
// where an input says); everything else, writes to the workspace included, runs.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "civicplan/c.h"
#include "fuzz_support.hpp"

namespace {

cp_workspace* family_workspace() {
  cp_workspace* ws = nullptr;
  if (cp_open(nullptr, 0, &ws) != CP_OK) civicplan::fuzz::violated("cp_open failed");
  const std::string args = nlohmann::json{{"bundle", std::string(CIVICPLAN_SOURCE_DIR) + "/examples/data/family.json"}}.dump();
  char* out = nullptr;
  if (cp_call(ws, "import_bundle", args.c_str(), &out) != CP_OK) civicplan::fuzz::violated("import failed");
  cp_free(out);
  return ws;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cp_workspace* ws = family_workspace();
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  // C strings end at the first NUL, as a caller's would.
  const std::string method = input.substr(0, newline).c_str();
  const std::string args = newline == std::string::npos ? std::string() : std::string(input.substr(newline + 1).c_str());
  if (method == "export_open_data") return 0;
  if (method == "export_bundle" && args.find("path") != std::string::npos) return 0;
  if (method == "export_bundle" && args.find("\\u") != std::string::npos) return 0;  // "p\u0061th"

  char* out = nullptr;
  const cp_status status = cp_call(ws, method.c_str(), args.c_str(), &out);
  if (!out) civicplan::fuzz::violated("cp_call returned no text");
  if (!nlohmann::json::accept(out)) civicplan::fuzz::violated("cp_call returned text that is not JSON");
  if (status != CP_OK && std::strcmp(out, cp_last_error()) != 0) {
    civicplan::fuzz::violated("the error JSON differs from cp_last_error()");
  }
  if (status < CP_OK || status > CP_USAGE_ERROR) civicplan::fuzz::violated("an unknown status");
  cp_free(out);

  // The same arguments through a user's view, whose writes are checked against roles.
  cp_workspace* view = nullptr;
  if (cp_as_user(ws, "u-pergine-editor", &view) == CP_OK) {
    out = nullptr;
    cp_call(view, method.c_str(), args.c_str(), &out);
    cp_free(out);
    cp_close(view);
  }
  return 0;
}
