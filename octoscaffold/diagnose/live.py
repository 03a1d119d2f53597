"""Fetch a task's log from an Octopus server, read-only, through `octoscaffold.octopus.client`.

`--task` takes a task id (`ServerTasks-123`), a deployment or runbook run id (`Deployments-45`,
`RunbookRuns-6`), or a URL pasted from the browser that contains one of them (and, usually, the
space: `.../app#/Spaces-1/projects/web/deployments/releases/1.0.0/deployments/Deployments-45`).

Routes (Octopus REST API):
- `GET /api/{spaceId}/deployments/{id}` and `GET /api/{spaceId}/runbookRuns/{id}` give `TaskId`;
- `GET /api/tasks/{id}` is the task (State, ErrorMessage, HasPendingInterruptions, Duration);
- `GET /api/tasks/{id}/raw` is the raw log, the same text as the task page's download.
"""

from __future__ import annotations

import re
from typing import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from octoscaffold.errors import UserError
from octoscaffold.inputs import printable

_ID = re.compile(r"\b(?P<kind>ServerTasks|Deployments|RunbookRuns)-(?P<number>\d{1,12})\b", re.IGNORECASE)
_SPACE = re.compile(r"\b(Spaces-\d{1,12})\b", re.IGNORECASE)
_KINDS = {"servertasks": "ServerTasks", "deployments": "Deployments", "runbookruns": "RunbookRuns"}


@dataclass(frozen=True)
class Target:
    kind: str  # ServerTasks | Deployments | RunbookRuns
    id: str
    server: str | None  # from a pasted URL
    space: str | None


def parse_target(value: str) -> Target:
    """What `--task` names, or a UserError saying what it accepts."""
    text = unquote(value.strip())
    found = _ID.search(text)
    if not found:
        raise UserError(
            f"--task {printable(value)}: no task, deployment or runbook run id in it",
            hint="give ServerTasks-123, Deployments-45, RunbookRuns-6 or a URL from the Octopus web portal",
        )
    kind = _KINDS[found["kind"].lower()]
    server = None
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        path = parts.path.split("/app")[0] if "/app" in parts.path else ""
        server = f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}"
    space = _SPACE.search(text)
    return Target(kind, f"{kind}-{found['number']}", server, space.group(1) if space else None)


def fetch(target: Target, *, server: str | None, space: str | None, transport=None) -> tuple[Iterator[bytes], dict]:
    """The raw log (its bytes as they arrive, so a log of any size keeps memory flat) and the
    task resource. OctopusError (exit 3) when the server fails."""
    from octoscaffold.octopus.client import Octopus, octopus_settings

    settings = octopus_settings(url=server or target.server, space=space or target.space)
    octopus = Octopus(settings, transport=transport)
    try:
        task_id = target.id
        if target.kind != "ServerTasks":
            route = "deployments" if target.kind == "Deployments" else "runbookRuns"
            resource = octopus.get(octopus.space_path(f"{route}/{target.id}")) or {}
            task_id = str(resource.get("TaskId") or "")
            if not _ID.fullmatch(task_id):
                raise UserError(f"{target.id} has no task id on {settings.url}")
        task = octopus.get(f"/api/tasks/{task_id}") or {}
    except BaseException:
        octopus.close()
        raise
    return _streamed(octopus, f"/api/tasks/{task_id}/raw"), task if isinstance(task, dict) else {}


def _streamed(octopus, path: str) -> Iterator[bytes]:
    """The log's chunks; the client is closed once they are read (or reading stops)."""
    try:
        yield from octopus.stream(path)
    finally:
        octopus.close()
