"""`octoscaffold apply`: the checklist of a scaffold made live against an Octopus space, and the
project created there, connected to its repository.

1. Every prerequisite the scaffold lists is compared with the space: present, missing, different.
2. With `--create-missing`, what can be created safely is created: environments, the lifecycle with
   its phases, the project group, tenants connected to the project, the daily security scan trigger.
   Accounts, feeds, certificates and secrets never are: they are listed for a person.
3. The project is created and converted to version control (repository, default branch, base path,
   Git credentials by name), then its process is read back from Git and compared with the OCL.

A second run finds everything present and sends no write. `--dry-run` sends only reads and prints
every write it would send.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlsplit, urlunsplit

import click

from octoscaffold.errors import UserError
from octoscaffold.inputs import printable

SECURITY_TRIGGER = "Daily Security Scan"
WEEK = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Kinds that must be right before the project is created (it names them).
PROJECT_NEEDS = ("project group", "lifecycle")
# Kinds a person sets up; never created here.
FOR_A_PERSON = {"feed", "worker pool", "git credential", "certificate", "team", "deployment target tag", "tenant tag",
                "sensitive variable", "AWS account", "Azure account", "Google Cloud account", "username/password account"}


@dataclass
class Source:
    """What the project is: the stored spec, its OCL, the template's manifest."""

    spec: Any
    view: Any
    manifest: Any
    folder: Path


@dataclass
class Outcome:
    before: list = field(default_factory=list)  # checks before anything was created
    after: list = field(default_factory=list)  # checks after (empty for a dry run)
    done: list[str] = field(default_factory=list)  # what was created or changed, or would be
    requests: list[tuple[str, str, Any]] = field(default_factory=list)  # writes sent, or planned
    verified: str | None = None  # what reading the process back showed
    verify_ok: bool = True
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def final(self) -> list:
        return self.after or self.before

    @property
    def failing(self) -> list:
        """Required things still missing or different (recommended ones and unchecked ones aside)."""
        return [c for c in self.final if c.status in ("missing", "different") and not c.requirement.kind == "trigger"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failing or not self.verify_ok else 0


# -- reading the project --------------------------------------------------------------------


def load_source(repo: Path, spec_file: Path | None, slug: str | None) -> Source:
    """The spec (`--spec`, the slug's `.octoscaffold/<slug>.yaml`, or the only one) and its OCL."""
    from octoscaffold.ocl.view import load_project
    from octoscaffold.ocl.errors import OclSyntaxError
    from octoscaffold.spec import load_spec

    if spec_file is None:
        stored = repo / ".octoscaffold"
        if slug:
            spec_file = stored / f"{slug}.yaml"
        else:
            found = sorted(stored.glob("*.yaml")) if stored.is_dir() else []
            if len(found) != 1:
                what = "no stored spec" if not found else f"{len(found)} stored specs"
                raise UserError(f"{printable(stored)}: {what}", hint="name the project's slug or give --spec FILE")
            spec_file = found[0]
    spec = load_spec(spec_file)
    base = spec.git.base_path or f".octopus/{spec.slug}"
    folder = repo / base
    if not folder.is_dir():
        raise UserError(f"{printable(folder)}: no OCL for {spec.project.name!r}",
                        hint="run apply in the repository holding the project (check out or merge its review branch)")
    try:
        view = load_project(folder)
    except OclSyntaxError as error:
        raise UserError(f"{error}") from None
    manifest = None
    try:
        from octoscaffold.catalog import load_catalog

        template = load_catalog().templates.get(spec.template)
        manifest = template.manifest if template is not None else None
    except Exception:  # noqa: BLE001 - the catalog is optional here; its absence is said below
        manifest = None
    return Source(spec, view, manifest, folder)


def remote_url(repo: Path) -> str | None:
    """The `origin` URL of the repository, without any credentials in it."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "config", "--get", "remote.origin.url"], capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    url = done.stdout.strip()
    return strip_credentials(url) if url else None


def strip_credentials(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


# -- writing --------------------------------------------------------------------------------


class Writer:
    """POST and PUT through the client, or, for a dry run, recorded with a placeholder answer."""

    def __init__(self, api, outcome: Outcome) -> None:
        self.api = api
        self.outcome = outcome

    def send(self, method: str, path: str, body: dict, what: str) -> dict:
        """`what` says the change in a few words ("created environment Test")."""
        self.outcome.requests.append((method, path, body))
        self.outcome.done.append(what)
        if self.outcome.dry_run:
            return {"Id": f"<id of the {what.split(' ', 1)[-1]}>"}
        answer = self.api.request(method, path, body=body)
        return answer if isinstance(answer, dict) else {}


def apply_project(api, source: Source, *, git_url: str, branch: str, credential_name: str | None,
                  create_missing: bool, dry_run: bool) -> Outcome:
    """Check, create what is missing and safe, create and connect the project, read it back."""
    from octoscaffold.prerequisites import Requirement, find_prerequisites

    from .prereqs import SpaceState, check_all, check_project

    spec, view = source.spec, source.view
    outcome = Outcome(dry_run=dry_run)
    if source.manifest is None:
        outcome.notes.append(f"the template {spec.template!r} is not in the catalog here: its own prerequisites are not listed")
    prereqs = find_prerequisites(spec, view, source.manifest)
    if credential_name and not any(r.kind == "git credential" and r.name == credential_name for r in prereqs.required):
        prereqs.required.append(Requirement("git credential", credential_name, "connects the project to its repository"))
    state = SpaceState(api)

    def survey() -> list:
        credential = state.find("git-credentials", credential_name) if credential_name else None
        project_check, project = check_project(spec, state, url=git_url, branch=branch, credential=credential)
        return [project_check, *check_all(prereqs, spec, view, state, project)]

    outcome.before = survey()
    if not create_missing:
        if not dry_run:
            _verify(api, source, outcome, outcome.before[0], branch)
        return outcome
    writer = Writer(api, outcome)
    _create(api, state, source, outcome.before, writer, git_url=git_url, branch=branch, credential_name=credential_name)
    if dry_run:
        return outcome
    if outcome.requests:
        for collection in ("environments", "lifecycles", "projectgroups", "projects", "tenants"):
            state.forget(collection)
        outcome.after = survey()
    _verify(api, source, outcome, outcome.final[0], branch)
    return outcome


def _by_kind(checks: list, kind: str) -> list:
    return [c for c in checks if c.requirement.kind == kind]


def _create(api, state, source: Source, checks: list, writer: Writer, *, git_url: str, branch: str,
            credential_name: str | None) -> None:
    spec = source.spec
    space_id = api.space_id()
    environments: dict[str, str] = {}
    for name in spec.lifecycle.environments:
        found = state.find("environments", name)
        if found is not None:
            environments[name] = found["Id"]
            continue
        created = writer.send("POST", api.space_path("environments"), {
            "Name": name, "Description": "", "UseGuidedFailure": False, "AllowDynamicInfrastructure": False, "SpaceId": space_id,
        }, f"created environment {name}")
        environments[name] = created.get("Id")
    group = _by_kind(checks, "project group")[0]
    group_id = group.found.get("Id") if group.found else None
    if group.status == "missing":
        group_id = writer.send("POST", api.space_path("projectgroups"), {
            "Name": spec.project.group, "Description": "", "SpaceId": space_id}, f"created project group {spec.project.group}").get("Id")
    lifecycle = _by_kind(checks, "lifecycle")[0]
    lifecycle_id = lifecycle.found.get("Id") if lifecycle.found else None
    if lifecycle.status == "missing":
        lifecycle_id = writer.send("POST", api.space_path("lifecycles"), {
            "Name": spec.lifecycle.name, "Description": "Created by octoscaffold apply: one phase per environment, in order.",
            "SpaceId": space_id,
            "Phases": [{"Name": name, "OptionalDeploymentTargets": [environments[name]], "AutomaticDeploymentTargets": [],
                        "MinimumEnvironmentsBeforePromotion": 0, "IsOptionalPhase": False}
                       for name in spec.lifecycle.environments],
        }, f"created lifecycle {spec.lifecycle.name}").get("Id")
    project_check = checks[0]
    blockers = [c for c in checks if c.requirement.kind in PROJECT_NEEDS and c.status == "different"]
    credential = None
    if credential_name:
        credential = state.find("git-credentials", credential_name)
        if credential is None:
            writer.outcome.notes.append(f"the project is not created: the Git credential {credential_name!r} does not exist")
            return
    if blockers:
        what = ", ".join(f"{c.requirement.kind} {c.requirement.name!r} ({c.detail})" for c in blockers)
        writer.outcome.notes.append(f"the project is not created: {what} is not as the project needs it; fix it first")
        return
    project = project_check.found
    if project_check.status == "missing":
        project = writer.send("POST", api.space_path("projects"), {
            "Name": spec.project.name, "Slug": spec.slug, "Description": spec.project.description, "ProjectGroupId": group_id,
            "LifecycleId": lifecycle_id, "SpaceId": space_id, "TenantedDeploymentMode": _TENANCY[spec.tenancy.mode],
        }, f"created project {spec.project.name}")
        credentials = {"Type": "Reference", "Id": credential["Id"]} if credential else {"Type": "Anonymous"}
        writer.send("POST", api.space_path(f"projects/{project.get('Id')}/git/convert"), {
            "ProjectId": project.get("Id"), "SpaceId": space_id,
            "ChangeDescription": f"Connect {spec.project.name} to {source.spec.git.base_path} (octoscaffold apply)",
            "CommitMessage": f"Connect {spec.project.name} to its repository (octoscaffold apply)",
            "VersionControlSettings": {"Type": "VersionControlled", "Url": git_url, "DefaultBranch": branch,
                                       "BasePath": spec.git.base_path, "Credentials": credentials,
                                       "ProtectedDefaultBranch": False, "ProtectedBranchNamePatterns": []},
        }, f"connected project {spec.project.name} to {git_url} ({branch}, {spec.git.base_path})")
    elif project_check.status == "different":
        writer.outcome.notes.append(f"the project {spec.project.name!r} exists but {project_check.detail}; it is left as it is")
        return
    project_id = project.get("Id")
    lifecycle_environments = [environments.get(name) for name in spec.lifecycle.environments]
    for check in _by_kind(checks, "tenant"):
        if check.status == "missing":
            writer.send("POST", api.space_path("tenants"), {
                "Name": check.requirement.name, "Description": "", "SpaceId": space_id, "TenantTags": [],
                "ProjectEnvironments": {project_id: lifecycle_environments}}, f"created tenant {check.requirement.name}, connected to the project")
        elif check.status == "different" and check.found is not None:
            tenant = dict(check.found)
            tenant["ProjectEnvironments"] = dict(tenant.get("ProjectEnvironments") or {}, **{project_id: lifecycle_environments})
            tenant.pop("Links", None)
            writer.send("PUT", api.space_path(f"tenants/{tenant['Id']}"), tenant, f"connected tenant {check.requirement.name} to the project")
    for check in _by_kind(checks, "trigger"):
        if check.status != "missing" or check.requirement.name != SECURITY_TRIGGER or not spec.security_scan.active:
            continue
        from octoscaffold.policy import production_environments

        security = spec.security_scan.environment
        production = production_environments(list(spec.lifecycle.environments), security)
        writer.send("POST", api.space_path(f"projects/{project_id}/triggers"), {
            "Name": SECURITY_TRIGGER, "ProjectId": project_id, "SpaceId": space_id, "IsDisabled": False,
            "Description": f"Redeploys the release in {', '.join(production)} to {security} every day, so new vulnerabilities are found.",
            "Filter": {"FilterType": "OnceDailySchedule", "StartTime": "2024-01-01T03:00:00", "DaysOfWeek": WEEK, "Timezone": "UTC"},
            "Action": {"ActionType": "DeployLatestRelease", "SourceEnvironmentIds": [environments.get(p) for p in production],
                       "DestinationEnvironmentId": environments.get(security), "ShouldRedeployWhenReleaseIsCurrent": True,
                       "Variables": None},
        }, f"created trigger {SECURITY_TRIGGER}")


_TENANCY = {"untenanted": "Untenanted", "tenanted": "Tenanted", "tenanted-or-untenanted": "TenantedOrUntenanted"}


def _verify(api, source: Source, outcome: Outcome, project_check, branch: str) -> None:
    """Read the deployment process back from Git through Octopus and compare its steps with the OCL."""
    from octoscaffold.spec.naming import slugify

    from .client import OctopusError

    project = project_check.found
    if project is None or (project.get("PersistenceSettings") or {}).get("Type") != "VersionControlled":
        return
    ref = quote(f"refs/heads/{branch}", safe="")
    try:
        process = api.get(api.space_path(f"projects/{project['Id']}/{ref}/deploymentprocesses")) or {}
    except OctopusError as error:
        outcome.verify_ok = False
        outcome.verified = f"the process could not be read back from {branch}: {error}"
        return
    have = [str(s.get("Slug") or slugify(str(s.get("Name", "")))) for s in process.get("Steps") or [] if isinstance(s, dict)]
    want = [step.slug for step in (source.view.deployment_process.steps if source.view.deployment_process else ())]
    if have == want:
        outcome.verified = f"the process read back from {branch} has the {len(want)} steps of the OCL"
    else:
        outcome.verify_ok = False
        outcome.verified = (f"the process read back from {branch} has {len(have)} steps, the OCL {len(want)}"
                            f" (merge the review branch into {branch} so Octopus reads these files)")


# -- the command ----------------------------------------------------------------------------


@click.command("apply")
@click.argument("slug", required=False)
@click.option("--spec", "spec_file", type=click.Path(dir_okay=False, path_type=Path), help="The stored spec (default: .octoscaffold/<SLUG>.yaml, or the only one).")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Repository (or folder) holding the spec and the OCL.")
@click.option("--server", metavar="URL", help="Octopus server [env: OCTOPUS_URL]; the key comes from OCTOPUS_API_KEY only.")
@click.option("--space", metavar="NAME", help="Space name or id (default: the spec's space).")
@click.option("--git-url", metavar="URL", help="Repository URL Octopus reads (default: the origin remote).")
@click.option("--branch", metavar="NAME", default="main", show_default=True, help="Default branch of the project in Octopus.")
@click.option("--git-credential", "credential", metavar="NAME", help="Git credential of the space (by name); without it, anonymous.")
@click.option("--create-missing", is_flag=True, help="Create environments, lifecycle, project group, tenants, trigger and the project.")
@click.option("--dry-run", is_flag=True, help="Read the space, print every write it would send, send none.")
@click.option("--timeout", type=click.FloatRange(min=1, max=600), default=30.0, show_default=True, help="Seconds per request.")
def apply(slug, spec_file, repo, server, space, git_url, branch, credential, create_missing, dry_run, timeout) -> None:
    """Check a scaffold's prerequisites against an Octopus space; create the project.

    Prints a table: present, missing or different. With --create-missing, what
    can be created safely is created, then the project, connected to the
    repository; accounts, feeds and secrets are listed for a person.

    \b
    Exit codes: 0 everything present, 1 something missing or different,
    2 usage or input error, 3 the server failed.

    \b
    Examples:
      octoscaffold apply --server https://octopus.example.com
      octoscaffold apply octopub-sam --create-missing --git-credential github --dry-run
    """
    from .client import Octopus, octopus_settings

    source = load_source(repo, spec_file, slug)
    git_url = git_url or remote_url(repo)
    if not git_url:
        raise UserError("no repository URL for the project", hint="give --git-url, or add an origin remote")
    settings = octopus_settings(url=server, space=space or source.spec.project.space, timeout=timeout)
    with Octopus(settings) as api:
        outcome = apply_project(api, source, git_url=git_url, branch=branch, credential_name=credential,
                                create_missing=create_missing, dry_run=dry_run)
    report(outcome, settings, echo=click.echo)
    click.get_current_context().exit(outcome.exit_code)


def report(outcome: Outcome, settings, *, echo: Callable[[str], None]) -> None:
    from .prereqs import table

    echo(f"Space {printable(settings.space or 'default')} on {printable(settings.url)}:")
    echo(table(outcome.before))
    for note in outcome.notes:
        echo(f"Note: {printable(note)}")
    if outcome.dry_run:
        echo(f"\nDry run: {len(outcome.requests)} write{'s' if len(outcome.requests) != 1 else ''} would be sent.")
        for method, path, body in outcome.requests:
            echo(f"{method} {printable(path)}")
            echo(printable(json.dumps(body, indent=2, sort_keys=True), lines=True))
        return
    if outcome.done:
        echo("\nDone:")
        for what in outcome.done:
            echo(f"  {printable(what)}")
    if outcome.after:
        echo("\nNow:")
        echo(table(outcome.after))
    if outcome.verified:
        echo(("Verified: " if outcome.verify_ok else "Not verified: ") + printable(outcome.verified))
    person = [c for c in outcome.final if c.status in ("missing", "different") and c.requirement.kind in FOR_A_PERSON]
    if person:
        echo("\nFor a person (octoscaffold never creates accounts, feeds or secrets):")
        for check in person:
            echo(f"  - {printable(str(check.requirement))}{': ' + printable(check.detail) if check.detail else ''}")
    if not outcome.requests and not outcome.failing and outcome.verify_ok:
        echo("\nNothing to change: the space has everything this project needs.")
    elif outcome.failing:
        count = len(outcome.failing)
        echo(f"\n{count} thing{'s' if count != 1 else ''} missing or different.")
