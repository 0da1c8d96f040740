// SPDX-License-Identifier: Apache-2.0
// The `search` and `recommend` verbs: find approved actions and categories peers use.
#include <cmath>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/indicator.hpp"
#include "civicplan/practices.hpp"
#include "commands.hpp"

namespace civicplan::cli {

namespace {

int parse_count(const std::string& option, const std::string& text, const std::string& verb) {
  char* end = nullptr;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n < 1 || n > 1000000) {
    throw UsageError("--" + option + " expects a positive whole number, got \"" + text + "\"",
                     verb);
  }
  return static_cast<int>(n);
}

// "Trento (022205)", or the id alone when the body has no other name.
std::string name_of(const Workspace& ws, const std::string& id) {
  const auto model = ws.model();
  const auto& bodies = model->bodies;
  auto it = bodies.find(id);
  return it == bodies.end() || it->second.name == id ? id : it->second.name + " (" + id + ")";
}

std::string label_of(const Workspace& ws, const std::string& ref) {
  auto c = CategoryRef::parse(ref);
  if (!c) return ref;
  const auto model = ws.model();
  const auto& taxonomies = model->taxonomies;
  auto t = taxonomies.find(c->taxonomy);
  if (t == taxonomies.end() || !t->second.contains(c->code)) return ref;
  return ref + " " + t->second.node(c->code).label;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

void print_hits(std::ostream& out, const Workspace& ws, const std::vector<PracticeHit>& hits,
                bool ranked) {
  if (hits.empty()) {
    out << "no matching actions\n";
    return;
  }
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const auto& h = hits[i];
    out << i + 1 << ". " << h.title << "\n";
    out << "   " << name_of(ws, h.body) << " · " << h.action << "\n";
    for (const auto& c : h.categories) out << "   " << label_of(ws, c) << "\n";
    if (ranked)
      out << "   score " << format_value(h.score, 2) << " · matched " << join(h.matched_terms, ", ")
          << "\n";
  }
}

std::string percent(double share) { return format_value(std::round(share * 100), 0) + "%"; }

void explain_no_peers(std::ostream& out, const Workspace& ws, const PracticeIndex& index,
                      const std::string& body, int year) {
  if (!index.population(body, year)) {
    out << "no recommendations: " << name_of(ws, body) << " has no population statistic in " << year
        << " or earlier, so it has no population class to compare within\n";
    return;
  }
  out << "no recommendations: no other " << to_string(ws.body(body).kind)
      << " of the same population class and "
      << "district or province has an approved plan covering " << year << "\n";
}

void print_recommendations(std::ostream& out, const Workspace& ws, const PracticeIndex& index,
                           const std::string& body, int year, const std::vector<std::string>& peers,
                           const std::vector<Recommendation>& recs) {
  if (peers.empty()) {
    explain_no_peers(out, ws, index, body, year);
    return;
  }
  const double population = index.population(body, year).value_or(0);
  out << name_of(ws, body) << ", " << year << ": compared with " << peers.size()
      << (peers.size() == 1 ? " peer" : " peers") << " (" << to_string(ws.body(body).kind)
      << ", population class " << population_class_of(population).name
      << ", same district or province)\n";
  std::vector<std::string> names;
  for (const auto& p : peers) names.push_back(name_of(ws, p));
  out << "  peers: " << join(names, ", ") << "\n";
  if (recs.empty()) {
    out << "nothing to recommend: every category used by at least half of the peers is already in "
           "the plans of "
        << name_of(ws, body) << " for " << year << "\n";
    return;
  }
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const auto& r = recs[i];
    out << i + 1 << ". " << label_of(ws, r.category) << "\n";
    out << "   used by " << r.peers_with << " of " << r.peers << " peers (" << percent(r.share)
        << ")\n";
    for (const auto& e : r.examples) {
      out << "   e.g. " << name_of(ws, e.body) << ": " << e.title << " [" << e.action << "]\n";
    }
  }
}

}  // namespace

int run_search(const Args& args, Io& io) {
  const auto& words = args.positionals();
  const Workspace ws = open_existing_workspace(args, words.front());
  std::optional<std::string> text;
  if (words.size() > 1) text = join(std::vector<std::string>(words.begin() + 1, words.end()), " ");
  std::vector<int> years;
  for (const auto& y : args.values("year")) years.push_back(parse_year(y, "search"));
  std::optional<PopulationRange> population;
  if (auto p = args.value("population")) population = PopulationRange::parse(*p);
  const int limit = args.value("limit") ? parse_count("limit", *args.value("limit"), "search") : 20;
  const auto kind = args.value("body-kind");
  if (kind && !body_kind_from_string(*kind)) {
    const std::vector<std::string> kinds = {"municipality", "union",  "district",    "province",
                                            "region",       "agency", "organization"};
    throw UsageError("invalid value \"" + *kind + "\" for --body-kind; expected one of " +
                         join(kinds, ", ") + did_you_mean(*kind, kinds),
                     "search");
  }
  const PracticeIndex index = ws.practices();
  const auto hits = index.search(text, args.value("category"), kind, population, years, limit);
  if (args.value("format").value_or("table") == "json") {
    io.out << nlohmann::json(hits).dump(1) << "\n";
  } else {
    print_hits(io.out, ws, hits, text.has_value());
  }
  return 0;
}

int run_recommend(const Args& args, Io& io) {
  const Workspace ws = open_existing_workspace(args, args.positionals().front());
  const auto body = args.value("body");
  const auto year_text = args.value("year");
  if (!body) throw UsageError("--body is required", "recommend");
  if (!year_text) throw UsageError("--year is required", "recommend");
  const int year = parse_year(*year_text, "recommend");
  const int k = args.value("k") ? parse_count("k", *args.value("k"), "recommend") : 5;
  const PracticeIndex index = ws.practices();
  const auto recs = index.recommend(*body, year, k);
  const auto peers = index.peers(*body, year);
  if (args.value("format").value_or("table") == "json") {
    const auto population = index.population(*body, year);
    nlohmann::json out = {
        {"body", *body},
        {"year", year},
        {"population", population ? nlohmann::json(*population) : nlohmann::json()},
        {"population_class",
         population ? nlohmann::json(population_class_of(*population).name) : nlohmann::json()},
        {"peers", peers},
        {"recommendations", recs}};
    io.out << out.dump(1) << "\n";
  } else {
    print_recommendations(io.out, ws, index, *body, year, peers, recs);
  }
  return 0;
}

}  // namespace civicplan::cli
