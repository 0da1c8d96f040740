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

namespace {

// Whether a plan gives the index the same documents as another: the same body, period and
// status, and actions with the same ids, titles, descriptions and categories in the same order.
bool same_documents(const Plan& a, const Plan& b) {
  if (&a == &b) return true;
  if (a.body != b.body || a.period.from != b.period.from || a.period.to != b.period.to ||
      a.status != b.status || a.actions.size() != b.actions.size())
    return false;
  for (std::size_t k = 0; k < a.actions.size(); ++k) {
    const auto &x = a.actions[k], &y = b.actions[k];
    if (x.id != y.id || x.title != y.title || x.description != y.description ||
        x.categories != y.categories)
      return false;
  }
  return true;
}

// The population statistics of every body, by year.
std::vector<std::vector<std::pair<int, double>>> own_populations(const Model& m,
                                                                 const PracticeData& d) {
  std::vector<std::vector<std::pair<int, double>>> out(d.body_ids.size());
  for (const auto& [key, s] : m.statistics) {
    const int b = d.body(s.body);
    // Keys sort by (body, variable, year): each body's years arrive in order.
    if (b >= 0 && s.variable == "population") out[b].emplace_back(s.year, s.value);
  }
  return out;
}

// The bodies and categories of a model: what the documents refer to.
void index_bodies_and_categories(const Model& m, PracticeData& d) {
  for (const auto& [id, b] : m.bodies) {
    d.body_index.emplace(id, static_cast<int>(d.body_ids.size()));
    d.body_ids.push_back(id);
    d.body_kind.push_back(b.kind);
  }
  d.own_population = own_populations(m, d);

  d.taxonomies = m.taxonomies;
  for (const auto& [id, t] : m.taxonomies) {
    for (const auto& node : t.nodes()) {
      const std::string ref = id + ":" + node.code;
      if (!d.category_index.emplace(ref, static_cast<int>(d.category_refs.size())).second)
        continue;
      d.category_refs.push_back(ref);
      d.category_labels.push_back(node.label);
      d.category_taxonomy.push_back(id);
    }
  }
  d.category_closure.resize(d.category_refs.size());
  for (std::size_t c = 0; c < d.category_refs.size(); ++c) {
    const auto& tax = d.taxonomies.at(d.category_taxonomy[c]);
    const std::string code = d.category_refs[c].substr(d.category_taxonomy[c].size() + 1);
    auto& closure = d.category_closure[c];
    closure.push_back(static_cast<int>(c));
    for (const auto& a : tax.ancestors(code))
      closure.push_back(d.category_index.at(tax.id() + ":" + a));
    std::sort(closure.begin(), closure.end());
  }
}

// The documents of a model's plans, analysed from their text, or, for the plans of `steps`
// whose documents are those of the plan before (same_documents), taken from `base` with their
// postings; then the inverted index, the score bounds and the documents under each category.
// Either way the result is the index a build from the model gives, but for the numbering of
// the terms.
std::shared_ptr<const PracticeData> assemble(const Model& m, std::shared_ptr<PracticeData> d,
                                             const PracticeData* base,
                                             const std::vector<PlanStep>* steps) {
  d->body_plans.assign(d->body_ids.size(), {});
  const std::size_t base_terms = base ? base->term_offsets.size() - 1 : 0;
  // Terms: those of `base` keep their ids, new ones follow (numbered in `fresh_terms`, or in
  // d->term_index directly when there is no base).
  std::unordered_map<std::string, int> fresh_terms;
  auto& dictionary = base ? fresh_terms : d->term_index;
  auto term_ids = [&](const std::string& text) {
    std::vector<int> ids;
    for (const auto& token : analyze(text)) {
      if (base) {
        auto known = base->term_index.find(token.term);
        if (known != base->term_index.end()) {
          ids.push_back(known->second);
          continue;
        }
      }
      auto it = dictionary.find(token.term);
      if (it == dictionary.end())
        it = dictionary
                 .emplace(token.term, static_cast<int>(base_terms + dictionary.size()))
                 .first;
      ids.push_back(it->second);
    }
    return ids;
  };

  // Documents, with a forward index (document -> weighted terms) of the analysed searchable
  // ones, and for each document of `base` the one here it was taken to (-1 when none).
  std::vector<int> analysed_docs;    // documents analysed here, ascending
  std::vector<std::int64_t> forward_offsets{0};
  std::vector<Occurrence> forward;   // per analysed document and term: summed weights
  std::vector<int> doc_from_base;    // by document of base: the document here, or -1
  if (base) doc_from_base.assign(base->doc_plan.size(), -1);
  std::vector<Occurrence> terms;
  std::vector<std::optional<std::vector<int>>> label_terms(d->category_refs.size());
  double total_length = 0;

  auto add_plan = [&](const std::string& id, const Plan& p, const PracticeData::PlanInfo* taken) {
    PracticeData::PlanInfo info;
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
    if (taken) {
      info.action_ids = taken->action_ids;
      info.titles = taken->titles;
    } else {
      auto ids = std::make_shared<std::vector<std::string>>();
      auto titles = std::make_shared<std::vector<std::string>>();
      ids->reserve(p.actions.size());
      titles->reserve(p.actions.size());
      for (const auto& a : p.actions) {
        ids->push_back(a.id);
        titles->push_back(a.title);
      }
      info.action_ids = std::move(ids);
      info.titles = std::move(titles);
    }
    for (int k = 0; k < info.doc_count; ++k) {
      const auto& a = p.actions[k];
      d->doc_plan.push_back(plan_no);
      if (taken) {
        const int old = taken->first_doc + k;
        d->category_items.insert(d->category_items.end(),
                                 base->category_items.begin() + base->category_offsets[old],
                                 base->category_items.begin() + base->category_offsets[old + 1]);
        d->category_offsets.push_back(static_cast<int>(d->category_items.size()));
        doc_from_base[old] = static_cast<int>(d->doc_length.size());
        const float length = base->doc_length[old];
        if (info.searchable()) {
          ++d->searchable;
          total_length += length;
        }
        d->doc_length.push_back(length);
        continue;
      }
      for (const auto& c : a.categories) {
        auto it = d->category_index.find(c);
        if (it != d->category_index.end()) d->category_items.push_back(it->second);
      }
      d->category_offsets.push_back(static_cast<int>(d->category_items.size()));
      int length = 0;
      if (info.searchable()) {
        terms.clear();
        add_terms(term_ids(a.title), kTitleWeight, true, terms, length);
        if (a.description) add_terms(term_ids(*a.description), 1, true, terms, length);
        for (int j = d->category_offsets[d->category_offsets.size() - 2];
             j < d->category_offsets.back(); ++j) {
          auto& label = label_terms[d->category_items[j]];
          if (!label) label = term_ids(d->category_labels[d->category_items[j]]);
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
        analysed_docs.push_back(static_cast<int>(d->doc_length.size()));
        forward_offsets.push_back(static_cast<std::int64_t>(forward.size()));
        ++d->searchable;
        total_length += length;
      }
      d->doc_length.push_back(static_cast<float>(length));
    }
    d->plans.push_back(std::move(info));
  };

  d->plans.reserve(m.plans.size());
  {
    std::size_t docs = 0;
    for (const auto& [id, p] : m.plans) docs += p.actions.size();
    d->doc_plan.reserve(docs);
    d->doc_length.reserve(docs);
    d->category_offsets.reserve(docs + 1);
  }
  if (base) {
    std::size_t old_plan = 0;  // the plans of `base` are those of the steps' `before`, in order
    for (const auto& step : *steps) {
      const PracticeData::PlanInfo* taken = nullptr;
      if (step.before) {
        taken = &base->plans[old_plan++];
        if (!step.after || !same_documents(*step.before, *step.after)) taken = nullptr;
      }
      if (step.after) add_plan(*step.id, *step.after, taken);
    }
  } else {
    for (const auto& [id, p] : m.plans) add_plan(id, p, nullptr);
  }
  if (d->searchable > 0 && total_length > 0)
    d->average_length = total_length / static_cast<double>(d->searchable);
  for (auto& plan : d->plans) {
    const auto pop = plan.body >= 0 ? d->population_at(plan.body, plan.period.from) : std::nullopt;
    plan.population = pop ? *pop : std::numeric_limits<double>::quiet_NaN();
  }

  // Tie-break order: plan id (plans are already sorted and contiguous), then action id.
  const int docs = static_cast<int>(d->doc_plan.size());
  d->by_rank.resize(docs);
  std::iota(d->by_rank.begin(), d->by_rank.end(), 0);
  for (const auto& plan : d->plans) {
    auto first = d->by_rank.begin() + plan.first_doc;
    const auto& ids = *plan.action_ids;
    const int offset = plan.first_doc;
    std::sort(first, first + plan.doc_count, [&](int x, int y) {
      const auto &a = ids[x - offset], &b = ids[y - offset];
      if (a != b) return a < b;
      return x < y;
    });
  }
  d->doc_rank.resize(docs);
  for (int r = 0; r < docs; ++r) d->doc_rank[d->by_rank[r]] = r;

  // The postings of each term, by ascending document: those of the documents taken from
  // `base` (in the same order there) merged with those of the analysed ones.
  const std::size_t all_terms = base ? base_terms + fresh_terms.size() : d->term_index.size();
  std::vector<std::int64_t> analysed_counts(all_terms + 1, 0);
  for (const auto& o : forward) ++analysed_counts[o.term + 1];
  std::partial_sum(analysed_counts.begin(), analysed_counts.end(), analysed_counts.begin());
  struct Posting {
    int doc;
    int weight;
    bool own_text;
  };
  std::vector<Posting> analysed(forward.size());
  {
    std::vector<std::int64_t> next(analysed_counts.begin(), analysed_counts.end() - 1);
    for (std::size_t i = 0; i < analysed_docs.size(); ++i) {
      for (auto k = forward_offsets[i]; k < forward_offsets[i + 1]; ++k) {
        const auto& o = forward[k];
        analysed[next[o.term]++] = {analysed_docs[i], o.weight, o.own_text};
      }
    }
  }
  // Document frequencies, and the ids of the terms some document still has, in order.
  std::vector<std::int64_t> df(all_terms, 0);
  for (std::size_t t = 0; t < all_terms; ++t) {
    df[t] = analysed_counts[t + 1] - analysed_counts[t];
    if (t < base_terms) {
      for (auto k = base->term_offsets[t]; k < base->term_offsets[t + 1]; ++k)
        if (doc_from_base[base->posting_doc[k]] >= 0) ++df[t];
    }
  }
  std::vector<int> renumbered(all_terms, -1);
  int kept_terms = 0;
  for (std::size_t t = 0; t < all_terms; ++t)
    if (df[t] > 0) renumbered[t] = kept_terms++;
  if (base) {
    d->term_index.reserve(static_cast<std::size_t>(kept_terms));
    for (const auto& [term, t] : base->term_index)
      if (renumbered[t] >= 0) d->term_index.emplace(term, renumbered[t]);
    for (const auto& [term, t] : fresh_terms)
      if (renumbered[t] >= 0) d->term_index.emplace(term, renumbered[t]);
  } else if (kept_terms != static_cast<int>(all_terms)) {
    for (auto& entry : d->term_index) entry.second = renumbered[entry.second];
  }
  d->term_offsets.assign(1, 0);
  d->term_offsets.reserve(static_cast<std::size_t>(kept_terms) + 1);
  std::int64_t postings = 0;
  for (std::size_t t = 0; t < all_terms; ++t) {
    if (df[t] == 0) continue;
    postings += df[t];
    d->term_offsets.push_back(postings);
  }
  d->posting_doc.resize(static_cast<std::size_t>(postings));
  d->posting_tf.resize(static_cast<std::size_t>(postings));
  d->posting_own_text.resize(static_cast<std::size_t>(postings));
  std::int64_t at = 0;
  auto put = [&](int doc, int weight, bool own_text) {
    d->posting_doc[at] = doc;
    d->posting_tf[at] = static_cast<std::uint16_t>(std::min(weight, 65535));
    d->posting_own_text[at] = own_text ? 1 : 0;
    ++at;
  };
  for (std::size_t t = 0; t < all_terms; ++t) {
    if (df[t] == 0) continue;
    auto k = t < base_terms ? base->term_offsets[t] : 0;
    const auto k_end = t < base_terms ? base->term_offsets[t + 1] : 0;
    auto a = analysed_counts[t];
    const auto a_end = analysed_counts[t + 1];
    while (k < k_end || a < a_end) {
      int from_base = -1;
      while (k < k_end && (from_base = doc_from_base[base->posting_doc[k]]) < 0) ++k;
      if (k == k_end) from_base = -1;
      if (from_base >= 0 && (a == a_end || from_base < analysed[a].doc)) {
        put(from_base, base->posting_tf[k], base->posting_own_text[k] != 0);
        ++k;
      } else if (a < a_end) {
        put(analysed[a].doc, analysed[a].weight, analysed[a].own_text);
        ++a;
      }
    }
  }
  build_score_bounds(*d);
  build_category_docs(*d);
  return d;
}

}  // namespace

std::shared_ptr<const PracticeData> PracticeData::build(const Model& m, const Registry& registry) {
  auto d = std::make_shared<PracticeData>();
  d->registry = registry;
  index_bodies_and_categories(m, *d);
  return assemble(m, std::move(d), nullptr, nullptr);
}

std::shared_ptr<const PracticeData> PracticeData::patched(
    const std::shared_ptr<const PracticeData>& base, const Model& before, const Model& m,
    const Registry& registry, const std::vector<PlanStep>& steps) {
  // Bodies and taxonomies number what the documents refer to: when either changed, build anew.
  if (!before.bodies.shares(m.bodies) || !before.taxonomies.shares(m.taxonomies))
    return build(m, registry);
  const bool plans_same =
      std::all_of(steps.begin(), steps.end(), [](const PlanStep& s) {
        return s.before && s.after && same_documents(*s.before, *s.after);
      });
  auto populations = before.statistics.shares(m.statistics)
                         ? base->own_population
                         : own_populations(m, *base);
  if (plans_same && populations == base->own_population) return base;  // nothing to search changed
  auto d = std::make_shared<PracticeData>();
  d->registry = registry;
  d->body_ids = base->body_ids;
  d->body_kind = base->body_kind;
  d->body_index = base->body_index;
  d->own_population = std::move(populations);
  d->taxonomies = base->taxonomies;
  d->category_refs = base->category_refs;
  d->category_labels = base->category_labels;
  d->category_taxonomy = base->category_taxonomy;
  d->category_index = base->category_index;
  d->category_closure = base->category_closure;
  return assemble(m, std::move(d), base.get(), &steps);
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
