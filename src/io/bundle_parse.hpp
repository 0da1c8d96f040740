// SPDX-License-Identifier: Apache-2.0
// Parsing bundle objects into the model and checking a model's references and cycles.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "civicplan/model.hpp"
#include "io/json_reader.hpp"

namespace civicplan::detail {

/// Where each object of a model came from in the input, to name it in issues.
/// Objects with no recorded origin already lived in the workspace.
class Origins {
 public:
  void set(const std::string& kind, const std::string& key, std::string path) {
    paths_[kind][key] = Where{std::move(path), 0};
  }
  /// The object came from `<kind>[index]` of a bundle (kept as the index, built on demand).
  void set_item(const std::string& kind, const std::string& key, std::size_t index) {
    paths_[kind][key] = Where{std::string(), index + 1};
  }
  /// set_item, unless an object of `kind` with `key` was recorded already: then nothing changes
  /// and the result is the index of that first one.
  std::optional<std::size_t> add_item(const std::string& kind, const std::string& key, std::size_t index) {
    auto [it, inserted] = paths_[kind].try_emplace(key, Where{std::string(), index + 1});
    if (inserted) return std::nullopt;
    return it->second.item ? it->second.item - 1 : 0;
  }
  /// The input path of an object, or `workspace.<kind>["<key>"]`.
  std::string of(const std::string& kind, const std::string& key) const;
  bool has(const std::string& kind, const std::string& key) const;

 private:
  struct Where {
    std::string path;
    std::size_t item = 0;  // index + 1 when the path is `<kind>[index]`
  };
  std::map<std::string, std::unordered_map<std::string, Where>> paths_;
};

std::string statistic_key(const Statistic& s);
std::string feedback_key(const Feedback& f);
std::string certification_key(const CertificationRecord& c);
std::string ledger_key(const LedgerEntry& l);

// Each parse_* reports problems to `r` and returns the object as far as it could be read
// (so references of a flawed object are still checked); nullopt only when `v` is not an object.
std::optional<Body> parse_body(const json& v, const std::string& path, Reader& r);
std::optional<Taxonomy> parse_taxonomy(const json& v, const std::string& path, Reader& r);
std::optional<Crosswalk> parse_crosswalk(const json& v, const std::string& path, Reader& r);
std::optional<Plan> parse_plan(const json& v, const std::string& path, Reader& r);
std::optional<Statistic> parse_statistic(const json& v, const std::string& path, Reader& r);
std::optional<Feedback> parse_feedback(const json& v, const std::string& path, Reader& r);
std::optional<Place> parse_place(const json& v, const std::string& path, Reader& r);
std::optional<CertificationRecord> parse_certification(const json& v, const std::string& path, Reader& r);
std::optional<Case> parse_case(const json& v, const std::string& path, Reader& r);
std::optional<LedgerEntry> parse_ledger(const json& v, const std::string& path, Reader& r);
std::optional<User> parse_user(const json& v, const std::string& path, Reader& r);

/// Builds a model from a bundle one element of its top-level arrays at a time, so that a file
/// can be read while it is parsed, without holding its whole tree. Reports the issues
/// parse_bundle would, in the same order.
class BundleBuilder {
 public:
  BundleBuilder(Reader& r, Origins& origins);
  ~BundleBuilder();
  BundleBuilder(const BundleBuilder&) = delete;
  BundleBuilder& operator=(const BundleBuilder&) = delete;

  /// The position of `name` among the bundle's arrays, or -1.
  static int array_index(const std::string& name);
  /// Reads element `index` of the array number `array` (see array_index).
  void element(int array, std::size_t index, const json& v);
  /// Takes element `index` of "plans", already read (read_plan_text) as parse_plan would.
  void plan(std::size_t index, Plan&& p);
  /// The same for an element of "statistics", "cases" and "ledger".
  void statistic(std::size_t index, Statistic&& s);
  void case_record(std::size_t index, Case&& c);
  void ledger(std::size_t index, LedgerEntry&& l);
  /// Checks the bundle's other members (`header`: format, version, unknown fields, arrays given
  /// as something else than arrays), reports every issue to the reader and returns the model.
  Model finish(const json& header);

 private:
  // Records element `index` of `name` with `key`; false (and reported) when an earlier one has it.
  bool first(const char* name, std::size_t index, const std::string& key, const char* what);
  struct State;
  std::unique_ptr<State> state_;
};

/// Parses a whole bundle: the header, every array, duplicates within the bundle.
/// Records where each object came from in `origins`.
Model parse_bundle(const json& bundle, Reader& r, Origins& origins);

/// Checks every cross-reference and acyclicity constraint of `m`, naming objects by origin.
void check_model(const Model& m, const Origins& origins, std::vector<Issue>& issues);

}  // namespace civicplan::detail
