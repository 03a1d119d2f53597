"""The model as a second reader, against a real local HTTP server through the real openai client.

The rules read first; the model is asked only what they left open or doubtful, and nothing it says
is used unless the prompt backs it up. Then the transport: retries, deadlines of each attempt,
JSON mode for servers without Structured Outputs, and one-line errors.
"""

from __future__ import annotations

import json
import time

import pytest

from octoscaffold.config import LLMSettings
from octoscaffold.errors import LLMError, PromptError
from octoscaffold.understand import understand
from octoscaffold.understand.hybrid import consult, questions, written
from octoscaffold.understand.llm import RetryPolicy, bounded_schema
from octoscaffold.understand.rules import read

from .conftest import SMALL_CATALOG, Reply, answer, completion, error

TYPO = 'Create a lamda project called "OctoPub SAM" in the project group "AWS"'  # the kind is a guess
GUESSED_NAME = 'lambda for the octopub sam backend in the project group "AWS"'  # the name is a guess
LEFTOVER = 'Create a lambda project called "OctoPub SAM"; it should reach Sandbox first and only later Live'
SURE = 'Create a lambda project called "OctoPub SAM" in the project group "AWS"'
FAST = RetryPolicy(attempts=3, backoff=0.01, max_wait=0.5)


def settings(server, **changes) -> LLMSettings:
    values = {"model": "test-model", "base_url": server.url, "base_url_source": "flag", "timeout": 2.0}
    values.update(changes)
    return LLMSettings(**values)


def consulted(server, prompt=TYPO, *, retry=FAST, **changes):
    reading = read(prompt, SMALL_CATALOG)
    consult(reading, SMALL_CATALOG, settings(server, **changes), retry=retry)
    return reading


def spec_of(server, prompt=TYPO, *, parser="llm"):
    """The whole path as the CLI takes it (other settings from the test's clean environment)."""
    return understand(prompt, SMALL_CATALOG, parser=parser, model="test-model", base_url=server.url)


# -- what is asked ------------------------------------------------------------------------------


def test_a_prompt_the_rules_are_sure_of_sends_nothing(clean_env, llm_server):
    spec, used = spec_of(llm_server, SURE)
    assert used == "rules" and llm_server.requests == []
    assert (spec.project.name, spec.template) == ("OctoPub SAM", "lambda")


def test_only_the_open_questions_are_asked(clean_env):
    assert questions(read(TYPO, SMALL_CATALOG)) == ["template"]
    assert questions(read(GUESSED_NAME, SMALL_CATALOG)) == ["name"]
    assert questions(read('Create a lambda project in the project group "AWS"', SMALL_CATALOG)) == ["name"]
    assert questions(read(LEFTOVER, SMALL_CATALOG)) == ["environments"]  # the words not understood speak of them
    slack = read('Create a lambda project called "OctoPub SAM" and ping Slack', SMALL_CATALOG)
    assert slack.leftovers and questions(slack) == []  # nothing the compact schema could hold
    assert questions(read(SURE, SMALL_CATALOG)) == []


def test_the_request_is_compact(clean_env, llm_server):
    llm_server.script(completion(answer(template="lambda")))
    consulted(llm_server)
    (sent,) = llm_server.requests
    body = sent.body
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["response_format"]["json_schema"]["strict"] is True
    assert schema == {
        "type": "object",
        "properties": {"template": {"anyOf": [{"type": "string", "enum": ["lambda", "script"]}, {"type": "null"}]}},
        "required": ["template"],
        "additionalProperties": False,
    }
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    assert "- lambda: Serverless function" in system
    assert user.startswith(f"Request: {TYPO}\nAlready read: name: OctoPub SAM")
    assert user.endswith("- template: the catalog id of the kind of project the request asks for; null if no kind fits")
    assert len(json.dumps(body)) < 2500
    assert body["max_tokens"] == 300 and body["temperature"] == 0


def consult_in_a_new_process(server, prompt: str, **env: str) -> None:
    """Read and consult in a fresh Python process (its own hash seed, nothing remembered in memory)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from conftest import SMALL_CATALOG\n"
        "from octoscaffold.config import LLMSettings\n"
        "from octoscaffold.understand.hybrid import consult\n"
        "from octoscaffold.understand.llm import RetryPolicy\n"
        "from octoscaffold.understand.rules import read\n"
        "consult(read(sys.argv[3], SMALL_CATALOG), SMALL_CATALOG,"
        " LLMSettings(model='m', base_url=sys.argv[1], base_url_source='flag'), retry=RetryPolicy(backoff=0.01))\n"
    )
    command = [sys.executable, "-c", script, server.url, str(Path(__file__).parent), prompt]
    subprocess.run(command, check=True, env={**os.environ, **env}, capture_output=True)


def test_requests_are_the_same_in_every_process(clean_env, llm_server):
    """Byte-identical requests for the same prompt and catalog, whatever the hash seed."""
    reply = answer(environments=[], tenants=[], group=None, space=None, approval=None, security_scan=None)
    for seed in ("1", "2", "3"):
        llm_server.script(completion(reply))
        consult_in_a_new_process(llm_server, LEFTOVER, PYTHONHASHSEED=seed)
    bodies = [json.dumps(r.body, sort_keys=False) for r in llm_server.requests]
    assert len(bodies) == 3 and bodies[0] == bodies[1] == bodies[2]


# -- what is taken from the answer --------------------------------------------------------------


def test_a_kind_the_model_confirms_is_no_longer_a_guess(clean_env, llm_server):
    llm_server.script(completion(answer(template="lambda")))
    spec, used = spec_of(llm_server)
    assert used == "rules+llm"
    assert spec.template == "lambda"
    assert not any("lamda" in w for w in spec.warnings)


def test_a_kind_the_model_disputes_stays_the_rules_one_and_is_said(clean_env, llm_server):
    llm_server.script(completion(answer(template="script")))
    reading = consulted(llm_server)
    assert reading.data["template"] == "lambda"
    assert any("suggested the kind script instead; kept lambda" in w for w in reading.all_warnings())
    assert any("lamda" in w for w in reading.all_warnings())  # still a guess


NO_NAME = 'Create a lambda project in the project group "AWS" - internally we refer to it as pricefeed'


def test_a_missing_name_written_in_the_prompt_is_taken_and_said(clean_env, llm_server):
    llm_server.script(completion(answer(name="pricefeed")))
    reading = consulted(llm_server, NO_NAME)
    assert reading.data["project"]["name"] == "pricefeed" and "name" not in reading.missing
    assert reading.guesses["project.name"] == 'the model read the project name "pricefeed"'


def test_a_guessed_name_the_model_disputes_stays_and_is_said(clean_env, llm_server):
    llm_server.script(completion(answer(name="octopub sam")))
    reading = consulted(llm_server, GUESSED_NAME)
    assert reading.data["project"]["name"] == "Octopub Sam Backend"
    assert 'the model suggested the name "octopub sam" instead; kept "Octopub Sam Backend"' in reading.warnings
    assert "project.name" in reading.guesses  # still a guess


def test_a_name_the_model_agrees_with_is_no_longer_a_guess(clean_env, llm_server):
    prompt = 'lambda for the octopub pricing feed in the project group "AWS"'
    llm_server.script(completion(answer(name="octopub pricing feed")))
    reading = consulted(llm_server, prompt)
    assert reading.data["project"]["name"] == "Octopub Pricing Feed"  # the rules' casing
    assert "project.name" not in reading.guesses


def test_an_invented_name_is_not_used(clean_env, llm_server):
    llm_server.script(completion(answer(name="Payments Portal")))
    prompt = 'Create a lambda project in the project group "AWS"'
    with pytest.raises(PromptError, match="names no project"):
        spec_of(llm_server, prompt)
    reading = read(prompt, SMALL_CATALOG)
    llm_server.script(completion(answer(name="Payments Portal")))
    consult(reading, SMALL_CATALOG, settings(llm_server), retry=FAST)
    assert "name" in reading.missing
    assert any("which the prompt does not contain; not used" in w for w in reading.warnings)


def test_environments_from_words_not_understood(clean_env, llm_server):
    reply = answer(environments=["Sandbox", "Live"], tenants=[], group=None, space=None, approval=None, security_scan=None)
    llm_server.script(completion(reply))
    spec, _ = spec_of(llm_server, LEFTOVER)
    assert spec.lifecycle.environments == ["Sandbox", "Live"]
    assert "the model read environments Sandbox, Live" in spec.warnings
    assert not any(w.startswith("not understood") for w in spec.warnings)


def test_invented_values_are_not_used(clean_env, llm_server):
    prompt = 'Create a lambda project called "OctoPub SAM"; whatever grouping the Sandbox folks like, tenants and then Live'
    reading = read(prompt, SMALL_CATALOG)
    assert questions(reading) == ["environments", "tenants", "group"]
    reply = answer(environments=["Dev", "Prod"], tenants=["Acme"], group="Platform", space="Ops", approval=False)
    llm_server.script(completion(reply))
    consult(reading, SMALL_CATALOG, settings(llm_server), retry=FAST)
    data = reading.data
    assert "environments" not in data.get("lifecycle", {}) and "tenancy" not in data
    assert "group" not in data["project"] and "space" not in data["project"]  # space was never asked
    assert "approval" not in data
    said = " ".join(reading.warnings)
    assert "environments Dev, Prod, not all among the words not understood; not used" in said
    assert 'the group "Platform", not among the words not understood; not used' in said
    assert reading.leftovers  # still said


def test_a_value_from_a_word_the_rules_understood_is_not_used(clean_env, llm_server):
    """The model explains words the rules could not read; it does not read the prompt again."""
    llm_server.script(completion(answer(environments=["OctoPub SAM", "Live"])))
    reading = consulted(llm_server, LEFTOVER)
    assert "environments" not in reading.data.get("lifecycle", {})


def test_a_switch_is_turned_off_only_when_the_prompt_speaks_of_it(clean_env, llm_server):
    prompt = 'Create a lambda project called "OctoPub SAM", the sign-offs are pointless for us'
    reading = read(prompt, SMALL_CATALOG)
    assert "approval" in questions(reading)
    reply = answer(environments=[], tenants=[], group=None, space=None, approval=False, security_scan=None)
    llm_server.script(completion(reply))
    consult(reading, SMALL_CATALOG, settings(llm_server), retry=FAST)
    assert reading.data["approval"]["enabled"] is False
    assert reading.guesses["approval.enabled"] == "the model read approval switched off"


def test_written_means_the_words_in_order():
    assert written("OctoPub SAM", "Create a project for the octopub sam team")
    assert not written("SAM OctoPub", "Create a project for the octopub sam team")
    assert not written("Orders", "Create a project for the order service")
    assert not written("", "anything")


def test_a_quoted_value_is_taken_whole_or_not_at_all():
    prompt = 'lambda for "OctoPub SAM" and the group Retail'
    assert written("OctoPub SAM", prompt) and written("octopub sam", prompt)
    assert not written("OctoPub", prompt)  # cut out of the user's quotes
    assert written("Retail", prompt)


# -- when the model fails ------------------------------------------------------------------------


def test_auto_falls_back_to_the_rules_with_a_warning(clean_env, llm_server):
    llm_server.script(*[error(503, "down") for _ in range(3)])
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")
    spec, used = spec_of(llm_server, parser="auto")
    assert used == "rules" and spec.template == "lambda"
    (said,) = [w for w in spec.warnings if w.startswith("the model gave no usable answer (")]
    assert said.endswith("); used the rules alone") and "HTTP 503" in said
    assert "guessed the kind lambda from 'lamda' (a misspelling?)" in spec.warnings


def test_llm_parser_fails_when_the_model_does(clean_env, llm_server):
    llm_server.script(*[error(503, "down") for _ in range(3)])
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")
    with pytest.raises(LLMError, match="HTTP 503"):
        spec_of(llm_server)


def test_empty_prompt_sends_nothing(clean_env, llm_server):
    with pytest.raises(PromptError, match="empty"):
        spec_of(llm_server, "   ")
    assert llm_server.requests == []


# -- the answer ----------------------------------------------------------------------------------


def test_an_answer_of_the_wrong_shape_is_sent_back(clean_env, llm_server):
    llm_server.script(completion(answer(template="lambda-v2")), completion(answer(template="lambda")))
    reading = consulted(llm_server)
    assert reading.data["template"] == "lambda"
    first, second = llm_server.bodies()
    assert len(second["messages"]) == len(first["messages"]) + 2
    said, correction = second["messages"][-2:]
    assert said["role"] == "assistant" and "lambda-v2" in said["content"]
    assert "template 'lambda-v2' is not a catalog id; use one of lambda, script" in correction["content"]


def test_missing_fields_are_sent_back(clean_env, llm_server):
    llm_server.script(completion({}), completion(answer(template="lambda")))
    consulted(llm_server)
    assert "it lacks the fields template" in llm_server.bodies()[1]["messages"][-1]["content"]


def test_invalid_json_then_valid(clean_env, llm_server):
    llm_server.script(completion('{"template": "lam'), completion(answer(template="lambda")))
    assert consulted(llm_server).data["template"] == "lambda"
    assert "not valid JSON" in llm_server.bodies()[1]["messages"][-1]["content"]


def test_json_in_a_fence_is_read(clean_env, llm_server):
    llm_server.script(completion("```json\n" + json.dumps(answer(template="lambda")) + "\n```"))
    assert "template" not in consulted(llm_server).guesses


def test_gives_up_after_two_corrections(clean_env, llm_server):
    llm_server.script(*[completion("not json at all") for _ in range(5)])
    with pytest.raises(LLMError) as raised:
        consulted(llm_server)
    assert len(llm_server.requests) == 3
    assert "no valid answer in 3 tries" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_length_is_retried_then_an_error(clean_env, llm_server):
    llm_server.script(*[completion('{"template": ', finish_reason="length") for _ in range(3)])
    with pytest.raises(LLMError, match="cut off at the token limit \\(300\\)"):
        consulted(llm_server)
    assert len(llm_server.requests) == 3


def test_refusal_is_an_llm_error(clean_env, llm_server):
    llm_server.script(completion(None, refusal="I can't help with that."))
    with pytest.raises(LLMError, match="refused: I can't help with that"):
        consulted(llm_server)
    assert len(llm_server.requests) == 1


# -- the transport -------------------------------------------------------------------------------


def test_429_honours_retry_after(clean_env, llm_server):
    llm_server.script(error(429, "slow down", {"Retry-After": "0.2"}), completion(answer(template="lambda")))
    start = time.monotonic()
    consulted(llm_server, retry=RetryPolicy(attempts=3, backoff=5.0, max_wait=1.0))
    assert 0.2 <= time.monotonic() - start < 1.0  # the server's 0.2 s, not the 5 s backoff
    assert len(llm_server.requests) == 2


def test_429_with_a_long_retry_after_gives_up_at_once(clean_env, llm_server):
    llm_server.script(error(429, "quota", {"Retry-After": "3600"}))
    start = time.monotonic()
    with pytest.raises(LLMError, match="asks to wait 3600 s"):
        consulted(llm_server)
    assert time.monotonic() - start < 0.5
    assert len(llm_server.requests) == 1


def test_429_every_time_is_bounded(clean_env, llm_server):
    llm_server.script(*[error(429, "slow down") for _ in range(5)])
    with pytest.raises(LLMError, match=r"rate limiting.*gave up after 3 attempts"):
        consulted(llm_server)
    assert len(llm_server.requests) == 3


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retried(clean_env, llm_server, status):
    llm_server.script(error(status, "upstream down"), completion(answer(template="lambda")))
    consulted(llm_server)
    assert len(llm_server.requests) == 2


def test_a_local_server_that_hangs_is_not_asked_again(clean_env, llm_server):
    """The abandoned request keeps a local server busy: a retry would only queue behind it."""
    body = completion(answer(template="lambda")).body
    llm_server.script(*[Reply(delay=1.0, body=body) for _ in range(3)])
    with pytest.raises(LLMError) as raised:
        consulted(llm_server, retry=RetryPolicy(attempts=3, backoff=0.01), timeout=0.2)
    assert "did not answer within 0.2 s (a local server is not asked again while it may still be busy)" in str(raised.value)
    assert len(llm_server.requests) == 1


def test_a_server_that_drips_its_answer_is_cut_off_at_the_deadline(clean_env, llm_server):
    """The timeout is a deadline for the whole request, not a wait between two bytes."""
    body = completion(answer(template="lambda")).body
    llm_server.script(Reply(drip=0.02, body=body))
    with pytest.raises(LLMError, match=r"did not answer within 0.3 s"):
        consulted(llm_server, timeout=0.3)
    size = len(json.dumps(body).encode())
    assert 0 < llm_server.bytes_sent < size / 2  # cut off early: the whole body would take about 6 s


def test_the_command_deadline_ends_the_retries(clean_env, llm_server):
    llm_server.script(*[error(503, "busy") for _ in range(20)])
    with pytest.raises(LLMError, match=r"took longer than the deadline of 0.5 s for this command"):
        consulted(llm_server, retry=RetryPolicy(attempts=20, backoff=0.2, max_wait=0.2), deadline=0.5)
    assert 1 < len(llm_server.requests) < 20


def test_the_spinner_says_how_long_a_request_may_take(clean_env, llm_server):
    from contextlib import contextmanager

    shown = []

    @contextmanager
    def progress(message):
        shown.append(message)
        yield

    llm_server.script(completion(answer(template="lambda")))
    consult(read(TYPO, SMALL_CATALOG), SMALL_CATALOG, settings(llm_server, timeout=42), retry=FAST, progress=progress)
    assert shown == ["Asking test-model (up to 42 s)"]


def test_an_html_page_is_said_to_be_one(clean_env, llm_server):
    llm_server.script(Reply(body="<!DOCTYPE html><html><body>Welcome to nginx</body></html>", content_type="text/html"))
    with pytest.raises(LLMError) as raised:
        consulted(llm_server)
    assert "answered with an HTML page, not an OpenAI-compatible JSON reply (check the base URL: it usually ends in /v1)" in str(
        raised.value
    )
    assert len(llm_server.requests) == 1


def test_a_400_about_something_else_is_not_taken_for_a_rejected_schema(clean_env, llm_server):
    llm_server.script(error(400, "context length exceeded: 9000 tokens"))
    with pytest.raises(LLMError, match=r"rejected the request \(HTTP 400\): context length exceeded"):
        consulted(llm_server)
    assert [b["response_format"]["type"] for b in llm_server.bodies()] == ["json_schema"]  # not resent in JSON mode


def test_json_mode_is_remembered_across_processes(clean_env, llm_server, tmp_path):
    clean_env.setenv("OCTOSCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    llm_server.script(error(422, "response_format.type: input should be 'text' or 'json_object'"), completion(answer(template="lambda")))
    consult_in_a_new_process(llm_server, TYPO)
    llm_server.script(completion(answer(template="lambda")))
    consult_in_a_new_process(llm_server, TYPO)
    assert [b["response_format"]["type"] for b in llm_server.bodies()] == ["json_schema", "json_object", "json_object"]


def test_connection_refused(clean_env, closed_port):
    url = f"http://127.0.0.1:{closed_port}/v1"
    reading = read(TYPO, SMALL_CATALOG)
    with pytest.raises(LLMError, match=rf"cannot connect to {url}.*gave up after 2 attempts"):
        consult(
            reading,
            SMALL_CATALOG,
            LLMSettings(model="m", base_url=url, base_url_source="flag", timeout=1),
            retry=RetryPolicy(attempts=2, backoff=0.01),
        )


def test_401_names_no_key(clean_env, llm_server):
    clean_env.setenv("OCTOSCAFFOLD_API_KEY", "sk-secret-value")
    llm_server.script(error(401, "bad key sk-secret-value"))
    with pytest.raises(LLMError) as raised:
        consulted(llm_server)
    assert "refused the API key (HTTP 401)" in str(raised.value)
    assert "sk-secret-value" not in str(raised.value)


def test_server_error_text_never_shows_the_key(clean_env, llm_server):
    clean_env.setenv("OCTOSCAFFOLD_API_KEY", "sk-secret-value")
    llm_server.script(*[error(500, "echo: Bearer sk-secret-value") for _ in range(3)])
    with pytest.raises(LLMError) as raised:
        consulted(llm_server)
    assert "sk-secret-value" not in str(raised.value) and "***" in str(raised.value)


def test_unknown_model(clean_env, llm_server):
    llm_server.script(error(404, "model 'nope' not found"))
    with pytest.raises(LLMError, match="has no model 'test-model'"):
        consulted(llm_server)


def test_broken_body_is_an_llm_error(clean_env, llm_server):
    llm_server.script(Reply(body="<html>gateway</html>"))
    with pytest.raises(LLMError):
        consulted(llm_server)


def test_json_schema_rejected_falls_back_to_json_mode(clean_env, llm_server):
    llm_server.script(
        error(422, "response_format.type: input should be 'text' or 'json_object'"),
        completion(answer(template="lambda")),
    )
    consulted(llm_server)
    first, second = llm_server.bodies()
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"]["type"] == "json_object"
    schema = first["response_format"]["json_schema"]["schema"]
    # Constrained decoding on llama.cpp: the same schema with bounded strings and lists.
    assert second["response_format"]["schema"] == bounded_schema(schema)
    assert "The JSON must match this JSON Schema" in second["messages"][0]["content"]
    assert "JSON Schema" not in first["messages"][0]["content"]
    llm_server.script(completion(answer(template="lambda")))
    consulted(llm_server)  # the same process remembers: straight to JSON mode
    assert llm_server.bodies()[2]["response_format"]["type"] == "json_object"


def test_json_schema_rejected_with_a_500_falls_back(clean_env, llm_server):
    """What llama-cpp-python's server does: its validation error comes back as HTTP 500."""
    message = (
        "1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
        "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
    )
    llm_server.script(error(500, message), completion(answer(template="lambda")))
    consulted(llm_server)
    assert [b["response_format"]["type"] for b in llm_server.bodies()] == ["json_schema", "json_object"]


def test_json_schema_forced_and_rejected_is_an_error(clean_env, llm_server):
    llm_server.script(error(400, "unknown response_format"))
    with pytest.raises(LLMError, match="does not accept the json_schema response format"):
        consulted(llm_server, response_format="json_schema")


def test_other_400_in_json_mode_is_an_error(clean_env, llm_server):
    llm_server.script(error(400, "context length exceeded"))
    with pytest.raises(LLMError, match="rejected the request \\(HTTP 400\\): context length exceeded"):
        consulted(llm_server, response_format="json_object")


def test_openai_gets_max_completion_tokens_and_no_temperature(clean_env, llm_server):
    """OpenAI's own API (its base URL, here pointed at the local server by the Azure-free path)."""
    from octoscaffold.understand.hybrid import ANSWER_TOKENS
    from octoscaffold.understand.llm import Chat

    chat = Chat(LLMSettings(model="gpt-4o-mini", max_tokens=1000))
    chat.max_tokens = ANSWER_TOKENS
    chat.system, chat.schema, chat.turns = "s", {"type": "object"}, [{"role": "user", "content": "u"}]
    body = chat.request()
    assert body["max_completion_tokens"] == ANSWER_TOKENS
    assert "temperature" not in body and "max_tokens" not in body


def test_azure_deployment_path(clean_env, llm_server):
    clean_env.setenv("AZURE_OPENAI_API_KEY", "azure-key")
    llm_server.script(completion(answer(template="lambda")))
    reading = read(TYPO, SMALL_CATALOG)
    consult(
        reading,
        SMALL_CATALOG,
        LLMSettings(model="my-deployment", azure_endpoint=llm_server.root, azure_endpoint_source="env"),
        retry=FAST,
    )
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

    llm_server.script(error(503), completion(answer(template="lambda")))
    consult(read(TYPO, SMALL_CATALOG), SMALL_CATALOG, settings(llm_server), retry=FAST, progress=progress)
    assert shown[0] == "Asking test-model (up to 2 s)"
    assert "retrying" in shown[1]
    assert shown[2] == "Asking test-model (up to 2 s)"


def test_a_kind_nothing_points_to_is_not_taken(clean_env, llm_server):
    """"a COBOL mainframe project": the rules find no kind and suggest none; a model's pick is a guess
    without evidence, so the prompt is still refused."""
    llm_server.script(completion(answer(template="script")))
    with pytest.raises(PromptError, match="no template in the catalog"):
        spec_of(llm_server, 'Create a Mainframe COBOL project called "Ledger Batch"')


def test_a_name_made_of_words_already_read_is_not_taken(clean_env, llm_server):
    prompt = 'lambda project in the project group "AWS", envs dev and prod'
    llm_server.script(completion(answer(name="lambda project")))
    with pytest.raises(PromptError, match="names no project"):
        spec_of(llm_server, prompt)


def test_a_huge_answer_is_not_read(clean_env, llm_server):
    llm_server.script(*[completion(answer(template="lambda", padding="x" * 2_000_000)) for _ in range(3)])
    with pytest.raises(LLMError) as raised:
        consulted(llm_server)
    assert str(raised.value) == f"{llm_server.url} sent an answer larger than 1 MB; it was not read"
    assert len(llm_server.requests) == 1  # not asked again
