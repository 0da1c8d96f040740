// SPDX-License-Identifier: Apache-2.0
// The expression language: any text is parsed, compiled and evaluated against the example
// family workspace, or rejected with civicplan::Error, in bounded time and memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "civicplan/error.hpp"
#include "civicplan/expression.hpp"
#include "civicplan/workspace.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civicplan;
  static const Workspace ws = fuzz::fixture_workspace("examples/data/family.json");
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)Expression::parse(text, "fuzz");
  } catch (const Error&) {
  }
  // A municipality, a district (scope sums) and the province, in and out of the data's years.
  for (const char* body : {"022104", "distretto-famiglia-trentino-nord", "pat"}) {
    for (int year : {2021, 2030}) {
      try {
        (void)ws.evaluate(text, body, year);
      } catch (const Error&) {
        return 0;  // the same text fails the same way for every body
      }
    }
  }
  return 0;
}
