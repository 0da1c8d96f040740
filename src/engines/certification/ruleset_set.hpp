// SPDX-License-Identifier: Apache-2.0
// Compiled certification rulesets and their evaluation over batches of bodies.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "civicplan/certification.hpp"
#include "engines/indicators/indicator_set.hpp"
#include "expr/program.hpp"
#include "io/bundle_parse.hpp"

namespace civicplan::detail {

struct CompiledRule {
  Rule def;
  CNode expr;
};

struct CompiledVersion {
  RulesetVersion def;
  std::vector<CompiledRule> rules;
  std::optional<CNode> min_points;
};

struct CompiledRuleset {
  Ruleset def;
  std::vector<CompiledVersion> versions;
  const CompiledVersion* version_for(int year) const;
};

std::optional<Ruleset> parse_ruleset(const json& v, const std::string& path, Reader& r);

class RulesetSet {
 public:
  /// Parses and compiles every ruleset of `m` (rule expressions see the version's parameters,
  /// the workspace's indicators and the other schemes); rejects certified() cycles.
  /// `vocab`, when given, is Vocabulary::from_model(m), computed once by the caller.
  static std::shared_ptr<const RulesetSet> build(const Model& m, const Origins& origins, std::vector<Issue>& issues,
                                                 const Vocabulary* vocab = nullptr);

  const CompiledRuleset* find(const std::string& id) const;
  const std::map<std::string, CompiledRuleset>& all() const { return rulesets_; }

  /// Evaluates `scheme` for every body of `batch` in `year`, all at once, under `version`
  /// (by default the one in force). Throws Error when the scheme does not exist or has no
  /// version in force.
  CertificationTable evaluate(Evaluator& ev, const std::string& scheme, const Batch& batch, int year,
                              bool preview, const CompiledVersion* version = nullptr) const;

  /// The version of `scheme` in force in `year` with `parameters` replacing its own, its rules
  /// compiled again. NotFoundError for an unknown scheme or a parameter the version does not
  /// have (naming the ones it has); ValidationError for a value that is not finite.
  std::shared_ptr<const CompiledVersion> with_parameters(const std::string& scheme, int year,
                                                         const std::map<std::string, double>& parameters) const;

 private:
  std::map<std::string, CompiledRuleset> rulesets_;
  // The names the rules were compiled against, for compiling them again.
  std::shared_ptr<const Vocabulary> vocabulary_;
};

/// Options for an evaluator that also answers certified() from `rulesets`; `self` must be set
/// to the evaluator once it is constructed.
EvalOptions certification_options(const RulesetSet& rulesets, const IndicatorSet& indicators, bool preview,
                                  Evaluator** self);

}  // namespace civicplan::detail
