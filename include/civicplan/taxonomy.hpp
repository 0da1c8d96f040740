// SPDX-License-Identifier: Apache-2.0
// Action taxonomies (DAGs of category codes) and crosswalks between them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "civicplan/export.hpp"
#include "civicplan/shared_map.hpp"

namespace civicplan {

/// A category code of a taxonomy.
struct TaxonomyNode {
  std::string code;
  std::string label;
  std::vector<std::string> parents;
  std::optional<std::string> description;
  bool operator==(const TaxonomyNode& o) const {
    return code == o.code && label == o.label && parents == o.parents && description == o.description;
  }
};

/// A reference "<taxonomy>:<code>" split in its two parts.
struct CIVICPLAN_API CategoryRef {
  std::string taxonomy;
  std::string code;
  /// Splits at the first ':'; nullopt when either side is empty.
  static std::optional<CategoryRef> parse(const std::string& ref);
  std::string to_string() const { return taxonomy + ":" + code; }
};

namespace detail { struct TaxonomyIndex; }

/// A poly-hierarchy of category codes (a DAG: a node may have several parents).
class CIVICPLAN_API Taxonomy {
 public:
  Taxonomy() = default;
  Taxonomy(std::string id, std::string version, std::string label, std::vector<TaxonomyNode> nodes);

  const std::string& id() const { return id_; }
  const std::string& version() const { return version_; }
  const std::string& label() const { return label_; }
  /// The nodes in their definition order.
  const std::vector<TaxonomyNode>& nodes() const { return nodes_; }

  bool contains(const std::string& code) const;
  /// The node with this code; throws NotFoundError.
  const TaxonomyNode& node(const std::string& code) const;
  /// Every ancestor of a code (not the code itself), sorted.
  std::vector<std::string> ancestors(const std::string& code) const;
  /// Every descendant of a code (not the code itself), sorted.
  std::vector<std::string> descendants(const std::string& code) const;
  /// True when `code` is `ancestor` or one of its descendants.
  bool is_under(const std::string& code, const std::string& ancestor) const;
  /// 1 for a top-level code, else 1 + the smallest depth of its parents.
  int depth(const std::string& code) const;
  /// The codes at `depth` that are `code` or its ancestors, sorted.
  std::vector<std::string> ancestors_at_depth(const std::string& code, int depth) const;
  /// Top-level codes in definition order.
  std::vector<std::string> roots() const;
  /// A cycle among the parent links ("a, b, a"), if any.
  std::optional<std::vector<std::string>> find_cycle() const;

  bool operator==(const Taxonomy& o) const {
    return id_ == o.id_ && version_ == o.version_ && label_ == o.label_ && nodes_ == o.nodes_;
  }

 private:
  std::shared_ptr<const detail::TaxonomyIndex> index() const;
  std::string id_, version_, label_;
  std::vector<TaxonomyNode> nodes_;
  std::shared_ptr<const detail::TaxonomyIndex> index_;
};

/// Maps codes of taxonomy `from` onto codes of taxonomy `to`.
struct CIVICPLAN_API Crosswalk {
  std::string id;
  std::string from;
  std::string to;
  std::vector<std::pair<std::string, std::string>> pairs;
  /// The `to` codes paired with a `from` code, sorted.
  std::vector<std::string> map(const std::string& from_code) const;
  bool operator==(const Crosswalk& o) const {
    return id == o.id && from == o.from && to == o.to && pairs == o.pairs;
  }
};

/// True when a full reference "<tax>:<code>" is `ancestor` or below it.
CIVICPLAN_API bool is_under(const std::map<std::string, Taxonomy>& taxonomies, const std::string& ref,
                            const std::string& ancestor);
CIVICPLAN_API bool is_under(const SharedMap<std::string, Taxonomy>& taxonomies, const std::string& ref,
                            const std::string& ancestor);

CIVICPLAN_API void to_json(nlohmann::json& j, const Taxonomy& t);
CIVICPLAN_API void to_json(nlohmann::json& j, const Crosswalk& c);

}  // namespace civicplan
