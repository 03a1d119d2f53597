"""Provenance in the stored spec, and the catalog lock that keeps template versions honest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from octoscaffold.authoring import check_folder, new_template
from octoscaffold.catalog import _load, builtin_root, load_catalog
from octoscaffold.catalog.lock import LOCK, newer, read_lock
from octoscaffold.cli import cli
from octoscaffold.errors import TemplateError
from octoscaffold.provenance import template_hash
from octoscaffold.scaffold import build, plan
from octoscaffold.spec import spec_from_text
from octoscaffold.spec.io import dump_spec

PROMPT = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'


def git_blob(path: Path) -> str:
    return subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True, check=True).stdout.strip()


def test_the_stored_spec_records_where_each_file_came_from(tmp_path):
    scaffold = build(plan(PROMPT))
    generated = scaffold.spec.generated
    template = load_catalog().get("aws-lambda")
    assert (generated.template, generated.version, generated.catalog) == ("aws-lambda", template.manifest.version, "built-in")
    assert generated.hash == template_hash(template.folder) and generated.hash.startswith("sha256:")
    stored = ".octoscaffold/octopub-sam.yaml"
    assert set(generated.files) == set(scaffold.files) - {stored}
    for path, text in scaffold.files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, newline="")
    for path, blob in generated.files.items():
        assert blob == git_blob(tmp_path / path)  # git's own id for the rendered bytes
    reread = spec_from_text(scaffold.files[stored])
    assert reread.generated == generated


def test_a_spec_without_provenance_still_loads_and_says_nothing_about_it():
    spec = plan(PROMPT)
    assert spec.generated is None
    assert "generated" not in dump_spec(spec)


def test_bad_blob_ids_are_refused_naming_the_field():
    text = dump_spec(build(plan(PROMPT)).spec).replace(
        "deployment_process.ocl: ", "deployment_process.ocl: zz", 1)
    with pytest.raises(Exception, match="generated.files: .*40 lowercase hex digits"):
        spec_from_text(text)


def test_the_template_hash_is_the_same_in_another_process_and_folder(tmp_path):
    folder = builtin_root() / "aws-lambda"
    code = "import sys; from octoscaffold.provenance import template_hash; print(template_hash(sys.argv[1]))"
    other = subprocess.run([sys.executable, "-c", code, str(folder)], cwd=tmp_path, capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": "7", "PATH": "/usr/bin:/bin"})
    assert other.stdout.strip() == template_hash(folder)


def test_examples_and_snapshots_do_not_change_the_hash_but_any_other_file_does(tmp_path):
    new_template(tmp_path, "acme")
    folder = tmp_path / "acme"
    first = template_hash(folder)
    (folder / "examples" / "more.yaml").write_text("x: 1\n")
    (folder / "snapshots").mkdir()
    (folder / "snapshots" / "a.ocl").write_text("a = 1")
    assert template_hash(folder) == first
    script = next(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".sh", ".ps1", ".j2"))
    script.write_text(script.read_text() + "\n# changed\n")
    assert template_hash(folder) != first


def catalog_with_lock(tmp_path) -> Path:
    folder = tmp_path / "catalog"
    new_template(folder, "acme")
    assert CliRunner().invoke(cli, ["catalog", "check", str(folder), "--update"]).exit_code == 0
    assert read_lock(folder)["acme"].version == "0.1.0"
    return folder


def problems(folder: Path, update: bool = False) -> list[str]:
    _load.cache_clear()  # the manifests changed within this process
    return [p for r in check_folder(folder, update=update) for p in r.problems]


def bump(folder: Path, version: str) -> None:
    manifest = folder / "acme" / "template.yaml"
    text = manifest.read_text()
    old = next(line for line in text.splitlines() if line.startswith("version:"))
    manifest.write_text(text.replace(old, f"version: {version}", 1))


def edit_template(folder: Path) -> None:
    script = folder / "acme" / "scripts" / "deploy.sh"
    script.write_text(script.read_text() + "echo 'one more line'\n")


def test_a_changed_template_whose_version_was_not_bumped_is_refused(tmp_path):
    folder = catalog_with_lock(tmp_path)
    assert problems(folder) == []
    edit_template(folder)
    found = problems(folder, update=True)  # --update does not make it right either
    assert any("files changed since version" in p and "bump `version`" in p for p in found), found
    lock_before = (folder / LOCK).read_text()
    result = CliRunner().invoke(cli, ["catalog", "check", str(folder)])
    assert result.exit_code == 1 and "bump `version`" in result.output
    assert (folder / LOCK).read_text() == lock_before


def test_a_bumped_version_is_recorded_by_update(tmp_path):
    folder = catalog_with_lock(tmp_path)
    edit_template(folder)
    bump(folder, "0.2.0")
    assert any("not recorded" in p and "--update" in p for p in problems(folder))
    result = CliRunner().invoke(cli, ["catalog", "check", str(folder), "--update"])
    assert result.exit_code == 0, result.output
    assert "version 0.2.0 recorded in catalog-lock.json" in result.output
    assert read_lock(folder)["acme"].version == "0.2.0"
    assert problems(folder) == []


def test_a_version_that_goes_down_is_refused(tmp_path):
    folder = catalog_with_lock(tmp_path)
    bump(folder, "9.0.0")
    edit_template(folder)
    problems(folder, update=True)
    edit_template(folder)
    bump(folder, "1.0.0")
    assert any("not later than the recorded 9.0.0" in p for p in problems(folder, update=True))
    assert read_lock(folder)["acme"].version == "9.0.0"


def test_a_new_template_in_a_locked_catalog_passes_as_created(tmp_path):
    folder = catalog_with_lock(tmp_path)
    new_template(folder, "second")
    assert problems(folder) == []
    assert json.loads((folder / LOCK).read_text())["second"]["hash"].startswith("sha256:")


def test_a_catalog_without_a_lock_is_not_version_checked(tmp_path):
    new_template(tmp_path, "acme")
    edit_template(tmp_path)
    assert problems(tmp_path) == [] and not (tmp_path / LOCK).exists()


@pytest.mark.parametrize("text", ["{", "[]", '{"acme": {"version": 1}}', "\x00"])
def test_a_broken_lock_is_one_clear_line(tmp_path, text):
    new_template(tmp_path, "acme")
    (tmp_path / LOCK).write_text(text)
    with pytest.raises(TemplateError, match=LOCK):
        check_folder(tmp_path)
    result = CliRunner().invoke(cli, ["catalog", "check", str(tmp_path)])
    assert result.exit_code != 0 and "Traceback" not in result.output and LOCK in result.output


def test_the_built_in_catalog_has_every_version_recorded():
    lock = read_lock(builtin_root())
    catalog = load_catalog()
    builtin = {t.id: t for t in catalog.templates.values() if t.source == "built-in"}
    assert set(lock) == set(builtin)
    for template_id, template in builtin.items():
        assert lock[template_id].version == template.manifest.version
        assert lock[template_id].hash == template_hash(template.folder), f"{template_id}: bump its version"


@pytest.mark.parametrize(("a", "b", "later"), [
    ("1.0.1", "1.0.0", True), ("1.10.0", "1.9.0", True), ("1.0.0", "1.0.0", False), ("0.9", "1.0", False),
    ("v2", "1.5.3", True), ("beta", "alpha", True),
])
def test_versions_compare_as_numbers(a, b, later):
    assert newer(a, b) is later
