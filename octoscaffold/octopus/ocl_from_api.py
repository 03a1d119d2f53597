"""The API's JSON of a project as the OCL files Octopus would write for it.

Deployment processes, variable sets, deployment settings and runbooks come back from the REST API
with ids (`Environments-1`, `Feeds-2`); OCL names the same things by slug. Turning the JSON into
OCL syntax trees, written in the canonical layout and parsed again, gives the same typed view
(`ProjectView`) a folder in Git gives, with real line numbers, so every lint rule applies as it is.
Sensitive values never appear in OCL; their names are returned for the rules to count as defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from octoscaffold.ocl.ast import Attribute, Block, Boolean, Dictionary, Document, Entry, List, String
from octoscaffold.spec.naming import slugify

SCOPES = {"Environment": "environment", "Role": "role", "Machine": "machine", "Channel": "channel", "Action": "action",
          "ProcessOwner": "process", "TenantTag": "tenant_tag"}
ACCOUNT_VALUE_TYPES = {"AmazonWebServicesAccount", "AzureAccount", "GoogleCloudAccount", "UsernamePasswordAccount",
                       "GenericOidcAccount"}


@dataclass
class Slugs:
    """Id → slug of everything OCL names by slug; an id not found stays as it is."""

    environments: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)
    worker_pools: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    git_credentials: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def of(items: Iterable[Any]) -> dict[str, str]:
        return {str(i.get("Id")): str(i.get("Slug") or slugify(str(i.get("Name") or i.get("Id")))) for i in items if isinstance(i, dict)}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _strings(values: Any, table: dict[str, str] | None = None) -> list[str]:
    if not isinstance(values, list):
        return []
    return [table.get(v, v) if table is not None else v for v in (str(v) for v in values if isinstance(v, (str, int)))]


def _attributes(pairs: Iterable[tuple[str, Any]]) -> list[Attribute]:
    """Attributes for the values that say something: strings, lists, flags set, string maps."""
    found = []
    for name, value in pairs:
        if value is None or value is False or value == [] or value == {}:
            continue
        if isinstance(value, bool):
            node: Any = Boolean(value)
        elif isinstance(value, str):
            node = String(value)
        elif isinstance(value, (int, float)):
            from octoscaffold.ocl.ast import Number

            node = Number(str(value))
        elif isinstance(value, list):
            node = List([String(str(item)) for item in value])
        elif isinstance(value, dict):
            entries = [Entry(str(k), String(v)) for k, v in value.items() if isinstance(v, str)]
            if not entries:
                continue
            node = Dictionary(entries)
        else:
            continue
        found.append(Attribute(name, node))
    return found


def _action(action: dict, step_name: str, single: bool, slugs: Slugs) -> Block:
    name = str(action.get("Name") or step_name)
    container = action.get("Container") if isinstance(action.get("Container"), dict) else {}
    body: list[Any] = _attributes([
        ("action_type", _text(action.get("ActionType"))),
        ("channels", _strings(action.get("Channels"), slugs.channels)),
        ("environments", _strings(action.get("Environments"), slugs.environments)),
        ("excluded_environments", _strings(action.get("ExcludedEnvironments"), slugs.environments)),
        ("is_disabled", action.get("IsDisabled") is True),
        ("is_required", action.get("IsRequired") is True),
        ("name", name if not single or name != step_name else None),
        ("notes", _text(action.get("Notes"))),
        ("properties", action.get("Properties") if isinstance(action.get("Properties"), dict) else {}),
        ("tenant_tags", _strings(action.get("TenantTags"))),
        ("worker_pool", slugs.worker_pools.get(str(action.get("WorkerPoolId")), _text(action.get("WorkerPoolId")))),
        ("worker_pool_variable", _text(action.get("WorkerPoolVariable"))),
    ])
    if container and _text(container.get("Image")):
        body.append(Block("container", [], _attributes([
            ("feed", slugs.feeds.get(str(container.get("FeedId")), _text(container.get("FeedId")))),
            ("image", _text(container.get("Image")))])))
    for package in action.get("Packages") or []:
        if not isinstance(package, dict):
            continue
        body.append(Block("packages", [str(package.get("Name") or "")], _attributes([
            ("acquisition_location", _text(package.get("AcquisitionLocation"))),
            ("feed", slugs.feeds.get(str(package.get("FeedId")), _text(package.get("FeedId")))),
            ("package_id", _text(package.get("PackageId"))),
            ("properties", package.get("Properties") if isinstance(package.get("Properties"), dict) else {}),
        ])))
    for dependency in action.get("GitDependencies") or []:
        if not isinstance(dependency, dict):
            continue
        credential = _text(dependency.get("GitCredentialId"))
        body.append(Block("git_dependencies", [str(dependency.get("Name") or "")], _attributes([
            ("default_branch", _text(dependency.get("DefaultBranch"))),
            ("git_credential_id", slugs.git_credentials.get(credential or "", credential)),
            ("git_credential_type", _text(dependency.get("GitCredentialType"))),
            ("repository_uri", _text(dependency.get("RepositoryUri"))),
        ])))
    labels = [] if single else [str(action.get("Slug") or slugify(name))]
    return Block("action", labels, body)


def _step(step: dict, slugs: Slugs) -> Block:
    name = str(step.get("Name") or "")
    actions = [a for a in step.get("Actions") or [] if isinstance(a, dict)]
    body: list[Any] = _attributes([
        ("condition", step.get("Condition") if step.get("Condition") not in (None, "Success") else None),
        ("name", name),
        ("package_requirement", step.get("PackageRequirement") if step.get("PackageRequirement") not in (None, "LetOctopusDecide") else None),
        ("properties", step.get("Properties") if isinstance(step.get("Properties"), dict) else {}),
        ("start_trigger", step.get("StartTrigger") if step.get("StartTrigger") not in (None, "StartAfterPrevious") else None),
    ])
    body += [_action(action, name, len(actions) == 1, slugs) for action in actions]
    return Block("step", [str(step.get("Slug") or slugify(name) or "step")], body)


def process_document(process: dict, slugs: Slugs) -> Document:
    return Document([_step(step, slugs) for step in process.get("Steps") or [] if isinstance(step, dict)])


def variables_document(variable_set: dict, slugs: Slugs) -> tuple[Document, list[str]]:
    """variables.ocl for the set's plain values, and the names of its sensitive ones."""
    grouped: dict[str, list[dict]] = {}
    sensitive: list[str] = []
    for variable in variable_set.get("Variables") or []:
        if not isinstance(variable, dict) or not isinstance(variable.get("Name"), str):
            continue
        if variable.get("IsSensitive") or variable.get("Type") == "Sensitive":
            sensitive.append(variable["Name"])
            continue
        grouped.setdefault(variable["Name"], []).append(variable)
    blocks = []
    for name, values in grouped.items():
        kind = next((str(v.get("Type")) for v in values if v.get("Type") not in (None, "String")), None)
        table = slugs.accounts if kind in ACCOUNT_VALUE_TYPES else slugs.worker_pools if kind == "WorkerPool" else {}
        body: list[Any] = _attributes([("type", kind)])
        for value in values:
            body.append(_value(value, table, slugs))
        blocks.append(Block("variable", [name], body))
    return Document(blocks), sensitive


def _value(variable: dict, table: dict[str, str], slugs: Slugs) -> Block:
    raw = variable.get("Value")
    text = table.get(raw, raw) if isinstance(raw, str) else None
    scope = variable.get("Scope") if isinstance(variable.get("Scope"), dict) else {}
    pairs: list[tuple[str, Any]] = [("description", _text(variable.get("Description")))]
    for key, name in SCOPES.items():
        lookup = slugs.environments if key == "Environment" else slugs.channels if key == "Channel" else None
        pairs.append((name, _strings(scope.get(key), lookup)))
    labels: list[str] = []
    if text is not None and "\n" not in text and "\r" not in text:
        labels = [text]
    elif text:
        pairs.append(("value", text))
    body: list[Any] = _attributes(pairs)
    prompt = variable.get("Prompt")
    if isinstance(prompt, dict):
        body.append(Block("prompt", [], _attributes([
            ("description", _text(prompt.get("Description"))), ("display_settings", prompt.get("DisplaySettings") or {}),
            ("label", _text(prompt.get("Label"))), ("required", prompt.get("Required") is True)])))
    return Block("value", labels, body)


def _connectivity(policy: Any) -> list[Block]:
    if not isinstance(policy, dict):
        return []
    return [Block("connectivity_policy", [], _attributes([
        ("allow_deployments_to_no_targets", policy.get("AllowDeploymentsToNoTargets") is True),
        ("exclude_unhealthy_targets", policy.get("ExcludeUnhealthyTargets") is True),
        ("skip_machine_behavior", _text(policy.get("SkipMachineBehavior"))),
        ("target_roles", _strings(policy.get("TargetRoles"))),
    ]))]


def settings_document(settings: dict) -> Document:
    """deployment_settings.ocl from a project (database) or its deployment settings (Git)."""
    body: list[Any] = _attributes([
        ("default_guided_failure_mode", _text(settings.get("DefaultGuidedFailureMode"))),
        ("deployment_changes_template", _text(settings.get("DeploymentChangesTemplate"))),
        ("release_notes_template", _text(settings.get("ReleaseNotesTemplate"))),
    ])
    body += _connectivity(settings.get("ConnectivityPolicy") or settings.get("ProjectConnectivityPolicy"))
    strategy = settings.get("VersioningStrategy")
    if isinstance(strategy, dict):
        donor = strategy.get("DonorPackage") if isinstance(strategy.get("DonorPackage"), dict) else None
        inner: list[Any] = _attributes([("template", _text(strategy.get("Template")))])
        if donor and _text(donor.get("DeploymentAction")):
            inner.append(Block("donor_package", [], _attributes([
                ("package", _text(donor.get("PackageReference"))), ("step", _text(donor.get("DeploymentAction")))])))
        if inner:
            body.append(Block("versioning_strategy", [], inner))
    return Document(body)


def runbook_document(runbook: dict, process: dict | None, slugs: Slugs) -> Document:
    retention = runbook.get("RunRetentionPolicy") if isinstance(runbook.get("RunRetentionPolicy"), dict) else None
    body: list[Any] = _attributes([
        ("default_guided_failure_mode", _text(runbook.get("DefaultGuidedFailureMode"))),
        ("description", _text(runbook.get("Description"))),
        ("environment_scope", _text(runbook.get("EnvironmentScope"))),
        ("environments", _strings(runbook.get("Environments"), slugs.environments)),
        ("multi_tenancy_mode", _text(runbook.get("MultiTenancyMode"))),
        ("name", _text(runbook.get("Name"))),
    ])
    body += _connectivity(runbook.get("ConnectivityPolicy"))
    if retention is not None:
        keep_forever = retention.get("ShouldKeepForever") is True
        quantity = retention.get("QuantityToKeep")
        body.append(Block("run_retention_policy", [], _attributes([
            ("quantity_to_keep", quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else None),
            ("type", _text(retention.get("Type")) or ("Forever" if keep_forever else "Count")),
            ("unit", _text(retention.get("Unit"))),
        ])))
    if process is not None:
        body.append(Block("process", [], process_document(process, slugs).body))
    return Document(body)
