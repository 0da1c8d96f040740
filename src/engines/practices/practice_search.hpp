// SPDX-License-Identifier: Apache-2.0
// Exact top-k BM25 retrieval over a PracticeData, pruned with score bounds (MaxScore).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engines/practices/practice_data.hpp"

namespace civicplan::detail {

/// The documents a ranking may return, besides containing a query term.
struct DocumentFilter {
  /// When set, only the documents of [docs, docs_end), ascending (those under a category);
  /// `bitmap`, when set and not empty, holds the same documents.
  const int* docs = nullptr;
  const int* docs_end = nullptr;
  const DocBitmap* bitmap = nullptr;
  /// When set, only the documents of plans p with (*plans)[p] != 0.
  const std::vector<char>* plans = nullptr;
};

/// A ranked document: its BM25 score and the query terms it contains (bit i for `terms[i]`).
struct ScoredDocument {
  int doc = 0;
  double score = 0;
  std::uint64_t matched = 0;
};

/// The `limit` best documents containing at least one of `terms` (term ids, -1 for a word no
/// document has; at most 64) and passing `filter`: highest BM25 score first, ties in doc_rank
/// order. The result is exactly the first `limit` of scoring every such document and sorting,
/// scores included to the last bit (each is summed in the order of `terms`); score bounds only
/// let the search skip documents that cannot be among them.
std::vector<ScoredDocument> best_documents(const PracticeData& d, const std::vector<int>& terms,
                                           const DocumentFilter& filter, std::size_t limit);

}  // namespace civicplan::detail
