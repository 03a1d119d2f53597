"""Findings as text, JSON, SARIF 2.1.0 or GitHub workflow commands. Returns strings; prints nothing."""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path

from octoscaffold import __version__
from octoscaffold.inputs import printable

from .engine import LintReport
from .model import REGISTRY, SEVERITIES, Finding

FORMATS = ("text", "json", "sarif", "github")
COLOURS = {"error": "31", "warning": "33", "info": "36"}  # ANSI red, yellow, cyan


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def _summary(report: LintReport) -> str:
    counts = {severity: 0 for severity in SEVERITIES}
    for finding in report.findings:
        counts[finding.severity] += 1
    files = len(report.files)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in reversed(SEVERITIES)]
    text = f"{len(report.findings)} finding{'s' if len(report.findings) != 1 else ''} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}"
    if report.suppressed:
        text += f"; {report.suppressed} suppressed"
    return text


def _off_by_choice(report: LintReport) -> list:
    """The practices the projects' stored specs switched off (octoscaffold.lint.choices)."""
    return list(report.off_by_choice)


def _off_by_choice_lines(report: LintReport) -> list[str]:
    lines = []
    for item in _off_by_choice(report):
        hidden = len(item.findings)
        what = f"{hidden} finding{'s' if hidden != 1 else ''} of {', '.join(item.rules)} not counted" if hidden else f"{', '.join(item.rules)} not applied"
        lines.append(f"off by choice: {item.label} in {printable(item.spec)}: {what}")
    return lines


def render_text(report: LintReport, *, colour: bool = False) -> str:
    """Grouped by file: the path once, then `line:col  severity  RULE  message` lines."""
    lines: list[str] = []
    # Paths and messages may hold what a file put there: control characters are shown as escapes,
    # so nothing in a file can move the cursor, recolour the terminal or start a line of its own.
    for path, group in groupby(report.findings, key=lambda finding: finding.path):
        lines.append(_paint(printable(path), "1", colour))
        for finding in group:
            severity = _paint(f"{finding.severity:<7}", COLOURS[finding.severity], colour)
            lines.append(f"  {finding.line}:{finding.column}\t{severity} {_paint(finding.rule, '2', colour)}  {printable(finding.message)}")
        lines.append("")
    lines.append(_summary(report) if report.findings else f"No findings in {len(report.files)} file{'s' if len(report.files) != 1 else ''}.")
    lines += _off_by_choice_lines(report)
    return "\n".join(lines) + "\n"


def render_json(report: LintReport) -> str:
    data = {
        "version": 1,
        "files": len(report.files),
        "findings": [finding.to_dict() for finding in report.findings],
        "counts": report.counts(),
        "suppressed": report.suppressed,
        "off_by_choice": [item.to_dict() for item in _off_by_choice(report)],
        "exit_code": report.exit_code,
    }
    return json.dumps(data, indent=2) + "\n"


def _uri(path: str) -> str:
    """A repository-relative URI when the file is under the working folder, else the path as given."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return candidate.as_uri()
    return candidate.as_posix().removeprefix("./")


LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render_sarif(report: LintReport) -> str:
    """SARIF 2.1.0 with every rule in the driver, so code scanning can show titles and help."""
    ids = sorted(REGISTRY)
    index = {rule_id: position for position, rule_id in enumerate(ids)}
    rules = [
        {
            "id": rule_id,
            "name": REGISTRY[rule_id].title.title().replace(" ", ""),
            "shortDescription": {"text": REGISTRY[rule_id].title},
            "help": {"text": f"See docs/rules.md, section {rule_id}, for why it matters and how to fix it."},
            "defaultConfiguration": {"level": LEVEL[report.config.severity_of(rule_id)]},
        }
        for rule_id in ids
    ]
    def result(finding: Finding) -> dict:
        return {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(finding.path)},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
        }

    results = [result(finding) for finding in report.findings]
    # A practice the project's spec switched off: its findings are results suppressed outside the
    # file ("external"), with the spec's switch as the justification, so code scanning shows them
    # as dismissed rather than open.
    for item in _off_by_choice(report):
        for finding in item.findings:
            results.append({**result(finding), "suppressions": [{"kind": "external", "justification": item.justification}]})
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "octoscaffold-lint",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(report: LintReport) -> str:
    """One workflow command per finding: `::error file=...,line=...,col=...,title=RULE::message`."""
    lines = []
    for finding in report.findings:
        path = _uri(finding.path) if not finding.path.startswith("<") else finding.path
        properties = f"file={_escape_property(path)},line={finding.line},col={finding.column},title={_escape_property(finding.rule)}"
        lines.append(f"::{GITHUB_COMMAND[finding.severity]} {properties}::{_escape_data(finding.message)}")
    lines.append(_summary(report) if report.findings else f"No findings in {len(report.files)} files.")
    lines += [printable(line) for line in _off_by_choice_lines(report)]
    return "\n".join(lines) + "\n"


def render(report: LintReport, fmt: str, *, colour: bool = False) -> str:
    if fmt == "text":
        return render_text(report, colour=colour)
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "github":
        return render_github(report)
    raise ValueError(f"unknown format {fmt!r}")


def format_finding(finding: Finding) -> str:
    """The one-line form, `path:line:col: severity RULE message` (used by `new` when it refuses)."""
    return str(finding)
