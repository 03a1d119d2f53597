"""`lint` agrees with the stored spec: a practice the spec switched off is reported as off by
choice (never failing), not as a defect, in every output format."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from octoscaffold.catalog import load_catalog
from octoscaffold.cli import cli
from octoscaffold.lint import lint_paths
from octoscaffold.lint.choices import apply_spec_choices, off_by_choice_labels
from octoscaffold.scaffold import build, write
from octoscaffold.spec import load_spec

CATALOG = load_catalog()


def generated(tmp_path, **switches):
    template = CATALOG.get("aws-lambda")
    spec = load_spec(template.folder / template.manifest.examples[0])
    for name, value in switches.items():
        getattr(spec, name).enabled = value
    result = build(spec)
    write(result, tmp_path)
    return tmp_path / ".octopus" / result.spec.slug, result.spec


def lint(*args):
    return CliRunner().invoke(cli, ["lint", *map(str, args)])


def test_a_switched_off_scan_is_off_by_choice_not_a_finding(tmp_path):
    project, spec = generated(tmp_path, security_scan=False)
    report = apply_spec_choices(lint_paths([project]))
    assert report.findings == [] and report.exit_code == 0
    [choice] = report.off_by_choice
    assert choice.label == "security-scan (security_scan.enabled)" == off_by_choice_labels(spec)[0]
    assert {finding.rule for finding in choice.findings} == {"PROC009", "ENV002"}
    assert choice.spec.endswith(f".octoscaffold/{spec.slug}.yaml")


def test_every_format_says_so(tmp_path):
    project, _ = generated(tmp_path, security_scan=False)
    text = lint(project)
    assert text.exit_code == 0, text.output
    assert "No findings in 5 files." in text.output
    assert "off by choice: security-scan (security_scan.enabled) in " in text.output
    assert "2 findings of PROC009, ENV002 not counted" in text.output

    data = json.loads(lint("--format", "json", project).output)
    assert data["findings"] == [] and data["exit_code"] == 0
    [choice] = data["off_by_choice"]
    assert (choice["practice"], choice["switch"]) == ("security-scan", "security_scan.enabled")
    assert sorted(finding["rule"] for finding in choice["findings"]) == ["ENV002", "PROC009"]

    sarif = json.loads(lint("--format", "sarif", project).output)
    results = sarif["runs"][0]["results"]
    assert sorted(result["ruleId"] for result in results) == ["ENV002", "PROC009"]
    for result in results:
        [suppression] = result["suppressions"]
        assert suppression["kind"] == "external"
        assert "security-scan is switched off by choice" in suppression["justification"]
        assert "security_scan.enabled" in suppression["justification"]

    github = lint("--format", "github", project)
    assert github.exit_code == 0 and "::warning" not in github.output
    assert "off by choice: security-scan (security_scan.enabled)" in github.output


def test_single_files_of_the_project_find_the_spec_too(tmp_path):
    project, _ = generated(tmp_path, security_scan=False)
    result = lint(project / "deployment_process.ocl")
    assert result.exit_code == 0 and "off by choice: security-scan" in result.output


def test_without_the_stored_spec_the_findings_stay(tmp_path):
    project, spec = generated(tmp_path, security_scan=False)
    (tmp_path / ".octoscaffold" / f"{spec.slug}.yaml").unlink()
    result = lint(project)
    assert result.exit_code == 1 and "PROC009" in result.output and "off by choice" not in result.output


def test_a_spec_for_another_folder_is_not_used(tmp_path):
    project, spec = generated(tmp_path / "a", security_scan=False)
    moved = tmp_path / "a" / ".octopus" / "elsewhere"
    shutil.move(project, moved)
    shutil.move(tmp_path / "a" / ".octoscaffold" / f"{spec.slug}.yaml", tmp_path / "a" / ".octoscaffold" / "elsewhere.yaml")
    result = lint(moved)  # the spec's git.base_path names .octopus/<slug>, not this folder
    assert result.exit_code == 1 and "off by choice" not in result.output


def test_practices_left_on_are_not_mentioned(tmp_path):
    project, _ = generated(tmp_path)
    result = lint(project)
    assert result.exit_code == 0 and "off by choice" not in result.output


@pytest.mark.parametrize("scan", [True, False])
@pytest.mark.parametrize("approval", [True, False])
def test_generated_output_lints_clean_on_disk_with_every_switch(tmp_path, scan, approval):
    project, spec = generated(tmp_path, security_scan=scan, approval=approval)
    report = apply_spec_choices(lint_paths([project]))
    assert [str(finding) for finding in report.findings] == []
    assert [choice.label for choice in report.off_by_choice] == off_by_choice_labels(spec)
