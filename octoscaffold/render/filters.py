"""OCL-safe output for Jinja templates.

Every `{{ expression }}` is escaped as the inside of an OCL quoted string unless it is already an
OCL literal (the `ocl` filter's output, a macro's output). So a spec value can never add OCL
structure to a file; templates write `"{{ project.name }}"` or `{{ project.name | ocl }}`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_eval_context
from markupsafe import Markup

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def escape_text(value: str) -> str:
    """Text as it goes between the quotes of an OCL string (the five escapes OCL knows)."""
    return value.translate(_ESCAPES)


def heredoc(value: str) -> str:
    """An indented heredoc whose tag cannot occur as a line of the content."""
    lines = value.split("\n")
    stripped = {line.strip() for line in lines}
    tag, n = "EOT", 0
    while tag in stripped:
        n += 1
        tag = f"EOT{n}"
    return f"<<-{tag}\n{value}\n{tag}"


def ocl(value: Any) -> Markup:
    """Any template value as an OCL literal: strings quoted (or heredocs), lists, numbers, booleans."""
    if isinstance(value, bool):
        return Markup("true" if value else "false")
    if isinstance(value, (int, float)):
        return Markup(str(value))
    if isinstance(value, (list, tuple)):
        return Markup("[" + ", ".join(ocl(item) for item in value) + "]")
    if value is None:
        return Markup("null")
    text = str.__str__(value) if isinstance(value, str) else str(value)
    if "\n" in text and "\r" not in text:  # a heredoc cannot keep a CR exactly; quoted text can
        return Markup(heredoc(text))
    return Markup('"' + escape_text(text) + '"')


def json_text(value: Any) -> str:
    """Compact JSON, as Octopus stores JSON-valued properties (then quoted by the output escaping)."""
    import json
    from collections.abc import Mapping

    # Templates see read-only mappings (see sandbox.read_only); JSON writes them as objects.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=lambda o: dict(o) if isinstance(o, Mapping) else str(o))


@pass_eval_context
def finalize(eval_ctx: Any, value: Any) -> Markup:
    """Escape every expression that is not already an OCL literal."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        value = "True" if value else "False"
    return Markup(escape_text(str(value)))
