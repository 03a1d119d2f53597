"""Tie a diagnosis to the project's OCL: the step that failed, the variable that was missing, and
the lint findings that concern them, each with file:line.

Checks, all read-only:
- the failing step found by name in deployment_process.ocl (the log writes "Step 2: Name" in
  older servers, the name alone in newer ones);
- a variable the cause names: absent from variables.ocl, or present with values scoped only to
  other environments than the one deployed to;
- a transient cause on a step without retries (Octopus.Action.AutoRetry.MaximumCount), a timeout
  or hang on one without an execution timeout (Octopus.Action.ExecutionTimeout.Minutes);
- `octoscaffold lint` findings inside the failing step, or about the variable.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from octoscaffold.diagnose.analyze import Diagnosis

RETRY = "Octopus.Action.AutoRetry.MaximumCount"
TIMEOUT = "Octopus.Action.ExecutionTimeout.Minutes"
_TIMEOUTS = {"step-timeout", "k8s-rollout-timeout", "task-not-executed-in-time", "windows-service-control"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _step_name(name: str) -> str:
    return re.sub(r"^Step\s+\d+(?:\.\d+)*:\s*", "", name).strip()


def _at(position: Any, folder: Path) -> str:
    path = Path(position.path) if position.path else folder
    try:
        shown = path.relative_to(folder.parent.parent) if folder.parent.parent != path else path
    except ValueError:
        shown = path
    return f"{shown}:{position.line}"


def crosscheck(diagnosis: Diagnosis, folder: Path) -> list[dict[str, Any]]:
    """Findings about the project folder (`.octopus/<slug>`), each {"where", "message", "kind"}."""
    from octoscaffold.errors import UserError
    from octoscaffold.inputs import printable
    from octoscaffold.ocl import OclError
    from octoscaffold.ocl.view import load_project

    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{printable(folder)}: --project must be a project's OCL folder (e.g. .octopus/my-app)")
    try:
        view = load_project(folder)
    except OclError as error:  # unreadable, or a syntax error: one line, as lint says it
        raise UserError(f"--project: {printable(error)}") from None
    out: list[dict[str, Any]] = []
    step = _find_step(view, diagnosis)
    cause = diagnosis.cause
    if diagnosis.step is not None and step is None:
        out.append({"kind": "step", "where": str(folder),
                    "message": f"no step named {_step_name(diagnosis.step.name)!r} in this project's process "
                               "(a runbook, another project, or a renamed step?)"})
    if step is not None:
        out.append({"kind": "step", "where": _at(step.position, folder),
                    "message": f"the failing step {step.name!r} is defined here"})
        if cause is not None:
            out.extend(_step_settings(step, cause.signature, folder))
    if cause is not None and cause.captures.get("variable"):
        out.extend(_variable(view, cause.captures["variable"], diagnosis.environment, folder))
    out.extend(_lint(view, step, cause.captures.get("variable") if cause else None, folder))
    return out


def _find_step(view: Any, diagnosis: Diagnosis) -> Any:
    process = view.deployment_process
    if process is None or diagnosis.step is None:
        return None
    names = [_step_name(diagnosis.step.name), *diagnosis.action_path]
    for name in names:
        wanted = name.lower()
        for step in process.steps:
            if step.name.lower() == wanted or step.slug == _slug(name):
                return step
            if any(action.name.lower() == wanted for action in step.actions):
                return step
    return None


def _step_settings(step: Any, signature: Any, folder: Path) -> list[dict[str, Any]]:
    out = []
    actions = step.actions or ()
    for action in actions:
        retries = action.get_property(RETRY)
        timeout = action.get_property(TIMEOUT)
        if signature.category == "transient" and not retries:
            out.append({"kind": "retry", "where": _at(action.position, folder),
                        "message": f"the action {action.name!r} has no retries ({RETRY}); a transient failure "
                                   "like this one fails the deployment at once; consider 2-3 retries"})
        if signature.id in _TIMEOUTS and not timeout:
            out.append({"kind": "timeout", "where": _at(action.position, folder),
                        "message": f"the action {action.name!r} has no execution timeout ({TIMEOUT}); "
                                   "a hang waits until someone cancels it"})
        elif signature.id == "step-timeout" and timeout:
            out.append({"kind": "timeout", "where": _at(action.properties[TIMEOUT].position, folder),
                        "message": f"the execution timeout is {timeout} minutes here"})
    return out


def _variable(view: Any, name: str, environment: str, folder: Path) -> list[dict[str, Any]]:
    name = name.strip()
    variable = view.variable(name) or next((v for v in view.variables if v.name.lower() == name.lower()), None)
    if variable is None:
        return [{"kind": "variable", "where": str(folder / "variables.ocl"),
                 "message": f"{name} is not defined in variables.ocl: it must come from a library variable set, "
                            "a tenant, a sensitive value set in Octopus, or it is misspelled"}]
    scoped = [value for value in variable.values if value.scope.environment]
    unscoped = [value for value in variable.values if not value.scope.environment]
    if environment and not unscoped:
        wanted = _slug(environment)
        if not any(_slug(env) == wanted for value in scoped for env in value.scope.environment):
            envs = sorted({env for value in scoped for env in value.scope.environment})
            return [{"kind": "variable", "where": _at(variable.position, folder),
                     "message": f"{variable.name} has values only for {', '.join(envs)}; none for {environment} "
                                "and no unscoped default"}]
    return [{"kind": "variable", "where": _at(variable.position, folder),
             "message": f"{variable.name} is defined here; check the value that applies to "
                        f"{environment or 'this environment'} (its other scopes: targets, steps, channels)"}]


def _lint(view: Any, step: Any, variable: str | None, folder: Path) -> list[dict[str, Any]]:
    from octoscaffold.lint import lint_view

    findings = lint_view(view)
    out = []
    span = _span(view, step)
    for finding in findings:
        inside = span is not None and finding.path == span[0] and span[1] <= finding.line < span[2]
        about = variable is not None and finding.rule.startswith("VAR") and variable.lower() in finding.message.lower()
        if inside or about:
            out.append({"kind": "lint", "where": f"{_short(finding.path, folder)}:{finding.line}",
                        "message": f"{finding.rule} {finding.severity}: {finding.message}"})
    return out[:10]


def _span(view: Any, step: Any) -> tuple[str, int, int] | None:
    if step is None or view.deployment_process is None:
        return None
    steps = list(view.deployment_process.steps)
    index = steps.index(step)
    end = steps[index + 1].position.line if index + 1 < len(steps) else 10**9
    return (step.position.path, step.position.line, end)


def _short(path: str, folder: Path) -> str:
    try:
        return str(Path(path).relative_to(folder.parent.parent))
    except ValueError:
        return path
