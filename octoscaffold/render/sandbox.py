"""The Jinja sandbox templates run in, made tighter for third-party catalogs.

- Files come only from the catalog folders: no `..`, no absolute paths, no symlinks leading out.
- Jinja's sandbox already forbids private attributes, code objects and unsafe calls; on top of it,
  `*` and `**` cannot build huge values, and a render that runs too long is stopped.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment, SecurityError

MAX_RESULT = 1_000_000  # characters or items one `*` may produce
MAX_EXPONENT = 100
TIME_LIMIT = 10.0  # seconds for one file


class ConfinedLoader(FileSystemLoader):
    """A FileSystemLoader whose files must really lie inside one of its folders."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        roots = [os.path.realpath(folder) for folder in self.searchpath]
        if not any(real == root or real.startswith(root + os.sep) for root in roots):
            raise TemplateNotFound(template)
        return source, filename, uptodate


class OclSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponent {right} is too large for a template")
            return left**right
        size = (len(left) if hasattr(left, "__len__") else 1) * (right if isinstance(right, int) else 1)
        size2 = (len(right) if hasattr(right, "__len__") else 1) * (left if isinstance(left, int) else 1)
        if max(size, size2) > MAX_RESULT:
            raise SecurityError("a template may not build a value that large")
        return left * right


class RenderTimeout(Exception):
    pass


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
