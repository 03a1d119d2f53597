"""Reading what users hand us, within limits: files of bounded size that are really files, YAML
without aliases or deep nesting, text shown back to the user with control characters escaped.

Every reader of user input (spec, manifest, settings, OCL, pull request template) goes through
here, so a FIFO, /dev/zero, a 50,000-level document or an alias bomb is one clear line, never a
hang or a crash.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any, Iterator


MAX_BYTES = 1_000_000  # a spec, manifest, settings file or template
MAX_OCL_BYTES = 16_000_000  # one OCL file (real processes embed long scripts)
MAX_DEPTH = 40  # nesting of a YAML or JSON document
MAX_NODES = 200_000  # scalars, mappings and sequences in one document

# Controls, line and paragraph separators, bidirectional overrides (text that displays in another
# order than it reads) and lone surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object, *, lines: bool = False) -> str:
    """`text` safe to print on one terminal line: control characters, lone surrogates (from paths
    that are not UTF-8) and line breaks written as escapes. With `lines`, line breaks stay."""
    value = str(text) if lines else str(text).replace("\n", "\\n")
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)


def _user_error() -> type[Exception]:
    from octoscaffold.errors import UserError  # imported late: this module is a leaf (the OCL library uses it)

    return UserError


def iter_chunks(path: Path | str, what: str, *, limit: int = MAX_BYTES, error: type[Exception] | None = None,
                size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of a regular file of at most `limit` bytes, in chunks as they are read (memory
    stays flat however large the file), or `error` in one line.

    Opened without blocking, so a FIFO or a device is refused instead of hanging; the size is
    checked before reading and again while reading (a file may grow). `error` is the class
    raised (default: UserError). Problems with the file itself are raised at the first chunk."""
    error = error or _user_error()
    shown = printable(path)
    a = "an" if what[:1].lower() in "aeiou" else "a"
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{shown}: no such {what}") from None
    except IsADirectoryError:
        raise error(f"{shown}: is a folder, not {a} {what}") from None
    except OSError as problem:
        raise error(f"{shown}: cannot read the {what} ({problem.strerror or problem})") from None
    except (ValueError, UnicodeError):
        raise error(f"{shown}: not a usable file name (a NUL byte or characters the system cannot encode)") from None
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{shown}: is a folder, not {a} {what}")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{shown}: not a regular file (a pipe or a device cannot be {a} {what})")
        if info.st_size > limit:
            raise error(f"{shown}: the {what} is {info.st_size:,} bytes; at most {limit:,} are read")
        total = 0
        while True:
            try:
                chunk = os.read(handle, size)
            except OSError as problem:
                raise error(f"{shown}: cannot read the {what} ({problem.strerror or problem})") from None
            if not chunk:
                return
            total += len(chunk)
            if total > limit:
                raise error(f"{shown}: the {what} is over {limit:,} bytes; at most {limit:,} are read")
            yield chunk
    finally:
        os.close(handle)


def read_bytes(path: Path | str, what: str, *, limit: int = MAX_BYTES, error: type[Exception] | None = None) -> bytes:
    """The whole of a regular file of at most `limit` bytes (see iter_chunks), or `error`."""
    return b"".join(iter_chunks(path, what, limit=limit, error=error))


def read_text(path: Path | str, what: str, *, limit: int = MAX_BYTES, error: type[Exception] | None = None) -> str:
    """`read_bytes` decoded as UTF-8 (a leading BOM is dropped), or `error` in one line."""
    error = error or _user_error()
    data = read_bytes(path, what, limit=limit, error=error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise error(f"{printable(path)}:{line}: the {what} is not UTF-8 text (byte {problem.start})") from None


def check_yaml(text: str, source: str, *, error: type[Exception] | None = None) -> None:
    """Refuse what would make loading a YAML document slow or crash: aliases (a few hundred bytes
    of them expand to gigabytes), nesting deeper than MAX_DEPTH (the C loader recurses) and more
    than MAX_NODES nodes. Reads only events, which needs no recursion."""
    error = error or _user_error()
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        _check_events(YAML(typ="safe").parse(text), source, error, words=False)  # libyaml's parser when installed: fast
    except (YAMLError, UnicodeError):  # say what is wrong in the pure parser's words (it names tabs, for one)
        _check_events(YAML(typ="safe", pure=True).parse(text), source, error)


def _check_events(events, source: str, error: type[Exception], *, words: bool = True) -> None:
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

    depth = nodes = 0
    try:
        for event in events:
            if isinstance(event, AliasEvent):
                raise error(f"{source}{_mark(event)}: YAML aliases (*name) are not accepted; write the value out")
            if isinstance(event, NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise error(f"{source}: more than {MAX_NODES:,} values in one document")
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise error(f"{source}{_mark(event)}: nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError as problem:
        if not words:
            raise
        _describe(problem, source, error)


def _describe(problem, source: str, error: type[Exception]) -> None:
    from ruamel.yaml.error import MarkedYAMLError

    if isinstance(problem, MarkedYAMLError):
        mark = problem.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        tab = " (indent with spaces: YAML does not allow tabs)" if "'\\t'" in str(problem.problem) else ""
        raise error(f"{source}{where}: invalid YAML: {problem.problem}{tab}") from None
    raise error(f"{source}: invalid YAML: {printable(problem)}") from None


def _mark(event) -> str:
    mark = event.start_mark
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def check_json_depth(data: Any, source: str, *, error: type[Exception] | None = None) -> None:
    """Refuse JSON data nested more than MAX_DEPTH levels (checked without recursion)."""
    error = error or _user_error()
    stack = [(data, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise error(f"{source}: more than {MAX_NODES:,} values in one document")
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise error(f"{source}: nested more than {MAX_DEPTH} levels deep")
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
