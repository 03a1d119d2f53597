"""An Octopus task log as a tree of activities, read as a stream.

Two inputs, one result (`TaskLog`):

- the raw log downloaded from a task page: a header (`Task ID:`, `Task status:`, ...) and then
  one line per log entry, `HH:MM:SS   Level    |   message`, with activities written as
  `== Failed: Step 2: Run a Script ==` (steps) or `Failed: web01` (targets, actions) and nested by
  indentation after the `|`. Lines without a time continue the entry above.
- the JSON of `GET /api/tasks/{id}/details`: `{"Task": {...}, "ActivityLogs": [{"Name",
  "Status", "Started", "Ended", "LogElements": [{"Category", "OccurredAt", "MessageText"}],
  "Children": [...]}]}`, or a single activity, or the task resource alone.

The parser is tolerant: Windows line ends, a missing header, times with or without a date, a log
cut short (activities left Running), plain text without the `|` tree. It keeps, per activity, the
counts, the first error and warning lines, and for activities that did not succeed their first
and last lines; nothing else. So memory stays flat however long the log is.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from octoscaffold.errors import UserError
from octoscaffold.inputs import printable

MAX_LOG_BYTES = 2_000_000_000  # a raw log streamed from a file or stdin
MAX_JSON_BYTES = 128_000_000  # a details JSON is read whole
MAX_LINE = 4_000  # characters kept of one line (the rest is cut)
MAX_NODES = 100_000  # activities; later ones are folded into their parent
KEEP_ERRORS = 40  # error lines kept per activity
KEEP_WARNINGS = 20
KEEP_HEAD = 30  # first lines kept of an activity that did not succeed
KEEP_TAIL = 120  # last lines kept of it

# Statuses as Octopus writes them (ActivityStatus), and how the raw log spells some of them.
STATUSES = {
    "success": "Success",
    "failed": "Failed",
    "skipped": "Skipped",
    "canceled": "Canceled",
    "cancelled": "Canceled",
    "running": "Running",
    "pending": "Pending",
    "successwithwarning": "SuccessWithWarning",
    "success with warning": "SuccessWithWarning",
    "success with warnings": "SuccessWithWarning",
    "warning": "SuccessWithWarning",
    "timedout": "TimedOut",
    "queued": "Pending",
}
DONE_WELL = frozenset({"Success", "SuccessWithWarning", "Skipped"})
LEVELS = {
    "trace": "Trace", "verbose": "Verbose", "debug": "Verbose", "info": "Info", "information": "Info",
    "highlight": "Highlight", "wait": "Wait", "gap": "Gap", "alert": "Alert", "warning": "Warning",
    "warn": "Warning", "error": "Error", "err": "Error", "fatal": "Fatal", "planned": "Planned",
    "updated": "Updated", "finished": "Finished", "abandoned": "Abandoned",
}
ERROR_LEVELS = frozenset({"Error", "Fatal"})

_STATUS_WORDS = r"success(?:\s?with\s?warnings?)?|failed|skipped|cancell?ed|running|pending|warning|timedout|queued"
_NODE_FENCED = re.compile(rf"^==\s*(?P<status>{_STATUS_WORDS}):\s*(?P<name>.*?)\s*==$", re.IGNORECASE)
_NODE_PLAIN = re.compile(rf"^(?P<status>{_STATUS_WORDS}):\s+(?P<name>\S.*)$", re.IGNORECASE)
# "16:05:22   Error    |   text", "2024-03-01 16:05:22.123 +10:00  Info |", "[16:05:22] Warning |"
_TIME = r"\[?(?:\d{4}-\d\d-\d\d[T ])?\d{1,2}:\d\d(?::\d\d)?(?:[.,]\d+)?(?:\s?[AaPp][Mm])?(?:\s?(?:Z|[+-]\d\d:?\d\d))?\]?"
_TREE = re.compile(rf"^[ \t]*({_TIME})?[ \t]*([A-Za-z]{{3,11}})?[ \t]*\|( *)(.*)$")
# The raw log's header: "Task ID:", "Task status:", "Related IDs:", "Server version:", ...
_HEADER = re.compile(r"^\s*(?P<key>(?:Task|Server|Related) [A-Za-z ]{1,20}?)\s*:\s*(?P<value>.*?)\s*$")
# A plain line that says its own level: "ERROR: ...", "2024-03-01T10:00:00Z [warn] ..."
_PLAIN_LEVEL = re.compile(
    rf"^\s*(?:{_TIME}\s*)?[\[(]?(?P<level>error|fatal|warn(?:ing)?|info|verbose|debug)[\])]?(?:\s*[:|-]|\s)", re.IGNORECASE
)
_HMS = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d))?(?:[.,]\d+)?(?:\s?([AaPp])[Mm])?")
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line of the input (for JSON: the entry's place in document order)
    level: str  # Info, Warning, Error, Fatal...; "" when the log does not say
    time: str  # as written; "" when there is none
    text: str


@dataclass(eq=False)
class Node:
    """One activity: the task, a step, an action, a target or worker, a package upload."""

    name: str
    status: str  # one of STATUSES' values, or "Unknown"
    depth: int
    line: int  # where its header is (0 for the synthetic top)
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    errors: list[Line] = field(default_factory=list)
    warnings: list[Line] = field(default_factory=list)
    head: list[Line] = field(default_factory=list)
    tail: deque = field(default_factory=lambda: deque(maxlen=KEEP_TAIL))
    lines: int = 0
    error_count: int = 0
    warning_count: int = 0
    first_time: str = ""
    last_time: str = ""
    started: str = ""  # JSON only: ISO times of the activity
    ended: str = ""

    @property
    def ok(self) -> bool:
        return self.status in DONE_WELL

    def walk(self) -> Iterator["Node"]:
        """This node and every node below it, in log order (no recursion)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def path(self) -> list["Node"]:
        """From the first real activity down to this one."""
        nodes, node = [], self
        while node is not None and node.depth >= 0:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]

    def kept(self) -> list[Line]:
        """Every line kept of this activity, in order, once each."""
        seen: dict[int, Line] = {}
        for line in (*self.head, *self.errors, *self.warnings, *self.tail):
            seen.setdefault(line.number, line)
        return [seen[n] for n in sorted(seen)]

    def add(self, line: Line) -> None:
        self.lines += 1
        if line.time:
            if not self.first_time:
                self.first_time = line.time
            self.last_time = line.time
        if line.level in ERROR_LEVELS:
            self.error_count += 1
            if len(self.errors) < KEEP_ERRORS:
                self.errors.append(line)
        elif line.level == "Warning":
            self.warning_count += 1
            if len(self.warnings) < KEEP_WARNINGS:
                self.warnings.append(line)
        if not self.ok:
            if len(self.head) < KEEP_HEAD:
                self.head.append(line)
            else:
                self.tail.append(line)


@dataclass
class TaskLog:
    """What was read: the header fields, the activity tree under `top`, and notes about the input."""

    top: Node  # synthetic, depth -1; its children are the task's root activities
    header: dict[str, str] = field(default_factory=dict)  # "Task status" -> "Failed", ...
    task: dict[str, Any] = field(default_factory=dict)  # the JSON task resource, when given
    format: str = "raw"  # raw | json | text
    lines: int = 0
    notes: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def status(self) -> str:
        """The task's state as the log says it (header or task resource), or ""."""
        return str(self.task.get("State") or self.header.get("Task status") or "").strip()

    @property
    def root(self) -> Node:
        """The task's activity: the single top activity, or the synthetic top when there are several."""
        if len(self.top.children) == 1 and self.top.children[0].children:
            return self.top.children[0]
        return self.top

    def nodes(self) -> Iterator[Node]:
        for child in self.top.children:
            yield from child.walk()
        if self.top.lines:
            yield self.top


# -- reading ----------------------------------------------------------------------------------


def read_log(source: str | Path, *, stdin: IO[bytes] | None = None) -> TaskLog:
    """The log in the file `source` (or standard input for "-"), raw text or details JSON."""
    if str(source) == "-":
        import sys

        stream = stdin or sys.stdin.buffer
        if stream.isatty():
            raise UserError("no log on standard input", hint="pipe a task log in, or name the file")
        return _read(_chunks(stream, "standard input"), "standard input")
    from octoscaffold.inputs import iter_chunks

    # The file's checks (a regular file, not a pipe; its size) are those of every user file.
    return _read(iter_chunks(source, "log file", limit=MAX_LOG_BYTES), printable(source))


def read_chunks(chunks: Iterable[bytes], shown: str) -> TaskLog:
    """A log from its bytes as they arrive (a server's answer), raw text or details JSON, with
    the limits of a log read from a file."""
    return _read(_limited(iter(chunks), shown), shown)


def _limited(chunks: Iterator[bytes], shown: str) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_LOG_BYTES:
            raise UserError(f"{shown}: the log is over {MAX_LOG_BYTES:,} bytes; at most {MAX_LOG_BYTES:,} are read")
        yield chunk


def _chunks(stream: IO[bytes], shown: str) -> Iterator[bytes]:
    def pieces() -> Iterator[bytes]:
        while True:
            try:
                chunk = stream.read(1 << 20)
            except OSError as problem:
                raise UserError(f"{shown}: cannot read the log ({problem.strerror or problem})") from None
            if not chunk:
                return
            yield chunk

    return _limited(pieces(), shown)


def _utf16_to_utf8(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks of a UTF-16 log (with its BOM) as UTF-8, decoded as they come."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-16")("replace")
    for chunk in _chain([first], chunks):
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _read(chunks: Iterator[bytes], shown: str) -> TaskLog:
    first = b""
    for chunk in chunks:
        first = chunk
        if chunk.strip():
            break
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as PowerShell's `>` saves a log
        chunks = _utf16_to_utf8(first, chunks)
        first = next(chunks, b"")
    if b"\x00" in first:  # a UTF-8 text log never holds NUL
        raise UserError(f"{shown}: not a text log (it holds NUL bytes: a binary file, or text saved as UTF-16)",
                        hint="download the raw log from the task page (Task log > Raw), or save it as UTF-8")
    start = first.lstrip()[:1]
    if start in (b"{", b"["):
        parts, size = [first], len(first)
        for chunk in chunks:
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_JSON_BYTES:
                raise UserError(f"{shown}: the task JSON is over {MAX_JSON_BYTES:,} bytes; download the raw log instead")
        try:
            document = json.loads(b"".join(parts).decode("utf-8-sig"))
        except (ValueError, RecursionError) as problem:
            raise UserError(f"{shown}: starts like JSON but is not valid JSON ({_short(problem)})") from None
        log = parse_json(document)
    else:
        log = parse_text(_lines([first], chunks))
    log.source = shown
    if not log.top.lines and not log.top.children and not log.header and not log.task:
        raise UserError(f"{shown}: the log is empty", hint="download the raw log from the task page (Task log > Raw)")
    return log


def _lines(firsts: list[bytes], chunks: Iterable[bytes]) -> Iterator[str]:
    """Text lines of a byte stream: UTF-8 (a BOM dropped, bad bytes replaced), CR LF or LF, each
    cut at MAX_LINE characters (a line of a gigabyte is read in pieces, never whole)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    first = True
    for chunk in _chain(firsts, chunks):
        text = decoder.decode(chunk)
        if first and text:
            text = text.lstrip("\ufeff")
            first = False
        if pending:
            text = pending + text
        parts = text.split("\n")
        pending = parts.pop()
        if len(pending) > MAX_LINE * 4:
            pending = pending[: MAX_LINE * 4]  # an endless line: keep its start
        for part in parts:
            yield part[:MAX_LINE].rstrip("\r")
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending[:MAX_LINE].rstrip("\r")


def _chain(firsts: list[bytes], chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from firsts
    yield from chunks


# -- the raw text -----------------------------------------------------------------------------


def parse_text(lines: Iterable[str]) -> TaskLog:
    """A raw task log (or any text log) from its lines."""
    top = Node("(log)", "Unknown", -1, 0)
    log = TaskLog(top)
    stack: list[tuple[int, Node]] = [(-1, top)]
    in_header = True
    blank_before = True
    count = nodes = 0
    plain = 0
    tree_match = _TREE.match
    levels = LEVELS
    quiet = ("Error", "Fatal", "Warning")
    for number, raw in enumerate(lines, 1):
        count = number
        if in_header:
            if not raw.strip():
                continue
            if "|" not in raw:
                header = _HEADER.match(raw)
                if header and not _PLAIN_LEVEL.match(raw):
                    log.header.setdefault(header["key"].strip(), header["value"])
                    continue
            in_header = False
        match = tree_match(raw) if "|" in raw else None
        level = ""
        if match is not None:
            time, level_word, spaces, text = match.groups()
            if level_word:
                level = levels.get(level_word.lower(), "")
                if not level:
                    match = None  # "word |": a pipe inside a message, not the tree
        if match is None:
            plain += 1
            text = raw.strip()
            if not text:
                blank_before = True
                continue
            found = _PLAIN_LEVEL.match(text)
            line = Line(number, levels.get(found["level"].lower(), "") if found else "", "", text)
            stack[-1][1].add(line)
            blank_before = False
            continue
        text = text.rstrip()
        if not text:
            blank_before = True
            continue
        indent = len(spaces)
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()  # back out of activities this line is not inside
        if not time and not level:
            header = _NODE_FENCED.match(text) or (_NODE_PLAIN.match(text) if blank_before else None)
            if header is not None:
                parent = stack[-1][1]
                status = STATUSES.get(header["status"].lower(), "Unknown")
                if nodes >= MAX_NODES:
                    parent.add(Line(number, "", "", text))
                    blank_before = False
                    continue
                nodes += 1
                node = Node(header["name"] or "(unnamed)", status, parent.depth + 1, number, parent)
                parent.children.append(node)
                stack.append((indent, node))
                blank_before = False
                continue
        blank_before = False
        node = stack[-1][1]
        if time:
            time = time.strip("[]")
        if node.ok and level not in quiet:
            # The common case, kept cheap: a routine line of an activity that went well.
            node.lines += 1
            if time:
                if not node.first_time:
                    node.first_time = time
                node.last_time = time
            continue
        node.add(Line(number, level, time or "", text))
    log.lines = count
    log.format = "raw" if nodes else "text"
    if not log.header:
        log.notes.append("no task header (Task ID, Task status): the outcome is read from the activities")
    if not nodes and count:
        log.notes.append("no activity tree (lines like '== Failed: Step ==' after a '|'): read as plain text")
    elif plain > count // 2 and count > 10:
        log.notes.append(f"{plain:,} of {count:,} lines are not in the raw log's format")
    if nodes >= MAX_NODES:
        log.notes.append(f"more than {MAX_NODES:,} activities: later ones are counted with their parent")
    return log


# -- the details JSON -------------------------------------------------------------------------


def parse_json(document: Any) -> TaskLog:
    """The JSON of the task details endpoint, a single activity, a list of them, or a task resource."""
    top = Node("(log)", "Unknown", -1, 0)
    log = TaskLog(top, format="json")
    if isinstance(document, dict) and isinstance(document.get("Task"), dict):
        log.task = document["Task"]
        activities = document.get("ActivityLogs") or []
    elif isinstance(document, dict) and ("Children" in document or "LogElements" in document):
        activities = [document]
    elif isinstance(document, dict) and "State" in document:
        log.task = document
        activities = []
    elif isinstance(document, list):
        activities = document
    else:
        raise UserError(
            "the JSON is not an Octopus task: expected the answer of /api/tasks/{id}/details "
            "(Task and ActivityLogs) or an activity (Name, Status, Children, LogElements)"
        )
    if not isinstance(activities, list):
        raise UserError("the JSON's ActivityLogs is not a list")
    if activities and not any(isinstance(a, dict) and ("Name" in a or "Children" in a) for a in activities):
        raise UserError("the JSON is a list, but not of Octopus activities (Name, Status, Children, LogElements)")
    number = 0
    nodes = 0
    stack: list[tuple[Any, Node]] = [(a, top) for a in reversed(activities)]
    while stack:
        item, parent = stack.pop()
        if not isinstance(item, dict):
            continue
        nodes += 1
        if nodes > MAX_NODES:
            log.notes.append(f"more than {MAX_NODES:,} activities: the rest were not read")
            break
        status = STATUSES.get(str(item.get("Status") or "").lower(), "Unknown")
        number += 1
        node = Node(str(item.get("Name") or "(unnamed)"), status, parent.depth + 1, number, parent,
                    started=str(item.get("Started") or ""), ended=str(item.get("Ended") or ""))
        parent.children.append(node)
        for element in item.get("LogElements") or []:
            if not isinstance(element, dict):
                continue
            text = str(element.get("MessageText") or "")
            detail = element.get("Detail")
            level = LEVELS.get(str(element.get("Category") or "").lower(), "")
            when = str(element.get("OccurredAt") or "")
            for index, part in enumerate(text.splitlines() or [""]):
                number += 1
                node.add(Line(number, level, when if index == 0 else "", part[:MAX_LINE]))
            if detail and level in ERROR_LEVELS:
                for part in str(detail).splitlines()[:5]:
                    number += 1
                    node.add(Line(number, "Verbose", "", part[:MAX_LINE]))
        children = item.get("Children") or []
        if isinstance(children, list):
            stack.extend((child, node) for child in reversed(children))
    log.lines = number
    if log.task.get("ErrorMessage") and not any(n.error_count for n in log.nodes()):
        number += 1
        top.add(Line(number, "Error", "", str(log.task["ErrorMessage"])[:MAX_LINE]))
        log.lines = number
    return log


# -- times ------------------------------------------------------------------------------------


def seconds(time: str) -> float | None:
    """Seconds since midnight of a time as logs write it (the date, when given, counts in days)."""
    found = _HMS.search(time)
    if not found:
        return None
    hours, minutes, secs, half = int(found[1]), int(found[2]), int(found[3] or 0), found[4]
    if half:
        hours = hours % 12 + (12 if half.lower() == "p" else 0)
    value = hours * 3600 + minutes * 60 + secs
    date = _DATE.search(time)
    if date:
        import datetime

        try:
            value += datetime.date(int(date[1]), int(date[2]), int(date[3])).toordinal() * 86400
        except ValueError:
            pass
    return float(value)


def elapsed(first: str, last: str) -> float | None:
    """Seconds from `first` to `last`; a day is added when a log without dates passes midnight."""
    start, end = seconds(first), seconds(last)
    if start is None or end is None:
        return None
    if end < start and end < 86400 * 2:
        end += 86400
    return end - start


def iso_elapsed(started: str, ended: str) -> float | None:
    import datetime

    try:
        begin = datetime.datetime.fromisoformat(started.replace("Z", "+00:00"))
        end = datetime.datetime.fromisoformat(ended.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max((end - begin).total_seconds(), 0.0)


def _short(problem: object) -> str:
    return printable(str(problem))[:200]
