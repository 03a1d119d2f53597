"""`catalog check` holds templates to Octopus's conventions (octoscaffold.lint.conventions): each
problem is named with the template file and line that wrote it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from octoscaffold.authoring import check_folder
from octoscaffold.catalog import builtin_root
from octoscaffold.cli import cli
from octoscaffold.lint.known import DATA, is_known_key, known, normal_key


def copy_script(tmp_path: Path, edit) -> Path:
    """The built-in `script` kind as `script2` in a catalog folder, its process edited by `edit`."""
    folder = tmp_path / "catalog"
    target = folder / "script2"
    shutil.copytree(builtin_root() / "script", target, ignore=shutil.ignore_patterns("snapshots"))
    manifest = target / "template.yaml"
    manifest.write_text(manifest.read_text().replace("id: script", "id: script2", 1))
    for example in (target / "examples").glob("*.yaml"):
        example.write_text(example.read_text().replace("template: script", "template: script2"))
    process = target / "deployment_process.ocl.j2"
    process.write_text(edit(process.read_text()))
    return folder


def problems(folder: Path) -> list[str]:
    return [problem for result in check_folder(folder) for problem in result.problems]


def line_of(folder: Path, text: str) -> int:
    lines = (folder / "script2" / "deployment_process.ocl.j2").read_text().split("\n")
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_the_built_in_catalog_passes():
    results = check_folder(builtin_root())
    assert [problem for result in results for problem in result.problems] == []


def test_an_unknown_action_type_and_property_key(tmp_path):
    folder = copy_script(tmp_path, lambda text: text.replace('"Octopus.Script"', '"Octopus.Scrpit"', 1)
                         .replace("Octopus.Action.Script.Syntax", "Octopus.Action.Script.Sintax", 1))
    found = problems(folder)
    source = folder / "script2" / "deployment_process.ocl.j2"
    assert any(f"{source}:{line_of(folder, 'Octopus.Scrpit')}: CAT001" in p and "'Octopus.Scrpit'" in p for p in found), found
    assert any(f"{source}:{line_of(folder, 'Sintax')}: CAT002" in p and "(rendered .octopus/" in p for p in found), found


def test_a_deployment_step_that_runs_in_security(tmp_path):
    folder = copy_script(tmp_path, lambda text: text.replace('{% include "_shared/excluded-environments.ocl.j2" %}\n', "", 1))
    found = [p for p in problems(folder) if "CAT003" in p]
    line = line_of(folder, 'name = "Run Script"')
    assert found and all(f"deployment_process.ocl.j2:{line}: CAT003" in p for p in found), found
    assert "does not skip the security environment" in found[0]


def test_a_secret_as_a_plain_value(tmp_path):
    folder = copy_script(tmp_path, lambda text: text.replace(
        "            Octopus.Action.Script.ScriptSource", '            Tomcat.Deploy.Password = "hunter2"\n            Octopus.Action.Script.ScriptSource', 1))
    found = [p for p in problems(folder) if "CAT004" in p]
    assert found and f"deployment_process.ocl.j2:{line_of(folder, 'hunter2')}: CAT004" in found[0], found
    referenced = copy_script(tmp_path / "b", lambda text: text.replace(
        "            Octopus.Action.Script.ScriptSource", '            Tomcat.Deploy.Password = "#{Project.Tomcat.Password}"\n            Octopus.Action.Script.ScriptSource', 1))
    assert not [p for p in problems(referenced) if "CAT004" in p]


def test_the_command_shows_them(tmp_path):
    folder = copy_script(tmp_path, lambda text: text.replace('"Octopus.Script"', '"Octopus.Scrpit"', 1))
    result = CliRunner().invoke(cli, ["catalog", "check", str(folder)])
    assert result.exit_code != 0
    assert "deployment_process.ocl.j2:" in result.output and "CAT001" in result.output


def test_the_known_names_ship_with_their_source():
    data = json.loads(DATA.read_text())
    assert "shared/ocl-corpus" in data["source"] and "ocl-steps.md" in data["source"]
    assert {"Octopus.Script", "Octopus.Manual", "Octopus.KubernetesDeployRawYaml"} <= known()["action_types"]
    assert is_known_key("Octopus.Action.Script.ScriptBody") and is_known_key("Octopus.Action.Package.FeedId")
    assert normal_key("Octopus.Action.Package[web].FeedId") == "Octopus.Action.Package[*].FeedId"
    assert not is_known_key("Octopus.Action.Script.Sintax")


def test_the_known_names_are_what_the_corpus_and_reference_give(corpus_dir):
    from octoscaffold.lint.known import build

    shared = corpus_dir.parent
    if not (shared / "reference" / "ocl-steps.md").is_file():
        pytest.skip("no shared/reference beside the corpus")
    assert json.loads(DATA.read_text()) == build(shared)
