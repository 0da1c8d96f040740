# SPDX-License-Identifier: Apache-2.0
"""Readable reprs for the compiled classes, e.g. <Body 022205 municipality 'Trento'>."""

from . import _civicplan as _c


def _body(self: _c.Body) -> str:
    return f"<Body {self.id} {self.kind} {self.name!r}>"


def _plan(self: _c.Plan) -> str:
    start, end = self.period
    n = len(self.actions)
    return (
        f"<Plan {self.id} {self.kind} of {self.body} {start}-{end} {self.status}"
        f" {self.variant} r{self.revision}, {n} action{'' if n == 1 else 's'}>"
    )


def _action(self: _c.Action) -> str:
    return f"<Action {self.id} {self.status} {self.title!r}>"


def _taxonomy(self: _c.Taxonomy) -> str:
    n = len(self)
    return f"<Taxonomy {self.id} {self.version} {self.label!r}, {n} code{'' if n == 1 else 's'}>"


def _crosswalk(self: _c.Crosswalk) -> str:
    n = len(self.pairs)
    return f"<Crosswalk {self.id} {self.from_} -> {self.to}, {n} pair{'' if n == 1 else 's'}>"


def _user(self: _c.User) -> str:
    roles = ", ".join(f"{r['role']}@{r['body']}" for r in self.roles)
    return f"<User {self.id} {self.name!r} [{roles}]>"


def _statistic(self: _c.Statistic) -> str:
    return f"<Statistic {self.body} {self.variable} {self.year} = {self.value:g}>"


def _feedback(self: _c.Feedback) -> str:
    return f"<Feedback {self.action} {self.rating}/5 {self.date}>"


def _place(self: _c.Place) -> str:
    return f"<Place {self.id} {self.category} {self.name!r} in {self.body}>"


def _certification(self: _c.CertificationRecord) -> str:
    return f"<CertificationRecord {self.body} {self.scheme} {self.status} {self.date}>"


def _case(self: _c.Case) -> str:
    closed = self.closed or "open"
    return f"<Case {self.id} {self.service} at {self.body} {self.opened}..{closed}>"


def _ledger(self: _c.LedgerEntry) -> str:
    return f"<LedgerEntry {self.body} {self.service} {self.year} charged {self.charged:.2f} collected {self.collected:.2f}>"


def _indicator(self: _c.Indicator) -> str:
    levels = ",".join(self.levels)
    return f"<Indicator {self.id} {self.label!r} for {levels}>"


def _indicator_table(self: _c.IndicatorTable) -> str:
    n = len(self)
    return f"<IndicatorTable of {n} row{'' if n == 1 else 's'}>"


def _expression(self: _c.Expression) -> str:
    return f"<Expression {self.text!r}>"


def _ruleset(self: _c.Ruleset) -> str:
    froms = ", ".join(str(v["from"]) for v in self.versions)
    return f"<Ruleset {self.id} {self.label!r} versions from {froms}>"


def _rule_result(self: _c.RuleResult) -> str:
    return f"<RuleResult {self.id} {self.outcome}: {self.message}>"


def _report(self: _c.CertificationReport) -> str:
    verdict = "passed" if self.passed else "failed"
    needed = "" if self.min_points is None else f"/{self.min_points:g}"
    mode = " preview" if self.preview else ""
    return (
        f"<CertificationReport {self.body} {self.scheme} {self.year}{mode}: {verdict},"
        f" {self.points:g}{needed} points>"
    )


def _certification_table(self: _c.CertificationTable) -> str:
    passed = int(self._columns()["passed"].sum())
    return f"<CertificationTable {self.scheme} {self.year}: {passed} of {len(self)} passed>"


def _registry(self: _c.Registry) -> str:
    return f"<Registry of {len(self)} bodies>"


def _view(noun: str):
    def rep(self) -> str:
        ids = list(self)
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        return f"<{type(self).__name__} of {len(ids)} {noun}: {shown}>" if ids else f"<{type(self).__name__} empty>"

    return rep


def _who(user: str) -> str:
    return user if user else "operator"


def _plan_revision(self: _c.PlanRevision) -> str:
    return f"<PlanRevision {self.plan}@{self.revision} {self.operation} by {_who(self.user)} {self.time}>"


def _audit_entry(self: _c.AuditEntry) -> str:
    if self.revision is None:
        revision = ""
    elif self.before_revision is None:
        revision = f" r{self.revision}"
    else:
        revision = f" r{self.before_revision}->{self.revision}"
    return (
        f"<AuditEntry #{self.sequence} {self.time} {_who(self.user)} {self.operation}"
        f" {self.object}{revision}>"
    )


def _action_progress(self: _c.ActionProgress) -> str:
    return f"<ActionProgress {self.action} {self.completion:g}% weight {self.weight:.2f}>"


def _plan_progress(self: _c.PlanProgress) -> str:
    n = len(self.actions)
    done = "no actions" if self.completion is None else f"{self.completion:.1f}%"
    return f"<PlanProgress {self.plan} at {self.date}: {done} over {n} action{'' if n == 1 else 's'}>"


def _workspace(self: _c.Workspace) -> str:
    where = self.path if self.path is not None else "in memory"
    who = f" as {self.user}" if self.user is not None else ""
    return (
        f"<Workspace {where}{who}: {len(self.bodies)} bodies, {len(self.taxonomies)} taxonomies,"
        f" {len(self.plans)} plans>"
    )


def install() -> None:
    """Sets __repr__ on every compiled class."""
    table = {
        _c.Body: _body,
        _c.Plan: _plan,
        _c.Action: _action,
        _c.Taxonomy: _taxonomy,
        _c.Crosswalk: _crosswalk,
        _c.User: _user,
        _c.Statistic: _statistic,
        _c.Feedback: _feedback,
        _c.Place: _place,
        _c.CertificationRecord: _certification,
        _c.Case: _case,
        _c.LedgerEntry: _ledger,
        _c.Registry: _registry,
        _c.Ruleset: _ruleset,
        _c.RuleResult: _rule_result,
        _c.CertificationReport: _report,
        _c.CertificationTable: _certification_table,
        _c.Indicator: _indicator,
        _c.IndicatorTable: _indicator_table,
        _c.Expression: _expression,
        _c.PlanRevision: _plan_revision,
        _c.AuditEntry: _audit_entry,
        _c.ActionProgress: _action_progress,
        _c.PlanProgress: _plan_progress,
        _c.BodiesView: _view("bodies"),
        _c.PlansView: _view("plans"),
        _c.TaxonomiesView: _view("taxonomies"),
        _c.CrosswalksView: _view("crosswalks"),
        _c.UsersView: _view("users"),
        _c.Workspace: _workspace,
    }
    for cls, rep in table.items():
        cls.__repr__ = rep
