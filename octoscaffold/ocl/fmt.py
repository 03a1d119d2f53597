"""Rewrite OCL files in Octopus's own layout (the library behind `octoscaffold fmt`).

Nothing here prints or exits: callers get a `FormatReport` and decide what to show.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from octoscaffold.inputs import printable

from .errors import OclFileError, OclSyntaxError
from .parser import parse, read_file
from .writer import runbook_hint, write


def newline_of(text: str) -> str:
    """The file's structural line ending: that of its first line (always a structural one)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def format_text(text: str, path: str | None = None) -> str:
    """Canonical text, keeping CRLF when the file's structural newlines are CRLF, and a leading BOM
    when the file has one (so formatting changes only the layout). No final newline."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom + write(parse(text, path), newline=newline_of(text), runbook=runbook_hint(path))


def iter_ocl_files(paths: list[Path]) -> list[Path]:
    """Files named directly plus every `*.ocl` below the folders named, sorted, without repeats.

    A path named directly is kept whatever it is (a FIFO, a device): reading it says what is wrong.
    A path that does not exist or cannot be looked at (a name too long) raises OclFileError."""
    found: set[Path] = set()
    for path in paths:
        path = Path(path)
        try:
            info = path.stat()
        except FileNotFoundError:
            dangling = _is_link(path)
            raise OclFileError(f"{printable(path)}: " + ("a symbolic link to nothing" if dangling else "no such file or folder")) from None
        except OSError as problem:
            raise OclFileError(f"{printable(path)}: cannot read it ({problem.strerror or problem})") from None
        except ValueError:
            raise OclFileError(f"{printable(path)}: not a usable file name (it holds a NUL byte)") from None
        if stat.S_ISDIR(info.st_mode):
            found.update(p for p in path.rglob("*.ocl") if p.is_file())
        else:
            found.add(path)
    return sorted(found)


def _is_link(path: Path) -> bool:
    try:
        return path.is_symlink()
    except (OSError, ValueError):
        return False


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
    # Only LF ends a line: str.splitlines() would also split at VT, FF, U+001C-U+001E, U+0085...
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


@dataclass
class FormatReport:
    files: list[FileResult] = field(default_factory=list)
    errors: list[OclSyntaxError | OclFileError] = field(default_factory=list)

    @property
    def changed(self) -> list[FileResult]:
        return [result for result in self.files if result.changed]


def format_paths(paths: list[Path], *, write: bool) -> FormatReport:
    """Format every OCL file under `paths`; with `write=True` rewrite the changed ones in place.

    A file that cannot be read, does not parse or cannot be written is reported in `errors` and left
    as it was; the others are still formatted. A symbolic link is read through but never replaced
    or written through: with `write=True` a link whose text would change is an error (format its
    target), and a link to a file that is itself being formatted is skipped.
    """
    report = FormatReport()
    files = iter_ocl_files(paths)
    links = {path for path in files if _is_link(path)}
    targets = {os.path.realpath(path) for path in files if path not in links}
    for path in files:
        link = path in links
        if link and os.path.realpath(path) in targets:
            continue  # the file it points to is formatted in its own right
        try:
            before = None if link else _lstat(path)
            original = read_file(path)
            formatted = format_text(original, str(path))
            changed = formatted != original
            if changed and write:
                if link:
                    raise OclFileError(
                        f"{printable(path)}: is a symbolic link; format its target"
                        f" {printable(os.path.realpath(path))} instead (fmt never replaces a link)"
                    )
                _replace(path, formatted.encode("utf-8"), before)
        except (OclSyntaxError, OclFileError) as exc:
            report.errors.append(exc)
            continue
        report.files.append(FileResult(path, original, formatted, changed))
    return report


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (OSError, ValueError):
        return None  # reading the file reports the problem


def _replace(path: Path, data: bytes, before: os.stat_result | None) -> None:
    """Replace `path` by a new file holding `data`, atomically; any failure leaves it as it was.

    The new file is created beside it with O_EXCL (mkstemp), so nothing planted at its name is
    followed; it gets the old file's mode (and owner, where allowed), is flushed to disk, and is
    renamed over the old file only if that was not changed or replaced since it was read.
    """
    shown = printable(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as problem:
        raise OclFileError(
            f"{shown}: cannot write it ({problem.strerror or problem}): fmt writes the new text to a"
            " temporary file in the same folder, so the folder must be writable; the file is left as it was"
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            if before is not None:
                os.fchmod(stream.fileno(), stat.S_IMODE(before.st_mode))
                if (before.st_uid, before.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(stream.fileno(), before.st_uid, before.st_gid)
                    except OSError:
                        pass  # only root may give a file away; the new file is then the caller's
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        now = _lstat(path)
        if before is None or now is None or _identity(now) != _identity(before):
            raise OclFileError(f"{shown}: changed while it was being formatted; left as it is (run fmt again)")
        os.replace(temporary, path)
    except OSError as problem:
        _remove(temporary)
        raise OclFileError(f"{shown}: cannot write it ({problem.strerror or problem}); the file is left as it was") from None
    except BaseException:
        _remove(temporary)
        raise


def _identity(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_mode, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
