"""Understanding prompts: a sentence → an (unresolved) spec.

The offline rules parser (rules.py) reads every prompt first. With a model configured (flag,
OCTOSCAFFOLD_MODEL, or the `[llm]` settings), the model is then asked only about what the rules
left open or doubtful (hybrid.py): a missing name, a misspelt kind, words not understood. Its
answer is checked against the prompt before any of it is used, so the LLM path is never worse
than the rules alone. Flags (`Overrides`) win over both; on a terminal the CLI may ask the user
(`Asker`) instead of refusing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from octoscaffold.catalog import Catalog
from octoscaffold.errors import LLMError, UserError
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.understand.rules import Reading, raise_missing, read
from octoscaffold.understand.rules import understand as understand_rules

if TYPE_CHECKING:
    from octoscaffold.defaults import Default
    from octoscaffold.understand.progress import Progress

PARSERS = ("auto", "rules", "llm")


@dataclass(frozen=True)
class Overrides:
    """Values given as flags (`--name`, `--template`...): they win over the prompt."""

    name: str | None = None
    template: str | None = None
    group: str | None = None
    space: str | None = None
    lifecycle: str | None = None
    environments: tuple[str, ...] = ()

    def apply(self, reading: Reading) -> None:
        for path, value in (
            ("project.name", self.name),
            ("project.group", self.group),
            ("project.space", self.space),
            ("lifecycle.name", self.lifecycle),
        ):
            if value is not None:
                reading.settle(path, value)
        if self.environments:
            reading.settle("lifecycle.environments", list(self.environments))
        if self.template is not None:
            reading.settle("template", reading.data["template"])


class Asker(Protocol):
    """Questions for the user, asked only on a terminal (the CLI's implementation)."""

    def name(self, guess: str | None) -> str | None: ...

    def kind(self, options: list[str], everything: list[str], why: str) -> str | None: ...

    def confirm_kind(self, kind: str, typed: str) -> bool: ...


def configured_model(model: str | None = None, base_url: str | None = None) -> str | None:
    """The model to use: the flag, else OCTOSCAFFOLD_MODEL, else the config files; None if none."""
    from octoscaffold.config import llm_settings

    return llm_settings(model=model, base_url=base_url).model


def understand(
    prompt: str,
    catalog: Catalog,
    *,
    parser: str = "auto",
    model: str | None = None,
    base_url: str | None = None,
    progress: "Progress | None" = None,
    overrides: Overrides | None = None,
    ask: Asker | None = None,
    defaults: "list[Default] | None" = None,
) -> tuple[ProjectSpec, str]:
    """Return the spec and how it was understood: "rules", or "rules+llm" when a model answered.

    `defaults` (octoscaffold.defaults.organisation_defaults) fill what the prompt and the flags
    left unset, each recorded in the spec's `sources`.

    `progress` (e.g. octoscaffold.understand.progress.waiting) is entered around each wait for
    the model, so a caller can show a spinner; the library itself prints nothing.
    """
    if parser not in PARSERS:
        raise UserError(f"unknown parser {parser!r}", hint=f"use one of {', '.join(PARSERS)}")
    overrides = overrides or Overrides()
    reading = read(prompt, catalog, template=overrides.template)
    overrides.apply(reading)
    used = "rules"
    if parser != "rules":
        from octoscaffold.config import llm_settings

        settings = llm_settings(model=model, base_url=base_url)
        if parser == "llm" and not settings.model:
            raise UserError("the LLM parser needs a model", hint="use --model or set OCTOSCAFFOLD_MODEL")
        if settings.model:
            from octoscaffold.understand.hybrid import consult

            try:
                if consult(reading, catalog, settings, progress=progress):
                    used = "rules+llm"
            except LLMError as error:
                if parser == "llm":
                    raise
                reading.warnings.insert(0, f"the model gave no usable answer ({error.message}); used the rules alone")
    if ask is not None:
        _ask(reading, catalog, ask)
    raise_missing(reading, catalog)
    if defaults:
        from octoscaffold.defaults import apply_defaults

        apply_defaults(reading.data, defaults, set(catalog.get(reading.data["template"]).manifest.parameters))
    return reading.spec(), used


def _ask(reading: Reading, catalog: Catalog, ask: Asker) -> None:
    """On a terminal: ask for a missing name or kind, and confirm a kind read from a misspelling."""
    if "template" in reading.missing and reading.about_deployment:
        chosen = ask.kind(reading.suggestions or catalog.ids()[:3], catalog.ids(), "the prompt names no kind of project")
        if chosen:
            reading.settle("template", catalog.get(chosen).id)
    elif reading.typed_kind and "template" in reading.guesses:
        kind = reading.data["template"]
        if ask.confirm_kind(kind, reading.typed_kind):
            reading.settle("template", kind)
        else:
            chosen = ask.kind([k for k in reading.suggestions if k != kind][:3] or catalog.ids()[:3], catalog.ids(), f"not {kind}")
            if chosen:
                reading.settle("template", catalog.get(chosen).id)
    if "name" in reading.missing and "template" not in reading.missing and not reading.name_problem:
        name = ask.name(reading.name_guess)
        if name and name.strip():
            reading.settle("project.name", name.strip())


__all__ = ["PARSERS", "Asker", "Overrides", "configured_model", "read", "understand", "understand_rules"]
