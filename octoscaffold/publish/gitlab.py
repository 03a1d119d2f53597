"""GitLab merge requests (REST v4): the token header, routes and field names. Listing, creating,
updating and checking the answers is forge.Client's."""

from __future__ import annotations

from octoscaffold.publish.forge import Client, Token, encoded


class GitLab(Client):
    number_field, url_field, mark, update_method = "iid", "web_url", "!", "PUT"

    def headers(self, token: Token) -> dict[str, str]:
        return {"PRIVATE-TOKEN": token.value}

    def listing(self, head: str) -> tuple[str, dict[str, str]]:
        return f"/projects/{encoded(self.forge.path)}/merge_requests", {"state": "opened", "source_branch": head}

    def creation(self, head: str, base: str, title: str, body: str) -> tuple[str, dict]:
        document = {"source_branch": head, "target_branch": base, "title": title, "description": body}
        return f"/projects/{encoded(self.forge.path)}/merge_requests", document

    def updating(self, number: int, title: str, body: str) -> tuple[str, dict]:
        return f"/projects/{encoded(self.forge.path)}/merge_requests/{number}", {"title": title, "description": body}
