"""The typed intent: what the user asked for, and what the policy resolved.

A minimal spec is `apiVersion`, `project.name` and `template`; everything else has a default or is
filled in by the policy (octoscaffold.policy). The JSON paths documented in docs/spec.md are a
stable public interface.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

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


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, validate_assignment=True, str_max_length=MAX_TEXT
    )

    @model_validator(mode="before")
    @classmethod
    def _only_writable(cls, data: Any) -> Any:
        if isinstance(data, dict):
            _writable(data)
        return data


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


class Project(_Model):
    name: str = Field(min_length=1, max_length=MAX_NAME, description="Display name of the Octopus project.")
    slug: str | None = Field(None, description="Project slug; derived from the name when omitted.")
    group: str = Field("Default Project Group", min_length=1, description="Project group name.")
    space: str = Field("Default", min_length=1, description="Octopus space name.")
    description: str = Field("", description="Project description.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _named(value, "project")

    @field_validator("slug")
    @classmethod
    def _slug_rules(cls, value: str | None) -> str | None:
        if value is not None and not is_slug(value):
            raise ValueError(
                f"{value!r} must be lowercase letters, digits and single hyphens "
                f"(at most 50 characters), e.g. {slugify(value)!r}"
            )
        return value

    @model_validator(mode="after")
    def _slug(self) -> "Project":
        if self.slug is None:
            self.slug = slugify(self.name)
        return self


class Lifecycle(_Model):
    name: str | None = Field(None, description="Lifecycle name; the policy picks one when omitted.")
    environments: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Environment names in promotion order; the policy fills the default.",
    )
    retention: Retention | None = Field(None, description="Release retention the lifecycle should have.")

    @field_validator("environments")
    @classmethod
    def _environments(cls, value: list[str]) -> list[str]:
        return _names(value, "environment")


class Tenancy(_Model):
    mode: TenancyMode = "untenanted"
    tenants: list[str] = Field(default_factory=list, max_length=10 * MAX_ITEMS)
    tenant_tags: list[str] = Field(default_factory=list, max_length=MAX_ITEMS, description="Canonical `TagSet/Tag` names.")

    @field_validator("tenant_tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        bad = [t for t in value if t.count("/") != 1 or "" in t.split("/")]
        if bad:
            raise ValueError(f"tenant tags are written `TagSet/Tag`, not {', '.join(map(repr, bad))}")
        return value


class Approval(_Model):
    enabled: bool = True
    environments: list[str] = Field(
        default_factory=list,
        description="Environments the approval runs in; default: the production environment(s).",
    )
    instructions: str | None = None
    team: str | None = Field(None, description="Slug of the team responsible for approving.")


SbomSource = Literal["package", "image", "none"]
NotificationChannel = Literal["none", "email", "slack", "teams"]


class SecurityScan(_Model):
    enabled: bool = True
    environment: str = Field("Security", min_length=1)
    sbom: SbomSource = Field(
        "package",
        description="What is scanned: `package` the CycloneDX SBOM package of each release, `image` the "
        "deployed container image, `none` nothing (no scan step; the practice is off).",
    )
    scanner_image: str | None = Field(
        None, min_length=1, max_length=MAX_NAME, description="Container image of the scanner (Trivy); default: the script's own."
    )

    @field_validator("scanner_image")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        # It goes into a shell command: only the characters of an image reference.
        if value is not None and not IMAGE_REFERENCE.fullmatch(value):
            raise ValueError(f"{value!r} is not a container image reference, e.g. ghcr.io/aquasecurity/trivy:0.58.1")
        return value

    @property
    def active(self) -> bool:
        """A scan step (and the Security environment) is made: enabled, with something to scan."""
        return self.enabled and self.sbom != "none"


class Notification(_Model):
    channel: NotificationChannel = Field("none", description="Where a failed deployment is reported; `none`: nowhere.")
    to: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Email addresses (channel `email`)."
    )
    teams: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Slugs of Octopus teams to email (channel `email`)."
    )


class Runbook(_Model):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    description: str = ""
    environments: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Environments it may run in; default: all but Security."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _named(value, "runbook")


class Variable(_Model):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    value: str = ""
    type: VariableType = "String"
    environments: list[str] = Field(default_factory=list, description="Environment scope.")
    description: str = ""


class DonorPackage(_Model):
    step: str = Field(min_length=1, max_length=MAX_NAME, description="Slug of the step that references the package.")
    package: str = Field("", max_length=MAX_NAME, description="Name of the package reference; empty for the step's primary package.")


class Versioning(_Model):
    strategy: Literal["date", "semantic"] = "date"
    template: str | None = Field(None, description="Release version template; from the strategy.")
    donor_package: DonorPackage | None = Field(
        None, description="Release versions from a package of the release instead of a template."
    )

    @model_validator(mode="after")
    def _one_source(self) -> "Versioning":
        if self.donor_package is not None and self.template is not None:
            raise ValueError("give versioning.template or versioning.donor_package, not both")
        return self


class Retention(_Model):
    releases: int = Field(ge=1, le=10_000, description="Releases kept in each non-production phase.")
    production_days: int = Field(ge=1, le=10_000, description="Days releases are kept in production phases.")


class Channel(_Model):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    lifecycle: str | None = Field(None, description="Lifecycle of the channel; default: the project's.")
    description: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _named(value, "channel")


class Settings(_Model):
    guided_failure_mode: GuidedFailureMode = "EnvironmentDefault"
    worker_pool: str = Field("hosted-ubuntu", description="Slug of the worker pool for worker steps.")
    schema_version: int = Field(
        14, ge=1, le=1000,
        description="OCL schema version written to the project: 14, the newest real exports show; "
        "an older Octopus Server needs the version it writes itself.",
    )
    accounts: dict[str, dict[Literal["nonproduction", "production"], str]] = Field(
        default_factory=dict,
        max_length=10,
        description="Account slugs per cloud (`aws`, `azure`, `gcp`) and environment class; default `<cloud>-<class>`.",
    )

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, value: dict) -> dict:
        unknown = sorted(set(value) - {"aws", "azure", "gcp"})
        if unknown:
            raise ValueError(f"unknown cloud {unknown[0]!r} (known: aws, azure, gcp)")
        return value


class Git(_Model):
    base_path: str | None = Field(None, description="Folder of the OCL files; default .octopus/<slug>.")

    @field_validator("base_path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is None:
            return None
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


class Practice(_Model):
    """One best-practice default, as the policy applied it (or was told not to)."""

    id: str
    applied: bool
    detail: str
    switch: str = Field(description="The spec field that turns it off or changes it.")


_BLOB_ID = re.compile(r"[0-9a-f]{40}")


class Generated(_Model):
    """Provenance of a render: what `octoscaffold update` needs to merge the next one."""

    template: str = Field(min_length=1, max_length=MAX_NAME, description="Catalog id of the template.")
    version: str = Field(max_length=MAX_NAME, description="The template's version.")
    hash: str = Field(max_length=MAX_NAME, description="sha256 of the template folder's files (examples and snapshots aside).")
    catalog: str = Field(max_length=MAX_NAME, description="Where the template came from: built-in, catalog, .octoscaffold.toml, user config or an entry point.")
    octoscaffold: str = Field(max_length=MAX_NAME, description="The octoscaffold version that rendered.")
    files: dict[str, str] = Field(
        default_factory=dict,
        max_length=10 * MAX_ITEMS,
        description="Every file the render made (but the spec itself) → the git blob id of what was rendered.",
    )

    @field_validator("files")
    @classmethod
    def _blob_ids(cls, value: dict[str, str]) -> dict[str, str]:
        bad = next((path for path, blob in value.items() if not _BLOB_ID.fullmatch(blob)), None)
        if bad is not None:
            raise ValueError(f"{bad[:200]!r}: a git blob id is 40 lowercase hex digits")
        return value


class ProjectSpec(_Model):
    api_version: Literal["octoscaffold/v1"] = Field(API_VERSION, alias="apiVersion")
    project: Project
    template: str = Field(min_length=1, description="Catalog id of the project kind.")
    parameters: dict[str, ParameterValue] = Field(default_factory=dict, max_length=MAX_ITEMS)
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    tenancy: Tenancy = Field(default_factory=Tenancy)
    approval: Approval = Field(default_factory=Approval)
    security_scan: SecurityScan = Field(default_factory=SecurityScan)
    notification: Notification = Field(default_factory=Notification)
    channels: list[Channel] = Field(default_factory=list, max_length=MAX_ITEMS, description="Release channels the project needs.")
    runbooks: list[Runbook] | None = Field(
        None, max_length=MAX_ITEMS, description="Runbooks; omitted means the template's own, [] means none."
    )
    variables: list[Variable] = Field(default_factory=list, max_length=10 * MAX_ITEMS, description="Extra project variables.")
    versioning: Versioning = Field(default_factory=Versioning)
    settings: Settings = Field(default_factory=Settings)
    git: Git = Field(default_factory=Git)
    prompt: str | None = Field(None, description="The prompt this spec was understood from.")
    practices: list[Practice] = Field(
        default_factory=list, description="Best-practice defaults as applied (written by the policy)."
    )
    warnings: list[str] = Field(default_factory=list, description="Parts of the prompt not understood.")
    sources: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_ITEMS,
        description="Where values not written in the prompt came from: field path → settings file (organisation defaults).",
    )
    generated: Generated | None = Field(
        None,
        description="Where the files came from (written by render): the template, its version and content hash, "
        "the catalog, octoscaffold's version and each file's git blob id. `octoscaffold update` merges from it; "
        "a later --force render removes files it no longer makes, unless they were edited.",
    )
    # The YAML document the spec was read from, so saving it again keeps the user's comments.
    _document: object = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # Two specs are equal when their data is; where they were read from does not matter.
        if not isinstance(other, ProjectSpec):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    @property
    def slug(self) -> str:
        assert self.project.slug is not None  # set by Project's validator
        return self.project.slug
