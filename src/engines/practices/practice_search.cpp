// SPDX-License-Identifier: Apache-2.0
// Exact top-k BM25 retrieval over a PracticeData, pruned with score bounds (MaxScore).
//
// The search walks the documents in windows of 64 (one bitmap word), in ascending order. Each
// set it reads (the postings of a query term, the documents under the category filter) gives
// a word per window: from its bitmap when the set is dense, else from its list of documents.
// The candidates of a window are the documents of the "proposing" terms that every "required"
// set holds, found with a few word operations; bounds on the scores decide which terms propose
// and which sets are required, so that documents which cannot be among the best `limit` are
// never scored:
//
// - MaxScore (Turtle and Flood): with the terms ordered by their highest score, once a
//   document containing only the first few of them could not be kept, those terms stop
//   proposing candidates; they are only looked up for the candidates of the others, and a
//   candidate is dropped as soon as its known part plus their bounds falls short.
// - Required terms: once a document without some term could not be kept whatever its other
//   terms, candidates must contain that term; the category's documents are required throughout.
// - Window bounds: a dense term knows a bound on its scores in each window (in steps of its
//   highest score); a window whose candidates could not be kept even at the bounds of the
//   terms they contain is skipped, and a candidate's unknown scores are taken at those bounds.
//
// The search stays exact, ties included. Scores are summed in query order as an exhaustive
// search would, and a bound is the same ordered sum with bounds in place of the unknown
// scores: rounding is monotonic, so a bound is never below the score. A bound equal to the
// worst kept score still lets a document in when its doc_rank is lower, so equal bounds prune
// only documents of higher rank (PracticeData::rank_floor bounds the ranks of a window).
#include "engines/practices/practice_search.hpp"

#include <algorithm>
#include <limits>

namespace civicplan::detail {

namespace {

constexpr int kWindow = 64;  // documents per window: the bits of a bitmap word
constexpr int kNoWindow = std::numeric_limits<int>::max();
constexpr int kAnyRank = -1;

int popcount(std::uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555u;
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
  return static_cast<int>((x * 0x0101010101010101u) >> 56);
}

// The index of the lowest set bit of x != 0.
int lowest_bit(std::uint64_t x) {
#if defined(__GNUC__)
  return __builtin_ctzll(x);
#else
  return popcount((x & (~x + 1)) - 1);
#endif
}

// A set of documents read forward one window at a time: through its bitmap when dense, else
// through its ascending list. In the loaded window w, bit b of word() stands for document
// kWindow w + b, and position(b) is the index of that document in the list.
class DocSet {
 public:
  DocSet() = default;
  DocSet(const int* begin, const int* end, const DocBitmap* bitmap)
      : begin_(begin),
        at_(begin),
        end_(end),
        bitmap_(bitmap && !bitmap->empty() ? bitmap : nullptr) {}

  // The first window from `w` on holding a document of the set; kNoWindow when none is left.
  int next_window(int w) {
    if (bitmap_) {
      const int words = static_cast<int>(bitmap_->words.size());
      while (w < words && bitmap_->words[w] == 0) ++w;
      return w < words ? w : kNoWindow;
    }
    seek(w * kWindow);
    return at_ == end_ ? kNoWindow : *at_ / kWindow;
  }
  // Makes `w` the loaded window; windows only move forward.
  void load(int w) {
    if (w == window_) return;
    window_ = w;
    if (bitmap_) {
      word_ = bitmap_->words[w];
      base_ = bitmap_->rank.empty() ? 0 : bitmap_->rank[w];
      return;
    }
    seek(w * kWindow);
    base_ = at_ - begin_;
    word_ = 0;
    for (const int* p = at_; p != end_ && *p < (w + 1) * kWindow; ++p)
      word_ |= std::uint64_t{1} << (*p % kWindow);
  }
  const DocBitmap* bitmap() const { return bitmap_; }
  std::uint64_t word() const { return word_; }
  bool has(int bit) const { return (word_ >> bit) & 1; }
  std::int64_t position(int bit) const {
    return base_ + popcount(word_ & ((std::uint64_t{1} << bit) - 1));
  }

 private:
  // Moves the list cursor to the first document at or after `target`. Galloping (1, 2, 4, …
  // ahead, then a binary search) keeps a short move cheap and a long one logarithmic.
  void seek(int target) {
    if (at_ == end_ || *at_ >= target) return;
    const int* low = at_;  // *low < target
    std::ptrdiff_t step = 1;
    while (end_ - low > step && low[step] < target) {
      low += step;
      step *= 2;
    }
    at_ = std::lower_bound(low + 1, end_ - low > step ? low + step + 1 : end_, target);
  }

  const int* begin_ = nullptr;
  const int* at_ = nullptr;
  const int* end_ = nullptr;
  const DocBitmap* bitmap_ = nullptr;
  int window_ = -1;
  std::uint64_t word_ = 0;
  std::int64_t base_ = 0;
};

// A query term being searched: its postings and its bounds.
struct Term {
  int order = 0;  // among the searched terms, in query order: the order scores are summed in
  int bit = 0;    // position in the query, for the matched mask
  double idf = 0;
  double max_score = 0;
  double others_bound = 0;  // the highest score of a document without this term
  std::int64_t first = 0;   // its postings start at posting_doc[first]
  DocSet docs;

  // At least the score of each document of window `w`.
  double bound(int w) const {
    const auto* bitmap = docs.bitmap();
    return bitmap && !bitmap->bounds.empty() ? step_bound(max_score, bitmap->bounds[w]) : max_score;
  }
  // The score of document `doc`, bit `bit` of the loaded window, which has the term.
  double score(const PracticeData& d, int doc, int bit) const {
    return bm25_term_score(idf, d.posting_tf[first + docs.position(bit)], d.doc_norm(doc));
  }
};

// The sum of `values` in order, as a document's score is summed over the query terms.
double ordered_sum(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum;
}

// The best documents so far, in a heap whose front is the worst of them.
class Best {
 public:
  Best(const PracticeData& d, std::size_t limit) : d_(d), better_{&d}, limit_(limit) {}

  bool full() const { return kept_.size() >= limit_; }
  // Whether a document scoring at most `bound`, of doc_rank at least `rank`, could be kept.
  bool admits(double bound, int rank) const {
    if (!full()) return true;
    const auto& worst = kept_.front();
    return bound > worst.score || (bound == worst.score && rank < d_.doc_rank[worst.doc]);
  }
  // Whether document `doc`, scoring at most `bound`, could be kept.
  bool admits_doc(double bound, int doc) const {
    if (!full()) return true;
    const auto& worst = kept_.front();
    return bound > worst.score ||
           (bound == worst.score && d_.doc_rank[doc] < d_.doc_rank[worst.doc]);
  }
  // Keeps `s`, which admits_doc() let in, dropping the worst when full.
  void add(const ScoredDocument& s) {
    if (full()) {
      std::pop_heap(kept_.begin(), kept_.end(), better_);
      kept_.back() = s;
    } else {
      kept_.push_back(s);
    }
    std::push_heap(kept_.begin(), kept_.end(), better_);
  }
  std::vector<ScoredDocument> sorted() && {
    std::sort(kept_.begin(), kept_.end(), better_);
    return std::move(kept_);
  }

 private:
  // Higher score first, then lower doc_rank.
  struct Better {
    const PracticeData* d;
    bool operator()(const ScoredDocument& x, const ScoredDocument& y) const {
      return x.score != y.score ? x.score > y.score : d->doc_rank[x.doc] < d->doc_rank[y.doc];
    }
  };

  const PracticeData& d_;
  Better better_;
  std::size_t limit_;
  std::vector<ScoredDocument> kept_;
};

}  // namespace

std::vector<ScoredDocument> best_documents(const PracticeData& d, const std::vector<int>& terms,
                                           const DocumentFilter& filter, std::size_t limit) {
  // The searched terms, in query order; words no document has cannot match and are left out.
  std::vector<Term> searched;
  for (std::size_t q = 0; q < terms.size(); ++q) {
    const int id = terms[q];
    if (id < 0) continue;
    Term t;
    t.order = static_cast<int>(searched.size());
    t.bit = static_cast<int>(q);
    t.idf = d.idf(id);
    t.max_score = d.term_max_score[id];
    t.first = d.term_offsets[id];
    t.docs = DocSet(d.posting_doc.data() + t.first, d.posting_doc.data() + d.term_offsets[id + 1],
                    &d.term_bitmaps[id]);
    searched.push_back(t);
  }
  const int n = static_cast<int>(searched.size());
  std::vector<double> value(static_cast<std::size_t>(n), 0.0);  // per term, in query order
  for (auto& t : searched) {
    for (const auto& other : searched) value[other.order] = other.max_score;
    value[t.order] = 0;
    t.others_bound = ordered_sum(value);
  }

  // Terms by ascending bound. The first `lead` of them do not propose candidates: prefix_bound[m]
  // bounds the score of a document containing only terms among the first m.
  std::stable_sort(searched.begin(), searched.end(),
                   [](const Term& x, const Term& y) { return x.max_score < y.max_score; });
  std::fill(value.begin(), value.end(), 0.0);
  std::vector<double> prefix_bound{0.0};
  for (const auto& t : searched) {
    value[t.order] = t.max_score;
    prefix_bound.push_back(ordered_sum(value));
  }
  int lead = 0;
  // The sets every candidate must be in: the filter's, then those of the required terms.
  DocSet filter_docs(filter.docs, filter.docs_end, filter.bitmap);
  std::vector<DocSet*> required;
  if (filter.docs) required.push_back(&filter_docs);

  Best best(d, limit);
  std::vector<double> window_bound(static_cast<std::size_t>(n));  // per term, by bound order
  for (int w = 0;; ++w) {
    // The next window where a proposing term has a document, and every required set too.
    int next = kNoWindow;
    for (int i = lead; i < n; ++i) next = std::min(next, searched[i].docs.next_window(w));
    for (auto* r : required) {
      if (next != kNoWindow) next = std::max(next, r->next_window(next));
    }
    if (next == kNoWindow) break;
    if (next != w) {  // look again from there: a required set may have jumped past the terms
      w = next - 1;
      continue;
    }
    std::uint64_t candidates = 0;
    for (int i = lead; i < n; ++i) {
      searched[i].docs.load(w);
      candidates |= searched[i].docs.word();
    }
    for (auto* r : required) {
      r->load(w);
      candidates &= r->word();
    }
    if (candidates == 0) continue;
    // The window bound: each term at its bound over the window, where a candidate may have it.
    for (int i = 0; i < n; ++i) window_bound[i] = searched[i].bound(w);
    if (best.full()) {
      for (int i = 0; i < n; ++i) {
        const auto& t = searched[i];
        value[t.order] = i < lead || (t.docs.word() & candidates) ? window_bound[i] : 0.0;
      }
      if (!best.admits(ordered_sum(value), d.rank_floor(w * kWindow))) continue;
    }
    for (int i = 0; i < lead; ++i) searched[i].docs.load(w);

    for (; candidates != 0; candidates &= candidates - 1) {
      const int bit = lowest_bit(candidates);
      const int doc = w * kWindow + bit;
      if (filter.plans && !(*filter.plans)[d.doc_plan[doc]]) continue;
      // The proposing terms, then the others while the document can still be kept, the one
      // of highest bound first.
      std::uint64_t matched = 0;
      for (int i = 0; i < n; ++i) {
        const auto& t = searched[i];
        value[t.order] = 0;
        if (i < lead) {
          value[t.order] = window_bound[i];
        } else if (t.docs.has(bit)) {
          value[t.order] = t.score(d, doc, bit);
          matched |= std::uint64_t{1} << t.bit;
        }
      }
      bool kept = true;
      for (int i = lead - 1; i >= 0 && kept; --i) {
        kept = best.admits_doc(ordered_sum(value), doc);
        const auto& t = searched[i];
        value[t.order] = 0;
        if (kept && t.docs.has(bit)) {
          value[t.order] = t.score(d, doc, bit);
          matched |= std::uint64_t{1} << t.bit;
        }
      }
      const double score = ordered_sum(value);
      if (!kept || !best.admits_doc(score, doc)) continue;
      best.add({doc, score, matched});
      if (!best.full()) continue;

      // A better worst kept score: fewer proposing terms, maybe more required ones.
      while (lead < n && !best.admits(prefix_bound[lead + 1], kAnyRank)) ++lead;
      required.resize(filter.docs ? 1 : 0);
      for (auto& t : searched) {
        if (!best.admits(t.others_bound, kAnyRank)) required.push_back(&t.docs);
      }
    }
  }
  return std::move(best).sorted();
}

}  // namespace civicplan::detail
