// SPDX-License-Identifier: Apache-2.0
// Loads a bundle into a workspace and prints what it holds, plan by plan.
#include <civicplan/civicplan.hpp>

#include <iostream>
#include <memory>

int main(int argc, char** argv) {
  const char* bundle = argc > 1 ? argv[1] : "examples/data/family.json";
  try {
    civicplan::Workspace ws;  // in memory; Workspace::open("file.db") keeps it in SQLite
    ws.import_file(bundle);
    // A snapshot: it stays as it is, whatever later writes (from any thread) do.
    const std::shared_ptr<const civicplan::Model> model = ws.model();
    for (const auto& [kind, n] : model->counts()) std::cout << kind << ": " << n << '\n';
    for (const auto& [id, plan] : model->plans) {
      civicplan::Money planned;
      for (const auto& action : plan.actions)
        for (const auto& line : action.budget) planned += line.planned.value_or(civicplan::Money());
      std::cout << id << " (" << plan.kind << ", " << to_string(plan.status) << "): "
                << plan.actions.size() << " actions, " << planned.to_display() << " planned\n";
    }
  } catch (const civicplan::Error& e) {  // ValidationError lists every issue with its path
    std::cerr << e.what() << '\n';
    return 1;
  }
}
