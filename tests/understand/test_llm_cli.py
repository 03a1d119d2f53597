"""`octoscaffold plan --parser llm|auto` against the local server: exit codes, one-line errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from octoscaffold.cli import cli

from .conftest import answer, completion, error

SEED = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'


def real_answer(**overrides):
    return answer(template="aws-lambda", **overrides)


def plan(server, *args: str, parser: str = "llm"):
    command = ["plan", "--format", "json", "--parser", parser, "--model", "m", "--base-url", server.url, *args]
    return CliRunner().invoke(cli, [*command, SEED])


def test_plan_with_the_llm(clean_env, llm_server):
    llm_server.script(completion(real_answer(warnings=['not understood: "with flair"'])))
    result = plan(llm_server)
    assert result.exit_code == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["project"]["name"] == "OctoPub SAM"
    assert spec["template"] == "aws-lambda"
    assert spec["lifecycle"]["environments"] == ["Development", "Test", "Production", "Security"]
    assert any(p["applied"] for p in spec["practices"])  # the policy resolved the LLM's spec
    assert 'octoscaffold: warning: not understood: "with flair"' in result.stderr
    assert "--parser llm" not in result.stderr  # no hint to use the parser already used


def test_auto_says_the_llm_was_used(clean_env, llm_server):
    llm_server.script(completion(real_answer()))
    result = plan(llm_server, parser="auto")
    assert result.exit_code == 0, result.stderr
    assert "understood by the LLM parser (m)" in result.stderr


def test_auto_without_a_model_uses_the_rules(clean_env):
    result = CliRunner().invoke(cli, ["plan", "--format", "json", SEED])
    assert result.exit_code == 0, result.stderr
    assert "understood by the rules parser" in result.stderr


def test_auto_with_a_model_in_the_repository_config(clean_env, llm_server, tmp_path):
    (tmp_path / "work" / ".octoscaffold.toml").write_text(
        f'[llm]\nmodel = "repo-model"\nbase_url = "{llm_server.url}"\n', encoding="utf-8"
    )
    clean_env.setenv("OPENAI_API_KEY", "sk-must-not-leak")
    llm_server.script(completion(real_answer()))
    result = CliRunner().invoke(cli, ["plan", "--format", "json", SEED])
    assert result.exit_code == 0, result.stderr
    (sent,) = llm_server.requests
    assert sent.body["model"] == "repo-model"
    assert "sk-must-not-leak" not in sent.headers["authorization"]


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
    assert "no valid spec in 3 answers" in result.stderr
    assert result.stdout == ""


def test_refusal_is_exit_3(clean_env, llm_server):
    llm_server.script(completion(None, refusal="No."))
    result = plan(llm_server)
    assert result.exit_code == 3 and "refused" in result.stderr


def test_no_name_is_exit_2(clean_env, llm_server):
    llm_server.script(completion(real_answer(project={**answer()["project"], "name": None})))
    result = plan(llm_server)
    assert result.exit_code == 2
    assert "names no project" in result.stderr and "Traceback" not in result.stderr


def test_connection_refused_is_exit_3(clean_env, closed_port):
    clean_env.setenv("OCTOSCAFFOLD_LLM_TIMEOUT", "1")
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")  # one attempt is enough to see the message
    url = f"http://127.0.0.1:{closed_port}/v1"
    result = CliRunner().invoke(cli, ["plan", "--parser", "llm", "--model", "m", "--base-url", url, SEED])
    assert result.exit_code == 3
    assert f"cannot connect to {url}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "gave up after 1 attempts" in result.stderr


def test_timeout_from_the_environment_is_exit_3(clean_env, llm_server):
    from .conftest import Reply

    clean_env.setenv("OCTOSCAFFOLD_LLM_TIMEOUT", "0.2")
    clean_env.setenv("OCTOSCAFFOLD_LLM_RETRIES", "0")
    llm_server.script(Reply(delay=0.6, body=completion(real_answer()).body))
    result = plan(llm_server)
    assert result.exit_code == 3
    assert "did not answer within 0.2 s" in result.stderr
    assert result.stdout == ""
