"""Write generated files into a folder without ever losing what is there.

Everything is checked before the first byte is written; if writing fails part-way, the files and
folders this call created are removed again, so a failure leaves the folder as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from octoscaffold.errors import OutputError


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def check_target(files: dict[str, str], out: Path, *, force: bool) -> list[str]:
    """Raise OutputError if the files cannot or may not be written; return those that exist."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is not a folder", hint="choose another --out")
    existing = sorted(p for p in files if (out / p).exists())
    if existing and not force:
        shown = ", ".join(existing[:3]) + (", ..." if len(existing) > 3 else "")
        raise OutputError(
            f"{out} already holds files of this project ({shown})",
            hint="use --force to overwrite them, or choose another --out",
        )
    for path in existing:
        if (out / path).is_dir():
            raise OutputError(f"{out / path} is a folder, where a file would be written")
    return existing


def write_files(files: dict[str, str], out: Path, *, force: bool = False) -> list[Path]:
    """Write `{relative path: text}` under `out`; return the paths written."""
    check_target(files, out, force=force)
    created_dirs: list[Path] = []
    created_files: list[Path] = []
    written: list[Path] = []
    temp: Path | None = None
    try:
        for relative, text in files.items():
            target = out / relative
            missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                created_dirs.append(folder)
            is_new = not target.exists()
            temp = target.with_name(f".{target.name}.octoscaffold-tmp")
            temp.write_bytes(text.encode("utf-8"))
            os.replace(temp, target)
            temp = None
            if is_new:
                created_files.append(target)
            written.append(target)
    except OSError as error:
        if temp is not None:
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass
        for path in created_files:
            path.unlink(missing_ok=True)
        for folder in reversed(created_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass
        where = error.filename or out
        raise OutputError(f"cannot write {where}: {_reason(error)}", hint="choose a writable --out") from None
    return written
