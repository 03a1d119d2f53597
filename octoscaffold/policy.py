"""Best-practice defaults, applied to a spec. Every default is recorded in `spec.practices`,
and each can be switched off or changed in the spec (the record names the field).

Resolving is idempotent: resolving a resolved spec changes nothing.
"""

from __future__ import annotations

import re

from octoscaffold.catalog import Template
from octoscaffold.errors import SpecError
from octoscaffold.spec.model import Practice, ProjectSpec, Runbook
from octoscaffold.spec.naming import slugify

DEFAULT_ENVIRONMENTS = ["Development", "Test", "Production"]
VERSION_TEMPLATES = {
    "date": "#{Octopus.Date.Year}.#{Octopus.Date.Month}.#{Octopus.Date.Day}.i",
    "semantic": "#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}",
}
_PRODUCTION = re.compile(r"(?<![a-z])(prod|production|live)(?![a-z])", re.IGNORECASE)
_NOT_PRODUCTION = re.compile(r"(?<![a-z])pre[\s_-]*prod", re.IGNORECASE)


def is_production(environment: str) -> bool:
    return bool(_PRODUCTION.search(environment)) and not _NOT_PRODUCTION.search(environment)


def production_environments(environments: list[str], security: str | None) -> list[str]:
    """The production environment(s); without one by name, the last before Security."""
    candidates = [e for e in environments if e != security]
    named = [e for e in candidates if is_production(e)]
    return named or candidates[-1:]


def _default(value, spec: ProjectSpec):
    """Manifest defaults may name the project slug as `{slug}`."""
    return value.replace("{slug}", spec.slug) if isinstance(value, str) else value


def resolve(spec: ProjectSpec, template: Template) -> ProjectSpec:
    """Return a copy of `spec` with every default filled in and recorded."""
    spec = spec.model_copy(deep=True)
    manifest = template.manifest
    practices: list[Practice] = []

    unknown = sorted(set(spec.parameters) - set(manifest.parameters))
    if unknown:
        allowed = ", ".join(sorted(manifest.parameters)) or "none"
        raise SpecError(
            f"parameters.{unknown[0]}: template {manifest.id!r} has no such parameter (allowed: {allowed})"
        )
    parameters = {name: _default(p.default, spec) for name, p in manifest.parameters.items()}
    for name, value in spec.parameters.items():
        choices = manifest.parameters[name].choices
        if choices and value not in choices:
            raise SpecError(f"parameters.{name}: must be one of {', '.join(choices)} (got {value!r})")
        parameters[name] = value
    spec.parameters = dict(sorted(parameters.items()))

    scan = spec.security_scan
    environments = list(spec.lifecycle.environments or DEFAULT_ENVIRONMENTS)
    if scan.enabled and scan.environment not in environments:
        environments.append(scan.environment)
    spec.lifecycle.environments = environments
    security = scan.environment if scan.enabled else None
    if spec.lifecycle.name is None:
        spec.lifecycle.name = "DevSecOps" if scan.enabled else "Application"
    practices.append(
        Practice(
            id="security-scan",
            applied=scan.enabled,
            detail=(
                f"{scan.environment} environment after {environments[-2] if len(environments) > 1 else 'the others'}; "
                "a vulnerability scan runs in every environment and deployment steps skip "
                f"{scan.environment}"
                if scan.enabled
                else "switched off: no Security environment and no vulnerability scan"
            ),
            switch="security_scan.enabled",
        )
    )

    approval = spec.approval
    if approval.enabled:
        missing = [e for e in approval.environments if e not in environments]
        if missing:
            raise SpecError(
                f"approval.environments: {', '.join(missing)} is not in lifecycle.environments "
                f"({', '.join(environments)})"
            )
        if not approval.environments:
            approval.environments = production_environments(environments, security)
        if approval.instructions is None:
            approval.instructions = (
                "Do you approve the deployment of release #{Octopus.Release.Number} "
                "to #{Octopus.Environment.Name}?"
            )
    practices.append(
        Practice(
            id="approval",
            applied=approval.enabled,
            detail=(
                f"manual approval is the first step, in {', '.join(approval.environments)}"
                if approval.enabled
                else "switched off: no approval step"
            ),
            switch="approval.enabled",
        )
    )

    versioning = spec.versioning
    if versioning.template is None:
        versioning.template = VERSION_TEMPLATES[versioning.strategy]
    practices.append(
        Practice(
            id="versioning",
            applied=True,
            detail=f"{versioning.strategy} release versions: {versioning.template}",
            switch="versioning.strategy",
        )
    )

    settings = spec.settings
    practices.append(
        Practice(
            id="guided-failure",
            applied=True,
            detail=f"guided failure mode set explicitly to {settings.guided_failure_mode}",
            switch="settings.guided_failure_mode",
        )
    )
    practices.append(
        Practice(
            id="worker-pool-variable",
            applied=True,
            detail=f"worker steps use the Project.WorkerPool variable (worker pool {settings.worker_pool})",
            switch="settings.worker_pool",
        )
    )

    if spec.runbooks is None:
        spec.runbooks = [
            Runbook(
                name=r.name,
                description=r.description,
                environments=[e for e in environments if e != security and (r.production or not is_production(e))],
            )
            for r in manifest.runbooks
        ]
    runbook_slugs = [slugify(r.name) for r in spec.runbooks]
    if len(set(runbook_slugs)) != len(runbook_slugs):
        raise SpecError("runbooks: runbook names must be distinct")
    for runbook in spec.runbooks:
        if not runbook.environments:
            runbook.environments = [e for e in environments if e != security]
        outside = [e for e in runbook.environments if e not in environments]
        if outside:
            raise SpecError(
                f"runbooks: {runbook.name!r} runs in {', '.join(outside)}, "
                "which is not in lifecycle.environments"
            )
    practices.append(
        Practice(
            id="runbooks",
            applied=bool(spec.runbooks),
            detail=(
                ", ".join(r.name for r in spec.runbooks)
                if spec.runbooks
                else "no runbooks"
            ),
            switch="runbooks",
        )
    )

    if spec.git.base_path is None:
        spec.git.base_path = f".octopus/{spec.slug}"
    spec.practices = practices
    return spec
