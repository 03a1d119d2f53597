"""What must exist in the Octopus space before a generated project can deploy.

OCL refers to environments, feeds, worker pools, accounts and teams by slug; they, the project shell,
its lifecycle and tenants live in Octopus's database. The list is read from the generated files
themselves (so a user template's needs are found too), plus the spec for what OCL cannot say.
"""

from __future__ import annotations

from dataclasses import dataclass

from octoscaffold.ocl.view import ProjectView
from octoscaffold.policy import is_production
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.spec.naming import slugify

ACCOUNT_TYPES = {
    "AmazonWebServicesAccount": "AWS account",
    "AzureAccount": "Azure account",
    "GoogleCloudAccount": "Google Cloud account",
    "UsernamePasswordAccount": "username/password account",
    "Certificate": "certificate",
}


@dataclass(frozen=True)
class Requirement:
    kind: str
    name: str
    detail: str = ""

    def __str__(self) -> str:
        return f'{self.kind} "{self.name}"' + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class Prerequisites:
    required: list[Requirement]
    recommended: list[Requirement]
    connect: str
    command: str = ""


def _add(found: dict, kind: str, name: str, detail: str) -> None:
    details = found.setdefault((kind, name), [])
    if detail and detail not in details:
        details.append(detail)


def _quote(text: str) -> str:
    """Shell-quote for the example command (POSIX shells)."""
    import shlex

    return shlex.quote(text)


def create_command(spec: ProjectSpec) -> str:
    """The Octopus CLI command that creates the project, connected to this repository."""
    parts = [
        "octopus project create",
        f"--space {_quote(spec.project.space)}",
        f"--name {_quote(spec.project.name)}",
        f"--group {_quote(spec.project.group)}",
        f"--lifecycle {_quote(spec.lifecycle.name or '')}",
    ]
    if spec.project.description:
        parts.append(f"--description {_quote(spec.project.description)}")
    parts += ["--process-vcs", "--git-url <repository-url>", f"--git-base-path {_quote(spec.git.base_path or '')}"]
    return " ".join(parts)


def _retention(spec: ProjectSpec) -> str:
    retention = spec.lifecycle.retention
    if retention is None:
        return ""
    return (f"; retention: keep {retention.releases} releases in each non-production phase "
            f"and {retention.production_days} days in production phases")


def find_prerequisites(spec: ProjectSpec, view: ProjectView, manifest=None) -> Prerequisites:
    environments = spec.lifecycle.environments
    required = [
        Requirement("space", spec.project.space),
        Requirement("project group", spec.project.group),
        Requirement("lifecycle", spec.lifecycle.name or "", "phases: " + " → ".join(environments) + _retention(spec)),
    ]
    required += [Requirement("environment", name, f"slug {slugify(name)}") for name in environments]

    found: dict[tuple[str, str], list[str]] = {}
    for process in view.processes:
        for step in process.steps:
            for tag in step.target_roles:
                _add(found, "deployment target tag", tag, f"targets of step {step.name!r} in each environment")
    actions = [a for process in view.processes for a in process.actions]
    for action in actions:
        for package in action.packages:
            if package.feed:
                _add(found, "feed", package.feed, f"package {package.package_id}")
        if action.container and action.container.feed:
            _add(found, "feed", action.container.feed, f"image {action.container.image}")
        if action.worker_pool:
            _add(found, "worker pool", action.worker_pool, "")
        for dependency in action.git_dependencies:
            if dependency.git_credential_type == "Library" and dependency.git_credential_id:
                _add(found, "git credential", dependency.git_credential_id, f"for {dependency.repository_uri}")
    for variable in view.variables:
        kind = ACCOUNT_TYPES.get(variable.type or "")
        if variable.type == "WorkerPool":
            kind = "worker pool"
        if not kind:
            continue
        for value in variable.values:
            if value.value:
                scope = ", ".join(value.scope.environment) or "all environments"
                _add(found, kind, value.value, f"{variable.name} in {scope}")
    order = ["deployment target tag", "feed", "worker pool", "git credential", *ACCOUNT_TYPES.values()]
    for (kind, name), details in sorted(found.items(), key=lambda i: (order.index(i[0][0]), i[0][1])):
        required.append(Requirement(kind, name, "; ".join(details)))

    for need in manifest.prerequisites if manifest else []:
        required.append(
            Requirement(need.kind, need.name.replace("{slug}", spec.slug), need.detail.replace("{slug}", spec.slug))
        )
    for channel in spec.channels:
        lifecycle = channel.lifecycle or spec.lifecycle.name or ""
        detail = f"of this project, with the lifecycle {lifecycle}" + (f": {channel.description}" if channel.description else "")
        required.append(Requirement("channel", channel.name, detail))
        if channel.lifecycle and channel.lifecycle != spec.lifecycle.name:
            required.append(Requirement("lifecycle", channel.lifecycle, f"for the channel {channel.name}"))
    if spec.notification.channel == "email":
        required.append(Requirement("SMTP settings", "Configuration > SMTP", "so the failure notification can send email"))
        required += [Requirement("team", team, "emailed when a deployment fails") for team in spec.notification.teams]
    if spec.approval.enabled and spec.approval.team:
        required.append(Requirement("team", spec.approval.team, "responsible for the approval"))
    required += [Requirement("tenant", t, "connected to the project") for t in spec.tenancy.tenants]
    required += [Requirement("tenant tag", t) for t in spec.tenancy.tenant_tags]
    required += [
        Requirement("sensitive variable", v.name, "set its value in the project; secrets never go in git")
        for v in spec.variables
        if v.type == "Sensitive"
    ]
    required += [
        Requirement("sensitive variable", v.name, f"{v.description}; set its value in the project")
        for v in (manifest.sensitive_variables if manifest else [])
    ]

    recommended = []
    if spec.security_scan.active:
        production = [e for e in environments if is_production(e)] or environments[-2:-1]
        recommended.append(
            Requirement(
                "trigger",
                "Daily Security Scan",
                f"redeploy the release in {', '.join(production)} to {spec.security_scan.environment} "
                "every day, so new vulnerabilities are found after release",
            )
        )
    tenancy = {
        "untenanted": "",
        "tenanted": ", tenanted deployments required",
        "tenanted-or-untenanted": ", tenanted and untenanted deployments allowed",
    }[spec.tenancy.mode]
    connect = (
        f'create the project "{spec.project.name}" in the group "{spec.project.group}" with the '
        f'lifecycle "{spec.lifecycle.name}"{tenancy}; then in Settings > Version Control connect it to '
        f'this repository with the base path "{spec.git.base_path}".'
    )
    return Prerequisites(required, recommended, connect, create_command(spec))
