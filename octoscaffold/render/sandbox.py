"""The Jinja sandbox templates run in, made tighter for third-party catalogs and PR templates.

- Files come only from the catalog folders: no `..`, no absolute paths, no symlinks leading out.
- Jinja's sandbox already forbids private attributes, code objects and unsafe calls. On top of it:
  - templates see read-only views of the spec and the manifest (`read_only`): they can build
    their own lists, never change what is stored;
  - operations that build a value from a number (`*`, `**`, `%`, `+`, `ljust`, format widths...)
    are checked before they run;
  - the output is counted as it streams, and a render has a time limit and, where the system
    allows, a memory limit: what slips past the checks above is still stopped.
"""

from __future__ import annotations

import os
import re
import signal
import string
import threading
from collections.abc import Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, Iterator

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment, SecurityError

MAX_RESULT = 1_000_000  # characters or items one operation may produce
MAX_OUTPUT = 4_000_000  # characters one rendered file may have
MAX_EXPONENT = 100
MEMORY_HEADROOM = 512 << 20  # bytes a render may allocate beyond what the process holds
TIME_LIMIT = 10.0  # seconds for one file
TIMEOUT_VARIABLE = "OCTOSCAFFOLD_RENDER_TIMEOUT"


class ConfinedLoader(FileSystemLoader):
    """A FileSystemLoader whose files must really lie inside one of its folders: the real path is
    checked before a byte is read, and a file is read with the limits of every user file."""

    def get_source(self, environment, template):
        from jinja2.loaders import split_template_path

        from octoscaffold.errors import TemplateError
        from octoscaffold.inputs import read_text

        pieces = split_template_path(template)  # refuses `..`
        for folder in self.searchpath:
            filename = os.path.join(folder, *pieces)
            if not os.path.isfile(filename):
                continue
            root = os.path.realpath(folder)
            real = os.path.realpath(filename)
            if not real.startswith(root + os.sep):
                raise TemplateNotFound(template)
            source = read_text(filename, "template file", error=TemplateError)
            mtime = os.path.getmtime(filename)
            return source, os.path.normpath(filename), lambda path=filename, stamp=mtime: _unchanged(path, stamp)
        raise TemplateNotFound(template)


def _unchanged(filename: str, mtime: float) -> bool:
    try:
        return os.path.getmtime(filename) == mtime
    except OSError:
        return False


class ReadOnly:
    """A view of a model (the spec, the manifest) whose fields read as read-only values and
    whose methods are out of reach."""

    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._target, name)
        if callable(value):
            raise SecurityError(f"{name} is a method of the spec; templates may only read values")
        return read_only(value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise SecurityError("templates may not change the spec")

    def __str__(self) -> str:
        return str(self._target)

    def __eq__(self, other: object) -> bool:
        return self._target == (other._target if isinstance(other, ReadOnly) else other)

    __hash__ = None  # type: ignore[assignment]


def read_only(value: Any) -> Any:
    """`value` as templates may see it: lists as tuples, dicts as read-only mappings, models as
    ReadOnly views; text, numbers and frozen records as they are."""
    from msgspec import Struct

    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return tuple(read_only(v) for v in value)
    if isinstance(value, Mapping):
        return MappingProxyType({k: read_only(v) for k, v in value.items()})
    if isinstance(value, Struct):
        return ReadOnly(value)
    return value


# Methods that build text from a number: the number is checked first.
_WIDTH_METHODS = {"ljust": 0, "rjust": 0, "center": 0, "zfill": 0}
_FORMAT_WIDTH = re.compile(r"(\d+)")


def _too_big(size: float) -> None:
    if size > MAX_RESULT:
        raise SecurityError("a template may not build a value that large")


def _format_widths(text: str) -> None:
    """Refuse `{:>999999999}`-style widths (and precisions) in a format string."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format will raise its own error
    for _, _, spec, _ in fields:
        if spec and "{" in spec:
            raise SecurityError("a template may not take a width from its arguments")
        for number in _FORMAT_WIDTH.findall(spec or ""):
            _too_big(int(number) if len(number) < 10 else MAX_RESULT + 1)


class OclSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponent {right} is too large for a template")
            return left**right
        if operator == "+":
            if hasattr(left, "__len__") and hasattr(right, "__len__"):
                _too_big(len(left) + len(right))
            return left + right
        if operator == "%":
            if isinstance(left, str):
                _too_big(len(left) + sum(int(n) if len(n) < 10 else MAX_RESULT + 1 for n in re.findall(r"%[-#0 +]*(\d+)", left)))
                if re.search(r"%[-#0 +]*\*", left):
                    raise SecurityError("a template may not take a width from its arguments")
            return left % right
        size = (len(left) if hasattr(left, "__len__") else 1) * (right if isinstance(right, int) else 1)
        size2 = (len(right) if hasattr(right, "__len__") else 1) * (left if isinstance(left, int) else 1)
        _too_big(max(size, size2))
        return left * right

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        name = getattr(__obj, "__name__", "")
        # Jinja hands templates str.format wrapped (see SandboxedEnvironment.getattr).
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str):
            if name in _WIDTH_METHODS and args and isinstance(args[0], int):
                _too_big(args[0])
            elif name == "expandtabs":
                size = args[0] if args and isinstance(args[0], int) else kwargs.get("tabsize", 8)
                _too_big(len(owner) * max(int(size), 1) if isinstance(size, int) else 0)
            elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
                _too_big(len(owner) + (owner.count(args[0]) + (1 if not args[0] else 0)) * len(args[1]))
            elif name in ("format", "format_map"):
                _format_widths(owner)
        return super().call(__context, __obj, *args, **kwargs)


class RenderTimeout(Exception):
    pass


class OutputTooLarge(Exception):
    pass


def time_limit_setting() -> float:
    """Seconds one file may take: OCTOSCAFFOLD_RENDER_TIMEOUT, else TIME_LIMIT. A value that is
    not a positive number of seconds is an error, never a silent default."""
    from octoscaffold.errors import UserError

    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return TIME_LIMIT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not (0 < seconds <= 3600):
        raise UserError(f"{TIMEOUT_VARIABLE}={raw[:40]!r} is not a number of seconds between 0 and 3600", hint="unset it or set e.g. 10")
    return seconds


def render_stream(template, context: dict, limit: int = MAX_OUTPUT) -> str:
    """Render `template` with `context`, stopping once the output passes `limit` characters."""
    parts, size = [], 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > limit:
            raise OutputTooLarge(f"the output passed {limit:,} characters")
        parts.append(chunk)
    return "".join(parts)


@contextmanager
def limits(seconds: float) -> Iterator[None]:
    """The time and memory limits of one render (see `time_limit` and `memory_limit`)."""
    with memory_limit(), time_limit(seconds):
        yield


@contextmanager
def time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    """Stop the block with RenderTimeout after `seconds` (main thread on Unix; elsewhere no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise RenderTimeout()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as stream:
            return int(stream.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def memory_limit(headroom: int = MEMORY_HEADROOM) -> Iterator[None]:
    """Let the block allocate at most `headroom` more bytes of address space (Linux): a runaway
    template gets MemoryError instead of taking the machine's memory. Restored afterwards."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not Unix
        yield
        return
    used = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = used + headroom if used is not None else None
    if wanted is None or (soft != resource.RLIM_INFINITY and soft <= wanted) or (
        hard != resource.RLIM_INFINITY and hard < wanted
    ):
        yield
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
