"""Understanding prompts: a sentence → an (unresolved) spec.

Two parsers produce the same spec: the offline rules parser (rules.py) and an LLM parser (llm.py,
any OpenAI-compatible endpoint). `parser="auto"` uses the LLM when a model is configured (flag,
OCTOSCAFFOLD_MODEL, or the `[llm]` settings of .octoscaffold.toml or the user config).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from octoscaffold.catalog import Catalog
from octoscaffold.errors import UserError
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.understand.rules import understand as understand_rules

if TYPE_CHECKING:
    from octoscaffold.understand.progress import Progress

PARSERS = ("auto", "rules", "llm")


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
) -> tuple[ProjectSpec, str]:
    """Return the spec and the name of the parser that produced it ("rules" or "llm").

    `progress` (e.g. octoscaffold.understand.progress.waiting) is entered around each wait for
    the model, so a caller can show a spinner; the library itself prints nothing.
    """
    if parser not in PARSERS:
        raise UserError(f"unknown parser {parser!r}", hint=f"use one of {', '.join(PARSERS)}")
    if parser == "rules":
        return understand_rules(prompt, catalog), "rules"
    from octoscaffold.config import llm_settings

    settings = llm_settings(model=model, base_url=base_url)
    if parser == "auto" and not settings.model:
        return understand_rules(prompt, catalog), "rules"
    from octoscaffold.understand.llm import understand_llm

    return understand_llm(prompt, catalog, settings=settings, progress=progress), "llm"


__all__ = ["PARSERS", "configured_model", "understand", "understand_rules"]
