# SPDX-License-Identifier: Apache-2.0
"""civicplan: plans, action taxonomies and the public bodies that write them.

    import civicplan as cp
    ws = cp.Workspace.open("plans.db")
    ws.import_bundle("family.json")
    for body in ws.bodies.values():
        print(body.name, body.scope(2023))
"""

from collections.abc import Mapping as _Mapping

try:
    from . import _civicplan
except ImportError as error:  # pragma: no cover - only without a built module
    raise ImportError(
        "civicplan's compiled module _civicplan is missing or broken: install the package "
        "(pip install --no-build-isolation .) or put a CMake build's <build>/python on PYTHONPATH"
    ) from error
from ._civicplan import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    Action,
    ActionProgress,
    AuditEntry,
    BodiesView,
    Body,
    Case,
    CaseResult,
    CaseRun,
    CertificationRecord,
    CertificationReport,
    CertificationTable,
    ConflictError,
    Crosswalk,
    CrosswalksView,
    CycleError,
    Error,
    Explanation,
    Expression,
    Feedback,
    Indicator,
    IndicatorComparison,
    IndicatorTable,
    LedgerEntry,
    NotFoundError,
    ParseError,
    PermissionError,
    Place,
    Plan,
    PlanProgress,
    PlanRevision,
    PlansView,
    Registry,
    RuleResult,
    Ruleset,
    Statistic,
    StorageError,
    TaxonomiesView,
    Taxonomy,
    User,
    UsersView,
    ValidationError,
    Workspace,
    CategoryUsage,
    NearDuplicate,
    PracticeExample,
    PracticeHit,
    PracticeIndex,
    Recommendation,
    TaxonomyUsage,
    diff_plans,
    expression_functions,
    plan_progress,
    population_classes,
    read_statistics_csv,
    run_cases,
    validate_bundle,
)
from ._repr import install as _install_reprs
from ._tables import install as _install_tables
from ._notebook import install as _install_notebook

__version__: str = _civicplan.__version__

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "Action",
    "ActionProgress",
    "AuditEntry",
    "BodiesView",
    "Body",
    "Case",
    "CaseResult",
    "CaseRun",
    "CertificationRecord",
    "CertificationReport",
    "CertificationTable",
    "ConflictError",
    "Crosswalk",
    "CrosswalksView",
    "CycleError",
    "Error",
    "Explanation",
    "Expression",
    "Feedback",
    "Indicator",
    "IndicatorComparison",
    "IndicatorTable",
    "LedgerEntry",
    "NotFoundError",
    "ParseError",
    "PermissionError",
    "Place",
    "Plan",
    "PlanProgress",
    "PlanRevision",
    "PlansView",
    "Registry",
    "RuleResult",
    "Ruleset",
    "Statistic",
    "StorageError",
    "TaxonomiesView",
    "Taxonomy",
    "User",
    "UsersView",
    "ValidationError",
    "Workspace",
    "CategoryUsage",
    "NearDuplicate",
    "PracticeExample",
    "PracticeHit",
    "PracticeIndex",
    "Recommendation",
    "TaxonomyUsage",
    "__version__",
    "diff_plans",
    "expression_functions",
    "plan_progress",
    "population_classes",
    "read_statistics_csv",
    "run_cases",
    "validate_bundle",
]

for _view in (BodiesView, PlansView, TaxonomiesView, CrosswalksView, UsersView):
    _Mapping.register(_view)
del _view

_install_reprs()
_install_tables()
_install_notebook()
