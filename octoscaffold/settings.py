"""The one reader of octoscaffold's settings files, for every command.

Two files, both TOML, both optional; a table per area (`[llm]`, `[lint]`, `[catalog]`, `[octopus]`):

- the repository's `.octoscaffold.toml`: the nearest one from the folder a command works on
  upwards, but never above the repository root (the folder holding `.git`): settings of one
  repository never leak into another;
- the user config, `config.toml` in the user's config folder (platformdirs:
  `$XDG_CONFIG_HOME/octoscaffold` or `~/.config/octoscaffold` on Linux,
  `~/Library/Application Support/octoscaffold` on macOS, `%APPDATA%\\octoscaffold` on Windows).

The repository's file wins over the user's, value by value, where an area reads both. Files are
read within the limits of every user input (octoscaffold.inputs) and parsed once per process.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from octoscaffold.errors import UserError

CONFIG_NAME = ".octoscaffold.toml"
USER_CONFIG_NAME = "config.toml"


def user_config_path(env: Mapping[str, str] | None = None) -> Path:
    """The user config file (it may not exist). `env` (tests, subprocesses) may set
    XDG_CONFIG_HOME or HOME; otherwise platformdirs decides, as for every other tool."""
    if env is not None and (env.get("XDG_CONFIG_HOME") or env.get("HOME")):
        base = env.get("XDG_CONFIG_HOME") or os.path.join(env["HOME"], ".config")
        return Path(base) / "octoscaffold" / USER_CONFIG_NAME
    import platformdirs

    return Path(platformdirs.user_config_dir("octoscaffold", appauthor=False)) / USER_CONFIG_NAME


def find_repository_config(start: Path | str | None = None) -> Path | None:
    """The nearest `.octoscaffold.toml` from `start` (a folder or a file in it; default: the
    current folder) upwards, stopping at the repository root; None if there is none."""
    folder = Path(os.path.realpath(start or Path.cwd()))  # realpath never raises, even on a loop
    try:
        if not folder.is_dir():
            folder = folder.parent
    except OSError:
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        try:
            if (candidate / CONFIG_NAME).is_file():
                return candidate / CONFIG_NAME
            if (candidate / ".git").exists():
                return None
        except OSError:  # a name too long, a folder that cannot be searched: nothing there
            continue
    return None


def read_document(path: Path | None) -> dict[str, Any]:
    """The whole TOML document of a settings file; {} when there is none."""
    if path is None:
        return {}
    try:
        stamp = path.stat()
    except OSError:
        return {}
    import copy

    return copy.deepcopy(_parsed(str(path), stamp.st_mtime_ns, stamp.st_size))  # callers may change theirs


@lru_cache(maxsize=16)
def _parsed(path: str, mtime: int, size: int) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 only
        import tomli as tomllib
    from octoscaffold.inputs import printable, read_text

    text = read_text(path, "settings file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{printable(path)}: not valid TOML: {printable(error)}") from None


def read_table(path: Path | None, name: str) -> dict[str, Any]:
    """The `[name]` table of a settings file; {} when the file or the table is absent."""
    table = read_document(path).get(name, {})
    if not isinstance(table, dict):
        from octoscaffold.inputs import printable

        raise UserError(f"{printable(path)}: [{name}] must be a table")
    return table
