// SPDX-License-Identifier: Apache-2.0
// The workspace facade and its live mapping views (bodies, plans, taxonomies, crosswalks, users).
#include <fstream>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <optional>
#include <sstream>
#include <type_traits>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "civicplan/bundle.hpp"
#include "civicplan/error.hpp"
#include "civicplan/workspace.hpp"
#include "json_conv.hpp"

namespace civicplan::python {

namespace {

/// The state of every live Python-owned workspace handle, by address.
struct HandleTable {
  std::mutex mutex;
  std::unordered_map<const Workspace*, std::shared_ptr<HandleState>> handles;
};

HandleTable& handle_table() {
  static auto* table = new HandleTable();  // never destroyed: handles may outlive static cleanup
  return *table;
}

}  // namespace

std::shared_ptr<HandleState> handle_state(const Workspace& workspace) {
  auto& table = handle_table();
  std::lock_guard<std::mutex> guard(table.mutex);
  auto it = table.handles.find(&workspace);
  if (it != table.handles.end()) return it->second;
  static auto* other = new std::shared_ptr<HandleState>(std::make_shared<HandleState>());
  return *other;
}

std::shared_ptr<Workspace> make_workspace_handle(Workspace workspace) {
  auto* raw = new Workspace(std::move(workspace));
  {
    auto& table = handle_table();
    std::lock_guard<std::mutex> guard(table.mutex);
    table.handles[raw] = std::make_shared<HandleState>();
  }
  return std::shared_ptr<Workspace>(raw, [](Workspace* handle) {
    {
      auto& table = handle_table();
      std::lock_guard<std::mutex> guard(table.mutex);
      table.handles.erase(handle);
    }
    delete handle;
  });
}

namespace {

using WorkspacePtr = std::shared_ptr<Workspace>;

/// A read-only mapping from id to object over one kind of object of a workspace. It keeps the
/// workspace alive and reads its current model on every access, so it sees later imports.
/// Objects are copied out of the model before any Python object is created, so nothing holds
/// a reference into the model while Python code could run.
template <class Traits>
class MapView {
 public:
  using Value =
      typename std::decay_t<decltype(Traits::map(std::declval<const Model&>()))>::mapped_type;

  explicit MapView(WorkspacePtr workspace) : workspace_(std::move(workspace)) {}

  std::size_t size() const {
    return read([](const auto& objects) { return objects.size(); });
  }

  bool contains(const py::object& key) const {
    if (!py::isinstance<py::str>(key)) return false;
    const std::string id = key.cast<std::string>();
    return read([&](const auto& objects) { return objects.count(id) > 0; });
  }

  py::object get_item(const py::object& key) const {
    if (auto value = find(key)) return Traits::wrap(workspace_, std::move(*value));
    PyErr_SetObject(PyExc_KeyError, key.ptr());
    throw py::error_already_set();
  }

  py::object get(const py::object& key, const py::object& fallback) const {
    if (auto value = find(key)) return Traits::wrap(workspace_, std::move(*value));
    return fallback;
  }

  py::list keys() const {
    const auto ids = read([](const auto& objects) {
      std::vector<std::string> out;
      out.reserve(objects.size());
      for (const auto& kv : objects) out.push_back(kv.first);
      return out;
    });
    py::list out;
    for (const auto& id : ids) out.append(py::str(id));
    return out;
  }

  py::list values() const {
    auto values = read([](const auto& objects) {
      std::vector<Value> out;
      out.reserve(objects.size());
      for (const auto& kv : objects) out.push_back(kv.second);
      return out;
    });
    py::list out;
    for (auto& value : values) out.append(Traits::wrap(workspace_, std::move(value)));
    return out;
  }

  py::list items() const {
    auto items = read([](const auto& objects) {
      return std::vector<std::pair<std::string, Value>>(objects.begin(), objects.end());
    });
    py::list out;
    for (auto& [id, value] : items) {
      out.append(py::make_tuple(py::str(id), Traits::wrap(workspace_, std::move(value))));
    }
    return out;
  }

 private:
  /// `f` applied to the current map of one snapshot (held while `f` runs); `f` returns copies.
  template <class F>
  auto read(F&& f) const {
    return with_workspace(*workspace_, [&] { return f(Traits::map(*workspace_->model())); });
  }

  std::optional<Value> find(const py::object& key) const {
    if (!py::isinstance<py::str>(key)) return std::nullopt;
    const std::string id = key.cast<std::string>();
    return read([&](const auto& objects) -> std::optional<Value> {
      auto it = objects.find(id);
      if (it == objects.end()) return std::nullopt;
      return it->second;
    });
  }

  WorkspacePtr workspace_;
};

struct BodiesTraits {
  static const auto& map(const Model& model) { return model.bodies; }
  static py::object wrap(const WorkspacePtr& ws, Body body) {
    return py::cast(BodyHandle{ws, std::move(body)});
  }
};

struct PlansTraits {
  static const auto& map(const Model& model) { return model.plans; }
  static py::object wrap(const WorkspacePtr&, Plan plan) { return py::cast(std::move(plan)); }
};

struct TaxonomiesTraits {
  static const auto& map(const Model& model) { return model.taxonomies; }
  static py::object wrap(const WorkspacePtr&, Taxonomy taxonomy) {
    return py::cast(std::move(taxonomy));
  }
};

struct CrosswalksTraits {
  static const auto& map(const Model& model) { return model.crosswalks; }
  static py::object wrap(const WorkspacePtr&, Crosswalk crosswalk) {
    return py::cast(std::move(crosswalk));
  }
};

struct UsersTraits {
  static const auto& map(const Model& model) { return model.users; }
  static py::object wrap(const WorkspacePtr&, User user) { return py::cast(std::move(user)); }
};

template <class Traits>
void bind_view(py::module_& m, const char* name, const char* what) {
  using View = MapView<Traits>;
  const std::string doc =
      std::string("A live, read-only mapping from id to ") + what +
      " of a workspace, iterated in sorted id order. It keeps the workspace alive "
      "and sees later imports.";
  py::class_<View>(m, name, doc.c_str())
      .def("__len__", &View::size, "Number of objects.")
      .def("__contains__", &View::contains, py::arg("id"), "True when an object has this id.")
      .def("__getitem__", &View::get_item, py::arg("id"),
           "The object with this id; raises KeyError when absent.")
      .def(
          "__iter__", [](const View& v) { return py::iter(v.keys()); },
          "Iterate over the ids in sorted order.")
      .def("keys", &View::keys, "The ids, sorted.")
      .def("values", &View::values, "The objects in id order.")
      .def("items", &View::items, "(id, object) pairs in id order.")
      .def("get", &View::get, py::arg("id"), py::arg("default") = py::none(),
           "The object with this id, or ``default`` when absent.");
}

py::dict summary_to_python(const ImportSummary& summary) {
  py::dict out;
  out["added"] = summary.added;
  out["replaced"] = summary.replaced;
  return out;
}

}  // namespace

/// None → empty (meaning "all"), a single str → one item, else every item of an iterable of str.
std::vector<std::string> string_filter(const py::object& value, const char* name) {
  std::vector<std::string> out;
  if (value.is_none()) return out;
  if (py::isinstance<py::str>(value)) return {value.cast<std::string>()};
  for (auto item : py::iter(value)) {
    if (!py::isinstance<py::str>(item)) {
      throw py::type_error(
          std::string(name) + " must be a str or an iterable of str, got an item of type " +
          py::str(py::type::handle_of(item).attr("__qualname__")).cast<std::string>());
    }
    out.push_back(item.cast<std::string>());
  }
  return out;
}

/// None → empty (meaning "all"), a single int → one year, else every item of an iterable of int.
std::vector<int> year_filter(const py::object& value) {
  std::vector<int> out;
  if (value.is_none()) return out;
  auto as_year = [](py::handle item) {
    if (PyBool_Check(item.ptr()) || !PyIndex_Check(item.ptr())) {
      throw py::type_error(
          "years must be an int or an iterable of int, got " +
          py::str(py::type::handle_of(item).attr("__qualname__")).cast<std::string>());
    }
    return py::reinterpret_steal<py::int_>(PyNumber_Index(item.ptr())).cast<int>();
  };
  if (PyIndex_Check(value.ptr())) return {as_year(value)};
  for (auto item : py::iter(value)) out.push_back(as_year(item));
  return out;
}

namespace {

/// The records of a keyed map (or a set) of the current model as Python objects, copied out
/// of one snapshot first.
template <class Get>
py::list record_list(const Workspace& ws, Get get) {
  using Container = std::decay_t<decltype(get(std::declval<const Model&>()))>;
  auto copies = with_workspace(ws, [&] {
    const auto model = ws.model();
    const Container& records = get(*model);
    return std::vector<typename Container::value_type>(records.begin(), records.end());
  });
  py::list out;
  for (auto& record : copies) {
    if constexpr (std::is_same_v<typename Container::key_type, typename Container::value_type>) {
      out.append(py::cast(std::move(record)));
    } else {
      out.append(py::cast(std::move(record.second)));
    }
  }
  return out;
}

/// The live mapping views, registered before the Workspace properties that return them.
void bind_workspace_views(py::module_& m) {
  bind_view<BodiesTraits>(m, "BodiesView", "Body");
  bind_view<PlansTraits>(m, "PlansView", "Plan");
  bind_view<TaxonomiesTraits>(m, "TaxonomiesView", "Taxonomy");
  bind_view<CrosswalksTraits>(m, "CrosswalksView", "Crosswalk");
  bind_view<UsersTraits>(m, "UsersView", "User");
}

/// Making, opening and closing a workspace: init, open, read_only, path, close, closed, with.
void bind_workspace_storage(py::class_<Workspace, WorkspacePtr>& cls) {
  cls.def(py::init([] { return make_workspace_handle(Workspace()); }),
          "An empty in-memory workspace.")
      .def_static(
          "open",
          [](const py::object& location, bool read_only) {
            const std::string where = fspath(location);
            std::optional<Workspace> ws;
            {
              py::gil_scoped_release release;
              ws.emplace(Workspace::open(where, read_only));
            }
            return make_workspace_handle(std::move(*ws));
          },
          py::arg("location"), py::arg("read_only") = false,
          "Open the workspace stored at ``location``: a file path (str or os.PathLike) is a "
          "SQLite workspace, created if absent; a ``postgresql://`` or ``postgres://`` URI "
          "(libpq's syntax, plus ``schema=NAME``, default civicplan) is a PostgreSQL workspace, "
          "its schema created and migrated on first open. With ``read_only=True`` nothing is "
          "ever written and no DDL runs (the workspace must exist and be current; a hot standby "
          "serves); every write through it raises StorageError. Raises StorageError, which "
          "names host, database and schema but never a password.")
      .def_property_readonly(
          "read_only", [](const Workspace& ws) { return with_workspace(ws, [&] { return ws.read_only(); }); },
          "True when opened with ``read_only=True``.")
      .def_property_readonly(
          "path", [](const Workspace& ws) { return with_workspace(ws, [&] { return ws.path(); }); },
          "The file or URI (without any password) backing the workspace, or None in memory.")
      .def(
          "close",
          [](Workspace& ws) {
            const auto state = handle_state(ws);
            py::gil_scoped_release release;
            // Waits for the calls in flight on this handle, drops its share of the state (and
            // of the SQLite connection, once no user view shares it), then refuses every
            // later call.
            std::unique_lock<std::shared_mutex> guard(state->closing);
            if (state->closed) return;
            ws = Workspace();
            state->closed = true;
          },
          "Release the workspace: the SQLite connection closes once no user view of it is "
          "left. Any later call on this object raises StorageError, and so do queries that go "
          "through it (Body.parents_in, ...); plain objects read from it (plans, tables, "
          "search indexes) stay usable. Closing twice is allowed.")
      .def_property_readonly(
          "closed",
          [](const Workspace& ws) {
            const auto state = handle_state(ws);
            std::shared_lock<std::shared_mutex> guard(state->closing);
            return state->closed;
          },
          "True after close().")
      .def("__enter__", [](const py::object& self) { return self; },
           "The workspace itself, for ``with Workspace.open(path) as ws:``.")
      .def(
          "__exit__",
          [](const py::object& self, const py::args&) {
            self.attr("close")();
            return false;
          },
          "close() at the end of a ``with`` block.");
}

/// Bundles in and out: import_bundle, import_statistics_csv, import_istat, validate, export_bundle.
void bind_workspace_imports(py::class_<Workspace, WorkspacePtr>& cls) {
  cls.def(
          "import_bundle",
          [](Workspace& ws, const py::object& bundle) {
            if (is_path_like(bundle)) {
              const std::string file = fspath(bundle);
              return summary_to_python(with_workspace(ws, [&] { return ws.import_file(file); }));
            }
            if (!py::isinstance<py::dict>(bundle)) {
              throw py::type_error(
                  "import_bundle expects a dict or a path (str or os.PathLike), got " +
                  py::str(py::type::handle_of(bundle).attr("__qualname__")).cast<std::string>());
            }
            const nlohmann::json j = to_json_value(bundle);
            return summary_to_python(with_workspace(ws, [&] { return ws.import_bundle(j); }));
          },
          py::arg("bundle"),
          "Import a bundle given as a dict or as the path of a JSON file (a ``.csv`` path "
          "imports statistics). All-or-nothing: raises ValidationError listing every issue and "
          "leaves the workspace unchanged. Through a user view every object is checked against "
          "the user's roles first (PermissionError, nothing written). Returns {\"added\": {...}, "
          "\"replaced\": {...}} counts by bundle array name.")
      .def(
          "import_statistics_csv",
          [](Workspace& ws, const py::object& path) {
            const std::string file = fspath(path);
            if (is_csv_file(file)) {
              return summary_to_python(with_workspace(ws, [&] { return ws.import_file(file); }));
            }
            auto rows = read_statistics_csv(read_text_file(file), file);
            return summary_to_python(
                with_workspace(ws, [&] { return ws.import_statistics(rows, file); }));
          },
          py::arg("path"),
          "Import statistics from a CSV file with header ``body,year,variable,value`` (any "
          "column order). All-or-nothing: raises ValidationError whose issue paths are "
          "``file:line``. Returns the same summary as import_bundle.")
      .def(
          "import_istat",
          [](Workspace& ws, const py::object& path) {
            const std::string file = fspath(path);
            return summary_to_python(with_workspace(ws, [&] { return ws.import_istat(file); }));
          },
          py::arg("path"),
          "Import ISTAT's list of Italian municipalities (the Elenco dei comuni italiani CSV, "
          "Latin-1 or UTF-8; a str or os.PathLike path) as the national registry: "
          "municipalities by their 6-digit ISTAT code, provinces ``it-uts-NNN``, regions "
          "``it-reg-NN``, the attributes istat, cadastral, nuts3 and sigla, and the legal "
          "population as the ``population`` statistic of its census year. Re-importing "
          "replaces the memberships in ``it-uts-``/``it-reg-`` bodies and keeps every other "
          "membership and attribute. All-or-nothing: raises ValidationError whose issue paths "
          "are ``file:line``; through a user view only admins may import it (PermissionError). "
          "Returns the same summary as import_bundle, counting only what changed (empty when "
          "the workspace already holds the list as it is).")
      .def(
          "validate",
          [](const Workspace& ws, const py::object& bundle) {
            const nlohmann::json j =
                is_path_like(bundle) ? read_json_file(fspath(bundle)) : to_json_value(bundle);
            py::list out;
            for (const auto& issue : with_workspace(ws, [&] { return ws.validate(j); }))
              out.append(py::make_tuple(issue.path, issue.message));
            return out;
          },
          py::arg("bundle"),
          "Check a bundle (dict or JSON file path) against this workspace as import_bundle "
          "would, without writing anything; returns every issue as (path, message) tuples, "
          "empty when it would import.")
      .def(
          "export_bundle",
          [](const Workspace& ws, const py::object& path) -> py::object {
            if (path.is_none())
              return to_python(with_workspace(ws, [&] { return ws.export_bundle(); }));
            const std::string file = fspath(path);
            with_workspace(ws, [&] { ws.export_bundle_file(file); });
            return py::none();
          },
          py::arg("path") = py::none(),
          "The whole workspace as a bundle dict; with ``path``, write it to that JSON file "
          "instead and return None.");
}

/// {name: number} or None as ruleset parameters.
static std::map<std::string, double> parameters_from_python(const py::object& parameters) {
  std::map<std::string, double> out;
  if (parameters.is_none()) return out;
  if (!py::isinstance<py::dict>(parameters)) {
    throw py::type_error("parameters must be a dict {name: number}, got " +
                         py::str(py::type::handle_of(parameters).attr("__qualname__")).cast<std::string>());
  }
  for (const auto& kv : py::reinterpret_borrow<py::dict>(parameters)) {
    if (!py::isinstance<py::str>(kv.first)) throw py::type_error("parameter names must be str");
    const std::string name = kv.first.cast<std::string>();
    if (py::isinstance<py::bool_>(kv.second) || !(py::isinstance<py::int_>(kv.second) || py::isinstance<py::float_>(kv.second))) {
      throw py::type_error("parameter " + name + " must be a number, got " +
                           py::str(py::type::handle_of(kv.second).attr("__qualname__")).cast<std::string>());
    }
    out[name] = kv.second.cast<double>();
  }
  return out;
}

/// Indicators, certification and expressions.
void bind_workspace_evaluation(py::class_<Workspace, WorkspacePtr>& cls) {
  cls.def(
          "indicators",
          [](const Workspace& ws) { return with_workspace(ws, [&] { return ws.indicators(); }); },
          "Every indicator definition, sorted by id.")
      .def(
          "compute_indicators",
          [](const Workspace& ws, const py::object& ids, const py::object& bodies,
             const py::object& years) {
            const auto id_list = string_filter(ids, "ids");
            const auto body_list = string_filter(bodies, "bodies");
            const auto year_list = year_filter(years);
            return with_workspace(
                ws, [&] { return ws.compute_indicators(id_list, body_list, year_list); });
          },
          py::arg("ids") = py::none(), py::arg("bodies") = py::none(),
          py::arg("years") = py::none(),
          "Compute indicators (all, or only ``ids``) for every body of their levels (or only "
          "``bodies``) and every year the workspace holds data for (or only ``years``). Each "
          "filter is None, one value or an iterable. Returns an IndicatorTable; raises "
          "NotFoundError for an unknown indicator or body.")
      .def(
          "rulesets",
          [](const Workspace& ws) { return with_workspace(ws, [&] { return ws.rulesets(); }); },
          "Every certification ruleset, sorted by id.")
      .def(
          "certify",
          [](const Workspace& ws, const std::string& body, const std::string& scheme, int year,
             bool preview, bool explain, const py::object& parameters) {
            CertifyOptions options;
            options.preview = preview;
            options.explain = explain;
            options.parameters = parameters_from_python(parameters);
            return with_workspace(ws, [&] { return ws.certify(body, scheme, year, options); });
          },
          py::arg("body"), py::arg("scheme"), py::arg("year"), py::arg("preview") = false,
          py::arg("explain") = false, py::arg("parameters") = py::none(),
          "Evaluate one body under a scheme in a year; with ``preview`` draft and submitted "
          "plans count too. With ``explain`` every rule (and min_points) carries the Explanation "
          "of its expression. ``parameters`` ({name: number}) replace the version's parameters "
          "for this call only. Returns a CertificationReport; raises NotFoundError for an unknown "
          "body, scheme or parameter (naming the known ones) or when no version is in force, "
          "Error when the scheme does not apply to the body's kind.")
      .def(
          "certify_all",
          [](const Workspace& ws, const std::string& scheme, int year, const py::object& bodies,
             bool preview, const py::object& parameters) {
            const auto body_list = string_filter(bodies, "bodies");
            CertifyOptions options;
            options.preview = preview;
            options.parameters = parameters_from_python(parameters);
            return with_workspace(ws,
                                  [&] { return ws.certify_all(scheme, year, body_list, options); });
          },
          py::arg("scheme"), py::arg("year"), py::arg("bodies") = py::none(),
          py::arg("preview") = false, py::arg("parameters") = py::none(),
          "Evaluate every body the scheme applies to (or only ``bodies``: None, one id or an "
          "iterable) at once. ``parameters`` ({name: number}) replace the version's parameters "
          "for this call only: compare the table with the one without them (``compare``) to see "
          "who gains and who loses. Returns a CertificationTable.")
      .def(
          "explain",
          [](const Workspace& ws, const std::string& target, const std::string& body, int year,
             bool preview) {
            return with_workspace(ws, [&] { return ws.explain(target, body, year, preview); });
          },
          py::arg("target"), py::arg("body"), py::arg("year"), py::arg("preview") = false,
          "Why ``target`` (an indicator id or an expression) has its value for ``body`` in "
          "``year``: an Explanation with the value, every sub-expression, the records behind "
          "each function and the reason of every null. Its value is the one "
          "compute_indicators() and evaluate() give. Raises NotFoundError, ParseError or "
          "ValidationError.")
      .def(
          "report",
          [](const Workspace& ws, const std::string& body, int year, const std::string& lang) {
            return with_workspace(ws, [&] { return ws.report(body, year, lang); });
          },
          py::arg("body"), py::arg("year"), py::arg("lang") = "it",
          "The report of ``body`` in ``year`` as one self-contained HTML page (str): inline CSS "
          "and SVG charts, no script, no request to any other address, so a CMS can embed it and "
          "it prints well. ``lang`` is \"it\" or \"en\" (the page's own words; the data's "
          "labels stay as they are). Raises NotFoundError or ValidationError.")
      .def(
          "scenario",
          [](const Workspace& ws, const py::object& changes) {
            nlohmann::json j;
            if (is_path_like(changes)) {
              const std::string file = fspath(changes);
              j = with_workspace(ws, [&] { return read_json_file(file); });
            } else if (py::isinstance<py::dict>(changes)) {
              j = to_json_value(changes);
            } else {
              throw py::type_error("scenario expects a dict (a bundle fragment) or a path, got " +
                                   py::str(py::type::handle_of(changes).attr("__qualname__")).cast<std::string>());
            }
            Workspace scenario = with_workspace(ws, [&] { return ws.scenario(j); });
            return make_workspace_handle(std::move(scenario));
          },
          py::arg("changes"),
          "What if: a new in-memory Workspace holding this workspace's current state plus "
          "``changes``, a bundle fragment (a dict or a JSON file; format and version may be left "
          "out) such as {\"rulesets\": [...]} or {\"statistics\": [...]}, imported as "
          "import_bundle() would. The state is shared, not copied, and this workspace is not "
          "touched. Raises ValidationError (with paths) for bad changes.")
      .def(
          "evaluate",
          [](const Workspace& ws, const std::string& expression, const std::string& body, int year,
             bool preview) {
            return with_workspace(ws, [&] { return ws.evaluate(expression, body, year, preview); });
          },
          py::arg("expression"), py::arg("body"), py::arg("year"), py::arg("preview") = false,
          "Evaluate an expression of the formula language for one body in one year; a float, "
          "or None for null. Raises ParseError for a syntax or name error, NotFoundError for an "
          "unknown body.");
}

/// refresh, the live views, the registry and objects by id.
void bind_workspace_lookups(py::class_<Workspace, WorkspacePtr>& cls) {
  cls.def(
          "refresh",
          [](const Workspace& ws) { return with_workspace(ws, [&] { return ws.refresh(); }); },
          "Re-read the storage if another connection committed changes; True when something "
          "changed.")
      .def_property_readonly(
          "bodies", [](const WorkspacePtr& ws) { return MapView<BodiesTraits>(ws); },
          "Live mapping from body id to Body.")
      .def_property_readonly(
          "plans", [](const WorkspacePtr& ws) { return MapView<PlansTraits>(ws); },
          "Live mapping from plan id to Plan.")
      .def_property_readonly(
          "taxonomies", [](const WorkspacePtr& ws) { return MapView<TaxonomiesTraits>(ws); },
          "Live mapping from taxonomy id to Taxonomy.")
      .def_property_readonly(
          "crosswalks", [](const WorkspacePtr& ws) { return MapView<CrosswalksTraits>(ws); },
          "Live mapping from crosswalk id to Crosswalk.")
      .def_property_readonly(
          "users", [](const WorkspacePtr& ws) { return MapView<UsersTraits>(ws); },
          "Live mapping from user id to User.")
      .def_property_readonly(
          "registry",
          [](const Workspace& ws) { return with_workspace(ws, [&] { return Registry(*ws.registry()); }); },
          "The membership registry of the current bodies (a snapshot).")
      .def(
          "body",
          [](const WorkspacePtr& ws, const std::string& id) {
            return BodyHandle{ws, with_workspace(*ws, [&] { return ws->body(id); })};
          },
          py::arg("id"), "The body with this id; raises NotFoundError when absent.")
      .def(
          "plan",
          [](const Workspace& ws, const std::string& id) {
            return with_workspace(ws, [&] { return ws.plan(id); });
          },
          py::arg("id"), "The plan with this id; raises NotFoundError when absent.")
      .def(
          "taxonomy",
          [](const Workspace& ws, const std::string& id) {
            return with_workspace(ws, [&] { return ws.taxonomy(id); });
          },
          py::arg("id"), "The taxonomy with this id; raises NotFoundError when absent.");
}

/// The records of the current model as lists.
void bind_workspace_records(py::class_<Workspace, WorkspacePtr>& cls) {
  cls.def_property_readonly(
          "statistics",
          [](const Workspace& ws) {
            return record_list(
                ws, [](const Model& m) -> const auto& { return m.statistics; });
          },
          "Every Statistic, sorted by (body, variable, year).")
      .def_property_readonly(
          "feedback",
          [](const Workspace& ws) {
            return record_list(
                ws, [](const Model& m) -> const auto& { return m.feedback; });
          },
          "Every Feedback, sorted by (action, date).")
      .def_property_readonly(
          "places",
          [](const Workspace& ws) {
            return record_list(
                ws, [](const Model& m) -> const auto& { return m.places; });
          },
          "Every Place, sorted by id.")
      .def_property_readonly(
          "certifications",
          [](const Workspace& ws) {
            return record_list(
                ws, [](const Model& m) -> const auto& { return m.certifications; });
          },
          "Every CertificationRecord, sorted by (body, scheme, date).")
      .def_property_readonly(
          "cases",
          [](const Workspace& ws) {
            return record_list(
                ws, [](const Model& m) -> const auto& { return m.cases; });
          },
          "Every Case, sorted by id.")
      .def_property_readonly(
          "ledger",
          [](const Workspace& ws) {
            return record_list(
                ws, [](const Model& m) -> const auto& { return m.ledger; });
          },
          "Every LedgerEntry, sorted by (body, service, year).");
}

}  // namespace

void bind_workspace(py::module_& m) {
  bind_workspace_views(m);

  py::class_<Workspace, WorkspacePtr> cls(
      m, "Workspace",
      "Bodies, taxonomies, plans and records in one place: in memory (``Workspace()``) or "
      "backed by a SQLite file (``Workspace.open(path)``). Every import is validated in full "
      "first and is all-or-nothing. A workspace opened plainly is the operator's (every write "
      "allowed); ``as_user`` gives a view whose writes are checked against a user's roles. "
      "Calls that may wait on another process's SQLite lock release the GIL.");
  bind_workspace_storage(cls);
  bind_workspace_imports(cls);
  bind_workspace_evaluation(cls);
  bind_workspace_lookups(cls);
  bind_workspace_records(cls);
  bind_workspace_governance(cls);
  bind_workspace_execution(cls);
  bind_workspace_practices(cls);
}

}  // namespace civicplan::python
