"""Best-practice defaults, applied to a spec. Every default is recorded in `spec.practices`,
and each can be switched off or changed in the spec (the record names the field).

Resolving is idempotent: resolving a resolved spec changes nothing.
"""

from __future__ import annotations

import re

from octoscaffold.catalog import Manifest, Template
from octoscaffold.errors import SpecError
from octoscaffold.spec.model import Practice, ProjectSpec, Runbook, Variable
from octoscaffold.spec.naming import slugify

DEFAULT_ENVIRONMENTS = ["Development", "Test", "Production"]
VERSION_TEMPLATES = {
    "date": "#{Octopus.Date.Year}.#{Octopus.Date.Month}.#{Octopus.Date.Day}.i",
    "semantic": "#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}",
}
APPROVAL_INSTRUCTIONS = (
    "Do you approve the deployment of release #{Octopus.Release.Number} to #{Octopus.Environment.Name}?"
)
_PRODUCTION = re.compile(r"(?<![a-z])(prod|production|live)(?![a-z])", re.IGNORECASE)
_NOT_PRODUCTION = re.compile(r"(?<![a-z])pre[\s_-]*prod", re.IGNORECASE)


def is_production(environment: str) -> bool:
    return bool(_PRODUCTION.search(environment)) and not _NOT_PRODUCTION.search(environment)


def production_environments(environments: list[str], security: str | None) -> list[str]:
    """The production environment(s); without one by name, the last before Security."""
    candidates = [e for e in environments if e != security]
    named = [e for e in candidates if is_production(e)]
    return named or candidates[-1:]


def resolve(spec: ProjectSpec, template: Template) -> ProjectSpec:
    """Return a copy of `spec` with every default filled in and recorded."""
    spec = spec.model_copy(deep=True)
    _parameters(spec, template.manifest)
    _scan(spec, template.manifest)
    _lifecycle(spec)
    _approval(spec)
    if spec.versioning.template is None and spec.versioning.donor_package is None:
        spec.versioning.template = VERSION_TEMPLATES[spec.versioning.strategy]
    _runbooks(spec, template.manifest)
    _notification(spec)
    _secrets(spec)
    if spec.git.base_path is None:
        spec.git.base_path = f".octopus/{spec.slug}"
    spec.practices = _practices(spec, template.manifest)
    return _checked(spec)


def _checked(spec: ProjectSpec) -> ProjectSpec:
    """The resolved spec validated as a whole: what the policy filled in obeys the spec's rules too."""
    from octoscaffold.errors import SpecError
    from octoscaffold.spec.base import ModelError

    try:
        checked = ProjectSpec.model_validate(spec.model_dump())
    except ModelError as error:
        raise SpecError(f"spec: {error}") from None
    return spec.model_copy(update={f: getattr(checked, f) for f in checked.__struct_fields__})


def _default(value, spec: ProjectSpec):
    """Manifest defaults may name the project slug as `{slug}` (also inside list defaults)."""
    if isinstance(value, list):
        return [_default(item, spec) for item in value]
    return value.replace("{slug}", spec.slug) if isinstance(value, str) else value


def _parameters(spec: ProjectSpec, manifest: Manifest) -> None:
    unknown = sorted(set(spec.parameters) - set(manifest.parameters))
    if unknown:
        allowed = ", ".join(sorted(manifest.parameters)) or "none"
        raise SpecError(
            f"parameters.{unknown[0]}: template {manifest.id!r} has no such parameter (allowed: {allowed})"
        )
    parameters = {name: _default(p.default, spec) for name, p in manifest.parameters.items()}
    # Account parameters (the Azure kinds) default to the spec's account names for that cloud.
    azure = spec.settings.accounts.get("azure", {})
    for name, environment_class in (("nonproduction_account", "nonproduction"), ("production_account", "production")):
        if name in parameters and environment_class in azure:
            parameters[name] = azure[environment_class]
    for name, value in spec.parameters.items():
        definition = manifest.parameters[name]
        if not definition.accepts(value):
            article = "an" if definition.type[0] in "aeiou" else "a"
            raise SpecError(f"parameters.{name}: must be {article} {definition.type} (got {value!r})")
        choices = definition.choices
        if choices and value not in choices:
            raise SpecError(f"parameters.{name}: must be one of {', '.join(choices)} (got {value!r})")
        parameters[name] = value
    spec.parameters = dict(sorted(parameters.items()))


def _security(spec: ProjectSpec) -> str | None:
    return spec.security_scan.environment if spec.security_scan.active else None


SBOM_NONE_WARNING = (
    "security_scan.sbom is none: no vulnerability scan runs and there is no Security environment; "
    "publish a CycloneDX SBOM package (sbom: package) or scan the container image (sbom: image)"
)
WEBHOOK_VARIABLE = "Project.Notification.WebhookUrl"


def _scan(spec: ProjectSpec, manifest: Manifest) -> None:
    """The SBOM source: `image` needs a kind that deploys a container image; `none` is said."""
    scan = spec.security_scan
    if not scan.enabled:
        return
    if scan.sbom == "image" and not {"image", "image_feed"} <= set(manifest.parameters):
        raise SpecError(
            f"security_scan.sbom: template {manifest.id!r} deploys no container image to scan; "
            "use package (the release's SBOM package) or none"
        )
    if scan.sbom == "none" and SBOM_NONE_WARNING not in spec.warnings:
        spec.warnings.append(SBOM_NONE_WARNING)


def _notification(spec: ProjectSpec) -> None:
    """Email needs someone to write to; Slack and Teams need the webhook URL, a secret kept in Octopus."""
    notification = spec.notification
    if notification.channel == "email" and not (notification.to or notification.teams):
        raise SpecError("notification.to: an email notification needs addresses (to) or team slugs (teams)")
    if notification.channel in ("slack", "teams") and not any(v.name == WEBHOOK_VARIABLE for v in spec.variables):
        spec.variables.append(
            Variable(
                name=WEBHOOK_VARIABLE,
                type="Sensitive",
                description=f"incoming webhook URL of the {notification.channel.title()} channel failed deployments are reported to",
            )
        )


def _lifecycle(spec: ProjectSpec) -> None:
    """Default environments; the Security environment goes last, after Production."""
    environments = list(spec.lifecycle.environments or DEFAULT_ENVIRONMENTS)
    security = _security(spec)
    if security and security not in environments:
        environments.append(security)
    spec.lifecycle.environments = environments
    if spec.lifecycle.name is None:
        spec.lifecycle.name = "DevSecOps" if security else "Application"


def _approval(spec: ProjectSpec) -> None:
    approval = spec.approval
    if not approval.enabled:
        return
    environments = spec.lifecycle.environments
    missing = [e for e in approval.environments if e not in environments]
    if missing:
        raise SpecError(
            f"approval.environments: {', '.join(missing)} is not in lifecycle.environments "
            f"({', '.join(environments)})"
        )
    if not approval.environments:
        approval.environments = production_environments(environments, _security(spec))
    if approval.instructions is None:
        approval.instructions = APPROVAL_INSTRUCTIONS


def _runbooks(spec: ProjectSpec, manifest: Manifest) -> None:
    """The template's runbooks unless the spec lists its own; none ever runs in Security."""
    security = _security(spec)
    runnable = [e for e in spec.lifecycle.environments if e != security]
    if spec.runbooks is None:
        spec.runbooks = []
        for runbook in manifest.runbooks:
            allowed = [e for e in runnable if runbook.production or not is_production(e)]
            if allowed:  # a non-production runbook in an all-production lifecycle is left out
                spec.runbooks.append(Runbook(name=runbook.name, description=runbook.description, environments=allowed))
    slugs = [slugify(r.name) for r in spec.runbooks]
    if len(set(slugs)) != len(slugs):
        raise SpecError("runbooks: runbook names must be distinct")
    for runbook in spec.runbooks:
        if not runbook.environments:
            runbook.environments = runnable
        outside = [e for e in runbook.environments if e not in spec.lifecycle.environments]
        if outside:
            raise SpecError(
                f"runbooks: {runbook.name!r} runs in {', '.join(outside)}, which is not in lifecycle.environments"
            )


def _secrets(spec: ProjectSpec) -> None:
    """A variable that looks like a secret becomes Sensitive, and its value is dropped: Octopus
    keeps sensitive values, git never sees them (neither in OCL nor in the stored spec)."""
    from octoscaffold.spec.naming import SECRET_NAME

    for variable in spec.variables:
        if SECRET_NAME.search(variable.name) and variable.type == "String":
            variable.type = "Sensitive"
        if variable.type == "Sensitive":
            variable.value = ""


def _practices(spec: ProjectSpec, manifest: Manifest) -> list[Practice]:
    approval, scan, settings = spec.approval, spec.security_scan, spec.settings
    environments = spec.lifecycle.environments
    before_security = [e for e in environments if e != scan.environment]
    return [*_core_practices(spec, approval, scan, settings, before_security), *_optional_practices(spec, manifest)]


def _core_practices(spec, approval, scan, settings, before_security) -> list[Practice]:
    return [
        Practice(
            id="approval",
            applied=approval.enabled,
            detail=(
                f"manual approval is the first step, in {', '.join(approval.environments)}"
                if approval.enabled
                else "switched off: no approval step"
            ),
            switch="approval.enabled",
        ),
        Practice(
            id="security-scan",
            applied=scan.active,
            detail=(
                f"{scan.environment} environment after {before_security[-1] if before_security else 'the others'}; "
                f"a vulnerability scan runs in every environment and deployment steps skip {scan.environment}"
                if scan.active
                else "switched off: no Security environment and no vulnerability scan"
                + (" (security_scan.sbom is none)" if scan.enabled else "")
            ),
            switch="security_scan.enabled",
        ),
        Practice(
            id="sbom",
            applied=scan.active,
            detail={
                "package": f"the scan reads the CycloneDX SBOM package {spec.parameters.get('sbom_package_id', '<slug>-sbom')} "
                "that every release must include: the build has to publish it",
                "image": "the scan reads the deployed container image itself (no SBOM package needed)",
                "none": "nothing to scan: no vulnerability scan step",
            }[scan.sbom]
            if scan.enabled
            else "no scan, so no SBOM is read",
            switch="security_scan.sbom",
        ),
        Practice(
            id="versioning",
            applied=True,
            detail=(
                f"release versions from the package {donor.package or '(primary)'} of step {donor.step}"
                if (donor := spec.versioning.donor_package)
                else f"{spec.versioning.strategy} release versions: {spec.versioning.template}"
            ),
            switch="versioning.donor_package" if spec.versioning.donor_package else "versioning.strategy",
        ),
        Practice(
            id="guided-failure",
            applied=True,
            detail=f"guided failure mode {settings.guided_failure_mode}, chosen explicitly",
            switch="settings.guided_failure_mode",
        ),
        Practice(
            id="worker-pool-variable",
            applied=True,
            detail=f"worker steps use the Project.WorkerPool variable (worker pool {settings.worker_pool})",
            switch="settings.worker_pool",
        ),
        Practice(
            id="secrets",
            applied=True,
            detail=(
                "sensitive variables kept out of git: " + ", ".join(sensitive)
                if (sensitive := [v.name for v in spec.variables if v.type == "Sensitive"])
                else "no sensitive variables; names that look like secrets would be made Sensitive"
            ),
            switch="variables[].type",
        ),
        Practice(
            id="runbooks",
            applied=bool(spec.runbooks),
            detail=", ".join(r.name for r in spec.runbooks or []) or "no runbooks",
            switch="runbooks",
        ),
    ]


# Practices a team may ask for, off until asked: not "switched off" when they are off.
OPTIONAL_PRACTICES = frozenset(
    {"failure-notification", "retention", "channels", "rolling-deployment", "smoke-test", "pod-security-context"}
)


# Optional practices a kind offers as a boolean parameter: (parameter, id, detail on, detail off).
SWITCHED_BY_PARAMETER = (
    ("smoke_test", "smoke-test", "a smoke test runs against the release right after it is deployed",
     "no smoke test after the deployment (parameters.smoke_test: true adds one)"),
    ("pod_security_context", "pod-security-context",
     "pods run as non-root, without privilege escalation, with all capabilities dropped and the RuntimeDefault "
     "seccomp profile",
     "pods keep the image's user and capabilities (parameters.pod_security_context: true restricts them)"),
)


def _optional_practices(spec: ProjectSpec, manifest: Manifest) -> list[Practice]:
    """Practices a team may ask for; each is off until the spec (or a prompt) switches it on.
    Kind-specific ones are listed only for kinds that have them."""
    notification, params = spec.notification, spec.parameters
    found = [
        Practice(
            id="failure-notification",
            applied=notification.channel != "none",
            detail={
                "none": "no notification when a deployment fails (notification.channel: email, slack or teams)",
                "email": "a failed deployment is emailed to " + ", ".join([*notification.to, *notification.teams]),
                "slack": f"a failed deployment is posted to Slack through the webhook in {WEBHOOK_VARIABLE}",
                "teams": f"a failed deployment is posted to Microsoft Teams through the webhook in {WEBHOOK_VARIABLE}",
            }[notification.channel],
            switch="notification.channel",
        ),
        Practice(
            id="retention",
            applied=spec.lifecycle.retention is not None,
            detail=(
                f"lifecycle {spec.lifecycle.name} keeps {spec.lifecycle.retention.releases} releases per "
                f"non-production phase and {spec.lifecycle.retention.production_days} days in production"
                if spec.lifecycle.retention
                else "the lifecycle's retention is left to the space (lifecycle.retention sets it)"
            ),
            switch="lifecycle.retention",
        ),
    ]
    if spec.channels:
        found.append(
            Practice(
                id="channels",
                applied=True,
                detail=", ".join(f"{c.name} ({c.lifecycle or spec.lifecycle.name})" for c in spec.channels),
                switch="channels",
            )
        )
    if "window_size" in manifest.parameters:
        size = params.get("window_size") or 0
        found.append(
            Practice(
                id="rolling-deployment",
                applied=bool(size),
                detail=f"deploys to {size} target(s) at a time; the others keep serving"
                if size
                else "deploys to every target at once (parameters.window_size sets a rolling window)",
                switch="parameters.window_size",
            )
        )
    for parameter, practice, on, off in SWITCHED_BY_PARAMETER:
        if parameter in manifest.parameters:
            applied = bool(params.get(parameter))
            found.append(Practice(id=practice, applied=applied, detail=on if applied else off,
                                  switch=f"parameters.{parameter}"))
    return found
