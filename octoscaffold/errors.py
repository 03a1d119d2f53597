"""One error hierarchy; the CLI maps each class to an exit code and a one-line message.

Exit codes (docs/cli.md):
  0  success
  1  found something (lint findings, `fmt --check` would change files)
  2  usage or input error (bad prompt, bad spec, existing output, syntax error)
  3  an external service failed (LLM endpoint, git remote, forge)
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2
EXIT_EXTERNAL = 3


class OctoscaffoldError(Exception):
    """Base class. `str(err)` is the one line shown to the user; `hint` says how to fix it."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UserError(OctoscaffoldError):
    """The user asked for something we cannot do as asked (bad flag combination, existing output...)."""


class PromptError(UserError):
    """The prompt could not be understood well enough to build a spec."""


class SpecError(UserError):
    """A spec file or value is invalid."""


class TemplateError(OctoscaffoldError):
    """A catalog template is broken or rendered invalid output."""


class OutputError(UserError):
    """Output could not be written (exists already, not writable)."""


class ExternalError(OctoscaffoldError):
    """A service outside octoscaffold failed."""

    exit_code = EXIT_EXTERNAL


class LLMError(ExternalError):
    """The LLM endpoint failed or kept answering with invalid specs."""


class GitError(ExternalError):
    """A git operation or remote failed."""


class ForgeError(ExternalError):
    """The forge (GitHub, GitLab) API failed."""
