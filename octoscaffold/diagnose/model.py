"""A model's explanation of a diagnosis, asked through the same settings and client as the LLM
parser (`octoscaffold.understand.llm.Chat`).

One bounded request: the task's outcome, the failing step and its path, the signature findings,
and the kept lines of the failing section, cut to fit MAX_REQUEST_CHARS (about 6,000 tokens at
four characters a token). Secrets are redacted first: masked values, keys and tokens, passwords
in connection strings and URLs. The model answers with structured output (summary, cause,
category, next steps, confidence); the signature findings are shown beside it so it can be checked.
"""

from __future__ import annotations

import json
import re
from typing import Any

from octoscaffold.diagnose.analyze import Diagnosis, summary
from octoscaffold.diagnose.signatures import CATEGORIES

MAX_REQUEST_CHARS = 22_000  # system + user message: ~5,500 tokens, under the 6k budget
MAX_SECTION_LINES = 160

SYSTEM = """You explain why an Octopus Deploy deployment failed, for the engineer who must fix it.
You get: the task's outcome, the first failing step and the activity under it, findings of a
signature matcher (known error messages, with a cause and next steps each), and log lines of the
failing section with their line numbers. Secrets in the lines are replaced by [REDACTED].

Rules:
- If the outcome says the deployment did not fail, say so in the summary and give no cause.
- Base the cause on the log lines; name the line numbers you rely on. If the lines do not show the
  cause, say that it is unclear; do not invent one.
- Agree with a signature finding only when the lines support it; say so when they do not.
- Next steps are concrete actions in Octopus or on the machine, at most five.
Answer with JSON only."""

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "failed": {"type": "boolean", "description": "Whether the deployment failed."},
        "summary": {"type": "string", "description": "Two or three sentences for the engineer."},
        "cause": {"type": ["string", "null"], "description": "The likely cause in one sentence, or null."},
        "category": {"type": ["string", "null"], "enum": [*CATEGORIES, None]},
        "evidence_lines": {"type": "array", "items": {"type": "integer"}},
        "next_steps": {"type": "array", "items": {"type": "string"}},
        "confidence": {"type": "string", "enum": ["low", "medium", "high"]},
    },
    "required": ["failed", "summary", "cause", "category", "evidence_lines", "next_steps", "confidence"],
    "additionalProperties": False,
}

_SECRETS = [
    # Octopus masks sensitive values itself; keep the mask, drop what may follow it.
    (re.compile(r"\bAPI-[A-Z0-9]{16,}\b"), "[REDACTED]"),  # Octopus API keys
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), "[REDACTED]"),  # AWS access key ids
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"), "[REDACTED]"),  # GitHub tokens
    (re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}\b"), "[REDACTED]"),  # GitLab tokens
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}\b"), "[REDACTED]"),  # Slack tokens
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"), "[REDACTED]"),  # JWTs
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*", re.DOTALL), "[REDACTED PRIVATE KEY]"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}"), r"\1 [REDACTED]"),
    (re.compile(r"(?i)(://[^/\s:@]{1,100}:)[^@\s/]{1,200}@"), r"\1[REDACTED]@"),  # user:password@ in URLs
    # key=value and key: value pairs whose key says secret (connection strings, CLI flags, env).
    (re.compile(
        r"(?i)\b((?:[\w.\-]*?(?:password|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|account[_\-]?key"
        r"|client[_\-]?secret|sharedaccesskey|sig|credential)s?)\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s;,&\"']+)"
    ), r"\1[REDACTED]"),
    (re.compile(r"(?i)(--?(?:password|secret|token|api-?key|client-secret|access-key)[= ])\S+"), r"\1[REDACTED]"),
    (re.compile(r"\b[A-Za-z0-9+/]{40,}={0,2}"), "[REDACTED]"),  # long base64: keys, SAS signatures
]


def redact(text: str) -> str:
    """`text` with secrets replaced by [REDACTED]."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def request_text(diagnosis: Diagnosis) -> str:
    """The user message: the findings as JSON, then the failing section, within the budget."""
    data = summary(diagnosis)
    data.pop("warning_lines", None)
    head = redact(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    if len(head) > MAX_REQUEST_CHARS // 2:
        head = head[: MAX_REQUEST_CHARS // 2] + "...(cut)"
    budget = MAX_REQUEST_CHARS - len(SYSTEM) - len(head) - 200
    lines = []
    scope = diagnosis.step or diagnosis.failing
    if scope is not None:
        for node in scope.walk():
            lines.append(f"== {node.status}: {node.name} (line {node.line})")
            lines.extend(f"{line.number}: [{line.level or '-'}] {line.text[:400]}" for line in node.kept())
    section = [redact(line) for line in lines[-MAX_SECTION_LINES:]]
    while section and sum(len(line) + 1 for line in section) > budget:
        section.pop(0)  # the end of a failing section says the most
    return f"Findings:\n{head}\n\nFailing section (last lines kept):\n" + "\n".join(section)


def explain(diagnosis: Diagnosis, settings: Any, *, retry: Any = None) -> dict[str, Any]:
    """The model's answer as a dict (with "model" added). Raises LLMError (exit 3) on failure."""
    from octoscaffold.understand.llm import Chat

    chat = Chat(settings, retry=retry)

    def check(answer: Any) -> str:
        if not isinstance(answer, dict):
            return "the answer must be a JSON object"
        missing = [key for key in SCHEMA["required"] if key not in answer]
        if missing:
            return f"the answer lacks {', '.join(missing)}"
        if not isinstance(answer.get("summary"), str) or not answer["summary"].strip():
            return "summary must be a non-empty string"
        steps = answer.get("next_steps")
        if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
            return "next_steps must be a list of strings"
        if answer.get("confidence") not in ("low", "medium", "high"):
            return "confidence must be low, medium or high"
        return ""

    answer = chat.ask(SYSTEM, request_text(diagnosis), SCHEMA, check)
    steps = [str(step)[:500] for step in answer.get("next_steps", [])][:8]
    return {
        "model": settings.model,
        "failed": bool(answer.get("failed")),
        "summary": str(answer.get("summary", ""))[:2000],
        "cause": str(answer["cause"])[:1000] if answer.get("cause") else None,
        "category": answer.get("category") if answer.get("category") in CATEGORIES else None,
        "evidence_lines": [n for n in answer.get("evidence_lines", []) if isinstance(n, int)][:20],
        "next_steps": steps,
        "confidence": answer.get("confidence"),
    }
