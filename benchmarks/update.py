"""Update 500 scaffolded projects in one repository after a catalog change.

Run by hand:  python benchmarks/update.py [--projects 500] [--mode branch|folder|check]
Target: under 30 seconds for 500 projects on a 2-core machine.

The repository holds projects of every built-in kind (made from each template's example specs,
renamed), committed on main; a tenth of them carry a hand edit. Version 2 of the catalog is the
built-in one with the shared scan step changed and a step added to the script kind, so every
project is behind. `check` reads and merges, `folder` writes in place, `branch` commits one
review branch per project (what `update --all` does in CI).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 30.0


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def make_repository(repo: Path, projects: int) -> None:
    from octoscaffold.catalog import load_catalog
    from octoscaffold.scaffold import build
    from octoscaffold.spec import load_spec

    catalog = load_catalog()
    examples = [t.folder / e for t in catalog.templates.values() for e in t.manifest.examples]
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for number in range(projects):
        spec = load_spec(examples[number % len(examples)])
        name = f"Service {number:04d}"
        spec = spec.model_copy(update={"project": spec.project.model_copy(update={"name": name, "slug": None})})
        spec = type(spec).model_validate(spec.model_dump(by_alias=True) | {"git": {}})
        for path, text in build(spec, catalog).files.items():
            target = repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if number % 10 == 0 and path.endswith("deployment_settings.ocl"):  # a hand edit to keep
                text = text.replace("allow_deployments_to_no_targets = true", "allow_deployments_to_no_targets = false")
            target.write_text(text, newline="")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "500 projects")


def make_catalog_v2(folder: Path) -> None:
    shutil.copytree(ROOT / "templates" / "ocl", folder)
    scan = next(folder.glob("_shared/*scan*.j2"))
    scan.write_text(scan.read_text().replace("notes = \"", "notes = \"(v2) "))
    for manifest in folder.glob("*/template.yaml"):
        manifest.write_text(manifest.read_text().replace("version: 1.0.0", "version: 1.1.0", 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--mode", choices=["check", "folder", "branch"], default="branch")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="octoscaffold-update-"))
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    os.environ.update(env)
    try:
        repo = work / "repo"
        started = time.perf_counter()
        make_repository(repo, options.projects)
        git(repo, "config", "user.name", "Bench")
        git(repo, "config", "user.email", "bench@example.com")
        make_catalog_v2(work / "v2")
        print(f"set-up: {options.projects} projects committed in {time.perf_counter() - started:.1f} s")
        command = [sys.executable, "-m", "octoscaffold", "update", "--all", "--catalog", str(work / "v2"), "--format", "json"]
        command += {"check": ["--check", "--repo", str(repo)], "folder": ["--out", str(repo)], "branch": ["--repo", str(repo)]}[options.mode]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=repo)
        seconds = time.perf_counter() - started
        if done.returncode not in (0, 1):
            print(done.stderr[-2000:] or done.stdout[-2000:])
            sys.exit(1)
        import json

        statuses = [item["status"] for item in json.loads(done.stdout)]
        counts = {status: statuses.count(status) for status in sorted(set(statuses))}
        print(f"update --all ({options.mode}): {len(statuses)} projects in {seconds:.1f} s "
              f"({seconds / max(len(statuses), 1) * 1000:.0f} ms each); {counts}")
        print(f"target {TARGET:.0f} s: {'met' if seconds <= TARGET else 'NOT met'} ({seconds / TARGET:.2f}× the target)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
