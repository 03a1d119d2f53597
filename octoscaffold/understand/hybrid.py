"""The model as a second reader: asked only what the rules left open or doubtful.

The rules read the prompt first. The model then gets the prompt, the draft (what the rules were
sure of) and a compact schema of only the open questions: the name when none was found or it
was guessed, the kind when none matched or it was guessed, and, when words were not understood,
the few fields those words may be about (environments, tenants, group, space, the approval and
scan switches). A small model answers that in well under 100 tokens.

Nothing the model says is taken on trust: a name, group, environment or tenant must be written
in the prompt, a kind must be a catalog id, and a switch is only turned off when the words not
understood speak of it. What the rules were sure of never changes. Everything taken from the
model is said in the warnings, like any other guess.
"""

from __future__ import annotations

import re
from typing import Any

from octoscaffold.catalog import Catalog
from octoscaffold.config import LLMSettings
from octoscaffold.spec.naming import slugify
from octoscaffold.understand.llm import Chat, RetryPolicy
from octoscaffold.understand.progress import Progress
from octoscaffold.understand.rules import Reading

# The longest answer asked for: every field filled stays far below this.
ANSWER_TOKENS = 300

_ABOUT = {
    "name": "the project's name exactly as the request writes it (without words like 'project'); null if it gives none",
    "template": "the catalog id of the kind of project the request asks for; null if no kind fits",
    "environments": "environment names in the order the request gives them, as written; [] if it names none",
    "tenants": "tenant or customer names the request lists, as written; [] if none",
    "group": "the project group the request names, as written; null if none",
    "space": "the Octopus space the request names, as written; null if none",
    "approval": "false if the request says there should be no manual approval, else null",
    "security_scan": "false if the request says there should be no security or vulnerability scan, else null",
}
# What words not understood must speak of before a field is asked about: the model explains
# words the rules could not read, it does not read the prompt again.
_TOPIC_WORDS = {
    "environments": re.compile(
        r"\b(?:env\w*|stages?|deploy\w*|promot\w*|go(?:es|ing)?\s+to|reach\w*|hits?|then|first|later|after|before"
        r"|dev\w*|test\w*|qa|uat|stag\w*|prod\w*|live|sandbox|preprod|->)\b|->|→",
        re.IGNORECASE,
    ),
    "tenants": re.compile(r"\b(?:tenant\w*|customer\w*|client\w*)\b", re.IGNORECASE),
    "group": re.compile(r"\bgroup\w*\b", re.IGNORECASE),
    "space": re.compile(r"\bspaces?\b", re.IGNORECASE),
    "approval": re.compile(r"approv|sign.?off|gate|manual", re.IGNORECASE),
    "security_scan": re.compile(r"scan|secur|vuln|trivy|cve|sbom", re.IGNORECASE),
}


def questions(reading: Reading) -> list[str]:
    """The fields worth asking about: open, guessed, or possibly in words not understood."""
    data = reading.data
    fields = []
    if "name" in reading.missing or "project.name" in reading.guesses:
        fields.append("name")
    if "template" in reading.missing or "template" in reading.guesses:
        fields.append("template")
    leftovers = " ".join(reading.unread)
    open_fields = {
        "environments": not data.get("lifecycle", {}).get("environments"),
        "tenants": not data.get("tenancy", {}).get("tenants"),
        "group": "group" not in data["project"],
        "space": "space" not in data["project"],
        "approval": data.get("approval", {}).get("enabled") is None,
        "security_scan": "security_scan" not in data,
    }
    for field, is_open in open_fields.items():
        if is_open and _TOPIC_WORDS[field].search(leftovers):
            fields.append(field)
    return fields


def schema(fields: list[str], catalog: Catalog) -> dict[str, Any]:
    """A strict JSON Schema with only the asked fields (kinds as an enum)."""
    types: dict[str, Any] = {
        "name": {"type": ["string", "null"]},
        "template": {"anyOf": [{"type": "string", "enum": catalog.ids()}, {"type": "null"}]},
        "environments": {"type": "array", "items": {"type": "string"}},
        "tenants": {"type": "array", "items": {"type": "string"}},
        "group": {"type": ["string", "null"]},
        "space": {"type": ["string", "null"]},
        "approval": {"type": ["boolean", "null"]},
        "security_scan": {"type": ["boolean", "null"]},
    }
    return {
        "type": "object",
        "properties": {f: types[f] for f in fields},
        "required": list(fields),
        "additionalProperties": False,
    }


def system_text(catalog: Catalog) -> str:
    kinds = []
    for template_id in catalog.ids():
        manifest = catalog.get(template_id).manifest
        words = sorted({k.lower() for k in manifest.keywords if k.lower() != template_id.replace("-", " ")}, key=lambda w: (len(w), w))[:4]
        kinds.append(f"- {template_id}: {manifest.title}" + (f" ({', '.join(words)})" if words else ""))
    return (
        "You help read a request for one Octopus Deploy project. A simple parser has read part of it. "
        "Answer only the questions asked, as a JSON object with exactly the fields given. Copy names "
        "exactly as the request writes them and never invent one: use null or [] when the request "
        "does not say.\nKinds of project (catalog ids):\n" + "\n".join(kinds)
    )


def user_text(reading: Reading, fields: list[str]) -> str:
    data = reading.data
    sure = []
    if "template" not in fields and data.get("template"):
        sure.append(f"kind: {data['template']}")
    if "name" not in fields and data["project"].get("name"):
        sure.append(f"name: {data['project']['name']}")
    environments = data.get("lifecycle", {}).get("environments")
    if environments:
        sure.append(f"environments: {', '.join(environments)}")
    lines = [f"Request: {data['prompt']}"]
    if sure:
        lines.append("Already read: " + "; ".join(sure))
    if reading.unread:
        lines.append("Not understood: " + "; ".join(reading.unread))
    lines.append("Questions:")
    lines += [f"- {field}: {_ABOUT[field]}" for field in fields]
    return "\n".join(lines)


def check(answer: Any, fields: list[str], catalog: Catalog) -> str:
    """"" when the answer has the asked shape, else the problem to send back."""
    if not isinstance(answer, dict):
        return "it is not a JSON object"
    missing = [f for f in fields if f not in answer]
    if missing:
        return f"it lacks the fields {', '.join(missing)}"
    for field in fields:
        value = answer[field]
        if field in ("environments", "tenants"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"{field} must be a list of strings"
        elif field in ("approval", "security_scan"):
            if value is not None and not isinstance(value, bool):
                return f"{field} must be true, false or null"
        elif value is not None and not isinstance(value, str):
            return f"{field} must be a string or null"
        elif field == "template" and value is not None and value not in catalog.templates:
            return f"template {value!r} is not a catalog id; use one of {', '.join(catalog.ids())}"
    return ""


def consult(
    reading: Reading,
    catalog: Catalog,
    settings: LLMSettings,
    *,
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
) -> bool:
    """Ask the model about what is open and merge what checks out; False when nothing was open."""
    fields = questions(reading)
    if not fields:
        return False
    chat = Chat(settings, retry, progress)
    chat.max_tokens = min(settings.max_tokens, ANSWER_TOKENS)
    answer = chat.ask(
        system_text(catalog), user_text(reading, fields), schema(fields, catalog), lambda a: check(a, fields, catalog)
    )
    merge(reading, answer, fields)
    return True


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def written(value: str, prompt: str) -> bool:
    """Whether every word of `value` is written in the prompt, in that order, and, when they stand
    inside a quoted value, are the whole of it: the user's quotes are kept as they are."""
    words = _words(value)
    if not words or f" {' '.join(words)} " not in f" {' '.join(_words(prompt))} ":
        return False
    for quoted in re.findall(r'"([^"]*)"|“([^”]*)”|(?<!\w)\'([^\']*)\'(?!\w)', prompt):
        inside = _words(next(q for q in quoted if q) if any(quoted) else "")
        if inside != words and f" {' '.join(words)} " in f" {' '.join(inside)} ":
            return False  # "OctoPub" out of "OctoPub SAM"
    return True


def merge(reading: Reading, answer: dict[str, Any], fields: list[str]) -> None:
    """Take from the answer what the prompt backs up; say what was taken and what was not."""
    prompt = reading.data["prompt"]
    notes: list[str] = []
    used_words: list[str] = []
    topics: list[re.Pattern[str]] = []

    def take(path: str, value: Any, label: str) -> None:
        reading.settle(path, value)
        reading.guesses[path] = f"the model read {label}"
        used_words.extend(_words(" ".join(value) if isinstance(value, list) else str(value)))

    leftovers = " ".join(reading.unread)
    name = answer.get("name") if "name" in fields else None
    if isinstance(name, str) and name.strip():
        name = name.strip().strip("\"'")
        guess = reading.data["project"].get("name")
        if not written(name, prompt):
            notes.append(f'the model answered the name "{name}", which the prompt does not contain; not used')
        elif guess is None and not (written(name, leftovers) and len(_words(name)) <= 6):
            notes.append(f'the model answered the name "{name}", not among the words not understood; not used')
        elif guess is None:
            take("project.name", name, f'the project name "{name}"')
        elif slugify(guess) == slugify(name):
            reading.guesses.pop("project.name", None)  # the model agrees with the rules' guess
        else:
            notes.append(f'the model suggested the name "{name}" instead; kept "{guess}"')
    kind = answer.get("template") if "template" in fields else None
    if isinstance(kind, str):
        if "template" in reading.missing and kind not in reading.suggestions:
            notes.append(f"the model answered the kind {kind}, which nothing in the prompt points to; not used")
        elif "template" in reading.missing:
            take("template", kind, f"the kind {kind}")
        elif reading.data.get("template") == kind:
            reading.guesses.pop("template", None)
        else:
            notes.append(f"the model suggested the kind {kind} instead; kept {reading.data['template']}")
    for key, path in (("environments", "lifecycle.environments"), ("tenants", "tenancy.tenants")):
        values = [v.strip() for v in answer.get(key) or [] if isinstance(v, str) and v.strip()] if key in fields else []
        if values and all(written(v, leftovers) for v in values):
            take(path, values, f"{key} {', '.join(values)}")
            if key == "tenants" and reading.data.get("tenancy", {}).get("mode") is None:
                reading.data["tenancy"]["mode"] = "tenanted"
        elif values:
            notes.append(f"the model answered {key} {', '.join(values)}, not all among the words not understood; not used")
    for key in ("group", "space"):
        value = answer.get(key) if key in fields else None
        if isinstance(value, str) and value.strip():
            if written(value, leftovers):
                take(f"project.{key}", value.strip(), f'the {key} "{value.strip()}"')
            else:
                notes.append(f'the model answered the {key} "{value}", not among the words not understood; not used')
    for key, path in (("approval", "approval.enabled"), ("security_scan", "security_scan.enabled")):
        if key in fields and answer.get(key) is False and _TOPIC_WORDS[key].search(leftovers):
            take(path, False, f"{key.replace('_', ' ')} switched off")
            topics.append(_TOPIC_WORDS[key])
    # A fragment not understood that the model's answer explains is no longer "not understood".
    explained = set(used_words)

    def explains(fragment: str) -> bool:
        return bool(set(_words(fragment)) & explained) or any(t.search(fragment) for t in topics)

    reading.warnings = [
        w for w in reading.warnings if not (w.startswith("not understood") and explains(w.split(": ", 1)[1]))
    ]
    reading.unread = [fragment for fragment in reading.unread if not explains(fragment)]
    reading.warnings += notes
