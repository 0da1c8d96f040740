// SPDX-License-Identifier: Apache-2.0
// Bundle parsing with full issue collection (the model's checks are in bundle_check.cpp).
#include "io/bundle_parse.hpp"

#include <climits>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "civicplan/bundle.hpp"

namespace civicplan::detail {

namespace {

const std::vector<std::string> kBodyKinds = {"municipality", "union",  "district",    "province",
                                             "region",       "agency", "organization"};
const std::vector<std::string> kPlanStatuses = {"draft", "submitted", "approved", "rejected", "archived"};
const std::vector<std::string> kVariants = {"original", "update", "implementation"};
const std::vector<std::string> kActionStatuses = {"planned", "in_progress", "completed", "suspended", "cancelled"};
const std::vector<std::string> kHorizons = {"ongoing", "scheduled", "short_term", "long_term"};
const std::vector<std::string> kCertStatuses = {"granted", "renewed", "suspended", "revoked", "expired"};
const std::vector<std::string> kRoles = {"viewer", "editor", "reviewer", "admin"};

// The bundle's arrays, in the order they are read and written.
const std::vector<std::string>& kArrays = bundle_kinds();

// Tracks the first path of every id of one kind to report duplicates.
class Seen {
 public:
  bool add(const std::string& id, const std::string& path, Reader& r, const char* what = "id") {
    auto [it, inserted] = first_.emplace(id, path);
    if (!inserted) r.error(path, std::string("duplicate ") + what + " " + quote(id) + " (first at " + it->second + ")");
    return inserted;
  }

 private:
  std::unordered_map<std::string, std::string> first_;
};

// Tracks the first element of an array (a bundle array, a plan's actions) with each key, to report duplicates.
class FirstIndex {
 public:
  bool add(const std::string& key, const char* array, std::size_t index, Reader& r, const char* what = "id") {
    auto [it, inserted] = first_.emplace(key, index);
    if (!inserted) {
      r.error(item(array, index),
              std::string("duplicate ") + what + " " + quote(key) + " (first at " + item(array, it->second) + ")");
    }
    return inserted;
  }

 private:
  std::unordered_map<std::string, std::size_t> first_;
};

}  // namespace

std::string Origins::of(const std::string& kind, const std::string& key) const {
  auto k = paths_.find(kind);
  if (k != paths_.end()) {
    auto it = k->second.find(key);
    if (it != k->second.end()) return it->second.item ? item(kind, it->second.item - 1) : it->second.path;
  }
  return "workspace." + kind + "[" + quote(key) + "]";
}

bool Origins::has(const std::string& kind, const std::string& key) const {
  auto k = paths_.find(kind);
  return k != paths_.end() && k->second.count(key) > 0;
}

std::string statistic_key(const Statistic& s) { return s.body + "," + s.variable + "," + std::to_string(s.year); }
std::string feedback_key(const Feedback& f) {
  return f.action + "," + f.date.to_string() + "," + std::to_string(f.rating) + "," + f.comment.value_or("");
}
std::string certification_key(const CertificationRecord& c) {
  return c.body + "," + c.scheme + "," + c.date.to_string();
}
std::string ledger_key(const LedgerEntry& l) { return l.body + "," + l.service + "," + std::to_string(l.year); }

std::optional<Body> parse_body(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "kind", "name", "parents", "location", "attributes"})) return std::nullopt;
  Body b;
  b.id = r.string(v, "id", path, true).value_or("");
  if (auto k = r.enumeration<BodyKind>(v, "kind", path, true, body_kind_from_string, kBodyKinds)) b.kind = *k;
  b.name = r.string(v, "name", path, true).value_or("");
  if (const json* parents = r.array(v, "parents", path, false)) {
    const auto p = child(path, "parents");
    for (std::size_t i = 0; i < parents->size(); ++i) {
      const auto& m = (*parents)[i];
      const auto mp = item(p, i);
      if (!r.object(m, mp, {"id", "from", "to"})) continue;
      Membership ms;
      ms.id = r.string(m, "id", mp, true).value_or("");
      ms.from = r.year(m, "from", mp, false);
      ms.to = r.year(m, "to", mp, false);
      if (ms.from && ms.to && *ms.from > *ms.to) {
        r.error(mp, "from " + std::to_string(*ms.from) + " is after to " + std::to_string(*ms.to));
      }
      if (!ms.id.empty() && ms.id == b.id) r.error(child(mp, "id"), "a body cannot be a member of itself");
      b.parents.push_back(std::move(ms));
    }
  }
  b.location = r.location(v, "location", path, false);
  if (const json* attrs = Reader::get(v, "attributes")) {
    if (!attrs->is_object()) {
      r.error(child(path, "attributes"), "expected an object, got " + describe(*attrs));
    } else {
      b.attributes = *attrs;
    }
  }
  return b;
}

std::optional<Taxonomy> parse_taxonomy(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "version", "label", "nodes"})) return std::nullopt;
  auto id = r.string(v, "id", path, true).value_or("");
  if (id.find(':') != std::string::npos) r.error(child(path, "id"), "must not contain ':'");
  auto version = r.string(v, "version", path, true).value_or("");
  auto label = r.string(v, "label", path, true).value_or("");
  std::vector<TaxonomyNode> nodes;
  Seen codes;
  if (const json* arr = r.array(v, "nodes", path, true)) {
    const auto p = child(path, "nodes");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& n = (*arr)[i];
      const auto np = item(p, i);
      if (!r.object(n, np, {"code", "label", "parents", "description"})) continue;
      TaxonomyNode node;
      node.code = r.string(n, "code", np, true).value_or("");
      node.label = r.string(n, "label", np, true).value_or("");
      node.parents = r.strings(n, "parents", np, false);
      node.description = r.string(n, "description", np, false);
      if (!node.code.empty()) codes.add(node.code, np, r, "code");
      nodes.push_back(std::move(node));
    }
  }
  return Taxonomy(std::move(id), std::move(version), std::move(label), std::move(nodes));
}

std::optional<Crosswalk> parse_crosswalk(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "from", "to", "pairs"})) return std::nullopt;
  Crosswalk c;
  c.id = r.string(v, "id", path, true).value_or("");
  c.from = r.string(v, "from", path, true).value_or("");
  c.to = r.string(v, "to", path, true).value_or("");
  if (const json* arr = r.array(v, "pairs", path, true)) {
    const auto p = child(path, "pairs");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& pair = (*arr)[i];
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        r.error(item(p, i), "expected a pair [from_code, to_code] of strings, got " + describe(pair));
        continue;
      }
      c.pairs.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
  return c;
}

namespace {

std::optional<Action> parse_action(const json& v, const std::string& path, Reader& r, const YearRange* period) {
  if (!r.object(v, path,
                {"id", "title", "description", "categories", "objective", "status", "horizon", "start", "end",
                 "responsible", "partners", "budget", "targets", "progress", "location", "depends_on", "tags"})) {
    return std::nullopt;
  }
  Action a;
  a.id = r.string(v, "id", path, true).value_or("");
  if (a.id.find('/') != std::string::npos) r.error(child(path, "id"), "must not contain '/'");
  a.title = r.string(v, "title", path, true).value_or("");
  a.description = r.string(v, "description", path, false);
  a.categories = r.strings(v, "categories", path, false);
  for (std::size_t i = 0; i < a.categories.size(); ++i) {
    if (!CategoryRef::parse(a.categories[i])) {
      r.error(item(child(path, "categories"), i),
              "expected a category reference \"<taxonomy>:<code>\", got " + quote(a.categories[i]));
    }
  }
  a.objective = r.string(v, "objective", path, false);
  if (auto s = r.enumeration<ActionStatus>(v, "status", path, true, action_status_from_string, kActionStatuses)) {
    a.status = *s;
  }
  a.horizon = r.enumeration<Horizon>(v, "horizon", path, false, horizon_from_string, kHorizons);
  a.start = r.date(v, "start", path, false);
  a.end = r.date(v, "end", path, false);
  if (a.start && a.end && *a.end < *a.start) {
    r.error(child(path, "end"), "end " + a.end->to_string() + " is before start " + a.start->to_string());
  }
  a.responsible = r.string(v, "responsible", path, false);
  if (const json* arr = r.array(v, "partners", path, false)) {
    const auto p = child(path, "partners");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto ip = item(p, i);
      if (!r.object((*arr)[i], ip, {"name", "kind"})) continue;
      Partner partner;
      partner.name = r.string((*arr)[i], "name", ip, true).value_or("");
      partner.kind = r.string((*arr)[i], "kind", ip, false);
      a.partners.push_back(std::move(partner));
    }
  }
  if (const json* arr = r.array(v, "budget", path, false)) {
    const auto p = child(path, "budget");
    std::string ip;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      set_item(ip, p, i);
      const auto& b = (*arr)[i];
      if (!r.object(b, ip, {"year", "source", "planned", "actual"})) continue;
      BudgetLine line;
      auto year = r.year(b, "year", ip, true);
      line.year = year.value_or(0);
      line.source = r.string(b, "source", ip, true).value_or("");
      line.planned = r.money(b, "planned", ip, false);
      line.actual = r.money(b, "actual", ip, false);
      if (year && period && !period->contains(*year)) {
        r.error(child(ip, "year"), "year " + std::to_string(*year) + " is outside the plan period " +
                                       std::to_string(period->from) + "-" + std::to_string(period->to));
      }
      a.budget.push_back(std::move(line));
    }
  }
  if (const json* arr = r.array(v, "targets", path, false)) {
    const auto p = child(path, "targets");
    std::string ip;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      set_item(ip, p, i);
      const auto& t = (*arr)[i];
      if (!r.object(t, ip, {"metric", "unit", "baseline", "target", "actual"})) continue;
      Target target;
      target.metric = r.string(t, "metric", ip, true).value_or("");
      target.unit = r.string(t, "unit", ip, false);
      target.baseline = r.number(t, "baseline", ip, false);
      target.target = r.number(t, "target", ip, false);
      target.actual = r.number(t, "actual", ip, false);
      a.targets.push_back(std::move(target));
    }
  }
  if (const json* arr = r.array(v, "progress", path, false)) {
    const auto p = child(path, "progress");
    std::string ip;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      set_item(ip, p, i);
      const auto& e = (*arr)[i];
      if (!r.object(e, ip, {"date", "completion", "note"})) continue;
      Progress progress;
      progress.date = r.date(e, "date", ip, true).value_or(Date{});
      auto completion = r.number(e, "completion", ip, true);
      if (completion && (*completion < 0 || *completion > 100)) {
        r.error(child(ip, "completion"), "expected a completion from 0 to 100, got " + describe(e["completion"]));
      }
      progress.completion = completion.value_or(0);
      progress.note = r.string(e, "note", ip, false);
      a.progress.push_back(std::move(progress));
    }
  }
  a.location = r.location(v, "location", path, false);
  a.depends_on = r.strings(v, "depends_on", path, false);
  a.tags = r.strings(v, "tags", path, false);
  return a;
}

}  // namespace

std::optional<Plan> parse_plan(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path,
                {"id", "kind", "body", "title", "period", "status", "variant", "based_on", "approval", "previous",
                 "objectives", "actions", "evaluation", "revision"})) {
    return std::nullopt;
  }
  Plan p;
  p.id = r.string(v, "id", path, true).value_or("");
  if (p.id.find('/') != std::string::npos) r.error(child(path, "id"), "must not contain '/'");
  p.kind = r.string(v, "kind", path, true).value_or("");
  p.body = r.string(v, "body", path, true).value_or("");
  p.title = r.string(v, "title", path, true).value_or("");
  bool period_ok = false;
  if (const json* period = Reader::get(v, "period")) {
    const auto pp = child(path, "period");
    if (r.object(*period, pp, {"from", "to"})) {
      auto from = r.year(*period, "from", pp, true);
      auto to = r.year(*period, "to", pp, true);
      if (from && to) {
        if (*from > *to) {
          r.error(pp, "from " + std::to_string(*from) + " is after to " + std::to_string(*to));
        } else {
          p.period = {*from, *to};
          period_ok = true;
        }
      }
    }
  } else {
    r.error(child(path, "period"), "is required");
  }
  if (auto s = r.enumeration<PlanStatus>(v, "status", path, true, plan_status_from_string, kPlanStatuses)) {
    p.status = *s;
  }
  if (auto s = r.enumeration<PlanVariant>(v, "variant", path, false, plan_variant_from_string, kVariants)) {
    p.variant = *s;
  }
  p.based_on = r.string(v, "based_on", path, false);
  if (p.variant != PlanVariant::kOriginal && !p.based_on) {
    r.error(child(path, "based_on"), std::string("is required for a plan of variant ") + to_string(p.variant));
  }
  if (p.variant == PlanVariant::kOriginal && p.based_on) {
    r.error(child(path, "based_on"), "only update and implementation plans are based on another plan");
  }
  if (p.based_on && *p.based_on == p.id) r.error(child(path, "based_on"), "a plan cannot be based on itself");
  if (const json* approval = Reader::get(v, "approval")) {
    const auto ap = child(path, "approval");
    if (r.object(*approval, ap, {"date", "act"})) {
      auto date = r.date(*approval, "date", ap, true);
      auto act = r.string(*approval, "act", ap, true);
      if (date && act) p.approval = Approval{*date, *act};
    }
  }
  if ((p.status == PlanStatus::kApproved || p.status == PlanStatus::kArchived) && !Reader::get(v, "approval")) {
    r.error(child(path, "approval"), std::string("is required for a plan with status ") + to_string(p.status));
  }
  p.previous = r.strings(v, "previous", path, false);
  Seen objective_ids;
  if (const json* arr = r.array(v, "objectives", path, false)) {
    const auto op = child(path, "objectives");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto ip = item(op, i);
      const auto& o = (*arr)[i];
      if (!r.object(o, ip, {"id", "title", "description"})) continue;
      Objective obj;
      obj.id = r.string(o, "id", ip, true).value_or("");
      obj.title = r.string(o, "title", ip, true).value_or("");
      obj.description = r.string(o, "description", ip, false);
      if (!obj.id.empty()) objective_ids.add(obj.id, ip, r);
      p.objectives.push_back(std::move(obj));
    }
  }
  FirstIndex action_ids;
  if (const json* arr = r.array(v, "actions", path, false)) {
    const auto ap = child(path, "actions");
    std::string ip;
    p.actions.reserve(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i) {
      set_item(ip, ap, i);
      auto action = parse_action((*arr)[i], ip, r, period_ok ? &p.period : nullptr);
      if (!action) continue;
      if (!action->id.empty()) action_ids.add(action->id, ap.c_str(), i, r);
      p.actions.push_back(std::move(*action));
    }
  }
  if (const json* e = Reader::get(v, "evaluation")) {
    const auto ep = child(path, "evaluation");
    if (r.object(*e, ep, {"date", "text"})) {
      auto date = r.date(*e, "date", ep, true);
      auto text = r.string(*e, "text", ep, true);
      if (date && text) p.evaluation = Evaluation{*date, *text};
    }
  }
  if (auto rev = r.integer(v, "revision", path, false, 1, INT_MAX, "a revision number")) p.revision = *rev;
  return p;
}

std::optional<Statistic> parse_statistic(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"variable", "body", "year", "value"})) return std::nullopt;
  Statistic s;
  s.variable = r.string(v, "variable", path, true).value_or("");
  s.body = r.string(v, "body", path, true).value_or("");
  s.year = r.year(v, "year", path, true).value_or(0);
  s.value = r.number(v, "value", path, true).value_or(0);
  return s;
}

std::optional<Feedback> parse_feedback(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"action", "rating", "comment", "date"})) return std::nullopt;
  Feedback f;
  f.action = r.string(v, "action", path, true).value_or("");
  if (!f.action.empty() && f.action.find('/') == std::string::npos) {
    r.error(child(path, "action"), "expected an action reference \"<plan>/<action>\", got " + quote(f.action));
  }
  f.rating = r.integer(v, "rating", path, true, 1, 5, "a rating").value_or(0);
  f.comment = r.string(v, "comment", path, false);
  f.date = r.date(v, "date", path, true).value_or(Date{});
  return f;
}

std::optional<Place> parse_place(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "body", "name", "category", "location", "address", "since"})) return std::nullopt;
  Place p;
  p.id = r.string(v, "id", path, true).value_or("");
  p.body = r.string(v, "body", path, true).value_or("");
  p.name = r.string(v, "name", path, true).value_or("");
  p.category = r.string(v, "category", path, true).value_or("");
  if (auto loc = r.location(v, "location", path, true)) p.location = *loc;
  p.address = r.string(v, "address", path, false);
  p.since = r.date(v, "since", path, false);
  return p;
}

std::optional<CertificationRecord> parse_certification(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"body", "scheme", "status", "date", "expires"})) return std::nullopt;
  CertificationRecord c;
  c.body = r.string(v, "body", path, true).value_or("");
  c.scheme = r.string(v, "scheme", path, true).value_or("");
  if (auto s = r.enumeration<CertificationStatus>(v, "status", path, true, certification_status_from_string,
                                                  kCertStatuses)) {
    c.status = *s;
  }
  c.date = r.date(v, "date", path, true).value_or(Date{});
  c.expires = r.date(v, "expires", path, false);
  if (c.expires && *c.expires < c.date) {
    r.error(child(path, "expires"), "expires " + c.expires->to_string() + " is before date " + c.date.to_string());
  }
  return c;
}

std::optional<Case> parse_case(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "subject", "body", "service", "opened", "closed"})) return std::nullopt;
  Case c;
  c.id = r.string(v, "id", path, true).value_or("");
  c.subject = r.string(v, "subject", path, true).value_or("");
  c.body = r.string(v, "body", path, true).value_or("");
  c.service = r.string(v, "service", path, true).value_or("");
  if (!c.service.empty() && !CategoryRef::parse(c.service)) {
    r.error(child(path, "service"), "expected a category reference \"<taxonomy>:<code>\", got " + quote(c.service));
  }
  c.opened = r.date(v, "opened", path, true).value_or(Date{});
  c.closed = r.date(v, "closed", path, false);
  if (c.closed && *c.closed < c.opened) {
    r.error(child(path, "closed"), "closed " + c.closed->to_string() + " is before opened " + c.opened.to_string());
  }
  return c;
}

std::optional<LedgerEntry> parse_ledger(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"body", "service", "year", "charged", "collected"})) return std::nullopt;
  LedgerEntry l;
  l.body = r.string(v, "body", path, true).value_or("");
  l.service = r.string(v, "service", path, true).value_or("");
  l.year = r.year(v, "year", path, true).value_or(0);
  l.charged = r.money(v, "charged", path, true).value_or(Money{});
  l.collected = r.money(v, "collected", path, true).value_or(Money{});
  return l;
}

std::optional<User> parse_user(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "name", "roles"})) return std::nullopt;
  User u;
  u.id = r.string(v, "id", path, true).value_or("");
  u.name = r.string(v, "name", path, true).value_or("");
  if (const json* arr = r.array(v, "roles", path, false)) {
    const auto rp = child(path, "roles");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto ip = item(rp, i);
      if (!r.object((*arr)[i], ip, {"role", "body"})) continue;
      RoleGrant g;
      if (auto role = r.enumeration<Role>((*arr)[i], "role", ip, true, role_from_string, kRoles)) g.role = *role;
      g.body = r.string((*arr)[i], "body", ip, true).value_or("");
      u.roles.push_back(std::move(g));
    }
  }
  return u;
}

namespace {

// Reads a definition kept as JSON (indicators, rulesets): an object with a string id.
std::optional<std::string> parse_definition_id(const json& v, const std::string& path, Reader& r) {
  if (!v.is_object()) {
    r.error(path, "expected an object, got " + describe(v));
    return std::nullopt;
  }
  return r.string(v, "id", path, true);
}


// Records where an element came from; reports it instead when an earlier one has its key.
bool first_of_key(const std::string& key, const char* name, std::size_t index, Reader& r, Origins& origins,
                  const char* what) {
  if (auto first = origins.add_item(name, key, index)) {
    r.error(item(name, index),
            std::string("duplicate ") + what + " " + quote(key) + " (first at " + item(name, *first) + ")");
    return false;
  }
  return true;
}

template <class T, class Parse, class Key, class Store>
void read_element(const json& v, const char* name, std::size_t index, Reader& r, Origins& origins, Parse parse,
                  Key key, Store store) {
  std::optional<T> obj = parse(v, item(name, index), r);
  if (!obj) return;
  const bool record = std::is_same<T, Statistic>::value || std::is_same<T, LedgerEntry>::value ||
                      std::is_same<T, CertificationRecord>::value || std::is_same<T, Feedback>::value;
  if (!first_of_key(key(*obj), name, index, r, origins, record ? "record" : "id")) return;
  store(std::move(*obj));
}

}  // namespace

struct BundleBuilder::State {
  State(Reader& reader, Origins& o) : r(reader), origins(o), issues(kArrays.size()) {}
  Reader& r;
  Origins& origins;
  Model m;
  // Issues and ids of each array apart, so that they are reported in kArrays order whatever
  // the order of the arrays in the input.
  std::vector<std::vector<Issue>> issues;
};

BundleBuilder::BundleBuilder(Reader& r, Origins& origins) : state_(std::make_unique<State>(r, origins)) {}
BundleBuilder::~BundleBuilder() = default;

int BundleBuilder::array_index(const std::string& name) {
  for (std::size_t i = 0; i < kArrays.size(); ++i) {
    if (kArrays[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void BundleBuilder::element(int array, std::size_t index, const json& v) {
  State& s = *state_;
  const char* name = kArrays.at(static_cast<std::size_t>(array)).c_str();
  Reader r(s.issues[static_cast<std::size_t>(array)]);
  Model& m = s.m;
  Origins& origins = s.origins;
  const std::string which = name;
  if (which == "bodies") {
    read_element<Body>(v, name, index, r, origins, parse_body, [](const Body& b) { return b.id; },
                       [&](Body&& b) { m.bodies[b.id] = std::move(b); });
  } else if (which == "taxonomies") {
    read_element<Taxonomy>(v, name, index, r, origins, parse_taxonomy, [](const Taxonomy& t) { return t.id(); },
                           [&](Taxonomy&& t) { m.taxonomies[t.id()] = std::move(t); });
  } else if (which == "crosswalks") {
    read_element<Crosswalk>(v, name, index, r, origins, parse_crosswalk, [](const Crosswalk& c) { return c.id; },
                            [&](Crosswalk&& c) { m.crosswalks[c.id] = std::move(c); });
  } else if (which == "plans") {
    read_element<Plan>(v, name, index, r, origins, parse_plan, [](const Plan& p) { return p.id; },
                       [&](Plan&& p) { m.plans[p.id] = std::move(p); });
  } else if (which == "statistics") {
    read_element<Statistic>(v, name, index, r, origins, parse_statistic, statistic_key, [&](Statistic&& st) {
      m.statistics[StatisticKey{st.body, st.variable, st.year}] = std::move(st);
    });
  } else if (which == "feedback") {
    read_element<Feedback>(v, name, index, r, origins, parse_feedback, feedback_key,
                           [&](Feedback&& f) { m.feedback.insert(std::move(f)); });
  } else if (which == "certifications") {
    read_element<CertificationRecord>(v, name, index, r, origins, parse_certification, certification_key,
                                      [&](CertificationRecord&& c) {
                                        m.certifications[CertificationKey{c.body, c.scheme, c.date.to_string()}] =
                                            std::move(c);
                                      });
  } else if (which == "cases") {
    read_element<Case>(v, name, index, r, origins, parse_case, [](const Case& c) { return c.id; },
                       [&](Case&& c) { m.cases[c.id] = std::move(c); });
  } else if (which == "ledger") {
    read_element<LedgerEntry>(v, name, index, r, origins, parse_ledger, ledger_key, [&](LedgerEntry&& l) {
      m.ledger[LedgerKey{l.body, l.service, l.year}] = std::move(l);
    });
  } else if (which == "places") {
    read_element<Place>(v, name, index, r, origins, parse_place, [](const Place& p) { return p.id; },
                        [&](Place&& p) { m.places[p.id] = std::move(p); });
  } else if (which == "indicators" || which == "rulesets") {
    auto& target = which == "indicators" ? m.indicators : m.rulesets;
    auto id = parse_definition_id(v, item(name, index), r);
    if (!id || !first_of_key(*id, name, index, r, origins, "id")) return;
    target[*id] = v;
  } else if (which == "users") {
    read_element<User>(v, name, index, r, origins, parse_user, [](const User& u) { return u.id; },
                       [&](User&& u) { m.users[u.id] = std::move(u); });
  }
}

bool BundleBuilder::first(const char* name, std::size_t index, const std::string& key, const char* what) {
  State& s = *state_;
  Reader r(s.issues[static_cast<std::size_t>(array_index(name))]);
  return first_of_key(key, name, index, r, s.origins, what);
}

void BundleBuilder::plan(std::size_t index, Plan&& p) {
  if (first("plans", index, p.id, "id")) state_->m.plans[p.id] = std::move(p);
}

void BundleBuilder::statistic(std::size_t index, Statistic&& st) {
  if (first("statistics", index, statistic_key(st), "record")) {
    state_->m.statistics[StatisticKey{st.body, st.variable, st.year}] = std::move(st);
  }
}

void BundleBuilder::case_record(std::size_t index, Case&& c) {
  if (first("cases", index, c.id, "id")) state_->m.cases[c.id] = std::move(c);
}

void BundleBuilder::ledger(std::size_t index, LedgerEntry&& l) {
  if (first("ledger", index, ledger_key(l), "record")) state_->m.ledger[LedgerKey{l.body, l.service, l.year}] = std::move(l);
}

Model BundleBuilder::finish(const json& header) {
  State& s = *state_;
  Reader& r = s.r;
  std::vector<const char*> allowed{"format", "version"};
  for (const auto& a : kArrays) allowed.push_back(a.c_str());
  for (const auto& kv : header.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || kv.key() == a;
    if (!known) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      r.error(kv.key(), "unknown field " + quote(kv.key()) + did_you_mean(kv.key(), names));
    }
  }
  if (auto format = r.string(header, "format", "", true); format && *format != kBundleFormat) {
    r.error("format", "expected \"civicplan-bundle\", got " + quote(*format));
  }
  r.integer(header, "version", "", true, kBundleVersion, kBundleVersion, "bundle version");
  for (std::size_t a = 0; a < kArrays.size(); ++a) {
    // An array member given as something else than an array (arrays were read element by element).
    if (const json* v = Reader::get(header, kArrays[a].c_str()); v && !v->is_array()) {
      Reader(s.issues[a]).array(header, kArrays[a].c_str(), "", false);
    }
    for (auto& issue : s.issues[a]) r.error(issue.path, issue.message);
    s.issues[a].clear();
  }
  return std::move(s.m);
}

Model parse_bundle(const json& bundle, Reader& r, Origins& origins) {
  if (!bundle.is_object()) {
    r.error("", "expected a bundle object {\"format\": \"civicplan-bundle\", ...}, got " + describe(bundle));
    return Model{};
  }
  if (auto deep = too_deep(bundle, "")) {
    r.error(*deep, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return Model{};
  }
  {
    std::vector<Issue> malformed;
    check_utf8(bundle, "", malformed);
    if (!malformed.empty()) {
      for (auto& issue : malformed) r.error(issue.path, issue.message);
      return Model{};
    }
  }
  BundleBuilder builder(r, origins);
  for (std::size_t a = 0; a < kArrays.size(); ++a) {
    const json* arr = Reader::get(bundle, kArrays[a].c_str());
    if (!arr || !arr->is_array()) continue;
    for (std::size_t i = 0; i < arr->size(); ++i) builder.element(static_cast<int>(a), i, (*arr)[i]);
  }
  return builder.finish(bundle);
}

}  // namespace civicplan::detail
