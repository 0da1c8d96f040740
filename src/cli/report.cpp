// SPDX-License-Identifier: Apache-2.0
// The `report` verb: the HTML page of a body's plans in a year (DESIGN §18).
#include <filesystem>
#include <fstream>
#include <ostream>

#include "commands.hpp"

namespace civicplan::cli {

namespace {

// Writes through a temporary file renamed over `path`: a reader never sees half a page.
void write_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path tmp = target.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw StorageError("cannot write " + tmp.string());
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw StorageError("cannot write " + tmp.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw StorageError("cannot replace " + path);
  }
}

}  // namespace

int run_report(const Args& args, Io& io) {
  const auto body = args.value("body");
  const auto year = args.value("year");
  if (!body) throw UsageError("--body is required", "report");
  if (!year) throw UsageError("--year is required", "report");
  const int y = parse_year(*year, "report");
  const Workspace ws = open_existing_workspace(args, args.positionals().front());
  const std::string html = ws.report(*body, y, args.value("lang").value_or("it"));
  if (const auto out = args.value("out")) {
    write_atomically(*out, html);
    io.err << "report: wrote " << *out << " (" << html.size() / 1024 << " KiB)\n";
  } else {
    io.out << html;
  }
  return 0;
}

}  // namespace civicplan::cli
