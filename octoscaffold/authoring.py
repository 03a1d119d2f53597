"""Tools for template authors: a new template folder, and checking a catalog folder.

`check` validates every manifest, renders every example spec of every template, and compares the
output with the snapshots the author keeps (`<template>/snapshots/<example>/...`), so a template
change that alters output is seen before it ships.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from octoscaffold.catalog import Catalog, Template, builtin_root, inside, load_catalog
from octoscaffold.catalog.lock import check_template, read_lock, write_lock
from octoscaffold.errors import OctoscaffoldError, OutputError, TemplateError, UserError
from octoscaffold.inputs import MAX_OCL_BYTES, printable, read_bytes, read_text
from octoscaffold.provenance import template_hash
from octoscaffold.spec.naming import is_slug

SNAPSHOTS = "snapshots"
UPDATE_HINT = "run `octoscaffold catalog check --update` to write it again"


def new_template(folder: Path, template_id: str) -> list[Path]:
    """Create `folder/<id>/` from the starter template; refuse to overwrite anything."""
    if not is_slug(template_id):
        raise UserError(f"template id {template_id!r} must be a slug", hint="lowercase letters, digits and hyphens")
    target = folder / template_id
    if os.path.lexists(target):
        what = "a symbolic link" if os.path.islink(target) else "it"
        raise UserError(f"{printable(target)} already exists ({what})", hint="choose another id or folder")
    if os.path.lexists(folder) and not os.path.isdir(folder):
        raise UserError(f"{printable(folder)} is not a folder (a file, or a link to nothing)", hint="choose another --dir")
    files = _starter_files(template_id)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.mkdir()  # ours alone from here on: a link or folder made meanwhile stops us
    except OSError as error:
        raise OutputError(f"{printable(target)}: cannot create the template folder ({error.strerror})") from None
    written = []
    try:
        for relative, text in files.items():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            _create(destination, text)
            written.append(destination)
    except OSError as error:
        shutil.rmtree(target, ignore_errors=True)
        raise OutputError(f"{printable(error.filename or target)}: cannot write ({error.strerror})") from None
    _record_new(folder, target)
    return written


def _record_new(folder: Path, target: Path) -> None:
    """A catalog with a lock records the new template, so it passes `catalog check` as created."""
    from octoscaffold.catalog import Template, _load_manifest
    from octoscaffold.catalog.lock import Entry

    lock = read_lock(folder)
    if lock is None:
        return
    template = Template(_load_manifest(target), target, "catalog")
    lock[template.id] = Entry(template.manifest.version, template_hash(target))
    write_lock(folder, lock)


def _starter_files(template_id: str) -> dict[str, str]:
    """The starter template's files, by relative path, with the id filled in."""
    starter = builtin_root() / "_starter"
    files = {}
    for root, dirs, names in os.walk(starter):
        for name in sorted(dirs + names):
            path = Path(root, name)
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                raise TemplateError(f"{printable(path)}: not a plain file or folder", hint="reinstall octoscaffold")
        for name in names:
            path = Path(root, name)
            text = read_text(path, "starter file", error=TemplateError)
            files[path.relative_to(starter).as_posix()] = text.replace("__ID__", template_id)
    return dict(sorted(files.items()))


def _create(path: Path, text: str) -> None:
    """Write a new file; never through a link, never over an existing file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(path, flags, 0o666), "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


@dataclass
class TemplateCheck:
    template: Template
    problems: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    examples: int = 0
    recorded: str | None = None  # the version written to the catalog lock by --update

    @property
    def ok(self) -> bool:
        return not self.problems


def check_folder(folder: Path, *, update: bool = False) -> list[TemplateCheck]:
    """Check every template in `folder` (rendered with the built-in partials behind it).

    Everything is read and checked before anything is written, so a refusal changes nothing."""
    folder = Path(os.path.realpath(folder))  # never raises, even on a link loop
    try:
        is_folder = folder.is_dir()
    except OSError as error:  # a name too long, a folder that cannot be searched
        raise UserError(f"{printable(folder)}: {error.strerror}") from None
    if not is_folder:
        raise UserError(f"{printable(folder)} is not a folder")
    catalog: Catalog = load_catalog(extra=(folder,))
    own = [t for t in catalog.templates.values() if t.folder.parent == folder]
    if not own:
        raise UserError(f"{printable(folder)} holds no template folders (each needs a template.yaml)")
    for path in [t.folder for t in own] + sorted(p for p in folder.iterdir() if p.name.startswith("_")):
        _refuse_links_out(path, folder)
    results, writes = [], []
    for template in own:
        result = TemplateCheck(template)
        results.append(result)
        if not template.manifest.examples:
            result.problems.append(f"{printable(template.folder)}/template.yaml: examples: list at least one example spec")
        for index, example in enumerate(template.manifest.examples):
            result.examples += 1
            files = _render_example(template, index, example, catalog, result)
            if files is None:
                continue
            stored = _snapshot_folder(template, example, writing=update)
            if update:
                if _snapshot_files(stored, update) != _encoded(files):
                    writes.append((stored, files))
                    result.updated.append(example)
            elif os.path.lexists(stored):
                changed = _changed(files, _snapshot_files(stored, update))
                if changed:
                    result.problems.append(
                        f"{template.id}/{example}: output differs from its snapshot in {', '.join(changed)} "
                        "(run with --update if the change is intended)"
                    )
    lock_writes = _check_lock(folder, results, update)
    for stored, files in writes:
        _write_snapshot(stored, files)
    if lock_writes is not None:
        write_lock(folder, lock_writes)
    return results


def _check_lock(folder: Path, results: list[TemplateCheck], update: bool):
    """Versions against the catalog lock; the lock to write (with --update), or None."""
    lock = read_lock(folder)
    if lock is None and not update:
        return None  # a catalog without a lock: versions are not checked
    lock = lock or {}
    entries = dict(lock)
    for result in results:
        problem, entry = check_template(result.template, lock)
        if entry is not None and update:
            entries[result.template.id] = entry
            result.recorded = entry.version
        elif problem:
            result.problems.append(problem + (" (run with --update to record it)" if entry is not None else ""))
    return entries if update and entries != lock else None


def _refuse_links_out(top: Path, root: Path) -> None:
    """Refuse a link under `top` leading out of the catalog folder `root`, and a folder or file
    that cannot be read (before anything renders, so the error names the file)."""
    def fail(error: OSError) -> None:
        raise TemplateError(f"{printable(error.filename)}: cannot read the folder ({error.strerror})")

    for base, dirs, names in os.walk(top, onerror=fail):
        for name in ([""] if base == str(top) else []) + dirs + names:
            path = Path(base, name)  # "" is `top` itself (os.walk follows it if it is a link)
            if path.is_symlink() and not inside(path, root):
                raise TemplateError(
                    f"{printable(path.relative_to(root))}: a symbolic link leading outside the catalog folder "
                    f"(to {printable(os.readlink(path))})",
                    hint="copy the file into the catalog folder",
                )
            if name in names and os.path.exists(path):  # a dangling link (an editor's lock) is harmless
                _openable(path)


def _openable(path: Path) -> None:
    """Refuse a file that cannot be opened (no permission, a loop of links)."""
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)))
    except OSError as error:
        raise TemplateError(f"{printable(path)}: cannot read the file ({error.strerror})") from None


def _render_example(template: Template, index: int, example: str, catalog: Catalog, result: TemplateCheck):
    """The files an example renders to, or None with the problem noted in `result`. A file that
    cannot be read at all is an error (TemplateError), not a problem of the template."""
    from octoscaffold.scaffold import build
    from octoscaffold.spec import spec_from_text

    path = _example_path(template, index, example)
    source = f"{template.id}/{example}"
    text = _example_text(path, source)
    try:
        spec = spec_from_text(text, str(path), json_only=path.suffix == ".json")
        if spec.template != template.id:
            raise UserError(f"{example}: template is {spec.template!r}, not {template.id!r}")
        scaffold = build(spec, catalog)
        files = _snapshot_of(scaffold)
        _lint(scaffold, result, example)
        _conventions(scaffold, result, example)
    except OctoscaffoldError as error:
        result.problems.append(f"{source}: {error}")
        return None
    except OSError as error:  # a template file that cannot be opened
        where = printable(error.filename or "a template file")
        raise TemplateError(f"{source}: cannot read {where} ({error.strerror})") from None
    return files


def _snapshot_of(scaffold) -> dict[str, str]:
    """The files as a snapshot keeps them: the stored spec without its provenance, which changes
    with every octoscaffold version and template edit and would make every snapshot stale."""
    from octoscaffold.render import spec_path
    from octoscaffold.spec.io import dump_spec

    files = dict(scaffold.files)
    files[spec_path(scaffold.spec)] = dump_spec(scaffold.spec.model_copy(update={"generated": None}))
    return files


def _example_path(template: Template, index: int, example: str) -> Path:
    path = template.folder / example
    if not inside(path, template.folder):
        raise TemplateError(
            f"{printable(template.folder)}/template.yaml: examples.{index}: {example!r} leads outside the "
            "template folder (a symbolic link)",
            hint="keep example specs inside the template folder",
        )
    return path


def _example_text(path: Path, source: str) -> str:
    """An example spec's text, read within the limits of any user file; YAML is checked for
    aliases and deep nesting, which would hang or crash the loader."""
    import json

    from octoscaffold.inputs import check_json_depth, check_yaml

    text = read_text(path, "example spec", error=TemplateError)
    if path.suffix != ".json":
        check_yaml(text, source, error=TemplateError)
        return text
    try:
        check_json_depth(json.loads(text), source, error=TemplateError)
    except RecursionError:
        raise TemplateError(f"{source}: nested too deeply to read") from None
    except ValueError:
        pass  # not JSON: reading it as a spec says where
    return text


def _snapshot_folder(template: Template, example: str, *, writing: bool) -> Path:
    """Where an example's snapshot lives. Snapshots are plain folders: a link on the way (or the
    template folder being one, when writing) is refused, so --update never writes elsewhere."""
    snapshots = template.folder / SNAPSHOTS
    stored = snapshots / Path(example).stem
    for path in ([template.folder] if writing else []) + [snapshots, stored]:
        if os.path.islink(path):
            raise TemplateError(
                f"{printable(path)}: a symbolic link; snapshots are kept in plain folders inside the template",
                hint="replace the link by a folder",
            )
    if os.path.lexists(stored) and not os.path.isdir(stored):
        raise TemplateError(f"{printable(stored)}: not a folder", hint="remove it, then run with --update")
    return stored


def _snapshot_files(folder: Path, update: bool) -> dict[str, bytes]:
    """The files of a snapshot folder by relative path. Links are refused; when comparing (not
    updating), so is a file that is not UTF-8 text."""
    def fail(error: OSError) -> None:
        raise TemplateError(f"{printable(error.filename)}: cannot read the snapshot folder ({error.strerror})")

    files: dict[str, bytes] = {}
    if not os.path.lexists(folder):
        return files
    for base, dirs, names in os.walk(folder, onerror=fail):
        for name in sorted(dirs + names):
            path = Path(base, name)
            if path.is_symlink():
                raise TemplateError(
                    f"{printable(path)}: a symbolic link; snapshots hold plain files only", hint="remove it, then run with --update"
                )
            if name in names:
                data = read_bytes(path, "snapshot file", limit=MAX_OCL_BYTES, error=TemplateError)
                if not update:
                    _check_utf8(path, data)
                files[path.relative_to(folder).as_posix()] = data
    return files


def _check_utf8(path: Path, data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise TemplateError(f"{printable(path)}: the snapshot file is not UTF-8 text (byte {problem.start})", hint=UPDATE_HINT) from None


def _encoded(files: dict[str, str]) -> dict[str, bytes]:
    return {path: text.encode("utf-8") for path, text in files.items()}


def _changed(files: dict[str, str], stored: dict[str, bytes]) -> list[str]:
    rendered = _encoded(files)
    return sorted(p for p in set(rendered) | set(stored) if rendered.get(p) != stored.get(p))


def _write_snapshot(folder: Path, files: dict[str, str]) -> None:
    """Replace a snapshot folder (checked free of links by _snapshot_files) by `files`."""
    try:
        if os.path.lexists(folder):
            shutil.rmtree(folder)  # removes links inside without following them
        for relative, text in files.items():
            parts = relative.split("/")
            if relative.startswith("/") or ".." in parts:  # rendered paths are relative; keep it so
                raise TemplateError(f"{printable(relative)}: not a path inside the snapshot folder")
            path = folder.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            _create(path, text)
    except OSError as error:
        raise OutputError(f"{printable(error.filename or folder)}: cannot write the snapshot ({error.strerror})") from None


def _lint(scaffold, result: TemplateCheck, example: str) -> None:
    """Lint warnings in generated output are problems too: a template sets the example. The
    findings are those `build` made under the spec's own settings."""
    for finding in scaffold.findings:
        if finding.severity in ("error", "warning"):
            result.problems.append(
                f"{result.template.id}/{example}: {finding.path}:{finding.line}:{finding.column}: "
                f"{finding.rule} {finding.message}"
            )


def _conventions(scaffold, result: TemplateCheck, example: str) -> None:
    """Octopus's conventions (octoscaffold.lint.conventions): unknown action types and property
    keys, deployment steps that run in Security, secrets as plain values. Each is shown at the
    template file and line that wrote it when the text can be found there, else at the rendered
    file and line."""
    from octoscaffold.lint.conventions import check_conventions
    from octoscaffold.spec.naming import slugify

    spec = scaffold.spec
    security = slugify(spec.security_scan.environment) if spec.security_scan.active else None
    findings = check_conventions(scaffold.view, security=security)
    if not findings:
        return
    sources = _template_sources(result.template)
    rendered_root = spec.git.base_path or ""
    for finding in findings:
        rendered = f"{rendered_root}/{finding.path}".lstrip("/")
        where = _source_line(sources, finding.token, finding.path) or f"{rendered}:{finding.line}"
        result.problems.append(f"{result.template.id}/{example}: {where}: {finding.code} {finding.message} (rendered {rendered}:{finding.line})")


def _template_sources(template: Template) -> list[tuple[Path, list[str]]]:
    """The template's own Jinja files, then the shared partials of its catalog and of the
    built-in one: (path, lines)."""
    folders = [template.folder, template.folder.parent / "_shared", builtin_root() / "_shared"]
    sources, seen = [], set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.j2")):
            real = os.path.realpath(path)
            if real in seen or SNAPSHOTS in path.relative_to(folder).parts:
                continue
            seen.add(real)
            try:
                sources.append((path, read_text(path, "template file", error=TemplateError).split("\n")))
            except TemplateError:
                continue
    return sources


def _source_line(sources: list[tuple[Path, list[str]]], token: str, rendered: str) -> str | None:
    """`file:line` of the first template line holding `token`, preferring the template file named
    after the rendered one (deployment_process.ocl.j2 for deployment_process.ocl)."""
    if not token:
        return None
    name = Path(rendered).name + ".j2"
    for preferred in (True, False):
        for path, lines in sources:
            if (path.name == name) != preferred:
                continue
            for number, line in enumerate(lines, 1):
                if token in line:
                    return f"{printable(path)}:{number}"
    return None
