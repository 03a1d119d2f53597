"""GitHub and GitHub Enterprise pull requests (REST v3): list by head branch, create, update."""

from __future__ import annotations

from urllib.parse import quote

from octoscaffold.errors import ForgeError
from octoscaffold.publish.forge import Api, Forge, PullRequest, Token


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
    return next((pr for pr in found if isinstance(pr, dict) and pr.get("number")), None)


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
        return _pull_request(created, created=True)
    number = existing["number"]
    updated = api.request(
        "PATCH",
        f"/repos/{forge.path}/pulls/{number}",
        {"title": title, "body": body},
        what=f"updating pull request #{number}",
    )
    return _pull_request(updated, created=False)


def _pull_request(data: object, *, created: bool) -> PullRequest:
    if not isinstance(data, dict) or not isinstance(data.get("number"), int):
        raise ForgeError("GitHub's answer does not describe a pull request")
    return PullRequest(data["number"], str(data.get("html_url") or ""), created)
