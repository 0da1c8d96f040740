// SPDX-License-Identifier: Apache-2.0
// The citizen-facing page of a body's plans in a year: one HTML5 document, inline CSS and SVG,
// no script, no request to any other address.
#include "engines/report/report.hpp"

#include <algorithm>
#include <cmath>

#include "civicplan/version.hpp"

namespace civicplan::detail {

namespace {

// The page's own words in the two languages; the data's labels are never translated.
struct Words {
  Lang lang;
  const char* operator()(const char* it, const char* en) const { return lang == Lang::kItalian ? it : en; }
};

const char* kind_name(BodyKind k, Lang lang) {
  const bool it = lang == Lang::kItalian;
  switch (k) {
    case BodyKind::kMunicipality: return it ? "comune" : "municipality";
    case BodyKind::kUnion: return it ? "unione di comuni" : "union of municipalities";
    case BodyKind::kDistrict: return it ? "distretto" : "district";
    case BodyKind::kProvince: return it ? "provincia" : "province";
    case BodyKind::kRegion: return it ? "regione" : "region";
    case BodyKind::kAgency: return it ? "ente" : "agency";
    case BodyKind::kOrganization: return it ? "organizzazione" : "organization";
  }
  return "";
}

const char* plural(BodyKind k, Lang lang) {
  const bool it = lang == Lang::kItalian;
  switch (k) {
    case BodyKind::kMunicipality: return it ? "comuni" : "municipalities";
    case BodyKind::kUnion: return it ? "unioni di comuni" : "unions of municipalities";
    case BodyKind::kDistrict: return it ? "distretti" : "districts";
    case BodyKind::kProvince: return it ? "province" : "provinces";
    case BodyKind::kRegion: return it ? "regioni" : "regions";
    case BodyKind::kAgency: return it ? "enti" : "agencies";
    case BodyKind::kOrganization: return it ? "organizzazioni" : "organizations";
  }
  return "";
}

const char* status_name(PlanStatus s, Lang lang) {
  const bool it = lang == Lang::kItalian;
  switch (s) {
    case PlanStatus::kDraft: return it ? "bozza" : "draft";
    case PlanStatus::kSubmitted: return it ? "inviato per l'approvazione" : "submitted for approval";
    case PlanStatus::kApproved: return it ? "approvato" : "approved";
    case PlanStatus::kRejected: return it ? "respinto" : "rejected";
    case PlanStatus::kArchived: return it ? "archiviato" : "archived";
  }
  return "";
}

const char* variant_name(PlanVariant v, Lang lang) {
  const bool it = lang == Lang::kItalian;
  switch (v) {
    case PlanVariant::kOriginal: return it ? "piano" : "plan";
    case PlanVariant::kUpdate: return it ? "aggiornamento" : "update";
    case PlanVariant::kImplementation: return it ? "piano attuativo" : "implementation plan";
  }
  return "";
}

const char* action_status_name(std::size_t i, Lang lang) {
  static const char* const it[] = {"programmate", "in corso", "completate", "sospese", "annullate"};
  static const char* const en[] = {"planned", "in progress", "completed", "suspended", "cancelled"};
  return lang == Lang::kItalian ? it[i] : en[i];
}

const char* certification_status_name(CertificationStatus s, Lang lang) {
  const bool it = lang == Lang::kItalian;
  switch (s) {
    case CertificationStatus::kGranted: return it ? "concessa" : "granted";
    case CertificationStatus::kRenewed: return it ? "rinnovata" : "renewed";
    case CertificationStatus::kSuspended: return it ? "sospesa" : "suspended";
    case CertificationStatus::kRevoked: return it ? "revocata" : "revoked";
    case CertificationStatus::kExpired: return it ? "scaduta" : "expired";
  }
  return "";
}

std::string date_text(const Date& d, Lang lang) {
  if (lang == Lang::kEnglish) return d.to_string();
  char text[16];
  std::snprintf(text, sizeof text, "%02d/%02d/%04d", d.day, d.month, d.year);
  return text;
}

std::string esc(const std::string& s) { return html_escape(s); }

std::string period_text(const YearRange& r) {
  return r.from == r.to ? std::to_string(r.from) : std::to_string(r.from) + "–" + std::to_string(r.to);
}

const char* const kStyle = R"(
:root{--ink:#1b1b1b;--muted:#4a4f55;--line:#d5d9dd;--accent:#1a4f8b;--good:#2b6e3a;--bad:#a3210f;--paper:#ffffff}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--ink);background:var(--paper);line-height:1.45}
body{margin:0}
main{max-width:1180px;margin:0 auto;padding:16px}
header.page{border-bottom:4px solid var(--accent);padding-bottom:10px;margin-bottom:8px}
h1{font-size:1.7rem;margin:.2rem 0}
h2{font-size:1.3rem;margin:1.6rem 0 .4rem;padding-top:.6rem;border-top:1px solid var(--line)}
h3{font-size:1.05rem;margin:1rem 0 .3rem}
p{margin:.3rem 0 .6rem}
.muted{color:var(--muted)}
.figures{display:grid;grid-template-columns:1fr;gap:8px 24px}
figure{margin:0 0 12px;break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart{width:100%;height:auto;max-width:560px;display:block}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.9rem;margin:4px 0 8px;min-width:50%}
caption{text-align:left;font-weight:600;padding:2px 0;color:var(--muted)}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
thead th{border-bottom:2px solid #8a9097}
ul.plans{list-style:none;padding:0;margin:6px 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px}
ul.plans li{border:1px solid var(--line);border-left:4px solid var(--accent);padding:6px 10px;break-inside:avoid}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:8px 0}
.card{border:1px solid var(--line);border-left:4px solid var(--accent);padding:6px 10px}
.card b{display:block;font-size:1.35rem}
.ok{color:var(--good);font-weight:600}
.no{color:var(--bad);font-weight:600}
.unknown{color:var(--muted);font-weight:600}
.meter{height:14px;border:1px solid #6b6b6b;background:#eef0f2;max-width:420px;margin:4px 0}
.meter span{display:block;height:100%;background:var(--accent)}
footer{margin-top:2rem;border-top:1px solid var(--line);padding-top:8px;font-size:.85rem;color:var(--muted)}
@media (min-width:900px){.figures{grid-template-columns:minmax(0,1.1fr) minmax(0,1fr)}}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}.scroll{overflow:visible}a{color:inherit}}
)";

// A chart with its numbers beside it (below it on a phone).
std::string figure(const Chart& chart, const std::string& note = "") {
  return "<div class=\"figures\"><figure><figcaption>" + esc(chart.title) + "</figcaption>" + render_svg(chart) +
         (note.empty() ? "" : "<p class=\"muted\">" + esc(note) + "</p>") + "</figure><div class=\"scroll\">" +
         render_table(chart) + "</div></div>";
}

std::string figure(const DotMap& map) {
  return "<div class=\"figures\"><figure><figcaption>" + esc(map.title) + "</figcaption>" + render_svg(map) +
         "</figure><div class=\"scroll\">" + render_table(map) + "</div></div>";
}

// The decimals an indicator is shown with: its own, else none for whole numbers (counts), else 2.
int decimals_for(const Indicator& def, const std::vector<std::optional<double>>& values) {
  if (def.decimals) return *def.decimals;
  for (const auto& v : values) {
    if (v && *v != std::floor(*v)) return 2;
  }
  return 0;
}

std::string body_label(const Body& b, Lang lang) { return b.name + " (" + kind_name(b.kind, lang) + ")"; }

class Page {
 public:
  explicit Page(const ReportData& d) : d_(d), w_{d.lang} {}

  std::string render() {
    std::string title = d_.body.name + " — " + w_("Piani e risultati", "Plans and results") + " " + std::to_string(d_.year);
    out_ = "<!DOCTYPE html>\n<html lang=\"" + std::string(to_string(d_.lang)) +
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"generator\" content=\"civicplan " + std::string(kVersion) + "\"><title>" + esc(title) +
           "</title><style>" + kStyle + "</style></head><body><main>";
    header();
    plans();
    actions();
    budget();
    indicators();
    completion();
    certification();
    ratings();
    map();
    members();
    out_ += "<footer>" + esc(w_("Pagina generata da civicplan ", "Page generated by civicplan ")) + kVersion + ". " +
            esc(w_("I grafici riportano accanto i propri dati in tabella.",
                   "Each chart has its numbers in the table beside it.")) +
            "</footer></main></body></html>\n";
    return out_;
  }

 private:
  void section(const std::string& id, const std::string& heading) {
    out_ += "<section id=\"" + id + "\" aria-labelledby=\"" + id + "-h\"><h2 id=\"" + id + "-h\">" + esc(heading) + "</h2>";
  }
  void end() { out_ += "</section>"; }
  void para(const std::string& text, bool muted = false) {
    out_ += std::string("<p") + (muted ? " class=\"muted\"" : "") + ">" + esc(text) + "</p>";
  }
  Chart chart(const std::string& id, Chart::Kind kind, const std::string& title) const {
    Chart c;
    c.id = id;
    c.kind = kind;
    c.title = title;
    c.lang = d_.lang;
    return c;
  }

  void header() {
    out_ += "<header class=\"page\"><p class=\"muted\">" + esc(kind_name(d_.body.kind, d_.lang));
    for (const auto& a : d_.ancestors) out_ += " · " + esc(a.name);
    out_ += "</p><h1>" + esc(d_.body.name) + "</h1><p>" +
            esc(w_("Piani, azioni e risultati dell'anno ", "Plans, actions and results of ")) + std::to_string(d_.year) +
            "</p></header>";
    // The year at a glance.
    Money planned, actual;
    for (const auto& b : d_.budget) planned += b.planned, actual += b.actual;
    std::size_t actions = 0;
    for (const auto& p : d_.plans) {
      if (p.counted) actions += p.actions;
    }
    out_ += "<div class=\"cards\">";
    card(std::to_string(d_.plans_total), w_("piani nell'anno", "plans in the year"));
    card(std::to_string(actions), w_("azioni dei piani in vigore", "actions of the plans in force"));
    card(format_euros(planned, d_.lang, false), w_("spesa programmata", "planned spending"));
    card(format_euros(actual, d_.lang, false), w_("spesa rendicontata", "reported spending"));
    if (!d_.completion.empty() && d_.completion.back()) {
      card(format_number(*d_.completion.back(), 0, d_.lang) + "%", w_("avanzamento a fine anno", "completion at year end"));
    }
    out_ += "</div>";
  }

  void card(const std::string& value, const std::string& label) {
    out_ += "<div class=\"card\"><b>" + esc(value) + "</b>" + esc(label) + "</div>";
  }

  void plans() {
    section("plans", w_("I piani dell'anno", "The plans of the year"));
    if (d_.plans.empty()) {
      para(w_("Nessun piano copre quest'anno.", "No plan covers this year."));
      return end();
    }
    if (!d_.own_plans) {
      para(w_("Piani degli enti che ne fanno parte.", "Plans of the bodies that belong to it."), true);
    }
    // One card per plan: it reads on a phone as on a desktop.
    out_ += "<ul class=\"plans\">";
    for (const auto& p : d_.plans) {
      out_ += "<li><b>" + esc(p.title) + "</b><br>" + esc(variant_name(p.variant, d_.lang)) + " " + period_text(p.period) +
              (d_.own_plans ? "" : " · " + esc(p.body)) + " · " + esc(status_name(p.status, d_.lang)) + " · " +
              std::to_string(p.actions) + " " + esc(p.actions == 1 ? w_("azione", "action") : w_("azioni", "actions"));
      if (p.approval) {
        out_ += "<br>" + esc(w_("Approvato con ", "Approved by ")) + esc(p.approval->act) + " (" +
                date_text(p.approval->date, d_.lang) + ")";
      }
      if (!p.counted) {
        out_ += "<br><span class=\"muted\">" +
                esc(p.status == PlanStatus::kApproved || p.status == PlanStatus::kArchived
                        ? w_("Per quest'anno vale il suo piano attuativo: non conteggiato nei dati dell'anno.",
                             "Its implementation plan applies to this year: not counted in the year's figures.")
                        : w_("Non ancora approvato: non conteggiato nei dati dell'anno.",
                             "Not approved yet: not counted in the year's figures.")) +
                "</span>";
      }
      out_ += "<br><span class=\"muted\">" + esc(p.id) + "</span></li>";
    }
    out_ += "</ul>";
    if (d_.plans_total > d_.plans.size()) {
      para(std::to_string(d_.plans_total - d_.plans.size()) + w_(" altri piani non sono elencati.", " more plans are not listed."), true);
    }
    end();
  }

  void actions() {
    section("actions", w_("Le azioni per area", "Actions by area"));
    if (d_.categories.empty()) {
      para(w_("Nessuna azione nei piani in vigore.", "No action in the plans in force."));
      return end();
    }
    Chart c = chart("chart-actions", Chart::Kind::kStackedBars, w_("Azioni per area e stato", "Actions by area and status"));
    std::vector<std::size_t> used;
    for (std::size_t s = 0; s < 5; ++s) {
      for (const auto& cat : d_.categories) {
        if (cat.by_status[s] > 0) {
          used.push_back(s);
          break;
        }
      }
    }
    for (std::size_t s : used) c.series.push_back({action_status_name(s, d_.lang), {}});
    int total = 0;
    std::string largest;
    int largest_count = -1;
    for (const auto& cat : d_.categories) {
      c.categories.push_back(cat.label);
      int n = 0;
      for (std::size_t i = 0; i < used.size(); ++i) {
        c.series[i].values.push_back(static_cast<double>(cat.by_status[used[i]]));
        n += cat.by_status[used[i]];
      }
      total += n;
      if (n > largest_count) largest_count = n, largest = cat.label;
    }
    c.description = std::to_string(d_.categories.size()) + w_(" aree, ", " areas, ") + std::to_string(total) +
                    w_(" azioni in tutto (un'azione in più aree conta in ognuna); la più ricca è «",
                       " actions in all (an action in several areas counts in each); the largest is \"") +
                    largest + w_("» con ", "\" with ") + std::to_string(largest_count) + ".";
    out_ += figure(c);
    end();
  }

  void budget() {
    section("budget", w_("Le risorse per fonte di finanziamento", "Funding by source"));
    if (d_.budget.empty()) {
      para(w_("Nessuna riga di bilancio per quest'anno.", "No budget line for this year."));
      return end();
    }
    Chart c = chart("chart-budget", Chart::Kind::kBars, w_("Spesa programmata e rendicontata per fonte", "Planned and reported spending by source"));
    c.format = ValueFormat::kEuros;
    c.series = {{w_("programmata", "planned"), {}}, {w_("rendicontata", "reported"), {}}};
    Money planned, actual;
    for (const auto& b : d_.budget) {
      c.categories.push_back(b.source);
      c.series[0].values.push_back(static_cast<double>(b.planned.cents()));
      c.series[1].values.push_back(b.reported ? std::optional<double>(static_cast<double>(b.actual.cents())) : std::nullopt);
      planned += b.planned, actual += b.actual;
    }
    c.description = w_("Programmata in tutto ", "Planned in all ") + format_euros(planned, d_.lang) +
                    w_(", rendicontata ", ", reported ") + format_euros(actual, d_.lang) + w_(", in ", ", across ") +
                    std::to_string(d_.budget.size()) + w_(" fonti.", " sources.");
    const bool gaps = std::any_of(d_.budget.begin(), d_.budget.end(), [](const ReportBudget& b) { return !b.reported; });
    out_ += figure(c, gaps ? w_("n.d.: nessuna spesa rendicontata per la fonte.", "n/a: no spending reported for the source.") : "");
    end();
  }

  void indicators() {
    section("indicators", w_("Gli indicatori negli anni", "Indicators over the years"));
    if (d_.indicators.empty() && d_.silent_indicators.empty()) {
      para(w_("Nessun indicatore è definito per questo livello.", "No indicator is defined for this level."));
      return end();
    }
    para(w_("Ogni grafico confronta l'ente con il distretto, la provincia e la regione di cui fa parte, dove l'indicatore è definito.",
            "Each chart sets the body beside the district, province and region it belongs to, where the indicator is defined."),
         true);
    std::size_t n = 0;
    for (const auto& ind : d_.indicators) {
      const Indicator& def = ind.indicator;
      Chart c = chart("chart-ind-" + std::to_string(++n), Chart::Kind::kLines, def.label + (def.unit ? " (" + *def.unit + ")" : ""));
      std::vector<std::optional<double>> all;
      for (const auto& v : ind.values) all.insert(all.end(), v.begin(), v.end());
      c.decimals = decimals_for(def, all);
      for (int y : ind.years) c.categories.push_back(std::to_string(y));
      for (std::size_t s = 0; s < ind.bodies.size(); ++s) c.series.push_back({body_label(ind.bodies[s], d_.lang), ind.values[s]});
      c.emphasis = 0;
      if (def.target) {
        const auto& t = *def.target;
        if (t.op == ">=" || t.op == ">") c.band_from = t.value;
        if (t.op == "<=" || t.op == "<") c.band_to = t.value;
        c.band_label = std::string(w_("obiettivo ", "target ")) + t.op + " " + format_number(t.value, c.decimals, d_.lang);
      }
      std::string desc;
      const auto& own = ind.values.empty() ? std::vector<std::optional<double>>() : ind.values[0];
      std::optional<std::size_t> last;
      for (std::size_t k = 0; k < own.size(); ++k) {
        if (own[k]) last = k;
      }
      if (last) {
        desc = d_.body.name + w_(": ", ": ") + format_number(*own[*last], c.decimals, d_.lang) + w_(" nel ", " in ") +
               std::to_string(ind.years[*last]);
        for (std::size_t k = 0; k < *last; ++k) {
          if (own[k]) {
            desc += std::string(w_(" (", " (")) + format_number(*own[k], c.decimals, d_.lang) + w_(" nel ", " in ") +
                    std::to_string(ind.years[k]) + ")";
            break;
          }
        }
        if (def.target) {
          desc += def.target->met(*own[*last]) ? w_(", obiettivo raggiunto", ", target met") : w_(", obiettivo non raggiunto", ", target not met");
        }
        desc += ".";
      } else {
        desc = d_.body.name + w_(": nessun valore negli anni mostrati.", ": no value in the years shown.");
      }
      for (std::size_t s = 1; s < ind.bodies.size(); ++s) {
        for (std::size_t k = ind.values[s].size(); k-- > 0;) {
          if (ind.values[s][k]) {
            desc += " " + ind.bodies[s].name + ": " + format_number(*ind.values[s][k], c.decimals, d_.lang) + w_(" nel ", " in ") +
                    std::to_string(ind.years[k]) + ".";
            break;
          }
        }
      }
      c.description = desc;
      out_ += figure(c, def.description.value_or(""));
    }
    if (!d_.silent_indicators.empty()) {
      std::string names;
      for (const auto& label : d_.silent_indicators) names += (names.empty() ? "" : "; ") + label;
      para(w_("Senza valori diversi da zero per questo ente negli anni mostrati: ",
              "Without a value other than zero for this body in the years shown: ") + names + ".", true);
    }
    end();
  }

  void completion() {
    section("completion", w_("L'avanzamento nel tempo", "Completion over time"));
    bool any = false;
    for (const auto& v : d_.completion) any = any || v.has_value();
    if (!any) {
      para(w_("Nessun avanzamento registrato.", "No progress recorded."));
      return end();
    }
    Chart c = chart("chart-completion", Chart::Kind::kLines, w_("Avanzamento medio delle azioni a fine anno (%)", "Mean completion of the actions at year end (%)"));
    c.decimals = 1;
    for (int y : d_.completion_years) c.categories.push_back(std::to_string(y));
    c.series.push_back({d_.body.name, d_.completion});
    c.emphasis = 0;
    c.band_from = 100;
    c.band_to = 100;
    std::string desc = w_("Avanzamento pesato sulla spesa programmata: ", "Completion weighted by planned spending: ");
    bool first = true;
    for (std::size_t k = 0; k < d_.completion.size(); ++k) {
      if (!d_.completion[k]) continue;
      desc += (first ? "" : ", ") + std::to_string(d_.completion_years[k]) + " " + format_number(*d_.completion[k], 1, d_.lang) + "%";
      first = false;
    }
    c.description = desc + ".";
    out_ += figure(c);
    end();
  }

  void certification() {
    section("certification", w_("La certificazione", "Certification"));
    if (d_.certifications.empty()) {
      para(w_("Nessuno schema di certificazione si applica a questo ente.", "No certification scheme applies to this body."));
      return end();
    }
    for (const auto& c : d_.certifications) {
      const auto& r = c.report;
      out_ += "<h3>" + esc(c.label) + "</h3><p>";
      if (c.record) {
        out_ += esc(w_("Stato registrato: ", "Recorded status: ")) + "<b>" + esc(certification_status_name(c.record->status, d_.lang)) +
                "</b> " + esc(w_("il ", "on ")) + date_text(c.record->date, d_.lang) +
                (c.record->expires ? esc(w_(", scade il ", ", expires on ")) + date_text(*c.record->expires, d_.lang) : "") + ". ";
      } else {
        out_ += esc(w_("Nessuna certificazione registrata. ", "No certification recorded. "));
      }
      out_ += esc(w_("Verifica dei requisiti ", "Check of the requirements for ")) + std::to_string(r.year) + ": " +
              (r.passed ? "<span class=\"ok\">✓ " + esc(w_("requisiti soddisfatti", "requirements met")) + "</span>"
                        : "<span class=\"no\">✗ " + esc(w_("requisiti non soddisfatti", "requirements not met")) + "</span>") +
              "</p>";
      if (r.min_points) {
        const double share = *r.min_points > 0 ? std::clamp(r.points / *r.min_points, 0.0, 1.0) : 1.0;
        out_ += "<p>" + esc(w_("Punti: ", "Points: ")) + "<b>" + format_number(r.points, 0, d_.lang) + "</b> " +
                esc(w_("su ", "of ")) + format_number(*r.min_points, 0, d_.lang) + esc(w_(" richiesti", " required")) +
                "</p><div class=\"meter\" role=\"img\" aria-label=\"" +
                esc(format_number(r.points, 0, d_.lang) + w_(" punti su ", " points of ") + format_number(*r.min_points, 0, d_.lang)) +
                "\"><span style=\"width:" + format_number(share * 100, 1, Lang::kEnglish) + "%\"></span></div>";
      }
      if (!r.passed) {
        out_ += "<p><b>" + esc(w_("Cosa manca:", "What is still missing:")) + "</b></p><ul>";
        for (const auto& label : c.missing_labels) {
          out_ += "<li>" + esc(w_("requisito obbligatorio: ", "mandatory requirement: ")) + esc(label) + "</li>";
        }
        if (r.points_needed > 0) {
          out_ += "<li>" + format_number(r.points_needed, 0, d_.lang) + esc(w_(" punti in più", " more points")) + "</li>";
        }
        out_ += "</ul>";
      }
      out_ += "<div class=\"scroll\"><table><caption>" + esc(w_("Requisiti", "Requirements")) + "</caption><thead><tr><th scope=\"col\">" +
              esc(w_("Requisito", "Requirement")) + "</th><th scope=\"col\">" + esc(w_("Esito", "Outcome")) + "</th><th scope=\"col\">" +
              esc(w_("Dettaglio", "Detail")) + "</th><th scope=\"col\">" + esc(w_("Punti", "Points")) + "</th></tr></thead><tbody>";
      for (const auto& rule : r.rules) {
        const char* cls = rule.outcome == Outcome::kPass ? "ok" : rule.outcome == Outcome::kFail ? "no" : "unknown";
        const std::string outcome = rule.outcome == Outcome::kPass ? std::string("✓ ") + w_("soddisfatto", "met")
                                    : rule.outcome == Outcome::kFail ? std::string("✗ ") + w_("non soddisfatto", "not met")
                                                                     : std::string("? ") + w_("dati mancanti", "data missing");
        out_ += "<tr><th scope=\"row\">" + esc(rule.label) +
                (rule.mandatory ? " <span class=\"muted\">(" + esc(w_("obbligatorio", "mandatory")) + ")</span>" : "") +
                "</th><td class=\"" + cls + "\">" + esc(outcome) + "</td><td>" + esc(rule.message) + "</td><td class=\"num\" data-value=\"" +
                format_number(rule.points, 6, Lang::kEnglish) + "\">" + format_number(rule.points, 0, d_.lang) + "</td></tr>";
      }
      out_ += "</tbody></table></div>";
    }
    end();
  }

  void ratings() {
    section("ratings", w_("Le valutazioni dei cittadini", "Citizens' ratings"));
    int total = 0;
    for (int n : d_.ratings.counts) total += n;
    if (total == 0) {
      para(w_("Nessuna valutazione per le azioni dell'anno.", "No rating for the year's actions."));
      return end();
    }
    Chart c = chart("chart-ratings", Chart::Kind::kBars, w_("Valutazioni per punteggio (da 1 a 5)", "Ratings by score (1 to 5)"));
    c.series.push_back({w_("valutazioni", "ratings"), {}});
    for (int s = 5; s >= 1; --s) {
      std::string stars;
      for (int k = 0; k < s; ++k) stars += "★";
      c.categories.push_back(stars + " " + std::to_string(s));
      c.series[0].values.push_back(static_cast<double>(d_.ratings.counts[static_cast<std::size_t>(s - 1)]));
    }
    c.description = std::to_string(total) + w_(" valutazioni, media ", " ratings, mean ") +
                    format_number(d_.ratings.mean.value_or(0), 1, d_.lang) + w_(" su 5.", " of 5.");
    out_ += "<div class=\"cards\">";
    card(format_number(d_.ratings.mean.value_or(0), 1, d_.lang) + " / 5", w_("valutazione media", "mean rating"));
    card(std::to_string(total), w_("valutazioni", "ratings"));
    out_ += "</div>" + figure(c);
    if (!d_.ratings.recent.empty()) {
      out_ += "<h3>" + esc(w_("Gli ultimi commenti", "Latest comments")) + "</h3><ul>";
      for (const auto& f : d_.ratings.recent) {
        out_ += "<li>«" + esc(*f.comment) + "» <span class=\"muted\">(" + std::to_string(f.rating) + "/5, " +
                date_text(f.date, d_.lang) + ")</span></li>";
      }
      out_ += "</ul>";
    }
    end();
  }

  void map() {
    section("map", w_("La mappa", "Map"));
    if (d_.places.empty() && d_.located_actions.empty()) {
      para(w_("Nessun luogo o azione con coordinate.", "No place or action with coordinates."));
      return end();
    }
    DotMap m;
    m.id = "map";
    m.lang = d_.lang;
    m.title = w_("Luoghi e azioni sul territorio", "Places and actions on the map");
    const std::string place_group = w_("luogo", "place"), action_group = w_("azione", "action");
    if (!d_.places.empty()) m.groups.push_back(place_group);
    if (!d_.located_actions.empty()) m.groups.push_back(action_group);
    for (auto p : d_.places) {
      p.label = p.label + " — " + p.group;
      p.group = place_group;
      m.points.push_back(p);
    }
    for (auto p : d_.located_actions) {
      p.group = action_group;
      m.points.push_back(p);
    }
    m.landmarks = d_.landmarks;
    m.description = std::to_string(d_.places.size()) + w_(" luoghi e ", " places and ") + std::to_string(d_.located_actions.size()) +
                    w_(" azioni con coordinate; i numeri rimandano alla tabella.", " actions with coordinates; the numbers refer to the table.");
    out_ += figure(m);
    end();
  }

  void members() {
    if (!d_.members_kind) return;
    const std::string members = plural(*d_.members_kind, d_.lang);
    section("members", w_("Il confronto tra i membri", "Members compared"));
    if (d_.rankings.empty()) {
      para(w_("Nessun indicatore è definito per i membri (", "No indicator is defined for the members (") + members + ").");
      return end();
    }
    std::size_t n = 0;
    for (const auto& r : d_.rankings) {
      const Indicator& def = r.indicator;
      Chart c = chart("chart-rank-" + std::to_string(++n), Chart::Kind::kBars,
                      def.label + (def.unit ? " (" + *def.unit + ")" : "") + ", " + std::to_string(d_.year));
      std::vector<std::optional<double>> all;
      for (const auto& row : r.rows) all.push_back(row.second);
      c.decimals = decimals_for(def, all);
      c.series.push_back({def.label, {}});
      for (const auto& [name, v] : r.rows) {
        c.categories.push_back(name);
        c.series[0].values.push_back(v);
      }
      std::string desc = std::to_string(r.rows.size()) + " " + members + w_(" in ordine; primo ", " in order; first ");
      if (!r.rows.empty() && r.rows.front().second) {
        desc += r.rows.front().first + " (" + format_number(*r.rows.front().second, c.decimals, d_.lang) + ")";
        for (auto it = r.rows.rbegin(); it != r.rows.rend(); ++it) {
          if (it->second) {
            desc += w_(", ultimo ", ", last ") + it->first + " (" + format_number(*it->second, c.decimals, d_.lang) + ")";
            break;
          }
        }
      } else {
        desc += w_("nessuno ha un valore", "none has a value");
      }
      c.description = desc + ".";
      out_ += figure(c);
    }
    end();
  }

  const ReportData& d_;
  Words w_;
  std::string out_;
};

}  // namespace

std::string render_report(const ReportData& data) { return Page(data).render(); }

}  // namespace civicplan::detail
