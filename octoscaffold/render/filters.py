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


_TRIVY_IMAGE = None


def scanner(script: str, image: str | None) -> str:
    """A scan script with its Trivy image (`ghcr.io/aquasecurity/trivy` or `aquasec/trivy`, any tag
    or digest) replaced by `image`; unchanged when `image` is None."""
    import re

    global _TRIVY_IMAGE
    if not image:
        return script
    if _TRIVY_IMAGE is None:
        _TRIVY_IMAGE = re.compile(r"(?:ghcr\.io/aquasecurity/trivy|(?:docker\.io/)?aquasec/trivy)(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?")
    # A function replacement, so backslashes in the image are taken literally.
    return _TRIVY_IMAGE.sub(lambda _: image, script)


def pod_security(manifest: str, restricted: bool) -> str:
    """Kubernetes YAML with a restricted security context when `restricted`: every pod template
    (the lines before a `containers:` key) runs as non-root with the RuntimeDefault seccomp
    profile, and every container (`- name:` items of `containers:`) may not escalate privileges
    and drops all capabilities. Unchanged when not `restricted`."""
    import re

    if not restricted:
        return manifest
    out: list[str] = []
    container_indent: int | None = None  # indent of the `- name:` items of the current containers list
    for line in manifest.split("\n"):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if container_indent is not None and stripped and indent < container_indent:
            container_indent = None
        if re.fullmatch(r"containers:\s*", stripped):
            pad = " " * indent
            out += [f"{pad}securityContext:", f"{pad}  runAsNonRoot: true", f"{pad}  seccompProfile:",
                    f"{pad}    type: RuntimeDefault", line]
            container_indent = -1  # the next item sets it
            continue
        out.append(line)
        if container_indent is not None and stripped.startswith("- name:"):
            if container_indent == -1 or indent == container_indent:
                container_indent = indent
                pad = " " * (indent + 2)
                out += [f"{pad}securityContext:", f"{pad}  allowPrivilegeEscalation: false",
                        f"{pad}  capabilities:", f"{pad}    drop:", f"{pad}      - ALL"]
    return "\n".join(out)
