"""A spinner with the elapsed time, on stderr, while waiting for the model.

The library never draws it itself: the CLI passes `waiting` as the `progress` argument, and the
library wraps each wait in `with progress("Asking gpt-4o-mini"): ...`. On a stream that is not a
terminal (a pipe, a CI log) nothing is written at all.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, ContextManager, Iterator, TextIO

Progress = Callable[[str], ContextManager[None]]

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_ASCII_FRAMES = "|/-\\"


def _frames(stream: TextIO) -> str:
    encoding = (getattr(stream, "encoding", None) or "ascii").lower()
    return _FRAMES if "utf" in encoding else _ASCII_FRAMES


@contextmanager
def waiting(message: str, stream: TextIO | None = None, interval: float = 0.1) -> Iterator[None]:
    """Draw `⠋ message… 3.2s` on one line of `stream` (stderr) until the block ends, then clear it."""
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield
        return
    frames = _frames(stream)
    stop = threading.Event()
    start = time.monotonic()

    def draw() -> None:
        tick = 0
        while not stop.is_set():
            elapsed = time.monotonic() - start
            stream.write(f"\r{frames[tick % len(frames)]} {message}... {elapsed:.1f}s\x1b[K")
            stream.flush()
            tick += 1
            stop.wait(interval)

    thread = threading.Thread(target=draw, name="octoscaffold-spinner", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        stream.write("\r\x1b[K")  # leave the line empty for whatever is printed next
        stream.flush()


@contextmanager
def silent(message: str) -> Iterator[None]:
    """The default progress: shows nothing."""
    yield
