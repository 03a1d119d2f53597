"""The conventions `octoscaffold catalog check` holds a template's output to.

* CAT001 an `action_type` Octopus's own files never use (a typo makes Octopus refuse the process);
* CAT002 a property key Octopus's files never use, on a step, an action with an `action_type` or a
  package reference (step templates take their own parameter names, so theirs are not checked);
* CAT003 a deployment step that does not skip the Security environment (when the project has one):
  only the vulnerability scan runs there, plus steps that run only when something failed;
* CAT004 a secret written as a plain value: a property whose key names a password, token, secret or
  key, holding a value that is not only `#{...}` references (variables are checked by lint's VAR002).

The known names are `known.json` (see octoscaffold.lint.known). Checks the typed view of rendered
files; the caller maps positions back to template files where it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from octoscaffold.ocl.view import ProjectView

from .context import is_scan
from .known import is_known_key, known

# Keys that hold a secret itself (Tomcat.Deploy.Password, ...ApiKey, ...Token), not about one.
SECRET_KEY = re.compile(r"(password|passwd|secret|token|api\.?key|private\.?key|accesskey)$", re.IGNORECASE)
REFERENCE = re.compile(r"#\{[^}]*\}")
NOTIFY_CONDITIONS = ("Failure",)


@dataclass(frozen=True)
class ConventionFinding:
    path: str
    line: int
    column: int
    code: str
    message: str
    token: str = ""  # text to look for in the template's source, to point at its line

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


def _plain(value: object) -> bool:
    return isinstance(value, str) and bool(REFERENCE.sub("", value).strip())


def check_conventions(view: ProjectView, *, security: str | None = None) -> list[ConventionFinding]:
    """Findings for one rendered project. `security` is the slug of its Security environment
    (None: the project has none, so CAT003 does not apply)."""
    return sorted(_check(view, security), key=lambda found: (found.path, found.line, found.column, found.code))


def _check(view: ProjectView, security: str | None) -> Iterator[ConventionFinding]:
    types = known()["action_types"]
    processes = [(process, process is view.deployment_process) for process in view.processes]
    for process, deployment in processes:
        for step in process.steps:
            yield from _keys(step.properties, f"step {step.name!r}")
            for action in step.actions:
                where = f"step {step.name!r}"
                if action.action_type is not None and action.action_type not in types:
                    position = action.where("action_type")
                    yield ConventionFinding(
                        position.path or "<string>", position.line, position.column, "CAT001",
                        f"{where}: action type {action.action_type!r} is not one Octopus's files use (a typo?)",
                        f'"{action.action_type}"',
                    )
                if action.action_type is not None:
                    yield from _keys(action.properties, where)
                for package in action.packages:
                    yield from _keys(package.properties, f"{where}, package {package.name or '(primary)'!r}")
                for prop in action.properties.values():
                    if SECRET_KEY.search(prop.key) and _plain(prop.value):
                        yield ConventionFinding(
                            prop.position.path or "<string>", prop.position.line, prop.position.column, "CAT004",
                            f"{where}: {prop.key} holds a secret as a plain value; reference a Sensitive variable (#{{Project...}})",
                            prop.key,
                        )
                if deployment and security and not _skips(action, step, security):
                    position = action.position
                    yield ConventionFinding(
                        position.path or "<string>", position.line, position.column, "CAT003",
                        f"{where} does not skip the {security} environment: add it to excluded_environments"
                        " (only the vulnerability scan runs there)",
                        f'name = "{step.name}"',
                    )


def _keys(properties, where: str) -> Iterator[ConventionFinding]:
    for prop in properties.values():
        if not is_known_key(prop.key):
            yield ConventionFinding(
                prop.position.path or "<string>", prop.position.line, prop.position.column, "CAT002",
                f"{where}: property {prop.key!r} is not one Octopus's files use (a typo, or a key of another step type?)",
                prop.key,
            )


def _skips(action, step, security: str) -> bool:
    if action.is_disabled or is_scan(action) or step.condition in NOTIFY_CONDITIONS:
        return True
    if action.environments:
        return security not in action.environments
    return security in action.excluded_environments
