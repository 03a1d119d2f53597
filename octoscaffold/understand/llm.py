"""The LLM parser: a prompt → an (unresolved) spec, through any OpenAI-compatible endpoint.

One request per prompt when the model answers validly: the system prompt (rules and catalog), the
user's prompt, and a strict JSON Schema for the answer (Structured Outputs). A server that does
not take `json_schema` gets JSON mode with the schema in the prompt instead. An answer that does
not validate is sent back with the errors, at most twice. Every failure of the endpoint ends in an
`LLMError` with one line, after a bounded number of retries.

`openai` is imported only here, and only when a request is made.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from octoscaffold.catalog import Catalog
from octoscaffold.config import LLMSettings, api_key_for, llm_settings
from octoscaffold.errors import LLMError, PromptError, SpecError, UserError
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.understand.answer import Answer, answer_schema, bounded_schema, to_spec_data
from octoscaffold.understand.instructions import retry_message, system_prompt
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


# Endpoints that rejected `json_schema` in this process: later prompts go straight to JSON mode.
_JSON_MODE_ONLY: set[str] = set()


class _SchemaRejected(Exception):
    """The server refused the `json_schema` response format (400, 422, or a 500 naming it)."""


def understand_llm(
    prompt: str,
    catalog: Catalog,
    *,
    model: str | None = None,
    base_url: str | None = None,
    settings: LLMSettings | None = None,
    retry: RetryPolicy | None = None,
    progress: Progress | None = None,
) -> ProjectSpec:
    """Ask the model for the spec of `prompt`; raise PromptError, LLMError or UserError."""
    text = " ".join(prompt.split())
    if not text:
        raise PromptError(
            "the prompt is empty",
            hint="""describe the project, e.g. 'Create an AWS Lambda project called "My App"'""",
        )
    settings = settings or llm_settings(model=model, base_url=base_url)
    if not settings.model:
        raise UserError("the LLM parser needs a model", hint="use --model or set OCTOSCAFFOLD_MODEL")
    retry = retry or RetryPolicy(attempts=settings.retries + 1)
    return _Conversation(text, catalog, settings, retry, progress or silent).run()


class _Conversation:
    def __init__(
        self, prompt: str, catalog: Catalog, settings: LLMSettings, retry: RetryPolicy, progress: Progress
    ) -> None:
        self.prompt = prompt
        self.catalog = catalog
        self.settings = settings
        self.retry = retry
        self.progress = progress
        self.schema = answer_schema(catalog.ids())
        self.key = api_key_for(settings)
        mode = settings.response_format
        if mode == "auto":
            mode = "json_object" if settings.endpoint in _JSON_MODE_ONLY else "json_schema"
        self.mode = mode
        self.turns: list[dict[str, str]] = [{"role": "user", "content": prompt}]

    def run(self) -> ProjectSpec:
        client = self._client()
        problem = ""
        for _ in range(self.retry.answer_retries + 1):
            message, finish_reason = self._complete(client)
            content, problem = self._content(message, finish_reason)
            if not problem:
                spec, problem = self._spec(content)
                if spec is not None:
                    return spec
            self.turns.append({"role": "assistant", "content": content or ""})
            self.turns.append({"role": "user", "content": retry_message(problem)})
        raise LLMError(
            f"the model gave no valid spec in {self.retry.answer_retries + 1} answers; last problem: "
            + _short(problem),
            hint="try a larger model or --parser rules",
        )

    # -- the request --------------------------------------------------------------------------

    def _client(self) -> "OpenAI":
        import openai

        common: dict[str, Any] = {"api_key": self.key, "max_retries": 0, "timeout": self.settings.timeout}
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
        with_schema = self.mode == "json_object"
        messages = [{"role": "system", "content": system_prompt(self.catalog, self.schema if with_schema else None)}]
        body: dict[str, Any] = {"model": settings.model, "messages": messages + self.turns}
        if self.mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "project_spec", "strict": True, "schema": self.schema},
            }
        else:
            body["response_format"] = {"type": "json_object"}
            if not settings.is_openai:
                # llama.cpp and vLLM constrain decoding to a schema given here.
                body["response_format"]["schema"] = bounded_schema(self.schema)
        if settings.is_openai:
            body["max_completion_tokens"] = settings.max_tokens
        else:
            # Small local models wander at higher temperatures; OpenAI's reasoning models refuse it.
            body["max_tokens"] = settings.max_tokens
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
            _JSON_MODE_ONLY.add(self.settings.endpoint)
            self.mode = "json_object"
            try:
                return self._send(client)
            except _SchemaRejected as again:
                raise LLMError(f"{self.settings.endpoint} rejected the request: {again}") from None

    def _send(self, client: "OpenAI") -> Any:
        """One completion, retrying 429, 5xx, connection errors and timeouts a bounded number of times."""
        import openai

        where = self.settings.endpoint
        label = f"Asking {self.settings.model}"
        for attempt in range(1, self.retry.attempts + 1):
            wait = self.retry.backoff * 2 ** (attempt - 1)
            try:
                with self.progress(label):
                    response = client.chat.completions.create(**self.request())
                return _first_message(response, where)
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
            except openai.APIConnectionError as error:
                reason = f"cannot connect to {where} ({self._cause(error)})"
            except (openai.BadRequestError, openai.UnprocessableEntityError) as error:
                if self.mode == "json_schema":
                    raise _SchemaRejected(self._detail(error)) from None
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
                    time.sleep(min(wait, self.retry.max_wait))
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
                f"the answer was cut off at the token limit ({self.settings.max_tokens}); "
                "give a shorter answer: null for everything the request does not say"
            )
        if not content.strip():
            return content, "the answer was empty"
        return content, ""

    def _spec(self, content: str) -> tuple[ProjectSpec | None, str]:
        """The spec from an answer, or None and the problem to send back."""
        try:
            # strict=False: a raw newline inside a string is no reason to ask again.
            data = json.loads(_json_text(content), strict=False)
        except json.JSONDecodeError as error:
            return None, f"it is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        try:
            answer = Answer.model_validate(data)
        except ValidationError as error:
            from octoscaffold.spec.io import describe_errors

            return None, f"it does not match the schema: {describe_errors(error)}"
        if not answer.project.name:
            raise PromptError("the prompt names no project", hint="""give the name in quotes, e.g. 'called "My App"'""")
        if answer.template is None:
            raise PromptError(
                "no template in the catalog matches the kind of project the prompt asks for",
                hint=f"known templates: {', '.join(self.catalog.ids())}",
            )
        if answer.template not in self.catalog.templates:
            return None, f"template {answer.template!r} is not a catalog id; use one of {', '.join(self.catalog.ids())}"
        data = to_spec_data(answer, self.prompt)
        _coerce_parameters(data, self.catalog, answer.template)
        from octoscaffold.policy import resolve
        from octoscaffold.spec.io import spec_from_data

        try:
            spec = spec_from_data(data, "answer")
            # Resolving finds what only the catalog knows (parameter names, types, choices).
            resolve(spec, self.catalog.get(spec.template))
        except SpecError as error:
            return None, str(error)
        return spec, ""

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


def _coerce_parameters(data: dict[str, Any], catalog: Catalog, template_id: str) -> None:
    """Models often write numbers and booleans as strings: "512" → 512 where the manifest says integer."""
    definitions = catalog.get(template_id).manifest.parameters
    for name, value in list(data.get("parameters", {}).items()):
        definition = definitions.get(name)
        if definition is None or not isinstance(value, str):
            continue
        if definition.type == "integer" and value.strip().lstrip("-").isdigit():
            data["parameters"][name] = int(value)
        elif definition.type == "boolean" and value.strip().lower() in ("true", "false"):
            data["parameters"][name] = value.strip().lower() == "true"
        elif definition.type == "list":
            data["parameters"][name] = [v.strip() for v in value.split(",") if v.strip()]


def _short(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."
