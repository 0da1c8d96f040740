// SPDX-License-Identifier: Apache-2.0
// Shared by the fuzz targets: fixtures loaded once, and the failure that stops a run.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "civicplan/bundle.hpp"
#include "civicplan/workspace.hpp"

namespace civicplan::fuzz {

/// The text of a file of the source tree.
inline std::string source_text(const std::string& relative) {
  std::ifstream in(std::string(CIVICPLAN_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz: cannot read %s\n", relative.c_str());
    std::abort();
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A workspace holding the bundle at `relative` (examples/data/family.json, ...).
inline Workspace fixture_workspace(const std::string& relative) {
  Workspace ws;
  ws.import_bundle(parse_json(source_text(relative), relative));
  return ws;
}

/// Stops the run: a property that must hold for every input did not.
[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "fuzz: property violated: %s\n", what);
  std::abort();
}

}  // namespace civicplan::fuzz
