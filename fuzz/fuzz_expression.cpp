// SPDX-License-Identifier: Apache-2.0
// The expression language: any text is parsed, compiled and evaluated against the example
// family workspace, or rejected with civicplan::Error, in bounded time and memory. Its
// explanation gives the same value (the same evaluator, traced) and a reason for every null.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "civicplan/error.hpp"
#include "civicplan/explain.hpp"
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
      std::optional<double> value;
      try {
        value = ws.evaluate(text, body, year);
      } catch (const Error&) {
        return 0;  // the same text fails the same way for every body
      }
      const Explanation e = ws.explain(text, body, year);
      const bool same = value ? (e.value && (*e.value == *value || (std::isnan(*e.value) && std::isnan(*value))))
                              : !e.value;
      if (!same || e.value.has_value() == e.null_reason.has_value()) std::abort();
      (void)e.to_text();
      (void)e.to_json().dump();
    }
  }
  return 0;
}
