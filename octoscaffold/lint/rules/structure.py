"""OCL: the shape of the files and the processes' steps."""

from __future__ import annotations

import re
from typing import Iterator

from ..context import Context
from octoscaffold.spec.naming import SLUG_RE, slugify

from ..model import Hit, rule

# Steps that run although an earlier step failed surprise a reader unless the name says so.
NON_DEFAULT_CONDITIONS = {"Always", "Failure"}
# Words that tell a reader a step does not simply run after the previous one succeeded.
CONDITION_WORDS = re.compile(
    r"always|fail|error|if\b|when|only|unless|clean|rollback|roll back|notif|email|slack|teams|status|report|finally|skip|optional", re.IGNORECASE
)
CONDITIONAL_TAG = re.compile(r"#\{\s*(?:if|unless)\b([^}]*)\}")
# "Only if nothing failed so far": the guard Octopus itself suggests for variable conditions.
ERROR_GUARD = re.compile(r"^\s*Octopus\.Deployment\.Error\s*(==\s*\\?\"\\?\"\s*)?$")


@rule("OCL000", "error", "file does not parse")
def syntax_error(ctx: Context) -> Iterator[Hit]:
    """Reported by the runner itself (a file that does not parse has no view); listed for docs and --select."""
    return iter(())


@rule("OCL001", "error", "schema version missing")
def schema_version(ctx: Context) -> Iterator[Hit]:
    view = ctx.view
    if view.schema_version is not None:
        if view.schema_version.version is None:
            yield Hit(view.schema_version.position, "schema_version.ocl does not set `version`")
        return
    if ctx.complete and view.deployment_process is not None and "schema_version.ocl" not in ctx.files:
        yield Hit(ctx.first_position, "the project has no schema_version.ocl; Octopus needs it to read the folder")


@rule("OCL002", "error", "duplicate step slug")
def step_slug_unique(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        seen: dict[str, object] = {}
        for step in process.steps:
            first = seen.setdefault(step.slug, step)
            if first is not step:
                yield Hit(step.position, f"step slug {step.slug!r} is used twice in this process (first at line {first.position.line})", step)


@rule("OCL007", "warning", "step slug not kebab-case")
def step_slug_format(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            if not SLUG_RE.match(step.slug):
                suggestion = slugify(step.slug)
                yield Hit(step.position, f"step slug {step.slug!r} is not kebab-case; Octopus expects a slug such as {suggestion!r}", step)


@rule("OCL003", "info", "action without notes")
def action_notes(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            for action in step.actions:
                if not (action.notes or "").strip():
                    yield Hit(action.position, f"step {action.name!r} has no notes saying what it does", action)


@rule("OCL004", "info", "conditional step not named so")
def condition_named(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            if step.condition in NON_DEFAULT_CONDITIONS and not CONDITION_WORDS.search(step.name):
                yield Hit(
                    step.where("condition"),
                    f"step {step.name!r} runs on condition {step.condition!r} but its name does not say so",
                    step,
                )


def _tests(expression: str) -> int:
    """How many #{if}/#{unless} tests an expression makes, not counting the error guard."""
    return sum(1 for condition in CONDITIONAL_TAG.findall(expression) if not ERROR_GUARD.match(condition))


@rule("OCL005", "warning", "complex variable condition")
def condition_simple(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            expression = step.get_property("Octopus.Step.ConditionVariableExpression")
            if step.condition == "Variable" and isinstance(expression, str) and _tests(expression) > 1:
                prop = step.properties["Octopus.Step.ConditionVariableExpression"]
                yield Hit(prop.position, f"the run condition of step {step.name!r} nests several #{{if}}/#{{unless}}; test one output variable", step)


@rule("OCL006", "warning", "step name with brackets")
def step_name(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            for element, name in [(step, step.name), *((a, a.name) for a in step.actions if a.name != step.name)]:
                if "[" in name or "]" in name:
                    yield Hit(
                        element.where("name"),
                        f"step name {name!r} has square brackets, which break #{{Octopus.Action[{name}]...}} references",
                        element,
                    )
