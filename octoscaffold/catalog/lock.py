"""`catalog-lock.json`: the version and content hash of each template as last recorded.

A template whose files changed while its `version` stayed the same is refused by `catalog check`:
projects record the version they were made from, and `octoscaffold update` tells its users what
changed by it. `catalog check --update` records new and bumped versions.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from octoscaffold.catalog import Template
from octoscaffold.errors import OutputError, TemplateError
from octoscaffold.inputs import printable, read_text
from octoscaffold.provenance import template_hash

LOCK = "catalog-lock.json"


@dataclass(frozen=True)
class Entry:
    version: str
    hash: str


def read_lock(folder: Path) -> dict[str, Entry] | None:
    """The lock of a catalog folder, or None when it has none."""
    path = folder / LOCK
    if not os.path.lexists(path):
        return None
    if path.is_symlink():
        raise TemplateError(f"{printable(path)}: a symbolic link; keep the lock as a plain file")
    text = read_text(path, "catalog lock", error=TemplateError)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise TemplateError(f"{printable(path)}: not JSON ({printable(error)})", hint="delete it and run `catalog check --update`") from None
    ok = isinstance(data, dict) and all(
        isinstance(v, dict) and isinstance(v.get("version"), str) and isinstance(v.get("hash"), str) for v in data.values()
    )
    if not ok:
        raise TemplateError(f"{printable(path)}: expected {{template id: {{version, hash}}}}",
                            hint="delete it and run `catalog check --update`")
    return {key: Entry(value["version"], value["hash"]) for key, value in data.items()}


def write_lock(folder: Path, entries: dict[str, Entry]) -> None:
    """Replace the lock in one step (a temporary file renamed over it)."""
    data = {key: {"version": e.version, "hash": e.hash} for key, e in sorted(entries.items())}
    path = folder / LOCK
    temporary = folder / f".{LOCK}.tmp"
    try:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(temporary, flags, 0o666), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(json.dumps(data, indent=2) + "\n")
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError(f"{printable(path)}: cannot write the catalog lock ({error.strerror})") from None


def _version_key(version: str) -> tuple[int, ...] | None:
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", version.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def newer(version: str, than: str) -> bool:
    """Whether `version` is later than `than` (dotted numbers; any other text counts as later when different)."""
    mine, theirs = _version_key(version), _version_key(than)
    if mine is None or theirs is None:
        return version != than
    return mine > theirs


def check_template(template: Template, lock: dict[str, Entry]) -> tuple[str | None, Entry | None]:
    """(a problem, or None; the entry to record, or None when the lock is right or must not change)."""
    version = template.manifest.version
    current = Entry(version, template_hash(template.folder))
    recorded = lock.get(template.id)
    if recorded == current:
        return None, None
    if recorded is None:
        return f"{template.id}: version {version} is not recorded in {LOCK}", current
    if recorded.hash == current.hash:
        return f"{template.id}: version changed from {recorded.version} to {version} with no change in its files", current
    if version == recorded.version:
        return (f"{template.id}: files changed since version {version} was recorded: bump `version` in "
                f"{template.id}/template.yaml (projects record the version they were made from)"), None
    if not newer(version, recorded.version):
        return f"{template.id}: version {version} is not later than the recorded {recorded.version}", None
    return f"{template.id}: version {version} is not recorded in {LOCK}", current
