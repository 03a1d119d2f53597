"""Linting files on disk: project grouping, syntax errors, config, suppression, exit codes."""

from __future__ import annotations

import pytest

from octoscaffold.errors import UserError
from octoscaffold.lint import LintConfig, find_config, lint_paths, load_config
from octoscaffold.lint.engine import sniff_role
from octoscaffold.ocl import parse

from .projects import VARIABLES, changed, good_files, write_project

LEAK = VARIABLES + '\nvariable "Project.Db.Password" {\n    value "hunter2" {}\n}\n'


def test_clean_project_exits_zero(tmp_path):
    write_project(tmp_path / ".octopus" / "shop", good_files())
    report = lint_paths([tmp_path])
    assert report.findings == []
    assert len(report.files) == 5
    assert report.exit_code == 0


def test_findings_exit_one_and_carry_real_paths(tmp_path):
    folder = write_project(tmp_path / "shop", changed(variables_ocl=LEAK))
    report = lint_paths([folder])
    [finding] = report.findings
    assert finding.rule == "VAR002" and finding.severity == "error"
    assert finding.path == str(folder / "variables.ocl")
    assert report.exit_code == 1


def test_fail_on_decides_the_exit_code(tmp_path):
    folder = write_project(tmp_path / "shop", changed(deployment_process_ocl=('notes = "Deploys the site."', "")))
    assert [f.rule for f in lint_paths([folder]).findings] == ["OCL003"]  # info
    assert lint_paths([folder]).exit_code == 0
    assert lint_paths([folder], LintConfig(fail_on="info")).exit_code == 1


def test_syntax_error_is_a_finding_and_other_files_are_still_linted(tmp_path):
    broken = write_project(tmp_path / "broken", {"deployment_process.ocl": 'step "a" {\n    name = "C:\\quit"\n}\n'})
    leaky = write_project(tmp_path / "leaky", changed(variables_ocl=LEAK))
    report = lint_paths([broken, leaky])
    rules = {(f.rule, f.path) for f in report.findings}
    assert ("OCL000", str(broken / "deployment_process.ocl")) in rules
    assert ("VAR002", str(leaky / "variables.ocl")) in rules
    [error] = report.syntax_errors
    assert (error.line, error.column) == (2, 15)
    assert report.exit_code == 2


def test_syntax_errors_are_reported_even_when_not_selected(tmp_path):
    write_project(tmp_path, {"variables.ocl": "variable {"})
    report = lint_paths([tmp_path], LintConfig(select=("VAR",)))
    assert [f.rule for f in report.findings] == ["OCL000"]
    assert report.exit_code == 2


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(UserError):
        lint_paths([tmp_path / "nope"])


def test_one_changed_file_is_linted_with_its_siblings(tmp_path):
    # A pre-commit hook passes only the changed file; the variables beside it still count.
    folder = write_project(tmp_path / "shop", changed(deployment_process_ocl=("echo #{Project.Web.Url}", "echo #{Project.Web.Nope}")))
    report = lint_paths([folder / "deployment_process.ocl"])
    assert [f.rule for f in report.findings] == ["VAR003"]
    assert report.files == [str(folder / "deployment_process.ocl")]
    # Findings in files not asked for are not reported.
    folder2 = write_project(tmp_path / "shop2", changed(variables_ocl=LEAK))
    assert lint_paths([folder2 / "deployment_process.ocl"]).findings == []


def test_a_runbook_file_finds_its_project(tmp_path):
    folder = write_project(tmp_path / "shop", changed(**{"runbooks__restart-site_ocl": ('environment_scope = "Specified"\n', "")}))
    report = lint_paths([folder / "runbooks" / "restart-site.ocl"])
    assert [f.rule for f in report.findings] == ["RB001"]


def test_files_with_other_names_are_read_by_content(tmp_path):
    (tmp_path / "old-variables.ocl").write_text(LEAK)
    (tmp_path / "notes.ocl").write_text('title = "not a project file"\n')
    report = lint_paths([tmp_path])
    assert [f.rule for f in report.findings] == ["VAR002"]
    assert len(report.files) == 2


@pytest.mark.parametrize(
    "text, role",
    [
        ('step "a" {\n}', "deployment_process.ocl"),
        ('variable "A" {\n}', "variables.ocl"),
        ("version = 9", "schema_version.ocl"),
        ("versioning_strategy {\n}", "deployment_settings.ocl"),
        ('name = "R"\n\nprocess {\n}', "runbooks/x.ocl"),
        ('title = "x"', None),
    ],
)
def test_sniff_role(text, role):
    assert sniff_role(parse(text), "x") == role


def test_config_is_found_up_to_the_repository_root(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".octoscaffold.toml").write_text('[lint]\nignore = ["VAR"]\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / ".octoscaffold.toml"
    inner = tmp_path / "inner"
    (inner / ".git").mkdir(parents=True)
    assert find_config(inner) is None  # another repository: the outer config does not apply


def test_config_select_ignore_severity_and_fail_on(tmp_path):
    path = tmp_path / ".octoscaffold.toml"
    path.write_text('[lint]\nselect = ["VAR", "PROC"]\nignore = ["VAR002"]\nfail-on = "error"\nknown-variables = ["Project.X"]\n\n[lint.severity]\nVAR001 = "error"\n')
    config = load_config(path)
    assert config.enabled("VAR001") and not config.enabled("VAR002") and not config.enabled("OCL003")
    assert config.severity_of("VAR001") == "error"
    assert config.fail_on == "error" and config.known_variables == ("Project.X",)
    flags = config.with_flags(select=["OCL"], ignore=["OCL003"], fail_on="info")
    assert flags.enabled("OCL001") and not flags.enabled("VAR001") and not flags.enabled("OCL003")
    assert flags.fail_on == "info"


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[lint]\nselec = ["VAR"]\n', "unknown key"),
        ('[lint]\nselect = ["NOPE"]\n', "matches no rule"),
        ('[lint]\nfail-on = "fatal"\n', "not a severity"),
        ('[lint.severity]\nVAR999 = "info"\n', "no rule"),
        ('[lint.suppress."a.ocl"]\nrules = ["VAR001"]\n', "needs a reason"),
        ('[lint.suppress."a.ocl"]\nreason = "x"\n', "list the rules"),
        ("[lint\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_usage_error(tmp_path, toml, message):
    path = tmp_path / ".octoscaffold.toml"
    path.write_text(toml)
    with pytest.raises(UserError, match=message):
        load_config(path)


def test_suppression_by_path_in_the_config(tmp_path):
    write_project(tmp_path / ".octopus" / "legacy", changed(variables_ocl=LEAK))
    write_project(tmp_path / ".octopus" / "shop", changed(variables_ocl=LEAK))
    path = tmp_path / ".octoscaffold.toml"
    path.write_text('[lint.suppress.".octopus/legacy/**"]\nrules = ["VAR002"]\nreason = "rotated; removed next release"\n')
    report = lint_paths([tmp_path / ".octopus"], load_config(path))
    assert [f.path for f in report.findings] == [str(tmp_path / ".octopus" / "shop" / "variables.ocl")]
    assert report.suppressed == 1


def test_inline_suppression_in_notes_and_descriptions():
    from .projects import lint

    notes = ('notes = "Deploys the site."', 'notes = "Deploys the site. octoscaffold-lint: ignore PROC004 -- the farm is shared by design"')
    tag = changed(deployment_process_ocl=('TargetRoles = "shop-web"', 'TargetRoles = "web"'))
    assert [f.rule for f in lint(tag)] == ["PROC004"]
    silenced = dict(tag)
    silenced["deployment_process.ocl"] = silenced["deployment_process.ocl"].replace(*notes)
    assert lint(silenced) == []
    described = LEAK.replace('value "hunter2" {}', 'value "hunter2" {\n        description = "octoscaffold-lint: ignore VAR002 -- a throwaway test database"\n    }')
    assert lint(changed(variables_ocl=described)) == []
    without_reason = described.replace(" -- a throwaway test database", "")
    assert sorted(f.rule for f in lint(changed(variables_ocl=without_reason))) == ["LNT001", "VAR002"]
