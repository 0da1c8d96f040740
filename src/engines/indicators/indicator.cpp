// SPDX-License-Identifier: Apache-2.0
// Indicator definitions, their dependency graph, computation and the result table.
#include "civicplan/indicator.hpp"

#include "base/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>


#include "base/cycles.hpp"
#include "engines/indicators/indicator_set.hpp"

namespace civicplan {

bool IndicatorTarget::met(double v) const {
  if (op == "<") return v < value;
  if (op == "<=") return v <= value;
  if (op == ">") return v > value;
  if (op == ">=") return v >= value;
  if (op == "==") return v == value;
  if (op == "!=") return v != value;
  return false;
}

const IndicatorFormula* Indicator::formula_for(int year) const {
  const IndicatorFormula* best = nullptr;
  for (const auto& f : formulas) {
    if (!f.from || *f.from <= year) best = &f;  // sorted by from: the last applicable wins
  }
  return best;
}

void to_json(nlohmann::json& j, const Indicator& i) {
  j = nlohmann::json::object();
  j["id"] = i.id;
  j["label"] = i.label;
  if (i.unit) j["unit"] = *i.unit;
  if (i.formulas.size() == 1 && !i.formulas[0].from) {
    j["formula"] = i.formulas[0].formula;
  } else {
    auto arr = nlohmann::json::array();
    for (const auto& f : i.formulas) {
      nlohmann::json o{{"formula", f.formula}};
      if (f.from) o["from"] = *f.from;
      arr.push_back(std::move(o));
    }
    j["formulas"] = std::move(arr);
  }
  auto levels = nlohmann::json::array();
  for (auto k : i.levels) levels.push_back(to_string(k));
  j["levels"] = std::move(levels);
  if (i.decimals) j["decimals"] = *i.decimals;
  if (i.target) j["target"] = {{"op", i.target->op}, {"value", i.target->value}};
  if (i.description) j["description"] = *i.description;
}

std::string format_value(double value, int decimals) { return detail::format_number(value, decimals); }

IndicatorTable::Row IndicatorTable::row(std::size_t i) const {
  Row r;
  r.indicator = indicator_names_.at(static_cast<std::size_t>(indicator_codes_.at(i)));
  r.body = body_names_.at(static_cast<std::size_t>(body_codes_[i]));
  r.year = years_[i];
  if (!std::isnan(values_[i])) r.value = values_[i];
  if (target_met_[i] >= 0) r.target_met = target_met_[i] == 1;
  return r;
}

std::vector<IndicatorTable::Row> IndicatorTable::rows() const {
  std::vector<Row> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(row(i));
  return out;
}

nlohmann::json IndicatorTable::to_json() const {
  auto arr = nlohmann::json::array();
  for (std::size_t i = 0; i < size(); ++i) {
    const auto r = row(i);
    nlohmann::json o{{"indicator", r.indicator}, {"body", r.body}, {"year", r.year}};
    o["value"] = r.value ? nlohmann::json(*r.value) : nlohmann::json(nullptr);
    o["target_met"] = r.target_met ? nlohmann::json(*r.target_met) : nlohmann::json(nullptr);
    arr.push_back(std::move(o));
  }
  return arr;
}

namespace {

// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string IndicatorTable::to_csv() const {
  std::ostringstream out;
  out << "indicator,body,year,value,target_met\n";
  const auto field = csv_text;
  for (std::size_t i = 0; i < size(); ++i) {
    const int code = indicator_codes_[i];
    out << field(indicator_names_[code]) << ',' << field(body_names_[body_codes_[i]]) << ',' << years_[i] << ','
        << format_value(values_[i], decimals_[code]) << ','
        << (target_met_[i] < 0 ? "" : target_met_[i] ? "true" : "false") << '\n';
  }
  return out.str();
}

namespace {

// The row order of a table by (indicator id, body id, year), whatever order its codes are in.
std::vector<std::size_t> sorted_rows(const IndicatorTable& t) {
  auto ranks = [](const std::vector<std::string>& names) {
    std::vector<std::size_t> order(names.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
    std::vector<std::size_t> rank(names.size());
    for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
    return rank;
  };
  const auto indicator_rank = ranks(t.indicator_names());
  const auto body_rank = ranks(t.body_names());
  std::vector<std::size_t> rows(t.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const auto& ic = t.indicator_codes();
  const auto& bc = t.body_codes();
  const auto& years = t.years();
  auto key = [&](std::size_t i) { return std::make_tuple(indicator_rank[ic[i]], body_rank[bc[i]], years[i]); };
  if (!std::is_sorted(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); })) {
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  }
  return rows;
}

std::optional<double> value_of(const IndicatorTable& t, std::size_t i) {
  const double v = t.values()[i];
  return std::isnan(v) ? std::nullopt : std::optional<double>(v);
}

}  // namespace

IndicatorComparison IndicatorTable::compare(const IndicatorTable& other) const {
  const auto a = sorted_rows(*this);
  const auto b = sorted_rows(other);
  auto key = [](const IndicatorTable& t, std::size_t i) {
    return std::tie(t.indicator_names_[t.indicator_codes_[i]], t.body_names_[t.body_codes_[i]], t.years_[i]);
  };
  IndicatorComparison out;
  std::size_t i = 0, k = 0;
  while (i < a.size() || k < b.size()) {
    const bool here = i < a.size() && (k >= b.size() || !(key(other, b[k]) < key(*this, a[i])));
    const bool there = k < b.size() && (i >= a.size() || !(key(*this, a[i]) < key(other, b[k])));
    IndicatorChange change;
    if (here) {
      change.indicator = indicator_names_[indicator_codes_[a[i]]];
      change.body = body_names_[body_codes_[a[i]]];
      change.year = years_[a[i]];
      change.base = value_of(*this, a[i]);
    } else {
      change.indicator = other.indicator_names_[other.indicator_codes_[b[k]]];
      change.body = other.body_names_[other.body_codes_[b[k]]];
      change.year = other.years_[b[k]];
    }
    if (there) change.other = value_of(other, b[k]);
    if (change.base != change.other) {
      if (change.base && change.other) change.delta = *change.other - *change.base;
      out.rows.push_back(std::move(change));
    }
    if (here) ++i;
    if (there) ++k;
  }
  return out;
}

nlohmann::json IndicatorComparison::to_json() const {
  auto arr = nlohmann::json::array();
  auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  for (const auto& r : rows) {
    arr.push_back({{"indicator", r.indicator}, {"body", r.body}, {"year", r.year}, {"base", opt(r.base)},
                   {"other", opt(r.other)}, {"delta", opt(r.delta)}});
  }
  return arr;
}

std::string IndicatorComparison::to_csv() const {
  std::string out = "indicator,body,year,base,other,delta\n";
  auto field = [](const std::optional<double>& v) { return v ? format_value(*v, -1) : std::string(); };
  for (const auto& r : rows) {
    out += csv_text(r.indicator) + "," + csv_text(r.body) + "," + std::to_string(r.year) + "," +
           field(r.base) + "," + field(r.other) + "," + field(r.delta) + "\n";
  }
  return out;
}

void IndicatorTable::reserve(std::size_t rows) {
  indicator_codes_.reserve(rows);
  body_codes_.reserve(rows);
  years_.reserve(rows);
  values_.reserve(rows);
  target_met_.reserve(rows);
}

void IndicatorTable::append(std::int32_t indicator, std::int32_t body, int year, double value, std::int8_t met) {
  indicator_codes_.push_back(indicator);
  body_codes_.push_back(body);
  years_.push_back(year);
  values_.push_back(value);
  target_met_.push_back(met);
}

std::int32_t IndicatorTable::add_indicator(const std::string& id, int decimals) {
  indicator_names_.push_back(id);
  decimals_.push_back(decimals);
  return static_cast<std::int32_t>(indicator_names_.size() - 1);
}

std::int32_t IndicatorTable::add_body(const std::string& id) {
  body_names_.push_back(id);
  return static_cast<std::int32_t>(body_names_.size() - 1);
}

namespace detail {

namespace {
const std::vector<std::string> kLevelNames = {"municipality", "union",  "district",    "province",
                                              "region",       "agency", "organization"};
const std::vector<std::string> kTargetOps = {"<", "<=", ">", ">=", "==", "!="};

}  // namespace

std::optional<Indicator> parse_indicator(const json& v, const std::string& path, Reader& r) {
  if (!r.object(v, path, {"id", "label", "unit", "formula", "formulas", "levels", "decimals", "target", "description"})) {
    return std::nullopt;
  }
  Indicator ind;
  ind.id = r.string(v, "id", path, true).value_or("");
  ind.label = r.string(v, "label", path, true).value_or("");
  ind.unit = r.string(v, "unit", path, false);
  ind.description = r.string(v, "description", path, false);
  const bool has_formula = Reader::get(v, "formula") != nullptr;
  const bool has_formulas = Reader::get(v, "formulas") != nullptr;
  if (has_formula && has_formulas) r.error(path, "give either formula or formulas, not both");
  if (!has_formula && !has_formulas) r.error(child(path, "formula"), "is required (or formulas)");
  if (has_formula) {
    if (auto f = r.string(v, "formula", path, true)) ind.formulas.push_back({std::nullopt, *f});
  }
  if (const json* arr = r.array(v, "formulas", path, false)) {
    const auto fp = child(path, "formulas");
    std::vector<int> froms;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto ip = item(fp, i);
      if (!r.object((*arr)[i], ip, {"from", "formula"})) continue;
      auto from = r.year((*arr)[i], "from", ip, true);
      auto formula = r.string((*arr)[i], "formula", ip, true);
      if (from && std::find(froms.begin(), froms.end(), *from) != froms.end()) {
        r.error(child(ip, "from"), "two formulas start in " + std::to_string(*from));
      }
      if (from) froms.push_back(*from);
      if (from && formula) ind.formulas.push_back({from, *formula});
    }
    if (arr->empty()) r.error(fp, "needs at least one formula");
  }
  std::stable_sort(ind.formulas.begin(), ind.formulas.end(), [](const IndicatorFormula& a, const IndicatorFormula& b) {
    return a.from.value_or(INT_MIN) < b.from.value_or(INT_MIN);
  });
  if (const json* arr = r.array(v, "levels", path, true)) {
    const auto lp = child(path, "levels");
    if (arr->empty()) r.error(lp, "needs at least one level (a body kind)");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& e = (*arr)[i];
      auto kind = e.is_string() ? body_kind_from_string(e.get<std::string>()) : std::nullopt;
      if (!kind) {
        const std::string s = e.is_string() ? e.get<std::string>() : describe(e);
        r.error(item(lp, i), "unknown level " + quote(s) + "; expected one of " + join(kLevelNames, ", ") +
                                 did_you_mean(s, kLevelNames));
        continue;
      }
      if (std::find(ind.levels.begin(), ind.levels.end(), *kind) == ind.levels.end()) ind.levels.push_back(*kind);
    }
  }
  ind.decimals = r.integer(v, "decimals", path, false, 0, 15, "a number of decimals");
  if (const json* t = Reader::get(v, "target")) {
    const auto tp = child(path, "target");
    if (r.object(*t, tp, {"op", "value"})) {
      auto op = r.string(*t, "op", tp, true);
      auto value = r.number(*t, "value", tp, true);
      if (op && std::find(kTargetOps.begin(), kTargetOps.end(), *op) == kTargetOps.end()) {
        r.error(child(tp, "op"), "unknown op " + quote(*op) + "; expected one of " + join(kTargetOps, ", "));
      } else if (op && value) {
        ind.target = IndicatorTarget{*op, *value};
      }
    }
  }
  return ind;
}

std::shared_ptr<const IndicatorSet> IndicatorSet::build(const Model& m, const Origins& origins,
                                                        std::vector<Issue>& issues, const Vocabulary* given) {
  auto set = std::make_shared<IndicatorSet>();
  Reader r(issues);
  const Vocabulary vocab = given ? *given : Vocabulary::from_model(m);
  for (const auto& [id, definition] : m.indicators) {
    const std::string path = origins.of("indicators", id);
    auto ind = parse_indicator(definition, path, r);
    if (!ind) continue;
    CompiledIndicator ci;
    bool ok = true;
    for (std::size_t k = 0; k < ind->formulas.size(); ++k) {
      const bool single = ind->formulas.size() == 1 && !ind->formulas[k].from && Reader::get(definition, "formula");
      const std::string fpath = single ? child(path, "formula") : child(item(child(path, "formulas"), k), "formula");
      try {
        ci.formulas.push_back(compile_text(ind->formulas[k].formula, fpath, vocab));
      } catch (const ParseError& e) {
        std::string message = e.what();
        const std::string prefix = fpath + ":";
        if (message.compare(0, prefix.size(), prefix) == 0) message = message.substr(prefix.size());
        issues.push_back({fpath, message});
        ok = false;
      }
    }
    ci.def = std::move(*ind);
    if (ok) set->indicators_.emplace(id, std::move(ci));
  }
  // indicator() references must form no cycle.
  // Indicator references must form no cycle.
  std::vector<std::string> ids;
  for (const auto& [id, ci] : set->indicators_) ids.push_back(id);
  detail::DependencyGraph graph(ids);
  for (const auto& [id, ci] : set->indicators_) {
    std::set<std::string> refs, schemes;
    for (const auto& f : ci.formulas) collect_references(f, refs, schemes);
    for (const auto& ref : refs) graph.add(id, ref);
  }
  if (auto names = graph.cycle()) {
    issues.push_back({origins.of("indicators", names->front()), "indicator cycle: " + format_cycle(*names)});
  }
  return set;
}

const CompiledIndicator* IndicatorSet::find(const std::string& id) const {
  auto it = indicators_.find(id);
  return it == indicators_.end() ? nullptr : &it->second;
}

const CNode* IndicatorSet::formula(const std::string& id, int year) const {
  const CompiledIndicator* ci = find(id);
  if (!ci) return nullptr;
  const CNode* best = nullptr;
  for (std::size_t k = 0; k < ci->def.formulas.size(); ++k) {
    const auto& from = ci->def.formulas[k].from;
    if (!from || *from <= year) best = &ci->formulas[k];
  }
  return best;
}

std::pair<const std::string*, std::optional<int>> IndicatorSet::formula_source(const std::string& id, int year) const {
  const CompiledIndicator* ci = find(id);
  if (!ci) return {nullptr, std::nullopt};
  const IndicatorFormula* f = ci->def.formula_for(year);
  if (!f) return {nullptr, std::nullopt};
  return {&f->formula, f->from};
}

namespace {

// A table kept in the facts for the facts patched from them, with what it was computed with.
struct KeptTable {
  std::vector<std::shared_ptr<const void>> made_with;
  IndicatorTable table;
};

// The bodies `changed` and every body above them, through every membership of any year: the
// bodies whose scope may hold a changed body.
std::vector<char> above(const Facts& facts, const std::vector<int>& changed) {
  std::vector<char> out(facts.body_count(), 0);
  std::vector<int> stack(changed.begin(), changed.end());
  const auto& bodies = facts.model().bodies;
  while (!stack.empty()) {
    const int b = stack.back();
    stack.pop_back();
    if (b < 0 || out[static_cast<std::size_t>(b)]) continue;
    out[static_cast<std::size_t>(b)] = 1;
    const auto it = bodies.find(facts.body_ids[static_cast<std::size_t>(b)]);
    if (it == bodies.end()) continue;
    for (const auto& parent : it->second.parents) stack.push_back(facts.body(parent.id));
  }
  return out;
}

}  // namespace

IndicatorTable IndicatorSet::compute(const Facts& facts, const std::vector<std::string>& ids,
                                     const std::vector<std::string>& bodies, const std::vector<int>& years,
                                     EvalOptions options,
                                     const std::function<void(Evaluator&)>& on_evaluator,
                                     const std::vector<std::shared_ptr<const void>>* made_with) const {
  std::vector<const CompiledIndicator*> chosen;
  if (ids.empty()) {
    for (const auto& kv : indicators_) chosen.push_back(&kv.second);
  } else {
    std::vector<std::string> sorted(ids);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const auto& id : sorted) {
      const auto* ci = find(id);
      if (!ci) throw NotFoundError("indicator", id);
      chosen.push_back(ci);
    }
  }
  std::vector<char> selected(facts.body_count(), bodies.empty() ? 1 : 0);
  for (const auto& b : bodies) {
    const int idx = facts.body(b);
    if (idx < 0) throw NotFoundError("body", b);
    selected[idx] = 1;
  }
  std::vector<int> year_list = years.empty() ? facts.data_years : years;
  std::sort(year_list.begin(), year_list.end());
  year_list.erase(std::unique(year_list.begin(), year_list.end()), year_list.end());

  if (!options.indicator) {
    options.indicator = [this](const std::string& id, int year) { return formula(id, year); };
  }
  // The table of the same request on the facts these were patched from, and the bodies whose
  // values may differ from it.
  std::string kept_key;
  std::shared_ptr<const KeptTable> earlier;
  std::vector<char> again;
  if (made_with && !options.parameters) {
    kept_key = std::string("indicators|") + (options.preview ? "preview|" : "|");
    for (const auto* ci : chosen) kept_key += ci->def.id + ",";
    kept_key += "|";
    for (std::size_t b = 0; b < facts.body_count(); ++b) {
      if (selected[b] && !bodies.empty()) kept_key += facts.body_ids[b] + ",";
    }
    kept_key += "|";
    for (int y : year_list) kept_key += std::to_string(y) + ",";
    const FactsDelta* delta = facts.delta();
    auto old = delta ? facts.inherited_result(kept_key) : nullptr;
    // Only plans changed (the other records are the same objects): a value changes only where
    // a changed plan is in the body's scope.
    if (old && delta->feedback && delta->statistics && delta->cases && delta->ledger && delta->places &&
        delta->certifications) {
      auto kept = std::static_pointer_cast<const KeptTable>(old);
      if (kept->made_with == *made_with) {
        earlier = std::move(kept);
        again = above(facts, delta->bodies);
      }
    }
  }
  Evaluator evaluator(facts, options);
  if (on_evaluator) on_evaluator(evaluator);
  IndicatorTable table;
  std::vector<std::int32_t> body_code(facts.body_count(), -1);
  for (std::size_t b = 0; b < facts.body_count(); ++b) {
    if (selected[b]) body_code[b] = table.add_body(facts.body_ids[b]);
  }
  for (const auto* ci : chosen) {
    for (int year : year_list) {
      if (const CNode* f = formula(ci->def.id, year)) evaluator.expect(*f);
    }
  }
  {
    // Every row at once: the columns are not grown (and copied) while rows are appended.
    std::size_t rows = 0;
    for (const auto* ci : chosen) {
      std::vector<char> level(7, 0);
      for (auto k : ci->def.levels) level[static_cast<int>(k)] = 1;
      for (std::size_t b = 0; b < facts.body_count(); ++b) {
        if (level[static_cast<int>(facts.body_kind[b])] && selected[b]) rows += year_list.size();
      }
    }
    table.reserve(rows);
    if (earlier && earlier->table.size() != rows) earlier.reset();
  }
  std::vector<double> values;
  std::vector<char> has_values(facts.body_count(), 0);
  for (const auto* ci : chosen) {
    const auto code = table.add_indicator(ci->def.id, ci->def.decimals.value_or(-1));
    // Bodies of the indicator's levels, by kind; each kind is one batch.
    std::vector<char> level(7, 0);
    for (auto k : ci->def.levels) level[static_cast<int>(k)] = 1;
    std::map<int, Batch> batches;
    std::fill(has_values.begin(), has_values.end(), 0);
    for (std::size_t b = 0; b < facts.body_count(); ++b) {
      const int k = static_cast<int>(facts.body_kind[b]);
      if (!level[k] || !selected[b]) continue;
      has_values[b] = 1;
      if (earlier && !again[b]) continue;  // its rows are copied
      auto& batch = batches[k];
      batch.bodies.push_back(static_cast<int>(b));
    }
    // values[body * years + year index], for the bodies of the indicator's levels
    const std::size_t years_n = year_list.size();
    values.assign(facts.body_count() * years_n, kNull);
    for (auto& [k, batch] : batches) {
      batch.key = bodies.empty() && !earlier ? std::string("kind:") + to_string(static_cast<BodyKind>(k)) : std::string();
      for (std::size_t y = 0; y < years_n; ++y) {
        const CNode* f = formula(ci->def.id, year_list[y]);
        if (!f) continue;
        auto column = evaluator.eval(*f, batch, year_list[y]);
        for (std::size_t i = 0; i < batch.bodies.size(); ++i) {
          values[static_cast<std::size_t>(batch.bodies[i]) * years_n + y] = column[i];
        }
        recycle(std::move(column));
      }
    }
    // Bodies are in id order already; emit rows sorted by body then year.
    for (std::size_t b = 0; b < facts.body_count(); ++b) {
      if (!has_values[b]) continue;
      if (earlier && !again[b]) {
        // The earlier table has the same rows in the same order.
        for (std::size_t y = 0; y < years_n; ++y) {
          const std::size_t row = table.size();
          table.append(code, body_code[b], year_list[y], earlier->table.values()[row], earlier->table.target_met()[row]);
        }
        continue;
      }
      for (std::size_t y = 0; y < years_n; ++y) {
        const double v = values[b * years_n + y];
        std::int8_t met = -1;
        if (ci->def.target && !is_null(v)) met = ci->def.target->met(v) ? 1 : 0;
        table.append(code, body_code[b], year_list[y], v, met);
      }
    }
  }
  if (!kept_key.empty() && !facts.result(kept_key)) {
    facts.keep_result(kept_key, std::make_shared<const KeptTable>(KeptTable{*made_with, table}));
  }
  return table;
}

}  // namespace detail

}  // namespace civicplan
