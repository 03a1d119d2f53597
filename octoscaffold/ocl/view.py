"""A typed, read-only view of a config-as-code folder, for lint, tests and the renderer's own checks.

Every element knows where it was written (`position`) and keeps its syntax node (`node`) for anything
the view does not name; `where(attribute)` gives an attribute's own position. Attributes Octopus omits
when they hold their default read as that default (e.g. a step's condition is "Success").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from .ast import Block, Dictionary, Document, List
from .parser import parse, read_file

PROCESS_FILE = "deployment_process.ocl"
SETTINGS_FILE = "deployment_settings.ocl"
VARIABLES_FILE = "variables.ocl"
SCHEMA_FILE = "schema_version.ocl"
RUNBOOKS_FOLDER = "runbooks"


@dataclass(frozen=True)
class Position:
    path: str | None
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path or '<string>'}:{self.line}:{self.column}"


@dataclass(frozen=True, kw_only=True)
class Element:
    position: Position
    node: Block | Document | None = field(default=None, compare=False, repr=False)

    def where(self, attribute: str) -> Position:
        """Position of one of this element's attributes, or of the element when it is absent."""
        found = self.node.attribute(attribute) if self.node is not None else None
        if found is None:
            return self.position
        return Position(self.position.path, found.line, found.column)


@dataclass(frozen=True, kw_only=True)
class Property(Element):
    """One entry of a `properties` dictionary. Octopus writes every value as a string."""

    key: str
    value: Any


class _HasProperties:
    __slots__ = ()
    properties: Mapping[str, Property]

    def get_property(self, key: str, default: Any = None) -> Any:
        found = self.properties.get(key)
        return default if found is None else found.value


@dataclass(frozen=True, kw_only=True)
class Container(Element):
    feed: str | None
    image: str | None


@dataclass(frozen=True, kw_only=True)
class Package(Element, _HasProperties):
    name: str  # "" for the primary package
    package_id: str | None
    feed: str | None
    acquisition_location: str | None
    properties: Mapping[str, Property]
    step_package_inputs_reference_id: str | None


@dataclass(frozen=True, kw_only=True)
class GitDependency(Element):
    name: str
    repository_uri: str | None
    default_branch: str | None
    git_credential_type: str | None
    git_credential_id: str | None


@dataclass(frozen=True, kw_only=True)
class Action(Element, _HasProperties):
    slug: str | None  # the label; current Octopus writes single actions without one
    name: str
    action_type: str | None  # None for actions based on a step template
    is_disabled: bool
    is_required: bool
    environments: tuple[str, ...]
    excluded_environments: tuple[str, ...]
    channels: tuple[str, ...]
    tenant_tags: tuple[str, ...]
    worker_pool: str | None
    worker_pool_variable: str | None
    container: Container | None
    notes: str | None
    properties: Mapping[str, Property]
    packages: tuple[Package, ...]
    git_dependencies: tuple[GitDependency, ...]
    step_package_version: str | None
    inputs: Block | None  # step-package settings, free-form nested blocks

    @property
    def template_id(self) -> str | None:
        return self.get_property("Octopus.Action.Template.Id")

    @property
    def template_version(self) -> str | None:
        return self.get_property("Octopus.Action.Template.Version")


@dataclass(frozen=True, kw_only=True)
class Step(Element, _HasProperties):
    slug: str
    name: str
    condition: str
    start_trigger: str
    package_requirement: str
    properties: Mapping[str, Property]
    actions: tuple[Action, ...]

    @property
    def target_roles(self) -> tuple[str, ...]:
        """Octopus.Action.TargetRoles split at commas (target tags the step runs on)."""
        roles = self.get_property("Octopus.Action.TargetRoles")
        if not isinstance(roles, str):
            return ()
        return tuple(role.strip() for role in roles.split(",") if role.strip())


@dataclass(frozen=True, kw_only=True)
class TemplateParameter(Element):
    name: str
    value: Any


@dataclass(frozen=True, kw_only=True)
class PackageParameter(Element):
    name: str
    feed: str | None
    package_id: str | None


@dataclass(frozen=True, kw_only=True)
class ProcessTemplate(Element):
    """A Platform Hub process template used in place of a group of steps."""

    slug: str
    name: str
    template_slug: str | None
    version_mask: str | None
    parameters: tuple[TemplateParameter, ...]
    package_parameters: tuple[PackageParameter, ...]


@dataclass(frozen=True, kw_only=True)
class Process(Element):
    steps: tuple[Step, ...]
    process_templates: tuple[ProcessTemplate, ...]

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(action for step in self.steps for action in step.actions)


@dataclass(frozen=True, kw_only=True)
class Scope(Element):
    environment: tuple[str, ...]
    role: tuple[str, ...]
    machine: tuple[str, ...]
    channel: tuple[str, ...]
    action: tuple[str, ...]
    process: tuple[str, ...]
    tenant_tag: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not (
            self.environment or self.role or self.machine or self.channel or self.action or self.process or self.tenant_tag
        )


SCOPE_NAMES = ("environment", "role", "machine", "channel", "action", "process", "tenant_tag")


@dataclass(frozen=True, kw_only=True)
class Prompt(Element):
    label: str | None
    description: str | None
    required: bool
    display_settings: Mapping[str, Any]

    @property
    def control_type(self) -> str | None:
        return self.display_settings.get("Octopus.ControlType")


@dataclass(frozen=True, kw_only=True)
class VariableValue(Element):
    value: str | None  # the label, or a `value` attribute for multi-line text; None when empty
    description: str | None
    type: str | None  # older files put the type here rather than on the variable
    scope: Scope
    prompt: Prompt | None


@dataclass(frozen=True, kw_only=True)
class Variable(Element):
    name: str
    type: str | None  # None means a plain String variable
    values: tuple[VariableValue, ...]


@dataclass(frozen=True, kw_only=True)
class ConnectivityPolicy(Element):
    allow_deployments_to_no_targets: bool
    exclude_unhealthy_targets: bool
    skip_machine_behavior: str | None
    target_roles: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class DonorPackage(Element):
    package: str | None
    step: str | None


@dataclass(frozen=True, kw_only=True)
class VersioningStrategy(Element):
    template: str | None
    donor_package: DonorPackage | None


@dataclass(frozen=True, kw_only=True)
class DeploymentSettings(Element):
    guided_failure_mode: str  # default_guided_failure_mode; "EnvironmentDefault" when omitted
    release_notes_template: str | None
    deployment_changes_template: str | None
    connectivity_policy: ConnectivityPolicy | None
    versioning_strategy: VersioningStrategy | None


@dataclass(frozen=True, kw_only=True)
class RetentionPolicy(Element):
    type: str | None
    quantity_to_keep: int | None
    unit: str | None


@dataclass(frozen=True, kw_only=True)
class Runbook(Element):
    slug: str  # the file name without .ocl
    draft: bool  # under runbooks/migrated-drafts/
    name: str | None
    description: str | None
    guided_failure_mode: str
    environment_scope: str | None
    environments: tuple[str, ...]
    multi_tenancy_mode: str | None
    connectivity_policy: ConnectivityPolicy | None
    retention: RetentionPolicy | None
    process: Process | None


@dataclass(frozen=True, kw_only=True)
class SchemaVersion(Element):
    version: int | None


@dataclass(frozen=True)
class ProjectView:
    """One project's config-as-code files; a missing file reads as None (or empty)."""

    folder: Path | None
    documents: Mapping[str, Document]  # every file read, by path relative to the folder ("runbooks/x.ocl")
    schema_version: SchemaVersion | None
    deployment_process: Process | None
    deployment_settings: DeploymentSettings | None
    variables: tuple[Variable, ...]
    runbooks: tuple[Runbook, ...]

    @property
    def processes(self) -> tuple[Process, ...]:
        """The deployment process and every runbook process."""
        found = [self.deployment_process] + [runbook.process for runbook in self.runbooks]
        return tuple(process for process in found if process is not None)

    def variable(self, name: str) -> Variable | None:
        return next((variable for variable in self.variables if variable.name == name), None)

    def runbook(self, slug: str) -> Runbook | None:
        return next((runbook for runbook in self.runbooks if runbook.slug == slug), None)


# -- reading values -------------------------------------------------------------------------


def python_value(node: Any) -> Any:
    """A syntax value as plain Python: str, int, Decimal, bool, None, tuple or dict."""
    if type(node) is List:
        return tuple(item.python for item in node.items)
    if type(node) is Dictionary:
        return {entry.key: python_value(entry.value) for entry in node.entries}
    return node.python


class _Reader:
    """Typed look-ups of one block's attributes."""

    __slots__ = ("node", "path")

    def __init__(self, node: Block | Document, path: str | None) -> None:
        self.node = node
        self.path = path

    def at(self, node: Any) -> Position:
        return Position(self.path, node.line, node.column)

    def raw(self, name: str) -> Any:
        value = self.node.get(name)
        return None if value is None else python_value(value)

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.raw(name)
        if value is None or isinstance(value, (tuple, dict)):
            return default
        return value if isinstance(value, str) else str(value)

    def flag(self, name: str) -> bool:
        value = self.raw(name)
        return value is True or (isinstance(value, str) and value.lower() == "true")

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw(name)
        if value is None:
            return ()
        if isinstance(value, tuple):
            return tuple(str(item) for item in value)
        return (str(value),)

    def integer(self, name: str) -> int | None:
        value = self.raw(name)
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, (int, Decimal)):
            return int(value)
        try:
            return int(str(value))
        except ValueError:
            return None

    def properties(self, name: str = "properties") -> Mapping[str, Property]:
        found: dict[str, Property] = {}
        attribute = self.node.attribute(name)
        if attribute is not None and type(attribute.value) is Dictionary:
            for entry in attribute.value.entries:
                found[entry.key] = Property(key=entry.key, value=python_value(entry.value), position=self.at(entry))
        return MappingProxyType(found)

    def child(self, name: str) -> Block | None:
        return next(self.node.blocks(name), None)


def _first_label(block: Block) -> str | None:
    return block.labels[0] if block.labels else None


def _container(block: Block, path: str | None) -> Container:
    read = _Reader(block, path)
    return Container(feed=read.text("feed"), image=read.text("image"), position=read.at(block), node=block)


def _package(block: Block, path: str | None) -> Package:
    read = _Reader(block, path)
    return Package(
        name=_first_label(block) or "",
        package_id=read.text("package_id"),
        feed=read.text("feed"),
        acquisition_location=read.text("acquisition_location"),
        properties=read.properties(),
        step_package_inputs_reference_id=read.text("step_package_inputs_reference_id"),
        position=read.at(block),
        node=block,
    )


def _git_dependency(block: Block, path: str | None) -> GitDependency:
    read = _Reader(block, path)
    return GitDependency(
        name=_first_label(block) or "",
        repository_uri=read.text("repository_uri"),
        default_branch=read.text("default_branch"),
        git_credential_type=read.text("git_credential_type"),
        git_credential_id=read.text("git_credential_id"),
        position=read.at(block),
        node=block,
    )


def _action(block: Block, step_name: str, path: str | None) -> Action:
    read = _Reader(block, path)
    container = read.child("container")
    slug = _first_label(block)
    return Action(
        slug=slug,
        name=read.text("name") or slug or step_name,
        action_type=read.text("action_type"),
        is_disabled=read.flag("is_disabled"),
        is_required=read.flag("is_required"),
        environments=read.strings("environments"),
        excluded_environments=read.strings("excluded_environments"),
        channels=read.strings("channels"),
        tenant_tags=read.strings("tenant_tags"),
        worker_pool=read.text("worker_pool"),
        worker_pool_variable=read.text("worker_pool_variable"),
        container=_container(container, path) if container is not None else None,
        notes=read.text("notes"),
        properties=read.properties(),
        packages=tuple(_package(child, path) for child in block.blocks("packages")),
        git_dependencies=tuple(_git_dependency(child, path) for child in block.blocks("git_dependencies")),
        step_package_version=read.text("step_package_version"),
        inputs=read.child("inputs"),
        position=read.at(block),
        node=block,
    )


def _step(block: Block, path: str | None) -> Step:
    read = _Reader(block, path)
    slug = _first_label(block) or ""
    name = read.text("name") or slug
    return Step(
        slug=slug,
        name=name,
        condition=read.text("condition", "Success"),
        start_trigger=read.text("start_trigger", "StartAfterPrevious"),
        package_requirement=read.text("package_requirement", "LetOctopusDecide"),
        properties=read.properties(),
        actions=tuple(_action(child, name, path) for child in block.blocks("action")),
        position=read.at(block),
        node=block,
    )


def _process_template(block: Block, path: str | None) -> ProcessTemplate:
    read = _Reader(block, path)
    parameters = []
    for child in block.blocks("parameter"):
        inner = _Reader(child, path)
        parameters.append(
            TemplateParameter(name=_first_label(child) or "", value=inner.raw("value"), position=inner.at(child), node=child)
        )
    package_parameters = []
    for child in block.blocks("package_parameter"):
        inner = _Reader(child, path)
        package_parameters.append(
            PackageParameter(
                name=_first_label(child) or "",
                feed=inner.text("feed"),
                package_id=inner.text("package_id"),
                position=inner.at(child),
                node=child,
            )
        )
    slug = _first_label(block) or ""
    return ProcessTemplate(
        slug=slug,
        name=read.text("name") or slug,
        template_slug=read.text("process_template_slug"),
        version_mask=read.text("version_mask"),
        parameters=tuple(parameters),
        package_parameters=tuple(package_parameters),
        position=read.at(block),
        node=block,
    )


def _process(node: Block | Document, path: str | None) -> Process:
    return Process(
        steps=tuple(_step(block, path) for block in node.blocks("step")),
        process_templates=tuple(_process_template(block, path) for block in node.blocks("process_template")),
        position=Position(path, node.line, node.column),
        node=node,
    )


def _scope(block: Block, path: str | None) -> Scope:
    read = _Reader(block, path)
    return Scope(**{name: read.strings(name) for name in SCOPE_NAMES}, position=read.at(block), node=block)


def _prompt(block: Block, path: str | None) -> Prompt:
    read = _Reader(block, path)
    settings = read.raw("display_settings")
    return Prompt(
        label=read.text("label"),
        description=read.text("description"),
        required=read.flag("required"),
        display_settings=MappingProxyType(settings if isinstance(settings, dict) else {}),
        position=read.at(block),
        node=block,
    )


def _variable_value(block: Block, path: str | None) -> VariableValue:
    read = _Reader(block, path)
    prompt = read.child("prompt")
    value = _first_label(block)
    if value is None:
        value = read.text("value")
    return VariableValue(
        value=value,
        description=read.text("description"),
        type=read.text("type"),
        scope=_scope(block, path),
        prompt=_prompt(prompt, path) if prompt is not None else None,
        position=read.at(block),
        node=block,
    )


def _variables(doc: Document, path: str | None) -> tuple[Variable, ...]:
    found = []
    for block in doc.blocks("variable"):
        read = _Reader(block, path)
        found.append(
            Variable(
                name=_first_label(block) or "",
                type=read.text("type"),
                values=tuple(_variable_value(child, path) for child in block.blocks("value")),
                position=read.at(block),
                node=block,
            )
        )
    return tuple(found)


def _connectivity(block: Block | None, path: str | None) -> ConnectivityPolicy | None:
    if block is None:
        return None
    read = _Reader(block, path)
    return ConnectivityPolicy(
        allow_deployments_to_no_targets=read.flag("allow_deployments_to_no_targets"),
        exclude_unhealthy_targets=read.flag("exclude_unhealthy_targets"),
        skip_machine_behavior=read.text("skip_machine_behavior"),
        target_roles=read.strings("target_roles"),
        position=read.at(block),
        node=block,
    )


def _versioning(block: Block | None, path: str | None) -> VersioningStrategy | None:
    if block is None:
        return None
    read = _Reader(block, path)
    donor = read.child("donor_package")
    donor_package = None
    if donor is not None:
        inner = _Reader(donor, path)
        donor_package = DonorPackage(
            package=inner.text("package"), step=inner.text("step"), position=inner.at(donor), node=donor
        )
    return VersioningStrategy(template=read.text("template"), donor_package=donor_package, position=read.at(block), node=block)


def _settings(doc: Document, path: str | None) -> DeploymentSettings:
    read = _Reader(doc, path)
    return DeploymentSettings(
        guided_failure_mode=read.text("default_guided_failure_mode", "EnvironmentDefault"),
        release_notes_template=read.text("release_notes_template"),
        deployment_changes_template=read.text("deployment_changes_template"),
        connectivity_policy=_connectivity(read.child("connectivity_policy"), path),
        versioning_strategy=_versioning(read.child("versioning_strategy"), path),
        position=read.at(doc),
        node=doc,
    )


def _runbook(doc: Document, relative: str, path: str | None) -> Runbook:
    read = _Reader(doc, path)
    retention = read.child("run_retention_policy")
    retention_policy = None
    if retention is not None:
        inner = _Reader(retention, path)
        retention_policy = RetentionPolicy(
            type=inner.text("type"),
            quantity_to_keep=inner.integer("quantity_to_keep"),
            unit=inner.text("unit"),
            position=inner.at(retention),
            node=retention,
        )
    process = read.child("process")
    parts = relative.split("/")
    return Runbook(
        slug=parts[-1][: -len(".ocl")] if parts[-1].endswith(".ocl") else parts[-1],
        draft="migrated-drafts" in parts[:-1],
        name=read.text("name"),
        description=read.text("description"),
        guided_failure_mode=read.text("default_guided_failure_mode", "EnvironmentDefault"),
        environment_scope=read.text("environment_scope"),
        environments=read.strings("environments"),
        multi_tenancy_mode=read.text("multi_tenancy_mode"),
        connectivity_policy=_connectivity(read.child("connectivity_policy"), path),
        retention=retention_policy,
        process=_process(process, path) if process is not None else None,
        position=read.at(doc),
        node=doc,
    )


def _schema(doc: Document, path: str | None) -> SchemaVersion:
    read = _Reader(doc, path)
    return SchemaVersion(version=read.integer("version"), position=read.at(doc), node=doc)


# -- entry points ---------------------------------------------------------------------------


def view_from_documents(
    documents: Mapping[str, Document], folder: Path | None = None, *, paths: Mapping[str, str] | None = None
) -> ProjectView:
    """Build the view from parsed files keyed by path relative to the project folder.

    `paths` maps those keys to the path shown in positions (default: the key itself).
    """
    documents = {key.replace("\\", "/"): doc for key, doc in documents.items()}
    shown = dict(paths or {})

    def path_of(key: str) -> str:
        return shown.get(key, key)

    process = documents.get(PROCESS_FILE)
    settings = documents.get(SETTINGS_FILE)
    variables = documents.get(VARIABLES_FILE)
    schema = documents.get(SCHEMA_FILE)
    runbooks = [key for key in sorted(documents) if key.startswith(RUNBOOKS_FOLDER + "/") and key.endswith(".ocl")]
    return ProjectView(
        folder=folder,
        documents=MappingProxyType(documents),
        schema_version=_schema(schema, path_of(SCHEMA_FILE)) if schema is not None else None,
        deployment_process=_process(process, path_of(PROCESS_FILE)) if process is not None else None,
        deployment_settings=_settings(settings, path_of(SETTINGS_FILE)) if settings is not None else None,
        variables=_variables(variables, path_of(VARIABLES_FILE)) if variables is not None else (),
        runbooks=tuple(_runbook(documents[key], key, path_of(key)) for key in runbooks),
    )


def view_from_texts(texts: Mapping[str, str], folder: Path | None = None) -> ProjectView:
    """Parse `{relative_path: text}` (e.g. a renderer's output) and build the view. Raises OclSyntaxError."""
    return view_from_documents({key: parse(text, key) for key, text in texts.items()}, folder)


def project_files(folder: Path) -> list[Path]:
    """The config-as-code files of `folder` that the view reads, in a stable order."""
    names = [folder / name for name in (SCHEMA_FILE, PROCESS_FILE, SETTINGS_FILE, VARIABLES_FILE)]
    found = [path for path in names if path.is_file()]
    runbooks = folder / RUNBOOKS_FOLDER
    if runbooks.is_dir():
        found.extend(sorted(path for path in runbooks.rglob("*.ocl") if path.is_file()))
    return found


def load_project(folder: Path | str) -> ProjectView:
    """Read a project's config-as-code folder (e.g. `.octopus/my-app`). Raises OclSyntaxError, or
    OclFileError for a file that cannot be read (too large, not a regular file, unreadable)."""
    folder = Path(folder)
    documents: dict[str, Document] = {}
    paths: dict[str, str] = {}
    for file in project_files(folder):
        key = file.relative_to(folder).as_posix()
        paths[key] = str(file)
        documents[key] = parse(read_file(file), str(file))
    return view_from_documents(documents, folder, paths=paths)


def iter_elements(view: ProjectView) -> Iterable[Element]:
    """Every element of the view, depth first (handy for checks that apply to all of them)."""
    stack: list[Any] = [view.schema_version, view.deployment_settings, view.deployment_process]
    stack.extend(view.variables)
    stack.extend(view.runbooks)
    stack.reverse()
    while stack:
        item = stack.pop()
        if item is None:
            continue
        yield item
        children: list[Any] = []
        for name in item.__dataclass_fields__:
            if name == "node":
                continue
            value = getattr(item, name)
            if isinstance(value, Element):
                children.append(value)
            elif isinstance(value, tuple):
                children.extend(member for member in value if isinstance(member, Element))
            elif isinstance(value, MappingProxyType):
                children.extend(member for member in value.values() if isinstance(member, Element))
        stack.extend(reversed(children))
