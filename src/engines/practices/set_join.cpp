// SPDX-License-Identifier: Apache-2.0
// Similarity join of token sets by Jaccard threshold, with prefix filtering.
#include "engines/practices/set_join.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace civicplan::detail {

namespace {

constexpr double kEpsilon = 1e-9;

// The fewest common tokens a set of `size` tokens needs with any set at least `t` similar.
std::size_t min_overlap(std::size_t size, double t) {
  const auto needed = static_cast<std::size_t>(std::ceil(t * static_cast<double>(size) - kEpsilon));
  return std::max<std::size_t>(needed, 1);
}

std::size_t overlap(const std::vector<int>& x, const std::vector<int>& y) {
  std::size_t n = 0;
  auto i = x.begin(), j = y.begin();
  while (i != x.end() && j != y.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}

}  // namespace

std::vector<SimilarPair> jaccard_join(const std::vector<std::vector<int>>& sets, double threshold) {
  const int n = static_cast<int>(sets.size());
  // Rank tokens rarest first, so that prefixes hold the most selective tokens.
  int max_token = -1;
  for (const auto& s : sets) {
    if (!s.empty()) max_token = std::max(max_token, s.back());
  }
  std::vector<int> frequency(static_cast<std::size_t>(max_token + 1), 0);
  for (const auto& s : sets) {
    for (int t : s) ++frequency[t];
  }
  std::vector<int> by_rarity(frequency.size());
  std::iota(by_rarity.begin(), by_rarity.end(), 0);
  std::stable_sort(by_rarity.begin(), by_rarity.end(),
                   [&](int a, int b) { return frequency[a] < frequency[b]; });
  std::vector<int> rank(frequency.size());
  for (std::size_t r = 0; r < by_rarity.size(); ++r) rank[by_rarity[r]] = static_cast<int>(r);
  std::vector<std::vector<int>> records(sets.size());
  for (int i = 0; i < n; ++i) {
    records[i].reserve(sets[i].size());
    for (int t : sets[i]) records[i].push_back(rank[t]);
    std::sort(records[i].begin(), records[i].end());
  }

  // Smaller sets first: a set only meets earlier (no larger) sets in the index.
  std::vector<int> order;
  for (int i = 0; i < n; ++i) {
    if (!records[i].empty()) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return records[a].size() < records[b].size(); });

  std::vector<std::vector<int>> index(frequency.size());
  std::vector<std::size_t> start(frequency.size(), 0);  // entries before are too small for now on
  std::vector<int> seen(sets.size(), -1);
  std::vector<int> candidates;
  std::vector<SimilarPair> out;
  for (int x : order) {
    const auto& rx = records[x];
    const std::size_t size = rx.size();
    const std::size_t need = min_overlap(size, threshold);  // also the smallest partner size
    const std::size_t prefix = size - need + 1;
    candidates.clear();
    for (std::size_t p = 0; p < prefix; ++p) {
      const int token = rx[p];
      auto& list = index[token];
      std::size_t& first = start[token];
      while (first < list.size() && records[list[first]].size() < need) ++first;
      for (std::size_t k = first; k < list.size(); ++k) {
        const int y = list[k];
        if (seen[y] == x) continue;
        seen[y] = x;
        candidates.push_back(y);
      }
    }
    for (int y : candidates) {
      const std::size_t common = overlap(rx, records[y]);
      const double jaccard =
          static_cast<double>(common) / static_cast<double>(size + records[y].size() - common);
      if (jaccard >= threshold - kEpsilon) out.push_back({std::min(x, y), std::max(x, y), jaccard});
    }
    for (std::size_t p = 0; p < prefix; ++p) index[rx[p]].push_back(x);
  }
  std::sort(out.begin(), out.end(), [](const SimilarPair& l, const SimilarPair& r) {
    return l.a != r.a ? l.a < r.a : l.b < r.b;
  });
  return out;
}

}  // namespace civicplan::detail
