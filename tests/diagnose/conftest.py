"""Stand-ins for the services `diagnose` talks to, as real HTTP servers on 127.0.0.1.

The Octopus server answers the routes the live mode reads, shaped as Octopus documents them:
- `GET /api/spaces/all`: a list of spaces (Id, Name, IsDefault);
- `GET /api/{spaceId}/deployments/{id}`: a deployment, whose `TaskId` names its task;
- `GET /api/tasks/{id}`: the task (Id, State, Description, ErrorMessage, Duration, IsCompleted,
  FinishedSuccessfully, HasPendingInterruptions, HasWarningsOrErrors);
- `GET /api/tasks/{id}/raw`: the raw log as text/plain;
- the key in the `X-Octopus-ApiKey` header; a wrong one is answered 401 with `ErrorMessage`.
Sources: Octopus REST API docs (octopus.com/docs/octopus-rest-api) and the routes and fields of
OctopusDeploy/api-client.ts (src/features/serverTasks/spaceServerTaskRepository.ts: `tasks/{id}`,
`tasks/{id}/details`, `tasks/{id}/raw`; serverTask.ts: the task's fields; taskState.ts: states).

The model stand-in is the one of tests/understand (an OpenAI-compatible chat completions server).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from understand.conftest import llm_server  # noqa: F401 (the model stand-in, shared)

HERE = Path(__file__).resolve().parent
LOGS = HERE / "logs"
PROJECT = HERE / "project"
API_KEY = "API-TESTKEY0123456789ABCDEF"


def cases() -> list[dict[str, Any]]:
    """The written logs with what must be found in each (cases.yaml, one JSON object a line)."""
    return [json.loads(line[2:]) for line in (LOGS / "cases.yaml").read_text().splitlines() if line.startswith("- ")]


class FakeOctopus:
    def __init__(self) -> None:
        self.tasks: dict[str, dict[str, Any]] = {}
        self.raw: dict[str, str] = {}
        self.deployments: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []  # method, path
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                fake.requests.append(("GET", self.path))
                if self.headers.get("X-Octopus-ApiKey") != API_KEY:
                    return self._send(401, {"ErrorMessage": "You must be logged in to perform this action."})
                path = self.path.split("?")[0]
                parts = path.strip("/").split("/")
                if path == "/api/spaces/all":
                    return self._send(200, [{"Id": "Spaces-1", "Name": "Default", "IsDefault": True}])
                if len(parts) == 4 and parts[2] == "deployments" and parts[3] in fake.deployments:
                    return self._send(200, fake.deployments[parts[3]])
                if len(parts) == 3 and parts[1] == "tasks" and parts[2] in fake.tasks:
                    return self._send(200, fake.tasks[parts[2]])
                if len(parts) == 4 and parts[1] == "tasks" and parts[3] == "raw" and parts[2] in fake.raw:
                    return self._send(200, fake.raw[parts[2]], "text/plain; charset=utf-8")
                return self._send(404, {"ErrorMessage": "The resource you requested was not found."})

            def do_POST(self) -> None:  # noqa: N802 - diagnose is read-only: any write is a failure
                fake.requests.append(("POST", self.path))
                self._send(405, {"ErrorMessage": "not allowed"})

            do_PUT = do_DELETE = do_POST

            def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
                data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def add_task(self, task_id: str, log_file: str, state: str = "Failed", deployment: str | None = None) -> None:
        self.tasks[task_id] = {
            "Id": task_id, "Name": "Deploy", "Description": "Deploy", "State": state,
            "ErrorMessage": "The deployment failed because one or more steps failed." if state == "Failed" else "",
            "Duration": "1 minute", "IsCompleted": state != "Executing", "FinishedSuccessfully": state == "Success",
            "HasPendingInterruptions": False, "HasWarningsOrErrors": state != "Success",
        }
        self.raw[task_id] = (LOGS / log_file).read_text(encoding="utf-8")
        if deployment:
            self.deployments[deployment] = {"Id": deployment, "TaskId": task_id, "SpaceId": "Spaces-1"}


@pytest.fixture
def octopus():
    fake = FakeOctopus()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(autouse=True)
def _clean_cwd(monkeypatch, tmp_path):
    """A clean working folder (the root conftest already clears the developer's settings and home)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
