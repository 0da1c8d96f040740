// SPDX-License-Identifier: Apache-2.0
// Reading well-formed plans and records straight from their JSON text, without building JSON values.
#pragma once

#include "civicplan/plan.hpp"
#include "civicplan/records.hpp"

namespace civicplan::detail {

/// Reads the JSON text [begin, end) into `out` when it is exactly one plan object that
/// parse_plan would read without reporting anything, and returns true; `out` then equals
/// parse_plan's result. Returns false for anything else (a problem to report, a null, an escape
/// in a string, a number written as a float where an integer is expected, text that is not
/// JSON): the caller then reads the element through parse_plan, which reports what is wrong.
bool read_plan_text(const char* begin, const char* end, Plan& out);

/// The same for one element of "statistics", "cases" and "ledger" (parse_statistic, parse_case,
/// parse_ledger). On false, `out` is left part-filled and must not be used.
bool read_statistic_text(const char* begin, const char* end, Statistic& out);
bool read_case_text(const char* begin, const char* end, Case& out);
bool read_ledger_text(const char* begin, const char* end, LedgerEntry& out);

}  // namespace civicplan::detail
