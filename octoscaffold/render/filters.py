"""OCL-safe output for Jinja templates.

Every `{{ expression }}` is escaped as the inside of an OCL quoted string unless it is already an
OCL literal (the `ocl` filter's output, a macro's output). So a spec value can never add OCL
structure to a file; templates write `"{{ project.name }}"` or `{{ project.name | ocl }}`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_eval_context
from markupsafe import Markup

def escape_text(value: str) -> str:
    """Text as it goes between the quotes of an OCL string (the OCL writer's own escaping)."""
    from octoscaffold.ocl.writer import escape

    return escape(value)


def heredoc(lines: list[str]) -> str:
    """An indented heredoc of `lines`, with the OCL writer's choice of tag."""
    from octoscaffold.ocl.writer import heredoc_tag

    tag = heredoc_tag(lines)
    return f"<<-{tag}\n" + "\n".join(lines) + f"\n{tag}"


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
    from octoscaffold.ocl.writer import heredoc_lines

    text = str.__str__(value) if isinstance(value, str) else str(value)
    lines = heredoc_lines(text)  # None when the quoted form is needed (one line, or CRs a heredoc would lose)
    return Markup(heredoc(lines) if lines is not None else '"' + escape_text(text) + '"')


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
