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

from importlib import import_module
from typing import Any

BLOCKING = ("error",)  # severities that make `octoscaffold new` refuse to write

# Loaded on first use, so `octoscaffold.lint.command` (imported by the CLI) stays light.
_EXPORTS = {
    "CONFIG_NAME": "config",
    "LintConfig": "config",
    "Suppression": "config",
    "find_config": "config",
    "load_config": "config",
    "parse_config": "config",
    "LintReport": "engine",
    "lint_paths": "engine",
    "lint_view": "engine",
    "config_for_spec": "generated",
    "OffByChoice": "choices",
    "apply_spec_choices": "choices",
    "SEVERITIES": "model",
    "Finding": "model",
    "Rule": "model",
}


def __getattr__(name: str) -> Any:
    if name == "RULES":
        import_module(".engine", __name__)  # registers every rule
        return import_module(".model", __name__).REGISTRY
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


def blocking(findings: list) -> list:
    """The findings that stop `new`/`render` from writing a project (severity in BLOCKING)."""
    return [finding for finding in findings if finding.severity in BLOCKING]


__all__ = ["BLOCKING", "RULES", "blocking", *_EXPORTS]
