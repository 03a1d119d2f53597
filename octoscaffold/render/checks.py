"""Checks on a whole rendered project, so a template bug is caught before a user sees the files.

- step slugs are unique in each process;
- every environment named in steps, variables and runbooks is in the lifecycle;
- every `#{Octopus.Action.Package[x]...}` names a package of that action, and every
  `#{Octopus.Action[Step Name]...}` or `#{Octopus.Step[Step Name]...}` names a step of the same process;
- every `#{Project.*}` variable used is defined in variables.ocl;
- no variable that looks like a secret has a plain value.
"""

from __future__ import annotations

import re
from typing import Iterable

from octoscaffold.lint.context import action_texts
from octoscaffold.ocl.view import Element, Process, ProjectView
from octoscaffold.spec.naming import SECRET_NAME, slugify

_EXPRESSION = re.compile(r"#\{([^}]*)\}")
_PROJECT_VARIABLE = re.compile(r"(?<![\w.])(Project(?:\.[A-Za-z0-9_]+)+)")
_PACKAGE_REFERENCE = re.compile(r"Octopus\.Action\.Package\[([^\]]*)\]")
_STEP_REFERENCE = re.compile(r"Octopus\.(?:Action|Step)\[([^\]]+)\]")


def _process_problems(process: Process, defined: set[str]) -> Iterable[str]:
    seen: dict[str, Element] = {}
    names = {step.name for step in process.steps} | {a.name for a in process.actions}
    for step in process.steps:
        if step.slug in seen:
            yield f"{step.position}: step slug {step.slug!r} is used twice (first at {seen[step.slug].position})"
        seen.setdefault(step.slug, step)
        for action in step.actions:
            packages = {package.name for package in action.packages}
            for element, text in [*action_texts(action), *((p, p.value) for p in step.properties.values())]:
                for expression in _EXPRESSION.findall(text):
                    for name in _PACKAGE_REFERENCE.findall(expression):
                        if name not in packages:
                            yield f"{element.position}: no package {name!r} in step {step.name!r}"
                    for name in _STEP_REFERENCE.findall(expression):
                        if name not in names:
                            yield f"{element.position}: no step named {name!r} in this process"
                    for name in _PROJECT_VARIABLE.findall(expression):
                        if name not in defined:
                            yield f"{element.position}: variable {name} is used but not defined in variables.ocl"


def check_project(view: ProjectView, environments: list[str], sensitive: Iterable[str] = ()) -> list[str]:
    """Problems found in a rendered project, each `path:line:col: message`; empty when clean.

    `sensitive` names variables that are defined in Octopus rather than in variables.ocl.
    """
    problems: list[str] = []
    defined = {variable.name for variable in view.variables} | set(sensitive)
    allowed = {slugify(name) for name in environments}

    for process in view.processes:
        problems += _process_problems(process, defined)
        for action in process.actions:
            for slug in (*action.environments, *action.excluded_environments):
                if slug not in allowed:
                    problems.append(f"{action.position}: environment {slug!r} is not in the lifecycle")
    for runbook in view.runbooks:
        problems += [
            f"{runbook.position}: runbook environment {slug!r} is not in the lifecycle"
            for slug in runbook.environments
            if slug not in allowed
        ]
    for variable in view.variables:
        for value in variable.values:
            problems += [
                f"{value.position}: environment {slug!r} in the scope of {variable.name} is not in the lifecycle"
                for slug in value.scope.environment
                if slug not in allowed
            ]
            if value.value:
                for expression in _EXPRESSION.findall(value.value):
                    problems += [
                        f"{value.position}: variable {name} is used but not defined in variables.ocl"
                        for name in _PROJECT_VARIABLE.findall(expression)
                        if name not in defined
                    ]
            if SECRET_NAME.search(variable.name) and variable.type != "Sensitive" and value.value:
                problems.append(
                    f"{value.position}: {variable.name} looks like a secret but has a plain value "
                    "(make it a Sensitive variable; its value then lives in Octopus, not git)"
                )
    return problems
