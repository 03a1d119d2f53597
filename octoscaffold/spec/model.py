"""The typed intent: what the user asked for, and what the policy resolved.

Models are msgspec structs (see octoscaffold.spec.base): validated when a spec is read
(`ProjectSpec.model_validate`), with the checks of each model in its `check`.

A minimal spec is `apiVersion`, `project.name` and `template`; everything else has a default or is
filled in by the policy (octoscaffold.policy). The JSON paths documented in docs/spec.md are a
stable public interface.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, Any, Literal, Union

from msgspec import Meta, field

from octoscaffold.spec.base import Model, invalid
from octoscaffold.spec.naming import is_slug, slugify

API_VERSION = "octoscaffold/v1"

TenancyMode = Literal["untenanted", "tenanted", "tenanted-or-untenanted"]
GuidedFailureMode = Literal["EnvironmentDefault", "On", "Off"]
VariableType = Literal[
    "String",
    "Sensitive",
    "AmazonWebServicesAccount",
    "AzureAccount",
    "GoogleCloudAccount",
    "Certificate",
    "WorkerPool",
]
ParameterValue = Union[str, int, bool, list[str]]

# Limits that no real project comes near; they keep a hostile spec from costing minutes or memory.
MAX_TEXT = 100_000  # characters in one value (a script, a description)
MAX_NAME = 200  # characters in a name
MAX_ITEMS = 500  # environments, runbooks, tenants, variables...
MAX_NUMBER = 10**15
# NUL and lone surrogates cannot be written to a file or a path; no value may hold them.
# A container image reference: the only characters one may hold (it goes into shell commands).
IMAGE_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:@-]*")
_UNWRITABLE = re.compile(r"[\x00\ud800-\udfff]")


def _writable(value: Any, where: str = "") -> None:
    """Refuse NUL, lone surrogates and absurd integers anywhere in the raw data of a model."""
    if isinstance(value, str):
        bad = _UNWRITABLE.search(value)
        if bad:
            what = "a NUL character" if bad.group() == "\x00" else "a lone surrogate (text that is not Unicode)"
            raise ValueError(f"{where or 'a value'} holds {what} at character {bad.start() + 1}")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > MAX_NUMBER:
            raise ValueError(f"{where or 'a number'} is too large (at most {MAX_NUMBER:,})")
    elif isinstance(value, dict):
        for key, item in value.items():
            _writable(key, where)
            _writable(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _writable(item, f"{where}[{index}]")



Text = Annotated[str, Meta(max_length=MAX_TEXT)]
Name = Annotated[str, Meta(min_length=1, max_length=MAX_NAME)]
NonEmpty = Annotated[str, Meta(min_length=1, max_length=MAX_TEXT)]
Texts = Annotated[list[Text], Meta(max_length=MAX_ITEMS)]


class _Model(Model):
    @classmethod
    def raw_check(cls, data: Any) -> None:
        _writable(data)


def _names(values: list[str], what: str) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise ValueError(f"{what} names must not be empty")
    slugs = [slugify(v) for v in cleaned]
    if any(not s for s in slugs):
        raise ValueError(f"{what} names need at least one letter or digit")
    counts = Counter(slugs)
    duplicates = sorted({v for v, s in zip(cleaned, slugs, strict=True) if counts[s] > 1})
    if duplicates:
        raise ValueError(f"{what} names must be distinct: {', '.join(duplicates)}")
    return cleaned


def _named(value: str, what: str) -> str:
    value = value.strip()
    if not slugify(value):
        raise ValueError(f"the {what} name needs at least one letter or digit")
    return value


class Project(_Model, kw_only=True):
    name: Annotated[Name, Meta(description="Display name of the Octopus project.")]
    slug: Annotated[Text | None, Meta(description="Project slug; derived from the name when omitted.")] = None
    group: Annotated[NonEmpty, Meta(description="Project group name.")] = "Default Project Group"
    space: Annotated[NonEmpty, Meta(description="Octopus space name.")] = "Default"
    description: Annotated[Text, Meta(description="Project description.")] = ""

    def check(self) -> None:
        with invalid("name"):
            self.name = _named(self.name, "project")
        if self.slug is not None and not is_slug(self.slug):
            with invalid("slug"):
                raise ValueError(
                    f"{self.slug!r} must be lowercase letters, digits and single hyphens "
                    f"(at most 50 characters), e.g. {slugify(self.slug)!r}"
                )
        if self.slug is None:
            self.slug = slugify(self.name)


class Retention(_Model, kw_only=True):
    releases: Annotated[int, Meta(ge=1, le=10_000, description="Releases kept in each non-production phase.")]
    production_days: Annotated[int, Meta(ge=1, le=10_000, description="Days releases are kept in production phases.")]


class Lifecycle(_Model, kw_only=True):
    name: Annotated[Text | None, Meta(description="Lifecycle name; the policy picks one when omitted.")] = None
    environments: Annotated[
        Texts, Meta(description="Environment names in promotion order; the policy fills the default.")
    ] = field(default_factory=list)
    retention: Annotated[Retention | None, Meta(description="Release retention the lifecycle should have.")] = None

    def check(self) -> None:
        with invalid("environments"):
            self.environments = _names(self.environments, "environment")


class Tenancy(_Model, kw_only=True):
    mode: TenancyMode = "untenanted"
    tenants: Annotated[list[Text], Meta(max_length=10 * MAX_ITEMS)] = field(default_factory=list)
    tenant_tags: Annotated[Texts, Meta(description="Canonical `TagSet/Tag` names.")] = field(default_factory=list)

    def check(self) -> None:
        bad = [t for t in self.tenant_tags if t.count("/") != 1 or "" in t.split("/")]
        if bad:
            with invalid("tenant_tags"):
                raise ValueError(f"tenant tags are written `TagSet/Tag`, not {', '.join(map(repr, bad))}")


class Approval(_Model, kw_only=True):
    enabled: bool = True
    environments: Annotated[
        list[Text], Meta(description="Environments the approval runs in; default: the production environment(s).")
    ] = field(default_factory=list)
    instructions: Text | None = None
    team: Annotated[Text | None, Meta(description="Slug of the team responsible for approving.")] = None


SbomSource = Literal["package", "image", "none"]
NotificationChannel = Literal["none", "email", "slack", "teams"]


class SecurityScan(_Model, kw_only=True):
    enabled: bool = True
    environment: NonEmpty = "Security"
    sbom: Annotated[SbomSource, Meta(
        description="What is scanned: `package` the CycloneDX SBOM package of each release, `image` the "
        "deployed container image, `none` nothing (no scan step; the practice is off).",
    )] = "package"
    scanner_image: Annotated[
        Name | None, Meta(description="Container image of the scanner (Trivy); default: the script's own.")
    ] = None

    def check(self) -> None:
        # It goes into a shell command: only the characters of an image reference.
        if self.scanner_image is not None and not IMAGE_REFERENCE.fullmatch(self.scanner_image):
            with invalid("scanner_image"):
                raise ValueError(
                    f"{self.scanner_image!r} is not a container image reference, e.g. ghcr.io/aquasecurity/trivy:0.58.1"
                )

    @property
    def active(self) -> bool:
        """A scan step (and the Security environment) is made: enabled, with something to scan."""
        return self.enabled and self.sbom != "none"


class Notification(_Model, kw_only=True):
    channel: Annotated[
        NotificationChannel, Meta(description="Where a failed deployment is reported; `none`: nowhere.")
    ] = "none"
    to: Annotated[Texts, Meta(description="Email addresses (channel `email`).")] = field(default_factory=list)
    teams: Annotated[Texts, Meta(description="Slugs of Octopus teams to email (channel `email`).")] = field(
        default_factory=list
    )


class Runbook(_Model, kw_only=True):
    name: Name
    description: Text = ""
    environments: Annotated[Texts, Meta(description="Environments it may run in; default: all but Security.")] = field(
        default_factory=list
    )

    def check(self) -> None:
        with invalid("name"):
            self.name = _named(self.name, "runbook")


class Variable(_Model, kw_only=True):
    name: Name
    value: Text = ""
    type: VariableType = "String"
    environments: Annotated[list[Text], Meta(description="Environment scope.")] = field(default_factory=list)
    description: Text = ""


class DonorPackage(_Model, kw_only=True):
    step: Annotated[Name, Meta(description="Slug of the step that references the package.")]
    package: Annotated[
        str, Meta(max_length=MAX_NAME, description="Name of the package reference; empty for the step's primary package.")
    ] = ""


class Versioning(_Model, kw_only=True):
    strategy: Literal["date", "semantic"] = "date"
    template: Annotated[Text | None, Meta(description="Release version template; from the strategy.")] = None
    donor_package: Annotated[
        DonorPackage | None, Meta(description="Release versions from a package of the release instead of a template.")
    ] = None

    def check(self) -> None:
        if self.donor_package is not None and self.template is not None:
            raise ValueError("give versioning.template or versioning.donor_package, not both")


class Channel(_Model, kw_only=True):
    name: Name
    lifecycle: Annotated[Text | None, Meta(description="Lifecycle of the channel; default: the project's.")] = None
    description: Text = ""

    def check(self) -> None:
        with invalid("name"):
            self.name = _named(self.name, "channel")


class Settings(_Model, kw_only=True):
    guided_failure_mode: GuidedFailureMode = "EnvironmentDefault"
    worker_pool: Annotated[Text, Meta(description="Slug of the worker pool for worker steps.")] = "hosted-ubuntu"
    schema_version: Annotated[int, Meta(
        ge=1, le=1000,
        description="OCL schema version written to the project: 14, the newest real exports show; "
        "an older Octopus Server needs the version it writes itself.",
    )] = 14
    accounts: Annotated[
        dict[Text, dict[Literal["nonproduction", "production"], Text]],
        Meta(max_length=10, description="Account slugs per cloud (`aws`, `azure`, `gcp`) and environment class; "
             "default `<cloud>-<class>`."),
    ] = field(default_factory=dict)

    def check(self) -> None:
        unknown = sorted(set(self.accounts) - {"aws", "azure", "gcp"})
        if unknown:
            with invalid("accounts"):
                raise ValueError(f"unknown cloud {unknown[0]!r} (known: aws, azure, gcp)")


class Git(_Model, kw_only=True):
    base_path: Annotated[Text | None, Meta(description="Folder of the OCL files; default .octopus/<slug>.")] = None

    def check(self) -> None:
        if self.base_path is not None:
            with invalid("base_path"):
                self.base_path = _base_path(self.base_path)


def _base_path(value: str) -> str:
    value = value.strip()
    if value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", value):
        raise ValueError(f"{value!r} is absolute; it must be relative to the repository root, e.g. .octopus/my-app")
    value = value.strip("/")
    parts = value.split("/")
    if not value or value.startswith("~") or any(p in ("", ".", "..") for p in parts):
        raise ValueError("must be a relative folder inside the repository, e.g. .octopus/my-app")
    if any(p.lower() == ".git" for p in parts):
        raise ValueError(f"{value!r} is inside git's own .git folder, where git keeps no files; choose e.g. .octopus/my-app")
    bad = next((p for p in parts if len(p.encode("utf-8")) > 255 or re.search(r"[\x00-\x1f\x7f\\:*?\"<>|]", p)), None)
    if bad is not None:
        raise ValueError(f"folder name {bad[:40]!r}... is too long or holds characters a path may not" if len(bad) > 40
                         else f"folder name {bad!r} holds characters a path may not (control characters, \\ : * ? \" < > |)")
    if len(value) > 1000:
        raise ValueError("is longer than 1,000 characters")
    return value


class Practice(_Model, kw_only=True):
    """One best-practice default, as the policy applied it (or was told not to)."""

    id: Text
    applied: bool
    detail: Text
    switch: Annotated[Text, Meta(description="The spec field that turns it off or changes it.")]


_BLOB_ID = re.compile(r"[0-9a-f]{40}")


class Generated(_Model, kw_only=True):
    """Provenance of a render: what `octoscaffold update` needs to merge the next one."""

    template: Annotated[Name, Meta(description="Catalog id of the template.")]
    version: Annotated[str, Meta(max_length=MAX_NAME, description="The template's version.")]
    hash: Annotated[str, Meta(
        max_length=MAX_NAME, description="sha256 of the template folder's files (examples and snapshots aside).")]
    catalog: Annotated[str, Meta(
        max_length=MAX_NAME,
        description="Where the template came from: built-in, catalog, .octoscaffold.toml, user config or an entry point.")]
    octoscaffold: Annotated[str, Meta(max_length=MAX_NAME, description="The octoscaffold version that rendered.")]
    files: Annotated[dict[Text, str], Meta(
        max_length=10 * MAX_ITEMS,
        description="Every file the render made (but the spec itself) → the git blob id of what was rendered.",
    )] = field(default_factory=dict)

    def check(self) -> None:
        bad = next((path for path, blob in self.files.items() if not _BLOB_ID.fullmatch(blob)), None)
        if bad is not None:
            with invalid("files"):
                raise ValueError(f"{bad[:200]!r}: a git blob id is 40 lowercase hex digits")


class ProjectSpec(_Model, kw_only=True, dict=True):
    api_version: Literal["octoscaffold/v1"] = field(default=API_VERSION, name="apiVersion")
    project: Project
    template: Annotated[NonEmpty, Meta(description="Catalog id of the project kind.")]
    parameters: Annotated[dict[Text, ParameterValue], Meta(max_length=MAX_ITEMS)] = field(default_factory=dict)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    tenancy: Tenancy = field(default_factory=Tenancy)
    approval: Approval = field(default_factory=Approval)
    security_scan: SecurityScan = field(default_factory=SecurityScan)
    notification: Notification = field(default_factory=Notification)
    channels: Annotated[list[Channel], Meta(max_length=MAX_ITEMS, description="Release channels the project needs.")] = field(
        default_factory=list
    )
    runbooks: Annotated[
        Annotated[list[Runbook], Meta(max_length=MAX_ITEMS)] | None,
        Meta(description="Runbooks; omitted means the template's own, [] means none."),
    ] = None
    variables: Annotated[list[Variable], Meta(max_length=10 * MAX_ITEMS, description="Extra project variables.")] = field(
        default_factory=list
    )
    versioning: Versioning = field(default_factory=Versioning)
    settings: Settings = field(default_factory=Settings)
    git: Git = field(default_factory=Git)
    prompt: Annotated[Text | None, Meta(description="The prompt this spec was understood from.")] = None
    practices: Annotated[
        list[Practice], Meta(description="Best-practice defaults as applied (written by the policy).")
    ] = field(default_factory=list)
    warnings: Annotated[list[Text], Meta(description="Parts of the prompt not understood.")] = field(default_factory=list)
    sources: Annotated[dict[Text, Text], Meta(
        max_length=MAX_ITEMS,
        description="Where values not written in the prompt came from: field path → settings file (organisation defaults).",
    )] = field(default_factory=dict)
    generated: Annotated[Generated | None, Meta(
        description="Where the files came from (written by render): the template, its version and content hash, "
        "the catalog, octoscaffold's version and each file's git blob id. `octoscaffold update` merges from it; "
        "a later --force render removes files it no longer makes, unless they were edited.",
    )] = None
    # Not a field: `_document`, the YAML document the spec was read from (set by spec.io), so saving
    # it again keeps the user's comments. Copies carry it (see Model.model_copy).

    @property
    def slug(self) -> str:
        assert self.project.slug is not None  # set by Project's check
        return self.project.slug
