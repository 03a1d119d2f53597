"""Templates as an attacker writes them, in a catalog of their own and as a pull request body
template: they may not change the spec, build huge values, print forever or run forever
(issue 16, items 5 and 7)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import refused

ATTACKS = {
    "update-params": ('{% set _ = params.update({"region": "evil"}) %}', "has no attribute 'update'"),
    "append-environment": ('{% set _ = spec.lifecycle.environments.append("Hacked") %}', "has no attribute 'append'"),
    "model-method": ("{% set _ = spec.project.model_copy() %}", "templates may only read values"),
    "manifest-method": ("{% set _ = manifest.model_dump() %}", "templates may only read values"),
    "ljust": ('{{ "x".ljust(2000000000) }}', "a value that large"),
    "center": ('{{ "x".center(999999999) }}', "a value that large"),
    "zfill": ('{{ "1".zfill(999999999) }}', "a value that large"),
    "format-width": ('{{ "{:>2000000000}".format(1) }}', "a value that large"),
    "format-nested-width": ('{{ "{:>{w}}".format(1, w=2000000000) }}', "width from its arguments"),
    "format-map-width": ('{{ "{x:>2000000000}".format_map({"x": 1}) }}', "a value that large"),
    "format-map-bad": ('{{ "{x}".format_map(1) }}', "TypeError"),
    "percent-width": ('{{ "%2000000000d" % 1 }}', "a value that large"),
    "percent-star": ('{{ "%*d" % (2000000000, 1) }}', "width from its arguments"),
    "multiply": ('{{ "x" * 2000000000 }}', "a value that large"),
    "power": ("{{ 10 ** 100000000 }}", "exponent"),
    "replace": ('{{ "ab".replace("", "x" * 900000) }}', "a value that large"),
    "expandtabs": ('{{ ("\t" * 900000).expandtabs(100) }}', "a value that large"),
    "plus-doubling": ("{% set n = namespace(v=\"xxxxxxxxxx\") %}{% for i in range(40) %}{% set n.v = n.v + n.v %}"
                      "{% endfor %}", "a value that large"),
    "tilde-doubling": ("{% set n = namespace(v=\"xxxxxxxxxx\") %}{% for i in range(40) %}{% set n.v = n.v ~ n.v %}"
                       "{% endfor %}", "memory allowance"),
    "endless-output": ('{% for i in range(99999) %}{% for j in range(99999) %}{{ "x" * 100 }}{% endfor %}{% endfor %}',
                       "passed 4,000,000 characters"),
    "endless-loop": ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
                     "longer than 1 s"),
    "private-attribute": ("{{ spec.__class__.__mro__ }}", "__class__"),
}


@pytest.fixture(scope="module")
def catalog_template(tmp_path_factory) -> Path:
    """A template made by `catalog new`, once; each test gets a copy to poison."""
    import sys

    folder = tmp_path_factory.mktemp("catalog")
    done = subprocess.run([sys.executable, "-m", "octoscaffold", "catalog", "new", "evil", "--dir", str(folder)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def evil(catalog_template, tmp_path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(catalog_template, folder)
    return folder


def poison(catalog: Path, attack: str) -> tuple[Path, str]:
    process = catalog / "evil" / "deployment_process.ocl.j2"
    process.write_text(attack + "\n" + process.read_text())
    spec = catalog.parent / "spec.yaml"
    spec.write_text("apiVersion: octoscaffold/v1\nproject:\n  name: Evil\ntemplate: evil\n")
    return spec, process.read_text()


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_hostile_catalog_template_is_stopped_with_one_line(run_cli, evil, tmp_path, name):
    attack, words = ATTACKS[name]
    spec, _ = poison(evil, attack)
    out = tmp_path / "out"
    result = run_cli("render", spec, "--out", out, "--catalog", evil, env={"OCTOSCAFFOLD_RENDER_TIMEOUT": "1"},
                     timeout=30)
    line = refused(result, words)
    assert "evil/deployment_process.ocl.j2" in line
    assert not out.exists()


def test_a_template_that_only_reads_renders(run_cli, evil, tmp_path):
    """The read-only views still read as before: fields, properties, lists, mappings, lengths."""
    spec, _ = poison(evil, "{# {{ spec.slug }} {{ params | length }} {{ spec.lifecycle.environments | join(',') }}"
                           " {{ manifest.id }} {{ project.name | upper }} #}")
    result = run_cli("render", spec, "--out", tmp_path / "out", "--catalog", evil)
    assert result.returncode == 0, result.stderr


def test_spec_values_reach_templates_read_only_and_the_stored_spec_is_unchanged(run_cli, evil, tmp_path):
    spec, _ = poison(evil, '{% set n = namespace(ok=true) %}{% for e in spec.lifecycle.environments %}{% endfor %}')
    result = run_cli("render", spec, "--out", tmp_path / "out", "--catalog", evil)
    assert result.returncode == 0, result.stderr
    stored = (tmp_path / "out/.octoscaffold/evil.yaml").read_text()
    assert "Hacked" not in stored and "evil" in stored


PR_ATTACKS = {
    "endless-loop": ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
                     "took longer than 1 s"),
    "huge-output": ('{% for i in range(99999) %}{% for j in range(99999) %}{{ "x" * 100 }}{% endfor %}{% endfor %}',
                    "passed 1,000,000 characters"),
    "ljust": ('{{ "x".ljust(2000000000) }}', "a value that large"),
    "not-utf8": (b"caf\xe9 {{ spec }}", "not UTF-8"),
    "syntax": ("{% for %}", "template syntax error"),
}


@pytest.fixture
def repository(tmp_path) -> Path:
    """A repository whose origin is a GitHub URL: a dry run renders the pull request body."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (["init", "-q", "-b", "main"],
                 ["-c", "user.name=Tester", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "start"],
                 ["remote", "add", "origin", "https://github.com/acme/deploy.git"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                       env={"GIT_CONFIG_GLOBAL": str(tmp_path / "home" / ".gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
                            "HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin:/usr/local/bin"})
    return repo


@pytest.mark.parametrize("name", sorted(PR_ATTACKS))
def test_a_hostile_pull_request_template_is_stopped_with_one_line(run_cli, repository, tmp_path, name, home):
    attack, words = PR_ATTACKS[name]
    template = tmp_path / "body.md.j2"
    template.write_bytes(attack if isinstance(attack, bytes) else attack.encode())
    result = run_cli("new", "lambda called orders", "--repo", repository, "--pr", "--dry-run",
                     "--pr-template", template, env={"OCTOSCAFFOLD_RENDER_TIMEOUT": "1"}, timeout=30)
    refused(result, words)
    assert subprocess.run(["git", "-C", str(repository), "branch", "--list"], capture_output=True,
                          text=True).stdout.split() == ["*", "main"]


def test_a_fifo_as_pull_request_template_is_refused(run_cli, repository, tmp_path):
    import os

    fifo = tmp_path / "body.md.j2"
    os.mkfifo(fifo)
    result = run_cli("new", "lambda called orders", "--repo", repository, "--pr", "--dry-run", "--pr-template", fifo)
    refused(result, "not a regular file")


def test_a_template_file_nobody_may_read_is_one_line(run_cli, catalog_template, shared_tmp, as_user):
    import os

    catalog = shared_tmp / "catalog"
    shutil.copytree(catalog_template, catalog)
    spec = shared_tmp / "spec.yaml"
    spec.write_text("apiVersion: octoscaffold/v1\nproject:\n  name: Evil\ntemplate: evil\n")
    for root, dirs, files in os.walk(shared_tmp):
        for entry in dirs + files:
            os.chown(Path(root, entry), as_user.uid if as_user.uid is not None else os.getuid(), -1)
    (catalog / "evil" / "deployment_process.ocl.j2").chmod(0)
    result = run_cli("render", spec, "--out", shared_tmp / "out", "--catalog", catalog, user=as_user)
    refused(result, "deployment_process.ocl.j2", "permission denied")
    assert not (shared_tmp / "out").exists()


def test_a_template_linked_to_a_huge_file_outside_is_not_read(run_cli, evil, tmp_path):
    huge = tmp_path / "huge.j2"
    with huge.open("wb") as stream:
        stream.truncate(3 * 1024**3)  # sparse: reading it would take seconds and gigabytes
    process = evil / "evil" / "deployment_process.ocl.j2"
    process.unlink()
    process.symlink_to(huge)
    spec = tmp_path / "spec.yaml"
    spec.write_text("apiVersion: octoscaffold/v1\nproject:\n  name: Evil\ntemplate: evil\n")
    result = run_cli("render", spec, "--out", tmp_path / "out", "--catalog", evil, timeout=20)
    refused(result, "deployment_process.ocl.j2")


def test_catalog_show_escapes_a_manifest_s_control_characters(run_cli, evil):
    manifest = evil / "evil" / "template.yaml"
    import re

    text = re.sub(r"^title: .*$", r'title: "\\e[31mRED\\e[0m\\rforged"', manifest.read_text(), count=1, flags=re.M)
    manifest.write_text(text)
    for command in (["catalog", "show", "evil"], ["catalog", "list"]):
        result = run_cli(*command, "--catalog", evil)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\r" not in result.stdout
        assert "\\x1b[31mRED" in result.stdout
