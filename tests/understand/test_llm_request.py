"""What is sent: the recorded requests for one open question, as snapshots (small test catalog)."""

from __future__ import annotations

from octoscaffold.config import LLMSettings
from octoscaffold.understand.hybrid import consult
from octoscaffold.understand.llm import RetryPolicy
from octoscaffold.understand.rules import read

from .conftest import SMALL_CATALOG, answer, completion, error

OPEN = 'Create a lambda project called "OctoPub SAM"; it should reach Sandbox first and only later Live'


def run(server, **changes):
    values = {"model": "test-model", "base_url": server.url, "base_url_source": "flag"}
    values.update(changes)
    reading = read(OPEN, SMALL_CATALOG)
    consult(reading, SMALL_CATALOG, LLMSettings(**values), retry=RetryPolicy(backoff=0.01))
    return reading


REPLY = answer(environments=["Sandbox", "Live"], tenants=[], group=None, space=None, approval=None, security_scan=None)


def test_structured_outputs_request(clean_env, llm_server, snapshot_ocl):
    llm_server.script(completion(REPLY))
    run(llm_server)
    (sent,) = llm_server.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["content-type"] == "application/json"
    assert snapshot_ocl == sent.body


def test_json_mode_fallback_request(clean_env, llm_server, snapshot_ocl):
    llm_server.script(error(400, "'json_schema' is not supported"), completion(REPLY))
    run(llm_server)
    assert snapshot_ocl == llm_server.requests[1].body
