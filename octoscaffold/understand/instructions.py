"""The messages sent to the model: the rules, the catalog, and (on a retry) what was wrong.

The system prompt carries only what the model needs to fill the answer: how to read names and
lists, and each catalog kind with its keywords and parameters. Everything else (defaults, the
Security environment, slugs) is the policy's job, so the model is told to leave it out.
"""

from __future__ import annotations

import json
from typing import Any

from octoscaffold.catalog import Catalog, ParameterDef

RULES = """\
You turn a request for an Octopus Deploy project into JSON that fills a project spec.
Rules:
- Copy names exactly as written (project, group, space, lifecycle, environments, tenants,
  runbooks): keep case, spaces, punctuation and accents; drop only the surrounding quotes.
- Fill only what the request says. Everything it does not say is null, or [] for lists;
  never invent values. runbooks: null unless the request names runbooks.
- template: the catalog id whose title, description or keywords match the kind of project.
  null if no kind fits (never guess a different technology).
- project.name: null if the request gives no name.
- lifecycle.environments: in the order given. Never add Security or defaults.
- tenancy.mode: "tenanted" when every deployment needs a tenant (or tenants are listed without
  saying untenanted is fine), "tenanted-or-untenanted" when both are allowed.
- approval.enabled / security_scan.enabled: false only when the request says no approval /
  no security scan; otherwise null.
- parameters: only values the request gives, named as in the chosen template.
- warnings: each part of the request that the spec cannot express (for example a step or a
  notification), quoted briefly; [] when everything fits.
Answer with the JSON object only."""


def _first_sentence(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    sentence = text if end < 0 else text[: end + 1]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def _parameter(name: str, parameter: ParameterDef) -> str:
    """`region`, `memory_size:integer`, `commit_method=DirectCommit|PullRequest`."""
    text = name if parameter.type in ("string", "slug") else f"{name}:{parameter.type}"
    if parameter.choices:
        text += "=" + "|".join(parameter.choices)
    return text


def _keywords(keywords: list[str]) -> list[str]:
    """Keywords minus those that contain a shorter one ("aws lambda" adds nothing to "lambda")."""
    words = sorted({k.lower().strip() for k in keywords}, key=len)
    kept: list[str] = []
    for word in words:
        if not any(f" {k} " in f" {word} " for k in kept):
            kept.append(word)
    return kept


def _common_parameters(catalog: Catalog) -> list[str]:
    """Parameter names every kind has (e.g. the SBOM package): listed once, not per kind."""
    sets = [set(catalog.get(i).manifest.parameters) for i in catalog.ids()]
    return sorted(set.intersection(*sets)) if sets else []


def catalog_text(catalog: Catalog) -> str:
    """One short block per kind: id, title, the description's first sentence, keywords, parameters.

    Kept short on purpose: the whole request should stay well under 4,000 tokens while the
    catalog grows. Parameter names are self-explanatory; types and choices are given.
    """
    common = _common_parameters(catalog)
    blocks = []
    for template_id in catalog.ids():
        manifest = catalog.get(template_id).manifest
        lines = [f"{template_id}: {manifest.title}. {_first_sentence(manifest.description)}"]
        lines.append(f"  keywords: {', '.join(_keywords(manifest.keywords))}")
        names = [_parameter(n, p) for n, p in manifest.parameters.items() if n not in common]
        if names:
            lines.append(f"  parameters: {', '.join(names)}")
        blocks.append("\n".join(lines))
    if common:
        blocks.append(f"Every kind also has the parameters {', '.join(common)}.")
    return "\n".join(blocks)


def system_prompt(catalog: Catalog, schema: dict[str, Any] | None = None) -> str:
    """The rules and the catalog; with `schema` (servers without Structured Outputs) the schema too."""
    text = f"{RULES}\n\nCatalog (id: title. description):\n{catalog_text(catalog)}"
    if schema is not None:
        text += "\n\nThe JSON must match this JSON Schema:\n" + json.dumps(schema, separators=(",", ":"))
    return text


def retry_message(problem: str) -> str:
    return (
        f"That answer cannot be used: {problem}\n"
        "Answer again with the whole corrected JSON object only."
    )
