// SPDX-License-Identifier: Apache-2.0
// The immutable data behind a PracticeIndex: actions, an inverted index, populations, taxonomies.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "civicplan/model.hpp"
#include "civicplan/practices.hpp"
#include "civicplan/registry.hpp"
#include "civicplan/taxonomy.hpp"
#include "facts/facts.hpp"

namespace civicplan::detail {

/// BM25 parameters, and the weights of a word of the title and of a category label against
/// a word of the description.
inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;
inline constexpr int kTitleWeight = 2;
inline constexpr int kLabelWeight = 1;
/// A set of documents holding at least 1/kDenseShare of them is also kept as a bitmap, which is
/// then no larger than its list of document ids.
inline constexpr std::size_t kDenseShare = 32;

/// The BM25 weight of one term in one document: `tf` (weighted) occurrences of a term of
/// inverse document frequency `idf` in a document of length normalisation `norm`. The index's
/// score bounds and the search evaluate this same expression, so a bound holds bit for bit.
inline double bm25_term_score(double idf, double tf, double norm) {
  return idf * tf * (kBm25K1 + 1.0) / (tf + norm);
}

/// Window score bounds are kept in steps of 1/kBoundSteps of a term's highest score.
inline constexpr int kBoundSteps = 255;
/// The score bound of `steps` steps for a term whose highest score is `max_score`.
inline double step_bound(double max_score, int steps) {
  return steps == kBoundSteps ? max_score : max_score * steps / kBoundSteps;
}

/// A set of documents as a bitmap: bit d % 64 of words[d / 64] is set for document d. For the
/// documents of a term, rank[w] counts those of the words before w, which makes the position of
/// a document's posting a popcount away, and step_bound(term max score, bounds[w]) is at least
/// the score of each document of word w.
struct DocBitmap {
  std::vector<std::uint64_t> words;
  std::vector<std::uint32_t> rank;
  std::vector<std::uint8_t> bounds;
  bool empty() const { return words.empty(); }
};

struct PracticeData {
  struct PlanInfo {
    std::string id;
    std::string body_id;
    int body = -1;  ///< -1 when the body is not in the model
    YearRange period;
    PlanStatus status = PlanStatus::kDraft;
    double population = 0;  ///< of the body in the plan's first year; NaN when unknown
    int first_doc = 0, doc_count = 0;
    /// The ids and titles of its actions, in order: shared with the data a patch took the
    /// plan's documents from.
    std::shared_ptr<const std::vector<std::string>> action_ids, titles;
    bool searchable() const {
      return status == PlanStatus::kApproved || status == PlanStatus::kArchived;
    }
  };

  Registry registry;
  std::vector<std::string> body_ids;  ///< sorted
  std::vector<BodyKind> body_kind;
  std::unordered_map<std::string, int> body_index;
  std::vector<std::vector<std::pair<int, double>>>
      own_population;  ///< per body: (year, value), by year
  std::vector<std::vector<int>> body_plans;

  SharedMap<std::string, Taxonomy> taxonomies;
  std::vector<std::string> category_refs;  ///< "<taxonomy>:<code>" by category id
  std::vector<std::string> category_labels;
  std::vector<std::string> category_taxonomy;
  std::unordered_map<std::string, int> category_index;
  std::vector<std::vector<int>> category_closure;  ///< the category and its ancestors, sorted

  std::vector<PlanInfo> plans;  ///< by plan id

  // Every action of every plan, a "document", in plan order then action order.
  std::vector<int> doc_plan;
  std::vector<int> category_offsets{0};  ///< the category ids of document d are
  std::vector<int> category_items;       ///< category_items[category_offsets[d] .. [d+1])
  std::vector<int> doc_rank;             ///< position in (plan id, action id) order
  std::vector<int> by_rank;              ///< documents in that order
  std::vector<float> doc_length;         ///< weighted number of terms (0 when not searchable)
  double average_length = 1;
  int largest_plan = 0;        ///< the most documents of one plan
  std::size_t searchable = 0;  ///< documents of approved and archived plans

  // The inverted index of searchable documents: term -> (document, weighted frequency), over the
  // title, the description and the labels of the action's categories. The postings of term t
  // are term_offsets[t] .. [t + 1], by ascending document.
  std::unordered_map<std::string, int> term_index;
  std::vector<std::int64_t> term_offsets{0};
  std::vector<int> posting_doc;
  std::vector<std::uint16_t> posting_tf;
  std::vector<char> posting_own_text;   ///< 1 when the term is in the title or description
  std::vector<double> term_max_score;   ///< the highest bm25_term_score of each term
  std::vector<DocBitmap> term_bitmaps;  ///< the documents of each dense term, with ranks

  // The searchable documents filed under each category or below it, ascending:
  // category_docs[category_doc_offsets[c] .. [c + 1]).
  std::vector<std::int64_t> category_doc_offsets{0};
  std::vector<int> category_docs;
  std::vector<DocBitmap> category_bitmaps;  ///< the same, for dense categories, without ranks

  static std::shared_ptr<const PracticeData> build(const Model& model, const Registry& registry);
  /// The data of `model`, made from `base`, the data of an earlier model `before` of the same
  /// workspace, with `steps` = diff_plans(before, model): the documents of the plans whose
  /// documents did not change are taken from `base` with their postings, and only the others
  /// are analysed; `base` itself when nothing it holds changed. It searches, ranks and counts
  /// as build(model, registry) would; only the numbering of the terms may differ. Built anew
  /// when the bodies or the taxonomies changed.
  static std::shared_ptr<const PracticeData> patched(const std::shared_ptr<const PracticeData>& base,
                                                     const Model& before, const Model& model,
                                                     const Registry& registry,
                                                     const std::vector<PlanStep>& steps);

  /// ln(1 + (N - df + 0.5) / (df + 0.5)), N the searchable documents, df those with the term.
  double idf(int term) const;
  /// The BM25 length normalisation of document `d`, k1 (1 - b + b length / average_length).
  double doc_norm(int d) const {
    return kBm25K1 * (1.0 - kBm25B + kBm25B * doc_length[d] / average_length);
  }
  bool doc_searchable(int d) const { return plans[doc_plan[d]].searchable(); }
  const std::string& doc_action(int d) const {
    const auto& p = plans[doc_plan[d]];
    return (*p.action_ids)[d - p.first_doc];
  }
  const std::string& doc_title(int d) const {
    const auto& p = plans[doc_plan[d]];
    return (*p.titles)[d - p.first_doc];
  }
  std::string doc_ref(int d) const { return plans[doc_plan[d]].id + "/" + doc_action(d); }
  std::vector<std::string> doc_categories(int d) const;
  /// A doc_rank no document from `d` on is below: plans are contiguous in both orders, so a
  /// document's rank is at least the first document of its plan.
  int rank_floor(int d) const { return d - largest_plan + 1; }
  /// True when some category of document `d` has `under[category]` set.
  bool doc_under(int d, const std::vector<char>& under) const;
  /// Mask over category ids: the category `id` and everything below it.
  std::vector<char> under(int id) const;

  int body(const std::string& id) const;  ///< -1 when unknown
  std::optional<double> own_population_at(int body, int year) const;
  std::optional<double> population_at(int body, int year) const;
  /// The districts and provinces above a body in `year`, sorted.
  std::vector<std::string> anchors(int body, int year) const;
  /// Plans of a body whose period covers `year`: searchable ones, or all but rejected ones.
  std::vector<int> plans_covering(int body, int year, bool searchable_only) const;
  std::vector<int> peers(int body, int year) const;
};

/// What the workspace needs of a PracticeIndex: the data behind it, and an index over data it
/// patched.
struct PracticeIndexAccess {
  static const std::shared_ptr<const PracticeData>& data(const PracticeIndex& index) {
    return index.data_;
  }
  static PracticeIndex of(std::shared_ptr<const PracticeData> data) {
    return PracticeIndex(std::move(data));
  }
};

}  // namespace civicplan::detail
