"""Real servers on 127.0.0.1 for the publishing tests.

GitServer serves bare repositories through `git http-backend` (the CGI program git ships) behind
HTTP basic authentication, so pushes, hooks and rejected credentials are git's own behaviour.
FakeForge answers the handful of GitHub, GitLab, Azure DevOps, Bitbucket Cloud and Bitbucket Data
Center endpoints octoscaffold uses, keeps its pull requests in memory, checks that the head branch
really was pushed, and records every request. Each forge's part cites the documentation it follows.
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
        """The API root of `kind` (for Azure DevOps: the organization acme's collection URL)."""
        return f"http://127.0.0.1:{self.port}{API_ROOTS[kind]}"

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


# -- Azure DevOps -------------------------------------------------------------------------------
# Pull Requests - Get Pull Requests / Create / Update, Git REST API 7.1:
#   https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/get-pull-requests?view=azure-devops-rest-7.1
#   https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/create?view=azure-devops-rest-7.1
#   https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/update?view=azure-devops-rest-7.1
# Lists are {"value": [...], "count": n} and cut each description to 400 characters; an update takes
# a description of "up to 4000 characters". Errors are {"$id", "innerException", "message",
# "typeName", "typeKey", "errorCode", "eventId"} (TF… codes). A PAT is Basic with an empty user name:
#   https://learn.microsoft.com/en-us/azure/devops/integrate/get-started/rest/samples
# the Azure Pipelines job token (System.AccessToken) a bearer token; a rejected token is answered 203
# with the sign-in page unless the request says X-TFS-FedAuthRedirect: Suppress (then 401):
#   https://github.com/microsoft/azure-devops-auth-samples/issues/52
#   https://github.com/MicrosoftDocs/vsts-rest-api-specs/issues/97
# 429 comes with Retry-After: https://learn.microsoft.com/en-us/azure/devops/integrate/concepts/rate-limits

# -- Bitbucket Cloud ----------------------------------------------------------------------------
# https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/ : pages are
# {"size", "page", "pagelen", "values"}; `q` filters (https://developer.atlassian.com/cloud/bitbucket/rest/intro/#filtering);
# the page of a pull request is links.html.href; errors are {"type": "error", "error": {"message",
# "detail", "fields"}} (shape as in https://jira.atlassian.com/browse/BCLOUD-22703). Access tokens
# are bearer tokens: https://support.atlassian.com/bitbucket-cloud/docs/using-access-tokens/

# -- Bitbucket Data Center / Server -------------------------------------------------------------
# https://developer.atlassian.com/server/bitbucket/rest/v815/api-group-pull-requests/ : list with
# `at` (a fully-qualified branch id), `direction` (INCOMING by default, or OUTGOING) and `state`
# (OPEN by default); pages are {"size", "limit", "isLastPage", "values", "start"}; refs are
# {"id": "refs/heads/…", "displayId"}; an update must carry the pull request's `version` (409
# PullRequestOutOfDateException otherwise) and sets the reviewers it is given: this stand-in takes
# the cautious reading that an update without them leaves none. Errors are {"errors": [{"context",
# "message", "exceptionName"}]}. HTTP access tokens are bearer tokens:
#   https://confluence.atlassian.com/bitbucketserver/http-access-tokens-939515499.html

_ROUTES = {
    "azure": r"/([^/]+)/_apis/git/repositories/([^/]+)/pullrequests(?:/(\d+))?",
    "bitbucket": r"/repositories/([^/]+)/([^/]+)/pullrequests(?:/(\d+))?",
    "bitbucket-server": r"/projects/([^/]+)/repos/([^/]+)/pull-requests(?:/(\d+))?",
}


def _azure_error(type_key: str, message: str) -> dict:
    return {"$id": "1", "innerException": None, "message": message,
            "typeName": f"Microsoft.TeamFoundation.Git.Server.{type_key}, Microsoft.TeamFoundation.Git.Server",
            "typeKey": type_key, "errorCode": 0, "eventId": 3000}


def _bitbucket_error(message: str, detail: str | None = None) -> dict:
    return {"type": "error", "error": {"message": message, **({"detail": detail} if detail else {})}}


def _server_error(exception: str, message: str) -> dict:
    return {"errors": [{"context": None, "message": message, "exceptionName": f"com.atlassian.bitbucket.{exception}"}]}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _ForgeHandlerMore:
    """The Azure DevOps and Bitbucket routes of the stand-in (a base of _ForgeHandler)."""

    def _azure(self, forge: FakeForge, project: str, repo: str, number: str | None, query: dict,
               body: dict | None) -> None:
        project = unquote(project)
        if query.get("api-version") != ["7.1"]:
            return self._send(400, _azure_error("VssVersionNotSpecifiedException",
                                                f'No api-version was supplied for the "{self.command}" request.'))
        authorization = self.headers.get("Authorization", "")
        valid = {"Basic " + base64.b64encode(f":{forge.token}".encode()).decode(), f"Bearer {forge.token}"}
        if authorization not in valid:
            if self.headers.get("X-TFS-FedAuthRedirect") != "Suppress":
                return self._send(203, "<html><head><title>Azure DevOps Services | Sign In</title></head></html>")
            return self._send(401, _azure_error("UnauthorizedRequestException",
                                                "TF400813: The user '' is not authorized to access this resource."))
        pulls = forge.pulls.setdefault(f"{project}/{repo}", [])
        api = forge.api("azure")
        if self.command == "GET" and number is None:
            source = query.get("searchCriteria.sourceRefName", [None])[0]
            status = query.get("searchCriteria.status", ["active"])[0]
            found = [{**p, "description": p["description"][:400]} for p in pulls
                     if source in (None, p["sourceRefName"]) and status in ("all", p["status"])]
            return self._send(200, {"value": found, "count": len(found)})
        if self.command == "POST" and number is None:
            if _utf16(body.get("description", "")) > 4000:
                return self._send(400, _azure_error("InvalidArgumentValueException",
                                                    "The description of a pull request may hold at most 4000 characters."))
            branch = body["sourceRefName"].removeprefix("refs/heads/")
            if not forge.branch_exists(f"acme/{project}/_git/{repo}", branch):
                return self._send(400, _azure_error(
                    "GitPullRequestInvalidRefsException",
                    "TF401398: The pull request cannot be activated because the source and/or the target branch "
                    "no longer exists, or the requested refs are not branches"))
            if any(p["status"] == "active" and (p["sourceRefName"], p["targetRefName"]) ==
                   (body["sourceRefName"], body["targetRefName"]) for p in pulls):
                return self._send(409, _azure_error(
                    "GitPullRequestExistsException",
                    "TF401179: An active pull request for the source and target branch already exists."))
            number = sum(len(v) for v in forge.pulls.values()) + 1  # numbered per collection
            repository = {"id": "3411ebc1-d5aa-464f-9615-0b527bc66719", "name": repo,
                          "url": f"{api}/_apis/git/repositories/3411ebc1-d5aa-464f-9615-0b527bc66719",
                          "project": {"id": "a7573007-bbb3-4341-b726-0c4148a07853", "name": project}}
            pull = {"repository": repository, "pullRequestId": number, "codeReviewId": number, "status": "active",
                    "creationDate": "2024-05-01T10:00:00.0000000Z", "title": body["title"],
                    "description": body.get("description", ""), "sourceRefName": body["sourceRefName"],
                    "targetRefName": body["targetRefName"], "mergeStatus": "queued", "isDraft": False,
                    "url": f"{repository['url']}/pullRequests/{number}", "supportsIterations": True}
            pulls.append(pull)
            return self._send(201, pull)
        if self.command == "PATCH" and number is not None:
            pull = next((p for p in pulls if p["pullRequestId"] == int(number)), None)
            if pull is None:
                return self._send(404, _azure_error("GitPullRequestNotFoundException",
                                                    "TF401180: The requested pull request was not found."))
            if _utf16(body.get("description", "")) > 4000:
                return self._send(400, _azure_error("InvalidArgumentValueException",
                                                    "The description of a pull request may hold at most 4000 characters."))
            pull.update({k: v for k, v in body.items() if k in ("title", "description")})
            return self._send(200, pull)
        return self._send(404, _azure_error("ApiResourceNotFoundException", "API resource not found."))

    def _bitbucket(self, forge: FakeForge, workspace: str, repo: str, number: str | None, query: dict,
                   body: dict | None) -> None:
        if self.headers.get("Authorization") != f"Bearer {forge.token}":
            return self._send(401, _bitbucket_error("Token is invalid, expired, or not supported for this endpoint."))
        pulls = forge.pulls.setdefault(f"{workspace}/{repo}", [])
        if self.command == "GET" and number is None:
            q = query.get("q", [""])[0]
            clause = re.fullmatch(r'source\.branch\.name\s*=\s*"((?:[^"\\]|\\.)*)"\s+AND\s+state\s*=\s*"(\w+)"', q)
            if q and clause is None:
                return self._send(400, _bitbucket_error("Invalid query", f"cannot read {q!r}"))
            branch, state = (re.sub(r"\\(.)", r"\1", clause.group(1)), clause.group(2)) if clause else (None, "OPEN")
            found = [p for p in pulls if branch in (None, p["source"]["branch"]["name"]) and p["state"] == state]
            return self._send(200, {"size": len(found), "page": 1, "pagelen": 10, "values": found})
        if self.command == "POST" and number is None:
            branch = body["source"]["branch"]["name"]
            if not forge.branch_exists(f"{workspace}/{repo}", branch):
                return self._send(400, _bitbucket_error("Bad request", f"source: branch {branch} not found"))
            number = len(pulls) + 1
            pull = {"type": "pullrequest", "id": number, "title": body["title"],
                    "description": body.get("description", ""), "state": "OPEN",
                    "source": {"branch": {"name": branch}, "repository": {"full_name": f"{workspace}/{repo}"}},
                    "destination": {"branch": {"name": body["destination"]["branch"]["name"]}},
                    "links": {"self": {"href": f"{forge.api('bitbucket')}/repositories/{workspace}/{repo}/pullrequests/{number}"},
                              "html": {"href": f"https://bitbucket.example/{workspace}/{repo}/pull-requests/{number}"}}}
            pulls.append(pull)
            return self._send(201, pull)
        if self.command == "PUT" and number is not None:
            pull = next((p for p in pulls if p["id"] == int(number)), None)
            if pull is None:
                return self._send(404, _bitbucket_error(f"Pull request {number} not found"))
            pull.update({k: v for k, v in body.items() if k in ("title", "description")})
            return self._send(200, pull)
        return self._send(404, _bitbucket_error("Resource not found"))

    def _bitbucket_server(self, forge: FakeForge, key: str, slug: str, number: str | None, query: dict,
                          body: dict | None) -> None:
        if self.headers.get("Authorization") != f"Bearer {forge.token}":
            return self._send(401, _server_error("auth.IncorrectPasswordAuthenticationException",
                                                 "Authentication failed. Please check your credentials and try again."))
        pulls = forge.pulls.setdefault(f"{key}/{slug}", [])
        if self.command == "GET" and number is None:
            at = query.get("at", [None])[0]
            side = "fromRef" if query.get("direction", ["INCOMING"])[0] == "OUTGOING" else "toRef"
            state = query.get("state", ["OPEN"])[0]
            found = [p for p in pulls if at in (None, p[side]["id"]) and state in ("ALL", p["state"])]
            return self._send(200, {"size": len(found), "limit": 25, "isLastPage": True, "values": found, "start": 0})
        if self.command == "POST" and number is None:
            source, target = body["fromRef"]["id"], body["toRef"]["id"]
            if not forge.branch_exists(f"scm/{key}/{slug}", source.removeprefix("refs/heads/")):
                return self._send(404, _server_error("repository.NoSuchBranchException",
                                                     f"Repository \"{slug}\" of project {key.upper()} has no branch {source}."))
            if any(p["state"] == "OPEN" and (p["fromRef"]["id"], p["toRef"]["id"]) == (source, target) for p in pulls):
                return self._send(409, _server_error("pull.DuplicatePullRequestException",
                                                     "Only one pull request may be open for a given source and target branch"))
            number = len(pulls) + 1
            repository = {"slug": slug, "project": {"key": key.upper()}}
            pull = {"id": number, "version": 0, "title": body["title"], "description": body.get("description", ""),
                    "state": "OPEN", "open": True, "closed": False, "reviewers": [],
                    "fromRef": {"id": source, "displayId": source.removeprefix("refs/heads/"), "repository": repository},
                    "toRef": {"id": target, "displayId": target.removeprefix("refs/heads/"), "repository": repository},
                    "links": {"self": [{"href": f"http://127.0.0.1:{forge.port}/bitbucket/projects/{key.upper()}/repos/"
                                                 f"{slug}/pull-requests/{number}"}]}}
            pulls.append(pull)
            return self._send(201, pull)
        if self.command == "PUT" and number is not None:
            pull = next((p for p in pulls if p["id"] == int(number)), None)
            if pull is None:
                return self._send(404, _server_error("pull.NoSuchPullRequestException",
                                                     f"Pull request {number} does not exist in {key.upper()}/{slug}."))
            if body.get("version") != pull["version"]:
                return self._send(409, _server_error(
                    "pull.PullRequestOutOfDateException",
                    "You are attempting to modify a pull request based on out-of-date information."))
            pull.update({k: v for k, v in body.items() if k in ("title", "description")})
            pull["reviewers"] = [{"user": {"name": r["user"]["name"]}, "role": "REVIEWER", "approved": False}
                                 for r in body.get("reviewers") or []]
            pull["version"] += 1
            return self._send(200, pull)
        return self._send(404, _server_error("rest.NoSuchResourceException", "Not found"))



API_ROOTS = {"github": "/api/v3", "gitlab": "/api/v4", "azure": "/azure/acme", "bitbucket": "/2.0",
             "bitbucket-server": "/bitbucket/rest/api/1.0"}


class _ForgeHandler(_ForgeHandlerMore, BaseHTTPRequestHandler):
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
        data = document.encode() if isinstance(document, str) else json.dumps(document).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html" if isinstance(document, str) else "application/json")
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
        for kind, route in _ROUTES.items():
            found = re.fullmatch(API_ROOTS[kind] + route, parts.path)
            if found:
                return getattr(self, "_" + kind.replace("-", "_"))(forge, *found.groups(), parse_qs(parts.query), body)
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

