"""Lint settings: the `[lint]` table of `.octoscaffold.toml`, then command-line flags on top.

```toml
[lint]
select = ["VAR", "PROC003"]      # ids or prefixes; empty means every rule
ignore = ["OCL003"]
fail-on = "warning"              # error | warning | info
known-variables = ["Project.Db.Password"]   # defined in Octopus or a library set, not in variables.ocl
environments = ["Development", "Test", "Production", "Security"]   # the lifecycle's (ENV003)
generic-tags = ["web", "app"]    # replaces the built-in list of too-generic target tags

[lint.severity]
VAR001 = "info"

[lint.suppress.".octopus/legacy/**"]   # a path or glob, relative to the config file
rules = ["VAR001", "OCL002"]
reason = "imported from the old server; renamed in the next release"
```
"""

from __future__ import annotations


import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from octoscaffold.errors import UserError

from .model import RANK, REGISTRY

from octoscaffold.settings import CONFIG_NAME  # noqa: F401 (part of this module's interface)
KEYS = {"select", "ignore", "fail-on", "known-variables", "generic-tags", "severity", "suppress", "environments"}


@dataclass(frozen=True)
class Suppression:
    pattern: str  # path or glob relative to `LintConfig.root`
    rules: tuple[str, ...]  # ids or prefixes
    reason: str

    def matches(self, relative: str, rule_id: str) -> bool:
        return _selected(rule_id, self.rules) and (
            fnmatch.fnmatchcase(relative, self.pattern) or relative == self.pattern.rstrip("/") or relative.startswith(self.pattern.rstrip("/") + "/")
        )


@dataclass(frozen=True)
class LintConfig:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    severity: dict[str, str] = field(default_factory=dict)
    known_variables: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()  # the lifecycle's environments, when known (ENV003)
    generic_tags: tuple[str, ...] | None = None
    tenanted: bool | None = None  # the project deploys tenants (VAR007); None: as far as the OCL shows
    suppress: tuple[Suppression, ...] = ()
    root: Path | None = None  # folder the config came from; suppression paths are relative to it
    source: Path | None = None

    def enabled(self, rule_id: str) -> bool:
        if self.select and not _selected(rule_id, self.select):
            return False
        return not _selected(rule_id, self.ignore)

    def severity_of(self, rule_id: str) -> str:
        return self.severity.get(rule_id) or REGISTRY[rule_id].severity

    def fails(self, severity: str) -> bool:
        return RANK[severity] >= RANK[self.fail_on]

    def with_flags(self, *, select: Iterable[str] = (), ignore: Iterable[str] = (), fail_on: str | None = None) -> "LintConfig":
        """Command-line flags: --select replaces the config's list, --ignore adds to it."""
        select, ignore = tuple(select), tuple(ignore)
        _check_ids(select, "--select")
        _check_ids(ignore, "--ignore")
        return replace(
            self,
            select=select or self.select,
            ignore=self.ignore + ignore,
            fail_on=_check_severity(fail_on, "--fail-on") if fail_on else self.fail_on,
        )


def _selected(rule_id: str, patterns: Iterable[str]) -> bool:
    return any(rule_id.startswith(pattern.upper()) for pattern in patterns)


def _check_ids(patterns: Iterable[str], where: str) -> None:
    for pattern in patterns:
        if not any(rule_id.startswith(pattern.upper()) for rule_id in REGISTRY):
            raise UserError(f"{where}: {pattern!r} matches no rule", hint="see docs/rules.md for the ids")


def _check_severity(value: Any, where: str) -> str:
    if value not in RANK:
        raise UserError(f"{where}: {value!r} is not a severity", hint="use error, warning or info")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UserError(f"{where} must be a list of strings")
    return tuple(value)


def parse_config(data: dict[str, Any], source: Path | None = None) -> LintConfig:
    """Build a config from the parsed TOML document (only its `lint` table is read)."""
    name = str(source) if source else CONFIG_NAME
    table = data.get("lint", {})
    if not isinstance(table, dict):
        raise UserError(f"{name}: [lint] must be a table")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise UserError(f"{name}: unknown key lint.{unknown[0]}", hint="known keys: " + ", ".join(sorted(KEYS)))
    select = _strings(table.get("select", []), f"{name}: lint.select")
    ignore = _strings(table.get("ignore", []), f"{name}: lint.ignore")
    _check_ids(select, f"{name}: lint.select")
    _check_ids(ignore, f"{name}: lint.ignore")
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise UserError(f"{name}: [lint.severity] must be a table of rule id = severity")
    for rule_id, level in severity.items():
        if rule_id not in REGISTRY:
            raise UserError(f"{name}: lint.severity: no rule {rule_id!r}")
        _check_severity(level, f"{name}: lint.severity.{rule_id}")
    suppress = []
    suppress_table = table.get("suppress", {})
    if not isinstance(suppress_table, dict):
        raise UserError(f"{name}: [lint.suppress] must be a table keyed by path")
    for pattern, entry in suppress_table.items():
        where = f"{name}: lint.suppress.{pattern!r}"
        if not isinstance(entry, dict):
            raise UserError(f"{where} must be a table with rules and reason")
        rules = _strings(entry.get("rules", []), f"{where}.rules")
        reason = entry.get("reason")
        if not rules:
            raise UserError(f"{where}: list the rules to suppress")
        _check_ids(rules, f"{where}.rules")
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(f"{where}: a suppression needs a reason")
        suppress.append(Suppression(pattern.replace("\\", "/").removeprefix("./"), rules, reason.strip()))
    tags = table.get("generic-tags")
    return LintConfig(
        select=select,
        ignore=ignore,
        fail_on=_check_severity(table.get("fail-on", "warning"), f"{name}: lint.fail-on"),
        severity=dict(severity),
        known_variables=_strings(table.get("known-variables", []), f"{name}: lint.known-variables"),
        environments=_strings(table.get("environments", []), f"{name}: lint.environments"),
        generic_tags=None if tags is None else _strings(tags, f"{name}: lint.generic-tags"),
        suppress=tuple(suppress),
        root=source.parent if source else None,
        source=source,
    )


def load_config(path: Path) -> LintConfig:
    from octoscaffold.inputs import read_text
    from octoscaffold.settings import read_document

    read_text(path, "config file")  # a named file must be there and readable: say so if not
    return parse_config(read_document(Path(path)), Path(path))


def find_config(start: Path) -> Path | None:
    """The repository's `.octoscaffold.toml` for `start` (see octoscaffold.settings)."""
    from octoscaffold.settings import find_repository_config

    return find_repository_config(start)
