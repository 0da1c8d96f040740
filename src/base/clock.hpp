// SPDX-License-Identifier: Apache-2.0
// The time stamps of revisions and audit entries.
#pragma once

#include <string>

namespace civicplan::detail {

/// The current time as ISO 8601 UTC with milliseconds, e.g. 2026-03-01T09:12:00.123Z; strictly
/// increasing within a process, so that revisions and audit entries written in one millisecond
/// keep their order.
std::string now_iso();

}  // namespace civicplan::detail
