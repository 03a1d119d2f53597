"""A small client of the Octopus Deploy REST API, over httpx.

- The server and key come from flags, then `OCTOPUS_URL` / `OCTOPUS_API_KEY`, then the `[octopus]`
  table of the user config (`url`, `space`); a repository's `.octoscaffold.toml` may name the
  `space` but not the server (the key would go wherever a cloned repository says). The API key is
  never read from a file. The key travels only as the `X-Octopus-ApiKey` header, never in a URL, a
  message or a log; redirects are not followed (they would carry the header elsewhere).
- Every request has a timeout; GETs are retried a bounded number of times on 429, 502, 503, 504
  and connection errors, honouring a short `Retry-After`. Other methods are never retried.
- Errors are one line: the method, the path, the status and Octopus's own `ErrorMessage`.

Routes follow Octopus's documented REST API (`/api/spaces`, `/api/{spaceId}/projects`, ...).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from octoscaffold.errors import ExternalError, UserError
from octoscaffold.inputs import printable

API_KEY_HEADER = "X-Octopus-ApiKey"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RESPONSE = 64 * 1024 * 1024  # bytes of one JSON answer
MAX_STREAM = 2_000_000_000  # bytes of a streamed answer (a task log)
BODY_TIMEOUTS = 4  # an answer must arrive whole within this many request timeouts
MAX_RETRY_AFTER = 10.0  # seconds


class OctopusError(ExternalError):
    """The Octopus server could not be reached or answered with an error (exit 3)."""

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


@dataclass(frozen=True)
class OctopusSettings:
    url: str
    api_key: str
    space: str | None = None
    timeout: float = 30.0
    retries: int = 2


def octopus_settings(
    url: str | None = None, api_key: str | None = None, space: str | None = None,
    env: Mapping[str, str] | None = None, timeout: float = 30.0, retries: int = 2,
) -> OctopusSettings:
    """Settings from flags, the environment and the `[octopus]` tables, or a UserError saying
    what is missing."""
    from octoscaffold.config import find_repository_config, read_table, user_config_path

    env = os.environ if env is None else env
    repository_path = find_repository_config()
    repository, user = read_table(repository_path, "octopus"), read_table(user_config_path(env), "octopus")
    for table in (repository, user):
        if "api_key" in table:
            raise UserError("[octopus] api_key is not read from files", hint="set OCTOPUS_API_KEY instead")
    chosen = url or env.get("OCTOPUS_URL") or user.get("url")
    if not chosen and repository.get("url"):
        # A repository someone else wrote must not send the user's key to a server of its choosing.
        raise UserError(
            f"the Octopus server {printable(repository['url'])} is named only by {printable(repository_path)}; "
            "the API key is sent only to a server you name",
            hint="use --server URL, set OCTOPUS_URL, or put url in [octopus] of your user config",
        )
    space = space or env.get("OCTOPUS_SPACE") or repository.get("space") or user.get("space")
    api_key = api_key or env.get("OCTOPUS_API_KEY")
    if not chosen:
        raise UserError("no Octopus server given", hint="use --server URL or set OCTOPUS_URL")
    if not isinstance(chosen, str) or not chosen.startswith(("http://", "https://")):
        raise UserError(f"the Octopus server {printable(chosen)!s} is not an http(s) URL")
    if not api_key:
        raise UserError("no Octopus API key", hint="set OCTOPUS_API_KEY (an API key from your Octopus profile)")
    if space is not None and not isinstance(space, str):
        raise UserError("[octopus] space must be a string (a space name or id)")
    return OctopusSettings(chosen.rstrip("/"), api_key, space, timeout, retries)


class Octopus:
    """One server, optionally one space. Use as a context manager, or call close()."""

    def __init__(self, settings: OctopusSettings, *, transport=None) -> None:
        import httpx

        self.settings = settings
        self._client = httpx.Client(
            base_url=settings.url,
            headers={API_KEY_HEADER: settings.api_key, "Accept": "application/json",
                     "User-Agent": f"octoscaffold/{_version()}"},
            timeout=settings.timeout,
            follow_redirects=False,
            transport=transport,
        )
        self._space_id: str | None = None

    def __enter__(self) -> "Octopus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- requests -----------------------------------------------------------------------------

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                body: Any = None, raw: bool = False) -> Any:
        """JSON of the answer (or its text with `raw`); an OctopusError in one line otherwise.
        The answer is read as it arrives: at most MAX_RESPONSE bytes, within BODY_TIMEOUTS times
        the request timeout in all (a server that trickles bytes is cut off too)."""
        import httpx

        attempts = 1 + (self.settings.retries if method == "GET" else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                with self._client.stream(method, path, params=params, json=body) as response:
                    if response.status_code in RETRY_STATUSES and not last:
                        wait = _retry_after(response, attempt)
                    else:
                        content = self._body(method, path, response, MAX_RESPONSE)
                        return self._answer(method, path, response, content, raw)
            except httpx.TimeoutException:
                if last:
                    raise OctopusError(f"{method} {path}: no answer within {self.settings.timeout:g} s") from None
                continue
            except httpx.HTTPError as error:
                if last:
                    raise OctopusError(f"{method} {path}: cannot reach {self.settings.url} ({printable(error)})") from None
                time.sleep(min(0.5 * 2**attempt, 2.0))
                continue
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def stream(self, path: str, *, limit: int = MAX_STREAM) -> Iterator[bytes]:
        """The body of a GET as it arrives, in chunks (for task logs of any size: memory stays
        flat). Errors as for `request`; not retried once bytes have been handed on."""
        import httpx

        try:
            with self._client.stream("GET", path) as response:
                if response.status_code >= 300:
                    self._answer("GET", path, response, self._body("GET", path, response, MAX_RESPONSE), True)
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise OctopusError(f"GET {path}: the answer is over {limit:,} bytes")
                    yield chunk
        except httpx.TimeoutException:
            raise OctopusError(f"GET {path}: no answer within {self.settings.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise OctopusError(f"GET {path}: cannot reach {self.settings.url} ({printable(error)})") from None

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body=body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body=body)

    def _body(self, method: str, path: str, response, limit: int) -> bytes:
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            raise OctopusError(f"{method} {path}: the answer is over {limit:,} bytes", status=response.status_code)
        deadline = time.monotonic() + BODY_TIMEOUTS * self.settings.timeout
        parts, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise OctopusError(f"{method} {path}: the answer is over {limit:,} bytes", status=response.status_code)
            if time.monotonic() > deadline:
                raise OctopusError(f"{method} {path}: the answer kept arriving for over "
                                   f"{BODY_TIMEOUTS * self.settings.timeout:g} s", status=response.status_code)
            parts.append(chunk)
        return b"".join(parts)

    def _answer(self, method: str, path: str, response, content: bytes, raw: bool) -> Any:
        status = response.status_code
        if 300 <= status < 400:
            raise OctopusError(f"{method} {path}: the server redirected ({status}); give its final address as the URL",
                               status=status)
        if status >= 400:
            raise OctopusError(f"{method} {path}: {status} {_message(content) or response.reason_phrase}",
                               status=status, hint=_hint(status))
        if raw:
            return content.decode("utf-8", "replace")
        if not content:
            return None
        try:
            return json.loads(content)
        except (ValueError, RecursionError):
            raise OctopusError(f"{method} {path}: the answer is not JSON (is {self.settings.url} an Octopus server?)",
                               status=status) from None

    # -- spaces -------------------------------------------------------------------------------

    def space_id(self) -> str:
        """The id of the configured space (by name or id), or of the default space."""
        if self._space_id is None:
            self._space_id = self._find_space(self.settings.space)
        return self._space_id

    def _find_space(self, wanted: str | None) -> str:
        spaces = self.get("/api/spaces/all") or []
        if wanted:
            for space in spaces:
                if wanted in (space.get("Id"), space.get("Name")) or wanted.lower() == str(space.get("Name", "")).lower():
                    return space["Id"]
            names = ", ".join(sorted(str(s.get("Name")) for s in spaces)[:10])
            raise UserError(f"no space {printable(wanted)!s} on {self.settings.url}", hint=f"spaces: {names}")
        default = next((s for s in spaces if s.get("IsDefault")), None)
        if default is None:
            raise UserError(f"{self.settings.url} has no default space", hint="use --space NAME")
        return default["Id"]

    def space_path(self, path: str) -> str:
        """`/api/{spaceId}/...` for a path given as `projects/...`."""
        return f"/api/{self.space_id()}/{path.lstrip('/')}"

    def all(self, path: str, **params: Any) -> list[Any]:
        """Every item of a paged collection (`Items`, `ItemsPerPage`, `TotalResults`), page by page;
        a route answering a plain list is returned as it is."""
        items: list[Any] = []
        skip, take = 0, 100
        while True:
            page = self.get(path, skip=skip, take=take, **params)
            if isinstance(page, list):
                return page
            batch = (page or {}).get("Items") or []
            items.extend(batch)
            total = int((page or {}).get("TotalResults") or 0)
            skip += len(batch)
            if not batch or skip >= total:
                return items


def _retry_after(response, attempt: int) -> float:
    try:
        return min(float(response.headers.get("Retry-After", "")), MAX_RETRY_AFTER)
    except ValueError:
        return min(0.5 * 2**attempt, 2.0)


def _message(content: bytes) -> str:
    """Octopus's error text (`ErrorMessage` and the first `Errors`), escaped, one line."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return printable(content[:200].decode("utf-8", "replace")).strip()
    if not isinstance(data, dict):
        return ""
    parts = [str(data.get("ErrorMessage") or "")]
    errors = data.get("Errors")
    if isinstance(errors, list) and errors:
        parts.append(str(errors[0]))
    return printable(": ".join(p for p in parts if p))[:300]


def _hint(status: int) -> str | None:
    return {
        401: "check OCTOPUS_API_KEY: the server did not accept it",
        403: "the API key's user lacks a permission this needs",
        404: "check the URL, the space and the id",
    }.get(status)


def _version() -> str:
    from octoscaffold import __version__

    return __version__
