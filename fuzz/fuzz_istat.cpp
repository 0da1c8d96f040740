// SPDX-License-Identifier: Apache-2.0
// The ISTAT list reader through Workspace::import_istat: any bytes import or are rejected with
// civicplan::Error leaving the workspace as it was; an accepted file imported again changes
// nothing, and the family example's district memberships survive it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "civicplan/workspace.hpp"
#include "fuzz_support.hpp"

namespace {

// The input as a file: import_istat reads a path.
std::string input_file(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/civicplan-fuzz-istat-" + std::to_string(::getpid()) + ".csv";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) civicplan::fuzz::violated("cannot write the input file");
  if (size && std::fwrite(data, 1, size, f) != size) civicplan::fuzz::violated("cannot write the input file");
  std::fclose(f);
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civicplan;
  static const nlohmann::json bundle = fuzz::fixture_workspace("examples/data/family.json").export_bundle();
  const std::string path = input_file(data, size);
  Workspace ws;
  ws.import_bundle(bundle);
  try {
    ws.import_istat(path);
  } catch (const Error&) {
    if (ws.export_bundle() != bundle) fuzz::violated("a rejected ISTAT import changed the workspace");
    return 0;
  }
  const auto after = ws.export_bundle();
  const ImportSummary again = ws.import_istat(path);
  if (again.total() != 0 || ws.export_bundle() != after) fuzz::violated("importing the same list twice changed something");
  const Body trento = ws.body("022205");
  bool district = false;
  for (const auto& m : trento.parents) district = district || m.id == "distretto-famiglia-trentino-nord";
  if (!district) fuzz::violated("an ISTAT import dropped a membership it does not manage");
  return 0;
}
