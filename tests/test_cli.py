"""The command line: what users type, what they see, and what is left on disk."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, SEED_PROMPT
from octoscaffold import __version__
from octoscaffold.cli import cli

PROJECT = Path(".octopus/octopub-sam")


def run(*args):
    return CliRunner().invoke(cli, list(args))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_new_writes_the_project_and_says_what_must_exist(tmp_path):
    result = run("new", SEED_PROMPT, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    for name in ("deployment_process.ocl", "deployment_settings.ocl", "variables.ocl", "schema_version.ocl"):
        assert (tmp_path / PROJECT / name).is_file()
    assert (tmp_path / ".octoscaffold/octopub-sam.yaml").is_file()
    out = result.stdout
    assert f"{PROJECT}/deployment_process.ocl" in out
    for needed in ('project group "AWS"', 'lifecycle "DevSecOps"', "Development → Test → Production → Security",
                   'AWS account "aws-production"', 'feed "octopus-server-built-in"', 'worker pool "hosted-ubuntu"',
                   'base path ".octopus/octopub-sam"'):
        assert needed in out, needed
    assert result.stderr == ""
    assert out.startswith("Understood by the rules parser (no model configured).\nWrote 6 files")


def test_plan_then_render_gives_the_same_files_as_new(tmp_path):
    planned = run("plan", SEED_PROMPT)
    assert planned.exit_code == 0
    spec = tmp_path / "spec.yaml"
    spec.write_text(planned.stdout)
    assert run("render", str(spec), "--out", str(tmp_path / "a")).exit_code == 0
    assert run("new", SEED_PROMPT, "--out", str(tmp_path / "b")).exit_code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_plan_json_and_minimal_spec(tmp_path):
    data = json.loads(run("plan", "--format", "json", SEED_PROMPT).stdout)
    assert data["project"]["slug"] == "octopub-sam" and data["template"] == "aws-lambda"
    minimal = tmp_path / "minimal.json"
    minimal.write_text(json.dumps({"apiVersion": "octoscaffold/v1", "project": {"name": "Mini"}, "template": "aws-lambda"}))
    result = run("render", str(minimal), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/.octopus/mini/deployment_process.ocl").is_file()


def test_unknown_words_warn_on_stderr(tmp_path):
    result = run("new", 'Create a lambda project called "Edge" and page the on-call team', "--out", str(tmp_path))
    assert result.exit_code == 0
    assert "warning: not understood" in result.stderr and "page the on-call team" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "", "--out", "{out}"], "the prompt is empty"),
        (["new", "Create a Lambda project.", "--out", "{out}"], "names no project"),
        (["new", 'Create a Mainframe COBOL project called "Ledger Batch".', "--out", "{out}"], "no template"),
        (["render", "{spec}", "--out", "{out}"], "invalid YAML"),
        (["render", "{missing}", "--out", "{out}"], "no such spec file"),
        (["new", SEED_PROMPT, "--out", "{file}/sub"], "cannot write"),
        (["new", SEED_PROMPT, "--out", "{file}"], "is not a folder"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, args, message):
    (tmp_path / "bad.yaml").write_text("project: {name: [\n")
    (tmp_path / "a-file").write_text("keep me")
    out = tmp_path / "out"
    values = {"out": out, "spec": tmp_path / "bad.yaml", "missing": tmp_path / "nope.yaml", "file": tmp_path / "a-file"}
    before = tree(tmp_path)
    result = run(*[a.format(**values) for a in args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("octoscaffold: error: ")
    assert message in lines[0]
    assert tree(tmp_path) == before
    assert not out.exists()


def test_existing_project_is_refused_without_force(tmp_path):
    assert run("new", SEED_PROMPT, "--out", str(tmp_path)).exit_code == 0
    process = tmp_path / PROJECT / "deployment_process.ocl"
    process.write_text("edited by hand")
    before = tree(tmp_path)
    result = run("new", SEED_PROMPT, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "already holds files of this project" in result.stderr and "--force" in result.stderr
    assert tree(tmp_path) == before
    assert run("new", SEED_PROMPT, "--out", str(tmp_path), "--force").exit_code == 0
    assert process.read_text().startswith('step "approve-production-deployment"')


def test_other_files_in_out_are_left_alone(tmp_path):
    (tmp_path / "README.md").write_text("mine")
    (tmp_path / ".octopus").mkdir()
    (tmp_path / ".octopus/other-project.ocl").write_text("x = 1")
    assert run("new", SEED_PROMPT, "--out", str(tmp_path)).exit_code == 0
    assert (tmp_path / "README.md").read_text() == "mine"
    assert (tmp_path / ".octopus/other-project.ocl").read_text() == "x = 1"


def test_invalid_spec_field_names_field(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("apiVersion: octoscaffold/v1\nproject: {name: X}\ntemplate: aws-lambda\ntenancy: {mode: often}\n")
    result = run("render", str(spec), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "tenancy.mode: must be one of 'untenanted', 'tenanted' or 'tenanted-or-untenanted'" in result.stderr


def test_unknown_template_in_spec_suggests_close_ids(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("project: {name: X}\ntemplate: aws-lamda\n")
    result = run("render", str(spec), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "unknown template 'aws-lamda' (did you mean aws-lambda" in result.stderr


def test_version_and_help_with_examples():
    assert run("--version").stdout.strip() == f"octoscaffold, version {__version__}"
    for command in ([], ["new"], ["plan"], ["render"], ["fmt"]):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout, command


def test_usage_errors_exit_2():
    result = run("new")
    assert result.exit_code == 2 and "Missing argument 'PROMPT'" in result.stderr
    assert run("plan", "--format", "xml", SEED_PROMPT).exit_code == 2


def test_fmt_check_diff_and_write(tmp_path):
    messy = tmp_path / "x.ocl"
    messy.write_text('step "a" {\nname="A"\naction {\naction_type = "Octopus.Script"\n}\n}\n')
    tidy = tmp_path / "y.ocl"
    tidy.write_text("version = 9")
    result = run("fmt", "--check", str(tmp_path))
    assert result.exit_code == 1 and "would reformat" in result.stdout and "x.ocl" in result.stdout
    assert "y.ocl" not in result.stdout
    result = run("fmt", "--diff", str(messy))
    assert result.exit_code == 1 and '+    name = "A"' in result.stdout
    assert run("fmt", str(tmp_path)).exit_code == 0
    assert messy.read_text() == 'step "a" {\n    name = "A"\n\n    action {\n        action_type = "Octopus.Script"\n    }\n}'
    assert run("fmt", "--check", str(tmp_path)).exit_code == 0


def test_fmt_syntax_error_is_path_line_col(tmp_path):
    bad = tmp_path / "bad.ocl"
    bad.write_text('step "a" {\n    name = "unterminated\n}')
    result = run("fmt", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.stderr
    assert bad.read_text() == 'step "a" {\n    name = "unterminated\n}'


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env)


def test_no_traceback_in_a_real_process(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "octoscaffold", "new", "Create a project.", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("octoscaffold: error:") and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["new", SEED_PROMPT, "--out", "{tmp}"]])
def test_help_and_offline_new_import_no_heavy_modules(tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path / "out")) for a in args]
    code = (
        "import sys\nfrom octoscaffold.cli import cli\n"
        f"try:\n    cli({args!r}, prog_name='octoscaffold')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = sorted(m for m in ('openai', 'git', 'httpx') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    proc = _python(code, REPO)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout
