"""Real servers on 127.0.0.1 for the publishing tests.

GitServer serves bare repositories through `git http-backend` (the CGI program git ships) behind
HTTP basic authentication, so pushes, hooks and rejected credentials are git's own behaviour.
FakeForge answers the handful of GitHub and GitLab endpoints octoscaffold uses, keeps its pull
requests in memory, checks that the head branch really was pushed, and records every request.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

GIT_EXEC_PATH = subprocess.run(["git", "--exec-path"], capture_output=True, text=True, check=True).stdout.strip()


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        data = b""
        while True:
            size = int(handler.rfile.readline().strip().split(b";")[0], 16)
            if size == 0:
                handler.rfile.readline()
                return data
            data += handler.rfile.read(size)
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: object


def _start(handler_class, owner) -> _Server:
    server = _Server(("127.0.0.1", 0), handler_class)
    server.owner = owner
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


# -- git over HTTP ------------------------------------------------------------------------------


class _GitHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner: GitServer = self.server.owner
        body = _read_body(self)
        parts = urlsplit(self.path)
        owner.requests.append((self.command, parts.path))
        user = self._user(owner)
        if user is None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        env = {
            "PATH": os.environ.get("PATH", ""),
            "GIT_PROJECT_ROOT": str(owner.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(owner.root),
            "PATH_INFO": unquote(parts.path),
            "QUERY_STRING": parts.query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": user,
            "REMOTE_ADDR": "127.0.0.1",
            "GATEWAY_INTERFACE": "CGI/1.1",
        }
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        result = subprocess.run(
            [os.path.join(GIT_EXEC_PATH, "git-http-backend")], input=body, env=env, capture_output=True, timeout=30
        )
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = result.stdout.partition(b"\n\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name.strip(), value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _user(self, owner: "GitServer") -> str | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user if (user, password) == (owner.user, owner.password) else None


class GitServer:
    """Bare repositories under `root`, served at http://127.0.0.1:PORT/<path>.git."""

    def __init__(self, root: Path, user: str = "alice", password: str = "open-sesame") -> None:
        self.root = root
        self.user = user
        self.password = password
        self.requests: list[tuple[str, str]] = []
        self._server = _start(_GitHandler, self)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def create(self, path: str) -> Path:
        """A new bare repository at `path` (e.g. acme/widgets.git) that accepts pushes over HTTP."""
        repo = self.root / path
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
        subprocess.run(["git", "--git-dir", str(repo), "config", "http.receivepack", "true"], check=True)
        return repo

    def url(self, path: str, *, credentials: bool = True, password: str | None = None) -> str:
        auth = f"{self.user}:{password or self.password}@" if credentials else ""
        return f"http://{auth}127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- a GitHub / GitLab stand-in -----------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: dict | None


@dataclass
class FakeForge:
    """Pull requests by repository path; `fail` makes the next matching request answer an error
    (`fail_times` times instead of once, `fail_headers` sent with it, e.g. Retry-After or Location)."""

    repositories: Path  # where the bare repositories live (GitServer.root)
    token: str = "forge-token-0123456789"
    requests: list[Recorded] = field(default_factory=list)
    pulls: dict[str, list[dict]] = field(default_factory=dict)
    fail: dict[str, tuple[int, dict]] = field(default_factory=dict)  # method → (status, document)
    fail_times: dict[str, int] = field(default_factory=dict)  # method → answers of fail[method] (default 1)
    fail_headers: dict[str, dict[str, str]] = field(default_factory=dict)  # method → headers of those answers
    delay: float = 0.0
    release: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "FakeForge":
        self._server = _start(_ForgeHandler, self)
        return self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def api(self, kind: str) -> str:
        return f"http://127.0.0.1:{self.port}/api/{'v3' if kind == 'github' else 'v4'}"

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def branch_exists(self, repository: str, branch: str) -> bool:
        git_dir = self.repositories / f"{repository}.git"
        found = subprocess.run(
            ["git", "--git-dir", str(git_dir), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
            capture_output=True,
        )
        return found.returncode == 0


class _ForgeHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def _send(self, status: int, document: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        forge: FakeForge = self.server.owner
        raw = _read_body(self)
        parts = urlsplit(self.path)
        body = json.loads(raw) if raw else None
        headers = {name.lower(): value for name, value in self.headers.items()}
        forge.requests.append(Recorded(self.command, parts.path, parse_qs(parts.query), headers, body))
        if forge.delay:
            forge.release.wait(forge.delay)
        if self.command in forge.fail:
            status, document = forge.fail[self.command]
            forge.fail_times[self.command] = forge.fail_times.get(self.command, 1) - 1
            if forge.fail_times[self.command] <= 0:
                del forge.fail[self.command], forge.fail_times[self.command]
            return self._send(status, document, forge.fail_headers.get(self.command))
        github = re.fullmatch(r"/api/v3/repos/([^/]+/[^/]+)/pulls(?:/(\d+))?", parts.path)
        gitlab = re.fullmatch(r"/api/v4/projects/([^/]+)/merge_requests(?:/(\d+))?", parts.path)
        if github:
            if self.headers.get("Authorization") != f"Bearer {forge.token}":
                return self._send(401, {"message": "Bad credentials"})
            return self._github(forge, github.group(1), github.group(2), parse_qs(parts.query), body)
        if gitlab:
            if self.headers.get("PRIVATE-TOKEN") != forge.token:
                return self._send(401, {"message": "401 Unauthorized"})
            return self._gitlab(forge, unquote(gitlab.group(1)), gitlab.group(2), parse_qs(parts.query), body)
        return self._send(404, {"message": "Not Found"})

    def _github(self, forge: FakeForge, repo: str, number: str | None, query: dict, body: dict | None) -> None:
        pulls = forge.pulls.setdefault(repo, [])
        owner = repo.split("/")[0]
        if self.command == "GET" and number is None:
            head = query.get("head", [""])[0]
            found = [p for p in pulls if p["state"] == "open" and f"{owner}:{p['head']['ref']}" == head]
            return self._send(200, found)
        if self.command == "POST" and number is None:
            if not forge.branch_exists(repo, body["head"]):
                return self._send(422, {"message": "Validation Failed",
                                        "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}]})
            number = len(pulls) + 1
            pull = {"number": number, "state": "open", "title": body["title"], "body": body["body"],
                    "head": {"ref": body["head"]}, "base": {"ref": body["base"]},
                    "html_url": f"https://github.example/{repo}/pull/{number}"}
            pulls.append(pull)
            return self._send(201, pull)
        if self.command == "PATCH" and number is not None:
            pull = next((p for p in pulls if p["number"] == int(number)), None)
            if pull is None:
                return self._send(404, {"message": "Not Found"})
            pull.update({k: v for k, v in body.items() if k in ("title", "body")})
            return self._send(200, pull)
        return self._send(404, {"message": "Not Found"})

    def _gitlab(self, forge: FakeForge, project: str, iid: str | None, query: dict, body: dict | None) -> None:
        requests = forge.pulls.setdefault(project, [])
        if self.command == "GET" and iid is None:
            branch = query.get("source_branch", [""])[0]
            state = query.get("state", ["all"])[0]
            found = [m for m in requests if m["source_branch"] == branch and state in ("all", m["state"])]
            return self._send(200, found)
        if self.command == "POST" and iid is None:
            if not forge.branch_exists(project, body["source_branch"]):
                return self._send(400, {"message": ["Source branch does not exist"]})
            iid = len(requests) + 1
            request = {"iid": iid, "state": "opened", "title": body["title"], "description": body["description"],
                       "source_branch": body["source_branch"], "target_branch": body["target_branch"],
                       "web_url": f"https://gitlab.example/{project}/-/merge_requests/{iid}"}
            requests.append(request)
            return self._send(201, request)
        if self.command == "PUT" and iid is not None:
            request = next((m for m in requests if m["iid"] == int(iid)), None)
            if request is None:
                return self._send(404, {"message": "404 Not found"})
            request.update({k: v for k, v in body.items() if k in ("title", "description")})
            return self._send(200, request)
        return self._send(404, {"message": "404 Not found"})
