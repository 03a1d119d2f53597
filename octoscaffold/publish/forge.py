"""Which forge a remote lives on, its API, a JSON-over-HTTP client, and opening or updating a
pull (merge) request; github.py, gitlab.py, azure.py and bitbucket.py hold only each forge's
routes and field names.

HTTP goes through httpx, imported only when a request is made. The token goes into one request
header and nowhere else: no message, exception or repr contains it, and redirects are never
followed (they would resend it wherever they point). Every request has a timeout; idempotent ones
are retried a bounded number of times on 429, 5xx and connection failures, honouring a short
Retry-After.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from octoscaffold.errors import ForgeError, UserError
from octoscaffold.inputs import printable

TIMEOUT = 30.0  # seconds for one API request
MAX_ANSWER = 10_000_000  # bytes of one API answer; a pull request is a few kilobytes
ATTEMPTS = 3  # of one idempotent request, on 429, 5xx and connection failures
BACKOFF = 0.5  # seconds before the second attempt, doubled for each further one (no Retry-After)
MAX_RETRY_AFTER = 10.0  # seconds: a forge asking to wait longer gets an error, not a sleeping client
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_pause = time.sleep  # between attempts (tests record instead)

TOKEN_VARIABLES = {
    "github": ("GH_TOKEN", "GITHUB_TOKEN"),
    "gitlab": ("GITLAB_TOKEN",),
    "azure": ("AZURE_DEVOPS_TOKEN", "SYSTEM_ACCESSTOKEN"),  # a PAT, or the Azure Pipelines job token
    "bitbucket": ("BITBUCKET_TOKEN",),
    "bitbucket-server": ("BITBUCKET_TOKEN",),
}
NAMES = {"github": "GitHub", "gitlab": "GitLab", "azure": "Azure DevOps", "bitbucket": "Bitbucket",
         "bitbucket-server": "Bitbucket Data Center"}
# kind → (module, class) of its Client; imported only when a pull request is opened
KINDS = {"github": ("github", "GitHub"), "gitlab": ("gitlab", "GitLab"), "azure": ("azure", "AzureDevOps"),
         "bitbucket": ("bitbucket", "Bitbucket"), "bitbucket-server": ("bitbucket", "BitbucketServer")}
FORGE_URL_FORMS = ("https://HOST/api/v3 (GitHub Enterprise), https://HOST/api/v4 (GitLab), "
                   "https://HOST/COLLECTION (Azure DevOps Server), https://HOST/rest/api/1.0 (Bitbucket Data Center)")


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
    """A repository on a forge: `kind` (a key of NAMES), the API root and the repository's path."""

    kind: str
    api: str  # e.g. https://api.github.com, https://gitlab.example.com/api/v4, https://dev.azure.com/ORG
    path: str  # owner/repo (GitLab: group/subgroup/project; Azure DevOps: project/repo; Bitbucket: workspace/repo)
    web: str  # https://host/owner/repo, for the Octopus connection instructions

    @property
    def name(self) -> str:
        return NAMES[self.kind]

    @property
    def what(self) -> str:
        return "merge request" if self.kind == "gitlab" else "pull request"

    @property
    def clone(self) -> str:
        """The HTTPS address to clone from: Azure Repos refuses a `.git` suffix, Bitbucket Data
        Center serves clones under /scm."""
        if self.kind == "azure":
            return self.web
        if self.kind == "bitbucket-server":
            return f"{self.api.removesuffix('/rest/api/1.0')}/scm/{self.path}.git"
        return f"{self.web}.git"


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
    """The forge the remote names. `forge_url` is the API root for self-hosted forges (FORGE_URL_FORMS)."""
    scheme, host, path = parse_remote(remote_url)
    url = shown(remote_url)
    if scheme == "file" or not host:
        raise UserError(f"the remote {url} is not on a forge", hint="push to a remote on a forge for --pr")
    web_scheme = scheme if scheme in ("http", "https") else "https"
    web_host = host if scheme in ("http", "https") else host.split(":")[0]
    name = web_host.split(":")[0].lower()
    if forge_url:
        api = forge_url.rstrip("/")
        kind = _kind_of_api(api, path)
        if kind is None:
            raise UserError(f"cannot tell the forge from --forge-url {shown(forge_url)}",
                            hint=f"give the API root: {FORGE_URL_FORMS}")
    elif name in ("github.com", "www.github.com"):
        kind, api = "github", "https://api.github.com"
    elif name in ("bitbucket.org", "www.bitbucket.org"):
        kind, api = "bitbucket", "https://api.bitbucket.org/2.0"
    elif name in AZURE_HOSTS or name.endswith(".visualstudio.com"):
        kind, api = "azure", ""  # the organization is read from the path below
    elif "gitlab" in name:
        kind, api = "gitlab", f"https://{name}/api/v4"
    elif "github" in name:
        kind, api = "github", f"https://{name}/api/v3"
    else:
        raise UserError(f"cannot tell which forge hosts {url}", hint=f"pass --forge-url: {FORGE_URL_FORMS}")
    odd = re.search(r"[\x00-\x20\x7f-\x9f?#]", path)  # would end a printed line or change an API path
    if kind == "azure":
        return _azure(url, name, path, api, odd)
    if kind == "bitbucket-server":  # clone URLs are https://HOST[/context]/scm/PROJECT/repo.git
        segments = path.split("/")
        path = "/".join(segments[-2:]) if len(segments) > 2 and segments[-3] == "scm" else path
        web = f"{api.removesuffix('/rest/api/1.0')}/projects/{path.replace('/', '/repos/', 1)}"
    else:
        web = f"{web_scheme}://{web_host}/{path}"
    segments = path.split("/")
    exact = kind in ("github", "bitbucket", "bitbucket-server")  # owner/name, nothing more
    if odd or len(segments) < 2 or "" in segments or (exact and len(segments) != 2):
        raise UserError(f"the remote {url} does not name a repository as owner/name")
    return Forge(kind, api, path, web)


AZURE_HOSTS = ("dev.azure.com", "ssh.dev.azure.com")


def _kind_of_api(api: str, path: str) -> str | None:
    """The forge an API root given with --forge-url belongs to; Azure DevOps Server's root is its
    collection URL, told apart by the remote's `_git` (or SSH `v3/`) path."""
    host = (urlsplit(api).hostname or "").lower()
    if api.endswith("/api/v3") or host == "api.github.com":
        return "github"
    if api.endswith("/api/v4"):
        return "gitlab"
    if api.endswith("/rest/api/1.0"):
        return "bitbucket-server"
    if api.endswith("/2.0") or host == "api.bitbucket.org":
        return "bitbucket"
    segments = path.split("/")
    if host in AZURE_HOSTS or host.endswith(".visualstudio.com") or "_git" in segments or segments[0] == "v3":
        return "azure"
    return None


def _azure(url: str, host: str, path: str, api: str, odd: object) -> Forge:
    """Azure DevOps: `ORG/PROJECT/_git/REPO` (dev.azure.com), `PROJECT/_git/REPO` (ORG.visualstudio.com,
    or below a Server collection), `v3/ORG/PROJECT/REPO` (SSH). Forge.api is the organization's
    (collection's) URL and Forge.path `PROJECT/REPO`."""
    segments = path.split("/")
    organization, names = "", []
    if "_git" in segments:
        at = segments.index("_git")
        names = segments[at - 1:at] + segments[at + 1:] if at else []
        if host.endswith(".visualstudio.com"):
            organization = host.split(".")[0]
        elif at >= 2:
            organization = segments[at - 2]
    elif segments[0] == "v3":
        organization, names = segments[1] if len(segments) > 1 else "", segments[2:]
    if not api and organization:  # Azure DevOps Services
        api = f"https://dev.azure.com/{organization}"
    if odd or not api or len(names) != 2 or "" in names:
        raise UserError(f"the remote {url} does not name an Azure DevOps repository as "
                        f"ORGANIZATION/PROJECT/_git/REPOSITORY")
    project, repo = names
    return Forge("azure", api, f"{project}/{repo}", f"{api}/{project}/_git/{repo}")


def token_for(forge: Forge, environ: dict[str, str] | None = None) -> Token:
    environ = os.environ if environ is None else environ
    names = TOKEN_VARIABLES[forge.kind]
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            if not re.fullmatch(r"[\x21-\x7e]+", value):  # HTTP would refuse it, quoting the token
                raise UserError(f"{name} holds a character no token has (a space, a control character or a "
                                f"non-ASCII letter)", hint=f"set {name} to the token alone")
            return Token(value, name)
    raise UserError(
        f"no {forge.name} token to open the {forge.what}",
        hint=f"set {' or '.join(names)} to a token that may write to {forge.path}",
    )


def encoded(path: str) -> str:
    """A GitLab project id or any path segment, URL-encoded (slashes included)."""
    return quote(path, safe="")




class _Transient(Exception):
    """A failure that another attempt may not meet. `safe`: the forge cannot have acted on the
    request (429, or no connection was made), so even a request that is not idempotent may be sent
    again. `wait`: the Retry-After the forge asked for, in seconds."""

    def __init__(self, message: str, *, safe: bool, wait: float | None = None) -> None:
        super().__init__(message)
        self.message, self.safe, self.wait = message, safe, wait


class Api:
    """JSON requests to one forge over one httpx client, with errors turned into one-line
    ForgeErrors. Call close() when done."""

    def __init__(self, forge: Forge, headers: dict[str, str], token: Token, timeout: float = TIMEOUT,
                 *, transport=None) -> None:
        import httpx

        self.forge = forge
        self._token = token
        self.timeout = timeout
        try:
            self._client = httpx.Client(
                headers={"Accept": "application/json", "User-Agent": "octoscaffold", **headers},
                timeout=timeout,
                follow_redirects=False,  # a redirect would resend the token wherever it points
                transport=transport,
            )
        except (ValueError, OSError, httpx.InvalidURL) as error:  # HTTPS_PROXY, SSL_CERT_FILE, ...
            reason = str(error) or type(error).__name__
            if isinstance(error, UnicodeError):  # its message would quote a header: the token
                reason = f"the token from {token.source} holds a character no HTTP header can carry"
            raise ForgeError(self._clean(f"cannot prepare HTTP requests to {forge.name}: {reason}")) from None

    def close(self) -> None:
        self._client.close()

    def request(self, method: str, path: str, body: dict | None = None, what: str = "", *,
                params: dict[str, str] | None = None, idempotent: bool | None = None) -> object:
        """The answer's JSON. A request that is `idempotent` (by default: by its method) is sent up
        to ATTEMPTS times while the forge answers 429 or 5xx or the connection fails; any request is
        sent again after a 429 or a connection that could not be made, which the forge never acted
        on. A timeout is not retried: the user would wait for it several times."""
        doing = what or f"{method} {path}"
        idempotent = method in IDEMPOTENT if idempotent is None else idempotent
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._attempt(method, self.forge.api + path, body, params, doing)
            except _Transient as failure:
                wait = BACKOFF * 2 ** (attempt - 1) if failure.wait is None else failure.wait
                if wait > MAX_RETRY_AFTER:
                    raise ForgeError(self._clean(f"{failure.message} ({self.forge.name} asks to wait "
                                                 f"{wait:.0f} s)")) from None
                if attempt == ATTEMPTS or not (idempotent or failure.safe):
                    tried = f" (asked {attempt} times)" if attempt > 1 else ""
                    raise ForgeError(self._clean(failure.message + tried)) from None
                _pause(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, method: str, url: str, body: dict | None, params: dict[str, str] | None,
                 doing: str) -> object:
        import httpx

        name = self.forge.name
        late = ForgeError(f"{name} did not answer within {self.timeout:g} s ({doing})")
        deadline = time.monotonic() + self.timeout  # httpx's timeout is per read: a trickle never ends
        try:
            with self._client.stream(method, url, json=body, params=params) as response:
                code, headers = response.status_code, response.headers
                limit = MAX_ANSWER + 1 if code < 300 else 100_000
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if time.monotonic() > deadline:
                        raise late
                    if len(data) >= limit:
                        break
        except httpx.TimeoutException:
            raise late from None
        except httpx.ConnectError as error:
            raise _Transient(self._unreachable(error), safe=True) from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as error:  # the request may have arrived
            raise _Transient(self._unreachable(error), safe=False) from None
        except (httpx.LocalProtocolError, UnicodeEncodeError):  # their messages would quote the headers
            raise ForgeError(f"cannot send the request to {name} at {shown(self.forge.api)} ({doing})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise ForgeError(self._clean(self._unreachable(error))) from None
        if 300 <= code < 400:
            raise ForgeError(self._clean(self._redirected(code, headers.get("Location"), url, doing)))
        if code == 203:  # Azure DevOps answers a token it rejects with its sign-in page
            raise ForgeError(f"{name} rejected the token from {self._token.source} (HTTP 203: it answered "
                             f"{doing} with its sign-in page); check that it is valid")
        if code >= 400:
            message = self._http_failure(code, bytes(data), doing)
            if code in RETRY_STATUSES:
                raise _Transient(message, safe=code == 429, wait=_retry_after(headers.get("Retry-After")))
            raise ForgeError(self._clean(message))
        if len(data) > MAX_ANSWER:
            raise ForgeError(f"{name} answered {doing} with more than {MAX_ANSWER:,} bytes")
        text = data.decode("utf-8", "replace")
        try:
            return json.loads(text) if text.strip() else None
        except (ValueError, RecursionError):
            raise ForgeError(f"{name} answered {doing} with something that is not JSON") from None

    def _unreachable(self, error: Exception) -> str:
        reason = str(error) or type(error).__name__
        return f"cannot reach {self.forge.name} at {self.forge.api}: {reason}"

    def _redirected(self, code: int, location: str | None, url: str, doing: str) -> str:
        where = ""
        if location:
            from urllib.parse import urljoin

            where = f" to {urljoin(url, location)[:300]}"
        return (f"{self.forge.name} redirected {doing}{where} (HTTP {code}); it was not followed, as it would "
                f"carry the token there: pass --forge-url with the API root")

    def _http_failure(self, code: int, data: bytes, doing: str) -> str:
        name = self.forge.name
        try:
            detail = _error_detail(json.loads(data.decode("utf-8", "replace")))
        except (ValueError, RecursionError):
            detail = ""
        detail = f": {detail}" if detail else ""
        if code == 401:
            return f"{name} rejected the token from {self._token.source} (HTTP 401{detail}); check that it is valid"
        if code == 403:
            return f"{name} refused {doing} (HTTP 403{detail}); the token from {self._token.source} may lack write access"
        if code == 404:
            return f"{name} has no repository {self.forge.path} that the token can see (HTTP 404 on {doing})"
        if code == 429:
            return f"{name} limited the rate of requests (HTTP 429{detail} on {doing}); try again later"
        if code >= 500:
            return f"{name} failed on {doing} (HTTP {code}{detail}); try again later"
        return f"{name} refused {doing} (HTTP {code}{detail})"

    def _clean(self, text: str) -> str:
        """One line without credentials, and with the server's words unable to forge output."""
        text = redact(" ".join(text.split()))
        text = text.replace(self._token.value, "<token>") if self._token.value else text
        return printable(text)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_detail(data: object) -> str:
    """The human part of an error document: GitHub's and GitLab's `message` and `errors`, Azure
    DevOps' `message`, Bitbucket Cloud's `error.message` and `error.detail`, Bitbucket Data
    Center's `errors[].message`."""
    if not isinstance(data, dict):
        return ""
    if isinstance(data.get("error"), dict):  # Bitbucket Cloud: {"type": "error", "error": {...}}
        data = {"errors": [data["error"].get("message"), data["error"].get("detail")]}
    parts = []
    message = data.get("message")
    if isinstance(message, (str, list)):
        parts.append(message if isinstance(message, str) else "; ".join(map(str, message)))
    elif isinstance(message, dict):
        parts += [f"{k} {'; '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in message.items()]
    for item in data.get("errors") or []:
        if isinstance(item, dict) and item.get("message"):
            parts.append(str(item["message"]))
        elif isinstance(item, str) and item:
            parts.append(item)
    if data.get("error") and not parts:
        parts.append(str(data["error"]))
    return "; ".join(parts)[:300]


def dig(data: object, *keys: str | int) -> object:
    """`data[k1][k2]...`, or None where a level is missing or of another type."""
    for key in keys:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and -len(data) <= key < len(data) else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    return data


class Client:
    """Opens the pull (merge) request of a branch, or updates the open one. Subclasses (github.py,
    gitlab.py, azure.py, bitbucket.py) give what differs: the token header, the routes and the
    field names."""

    number_field = "number"  # of a pull request in the forge's answers
    url_field = "html_url"  # its web address
    mark = "#"  # before its number in messages
    update_method = "PATCH"
    found: dict | None = None  # the open pull request find_open found, as listed

    def __init__(self, forge: Forge, token: Token, timeout: float = TIMEOUT, *, transport=None) -> None:
        self.forge = forge
        self.api = Api(forge, self.headers(token), token, timeout, transport=transport)

    def headers(self, token: Token) -> dict[str, str]:
        raise NotImplementedError

    def listing(self, head: str) -> tuple[str, dict[str, str]]:
        """Path and query of the open pull requests from `head`."""
        raise NotImplementedError

    def creation(self, head: str, base: str, title: str, body: str) -> tuple[str, dict]:
        raise NotImplementedError

    def updating(self, number: int, title: str, body: str) -> tuple[str, dict]:
        raise NotImplementedError

    def listed(self, answer: object) -> object:
        """The list in the answer to the listing (some forges wrap it in a page object)."""
        return answer

    def address(self, answer: dict) -> object:
        """The pull request's web address in an answer describing it."""
        return answer.get(self.url_field)

    def find_open(self, head: str) -> int | None:
        """The number of the open pull request from `head`, if any (checked: it goes into a path)."""
        forge = self.forge
        path, query = self.listing(head)
        found = self.listed(self.api.request("GET", path, params=query, what=f"listing {forge.what}s"))
        if not isinstance(found, list):
            raise ForgeError(f"{forge.name} answered the {forge.what} list with something that is not a list")
        self.found = next((item for item in found if isinstance(item, dict)), None)
        return None if self.found is None else number(self.found.get(self.number_field), forge)

    def open_or_update(self, *, head: str, base: str, title: str, body: str) -> PullRequest:
        try:
            existing = self.find_open(head)
            if existing is None:
                path, document = self.creation(head, base, title, body)
                answer = self.api.request("POST", path, document, what=f"opening the {self.forge.what}")
            else:  # it sets the title and body, so sending it twice does no harm
                path, document = self.updating(existing, title, body)
                answer = self.api.request(self.update_method, path, document, idempotent=True,
                                          what=f"updating {self.forge.what} {self.mark}{existing}")
        finally:
            self.api.close()
        if not isinstance(answer, dict):
            raise ForgeError(f"{self.forge.name}'s answer does not describe a {self.forge.what}")
        return PullRequest(number(answer.get(self.number_field), self.forge),
                           web_address(self.address(answer), self.forge), existing is None)


def open_or_update(
    forge: Forge, token: Token, *, head: str, base: str, title: str, body: str, timeout: float = TIMEOUT,
    transport=None,
) -> PullRequest:
    """Open a pull (merge) request from `head` to `base`, or update the open one for `head`.
    `transport` is an httpx transport (tests, proxies); httpx's default otherwise."""
    from importlib import import_module

    module, name = KINDS[forge.kind]
    kind = getattr(import_module(f"octoscaffold.publish.{module}"), name)
    client = kind(forge, token, timeout, transport=transport)
    return client.open_or_update(head=head, base=base, title=title, body=body)
