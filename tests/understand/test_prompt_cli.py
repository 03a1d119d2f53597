"""The prompt on the command line: flags that override it, --strict, and questions on a terminal.

Questions are only asked when a person is at a terminal: the tests run the real command in a
pseudo-terminal (pty) and answer it, and check that a pipe is never asked anything.
"""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

from octoscaffold.cli import cli


def plan(*args: str):
    return CliRunner().invoke(cli, ["plan", "--format", "json", *args])


def test_flags_override_the_prompt(clean_env):
    result = plan(
        "k8s project for the orders api, group Retail",
        "--name", "Orders Service", "--template", "helm", "--group", "Platform", "--space", "Ops",
        "--lifecycle", "Fast", "--environments", "QA, Prod",
    )
    assert result.exit_code == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["project"]["name"] == "Orders Service" and spec["project"]["slug"] == "orders-service"
    assert spec["template"] == "helm"
    assert (spec["project"]["group"], spec["project"]["space"]) == ("Platform", "Ops")
    assert spec["lifecycle"]["name"] == "Fast"
    assert spec["lifecycle"]["environments"] == ["QA", "Prod", "Security"]
    assert "guessed the project name" not in result.stderr  # the flag settled it


def test_a_flag_supplies_what_the_prompt_lacks(clean_env):
    result = plan("a lambda in the group Payments", "--name", "pay-svc")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["project"]["name"] == "pay-svc"
    result = plan("something for billing-worker", "--template", "aws-ecs")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["template"] == "aws-ecs"


def test_template_flag_reads_that_kinds_parameters(clean_env):
    result = plan("service for billing-worker, port 3000, 1 GB of memory", "--template", "aws-ecs")
    spec = json.loads(result.stdout)
    assert (spec["parameters"]["container_port"], spec["parameters"]["memory"]) == (3000, 1024)


def test_unknown_template_flag_is_one_line(clean_env):
    result = plan("k8s project for the orders api", "--template", "kubernets")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("octoscaffold: error: unknown template 'kubernets' (did you mean kubernetes")


def test_strict_turns_a_warning_into_exit_2(clean_env):
    result = plan("k8s project called orders-api with a slack ping on failure", "--strict")
    assert result.exit_code == 2 and result.stdout == ""
    assert 'warning: not understood: "slack ping on failure"' in result.stderr
    assert result.stderr.strip().endswith("--strict: the prompt left 1 warning (say it plainly in the prompt, "
                                          "or give the value as a flag (--name, --template, ...))")
    clean = plan("k8s project called orders-api, envs dev and prod", "--strict")
    assert clean.exit_code == 0, clean.stderr


def test_new_strict_writes_nothing(clean_env, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["new", "kuberntes project called edge", "--out", str(out), "--strict"])
    assert result.exit_code == 2
    assert "guessed the kind kubernetes from 'kuberntes'" in result.stderr
    assert not out.exists()


def test_no_terminal_is_never_asked(clean_env):
    result = plan("a lambda in the group Payments")  # CliRunner's stdin is no terminal
    assert result.exit_code == 2
    assert "the prompt names no project" in result.stderr
    assert "Project name" not in result.stderr + result.stdout


def _run_in_terminal(args: list[str], answers: list[str], cwd) -> tuple[int, str]:
    """Run `octoscaffold ARGS` in a pseudo-terminal, typing each answer after each question."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, on the terminal
        os.chdir(cwd)
        os.execv(sys.executable, [sys.executable, "-m", "octoscaffold", *args])
    output = b""
    pending = list(answers)
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if pending and (output.rstrip().endswith(b":") or output.rstrip().endswith(b"]:")):
            os.write(fd, pending.pop(0).encode() + b"\r")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_is_asked_for_the_missing_name(clean_env, tmp_path):
    code, output = _run_in_terminal(["plan", "--format", "json", "a lambda in the group Payments"], ["pay-svc"], tmp_path)
    assert code == 0, output
    assert "The prompt names no project. Project name" in output
    assert '"name": "pay-svc"' in output


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_confirms_a_misspelt_kind(clean_env, tmp_path):
    code, output = _run_in_terminal(["plan", "--format", "json", "kuberntes project called edge"], ["y"], tmp_path)
    assert code == 0, output
    assert 'Read "kuberntes" as the kind kubernetes. Is that right? [Y/n]' in output
    assert '"template": "kubernetes"' in output
    assert "warning: guessed the kind" not in output  # the user confirmed it


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_chooses_another_kind(clean_env, tmp_path):
    code, output = _run_in_terminal(["plan", "--format", "json", "kuberntes project called edge"], ["n", "helm"], tmp_path)
    assert code == 0, output
    assert '"template": "helm"' in output


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_yes_never_asks_even_on_a_terminal(clean_env, tmp_path):
    code, output = _run_in_terminal(["plan", "--yes", "a lambda in the group Payments"], [], tmp_path)
    assert code == 2
    assert "Project name" not in output and "the prompt names no project" in output


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_chooses_the_kind_the_prompt_lacks(clean_env, tmp_path):
    code, output = _run_in_terminal(["plan", "--format", "json", "a python web app on azure called portal"], ["azure-web-app"], tmp_path)
    assert code == 0, output
    assert "The prompt names no kind of project. Closest: azure-web-app" in output
    assert '"template": "azure-web-app"' in output
