"""The pipeline as a library: prompt → spec → resolved spec → rendered, checked files.

The CLI is a thin layer over these functions; they never print and never exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from octoscaffold.catalog import Catalog, load_catalog
from octoscaffold.prerequisites import Prerequisites, find_prerequisites
from octoscaffold.render import Rendered, render
from octoscaffold.spec.model import ProjectSpec


@dataclass(frozen=True)
class Scaffold:
    rendered: Rendered
    prerequisites: Prerequisites

    @property
    def spec(self) -> ProjectSpec:
        return self.rendered.spec

    @property
    def files(self) -> dict[str, str]:
        return self.rendered.files


def plan(
    prompt: str,
    catalog: Catalog | None = None,
    *,
    parser: str = "rules",
    model: str | None = None,
    base_url: str | None = None,
) -> ProjectSpec:
    """Understand a prompt and resolve the best-practice defaults (see octoscaffold.understand)."""
    return plan_with(prompt, catalog, parser=parser, model=model, base_url=base_url)[0]


def plan_with(
    prompt: str,
    catalog: Catalog | None = None,
    *,
    parser: str = "auto",
    model: str | None = None,
    base_url: str | None = None,
    progress=None,
    overrides=None,
    ask=None,
) -> tuple[ProjectSpec, str]:
    """Like `plan`, also saying how the prompt was understood ("rules", or "rules+llm" when a
    model answered what the rules left open). `progress` is entered around each wait for a model;
    `overrides` are values from flags; `ask` asks the user on a terminal (see octoscaffold.understand)."""
    from octoscaffold.understand import understand

    catalog = catalog or load_catalog()
    spec, used = understand(
        prompt, catalog, parser=parser, model=model, base_url=base_url, progress=progress, overrides=overrides, ask=ask
    )
    return resolve_spec(spec, catalog), used


def resolve_spec(spec: ProjectSpec, catalog: Catalog | None = None) -> ProjectSpec:
    from octoscaffold.policy import resolve

    catalog = catalog or load_catalog()
    return resolve(spec, catalog.get(spec.template))


def build(spec: ProjectSpec, catalog: Catalog | None = None) -> Scaffold:
    """Resolve (idempotent) and render a spec; the files are canonical OCL, parsed and checked."""
    from octoscaffold.errors import TemplateError
    from octoscaffold.ocl.view import view_from_texts
    from octoscaffold.render.checks import check_project

    catalog = catalog or load_catalog()
    spec = resolve_spec(spec, catalog)
    rendered = render(spec, catalog)
    view = view_from_texts(rendered.ocl_files(), folder=None)
    sensitive = [v.name for v in spec.variables if v.type == "Sensitive"]
    sensitive += [v.name for v in rendered.template.manifest.sensitive_variables]
    problems = check_project(view, spec.lifecycle.environments, sensitive)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TemplateError(f"template {spec.template} rendered a broken project: {problems[0]}{more}")
    blocking = lint_errors(spec, view, rendered.template.manifest)
    if blocking:
        more = f" (and {len(blocking) - 1} more)" if len(blocking) > 1 else ""
        raise TemplateError(f"template {spec.template} rendered a project that fails lint: {blocking[0]}{more}")
    return Scaffold(rendered, find_prerequisites(spec, view, rendered.template.manifest))


def lint_errors(spec: ProjectSpec, view, manifest=None) -> list[str]:
    """Lint findings of error severity in a generated project: nothing that fails them is written.
    Rules for practices the spec switched off do not apply."""
    from octoscaffold.lint import blocking, config_for_spec, lint_view

    findings = blocking(lint_view(view, config_for_spec(spec, manifest)))
    return [f"{f.path}:{f.line}:{f.column}: {f.rule} {f.message}" for f in findings]


def write(scaffold: Scaffold, out: Path, *, force: bool = False):
    """Write the files under `out`, all or nothing (see octoscaffold.publish.folder). With
    `force`, files an earlier render of this project made and this one does not are removed,
    unless they were edited since."""
    from octoscaffold.publish.folder import write_files

    return write_files(scaffold.files, out, force=force, recorded=_recorded(out, scaffold.spec) if force else None)


def _recorded(out: Path, spec: ProjectSpec) -> dict[str, str]:
    """The files the stored spec in `out` says an earlier render made ({} if it cannot be read)."""
    from octoscaffold.errors import OctoscaffoldError
    from octoscaffold.render import spec_path
    from octoscaffold.spec.io import load_spec

    stored = out / spec_path(spec)
    if stored.is_symlink() or not stored.is_file():
        return {}
    try:
        return load_spec(stored).files
    except OctoscaffoldError:
        return {}
