"""Which forge a remote lives on, its API, and one small JSON-over-HTTP client.

HTTP uses the standard library (urllib.request), loaded only when a pull request is opened. The
token goes into one request header and nowhere else: no message, exception or repr contains it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from octoscaffold.errors import ForgeError, UserError
from octoscaffold.inputs import printable

TIMEOUT = 30.0  # seconds for one API request
MAX_ANSWER = 10_000_000  # bytes of one API answer; a pull request is a few kilobytes

TOKEN_VARIABLES = {"github": ("GH_TOKEN", "GITHUB_TOKEN"), "gitlab": ("GITLAB_TOKEN",)}
NAMES = {"github": "GitHub", "gitlab": "GitLab"}


def redact(text: str) -> str:
    """Remove credentials from URLs (`https://user:secret@host` → `https://host`). The userinfo is
    everything up to the last `@` before the path: a password may hold `@` itself."""
    return re.sub(r"([A-Za-z][\w+.-]*://)[^/?#\s]*@", r"\1", str(text))


def shown(text: object) -> str:
    """A URL or git's words as they may be printed: credentials removed, control characters escaped."""
    return printable(redact(str(text)))


_WEB_ADDRESS = re.compile(r"https?://[^\x00-\x20\x7f-\x9f\s/?#@]+(?:[/?#][^\x00-\x20\x7f-\x9f\s]*)?", re.IGNORECASE)


def web_address(value: object, forge: Forge) -> str:
    """The pull request's address as the forge gave it, if it is one: http(s), nothing that could
    end the printed line or move the cursor."""
    if isinstance(value, str) and len(value) <= 2000 and _WEB_ADDRESS.fullmatch(value):
        return value
    given = printable(repr(value) if not isinstance(value, str) else f"'{value[:200]}'")
    raise ForgeError(f"{forge.name} gave the {forge.what} an address that is not a web address: {given}")


def number(value: object, forge: Forge) -> int:
    """The pull request's number: a positive integer (it becomes part of an API path)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**12:
        return value
    raise ForgeError(f"{forge.name}'s answer does not describe a {forge.what}: its number is "
                     f"{printable(repr(value))[:100]}, not a positive integer")


@dataclass(frozen=True)
class Forge:
    """A repository on a forge: `kind` github or gitlab, the API root and the repository's path."""

    kind: str
    api: str  # e.g. https://api.github.com, https://gitlab.example.com/api/v4
    path: str  # owner/repo (GitLab: group/subgroup/project)
    web: str  # https://host/owner/repo, for the Octopus connection instructions

    @property
    def name(self) -> str:
        return NAMES[self.kind]

    @property
    def what(self) -> str:
        return "merge request" if self.kind == "gitlab" else "pull request"


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    created: bool  # False when an open one was updated


@dataclass(frozen=True)
class Token:
    """A secret that cannot leak through str() or repr()."""

    value: str = field(repr=False)
    source: str = ""

    def __str__(self) -> str:
        return "<token>"


def parse_remote(url: str) -> tuple[str, str, str]:
    """`(scheme, host, path)` of a remote URL: https, ssh and scp-like (`git@host:owner/repo.git`)."""
    scp = re.match(r"^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$", url)
    if scp and "://" not in url:
        host, path = scp.groups()
        scheme = "ssh"
    else:
        parts = urlsplit(url)
        scheme, host, path = parts.scheme, parts.hostname or "", parts.path
        if parts.port and scheme in ("http", "https"):
            host = f"{host}:{parts.port}"
    path = path.strip("/").removesuffix(".git").strip("/")
    return scheme, host, path


def detect(remote_url: str, forge_url: str | None = None) -> Forge:
    """The forge the remote names. `forge_url` is the API root for self-hosted forges:
    GitHub Enterprise `https://host/api/v3`, GitLab `https://host/api/v4`."""
    scheme, host, path = parse_remote(remote_url)
    url = shown(remote_url)
    if scheme == "file" or not host:
        raise UserError(f"the remote {url} is not on a forge", hint="push to a GitHub or GitLab remote for --pr")
    web_scheme = scheme if scheme in ("http", "https") else "https"
    web_host = host if scheme in ("http", "https") else host.split(":")[0]
    web = f"{web_scheme}://{web_host}/{path}"
    if forge_url:
        api = forge_url.rstrip("/")
        if api.endswith("/api/v3") or urlsplit(api).hostname == "api.github.com":
            kind = "github"
        elif api.endswith("/api/v4"):
            kind = "gitlab"
        else:
            raise UserError(
                f"cannot tell the forge from --forge-url {shown(forge_url)}",
                hint="give the API root: https://HOST/api/v3 for GitHub Enterprise, https://HOST/api/v4 for GitLab",
            )
    else:
        name = web_host.split(":")[0].lower()
        if name in ("github.com", "www.github.com"):
            kind, api = "github", "https://api.github.com"
        elif "gitlab" in name:
            kind, api = "gitlab", f"https://{name}/api/v4"
        elif "github" in name:
            kind, api = "github", f"https://{name}/api/v3"
        else:
            raise UserError(
                f"cannot tell which forge hosts {url}",
                hint="pass --forge-url https://HOST/api/v3 (GitHub Enterprise) or https://HOST/api/v4 (GitLab)",
            )
    segments = path.split("/")
    odd = re.search(r"[\x00-\x20\x7f-\x9f?#]", path)  # would end a printed line or change an API path
    if odd or len(segments) < 2 or "" in segments or (kind == "github" and len(segments) != 2):
        raise UserError(f"the remote {url} does not name a repository as owner/name")
    return Forge(kind, api, path, web)


def token_for(forge: Forge, environ: dict[str, str] | None = None) -> Token:
    environ = os.environ if environ is None else environ
    names = TOKEN_VARIABLES[forge.kind]
    for name in names:
        if environ.get(name, "").strip():
            return Token(environ[name].strip(), name)
    raise UserError(
        f"no {forge.name} token to open the {forge.what}",
        hint=f"set {' or '.join(names)} to a token that may write to {forge.path}",
    )


def encoded(path: str) -> str:
    """A GitLab project id or any path segment, URL-encoded (slashes included)."""
    return quote(path, safe="")


def _opener():
    """A urllib opener that does not follow redirects: it would resend the token wherever they point."""
    import urllib.request

    class Refuse(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            return None  # the 3xx answer becomes an HTTPError

    return urllib.request.build_opener(Refuse())


class Api:
    """JSON requests to one forge, with errors turned into one-line ForgeErrors."""

    def __init__(self, forge: Forge, headers: dict[str, str], token: Token, timeout: float = TIMEOUT) -> None:
        self.forge = forge
        self._headers = headers
        self._token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: dict | None = None, what: str = "") -> object:
        import http.client
        import socket
        import urllib.error
        import urllib.request

        url = self.forge.api + path
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Accept": "application/json", "User-Agent": "octoscaffold", **self._headers}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        doing = what or f"{method} {path}"
        try:
            with _opener().open(request, timeout=self.timeout) as response:
                data = response.read(MAX_ANSWER + 1)
                text = data.decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            raise ForgeError(self._clean(self._http_failure(error, doing))) from None
        except (socket.timeout, TimeoutError):
            raise ForgeError(f"{self.forge.name} did not answer within {self.timeout:g} s ({doing})") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise ForgeError(f"{self.forge.name} did not answer within {self.timeout:g} s ({doing})") from None
            raise ForgeError(self._clean(f"cannot reach {self.forge.name} at {self.forge.api}: {reason}")) from None
        except (OSError, http.client.HTTPException) as error:
            reason = str(error) or type(error).__name__
            raise ForgeError(self._clean(f"cannot reach {self.forge.name} at {self.forge.api}: {reason}")) from None
        if len(data) > MAX_ANSWER:
            raise ForgeError(f"{self.forge.name} answered {doing} with more than {MAX_ANSWER:,} bytes")
        try:
            return json.loads(text) if text.strip() else None
        except (ValueError, RecursionError):
            raise ForgeError(f"{self.forge.name} answered {doing} with something that is not JSON") from None

    def _http_failure(self, error, doing: str) -> str:
        name, code = self.forge.name, error.code
        try:
            detail = _error_detail(json.loads(error.read(100_000).decode("utf-8", "replace")))
        except (ValueError, OSError, RecursionError):
            detail = ""
        detail = f": {detail}" if detail else ""
        if code == 401:
            return f"{name} rejected the token from {self._token.source} (HTTP 401{detail}); check that it is valid"
        if code == 403:
            return f"{name} refused {doing} (HTTP 403{detail}); the token from {self._token.source} may lack write access"
        if code == 404:
            return f"{name} has no repository {self.forge.path} that the token can see (HTTP 404 on {doing})"
        if 300 <= code < 400:
            return f"{name} redirected {doing} (HTTP {code}); pass --forge-url with the API root"
        if code >= 500:
            return f"{name} failed on {doing} (HTTP {code}{detail}); try again later"
        return f"{name} refused {doing} (HTTP {code}{detail})"

    def _clean(self, text: str) -> str:
        """One line without credentials, and with the server's words unable to forge output."""
        text = redact(" ".join(text.split()))
        text = text.replace(self._token.value, "<token>") if self._token.value else text
        return printable(text)


def _error_detail(data: object) -> str:
    """The human part of a GitHub or GitLab error document."""
    if not isinstance(data, dict):
        return ""
    parts = []
    message = data.get("message")
    if isinstance(message, (str, list)):
        parts.append(message if isinstance(message, str) else "; ".join(map(str, message)))
    elif isinstance(message, dict):
        parts += [f"{k} {'; '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in message.items()]
    for item in data.get("errors") or []:
        if isinstance(item, dict) and item.get("message"):
            parts.append(str(item["message"]))
        elif isinstance(item, str):
            parts.append(item)
    if data.get("error") and not parts:
        parts.append(str(data["error"]))
    return "; ".join(parts)[:300]


def open_or_update(
    forge: Forge, token: Token, *, head: str, base: str, title: str, body: str, timeout: float = TIMEOUT
) -> PullRequest:
    """Open a pull (merge) request from `head` to `base`, or update the open one for `head`."""
    if forge.kind == "github":
        from octoscaffold.publish import github as client
    else:
        from octoscaffold.publish import gitlab as client
    return client.open_or_update(forge, token, head=head, base=base, title=title, body=body, timeout=timeout)
