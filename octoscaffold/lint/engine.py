"""Run the rules over one project view, or over files and folders on disk."""

from __future__ import annotations

import os

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from octoscaffold.inputs import printable
from octoscaffold.errors import UserError
from octoscaffold.ocl.ast import Document
from octoscaffold.ocl.errors import OclFileError, OclSyntaxError
from octoscaffold.ocl.fmt import iter_ocl_files
from octoscaffold.ocl.parser import parse, read_file
from octoscaffold.ocl.view import (
    PROCESS_FILE,
    RUNBOOKS_FOLDER,
    SCHEMA_FILE,
    SETTINGS_FILE,
    VARIABLES_FILE,
    Action,
    ProjectView,
    Runbook,
    Step,
    Variable,
    project_files,
    view_from_documents,
)

from . import rules as _rules  # noqa: F401  (registers the rules)
from .config import LintConfig
from .context import Context, Options
from .model import REGISTRY, Finding, Hit, rule

STANDARD_FILES = (SCHEMA_FILE, PROCESS_FILE, SETTINGS_FILE, VARIABLES_FILE)
MARKER = re.compile(r"octoscaffold-lint:\s*ignore\s+([A-Za-z]+[0-9]*(?:\s*,\s*[A-Za-z]+[0-9]*)*)[ \t]*(?:--[ \t]*(\S[^\n]*))?")


@rule("LNT001", "warning", "inline suppression without a reason")
def _marker_reasons(ctx: Context) -> Iterator[Hit]:
    for owner, text in _marker_texts(ctx.view):
        for match in MARKER.finditer(text):
            if not match.group(2):
                yield Hit(owner.position, f"'octoscaffold-lint: ignore {match.group(1)}' needs a reason after ' -- '; it is not applied")


def _marker_texts(view: ProjectView) -> Iterator[tuple[object, str]]:
    for process in view.processes:
        for action in process.actions:
            if action.notes and "octoscaffold-lint" in action.notes:
                yield action, action.notes
    for variable in view.variables:
        for value in variable.values:
            if value.description and "octoscaffold-lint" in value.description:
                yield variable, value.description
    for runbook in view.runbooks:
        if runbook.description and "octoscaffold-lint" in runbook.description:
            yield runbook, runbook.description


def _marker_ids(text: str | None) -> set[str]:
    found: set[str] = set()
    if text and "octoscaffold-lint" in text:
        for match in MARKER.finditer(text):
            if match.group(2):
                found.update(part.strip().upper() for part in match.group(1).split(","))
    return found


def _inline_ignores(owner: object) -> set[str]:
    """Rule ids silenced by markers in the notes or descriptions of the element a finding is about."""
    if isinstance(owner, Action):
        return _marker_ids(owner.notes)
    if isinstance(owner, Step):
        return set().union(*(_marker_ids(action.notes) for action in owner.actions))
    if isinstance(owner, Variable):
        return set().union(*(_marker_ids(value.description) for value in owner.values))
    if isinstance(owner, Runbook):
        return _marker_ids(owner.description)
    return set()


def _options(config: LintConfig) -> Options:
    from octoscaffold.spec.naming import slugify

    options = Options(known_variables=frozenset(name.lower() for name in config.known_variables))
    if config.environments:
        options.environments = frozenset(slugify(name) for name in config.environments)
    if config.generic_tags is not None:
        options.generic_tags = frozenset(tag.lower() for tag in config.generic_tags)
    options.tenanted = config.tenanted
    return options


class _Suppressor:
    """Config suppressions, with each path made relative to the config's folder once."""

    def __init__(self, config: LintConfig) -> None:
        self.config = config
        self.root = Path(os.path.realpath(config.root)) if config.root else None
        self.cache: dict[str, str] = {}

    def relative(self, path: str) -> str:
        found = self.cache.get(path)
        if found is None:
            found = PurePosixPath(Path(path).as_posix()).as_posix()
            if self.root is not None:
                try:
                    found = Path(os.path.realpath(path)).relative_to(self.root).as_posix()
                except ValueError:
                    pass
            self.cache[path] = found
        return found

    def __call__(self, path: str, rule_id: str) -> bool:
        if not self.config.suppress:
            return False
        relative = self.relative(path)
        return any(entry.matches(relative, rule_id) for entry in self.config.suppress)


def _active(config: LintConfig) -> list[tuple[str, str, object]]:
    """(id, severity, check) of the rules the config turns on, worked out once per config."""
    found = _ACTIVE.get(id(config))
    if found is None or found[0] is not config:
        rules = [(rule_id, config.severity_of(rule_id), current.check) for rule_id, current in REGISTRY.items() if config.enabled(rule_id)]
        found = _ACTIVE[id(config)] = (config, rules)
        if len(_ACTIVE) > 32:
            _ACTIVE.pop(next(iter(_ACTIVE)))
    return found[1]


_ACTIVE: dict[int, tuple[LintConfig, list]] = {}


def _run(ctx: Context, config: LintConfig, suppressed: _Suppressor, counter: list[int]) -> list[Finding]:
    findings: list[Finding] = []
    for rule_id, severity, check in _active(config):
        for hit in check(ctx):
            path = hit.position.path or "<string>"
            if rule_id in _inline_ignores(hit.owner) or suppressed(path, rule_id):
                counter[0] += 1
                continue
            findings.append(Finding(path, hit.position.line, hit.position.column, rule_id, severity, hit.message))
    return findings


def lint_view(view: ProjectView, config: LintConfig | None = None) -> list[Finding]:
    """Findings for one project (e.g. a renderer's output before it is written), sorted by place."""
    config = config or LintConfig()
    ctx = Context(view=view, files=frozenset(view.documents), complete=True, options=_options(config))
    return sorted(_run(ctx, config, _Suppressor(config), [0]))


@dataclass
class LintReport:
    config: LintConfig
    files: list[str] = field(default_factory=list)  # every file linted, as shown in findings
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    # Practices the projects' stored specs switched off, with the findings of their rules, which are
    # not in `findings` (octoscaffold.lint.choices.apply_spec_choices fills it).
    off_by_choice: list = field(default_factory=list)

    @property
    def syntax_errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.rule == "OCL000"]

    @property
    def failing(self) -> list[Finding]:
        return [finding for finding in self.findings if self.config.fails(finding.severity)]

    @property
    def exit_code(self) -> int:
        """0 clean, 1 findings at or above fail-on, 2 a file did not parse."""
        if self.syntax_errors:
            return 2
        return 1 if self.failing else 0

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for finding in self.findings:
            found[finding.rule] = found.get(finding.rule, 0) + 1
        return dict(sorted(found.items()))


# -- files on disk ----------------------------------------------------------------------------


def sniff_role(doc: Document, stem: str) -> str | None:
    """The project file a document with a non-standard name plays, judged by what it contains."""
    blocks = {block.name for block in doc.blocks()}
    attributes = {attribute.name for attribute in doc.attributes()}
    if "process" in blocks or {"name", "environment_scope"} <= attributes or "run_retention_policy" in blocks:
        return f"{RUNBOOKS_FOLDER}/{stem}.ocl"
    if blocks & {"step", "process_template"}:
        return PROCESS_FILE
    if "variable" in blocks:
        return VARIABLES_FILE
    if blocks & {"versioning_strategy", "connectivity_policy"} or attributes & {"default_guided_failure_mode", "release_notes_template"}:
        return SETTINGS_FILE
    if attributes == {"version"}:
        return SCHEMA_FILE
    return None


def _project_of(path: Path) -> tuple[Path, str] | None:
    """(project folder, key inside it) for a file with a name Octopus uses; None otherwise."""
    if path.name in STANDARD_FILES:
        return path.parent, path.name
    parts = path.parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == RUNBOOKS_FOLDER:
            root = Path(*parts[:index]) if index else Path(".")
            return root, PurePosixPath(*parts[index:]).as_posix()
    return None


def _read(path: Path, findings: list[Finding]) -> Document | None:
    """The parsed file, or None and an OCL000 finding (always reported, whatever --select says:
    the file was not linted) for a file that cannot be read (a FIFO, too large, unreadable) or
    does not parse."""
    shown = str(path)
    try:
        return parse(read_file(path), shown)
    except OclSyntaxError as error:
        findings.append(Finding(shown, error.line, error.column, "OCL000", "error", error.message))
    except OclFileError as error:
        reason = error.message.removeprefix(f"{printable(path)}: ")
        findings.append(Finding(shown, 1, 1, "OCL000", "error", reason))
    return None


SNIFF = "?"  # task key of a file with a name Octopus does not use: its role is read from its content

# One unit of work: the project's files by key, the files asked for, and whether the folder is a real project.
Task = tuple[dict[str, Path], frozenset[str], bool]


def _lint_task(task: Task, config: LintConfig) -> tuple[list[Finding], int]:
    files, wanted, complete = task
    findings: list[Finding] = []
    documents: dict[str, Document] = {}
    shown: dict[str, str] = {}
    for key, path in files.items():
        doc = _read(path, findings)
        if doc is None:
            continue
        if key == SNIFF:
            key = sniff_role(doc, path.stem)
            if key is None:
                continue
            files = {key: path}
        documents[key] = doc
        shown[key] = str(path)
    if not documents:
        return findings, 0
    view = view_from_documents(documents, None, paths=shown)
    ctx = Context(view=view, files=frozenset(files), complete=complete, options=_options(config))
    counter = [0]
    findings += [finding for finding in _run(ctx, config, _Suppressor(config), counter) if finding.path in wanted]
    return findings, counter[0]


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path.parts[: len(folder.parts)] == folder.parts for folder in folders)


def _tasks(arguments: list[Path], requested: list[Path]) -> list[Task]:
    projects: dict[Path, dict[str, Path]] = {}
    tasks: list[Task] = []
    for path in requested:
        found = _project_of(path)
        if found is None:
            tasks.append(({SNIFF: path}, frozenset({str(path)}), False))
        else:
            projects.setdefault(found[0], {})[found[1]] = path
    folders = [path for path in arguments if path.is_dir()]
    for root, asked in projects.items():
        files = dict(asked)
        if not _inside(root, folders):  # files named one by one: bring in their siblings
            for file in project_files(root):
                files.setdefault(file.relative_to(root).as_posix(), file)
        tasks.append((files, frozenset(str(path) for path in asked.values()), True))
    return tasks


def lint_paths(paths: Iterable[Path | str], config: LintConfig | None = None, *, jobs: int = 1) -> LintReport:
    """Lint OCL files and folders. Files Octopus reads as a project are linted together, siblings
    included, but only findings in the files asked for are reported (so a pre-commit hook that
    passes the changed files still sees the whole project). A file that does not parse becomes an
    OCL000 finding and the other files are still linted. `jobs` > 1 spreads projects over that
    many processes. Raises UserError for a missing path."""
    config = config or LintConfig()
    report = LintReport(config)
    arguments = [Path(path) for path in paths]
    try:
        requested = iter_ocl_files(arguments)
    except OclFileError as error:  # a path that is not there: the user's input
        raise UserError(str(error)) from None
    report.files = [str(path) for path in requested]
    tasks = _tasks(arguments, requested)
    if jobs > 1 and len(requested) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor
        from functools import partial

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(partial(_lint_task, config=config), tasks, chunksize=max(1, len(tasks) // (jobs * 8))))
    else:
        results = [_lint_task(task, config) for task in tasks]
    for findings, suppressed in results:
        report.findings += findings
        report.suppressed += suppressed
    report.findings.sort()
    return report


PARALLEL_FROM = 500  # files; below this, starting processes costs more than it saves
