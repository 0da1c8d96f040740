// SPDX-License-Identifier: Apache-2.0
// Explanations: the evaluator run for one body with a trace of every node it evaluates, the
// records behind each fact function and the reason of every null.
#include <algorithm>
#include <climits>
#include <set>
#include <unordered_set>

#include "expr/program.hpp"

namespace civicplan::detail {

namespace {

std::string year_text(int year) { return std::to_string(year); }

bool plan_derived(Fn fn) {
  switch (fn) {
    case Fn::kActions:
    case Fn::kBudget:
    case Fn::kPlans:
    case Fn::kCategories:
    case Fn::kRating:
    case Fn::kCompletion:
      return true;
    default:
      return false;
  }
}

// What an explanation calls a body kind in a sentence: "a district".
std::string a_kind(BodyKind k) {
  const std::string name = to_string(k);
  const bool vowel = !name.empty() && std::string("aeiou").find(name[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + name;
}

}  // namespace

Explanation Evaluator::explain(const CNode& root, const std::string& text, int body, int year) {
  Trace trace;
  trace.texts.push_back(&text);
  Trace* outer = trace_;
  trace_ = &trace;
  try {
    auto values = eval(root, Batch{"", {body}}, year);
    recycle(std::move(values));
  } catch (...) {
    trace_ = outer;
    throw;
  }
  trace_ = outer;
  return std::move(trace.root);
}

std::vector<double> Evaluator::traced(const CNode& n, const Batch& batch, int year) {
  Trace& t = *trace_;
  Explanation* e;
  if (!t.started) {
    t.started = true;
    e = &t.root;
  } else {
    // The parent's children grow only while this node is not open: the pointer stays valid.
    auto& siblings = t.open.back()->children;
    siblings.emplace_back();
    e = &siblings.back();
    ++t.open.back()->children_total;
  }
  const int body = batch.bodies[0];
  const std::string& text = *t.texts.back();
  if (n.begin < n.end && n.end <= text.size()) e->expression = text.substr(n.begin, n.end - n.begin);
  e->body = facts_.body_ids[body];
  e->year = year;
  t.open.push_back(e);
  struct Close {
    Trace& t;
    ~Close() { t.open.pop_back(); }
  } close{t};

  std::vector<double> values;
  if (n.kind == NodeKind::kCall && n.fn == Fn::kIndicator) {
    // The formula is another text: its nodes are cut from it.
    const auto source = options_.formula_text ? options_.formula_text(n.call.text, year)
                                              : std::pair<const std::string*, std::optional<int>>{nullptr, {}};
    if (source.first) t.texts.push_back(source.first);
    else ++t.suspended;
    try {
      values = eval_node(n, batch, year);
    } catch (...) {
      if (source.first) t.texts.pop_back();
      else --t.suspended;
      throw;
    }
    if (source.first) t.texts.pop_back();
    else --t.suspended;
    if (!e->children.empty()) {
      e->children.front().indicator = n.call.text;
      e->children.front().formula_from = source.second;
    }
  } else if (n.kind == NodeKind::kCall && (n.fn == Fn::kMembers || n.fn == Fn::kCertified)) {
    // Evaluated over other batches (the members of a kind, a ruleset's bodies): not traced.
    ++t.suspended;
    try {
      values = eval_node(n, batch, year);
    } catch (...) {
      --t.suspended;
      throw;
    }
    --t.suspended;
    if (n.fn == Fn::kMembers) {
      // The members' values, one child each, evaluated again for one member at a time.
      const auto& scope = facts_.scope(year);
      std::size_t total = 0;
      for (int k = scope.offsets[body]; k < scope.offsets[body + 1]; ++k) {
        const int m = scope.items[k];
        if (facts_.body_kind[m] != n.call.member_kind) continue;
        ++total;
        if (e->children.size() < Explanation::kMaxFacts) recycle(eval(n.args[0], Batch{"", {m}}, year));
      }
      e->children_total = total;
    }
  } else {
    values = eval_node(n, batch, year);
  }
  if (!is_null(values[0])) e->value = values[0];
  if (n.kind == NodeKind::kName || (n.kind == NodeKind::kCall && n.fn != Fn::kMembers)) list_facts(n, body, year, *e);
  if (!e->value) e->null_reason = null_reason(n, *e, body, year);
  return values;
}

std::vector<char> Evaluator::scope_mask(int body, int year) const {
  std::vector<char> in(facts_.body_count(), 0);
  const Csr& scope = facts_.scope(year);
  for (int k = scope.offsets[body]; k < scope.offsets[body + 1]; ++k) in[scope.items[k]] = 1;
  return in;
}

void Evaluator::list_facts(const CNode& n, int body, int year, Explanation& e) {
  const auto add = [&e](const char* kind, std::string ref, int y, std::optional<double> value) {
    ++e.facts_total;
    if (e.facts.size() < Explanation::kMaxFacts) e.facts.push_back({kind, std::move(ref), y, value});
  };
  const Model& model = facts_.model();
  const auto action_ref = [&](int act) {
    return facts_.plan_ids[facts_.action_plan[act]] + "/" + facts_.actions[act]->id;
  };
  if (n.kind == NodeKind::kName) {
    auto var = facts_.statistics.find(n.name);
    if (var == facts_.statistics.end()) return;
    auto col = var->second.find(year);
    if (col == var->second.end()) return;
    const auto& own = col->second;
    if (!is_null(own[body])) {
      add("statistic", facts_.body_ids[body] + "/" + n.name, year, own[body]);
      return;
    }
    // The sum over the leaves of the scope: every leaf that has a value.
    const Csr& leaves = facts_.leaves(year);
    for (int k = leaves.offsets[body]; k < leaves.offsets[body + 1]; ++k) {
      const int leaf = leaves.items[k];
      if (leaf != body && !is_null(own[leaf])) add("statistic", facts_.body_ids[leaf] + "/" + n.name, year, own[leaf]);
    }
    return;
  }
  const CallArgs& a = n.call;
  const std::vector<char> in = scope_mask(body, year);
  switch (n.fn) {
    case Fn::kPlans: {
      const auto& plans = plan_mask(a, n.fn, year);
      for (std::size_t p = 0; p < plans.size(); ++p) {
        if (plans[p] && in[facts_.plans[p].body]) add("plan", facts_.plan_ids[p], year, 1.0);
      }
      return;
    }
    case Fn::kActions:
    case Fn::kCategories:
    case Fn::kCompletion:
    case Fn::kRating: {
      const bool actions = n.fn == Fn::kActions;
      const auto& plans = plan_mask(actions || n.fn == Fn::kCompletion || n.fn == Fn::kCategories ? a : CallArgs{},
                                    Fn::kActions, year);
      const std::vector<char>* cats = actions && !a.category.empty() ? &facts_.under(a.category) : nullptr;
      // categories(): the actions that have a category of the taxonomy, whose ids are
      // [first, end).
      int first = 0, end = 0;
      if (n.fn == Fn::kCategories) {
        for (std::size_t c = 0; c < facts_.categories.size(); ++c) {
          const auto& name = facts_.categories.names()[c];
          if (name.compare(0, a.taxonomy.size() + 1, a.taxonomy + ":") == 0) {
            first = facts_.category_range[c].first;
            end = facts_.category_range[c].second;
            break;
          }
        }
      }
      std::unordered_set<std::string> rated;
      const int end_of_year = year * 10000 + 1231;
      for (std::size_t p = 0; p < plans.size(); ++p) {
        if (!plans[p] || !in[facts_.plans[p].body]) continue;
        const auto& pf = facts_.plans[p];
        for (int act = pf.first_action; act < pf.first_action + pf.action_count; ++act) {
          if (actions) {
            if (action_ok(act, a, cats)) add("action", action_ref(act), year, 1.0);
          } else if (n.fn == Fn::kCompletion) {
            add("action", action_ref(act), year, completion_at(act, end_of_year));
          } else if (n.fn == Fn::kCategories) {
            const auto& ac = facts_.action_categories;
            bool any = false;
            for (int k = ac.offsets[act]; k < ac.offsets[act + 1]; ++k) any = any || (ac.items[k] >= first && ac.items[k] < end);
            if (any) add("action", action_ref(act), year, 1.0);
          } else {
            rated.insert(action_ref(act));
          }
        }
      }
      if (n.fn == Fn::kRating) {
        for (const auto& f : model.feedback) {
          if (rated.count(f.action)) add("feedback", f.action + "/" + f.date.to_string(), f.date.year, f.rating);
        }
      }
      return;
    }
    case Fn::kBudget: {
      const auto& plans = plan_mask(a, n.fn, year);
      auto found = facts_.lines_by_year.find(year);
      if (found == facts_.lines_by_year.end()) return;
      const int source = a.source.empty() ? -1 : facts_.sources.find(a.source);
      if (!a.source.empty() && source < 0) return;
      const std::vector<char>* cats = a.category.empty() ? nullptr : &facts_.under(a.category);
      CallArgs others = a;  // the filters of the lines' actions: only the category
      others.category.clear();
      others.action_status = -1;
      others.horizon = -1;
      others.objective.clear();
      const YearLines& lines = found->second;
      for (std::size_t l = 0; l < lines.size(); ++l) {
        if (!plans[lines.plan[l]] || !in[lines.body[l]] || (source >= 0 && lines.source[l] != source)) continue;
        if (cats && !action_ok(lines.action[l], others, cats)) continue;
        const auto cents = a.actual ? lines.actual[l] : lines.planned[l];
        add("budget_line", action_ref(lines.action[l]) + "/" + facts_.sources.names()[lines.source[l]], year,
            static_cast<double>(cents) / 100.0);
      }
      return;
    }
    case Fn::kCases:
    case Fn::kNewCases: {
      const std::vector<char>* svc = a.service.empty() ? nullptr : &facts_.under(a.service);
      for (const auto& [id, c] : model.cases) {
        const int b = facts_.body(c.body);
        if (b < 0 || !in[b]) continue;
        const int service = facts_.categories.find(c.service);
        if (svc && (svc->empty() || service < 0 || !(*svc)[service])) continue;
        const bool counts = n.fn == Fn::kCases ? c.active_in(year) : c.opened.year == year;
        if (counts) add("case", id, year, 1.0);
      }
      return;
    }
    case Fn::kCharged:
    case Fn::kCollected: {
      const int service = a.service.empty() ? -1 : facts_.ledger_services.find(a.service);
      auto range = facts_.ledger_by_year.find(year);
      if ((!a.service.empty() && service < 0) || range == facts_.ledger_by_year.end()) return;
      for (std::size_t k = range->second.first; k < range->second.second; ++k) {
        const auto& l = facts_.ledger[k];
        if (!in[l.body] || (service >= 0 && l.service != service)) continue;
        const auto cents = n.fn == Fn::kCharged ? l.charged : l.collected;
        add("ledger", facts_.body_ids[l.body] + "/" + facts_.ledger_services.names()[l.service], year,
            static_cast<double>(cents) / 100.0);
      }
      return;
    }
    case Fn::kPlaces: {
      for (const auto& [id, p] : model.places) {
        const int b = facts_.body(p.body);
        if (b < 0 || !in[b] || (!a.place_category.empty() && p.category != a.place_category)) continue;
        if (p.since && p.since->year > year) continue;
        add("place", id, year, 1.0);
      }
      return;
    }
    case Fn::kHeld:
    case Fn::kYearsHeld: {
      const int scheme = facts_.schemes.find(a.text);
      const Date end_date{year, 12, 31};
      for (const auto& c : facts_.certifications) {
        if (c.body != body || c.scheme != scheme || end_date < c.date) continue;
        const bool grants = c.status == CertificationStatus::kGranted || c.status == CertificationStatus::kRenewed;
        add("certification", facts_.body_ids[body] + "/" + a.text + "/" + c.date.to_string(), c.date.year,
            grants ? 1.0 : 0.0);
      }
      return;
    }
    default:
      return;
  }
}

std::string Evaluator::statistic_reason(const std::string& name, int body, int year) const {
  const std::string& id = facts_.body_ids[body];
  auto var = facts_.statistics.find(name);
  if (var == facts_.statistics.end()) return "no statistic \"" + name + "\" in the workspace";
  auto col = var->second.find(year);
  if (col == var->second.end()) {
    std::string years;
    const auto& by_year = var->second;
    years = year_text(by_year.begin()->first);
    if (by_year.size() > 1) years += "–" + year_text(by_year.rbegin()->first);
    return name + " missing for " + id + " in " + year_text(year) + ": no body has it that year (" + name +
           " is given for " + years + ")";
  }
  const auto& own = col->second;
  const Csr& leaves = facts_.leaves(year);
  const int from = leaves.offsets[body], to = leaves.offsets[body + 1];
  if (to - from == 1 && leaves.items[from] == body) return name + " missing for " + id + " in " + year_text(year);
  int first = -1, missing = 0;
  for (int k = from; k < to; ++k) {
    if (is_null(own[leaves.items[k]])) {
      if (first < 0) first = leaves.items[k];
      ++missing;
    }
  }
  if (first < 0) return name + " missing for " + id + " in " + year_text(year);
  if (missing == to - from) {
    std::string some;
    for (int k = from; k < to && k < from + 3; ++k) some += (k > from ? ", " : "") + facts_.body_ids[leaves.items[k]];
    return name + " missing in " + year_text(year) + " for every one of the " + std::to_string(missing) +
           " leaves of " + id + " (" + some + (missing > 3 ? ", …)" : ")");
  }
  std::string out = name + " missing for " + facts_.body_ids[first] + " in " + year_text(year) + ", a leaf of " + id;
  if (facts_.body_kind[first] != BodyKind::kMunicipality) {
    out += " (" + a_kind(facts_.body_kind[first]) + " without members in " + year_text(year) + ")";
  }
  if (missing > 1) {
    out += "; " + std::to_string(missing - 1) + " more of its " + std::to_string(to - from) + " leaves lack it";
  }
  return out;
}

std::string Evaluator::plan_hint(const CNode& n, int body, int year) {
  if (n.kind != NodeKind::kCall || !plan_derived(n.fn)) return "";
  const CallArgs& a = n.call;
  const auto& plans = plan_mask(n.fn == Fn::kRating ? CallArgs{} : a, n.fn == Fn::kPlans ? Fn::kPlans : Fn::kActions,
                                year);
  const auto in = scope_mask(body, year);
  for (std::size_t p = 0; p < plans.size(); ++p) {
    if (plans[p] && in[facts_.plans[p].body]) return "";
  }
  const std::string kind = a.plan_kind.empty() ? "" : a.plan_kind + " ";
  // The default statuses: approved (and archived) plans, or every one but rejected in a preview.
  const std::string status = a.plan_status_mask || options_.preview ? "" : "approved ";
  const Csr& scope = facts_.scope(year);
  const bool group = scope.offsets[body + 1] - scope.offsets[body] > 1;
  return "; no " + status + kind + "plan of " + facts_.body_ids[body] + (group ? "'s scope" : "") + " covers " +
         year_text(year);
}

std::string Evaluator::null_reason(const CNode& n, const Explanation& e, int body, int year) {
  const std::string& id = facts_.body_ids[body];
  const auto child_reason = [&e]() -> std::optional<std::string> {
    for (const auto& c : e.children) {
      if (!c.value && c.null_reason) return c.null_reason;
    }
    return std::nullopt;
  };
  switch (n.kind) {
    case NodeKind::kString:
      return "a string has no value as a number";
    case NodeKind::kName:
      return statistic_reason(n.name, body, year);
    case NodeKind::kDiv:
      if (e.children.size() == 2 && e.children[0].value && e.children[1].value && *e.children[1].value == 0) {
        return "division by zero: " + e.children[1].expression + " is 0 for " + id + " in " + year_text(year) +
               plan_hint(n.args[1], body, year);
      }
      break;
    case NodeKind::kCall:
      switch (n.fn) {
        case Fn::kIndicator:
          if (e.children.empty()) {
            std::string out = "indicator " + n.call.text + " has no formula for " + year_text(year);
            return out;
          }
          break;
        case Fn::kRating:
          return "no feedback on the counted actions of " + id + " in " + year_text(year) + plan_hint(n, body, year);
        case Fn::kCompletion:
          return "no action of " + id + " counts in " + year_text(year) + plan_hint(n, body, year);
        case Fn::kMembers: {
          const std::string kind = to_string(n.call.member_kind);
          if (e.children_total == 0) return id + " has no member of kind " + kind + " in " + year_text(year);
          std::string out = "none of the " + std::to_string(e.children_total) + " " + kind + " members of " + id +
                            " has a value in " + year_text(year);
          if (auto r = child_reason()) out += ": " + *r;
          return out;
        }
        case Fn::kCertified:
          return "the ruleset " + n.call.text + " has no version in force in " + year_text(year);
        case Fn::kYearsHeld:
          return id + " was never granted " + n.call.text + " by " + year_text(year);
        case Fn::kCoalesce:
          if (auto r = child_reason()) return "every argument is null: " + *r;
          break;
        default:
          break;
      }
      break;
    default:
      break;
  }
  if (auto r = child_reason()) return *r;
  return "the result is not a finite number";
}

}  // namespace civicplan::detail
