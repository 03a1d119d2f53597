"""`octoscaffold lint --server URL --space NAME`: the adviser on a whole live space, read-only.

Every project is read through the API: Config-as-Code projects from their default branch (the
`/{gitRef}/` routes, sensitive values from the database), database projects from their deployment
process and variable set; runbooks from the project's runbooks. Each becomes OCL documents
(`ocl_from_api`) and the typed view the OCL rules use, so every rule applies unchanged; library
variable sets and sensitive values count as defined. Then the space rules (`lint/rules/space.py`)
look across projects.

Requests run on a few threads (`workers`), projects are read in a bounded window and only their
findings and a few facts are kept, so memory stays flat however many projects the space holds.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Callable
from urllib.parse import quote

from octoscaffold.inputs import printable
from octoscaffold.lint.rules.space import ProjectFacts, SpaceFacts, space_findings
from octoscaffold.ocl.parser import parse
from octoscaffold.ocl.view import PROCESS_FILE, SETTINGS_FILE, VARIABLES_FILE, ProjectView, view_from_documents
from octoscaffold.ocl.writer import write
from octoscaffold.policy import is_production

from .ocl_from_api import Slugs, process_document, runbook_document, settings_document, variables_document

MAX_RUNBOOKS = 200  # of one project


@dataclass
class ProjectRow:
    """One line of the summary table."""

    name: str
    slug: str
    source: str  # git or database
    steps: int
    runbooks: int
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})


@dataclass
class SpaceLint:
    report: Any  # LintReport
    rows: list[ProjectRow]
    space: str


@dataclass
class _Read:
    findings: list
    files: list[str]
    facts: ProjectFacts
    row: ProjectRow
    variables: list[tuple[str, str, tuple[str, int, int]]]


class _Space:
    """What every project's conversion needs, read once."""

    def __init__(self, api, name: str) -> None:
        self.api = api
        self.name = name
        get = lambda collection: [i for i in api.all(api.space_path(collection)) if isinstance(i, dict)]  # noqa: E731
        self.environments = get("environments")
        self.lifecycles = get("lifecycles")
        self.project_groups = get("projectgroups")
        self.worker_pools = get("workerpools")
        self.library_sets = get("libraryvariablesets")
        self.projects = sorted(get("projects"), key=lambda p: (str(p.get("Name", "")).lower(), str(p.get("Id"))))
        self.slugs = Slugs(
            environments=Slugs.of(self.environments), feeds=Slugs.of(get("feeds")), worker_pools=Slugs.of(self.worker_pools),
            accounts=Slugs.of(get("accounts")), channels=Slugs.of(get("channels")), git_credentials=Slugs.of(get("git-credentials")),
        )
        self.library_names: dict[str, list[str]] = {}
        for library_set in self.library_sets:
            variable_set = library_set.get("VariableSetId")
            if variable_set:
                found = api.get(api.space_path(f"variables/{variable_set}")) or {}
                self.library_names[library_set["Id"]] = [
                    str(v.get("Name")) for v in found.get("Variables") or [] if isinstance(v, dict)]
        names = {e.get("Id"): str(e.get("Name", "")) for e in self.environments}
        self.production_slugs = {self.slugs.environments.get(i, i) for i, n in names.items() if is_production(n)}
        self.lifecycle_production: dict[str, bool] = {}
        for lifecycle in self.lifecycles:
            phases = [i for p in lifecycle.get("Phases") or [] if isinstance(p, dict)
                      for i in (p.get("AutomaticDeploymentTargets") or []) + (p.get("OptionalDeploymentTargets") or [])]
            self.lifecycle_production[lifecycle.get("Id")] = any(is_production(names.get(i, "")) for i in (phases or names))


def _approval(view: ProjectView, production: set[str]) -> bool:
    """Whether a manual step runs in production before the first step that changes it."""
    process = view.deployment_process
    for step in process.steps if process else ():
        in_production = [a for a in step.actions if not a.is_disabled
                         and (not a.environments or production & set(a.environments))
                         and not production & set(a.excluded_environments)]
        if any(a.action_type == "Octopus.Manual" for a in in_production):
            return True
        if in_production:
            return False
    return False


def _read_project(space: _Space, project: dict, config) -> _Read:
    from octoscaffold.lint import lint_view

    api, slugs = space.api, space.slugs
    pid = project["Id"]
    slug = str(project.get("Slug") or pid)
    settings = project.get("PersistenceSettings") or {}
    in_git = settings.get("Type") == "VersionControlled"
    if in_git:
        ref = quote(f"refs/heads/{settings.get('DefaultBranch') or 'main'}", safe="")
        process = api.get(api.space_path(f"projects/{pid}/{ref}/deploymentprocesses")) or {}
        variables = api.get(api.space_path(f"projects/{pid}/{ref}/variables")) or {}
        deployment_settings = api.get(api.space_path(f"projects/{pid}/{ref}/deploymentsettings")) or {}
        secrets = api.get(api.space_path(f"variables/{project['VariableSetId']}")) if project.get("VariableSetId") else {}
        _, sensitive = variables_document(secrets or {}, slugs)
    else:
        process = api.get(api.space_path(f"deploymentprocesses/{project['DeploymentProcessId']}")) or {}
        variables = api.get(api.space_path(f"variables/{project['VariableSetId']}")) or {}
        deployment_settings = project
        sensitive = []
    documents = {PROCESS_FILE: process_document(process, slugs), SETTINGS_FILE: settings_document(deployment_settings)}
    variables_doc, more = variables_document(variables, slugs)
    documents[VARIABLES_FILE] = variables_doc
    sensitive += more
    pools = {str(a.get("WorkerPoolId")) for s in process.get("Steps") or [] if isinstance(s, dict)
             for a in s.get("Actions") or [] if isinstance(a, dict) and a.get("WorkerPoolId")}
    pools |= {str(v.get("Value")) for v in variables.get("Variables") or [] if isinstance(v, dict) and v.get("Type") == "WorkerPool"}
    runbooks = 0
    if not (in_git and (settings.get("ConversionState") or {}).get("RunbooksAreInGit")):
        for runbook in api.all(api.space_path(f"projects/{pid}/runbooks"))[:MAX_RUNBOOKS]:
            if not isinstance(runbook, dict):
                continue
            runbook_process = api.get(api.space_path(f"runbookProcesses/{runbook['RunbookProcessId']}")) if runbook.get("RunbookProcessId") else None
            key = f"runbooks/{runbook.get('Slug') or runbook.get('Id')}.ocl"
            documents[key] = runbook_document(runbook, runbook_process, slugs)
            pools |= {str(a.get("WorkerPoolId")) for s in (runbook_process or {}).get("Steps") or [] if isinstance(s, dict)
                      for a in s.get("Actions") or [] if isinstance(a, dict) and a.get("WorkerPoolId")}
            runbooks += 1
    shown = {key: f"{space.name}/{slug}/{key}" for key in documents}
    parsed = {key: parse(write(doc, runbook=key.startswith("runbooks/")), shown[key]) for key, doc in documents.items()}
    view = view_from_documents(parsed, None, paths=shown)
    known = tuple(sensitive) + tuple(name for set_id in project.get("IncludedLibraryVariableSetIds") or []
                                     for name in space.library_names.get(set_id, []))
    # OCL001 is about a schema_version.ocl file: a project read through the API has no files.
    project_config = replace(
        config, known_variables=config.known_variables + known, ignore=config.ignore + ("OCL001",),
        tenanted={"Untenanted": False, "Tenanted": True, "TenantedOrUntenanted": True}.get(project.get("TenantedDeploymentMode")),
    )
    findings = lint_view(view, project_config)
    has_production = space.lifecycle_production.get(project.get("LifecycleId"), True)
    facts = ProjectFacts(
        name=str(project.get("Name")), slug=slug, path=shown[PROCESS_FILE], group_id=project.get("ProjectGroupId"),
        lifecycle_id=project.get("LifecycleId"), version_controlled=in_git,
        approval=_approval(view, space.production_slugs) if has_production and view.deployment_process and view.deployment_process.steps else None,
        worker_pools=pools,
    )
    found_variables = [
        (variable.name, value.value, (value.position.path or "", value.position.line, value.position.column))
        for variable in view.variables for value in variable.values
        if value.value and not (value.value.startswith("#{") and value.value.endswith("}"))
    ]
    steps = len(view.deployment_process.steps) if view.deployment_process else 0
    row = ProjectRow(str(project.get("Name")), slug, "git" if in_git else "database", steps, runbooks)
    return _Read(findings, list(shown.values()), facts, row, found_variables)


# A project the server will not give (a branch gone, no permission on it, a broken process) is
# reported and the others are read; a failure of the server itself stops the run (exit 3).
PROJECT_STATUSES = frozenset({400, 403, 404, 409, 422})


def _read_or_report(project: dict, future, space_name: str) -> _Read:
    from octoscaffold.lint.model import Finding

    from .client import OctopusError

    try:
        return future.result()
    except OctopusError as error:
        if error.status not in PROJECT_STATUSES:
            raise
        slug = str(project.get("Slug") or project.get("Id"))
        where = f"{space_name}/{slug}/"
        finding = Finding(where, 1, 1, "OCL000", "error", f"the project could not be read: {printable(error)}")
        row = ProjectRow(str(project.get("Name")), slug, "unreadable", 0, 0)
        facts = ProjectFacts(name=str(project.get("Name")), slug=slug, path=where, group_id=project.get("ProjectGroupId"),
                             lifecycle_id=project.get("LifecycleId"), version_controlled=(project.get("PersistenceSettings") or {}).get("Type") == "VersionControlled",
                             approval=None, worker_pools=set())
        return _Read([finding], [], facts, row, [])


def lint_space(api, config, *, workers: int = 4, progress: Callable[[int], None] | None = None,
               total: Callable[[int], None] | None = None) -> SpaceLint:
    """Read and lint every project of the space, then the space itself."""
    from octoscaffold.lint.engine import LintReport

    space_id = api.space_id()
    name = next((str(s.get("Name")) for s in api.get("/api/spaces/all") or [] if isinstance(s, dict) and s.get("Id") == space_id), space_id)
    space = _Space(api, name)
    if total is not None:
        total(len(space.projects))
    facts = SpaceFacts(name, space.environments, space.lifecycles, space.worker_pools, space.library_sets, space.project_groups)
    facts.included_sets = {i for p in space.projects for i in p.get("IncludedLibraryVariableSetIds") or []}
    report = LintReport(config)
    rows: list[ProjectRow] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending: deque = deque()
        projects = iter(space.projects)
        while True:
            while len(pending) < 2 * max(1, workers):
                project = next(projects, None)
                if project is None:
                    break
                pending.append((project, pool.submit(_read_project, space, project, config)))
            if not pending:
                break
            project, future = pending.popleft()
            done = _read_or_report(project, future, name)
            report.findings += done.findings
            report.files += done.files
            facts.projects.append(done.facts)
            rows.append(done.row)
            for variable, value, where in done.variables:
                facts.add_variable(variable, value, done.row.name, where)
            if progress is not None:
                progress(1)
    report.findings += space_findings(facts, config)
    report.findings.sort()
    prefixes = {f"{name}/{row.slug}/": row for row in rows}
    for finding in report.findings:
        row = prefixes.get("/".join(finding.path.split("/")[:2]) + "/")
        if row is not None:
            row.counts[finding.severity] += 1
    return SpaceLint(report, rows, name)


def summary_table(result: SpaceLint) -> str:
    """PROJECT  SOURCE  STEPS  RUNBOOKS  ERRORS  WARNINGS  INFO, one line per project."""
    head = ("PROJECT", "SOURCE", "STEPS", "RUNBOOKS", "ERRORS", "WARNINGS", "INFO")
    rows = [head] + [(printable(r.name), r.source, str(r.steps), str(r.runbooks), str(r.counts["error"]),
                      str(r.counts["warning"]), str(r.counts["info"])) for r in result.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def render(result: SpaceLint, fmt: str, *, colour: bool = False) -> str:
    """The report in any lint format; text adds the per-project table, JSON a `projects` list."""
    import json

    from octoscaffold.lint.report import render as render_report

    text = render_report(result.report, fmt, colour=colour)
    if fmt == "text":
        return f"{text}\nSpace {printable(result.space)}: {len(result.rows)} projects\n{summary_table(result)}"
    if fmt == "json":
        data = json.loads(text)
        data["space"] = result.space
        data["projects"] = [{"name": r.name, "slug": r.slug, "source": r.source, "steps": r.steps, "runbooks": r.runbooks,
                             "counts": r.counts} for r in result.rows]
        return json.dumps(data, indent=2) + "\n"
    return text


def run(*, server: str | None, space: str | None, select: list[str], ignore: list[str], fail_on: str | None,
        config_path, fmt: str, colour: bool | None, workers: int, list_rules: bool, to_terminal: bool) -> tuple[str, int]:
    """What `lint --server` prints and its exit code. The space rules are known while it runs, so
    `--select SPC`, the config's severities and SARIF's rule list see them."""
    import sys

    import click

    from octoscaffold.lint import RULES, LintConfig, find_config, load_config
    from octoscaffold.lint.rules.space import registered

    from .client import Octopus, octopus_settings

    with registered():
        if list_rules:
            return "".join(f"{rule_id:<8} {RULES[rule_id].severity:<8} {RULES[rule_id].title}\n" for rule_id in sorted(RULES)), 0
        if config_path is None:
            from pathlib import Path

            config_path = find_config(Path("."))
        config = load_config(config_path) if config_path is not None else LintConfig()
        config = config.with_flags(select=select, ignore=ignore, fail_on=fail_on)
        settings = octopus_settings(url=server, space=space)
        show = sys.stderr.isatty()
        with Octopus(settings) as api:
            bar = None

            def total(count: int) -> None:
                nonlocal bar
                if show:
                    bar = click.progressbar(length=count, label="Reading projects", file=sys.stderr)
                    bar.__enter__()

            try:
                result = lint_space(api, config, workers=workers, total=total, progress=lambda n: bar and bar.update(n))
            finally:
                if bar is not None:
                    bar.__exit__(None, None, None)
        return render(result, fmt, colour=colour if colour is not None else (fmt == "text" and to_terminal)), result.report.exit_code
