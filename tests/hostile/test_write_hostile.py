"""Writing into --out: all or nothing, never through a link, never outside the folder (issue 16,
items 1, 2 and 9)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import NOBODY, refused, tree

SPEC = "apiVersion: octoscaffold/v1\nproject:\n  name: App\ntemplate: aws-lambda\n"
PROJECT = ".octopus/app"


@pytest.fixture
def spec(tmp_path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return path


def rendered(run_cli, spec: Path, out: Path, *extra: str, **kwargs):
    result = run_cli("render", spec, "--out", out, *extra, **kwargs)
    assert result.returncode == 0, result.stderr
    return result


def test_a_failure_part_way_through_force_leaves_every_file_as_it_was(run_cli, shared_tmp, as_user):
    """The runbooks folder cannot take a new file: before anything is replaced, the write stops,
    and the user's edited files are still there, byte for byte."""
    spec = shared_tmp / "spec.yaml"
    spec.write_text(SPEC.replace("name: App", "name: App\n  description: first"))
    out = shared_tmp / "out"
    out.mkdir()
    if as_user.uid is not None:
        os.chown(out, NOBODY, NOBODY)
    rendered(run_cli, spec, out, user=as_user)
    (out / PROJECT / "variables.ocl").write_text("# my edits\n")
    spec.write_text(SPEC.replace("name: App", "name: App\n  description: second"))
    (out / PROJECT / "runbooks").chmod(0o555)
    before = tree(out)

    result = run_cli("render", spec, "--out", out, "--force", user=as_user)

    refused(result, "cannot write", "nothing was changed")
    assert tree(out) == before
    assert (out / PROJECT / "variables.ocl").read_text() == "# my edits\n"


def test_a_write_that_fails_on_the_last_file_restores_the_others(run_cli, spec, tmp_path):
    """The stored spec is written last and is made the largest file; a file size limit makes
    exactly that write fail (EFBIG), after every other file was staged."""
    out = tmp_path / "out"
    rendered(run_cli, spec, out)
    (out / PROJECT / "variables.ocl").write_text("# my edits\n")
    spec.write_text(SPEC + f"prompt: {'x' * 40_000}\n")
    before = tree(out)
    largest_other = max(len(v) for k, v in before.items() if isinstance(v, bytes))
    assert largest_other < 30_000

    result = run_cli("render", spec, "--out", out, "--force", file_size_limit=30_000)

    refused(result, "cannot write", "app.yaml", "file too large")
    assert tree(out) == before


def test_force_replaces_and_leaves_no_temporary_files(run_cli, spec, tmp_path):
    out = tmp_path / "out"
    rendered(run_cli, spec, out)
    (out / PROJECT / "variables.ocl").write_text("# edited\n")
    rendered(run_cli, spec, out, "--force")
    assert (out / PROJECT / "variables.ocl").read_text() != "# edited\n"
    leftovers = [p for p in tree(out) if "octoscaffold-tmp" in p or "octoscaffold-old" in p]
    assert leftovers == []


def test_stale_runbooks_go_only_when_octoscaffold_made_them_unedited(run_cli, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC + "runbooks:\n  - name: Restart\n  - name: Purge Cache\n  - name: Rotate Keys\n")
    out = tmp_path / "out"
    rendered(run_cli, spec, out)
    runbooks = out / PROJECT / "runbooks"
    (runbooks / "rotate-keys.ocl").write_text((runbooks / "rotate-keys.ocl").read_text() + "\n")
    (runbooks / "mine.ocl").write_text("# the user's own runbook\n")
    spec.write_text(SPEC + "runbooks:\n  - name: Restart\n")

    result = rendered(run_cli, spec, out, "--force")

    assert sorted(p.name for p in runbooks.iterdir()) == ["mine.ocl", "restart.ocl", "rotate-keys.ocl"]
    assert "Removed files an earlier render made" in result.stdout
    assert f"{PROJECT}/runbooks/purge-cache.ocl" in result.stdout
    assert "rotate-keys.ocl was made by an earlier render and edited since; left in place" in result.stderr


def test_stale_files_need_the_stored_record(run_cli, tmp_path):
    """Without the stored spec's record, nothing is removed: octoscaffold cannot tell its files."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC + "runbooks:\n  - name: Restart\n  - name: Purge Cache\n")
    out = tmp_path / "out"
    rendered(run_cli, spec, out)
    (out / ".octoscaffold" / "app.yaml").write_text(SPEC)
    spec.write_text(SPEC + "runbooks:\n  - name: Restart\n")
    rendered(run_cli, spec, out, "--force")
    assert (out / PROJECT / "runbooks" / "purge-cache.ocl").exists()


def test_a_link_planted_at_the_old_temporary_name_is_never_followed(run_cli, spec, tmp_path):
    out = tmp_path / "out"
    rendered(run_cli, spec, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / PROJECT / ".deployment_process.ocl.octoscaffold-tmp").symlink_to(victim)
    rendered(run_cli, spec, out, "--force")
    assert victim.read_text() == "precious"
    assert (out / PROJECT / ".deployment_process.ocl.octoscaffold-tmp").is_symlink()


@pytest.mark.parametrize("linked", [".octopus", PROJECT, ".octoscaffold", f"{PROJECT}/runbooks"])
def test_a_linked_folder_on_the_way_is_refused(run_cli, spec, tmp_path, linked):
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / linked).parent.mkdir(parents=True, exist_ok=True)
    (out / linked).symlink_to(elsewhere, target_is_directory=True)
    before, outside = tree(out), tree(elsewhere)
    for force in ([], ["--force"]):
        refused(run_cli("render", spec, "--out", out, *force), "symbolic link", linked.split("/")[-1])
    assert tree(out) == before and tree(elsewhere) == outside == {}


def test_a_linked_file_is_refused_even_with_force(run_cli, spec, tmp_path):
    out = tmp_path / "out"
    rendered(run_cli, spec, out)
    victim = tmp_path / "victim.ocl"
    victim.write_text("precious")
    target = out / PROJECT / "variables.ocl"
    target.unlink()
    target.symlink_to(victim)
    before = tree(out)
    refused(run_cli("render", spec, "--out", out, "--force"), "variables.ocl is a symbolic link")
    assert victim.read_text() == "precious" and tree(out) == before


def test_out_itself_may_be_a_link(run_cli, spec, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    rendered(run_cli, spec, tmp_path / "alias")
    assert (real / PROJECT / "deployment_process.ocl").is_file()


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(run_cli, spec, tmp_path):
    out = tmp_path / "out"
    rendered(run_cli, spec, out)
    assert (out / PROJECT / "variables.ocl").stat().st_mode & 0o777 == 0o644  # umask 022 of the test process
    (out / PROJECT / "variables.ocl").chmod(0o600)
    rendered(run_cli, spec, out, "--force")
    assert (out / PROJECT / "variables.ocl").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("name", ["x" * 300, "ok/" + "y" * 300 + "/deeper"])
def test_a_path_component_too_long_is_one_line_and_leaves_nothing(run_cli, spec, tmp_path, name):
    refused(run_cli("render", spec, "--out", tmp_path / name), "file name too long")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "spec.yaml"]


def test_an_out_folder_whose_name_is_not_utf8_is_written_and_printed_escaped(run_cli, spec, tmp_path):
    out = os.fsencode(tmp_path) + b"/caf\xe9"
    result = run_cli("render", spec, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "caf\\udce9" in result.stdout
    assert os.path.isfile(out + b"/.octopus/app/variables.ocl")


def test_out_that_is_a_file_is_refused(run_cli, spec, tmp_path):
    (tmp_path / "file").write_text("x")
    refused(run_cli("render", spec, "--out", tmp_path / "file"), "is not a folder")


def test_a_read_only_out_folder_is_refused_and_nothing_is_left(run_cli, shared_tmp, as_user):
    spec = shared_tmp / "spec.yaml"
    spec.write_text(SPEC)
    out = shared_tmp / "locked"
    out.mkdir(mode=0o555)
    out.chmod(0o555)
    refused(run_cli("render", spec, "--out", out / "sub", user=as_user), "cannot write", "permission denied")
    assert list(out.iterdir()) == []
    shutil.rmtree(out, ignore_errors=True)
