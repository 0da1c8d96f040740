// SPDX-License-Identifier: Apache-2.0
// The import-istat verb: ISTAT's list of municipalities into a workspace, and what it then holds.
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>

#include "commands.hpp"

namespace civicplan::cli {

namespace {

const std::string kProvincePrefix = "it-uts-";
const std::string kRegionPrefix = "it-reg-";

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// 59433744 -> "59,433,744"
std::string grouped(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<std::size_t>(i), ",");
  return (n < 0 ? "-" : "") + digits;
}

std::string counted(std::size_t n, const char* singular, const char* plural) {
  return grouped(static_cast<long long>(n)) + " " + (n == 1 ? singular : plural);
}

// "added 8,031 bodies and 7,904 statistics; replaced 12 bodies", or "nothing changed".
std::string describe_changes(const ImportSummary& summary) {
  auto part = [](const std::map<std::string, std::size_t>& counts) {
    std::string text;
    for (const auto& [kind, n] : counts) {
      text +=
          (text.empty() ? "" : " and ") + grouped(static_cast<long long>(n)) + " " + noun(kind, n);
    }
    return text;
  };
  std::string text;
  if (!summary.added.empty()) text = "added " + part(summary.added);
  if (!summary.replaced.empty())
    text += (text.empty() ? "" : "; ") + std::string("replaced ") + part(summary.replaced);
  return text.empty() ? "nothing changed, the workspace already holds this list" : text;
}

// The registry a workspace holds: its regions and provinces (by id), the municipalities under
// a province, and their population figures by year.
struct RegistryCounts {
  std::size_t regions = 0, provinces = 0;
  std::set<std::string> municipalities;
  std::map<int, std::pair<std::size_t, double>> population;  // year -> (figures, total)
};

RegistryCounts count_registry(const Model& model) {
  RegistryCounts counts;
  for (const auto& [id, body] : model.bodies) {
    if (body.kind == BodyKind::kRegion && starts_with(id, kRegionPrefix)) ++counts.regions;
    if (body.kind == BodyKind::kProvince && starts_with(id, kProvincePrefix)) ++counts.provinces;
    if (body.kind != BodyKind::kMunicipality) continue;
    for (const auto& parent : body.parents) {
      if (starts_with(parent.id, kProvincePrefix)) counts.municipalities.insert(id);
    }
  }
  for (const auto& [key, s] : model.statistics) {
    if (s.variable != "population" || !counts.municipalities.count(s.body)) continue;
    auto& [figures, total] = counts.population[s.year];
    ++figures;
    total += s.value;
  }
  return counts;
}

// "the national registry holds 7,904 municipalities, 107 provinces and 20 regions; population
// 2011: 59,433,744", the population of the latest year every municipality has a figure for.
std::string describe_registry(const RegistryCounts& counts) {
  std::string text = "the national registry holds " +
                     counted(counts.municipalities.size(), "municipality", "municipalities") +
                     ", " + counted(counts.provinces, "province", "provinces") + " and " +
                     counted(counts.regions, "region", "regions");
  for (auto it = counts.population.rbegin(); it != counts.population.rend(); ++it) {
    if (it->second.first != counts.municipalities.size()) continue;
    return text + "; population " + std::to_string(it->first) + ": " +
           grouped(std::llround(it->second.second));
  }
  return text;
}

}  // namespace

int run_import_istat(const Args& args, Io& io) {
  const std::string& db = args.positionals().at(0);
  const std::string& file = args.positionals().at(1);
  // A mistyped FILE must not leave a new, empty workspace DB behind.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw NotFoundError("file", file);
  Workspace ws = Workspace::open(db);
  try {
    const ImportSummary summary = ws.import_istat(file);
    io.out << "imported " << file << ": " << describe_changes(summary) << "\n"
           << describe_registry(count_registry(*ws.model())) << "\n";
    return 0;
  } catch (const ValidationError& e) {
    print_issues(io.err, file, e.issues());
    io.err << "civicplan: error: " << file << " has "
           << counted(e.issues().size(), "issue", "issues") << "; nothing was imported\n";
    return 1;
  }
}

}  // namespace civicplan::cli
