"""GitHub and GitHub Enterprise pull requests (REST v3): list by head branch, create, update."""

from __future__ import annotations

from urllib.parse import quote

from octoscaffold.errors import ForgeError
from octoscaffold.publish.forge import (
    Api,
    Forge,
    PullRequest,
    Token,
    number,
    web_address,
)


def _api(forge: Forge, token: Token, timeout: float) -> Api:
    headers = {
        "Authorization": f"Bearer {token.value}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    return Api(forge, headers, token, timeout)


def find_open(api: Api, head: str) -> dict | None:
    owner = api.forge.path.split("/")[0]
    query = f"?state=open&head={quote(owner + ':' + head, safe='')}"
    found = api.request("GET", f"/repos/{api.forge.path}/pulls{query}", what="listing pull requests")
    if not isinstance(found, list):
        raise ForgeError("GitHub answered the pull request list with something that is not a list")
    pull = next((pr for pr in found if isinstance(pr, dict)), None)
    if pull is not None:
        number(pull.get("number"), api.forge)  # it goes into the path of the update
    return pull


def open_or_update(
    forge: Forge, token: Token, *, head: str, base: str, title: str, body: str, timeout: float
) -> PullRequest:
    api = _api(forge, token, timeout)
    existing = find_open(api, head)
    if existing is None:
        created = api.request(
            "POST",
            f"/repos/{forge.path}/pulls",
            {"title": title, "head": head, "base": base, "body": body},
            what="opening the pull request",
        )
        return _pull_request(created, forge, created=True)
    number = existing["number"]
    updated = api.request(
        "PATCH",
        f"/repos/{forge.path}/pulls/{number}",
        {"title": title, "body": body},
        what=f"updating pull request #{number}",
    )
    return _pull_request(updated, forge, created=False)


def _pull_request(data: object, forge: Forge, *, created: bool) -> PullRequest:
    if not isinstance(data, dict):
        raise ForgeError("GitHub's answer does not describe a pull request")
    return PullRequest(number(data.get("number"), forge), web_address(data.get("html_url"), forge), created)
