"""SPC: advice about a whole live space, from `octoscaffold lint --server` (octoscaffold.octopus.space).

Project rules see one project's view; these see what no single project shows: the same variable
in many projects, lifecycles, environments, worker pools and library sets nobody uses, projects
outside version control, naming that drifts. They run on `SpaceFacts` (plain data gathered while
the projects are read), and are added to the registry only while a space is linted
(`registered()`), so `--select`, `--ignore`, severities and every report format treat them like
the others.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from octoscaffold.policy import is_production

from ..model import REGISTRY, Finding, Rule

SECURITY = "security"
DEFAULT_GROUP = "Default Project Group"
CROWDED_GROUP = 10  # projects in the default group before it counts as overused (and a quarter of them)
NAMING_MAJORITY = 0.6  # share of one naming style before the others count as inconsistent


def _nothing(ctx) -> Iterator:
    """Project views have nothing to say to a space rule; the space checks below do the work."""
    return iter(())


SPACE_RULES = {
    rule.id: rule
    for rule in (
        Rule("SPC001", "warning", "variable duplicated across projects", _nothing),
        Rule("SPC002", "warning", "no approval before production", _nothing),
        Rule("SPC003", "warning", "lifecycle without a Security phase", _nothing),
        Rule("SPC004", "info", "environment in no lifecycle", _nothing),
        Rule("SPC005", "info", "unused worker pool", _nothing),
        Rule("SPC006", "info", "unused library variable set", _nothing),
        Rule("SPC007", "warning", "project not in version control", _nothing),
        Rule("SPC008", "info", "default project group overused", _nothing),
        Rule("SPC009", "info", "inconsistent project naming", _nothing),
    )
}


@contextmanager
def registered() -> Iterator[None]:
    """The space rules in the registry for the duration (and only then)."""
    added = [rule_id for rule_id in SPACE_RULES if rule_id not in REGISTRY]
    for rule_id in added:
        REGISTRY[rule_id] = SPACE_RULES[rule_id]
    try:
        yield
    finally:
        for rule_id in added:
            REGISTRY.pop(rule_id, None)


@dataclass
class ProjectFacts:
    name: str
    slug: str
    path: str  # where findings about the project point (its deployment_process.ocl)
    group_id: str | None
    lifecycle_id: str | None
    version_controlled: bool
    approval: bool | None  # None: the project has no production environment to approve
    worker_pools: set[str] = field(default_factory=set)  # ids


@dataclass
class Duplicate:
    count: int
    first: tuple[str, int, int]  # path, line, column of the first project's value
    projects: list[str]  # the first few project names


@dataclass
class SpaceFacts:
    name: str
    environments: list[dict] = field(default_factory=list)
    lifecycles: list[dict] = field(default_factory=list)
    worker_pools: list[dict] = field(default_factory=list)
    library_sets: list[dict] = field(default_factory=list)
    project_groups: list[dict] = field(default_factory=list)
    projects: list[ProjectFacts] = field(default_factory=list)
    included_sets: set[str] = field(default_factory=set)
    variables: dict[tuple[str, str], Duplicate] = field(default_factory=dict)

    def add_variable(self, name: str, value: str, project: str, where: tuple[str, int, int]) -> None:
        found = self.variables.get((name, value))
        if found is None:
            self.variables[(name, value)] = Duplicate(1, where, [project])
            return
        found.count += 1
        if len(found.projects) < 3:
            found.projects.append(project)

    def path(self, kind: str, item: dict) -> str:
        return f"{self.name}/{kind}/{item.get('Slug') or item.get('Id')}"


def _phase_environment_ids(lifecycle: dict) -> list[list[str]]:
    return [list(p.get("AutomaticDeploymentTargets") or []) + list(p.get("OptionalDeploymentTargets") or [])
            for p in lifecycle.get("Phases") or [] if isinstance(p, dict)]


def _check(facts: SpaceFacts) -> Iterator[tuple[str, str, int, int, str]]:
    """(rule, path, line, column, message) for everything the space rules find."""
    for (name, value), duplicate in sorted(facts.variables.items()):
        if duplicate.count > 1:
            shown = value if len(value) <= 40 else value[:37] + "..."
            others = ", ".join(duplicate.projects) + (", ..." if duplicate.count > len(duplicate.projects) else "")
            yield ("SPC001", *duplicate.first,
                   f"{name} = {shown!r} is set the same way in {duplicate.count} projects ({others}); move it to a library variable set")
    for project in facts.projects:
        if project.approval is False:
            yield ("SPC002", project.path, 1, 1,
                   f"project {project.name!r} deploys to production without a manual approval step before it")
        if not project.version_controlled:
            yield ("SPC007", project.path, 1, 1,
                   f"project {project.name!r} keeps its process in the database; connect it to Git (Settings > Version Control)")
    names = {e.get("Id"): str(e.get("Name", "")) for e in facts.environments}
    phased: set[str] = set()
    every_environment = False
    for lifecycle in facts.lifecycles:
        phases = _phase_environment_ids(lifecycle)
        if not phases:
            every_environment = True  # a lifecycle without phases deploys to every environment
        phased.update(i for phase in phases for i in phase)
        phase_names = [names.get(i, "").lower() for phase in phases for i in phase]
        if phases and SECURITY not in phase_names and any(is_production(n) for n in phase_names):
            yield ("SPC003", facts.path("lifecycles", lifecycle), 1, 1,
                   f"lifecycle {lifecycle.get('Name')!r} reaches production but has no Security phase after it")
    if not every_environment:
        for environment in facts.environments:
            if environment.get("Id") not in phased:
                yield ("SPC004", facts.path("environments", environment), 1, 1,
                       f"environment {environment.get('Name')!r} is in no lifecycle, so nothing deploys to it")
    used_pools = set().union(*(p.worker_pools for p in facts.projects)) if facts.projects else set()
    for pool in facts.worker_pools:
        if not pool.get("IsDefault") and pool.get("Id") not in used_pools:
            yield ("SPC005", facts.path("workerpools", pool), 1, 1, f"worker pool {pool.get('Name')!r} is used by no step or variable")
    for library_set in facts.library_sets:
        if library_set.get("Id") not in facts.included_sets:
            yield ("SPC006", facts.path("libraryvariablesets", library_set), 1, 1,
                   f"library variable set {library_set.get('Name')!r} is included in no project")
    default = next((g for g in facts.project_groups if g.get("Name") == DEFAULT_GROUP), None)
    if default is not None:
        crowded = sum(1 for p in facts.projects if p.group_id == default.get("Id"))
        if crowded > CROWDED_GROUP and crowded * 4 > len(facts.projects):
            yield ("SPC008", facts.path("projectgroups", default), 1, 1,
                   f"{crowded} of {len(facts.projects)} projects are in the {DEFAULT_GROUP}; group them by team or product")
    yield from _naming(facts)


KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
PASCAL = re.compile(r"^[A-Z][a-z0-9]+([A-Z][a-z0-9]*)+$")


def naming_style(name: str) -> str:
    if KEBAB.match(name):
        return "kebab-case"
    if SNAKE.match(name):
        return "snake_case"
    if PASCAL.match(name):
        return "PascalCase"
    words = name.split()
    if words and all(w[:1].isupper() or w[:1].isdigit() or not w[:1].isalpha() for w in words):
        return "Title Case"
    return "lower case words" if name == name.lower() else "mixed"


def _naming(facts: SpaceFacts) -> Iterator[tuple[str, str, int, int, str]]:
    if len(facts.projects) < 5:
        return
    styles = [(project, naming_style(project.name)) for project in facts.projects]
    counts: dict[str, int] = {}
    for _, style in styles:
        counts[style] = counts.get(style, 0) + 1
    main, size = max(sorted(counts.items()), key=lambda item: item[1])
    if size / len(styles) < NAMING_MAJORITY or size == len(styles):
        return
    for project, style in styles:
        if style != main:
            yield ("SPC009", project.path, 1, 1,
                   f"project {project.name!r} is named in {style}; {size} of {len(styles)} projects use {main}")


def space_findings(facts: SpaceFacts, config) -> list[Finding]:
    """The findings of the enabled space rules, with the config's severities and suppressions."""
    found = []
    for rule_id, path, line, column, message in _check(facts):
        if not config.enabled(rule_id) or any(entry.matches(path, rule_id) for entry in config.suppress):
            continue
        found.append(Finding(path, line, column, rule_id, config.severity.get(rule_id) or SPACE_RULES[rule_id].severity, message))
    return found
