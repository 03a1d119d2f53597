"""Tools for template authors: a new template folder, and checking a catalog folder.

`check` validates every manifest, renders every example spec of every template, and compares the
output with the snapshots the author keeps (`<template>/snapshots/<example>/...`), so a template
change that alters output is seen before it ships.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from octoscaffold.catalog import MANIFEST, Catalog, Template, builtin_root, load_catalog
from octoscaffold.errors import OctoscaffoldError, UserError
from octoscaffold.spec.naming import is_slug

SNAPSHOTS = "snapshots"


def new_template(folder: Path, template_id: str) -> list[Path]:
    """Create `folder/<id>/` from the starter template; refuse to overwrite anything."""
    if not is_slug(template_id):
        raise UserError(f"template id {template_id!r} must be a slug", hint="lowercase letters, digits and hyphens")
    target = folder / template_id
    if target.exists():
        raise UserError(f"{target} already exists", hint="choose another id or folder")
    starter = builtin_root() / "_starter"
    written = []
    for source in sorted(p for p in starter.rglob("*") if p.is_file()):
        relative = source.relative_to(starter)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8").replace("__ID__", template_id)
        destination.write_text(text, encoding="utf-8")
        written.append(destination)
    return written


@dataclass
class TemplateCheck:
    template: Template
    problems: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    examples: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _snapshot_files(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


def _write_snapshot(folder: Path, files: dict[str, str]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def check_folder(folder: Path, *, update: bool = False) -> list[TemplateCheck]:
    """Check every template in `folder` (rendered with the built-in partials behind it)."""
    from octoscaffold.scaffold import build
    from octoscaffold.spec import load_spec

    folder = folder.resolve()
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    if not any((p / MANIFEST).is_file() for p in folder.iterdir() if p.is_dir()):
        raise UserError(f"{folder} holds no template folders (each needs a {MANIFEST})")
    catalog: Catalog = load_catalog(extra=(folder,))
    own = [t for t in catalog.templates.values() if t.folder.parent == folder]
    results = []
    for template in own:
        result = TemplateCheck(template)
        results.append(result)
        if not template.manifest.examples:
            result.problems.append(f"{template.folder / MANIFEST}: examples: list at least one example spec")
        for example in template.manifest.examples:
            result.examples += 1
            try:
                spec = load_spec(template.folder / example)
                if spec.template != template.id:
                    raise UserError(f"{example}: template is {spec.template!r}, not {template.id!r}")
                files = build(spec, catalog).files
                _lint(spec, files, result, example)
            except OctoscaffoldError as error:
                result.problems.append(f"{template.id}/{example}: {error}")
                continue
            stored = template.folder / SNAPSHOTS / Path(example).stem
            if update:
                if _snapshot_files(stored) != files:
                    _write_snapshot(stored, files)
                    result.updated.append(example)
            elif stored.exists() and _snapshot_files(stored) != files:
                changed = sorted(set(files) ^ set(_snapshot_files(stored)) | {
                    p for p in files if _snapshot_files(stored).get(p) not in (None, files[p])})
                result.problems.append(
                    f"{template.id}/{example}: output differs from its snapshot in {', '.join(changed)} "
                    "(run with --update if the change is intended)"
                )
    return results


def _lint(spec, files: dict[str, str], result: TemplateCheck, example: str) -> None:
    """Lint warnings in generated output are problems too: a template sets the example."""
    from octoscaffold.lint import config_for_spec, lint_view
    from octoscaffold.ocl.view import view_from_texts

    prefix = f"{spec.git.base_path}/"
    view = view_from_texts({p[len(prefix):]: t for p, t in files.items() if p.startswith(prefix)})
    for finding in lint_view(view, config_for_spec(spec, result.template.manifest)):
        if finding.severity in ("error", "warning"):
            result.problems.append(
                f"{result.template.id}/{example}: {finding.path}:{finding.line}:{finding.column}: "
                f"{finding.rule} {finding.message}"
            )
