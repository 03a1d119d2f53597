"""The catalog: project kinds, each a folder `templates/ocl/<id>/` with `template.yaml` and Jinja files.

Folders whose name starts with `_` hold partials shared by every template (e.g. `_shared/`).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from msgspec import Meta, field

from octoscaffold.errors import TemplateError, UserError
from octoscaffold.inputs import printable
from octoscaffold.spec.base import Model, ModelError, invalid
from octoscaffold.spec.model import ParameterValue

MANIFEST = "template.yaml"
OCL_FILES = ("deployment_process.ocl", "deployment_settings.ocl", "variables.ocl", "schema_version.ocl")


def builtin_root() -> Path:
    """The built-in catalog: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "templates" / "ocl"
    return packaged if packaged.is_dir() else here.parent / "templates" / "ocl"


class _Model(Model):
    what: ClassVar[str] = "manifest"
    docs: ClassVar[str] = "docs/template-authoring.md"


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether `path` really lies in `root`, links followed (`root` itself counts as inside)."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _relative_file(value: str) -> str:
    """A file named relative to the template folder: no absolute path, no `..`."""
    parts = value.replace("\\", "/").split("/")
    if value.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", value) or ".." in parts or "\x00" in value:
        raise ValueError(f"{value!r} is not inside the template folder; name a file relative to it, e.g. examples/default.yaml")
    if Path(value).stem in ("", ".", ".."):
        # an example's snapshots go to snapshots/<stem>: "..", "." or "" would be another folder
        raise ValueError(f"{value!r}: the file name before its extension must not be empty, '.' or '..'")
    return value


ParameterType = Literal["string", "slug", "integer", "boolean", "list"]
_PYTHON_TYPES = {"string": str, "slug": str, "integer": int, "boolean": bool, "list": list}


Unit = Literal["minutes", "seconds", "MB", "cpu-units"]
# Patterns every manifest may name in `prompt.pattern` or a choice alias as "@name".
NAMED_PATTERNS = {
    "aws-region": r"(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|southeast"
    r"|northwest|southwest)-\d",
    "azure-region": r"(?:east|west|central|north|south|northcentral|southcentral|westcentral)us[23]?"
    r"|(?:canada|brazil|france|germany|sweden|switzerland|norway|uae|qatar|poland|italy|spain|israel|mexico|india"
    r"|korea|japan|australia|southafrica|uk)(?:central|east|west|south|north|southeast|westcentral|northeast)"
    r"|(?:north|west)europe|(?:southeast|east)asia|centralindia|southindia|westindia",
    "gcp-region": r"(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-(?:central|east|west|north"
    r"|south|northeast|southeast|southwest|northwest)\d",
}
NAMED_PATTERNS["region"] = "|".join(NAMED_PATTERNS.values())


class PromptHint(_Model, kw_only=True):
    """How a prompt names a parameter, for the rules parser: `20 min bake time`, `port 3000`."""

    cues: Annotated[list[str], Meta(description="Words or phrases that name the parameter.")] = field(default_factory=list)
    unit: Annotated[Unit | None, Meta(description="Unit of an integer; a prompt's own unit is converted.")] = None
    pattern: Annotated[
        Annotated[str, Meta(max_length=300)] | None,
        Meta(description="Regular expression of a value, or @aws-region, @azure-region, @gcp-region."),
    ] = None
    aliases: Annotated[dict[str, list[str]], Meta(
        description="Words that name each choice (or true/false of a boolean)."
    )] = field(default_factory=dict)
    anywhere: Annotated[bool | None, Meta(
        description="The pattern names the parameter on its own, without a cue (`nodejs20.x`); "
        "always so for the named patterns.",
    )] = None

    def check(self) -> None:
        value = self.pattern
        if value is None:
            return
        with invalid("pattern"):
            if value.startswith("@"):
                if value[1:] not in NAMED_PATTERNS:
                    raise ValueError(f"unknown named pattern {value!r} (known: {', '.join('@' + n for n in NAMED_PATTERNS)})")
                return
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a regular expression: {error}") from None

    @property
    def alone(self) -> bool:
        """Whether a value matching the pattern is read wherever it stands."""
        if self.anywhere is not None:
            return self.anywhere
        return bool(self.pattern and self.pattern.startswith("@"))

    def regex(self) -> str | None:
        if self.pattern and self.pattern.startswith("@"):
            return NAMED_PATTERNS[self.pattern[1:]]
        return self.pattern


class ParameterDef(_Model, kw_only=True):
    description: str
    default: ParameterValue
    type: ParameterType = "string"
    choices: list[str] | None = None
    prompt: Annotated[PromptHint | None, Meta(description="How a prompt names this parameter.")] = None

    def check(self) -> None:
        if not self.accepts(self.default):
            raise ValueError(f"default {self.default!r} is not a {self.type}")
        if self.prompt and self.prompt.aliases:
            allowed = self.choices or (["true", "false"] if self.type == "boolean" else [])
            unknown = [a for a in self.prompt.aliases if a not in allowed]
            if unknown:
                raise ValueError(f"prompt.aliases: {unknown[0]!r} is not one of {', '.join(allowed) or 'the choices'}")

    def accepts(self, value: object) -> bool:
        if self.type == "integer" and isinstance(value, bool):
            return False
        if not isinstance(value, _PYTHON_TYPES[self.type]):
            return False
        if self.type == "slug":
            from octoscaffold.spec.naming import is_slug

            return "{slug}" in value or is_slug(value)
        return self.type != "list" or all(isinstance(v, str) for v in value)  # type: ignore[union-attr]


class RunbookDef(_Model, kw_only=True):
    name: str
    description: str
    file: Annotated[str, Meta(description="Jinja file, relative to the template folder.")]
    production: Annotated[bool, Meta(description="Whether it may run in production environments.")] = True

    def check(self) -> None:
        with invalid("file"):
            _relative_file(self.file)


class PrerequisiteDef(_Model, kw_only=True):
    """Something the space needs that the OCL cannot show (e.g. an Argo CD instance)."""

    kind: str
    name: str
    detail: str = ""


class SensitiveDef(_Model, kw_only=True):
    """A sensitive variable the kind's steps use: its value lives in Octopus, never in git."""

    name: Annotated[str, Meta(pattern=r"^Project(\.[A-Za-z0-9]+)+$")]
    description: str


class Manifest(_Model, kw_only=True):
    id: str
    title: str
    version: str
    description: str
    keywords: Annotated[list[str], Meta(min_length=1, description="Words and phrases that select this kind.")]
    similar_keywords: Annotated[list[str], Meta(
        description="Words of a close fit (e.g. liquibase for Flyway): they select this kind with a warning."
    )] = field(default_factory=list)
    priority: Annotated[int, Meta(
        description="When a prompt names several kinds, the higher priority wins (tools over platforms)."
    )] = 0
    parameters: dict[str, ParameterDef] = field(default_factory=dict)
    prerequisites: list[PrerequisiteDef] = field(default_factory=list)
    sensitive_variables: list[SensitiveDef] = field(default_factory=list)
    runbooks: list[RunbookDef] = field(default_factory=list)
    examples: Annotated[list[str], Meta(description="Example spec files, relative to the template folder.")] = field(
        default_factory=list
    )

    @classmethod
    def raw_check(cls, data: Any) -> None:
        # A version written as a number (`version: 1.0`) is read as the text it is.
        if isinstance(data, dict) and isinstance(data.get("version"), (int, float)) and not isinstance(data["version"], bool):
            data["version"] = str(data["version"])

    def check(self) -> None:
        for index, example in enumerate(self.examples):
            with invalid(f"examples.{index}"):
                _relative_file(example)


@dataclass(frozen=True)
class Template:
    manifest: Manifest
    folder: Path
    source: str

    @property
    def id(self) -> str:
        return self.manifest.id

    def file_for(self, name: str) -> str:
        """Loader name of the Jinja file that renders `name` (own file first, then `_shared/`)."""
        own = self.folder / f"{name}.j2"
        if os.path.isfile(own):
            return f"{self.id}/{name}.j2"
        return f"_shared/{name}.j2"


def _read_manifest(path: Path) -> Any:
    """A manifest's YAML data; the text is checked for aliases and deep nesting first, because
    those hang or crash the (C) YAML loader."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from octoscaffold.inputs import check_yaml, read_text

    text = read_text(path, "manifest", error=TemplateError)
    check_yaml(text, printable(path), error=TemplateError)
    try:
        return YAML(typ="safe").load(text)
    except (YAMLError, ValueError, RecursionError) as error:
        raise TemplateError(f"{printable(path)}: cannot read the manifest ({printable(error)})") from None


def _load_manifest(folder: Path, data: Any = None) -> Manifest:
    path = folder / MANIFEST
    if data is None:
        data = _read_manifest(path)
    try:
        manifest = Manifest.model_validate(data)
    except ModelError as error:
        raise TemplateError(printable(f"{path}: {error}")) from None  # names values of the file
    if manifest.id != folder.name:
        raise TemplateError(f"{path}: id {manifest.id!r} must match the folder name {folder.name!r}")
    return manifest


@dataclass(frozen=True)
class Source:
    """A folder of templates and where it was named (shown by `catalog list`)."""

    path: Path
    origin: str


@dataclass(frozen=True)
class Catalog:
    sources: tuple[Source, ...]  # highest precedence first
    templates: dict[str, Template]

    @property
    def roots(self) -> tuple[Path, ...]:
        """Folders Jinja searches, in precedence order: a user's `_shared/` partial overrides ours."""
        return tuple(source.path for source in self.sources)

    def get(self, template_id: str) -> Template:
        try:
            return self.templates[template_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(template_id, list(self.templates), n=3, cutoff=0.4)
            hint = f"did you mean {', '.join(close)}?" if close else "see `octoscaffold catalog list`"
            raise UserError(f"unknown template {template_id!r}", hint=hint) from None

    def ids(self) -> list[str]:
        return sorted(self.templates)


ENTRY_POINT_GROUP = "octoscaffold.catalogs"
ENVIRONMENT_VARIABLE = "OCTOSCAFFOLD_CATALOG_PATH"


def _declares_catalogs() -> bool:
    """Whether any installed distribution may declare the entry point group. importlib.metadata
    costs more to import than this look at the `entry_points.txt` files it would read itself;
    when one names the group (or cannot be read), it does the real work."""
    import sys

    header = f"[{ENTRY_POINT_GROUP}]"
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            path = os.path.join(folder or ".", name, "entry_points.txt")
            try:
                if not stat.S_ISREG(os.stat(path).st_mode):
                    continue  # never open a FIFO or device: it could block
                with open(path, encoding="utf-8", errors="replace") as file:
                    if header in file.read(1_000_000):
                        return True
            except FileNotFoundError:
                continue
            except OSError:
                return True
    return False


def entry_point_sources() -> list[Source]:
    """Catalogs installed as Python packages: an entry point in the group `octoscaffold.catalogs`
    names a folder path, or a function returning one."""
    if not _declares_catalogs():
        return []
    from importlib.metadata import entry_points

    sources = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            value = entry.load()
            folder = Path(value() if callable(value) else value)
        except Exception as error:  # a broken plugin must not break the tool: say which one
            raise TemplateError(f"catalog entry point {entry.name!r} ({entry.value}) failed to load: {error}") from None
        sources.append(Source(folder, f"package {entry.dist.name if entry.dist else entry.name}"))
    return sources


def configured_sources(start: Path | None = None) -> list[Source]:
    """Catalog folders named in `[catalog] paths` of the repository's `.octoscaffold.toml` (found
    from `start` upwards), then of the user config; relative paths are relative to their file."""
    from octoscaffold.settings import find_repository_config, user_config_path

    sources = []
    for path, origin in ((find_repository_config(start), ".octoscaffold.toml"), (user_config_path(), "user config")):
        if path is None or not path.is_file():
            continue
        for folder in _catalog_paths(path):
            sources.append(Source(folder, f"{origin} ({path})"))
    return sources


def _catalog_paths(path: Path) -> list[Path]:
    from octoscaffold.settings import read_table

    paths = read_table(path, "catalog").get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise UserError(f"{path}: [catalog] paths must be a list of folders", hint='e.g. paths = ["catalog"]')
    return [Path(os.path.realpath(path.parent / p)) for p in paths]


def catalog_sources(extra: tuple[Path, ...] = (), configured: tuple[Path, ...] | None = None) -> list[Source]:
    """Every catalog folder in precedence order: `--catalog` folders, OCTOSCAFFOLD_CATALOG_PATH,
    folders from configuration (`configured`, or else the config files), installed packages, then
    the built-in catalog."""
    import os

    sources = [Source(Path(p), "--catalog") for p in extra]
    for part in os.environ.get(ENVIRONMENT_VARIABLE, "").split(os.pathsep):
        if part.strip():
            sources.append(Source(Path(part.strip()), ENVIRONMENT_VARIABLE))
    if configured is None:
        sources += configured_sources()
    else:
        sources += [Source(Path(p), "config") for p in configured]
    sources += entry_point_sources()
    sources.append(Source(builtin_root(), "built-in"))
    return sources


def load_catalog(
    root: Path | None = None, *, extra: tuple[Path, ...] = (), configured: tuple[Path, ...] | None = None
) -> Catalog:
    """The catalog from every source (see `catalog_sources`), or from `root` alone."""
    if root is not None:
        sources = (Source(root, "catalog"),)
    else:
        sources = tuple(catalog_sources(tuple(extra), None if configured is None else tuple(configured)))
    return _load(tuple(Source(Path(os.path.realpath(s.path)), s.origin) for s in sources))


def _manifest_files(source: Path) -> list[Path]:
    """The manifest of every template folder in `source` (a resolved path). A manifest that is,
    or sits in, a symbolic link must really lie inside `source`."""
    try:
        entries = sorted(source.iterdir())
    except OSError as error:
        raise TemplateError(f"{printable(source)}: cannot read the catalog folder ({error.strerror})") from None
    files = []
    for folder in entries:
        if folder.name.startswith(("_", ".")):
            continue
        path = folder / MANIFEST
        try:
            linked = os.path.islink(path) or os.path.islink(folder)
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue  # not a template folder
        except OSError as error:
            raise TemplateError(f"{printable(path)}: cannot read the manifest ({error.strerror})") from None
        if linked and not inside(path, source):
            raise TemplateError(
                f"{printable(path)}: a symbolic link leading outside the catalog folder {printable(source)}",
                hint="copy the template into the catalog folder",
            )
        files.append(path)
    return files


def _stamp(path: Path) -> list[Any]:
    try:
        info = path.stat()
    except OSError:
        return [path.parent.name, None, None]  # reading it below says why
    return [path.parent.name, info.st_mtime_ns, info.st_size]


def _manifest_data(source: Path) -> dict[str, Any]:
    """Every manifest of a catalog folder as plain data, by folder name. Parsing YAML is most of
    the cost of loading a catalog, so the data is cached, keyed by each file's size and mtime."""
    import hashlib
    import json

    from octoscaffold.cache import cache_dir, read_json, write_json

    files = _manifest_files(source)
    stamps = [_stamp(f) for f in files]
    folder = cache_dir("catalog")
    cached_path = folder / (hashlib.sha1(str(source).encode()).hexdigest() + ".json") if folder else None
    cached = read_json(cached_path) if cached_path else None
    fresh = isinstance(cached, dict) and cached.get("stamps") == stamps and isinstance(cached.get("manifests"), dict)
    if fresh and None not in (s[1] for s in stamps):
        return cached["manifests"]
    manifests = {f.parent.name: _read_manifest(f) for f in files}
    try:
        json.dumps(manifests)  # YAML dates are no JSON: such a manifest is not cached (and fails validation)
    except (TypeError, ValueError):
        return manifests
    if cached_path:
        write_json(cached_path, {"stamps": stamps, "manifests": manifests})
    return manifests


@lru_cache(maxsize=16)
def _load(sources: tuple[Source, ...]) -> Catalog:
    templates: dict[str, Template] = {}
    for source in sources:
        if not source.path.is_dir():
            where = "" if source.origin in ("catalog", "built-in") else f" (from {source.origin})"
            raise TemplateError(f"catalog folder {source.path}{where} does not exist")
        for name, data in _manifest_data(source.path).items():
            manifest = _load_manifest(source.path / name, data)
            templates.setdefault(manifest.id, Template(manifest, source.path / name, source.origin))
    return Catalog(sources, dict(sorted(templates.items())))
