// SPDX-License-Identifier: Apache-2.0
// The `explain` verb (why a value is what it is) and the `test` verb (rule test cases).
#include <ostream>

#include "commands.hpp"
#include "civicplan/cases.hpp"

namespace civicplan::cli {

int run_explain(const Args& args, Io& io) {
  const auto& positionals = args.positionals();
  const auto body = args.value("body");
  const auto year = args.value("year");
  if (!body) throw UsageError("--body is required", "explain");
  if (!year) throw UsageError("--year is required", "explain");
  const int y = parse_year(*year, "explain");
  const Workspace ws = open_existing_workspace(args, positionals.front());
  const Explanation e = ws.explain(positionals.at(1), *body, y, args.has("preview"));
  if (args.value("format").value_or("text") == "json") {
    io.out << e.to_json().dump(1) << "\n";
  } else {
    io.out << e.to_text();
  }
  return 0;
}

int run_test(const Args& args, Io& io) {
  const bool json = args.value("format").value_or("text") == "json";
  auto all = nlohmann::json::array();
  std::size_t cases = 0, failed = 0;
  for (const auto& file : args.positionals()) {
    const CaseRun run = run_cases(file);
    cases += run.results.size();
    failed += run.failed();
    if (json) all.push_back(run.to_json());
    else io.out << run.to_text();
  }
  if (json) {
    io.out << all.dump(1) << "\n";
  } else if (args.positionals().size() > 1) {
    io.out << "all files: " << cases - failed << " passed, " << failed << " failed\n";
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace civicplan::cli
