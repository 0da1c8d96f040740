// SPDX-License-Identifier: Apache-2.0
// Best practices: BM25 search over approved actions, recommendations from peers, taxonomy upkeep.
#include "civicplan/practices.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>

#include "civicplan/error.hpp"
#include "io/json_reader.hpp"
#include "engines/practices/practice_data.hpp"
#include "engines/practices/practice_search.hpp"
#include "engines/practices/set_join.hpp"
#include "engines/practices/text_analysis.hpp"

namespace civicplan {

namespace {

constexpr std::size_t kMaxQueryTerms = 64;
constexpr std::size_t kExamples = 3;

std::string number_text(double v) {
  return v == std::floor(v) && std::fabs(v) < 1e15 ? std::to_string(static_cast<long long>(v))
                                                   : std::to_string(v);
}

std::vector<std::string> class_names() {
  std::vector<std::string> names;
  for (const auto& c : population_classes()) names.push_back(c.name);
  return names;
}

std::vector<std::string> body_kind_names() {
  std::vector<std::string> names;
  for (auto k :
       {BodyKind::kMunicipality, BodyKind::kUnion, BodyKind::kDistrict, BodyKind::kProvince,
        BodyKind::kRegion, BodyKind::kAgency, BodyKind::kOrganization}) {
    names.emplace_back(to_string(k));
  }
  return names;
}

void check_year(int year, const std::string& path, std::vector<Issue>& issues) {
  if (year < kMinYear || year > kMaxYear) {
    issues.push_back({path, "expected a year from " + std::to_string(kMinYear) + " to " +
                                std::to_string(kMaxYear) + ", got " + std::to_string(year)});
  }
}

std::optional<double> parse_inhabitants(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

// A query term: its id in the index (-1 when no action has it) and the word as written.
struct QueryTerm {
  int id = -1;
  std::string word;
};

std::vector<QueryTerm> query_terms(const detail::PracticeData& d, const std::string& text) {
  std::vector<QueryTerm> out;
  std::set<std::string> seen;
  for (const auto& token : detail::analyze(text)) {
    if (!seen.insert(token.term).second) continue;
    auto it = d.term_index.find(token.term);
    out.push_back({it == d.term_index.end() ? -1 : it->second, token.word});
    if (out.size() == kMaxQueryTerms) break;
  }
  return out;
}

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

bool disjoint(const std::vector<int>& x, const std::vector<int>& y) {
  auto i = x.begin(), j = y.begin();
  while (i != x.end() && j != y.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<PopulationClass>& population_classes() {
  static const std::vector<PopulationClass> classes = {{"under-3000", 0, 3000},
                                                       {"3000-5000", 3000, 5000},
                                                       {"5000-15000", 5000, 15000},
                                                       {"15000-50000", 15000, 50000},
                                                       {"over-50000", 50000, std::nullopt}};
  return classes;
}

const PopulationClass& population_class_of(double population) {
  const auto& classes = population_classes();
  for (const auto& c : classes) {
    if (!c.max || population < *c.max) return c;
  }
  return classes.back();
}

PopulationRange PopulationRange::of_class(const std::string& name) {
  for (const auto& c : population_classes()) {
    if (c.name == name)
      return PopulationRange{c.min == 0 ? std::nullopt : std::optional<double>(c.min), c.max};
  }
  const auto names = class_names();
  throw ValidationError(
      {{"population", "unknown population class " + detail::quote(name) + "; expected one of " +
                          detail::join(names, ", ") + detail::did_you_mean(name, names)}});
}

PopulationRange PopulationRange::parse(const std::string& text) {
  for (const auto& c : population_classes()) {
    if (c.name == text) return of_class(text);
  }
  const auto dash = text.find('-');
  if (dash != std::string::npos && text.find('-', dash + 1) == std::string::npos) {
    const std::string lo = text.substr(0, dash), hi = text.substr(dash + 1);
    const auto min = parse_inhabitants(lo), max = parse_inhabitants(hi);
    if ((lo.empty() || min) && (hi.empty() || max) && (min || max)) {
      if (min && max && *min > *max) {
        throw ValidationError({{"population", "from " + lo + " is above to " + hi}});
      }
      return PopulationRange{min, max};
    }
  }
  const auto names = class_names();
  throw ValidationError(
      {{"population", "expected MIN-MAX, MIN-, -MAX (inhabitants) or a class (" +
                          detail::join(names, ", ") + "), got " + detail::quote(text) +
                          detail::did_you_mean(text, names)}});
}

PracticeIndex::PracticeIndex() : data_(detail::PracticeData::build(Model{}, Registry())) {}
PracticeIndex::PracticeIndex(const Model& model) : PracticeIndex(model, Registry(model.bodies)) {}
PracticeIndex::PracticeIndex(const Model& model, const Registry& registry)
    : data_(detail::PracticeData::build(model, registry)) {}
PracticeIndex::PracticeIndex(std::shared_ptr<const detail::PracticeData> data)
    : data_(std::move(data)) {}

std::size_t PracticeIndex::size() const { return data_->searchable; }

std::vector<PracticeHit> PracticeIndex::search(const std::optional<std::string>& text,
                                               const std::optional<std::string>& category,
                                               const std::optional<std::string>& body_kind,
                                               const std::optional<PopulationRange>& population,
                                               const std::vector<int>& years, int limit) const {
  const auto& d = *data_;
  std::vector<Issue> issues;
  if (limit < 1)
    issues.push_back({"limit", "expected a positive number of hits, got " + std::to_string(limit)});
  std::optional<BodyKind> kind;
  if (body_kind) {
    kind = body_kind_from_string(*body_kind);
    if (!kind) {
      const auto names = body_kind_names();
      issues.push_back({"body_kind", "unknown body kind " + detail::quote(*body_kind) +
                                         "; expected one of " + detail::join(names, ", ") +
                                         detail::did_you_mean(*body_kind, names)});
    }
  }
  for (std::size_t i = 0; i < years.size(); ++i)
    check_year(years[i], "years[" + std::to_string(i) + "]", issues);
  if (population && population->min && population->max && *population->min > *population->max) {
    issues.push_back({"population", "from " + number_text(*population->min) + " is above to " +
                                        number_text(*population->max)});
  }
  if (!issues.empty()) throw ValidationError(std::move(issues));
  int category_id = -1;
  if (category) {
    auto it = d.category_index.find(*category);
    if (it == d.category_index.end()) throw NotFoundError("category", *category);
    category_id = it->second;
  }

  // Plans passing the filters, computed only when a plan filter is given.
  std::vector<char> plan_ok;
  if (kind || !years.empty() || population) {
    plan_ok.assign(d.plans.size(), 0);
    for (std::size_t p = 0; p < d.plans.size(); ++p) {
      const auto& plan = d.plans[p];
      if (!plan.searchable()) continue;
      if (kind && (plan.body < 0 || d.body_kind[plan.body] != *kind)) continue;
      if (!years.empty() &&
          std::none_of(years.begin(), years.end(), [&](int y) { return plan.period.contains(y); }))
        continue;
      if (population && (std::isnan(plan.population) || !population->contains(plan.population)))
        continue;
      plan_ok[p] = 1;
    }
  }
  detail::DocumentFilter filter;
  if (!plan_ok.empty()) filter.plans = &plan_ok;
  if (category_id >= 0) {
    filter.docs = d.category_docs.data() + d.category_doc_offsets[category_id];
    filter.docs_end = d.category_docs.data() + d.category_doc_offsets[category_id + 1];
    filter.bitmap = &d.category_bitmaps[category_id];
  }
  auto hit = [&](int doc, double score) {
    const auto& plan = d.plans[d.doc_plan[doc]];
    return PracticeHit{
        d.doc_ref(doc), plan.id, plan.body_id, d.doc_title(doc), d.doc_categories(doc), score, {}};
  };
  const auto n_limit = static_cast<std::size_t>(limit);

  std::vector<PracticeHit> hits;
  if (!text || blank(*text)) {
    // Every document passing the filters, in doc_rank order.
    const auto under = category ? d.under(category_id) : std::vector<char>();
    for (int doc : d.by_rank) {
      if (!d.doc_searchable(doc) || (filter.plans && !plan_ok[d.doc_plan[doc]]) ||
          (category && !d.doc_under(doc, under)))
        continue;
      hits.push_back(hit(doc, 0));
      if (hits.size() == n_limit) break;
    }
    return hits;
  }

  const auto terms = query_terms(d, *text);
  std::vector<int> term_ids;
  for (const auto& t : terms) term_ids.push_back(t.id);
  for (const auto& found : detail::best_documents(d, term_ids, filter, n_limit)) {
    hits.push_back(hit(found.doc, found.score));
    for (std::size_t q = 0; q < terms.size(); ++q) {
      if (found.matched & (std::uint64_t{1} << q))
        hits.back().matched_terms.push_back(terms[q].word);
    }
  }
  return hits;
}

std::optional<double> PracticeIndex::population(const std::string& body, int year) const {
  const int b = data_->body(body);
  if (b < 0) throw NotFoundError("body", body);
  return data_->population_at(b, year);
}

std::vector<std::string> PracticeIndex::peers(const std::string& body, int year) const {
  const int b = data_->body(body);
  if (b < 0) throw NotFoundError("body", body);
  std::vector<std::string> out;
  for (int q : data_->peers(b, year)) out.push_back(data_->body_ids[q]);
  return out;
}

std::vector<Recommendation> PracticeIndex::recommend(const std::string& body, int year, int k,
                                                     double min_share) const {
  const auto& d = *data_;
  const int b = d.body(body);
  if (b < 0) throw NotFoundError("body", body);
  std::vector<Issue> issues;
  if (k < 1)
    issues.push_back(
        {"k", "expected a positive number of recommendations, got " + std::to_string(k)});
  if (!(min_share >= 0 && min_share <= 1)) {
    issues.push_back(
        {"min_share", "expected a share from 0 to 1, got " + std::to_string(min_share)});
  }
  check_year(year, "year", issues);
  if (!issues.empty()) throw ValidationError(std::move(issues));

  const auto peers = d.peers(b, year);
  if (peers.empty()) return {};
  const std::size_t categories = d.category_refs.size();
  // What the body already has: every category (and its ancestors) of its plans that year.
  std::vector<char> own(categories, 0);
  for (int p : d.plans_covering(b, year, false)) {
    for (int doc = d.plans[p].first_doc; doc < d.plans[p].first_doc + d.plans[p].doc_count; ++doc) {
      for (int k2 = d.category_offsets[doc]; k2 < d.category_offsets[doc + 1]; ++k2) {
        for (int a : d.category_closure[d.category_items[k2]]) own[a] = 1;
      }
    }
  }
  // What each peer has, and the codes peers file actions under.
  std::vector<char> used(categories, 0);
  std::vector<std::size_t> peers_with(categories, 0);
  std::vector<std::vector<int>> peer_docs(peers.size());
  for (std::size_t i = 0; i < peers.size(); ++i) {
    std::vector<char> has(categories, 0);
    for (int p : d.plans_covering(peers[i], year, true)) {
      for (int doc = d.plans[p].first_doc; doc < d.plans[p].first_doc + d.plans[p].doc_count;
           ++doc) {
        peer_docs[i].push_back(doc);
        for (int k2 = d.category_offsets[doc]; k2 < d.category_offsets[doc + 1]; ++k2) {
          const int c = d.category_items[k2];
          used[c] = 1;
          for (int a : d.category_closure[c]) has[a] = 1;
        }
      }
    }
    for (std::size_t c = 0; c < categories; ++c) peers_with[c] += has[c];
    std::sort(peer_docs[i].begin(), peer_docs[i].end(),
              [&](int x, int y) { return d.doc_rank[x] < d.doc_rank[y]; });
  }
  std::vector<Recommendation> out;
  for (std::size_t c = 0; c < categories; ++c) {
    if (!used[c] || own[c]) continue;
    const double share = static_cast<double>(peers_with[c]) / static_cast<double>(peers.size());
    if (share + 1e-12 < min_share) continue;
    out.push_back(
        {d.category_refs[c], d.category_labels[c], share, peers_with[c], peers.size(), {}});
  }
  std::sort(out.begin(), out.end(), [](const Recommendation& x, const Recommendation& y) {
    return x.share != y.share ? x.share > y.share : x.category < y.category;
  });
  if (out.size() > static_cast<std::size_t>(k)) out.resize(static_cast<std::size_t>(k));

  // Examples: the first action of each peer in turn (peers by id), then their next ones.
  for (auto& rec : out) {
    const auto mask = d.under(d.category_index.at(rec.category));
    std::vector<std::vector<int>> candidates(peers.size());
    for (std::size_t i = 0; i < peers.size(); ++i) {
      for (int doc : peer_docs[i]) {
        if (d.doc_under(doc, mask)) candidates[i].push_back(doc);
      }
    }
    for (std::size_t round = 0; rec.examples.size() < kExamples; ++round) {
      bool any = false;
      for (std::size_t i = 0; i < peers.size() && rec.examples.size() < kExamples; ++i) {
        if (round >= candidates[i].size()) continue;
        any = true;
        const int doc = candidates[i][round];
        const auto& plan = d.plans[d.doc_plan[doc]];
        rec.examples.push_back({d.doc_ref(doc), plan.id, plan.body_id, d.doc_title(doc)});
      }
      if (!any) break;
    }
  }
  return out;
}

TaxonomyUsage PracticeIndex::usage(const std::string& taxonomy,
                                   const std::vector<std::string>& bodies,
                                   const std::vector<int>& years) const {
  const auto& d = *data_;
  auto tax = d.taxonomies.find(taxonomy);
  if (tax == d.taxonomies.end()) throw NotFoundError("taxonomy", taxonomy);
  std::vector<int> selected_bodies;
  for (const auto& id : bodies) {
    const int b = d.body(id);
    if (b < 0) throw NotFoundError("body", id);
    selected_bodies.push_back(b);
  }
  std::vector<Issue> issues;
  for (std::size_t i = 0; i < years.size(); ++i)
    check_year(years[i], "years[" + std::to_string(i) + "]", issues);
  if (!issues.empty()) throw ValidationError(std::move(issues));

  TaxonomyUsage out;
  out.taxonomy = taxonomy;
  std::set<int> year_set(years.begin(), years.end());
  if (years.empty()) {
    for (const auto& plan : d.plans) {
      if (!plan.searchable()) continue;
      for (int y = plan.period.from; y <= plan.period.to; ++y) year_set.insert(y);
    }
  }
  out.years.assign(year_set.begin(), year_set.end());
  const std::size_t ny = out.years.size();
  // Bodies counted each year: the scopes of the selected bodies.
  std::vector<std::vector<char>> allowed;
  if (!selected_bodies.empty()) {
    allowed.assign(ny, std::vector<char>(d.body_ids.size(), 0));
    for (std::size_t yi = 0; yi < ny; ++yi) {
      for (int b : selected_bodies) {
        for (const auto& member : d.registry.scope(d.body_ids[b], out.years[yi])) {
          const int m = d.body(member);
          if (m >= 0) allowed[yi][m] = 1;
        }
      }
    }
  }
  // Category id -> position in the taxonomy's node list (-1 for other taxonomies).
  const auto& nodes = tax->second.nodes();
  std::vector<int> position(d.category_refs.size(), -1);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto it = d.category_index.find(taxonomy + ":" + nodes[i].code);
    if (it != d.category_index.end()) position[it->second] = static_cast<int>(i);
  }
  std::vector<std::vector<std::size_t>> counts(nodes.size(), std::vector<std::size_t>(ny, 0));
  out.filed.assign(ny, 0);
  std::vector<int> under;
  for (std::size_t doc = 0; doc < d.doc_plan.size(); ++doc) {
    const auto& plan = d.plans[d.doc_plan[doc]];
    if (!plan.searchable()) continue;
    under.clear();
    for (int k = d.category_offsets[doc]; k < d.category_offsets[doc + 1]; ++k) {
      for (int a : d.category_closure[d.category_items[k]]) {
        if (position[a] >= 0) under.push_back(position[a]);
      }
    }
    if (under.empty()) continue;
    std::sort(under.begin(), under.end());
    under.erase(std::unique(under.begin(), under.end()), under.end());
    for (std::size_t yi = 0; yi < ny; ++yi) {
      if (!plan.period.contains(out.years[yi])) continue;
      if (!allowed.empty() && (plan.body < 0 || !allowed[yi][plan.body])) continue;
      ++out.filed[yi];
      for (int i : under) ++counts[i][yi];
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    CategoryUsage u{nodes[i].code, nodes[i].label, tax->second.depth(nodes[i].code), counts[i], 0};
    for (auto c : u.counts) u.total += c;
    out.categories.push_back(std::move(u));
  }
  return out;
}

std::vector<NearDuplicate> PracticeIndex::near_duplicates(double threshold,
                                                          std::optional<std::size_t> limit) const {
  const auto& d = *data_;
  if (!(threshold > 0 && threshold <= 1)) {
    throw ValidationError({{"threshold", "expected a similarity above 0 and at most 1, got " +
                                             std::to_string(threshold)}});
  }
  // Term sets of the own texts of searchable, categorised documents, read back from the
  // postings (sorted by term); category labels are left out, as they differ by design.
  std::vector<int> slot(d.doc_plan.size(), -1);
  std::vector<int> docs;
  for (std::size_t doc = 0; doc < d.doc_plan.size(); ++doc) {
    if (d.doc_searchable(static_cast<int>(doc)) &&
        d.category_offsets[doc + 1] > d.category_offsets[doc]) {
      slot[doc] = static_cast<int>(docs.size());
      docs.push_back(static_cast<int>(doc));
    }
  }
  std::vector<std::vector<int>> sets(docs.size());
  for (std::size_t t = 0; t + 1 < d.term_offsets.size(); ++t) {
    for (auto k = d.term_offsets[t]; k < d.term_offsets[t + 1]; ++k) {
      if (d.posting_own_text[k] && slot[d.posting_doc[k]] >= 0) {
        sets[slot[d.posting_doc[k]]].push_back(static_cast<int>(t));
      }
    }
  }
  // Identical sets are joined once; within a set, actions are grouped by their category set.
  std::map<std::vector<int>, std::map<std::vector<int>, std::vector<int>>> groups;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (sets[i].empty()) continue;
    std::vector<int> cats(d.category_items.begin() + d.category_offsets[docs[i]],
                          d.category_items.begin() + d.category_offsets[docs[i] + 1]);
    std::sort(cats.begin(), cats.end());
    cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
    groups[sets[i]][cats].push_back(docs[i]);
  }
  std::vector<std::vector<int>> distinct;
  std::vector<const std::map<std::vector<int>, std::vector<int>>*> by_category;
  for (const auto& [set, members] : groups) {
    distinct.push_back(set);
    by_category.push_back(&members);
  }
  auto pairs = detail::jaccard_join(distinct, threshold);
  for (int g = 0; g < static_cast<int>(distinct.size()); ++g) pairs.push_back({g, g, 1.0});
  // Most similar first, so that once `limit` pairs are kept, less similar ones can be skipped.
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const detail::SimilarPair& x, const detail::SimilarPair& y) {
                     return x.similarity > y.similarity;
                   });

  struct Found {
    int a, b;
    double similarity;
  };
  auto before = [&](const Found& x, const Found& y) {
    if (x.similarity != y.similarity) return x.similarity > y.similarity;
    if (x.a != y.a) return d.doc_rank[x.a] < d.doc_rank[y.a];
    return d.doc_rank[x.b] < d.doc_rank[y.b];
  };
  // The best `limit` pairs in a heap whose top is the worst kept one.
  std::vector<Found> kept;
  auto keep = [&](const Found& f) {
    if (!limit || kept.size() < *limit) {
      kept.push_back(f);
      if (limit) std::push_heap(kept.begin(), kept.end(), before);
    } else if (before(f, kept.front())) {
      std::pop_heap(kept.begin(), kept.end(), before);
      kept.back() = f;
      std::push_heap(kept.begin(), kept.end(), before);
    }
  };
  for (const auto& pair : pairs) {
    if (limit && kept.size() == *limit &&
        (*limit == 0 || pair.similarity < kept.front().similarity))
      break;
    const auto& left = *by_category[pair.a];
    const auto& right = *by_category[pair.b];
    for (auto l = left.begin(); l != left.end(); ++l) {
      for (auto r = pair.a == pair.b ? std::next(l) : right.begin(); r != right.end(); ++r) {
        if (!disjoint(l->first, r->first)) continue;
        for (int x : l->second) {
          for (int y : r->second) {
            const bool first = d.doc_rank[x] < d.doc_rank[y];
            keep({first ? x : y, first ? y : x, pair.similarity});
          }
        }
      }
    }
  }
  std::sort(kept.begin(), kept.end(), before);
  std::vector<NearDuplicate> out;
  out.reserve(kept.size());
  for (const auto& f : kept) {
    out.push_back({d.doc_ref(f.a), d.doc_ref(f.b), f.similarity, d.doc_categories(f.a),
                   d.doc_categories(f.b)});
  }
  return out;
}

std::vector<CategoryUsage> TaxonomyUsage::least_used(std::size_t n) const {
  std::vector<CategoryUsage> sorted(categories);
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const CategoryUsage& x, const CategoryUsage& y) { return x.total < y.total; });
  if (sorted.size() > n) sorted.resize(n);
  return sorted;
}

nlohmann::json TaxonomyUsage::to_json() const {
  nlohmann::json least = nlohmann::json::array();
  for (const auto& u : least_used()) least.push_back(u.code);
  return {{"taxonomy", taxonomy},
          {"years", years},
          {"categories", categories},
          {"filed", filed},
          {"least_used", least}};
}

void to_json(nlohmann::json& j, const PracticeHit& h) {
  j = {{"action", h.action},
       {"plan", h.plan},
       {"body", h.body},
       {"title", h.title},
       {"categories", h.categories},
       {"score", h.score},
       {"matched_terms", h.matched_terms}};
}

void to_json(nlohmann::json& j, const PracticeExample& e) {
  j = {{"action", e.action}, {"plan", e.plan}, {"body", e.body}, {"title", e.title}};
}

void to_json(nlohmann::json& j, const Recommendation& r) {
  j = {{"category", r.category},     {"label", r.label}, {"share", r.share},
       {"peers_with", r.peers_with}, {"peers", r.peers}, {"examples", r.examples}};
}

void to_json(nlohmann::json& j, const CategoryUsage& u) {
  j = {{"code", u.code},
       {"label", u.label},
       {"depth", u.depth},
       {"counts", u.counts},
       {"total", u.total}};
}

void to_json(nlohmann::json& j, const NearDuplicate& n) {
  j = {{"a", n.a},
       {"b", n.b},
       {"similarity", n.similarity},
       {"a_categories", n.a_categories},
       {"b_categories", n.b_categories}};
}

}  // namespace civicplan
