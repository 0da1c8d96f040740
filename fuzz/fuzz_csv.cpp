// SPDX-License-Identifier: Apache-2.0
// The statistics CSV reader: any bytes are read or rejected with civicplan::Error; rows read
// import into a workspace whose bodies they name, or are rejected as a whole.
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
  std::vector<Statistic> rows;
  try {
    rows = read_statistics_csv(text, "fuzz.csv");
  } catch (const Error&) {
    return 0;
  }
  Workspace ws;
  ws.import_bundle(nlohmann::json::parse(
      R"({"format": "civicplan-bundle", "version": 1, "bodies": [
            {"id": "TN", "kind": "province", "name": "Trento"},
            {"id": "M1", "kind": "municipality", "name": "Cles", "parents": [{"id": "TN"}]}]})"));
  const auto before = ws.export_bundle();
  try {
    ws.import_statistics(rows, "fuzz.csv");
  } catch (const Error&) {
    if (ws.export_bundle() != before) fuzz::violated("a rejected CSV import changed the workspace");
  }
  return 0;
}
