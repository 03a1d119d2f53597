"""GitLab merge requests (REST v4): list by source branch, create, update."""

from __future__ import annotations

from urllib.parse import quote

from octoscaffold.errors import ForgeError
from octoscaffold.publish.forge import (
    Api,
    Forge,
    PullRequest,
    Token,
    encoded,
    number,
    web_address,
)


def _api(forge: Forge, token: Token, timeout: float) -> Api:
    return Api(forge, {"PRIVATE-TOKEN": token.value}, token, timeout)


def find_open(api: Api, head: str) -> dict | None:
    project = encoded(api.forge.path)
    query = f"?state=opened&source_branch={quote(head, safe='')}"
    found = api.request("GET", f"/projects/{project}/merge_requests{query}", what="listing merge requests")
    if not isinstance(found, list):
        raise ForgeError("GitLab answered the merge request list with something that is not a list")
    request = next((mr for mr in found if isinstance(mr, dict)), None)
    if request is not None:
        number(request.get("iid"), api.forge)  # it goes into the path of the update
    return request


def open_or_update(
    forge: Forge, token: Token, *, head: str, base: str, title: str, body: str, timeout: float
) -> PullRequest:
    api = _api(forge, token, timeout)
    project = encoded(forge.path)
    existing = find_open(api, head)
    if existing is None:
        created = api.request(
            "POST",
            f"/projects/{project}/merge_requests",
            {"source_branch": head, "target_branch": base, "title": title, "description": body},
            what="opening the merge request",
        )
        return _merge_request(created, forge, created=True)
    iid = existing["iid"]
    updated = api.request(
        "PUT",
        f"/projects/{project}/merge_requests/{iid}",
        {"title": title, "description": body},
        what=f"updating merge request !{iid}",
    )
    return _merge_request(updated, forge, created=False)


def _merge_request(data: object, forge: Forge, *, created: bool) -> PullRequest:
    if not isinstance(data, dict):
        raise ForgeError("GitLab's answer does not describe a merge request")
    return PullRequest(number(data.get("iid"), forge), web_address(data.get("web_url"), forge), created)
