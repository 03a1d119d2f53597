"""A diagnosis as text for people, JSON for programs, or Markdown for a pull request or a chat.

Everything that comes from the log, the server or the model is escaped (`printable`) before it is
written; Markdown also has its own special characters neutralised in quoted log lines.
"""

from __future__ import annotations

import json
from typing import Any

from octoscaffold.diagnose.analyze import Diagnosis, summary
from octoscaffold.inputs import printable

HEADLINES = {
    "success": "The deployment did not fail: it succeeded.",
    "success-with-warnings": "The deployment did not fail: it succeeded with warnings.",
    "failed": "The deployment failed.",
    "timed-out": "The deployment failed: the task timed out.",
    "canceled": "The deployment did not finish: it was cancelled.",
    "waiting": "The deployment failed and is waiting for guidance (guided failure).",
    "paused": "The deployment did not fail: it is waiting for a manual intervention.",
    "running": "The deployment has not failed (yet): it is still running.",
    "unknown": "Could not tell whether the deployment failed: the log has no status and no errors.",
}


def render(diagnosis: Diagnosis, fmt: str, *, crosschecks: list[dict[str, Any]] | None = None,
           explanation: dict[str, Any] | None = None) -> str:
    if fmt == "json":
        data = summary(diagnosis)
        data["project"] = crosschecks or []
        data["model"] = explanation
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(diagnosis, crosschecks or [], explanation)
    return _text(diagnosis, crosschecks or [], explanation)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def _p(text: Any) -> str:
    return printable(text)


def _where(diagnosis: Diagnosis) -> list[str]:
    lines = []
    if diagnosis.step is not None:
        ran = _duration(diagnosis.step_seconds)
        lines.append(f"First failing step: {_p(diagnosis.step.name)} (log line {diagnosis.step.line}"
                     + (f", ran {ran}" if ran else "") + ")")
        if diagnosis.action_path:
            lines.append("On: " + " > ".join(_p(n) for n in diagnosis.action_path))
    elif diagnosis.failing is not None and diagnosis.failing.depth >= 0:
        lines.append(f"Failed before any step: in {_p(diagnosis.failing.name)} (log line {diagnosis.failing.line})")
    if diagnosis.cascade:
        names = ", ".join(f"{_p(n.name)} ({n.status.lower()})" for n in diagnosis.cascade[:6])
        more = f" and {len(diagnosis.cascade) - 6} more" if len(diagnosis.cascade) > 6 else ""
        lines.append(f"Not run because of it: {names}{more}")
    if diagnosis.other_failures:
        lines.append("Also failed: " + ", ".join(_p(n.name) for n in diagnosis.other_failures[:6]))
    return lines


def _text(diagnosis: Diagnosis, crosschecks: list[dict[str, Any]], explanation: dict[str, Any] | None) -> str:
    out: list[str] = []
    title = " ".join(part for part in (diagnosis.task_id, diagnosis.task_name) if part)
    if title:
        out.append(_p(title) + (f" ({_p(diagnosis.duration)})" if diagnosis.duration else ""))
    out.append(HEADLINES[diagnosis.outcome])
    out.extend(_where(diagnosis))
    cause = diagnosis.cause
    if diagnosis.failed or diagnosis.outcome == "unknown":
        if cause is not None:
            label = "Likely cause" if cause.confidence != "low" else "Possible cause (low confidence, a guess)"
            out.append("")
            out.append(f"{label} [{cause.signature.category}, {cause.signature.id}]: {_p(cause.cause)}")
            out.append(f"  ({cause.confidence} confidence; matched in {_p(cause.where)})")
            out.append("Evidence:")
            out.extend(f"  {line.number:>7}: {_p(line.text)[:300]}" for line in cause.evidence)
            out.append("Next steps:")
            out.extend(f"  - {_p(step)}" for step in cause.next_steps)
            if cause.signature.docs:
                out.append(f"  Docs: {cause.signature.docs}")
        else:
            out.append("")
            out.append("No known failure signature matched (cause unknown). First errors:")
            out.extend(f"  {line.number:>7}: {_p(line.text)[:300]}" for line in diagnosis.first_errors)
        if len(diagnosis.findings) > 1:
            out.append("Also matched:")
            for finding in diagnosis.findings[1:]:
                out.append(f"  - [{finding.confidence}] {finding.signature.id}: {_p(finding.signature.title)}"
                           f" (line {finding.evidence[0].number})")
    else:
        if diagnosis.warning_count:
            out.append(f"{diagnosis.warning_count} warning{'s' if diagnosis.warning_count != 1 else ''} worth a look:")
            out.extend(f"  {line.number:>7}: {_p(line.text)[:300]}" for line in diagnosis.warnings)
        for finding in diagnosis.findings:
            out.append(f"  - {finding.signature.id}: {_p(finding.cause)} (line {finding.evidence[0].number})")
    if crosschecks:
        out.append("")
        out.append("In the project:")
        for check in crosschecks:
            out.append(f"  {_p(check['where'])}: {_p(check['message'])}")
    if explanation is not None:
        out.append("")
        out.append(f"The model's explanation ({_p(explanation.get('model', 'model'))}; check it against the evidence above):")
        out.append(f"  {_p(explanation.get('summary', ''))}")
        if explanation.get("cause"):
            out.append(f"  Cause: {_p(explanation['cause'])}")
        for step in explanation.get("next_steps") or []:
            out.append(f"  - {_p(step)}")
    for note in diagnosis.notes:
        out.append(f"Note: {_p(note)}")
    return "\n".join(out) + "\n"


def _md(text: Any) -> str:
    """Text safe inside Markdown prose: no HTML, links or emphasis from the log."""
    value = _p(text)
    for char in "\\`*_[]<>|#":
        value = value.replace(char, "\\" + char)
    return value


def _code(text: Any) -> str:
    return _p(text).replace("```", "` ` `")


def _markdown(diagnosis: Diagnosis, crosschecks: list[dict[str, Any]], explanation: dict[str, Any] | None) -> str:
    out = ["### Deployment diagnosis" + (f": {_md(diagnosis.task_id)}" if diagnosis.task_id else ""), ""]
    if diagnosis.task_name:
        out.append(f"**{_md(diagnosis.task_name)}**" + (f" ({_md(diagnosis.duration)})" if diagnosis.duration else ""))
        out.append("")
    out.append(f"**{HEADLINES[diagnosis.outcome]}**")
    where = _where(diagnosis)
    if where:
        out.append("")
        out.extend(f"- {_md(line)}" for line in where)
    cause = diagnosis.cause
    if diagnosis.failed or diagnosis.outcome == "unknown":
        out.append("")
        if cause is not None:
            label = "Likely cause" if cause.confidence != "low" else "Possible cause (low confidence, a guess)"
            out.append(f"**{label}** (`{cause.signature.id}`, {cause.signature.category}, {cause.confidence} confidence): "
                       f"{_md(cause.cause)}")
            out.append("")
            out.append("Evidence:")
            out.append("")
            out.append("```text")
            out.extend(f"{line.number:>7}: {_code(line.text)[:300]}" for line in cause.evidence)
            out.append("```")
            out.append("")
            out.append("Next steps:")
            out.append("")
            out.extend(f"1. {_md(step)}" for step in cause.next_steps)
            if cause.signature.docs:
                out.append("")
                out.append(f"Docs: {cause.signature.docs}")
        else:
            out.append("No known failure signature matched (cause unknown). First errors:")
            out.append("")
            out.append("```text")
            out.extend(f"{line.number:>7}: {_code(line.text)[:300]}" for line in diagnosis.first_errors)
            out.append("```")
    elif diagnosis.warning_count:
        out.append("")
        out.append(f"{diagnosis.warning_count} warning(s) worth a look:")
        out.append("")
        out.append("```text")
        out.extend(f"{line.number:>7}: {_code(line.text)[:300]}" for line in diagnosis.warnings)
        out.append("```")
    if crosschecks:
        out.append("")
        out.append("In the project:")
        out.append("")
        out.extend(f"- `{_code(check['where'])}`: {_md(check['message'])}" for check in crosschecks)
    if explanation is not None:
        out.append("")
        out.append(f"<details><summary>The model's explanation ({_md(explanation.get('model', 'model'))})</summary>")
        out.append("")
        out.append(_md(explanation.get("summary", "")))
        if explanation.get("cause"):
            out.append("")
            out.append(f"Cause: {_md(explanation['cause'])}")
        out.append("")
        out.extend(f"- {_md(step)}" for step in explanation.get("next_steps") or [])
        out.append("")
        out.append("</details>")
    for note in diagnosis.notes:
        out.append("")
        out.append(f"_Note: {_md(note)}_")
    return "\n".join(out) + "\n"
