"""Practices a project's stored spec switched off: what lint would say about them is the user's
choice, not a defect.

A project octoscaffold generated keeps its spec beside it: `.octopus/<slug>` (the spec's
`git.base_path`) and `.octoscaffold/<slug>.yaml` in the same repository. When `lint` finds that
spec, the findings of the rules of every practice it switched off (`PRACTICE_RULES`, the same
switches `config_for_spec` applies before `new` writes) leave the findings and are reported apart,
as "off by choice", which never fails the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from .generated import PRACTICE_RULES
from .model import Finding

SPEC_FOLDER = ".octoscaffold"
MAX_LEVELS = 8  # folders looked at above a project for `.octoscaffold/`


@dataclass(frozen=True)
class OffByChoice:
    """One practice a project's spec switched off, and what lint would otherwise have reported."""

    practice: str  # "security-scan"
    switch: str  # the spec field that switched it off: "security_scan.enabled"
    spec: str  # the stored spec's path
    project: str  # the project folder
    rules: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def label(self) -> str:
        """`security-scan (security_scan.enabled)`, as the PR body and the reports show it."""
        return f"{self.practice} ({self.switch})"

    @property
    def justification(self) -> str:
        return f"practice {self.practice} is switched off by choice in {self.spec} ({self.switch})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "practice": self.practice,
            "switch": self.switch,
            "spec": self.spec,
            "project": self.project,
            "rules": list(self.rules),
            "findings": [finding.to_dict() for finding in self.findings],
        }


def switched_off(spec: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    """(practice id, switch, rules) of each practice `spec` switched off that has lint rules."""
    return [
        (practice.id, practice.switch, PRACTICE_RULES[practice.id])
        for practice in spec.practices
        if not practice.applied and practice.id in PRACTICE_RULES
    ]


def off_by_choice_labels(spec: Any) -> list[str]:
    """`["security-scan (security_scan.enabled)"]`: what the PR body's lint section names."""
    return [f"{practice} ({switch})" for practice, switch, _ in switched_off(spec)]


def stored_spec(project: Path) -> tuple[Path, Any] | None:
    """The stored spec of the project in folder `project`, loaded, or None: the nearest
    `.octoscaffold/<name>.yaml` above it whose `git.base_path` is that folder. A spec that
    cannot be read is not used (lint then reports every rule)."""
    from octoscaffold.errors import OctoscaffoldError
    from octoscaffold.spec.io import load_spec

    try:
        folder = project.resolve()
    except OSError:
        return None
    for level, root in enumerate(folder.parents):
        if level >= MAX_LEVELS:
            break
        candidate = root / SPEC_FOLDER / f"{folder.name}.yaml"
        try:
            if not candidate.is_file():
                continue
            spec = load_spec(candidate)
        except (OSError, OctoscaffoldError, ValueError):
            continue
        base = PurePosixPath(spec.git.base_path or "").as_posix().strip("/")
        if base and (root / base).resolve() == folder:
            return _shown(candidate), spec
        if (root / ".git").exists():
            break
    return None


def _shown(path: Path) -> Path:
    """`path` relative to the working folder when it is below it (as findings' paths are)."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _project_folder(path: str) -> Path | None:
    from .engine import _project_of

    found = _project_of(Path(path))
    return found[0] if found is not None else None


def split_findings(findings: Iterable[Finding], files: Iterable[str] = ()) -> tuple[list[Finding], list[OffByChoice]]:
    """The findings that stay, and the practices switched off by the stored specs of the projects
    of `files` and of the findings (each with the findings of its rules, which leave the others).
    Projects without a stored spec keep every finding."""
    findings = list(findings)
    folders: dict[str, Path | None] = {}
    for path in [*files, *(finding.path for finding in findings)]:
        if path not in folders:
            folders[path] = _project_folder(path)
    off: dict[Path, list[OffByChoice]] = {}
    for folder in sorted({folder for folder in folders.values() if folder is not None}):
        found = stored_spec(folder)
        if found is not None:
            off[folder] = [OffByChoice(p, switch, str(found[0]), str(folder), rules) for p, switch, rules in switched_off(found[1])]
    kept: list[Finding] = []
    held: dict[tuple[Path, str], list[Finding]] = {}
    for finding in findings:
        folder = folders[finding.path]
        choice = next((item for item in off.get(folder, ()) if finding.rule in item.rules), None) if folder else None
        if choice is None:
            kept.append(finding)
        else:
            held.setdefault((folder, choice.practice), []).append(finding)
    choices = [
        OffByChoice(item.practice, item.switch, item.spec, item.project, item.rules, tuple(sorted(held.get((folder, item.practice), ()))))
        for folder, items in off.items()
        for item in items
    ]
    return kept, choices


def apply_spec_choices(report: Any) -> Any:
    """Move the findings of practices switched off in the projects' stored specs from
    `report.findings` to `report.off_by_choice`, so they do not count towards the exit code.
    A project with a stored spec lists its switched-off practices even when they hid nothing."""
    report.findings, report.off_by_choice = split_findings(report.findings, report.files)
    return report
