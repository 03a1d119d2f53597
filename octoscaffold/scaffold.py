"""The pipeline as a library: prompt → spec → resolved spec → rendered, checked files.

The CLI is a thin layer over these functions; they never print and never exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from octoscaffold.catalog import Catalog, load_catalog
from octoscaffold.prerequisites import Prerequisites, find_prerequisites
from octoscaffold.render import Rendered, render
from octoscaffold.spec.model import ProjectSpec

if TYPE_CHECKING:  # the OCL view and lint load only when a project is built
    from octoscaffold.lint.model import Finding
    from octoscaffold.ocl.view import ProjectView


@dataclass(frozen=True)
class Scaffold:
    rendered: Rendered
    prerequisites: Prerequisites
    view: ProjectView  # the generated OCL, parsed once: for lint, prerequisites and the PR body
    findings: tuple[Finding, ...] = ()  # lint findings under the spec's own settings (none blocking)

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
    defaults=None,
) -> tuple[ProjectSpec, str]:
    """Like `plan`, also saying how the prompt was understood ("rules", or "rules+llm" when a
    model answered what the rules left open). `progress` is entered around each wait for a model;
    `overrides` are values from flags; `ask` asks the user on a terminal; `defaults` are the organisation defaults
    (octoscaffold.defaults), applied where the prompt and the flags say nothing (see octoscaffold.understand)."""
    from octoscaffold.understand import understand

    catalog = catalog or load_catalog()
    spec, used = understand(
        prompt, catalog, parser=parser, model=model, base_url=base_url, progress=progress, overrides=overrides, ask=ask,
        defaults=defaults,
    )
    return resolve_spec(spec, catalog), used


def resolve_spec(spec: ProjectSpec, catalog: Catalog | None = None) -> ProjectSpec:
    from octoscaffold.policy import resolve

    catalog = catalog or load_catalog()
    return resolve(spec, catalog.get(spec.template))


def build(spec: ProjectSpec, catalog: Catalog | None = None) -> Scaffold:
    """Resolve (idempotent) and render a spec, then lint the files with the spec's own settings
    (practices switched off are not asked for; the lifecycle's environments and the variables
    defined in Octopus are known). A finding of error severity is a template bug: nothing is
    written. The lint findings travel with the result, so nothing lints the files again."""
    from octoscaffold.errors import TemplateError
    from octoscaffold.lint import blocking, config_for_spec, lint_view
    from octoscaffold.ocl.view import view_from_texts

    catalog = catalog or load_catalog()
    spec = resolve_spec(spec, catalog)
    rendered = render(spec, catalog)
    manifest = rendered.template.manifest
    view = view_from_texts(rendered.ocl_files(), folder=None)
    _check_donor_package(spec, view)
    findings = tuple(lint_view(view, config_for_spec(spec, manifest)))
    errors = [f"{f.path}:{f.line}:{f.column}: {f.rule} {f.message}" for f in blocking(list(findings))]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise TemplateError(f"template {spec.template} rendered a broken project: {errors[0]}{more}")
    return Scaffold(rendered, find_prerequisites(spec, view, manifest), view, findings)


def _check_donor_package(spec: ProjectSpec, view) -> None:
    """`versioning.donor_package` names a step of the process and one of its package references."""
    from octoscaffold.errors import SpecError

    donor = spec.versioning.donor_package
    if donor is None:
        return
    steps = {step.slug: step for step in (view.deployment_process.steps if view.deployment_process else ())}
    step = steps.get(donor.step)
    if step is None:
        raise SpecError(
            f"versioning.donor_package.step: the process has no step {donor.step!r} (steps: {', '.join(steps) or 'none'})"
        )
    packages = [package.name for action in step.actions for package in action.packages]
    if donor.package not in packages:
        named = ", ".join(repr(name) if name else "'' (the primary package)" for name in packages) or "none"
        raise SpecError(
            f"versioning.donor_package.package: step {donor.step!r} has no package {donor.package!r} (its packages: {named})"
        )


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
        generated = load_spec(stored).generated
    except OctoscaffoldError:
        return {}
    return generated.files if generated is not None else {}
