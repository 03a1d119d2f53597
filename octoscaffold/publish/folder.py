"""Write generated files into a folder all or nothing, never through a symbolic link.

1. Check: no link anywhere below the folder on the way to a file, nothing in the way, existing
   files only with `force`.
2. Stage: every new text goes into a temporary file beside its target, created exclusively
   (O_EXCL), so a link planted at a temporary name is never followed.
3. Swap: each existing file is kept under a backup name, then the staged file takes its place.
   Files an earlier render made and this one does not are moved aside the same way, but only
   when their content is still what octoscaffold wrote (their hash is in the stored spec).
4. Any failure puts every backup back and removes what was created: the folder is as it was.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from octoscaffold.errors import OutputError
from octoscaffold.inputs import printable
from octoscaffold.provenance import blob_id


@dataclass
class Written:
    """What a write did, relative to the folder."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stale files of an earlier render
    kept: list[str] = field(default_factory=list)  # stale, but edited since: left in place


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _no_links(out: Path, relative: str) -> None:
    """Refuse a symbolic link at any step from `out` down to `relative` (`out` itself may be one)."""
    path = out
    for part in Path(relative).parts:
        path = path / part
        if path.is_symlink():
            raise OutputError(
                f"{printable(path)} is a symbolic link; octoscaffold does not write through links",
                hint="replace it with a real folder or file, or choose another --out",
            )


def check_target(files: dict[str, str], out: Path, *, force: bool) -> list[str]:
    """Raise OutputError if the files cannot or may not be written; return those that exist."""
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{printable(out)} is a symbolic link that leads nowhere", hint="choose another --out")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{printable(out)} is not a folder", hint="choose another --out")
    for relative in files:
        _no_links(out, relative)
    existing = sorted(p for p in files if (out / p).exists())
    if existing and not force:
        shown = ", ".join(existing[:3]) + (", ..." if len(existing) > 3 else "")
        raise OutputError(
            f"{printable(out)} already holds files of this project ({shown})",
            hint="use --force to overwrite them, or choose another --out",
        )
    for path in existing:
        if not (out / path).is_file():
            raise OutputError(f"{printable(out / path)} is a folder, where a file would be written")
    return existing


def stale_files(out: Path, recorded: dict[str, str], files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Files an earlier render recorded that this one does not write: (unchanged ones, which may
    be removed; edited or odd ones, which stay)."""
    removable, kept = [], []
    for relative, blob in sorted(recorded.items()):
        if relative in files:
            continue
        path = out / relative
        try:
            _no_links(out, relative)
            if not path.exists():
                continue
            same = path.is_file() and blob_id(path.read_bytes()) == blob
        except (OutputError, OSError):
            same = False
        (removable if same else kept).append(relative)
    return removable, kept


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Transaction:
    """The undo log of one write."""

    def __init__(self) -> None:
        self.dirs: list[Path] = []  # created, in creation order
        self.temps: list[Path] = []
        self.backups: list[tuple[Path, Path]] = []  # (backup, original place)
        self.created: list[Path] = []

    def make_parents(self, target: Path) -> None:
        missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
        for folder in reversed(missing):
            folder.mkdir()
            self.dirs.append(folder)

    def stage(self, target: Path, text: str, mode: int) -> Path:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".octoscaffold-tmp")
        temp = Path(name)
        self.temps.append(temp)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(text.encode("utf-8"))
                stream.flush()
                os.fchmod(stream.fileno(), mode)
        except OSError as error:  # name the file, not the temporary one
            raise OSError(error.errno, error.strerror, str(target)) from None
        return temp

    def set_aside(self, target: Path) -> None:
        """Move `target` to a backup name (restored on failure, deleted on success)."""
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".octoscaffold-old")
        os.close(handle)
        backup = Path(name)
        os.replace(target, backup)
        self.backups.append((backup, target))

    def undo(self) -> None:
        for path in [*self.temps, *self.created]:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
        for backup, target in reversed(self.backups):
            try:
                os.replace(backup, target)
            except OSError:
                pass
        for folder in reversed(self.dirs):
            try:
                folder.rmdir()
            except OSError:
                pass

    def commit(self) -> None:
        for backup, _ in self.backups:
            try:
                backup.unlink()
            except OSError:
                pass


def write_files(
    files: dict[str, str], out: Path, *, force: bool = False, recorded: dict[str, str] | None = None
) -> Written:
    """Write `{relative path: text}` under `out`, all or nothing. `recorded` is what an earlier
    render wrote (path → git blob id); those of its files this render does not make are removed if
    unedited. Existing files keep their mode; new ones get the umask's."""
    try:
        existing = set(check_target(files, out, force=force))
        removable, kept = stale_files(out, recorded or {}, files) if force else ([], [])
    except OSError as error:  # a name too long, a folder that cannot be searched
        raise OutputError(f"cannot use {printable(error.filename or out)}: {_reason(error)}", hint="choose another --out") from None
    new_mode = 0o666 & ~_umask()
    log = _Transaction()
    try:
        staged = []
        for relative, text in files.items():
            target = out / relative
            log.make_parents(target)
            mode = (target.stat().st_mode & 0o7777) if relative in existing else new_mode
            staged.append((log.stage(target, text, mode), target, relative in existing))
        for relative in removable:
            log.set_aside(out / relative)
        for temp, target, exists in staged:
            if exists:
                log.set_aside(target)
            os.replace(temp, target)
            log.temps.remove(temp)
            if not exists:
                log.created.append(target)
    except OSError as error:
        log.undo()
        where = printable(error.filename or out)
        raise OutputError(f"cannot write {where}: {_reason(error)}", hint="nothing was changed; choose a writable --out") from None
    except BaseException:
        log.undo()
        raise
    log.commit()
    for relative in removable:  # folders emptied by the removal go too
        for folder in list((out / relative).parents)[: len(Path(relative).parts) - 1]:
            try:
                folder.rmdir()
            except OSError:
                break
    return Written(written=list(files), removed=removable, kept=kept)
