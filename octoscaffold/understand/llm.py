"""Talking to a model through any OpenAI-compatible endpoint (what hybrid.py asks it is there).

One request when the model answers validly: a system message, a user message and a strict JSON
Schema for the answer (Structured Outputs). A server that does not take `json_schema` gets JSON
mode with the schema in the prompt instead (and, for servers that constrain decoding with it,
in `response_format.schema` with bounded strings). An answer that is not JSON or fails the
caller's check is sent back with the problem, at most twice. Every failure of the endpoint ends
in an `LLMError` with one line, after a bounded number of retries.

Time is bounded twice: `timeout` is a deadline for one request in all (a server that drips one
byte a second is cut off like one that says nothing), and `deadline` for everything the model
does in one command, waits between retries included. A request that timed out against a local
server is not sent again: that server would still be busy with it, and a retry queues behind.

Retries are this module's, with the SDK's turned off (`max_retries=0`): there is one loop, not
two. The SDK's own could not keep the command's deadline across waits, would retry a timed-out
request to a local server (which is still busy with it), would wait out any `Retry-After` however
long, and could not tell a server that rejects `json_schema` with a 500 from a failing one.

`openai` and `httpx` are imported only here, and only when a request is made.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from octoscaffold.config import LLMSettings, api_key_for
from octoscaffold.errors import LLMError, UserError
from octoscaffold.understand.progress import Progress, silent

if TYPE_CHECKING:
    from openai import OpenAI


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Tests use tiny waits; the defaults suit a real endpoint."""

    attempts: int = 3  # per request, for 429, 5xx, connection errors and timeouts
    backoff: float = 1.0  # first wait in seconds, doubled after each failure
    max_wait: float = 30.0  # a server asking for a longer Retry-After is not waited for
    answer_retries: int = 2  # invalid answers sent back to the model for correction


# Endpoints that rejected `json_schema` in this process; the cache remembers them across runs.
_JSON_MODE_ONLY: set[str] = set()
_JSON_MODE_CACHE = "json-mode-endpoints.json"
# An error message that names the response format: the server does not take `json_schema`.
_ABOUT_FORMAT = ("response_format", "json_schema", "response format", "structured output", "schema")


class _SchemaRejected(Exception):
    """The server refused the `json_schema` response format (400, 422, or a 500 naming it)."""


def _json_mode_endpoints() -> set[str]:
    from octoscaffold.cache import cache_dir, read_json

    folder = cache_dir("llm")
    data = read_json(folder / _JSON_MODE_CACHE) if folder else None
    return set(data) if isinstance(data, list) and all(isinstance(e, str) for e in data) else set()


def _remember_json_mode(endpoint: str) -> None:
    from octoscaffold.cache import cache_dir, write_json

    _JSON_MODE_ONLY.add(endpoint)
    folder = cache_dir("llm")
    if folder:
        write_json(folder / _JSON_MODE_CACHE, sorted(_json_mode_endpoints() | {endpoint}))


# An answer to a few short questions is a few hundred bytes: anything this large is not one.
MAX_ANSWER_BYTES = 1_000_000


class _Clock:
    """The command's deadline, and each request's: the earlier of the two ends a request."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.command_ends = time.monotonic() + settings.deadline
        self.request_ends = self.command_ends

    def start_request(self) -> None:
        if time.monotonic() >= self.command_ends:
            raise LLMError(
                f"the model took longer than the deadline of {self.settings.deadline:g} s for this command",
                hint="raise deadline (OCTOSCAFFOLD_LLM_DEADLINE) or use a faster model",
            )
        self.request_ends = min(time.monotonic() + self.settings.timeout, self.command_ends)

    def left(self) -> float:
        return max(self.request_ends - time.monotonic(), 0.0)

    def sleep(self, seconds: float) -> None:
        time.sleep(max(min(seconds, self.command_ends - time.monotonic()), 0.0))


def _httpx() -> Any:
    """The HTTP library the installed openai client is built on (httpx, or its successor httpx2)."""
    try:
        import httpx2 as httpx
    except ImportError:  # pragma: no cover - older openai releases
        import httpx
    return httpx


def _http_client(clock: _Clock) -> Any:
    """An HTTP client whose requests end at the clock's deadline, however slowly bytes arrive."""
    httpx = _httpx()

    class Body(httpx.SyncByteStream):
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __iter__(self):
            size = 0
            for chunk in self.stream:
                if clock.left() <= 0:
                    raise httpx.ReadTimeout("the request's deadline passed while the answer was arriving")
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise httpx.ReadError(f"an answer larger than {MAX_ANSWER_BYTES // 1_000_000} MB")
                yield chunk

        def close(self) -> None:
            self.stream.close()

    class Transport(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            left = clock.left()
            if left <= 0:
                raise httpx.ConnectTimeout("the request's deadline passed before it was sent")
            # No single wait may outlast the deadline either (a server that sends nothing at all).
            request.extensions["timeout"] = {"connect": left, "read": left, "write": left, "pool": left}
            response = super().handle_request(request)
            return httpx.Response(
                status_code=response.status_code,
                headers=response.headers,
                stream=Body(response.stream),
                extensions=response.extensions,
                request=request,
            )

    return httpx.Client(transport=Transport(), timeout=clock.settings.timeout, follow_redirects=False)


class Chat:
    """One conversation with the model: send messages with an answer schema, get a checked answer.

    `ask(system, user, schema, check)` sends one request (Structured Outputs, or JSON mode with
    the schema in the prompt for servers without them), parses the JSON answer and runs `check`
    on it; an answer that fails either is sent back with the problem, at most
    `retry.answer_retries` times. Every failure of the endpoint ends in an `LLMError` with one line.
    """

    def __init__(self, settings: LLMSettings, retry: RetryPolicy | None = None, progress: Progress | None = None) -> None:
        if not settings.model:
            raise UserError("the LLM parser needs a model", hint="use --model or set OCTOSCAFFOLD_MODEL")
        self.settings = settings
        self.retry = retry or RetryPolicy(attempts=settings.retries + 1)
        self.progress = progress or silent
        self.key = api_key_for(settings)
        mode = settings.response_format
        if mode == "auto":
            known = settings.endpoint in _JSON_MODE_ONLY or settings.endpoint in _json_mode_endpoints()
            mode = "json_object" if known else "json_schema"
        self.mode = mode
        self.clock = _Clock(settings)
        self.system = ""
        self.schema: dict[str, Any] = {}
        self.turns: list[dict[str, str]] = []
        self.max_tokens = settings.max_tokens

    def ask(self, system: str, user: str, schema: dict[str, Any], check: Callable[[Any], str]) -> Any:
        """The first answer that is JSON and passes `check` (which returns "" or the problem)."""
        self.system, self.schema = system, schema
        self.turns = [{"role": "user", "content": user}]
        client = self._client()
        problem = ""
        for _ in range(self.retry.answer_retries + 1):
            message, finish_reason = self._complete(client)
            content, problem = self._content(message, finish_reason)
            if not problem:
                try:
                    # strict=False: a raw newline inside a string is no reason to ask again.
                    data = json.loads(_json_text(content or ""), strict=False)
                except json.JSONDecodeError as error:
                    problem = f"it is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
                else:
                    problem = check(data)
                    if not problem:
                        return data
            self.turns.append({"role": "assistant", "content": content or ""})
            self.turns.append({"role": "user", "content": retry_message(problem)})
        raise LLMError(
            f"the model gave no valid answer in {self.retry.answer_retries + 1} tries; last problem: " + _short(problem),
            hint="try a larger model or --parser rules",
        )

    # -- the request --------------------------------------------------------------------------

    def _client(self) -> "OpenAI":
        import openai

        common: dict[str, Any] = {
            "api_key": self.key,
            "max_retries": 0,
            "timeout": self.settings.timeout,
            "http_client": _http_client(self.clock),
        }
        if self.settings.azure:
            return openai.AzureOpenAI(
                azure_endpoint=self.settings.azure_endpoint,
                api_version=self.settings.api_version,
                **common,
            )
        # Always explicit, so the client reads neither OPENAI_BASE_URL nor OPENAI_API_KEY itself.
        return openai.OpenAI(base_url=self.settings.base_url or "https://api.openai.com/v1", **common)

    def request(self) -> dict[str, Any]:
        """The body of the next chat completion request (also used by the size benchmark)."""
        settings = self.settings
        system = self.system
        if self.mode == "json_object":
            system += "\n\nThe JSON must match this JSON Schema:\n" + json.dumps(self.schema, separators=(",", ":"))
        body: dict[str, Any] = {"model": settings.model, "messages": [{"role": "system", "content": system}, *self.turns]}
        if self.mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "strict": True, "schema": self.schema},
            }
        else:
            body["response_format"] = {"type": "json_object"}
            if not settings.is_openai:
                # llama.cpp and vLLM constrain decoding to a schema given here.
                body["response_format"]["schema"] = bounded_schema(self.schema)
        if settings.is_openai:
            body["max_completion_tokens"] = self.max_tokens
        else:
            # Small local models wander at higher temperatures; OpenAI's reasoning models refuse it.
            body["max_tokens"] = self.max_tokens
            body["temperature"] = 0
        return body

    def _complete(self, client: "OpenAI") -> Any:
        try:
            return self._send(client)
        except _SchemaRejected as rejected:
            if self.settings.response_format != "auto":
                raise LLMError(
                    f"{self.settings.endpoint} does not accept the json_schema response format: {rejected}",
                    hint="set response_format = \"json_object\" in the [llm] settings",
                ) from None
            _remember_json_mode(self.settings.endpoint)
            self.mode = "json_object"
            try:
                return self._send(client)
            except _SchemaRejected as again:
                raise LLMError(f"{self.settings.endpoint} rejected the request: {again}") from None

    def _send(self, client: "OpenAI") -> Any:
        """One completion, retrying 429, 5xx, connection errors and timeouts a bounded number of times."""
        import openai

        where = self.settings.endpoint
        label = f"Asking {self.settings.model} (up to {self.settings.timeout:g} s)"
        for attempt in range(1, self.retry.attempts + 1):
            wait = self.retry.backoff * 2 ** (attempt - 1)
            self.clock.start_request()
            try:
                with self.progress(label):
                    response = client.chat.completions.with_raw_response.create(**self.request())
                return _first_message(_parsed(response, where), where)
            except openai.RateLimitError as error:
                reason = f"{where} is rate limiting requests (429)"
                asked = _retry_after(error.response)
                if asked is not None:
                    if asked > self.retry.max_wait:
                        raise LLMError(
                            f"{reason} and asks to wait {asked:.0f} s", hint="try again later"
                        ) from None
                    wait = asked
            except openai.InternalServerError as error:
                detail = self._detail(error)
                if self.mode == "json_schema" and "response_format" in detail:
                    # llama-cpp-python answers an unknown response format with a 500.
                    raise _SchemaRejected(detail) from None
                reason = f"{where} failed with HTTP {error.status_code}: {detail}"
            except openai.APITimeoutError:
                reason = f"{where} did not answer within {self.settings.timeout:g} s"
                if self.settings.is_local:
                    # A local server goes on generating the abandoned answer: a retry would queue behind it.
                    raise LLMError(
                        f"{reason} (a local server is not asked again while it may still be busy)",
                        hint="raise timeout (OCTOSCAFFOLD_LLM_TIMEOUT) or use a smaller model",
                    ) from None
            except openai.APIConnectionError as error:
                cause = self._cause(error)
                if cause.startswith("an answer larger than"):
                    raise LLMError(f"{where} sent {cause}; it was not read") from None
                reason = f"cannot connect to {where} ({cause})"
            except (openai.BadRequestError, openai.UnprocessableEntityError) as error:
                detail = self._detail(error)
                if self.mode == "json_schema" and any(word in detail.lower() for word in _ABOUT_FORMAT):
                    raise _SchemaRejected(detail) from None
                raise LLMError(f"{where} rejected the request (HTTP {error.status_code}): {self._detail(error)}") from None
            except (openai.AuthenticationError, openai.PermissionDeniedError) as error:
                raise LLMError(
                    f"{where} refused the API key (HTTP {error.status_code})",
                    hint="check OPENAI_API_KEY or OCTOSCAFFOLD_API_KEY (see docs/llm.md)",
                ) from None
            except openai.NotFoundError as error:
                raise LLMError(
                    f"{where} has no model {self.settings.model!r} (HTTP 404): {self._detail(error)}"
                ) from None
            except openai.APIStatusError as error:
                raise LLMError(f"{where} answered HTTP {error.status_code}: {self._detail(error)}") from None
            except (openai.OpenAIError, ValueError) as error:
                # ValueError: a body that is not JSON although the server says it is.
                raise LLMError(f"{where} gave an unusable answer: {self._safe(str(error))}") from None
            if attempt < self.retry.attempts:
                with self.progress(f"{reason}; retrying in {wait:.0f} s"):
                    self.clock.sleep(min(wait, self.retry.max_wait))
        raise LLMError(f"{reason}; gave up after {self.retry.attempts} attempts")

    # -- the answer ---------------------------------------------------------------------------

    def _content(self, message: Any, finish_reason: str | None) -> tuple[str | None, str]:
        """The answer's text and, when it cannot be used as it is, why."""
        refusal = getattr(message, "refusal", None)
        if refusal:
            raise LLMError(f"the model refused: {_short(refusal)}")
        if finish_reason == "content_filter":
            raise LLMError("the endpoint's content filter stopped the answer")
        content = getattr(message, "content", None) or ""
        if finish_reason == "length":
            return content, (
                f"the answer was cut off at the token limit ({self.max_tokens}); "
                "give a shorter answer: null for everything the request does not say"
            )
        if not content.strip():
            return content, "the answer was empty"
        return content, ""

    # -- messages -----------------------------------------------------------------------------

    def _safe(self, text: str) -> str:
        """Never show the key, even if a server echoes it back."""
        if self.key and len(self.key) > 3:
            text = text.replace(self.key, "***")
        return _short(text)

    def _detail(self, error: Any) -> str:
        body = getattr(error, "body", None)
        message = None
        if isinstance(body, dict):
            message = body.get("message") or body.get("detail") or body.get("error")
        elif isinstance(body, str):
            message = body
        if not isinstance(message, str):
            message = json.dumps(message) if message else getattr(error, "message", "") or str(error)
        return self._safe(message)

    def _cause(self, error: Exception) -> str:
        cause = error.__cause__ or error.__context__
        while cause is not None and (cause.__cause__ or cause.__context__) is not None:
            cause = cause.__cause__ or cause.__context__
        return self._safe(str(cause) if cause else str(error)) or type(error).__name__


def _parsed(raw: Any, where: str) -> Any:
    """The completion from a raw response; an HTML page or other non-JSON reply said as such."""
    kind = (raw.headers.get("content-type") or "").split(";")[0].strip().lower()
    text = raw.http_response.text
    if "json" not in kind or text.lstrip()[:1] not in ("{", "["):
        what = "an HTML page" if "html" in kind or text.lstrip().lower().startswith(("<!doctype", "<html")) else (
            f"a {kind or 'body without a content type'} reply"
        )
        raise LLMError(
            f"{where} answered with {what}, not an OpenAI-compatible JSON reply",
            hint="check the base URL: it usually ends in /v1",
        )
    return raw.parse()


def _first_message(response: Any, where: str) -> tuple[Any, str | None]:
    choices = getattr(response, "choices", None)
    if not choices:
        raise LLMError(f"{where} answered without any choice")
    return choices[0].message, getattr(choices[0], "finish_reason", None)


def _retry_after(response: Any) -> float | None:
    """Seconds the server asks to wait: `retry-after-ms`, `Retry-After` in seconds or as a date."""
    headers = getattr(response, "headers", None) or {}
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(float(value) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _json_text(content: str) -> str:
    """The JSON object inside an answer (some servers wrap it in a ```json fence or prose)."""
    start, end = content.find("{"), content.rfind("}")
    return content[start : end + 1] if 0 <= start < end else content


def retry_message(problem: str) -> str:
    return f"That answer cannot be used: {problem}\nAnswer again with the whole corrected JSON object only."


def bounded_schema(schema: dict[str, Any], max_length: int = 100, max_items: int = 20) -> dict[str, Any]:
    """The schema with every string and list bounded, for servers that turn it into a grammar
    (llama.cpp, vLLM): a small model otherwise rambles inside one string until the token limit.
    It also carries what the spec checks of those values that such grammars can keep: a name is
    not empty, and a list names each item once. Not for OpenAI's strict mode, which
    does not take these keywords."""

    def bound(node: Any) -> Any:
        if isinstance(node, list):
            return [bound(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: bound(value) for key, value in node.items()}
        kind = out.get("type")
        if isinstance(kind, list):
            # llama.cpp drops bounds beside a type list: one branch per type instead.
            out["anyOf"] = [bound({"type": k}) for k in out.pop("type")]
        elif kind == "string" and "enum" not in out:
            out.setdefault("minLength", 1)
            out.setdefault("maxLength", max_length)
        elif kind == "array":
            out.setdefault("maxItems", max_items)
            out.setdefault("uniqueItems", True)
        return out

    return bound(schema)


def _short(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."
