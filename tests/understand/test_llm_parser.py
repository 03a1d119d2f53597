"""The LLM parser against a real local HTTP server, through the real openai client."""

from __future__ import annotations

import time

import pytest

from octoscaffold.config import LLMSettings
from octoscaffold.errors import LLMError, PromptError
from octoscaffold.understand.llm import RetryPolicy, understand_llm

from .conftest import SMALL_CATALOG, Reply, answer, completion, error

SEED = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'
FAST = RetryPolicy(attempts=3, backoff=0.01, max_wait=0.5)


def settings(server, **changes) -> LLMSettings:
    values = {"model": "test-model", "base_url": server.url, "base_url_source": "flag", "timeout": 2.0}
    values.update(changes)
    return LLMSettings(**values)


def ask(server, prompt=SEED, *, retry=FAST, **changes):
    return understand_llm(prompt, SMALL_CATALOG, settings=settings(server, **changes), retry=retry)


def test_valid_answer_is_one_request(clean_env, llm_server):
    llm_server.script(completion(answer()))
    spec = ask(llm_server)
    assert (spec.project.name, spec.project.group, spec.template) == ("OctoPub SAM", "AWS", "lambda")
    assert spec.prompt == SEED
    assert spec.practices == []
    assert len(llm_server.requests) == 1
    sent = llm_server.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.body["model"] == "test-model"
    assert sent.body["response_format"]["type"] == "json_schema"
    assert sent.body["response_format"]["json_schema"]["strict"] is True
    assert sent.body["messages"][-1] == {"role": "user", "content": SEED}


def test_answer_fields_map_onto_the_spec(clean_env, llm_server):
    llm_server.script(
        completion(
            answer(
                parameters=[{"name": "region", "value": "eu-west-1"}, {"name": "memory_size", "value": "512"}],
                lifecycle={"name": None, "environments": ["Dev", "Prod"]},
                tenancy={"mode": "tenanted", "tenants": ["Acme"], "tenant_tags": []},
                approval={"enabled": False, "environments": [], "instructions": None, "team": None},
                runbooks=[{"name": "Clear Cache", "description": None, "environments": []}],
                warnings=['not understood: "post to Slack"'],
            )
        )
    )
    spec = ask(llm_server)
    assert spec.parameters == {"region": "eu-west-1", "memory_size": 512}  # "512" became a number
    assert spec.lifecycle.environments == ["Dev", "Prod"]
    assert spec.lifecycle.name is None
    assert (spec.tenancy.mode, spec.tenancy.tenants) == ("tenanted", ["Acme"])
    assert spec.approval.enabled is False
    assert spec.security_scan.enabled is True  # null: the spec's default
    assert [r.name for r in spec.runbooks] == ["Clear Cache"]
    assert spec.warnings == ['not understood: "post to Slack"']


def test_invalid_answer_is_sent_back_with_the_errors(clean_env, llm_server):
    bad = answer(tenancy={"mode": "tenanted", "tenants": [], "tenant_tags": ["no-slash"]})
    llm_server.script(completion(bad), completion(answer()))
    spec = ask(llm_server)
    assert spec.project.name == "OctoPub SAM"
    first, second = llm_server.bodies()
    assert len(second["messages"]) == len(first["messages"]) + 2
    said, correction = second["messages"][-2:]
    assert said["role"] == "assistant" and "no-slash" in said["content"]
    assert correction["role"] == "user"
    assert "tenancy.tenant_tags" in correction["content"]  # the error names the field


def test_unknown_parameter_is_sent_back(clean_env, llm_server):
    llm_server.script(
        completion(answer(parameters=[{"name": "colour", "value": "blue"}])),
        completion(answer()),
    )
    ask(llm_server)
    correction = llm_server.bodies()[1]["messages"][-1]["content"]
    assert "parameters.colour" in correction and "memory_size" in correction


def test_invalid_json_then_valid(clean_env, llm_server):
    llm_server.script(completion('{"project": {"name": "OctoPub'), completion(answer()))
    assert ask(llm_server).project.name == "OctoPub SAM"
    assert "not valid JSON" in llm_server.bodies()[1]["messages"][-1]["content"]


def test_json_in_a_fence_is_read(clean_env, llm_server):
    import json

    llm_server.script(completion("```json\n" + json.dumps(answer()) + "\n```"))
    assert ask(llm_server).template == "lambda"


def test_gives_up_after_two_corrections(clean_env, llm_server):
    llm_server.script(*[completion("not json at all") for _ in range(5)])
    with pytest.raises(LLMError) as raised:
        ask(llm_server)
    assert len(llm_server.requests) == 3
    assert "no valid spec in 3 answers" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_length_is_retried_then_an_error(clean_env, llm_server):
    llm_server.script(*[completion('{"project": ', finish_reason="length") for _ in range(3)])
    with pytest.raises(LLMError, match="cut off"):
        ask(llm_server)
    assert len(llm_server.requests) == 3


def test_length_then_valid(clean_env, llm_server):
    llm_server.script(completion("{", finish_reason="length"), completion(answer()))
    assert ask(llm_server).project.group == "AWS"


def test_refusal_is_an_llm_error(clean_env, llm_server):
    llm_server.script(completion(None, refusal="I can't help with that."))
    with pytest.raises(LLMError, match="refused: I can't help with that"):
        ask(llm_server)
    assert len(llm_server.requests) == 1


def test_no_name_is_a_prompt_error(clean_env, llm_server):
    llm_server.script(completion(answer(project={**answer()["project"], "name": None})))
    with pytest.raises(PromptError, match="names no project"):
        ask(llm_server, "Create a lambda project")


def test_no_kind_is_a_prompt_error(clean_env, llm_server):
    llm_server.script(completion(answer(template=None)))
    with pytest.raises(PromptError, match="no template in the catalog") as raised:
        ask(llm_server, 'Create a COBOL project called "Ledger"')
    assert "lambda, script" in str(raised.value)


def test_empty_prompt_sends_nothing(clean_env, llm_server):
    with pytest.raises(PromptError, match="empty"):
        ask(llm_server, "   ")
    assert llm_server.requests == []


def test_429_honours_retry_after(clean_env, llm_server):
    llm_server.script(error(429, "slow down", {"Retry-After": "0.2"}), completion(answer()))
    start = time.monotonic()
    ask(llm_server, retry=RetryPolicy(attempts=3, backoff=5.0, max_wait=1.0))
    waited = time.monotonic() - start
    assert 0.2 <= waited < 1.0  # the server's 0.2 s, not the 5 s backoff
    assert len(llm_server.requests) == 2


def test_429_with_a_long_retry_after_gives_up_at_once(clean_env, llm_server):
    llm_server.script(error(429, "quota", {"Retry-After": "3600"}))
    start = time.monotonic()
    with pytest.raises(LLMError, match="asks to wait 3600 s"):
        ask(llm_server)
    assert time.monotonic() - start < 0.5
    assert len(llm_server.requests) == 1


def test_429_every_time_is_bounded(clean_env, llm_server):
    llm_server.script(*[error(429, "slow down") for _ in range(5)])
    with pytest.raises(LLMError, match=r"rate limiting.*gave up after 3 attempts"):
        ask(llm_server)
    assert len(llm_server.requests) == 3


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retried(clean_env, llm_server, status):
    llm_server.script(error(status, "upstream down"), completion(answer()))
    assert ask(llm_server).template == "lambda"
    assert len(llm_server.requests) == 2


def test_5xx_every_time_is_an_llm_error(clean_env, llm_server):
    llm_server.script(*[error(503, "upstream down") for _ in range(3)])
    with pytest.raises(LLMError, match="HTTP 503: upstream down; gave up after 3 attempts"):
        ask(llm_server)


def test_timeout_is_retried_then_an_error(clean_env, llm_server):
    llm_server.script(*[Reply(delay=0.6, body=completion(answer()).body) for _ in range(2)])
    with pytest.raises(LLMError, match=r"did not answer within 0.1 s; gave up after 2 attempts"):
        ask(llm_server, retry=RetryPolicy(attempts=2, backoff=0.01), timeout=0.1)


def test_timeout_then_answer(clean_env, llm_server):
    llm_server.script(Reply(delay=0.6, body=completion(answer()).body), completion(answer()))
    assert ask(llm_server, timeout=0.3).project.name == "OctoPub SAM"


def test_connection_refused(clean_env, closed_port):
    url = f"http://127.0.0.1:{closed_port}/v1"
    with pytest.raises(LLMError, match=rf"cannot connect to {url}.*gave up after 2 attempts"):
        understand_llm(
            SEED,
            SMALL_CATALOG,
            settings=LLMSettings(model="m", base_url=url, base_url_source="flag", timeout=1),
            retry=RetryPolicy(attempts=2, backoff=0.01),
        )


def test_401_names_no_key(clean_env, llm_server):
    clean_env.setenv("OCTOSCAFFOLD_API_KEY", "sk-secret-value")
    llm_server.script(error(401, "bad key sk-secret-value"))
    with pytest.raises(LLMError) as raised:
        ask(llm_server)
    message = str(raised.value)
    assert "refused the API key (HTTP 401)" in message
    assert "sk-secret-value" not in message
    assert len(llm_server.requests) == 1


def test_server_error_text_never_shows_the_key(clean_env, llm_server):
    clean_env.setenv("OCTOSCAFFOLD_API_KEY", "sk-secret-value")
    llm_server.script(*[error(500, "echo: Bearer sk-secret-value") for _ in range(3)])
    with pytest.raises(LLMError) as raised:
        ask(llm_server)
    assert "sk-secret-value" not in str(raised.value) and "***" in str(raised.value)


def test_unknown_model(clean_env, llm_server):
    llm_server.script(error(404, "model 'nope' not found"))
    with pytest.raises(LLMError, match="has no model 'test-model'"):
        ask(llm_server)


def test_broken_body_is_an_llm_error(clean_env, llm_server):
    llm_server.script(Reply(body="<html>gateway</html>"))
    with pytest.raises(LLMError):
        ask(llm_server)


def test_json_schema_rejected_falls_back_to_json_mode(clean_env, llm_server):
    llm_server.script(error(422, "response_format.type: input should be 'text' or 'json_object'"), completion(answer()))
    assert ask(llm_server).template == "lambda"
    first, second = llm_server.bodies()
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"]["type"] == "json_object"
    schema = first["response_format"]["json_schema"]["schema"]
    # Constrained decoding on llama.cpp: the same schema with bounded strings and lists.
    from octoscaffold.understand.answer import bounded_schema

    assert second["response_format"]["schema"] == bounded_schema(schema)
    assert "The JSON must match this JSON Schema" in second["messages"][0]["content"]
    assert "JSON Schema" not in first["messages"][0]["content"]
    # The next prompt in the same process goes straight to JSON mode: one request.
    llm_server.script(completion(answer()))
    ask(llm_server)
    assert llm_server.bodies()[2]["response_format"]["type"] == "json_object"


def test_json_schema_rejected_with_a_500_falls_back(clean_env, llm_server):
    """What llama-cpp-python's server does: its validation error comes back as HTTP 500."""
    message = (
        "1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
        "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
    )
    llm_server.script(error(500, message), completion(answer()))
    assert ask(llm_server).template == "lambda"
    assert [b["response_format"]["type"] for b in llm_server.bodies()] == ["json_schema", "json_object"]


def test_json_mode_by_setting_sends_one_request(clean_env, llm_server):
    llm_server.script(completion(answer()))
    ask(llm_server, response_format="json_object")
    assert [b["response_format"]["type"] for b in llm_server.bodies()] == ["json_object"]


def test_json_schema_forced_and_rejected_is_an_error(clean_env, llm_server):
    llm_server.script(error(400, "unknown response_format"))
    with pytest.raises(LLMError, match="does not accept the json_schema response format"):
        ask(llm_server, response_format="json_schema")


def test_other_400_in_json_mode_is_an_error(clean_env, llm_server):
    llm_server.script(error(400, "context length exceeded"))
    with pytest.raises(LLMError, match="rejected the request \\(HTTP 400\\): context length exceeded"):
        ask(llm_server, response_format="json_object")


def test_local_server_gets_max_tokens_and_temperature(clean_env, llm_server):
    llm_server.script(completion(answer()))
    ask(llm_server, max_tokens=800)
    body = llm_server.bodies()[0]
    assert body["max_tokens"] == 800 and body["temperature"] == 0
    assert "max_completion_tokens" not in body


def test_azure_deployment_path(clean_env, llm_server):
    clean_env.setenv("AZURE_OPENAI_API_KEY", "azure-key")
    llm_server.script(completion(answer()))
    spec = understand_llm(
        SEED,
        SMALL_CATALOG,
        settings=LLMSettings(model="my-deployment", azure_endpoint=llm_server.root, azure_endpoint_source="env"),
        retry=FAST,
    )
    assert spec.template == "lambda"
    sent = llm_server.requests[0]
    assert sent.path.startswith("/openai/deployments/my-deployment/chat/completions?api-version=")
    assert sent.headers["api-key"] == "azure-key"
    assert "max_completion_tokens" in sent.body


def test_progress_wraps_each_wait(clean_env, llm_server):
    from contextlib import contextmanager

    shown = []

    @contextmanager
    def progress(message):
        shown.append(message)
        yield

    llm_server.script(error(503), completion(answer()))
    understand_llm(SEED, SMALL_CATALOG, settings=settings(llm_server), retry=FAST, progress=progress)
    assert shown[0] == "Asking test-model"
    assert "retrying" in shown[1]
    assert shown[2] == "Asking test-model"
