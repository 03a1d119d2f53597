"""The Best Practices Adviser behind `octoscaffold lint`: rules over the typed OCL view.

```python
from octoscaffold.lint import lint_view, lint_paths, LintConfig

findings = lint_view(view)                      # one project in memory (e.g. before `new` writes it)
report = lint_paths([".octopus"], LintConfig()) # files and folders on disk
report.findings, report.exit_code
```

Nothing here prints or exits; `octoscaffold.lint.report` turns findings into text, JSON, SARIF or
GitHub annotations and `octoscaffold.lint.command` is the CLI.
"""

from __future__ import annotations

from .config import CONFIG_NAME, LintConfig, Suppression, find_config, load_config, parse_config
from .engine import LintReport, lint_paths, lint_view
from .generated import config_for_spec
from .model import REGISTRY as RULES
from .model import SEVERITIES, Finding, Rule

BLOCKING = ("error",)  # severities that make `octoscaffold new` refuse to write


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that stop `new`/`render` from writing a project."""
    return [finding for finding in findings if finding.severity in BLOCKING]


__all__ = [
    "BLOCKING",
    "CONFIG_NAME",
    "Finding",
    "LintConfig",
    "LintReport",
    "RULES",
    "Rule",
    "SEVERITIES",
    "Suppression",
    "blocking",
    "config_for_spec",
    "find_config",
    "lint_paths",
    "lint_view",
    "load_config",
    "parse_config",
]
