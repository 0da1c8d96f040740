// SPDX-License-Identifier: Apache-2.0
// Building the data behind a PracticeIndex and the membership and population queries on it.
#include "engines/practices/practice_data.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>
#include <set>

#include "civicplan/practices.hpp"
#include "engines/practices/text_analysis.hpp"

namespace civicplan::detail {

namespace {

// One occurrence of a term in an action: its weight, and whether it is in the action's own
// text (title, description) rather than in the label of one of its categories.
struct Occurrence {
  int term;
  int weight;
  bool own_text;
  bool operator<(const Occurrence& o) const { return term < o.term; }
};

// The term ids of a text, adding new terms to the dictionary.
std::vector<int> term_ids(const std::string& text,
                          std::unordered_map<std::string, int>& term_index) {
  std::vector<int> ids;
  for (const auto& token : analyze(text)) {
    auto it = term_index.find(token.term);
    if (it == term_index.end())
      it = term_index.emplace(token.term, static_cast<int>(term_index.size())).first;
    ids.push_back(it->second);
  }
  return ids;
}

void add_terms(const std::vector<int>& ids, int weight, bool own_text,
               std::vector<Occurrence>& terms, int& length) {
  for (int id : ids) terms.push_back({id, weight, own_text});
  length += weight * static_cast<int>(ids.size());
}

// The bitmap of an ascending list of documents when it is dense, else an empty one.
DocBitmap bitmap_of(const int* docs, std::size_t size, std::size_t all_docs, bool with_rank) {
  DocBitmap b;
  if (size * kDenseShare < all_docs) return b;
  b.words.assign((all_docs + 63) / 64, 0);
  for (std::size_t k = 0; k < size; ++k)
    b.words[docs[k] / 64] |= std::uint64_t{1} << (docs[k] % 64);
  if (with_rank) {
    b.rank.reserve(b.words.size());
    std::uint32_t before = 0;
    for (std::size_t k = 0, w = 0; w < b.words.size(); ++w) {
      b.rank.push_back(before);
      for (; k < size && docs[k] / 64 == static_cast<int>(w); ++k) ++before;
    }
  }
  return b;
}

// What searches prune with: term_max_score, and the bitmaps of dense terms with their bounds.
void build_score_bounds(PracticeData& d) {
  const std::size_t terms = d.term_offsets.size() - 1;
  d.term_max_score.assign(terms, 0.0);
  d.term_bitmaps.resize(terms);
  std::vector<double> scores;
  for (std::size_t t = 0; t < terms; ++t) {
    const double term_idf = d.idf(static_cast<int>(t));
    const auto begin = d.term_offsets[t], end = d.term_offsets[t + 1];
    scores.clear();
    for (auto k = begin; k < end; ++k) {
      scores.push_back(bm25_term_score(term_idf, d.posting_tf[k], d.doc_norm(d.posting_doc[k])));
      d.term_max_score[t] = std::max(d.term_max_score[t], scores.back());
    }
    auto& bitmap = d.term_bitmaps[t];
    bitmap = bitmap_of(d.posting_doc.data() + begin, scores.size(), d.doc_plan.size(), true);
    if (bitmap.empty()) continue;
    std::vector<double> window_max(bitmap.words.size(), 0.0);
    for (std::size_t k = 0; k < scores.size(); ++k) {
      auto& m = window_max[d.posting_doc[begin + k] / 64];
      m = std::max(m, scores[k]);
    }
    // The fewest steps whose bound holds, as the search will compute it.
    bitmap.bounds.reserve(window_max.size());
    for (double m : window_max) {
      int steps = m > 0 ? static_cast<int>(std::ceil(m / d.term_max_score[t] * kBoundSteps)) : 0;
      steps = std::clamp(steps, 0, kBoundSteps);
      while (step_bound(d.term_max_score[t], steps) < m) ++steps;
      while (steps > 0 && step_bound(d.term_max_score[t], steps - 1) >= m) --steps;
      bitmap.bounds.push_back(static_cast<std::uint8_t>(steps));
    }
  }
}

// The documents under each category (category_docs), from the documents' categories.
void build_category_docs(PracticeData& d) {
  // Two passes over the documents: count, then place; each document once per category it is
  // under, however many of its own categories share that ancestor.
  std::vector<int> under;
  auto categories_above = [&](int doc) -> const std::vector<int>& {
    under.clear();
    for (int k = d.category_offsets[doc]; k < d.category_offsets[doc + 1]; ++k) {
      const auto& closure = d.category_closure[d.category_items[k]];
      under.insert(under.end(), closure.begin(), closure.end());
    }
    std::sort(under.begin(), under.end());
    under.erase(std::unique(under.begin(), under.end()), under.end());
    return under;
  };
  const int docs = static_cast<int>(d.doc_plan.size());
  std::vector<std::int64_t> counts(d.category_refs.size() + 1, 0);
  for (int doc = 0; doc < docs; ++doc) {
    if (!d.doc_searchable(doc)) continue;
    for (int c : categories_above(doc)) ++counts[c + 1];
  }
  std::partial_sum(counts.begin(), counts.end(), counts.begin());
  d.category_doc_offsets = counts;
  d.category_docs.resize(static_cast<std::size_t>(counts.back()));
  for (int doc = 0; doc < docs; ++doc) {
    if (!d.doc_searchable(doc)) continue;
    for (int c : categories_above(doc)) d.category_docs[counts[c]++] = doc;
  }
  d.category_bitmaps.resize(d.category_refs.size());
  for (std::size_t c = 0; c < d.category_refs.size(); ++c) {
    const auto begin = d.category_doc_offsets[c], end = d.category_doc_offsets[c + 1];
    d.category_bitmaps[c] =
        bitmap_of(d.category_docs.data() + begin, static_cast<std::size_t>(end - begin),
                  d.doc_plan.size(), false);
  }
}

}  // namespace

std::shared_ptr<const PracticeData> PracticeData::build(const Model& m, const Registry& registry) {
  auto d = std::make_shared<PracticeData>();
  d->registry = registry;
  for (const auto& [id, b] : m.bodies) {
    d->body_index.emplace(id, static_cast<int>(d->body_ids.size()));
    d->body_ids.push_back(id);
    d->body_kind.push_back(b.kind);
  }
  d->own_population.resize(d->body_ids.size());
  d->body_plans.resize(d->body_ids.size());
  for (const auto& [key, s] : m.statistics) {
    const int b = d->body(s.body);
    // Keys sort by (body, variable, year): each body's years arrive in order.
    if (b >= 0 && s.variable == "population") d->own_population[b].emplace_back(s.year, s.value);
  }

  d->taxonomies = m.taxonomies;
  for (const auto& [id, t] : m.taxonomies) {
    for (const auto& node : t.nodes()) {
      const std::string ref = id + ":" + node.code;
      if (!d->category_index.emplace(ref, static_cast<int>(d->category_refs.size())).second)
        continue;
      d->category_refs.push_back(ref);
      d->category_labels.push_back(node.label);
      d->category_taxonomy.push_back(id);
    }
  }
  d->category_closure.resize(d->category_refs.size());
  for (std::size_t c = 0; c < d->category_refs.size(); ++c) {
    const auto& tax = d->taxonomies.at(d->category_taxonomy[c]);
    const std::string code = d->category_refs[c].substr(d->category_taxonomy[c].size() + 1);
    auto& closure = d->category_closure[c];
    closure.push_back(static_cast<int>(c));
    for (const auto& a : tax.ancestors(code))
      closure.push_back(d->category_index.at(tax.id() + ":" + a));
    std::sort(closure.begin(), closure.end());
  }

  // Documents, with a forward index (document -> weighted terms) of the searchable ones.
  std::vector<std::int64_t> forward_offsets{0};
  std::vector<Occurrence> forward;  // per document and term: summed weights
  std::vector<Occurrence> terms;
  std::vector<std::optional<std::vector<int>>> label_terms(
      d->category_refs.size());  // analysed once each
  double total_length = 0;
  for (const auto& [id, p] : m.plans) {
    PlanInfo info;
    info.id = id;
    info.body_id = p.body;
    info.body = d->body(p.body);
    info.period = p.period;
    info.status = p.status;
    info.first_doc = static_cast<int>(d->doc_plan.size());
    info.doc_count = static_cast<int>(p.actions.size());
    d->largest_plan = std::max(d->largest_plan, info.doc_count);
    const int plan_no = static_cast<int>(d->plans.size());
    if (info.body >= 0) d->body_plans[info.body].push_back(plan_no);
    for (const auto& a : p.actions) {
      d->doc_plan.push_back(plan_no);
      d->doc_action.push_back(a.id);
      d->doc_title.push_back(a.title);
      for (const auto& c : a.categories) {
        auto it = d->category_index.find(c);
        if (it != d->category_index.end()) d->category_items.push_back(it->second);
      }
      d->category_offsets.push_back(static_cast<int>(d->category_items.size()));
      int length = 0;
      if (info.searchable()) {
        terms.clear();
        add_terms(term_ids(a.title, d->term_index), kTitleWeight, true, terms, length);
        if (a.description)
          add_terms(term_ids(*a.description, d->term_index), 1, true, terms, length);
        for (int k = d->category_offsets[d->category_offsets.size() - 2];
             k < d->category_offsets.back(); ++k) {
          auto& label = label_terms[d->category_items[k]];
          if (!label) label = term_ids(d->category_labels[d->category_items[k]], d->term_index);
          add_terms(*label, kLabelWeight, false, terms, length);
        }
        std::stable_sort(terms.begin(), terms.end());
        for (std::size_t i = 0; i < terms.size();) {
          Occurrence merged{terms[i].term, 0, false};
          std::size_t j = i;
          for (; j < terms.size() && terms[j].term == terms[i].term; ++j) {
            merged.weight += terms[j].weight;
            merged.own_text = merged.own_text || terms[j].own_text;
          }
          forward.push_back(merged);
          i = j;
        }
        ++d->searchable;
        total_length += length;
      }
      forward_offsets.push_back(static_cast<std::int64_t>(forward.size()));
      d->doc_length.push_back(static_cast<float>(length));
    }
    d->plans.push_back(std::move(info));
  }
  if (d->searchable > 0 && total_length > 0)
    d->average_length = total_length / static_cast<double>(d->searchable);
  for (auto& plan : d->plans) {
    const auto pop = plan.body >= 0 ? d->population_at(plan.body, plan.period.from) : std::nullopt;
    plan.population = pop ? *pop : std::numeric_limits<double>::quiet_NaN();
  }

  // Tie-break order: plan id (plans are already sorted), then action id.
  const int docs = static_cast<int>(d->doc_plan.size());
  d->by_rank.resize(docs);
  std::iota(d->by_rank.begin(), d->by_rank.end(), 0);
  std::sort(d->by_rank.begin(), d->by_rank.end(), [&](int x, int y) {
    if (d->doc_plan[x] != d->doc_plan[y]) return d->doc_plan[x] < d->doc_plan[y];
    if (d->doc_action[x] != d->doc_action[y]) return d->doc_action[x] < d->doc_action[y];
    return x < y;
  });
  d->doc_rank.resize(docs);
  for (int r = 0; r < docs; ++r) d->doc_rank[d->by_rank[r]] = r;

  // Invert the forward index: postings of each term by ascending document.
  std::vector<std::int64_t> counts(d->term_index.size() + 1, 0);
  for (const auto& o : forward) ++counts[o.term + 1];
  std::partial_sum(counts.begin(), counts.end(), counts.begin());
  d->term_offsets = counts;
  d->posting_doc.resize(forward.size());
  d->posting_tf.resize(forward.size());
  d->posting_own_text.resize(forward.size());
  std::vector<std::int64_t> next(counts.begin(), counts.end() - 1);
  for (int doc = 0; doc < docs; ++doc) {
    for (auto k = forward_offsets[doc]; k < forward_offsets[doc + 1]; ++k) {
      const auto& o = forward[k];
      const auto at = next[o.term]++;
      d->posting_doc[at] = doc;
      d->posting_tf[at] = static_cast<std::uint16_t>(std::min(o.weight, 65535));
      d->posting_own_text[at] = o.own_text ? 1 : 0;
    }
  }
  build_score_bounds(*d);
  build_category_docs(*d);
  return d;
}

double PracticeData::idf(int term) const {
  const double n = static_cast<double>(searchable);
  const double df = static_cast<double>(term_offsets[term + 1] - term_offsets[term]);
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

std::vector<std::string> PracticeData::doc_categories(int d) const {
  std::vector<std::string> out;
  for (int k = category_offsets[d]; k < category_offsets[d + 1]; ++k)
    out.push_back(category_refs[category_items[k]]);
  return out;
}

bool PracticeData::doc_under(int d, const std::vector<char>& mask) const {
  for (int k = category_offsets[d]; k < category_offsets[d + 1]; ++k) {
    if (mask[category_items[k]]) return true;
  }
  return false;
}

std::vector<char> PracticeData::under(int id) const {
  std::vector<char> mask(category_refs.size(), 0);
  for (std::size_t c = 0; c < category_refs.size(); ++c) {
    const auto& closure = category_closure[c];
    mask[c] = std::binary_search(closure.begin(), closure.end(), id) ? 1 : 0;
  }
  return mask;
}

int PracticeData::body(const std::string& id) const {
  auto it = body_index.find(id);
  return it == body_index.end() ? -1 : it->second;
}

std::optional<double> PracticeData::own_population_at(int b, int year) const {
  const auto& values = own_population[b];
  // The latest year on or before `year`.
  auto it = std::upper_bound(values.begin(), values.end(), year,
                             [](int y, const std::pair<int, double>& v) { return y < v.first; });
  if (it == values.begin()) return std::nullopt;
  return std::prev(it)->second;
}

std::optional<double> PracticeData::population_at(int b, int year) const {
  if (auto own = own_population_at(b, year)) return own;
  const std::string& id = body_ids[b];
  if (registry.members(id, year).empty()) return std::nullopt;
  double sum = 0;
  bool any = false;
  for (const auto& leaf : registry.leaves(id, year)) {
    const int l = body(leaf);
    if (l == b || l < 0) continue;
    const auto v = own_population_at(l, year);
    if (!v) return std::nullopt;
    sum += *v;
    any = true;
  }
  if (!any) return std::nullopt;
  return sum;
}

std::vector<std::string> PracticeData::anchors(int b, int year) const {
  std::set<std::string> seen, out;
  std::deque<std::string> queue{body_ids[b]};
  while (!queue.empty()) {
    const std::string id = queue.front();
    queue.pop_front();
    for (const auto& parent : registry.parents(id, year)) {
      if (!seen.insert(parent).second) continue;
      const int p = body(parent);
      if (p >= 0 && (body_kind[p] == BodyKind::kDistrict || body_kind[p] == BodyKind::kProvince))
        out.insert(parent);
      queue.push_back(parent);
    }
  }
  return {out.begin(), out.end()};
}

std::vector<int> PracticeData::plans_covering(int b, int year, bool searchable_only) const {
  std::vector<int> out;
  for (int p : body_plans[b]) {
    const auto& plan = plans[p];
    if (!plan.period.contains(year)) continue;
    if (searchable_only ? !plan.searchable() : plan.status == PlanStatus::kRejected) continue;
    out.push_back(p);
  }
  return out;
}

std::vector<int> PracticeData::peers(int b, int year) const {
  const auto pop = population_at(b, year);
  if (!pop) return {};
  const std::string& population_class = population_class_of(*pop).name;
  std::set<int> out;
  for (const auto& anchor : anchors(b, year)) {
    for (const auto& member : registry.scope(anchor, year)) {
      const int q = body(member);
      if (q < 0 || q == b || body_kind[q] != body_kind[b] || out.count(q)) continue;
      const auto qpop = population_at(q, year);
      if (!qpop || population_class_of(*qpop).name != population_class) continue;
      if (plans_covering(q, year, true).empty()) continue;
      out.insert(q);
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace civicplan::detail
