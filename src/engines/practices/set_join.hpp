// SPDX-License-Identifier: Apache-2.0
// Similarity join of token sets by Jaccard threshold, with prefix filtering.
#pragma once

#include <vector>

namespace civicplan::detail {

/// Two sets, by index, and their Jaccard similarity.
struct SimilarPair {
  int a = 0;  ///< the smaller index
  int b = 0;
  double similarity = 0;
};

/// Every pair of sets whose Jaccard similarity |x ∩ y| / |x ∪ y| is at least `threshold`
/// (0 < threshold <= 1). Each set is a sorted list of distinct non-negative token ids; empty
/// sets never pair. Sets are compared rarest token first and only pairs that share a token in
/// their prefixes are verified (All-Pairs prefix and length filtering), so the work follows
/// the number of similar candidates rather than the square of the number of sets.
/// Pairs come sorted by (a, b).
std::vector<SimilarPair> jaccard_join(const std::vector<std::vector<int>>& sets, double threshold);

}  // namespace civicplan::detail
