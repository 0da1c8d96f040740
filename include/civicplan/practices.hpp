// SPDX-License-Identifier: Apache-2.0
// Best practices (DESIGN §9): search over approved actions, recommendations, taxonomy upkeep.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"
#include "civicplan/model.hpp"
#include "civicplan/registry.hpp"

namespace civicplan {

/// A population class of bodies: from `min` inhabitants (included) up to `max` (excluded).
struct PopulationClass {
  std::string name;  ///< "under-3000", "3000-5000", ..., "over-50000"
  double min = 0;
  std::optional<double> max;  ///< absent for the last class
};

/// The classes recommendations compare bodies within: under 3,000; 3,000–5,000;
/// 5,000–15,000; 15,000–50,000; over 50,000 inhabitants.
CIVICPLAN_API const std::vector<PopulationClass>& population_classes();
/// The class a population falls in.
CIVICPLAN_API const PopulationClass& population_class_of(double population);

/// A range of population: `min` included, `max` excluded; either side may be open.
struct CIVICPLAN_API PopulationRange {
  std::optional<double> min;
  std::optional<double> max;
  bool contains(double population) const {
    return (!min || population >= *min) && (!max || population < *max);
  }
  /// The range of a population class by name; throws ValidationError for an unknown name.
  static PopulationRange of_class(const std::string& name);
  /// A class name ("3000-5000", "over-50000") or "MIN-MAX", "MIN-" or "-MAX" in inhabitants;
  /// throws ValidationError for anything else or when MIN is above MAX.
  static PopulationRange parse(const std::string& text);
};

/// One action found by a search.
struct PracticeHit {
  std::string action;  ///< "<plan>/<action>"
  std::string plan;
  std::string body;
  std::string title;
  std::vector<std::string> categories;  ///< the action's category references
  double score = 0;                     ///< BM25; 0 when searching without text
  std::vector<std::string>
      matched_terms;  ///< query words found in the action (text or category labels)
};

/// An action shown as an example of a practice.
struct PracticeExample {
  std::string action;  ///< "<plan>/<action>"
  std::string plan;
  std::string body;
  std::string title;
};

/// A category that similar bodies use and a body does not.
struct Recommendation {
  std::string category;  ///< "<taxonomy>:<code>"
  std::string label;
  double share = 0;  ///< peers_with / peers
  std::size_t peers_with = 0;
  std::size_t peers = 0;
  std::vector<PracticeExample> examples;  ///< up to 3, from different peers first
};

/// How often one category of a taxonomy is used.
struct CategoryUsage {
  std::string code;
  std::string label;
  int depth = 1;
  std::vector<std::size_t> counts;  ///< per year of TaxonomyUsage::years
  std::size_t total = 0;
};

/// Actions per category and year for one taxonomy (an action counts under every ancestor of
/// its categories too, once per category).
struct CIVICPLAN_API TaxonomyUsage {
  std::string taxonomy;
  std::vector<int> years;
  std::vector<CategoryUsage> categories;  ///< every code, in definition order
  std::vector<std::size_t> filed;         ///< per year, actions filed under at least one code
  /// The `n` codes with the smallest totals (ties by definition order).
  std::vector<CategoryUsage> least_used(std::size_t n = 10) const;
  nlohmann::json to_json() const;
};

/// Two actions with nearly the same text but no category in common.
struct NearDuplicate {
  std::string a;  ///< "<plan>/<action>", the first by (plan, action)
  std::string b;
  double similarity = 0;  ///< Jaccard similarity of their term sets
  std::vector<std::string> a_categories;
  std::vector<std::string> b_categories;
};

namespace detail {
struct PracticeData;
struct PracticeIndexAccess;
}  // namespace detail

/// A search index over the actions of approved (and archived) plans, with the statistics and
/// memberships recommendations need. Immutable and cheap to copy; it keeps what it needs, so it
/// stays valid after the model it was built from changes.
///
/// Texts are analysed for Italian: case and accent folding, apostrophe elision, stop words, and
/// a light stemmer that folds singular/plural and masculine/feminine endings.
class CIVICPLAN_API PracticeIndex {
 public:
  /// An empty index.
  PracticeIndex();
  /// Indexes a model.
  explicit PracticeIndex(const Model& model);
  /// Indexes a model whose membership registry is already built.
  PracticeIndex(const Model& model, const Registry& registry);

  /// Number of searchable actions (those of approved and archived plans).
  std::size_t size() const;

  /// Ranks searchable actions by BM25 (k1 = 1.2, b = 0.75) over their title (each word counting
  /// twice), description and the labels of their categories (so an action coded "large
  /// families" is found by those words even when its own text says "three or more children");
  /// an action matches when it has any query term. Without text (or with blank text) every
  /// action passing the filters is returned with score 0.
  /// Filters: `category` ("<taxonomy>:<code>", the action is filed under it or below it),
  /// `body_kind` of the plan's body, `population` of that body in the plan's first year (or
  /// the latest earlier year with a value), `years` the plan's period overlaps.
  /// Order: score descending, then plan id, then action id. Throws NotFoundError for an
  /// unknown category and ValidationError for an unknown body kind, a limit below 1 or a year
  /// out of range.
  std::vector<PracticeHit> search(const std::optional<std::string>& text = std::nullopt,
                                  const std::optional<std::string>& category = std::nullopt,
                                  const std::optional<std::string>& body_kind = std::nullopt,
                                  const std::optional<PopulationRange>& population = std::nullopt,
                                  const std::vector<int>& years = {}, int limit = 20) const;

  /// Categories used by a large share (at least `min_share`) of the body's peers in `year` and
  /// absent from every plan of the body covering that year (drafts included), best first:
  /// share descending, then category. Peers are the other bodies of the same kind, in the
  /// same population class that year, under a common district or province that year, with an
  /// approved plan covering the year. Throws NotFoundError for an unknown body and
  /// ValidationError for k below 1, a share outside 0..1 or a year out of range.
  std::vector<Recommendation> recommend(const std::string& body, int year, int k = 5,
                                        double min_share = 0.5) const;
  /// The peers of a body in a year, sorted by id (empty when its population is unknown).
  std::vector<std::string> peers(const std::string& body, int year) const;
  /// The `population` statistic of a body in `year` or the latest earlier year; for a group
  /// body without its own value, the sum over its leaves. nullopt when unknown.
  std::optional<double> population(const std::string& body, int year) const;

  /// Searchable actions per category of `taxonomy` and per year (every year a plan covers, or
  /// only `years`), counting only plans of bodies in the scope of `bodies` when given.
  /// Throws NotFoundError for an unknown taxonomy or body.
  TaxonomyUsage usage(const std::string& taxonomy, const std::vector<std::string>& bodies = {},
                      const std::vector<int>& years = {}) const;

  /// Pairs of searchable actions whose analysed own texts (title and description, without the
  /// category labels) have a Jaccard similarity of at least `threshold` and whose categories
  /// have nothing in common (actions without categories are left out). Order: similarity
  /// descending, then a, then b; only the first `limit` pairs (all with nullopt). Actions with
  /// identical texts are compared once, and candidates come from an inverted index with prefix
  /// filtering, not from comparing every pair. Throws ValidationError unless 0 < threshold <= 1.
  std::vector<NearDuplicate> near_duplicates(double threshold = 0.8,
                                             std::optional<std::size_t> limit = 1000) const;

 private:
  friend struct detail::PracticeIndexAccess;
  explicit PracticeIndex(std::shared_ptr<const detail::PracticeData> data);
  std::shared_ptr<const detail::PracticeData> data_;
};

CIVICPLAN_API void to_json(nlohmann::json& j, const PracticeHit& h);
CIVICPLAN_API void to_json(nlohmann::json& j, const PracticeExample& e);
CIVICPLAN_API void to_json(nlohmann::json& j, const Recommendation& r);
CIVICPLAN_API void to_json(nlohmann::json& j, const CategoryUsage& u);
CIVICPLAN_API void to_json(nlohmann::json& j, const NearDuplicate& d);

}  // namespace civicplan
