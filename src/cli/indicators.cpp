// SPDX-License-Identifier: Apache-2.0
// The `indicators` verb: compute indicators and print them as a table, CSV or JSON.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <ostream>

#include "commands.hpp"

namespace civicplan::cli {

namespace {

std::vector<int> parse_years(const std::vector<std::string>& texts) {
  std::vector<int> years;
  for (const auto& t : texts) {
    char* end = nullptr;
    const long y = std::strtol(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || y < kMinYear || y > kMaxYear) {
      throw UsageError("--year expects a year such as 2021, got \"" + t + "\"", "indicators");
    }
    years.push_back(static_cast<int>(y));
  }
  return years;
}

// One block per indicator: a row per body, a column per year.
void print_wide(std::ostream& out, const Workspace& ws, const IndicatorTable& t) {
  std::map<std::string, Indicator> defs;
  for (auto& d : ws.indicators()) defs.emplace(d.id, std::move(d));
  std::vector<int> years(t.years().begin(), t.years().end());
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  std::size_t i = 0;
  bool first = true;
  while (i < t.size()) {
    const int code = t.indicator_codes()[i];
    const std::string& id = t.indicator_names()[code];
    const auto& def = defs.at(id);
    const int decimals = t.decimals()[code];
    // Collect this indicator's rows: body -> year -> cell.
    std::vector<std::pair<std::string, std::map<int, std::string>>> rows;
    for (; i < t.size() && t.indicator_codes()[i] == code; ++i) {
      const std::string& body = t.body_names()[t.body_codes()[i]];
      if (rows.empty() || rows.back().first != body) rows.emplace_back(body, std::map<int, std::string>{});
      const double v = t.values()[i];
      // Without declared decimals the table shows two, or none for whole numbers.
      const int shown = decimals >= 0 ? decimals : (v == static_cast<long long>(v) ? 0 : 2);
      std::string cell = std::isnan(v) ? "—" : format_value(v, shown);
      if (t.target_met()[i] == 0) cell += " ✗";
      if (t.target_met()[i] == 1) cell += " ✓";
      rows.back().second[years.empty() ? 0 : t.years()[i]] = cell;
    }
    if (!first) out << "\n";
    first = false;
    out << def.label << " (" << id << ")";
    if (def.unit) out << " [" << *def.unit << "]";
    if (def.target) out << "  target " << def.target->op << " " << format_value(def.target->value, -1);
    out << "\n";
    // Column widths.
    std::size_t name_width = 4;
    std::vector<std::string> names;
    for (const auto& r : rows) {
      const auto model = ws.model();
      const auto& bodies = model->bodies;
      auto b = bodies.find(r.first);
      std::string name = b != bodies.end() ? b->second.name : r.first;
      if (display_width(name) > 40) {
        // Cut at a character boundary.
        std::size_t cut = 39;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
        name = name.substr(0, cut) + "…";
      }
      name_width = std::max(name_width, display_width(name));
      names.push_back(name);
    }
    std::map<int, std::size_t> width;
    for (int y : years) width[y] = 4;
    for (const auto& r : rows) {
      for (const auto& [y, cell] : r.second) width[y] = std::max(width[y], display_width(cell));
    }
    std::string header = "body" + std::string(name_width - 4, ' ');
    for (int y : years) {
      const std::string ys = std::to_string(y);
      header += "  " + std::string(width[y] - ys.size(), ' ') + ys;
    }
    out << "  " << header << "\n";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::string line = names[r] + std::string(name_width - display_width(names[r]), ' ');
      for (int y : years) {
        auto c = rows[r].second.find(y);
        const std::string cell = c == rows[r].second.end() ? "" : c->second;
        line += "  " + std::string(width[y] - display_width(cell), ' ') + cell;
      }
      out << "  " << line << "\n";
    }
  }
  if (t.size() == 0) out << "no indicator values (the workspace defines no indicators for these bodies)\n";
}

}  // namespace

int run_indicators(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals().front());
  const auto table = ws.compute_indicators(args.values("id"), args.values("body"), parse_years(args.values("year")));
  const std::string format = args.value("format").value_or("table");
  if (format == "json") {
    io.out << table.to_json().dump(1) << "\n";
  } else if (format == "csv") {
    io.out << table.to_csv();
  } else {
    print_wide(io.out, ws, table);
  }
  return 0;
}

}  // namespace civicplan::cli
