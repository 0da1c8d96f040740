// SPDX-License-Identifier: Apache-2.0
// Practice search: any query text (and population filter text) is analysed and searched over
// the example family plans, or rejected with civicplan::Error; hits are well ordered.
#include <cstddef>
#include <cstdint>
#include <string>

#include "civicplan/error.hpp"
#include "civicplan/practices.hpp"
#include "civicplan/workspace.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civicplan;
  static const PracticeIndex index =
      fuzz::fixture_workspace("examples/data/family.json").practices();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto hits = index.search(text, std::nullopt, std::nullopt, std::nullopt, {}, 50);
  for (std::size_t i = 1; i < hits.size(); ++i) {
    if (hits[i].score > hits[i - 1].score) fuzz::violated("hits are not ordered by score");
  }
  try {
    (void)index.search(text, "family-tn:A", "municipality", PopulationRange::parse(text), {2022}, 5);
  } catch (const Error&) {
  }
  return 0;
}
