"""Where generated files came from: git blob ids of what was rendered, and a content hash of the
template folder. The stored spec keeps both (`generated:`), so a later run can tell what the user
edited since (`octoscaffold update`) and which template changed (`catalog check`)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

# Folders of a template that do not change what it renders.
NOT_RENDERED = frozenset({"examples", "snapshots", "__pycache__"})


def blob_id(text: str | bytes) -> str:
    """The id git gives a file with this content (`git hash-object`)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def template_hash(folder: Path | str) -> str:
    """sha256 over the template folder's files (relative path and bytes), examples and snapshots
    aside. The same folder gives the same hash on every machine."""
    root = Path(folder)
    digest = hashlib.sha256()
    for path in _files(root):
        relative = path.relative_to(root).as_posix().encode("utf-8")
        digest.update(b"%d:%s\0" % (len(relative), relative))
        data = path.read_bytes()
        digest.update(b"%d:" % len(data) + data)
    return "sha256:" + digest.hexdigest()


def _files(root: Path) -> list[Path]:
    found = []
    for folder, names, files in os.walk(root):  # links are not followed (the loader refuses them too)
        names[:] = sorted(n for n in names if n not in NOT_RENDERED and not n.startswith("."))
        found += [Path(folder) / f for f in sorted(files) if not f.startswith(".") and not f.endswith(".pyc")]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def catalog_name(origin: str) -> str:
    """Where a template came from, without machine paths: `built-in`, `--catalog`,
    `OCTOSCAFFOLD_CATALOG_PATH`, `.octoscaffold.toml`, `user config` or `package NAME`."""
    return origin.split(" (", 1)[0]
