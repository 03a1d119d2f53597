"""What a rule is and what it finds. Plain data: no printing, no exiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

SEVERITIES = ("info", "warning", "error")  # lowest first
RANK = {name: index for index, name in enumerate(SEVERITIES)}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem. Sorted by place, then rule."""

    path: str
    line: int
    column: int
    rule: str
    severity: str = field(compare=False)
    message: str = field(compare=False)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity} {self.rule} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }


@dataclass(frozen=True)
class Hit:
    """What a rule yields: where, what, and the element whose inline markers may silence it."""

    position: Any  # anything with path, line and column (an ocl.view Position)
    message: str
    owner: Any = None  # the Action, Step, Variable, Runbook... the finding is about


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the default; a config may change it
    title: str  # a few words, used in SARIF and the docs
    check: Callable[..., Iterable[Hit]] = field(repr=False, compare=False)

    @property
    def family(self) -> str:
        return self.id.rstrip("0123456789")


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str) -> Callable:
    """Register a check: `@rule("VAR004", "error", "duplicate variable value")`."""
    assert severity in RANK, severity

    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        assert rule_id not in REGISTRY, rule_id
        REGISTRY[rule_id] = Rule(rule_id, severity, title, check)
        return check

    return register
