"""Azure DevOps Services and Server pull requests (Git REST API 7.1): the token header, routes,
field names and the description limit. Listing, creating, updating and checking the answers is
forge.Client's.

Routes (https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests?view=azure-devops-rest-7.1):
list  GET   {collection}/{project}/_apis/git/repositories/{repo}/pullrequests?searchCriteria.sourceRefName=...
create POST  .../pullrequests            {sourceRefName, targetRefName, title, description}
update PATCH .../pullrequests/{id}       {title, description}; the description holds at most 4000 characters
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote, unquote

from octoscaffold.publish.forge import Client, Token, dig

API_VERSION = "7.1"
DESCRIPTION_LIMIT = 4000  # characters (.NET counts UTF-16 code units)
TRUNCATED = ("\n\n---\n*Cut here: Azure DevOps keeps at most {limit:,} characters of a description, so the "
             "rest was left out. The commit holds every file; `--dry-run` prints the whole description.*")


class AzureDevOps(Client):
    number_field, mark, update_method = "pullRequestId", "!", "PATCH"

    def headers(self, token: Token) -> dict[str, str]:
        # A personal access token goes as the password of Basic authentication with an empty user
        # name; the job token of Azure Pipelines (System.AccessToken) as a bearer token.
        if token.source == "SYSTEM_ACCESSTOKEN":
            authorization = f"Bearer {token.value}"
        else:
            authorization = "Basic " + base64.b64encode(f":{token.value}".encode()).decode("ascii")
        # Without it a rejected token is answered 203 with the sign-in page instead of 401.
        return {"Authorization": authorization, "X-TFS-FedAuthRedirect": "Suppress"}

    def _route(self, number: int | None = None, *, version: bool = True) -> str:
        project, repo = (quote(unquote(part), safe="") for part in self.forge.path.split("/"))
        tail = f"/{number}" if number is not None else ""
        query = f"?api-version={API_VERSION}" if version else ""  # (httpx replaces it when given params)
        return f"/{project}/_apis/git/repositories/{repo}/pullrequests{tail}{query}"

    def listing(self, head: str) -> tuple[str, dict[str, str]]:
        query = {"searchCriteria.sourceRefName": f"refs/heads/{head}", "searchCriteria.status": "active",
                 "api-version": API_VERSION}
        return self._route(version=False), query

    def creation(self, head: str, base: str, title: str, body: str) -> tuple[str, dict]:
        document = {"sourceRefName": f"refs/heads/{head}", "targetRefName": f"refs/heads/{base}",
                    "title": title, "description": within_limit(body)}
        return self._route(), document

    def updating(self, number: int, title: str, body: str) -> tuple[str, dict]:
        return self._route(number), {"title": title, "description": within_limit(body)}

    def listed(self, answer: object) -> object:
        return dig(answer, "value")

    def address(self, answer: dict) -> object:
        # The answer's `url` is the API's; the page is the repository's web address + /pullrequest/ID.
        web = dig(answer, "repository", "webUrl")
        return f"{web if isinstance(web, str) else self.forge.web}/pullrequest/{answer.get(self.number_field)}"


def _units(text: str) -> int:
    """The length as Azure DevOps counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def within_limit(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text`, or as much of it as fits with a note saying it was cut: at a line break, and with an
    open code fence closed so that the note is not shown as code."""
    if _units(text) <= limit:
        return text
    note = TRUNCATED.format(limit=limit)
    room = limit - _units(note) - 10  # and a closing fence
    kept = text.encode("utf-16-le")[: room * 2].decode("utf-16-le", "ignore")  # no half surrogate pair
    if "\n" in kept[len(kept) // 2:]:
        kept = kept[: kept.rindex("\n")]
    fence = None
    for line in kept.splitlines():
        opening = re.match(r"\s{0,3}(`{3,}|~{3,})", line)
        if opening and fence is None:
            fence = opening.group(1)
        elif opening and line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
            fence = None
    closing = f"\n{fence}" if fence else ""
    while _units(kept + closing + note) > limit:  # a fence longer than the room left for it
        kept = kept[:-1]
    return kept.rstrip("\n") + closing + note
