"""A stand-in Octopus Deploy server on 127.0.0.1: the endpoints octoscaffold uses, in memory,
recording every request.

Routes, field names and status codes follow Octopus's published API; the bodies are our own.
Sources:
- Octopus REST API reference (octopus.com/docs/octopus-rest-api, pages "Projects", "Project
  Triggers", "Spaces", "Deployment Processes", "Tag Sets"): `GET/POST /api/{spaceId}/projects`
  (201 Created), `POST /api/{spaceId}/projects/{projectId}/git/convert` (200, body
  `VersionControlSettings` with `Url`, `DefaultBranch`, `BasePath`, `Credentials.Type` one of
  Anonymous/UsernamePassword/Reference/GitHub/SshKey), `GET/POST /api/{spaceId}/projects/{projectId}/triggers`
  (`Filter.FilterType`, `Action.ActionType`), `GET /api/{spaceId}/git-credentials`,
  `GET /api/{spaceId}/projects/{projectId}/{gitRef}/deploymentprocesses`; paged collections answer
  `ItemType`, `TotalResults`, `ItemsPerPage`, `NumberOfPages`, `LastPageNumber`, `Items`, `Links`
  and take `skip`/`take` (default 30).
- OctopusDeploy/go-octopusdeploy `pkg/projects/project.go`, `git_persistence_settings.go`,
  `convert_to_vcs.go`, `project_service.go` (a project is created without `PersistenceSettings`,
  then converted; `PersistenceSettings.Type` Database/VersionControlled; `Credentials`
  `{"Type": "Reference", "Id": ...}`), `pkg/credentials/reference.go`.
- OctopusSolutionsEngineering/OctopusTerraformExport `cmd/internal/model/octopus/*.go`: the fields
  of DeploymentProcess (Steps, Actions, Properties, Packages, Container, WorkerPoolId...),
  VariableSet (Variables, Scope.Environment/Role/Channel/TenantTag/ProcessOwner, IsSensitive,
  Prompt), Lifecycle (Phases with OptionalDeploymentTargets/AutomaticDeploymentTargets), Tenant
  (ProjectEnvironments, TenantTags), ProjectTrigger (Filter.DaysOfWeek/StartTime/Timezone,
  Action.SourceEnvironmentIds/DestinationEnvironmentId/ShouldRedeployWhenReleaseIsCurrent),
  GitCredentials (Name, Details.Type).
- Errors are `{"ErrorMessage": ..., "Errors": [...]}` (the shape Octopus.Client's
  OctopusErrorsContract reads); 401 without a valid `X-Octopus-ApiKey`.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

API_KEY = "API-STANDIN0000000000000000000000"

# Collection name in the route → id prefix of its resources.
PREFIX = {
    "environments": "Environments",
    "lifecycles": "Lifecycles",
    "projectgroups": "ProjectGroups",
    "feeds": "Feeds",
    "workerpools": "WorkerPools",
    "accounts": "Accounts",
    "certificates": "Certificates",
    "tenants": "Tenants",
    "tagsets": "TagSets",
    "git-credentials": "GitCredentials",
    "teams": "Teams",
    "projects": "Projects",
    "libraryvariablesets": "LibraryVariableSets",
    "channels": "Channels",
}
CREATABLE = {"environments", "lifecycles", "projectgroups", "tenants", "projects"}


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class Recorded:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]


@dataclass
class Fault:
    """Answer `status` (or wait `delay` seconds first) for requests whose method and path match."""

    method: str
    path: str  # a regular expression searched in the path
    status: int = 500
    message: str = "An unexpected error occurred."
    times: int = 1_000_000
    delay: float = 0.0


@dataclass
class Space:
    id: str = "Spaces-1"
    name: str = "Default"
    data: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in PREFIX})
    processes: dict[str, dict] = field(default_factory=dict)  # deploymentprocess-Projects-1 → process
    variable_sets: dict[str, dict] = field(default_factory=dict)  # variableset-Projects-1 → set
    runbooks: list[dict] = field(default_factory=list)
    runbook_processes: dict[str, dict] = field(default_factory=dict)
    triggers: list[dict] = field(default_factory=list)
    machine_roles: list[str] = field(default_factory=list)
    # Git content, as Octopus reads it from a repository: (url, canonical ref, base path) → files.
    git: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def new_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-{self.counters[prefix]}"

    def add(self, collection: str, resource: dict) -> dict:
        """Store a resource the way the server completes one: Id, SpaceId, Slug, Links."""
        resource = dict(resource)
        resource.setdefault("Id", self.new_id(PREFIX[collection]))
        resource["SpaceId"] = self.id
        if "Name" in resource and collection not in ("git-credentials",):
            resource.setdefault("Slug", slugify(resource["Name"]))
        resource.setdefault("Links", {"Self": f"/api/{self.id}/{collection}/{resource['Id']}"})
        if collection == "projects":
            self._complete_project(resource)
        self.data[collection].append(resource)
        return resource

    def _complete_project(self, project: dict) -> None:
        pid = project["Id"]
        project.setdefault("DeploymentProcessId", f"deploymentprocess-{pid}")
        project.setdefault("VariableSetId", f"variableset-{pid}")
        project.setdefault("IsVersionControlled", False)
        project.setdefault("PersistenceSettings", {"Type": "Database"})
        project.setdefault("IncludedLibraryVariableSetIds", [])
        project.setdefault("TenantedDeploymentMode", "Untenanted")
        project.setdefault("DefaultGuidedFailureMode", "EnvironmentDefault")
        project.setdefault("ProjectConnectivityPolicy", {"AllowDeploymentsToNoTargets": False, "ExcludeUnhealthyTargets": False,
                                                         "SkipMachineBehavior": "None", "TargetRoles": []})
        project["Links"] = {"Self": f"/api/{self.id}/projects/{pid}", "ConvertToVcs": f"/api/{self.id}/projects/{pid}/git/convert"}
        self.processes.setdefault(project["DeploymentProcessId"], {
            "Id": project["DeploymentProcessId"], "ProjectId": pid, "SpaceId": self.id, "Version": 0, "Steps": []})
        self.variable_sets.setdefault(project["VariableSetId"], {
            "Id": project["VariableSetId"], "OwnerId": pid, "SpaceId": self.id, "Version": 0, "Variables": [], "ScopeValues": {}})

    def find(self, collection: str, key: str) -> dict | None:
        return next((r for r in self.data[collection] if key in (r.get("Id"), r.get("Name"))), None)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class StandIn:
    """The server and what it holds; `requests` records everything asked of it, in order."""

    def __init__(self, space: Space | None = None, *, api_key: str = API_KEY) -> None:
        self.space = space or Space()
        self.api_key = api_key
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0  # the most requests handled at once
        standin = self

        class Handler(_Handler):
            owner = standin

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "StandIn":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method != "GET"]

    def fail(self, method: str, path: str, status: int = 500, message: str = "An unexpected error occurred.",
             times: int = 1_000_000, delay: float = 0.0) -> None:
        self.faults.append(Fault(method, path, status, message, times, delay))


class _Handler(BaseHTTPRequestHandler):
    owner: StandIn
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server
    disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    # -- plumbing ---------------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        owner = self.owner
        parts = urlsplit(self.path)
        # Each segment decoded on its own: a git ref such as refs%2Fheads%2Fmain is one segment.
        segments = [unquote(segment) for segment in parts.path.split("/")]
        path = unquote(parts.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with owner.lock:
            owner.in_flight += 1
            owner.most_in_flight = max(owner.most_in_flight, owner.in_flight)
        try:
            self._answer(method, parts, segments, path, body)
        finally:
            with owner.lock:
                owner.in_flight -= 1

    def _answer(self, method: str, parts, segments: list[str], path: str, body: Any) -> None:
        owner = self.owner
        with owner.lock:
            owner.requests.append(Recorded(method, path, parse_qs(parts.query), body, dict(self.headers.items())))
            fault = next((f for f in owner.faults if f.method == method and re.search(f.path, path) and f.times > 0), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                return self._send(fault.status, {"ErrorMessage": fault.message, "Errors": []})
        if self.headers.get("X-Octopus-ApiKey") != owner.api_key:
            return self._send(401, {"ErrorMessage": "You must be logged in to perform this action. Please provide a valid API key or log in again.",
                                    "Errors": []})
        try:
            with owner.lock:
                status, answer = _route(owner.space, method, segments, parse_qs(parts.query), body)
        except _Problem as problem:
            status, answer = problem.status, {"ErrorMessage": problem.message, "Errors": problem.errors}
        self._send(status, answer)

    def _send(self, status: int, answer: Any) -> None:
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self._headers_buffer.append(b"\r\n")  # one write for the headers and the body
        self.wfile.write(b"".join(self._headers_buffer) + data)
        self._headers_buffer = []


class _Problem(Exception):
    def __init__(self, status: int, message: str, errors: list[str] | None = None) -> None:
        self.status, self.message, self.errors = status, message, errors or []


def _paged(items: list[dict], query: dict[str, list[str]], item_type: str, self_path: str) -> dict:
    skip = int(query.get("skip", ["0"])[0])
    take = int(query.get("take", ["30"])[0])
    page = items[skip: skip + take]
    pages = max(1, -(-len(items) // take)) if take else 1
    return {
        "ItemType": item_type, "TotalResults": len(items), "ItemsPerPage": take, "NumberOfPages": pages,
        "LastPageNumber": pages - 1, "Items": copy.deepcopy(page),
        "Links": {"Self": self_path, "Template": self_path + "{?skip,take}", "Page.All": self_path + "/all",
                  "Page.Current": f"{self_path}?skip={skip}&take={take}"},
    }


def _canonical_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/heads/{ref}"


def _git_files(space: Space, project: dict, ref: str) -> dict:
    settings = project.get("PersistenceSettings") or {}
    if settings.get("Type") != "VersionControlled":
        raise _Problem(400, "This project is not version controlled.")
    key = (settings["Url"], _canonical_ref(ref), settings["BasePath"])
    files = space.git.get(key)
    if files is None:
        raise _Problem(404, f"Could not find the branch or tag '{ref}' with a project at '{settings['BasePath']}'.")
    return files


def _route(space: Space, method: str, segments: list[str], query: dict, body: Any) -> tuple[int, Any]:
    path = "/".join(segments)
    if segments[:2] != ["", "api"]:
        raise _Problem(404, f"The resource '{path}' was not found.")
    if segments[2:] == ["spaces", "all"] and method == "GET":
        return 200, [{"Id": space.id, "Name": space.name, "Slug": slugify(space.name), "IsDefault": True,
                      "Links": {"Self": f"/api/spaces/{space.id}"}}]
    if len(segments) < 4 or segments[2] != space.id:
        raise _Problem(404, f"The resource '{path}' was not found.")
    rest = segments[3:]
    base = f"/api/{space.id}"

    if rest == ["machineroles", "all"] and method == "GET":
        return 200, sorted(space.machine_roles)
    if rest[0] == "deploymentprocesses" and len(rest) == 2 and method == "GET":
        return 200, _get(space.processes, rest[1])
    if rest[0] == "variables" and len(rest) == 2 and method == "GET":
        return 200, _get(space.variable_sets, rest[1])
    if rest[0] == "runbookProcesses" and len(rest) == 2 and method == "GET":
        return 200, _get(space.runbook_processes, rest[1])
    if rest[0] == "projects" and len(rest) >= 3:
        return _project_route(space, method, rest[1], rest[2:], query, body)

    collection = rest[0]
    if collection not in PREFIX:
        raise _Problem(404, f"The resource '{path}' was not found.")
    items = space.data[collection]
    if len(rest) == 1 and method == "GET":
        found = items
        if "partialName" in query:
            found = [r for r in items if query["partialName"][0].lower() in str(r.get("Name", "")).lower()]
        return 200, _paged(found, query, PREFIX[collection][:-1], f"{base}/{collection}")
    if rest[1:] == ["all"] and method == "GET":
        return 200, copy.deepcopy(items)
    if len(rest) == 1 and method == "POST":
        return 201, copy.deepcopy(_create(space, collection, body))
    if len(rest) == 2:
        found = next((r for r in items if r["Id"] == rest[1]), None)
        if found is None:
            raise _Problem(404, f"The {PREFIX[collection][:-1]} with id '{rest[1]}' was not found.")
        if method == "GET":
            return 200, copy.deepcopy(found)
        if method == "PUT":
            if not isinstance(body, dict) or body.get("Id") != found["Id"]:
                raise _Problem(400, "There was a problem with your request.", ["The Id in the body does not match the route."])
            found.update({k: v for k, v in body.items() if k not in ("Links", "SpaceId")})
            return 200, copy.deepcopy(found)
    raise _Problem(405, f"{method} is not allowed on '{path}'.")


def _get(table: dict[str, dict], key: str) -> dict:
    if key not in table:
        raise _Problem(404, f"The resource with id '{key}' was not found.")
    return copy.deepcopy(table[key])


def _create(space: Space, collection: str, body: Any) -> dict:
    if collection not in CREATABLE:
        raise _Problem(405, f"This stand-in does not create {collection}.")
    if not isinstance(body, dict) or not str(body.get("Name") or "").strip():
        raise _Problem(400, "There was a problem with your request.", ["Please specify a name."])
    if any(str(r.get("Name", "")).lower() == body["Name"].lower() for r in space.data[collection]):
        raise _Problem(400, "There was a problem with your request.",
                       [f"The name '{body['Name']}' is already in use. Please choose a different name."])
    if collection == "projects":
        if "PersistenceSettings" in body and (body["PersistenceSettings"] or {}).get("Type") == "VersionControlled":
            raise _Problem(400, "There was a problem with your request.", ["A project is converted to version control after it is created."])
        for key, where in (("ProjectGroupId", "projectgroups"), ("LifecycleId", "lifecycles")):
            if space.find(where, str(body.get(key))) is None:
                raise _Problem(400, "There was a problem with your request.", [f"{key} '{body.get(key)}' does not exist."])
    if collection == "lifecycles":
        for phase in body.get("Phases") or []:
            for env in (phase.get("OptionalDeploymentTargets") or []) + (phase.get("AutomaticDeploymentTargets") or []):
                if space.find("environments", env) is None:
                    raise _Problem(400, "There was a problem with your request.", [f"Environment '{env}' does not exist."])
            phase.setdefault("Id", space.new_id("Phases"))
    if collection == "tenants":
        for project_id, envs in (body.get("ProjectEnvironments") or {}).items():
            if space.find("projects", project_id) is None:
                raise _Problem(400, "There was a problem with your request.", [f"Project '{project_id}' does not exist."])
    return space.add(collection, body)


def _project_route(space: Space, method: str, project_id: str, rest: list[str], query: dict, body: Any) -> tuple[int, Any]:
    project = space.find("projects", project_id)
    if project is None or project["Id"] != project_id:
        raise _Problem(404, f"The project with id '{project_id}' was not found.")
    base = f"/api/{space.id}/projects/{project_id}"
    if rest == ["git", "convert"] and method == "POST":
        return 200, _convert(space, project, body)
    if rest == ["triggers"] and method == "GET":
        found = [t for t in space.triggers if t["ProjectId"] == project_id]
        return 200, _paged(found, query, "ProjectTrigger", f"{base}/triggers")
    if rest == ["triggers"] and method == "POST":
        if not isinstance(body, dict) or not body.get("Name") or not body.get("Filter") or not body.get("Action"):
            raise _Problem(400, "There was a problem with your request.", ["Name, Filter and Action are required."])
        if body.get("ProjectId") != project_id:
            raise _Problem(400, "There was a problem with your request.", ["ProjectId does not match the route."])
        if any(t["Name"] == body["Name"] and t["ProjectId"] == project_id for t in space.triggers):
            raise _Problem(400, "There was a problem with your request.", [f"The name '{body['Name']}' is already in use."])
        trigger = dict(body, Id=space.new_id("ProjectTriggers"), SpaceId=space.id)
        space.triggers.append(trigger)
        return 201, copy.deepcopy(trigger)
    if rest == ["runbooks"] and method == "GET":
        found = [r for r in space.runbooks if r["ProjectId"] == project_id]
        return 200, _paged(found, query, "Runbook", f"{base}/runbooks")
    if len(rest) == 2 and method == "GET":
        files = _git_files(space, project, rest[0])
        kind = rest[1]
        if kind == "deploymentprocesses":
            return 200, dict(copy.deepcopy(files["process"]), ProjectId=project_id, SpaceId=space.id)
        if kind == "variables":
            return 200, dict(copy.deepcopy(files.get("variables") or {"Variables": []}), OwnerId=project_id, SpaceId=space.id)
        if kind == "deploymentsettings":
            return 200, dict(copy.deepcopy(files.get("settings") or {}), ProjectId=project_id, SpaceId=space.id)
    raise _Problem(404, f"The resource '{base}/{'/'.join(rest)}' was not found.")


def _convert(space: Space, project: dict, body: Any) -> dict:
    settings = (body or {}).get("VersionControlSettings") if isinstance(body, dict) else None
    if not isinstance(settings, dict) or not all(settings.get(k) for k in ("Url", "DefaultBranch", "BasePath", "Credentials")):
        raise _Problem(400, "There was a problem with your request.", ["Url, DefaultBranch, BasePath and Credentials are required."])
    if not str((body or {}).get("ChangeDescription") or body.get("CommitMessage") or "").strip():
        raise _Problem(400, "There was a problem with your request.", ["A change description is required."])
    if (project.get("PersistenceSettings") or {}).get("Type") == "VersionControlled":
        raise _Problem(400, "There was a problem with your request.", ["The project is already version controlled."])
    credentials = settings["Credentials"]
    kind = credentials.get("Type")
    if kind not in ("Anonymous", "UsernamePassword", "Reference", "GitHub", "SshKey"):
        raise _Problem(400, "There was a problem with your request.", [f"Unknown credential type '{kind}'."])
    if kind == "Reference" and space.find("git-credentials", str(credentials.get("Id"))) is None:
        raise _Problem(400, "There was a problem with your request.", [f"Git credential '{credentials.get('Id')}' does not exist."])
    project["PersistenceSettings"] = {
        "Type": "VersionControlled", "Url": settings["Url"], "DefaultBranch": settings["DefaultBranch"],
        "BasePath": settings["BasePath"], "Credentials": credentials, "ProtectedDefaultBranch": False,
        "ProtectedBranchNamePatterns": settings.get("ProtectedBranchNamePatterns") or [],
        "ConversionState": {"VariablesAreInGit": True, "RunbooksAreInGit": False},
    }
    project["IsVersionControlled"] = True
    key = (settings["Url"], _canonical_ref(settings["DefaultBranch"]), settings["BasePath"])
    # Octopus commits the project's current (here empty) process when the folder holds none.
    space.git.setdefault(key, {"process": {"Id": project["DeploymentProcessId"], "Steps": []}, "variables": {"Variables": []},
                               "settings": {}})
    return {}
