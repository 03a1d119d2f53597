"""Bitbucket Cloud (REST 2.0) and Bitbucket Data Center / Server (REST 1.0) pull requests: the token
header, routes and field names. Listing, creating, updating and checking the answers is
forge.Client's.

Cloud (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/):
list   GET  /repositories/{workspace}/{repo}/pullrequests?q=source.branch.name="..." AND state="OPEN"
create POST /repositories/{workspace}/{repo}/pullrequests  {title, description, source.branch.name, destination.branch.name}
update PUT  /repositories/{workspace}/{repo}/pullrequests/{id}  {title, description}

Data Center (https://developer.atlassian.com/server/bitbucket/rest/v815/api-group-pull-requests/):
list   GET  /projects/{key}/repos/{slug}/pull-requests?at=refs/heads/...&direction=OUTGOING&state=OPEN
create POST /projects/{key}/repos/{slug}/pull-requests  {title, description, fromRef.id, toRef.id}
update PUT  /projects/{key}/repos/{slug}/pull-requests/{id}  {version, title, description, reviewers}
"""

from __future__ import annotations

from octoscaffold.publish.forge import Client, Token, dig, encoded


class _Bearer(Client):
    number_field, mark, update_method = "id", "#", "PUT"

    def headers(self, token: Token) -> dict[str, str]:
        # Cloud: a repository, project or workspace access token; Data Center: an HTTP access token.
        return {"Authorization": f"Bearer {token.value}"}

    def listed(self, answer: object) -> object:
        return dig(answer, "values")  # both wrap a page of results the same way

    def _route(self, kind: str, number: int | None = None) -> str:
        owner, repo = (encoded(part) for part in self.forge.path.split("/"))
        tail = f"/{number}" if number is not None else ""
        return kind.format(owner=owner, repo=repo) + tail


class Bitbucket(_Bearer):
    """Bitbucket Cloud: https://api.bitbucket.org/2.0, repositories as workspace/repo."""

    ROUTE = "/repositories/{owner}/{repo}/pullrequests"

    def listing(self, head: str) -> tuple[str, dict[str, str]]:
        quoted = head.replace("\\", "\\\\").replace('"', '\\"')  # a BBQL string literal
        return self._route(self.ROUTE), {"q": f'source.branch.name="{quoted}" AND state="OPEN"'}

    def creation(self, head: str, base: str, title: str, body: str) -> tuple[str, dict]:
        document = {"title": title, "description": body, "source": {"branch": {"name": head}},
                    "destination": {"branch": {"name": base}}}
        return self._route(self.ROUTE), document

    def updating(self, number: int, title: str, body: str) -> tuple[str, dict]:
        return self._route(self.ROUTE, number), {"title": title, "description": body}

    def address(self, answer: dict) -> object:
        return dig(answer, "links", "html", "href")


class BitbucketServer(_Bearer):
    """Bitbucket Data Center / Server: https://HOST/rest/api/1.0, repositories as PROJECT/slug."""

    ROUTE = "/projects/{owner}/repos/{repo}/pull-requests"

    def listing(self, head: str) -> tuple[str, dict[str, str]]:
        return self._route(self.ROUTE), {"at": f"refs/heads/{head}", "direction": "OUTGOING", "state": "OPEN"}

    def creation(self, head: str, base: str, title: str, body: str) -> tuple[str, dict]:
        document = {"title": title, "description": body, "fromRef": {"id": f"refs/heads/{head}"},
                    "toRef": {"id": f"refs/heads/{base}"}}
        return self._route(self.ROUTE), document

    def updating(self, number: int, title: str, body: str) -> tuple[str, dict]:
        # `version` is the listed one: a pull request changed since gets 409, not an overwrite. The
        # reviewers go back as they were, since the update sets the list it is given.
        found = self.found or {}
        reviewers = [{"user": {"name": name}} for name in
                     (dig(r, "user", "name") for r in found.get("reviewers") or []) if isinstance(name, str)]
        document = {"version": found.get("version"), "title": title, "description": body, "reviewers": reviewers}
        return self._route(self.ROUTE, number), document

    def address(self, answer: dict) -> object:
        return dig(answer, "links", "self", 0, "href")
