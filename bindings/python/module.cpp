// SPDX-License-Identifier: Apache-2.0
// The _civicplan extension module: registers the exceptions, then one binding per public header.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "civicplan/version.hpp"

PYBIND11_MODULE(_civicplan, m) {
  namespace cpy = civicplan::python;
  m.doc() =
      "Compiled core of civicplan: plans, action taxonomies and the bodies that write them.\n\n"
      "Import the public package instead: ``import civicplan as cp``.";
  m.attr("__version__") = civicplan::kVersion;

  cpy::bind_error(m);
  cpy::bind_registry(m);
  cpy::bind_taxonomy(m);
  cpy::bind_plan(m);
  cpy::bind_records(m);
  cpy::bind_user(m);
  cpy::bind_expression(m);
  cpy::bind_explain(m);
  cpy::bind_indicator(m);
  cpy::bind_certification(m);
  cpy::bind_bundle(m);
  cpy::bind_lifecycle(m);
  cpy::bind_practices(m);
  cpy::bind_workspace(m);
}
