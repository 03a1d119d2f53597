"""The GitHub Action (action.yml) and the GitLab CI template: they parse, every action they use is
pinned, no input is pasted into a script, the scripts are valid shell, and every octoscaffold
command in them uses options the CLI has."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from octoscaffold.cli import cli

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
GITLAB = ROOT / "ci" / "gitlab" / "octoscaffold.gitlab-ci.yml"
GUIDE = ROOT / "docs" / "ci.md"

PINNED = re.compile(r"@(?:[0-9a-f]{40}|v\d+(?:\.\d+){0,2})$")  # a full commit SHA, or a release tag
PASTED = re.compile(r"\$\{\{\s*(?:inputs\.|github\.event\.)")  # ${{ inputs.x }}, ${{ github.event.x }}


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def action_scripts() -> list[str]:
    return [step["run"] for step in load(ACTION)["runs"]["steps"] if "run" in step]


def gitlab_scripts() -> list[str]:
    """Each job's before_script and script as one shell script (GitLab runs them in one shell)."""
    jobs = load(GITLAB)
    scripts = []
    for job in jobs.values():
        if isinstance(job, dict) and "script" in job:
            base = jobs.get(job.get("extends", ""), {})
            scripts.append("\n".join([*base.get("before_script", []), *job.get("before_script", []), *job["script"]]))
    return scripts


def test_both_files_parse_as_yaml():
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"mode", "path", "python-version", "args", "token", "sarif-file"}
    assert action["inputs"]["token"]["default"] == "${{ github.token }}"
    gitlab = load(GITLAB)
    assert {"octoscaffold-lint", "octoscaffold-check", "octoscaffold-update"} <= set(gitlab)


def test_every_action_used_is_pinned_to_a_sha_or_a_release_tag():
    steps = load(ACTION)["runs"]["steps"]
    used = [step["uses"] for step in steps if "uses" in step]
    assert any(u.startswith("actions/setup-python@") for u in used)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in used)
    in_guide = re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)", GUIDE.read_text(encoding="utf-8"), re.MULTILINE)
    assert in_guide
    for reference in used + in_guide:
        assert PINNED.search(reference), f"{reference} is not pinned to a commit SHA or a release tag"
    for line in ACTION.read_text(encoding="utf-8").splitlines():  # a SHA says which release it is
        if re.search(r"uses:\s*\S+@[0-9a-f]{40}", line):
            assert re.search(r"# v\d", line), line


def test_no_input_is_pasted_into_a_script():
    """Script injection: inputs reach the shell through env:, never as ${{ }} text in a script."""
    for script in action_scripts() + gitlab_scripts():
        assert not PASTED.search(script), script
        assert "${{" not in script, script
    referenced = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)", ACTION.read_text(encoding="utf-8")))
    assert referenced <= set(load(ACTION)["inputs"]), referenced - set(load(ACTION)["inputs"])


def test_every_script_step_names_its_shell():
    for step in load(ACTION)["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("which", ["action", "gitlab"])
def test_the_scripts_are_valid_shell(which):
    for script in action_scripts() if which == "action" else gitlab_scripts():
        checked = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"{checked.stderr}\n{script}"


def options_of(command: str) -> tuple[set[str], dict[str, set[str]]]:
    """The options `octoscaffold COMMAND --help` lists, and the choices of those that have them."""
    result = CliRunner().invoke(cli, [command, "--help"], prog_name="octoscaffold")
    if command == "update" and (result.exit_code != 0 or "No such command" in result.output):
        pytest.skip("update not built yet")
    assert result.exit_code == 0, result.output
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b", result.output))
    choices = {name: set(values.split("|"))
               for name, values in re.findall(r"(--[a-z][a-z-]*) \[([a-z|]+)\]", result.output)}
    return options, choices


def command_lines() -> list[tuple[str, list[str]]]:
    """(subcommand, arguments) of every octoscaffold command in both files, including those
    assembled with `set -- update ...` and run as `octoscaffold "$@"`."""
    found = []
    for script in action_scripts() + gitlab_scripts():
        for match in re.finditer(r"^\s*(?:octoscaffold|set --)\s+(lint|update)\b([^\n|;&]*)", script, re.MULTILINE):
            found.append((match.group(1), match.group(2).split()))
    return found


@pytest.mark.parametrize("command", ["lint", "update"])
def test_every_command_line_uses_options_the_cli_has(command):
    lines = [arguments for name, arguments in command_lines() if name == command]
    assert lines, f"no octoscaffold {command} in the CI files"
    options, choices = options_of(command)
    for arguments in lines:
        for at, word in enumerate(arguments):
            if re.fullmatch(r"--?[a-zA-Z][\w-]*", word):
                assert word in options, f"octoscaffold {command} has no option {word}"
                if word in choices:
                    assert arguments[at + 1] in choices[word], f"{word} {arguments[at + 1]}"


def test_the_update_job_runs_in_scheduled_pipelines_only_and_needs_a_token():
    job = load(GITLAB)["octoscaffold-update"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    script = "\n".join(job["script"])
    assert "GITLAB_TOKEN" in script and "--pr" in script
    for name in ("octoscaffold-lint", "octoscaffold-check"):
        assert load(GITLAB)[name]["rules"][0] == {"if": '$CI_PIPELINE_SOURCE == "schedule"', "when": "never"}
