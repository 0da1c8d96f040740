// SPDX-License-Identifier: Apache-2.0
// Resolving names, functions and arguments of parsed expressions.
#include <cmath>
#include <algorithm>

#include "civicplan/expression.hpp"
#include "io/json_reader.hpp"
#include "expr/program.hpp"

namespace civicplan {

namespace detail {

namespace {

enum class ArgType { kExpr, kString, kInt };

struct Param {
  const char* name;
  ArgType type;
};

struct FnSpec {
  const char* name;
  Fn fn;
  std::vector<Param> params;
  std::size_t required;
  bool variadic;  // any number (≥ required) of expressions
};

const std::vector<Param> kPlanFilters = {{"category", ArgType::kString},  {"plan_kind", ArgType::kString},
                                         {"status", ArgType::kString},    {"horizon", ArgType::kString},
                                         {"variant", ArgType::kString},   {"plan_status", ArgType::kString},
                                         {"objective", ArgType::kString}};

const std::vector<FnSpec>& specs() {
  static const std::vector<FnSpec> kSpecs = {
      {"actions", Fn::kActions, kPlanFilters, 0, false},
      {"budget", Fn::kBudget,
       {{"kind", ArgType::kString}, {"category", ArgType::kString}, {"plan_kind", ArgType::kString},
        {"source", ArgType::kString}, {"variant", ArgType::kString}, {"plan_status", ArgType::kString}},
       0, false},
      {"plans", Fn::kPlans, {{"kind", ArgType::kString}, {"status", ArgType::kString}, {"variant", ArgType::kString}},
       0, false},
      {"categories", Fn::kCategories,
       {{"taxonomy", ArgType::kString}, {"depth", ArgType::kInt}, {"plan_kind", ArgType::kString},
        {"variant", ArgType::kString}},
       2, false},
      {"rating", Fn::kRating, {}, 0, false},
      {"cases", Fn::kCases, {{"service", ArgType::kString}}, 0, false},
      {"new_cases", Fn::kNewCases, {{"service", ArgType::kString}}, 0, false},
      {"charged", Fn::kCharged, {{"service", ArgType::kString}}, 0, false},
      {"collected", Fn::kCollected, {{"service", ArgType::kString}}, 0, false},
      {"members", Fn::kMembers,
       {{"expr", ArgType::kExpr}, {"agg", ArgType::kString}, {"kind", ArgType::kString}}, 2, false},
      {"places", Fn::kPlaces, {{"category", ArgType::kString}}, 0, false},
      {"completion", Fn::kCompletion, {{"plan_kind", ArgType::kString}, {"weight", ArgType::kString}}, 0, false},
      {"certified", Fn::kCertified, {{"scheme", ArgType::kString}}, 1, false},
      {"held", Fn::kHeld, {{"scheme", ArgType::kString}}, 1, false},
      {"years_held", Fn::kYearsHeld, {{"scheme", ArgType::kString}}, 1, false},
      {"indicator", Fn::kIndicator, {{"id", ArgType::kString}}, 1, false},
      {"param", Fn::kParam, {{"name", ArgType::kString}}, 1, false},
      {"if", Fn::kIf, {{"condition", ArgType::kExpr}, {"then", ArgType::kExpr}, {"else", ArgType::kExpr}}, 3, false},
      {"min", Fn::kMin, {}, 1, true},
      {"max", Fn::kMax, {}, 1, true},
      {"abs", Fn::kAbs, {{"x", ArgType::kExpr}}, 1, false},
      {"round", Fn::kRound, {{"x", ArgType::kExpr}, {"digits", ArgType::kInt}}, 1, false},
      {"coalesce", Fn::kCoalesce, {}, 1, true},
      {"exists", Fn::kExists, {{"x", ArgType::kExpr}}, 1, false},
  };
  return kSpecs;
}

const FnSpec* find_spec(const std::string& name) {
  for (const auto& s : specs()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::vector<std::string> names_of(const std::set<std::string>& s) { return {s.begin(), s.end()}; }

class Compiler {
 public:
  Compiler(const std::string& text, const std::string& source, const Vocabulary& vocab)
      : text_(text), source_(source), vocab_(vocab) {}

  CNode compile(const Node& n) {
    CNode c;
    c.kind = n.kind;
    c.line = n.line;
    c.column = n.column;
    c.begin = n.begin;
    c.end = n.end;
    switch (n.kind) {
      case NodeKind::kNumber:
      case NodeKind::kBool:
        c.number = n.number;
        return c;
      case NodeKind::kString:
        fail(n, "a string can only be an argument such as category: \"family-tn:B\"");
      case NodeKind::kName:
        return name(n);
      case NodeKind::kCall:
        return call(n);
      case NodeKind::kLag:
        c.lag = n.lag;
        c.args.push_back(compile(*n.args[0]));
        return c;
      default:
        for (const auto& a : n.args) c.args.push_back(compile(*a));
        return c;
    }
  }

 private:
  [[noreturn]] void fail(const Node& n, const std::string& message) const { fail_at({n.line, n.column}, message); }
  [[noreturn]] void fail_at(std::pair<int, int> at, const std::string& message) const {
    throw ParseError(caret_message(text_, at.first, at.second, message), source_, at.first, at.second);
  }

  // Not inlined into compile(), whose frame is taken once per level of a deep expression.
  [[gnu::noinline]] CNode name(const Node& n) {
    if (!vocab_.statistics.count(n.text) && !vocab_.lenient_statistics) {
      std::vector<std::string> options = names_of(vocab_.statistics);
      for (const auto& s : specs()) options.push_back(s.name);
      std::string hint = did_you_mean(n.text, options);
      if (hint.empty() && !vocab_.statistics.empty()) {
        hint = "; known statistics: " + join(clip(names_of(vocab_.statistics)), ", ");
      }
      fail(n, "unknown name " + quote(n.text) + hint);
    }
    CNode c;
    c.kind = NodeKind::kName;
    c.name = n.text;
    c.line = n.line;
    c.column = n.column;
    c.begin = n.begin;
    c.end = n.end;
    return c;
  }

  static std::vector<std::string> clip(std::vector<std::string> v) {
    if (v.size() > 12) {
      v.resize(12);
      v.push_back("...");
    }
    return v;
  }

  const std::string& string_arg(const Node& call, const Node& arg, const std::string& param) const {
    if (arg.kind != NodeKind::kString) {
      fail(arg, "argument '" + param + "' of " + call.text + "() must be a string in quotes");
    }
    return arg.text;
  }

  template <class Options>
  std::string choice(const Node& call, const Node& arg, const std::string& param, const Options& options) const {
    const std::string& v = string_arg(call, arg, param);
    std::vector<std::string> names(options.begin(), options.end());
    if (std::find(names.begin(), names.end(), v) == names.end()) {
      fail(arg, "unknown " + param + " " + quote(v) + " for " + call.text + "(); expected one of " + join(names, ", ") +
                    did_you_mean(v, names));
    }
    return v;
  }

  // A free-text filter value: rejected only when it looks like a typo of a known value.
  std::string free_text(const Node& call, const Node& arg, const std::string& param,
                        const std::set<std::string>& known) const {
    const std::string& v = string_arg(call, arg, param);
    if (!known.count(v)) {
      const std::string hint = did_you_mean(v, names_of(known));
      if (!hint.empty()) fail(arg, "unknown " + param + " " + quote(v) + hint);
    }
    return v;
  }

  std::string category(const Node& call, const Node& arg, const std::string& param) const {
    const std::string& v = string_arg(call, arg, param);
    auto ref = CategoryRef::parse(v);
    if (!ref) fail(arg, "expected a category reference \"<taxonomy>:<code>\", got " + quote(v));
    const auto* taxonomies = vocab_.taxonomies;
    auto t = taxonomies ? taxonomies->find(ref->taxonomy) : SharedMap<std::string, Taxonomy>::const_iterator{};
    if (!taxonomies || t == taxonomies->end()) {
      std::vector<std::string> names;
      if (taxonomies) {
        for (const auto& kv : *taxonomies) names.push_back(kv.first);
      }
      fail(arg, "unknown category " + quote(v) + ": no taxonomy " + quote(ref->taxonomy) +
                    did_you_mean(ref->taxonomy, names));
    }
    if (!t->second.contains(ref->code)) {
      std::vector<std::string> codes;
      for (const auto& node : t->second.nodes()) codes.push_back(node.code);
      auto s = suggest(ref->code, codes);
      fail(arg, "unknown category " + quote(v) + (s.empty() ? "" : " (did you mean " + quote(ref->taxonomy + ":" + s) + "?)"));
    }
    return v;
  }

  int plan_status(const Node& call, const Node& arg) const {
    static const std::vector<std::string> kOptions = {"draft",    "submitted", "approved",
                                                      "rejected", "archived",  "any"};
    const std::string v = choice(call, arg, "plan_status", kOptions);
    if (v == "any") {
      return (1 << static_cast<int>(PlanStatus::kDraft)) | (1 << static_cast<int>(PlanStatus::kSubmitted)) |
             (1 << static_cast<int>(PlanStatus::kApproved)) | (1 << static_cast<int>(PlanStatus::kArchived));
    }
    return 1 << static_cast<int>(*plan_status_from_string(v));
  }

  // A call of a function of the language, its arguments bound to its parameters and resolved.
  [[gnu::noinline]] CNode call(const Node& n) {
    const FnSpec& spec = spec_of(n);
    CNode c;
    c.kind = NodeKind::kCall;
    c.fn = spec.fn;
    c.line = n.line;
    c.column = n.column;
    c.begin = n.begin;
    c.end = n.end;
    if (spec.variadic) {
      variadic_arguments(n, spec, c);
      return c;
    }
    const std::vector<const Node*> bound = bind(n, spec);
    std::string key = n.text;
    for (std::size_t k = 0; k < spec.params.size(); ++k) {
      if (bound[k]) argument(n, spec, spec.params[k], *bound[k], c, key);
    }
    if (spec.fn == Fn::kCategories && c.call.depth > 64) fail(n, "depth is too large");
    if (spec.fn == Fn::kParam) return parameter_constant(n, c.call.text);
    c.key = key;
    return c;
  }

  // The function `n` calls; fails, suggesting a known one, when there is none.
  const FnSpec& spec_of(const Node& n) const {
    const FnSpec* spec = find_spec(n.text);
    if (!spec) {
      std::vector<std::string> names;
      for (const auto& s : specs()) names.push_back(s.name);
      fail(n, "unknown function " + quote(n.text + "()") + did_you_mean(n.text, names));
    }
    return *spec;
  }

  // The arguments of a function taking any number of expressions (min, max, coalesce) into `c`.
  void variadic_arguments(const Node& n, const FnSpec& spec, CNode& c) {
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      if (!n.arg_names[i].empty()) fail(*n.args[i], n.text + "() takes no keyword arguments");
      c.args.push_back(compile(*n.args[i]));
    }
    if (c.args.size() < spec.required) fail(n, n.text + "() needs at least one argument");
  }

  // Per parameter of `spec`, the argument of `n` bound to it (positional, then keyword), or
  // nullptr; fails on a misplaced, unknown, repeated or missing required argument.
  std::vector<const Node*> bind(const Node& n, const FnSpec& spec) const {
    std::vector<const Node*> bound(spec.params.size(), nullptr);
    std::size_t positional = 0;
    bool seen_keyword = false;
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      const Node& arg = *n.args[i];
      std::size_t slot = 0;
      if (n.arg_names[i].empty()) {
        if (seen_keyword) fail(arg, "a positional argument cannot follow keyword arguments");
        if (positional >= spec.params.size()) {
          fail(arg, n.text + "() takes at most " + std::to_string(spec.params.size()) + " arguments");
        }
        slot = positional++;
      } else {
        seen_keyword = true;
        slot = keyword_slot(n, spec, i);
      }
      if (bound[slot]) fail(arg, "argument '" + std::string(spec.params[slot].name) + "' given twice");
      bound[slot] = &arg;
    }
    for (std::size_t k = 0; k < spec.required; ++k) {
      if (!bound[k]) fail(n, n.text + "() needs its argument '" + spec.params[k].name + "'");
    }
    return bound;
  }

  // The parameter of `spec` that keyword argument `i` of `n` names; fails when none does.
  std::size_t keyword_slot(const Node& n, const FnSpec& spec, std::size_t i) const {
    const std::string& kw = n.arg_names[i];
    std::vector<std::string> names;
    std::size_t slot = spec.params.size();
    for (std::size_t k = 0; k < spec.params.size(); ++k) {
      names.push_back(spec.params[k].name);
      if (kw == spec.params[k].name) slot = k;
    }
    if (slot == spec.params.size()) {
      fail_at(n.arg_name_at[i], "unknown argument " + quote(kw) + " of " + n.text + "()" +
                    (names.empty() ? "" : "; it takes " + join(names, ", ")) + did_you_mean(kw, names));
    }
    return slot;
  }

  // One bound argument of call `n` into `c`: an expression into its arguments, a value into its
  // call arguments and into the memo `key`.
  void argument(const Node& n, const FnSpec& spec, const Param& p, const Node& arg, CNode& c,
                std::string& key) {
    const std::string param = p.name;
    if (p.type == ArgType::kExpr) {
      c.args.push_back(compile(arg));
      return;
    }
    if (p.type == ArgType::kInt) {
      const int v = int_value(n, arg, param, c.call);
      key += "|" + param + "=" + std::to_string(v);
      return;
    }
    const std::string value = string_arg(n, arg, param);
    key += "|" + param + "=" + value;
    if (!filter_value(n, spec.fn, arg, param, c.call) &&
        !option_value(n, spec.fn, arg, param, c.call)) {
      reference_value(spec.fn, arg, param, value, c.call);
    }
  }

  // A whole-number argument (depth or digits) into `a`; returns it.
  int int_value(const Node& call, const Node& arg, const std::string& param, CallArgs& a) const {
    const bool negative = arg.kind == NodeKind::kNeg && arg.args[0]->kind == NodeKind::kNumber;
    const Node& num = negative ? *arg.args[0] : arg;
    // Range first: casting a double beyond int's range is undefined.
    if (num.kind != NodeKind::kNumber || !(num.number >= 0 && num.number <= 15) ||
        num.number != std::floor(num.number)) {
      fail(arg, "argument '" + param + "' of " + call.text + "() must be a whole number");
    }
    const int v = static_cast<int>(negative ? -num.number : num.number);
    if (param == "depth") {
      if (v < 1) fail(arg, "depth starts at 1 (the top level)");
      a.depth = v;
    } else {
      a.digits = v;
    }
    return v;
  }

  // A filter on what is counted (category, plan kind, statuses, horizon, variant, objective) into
  // `a`; false when `param` is none of them.
  bool filter_value(const Node& n, Fn fn, const Node& arg, const std::string& param, CallArgs& a) const {
    if (param == "category") {
      if (fn == Fn::kPlaces) {
        a.place_category = free_text(n, arg, "place category", vocab_.place_categories);
      } else {
        a.category = category(n, arg, param);
      }
    } else if (param == "plan_kind" || (param == "kind" && fn == Fn::kPlans)) {
      a.plan_kind = free_text(n, arg, "plan kind", vocab_.plan_kinds);
    } else if (param == "status" && fn == Fn::kPlans) {
      a.plan_status_mask = plan_status(n, arg);
    } else if (param == "status") {
      static const std::vector<std::string> kS = {"planned", "in_progress", "completed", "suspended", "cancelled"};
      a.action_status = static_cast<int>(*action_status_from_string(choice(n, arg, param, kS)));
    } else if (param == "horizon") {
      static const std::vector<std::string> kH = {"ongoing", "scheduled", "short_term", "long_term"};
      a.horizon = static_cast<int>(*horizon_from_string(choice(n, arg, param, kH)));
    } else if (param == "variant") {
      static const std::vector<std::string> kV = {"original", "update", "implementation"};
      a.variant = static_cast<int>(*plan_variant_from_string(choice(n, arg, param, kV)));
    } else if (param == "plan_status") {
      a.plan_status_mask = plan_status(n, arg);
    } else if (param == "objective") {
      a.objective = free_text(n, arg, param, vocab_.objectives);
    } else {
      return false;
    }
    return true;
  }

  // An option of what is measured and how (budget kind and source, member kind and aggregate,
  // service, taxonomy, completion weight) into `a`; false when `param` is none of them.
  bool option_value(const Node& n, Fn fn, const Node& arg, const std::string& param, CallArgs& a) const {
    if (param == "kind" && fn == Fn::kBudget) {
      static const std::vector<std::string> kK = {"planned", "actual"};
      a.actual = choice(n, arg, param, kK) == "actual";
    } else if (param == "kind" && fn == Fn::kMembers) {
      static const std::vector<std::string> kB = {"municipality", "union",  "district",    "province",
                                                  "region",       "agency", "organization"};
      a.member_kind = *body_kind_from_string(choice(n, arg, param, kB));
    } else if (param == "source") {
      a.source = free_text(n, arg, param, vocab_.sources);
    } else if (param == "service") {
      if (fn == Fn::kCases || fn == Fn::kNewCases) {
        a.service = category(n, arg, param);
      } else {
        a.service = free_text(n, arg, "ledger service", vocab_.ledger_services);
      }
    } else if (param == "taxonomy") {
      std::vector<std::string> names;
      if (vocab_.taxonomies) {
        for (const auto& kv : *vocab_.taxonomies) names.push_back(kv.first);
      }
      a.taxonomy = choice(n, arg, param, names);
    } else if (param == "agg") {
      static const std::vector<std::string> kA = {"sum", "mean", "min", "max", "count", "share"};
      const std::string v = choice(n, arg, param, kA);
      a.agg = v == "sum" ? Agg::kSum : v == "mean" ? Agg::kMean : v == "min" ? Agg::kMin
            : v == "max" ? Agg::kMax : v == "count" ? Agg::kCount : Agg::kShare;
    } else if (param == "weight") {
      static const std::vector<std::string> kW = {"budget", "equal"};
      a.equal_weight = choice(n, arg, param, kW) == "equal";
    } else {
      return false;
    }
    return true;
  }

  // A reference to a ruleset (scheme), an indicator (id) or a parameter (name) into `a`.
  void reference_value(Fn fn, const Node& arg, const std::string& param, const std::string& value,
                       CallArgs& a) const {
    if (param == "scheme") {
      a.text = value;
      if (fn == Fn::kCertified && !vocab_.schemes.count(value)) {
        fail(arg, "unknown scheme " + quote(value) + " for certified(): no ruleset with that id" +
                      did_you_mean(value, names_of(vocab_.schemes)));
      }
    } else if (param == "id") {
      if (!vocab_.indicators.count(value)) {
        fail(arg, "unknown indicator " + quote(value) + did_you_mean(value, names_of(vocab_.indicators)));
      }
      a.text = value;
    } else if (param == "name") {
      if (!vocab_.parameters.count(value)) {
        std::vector<std::string> names;
        for (const auto& kv : vocab_.parameters) names.push_back(kv.first);
        fail(arg, "unknown parameter " + quote(value) +
                      (names.empty() ? " (parameters are defined by a ruleset version)" : did_you_mean(value, names)));
      }
      a.text = value;
    }
  }

  // param(name) compiled: parameters are fixed per ruleset version, so the compiled rule holds
  // the value itself.
  CNode parameter_constant(const Node& n, const std::string& name) const {
    CNode constant;
    constant.kind = NodeKind::kNumber;
    constant.number = vocab_.parameters.at(name);
    constant.line = n.line;
    constant.column = n.column;
    constant.begin = n.begin;
    constant.end = n.end;
    return constant;
  }

  const std::string& text_;
  const std::string& source_;
  const Vocabulary& vocab_;
};

}  // namespace

namespace {

const char* const kBuiltinKinds[] = {"family", "zone", "digital_agenda", "social"};
const char* const kBuiltinSources[] = {"municipal", "provincial", "regional", "state", "eu", "private"};

// Counts the kind, the objectives and the budget sources of `p` into `v`, each once, by `sign`.
void count_plan(Vocabulary& v, const Plan& p, int sign) {
  auto count = [sign](std::map<std::string, int>& uses, const std::string& name) {
    auto it = uses.emplace(name, 0).first;
    if ((it->second += sign) <= 0) uses.erase(it);
  };
  count(v.kind_uses, p.kind);
  std::vector<const std::string*> seen;
  auto once = [&seen](const std::string& name) {
    for (const auto* s : seen) {
      if (*s == name) return false;
    }
    seen.push_back(&name);
    return true;
  };
  for (const auto& o : p.objectives) {
    if (once(o.id)) count(v.objective_uses, o.id);
  }
  seen.clear();
  for (const auto& a : p.actions) {
    for (const auto& b : a.budget) {
      if (once(b.source)) count(v.source_uses, b.source);
    }
  }
}

void names_of_plans(Vocabulary& v) {
  v.plan_kinds.clear();
  v.objectives.clear();
  v.sources.clear();
  for (const auto& [name, n] : v.kind_uses) v.plan_kinds.insert(v.plan_kinds.end(), name);
  for (const auto& [name, n] : v.objective_uses) v.objectives.insert(v.objectives.end(), name);
  for (const auto& [name, n] : v.source_uses) v.sources.insert(v.sources.end(), name);
  for (const char* k : kBuiltinKinds) v.plan_kinds.insert(k);
  for (const char* s : kBuiltinSources) v.sources.insert(s);
}

void statistics_names(Vocabulary& v, const Model& m) {
  // Names repeat in runs (a body's variables): skip a repeat of the last.
  v.statistics.clear();
  const std::string* last = nullptr;
  for (const auto& [key, s] : m.statistics) {
    if (last && *last == s.variable) continue;
    v.statistics.insert(s.variable);
    last = &s.variable;
  }
}

void ledger_names(Vocabulary& v, const Model& m) {
  v.ledger_services.clear();
  for (const auto& [key, l] : m.ledger) v.ledger_services.insert(l.service);
}

void place_names(Vocabulary& v, const Model& m) {
  v.place_categories.clear();
  for (const auto& [id, p] : m.places) v.place_categories.insert(p.category);
}

void definition_names(Vocabulary& v, const Model& m) {
  v.indicators.clear();
  v.schemes.clear();
  for (const auto& [id, i] : m.indicators) v.indicators.insert(id);
  for (const auto& [id, r] : m.rulesets) v.schemes.insert(id);
}

}  // namespace

Vocabulary Vocabulary::from_model(const Model& m) {
  Vocabulary v;
  statistics_names(v, m);
  for (const auto& [id, p] : m.plans) count_plan(v, p, 1);
  names_of_plans(v);
  ledger_names(v, m);
  place_names(v, m);
  definition_names(v, m);
  v.taxonomies = &m.taxonomies;
  return v;
}

Vocabulary Vocabulary::patched(const Vocabulary& previous, const Model& before, const Model& after,
                               const std::vector<PlanStep>& steps) {
  Vocabulary v = previous;
  if (!after.statistics.shares(before.statistics)) statistics_names(v, after);
  bool plans_changed = false;
  for (const auto& step : steps) {
    if (step.kept()) continue;
    if (step.before) count_plan(v, *step.before, -1);
    if (step.after) count_plan(v, *step.after, 1);
    plans_changed = true;
  }
  if (plans_changed) names_of_plans(v);
  if (!after.ledger.shares(before.ledger)) ledger_names(v, after);
  if (!after.places.shares(before.places)) place_names(v, after);
  if (!after.indicators.shares(before.indicators) || !after.rulesets.shares(before.rulesets)) definition_names(v, after);
  v.taxonomies = &after.taxonomies;
  return v;
}

bool Vocabulary::same_names(const Vocabulary& o) const {
  return statistics == o.statistics && plan_kinds == o.plan_kinds && objectives == o.objectives &&
         sources == o.sources && ledger_services == o.ledger_services && place_categories == o.place_categories &&
         indicators == o.indicators && schemes == o.schemes && parameters == o.parameters &&
         lenient_statistics == o.lenient_statistics;
}

CNode compile(const Node& root, const std::string& text, const std::string& source, const Vocabulary& vocab) {
  return Compiler(text, source, vocab).compile(root);
}

CNode compile_text(const std::string& text, const std::string& source, const Vocabulary& vocab) {
  auto root = parse_expression(text, source);
  return compile(*root, text, source, vocab);
}

void collect_references(const CNode& n, std::set<std::string>& indicators, std::set<std::string>& schemes) {
  if (n.kind == NodeKind::kCall) {
    if (n.fn == Fn::kIndicator) indicators.insert(n.call.text);
    if (n.fn == Fn::kCertified) schemes.insert(n.call.text);
  }
  for (const auto& a : n.args) collect_references(a, indicators, schemes);
}

}  // namespace detail

const std::vector<std::string>& expression_functions() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& s : detail::specs()) names.push_back(s.name);
    std::sort(names.begin(), names.end());
    return names;
  }();
  return kNames;
}

}  // namespace civicplan
