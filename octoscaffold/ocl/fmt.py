"""Rewrite OCL files in Octopus's own layout (the library behind `octoscaffold fmt`).

Nothing here prints or exits: callers get a `FormatReport` and decide what to show.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from octoscaffold.errors import UserError

from .errors import OclSyntaxError
from .parser import decode, parse
from .writer import runbook_hint, write


def newline_of(text: str) -> str:
    """The file's structural line ending: that of its first line (always a structural one)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def format_text(text: str, path: str | None = None) -> str:
    """Canonical text, keeping CRLF when the file's structural newlines are CRLF. No final newline."""
    return write(parse(text, path), newline=newline_of(text), runbook=runbook_hint(path))


def iter_ocl_files(paths: list[Path]) -> list[Path]:
    """Files named directly plus every `*.ocl` below the folders named, sorted, without repeats."""
    found: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.update(p for p in path.rglob("*.ocl") if p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise UserError(f"{path}: no such file or folder")
    return sorted(found)


@dataclass(frozen=True)
class FileResult:
    path: Path
    original: str
    formatted: str
    changed: bool

    def diff(self) -> str:
        """A unified diff from the original to the formatted text ('' when unchanged)."""
        name = self.path.as_posix().lstrip("/")
        return "".join(
            difflib.unified_diff(
                _diff_lines(self.original),
                _diff_lines(self.formatted),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )


def _diff_lines(text: str) -> list[str]:
    # difflib expects every line to end with a newline; mark the missing final one as git does.
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


@dataclass
class FormatReport:
    files: list[FileResult] = field(default_factory=list)
    errors: list[OclSyntaxError] = field(default_factory=list)

    @property
    def changed(self) -> list[FileResult]:
        return [result for result in self.files if result.changed]


def format_paths(paths: list[Path], *, write: bool) -> FormatReport:
    """Format every OCL file under `paths`; with `write=True` rewrite the changed ones in place.

    A file that does not parse is reported in `errors` and left alone; the others are still formatted.
    """
    report = FormatReport()
    for path in iter_ocl_files(paths):
        try:
            original = decode(path.read_bytes(), str(path))
            formatted = format_text(original, str(path))
        except OclSyntaxError as exc:
            report.errors.append(exc)
            continue
        changed = formatted != original
        if changed and write:
            _replace(path, formatted.encode("utf-8"))
        report.files.append(FileResult(path, original, formatted, changed))
    return report


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder so a crash never leaves half a file."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
