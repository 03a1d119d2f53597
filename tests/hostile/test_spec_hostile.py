"""Specs as an attacker writes them: bombs, depth, sizes, odd characters, values that must come
back exactly, and `spec check` agreeing with `render` (issue 16, items 6, 8, 9 and 10)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import refused, tree

HEAD = "apiVersion: octoscaffold/v1\nproject:\n  name: App\ntemplate: aws-lambda\n"


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    return path


def both(run_cli, spec: Path, out: Path, *words: str) -> None:
    """`spec check` and `render` refuse the spec with the same line, and nothing is written."""
    checked = refused(run_cli("spec", "check", spec), *words)
    rendered = refused(run_cli("render", spec, "--out", out), *words)
    assert checked == rendered
    assert not out.exists()


def test_an_alias_bomb_is_refused_at_once(run_cli, tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = write(tmp_path, HEAD + "\n".join(lines) + "\n")
    assert bomb.stat().st_size < 1000
    both(run_cli, bomb, tmp_path / "out", "aliases")


@pytest.mark.parametrize(
    "body",
    [
        "parameters:\n  x: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "parameters:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(60)) + "  " * 61 + "v\n",
    ],
    ids=["flow", "block"],
)
def test_deep_yaml_is_refused_without_a_crash(run_cli, tmp_path, body):
    both(run_cli, write(tmp_path, HEAD + body), tmp_path / "out", "nested more than")


def test_deep_json_is_refused(run_cli, tmp_path):
    deep = json.dumps({"apiVersion": "octoscaffold/v1", "project": {"name": "App"}, "template": "aws-lambda"})
    deep = deep[:-1] + ', "parameters": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    spec = write(tmp_path, deep, "spec.json")
    both(run_cli, spec, tmp_path / "out", "spec.json")


def test_a_fifo_and_a_device_are_refused_instead_of_read_forever(run_cli, tmp_path):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    both(run_cli, fifo, tmp_path / "out", "not a regular file")
    both(run_cli, Path("/dev/zero"), tmp_path / "out", "not a regular file")


def test_a_huge_spec_is_refused_by_its_size(run_cli, tmp_path):
    spec = write(tmp_path, HEAD + "description: " + "x" * 1_200_000 + "\n")
    both(run_cli, spec, tmp_path / "out", "bytes")


def test_a_hundred_thousand_environments_are_refused_quickly(run_cli, tmp_path):
    data = {"apiVersion": "octoscaffold/v1", "project": {"name": "App"}, "template": "aws-lambda",
            "lifecycle": {"environments": [str(i) for i in range(100_000)]}}
    spec = write(tmp_path, json.dumps(data), "spec.json")
    both(run_cli, spec, tmp_path / "out", "lifecycle.environments", "at most 500")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("settings:\n  schema_version: " + "9" * 5000 + "\n", ["thousands of digits"]),
        ("parameters:\n  memory_size: " + "9" * 4000 + "\n", ["too large"]),
        ("settings:\n  schema_version: 100000\n", ["settings.schema_version"]),
        ('project:\n  name: "A\\0pp"\n', ["project.name", "NUL"]),
        ('project:\n  name: "A\\ud800pp"\n', ["project.name", "surrogate"]),
        ('variables:\n  - name: Project.X\n    value: "\\0"\n', ["variables", "NUL"]),
        ("runbooks:\n  - name: '!!!'\n", ["runbook name needs at least one letter"]),
        ("runbooks:\n  - name: Restart\n  - name: restart!\n", ["runbook names must be distinct"]),
        ("git:\n  base_path: /etc/octopus\n", ["git.base_path", "absolute"]),
        ("git:\n  base_path: C:/octopus\n", ["git.base_path", "absolute"]),
        ("git:\n  base_path: .git\n", ["git.base_path", ".git"]),
        ("git:\n  base_path: .git/hooks\n", ["git.base_path", ".git"]),
        ("git:\n  base_path: .GIT\n", ["git.base_path", ".git"]),
        ("git:\n  base_path: deploy/.Git/x\n", ["git.base_path", ".git"]),
        ("git:\n  base_path: ../outside\n", ["git.base_path", "inside the repository"]),
        ("git:\n  base_path: a/" + "x" * 300 + "\n", ["git.base_path", "too long"]),
        ('git:\n  base_path: "a\\tb"\n', ["git.base_path", "characters a path may not"]),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else None,
)
def test_values_that_cannot_be_written_are_refused_by_check_and_render_alike(run_cli, tmp_path, body, words):
    text = HEAD + body
    if body.startswith("project:"):
        text = text.replace("project:\n  name: App\n", "")
    both(run_cli, write(tmp_path, text), tmp_path / "out", *words)


def test_a_spec_that_is_not_utf8_is_refused(run_cli, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(HEAD.encode() + b"description: caf\xe9\n")
    both(run_cli, spec, tmp_path / "out", "not UTF-8")


def test_a_spec_path_with_bytes_that_are_not_utf8_is_named_escaped(run_cli, tmp_path):
    missing = os.fsencode(tmp_path) + b"/sp\xe9c.yaml"
    line = refused(run_cli("spec", "check", missing), "no such spec file")
    assert "sp\\udce9c.yaml" in line


def test_a_bad_spec_in_branch_mode_is_an_input_error(run_cli, tmp_path):
    spec = write(tmp_path, HEAD + "settings:\n  schema_version: 0\n")
    refused(run_cli("render", spec, "--dry-run", cwd=tmp_path), "schema_version")


TRICKY = ["a\nb\r", "a\r\nb", "x\x85y", "p\u2028q\u2029r", "c\x1cd\x1fe", "\ufeffbom", "tab\tz", " lead", "trail ",
          "two\n\nlines\n", 'quote " and \\ backslash', "#{Octopus.Action.Package[pkg].ExtractedPath}", "${x} %{y}",
          "EOT", "line\nEOT\nmore"]


def test_every_value_comes_back_exactly_from_the_ocl_and_the_stored_spec(run_cli, tmp_path):
    """Values with CR, NEL, separators, controls, a BOM, tags: the OCL and the stored spec hold
    them exactly, and rendering the stored spec again gives the same bytes."""
    from octoscaffold.ocl.view import load_project
    from octoscaffold.spec import load_spec

    data = {"apiVersion": "octoscaffold/v1", "project": {"name": "App", "description": TRICKY[2]},
            "template": "script",
            "variables": [{"name": f"Project.V{i}", "value": value} for i, value in enumerate(TRICKY)]}
    spec = write(tmp_path, json.dumps(data), "spec.json")
    out = tmp_path / "out"
    first = run_cli("render", spec, "--out", out)
    assert first.returncode == 0, first.stderr

    project = load_project(out / ".octopus/app")
    values = {v.name: v.values[0].value for v in project.variables}
    assert [values[f"Project.V{i}"] for i in range(len(TRICKY))] == TRICKY
    stored = load_spec(out / ".octoscaffold/app.yaml")
    assert [v.value for v in stored.variables] == TRICKY
    assert stored.project.description == TRICKY[2]

    before = tree(out)
    again = run_cli("render", out / ".octoscaffold/app.yaml", "--out", out, "--force")
    assert again.returncode == 0, again.stderr
    assert tree(out) == before


def test_templates_cannot_change_the_stored_spec_through_the_context(run_cli, tmp_path):
    """The orchestration kind builds its own list in the template: still allowed."""
    spec = write(tmp_path, "apiVersion: octoscaffold/v1\nproject:\n  name: Shop\ntemplate: orchestration\n"
                 "parameters:\n  child_projects: [shop-api, shop-web, shop-api]\n")
    result = run_cli("render", spec, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    process = (tmp_path / "out/.octopus/shop/deployment_process.ocl").read_text()
    assert process.count('step "deploy-') == 2


@pytest.mark.parametrize("value", ["abc", "-1", "0", "nan", "inf", "1e309", "99999"])
def test_a_bad_render_timeout_setting_is_one_line(run_cli, tmp_path, value):
    spec = write(tmp_path, HEAD)
    line = refused(run_cli("render", spec, "--out", tmp_path / "out", env={"OCTOSCAFFOLD_RENDER_TIMEOUT": value}),
                   "OCTOSCAFFOLD_RENDER_TIMEOUT")
    assert "seconds" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["settings", "lint"])
def test_a_binary_settings_file_is_one_line(run_cli, tmp_path, where):
    work = tmp_path / "work"
    work.mkdir()
    (work / ".octoscaffold.toml").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    if where == "settings":
        result = run_cli("new", "lambda called orders", "--out", "o", cwd=work)
    else:
        (work / "p").mkdir()
        (work / "p" / "deployment_process.ocl").write_text('step "a" {\n    name = "A"\n}\n')
        result = run_cli("lint", "p", cwd=work)
    refused(result, ".octoscaffold.toml", "not UTF-8")
    assert sorted(p.name for p in work.iterdir()) == [".octoscaffold.toml"] + (["p"] if where == "lint" else [])


@pytest.mark.parametrize(
    ("text", "name", "words"),
    [
        ("", "spec.yaml", ["the spec is empty"]),
        ("# only a comment\n", "spec.yaml", ["the spec is empty"]),
        ("apiVersion: octoscaffold/v1\nproject:\n\tname: App\ntemplate: aws-lambda\n", "spec.yaml",
         ["spec.yaml:3:1", "indent with spaces"]),
        (HEAD + "parameters:\n  memory_size: .nan\n", "spec.yaml", ["parameters.memory_size: must be text, a whole number"]),
        ('{"apiVersion": "octoscaffold/v1", "project": {"name": "App"}, "template": "aws-lambda", '
         '"parameters": {"memory_size": 1e400}}', "spec.json", ["parameters.memory_size: must be", "inf"]),
    ],
    ids=["empty", "comment-only", "tabs", "nan", "infinity"],
)
def test_what_a_hurried_hand_writes_is_one_plain_line(run_cli, tmp_path, text, name, words):
    line = refused(run_cli("spec", "check", write(tmp_path, text, name)), *words)
    assert line.count("must be") <= 1  # one error for a value that fits no kind of parameter, not one per kind


def test_a_name_that_would_display_reversed_is_printed_escaped(run_cli, tmp_path):
    """A right-to-left override in a file name (text shown in another order than it reads) is
    escaped like any control character."""
    missing = tmp_path / "spec\u202elmay.yaml"
    line = refused(run_cli("spec", "check", missing), "no such spec file")
    assert "\u202e" not in line and "\\u202e" in line


def test_printable_escapes_controls_separators_and_bidirectional_overrides():
    from octoscaffold.inputs import printable

    for char in ("\x00", "\x1b", "\x85", "\u2028", "\u202a", "\u202e", "\u2066", "\u2069", "\u200f", "\ud800"):
        assert char not in printable(f"a{char}b"), repr(char)
    assert printable("tab\tand ümlaut, 漢字") == "tab\tand ümlaut, 漢字"
