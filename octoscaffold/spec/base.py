"""Typed, validated models on msgspec: the spec and the catalog's manifests.

msgspec imports and validates in a few milliseconds, which a one-shot command like `new` feels.
A model is a struct whose fields carry their types and constraints (`Annotated[str, Meta(...)]`);
`model_validate` converts plain data (from YAML or JSON) and checks it, raising `ModelError`, whose
message names the field the way docs/spec.md does (`tenancy.mode: must be one of ...`). Each
model's own rules are in `check`, which also runs when the model is built in code.
"""

from __future__ import annotations

import contextlib
import copy
import re
import types
from typing import Any, ClassVar

import msgspec

# A check that knows which field is wrong says so as "@field: message" (see `invalid`).
_FIELD = re.compile(r"@([\w.]+): (.*)", re.DOTALL)
_MESSAGE = re.compile(r"(.*?)(?: - at `([^`]*)`(?: in `([^`]*)`)?)?", re.DOTALL)


class ModelError(ValueError):
    """Data that does not fit a model: `where` (a dotted path, "" for the whole) and `message`."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where, self.message = where, message


class Model(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    what: ClassVar[str] = "spec"  # named in "is not a spec field"
    docs: ClassVar[str] = "docs/spec.md"

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """The model's own rules; raise ValueError (inside `invalid(field)` to name the field)."""

    @classmethod
    def raw_check(cls, data: Any) -> None:
        """Checks of the raw data before it is converted (see model_validate)."""

    @classmethod
    def model_validate(cls, data: Any):
        """`data` (plain dicts, lists and scalars) as this model, or ModelError. Where true or
        false goes, the YAML 1.1 words yes/no/on/off/y/n are read as it (and replaced in `data`)."""
        try:
            cls.raw_check(data)
        except ValueError as error:
            raise _located(str(error), "") from None
        for _ in range(_MAX_WORD_FIXES):
            try:
                return msgspec.convert(data, cls, strict=False)
            except msgspec.ValidationError as error:
                if not _yes_no(error, data):
                    raise describe(error, data, cls) from None
        raise ModelError("", f"more than {_MAX_WORD_FIXES} yes/no words where true or false goes; write true or false")

    def model_dump(self, *, by_alias: bool = True, mode: str = "python", exclude: set[str] | None = None) -> dict:
        """The model as plain data, fields under the names files use (`apiVersion`)."""
        data = msgspec.to_builtins(self)
        for key in exclude or ():
            data.pop(key, None)
        return data

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False):
        """A copy with `update` applied (not validated); attributes outside the fields come along."""
        source = copy.deepcopy(self) if deep else self
        result = msgspec.structs.replace(source, **(update or {}))
        extra = getattr(self, "__dict__", None)
        if extra:
            result.__dict__.update(extra)
        return result

    @classmethod
    def model_json_schema(cls, by_alias: bool = True) -> dict:
        """JSON Schema of the model: the model itself at the top, the others under $defs."""
        schema = msgspec.json.schema(cls)
        definitions = schema.get("$defs", {})
        _declared_order(cls, definitions, set())
        root = definitions.pop(cls.__name__)
        if definitions:
            root["$defs"] = definitions
        return root


def _declared_order(model: type, definitions: dict, seen: set) -> None:
    """msgspec lists a Literal's values sorted; the schema keeps the order the model declares."""
    import typing

    if model in seen or model.__name__ not in definitions:
        return
    seen.add(model)
    properties = definitions[model.__name__].get("properties", {})
    for info in msgspec.structs.fields(model):
        stack = [info.type]
        while stack:
            node = stack.pop()
            origin = typing.get_origin(node)
            if origin is typing.Literal:
                values = list(typing.get_args(node))
                for place in [properties.get(info.encode_name, {}), *properties.get(info.encode_name, {}).get("anyOf", [])]:
                    if sorted(map(str, place.get("enum", []))) == sorted(map(str, values)):
                        place["enum"] = values
            elif isinstance(node, type) and issubclass(node, msgspec.Struct):
                _declared_order(node, definitions, seen)
            else:
                stack.extend(typing.get_args(node))


# YAML 1.1 wrote booleans as words, and people still do (`enabled: yes`); YAML 1.2 reads them as
# text. Where the model wants true or false, these words mean it.
_BOOLEAN_WORDS = {"yes": True, "y": True, "on": True, "true": True, "no": False, "n": False, "off": False,
                  "false": False}
_MAX_WORD_FIXES = 100


def _yes_no(error: msgspec.ValidationError, data: Any) -> bool:
    """Replace the yes/no word msgspec refused as not a boolean by its value; False if it was not one."""
    text, at, outer = _MESSAGE.fullmatch(str(error)).groups()
    if outer is not None or not text.startswith("Expected `bool`, got `str`"):
        return False
    parts = _path(at)
    if not parts or "..." in (at or ""):
        return False
    parent = _value_at(data, parts[:-1])
    key = int(parts[-1]) if isinstance(parent, list) and parts[-1].isdigit() else parts[-1]
    try:
        word = parent[key]
    except (LookupError, TypeError):
        return False
    if not isinstance(word, str) or word.strip().lower() not in _BOOLEAN_WORDS:
        return False
    parent[key] = _BOOLEAN_WORDS[word.strip().lower()]
    return True


@contextlib.contextmanager
def invalid(field: str):
    """Name `field` in a ValueError raised inside: `with invalid("name"): ...`."""
    try:
        yield
    except ValueError as error:
        text = str(error)
        raise ValueError(text if text.startswith("@") else f"@{field}: {text}") from None


def _path(path: str | None) -> list[str]:
    """`$.variables[0].name` → ["variables", "0", "name"]."""
    if not path:
        return []
    return [part for part in re.split(r"[.\[\]]+", path.removeprefix("$")) if part]


def _resolve(parts: list[str], data: Any, model: type) -> list[str]:
    """Name the entry msgspec calls `[...]` (some value of a mapping): the first one that does
    not convert on its own to the mapping's value type."""
    import typing

    resolved, node = [], model
    for part in parts:
        node = _unwrap(node)
        if part == "*" and isinstance(data, dict) and data:
            value_type = typing.get_args(node)[1] if typing.get_origin(node) is dict else Any
            part = next((str(k) for k, v in data.items() if not _converts(v, value_type)), str(next(iter(data))))
        resolved.append(part)
        data = _value_at(data, [part])
        node = _child(node, part)
    return resolved


def _converts(value: Any, kind: Any) -> bool:
    try:
        msgspec.convert(value, kind, strict=False)
    except (msgspec.ValidationError, ValueError, TypeError):
        return False
    return True


def _unwrap(node: Any) -> Any:
    """The type inside Annotated[...] and Optional[...]."""
    import typing

    while True:
        origin = typing.get_origin(node)
        if origin is typing.Annotated:
            node = typing.get_args(node)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [t for t in typing.get_args(node) if t is not type(None)]
            if len(options) != 1:
                return node
            node = options[0]
        else:
            return node


def _child(node: Any, part: str) -> Any:
    """The type of `part` inside `node` (a struct's field, a list's item, a mapping's value)."""
    import typing

    node = _unwrap(node)
    origin = typing.get_origin(node)
    if isinstance(node, type) and issubclass(node, msgspec.Struct):
        return next((f.type for f in msgspec.structs.fields(node) if f.encode_name == part), Any)
    if origin is list:
        return typing.get_args(node)[0]
    if origin is dict:
        return typing.get_args(node)[0 if part == "key" else 1]
    return Any


def _located(text: str, where: str) -> ModelError:
    match = _FIELD.fullmatch(text)
    if match:
        where = ".".join(p for p in (where, match.group(1)) if p)
        text = match.group(2)
    return ModelError(where, text)


def describe(error: msgspec.ValidationError, data: Any, model: type) -> ModelError:
    """msgspec's error as one line in our words, naming the field: `project.name: is required`."""
    text, at, outer = _MESSAGE.fullmatch(str(error)).groups()
    if outer is not None:  # a key of a mapping: "`key` in `$.settings.accounts[...]`"
        parts = [*_path(outer.replace("[...]", ".*")), "key"]
    else:
        parts = _resolve(_path((at or "").replace("[...]", ".*")), data, model)
    where = ".".join(p for p in parts if p not in ("*", "key"))
    if text.startswith("@"):
        return _located(text, where)
    missing = re.fullmatch(r"Object missing required field `(.+)`", text)
    if missing:
        return ModelError(".".join([*parts, missing.group(1)]), "is required")
    unknown = re.fullmatch(r"Object contains unknown field `(.+)`", text)
    if unknown:
        return ModelError(".".join([*parts, unknown.group(1)]),
                          f"is not a {model.what} field (check the spelling; see {model.docs})")
    value = _value_at(data, parts)
    enum = re.fullmatch(r"Invalid enum value (.+)", text)
    if enum:
        choices = _choices(model, parts)
        shown = ", ".join(map(repr, choices[:-1])) + f" or {choices[-1]!r}" if len(choices) > 1 else repr(choices[0]) if choices else "?"
        return ModelError(where, f"must be one of {shown} (got {enum.group(1)})")
    return ModelError(where, _words(text, value, where))


def _words(text: str, value: Any, where: str) -> str:
    """msgspec's `Expected ...` messages, said plainly."""
    got = f" (got {'null' if value is None else repr(value)})" if value is not _ABSENT and not isinstance(value, (dict, list)) else ""
    if got and len(got) > 120:
        got = got[:117] + "...)"
    length = re.fullmatch(r"Expected `(str|array|object)` of length (<=|>=) (\d+)", text)
    if length:
        kind, op, number = length.groups()
        unit = {"str": "characters", "array": "items", "object": "entries"}[kind]
        if op == ">=":
            return "must not be empty" if number == "1" else f"must have at least {number} {unit}"
        size = f" (got {len(value):,})" if isinstance(value, (str, list, dict)) else ""
        return f"must have at most {int(number):,} {unit}{size}"
    bound = re.fullmatch(r"Expected `(?:int|float)` (<=|>=|<|>) (-?[\d.]+)", text)
    if bound:
        op, number = bound.groups()
        return f"must be {'at most' if op.startswith('<') else 'at least'} {number}{got}"
    pattern = re.fullmatch(r"Expected `str` matching regex (.+)", text)
    if pattern:
        return f"must match {pattern.group(1)}{got}"
    expected = re.fullmatch(r"Expected `([^`]+)`, got `([^`]+)`", text)
    if expected:
        kinds = expected.group(1)
        if {"str", "int", "bool", "array"} <= set(kinds.split(" | ")):
            return f"must be text, a whole number, true/false or a list of text (got {value!r})"
        names = {"str": "text", "int": "a whole number", "bool": "true or false", "array": "a list",
                 "object": "a mapping", "float": "a number", "null": "null"}
        said = " or ".join(names.get(k, k) for k in kinds.split(" | "))
        return f"must be {said}{got or f' (got {names.get(expected.group(2), expected.group(2))})'}"
    return text[0].lower() + text[1:] if text else "is not valid"


_ABSENT = object()



def _value_at(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _ABSENT
    return data


def _choices(model: type, parts: list[str]) -> list:
    """The values a Literal at `parts` allows, in the order the model names them."""
    import typing

    node: Any = model
    for part in parts:
        node = _child(node, part)
    node = _unwrap(node)
    return list(typing.get_args(node)) if typing.get_origin(node) is typing.Literal else []
