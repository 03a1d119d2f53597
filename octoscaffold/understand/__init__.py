"""Understanding prompts: a sentence → an (unresolved) spec.

Two parsers produce the same spec: the offline rules parser (rules.py) and an LLM parser (llm.py,
any OpenAI-compatible endpoint). `parser="auto"` uses the LLM when a model is configured.
"""

from __future__ import annotations

import os

from octoscaffold.catalog import Catalog
from octoscaffold.errors import UserError
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.understand.rules import understand as understand_rules

PARSERS = ("auto", "rules", "llm")


def configured_model(model: str | None = None) -> str | None:
    """The model to use: the flag, else OCTOSCAFFOLD_MODEL; None means no model is configured."""
    return model or os.environ.get("OCTOSCAFFOLD_MODEL") or None


def understand(
    prompt: str,
    catalog: Catalog,
    *,
    parser: str = "auto",
    model: str | None = None,
    base_url: str | None = None,
) -> tuple[ProjectSpec, str]:
    """Return the spec and the name of the parser that produced it ("rules" or "llm")."""
    if parser not in PARSERS:
        raise UserError(f"unknown parser {parser!r}", hint=f"use one of {', '.join(PARSERS)}")
    if parser == "auto":
        parser = "llm" if configured_model(model) else "rules"
    if parser == "rules":
        return understand_rules(prompt, catalog), "rules"
    from octoscaffold.understand.llm import understand_llm

    return understand_llm(prompt, catalog, model=configured_model(model), base_url=base_url), "llm"


__all__ = ["PARSERS", "configured_model", "understand", "understand_rules"]
