// SPDX-License-Identifier: Apache-2.0
// Bundle import: any bytes are either rejected with civicplan::Error or imported, and an
// imported bundle exports to one that imports back into the same workspace.
#include <cstddef>
#include <cstdint>
#include <string>

#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "civicplan/workspace.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civicplan;
  const std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::json bundle;
  try {
    bundle = parse_json(text, "fuzz.json");
  } catch (const Error&) {
    return 0;
  }
  (void)validate_bundle(bundle);
  Workspace ws;
  try {
    ws.import_bundle(bundle);
  } catch (const Error&) {
    if (!ws.model()->bodies.empty() || !ws.model()->plans.empty()) {
      fuzz::violated("a rejected import left data in the workspace");
    }
    return 0;
  }
  const nlohmann::json exported = ws.export_bundle();
  Workspace again;
  try {
    again.import_bundle(parse_json(exported.dump(), "export.json"));
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fuzz::violated("an exported bundle does not import");
  }
  if (again.export_bundle() != exported) fuzz::violated("export -> import is not the identity");
  return 0;
}
