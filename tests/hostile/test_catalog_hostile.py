"""Attacks on catalog folders: every read and write of `catalog check`, `catalog new` and the
catalog loader stays inside the catalog folder, and a hostile file is one clear line (exit 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from octoscaffold.catalog import builtin_root

from .conftest import refused, tree

SNAPSHOT = "snapshots/default/.octopus/example-service/deployment_process.ocl"


def make_catalog(root: Path, template_id: str = "acme") -> Path:
    """A catalog folder holding one template copied from the starter (as `catalog new` writes it)."""
    starter = builtin_root() / "_starter"
    for source in starter.rglob("*"):
        if source.is_file():
            target = root / template_id / source.relative_to(starter)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text().replace("__ID__", template_id))
    return root


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def run_cli(run_cli, warm_cache):
    """The suite's run_cli with one cache for the module: the built-in catalog is parsed once."""
    def run(*args, env=None, user=None, **options):
        if user is None or user.uid is None:
            env = {"OCTOSCAFFOLD_CACHE_DIR": str(warm_cache), **(env or {})}
        return run_cli(*args, env=env, user=user, **options)

    return run


@pytest.fixture
def catalog(tmp_path) -> Path:
    return make_catalog(tmp_path / "catalog")


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the catalog, with a file that must never be read, changed or deleted."""
    folder = tmp_path / "outside"
    (folder / "default").mkdir(parents=True)
    (folder / "default" / "keep.txt").write_text("secret: do not touch\n")
    return folder


def set_examples(catalog: Path, *examples: str) -> None:
    manifest = catalog / "acme" / "template.yaml"
    text = manifest.read_text().replace("  - examples/default.yaml\n", "".join(f"  - {e!r}\n" for e in examples))
    manifest.write_text(text)


def unchanged(run, *folders: Path, args: tuple, **options) -> object:
    """Run the CLI and assert none of `folders` changed; returns the result."""
    before = [tree(f) for f in folders]
    result = run(*args, **options)
    assert [tree(f) for f in folders] == before
    return result


# --- 1. examples must lie inside their template folder ---------------------------------------


@pytest.mark.parametrize("example", ["/etc/passwd", "../../../../../../../../etc/passwd", "examples/../../../outside/x.yaml"])
def test_check_refuses_examples_outside_the_template_folder(run_cli, catalog, example):
    set_examples(catalog, example)
    result = run_cli("catalog", "check", catalog)
    line = refused(result, "examples", "template.yaml")
    assert "root:" not in result.stdout + result.stderr
    assert "inside" in line


def test_check_refuses_an_example_that_is_a_symlink_leading_out(run_cli, catalog):
    example = catalog / "acme" / "examples" / "default.yaml"
    example.unlink()
    example.symlink_to("/etc/passwd")
    result = run_cli("catalog", "check", catalog)
    refused(result, "examples/default.yaml", "outside")
    assert "root:" not in result.stdout + result.stderr


def test_check_refuses_an_example_whose_snapshot_folder_would_be_the_template_folder(run_cli, catalog):
    # snapshots/<stem of "...yaml"> is snapshots/.., the template folder, which --update would delete
    (catalog / "acme" / "examples" / "...yaml").write_text((catalog / "acme" / "examples" / "default.yaml").read_text())
    set_examples(catalog, "examples/...yaml")
    result = unchanged(run_cli, catalog, args=("catalog", "check", catalog, "--update"))
    refused(result, "examples", "...yaml")


# --- 2. --update writes and deletes only inside the catalog -----------------------------------


@pytest.mark.parametrize("link", ["snapshots", "snapshots/default"])
def test_update_refuses_a_symlinked_snapshot_folder(run_cli, catalog, outside, link):
    path = catalog / "acme" / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside if link == "snapshots" else outside / "default")
    result = unchanged(run_cli, catalog, outside, args=("catalog", "check", catalog, "--update"))
    refused(result, link, "symbolic link")


def test_update_refuses_a_symlinked_snapshot_file(run_cli, catalog, outside):
    path = catalog / "acme" / SNAPSHOT
    path.parent.mkdir(parents=True)
    path.symlink_to(outside / "default" / "keep.txt")
    result = unchanged(run_cli, catalog, outside, args=("catalog", "check", catalog, "--update"))
    refused(result, "deployment_process.ocl", "symbolic link")


def test_update_refuses_a_template_folder_that_is_a_symlink(run_cli, tmp_path):
    # The link stays inside the catalog, so reading is fine; writing through it is not.
    catalog = make_catalog(tmp_path / "catalog")
    os.rename(catalog / "acme", catalog / "_store")
    (catalog / "acme").symlink_to(catalog / "_store")
    assert run_cli("catalog", "list", "--catalog", catalog).returncode == 0
    result = unchanged(run_cli, catalog, args=("catalog", "check", catalog, "--update"))
    refused(result, "acme", "symbolic link")


def test_update_changes_nothing_when_a_later_template_is_refused(run_cli, catalog, outside):
    make_catalog(catalog, "zeta")
    (catalog / "zeta" / "snapshots").symlink_to(outside)
    result = unchanged(run_cli, catalog, outside, args=("catalog", "check", catalog, "--update"))
    refused(result, "zeta", "symbolic link")
    assert not (catalog / "acme" / "snapshots").exists()


def test_update_still_writes_and_rewrites_snapshots(run_cli, catalog):
    assert run_cli("catalog", "check", catalog, "--update").returncode == 0
    snapshot = catalog / "acme" / SNAPSHOT
    snapshot.write_text("changed\n")
    (snapshot.parent / "extra.ocl").write_text("left over\n")
    result = run_cli("catalog", "check", catalog, "--update")
    assert result.returncode == 0, result.stderr
    assert "snapshot written: examples/default.yaml" in result.stdout
    assert snapshot.read_text().startswith("step ")
    assert not (snapshot.parent / "extra.ocl").exists()
    assert run_cli("catalog", "check", catalog).returncode == 0


# --- 3. no catalog file is read through a link leading out of the catalog ---------------------


def test_a_manifest_linked_from_outside_is_refused(run_cli, catalog, outside):
    manifest = catalog / "acme" / "template.yaml"
    (outside / "template.yaml").write_text(manifest.read_text())
    manifest.unlink()
    manifest.symlink_to(outside / "template.yaml")
    for args in (("catalog", "list", "--catalog", catalog), ("catalog", "check", catalog)):
        refused(run_cli(*args), "acme/template.yaml", "outside")


def test_a_template_folder_linked_from_outside_is_refused(run_cli, catalog, tmp_path):
    elsewhere = make_catalog(tmp_path / "elsewhere", "beta")
    (catalog / "beta").symlink_to(elsewhere / "beta")
    refused(run_cli("catalog", "list", "--catalog", catalog), "beta/template.yaml", "outside")


@pytest.mark.parametrize("name", ["deployment_process.ocl.j2", "scripts/deploy.sh", "examples/default.yaml"])
def test_check_refuses_template_files_linked_from_outside(run_cli, catalog, outside, name):
    path = catalog / "acme" / name
    (outside / "copy").write_text(path.read_text())
    path.unlink()
    path.symlink_to(outside / "copy")
    refused(run_cli("catalog", "check", catalog), name, "outside")


def test_check_refuses_a_snapshot_linked_from_outside(run_cli, catalog, outside):
    (catalog / "acme" / "snapshots").symlink_to(outside)
    refused(run_cli("catalog", "check", catalog), "snapshots", "symbolic link")


# --- 4. manifests that would crash or hang the YAML loader ------------------------------------


def test_a_deeply_nested_manifest_is_refused(run_cli, catalog):
    (catalog / "acme" / "template.yaml").write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = run_cli("catalog", "list", "--catalog", catalog, timeout=20)
    refused(result, "template.yaml", "nested")


def test_a_yaml_alias_bomb_in_a_manifest_is_refused(run_cli, catalog):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    (catalog / "acme" / "template.yaml").write_text("\n".join(lines) + "\n")
    result = run_cli("catalog", "check", catalog, timeout=20)
    refused(result, "template.yaml", "alias")


@pytest.mark.parametrize("example", ["[" * 50_000, 'a: &a ["x"]\nb: *a\n'])
def test_examples_that_would_crash_or_hang_the_loader_are_refused(run_cli, catalog, example):
    (catalog / "acme" / "examples" / "default.yaml").write_text(example)
    refused(run_cli("catalog", "check", catalog, timeout=20), "examples/default.yaml")


def test_a_manifest_that_is_a_fifo_is_refused(run_cli, catalog):
    manifest = catalog / "acme" / "template.yaml"
    manifest.unlink()
    os.mkfifo(manifest)
    refused(run_cli("catalog", "list", "--catalog", catalog, timeout=20), "template.yaml", "regular file")


def test_an_example_that_is_a_fifo_is_refused(run_cli, catalog):
    example = catalog / "acme" / "examples" / "default.yaml"
    example.unlink()
    os.mkfifo(example)
    refused(run_cli("catalog", "check", catalog, timeout=20), "default.yaml", "regular file")


def test_a_manifest_date_is_a_clear_error(run_cli, catalog):
    # YAML reads 2024-01-01 as a date, which the manifest cache cannot hold as JSON.
    manifest = catalog / "acme" / "template.yaml"
    manifest.write_text(manifest.read_text().replace("version: 0.1.0", "version: 2024-01-01"))
    refused(run_cli("catalog", "list", "--catalog", catalog), "template.yaml", "version")


# --- 5. unreadable and undecodable files ------------------------------------------------------


def test_a_manifest_that_is_not_utf8_is_refused(run_cli, catalog):
    (catalog / "acme" / "template.yaml").write_bytes(b"id: acme\ntitle: \xff\xfe\n")
    refused(run_cli("catalog", "list", "--catalog", catalog), "template.yaml:2", "UTF-8")


def test_an_example_that_is_not_utf8_is_refused(run_cli, catalog):
    (catalog / "acme" / "examples" / "default.yaml").write_bytes(b"project: {name: \xff}\n")
    refused(run_cli("catalog", "check", catalog), "default.yaml", "UTF-8")


def test_an_example_that_is_not_a_spec_is_a_failed_check(run_cli, catalog):
    (catalog / "acme" / "examples" / "default.yaml").write_text("- just\n- a list\n")
    result = run_cli("catalog", "check", catalog)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "acme: FAILED" in result.stdout and "a spec is a mapping" in result.stdout


def test_a_snapshot_that_is_not_utf8_is_refused_then_rewritten_by_update(run_cli, catalog):
    (catalog / "acme" / SNAPSHOT).parent.mkdir(parents=True)
    (catalog / "acme" / SNAPSHOT).write_bytes(b"step \xff\n")
    result = unchanged(run_cli, catalog, args=("catalog", "check", catalog))
    refused(result, "deployment_process.ocl", "UTF-8", "--update")
    assert run_cli("catalog", "check", catalog, "--update").returncode == 0
    assert run_cli("catalog", "check", catalog).returncode == 0


@pytest.mark.parametrize("name", ["template.yaml", "examples/default.yaml"])
def test_a_catalog_file_that_cannot_be_opened_is_refused(run_cli, catalog, name):
    # A link to itself cannot be opened even by root (ELOOP), like a file without read permission.
    path = catalog / "acme" / name
    path.unlink()
    path.symlink_to(path.name)
    refused(run_cli("catalog", "check", catalog), Path(name).name, "cannot read")


def test_a_snapshot_file_that_is_a_fifo_is_refused(run_cli, catalog):
    snapshot = catalog / "acme" / SNAPSHOT
    snapshot.parent.mkdir(parents=True)
    os.mkfifo(snapshot)
    refused(run_cli("catalog", "check", catalog, timeout=20), "deployment_process.ocl", "regular file")


@pytest.fixture
def unprivileged(as_user):
    """as_user: run_cli drops to it inside the interpreter, so this works even where Python lives
    in a folder that user cannot read."""
    return as_user


@pytest.mark.parametrize("name", ["template.yaml", "deployment_process.ocl.j2", "scripts/deploy.sh",
                                  "examples/default.yaml", SNAPSHOT, "."])
def test_unreadable_catalog_files_are_refused(run_cli, unprivileged, shared_tmp, name):
    catalog = make_catalog(shared_tmp / "catalog")
    assert run_cli("catalog", "check", catalog, "--update").returncode == 0
    for root, dirs, files in os.walk(catalog):
        for entry in dirs + files:
            os.chown(Path(root, entry), unprivileged.uid or os.getuid(), -1)
    (catalog / "acme" / name).chmod(0)
    try:
        result = run_cli("catalog", "check", catalog, user=unprivileged)
        refused(result, "acme", "permission denied")
    finally:
        (catalog / "acme" / name).chmod(0o755)


# --- catalog new: a dangling link where it writes ---------------------------------------------


def test_new_refuses_a_dangling_symlink_in_place_of_the_template_folder(run_cli, tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "acme").symlink_to(tmp_path / "nowhere")
    result = unchanged(run_cli, tmp_path, args=("catalog", "new", "acme", "--dir", catalog))
    refused(result, "acme", "exists")


def test_new_refuses_a_dir_that_is_a_dangling_symlink(run_cli, tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    (tmp_path / "catalog").symlink_to(tmp_path / "nowhere")
    result = unchanged(run_cli, tmp_path, args=("catalog", "new", "acme", "--dir", tmp_path / "catalog"))
    refused(result, "catalog")


def test_new_refuses_a_dir_that_is_a_file(run_cli, tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    (tmp_path / "catalog").write_text("a file\n")
    result = unchanged(run_cli, tmp_path, args=("catalog", "new", "acme", "--dir", tmp_path / "catalog"))
    assert result.returncode == 2 and "Traceback" not in result.stderr  # click's own usage error
    assert "is a file" in result.stderr


def test_a_template_that_fails_to_render_is_a_failed_check_not_an_error(run_cli, catalog):
    (catalog / "acme" / "variables.ocl.j2").write_text("{{ no_such_name }}\n")
    (catalog / "acme" / "examples" / "default.json").write_text('{"project": {"name": "X"}, "template": "acme"}')
    set_examples(catalog, "examples/default.yaml", "examples/default.json")
    result = run_cli("catalog", "check", catalog)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "acme: FAILED (2 examples)" in result.stdout and "no_such_name" in result.stdout


def test_a_deeply_nested_json_example_is_refused(run_cli, catalog):
    (catalog / "acme" / "examples" / "default.json").write_text("[" * 100_000 + "]" * 100_000)
    set_examples(catalog, "examples/default.json")
    refused(run_cli("catalog", "check", catalog), "default.json", "nested")


def test_control_characters_in_example_names_are_not_sent_to_the_terminal(run_cli, catalog):
    example = catalog / "acme" / "examples" / "default.yaml"
    os.rename(example, example.with_name("\x1b[2Jred.yaml"))
    manifest = catalog / "acme" / "template.yaml"
    manifest.write_text(manifest.read_text().replace("  - examples/default.yaml", '  - "examples/\\e[2Jred.yaml"'))
    result = run_cli("catalog", "check", catalog, "--update")
    assert result.returncode == 0, result.stderr
    assert "snapshot written: examples/\\x1b[2Jred.yaml" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    assert (catalog / "acme" / "snapshots" / "\x1b[2Jred").is_dir()


def test_new_in_a_folder_that_cannot_be_written_is_refused(run_cli, unprivileged, shared_tmp):
    catalog = shared_tmp / "catalog"
    catalog.mkdir(mode=0o555)
    result = unchanged(run_cli, catalog, args=("catalog", "new", "acme", "--dir", catalog), user=unprivileged)
    refused(result, "acme", "cannot create")


def test_manifest_errors_show_no_control_characters(run_cli, catalog):
    manifest = catalog / "acme" / "template.yaml"
    manifest.write_text(manifest.read_text() + '"\\e[2Jbad\\nline": 1\n')
    line = refused(run_cli("catalog", "list", "--catalog", catalog), "template.yaml", "bad")
    assert "\x1b" not in line and "\\x1b[2Jbad\\nline" in line
