"""Failure signatures: known error messages, what they mean and what to do, kept as data.

Each catalog folder may hold `_signatures/<area>.yaml`:

```yaml
area: kubernetes
signatures:
  - id: k8s-image-pull
    title: Container image cannot be pulled
    category: infrastructure        # transient | configuration | permissions | infrastructure | package | code
    weight: 80                      # 1-100: how specific the patterns are (an exit code is 10)
    patterns:                       # regular expressions, searched case-insensitively in each line
      - 'Failed to pull image "(?P<image>[^"]+)"'
      - 'ErrImagePull|ImagePullBackOff'
    cause: The cluster could not pull the image {{image}}.
    next_steps:
      - Check that the tag exists in the registry.
    docs: https://octopus.com/docs/...
```

`{{name}}` in the cause and the next steps is filled from the named group of the pattern that
matched (it must be a group of every pattern). Folders are searched in the catalog's order
(`--catalog`, OCTOSCAFFOLD_CATALOG_PATH, configuration, packages, built-in): a signature with the
id of a later one replaces it.

Patterns come from third parties too, so each is checked before use: at most 400 characters, no
back-references, and no repetition of something that itself repeats or branches (`(a+)+`,
`(a|a)*`), the shapes that make a regular expression take exponential time. Lines are cut at a
few thousand characters before matching, so the rest stays polynomial and small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from octoscaffold.errors import UserError
from octoscaffold.inputs import printable

FOLDER = "_signatures"
MAX_PATTERN = 400
MAX_FILE_BYTES = 1_000_000
Category = Literal["transient", "configuration", "permissions", "infrastructure", "package", "code"]
CATEGORIES = ("transient", "configuration", "permissions", "infrastructure", "package", "code")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class SignatureError(UserError):
    """A signature file is invalid (exit 2)."""


def check_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled pattern, or ValueError saying why it is refused."""
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"a pattern is longer than {MAX_PATTERN} characters")
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"not a regular expression: {error}") from None
    try:
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    _check_tree(parser.parse(pattern), pattern)
    return compiled


def _check_tree(tree: Any, pattern: str) -> None:
    """Refuse back-references and repeats of repeating or branching parts (without recursion)."""
    from re import _constants as c  # type: ignore[attr-defined]

    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        items, inside_repeat = stack.pop()
        for op, arg in items:
            if op in (c.GROUPREF, getattr(c, "GROUPREF_EXISTS", None)):
                raise ValueError(f"back-references are not accepted: {pattern!r}")
            if op in repeats:
                low, high, body = arg
                unbounded = high is c.MAXREPEAT or high > 10
                if inside_repeat and unbounded:
                    raise ValueError(f"a repeat inside a repeat can take exponential time: {pattern!r}")
                stack.append((body, inside_repeat or unbounded))
            elif op is c.BRANCH:
                if inside_repeat:
                    raise ValueError(f"alternatives inside a repeat can take exponential time: {pattern!r}")
                for branch in arg[1]:
                    stack.append((branch, inside_repeat))
            elif op is c.SUBPATTERN:
                stack.append((arg[-1], inside_repeat))
            elif op in (c.ASSERT, c.ASSERT_NOT):
                stack.append((arg[1], inside_repeat))


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,60}$")
    title: str = Field(min_length=3, max_length=120)
    category: Category
    weight: int = Field(50, ge=1, le=100)
    patterns: list[str] = Field(min_length=1, max_length=30)
    cause: str = Field(min_length=10, max_length=600)
    next_steps: list[str] = Field(min_length=1, max_length=8)
    docs: str | None = Field(None, pattern=r"^https://\S+$")
    area: str = ""  # the file's area, filled in when loading
    source: str = ""  # the file it came from

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, values: list[str]) -> list[str]:
        for value in values:
            check_pattern(value)
        return values

    @model_validator(mode="after")
    def _placeholders(self) -> "Signature":
        used = set(_PLACEHOLDER.findall(" ".join([self.cause, *self.next_steps])))
        for pattern in self.patterns:
            missing = used - set(re.compile(pattern).groupindex)
            if missing:
                raise ValueError(
                    f"{{{{{sorted(missing)[0]}}}}} is used in the text but the pattern {pattern!r} has no such group"
                )
        return self

    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(tuple(self.patterns))

    def match(self, text: str) -> dict[str, str] | None:
        """The named groups of the first pattern found in `text`, or None."""
        for pattern in self.compiled():
            found = pattern.search(text)
            if found:
                return {k: v for k, v in found.groupdict().items() if v is not None}
        return None

    def fill(self, text: str, captures: dict[str, str]) -> str:
        return _PLACEHOLDER.sub(lambda m: printable(captures.get(m.group(1), "?"))[:200], text)


@lru_cache(maxsize=4096)
def _compile(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


class SignatureFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")
    signatures: list[Signature] = Field(min_length=1, max_length=500)


@dataclass(frozen=True)
class Catalog:
    signatures: tuple[Signature, ...]  # by id
    files: tuple[str, ...]

    def get(self, signature_id: str) -> Signature | None:
        return next((s for s in self.signatures if s.id == signature_id), None)


def builtin_folder() -> Path:
    from octoscaffold.catalog import builtin_root

    return builtin_root() / FOLDER


def load_signatures(extra: tuple[Path, ...] = (), *, builtin_only: bool = False) -> Catalog:
    """Every signature of every catalog folder, the first folder's winning on equal ids."""
    if builtin_only:
        folders = [builtin_folder()]
    else:
        from octoscaffold.catalog import catalog_sources

        folders = [Path(source.path) / FOLDER for source in catalog_sources(tuple(extra))]
    return _load(tuple(str(f) for f in folders))


def load_file(path: Path) -> SignatureFile:
    """One signature file, or SignatureError in one line."""
    from octoscaffold.inputs import check_yaml, read_text

    text = read_text(path, "signature file", limit=MAX_FILE_BYTES, error=SignatureError)
    check_yaml(text, printable(path), error=SignatureError)
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(text)
    try:
        parsed = SignatureFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        loc = first["loc"]
        if len(loc) >= 2 and loc[0] == "signatures" and isinstance(loc[1], int):
            try:
                where += f" ({data['signatures'][loc[1]]['id']})"
            except (KeyError, TypeError, IndexError):
                pass
        raise SignatureError(f"{printable(path)}: {where}: {printable(first['msg'])}") from None
    return SignatureFile(
        area=parsed.area,
        signatures=[s.model_copy(update={"area": parsed.area, "source": str(path)}) for s in parsed.signatures],
    )


@lru_cache(maxsize=8)
def _load(folders: tuple[str, ...]) -> Catalog:
    chosen: dict[str, Signature] = {}
    files: list[str] = []
    for folder in folders:
        path = Path(folder)
        if not path.is_dir():
            continue
        for file in sorted(path.glob("*.yaml")):
            files.append(str(file))
            seen: set[str] = set()
            for signature in load_file(file).signatures:
                if signature.id in seen:
                    raise SignatureError(f"{printable(file)}: the id {signature.id!r} is used twice")
                seen.add(signature.id)
                chosen.setdefault(signature.id, signature)
    if not chosen:
        raise SignatureError("no failure signatures found", hint=f"the built-in ones are in {builtin_folder()}")
    return Catalog(tuple(chosen[k] for k in sorted(chosen)), tuple(files))
