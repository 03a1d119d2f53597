"""The errors of the OCL library: text that is not valid OCL, a file that cannot be read or written.

The library is a leaf: its errors have their own root, `OclError`, which the command line maps
to exit code 2 like any input error.
"""

from __future__ import annotations

from octoscaffold.inputs import printable

_SNIPPET_WIDTH = 160  # long lines (minified JSON in a property) are cut around the column


class OclError(Exception):
    """Base of the library's errors. `str(err)` is one line; `hint` (or None) says how to fix it."""

    exit_code = 2  # an input error, for a command line that maps errors to exit codes

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class OclSyntaxError(OclError):
    """Invalid OCL. `str(err)` is `path:line:col: message`; `format()` adds the line and a caret.

    `line` and `column` are 1-based; the column counts characters (a tab is one).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int = 1,
        column: int = 1,
        source_line: str = "",
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.source_line = source_line

    def __str__(self) -> str:
        # One line whatever the path holds (a file may be named with a line break in it).
        return f"{printable(self.path or '<string>')}:{self.line}:{self.column}: {self.message}"

    def __reduce__(self):  # keep pickling working (multiprocessing) despite keyword-only arguments
        return (_rebuild, (self.message, self.path, self.line, self.column, self.source_line))

    @property
    def snippet(self) -> str:
        """The offending line and a caret under the column (two lines)."""
        text = self.source_line
        start = 0
        if len(text) > _SNIPPET_WIDTH:
            start = max(0, min(self.column - 1 - _SNIPPET_WIDTH // 2, len(text) - _SNIPPET_WIDTH))
            text = text[start : start + _SNIPPET_WIDTH]
        # Keep tabs under tabs so the caret lines up in a terminal.
        pad = "".join("\t" if ch == "\t" else " " for ch in text[: max(self.column - 1 - start, 0)])
        return f"{text}\n{pad}^"

    def format(self) -> str:
        """The one-line summary followed by the source line and caret, indented."""
        body = "\n".join("    " + part for part in self.snippet.split("\n"))
        return f"{self}\n{body}"


class OclFileError(OclError):
    """An OCL file that cannot be read or written: missing, not a regular file, too large,
    unreadable, in a folder that cannot be written, a symbolic link `fmt` will not replace.
    `str(err)` is one line starting with the path."""


def _rebuild(message: str, path: str | None, line: int, column: int, source_line: str) -> OclSyntaxError:
    return OclSyntaxError(message, path=path, line=line, column=column, source_line=source_line)
