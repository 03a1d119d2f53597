"""Settings of the LLM parser, from four places (the first that sets a value wins):

1. command-line flags (`--model`, `--base-url`);
2. environment variables (`OCTOSCAFFOLD_MODEL`, `OPENAI_BASE_URL`, Azure's `AZURE_OPENAI_*`, ...);
3. the `[llm]` table of the repository's `.octoscaffold.toml`;
4. the `[llm]` table of the user config.

Where those files are, and how they are found, is octoscaffold.settings (one rule for every command).

```toml
[llm]
model = "gpt-4o-mini"
base_url = "http://localhost:11434/v1"   # any OpenAI-compatible endpoint
timeout = 60                             # seconds a request may take in all (300 for a local server)
deadline = 180                           # seconds the model may take for one command (600 local)
retries = 2                              # after a 429, 5xx, timeout or connection error
max_tokens = 2000
response_format = "auto"                 # auto | json_schema | json_object
```

API keys never come from a file: they are read from the environment, and which key may go where
is decided by `api_key_for` (see docs/llm.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from octoscaffold.errors import UserError
from octoscaffold.settings import CONFIG_NAME, find_repository_config, read_table, user_config_path  # noqa: F401 (used by other modules too)

KEYS = {
    "model", "base_url", "timeout", "deadline", "retries", "max_tokens", "response_format", "azure_endpoint", "api_version",
}
# Defaults that fit where the model runs: a small model on a laptop's CPU needs longer.
TIMEOUT, LOCAL_TIMEOUT = 60.0, 300.0
DEADLINE, LOCAL_DEADLINE = 180.0, 600.0
RESPONSE_FORMATS = ("auto", "json_schema", "json_object")
DEFAULT_AZURE_API_VERSION = "2024-10-21"
# Sent when no key may be sent: local servers (Ollama, vLLM, llama.cpp) accept any key.
DUMMY_KEY = "no-key"


@dataclass(frozen=True)
class LLMSettings:
    model: str | None = None
    base_url: str | None = None
    # Where base_url came from: "flag", "env", "repository", "user" or "default".
    base_url_source: str = "default"
    azure_endpoint: str | None = None
    azure_endpoint_source: str = "default"
    api_version: str = DEFAULT_AZURE_API_VERSION
    timeout: float = 60.0
    retries: int = 2
    max_tokens: int = 2000
    response_format: str = "auto"
    deadline: float = DEADLINE

    @property
    def azure(self) -> bool:
        return self.azure_endpoint is not None and self.base_url is None

    @property
    def endpoint(self) -> str:
        """The URL requests go to, for messages."""
        return self.azure_endpoint if self.azure else (self.base_url or "https://api.openai.com/v1")

    @property
    def is_openai(self) -> bool:
        """Whether requests go to OpenAI's own API (or Azure OpenAI), which know every option."""
        return self.azure or is_openai_url(self.base_url)

    @property
    def is_local(self) -> bool:
        """Whether the model runs on this machine or the local network (Ollama, llama.cpp...)."""
        return not self.azure and is_local_url(self.base_url)


def is_local_url(url: str | None) -> bool:
    """localhost, a loopback or private address, or a `.local` / `.internal` name."""
    import ipaddress

    if not url:
        return False
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".localhost", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def is_openai_url(url: str | None) -> bool:
    if not url:
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and (parts.hostname or "").lower() == "api.openai.com"


def read_llm_table(path: Path | None) -> dict[str, Any]:
    """The `[llm]` table of a TOML file; {} when the file or the table is absent."""
    table = read_table(path, "llm")
    unknown = sorted(set(table) - KEYS)
    if "api_key" in table:
        raise UserError(f"{path}: [llm] api_key is not read from files", hint="set OPENAI_API_KEY instead")
    if unknown:
        raise UserError(f"{path}: unknown [llm] setting {unknown[0]!r}", hint=f"known: {', '.join(sorted(KEYS))}")
    return table


def llm_settings(
    *,
    model: str | None = None,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> LLMSettings:
    """Resolve the settings: flags > environment > repository config > user config."""
    env = os.environ if env is None else env
    repository = read_llm_table(find_repository_config(cwd))
    user = read_llm_table(user_config_path(env))

    def pick(flag: Any, env_name: str | None, key: str) -> tuple[Any, str]:
        if flag not in (None, ""):
            # The CLI fills --base-url from OPENAI_BASE_URL: the same value means it came from there.
            same = env_name is not None and env.get(env_name) == flag
            return flag, "env" if same else "flag"
        if env_name and env.get(env_name):
            return env[env_name], "env"
        if repository.get(key) not in (None, ""):
            return repository[key], "repository"
        if user.get(key) not in (None, ""):
            return user[key], "user"
        return None, "default"

    chosen_model, _ = pick(model, "OCTOSCAFFOLD_MODEL", "model")
    chosen_url, url_source = pick(base_url, "OPENAI_BASE_URL", "base_url")
    azure, azure_source = pick(None, "AZURE_OPENAI_ENDPOINT", "azure_endpoint")
    api_version, _ = pick(None, "OPENAI_API_VERSION", "api_version")
    timeout, _ = pick(None, "OCTOSCAFFOLD_LLM_TIMEOUT", "timeout")
    deadline, _ = pick(None, "OCTOSCAFFOLD_LLM_DEADLINE", "deadline")
    retries, _ = pick(None, "OCTOSCAFFOLD_LLM_RETRIES", "retries")
    max_tokens, _ = pick(None, "OCTOSCAFFOLD_LLM_MAX_TOKENS", "max_tokens")
    response_format, _ = pick(None, "OCTOSCAFFOLD_RESPONSE_FORMAT", "response_format")

    response_format = response_format or "auto"
    if response_format not in RESPONSE_FORMATS:
        raise UserError(
            f"unknown response_format {response_format!r}", hint=f"use one of {', '.join(RESPONSE_FORMATS)}"
        )
    local = bool(chosen_url) and is_local_url(str(chosen_url))
    return LLMSettings(
        model=str(chosen_model) if chosen_model else None,
        base_url=str(chosen_url).rstrip("/") if chosen_url else None,
        base_url_source=url_source,
        azure_endpoint=str(azure).rstrip("/") if azure else None,
        azure_endpoint_source=azure_source,
        api_version=str(api_version or DEFAULT_AZURE_API_VERSION),
        timeout=_number(timeout, "timeout", LOCAL_TIMEOUT if local else TIMEOUT),
        deadline=_number(deadline, "deadline", LOCAL_DEADLINE if local else DEADLINE),
        retries=_retries(retries),
        max_tokens=int(_number(max_tokens, "max_tokens", 2000)),
        response_format=response_format,
    )


def _number(value: Any, name: str, default: float) -> float:
    if value in (None, ""):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(f"LLM setting {name} must be a number (got {value!r})") from None
    if number <= 0:
        raise UserError(f"LLM setting {name} must be positive (got {value!r})")
    return number


def _retries(value: Any) -> int:
    if value in (None, ""):
        return 2
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 10:
        raise UserError(f"LLM setting retries must be a whole number from 0 to 10 (got {value!r})")
    return number


def api_key_for(settings: LLMSettings, env: Mapping[str, str] | None = None) -> str:
    """The key to send, following one rule: a key goes only where its owner pointed it.

    - `OCTOSCAFFOLD_API_KEY` is meant for octoscaffold's endpoint, wherever the user (flag,
      environment or user config) pointed it; never to an endpoint set by a repository's config.
    - `OPENAI_API_KEY` goes to OpenAI itself, or to the `OPENAI_BASE_URL` set beside it.
    - `AZURE_OPENAI_API_KEY` goes to the Azure endpoint.
    - Anywhere else (a local server) gets a dummy key.
    """
    env = os.environ if env is None else env
    if settings.azure:
        if settings.azure_endpoint_source == "repository":
            return DUMMY_KEY
        return env.get("AZURE_OPENAI_API_KEY") or env.get("OCTOSCAFFOLD_API_KEY") or DUMMY_KEY
    trusted = settings.base_url_source != "repository"
    own = env.get("OCTOSCAFFOLD_API_KEY")
    if own and (trusted or is_openai_url(settings.base_url)):
        return own
    openai_key = env.get("OPENAI_API_KEY")
    if openai_key and (is_openai_url(settings.base_url) or settings.base_url_source == "env"):
        return openai_key
    return DUMMY_KEY
