// SPDX-License-Identifier: Apache-2.0
// The benchmark indicators as hand-written loops over plain arrays: the memory-bound limit.
//
//   civicplan_hand_loop DIR REPEAT   reads DIR/*.bin (written by benchmarks/run), computes the
//   27 indicators REPEAT times, writes DIR/out.f64 ([indicator][body][year], NaN for null) and
//   prints the compute time of each run in seconds, one per line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

template <typename T>
std::vector<T> load(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/" + name + ".bin", std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + dir + "/" + name + ".bin");
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<T> v(bytes / sizeof(T));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kIndicators = 27;

struct Input {
  int bodies = 0, years = 0, first_year = 0;
  std::vector<int32_t> kind, scope_off, scope_items, leaf;
  std::vector<int32_t> a_body, a_year, a_kind, a_completed, a_flags, a_top;
  std::vector<int32_t> p_aid, p_date, p_completion;
  std::vector<int32_t> l_aid, l_year, l_source;
  std::vector<int64_t> l_planned, l_actual;
  std::vector<double> population, children;
  std::vector<int32_t> f_aid, f_rating;
  std::vector<int32_t> c_body, c_open, c_close, c_minor;
  std::vector<int32_t> g_body, g_year, g_mensa;
  std::vector<int64_t> g_charged, g_collected;
  std::vector<int32_t> pl_body, pl_since;
  std::vector<int32_t> r_body, r_date, r_grants, r_expires;
};

// Per body and year: the additive quantities the indicators divide.
enum Col {
  kFamActions, kFamCompleted, kT23, kCompW, kCompWC, kCompC, kRatingSum, kRatingN,
  kFamPlanned, kFamActual, kFamPlannedB, kZonePlanned, kZoneActual, kZoneRegional, kZoneState,
  kZoneNA, kZoneDOM, kZoneMIN, kCases, kNewCases, kMinors, kCharged, kCollected, kChargedMensa,
  kCollectedMensa, kPlaces, kCols
};

void compute(const Input& in, std::vector<double>& out) {
  const int B = in.bodies, Y = in.years;
  const std::size_t cells = static_cast<std::size_t>(B) * Y;
  std::vector<double> own(cells * kCols, 0.0);
  std::vector<int32_t> own_top(cells, 0);
  auto at = [&](int b, int y, int c) -> double& { return own[(static_cast<std::size_t>(b) * Y + y) * kCols + c]; };
  const std::size_t n_actions = in.a_body.size();

  // Per action: completion at the end of its year (latest progress, else by status), weight.
  std::vector<double> completion(n_actions), weight(n_actions, 0.0);
  for (std::size_t a = 0; a < n_actions; ++a) completion[a] = in.a_completed[a] ? 100.0 : 0.0;
  for (std::size_t k = 0; k < in.p_aid.size(); ++k) {
    const int a = in.p_aid[k];
    if (in.p_date[k] <= (in.first_year + in.a_year[a]) * 10000 + 1231) completion[a] = in.p_completion[k];
  }
  for (std::size_t k = 0; k < in.l_aid.size(); ++k) {
    const int a = in.l_aid[k];
    if (in.a_kind[a] < 0 || in.l_year[k] != in.a_year[a]) continue;
    const int b = in.a_body[a], y = in.a_year[a];
    const double planned = static_cast<double>(in.l_planned[k]), actual = static_cast<double>(in.l_actual[k]);
    weight[a] += planned;
    if (in.a_kind[a] == 0) {
      at(b, y, kFamPlanned) += planned;
      at(b, y, kFamActual) += actual;
      if (in.a_flags[a] & 2) at(b, y, kFamPlannedB) += planned;
    } else {
      at(b, y, kZonePlanned) += planned;
      at(b, y, kZoneActual) += actual;
      if (in.l_source[k] == 1) at(b, y, kZoneRegional) += planned;
      if (in.l_source[k] == 2) at(b, y, kZoneState) += planned;
      if (in.a_flags[a] & 4) at(b, y, kZoneNA) += planned;
      if (in.a_flags[a] & 8) at(b, y, kZoneDOM) += planned;
      if (in.a_flags[a] & 16) at(b, y, kZoneMIN) += planned;
    }
  }
  std::vector<int32_t> rating_sum(n_actions, 0), rating_n(n_actions, 0);
  for (std::size_t k = 0; k < in.f_aid.size(); ++k) rating_sum[in.f_aid[k]] += in.f_rating[k], ++rating_n[in.f_aid[k]];
  for (std::size_t a = 0; a < n_actions; ++a) {
    if (in.a_kind[a] < 0) continue;
    const int b = in.a_body[a], y = in.a_year[a];
    at(b, y, kRatingSum) += rating_sum[a];
    at(b, y, kRatingN) += rating_n[a];
    if (in.a_flags[a] & 1) at(b, y, kT23) += 1;
    if (in.a_kind[a] != 0) continue;
    at(b, y, kFamActions) += 1;
    at(b, y, kFamCompleted) += in.a_completed[a];
    at(b, y, kCompW) += weight[a];
    at(b, y, kCompWC) += weight[a] * completion[a];
    at(b, y, kCompC) += completion[a];
    own_top[static_cast<std::size_t>(b) * Y + y] |= in.a_top[a];
  }
  for (std::size_t k = 0; k < in.c_body.size(); ++k) {
    for (int y = 0; y < Y; ++y) {
      const int year = in.first_year + y;
      const bool active = in.c_open[k] <= year * 10000 + 1231 && in.c_close[k] >= year * 10000 + 101;
      at(in.c_body[k], y, kCases) += active;
      at(in.c_body[k], y, kMinors) += active && in.c_minor[k];
      at(in.c_body[k], y, kNewCases) += in.c_open[k] / 10000 == year;
    }
  }
  for (std::size_t k = 0; k < in.g_body.size(); ++k) {
    const int b = in.g_body[k], y = in.g_year[k];
    if (y < 0 || y >= Y) continue;
    at(b, y, kCharged) += static_cast<double>(in.g_charged[k]);
    at(b, y, kCollected) += static_cast<double>(in.g_collected[k]);
    if (in.g_mensa[k]) {
      at(b, y, kChargedMensa) += static_cast<double>(in.g_charged[k]);
      at(b, y, kCollectedMensa) += static_cast<double>(in.g_collected[k]);
    }
  }
  for (std::size_t k = 0; k < in.pl_body.size(); ++k) {
    for (int y = 0; y < Y; ++y) at(in.pl_body[k], y, kPlaces) += in.pl_since[k] <= (in.first_year + y) * 10000 + 1231;
  }
  // Certification held per body and year: the latest record on or before the year's end.
  std::vector<double> held(cells, 0.0);
  for (std::size_t k = 0; k < in.r_body.size(); ++k) {  // sorted by date
    for (int y = 0; y < Y; ++y) {
      const int year = in.first_year + y;
      if (in.r_date[k] > year * 10000 + 1231) continue;
      held[static_cast<std::size_t>(in.r_body[k]) * Y + y] = in.r_grants[k] && in.r_expires[k] >= year * 10000 + 101;
    }
  }

  // Over each scope: sums, the union of macro-areas, statistics over leaves, member shares.
  std::vector<double> sum(kCols);
  for (int g = 0; g < B; ++g) {
    for (int y = 0; y < Y; ++y) {
      std::fill(sum.begin(), sum.end(), 0.0);
      int32_t top = 0;
      double pop = 0, child = 0, pop_prev = 0, held_n = 0, held_true = 0, big_n = 0, big_true = 0;
      for (int k = in.scope_off[g]; k < in.scope_off[g + 1]; ++k) {
        const int m = in.scope_items[k];
        const std::size_t cell = static_cast<std::size_t>(m) * Y + y;
        const double* row = &own[cell * kCols];
        for (int c = 0; c < kCols; ++c) sum[c] += row[c];
        top |= own_top[cell];
        if (in.leaf[m]) {
          pop += in.population[cell];
          child += in.children[cell];
          pop_prev += y > 0 ? in.population[cell - 1] : kNaN;
        }
        if (in.kind[m] == 0) {
          held_n += 1;
          held_true += held[cell];
          if (!std::isnan(in.population[cell])) big_n += 1, big_true += in.population[cell] > 5000;
        }
      }
      const int year = in.first_year + y;
      auto div = [](double a, double b) { const double r = a / b; return std::isfinite(r) ? r : kNaN; };
      const double fam_spend = div(sum[kFamPlanned] / 100.0, pop);
      double v[kIndicators] = {
          div(sum[kFamActions], pop) * 1000,
          fam_spend,
          div(sum[kFamActual] / 100.0, sum[kFamPlanned] / 100.0),
          static_cast<double>(__builtin_popcount(top)),
          div(sum[kFamCompleted], sum[kFamActions]),
          sum[kFamActions] == 0 ? kNaN
                                : (sum[kCompW] > 0 ? sum[kCompWC] / sum[kCompW] : sum[kCompC] / sum[kFamActions]),
          div(sum[kPlaces], child) * 1000,
          sum[kT23],
          year < 2016 ? kNaN : div((year < 2020 ? sum[kFamPlanned] : sum[kFamPlannedB]) / 100.0, child),
          pop - pop_prev,
          held_n > 0 ? held_true / held_n : kNaN,
          big_n > 0 ? big_true / big_n : kNaN,
          div(sum[kRatingSum], sum[kRatingN]),
          fam_spend - 5,
          div(sum[kZonePlanned] / 100.0, pop),
          div(sum[kZoneActual] / 100.0, sum[kZonePlanned] / 100.0),
          div(sum[kZoneNA], sum[kZonePlanned]),
          div(sum[kZoneDOM], sum[kZonePlanned]),
          div(sum[kZoneMIN], sum[kZonePlanned]),
          div(sum[kZoneRegional], sum[kZonePlanned]),
          div(sum[kZoneState], sum[kZonePlanned]),
          div(sum[kCases], pop) * 1000,
          sum[kNewCases],
          sum[kMinors],
          div(sum[kCollected] / 100.0, sum[kCharged] / 100.0),
          div(sum[kCollectedMensa] / 100.0, sum[kChargedMensa] / 100.0),
          div(sum[kCharged] / 100.0, pop),
      };
      for (int i = 0; i < kIndicators; ++i) out[(static_cast<std::size_t>(i) * B + g) * Y + y] = v[i];
    }
  }
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 3) {
    std::cerr << "usage: civicplan_hand_loop DIR REPEAT\n";
    return 2;
  }
  const std::string dir = argv[1];
  const int repeat = std::stoi(argv[2]);
  Input in;
  const auto dims = load<int32_t>(dir, "dims");
  in.bodies = dims[0], in.years = dims[1], in.first_year = dims[2];
  in.kind = load<int32_t>(dir, "kind");
  in.scope_off = load<int32_t>(dir, "scope_off");
  in.scope_items = load<int32_t>(dir, "scope_items");
  in.leaf = load<int32_t>(dir, "leaf");
  in.a_body = load<int32_t>(dir, "a_body");
  in.a_year = load<int32_t>(dir, "a_year");
  in.a_kind = load<int32_t>(dir, "a_kind");
  in.a_completed = load<int32_t>(dir, "a_completed");
  in.a_flags = load<int32_t>(dir, "a_flags");
  in.a_top = load<int32_t>(dir, "a_top");
  in.p_aid = load<int32_t>(dir, "p_aid");
  in.p_date = load<int32_t>(dir, "p_date");
  in.p_completion = load<int32_t>(dir, "p_completion");
  in.l_aid = load<int32_t>(dir, "l_aid");
  in.l_year = load<int32_t>(dir, "l_year");
  in.l_source = load<int32_t>(dir, "l_source");
  in.l_planned = load<int64_t>(dir, "l_planned");
  in.l_actual = load<int64_t>(dir, "l_actual");
  in.population = load<double>(dir, "population");
  in.children = load<double>(dir, "children");
  in.f_aid = load<int32_t>(dir, "f_aid");
  in.f_rating = load<int32_t>(dir, "f_rating");
  in.c_body = load<int32_t>(dir, "c_body");
  in.c_open = load<int32_t>(dir, "c_open");
  in.c_close = load<int32_t>(dir, "c_close");
  in.c_minor = load<int32_t>(dir, "c_minor");
  in.g_body = load<int32_t>(dir, "g_body");
  in.g_year = load<int32_t>(dir, "g_year");
  in.g_mensa = load<int32_t>(dir, "g_mensa");
  in.g_charged = load<int64_t>(dir, "g_charged");
  in.g_collected = load<int64_t>(dir, "g_collected");
  in.pl_body = load<int32_t>(dir, "pl_body");
  in.pl_since = load<int32_t>(dir, "pl_since");
  in.r_body = load<int32_t>(dir, "r_body");
  in.r_date = load<int32_t>(dir, "r_date");
  in.r_grants = load<int32_t>(dir, "r_grants");
  in.r_expires = load<int32_t>(dir, "r_expires");
  std::vector<double> out(static_cast<std::size_t>(kIndicators) * in.bodies * in.years);
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    compute(in, out);
    const auto t1 = std::chrono::steady_clock::now();
    std::printf("%.9f\n", std::chrono::duration<double>(t1 - t0).count());
  }
  std::ofstream(dir + "/out.f64", std::ios::binary)
      .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(double)));
  return 0;
} catch (const std::exception& e) {
  std::cerr << "civicplan_hand_loop: " << e.what() << '\n';
  return 1;
}
