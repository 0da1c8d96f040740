// SPDX-License-Identifier: Apache-2.0
// The execution CSV reader and import_execution: any bytes are read or rejected with
// civicplan::Error; rows read apply to the family example all or nothing, and applying them
// a second time changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "civicplan/execution.hpp"
#include "civicplan/workspace.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civicplan;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<ExecutionRow> rows;
  try {
    rows = read_execution_csv(text, "fuzz.csv");
  } catch (const Error&) {
    return 0;
  }
  static const nlohmann::json bundle = [] {
    Workspace ws = fuzz::fixture_workspace("examples/data/family.json");
    return ws.export_bundle();
  }();
  Workspace ws;
  ws.import_bundle(bundle);
  try {
    const ExecutionSummary dry = ws.import_execution(rows, true);
    if (ws.export_bundle() != bundle) fuzz::violated("a dry run changed the workspace");
    const ExecutionSummary first = ws.import_execution(rows);
    if (first.to_json()["changed"] != dry.to_json()["changed"]) fuzz::violated("a dry run reported other changes");
    const auto after = ws.export_bundle();
    const ExecutionSummary second = ws.import_execution(rows);
    if (!second.changed.empty() || ws.export_bundle() != after) fuzz::violated("applying rows twice changed something");
  } catch (const Error&) {
    if (ws.export_bundle() != bundle) fuzz::violated("a rejected execution import changed the workspace");
  }
  return 0;
}
