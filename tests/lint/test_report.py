"""Output formats and the `octoscaffold lint` command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from octoscaffold.cli import cli
from octoscaffold.lint import RULES, lint_paths
from octoscaffold.lint.report import render

from .projects import VARIABLES, changed, good_files, write_project

LEAK = VARIABLES + '\nvariable "Project.Db.Password" {\n    value "hunter2, with a % and\\nnewline" {}\n}\n'


def _report(tmp_path, files=None):
    folder = write_project(tmp_path / "shop", files or changed(variables_ocl=LEAK, deployment_process_ocl=('notes = "Deploys the site."', "")))
    return folder, lint_paths([folder])


def test_text_groups_by_file_and_colours_only_when_asked(tmp_path):
    folder, report = _report(tmp_path)
    text = render(report, "text")
    lines = text.splitlines()
    assert lines.count(str(folder / "variables.ocl")) == 1
    assert any("VAR002" in line and line.startswith("  ") for line in lines)
    assert "2 findings (1 error, 0 warnings, 1 info) in 5 files" in text
    assert "\x1b[" not in text
    assert "\x1b[31m" in render(report, "text", colour=True)


def test_json_lists_every_finding(tmp_path):
    _, report = _report(tmp_path)
    data = json.loads(render(report, "json"))
    assert {f["rule"] for f in data["findings"]} == {"VAR002", "OCL003"}
    assert set(data["findings"][0]) == {"rule", "severity", "message", "path", "line", "column"}
    assert data["exit_code"] == 1 and data["files"] == 5


def test_sarif_is_2_1_0_with_rules_and_locations(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, report = _report(tmp_path)
    data = json.loads(render(report, "sarif"))
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == set(RULES)
    levels = {result["ruleId"]: result["level"] for result in run["results"]}
    assert levels == {"VAR002": "error", "OCL003": "note"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("shop/")  # relative to the working folder
        assert location["region"]["startLine"] >= 1


def test_github_annotations_escape_messages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = changed(variables_ocl=LEAK.replace('"Project.Db.Password"', '"Db:Password"'))
    _, report = _report(tmp_path, files)
    lines = render(report, "github").splitlines()
    annotation = next(line for line in lines if "VAR002" in line)
    assert annotation.startswith("::error file=shop/variables.ocl,line=")
    assert "title=VAR002::" in annotation


def test_github_escaping():
    from octoscaffold.lint.report import _escape_data, _escape_property

    assert _escape_data("50%\nnext") == "50%25%0Anext"
    assert _escape_property("a,b:c") == "a%2Cb%3Ac"


def _run(*args):
    return CliRunner().invoke(cli, ["lint", *args])


def test_command_exit_codes(tmp_path):
    clean = write_project(tmp_path / "clean", good_files())
    leaky = write_project(tmp_path / "leaky", changed(variables_ocl=LEAK))
    broken = write_project(tmp_path / "broken", {"variables.ocl": "variable {"})
    assert _run(str(clean)).exit_code == 0
    result = _run(str(leaky))
    assert result.exit_code == 1 and "VAR002" in result.output
    assert _run("--ignore", "VAR002", str(leaky)).exit_code == 0
    assert _run("--select", "OCL,PROC", str(leaky)).exit_code == 0
    result = _run(str(broken), str(leaky))
    assert result.exit_code == 2 and "OCL000" in result.output and "VAR002" in result.output
    assert _run("--select", "NOPE", str(clean)).exit_code == 2
    assert _run(str(tmp_path / "missing")).exit_code == 2


def test_command_fail_on_and_output_file(tmp_path):
    folder = write_project(tmp_path / "shop", changed(deployment_process_ocl=('notes = "Deploys the site."', "")))
    assert _run(str(folder)).exit_code == 0
    assert _run("--fail-on", "info", str(folder)).exit_code == 1
    out = tmp_path / "lint.sarif"
    result = _run("--format", "sarif", "--output", str(out), "--fail-on", "info", str(folder))
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(out.read_text())["runs"][0]["results"][0]["ruleId"] == "OCL003"


def test_command_reads_the_config_and_config_flag(tmp_path):
    (tmp_path / ".git").mkdir()
    leaky = write_project(tmp_path / "leaky", changed(variables_ocl=LEAK))
    (tmp_path / ".octoscaffold.toml").write_text('[lint]\nignore = ["VAR002"]\n')
    assert _run(str(leaky)).exit_code == 0
    other = tmp_path / "strict.toml"
    other.write_text('[lint]\nselect = ["VAR"]\n')
    assert _run("--config", str(other), str(leaky)).exit_code == 1
    (tmp_path / ".octoscaffold.toml").write_text('[lint]\nignore = "VAR002\n')
    result = _run(str(leaky))
    assert result.exit_code == 2 and "not valid TOML" in result.output


def test_help_has_an_example_and_list_rules_lists_them():
    result = _run("--help")
    assert result.exit_code == 0 and "octoscaffold lint .octopus" in result.output
    listed = _run("--list-rules")
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == sorted(RULES)


def test_every_rule_is_documented():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule_id, current in RULES.items():
        assert f"## {rule_id}: {current.title}" in text
        assert f"| {rule_id} | {current.severity} |" in text
