"""LLM settings: flag > environment > repository .octoscaffold.toml > user config; which key goes where."""

from __future__ import annotations

from pathlib import Path

import pytest

from octoscaffold.config import DUMMY_KEY, LLMSettings, api_key_for, llm_settings
from octoscaffold.errors import UserError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def places(clean_env, tmp_path):
    """(repository config, user config) paths; the current folder is inside the repository."""
    repository = tmp_path / "work" / ".octoscaffold.toml"
    user = tmp_path / "home" / ".config" / "octoscaffold" / "config.toml"
    return repository, user


def test_nothing_configured(places):
    settings = llm_settings()
    assert settings.model is None
    assert settings.base_url is None and settings.base_url_source == "default"
    assert settings.endpoint == "https://api.openai.com/v1"
    assert settings.is_openai


def test_order_flag_env_repository_user(places, clean_env):
    repository, user = places
    write(user, '[llm]\nmodel = "user-model"\nbase_url = "http://user:1/v1"\ntimeout = 5\n')
    assert llm_settings().model == "user-model"
    assert llm_settings().base_url_source == "user"
    assert llm_settings().timeout == 5
    write(repository, '[lint]\nselect = ["VAR"]\n\n[llm]\nmodel = "repo-model"\n')
    assert llm_settings().model == "repo-model"
    assert llm_settings().base_url == "http://user:1/v1"  # the repository did not set it
    clean_env.setenv("OCTOSCAFFOLD_MODEL", "env-model")
    assert llm_settings().model == "env-model"
    assert llm_settings(model="flag-model").model == "flag-model"


def test_repository_config_is_found_from_a_subfolder(places, clean_env):
    repository, _ = places
    write(repository, '[llm]\nmodel = "repo-model"\n')
    deeper = repository.parent / "a" / "b"
    deeper.mkdir(parents=True)
    clean_env.chdir(deeper)
    assert llm_settings().model == "repo-model"


def test_base_url_from_the_environment_is_marked_so(places, clean_env):
    clean_env.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1/")
    settings = llm_settings()
    assert (settings.base_url, settings.base_url_source) == ("http://localhost:11434/v1", "env")
    # The CLI fills --base-url from OPENAI_BASE_URL: the same value still counts as the environment.
    assert llm_settings(base_url="http://localhost:11434/v1/").base_url_source == "env"
    assert llm_settings(base_url="http://other:8000/v1").base_url_source == "flag"


def test_bad_settings_are_user_errors(places):
    repository, _ = places
    write(repository, '[llm]\nmodle = "x"\n')
    with pytest.raises(UserError, match="unknown \\[llm\\] setting 'modle'"):
        llm_settings()
    write(repository, '[llm]\napi_key = "sk-in-a-file"\n')
    with pytest.raises(UserError, match="not read from files") as raised:
        llm_settings()
    assert "sk-in-a-file" not in str(raised.value)
    write(repository, "[llm\n")
    with pytest.raises(UserError, match="not valid TOML"):
        llm_settings()
    write(repository, '[llm]\ntimeout = "soon"\n')
    with pytest.raises(UserError, match="timeout must be a number"):
        llm_settings()
    write(repository, '[llm]\nresponse_format = "xml"\n')
    with pytest.raises(UserError, match="unknown response_format"):
        llm_settings()


def test_azure_from_its_usual_variables(places, clean_env):
    clean_env.setenv("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com/")
    clean_env.setenv("OPENAI_API_VERSION", "2024-08-01-preview")
    settings = llm_settings(model="gpt-4o-deployment")
    assert settings.azure and settings.is_openai
    assert settings.azure_endpoint == "https://example.openai.azure.com"
    assert settings.api_version == "2024-08-01-preview"
    # A base URL wins over Azure: the user asked for that endpoint.
    assert not llm_settings(base_url="http://localhost:8000/v1").azure


ENV = {"OPENAI_API_KEY": "sk-openai", "OCTOSCAFFOLD_API_KEY": "sk-own", "AZURE_OPENAI_API_KEY": "az"}


@pytest.mark.parametrize(
    ("base_url", "source", "env", "expected"),
    [
        # OpenAI itself: the OpenAI key.
        (None, "default", {"OPENAI_API_KEY": "sk-openai"}, "sk-openai"),
        ("https://api.openai.com/v1", "flag", {"OPENAI_API_KEY": "sk-openai"}, "sk-openai"),
        # A local server given by flag or user config: never the OpenAI key.
        ("http://localhost:11434/v1", "flag", {"OPENAI_API_KEY": "sk-openai"}, DUMMY_KEY),
        ("http://localhost:11434/v1", "user", {"OPENAI_API_KEY": "sk-openai"}, DUMMY_KEY),
        ("http://api.openai.com.evil.test/v1", "flag", {"OPENAI_API_KEY": "sk-openai"}, DUMMY_KEY),
        ("http://api.openai.com/v1", "flag", {"OPENAI_API_KEY": "sk-openai"}, DUMMY_KEY),  # not https
        # OPENAI_BASE_URL set beside OPENAI_API_KEY: the user paired them.
        ("http://proxy.internal/v1", "env", {"OPENAI_API_KEY": "sk-openai"}, "sk-openai"),
        # OCTOSCAFFOLD_API_KEY: for the endpoint the user chose...
        ("http://vllm.internal/v1", "flag", ENV, "sk-own"),
        ("http://vllm.internal/v1", "user", ENV, "sk-own"),
        # ...but no key of any kind goes to an endpoint a repository's config chose.
        ("http://collector.test/v1", "repository", ENV, DUMMY_KEY),
        ("http://localhost:8000/v1", "flag", {}, DUMMY_KEY),
    ],
)
def test_which_key_goes_where(base_url, source, env, expected):
    settings = LLMSettings(model="m", base_url=base_url, base_url_source=source)
    assert api_key_for(settings, env) == expected


def test_azure_key(places):
    settings = LLMSettings(model="d", azure_endpoint="https://x.openai.azure.com", azure_endpoint_source="env")
    assert api_key_for(settings, ENV) == "az"
    from_repository = LLMSettings(
        model="d", azure_endpoint="https://x.openai.azure.com", azure_endpoint_source="repository"
    )
    assert api_key_for(from_repository, ENV) == DUMMY_KEY


def test_the_key_sent_is_the_one_chosen(clean_env, llm_server):
    """End to end: a local server named by flag never sees OPENAI_API_KEY."""
    from octoscaffold.understand import understand

    from .conftest import SMALL_CATALOG, answer, completion

    prompt = 'Create a lamda project called "OctoPub SAM"'  # the misspelt kind is asked about
    clean_env.setenv("OPENAI_API_KEY", "sk-openai-secret")
    llm_server.script(completion(answer(template="lambda")), completion(answer(template="lambda")))
    understand(prompt, SMALL_CATALOG, parser="llm", model="m", base_url=llm_server.url)
    assert llm_server.requests[0].headers["authorization"] == f"Bearer {DUMMY_KEY}"
    clean_env.setenv("OPENAI_BASE_URL", llm_server.url)
    understand(prompt, SMALL_CATALOG, parser="llm", model="m")
    assert llm_server.requests[1].headers["authorization"] == "Bearer sk-openai-secret"


def test_retries(places, clean_env):
    assert llm_settings().retries == 2
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")
    assert llm_settings().retries == 0
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "many")
    with pytest.raises(UserError, match="retries must be a whole number"):
        llm_settings()
