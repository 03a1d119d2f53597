"""Lint settings for a project `new`/`render` is about to write, from the spec it was built from.

A practice the user switched off in the spec (e.g. `security_scan.enabled: false`) is their choice,
so the rules that ask for it are not applied; secrets the steps use are defined in Octopus, so
references to them are not "undefined".
"""

from __future__ import annotations

from typing import Any

from .config import LintConfig

# Practice id (octoscaffold.policy) → rules that only make sense when it is on.
PRACTICE_RULES = {
    "security-scan": ("PROC009", "ENV002"),
    "approval": ("PROC011",),
}


# In output octoscaffold generates, these are template bugs: nothing that has them is written.
GENERATED_ERRORS = ("VAR003", "ENV003", "PROC013")


def config_for_spec(spec: Any, manifest: Any = None, base: LintConfig | None = None) -> LintConfig:
    """`base` (default: all rules) less the rules of switched-off practices, plus known secrets
    and the lifecycle's environments; references that cannot resolve are errors."""
    base = base or LintConfig()
    ignore = [rule_id for practice in spec.practices if not practice.applied for rule_id in PRACTICE_RULES.get(practice.id, ())]
    known = [variable.name for variable in spec.variables if variable.type == "Sensitive"]
    if manifest is not None:
        known += [variable.name for variable in getattr(manifest, "sensitive_variables", ())]
    return LintConfig(
        select=base.select,
        ignore=base.ignore + tuple(ignore),
        fail_on=base.fail_on,
        severity={**{rule_id: "error" for rule_id in GENERATED_ERRORS}, **base.severity},
        known_variables=base.known_variables + tuple(known),
        environments=tuple(spec.lifecycle.environments) or base.environments,
        generic_tags=base.generic_tags,
        tenanted=spec.tenancy.mode != "untenanted",
        suppress=base.suppress,
        root=base.root,
        source=base.source,
    )
