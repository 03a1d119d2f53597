"""The hostile suite: each test reproduces one attack on a real `octoscaffold` process.

`run_cli` starts `python -m octoscaffold` in a clean environment (no tokens, no model, a private
HOME, cache and git configuration), with a time limit: a hang fails the test instead of the run.
`refused` is what every bad input must give: exit 2, one line on stderr, no traceback.
Where permissions matter, `as_user` runs the command as an unprivileged user even when the suite
runs as root (root ignores file modes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Dropping to an unprivileged user inside the interpreter: the interpreter may live where that user
# cannot read (a root-only pyenv), so everything the commands import is imported first, as root.
_DROP_AND_RUN = """
import importlib, os, pkgutil, sys
import octoscaffold
for module in pkgutil.walk_packages(octoscaffold.__path__, "octoscaffold."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
for name in PRELOAD:
    importlib.import_module(name)
from octoscaffold.spec.io import _yaml
_yaml(); _yaml("safe")
os.setgroups([]); os.setgid(UID); os.setuid(UID)
sys.argv = ["octoscaffold", *sys.argv[1:]]
from octoscaffold.cli import main
main()
"""
PRELOAD = [
    "jinja2", "jinja2.sandbox", "jinja2.ext", "jinja2.bccache", "markupsafe", "ruamel.yaml", "ruamel.yaml.events",
    "ruamel.yaml.error", "msgspec", "msgspec.json", "msgspec.structs", "msgspec.inspect", "pydantic", "pydantic.json_schema", "pydantic_core", "click", "git", "tempfile", "hashlib",
    "json", "tomllib", "shutil", "difflib", "resource", "signal", "string", "types", "importlib.metadata",
    "unicodedata", "bisect", "filecmp", "stat", "uuid", "textwrap", "tty", "termios", "select", "codecs", "locale",
    "gettext", "fnmatch", "glob", "copy", "dataclasses", "functools", "re", "io", "inspect", "urllib.parse",
    "urllib.request", "email.utils", "pickle", "marshal", "encodings.utf_8_sig", "encodings.unicode_escape",
    "encodings.ascii", "encodings.latin_1", "encodings.idna",
]

CLEARED_PREFIXES = ("OCTOSCAFFOLD_", "OPENAI_", "GH_", "GITHUB_", "GITLAB_", "OCTOPUS_", "GIT_")
NOBODY = 65534


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("octoscaffold: error:")]


def clean_environment(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED_PREFIXES)}
    config = home / ".gitconfig"
    if not config.exists():
        config.write_text("[user]\n\tname = Hostile Tester\n\temail = hostile@example.com\n[init]\n\tdefaultBranch = main\n")
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        OCTOSCAFFOLD_CACHE_DIR=str(home / ".cache" / "octoscaffold"),
        GIT_CONFIG_GLOBAL=str(config),
        GIT_CONFIG_NOSYSTEM="1",
        PYTHONDONTWRITEBYTECODE="1",
        NO_PROXY="127.0.0.1,localhost",
    )
    env.update(extra)
    return env


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def run_cli(home):
    """run_cli(*args, cwd=..., input=..., timeout=..., env={...}, user=uid) -> Result."""

    def run(*args: str | os.PathLike, cwd: Path | None = None, input: str | bytes | None = None,
            timeout: float = 60, env: dict[str, str] | None = None, user: "User | None" = None,
            file_size_limit: int | None = None) -> Result:
        """`file_size_limit` (bytes) makes any larger write fail with EFBIG, even for root: a way
        to make a write fail part-way."""
        environment = clean_environment(user.home if user else home, **(env or {}))
        data = input.encode("utf-8", "surrogateescape") if isinstance(input, str) else input
        if user is not None and user.uid is not None:
            boot = _DROP_AND_RUN.replace("PRELOAD", repr(PRELOAD)).replace("UID", str(user.uid))
            command = [sys.executable, "-c", boot]
        else:
            command = [sys.executable, "-m", "octoscaffold"]

        def limit() -> None:
            import resource

            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

        try:
            done = subprocess.run(
                [*command, *[os.fspath(a) for a in args]],
                cwd=cwd, input=data, capture_output=True, timeout=timeout, env=environment,
                preexec_fn=limit if file_size_limit is not None else None,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"octoscaffold {' '.join(map(str, args))[:200]} hung for {timeout} s")
        decode = lambda b: b.decode("utf-8", "replace")  # noqa: E731
        return Result(done.returncode, decode(done.stdout), decode(done.stderr))

    return run


def refused(result: Result, *words: str, code: int = 2) -> str:
    """Assert a clean refusal: the exit code, no traceback, one error line naming `words`."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    errors = result.error_lines
    assert len(errors) == 1, result.stderr[-2000:]
    for word in words:
        assert word.lower() in errors[0].lower(), (word, errors[0])
    return errors[0]


def tree(folder: Path) -> dict[str, object]:
    """Every entry under `folder`: file bytes, link targets, folder markers (for "left as it was")."""
    picture: dict[str, object] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root, name)
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                picture[key] = ("link", os.readlink(path))
            elif path.is_dir():
                picture[key] = ("dir", path.stat().st_mode & 0o7777)
            else:
                picture[key] = path.read_bytes()
    return picture


@pytest.fixture
def shared_tmp():
    """A folder an unprivileged user may use (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="octoscaffold-hostile-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class User:
    uid: int | None
    home: Path


@pytest.fixture
def as_user(shared_tmp, home):
    """Who runs permission tests: nobody (with a home of its own) when the suite runs as root,
    else the caller. Pass it to run_cli(user=as_user); give it folders under shared_tmp."""
    if os.geteuid() != 0:
        return User(None, home)
    own = shared_tmp / "home"
    own.mkdir()
    clean_environment(own)
    for path in (own, own / ".gitconfig"):
        os.chown(path, NOBODY, NOBODY)
    return User(NOBODY, own)
