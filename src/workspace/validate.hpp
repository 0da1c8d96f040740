// SPDX-License-Identifier: Apache-2.0
// The full check of a merged model: what an import refuses, validate_bundle reports.
#pragma once

#include <vector>

#include "civicplan/error.hpp"
#include "civicplan/model.hpp"
#include "io/bundle_parse.hpp"

namespace civicplan::detail {

/// Checks a merged model in full: references and cycles (check_model), then the indicator and
/// ruleset definitions, formulas included. Appends every issue, with the paths of `origins`.
void check_all(const Model& merged, const Origins& origins, std::vector<Issue>& issues);

}  // namespace civicplan::detail
