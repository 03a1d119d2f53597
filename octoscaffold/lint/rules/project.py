"""SET, RB and ENV: deployment settings, runbook settings and the environments a project uses."""

from __future__ import annotations

import re
from typing import Iterator

from ..context import SECURITY, Context, is_scan, is_target_action
from ..model import Hit, rule

TARGET_CHECK = re.compile(r"target|machine|health|servers? (?:were|are) (?:deployed|available)", re.IGNORECASE)


@rule("SET001", "warning", "no versioning strategy")
def versioning_strategy(ctx: Context) -> Iterator[Hit]:
    settings = ctx.view.deployment_settings
    if settings is None:
        return
    strategy = settings.versioning_strategy
    if strategy is None or not (strategy.template or (strategy.donor_package and strategy.donor_package.step)):
        where = strategy.position if strategy is not None else settings.position
        yield Hit(where, "deployment_settings.ocl sets no versioning_strategy (a template or a donor package), so release numbers are not predictable", settings)


@rule("SET002", "info", "deployments to no targets allowed without a check")
def no_targets(ctx: Context) -> Iterator[Hit]:
    settings, process = ctx.view.deployment_settings, ctx.process
    policy = settings.connectivity_policy if settings is not None else None
    if policy is None or not policy.allow_deployments_to_no_targets or process is None:
        return
    target_steps = [step for step in process.steps if any(is_target_action(a) for a in step.actions)]
    checks = [step for step in process.steps if step not in target_steps and TARGET_CHECK.search(step.name)]
    if target_steps and not checks:
        yield Hit(
            policy.where("allow_deployments_to_no_targets"),
            f"deployments to no targets are allowed, so step {target_steps[0].name!r} can silently do nothing; add a step that checks targets exist",
            settings,
        )


@rule("RB001", "warning", "runbook without an environment scope")
def runbook_environments(ctx: Context) -> Iterator[Hit]:
    for runbook in ctx.view.runbooks:
        scope = runbook.environment_scope
        if scope in (None, "All"):
            yield Hit(runbook.where("environment_scope"), f"runbook {runbook.name or runbook.slug!r} may run in every environment; set environment_scope (Specified with environments, or FromProjectLifecycles)", runbook)
        elif scope == "Specified" and not runbook.environments:
            yield Hit(runbook.where("environment_scope"), f"runbook {runbook.name or runbook.slug!r} is scoped to specified environments but names none", runbook)


@rule("RB002", "info", "runbook without a retention policy")
def runbook_retention(ctx: Context) -> Iterator[Hit]:
    for runbook in ctx.view.runbooks:
        if runbook.retention is None:
            yield Hit(runbook.position, f"runbook {runbook.name or runbook.slug!r} sets no run_retention_policy", runbook)


@rule("ENV002", "info", "no Security environment")
def security_environment(ctx: Context) -> Iterator[Hit]:
    process = ctx.process
    if process is None or SECURITY in ctx.environments_named:
        return
    # Only a process that deploys something needs its deployment steps kept out of Security: not
    # the approval, the scan, or a step that runs only when another failed (a failure notification).
    if not any(
        action.action_type != "Octopus.Manual" and not is_scan(action)
        for step in process.steps
        if step.condition != "Failure"
        for action in step.actions
    ):
        return
    yield Hit(
        process.position,
        "no deployment step skips a Security environment; add one after Production where only the vulnerability scan runs",
        process,
    )


@rule("ENV003", "error", "environment not in the lifecycle")
def unknown_environment(ctx: Context) -> Iterator[Hit]:
    """Only where the lifecycle is known: from the spec of a generated project, or `[lint]
    environments` in the config."""
    allowed = ctx.options.environments
    if allowed is None:
        return
    for process, _ in ctx.all_processes():
        for action in process.actions:
            for slug in (*action.environments, *action.excluded_environments):
                if slug not in allowed:
                    yield Hit(action.position, f"step {action.name!r} names environment {slug!r}, which is not in the lifecycle", action)
    for runbook in ctx.view.runbooks:
        for slug in runbook.environments:
            if slug not in allowed:
                yield Hit(runbook.position, f"runbook {runbook.name!r} may run in {slug!r}, which is not in the lifecycle", runbook)
    for variable in ctx.view.variables:
        for value in variable.values:
            for slug in value.scope.environment:
                if slug not in allowed:
                    yield Hit(value.position, f"{variable.name} is scoped to {slug!r}, which is not in the lifecycle", variable)
