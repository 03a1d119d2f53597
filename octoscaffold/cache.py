"""Where octoscaffold keeps what it can rebuild: compiled templates, parsed manifests.

One folder per version (`$OCTOSCAFFOLD_CACHE_DIR`, else `$XDG_CACHE_HOME/octoscaffold`, else
`~/.cache/octoscaffold`). A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def cache_dir(kind: str) -> Path | None:
    """The folder for one kind of cached data, created if needed; None if it cannot be."""
    from octoscaffold import __version__

    base = os.environ.get("OCTOSCAFFOLD_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "octoscaffold"
    )
    folder = Path(base) / __version__ / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: Any) -> None:
    """Write atomically (a reader never sees half a file); failures are ignored."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
