"""`octoscaffold diagnose` end to end: files, formats, exit codes, --project, --task against a
stand-in Octopus server, and a model through a stand-in OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from octoscaffold.cli import cli

from .conftest import API_KEY, LOGS, PROJECT


def run(*args: str, env: dict | None = None, stdin: str | None = None):
    return CliRunner().invoke(cli, ["diagnose", *args], env=env, input=stdin, catch_exceptions=False)


def test_failure_explained_exit_1():
    result = run(str(LOGS / "terraform-lock.log"))
    assert result.exit_code == 1
    assert "First failing step: Apply Terraform" in result.output
    assert "terraform-state-lock" in result.output
    assert "force-unlock" in result.output


def test_success_says_so_exit_0():
    result = run(str(LOGS / "success.log"))
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == "The deployment did not fail: it succeeded."
    warned = run(str(LOGS / "warnings-only.log"))
    assert warned.exit_code == 0 and "succeeded with warnings" in warned.output and "expires in 12 days" in warned.output


def test_json_report():
    result = run(str(LOGS / "k8s-image-pull.json"), "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["failed"] is True and data["step"] == "Deploy Kubernetes containers"
    assert data["cause"]["signature"] == "k8s-image-pull" and data["cause"]["category"] == "package"
    assert data["cascade"] == [{"name": "Smoke test", "status": "Skipped"}]
    assert all(isinstance(e["line"], int) for e in data["cause"]["evidence"])


def test_markdown_report_neutralises_the_log():
    result = run(str(LOGS / "variable-unresolved.log"), "--format", "markdown")
    assert result.exit_code == 1
    assert result.output.startswith("### Deployment diagnosis")
    assert "```text" in result.output and "variable-unresolved" in result.output


def test_stdin_and_output_file(tmp_path):
    out = tmp_path / "report.md"
    result = run("-", "--format", "markdown", "-o", str(out), stdin=(LOGS / "disk-full.log").read_text())
    assert result.exit_code == 1 and result.output == ""
    assert "disk-full" in out.read_text()


@pytest.mark.parametrize("args, message", [
    ((), "no log given"),
    (("missing.log",), "no such log file"),
    (("x.log", "--task", "ServerTasks-1"), "not both"),
    (("--task", "nothing-here"), "no task, deployment or runbook run id"),
])
def test_bad_input_exit_2(args, message):
    result = CliRunner().invoke(cli, ["diagnose", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_project_crosschecks():
    result = run(str(PROJECT / "orders-api-production.log"), "--project", str(PROJECT / "orders-api"), "--format", "json")
    data = json.loads(result.output)
    assert data["cause"]["signature"] == "variable-unresolved"
    messages = {check["kind"]: check for check in data["project"]}
    assert messages["step"]["where"].endswith("deployment_process.ocl:52")
    assert "only for development, test; none for Production" in messages["variable"]["message"]
    assert messages["variable"]["where"].endswith("variables.ocl:45")


def test_project_retry_and_lint(tmp_path):
    project = tmp_path / "orders-api"
    shutil.copytree(PROJECT / "orders-api", project)
    log = tmp_path / "throttled.log"
    text = (PROJECT / "orders-api-production.log").read_text()
    log.write_text(text.replace("illegal base64 data in '#{Project.Database.ConnectionString}'", "Rate exceeded"))
    data = json.loads(run(str(log), "--project", str(project), "--format", "json").output)
    assert data["cause"]["signature"] == "aws-throttling"
    assert any(c["kind"] == "retry" and "no retries" in c["message"] for c in data["project"])
    # A lint finding inside the failing step is reported with it (here: an action without notes).
    process = project / "deployment_process.ocl"
    process.write_text(process.read_text().replace(
        '        notes = "Applies the Deployment and Service with server-side apply, using the image tag chosen for the '
        'release, and waits until every resource is ready."\n', ""))
    data = json.loads(run(str(log), "--project", str(project), "--format", "json").output)
    lint = [c for c in data["project"] if c["kind"] == "lint"]
    assert lint and lint[0]["message"].startswith("OCL003") and lint[0]["where"].endswith("deployment_process.ocl:58")


def test_project_that_does_not_parse_is_one_line(tmp_path):
    (tmp_path / "deployment_process.ocl").write_text('step "x" {\n')
    result = CliRunner().invoke(cli, ["diagnose", str(LOGS / "success.log"), "--project", str(tmp_path)])
    assert result.exit_code == 2 and "--project" in result.output and "Traceback" not in result.output


# -- live ---------------------------------------------------------------------------------------


def test_live_task_by_deployment_url(octopus, monkeypatch):
    octopus.add_task("ServerTasks-2001", "helm-stuck.log", deployment="Deployments-101")
    monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
    url = f"{octopus.url}/app#/Spaces-1/projects/grafana/deployments/releases/7.0.1/deployments/Deployments-101"
    result = run("--task", url)
    assert result.exit_code == 1, result.output
    assert "helm-release-stuck" in result.output
    assert ("GET", "/api/Spaces-1/deployments/Deployments-101") in octopus.requests
    assert ("GET", "/api/tasks/ServerTasks-2001/raw") in octopus.requests
    assert all(method == "GET" for method, _ in octopus.requests)


def test_live_task_by_id_with_server_flag(octopus, monkeypatch):
    octopus.add_task("ServerTasks-7", "success.log", state="Success")
    monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
    result = run("--server", octopus.url, "--task", "ServerTasks-7")
    assert result.exit_code == 0 and "did not fail" in result.output


def test_a_live_log_larger_than_any_json_answer_is_streamed(octopus, monkeypatch):
    """The raw log is read as it arrives (not into one answer, which the client caps at 64 MB)."""
    from octoscaffold.octopus.client import MAX_RESPONSE

    octopus.add_task("ServerTasks-3001", "helm-stuck.log")
    noise = "09:14:08   Verbose  |       Waiting for the release lock to clear, polling again\n"
    text = octopus.raw["ServerTasks-3001"]
    at = text.index("09:14:09")
    octopus.raw["ServerTasks-3001"] = text[:at] + noise * (MAX_RESPONSE // len(noise) + 1000) + text[at:]
    assert len(octopus.raw["ServerTasks-3001"]) > MAX_RESPONSE
    monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
    result = run("--server", octopus.url, "--task", "ServerTasks-3001")
    assert result.exit_code == 1, result.output[-2000:]
    assert "helm-release-stuck" in result.output


def test_live_wrong_key_and_unreachable_exit_3(octopus, monkeypatch, tmp_path):
    octopus.add_task("ServerTasks-7", "success.log")
    monkeypatch.setenv("OCTOPUS_API_KEY", "API-WRONG")
    result = CliRunner().invoke(cli, ["diagnose", "--server", octopus.url, "--task", "ServerTasks-7"])
    assert result.exit_code == 3 and "401" in result.output and "API-WRONG" not in result.output
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(cli, ["diagnose", "--server", f"http://127.0.0.1:{port}", "--task", "ServerTasks-7"])
    assert result.exit_code == 3 and "cannot reach" in result.output


def test_live_needs_a_key(octopus):
    result = CliRunner().invoke(cli, ["diagnose", "--server", octopus.url, "--task", "ServerTasks-7"])
    assert result.exit_code == 2 and "OCTOPUS_API_KEY" in result.output


# -- model --------------------------------------------------------------------------------------


ANSWER = {
    "failed": True,
    "summary": "Terraform could not lock its state because another run holds the lock.",
    "cause": "A state lock held by an earlier apply (lines 17-21).",
    "category": "infrastructure",
    "evidence_lines": [17],
    "next_steps": ["Check for a running apply", "terraform force-unlock 9db590f1"],
    "confidence": "high",
}


def test_model_explains_beside_the_signatures(llm_server, monkeypatch, tmp_path):
    from understand.conftest import completion

    llm_server.script(completion(ANSWER))
    log = tmp_path / "secret.log"
    text = (LOGS / "terraform-lock.log").read_text()
    log.write_text(text.replace("Lock Info:", "Lock Info: password=hunter22 AKIAABCDEFGHIJKLMNOP Server=db;Pwd=s3cr3t;"))
    result = run(str(log), "--model", "test-model", "--base-url", llm_server.url)
    assert result.exit_code == 1, result.output
    assert "The model's explanation (test-model" in result.output
    assert "terraform-state-lock" in result.output  # the signatures stay beside it
    body = llm_server.requests[0].body
    sent = json.dumps(body)
    assert "hunter22" not in sent and "AKIAABCDEFGHIJKLMNOP" not in sent and "s3cr3t" not in sent
    assert "Error acquiring the state lock" in sent
    assert len(sent) < 6000 * 4  # the request stays within about 6k tokens
    assert body["response_format"]["type"] == "json_schema"


def test_model_unreachable_shows_signatures_then_exit_3():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(cli, ["diagnose", str(LOGS / "disk-full.log"), "--model", "m",
                                      "--base-url", f"http://127.0.0.1:{port}/v1"],
                                env={"OCTOSCAFFOLD_LLM_RETRIES": "0"})
    assert result.exit_code == 3
    assert "disk-full" in result.output and "octoscaffold: error:" in result.output


def test_no_model_stays_offline(llm_server):
    result = run(str(LOGS / "disk-full.log"), "--model", "m", "--base-url", llm_server.url, "--no-model")
    assert result.exit_code == 1 and not llm_server.requests


# -- inputs a hurried user or an attacker hands over ------------------------------------------


def test_a_binary_file_is_refused_not_read_as_a_log(tmp_path):
    path = tmp_path / "tool.log"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 20)
    result = run(str(path))
    assert result.exit_code == 2 and "not a text log" in result.output


def test_a_log_saved_as_utf16_by_powershell_is_read(tmp_path):
    path = tmp_path / "saved.log"
    path.write_bytes((LOGS / "helm-stuck.log").read_text(encoding="utf-8").encode("utf-16"))
    result = run(str(path))
    assert result.exit_code == 1, result.output
    assert "helm-release-stuck" in result.output


def test_a_json_list_of_something_else_is_not_a_task(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text("[1, 2, 3]")
    result = run(str(path))
    assert result.exit_code == 2 and "not of Octopus activities" in result.output


def test_a_log_that_does_not_say_whether_it_failed_is_not_exit_0(tmp_path):
    """"Could not tell" must never read as "did not fail" to a script."""
    path = tmp_path / "notes.log"
    path.write_text("copied some lines from the portal\nnothing else here\n")
    result = run(str(path))
    assert "Could not tell" in result.output
    assert result.exit_code == 2
