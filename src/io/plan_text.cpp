// SPDX-License-Identifier: Apache-2.0
// Reading a well-formed plan straight from its JSON text. Every rule parse_plan (bundle_parse.cpp)
// checks is a reason to give up here, so that parse_plan reads and reports that element instead.
#include "io/plan_text.hpp"

#include <charconv>
#include <iterator>
#include <climits>
#include <cmath>
#include <string_view>
#include <unordered_set>

#include "civicplan/bundle.hpp"
#include "civicplan/taxonomy.hpp"
#include "base/text.hpp"

namespace civicplan::detail {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// A cursor over JSON text; every reader returns false at the first thing it does not take.
class Text {
 public:
  Text(const char* begin, const char* end) : p_(begin), end_(end) {}

  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool eat(char c) {
    ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool at_end() {
    ws();
    return p_ == end_;
  }

  // A string without escapes, not checked for UTF-8 (`high`: it has bytes above 0x7f).
  bool view(std::string_view& out, bool& high) {
    if (!eat('"')) return false;
    const char* s = p_;
    unsigned char any = 0;
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c == '\\' || c < 0x20) return false;
      any |= c;
      ++p_;
    }
    if (p_ == end_) return false;
    out = std::string_view(s, static_cast<std::size_t>(p_ - s));
    high = (any & 0x80) != 0;
    ++p_;
    return true;
  }
  // An object key: matched against ASCII names, so it is not checked for UTF-8 either.
  bool key(std::string_view& out) {
    bool high = false;
    return view(out, high) && eat(':');
  }
  bool string(std::string& out) {
    std::string_view v;
    bool high = false;
    if (!view(v, high)) return false;
    out.assign(v.data(), v.size());
    return !high || valid_utf8(out);
  }
  bool string(std::optional<std::string>& out) {
    out.emplace();
    return string(*out);
  }
  bool nonempty(std::string& out) { return string(out) && !out.empty(); }
  template <class F>
  bool array(F each) {
    if (!eat('[')) return false;
    if (eat(']')) return true;
    do {
      if (!each()) return false;
    } while (eat(','));
    return eat(']');
  }
  bool strings(std::vector<std::string>& out) {
    return array([&] {
      out.emplace_back();
      return string(out.back());
    });
  }
  // An object whose members are read by `member(index of its key among `keys`)`; a key not
  // among them, or repeated, is not taken.
  template <std::size_t N, class F>
  bool object(const char* const (&keys)[N], F member) {
    static_assert(N <= 32, "one bit per key");
    if (!eat('{')) return false;
    std::uint32_t seen = 0;
    if (eat('}')) return true;
    do {
      std::string_view k;
      if (!key(k)) return false;
      std::size_t i = 0;
      while (i < N && k != keys[i]) ++i;
      if (i == N || (seen & (1u << i))) return false;
      seen |= 1u << i;
      if (!member(i)) return false;
    } while (eat(','));
    return eat('}');
  }

  // A JSON number; `integral` when written without fraction or exponent.
  bool number(const char*& s, const char*& e, bool& integral) {
    ws();
    s = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && digit(*p_)) ++p_;
    } else {
      return false;
    }
    integral = true;
    if (p_ < end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    e = p_;
    return true;
  }
  // An integer written as one, of at most 18 digits (what the JSON parser keeps as an integer).
  bool integer(long long& v, bool& integral_out) {
    const char *s, *e;
    bool integral;
    if (!number(s, e, integral)) return false;
    integral_out = integral;
    if (integral) {
      if (e - s > (*s == '-' ? 19 : 18)) return false;
      return std::from_chars(s, e, v).ec == std::errc();
    }
    double d = 0;
    if (std::from_chars(s, e, d).ec != std::errc() || !std::isfinite(d)) return false;
    real_ = d;
    return true;
  }
  bool integer(int& out, long long min, long long max) {
    long long v = 0;
    bool integral = false;
    if (!integer(v, integral) || !integral || v < min || v > max) return false;
    out = static_cast<int>(v);
    return true;
  }
  bool year(int& out) { return integer(out, kMinYear, kMaxYear); }
  bool real(double& out) {
    long long v = 0;
    bool integral = false;
    if (!integer(v, integral)) return false;
    out = integral ? static_cast<double>(v) : real_;
    return true;
  }
  bool real(std::optional<double>& out) {
    out.emplace();
    return real(*out);
  }
  bool money(std::optional<Money>& out) {
    long long v = 0;
    bool integral = false;
    if (!integer(v, integral)) return false;
    if (integral) {
      if (v > 90000000000000LL || v < -90000000000000LL) return false;
      out = Money::from_cents(v * 100);
    } else {
      out = Money::from_euros(real_);
    }
    return out.has_value();
  }
  bool date(Date& out) {
    std::string s;
    if (!string(s)) return false;
    auto d = Date::parse(s);
    if (!d || d->year < kMinYear || d->year > kMaxYear) return false;
    out = *d;
    return true;
  }
  bool date(std::optional<Date>& out) {
    out.emplace();
    return date(*out);
  }
  template <class E, class From>
  bool enumeration(E& out, From from) {
    std::string s;
    if (!string(s)) return false;
    auto e = from(s);
    if (!e) return false;
    out = *e;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
  double real_ = 0;  // the value of the last number read that was not integral
};

constexpr const char* kPlanKeys[] = {"id",       "kind",       "body",    "title",      "period",
                                     "status",   "variant",    "based_on", "approval",  "previous",
                                     "objectives", "actions",  "evaluation", "revision"};
constexpr const char* kActionKeys[] = {"id",       "title",       "description", "categories", "objective",
                                       "status",   "horizon",     "start",       "end",        "responsible",
                                       "partners", "budget",      "targets",     "progress",   "location",
                                       "depends_on", "tags"};
constexpr const char* kBudgetKeys[] = {"year", "source", "planned", "actual"};
constexpr const char* kProgressKeys[] = {"date", "completion", "note"};
constexpr const char* kTargetKeys[] = {"metric", "unit", "baseline", "target", "actual"};
constexpr const char* kPartnerKeys[] = {"name", "kind"};
constexpr const char* kObjectiveKeys[] = {"id", "title", "description"};
constexpr const char* kPeriodKeys[] = {"from", "to"};
constexpr const char* kDatedKeys[] = {"date", "act"};
constexpr const char* kEvaluationKeys[] = {"date", "text"};
constexpr const char* kLocationKeys[] = {"lat", "lon"};

// Vectors reused from one plan to the next, so that each vector of the model is allocated once
// at its size instead of growing.
struct Scratch {
  std::vector<Action> actions;
  std::vector<BudgetLine> budget;
  std::vector<Progress> progress;
  std::vector<std::string> categories;
};

template <class T>
void move_into(std::vector<T>& from, std::vector<T>& to) {
  to.assign(std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

bool read_action(Text& t, Action& a, Scratch& scratch) {
  bool id = false, title = false, status = false;
  const bool ok = t.object(kActionKeys, [&](std::size_t k) {
    switch (k) {
      case 0:
        return id = t.nonempty(a.id) && a.id.find('/') == std::string::npos;
      case 1:
        return title = t.nonempty(a.title);
      case 2:
        return t.string(a.description);
      case 3:
      {
        auto& categories = scratch.categories;
        categories.clear();
        const bool ok = t.array([&] {
          categories.emplace_back();
          return t.string(categories.back()) && CategoryRef::parse(categories.back()).has_value();
        });
        move_into(categories, a.categories);
        return ok;
      }
      case 4:
        return t.string(a.objective);
      case 5:
        return status = t.enumeration(a.status, action_status_from_string);
      case 6: {
        Horizon h{};
        if (!t.enumeration(h, horizon_from_string)) return false;
        a.horizon = h;
        return true;
      }
      case 7:
        return t.date(a.start);
      case 8:
        return t.date(a.end);
      case 9:
        return t.string(a.responsible);
      case 10:
        return t.array([&] {
          Partner partner;
          bool name = false;
          if (!t.object(kPartnerKeys, [&](std::size_t m) {
                return m == 0 ? (name = t.nonempty(partner.name)) : t.string(partner.kind);
              }) || !name) {
            return false;
          }
          a.partners.push_back(std::move(partner));
          return true;
        });
      case 11: {
        auto& budget = scratch.budget;
        budget.clear();
        const bool ok = t.array([&] {
          budget.emplace_back();
          BudgetLine& line = budget.back();
          bool year = false, source = false;
          return t.object(kBudgetKeys,
                          [&](std::size_t m) {
                            switch (m) {
                              case 0: return year = t.year(line.year);
                              case 1: return source = t.nonempty(line.source);
                              case 2: return t.money(line.planned);
                              default: return t.money(line.actual);
                            }
                          }) &&
                 year && source;
        });
        move_into(budget, a.budget);
        return ok;
      }
      case 12:
        return t.array([&] {
          a.targets.emplace_back();
          Target& target = a.targets.back();
          bool metric = false;
          return t.object(kTargetKeys,
                          [&](std::size_t m) {
                            switch (m) {
                              case 0: return metric = t.nonempty(target.metric);
                              case 1: return t.string(target.unit);
                              case 2: return t.real(target.baseline);
                              case 3: return t.real(target.target);
                              default: return t.real(target.actual);
                            }
                          }) &&
                 metric;
        });
      case 13: {
        auto& progress = scratch.progress;
        progress.clear();
        const bool ok = t.array([&] {
          progress.emplace_back();
          Progress& p = progress.back();
          bool date = false, completion = false;
          return t.object(kProgressKeys,
                          [&](std::size_t m) {
                            switch (m) {
                              case 0: return date = t.date(p.date);
                              case 1:
                                return completion =
                                           t.real(p.completion) && p.completion >= 0 && p.completion <= 100;
                              default: return t.string(p.note);
                            }
                          }) &&
                 date && completion;
        });
        move_into(progress, a.progress);
        return ok;
      }
      case 14: {
        Location l{};
        bool lat = false, lon = false;
        if (!t.object(kLocationKeys,
                      [&](std::size_t m) {
                        return m == 0 ? (lat = t.real(l.lat) && l.lat >= -90 && l.lat <= 90)
                                      : (lon = t.real(l.lon) && l.lon >= -180 && l.lon <= 180);
                      }) ||
            !lat || !lon) {
          return false;
        }
        a.location = l;
        return true;
      }
      case 15:
        return t.strings(a.depends_on);
      default:
        return t.strings(a.tags);
    }
  });
  return ok && id && title && status && !(a.start && a.end && *a.end < *a.start);
}

// An object of a required date and a required text (an approval, an evaluation).
bool dated(Text& t, const char* const (&keys)[2], Date& date, std::string& text) {
  bool has_date = false, has_text = false;
  return t.object(keys,
                  [&](std::size_t m) {
                    return m == 0 ? (has_date = t.date(date)) : (has_text = t.nonempty(text));
                  }) &&
         has_date && has_text;
}

bool read_plan(Text& t, Plan& p, Scratch& scratch) {
  bool id = false, kind = false, body = false, title = false, period = false, status = false;
  std::unordered_set<std::string> objective_ids;
  const bool ok = t.object(kPlanKeys, [&](std::size_t k) {
    switch (k) {
      case 0:
        return id = t.nonempty(p.id) && p.id.find('/') == std::string::npos;
      case 1:
        return kind = t.nonempty(p.kind);
      case 2:
        return body = t.nonempty(p.body);
      case 3:
        return title = t.nonempty(p.title);
      case 4: {
        bool from = false, to = false;
        return t.object(kPeriodKeys,
                        [&](std::size_t m) {
                          return m == 0 ? (from = t.year(p.period.from)) : (to = t.year(p.period.to));
                        }) &&
               from && to && (period = p.period.from <= p.period.to);
      }
      case 5:
        return status = t.enumeration(p.status, plan_status_from_string);
      case 6:
        return t.enumeration(p.variant, plan_variant_from_string);
      case 7:
        return t.string(p.based_on);
      case 8: {
        Approval approval;
        if (!dated(t, kDatedKeys, approval.date, approval.act)) return false;
        p.approval = std::move(approval);
        return true;
      }
      case 9:
        return t.strings(p.previous);
      case 10:
        return t.array([&] {
          Objective o;
          bool oid = false, otitle = false;
          if (!t.object(kObjectiveKeys,
                        [&](std::size_t m) {
                          switch (m) {
                            case 0: return oid = t.nonempty(o.id);
                            case 1: return otitle = t.nonempty(o.title);
                            default: return t.string(o.description);
                          }
                        }) ||
              !oid || !otitle || !objective_ids.insert(o.id).second) {
            return false;
          }
          p.objectives.push_back(std::move(o));
          return true;
        });
      case 11: {
        auto& actions = scratch.actions;
        actions.clear();
        const bool ok = t.array([&] {
          actions.emplace_back();
          return read_action(t, actions.back(), scratch);
        });
        move_into(actions, p.actions);
        return ok;
      }
      case 12: {
        Evaluation e;
        if (!dated(t, kEvaluationKeys, e.date, e.text)) return false;
        p.evaluation = std::move(e);
        return true;
      }
      default: {
        int revision = 0;
        if (!t.integer(revision, 1, INT_MAX)) return false;
        p.revision = revision;
        return true;
      }
    }
  });
  if (!ok || !id || !kind || !body || !title || !period || !status) return false;
  // What parse_plan checks across members, which may come in any order.
  if ((p.variant != PlanVariant::kOriginal) != p.based_on.has_value()) return false;
  if (p.based_on && *p.based_on == p.id) return false;
  if ((p.status == PlanStatus::kApproved || p.status == PlanStatus::kArchived) && !p.approval) return false;
  std::unordered_set<std::string> action_ids;
  action_ids.reserve(p.actions.size());
  for (const auto& a : p.actions) {
    if (!action_ids.insert(a.id).second) return false;
    for (const auto& line : a.budget) {
      if (!p.period.contains(line.year)) return false;
    }
  }
  return true;
}

constexpr const char* kStatisticKeys[] = {"variable", "body", "year", "value"};
constexpr const char* kCaseKeys[] = {"id", "subject", "body", "service", "opened", "closed"};
constexpr const char* kLedgerKeys[] = {"body", "service", "year", "charged", "collected"};

// One record object whose every member is required except those in `optional` (a bit per key).
template <std::size_t N, class F>
bool record(const char* begin, const char* end, const char* const (&keys)[N], std::uint32_t optional, F member) {
  Text t(begin, end);
  std::uint32_t seen = 0;
  if (!t.object(keys, [&](std::size_t k) {
        seen |= 1u << k;
        return member(t, k);
      }) ||
      !t.at_end()) {
    return false;
  }
  return (seen | optional) == (std::uint32_t{1} << N) - 1;
}

}  // namespace

bool read_statistic_text(const char* begin, const char* end, Statistic& out) {
  return record(begin, end, kStatisticKeys, 0, [&](Text& t, std::size_t k) {
    switch (k) {
      case 0: return t.nonempty(out.variable);
      case 1: return t.nonempty(out.body);
      case 2: return t.year(out.year);
      default: return t.real(out.value);
    }
  });
}

bool read_case_text(const char* begin, const char* end, Case& out) {
  const bool ok = record(begin, end, kCaseKeys, 1u << 5, [&](Text& t, std::size_t k) {
    switch (k) {
      case 0: return t.nonempty(out.id);
      case 1: return t.nonempty(out.subject);
      case 2: return t.nonempty(out.body);
      case 3: return t.nonempty(out.service) && CategoryRef::parse(out.service).has_value();
      case 4: return t.date(out.opened);
      default: return t.date(out.closed);
    }
  });
  return ok && !(out.closed && *out.closed < out.opened);
}

bool read_ledger_text(const char* begin, const char* end, LedgerEntry& out) {
  return record(begin, end, kLedgerKeys, 0, [&](Text& t, std::size_t k) {
    std::optional<Money> m;
    switch (k) {
      case 0: return t.nonempty(out.body);
      case 1: return t.nonempty(out.service);
      case 2: return t.year(out.year);
      case 3: return t.money(m) && (out.charged = *m, true);
      default: return t.money(m) && (out.collected = *m, true);
    }
  });
}

bool read_plan_text(const char* begin, const char* end, Plan& out) {
  thread_local Scratch scratch;
  Text t(begin, end);
  Plan p;
  if (!read_plan(t, p, scratch) || !t.at_end()) return false;
  out = std::move(p);
  return true;
}

}  // namespace civicplan::detail
