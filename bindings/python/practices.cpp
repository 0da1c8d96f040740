// SPDX-License-Identifier: Apache-2.0
// Best practices (DESIGN §9): the search index, recommendations, taxonomy usage, near-duplicates;
// and the Workspace methods for practices, open-data export and citizens' feedback.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "civicplan/error.hpp"
#include "civicplan/opendata.hpp"
#include "civicplan/practices.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

std::string type_of(py::handle obj) {
  return py::str(py::type::handle_of(obj).attr("__qualname__")).cast<std::string>();
}

/// An int argument (bool excluded) as int64; raises TypeError for another type and
/// ValidationError naming `name` for a value beyond int64.
long long int_argument(py::handle value, const char* name) {
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    throw py::type_error(std::string(name) + " must be an int, got " + type_of(value));
  }
  const auto index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow != 0) throw ValidationError(std::vector<Issue>{{name, "is out of range"}});
  return v;
}

/// One bound of a population range: None or a real number of inhabitants.
std::optional<double> population_bound(py::handle value, const char* which) {
  if (value.is_none()) return std::nullopt;
  if (PyBool_Check(value.ptr()) || !(PyFloat_Check(value.ptr()) || PyIndex_Check(value.ptr()))) {
    throw py::type_error(std::string("population ") + which + " must be a number or None, got " +
                         type_of(value));
  }
  const double v = value.cast<double>();
  if (!std::isfinite(v)) {
    throw ValidationError(std::vector<Issue>{{"population", std::string(which) + " must be a finite number"}});
  }
  return v;
}

/// The population filter of search: None, a class name or "MIN-MAX" text, or a (min, max)
/// pair whose sides may be None.
std::optional<PopulationRange> population_filter(const py::object& value) {
  if (value.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(value)) return PopulationRange::parse(value.cast<std::string>());
  if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
    const py::sequence pair = value;
    if (py::len(pair) != 2) {
      throw py::type_error("population must be a (min, max) pair, got " +
                           std::to_string(py::len(pair)) + " items");
    }
    PopulationRange range;
    range.min = population_bound(pair[0], "min");
    range.max = population_bound(pair[1], "max");
    if (range.min && range.max && *range.min > *range.max) {
      throw ValidationError(std::vector<Issue>{{"population", "min is above max"}});
    }
    return range;
  }
  throw py::type_error(
      "population must be None, a class name such as \"3000-5000\", \"MIN-MAX\" text or a "
      "(min, max) pair, got " +
      type_of(value));
}

std::string format_score(double score) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", score);
  return text;
}

/// Runs `f` on an immutable index with the GIL released.
template <class F>
auto released(F&& f) {
  py::gil_scoped_release release;
  return f();
}

/// PracticeHit, PracticeExample and Recommendation: what searches and recommendations return.
void bind_practice_results(py::module_& m) {
  py::class_<PracticeHit>(m, "PracticeHit", "One action found by PracticeIndex.search.")
      .def_readonly("action", &PracticeHit::action, "The action as \"<plan id>/<action id>\".")
      .def_readonly("plan", &PracticeHit::plan, "Id of the action's plan.")
      .def_readonly("body", &PracticeHit::body, "Id of the plan's body.")
      .def_readonly("title", &PracticeHit::title, "The action's title.")
      .def_readonly("categories", &PracticeHit::categories,
                    "The action's category references \"<taxonomy>:<code>\".")
      .def_readonly("score", &PracticeHit::score, "BM25 score; 0 when searching without text.")
      .def_readonly("matched_terms", &PracticeHit::matched_terms,
                    "The analysed query terms found in the action (text or category labels).")
      .def(
          "to_dict", [](const PracticeHit& h) { return to_dict(h); }, "The hit as a dict.")
      .def("__repr__", [](const PracticeHit& h) {
        return "PracticeHit(action='" + h.action + "', body='" + h.body +
               "', score=" + format_score(h.score) + ")";
      });

  py::class_<PracticeExample>(m, "PracticeExample", "An action shown as an example of a practice.")
      .def_readonly("action", &PracticeExample::action, "The action as \"<plan id>/<action id>\".")
      .def_readonly("plan", &PracticeExample::plan, "Id of the action's plan.")
      .def_readonly("body", &PracticeExample::body, "Id of the plan's body.")
      .def_readonly("title", &PracticeExample::title, "The action's title.")
      .def(
          "to_dict", [](const PracticeExample& e) { return to_dict(e); }, "The example as a dict.")
      .def("__repr__", [](const PracticeExample& e) {
        return "PracticeExample(action='" + e.action + "', body='" + e.body + "')";
      });

  py::class_<Recommendation>(m, "Recommendation",
                             "A category that similar bodies use and a body does not.")
      .def_readonly("category", &Recommendation::category, "\"<taxonomy>:<code>\".")
      .def_readonly("label", &Recommendation::label, "The category's label.")
      .def_readonly("share", &Recommendation::share, "peers_with / peers.")
      .def_readonly("peers_with", &Recommendation::peers_with,
                    "Number of peers whose plans use the category.")
      .def_readonly("peers", &Recommendation::peers, "Number of peers.")
      .def_readonly("examples", &Recommendation::examples,
                    "Up to 3 example actions, from different peers first.")
      .def(
          "to_dict", [](const Recommendation& r) { return to_dict(r); },
          "The recommendation as a dict.")
      .def("__repr__", [](const Recommendation& r) {
        return "Recommendation(category='" + r.category + "', share=" + format_score(r.share) +
               ", peers_with=" + std::to_string(r.peers_with) +
               ", peers=" + std::to_string(r.peers) + ")";
      });
}

/// CategoryUsage and TaxonomyUsage.
void bind_practice_usage(py::module_& m) {
  py::class_<CategoryUsage>(m, "CategoryUsage", "How often one category of a taxonomy is used.")
      .def_readonly("code", &CategoryUsage::code, "The category code.")
      .def_readonly("label", &CategoryUsage::label, "The category label.")
      .def_readonly("depth", &CategoryUsage::depth, "1 for a top-level category.")
      .def_readonly("counts", &CategoryUsage::counts, "Actions per year of TaxonomyUsage.years.")
      .def_readonly("total", &CategoryUsage::total, "Actions over all the years.")
      .def(
          "to_dict", [](const CategoryUsage& u) { return to_dict(u); }, "The usage as a dict.")
      .def("__repr__", [](const CategoryUsage& u) {
        return "CategoryUsage(code='" + u.code + "', total=" + std::to_string(u.total) + ")";
      });

  py::class_<TaxonomyUsage>(
      m, "TaxonomyUsage",
      "Actions per category and year for one taxonomy; an action counts under every ancestor "
      "of its categories too.")
      .def_readonly("taxonomy", &TaxonomyUsage::taxonomy, "The taxonomy id.")
      .def_readonly("years", &TaxonomyUsage::years, "The years counted, ascending.")
      .def_readonly("categories", &TaxonomyUsage::categories,
                    "Every category, in definition order.")
      .def_readonly("filed", &TaxonomyUsage::filed,
                    "Per year, the actions filed under at least one code.")
      .def("least_used", &TaxonomyUsage::least_used, py::arg("n") = 10,
           "The n categories with the smallest totals (ties in definition order).")
      .def(
          "to_dict", [](const TaxonomyUsage& u) { return to_python(u.to_json()); },
          "The usage as a dict.")
      .def("__repr__", [](const TaxonomyUsage& u) {
        return "TaxonomyUsage(taxonomy='" + u.taxonomy +
               "', categories=" + std::to_string(u.categories.size()) +
               ", years=" + std::to_string(u.years.size()) + ")";
      });
}

/// NearDuplicate.
void bind_near_duplicates(py::module_& m) {
  py::class_<NearDuplicate>(m, "NearDuplicate",
                            "Two actions with nearly the same text and no category in common.")
      .def_readonly("a", &NearDuplicate::a, "The first action, \"<plan id>/<action id>\".")
      .def_readonly("b", &NearDuplicate::b, "The second action.")
      .def_readonly("similarity", &NearDuplicate::similarity,
                    "Jaccard similarity of their analysed terms.")
      .def_readonly("a_categories", &NearDuplicate::a_categories, "Categories of a.")
      .def_readonly("b_categories", &NearDuplicate::b_categories, "Categories of b.")
      .def(
          "to_dict", [](const NearDuplicate& d) { return to_dict(d); }, "The pair as a dict.")
      .def("__repr__", [](const NearDuplicate& d) {
        return "NearDuplicate(a='" + d.a + "', b='" + d.b +
               "', similarity=" + format_score(d.similarity) + ")";
      });
}

/// The population_classes() function.
void bind_population_classes(py::module_& m) {
  m.def(
      "population_classes",
      [] {
        py::list out;
        for (const auto& c : population_classes()) {
          out.append(py::make_tuple(c.name, c.min, optional_to_python(c.max)));
        }
        return out;
      },
      "The population classes recommendations compare bodies within, as (name, min, max) "
      "tuples: min included, max excluded (None for the last class).");
}

/// PracticeIndex.search, recommend, peers and population.
void bind_practice_queries(py::class_<PracticeIndex>& cls) {
  cls.def(
          "search",
          [](const PracticeIndex& index, const std::optional<std::string>& text,
             const std::optional<std::string>& category,
             const std::optional<std::string>& body_kind, const py::object& population,
             const py::object& years, int limit) {
            const auto range = population_filter(population);
            const auto year_list = year_filter(years);
            return released([&] {
              return index.search(text, category, body_kind, range, year_list, limit);
            });
          },
          py::arg("text") = py::none(), py::arg("category") = py::none(),
          py::arg("body_kind") = py::none(), py::arg("population") = py::none(),
          py::arg("years") = py::none(), py::arg("limit") = 20,
          "Rank searchable actions by BM25 over their title, description and category labels "
          "(Italian folding, elision, stop words, light stemming). Filters: ``category`` "
          "(\"<taxonomy>:<code>\", filed under it or below it), ``body_kind`` of the plan's "
          "body, ``population`` of that body (a class name such as \"3000-5000\", \"MIN-MAX\" "
          "text or a (min, max) pair), ``years`` the plan's period overlaps (an int or an "
          "iterable). Returns a list of PracticeHit, best first; raises NotFoundError for an "
          "unknown category, ValidationError for a bad filter or limit.")
      .def(
          "recommend",
          [](const PracticeIndex& index, const std::string& body, int year, int k,
             double min_share) {
            return released([&] { return index.recommend(body, year, k, min_share); });
          },
          py::arg("body"), py::arg("year"), py::arg("k") = 5, py::arg("min_share") = 0.5,
          "Categories used by at least ``min_share`` of the body's peers in ``year`` (same "
          "kind and population class, a common district or province) and absent from the "
          "body's plans that year, best first; each with the share and up to 3 example "
          "actions. Raises NotFoundError for an unknown body.")
      .def(
          "peers",
          [](const PracticeIndex& index, const std::string& body, int year) {
            return released([&] { return index.peers(body, year); });
          },
          py::arg("body"), py::arg("year"),
          "The ids of the body's peers in ``year``, sorted (empty when its population is "
          "unknown).")
      .def(
          "population",
          [](const PracticeIndex& index, const std::string& body, int year) {
            return optional_to_python(released([&] { return index.population(body, year); }));
          },
          py::arg("body"), py::arg("year"),
          "The body's population in ``year`` (or the latest earlier year; summed over the "
          "leaves of a group), or None when unknown.");
}

/// PracticeIndex.usage and near_duplicates.
void bind_practice_analyses(py::class_<PracticeIndex>& cls) {
  cls.def(
          "usage",
          [](const PracticeIndex& index, const std::string& taxonomy, const py::object& bodies,
             const py::object& years) {
            const auto body_list = string_filter(bodies, "bodies");
            const auto year_list = year_filter(years);
            return released([&] { return index.usage(taxonomy, body_list, year_list); });
          },
          py::arg("taxonomy"), py::arg("bodies") = py::none(), py::arg("years") = py::none(),
          "Searchable actions per category of ``taxonomy`` and per year, only of plans of "
          "bodies in the scope of ``bodies`` when given. Returns a TaxonomyUsage; raises "
          "NotFoundError for an unknown taxonomy or body.")
      .def(
          "near_duplicates",
          [](const PracticeIndex& index, double threshold, const py::object& limit) {
            std::optional<std::size_t> n;
            if (!limit.is_none()) {
              const long long v = int_argument(limit, "limit");
              if (v < 0) throw ValidationError(std::vector<Issue>{{"limit", "must not be negative"}});
              n = static_cast<std::size_t>(v);
            }
            return released([&] { return index.near_duplicates(threshold, n); });
          },
          py::arg("threshold") = 0.8, py::arg("limit") = 1000,
          "Pairs of actions whose own texts have a Jaccard similarity of at least "
          "``threshold`` and whose categories have nothing in common, most similar first; "
          "at most ``limit`` pairs (None for all).");
}

/// PracticeIndex, its methods grouped as above.
void bind_practice_index(py::module_& m) {
  py::class_<PracticeIndex> cls(
      m, "PracticeIndex",
      "A search index over the actions of approved and archived plans (``ws.practices``). "
      "Immutable: it stays valid, and unchanged, after later writes to the workspace. Searches "
      "release the GIL.");
  cls.def("__len__", &PracticeIndex::size, "Number of searchable actions.");
  bind_practice_queries(cls);
  bind_practice_analyses(cls);
  cls.def("__repr__", [](const PracticeIndex& index) {
    return "<PracticeIndex of " + std::to_string(index.size()) + " actions>";
  });
}

}  // namespace

void bind_practices(py::module_& m) {
  bind_practice_results(m);
  bind_practice_usage(m);
  bind_near_duplicates(m);
  bind_population_classes(m);
  bind_practice_index(m);
}

void bind_workspace_practices(py::class_<Workspace, std::shared_ptr<Workspace>>& cls) {
  cls.def_property_readonly(
         "practices",
         [](const Workspace& ws) { return with_workspace(ws, [&] { return ws.practices(); }); },
         "The PracticeIndex over the current approved and archived actions (built once per "
         "workspace state and shared).")
      .def(
          "export_open_data",
          [](const Workspace& ws, const py::object& dir, const std::string& format) {
            const std::string path = fspath(dir);
            with_workspace(ws, [&] { ws.export_open_data(path, format); });
          },
          py::arg("dir"), py::arg("format") = "csv",
          "Publish open data into the directory ``dir`` (created if absent): ``\"csv\"`` "
          "(bodies, memberships, categories, plans, actions, budget lines, indicator values, "
          "certification outcomes), ``\"geojson\"`` (places.geojson, actions.geojson) or "
          "``\"bundle\"`` (bundle.json); then catalog.jsonld, a DCAT-AP_IT catalogue of the "
          "files in ``dir``. Raises ValidationError for another format, StorageError when a "
          "file cannot be written.")
      .def(
          "add_feedback",
          [](Workspace& ws, const std::string& action, const py::object& rating,
             const py::object& date, const std::optional<std::string>& comment) {
            const long long r = int_argument(rating, "feedback.rating");
            Feedback feedback;
            feedback.action = action;
            if (r < 1 || r > 5) {
              throw ValidationError(std::vector<Issue>{{"feedback.rating", "expected a rating from 1 to 5, got " +
                                                             std::to_string(r)}});
            }
            feedback.rating = static_cast<int>(r);
            feedback.comment = comment;
            feedback.date = date_from_python(date, "date");
            with_workspace(ws, [&] { ws.add_feedback(feedback); });
          },
          py::arg("action"), py::arg("rating"), py::arg("date"), py::arg("comment") = py::none(),
          "Add a citizen's rating (1 to 5) of an action \"<plan id>/<action id>\" on ``date`` "
          "(\"YYYY-MM-DD\" or datetime.date), with an optional comment; it feeds the "
          "``rating()`` function of indicators. Written in one transaction; raises "
          "ValidationError (nothing written) for a rating outside 1..5, a bad date or an "
          "unknown action, PermissionError through a user view without the right role.");
}

}  // namespace civicplan::python
