"""From a task log to a diagnosis: did it fail, where first, and the likely cause.

The first failure is the first failed activity in log order under the task (the process order),
followed down to its deepest failed activity (the action, target or worker). Steps after it that
were skipped or cancelled are the cascade, reported apart. Signatures are matched against the
kept lines of the failing step first (a match there counts most), then against the error and
warning lines of the rest of the log. A cause is never more certain than its evidence: a generic
signature (an exit code) or a match outside the failing step is labelled a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from octoscaffold.diagnose.logs import ERROR_LEVELS, Line, Node, TaskLog, elapsed, iso_elapsed
from octoscaffold.diagnose.signatures import Catalog, Signature

MAX_EVIDENCE = 5
MAX_FINDINGS = 4

# How the task's own state maps to an outcome (TaskState, and the raw header's "Task status").
_STATES = {
    "success": "success",
    "failed": "failed",
    "timedout": "timed-out",
    "timed out": "timed-out",
    "canceled": "canceled",
    "cancelled": "canceled",
    "cancelling": "canceled",
    "executing": "running",
    "running": "running",
    "queued": "running",
}
FAILED_OUTCOMES = frozenset({"failed", "timed-out", "canceled", "waiting"})


@dataclass
class Finding:
    signature: Signature
    confidence: str  # high | medium | low
    score: int
    captures: dict[str, str]
    evidence: list[Line]
    where: str  # the activity path of the first evidence line

    @property
    def cause(self) -> str:
        return self.signature.fill(self.signature.cause, self.captures)

    @property
    def next_steps(self) -> list[str]:
        return [self.signature.fill(step, self.captures) for step in self.signature.next_steps]


@dataclass
class Diagnosis:
    # success | success-with-warnings | failed | timed-out | canceled | waiting (for guidance after
    # a failure) | paused (for a manual intervention) | running | unknown
    outcome: str
    task_id: str = ""
    task_name: str = ""
    status: str = ""  # as the log says
    duration: str = ""
    step: Node | None = None  # the first failing step
    failing: Node | None = None  # the deepest failing activity under it
    step_seconds: float | None = None
    cascade: list[Node] = field(default_factory=list)  # steps after it that were skipped or cancelled
    other_failures: list[Node] = field(default_factory=list)  # other steps that failed on their own
    findings: list[Finding] = field(default_factory=list)
    first_errors: list[Line] = field(default_factory=list)  # of the failing step
    warnings: list[Line] = field(default_factory=list)  # worth a look when it did not fail
    warning_count: int = 0
    notes: list[str] = field(default_factory=list)
    environment: str = ""
    log: TaskLog | None = field(default=None, repr=False)

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED_OUTCOMES

    @property
    def cause(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def action_path(self) -> list[str]:
        """Names from below the step down to the failing activity (action, target, worker)."""
        if self.failing is None or self.step is None:
            return []
        path = self.failing.path()
        return [n.name for n in path[path.index(self.step) + 1:]] if self.step in path else []


def diagnose(log: TaskLog, catalog: Catalog) -> Diagnosis:
    root = log.root
    diagnosis = Diagnosis(
        "unknown",
        task_id=str(log.task.get("Id") or log.header.get("Task ID") or ""),
        task_name=str(log.task.get("Description") or (root.name if root.depth >= 0 else "")),
        status=log.status,
        duration=str(log.task.get("Duration") or log.header.get("Task duration") or ""),
        notes=list(log.notes),
        log=log,
    )
    diagnosis.environment = _environment(diagnosis.task_name)
    steps = root.children if root.depth >= 0 else [n for n in root.children]
    failed_steps = [s for s in steps if s.status in ("Failed", "TimedOut")]
    if failed_steps:
        diagnosis.step = failed_steps[0]
        diagnosis.failing = _deepest_failure(failed_steps[0])
        index = steps.index(failed_steps[0])
        diagnosis.cascade = [s for s in steps[index + 1:] if s.status in ("Skipped", "Canceled", "Pending")]
        diagnosis.other_failures = failed_steps[1:]
    elif root.depth >= 0 and root.status == "Failed":
        diagnosis.failing = root
    diagnosis.outcome = _outcome(log, diagnosis)
    if diagnosis.step is None and diagnosis.outcome in FAILED_OUTCOMES:
        running = _last_unfinished(steps)
        if running is not None and diagnosis.outcome in ("canceled", "timed-out", "waiting"):
            diagnosis.step, diagnosis.failing = running, _deepest_unfinished(running)
    if diagnosis.step is not None:
        diagnosis.step_seconds = _seconds(diagnosis.step)
    _match(log, catalog, diagnosis)
    if diagnosis.outcome == "unknown":
        diagnosis.outcome = "failed" if diagnosis.findings and diagnosis.findings[0].confidence != "low" else "unknown"
        if diagnosis.outcome == "failed":
            diagnosis.notes.append("the log does not say whether the task failed; it is read as failed from its errors (a guess)")
    if diagnosis.outcome == "running" and diagnosis.cause and diagnosis.cause.signature.id == "manual-intervention-waiting":
        diagnosis.outcome = "paused"
    diagnosis.warning_count = sum(n.warning_count for n in log.nodes())
    if not diagnosis.failed:
        diagnosis.warnings = [w for n in log.nodes() for w in n.warnings][:MAX_EVIDENCE]
        if diagnosis.warning_count and diagnosis.outcome == "success":
            diagnosis.outcome = "success-with-warnings"
    return diagnosis


def _environment(name: str) -> str:
    """"Deploy OctoFX release 1.2.3 to Production" (or "... to Production for Tenant") → Production."""
    import re

    found = re.search(r"\brelease\s+\S+\s+to\s+(.+?)(?:\s+for\s+.+)?$", name)
    return found.group(1).strip() if found else ""


def _outcome(log: TaskLog, diagnosis: Diagnosis) -> str:
    state = _STATES.get(log.status.lower().replace("_", " "), "")
    waiting = bool(log.task.get("HasPendingInterruptions"))
    if state == "running" or (not state and _unfinished(log)):
        # Still running: after a failure it waits for guidance; otherwise it may wait for approval.
        if diagnosis.step is not None:
            return "waiting"
        return "paused" if waiting else "running"
    if state:
        if state == "success" and diagnosis.step is not None:
            return "success"  # a failure that guided failure ignored, or a step allowed to fail
        return state
    if diagnosis.step is not None or diagnosis.failing is not None:
        return "failed"
    root = log.root
    if root.depth >= 0 and root.status in ("Success", "SuccessWithWarning"):
        return "success"
    if root.depth >= 0 and root.status == "Canceled":
        return "canceled"
    steps = root.children
    if steps and all(s.ok for s in steps):
        return "success"
    return "unknown"


def _unfinished(log: TaskLog) -> bool:
    root = log.root
    return root.depth >= 0 and root.status in ("Running", "Pending")


def _deepest_failure(node: Node) -> Node:
    while True:
        child = next((c for c in node.children if c.status in ("Failed", "TimedOut")), None)
        if child is None:
            return node
        node = child


def _last_unfinished(steps: list[Node]) -> Node | None:
    for step in reversed(steps):
        if step.status in ("Running", "Canceled", "TimedOut"):
            return step
    return None


def _deepest_unfinished(node: Node) -> Node:
    while True:
        child = next((c for c in node.children if c.status in ("Running", "Canceled", "Failed", "TimedOut")), None)
        if child is None:
            return node
        node = child


def _seconds(step: Node) -> float | None:
    """How long the step ran: its JSON times, else the span of the times on its lines."""
    if step.started and step.ended:
        return iso_elapsed(step.started, step.ended)
    timed = [n for n in step.walk() if n.first_time]
    if not timed:
        return None
    spans = [elapsed(timed[0].first_time, n.last_time) for n in timed]
    values = [s for s in spans if s is not None]
    return max(values) if values else None


# -- signatures -------------------------------------------------------------------------------


def _match(log: TaskLog, catalog: Catalog, diagnosis: Diagnosis) -> None:
    """Score every signature against the lines that matter; keep the best per signature."""
    scope = diagnosis.step or diagnosis.failing
    inside: set[int] = set()
    candidates: list[tuple[Line, Node, int]] = []  # line, where, bonus
    if scope is not None:
        for node in scope.walk():
            inside.add(id(node))
            bonus = 25 if node is diagnosis.failing else 15
            for line in node.kept():
                candidates.append((line, node, bonus + (5 if line.level in ERROR_LEVELS else 0)))
        diagnosis.first_errors = [e for n in scope.walk() for e in n.errors][:MAX_EVIDENCE]
    root = log.root
    for node in log.nodes():
        if id(node) in inside:
            continue
        unfinished = not node.ok
        # The task's own lines (not a step) and unfinished activities count as near the failure.
        near = node is root or node is log.top or (unfinished and scope is None)
        lines = node.kept() if (unfinished or node is root) else [*node.errors, *node.warnings]
        for line in lines:
            bonus = (10 if near else 0) + (5 if line.level in ERROR_LEVELS else 0)
            candidates.append((line, node, bonus))
    if scope is None and not diagnosis.first_errors:
        diagnosis.first_errors = [e for n in log.nodes() for e in n.errors][:MAX_EVIDENCE]
    best: dict[str, Finding] = {}
    for signature in catalog.signatures:
        for line, node, bonus in candidates:
            captures = signature.match(line.text)
            if captures is None:
                continue
            score = signature.weight + bonus
            found = best.get(signature.id)
            if found is None:
                best[signature.id] = Finding(signature, "", score, captures, [line], _where(node))
            else:
                if len(found.evidence) < MAX_EVIDENCE and line not in found.evidence:
                    found.evidence.append(line)
                if score > found.score:
                    found.score, found.captures, found.where = score, captures, _where(node)
    findings = sorted(best.values(), key=lambda f: (-f.score, f.evidence[0].number, f.signature.id))
    for finding in findings:
        finding.evidence.sort(key=lambda line: line.number)
        finding.confidence = _confidence(finding, diagnosis)
    if not diagnosis.failed and diagnosis.outcome != "unknown":
        # A task that did not fail: signatures only point at warnings worth a look.
        findings = [f for f in findings if f.signature.weight >= 50]
    diagnosis.findings = findings[:MAX_FINDINGS]


def _confidence(finding: Finding, diagnosis: Diagnosis) -> str:
    weight = finding.signature.weight
    near = finding.score - weight >= 15  # matched in the failing step (or the task's own lines)
    if weight < 30:
        return "low"  # generic (an exit code, a stack trace): it says where, not why
    if near and weight >= 60:
        return "high"
    if near or weight >= 60:
        return "medium"
    return "low"


def _where(node: Node) -> str:
    return " > ".join(n.name for n in node.path()) or node.name


def summary(diagnosis: Diagnosis) -> dict[str, Any]:
    """Plain data of a diagnosis (the JSON report, and what a model is told)."""
    cause = diagnosis.cause
    return {
        "outcome": diagnosis.outcome,
        "failed": diagnosis.failed,
        "task": {"id": diagnosis.task_id, "name": diagnosis.task_name, "status": diagnosis.status,
                 "duration": diagnosis.duration, "environment": diagnosis.environment},
        "step": diagnosis.step.name if diagnosis.step else None,
        "step_line": diagnosis.step.line if diagnosis.step else None,
        "failing": diagnosis.action_path,
        "step_seconds": diagnosis.step_seconds,
        "cascade": [{"name": n.name, "status": n.status} for n in diagnosis.cascade],
        "other_failures": [n.name for n in diagnosis.other_failures],
        "cause": _finding(cause) if cause else None,
        "also_matched": [_finding(f) for f in diagnosis.findings[1:]],
        "first_errors": [_line(line) for line in diagnosis.first_errors],
        "warnings": diagnosis.warning_count,
        "warning_lines": [_line(line) for line in diagnosis.warnings],
        "notes": diagnosis.notes,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    signature = finding.signature
    return {
        "signature": signature.id,
        "title": signature.title,
        "category": signature.category,
        "confidence": finding.confidence,
        "cause": finding.cause,
        "next_steps": finding.next_steps,
        "docs": signature.docs,
        "where": finding.where,
        "evidence": [_line(line) for line in finding.evidence],
    }


def _line(line: Line) -> dict[str, Any]:
    from octoscaffold.inputs import printable

    return {"line": line.number, "level": line.level, "time": line.time, "text": printable(line.text)[:500]}
