"""`octoscaffold update` as a library: re-render stored specs with today's catalog and merge the
result into the project's files, keeping what people edited since.

For each file of a project: base = what octoscaffold rendered last time (found by the git blob id
the stored spec recorded), ours = the file as it is now, theirs = the new render; see merge.py.
A project is behind when the new render differs from the recorded one. Nothing here writes: the
result says what each file becomes, and the command writes it to a folder or a review branch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from octoscaffold.errors import OctoscaffoldError, UserError
from octoscaffold.inputs import printable
from octoscaffold.ocl import OclError
from octoscaffold.update.merge import Change, FileMerge, merge_file

CURRENT, BEHIND, CONFLICTS, FAILED = "current", "behind", "conflicts", "failed"


@dataclass
class ProjectUpdate:
    """What updating one project does (or would do)."""

    slug: str
    spec_path: str
    status: str = CURRENT  # current, behind (has changes to apply), conflicts, failed
    name: str = ""
    base_path: str = ""
    template: str = ""
    old_version: str | None = None  # None: the stored spec recorded no provenance
    new_version: str = ""
    merges: list[FileMerge] = field(default_factory=list)  # files that change (or conflict)
    changed: dict[str, str | None] = field(default_factory=dict)  # path → new text, None to delete
    removed: dict[str, str] = field(default_factory=dict)  # path → blob id it has now (it goes only if still so)
    files: dict[str, str] = field(default_factory=dict)  # the project's files after the update, spec included
    practices: list[str] = field(default_factory=list)  # how each best practice changed
    unknown_base: list[str] = field(default_factory=list)  # files merged two-way: only additions
    findings: list = field(default_factory=list)  # lint of the merged project
    error: str | None = None
    markers: bool = False  # some file holds conflict markers (and does not parse)

    @property
    def conflicts(self) -> list[tuple[str, Change]]:
        return [(m.path, c) for m in self.merges for c in m.conflicts]

    @property
    def applied(self) -> list[tuple[str, Change]]:
        return [(m.path, c) for m in self.merges for c in m.applied]

    @property
    def kept(self) -> list[tuple[str, Change]]:
        return [(m.path, c) for m in self.merges for c in m.kept]

    @property
    def untouched(self) -> list[tuple[str, Change]]:
        return [(m.path, c) for m in self.merges for c in m.untouched]


def select(source, slugs: tuple[str, ...], every: bool) -> list[str]:
    """The stored specs to update: those named, all with `every`, or the only one there is."""
    specs = source.specs()
    by_slug = {path.rsplit("/", 1)[1].removesuffix(".yaml"): path for path in specs}
    if not by_slug:
        raise UserError(f"{printable(source.label)} holds no stored specs (.octoscaffold/<slug>.yaml)",
                        hint="update works on projects made by `octoscaffold new` or `render`")
    if slugs and every:
        raise UserError("name projects or pass --all, not both")
    if slugs:
        unknown = [s for s in slugs if s not in by_slug]
        if unknown:
            raise UserError(f"no stored spec for {printable(unknown[0])} in {printable(source.label)}",
                            hint=f"projects here: {printable(', '.join(sorted(by_slug))[:300])}")
        return [by_slug[s] for s in dict.fromkeys(slugs)]
    if every or len(by_slug) == 1:
        return [by_slug[s] for s in sorted(by_slug)]
    raise UserError(f"{len(by_slug)} projects here; name the ones to update or pass --all",
                    hint=f"projects: {printable(', '.join(sorted(by_slug))[:300])}")


PARALLEL_FROM = 16  # projects: below this, starting worker processes costs more than it saves


def update_many(open_source, specs: list[str], catalog_folders: tuple, *, markers: bool = False,
                workers: int | None = None) -> list[ProjectUpdate]:
    """`update_project` for every spec, in order. Many projects are spread over worker processes
    (one per core); `open_source()` makes a source in each, since a repository handle is not shared."""
    import os

    from octoscaffold.catalog import load_catalog

    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(specs) < PARALLEL_FROM:
        source, catalog = open_source(), load_catalog(extra=catalog_folders)
        try:
            return [update_project(source, spec, catalog, markers=markers) for spec in specs]
        finally:
            source.close()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(min(workers, len(specs)), mp_context=multiprocessing.get_context(method),
                             initializer=_start_worker, initargs=(open_source, catalog_folders, markers)) as pool:
        return list(pool.map(_work, specs, chunksize=max(1, len(specs) // (workers * 8))))


_worker: dict = {}


def _start_worker(open_source, catalog_folders, markers) -> None:
    from octoscaffold.catalog import load_catalog

    _worker.update(source=open_source(), catalog=load_catalog(extra=catalog_folders), markers=markers)


def _work(spec: str) -> ProjectUpdate:
    return update_project(_worker["source"], spec, _worker["catalog"], markers=_worker["markers"])


def update_project(source, spec_path: str, catalog, *, markers: bool = False) -> ProjectUpdate:
    """Merge the new render of one stored spec into its files. A problem with this project (a spec
    that no longer validates, a file that does not parse) is reported in the result, not raised."""
    slug = spec_path.rsplit("/", 1)[1].removesuffix(".yaml")
    result = ProjectUpdate(slug, spec_path)
    try:
        _update(result, source, catalog, markers)
    except (OctoscaffoldError, OclError) as error:  # the OCL library is a leaf with its own error root
        result.status, result.error = FAILED, printable(error)
    return result


def _update(result: ProjectUpdate, source, catalog, markers: bool) -> None:
    from octoscaffold.scaffold import build
    from octoscaffold.spec.io import spec_from_text

    text = source.read(result.spec_path)
    if text is None:
        raise UserError(f"{result.spec_path} cannot be read")
    spec = spec_from_text(text, f"{source.label}:{result.spec_path}")
    if spec.slug != result.slug:
        raise UserError(f"{result.spec_path} holds the spec of {spec.slug!r}; a stored spec is named after its project")
    recorded = spec.generated
    scaffold = build(spec, catalog)
    new = scaffold.spec.generated
    result.name, result.base_path = spec.project.name, scaffold.rendered.base_path
    result.template, result.new_version = new.template, new.version
    result.old_version = recorded.version if recorded is not None else None
    ours_files = source.files_under(result.base_path)
    if recorded is not None and recorded.files == new.files and recorded.template == new.template:
        return  # the catalog renders exactly what it rendered last time: nothing to merge

    paths = sorted(set(recorded.files if recorded else ()) | {p for p in scaffold.files if p != result.spec_path})
    ours_texts = {path: source.read(path) for path in ours_files}
    for path in paths:
        merged = _merge_one(result, source, path, recorded, scaffold.files.get(path), ours_files, ours_texts, markers)
        if merged.applied or merged.kept or merged.untouched or merged.conflicts:
            result.merges.append(merged)
            if merged.applied or merged.conflicts:  # otherwise the file stays exactly as the user has it
                result.changed[path] = merged.text
    result.practices = practice_changes(spec, scaffold.spec)
    result.markers = any(m.markers for m in result.merges)
    result.removed = {p: ours_files[p] for p, t in result.changed.items() if t is None and p in ours_files}
    result.files = {p: t for p, t in {**ours_texts, **result.changed}.items() if t is not None}
    result.files[result.spec_path] = scaffold.files[result.spec_path]
    if result.conflicts and not markers:
        result.status = CONFLICTS
        return
    if result.changed or recorded is not None:
        # behind: changes to apply, or only the provenance to record (the files already hold the new render)
        result.status = BEHIND
        result.changed[result.spec_path] = scaffold.files[result.spec_path]
    if result.status == BEHIND and not result.markers:
        result.findings = _lint(result, scaffold)


def _merge_one(result, source, path, recorded, theirs, ours_files, ours_texts, markers) -> FileMerge:
    ours = ours_texts.get(path)
    two_way, base = recorded is None, None
    blob = recorded.files.get(path) if recorded is not None else None
    if blob is not None:
        if ours_files.get(path) == blob:
            base = ours  # not edited since it was rendered
        else:
            base = source.blob(blob, path) or source.at_last_spec_commit(result.spec_path, path)
        two_way = base is None  # the rendered text is nowhere to be found: only add what is missing
    if two_way:
        result.unknown_base.append(path)
    return merge_file(path, base, ours, theirs, two_way=two_way, markers=markers)


def _lint(result: ProjectUpdate, scaffold) -> list:
    """Lint findings of the merged project under the spec's own settings."""
    from octoscaffold.lint import config_for_spec, lint_view
    from octoscaffold.ocl.view import view_from_texts

    prefix = result.base_path + "/"
    texts = {p[len(prefix):]: t for p, t in result.files.items() if p.startswith(prefix) and p.endswith(".ocl")}
    view = view_from_texts(texts, folder=None)
    return list(lint_view(view, config_for_spec(scaffold.spec, scaffold.rendered.template.manifest)))


def practice_changes(old, new) -> list[str]:
    """How the best practices changed between the stored spec and the new one, one line each."""
    before = {p.id: p for p in old.practices}
    lines = []
    for practice in new.practices:
        was = before.pop(practice.id, None)
        state = "on" if practice.applied else "off"
        if was is None:
            lines.append(f"{practice.id}: new, {state}: {practice.detail}")
        elif (was.applied, was.detail) != (practice.applied, practice.detail):
            lines.append(f"{practice.id}: {practice.detail}" + ("" if was.applied == practice.applied else f" (now {state})"))
    lines += [f"{gone}: no longer part of the template" for gone in sorted(before)]
    return lines
