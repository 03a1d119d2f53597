"""Cold-process timings of the CLI against peers, interleaved (run by hand: `python benchmarks/cli.py`).

Each round runs every command once, in turn, so a busy moment of the machine costs all of them
alike; the table shows medians over the rounds and ratios. Commands:

- `python -c pass`: the floor any Python CLI pays;
- `octoscaffold --help` (target: under 150 ms) and an offline `octoscaffold new` from the seed
  prompt (target: at most 0.5x `copier copy` and faster than `cookiecutter`);
- `copier copy` and `cookiecutter` making the same six files from a template that holds them,
  with the project name as their one question (`--peers DIR`: a virtual environment or bin folder
  where they are installed; default: PATH). They only copy files; octoscaffold also understands
  the prompt, applies the policy, renders, parses and lints.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'
NAME = "OctoPub SAM"


def peer_templates(root: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """A copier and a cookiecutter template that write `files` with the project name asked."""
    copier = root / "copier-template"
    cookie = root / "cookiecutter-template"
    (copier).mkdir()
    (copier / "copier.yml").write_text(f'project_name:\n  type: str\n  default: "{NAME}"\n')
    (cookie / "{{cookiecutter.out}}").mkdir(parents=True)
    (cookie / "cookiecutter.json").write_text(f'{{"project_name": "{NAME}", "out": "out"}}\n')
    for path, text in files.items():
        raw = text.replace("{{", "{{ '{{' }}").replace("{%", "{{ '{%' }}")  # literal braces stay literal
        templated = raw.replace(NAME, "{{ project_name }}")
        target = copier / (path + ".jinja")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(templated)
        target = cookie / "{{cookiecutter.out}}" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(templated.replace("{{ project_name }}", "{{ cookiecutter.project_name }}"))
    return copier, cookie


# Every tool runs as an installed one does: from compiled bytecode (pip writes it at install; the
# warm-up run writes what an editable install lacks). A shell with PYTHONDONTWRITEBYTECODE would
# otherwise make each run recompile octoscaffold's sources but not the peers' installed ones.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--peers", type=Path, help="venv or bin folder holding copier and cookiecutter")
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("octoscaffold")
    exe = str(beside) if beside.exists() else shutil.which("octoscaffold")
    if not exe:
        sys.exit("octoscaffold is not installed in this environment")
    scratch = Path(tempfile.mkdtemp(prefix="octoscaffold-bench-"))
    counter = iter(range(10**6))
    fresh = lambda: str(scratch / f"out-{next(counter)}")  # noqa: E731

    from octoscaffold import scaffold

    files = scaffold.build(scaffold.plan(SEED)).files
    copier_template, cookie_template = peer_templates(scratch, files)
    search = [args.peers / "bin", args.peers] if args.peers else []
    where = {name: next((str(p / name) for p in search if (p / name).exists()), shutil.which(name))
             for name in ("copier", "cookiecutter")}

    commands = {
        "python -c pass (floor)": lambda: [sys.executable, "-c", "pass"],
        "octoscaffold --help": lambda: [exe, "--help"],
        "octoscaffold new (offline)": lambda: [exe, "new", SEED, "--out", fresh()],
    }
    if where["copier"]:
        commands["copier copy (peer)"] = lambda: [where["copier"], "copy", "--defaults", "--quiet",
                                                  str(copier_template), fresh()]
    if where["cookiecutter"]:
        commands["cookiecutter (peer)"] = lambda: [where["cookiecutter"], "--no-input", "-o", fresh(),
                                                   str(cookie_template)]
    for name in ("copier", "cookiecutter"):
        if not where[name]:
            print(f"({name} not found: `pip install {name}` in a venv and pass --peers VENV to compare)")

    for make in commands.values():  # warm the OS file cache and compiled-template caches
        timed(make())
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, make in commands.items():
            times[name].append(timed(make()))
    shutil.rmtree(scratch, ignore_errors=True)

    median = {name: statistics.median(values) for name, values in times.items()}
    new = median["octoscaffold new (offline)"]
    print(f"\nmedian of {args.runs} interleaved rounds (ms)")
    print(f"{'command':30} {'ms':>8} {'new / this':>11}")
    for name, ms in median.items():
        print(f"{name:30} {ms:8.1f} {new / ms:11.2f}")
    if "copier copy (peer)" in median:
        ratio = new / median["copier copy (peer)"]
        print(f"\nnew is {ratio:.2f}x copier copy (target at most 0.50): {'ok' if ratio <= 0.5 else 'SLOW'}")
    if "cookiecutter (peer)" in median:
        ratio = new / median["cookiecutter (peer)"]
        print(f"new is {ratio:.2f}x cookiecutter (target under 1.00): {'ok' if ratio < 1 else 'SLOW'}")
    print(f"--help: {median['octoscaffold --help']:.0f} ms (target under 150): "
          f"{'ok' if median['octoscaffold --help'] < 150 else 'SLOW'}")


if __name__ == "__main__":
    main()
