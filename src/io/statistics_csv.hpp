// SPDX-License-Identifier: Apache-2.0
// The statistics CSV reader with the line of every row, for line-numbered errors.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "civicplan/records.hpp"

namespace civicplan::detail {

/// Rows of a statistics CSV with the line each starts on; throws ValidationError.
std::vector<std::pair<Statistic, int>> read_statistics_csv_lines(const std::string& text, const std::string& source);

}  // namespace civicplan::detail
