"""The pull request's title and body: a Jinja template (users may bring their own) fed with
everything a reviewer needs, including a Mermaid picture of the lifecycle and the process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from octoscaffold.errors import UserError
from octoscaffold.policy import OPTIONAL_PRACTICES
from octoscaffold.spec.naming import slugify

DEFAULT_TEMPLATE = Path(__file__).with_name("pr_body.md.j2")
MAX_BODY = 1_000_000  # characters; GitHub takes at most 65,536 in a body, GitLab 1,000,000


@dataclass(frozen=True)
class LintResult:
    available: bool
    findings: list[str]
    error: str = ""  # the linter is there but could not run
    off_by_choice: tuple[str, ...] = ()  # practices the spec switched off: "security-scan (security_scan.enabled)"


def title(scaffold) -> str:
    return f"Add Octopus project {scaffold.spec.project.name} (octoscaffold)"


def commit_message(scaffold) -> str:
    manifest = scaffold.rendered.template.manifest
    spec = scaffold.spec
    return (
        f"{title(scaffold)}\n\n"
        f"Template: {manifest.id} ({manifest.title}), version {manifest.version}\n"
        f"Project folder: {spec.git.base_path}\n"
        f"Spec: .octoscaffold/{spec.slug}.yaml\n"
    )


def lint_result(scaffold) -> LintResult:
    """The lint findings `build` made under the spec's own settings: a practice the spec
    switched off is not reported as a finding but named as off by choice, and nothing is linted
    twice."""
    from octoscaffold.lint.choices import off_by_choice_labels

    return LintResult(True, [str(finding) for finding in scaffold.findings], off_by_choice=tuple(off_by_choice_labels(scaffold.spec)))


# -- Mermaid ----------------------------------------------------------------------------------


def _label(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    text = " ".join(str(text).split()).replace("#", "#35;")
    for char, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("&", "#amp;")):
        text = text.replace(char, code)
    return text


def _runs_in(action, environments: list[str]) -> list[str]:
    names = {slugify(name): name for name in environments}
    if action.environments:
        return [names.get(slug, slug) for slug in action.environments]
    excluded = set(action.excluded_environments)
    return [name for name in environments if slugify(name) not in excluded]


def _where(action, environments: list[str]) -> str:
    runs = _runs_in(action, environments)
    if not action.environments and not action.excluded_environments:
        text = "all environments"
    else:
        text = ", ".join(runs) or "no environment"
    return text + (" (disabled)" if action.is_disabled else "")


def mermaid(view, lifecycle: str, environments: list[str]) -> str:
    """A flowchart: the lifecycle's environments in order, then each step and where it runs."""
    lines = ["flowchart TB"]
    lines.append(f'  subgraph lifecycle["Lifecycle: {_label(lifecycle)}"]')
    lines.append("    direction LR")
    nodes = [f'env{i}["{_label(name)}"]' for i, name in enumerate(environments, 1)]
    lines.append("    " + " --> ".join(nodes) if nodes else '    none["no environments"]')
    lines.append("  end")
    steps = view.deployment_process.steps if view.deployment_process else ()
    lines.append('  subgraph process["Deployment process"]')
    lines.append("    direction TB")
    for i, step in enumerate(steps, 1):
        if len(step.actions) == 1:
            action = step.actions[0]
            text = f"{i}. {_label(step.name)}<br/>{_label(_where(action, environments))}"
        else:
            parts = [f"{_label(a.name)}: {_label(_where(a, environments))}" for a in step.actions]
            text = f"{i}. {_label(step.name)}<br/>" + "<br/>".join(parts)
        lines.append(f'    step{i}["{text}"]')
    if len(steps) > 1:
        lines.append("    " + " --> ".join(f"step{i}" for i in range(1, len(steps) + 1)))
    if not steps:
        lines.append('    nosteps["no steps"]')
    lines.append("  end")
    lines.append("  lifecycle --> process")
    return "\n".join(lines)


# -- rendering --------------------------------------------------------------------------------


def fence(text: str, language: str = "") -> str:
    """A fenced code block that the text cannot break out of."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{language}\n{text.rstrip(chr(10))}\n{marks}"


def _environment():
    from jinja2 import StrictUndefined

    from octoscaffold.render.sandbox import OclSandbox

    # The same guarded sandbox as the catalog's templates (sizes checked, values read-only).
    env = OclSandbox(
        autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined
    )
    env.filters["fence"] = fence
    env.filters["code"] = code
    return env


def code(text: str | None) -> str:
    """A value as inline Markdown code on one line (`absent` when there is none)."""
    if text is None:
        return "absent"
    flat = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def context(scaffold, *, changes, repository_url: str | None, branch: str, base: str, lint: LintResult) -> dict:
    """Everything the template may use (documented in docs/publishing.md)."""
    from octoscaffold.render import spec_path

    spec = scaffold.spec
    view = scaffold.view
    manifest = scaffold.rendered.template.manifest
    prereqs = scaffold.prerequisites
    command = prereqs.command
    if repository_url:
        command = command.replace("<repository-url>", repository_url)
    return {
        "title": title(scaffold),
        "project": spec.project,
        "prompt": spec.prompt,
        "spec": spec,
        "spec_path": spec_path(spec),
        "spec_text": scaffold.files[spec_path(spec)],
        "template": {"id": manifest.id, "title": manifest.title, "version": manifest.version},
        "files": [{"status": c.status, "path": c.path} for c in changes],
        "practices_on": [p for p in spec.practices if p.applied],
        "practices_off": [p for p in spec.practices if not p.applied and p.id not in OPTIONAL_PRACTICES],
        "practices_available": [p for p in spec.practices if not p.applied and p.id in OPTIONAL_PRACTICES],
        "lint": lint,
        "space": spec.project.space,
        "required": prereqs.required[1:],  # the first is the space itself
        "recommended": prereqs.recommended,
        "connect": prereqs.connect,
        "command": command,
        "repository_url": repository_url,
        "base_path": spec.git.base_path,
        "branch": branch,
        "base": base,
        "mermaid": mermaid(view, spec.lifecycle.name or "", list(spec.lifecycle.environments)),
    }


def render_body(values: dict, template: Path | None = None) -> str:
    """Render the default body template, or the user's (`--pr-template FILE`), within the
    limits of the catalog's templates: size, time and memory."""
    import jinja2

    from octoscaffold.inputs import printable, read_text
    from octoscaffold.render.sandbox import OutputTooLarge, RenderTimeout, limits, read_only, render_stream, time_limit_setting

    path = template or DEFAULT_TEMPLATE
    shown = printable(path)
    source = read_text(path, "pull request template")
    seconds = time_limit_setting()
    try:
        compiled = _environment().from_string(source)
        with limits(seconds):
            text = render_stream(compiled, {k: read_only(v) for k, v in values.items()}, limit=MAX_BODY)
    except jinja2.TemplateSyntaxError as error:
        raise UserError(f"{shown}:{error.lineno}: template syntax error: {printable(error.message)}") from None
    except RenderTimeout:
        raise UserError(f"{shown}: the pull request template took longer than {seconds:g} s (an endless loop?)") from None
    except OutputTooLarge:
        raise UserError(f"{shown}: the pull request body passed {MAX_BODY:,} characters") from None
    except MemoryError:
        raise UserError(f"{shown}: the pull request template ran out of its memory allowance") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError, RecursionError) as error:
        raise UserError(f"{shown}: the pull request template failed: {printable(error)[:300]}") from None
    return text.strip() + "\n"
