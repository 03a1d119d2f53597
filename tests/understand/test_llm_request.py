"""What is sent: the recorded request for the seed prompt, as a snapshot (small test catalog)."""

from __future__ import annotations

from octoscaffold.config import LLMSettings
from octoscaffold.understand.llm import RetryPolicy, understand_llm

from .conftest import SMALL_CATALOG, answer, completion, error

SEED = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'


def run(server, **changes):
    values = {"model": "test-model", "base_url": server.url, "base_url_source": "flag"}
    values.update(changes)
    return understand_llm(SEED, SMALL_CATALOG, settings=LLMSettings(**values), retry=RetryPolicy(backoff=0.01))


def test_structured_outputs_request(clean_env, llm_server, snapshot_ocl):
    llm_server.script(completion(answer()))
    run(llm_server)
    (sent,) = llm_server.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["content-type"] == "application/json"
    assert snapshot_ocl == sent.body


def test_json_mode_fallback_request(clean_env, llm_server, snapshot_ocl):
    llm_server.script(error(400, "'json_schema' is not supported"), completion(answer()))
    run(llm_server)
    assert snapshot_ocl == llm_server.requests[1].body


def test_openai_request_uses_max_completion_tokens(clean_env, llm_server):
    """OpenAI's own API: no temperature (reasoning models refuse it), max_completion_tokens."""
    from octoscaffold.understand.llm import _Conversation
    from octoscaffold.understand.progress import silent

    settings = LLMSettings(model="gpt-4o-mini", max_tokens=1000)
    body = _Conversation(SEED, SMALL_CATALOG, settings, RetryPolicy(), silent).request()
    assert body["max_completion_tokens"] == 1000
    assert "temperature" not in body and "max_tokens" not in body
