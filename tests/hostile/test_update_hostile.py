"""`octoscaffold update` against hostile folders and repositories: links out of the folder, failed
writes, damaged records and files. Each is refused in one line and changes nothing."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from .conftest import refused, tree

PROMPT = 'Create an AWS Lambda project called "OctoPub SAM"'
FOLDER = ".octopus/octopub-sam"
PROCESS = f"{FOLDER}/deployment_process.ocl"
SPEC = ".octoscaffold/octopub-sam.yaml"


@pytest.fixture
def catalog_v2(tmp_path) -> Path:
    from octoscaffold.catalog import builtin_root

    folder = tmp_path / "v2"
    shutil.copytree(builtin_root() / "aws-lambda", folder / "aws-lambda")
    process = folder / "aws-lambda/deployment_process.ocl.j2"
    process.write_text(process.read_text().replace('TargetMode = "EntirePackage"', 'TargetMode = "FilePerPackage"'))
    manifest = folder / "aws-lambda/template.yaml"
    manifest.write_text(manifest.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    return folder


@pytest.fixture
def project(tmp_path, run_cli) -> Path:
    out = tmp_path / "app"
    assert run_cli("new", PROMPT, "--out", out).returncode == 0
    return out


def test_a_project_folder_that_links_out_is_not_written_through(tmp_path, run_cli, project, catalog_v2):
    outside = tmp_path / "outside"
    shutil.move(project / FOLDER, outside)
    os.symlink(outside, project / FOLDER)
    before, outside_before = tree(project), tree(outside)
    result = run_cli("update", "--out", project, "--catalog", catalog_v2)
    refused(result, "symbolic link")
    assert tree(project) == before and tree(outside) == outside_before


def test_a_linked_file_is_not_written_through(tmp_path, run_cli, project, catalog_v2):
    outside = tmp_path / "elsewhere.ocl"
    shutil.move(project / PROCESS, outside)
    os.symlink(outside, project / PROCESS)
    before, kept = tree(project), outside.read_bytes()
    result = run_cli("update", "--out", project, "--catalog", catalog_v2)
    refused(result, "symbolic link")
    assert tree(project) == before and outside.read_bytes() == kept


def test_a_write_that_fails_part_way_leaves_the_old_files(run_cli, project, catalog_v2):
    before = tree(project)
    result = run_cli("update", "--out", project, "--catalog", catalog_v2, file_size_limit=2000)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert tree(project) == before


@pytest.mark.parametrize("damage", ["not utf-8", "not ocl", "huge"])
def test_a_damaged_project_file_is_one_line(run_cli, project, catalog_v2, damage):
    path = project / PROCESS
    path.write_bytes({"not utf-8": b"step \"x\" {\n    name = \"\xff\xfe\"\n}", "not ocl": b"step {{{{",
                      "huge": b"#" * 17_000_000}[damage])
    before = tree(project)
    result = run_cli("update", "--out", project, "--catalog", catalog_v2)
    line = refused(result, "octopub-sam: cannot update")
    assert {"not utf-8": "UTF-8", "not ocl": "deployment_process.ocl", "huge": "at most"}[damage] in line
    assert tree(project) == before


@pytest.mark.parametrize("record", ["tree", "missing", "commit"])
def test_a_recorded_blob_id_that_is_no_rendered_file_means_an_unknown_base(tmp_path, run_cli, project, catalog_v2, record):
    import subprocess

    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "add", "-A"], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b"}
    subprocess.run(["git", "-C", str(project), "commit", "-qm", "x"], check=True, env=env)
    ids = {"tree": subprocess.run(["git", "-C", str(project), "rev-parse", "HEAD^{tree}"], capture_output=True, text=True).stdout.strip(),
           "commit": subprocess.run(["git", "-C", str(project), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip(),
           "missing": "ab" * 20}
    spec = project / SPEC
    spec.write_text(re.sub(r"(deployment_process.ocl: )[0-9a-f]{40}", r"\g<1>" + ids[record], spec.read_text()))
    (project / PROCESS).write_text((project / PROCESS).read_text().replace('DownloadOnTentacle = "False"', 'DownloadOnTentacle = "True"'))
    result = run_cli("update", "--out", project, "--catalog", catalog_v2)
    assert result.returncode == 0, result.stderr
    assert "no record of the last render for 1 file(s)" in result.stdout
    text = (project / PROCESS).read_text()
    assert 'TargetMode = "EntirePackage"' in text and 'DownloadOnTentacle = "True"' in text  # nothing overwritten


@pytest.mark.parametrize("base_path", ["/etc", "../outside", ".git/x"])
def test_a_stored_spec_pointing_outside_is_refused(tmp_path, run_cli, project, catalog_v2, base_path):
    spec = project / SPEC
    spec.write_text(spec.read_text().replace("git:\n", f"git:\n  base_path: {base_path}\n", 1).replace(
        f"  base_path: {FOLDER}\n", "", 1))
    before = tree(project)
    result = run_cli("update", "--out", project, "--catalog", catalog_v2)
    refused(result, "octopub-sam: cannot update", "base_path")
    assert tree(project) == before


def test_a_linked_stored_spec_is_not_read(tmp_path, run_cli, project, catalog_v2):
    outside = tmp_path / "planted.yaml"
    shutil.move(project / SPEC, outside)
    os.symlink(outside, project / SPEC)
    result = run_cli("update", "--out", project, "--catalog", catalog_v2)
    refused(result, "holds no stored specs")
