"""`octoscaffold plan --parser llm|auto` against the local server: what is said, exit codes, one-line errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from octoscaffold.cli import cli

from .conftest import Reply, answer, completion, error

OPEN = 'Create an AWS Lambda project in the project group "AWS" - internally we refer to it as pricefeed'  # no name
SURE = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'


def plan(server, *args: str, parser: str = "llm", prompt: str = OPEN):
    command = ["plan", "--format", "json", "--parser", parser, "--model", "m", "--base-url", server.url, *args]
    return CliRunner().invoke(cli, [*command, prompt])


def test_plan_with_the_model(clean_env, llm_server):
    llm_server.script(completion(answer(name="pricefeed")))
    result = plan(llm_server)
    assert result.exit_code == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["project"]["name"] == "pricefeed"
    assert spec["template"] == "aws-lambda"
    assert spec["lifecycle"]["environments"] == ["Development", "Test", "Production", "Security"]
    assert any(p["applied"] for p in spec["practices"])  # the policy resolved the spec
    assert "octoscaffold: understood by the rules parser and the model m" in result.stderr
    assert 'octoscaffold: warning: the model read the project name "pricefeed"' in result.stderr
    assert "hint:" not in result.stderr  # no hint to configure the model already used


def test_nothing_open_asks_nothing(clean_env, llm_server):
    result = plan(llm_server, parser="auto", prompt=SURE)
    assert result.exit_code == 0, result.stderr
    assert llm_server.requests == []
    assert "understood by the rules parser (nothing was left open for the model m)" in result.stderr


def test_auto_without_a_model_uses_the_rules(clean_env):
    result = CliRunner().invoke(cli, ["plan", "--format", "json", SURE])
    assert result.exit_code == 0, result.stderr
    assert "understood by the rules parser (no model configured)" in result.stderr


def test_auto_with_a_model_in_the_repository_config(clean_env, llm_server, tmp_path):
    (tmp_path / "work" / ".octoscaffold.toml").write_text(
        f'[llm]\nmodel = "repo-model"\nbase_url = "{llm_server.url}"\n', encoding="utf-8"
    )
    clean_env.setenv("OPENAI_API_KEY", "sk-must-not-leak")
    llm_server.script(completion(answer(name="pricefeed")))
    result = CliRunner().invoke(cli, ["plan", "--format", "json", OPEN])
    assert result.exit_code == 0, result.stderr
    (sent,) = llm_server.requests
    assert sent.body["model"] == "repo-model"
    assert "sk-must-not-leak" not in sent.headers["authorization"]


def test_auto_falls_back_to_the_rules_when_the_model_fails(clean_env, llm_server):
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")
    llm_server.script(error(503, "overloaded"))
    result = plan(llm_server, parser="auto", prompt='Create an AWS Lambda project in the project group "AWS" for the octopub pricing feed')
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["project"]["name"] == "Octopub Pricing Feed"  # the rules' guess
    assert "warning: the model gave no usable answer (" in result.stderr
    assert "HTTP 503: overloaded" in result.stderr and "used the rules alone" in result.stderr


def test_endpoint_failure_is_exit_3_in_one_line(clean_env, llm_server):
    llm_server.script(error(401, "invalid key"))
    result = plan(llm_server)
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("octoscaffold: error: ")
    assert "Traceback" not in result.stderr


def test_invalid_answers_are_exit_3(clean_env, llm_server):
    llm_server.script(*[completion("nonsense") for _ in range(3)])
    result = plan(llm_server)
    assert result.exit_code == 3
    assert "no valid answer in 3 tries" in result.stderr
    assert result.stdout == ""


def test_refusal_is_exit_3(clean_env, llm_server):
    llm_server.script(completion(None, refusal="No."))
    result = plan(llm_server)
    assert result.exit_code == 3 and "refused" in result.stderr


def test_no_name_anywhere_is_exit_2(clean_env, llm_server):
    llm_server.script(completion(answer(name=None)))
    result = plan(llm_server, prompt='Create an AWS Lambda project in the project group "AWS"')
    assert result.exit_code == 2
    assert "names no project" in result.stderr and "Traceback" not in result.stderr


def test_strict_refuses_what_the_model_guessed(clean_env, llm_server):
    llm_server.script(completion(answer(name="pricefeed")))
    result = plan(llm_server, "--strict")
    assert result.exit_code == 2
    assert "--strict: the prompt left 1 warning" in result.stderr
    assert result.stdout == ""


def test_a_local_server_gets_longer_defaults(clean_env, llm_server):
    from octoscaffold.config import llm_settings

    local = llm_settings(base_url=llm_server.url)
    remote = llm_settings(base_url="https://llm.example.com/v1")
    assert (local.timeout, local.deadline) == (300, 600)
    assert (remote.timeout, remote.deadline) == (60, 180)
    clean_env.setenv("OCTOSCAFFOLD_LLM_TIMEOUT", "20")
    clean_env.setenv("OCTOSCAFFOLD_LLM_DEADLINE", "45")
    assert (llm_settings(base_url=llm_server.url).timeout, llm_settings(base_url=llm_server.url).deadline) == (20, 45)


def test_connection_refused_is_exit_3(clean_env, closed_port):
    clean_env.setenv("OCTOSCAFFOLD_LLM_TIMEOUT", "1")
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")  # one attempt is enough to see the message
    url = f"http://127.0.0.1:{closed_port}/v1"
    result = CliRunner().invoke(cli, ["plan", "--parser", "llm", "--model", "m", "--base-url", url, OPEN])
    assert result.exit_code == 3
    assert f"cannot connect to {url}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "gave up after 1 attempts" in result.stderr


def test_timeout_from_the_environment_is_exit_3(clean_env, llm_server):
    clean_env.setenv("OCTOSCAFFOLD_LLM_TIMEOUT", "0.2")
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")
    llm_server.script(Reply(delay=0.6, body=completion(answer(name="pricefeed")).body))
    result = plan(llm_server)
    assert result.exit_code == 3
    assert "did not answer within 0.2 s" in result.stderr
    assert result.stdout == ""
