// SPDX-License-Identifier: Apache-2.0
// Prints, for a year, the members, scope and leaves of every body that groups others.
#include <civicplan/civicplan.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: registry_queries BUNDLE... [--year YEAR]\n";
    return 2;
  }
  int year = 2024;
  try {
    civicplan::Workspace ws;
    for (int i = 1; i < argc; ++i) {
      if (std::string(argv[i]) == "--year" && i + 1 < argc) {
        year = std::atoi(argv[++i]);
      } else {
        ws.import_file(argv[i]);
      }
    }
    const auto registry = ws.registry();  // snapshots, kept alive by the pointers
    const auto model = ws.model();
    for (const auto& [id, body] : model->bodies) {
      const auto members = registry->members(id, year);
      if (members.empty()) continue;
      std::cout << body.name << " (" << to_string(body.kind) << ") in " << year << ": "
                << members.size() << " direct members, scope of "
                << registry->scope(id, year).size() << ", leaves:";
      for (const auto& leaf : registry->leaves(id, year)) std::cout << ' ' << leaf;
      std::cout << '\n';
    }
  } catch (const civicplan::Error& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}
