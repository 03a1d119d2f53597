"""GitHub and GitHub Enterprise pull requests (REST v3): the token header, routes and field names.
Listing, creating, updating and checking the answers is forge.Client's."""

from __future__ import annotations

from octoscaffold.publish.forge import Client, Token


class GitHub(Client):
    number_field, url_field, mark, update_method = "number", "html_url", "#", "PATCH"

    def headers(self, token: Token) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token.value}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    def listing(self, head: str) -> tuple[str, dict[str, str]]:
        owner = self.forge.path.split("/")[0]
        return f"/repos/{self.forge.path}/pulls", {"state": "open", "head": f"{owner}:{head}"}

    def creation(self, head: str, base: str, title: str, body: str) -> tuple[str, dict]:
        return f"/repos/{self.forge.path}/pulls", {"title": title, "head": head, "base": base, "body": body}

    def updating(self, number: int, title: str, body: str) -> tuple[str, dict]:
        return f"/repos/{self.forge.path}/pulls/{number}", {"title": title, "body": body}
