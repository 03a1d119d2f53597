"""What every rule sees: one project's view, the settings that tune rules, and shared look-ups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Iterator

from octoscaffold.ocl.view import Action, Element, Position, Process, ProjectView, Step

EXPRESSION = re.compile(r"#\{([^}]*)\}")
SECURITY = "security"

# Steps that run on deployment targets and find them through target tags.
TARGET_ACTION_TYPES = frozenset(
    {
        "Octopus.IIS",
        "Octopus.WindowsService",
        "Octopus.TentaclePackage",
        "Octopus.JavaArchive",
        "Octopus.TomcatDeploy",
        "Octopus.WildFlyDeploy",
        "Octopus.Nginx",
        "Octopus.HelmChartUpgrade",
        "Octopus.AzureWebApp",
        "Octopus.AzureAppService",
        "Octopus.AzureServiceFabricApp",
        "Octopus.AzureCloudService",
        "Octopus.TransferPackage",
    }
)


def is_target_action(action: Action) -> bool:
    kind = action.action_type or ""
    if kind in TARGET_ACTION_TYPES or kind.startswith("Octopus.Kubernetes"):
        return True
    # A script step explicitly set to run on the targets themselves.
    return kind == "Octopus.Script" and str(action.get_property("Octopus.Action.RunOnServer", "")).lower() == "false"


SCAN_TEMPLATE_PREFIX = "a38bfff8"  # the community "Scan for Vulnerabilities" step template
SCANNERS = ("trivy", "grype", "snyk", "dependency-check", "anchore", "vulnerabilit")


def _mentions_scanner(text: str) -> bool:
    lower = text.lower()  # plain substring tests: much faster than a regex over long scripts
    return any(word in lower for word in SCANNERS)


def is_scan(action: Action) -> bool:
    """A vulnerability scan: the community template, or a step that names or runs a scanner."""
    if (action.template_id or "").startswith(SCAN_TEMPLATE_PREFIX) or _mentions_scanner(action.name):
        return True
    body = action.get_property("Octopus.Action.Script.ScriptBody")
    return isinstance(body, str) and _mentions_scanner(body)


def runs_on_worker(action: Action) -> bool:
    return str(action.get_property("Octopus.Action.RunOnServer", "")).lower() == "true"


def action_texts(action: Action) -> Iterator[tuple[Element, str]]:
    """Every string property of an action and of its packages."""
    for prop in action.properties.values():
        if isinstance(prop.value, str):
            yield prop, prop.value
    for package in action.packages:
        for prop in package.properties.values():
            if isinstance(prop.value, str):
                yield prop, prop.value


def step_texts(step: Step) -> Iterator[tuple[Element, str]]:
    for prop in step.properties.values():
        if isinstance(prop.value, str):
            yield prop, prop.value


@dataclass
class Options:
    """Rule settings that come from the config file."""

    known_variables: frozenset[str] = frozenset()  # lower-case names defined outside variables.ocl
    environments: frozenset[str] | None = None  # slugs of the lifecycle's environments, when known
    generic_tags: frozenset[str] = frozenset({"web-server", "webserver", "web", "app", "server", "windows", "linux", "db", "database"})
    tenanted: bool | None = None  # the project's tenanted deployment mode, when known (it is not in OCL)


@dataclass
class Context:
    view: ProjectView
    files: frozenset[str]  # keys of the project's files that exist, parsed or not ("variables.ocl")
    complete: bool = True  # files came from a real project folder, so a missing file means something
    options: Options = field(default_factory=Options)

    @property
    def process(self) -> Process | None:
        return self.view.deployment_process

    def all_processes(self) -> Iterable[tuple[Process, object]]:
        """(process, owner): the deployment process (owner None) and each runbook's."""
        if self.view.deployment_process is not None:
            yield self.view.deployment_process, None
        for runbook in self.view.runbooks:
            if runbook.process is not None:
                yield runbook.process, runbook

    @cached_property
    def first_position(self) -> Position:
        """Where project-wide findings point when no element fits: the start of the process file."""
        if self.view.deployment_process is not None:
            return self.view.deployment_process.position
        for element in (self.view.deployment_settings, self.view.schema_version):
            if element is not None:
                return element.position
        if self.view.variables:
            return self.view.variables[0].position
        return self.view.runbooks[0].position

    @cached_property
    def environments_named(self) -> frozenset[str]:
        """Every environment slug or name the project mentions, lower case."""
        found: set[str] = set()
        for process, _ in self.all_processes():
            for action in process.actions:
                found.update(action.environments)
                found.update(action.excluded_environments)
        for runbook in self.view.runbooks:
            found.update(runbook.environments)
        for variable in self.view.variables:
            for value in variable.values:
                found.update(value.scope.environment)
        return frozenset(name.lower() for name in found)
