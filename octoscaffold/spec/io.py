"""Load and save specs as YAML (ruamel.yaml) or JSON, with errors that name the field."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from octoscaffold.errors import SpecError
from octoscaffold.spec.base import ModelError
from octoscaffold.spec.model import API_VERSION, ProjectSpec

# Characters a YAML reader takes as line breaks (or drops) unless they are escaped in double quotes.
_NEEDS_ESCAPE = frozenset("\x85\u2028\u2029\ufeff") | frozenset(map(chr, [*range(0x20), 0x7F])) - {"\n", "\t"}


def _represent_text(representer, value: str):
    style = '"' if any(c in _NEEDS_ESCAPE for c in value) else None
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _yaml(typ: str = "rt"):
    """Round-trip YAML keeps a document's comments; the plain ("safe", pure Python) one is twice as
    fast for specs that were never read from a file. Both write the same text."""
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ, pure=typ == "safe")
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    if typ == "safe":
        yaml.sort_base_mapping_type_on_output = False
    else:
        yaml.representer.add_representer(
            type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null")
        )
    # Every value reads back exactly: NEL, line and paragraph separators, CR and other controls
    # go into double quotes, where YAML escapes them. (After the settings above: the first use
    # of `yaml.representer` builds it with them.)
    yaml.representer.add_representer(str, _represent_text)
    return yaml


# A YAML comment starts a line or follows a space or tab; a line that is only `key: 'quoted'` (or
# `- "quoted"`) has none, whatever its quotes hold (`'release #{Octopus.Release.Number}'`).
_COMMENT = re.compile(r"(?:^|[ \t])#")
_QUOTED_LINE = re.compile(r"""[ \t]*(?:- )*(?:[^'"#\s][^:#]*:[ \t]+)?(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")[ \t]*""")


# A value written in a style the round-trip loader keeps: flow [..] {..} (but the empty [] and {},
# which every dumper writes so), block scalars | >, tags, anchors and aliases, document markers.
_STYLED = re.compile(r"""[ \t]*(?:- +)*(?:[^'"#\s][^:#]*:[ \t]+)?(?:[\[{](?!(?<=\[)\][ \t]*$|(?<={)}[ \t]*$)|[|>!&*])|---|\.\.\.|%""")


def _has_comment(text: str) -> bool:
    """Whether the YAML text may hold a comment (which only the round-trip loader keeps)."""
    return any(_COMMENT.search(line) and not _QUOTED_LINE.fullmatch(line) for line in text.splitlines() if "#" in line)


def _plain_layout(text: str) -> bool:
    """Whether the text holds nothing the round-trip loader would keep but its key order: no
    comments and no styled values (a spec octoscaffold wrote is such a text)."""
    return not _has_comment(text) and not any(_STYLED.match(line) for line in text.splitlines())


def _yaml_c():
    """A data-only loader, with libyaml's parser when it is installed."""
    from ruamel.yaml import YAML

    return YAML(typ="safe")


def spec_from_data(data: Any, source: str = "spec") -> ProjectSpec:
    if data is None:
        raise SpecError(f"{source}: the spec is empty", hint="a spec needs at least apiVersion, project.name and template")
    if not isinstance(data, dict):
        raise SpecError(f"{source}: a spec is a mapping with apiVersion, project and template")
    version = data.get("apiVersion")
    if version is not None and version != API_VERSION:
        raise SpecError(f"{source}: apiVersion {version!r} is not supported (use {API_VERSION!r})")
    try:
        return ProjectSpec.model_validate(data)
    except ModelError as error:
        raise SpecError(f"{source}: {error}") from None


def load_spec(path: Path) -> ProjectSpec:
    """Read a spec file; `.json` is JSON, anything else YAML (which also reads JSON)."""
    from octoscaffold.inputs import printable, read_text

    text = read_text(path, "spec file", error=SpecError)
    return spec_from_text(text, printable(path), json_only=path.suffix == ".json")


def spec_from_text(text: str, source: str = "spec", *, json_only: bool = False) -> ProjectSpec:
    """A spec from YAML or JSON text, within the limits of octoscaffold.inputs (size, depth, no
    aliases); every problem is a SpecError naming `source`."""
    from octoscaffold.inputs import MAX_BYTES, check_json_depth, check_yaml

    if len(text) > MAX_BYTES:
        raise SpecError(f"{source}: a spec is at most {MAX_BYTES:,} characters")
    if json_only:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError(f"{source}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
        except (ValueError, RecursionError) as error:
            raise SpecError(f"{source}: invalid JSON: {_short(error)}") from None
        check_json_depth(data, source, error=SpecError)
    else:
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        check_yaml(text, source, error=SpecError)
        if _plain_layout(text):  # nothing but data and key order to keep: libyaml's loader is ten times faster
            try:
                data = _yaml_c().load(text)
            except (YAMLError, ValueError, RecursionError):
                data = None  # the round-trip loader below says what is wrong in its own words
            if isinstance(data, dict):
                spec = spec_from_data(_plain(data), source)
                spec._document = data  # plain, ordered: saving keeps the user's key order
                return spec
        try:
            data = _yaml().load(text)
        except MarkedYAMLError as error:
            mark = error.problem_mark
            where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
            raise SpecError(f"{source}{where}: invalid YAML: {error.problem}") from None
        except (YAMLError, ValueError, RecursionError) as error:
            raise SpecError(f"{source}: invalid YAML: {_short(error)}") from None
    spec = spec_from_data(_plain(data), source)
    if not json_only and isinstance(data, dict):
        spec._document = data
    return spec


def _short(error: BaseException) -> str:
    from octoscaffold.inputs import printable

    text = printable(error)
    if "integer string conversion" in text:
        return "a number has thousands of digits; no spec value needs that many"
    return text if len(text) <= 200 else text[:200] + "..."


def _plain(data: Any) -> Any:
    """ruamel's round-trip containers → plain dicts and lists (the models want plain types)."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


# Optional fields written only when they differ from their default, so a spec that does not use
# them reads (and is stored) as it always did.
QUIET_DEFAULTS: dict[tuple[str, ...], Any] = {
    ("security_scan", "sbom"): "package",
    ("security_scan", "scanner_image"): None,
    ("notification",): {"channel": "none", "to": [], "teams": []},
    ("channels",): [],
    ("lifecycle", "retention"): None,
    ("versioning", "donor_package"): None,
    ("settings", "accounts"): {},
    ("sources",): {},
    ("generated",): None,
}


def spec_data(spec: ProjectSpec) -> dict[str, Any]:
    data = spec.model_dump(mode="json", by_alias=True)
    for path, default in QUIET_DEFAULTS.items():
        *parents, key = path
        table = data
        for part in parents:
            table = table.get(part) or {}
        if key in table and table[key] == default:
            del table[key]
    return data


def _merge(document: Any, data: Any) -> Any:
    """`data` laid over the YAML `document` it came from: the user's key order and comments stay,
    resolved values are filled in, fields the user left out follow in model order."""
    if isinstance(document, dict) and isinstance(data, dict):
        for key, value in data.items():
            document[key] = _merge(document[key], value) if key in document else value
        for key in [k for k in document if k not in data]:
            del document[key]
        return document
    if isinstance(document, list) and isinstance(data, list) and len(document) == len(data):
        for index, value in enumerate(data):
            document[index] = _merge(document[index], value)
        return document
    return data


def dump_spec(spec: ProjectSpec, fmt: str = "yaml") -> str:
    """The spec as YAML or JSON text, ending with a newline. YAML read from a file keeps its key
    order (and its comments, through ruamel's round trip); otherwise fields come in model order."""
    import copy

    data = spec_data(spec)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    document = getattr(spec, "_document", None)
    if document is not None and type(document) is not dict:  # ruamel's, with comments to keep
        out = io.StringIO()
        _yaml().dump(_merge(copy.deepcopy(document), data), out)
        return out.getvalue()
    from octoscaffold.spec import emit

    # Plain data (the file's own key order, if it was read from one) needs no YAML library.
    return emit.dump(_merge(copy.deepcopy(document), data) if document is not None else data)
