"""The checklist of prerequisites made live: each requirement of a scaffold compared with a space.

A requirement is *present*, *missing*, *different* (there, but not as the project needs it: a
lifecycle whose phases are in another order, a feed of another type, a tenant not connected to
the project) or *unchecked* (nothing in the API can say, e.g. "software on targets"). Only reads
here; `apply.py` creates what can be created safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from octoscaffold.inputs import printable
from octoscaffold.prerequisites import Prerequisites, Requirement
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.spec.naming import slugify

# The account types of the Octopus API that fit each kind of account variable in OCL.
ACCOUNT_KINDS = {
    "AWS account": ("AmazonWebServicesAccount", "AmazonWebServicesRoleAccount", "AmazonWebServicesOidcAccount"),
    "Azure account": ("AzureServicePrincipal", "AzureOidc", "AzureSubscription"),
    "Google Cloud account": ("GoogleCloudAccount",),
    "username/password account": ("UsernamePassword",),
}
# Where each kind lives in the API (a collection of the space).
COLLECTIONS = {
    "project group": "projectgroups",
    "lifecycle": "lifecycles",
    "environment": "environments",
    "feed": "feeds",
    "worker pool": "workerpools",
    "git credential": "git-credentials",
    "certificate": "certificates",
    "team": "teams",
    "tenant": "tenants",
    **{kind: "accounts" for kind in ACCOUNT_KINDS},
}
CREATABLE = {"project group", "lifecycle", "environment", "tenant", "trigger"}
MAX_ITEMS = 100_000  # of one collection: a bigger answer is not a space we can reason about


@dataclass
class Check:
    requirement: Requirement
    status: str  # present | missing | different | unchecked
    detail: str = ""
    found: dict | None = field(default=None, repr=False)

    @property
    def creatable(self) -> bool:
        return self.requirement.kind in CREATABLE and self.status in ("missing", "different")


class SpaceState:
    """Collections of one space, each read once (every page) when first needed."""

    def __init__(self, api) -> None:
        self.api = api
        self._cache: dict[str, list[dict]] = {}

    def items(self, collection: str) -> list[dict]:
        if collection not in self._cache:
            found = self.api.all(self.api.space_path(collection))
            if not isinstance(found, list) or len(found) > MAX_ITEMS:
                from .client import OctopusError

                raise OctopusError(f"GET {self.api.space_path(collection)}: not a list of at most {MAX_ITEMS:,} items")
            self._cache[collection] = [item for item in found if isinstance(item, dict)]
        return self._cache[collection]

    def forget(self, collection: str) -> None:
        self._cache.pop(collection, None)

    def find(self, collection: str, name: str) -> dict | None:
        return find(self.items(collection), name)

    def names(self, collection: str, ids: list[str]) -> list[str]:
        by_id = {item.get("Id"): str(item.get("Name")) for item in self.items(collection)}
        return [by_id.get(i, str(i)) for i in ids]


def find(items: list[dict], name: str) -> dict | None:
    """The item whose Id, Name or Slug is `name` (names and slugs compared without case)."""
    wanted = name.lower()
    slug = slugify(name)
    for item in items:
        if item.get("Id") == name:
            return item
    for item in items:
        if str(item.get("Name", "")).lower() == wanted or str(item.get("Slug", "")).lower() in (wanted, slug):
            return item
    return None


def phase_environments(lifecycle: dict, state: SpaceState) -> list[list[str]]:
    """The environment names of each phase, in order."""
    phases = lifecycle.get("Phases") or []
    return [
        state.names("environments", list(p.get("AutomaticDeploymentTargets") or []) + list(p.get("OptionalDeploymentTargets") or []))
        for p in phases
        if isinstance(p, dict)
    ]


def expected_feed_types(view) -> dict[str, tuple[str, ...]]:
    """Feed slug → the feed types it must have, where the OCL says (container images, Helm charts)."""
    found: dict[str, tuple[str, ...]] = {}
    for process in view.processes:
        for action in process.actions:
            if action.container and action.container.feed:
                found[action.container.feed] = ("Docker", "AwsElasticContainerRegistry", "AzureContainerRegistry",
                                                "GoogleContainerRegistry")
            if action.action_type == "Octopus.HelmChartUpgrade":
                for package in action.packages:
                    if package.feed:
                        found[package.feed] = ("Helm", "OciRegistry")
    return found


def check_all(prereqs: Prerequisites, spec: ProjectSpec, view, state: SpaceState, project: dict | None) -> list[Check]:
    """Every requirement (recommended ones too) against the space, in the checklist's order."""
    feed_types = expected_feed_types(view)
    checks = []
    for requirement in [*prereqs.required, *prereqs.recommended]:
        if requirement.kind == "space":
            checks.append(Check(requirement, "present", state.api.space_id()))
            continue
        checks.append(_check(requirement, spec, state, project, feed_types))
    return checks


def _check(requirement: Requirement, spec: ProjectSpec, state: SpaceState, project: dict | None,
           feed_types: dict[str, tuple[str, ...]]) -> Check:
    kind, name = requirement.kind, requirement.name
    if kind == "deployment target tag":
        roles = state.api.get(state.api.space_path("machineroles/all")) or []
        if name in roles:
            return Check(requirement, "present")
        return Check(requirement, "missing", "no deployment target has this tag yet")
    if kind == "tenant tag":
        tags = {str(tag.get("CanonicalTagName")) for tagset in state.items("tagsets") for tag in tagset.get("Tags") or []}
        return Check(requirement, "present" if name in tags else "missing")
    if kind == "sensitive variable":
        return _sensitive(requirement, state, project)
    if kind == "trigger":
        if project is None:
            return Check(requirement, "missing", "the project does not exist yet")
        triggers = state.api.all(state.api.space_path(f"projects/{project['Id']}/triggers"))
        found = find([t for t in triggers if isinstance(t, dict)], name)
        return Check(requirement, "present" if found else "missing", found=found)
    collection = COLLECTIONS.get(kind)
    if collection is None:
        return Check(requirement, "unchecked", "the API cannot tell; check it yourself")
    found = state.find(collection, name)
    if found is None:
        return Check(requirement, "missing")
    if kind == "lifecycle":
        phases = phase_environments(found, state)
        have = [", ".join(p) for p in phases]
        want = list(spec.lifecycle.environments)
        if [h.lower() for h in have] != [w.lower() for w in want]:
            return Check(requirement, "different", "phases: " + " → ".join(have or ["(none: every environment)"]), found)
    if kind == "feed" and name in feed_types and found.get("FeedType") not in feed_types[name]:
        return Check(requirement, "different", f"a {printable(found.get('FeedType'))} feed; needs {feed_types[name][0]}", found)
    if kind in ACCOUNT_KINDS and found.get("AccountType") not in ACCOUNT_KINDS[kind]:
        return Check(requirement, "different", f"an account of type {printable(found.get('AccountType'))}", found)
    if kind == "tenant" and (project is None or project["Id"] not in (found.get("ProjectEnvironments") or {})):
        return Check(requirement, "different", "not connected to the project", found)
    return Check(requirement, "present", "", found)


def _sensitive(requirement: Requirement, state: SpaceState, project: dict | None) -> Check:
    if project is None:
        return Check(requirement, "missing", "set its value in the project once it exists")
    variables = state.api.get(state.api.space_path(f"variables/{project['VariableSetId']}")) or {}
    for variable in variables.get("Variables") or []:
        if isinstance(variable, dict) and variable.get("Name") == requirement.name:
            if variable.get("IsSensitive") or variable.get("Type") == "Sensitive":
                return Check(requirement, "present")
            return Check(requirement, "different", "set, but not as a sensitive value")
    return Check(requirement, "missing", "set its value in the project")


def check_project(spec: ProjectSpec, state: SpaceState, *, url: str, branch: str, credential: dict | None) -> tuple[Check, dict | None]:
    """The project itself: present with the right group, lifecycle and version control, or not."""
    requirement = Requirement("project", spec.project.name, f"version control: {url} {branch} {spec.git.base_path}")
    project = state.find("projects", spec.project.name)
    if project is None:
        return Check(requirement, "missing"), None
    problems = []
    group = state.find("projectgroups", spec.project.group)
    if group is not None and project.get("ProjectGroupId") != group.get("Id"):
        problems.append(f"in the group {', '.join(state.names('projectgroups', [project.get('ProjectGroupId')]))}")
    lifecycle = state.find("lifecycles", spec.lifecycle.name or "")
    if lifecycle is not None and project.get("LifecycleId") != lifecycle.get("Id"):
        problems.append(f"uses the lifecycle {', '.join(state.names('lifecycles', [project.get('LifecycleId')]))}")
    settings = project.get("PersistenceSettings") or {}
    if settings.get("Type") != "VersionControlled":
        problems.append("not in version control")
    else:
        for key, want in (("Url", url), ("DefaultBranch", branch), ("BasePath", spec.git.base_path)):
            if str(settings.get(key) or "").rstrip("/") != str(want or "").rstrip("/"):
                problems.append(f"{key} is {printable(settings.get(key))}")
        have_credential = (settings.get("Credentials") or {}).get("Id")
        if credential is not None and have_credential != credential.get("Id"):
            problems.append("connected with other Git credentials")
    if problems:
        return Check(requirement, "different", "; ".join(problems), project), project
    return Check(requirement, "present", "", project), project


def table(checks: list[Check]) -> str:
    """STATUS  KIND  NAME  DETAIL, aligned; every server string escaped."""
    rows = [("STATUS", "KIND", "NAME", "DETAIL")]
    for check in checks:
        detail = check.detail or check.requirement.detail
        rows.append((check.status, check.requirement.kind, printable(check.requirement.name), printable(detail)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip() for row in rows
    )


def ids(items: list[Any]) -> list[str]:
    return [str(item.get("Id")) for item in items if isinstance(item, dict)]
