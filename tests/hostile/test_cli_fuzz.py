"""Random command lines built from hostile pieces, in process and bounded in time: every run ends
with a documented exit code and no exception, and nothing outside the work folder changes."""

from __future__ import annotations

import os
import random
import time

import pytest
from click.testing import CliRunner

from octoscaffold.cli import cli

from .conftest import tree

SEED = 16
BUDGET_SECONDS = 10.0
MAX_CASES = 300
SPEC = "apiVersion: octoscaffold/v1\nproject:\n  name: App\ntemplate: aws-lambda\n"


@pytest.fixture
def arena(tmp_path, monkeypatch):
    """A work folder full of traps, and a folder beside it that must never change."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in [k for k in os.environ if k.startswith(("OCTOSCAFFOLD_MODEL", "OPENAI_", "GH_", "GITHUB_", "GITLAB_"))]:
        monkeypatch.delenv(name)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.ocl").write_text('step "x" {\n    name = "X"\n}\n')
    work = tmp_path / "work"
    work.mkdir()
    (work / "spec.yaml").write_text(SPEC)
    (work / "bomb.yaml").write_text(SPEC + "a: &a [x, x, x, x]\nb: [*a, *a, *a, *a]\n")
    (work / "binary.yaml").write_bytes(b"\x00\xff\xfe" * 100)
    (work / "deep.json").write_text("[" * 5000 + "]" * 5000)
    (work / "bad.ocl").write_text('step "a" {\n    name = "\\q"\n}\n')
    (work / "nul.ocl").write_bytes(b'step "a" {\n    name = "\x00"\n}\n')
    (work / "linked").symlink_to(outside, target_is_directory=True)
    (work / "loop").symlink_to(work / "loop")
    os.mkfifo(work / "fifo")
    monkeypatch.chdir(work)
    return work, outside


# `linked` (a link to the folder beside) is never named: a path the user types may be followed;
# the trap is for walks (`fmt .`, `lint .`) that must not follow links they find.
PATHS = ["spec.yaml", "bomb.yaml", "binary.yaml", "deep.json", "bad.ocl", "nul.ocl", "loop", "fifo", "/dev/zero", "missing.yaml", ".", "x" * 300, "caf\udce9", "-"]
PROMPTS = ["lambda called orders", "", " ", "k8s", "x" * 3000, "helm chart for \u202eevil", "\udcff", "\ufeffiis site",
           'Create an AWS Lambda project called "OctoPub SAM"', "terraform ; rm -rf / ; called t"]
OPTIONS = [[], ["--force"], ["--out", "out"], ["--out", "loop"], ["--out", "spec.yaml"],
           ["--out", "fifo"], ["--branch", "@"], ["--branch", "a..b"], ["--dry-run"], ["--strict"], ["--yes"],
           ["--template", "nope"], ["--environments", ",,,"], ["--name", "\udcff"], ["--format", "sarif"],
           ["--check"], ["--diff"], ["--output", "missing/dir/report.json"], ["--catalog", "loop"], ["--update"]]


def command_line(rng: random.Random) -> list[str]:
    kind = rng.choice(["new", "plan", "render", "spec check", "fmt", "lint", "catalog check", "catalog show"])
    args = kind.split()
    if kind in ("new", "plan"):
        args.append(rng.choice(PROMPTS))
    elif kind == "catalog show":
        args.append(rng.choice(["aws-lambda", "nope", "../x", "\udcff"]))
    else:
        args.append(rng.choice(PATHS))
    for _ in range(rng.randint(0, 3)):
        args += rng.choice(OPTIONS)
    return args


def test_random_hostile_command_lines_end_cleanly(arena):
    work, outside = arena
    before = tree(outside)
    runner = CliRunner()
    rng = random.Random(SEED)
    started = time.perf_counter()
    cases = 0
    problems = []
    while cases < MAX_CASES and time.perf_counter() - started < BUDGET_SECONDS:
        args = command_line(rng)
        cases += 1
        result = runner.invoke(cli, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"{args!r}: {type(result.exception).__name__}: {result.exception}")
        elif result.exit_code not in (0, 1, 2, 3):
            problems.append(f"{args!r}: exit {result.exit_code}")
    assert problems == [], problems[:5]
    assert tree(outside) == before
    assert cases >= 20
