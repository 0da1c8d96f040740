// SPDX-License-Identifier: Apache-2.0
// The time stamps of revisions and audit entries.
#include "base/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace civicplan::detail {

std::string now_iso() {
  static std::mutex mutex;
  static long long last = 0;
  std::lock_guard<std::mutex> lock(mutex);
  long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  if (ms <= last) ms = last + 1;
  last = ms;
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
  return buf;
}

}  // namespace civicplan::detail
