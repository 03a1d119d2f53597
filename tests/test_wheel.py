"""`pip install .` must give a working command: the catalog ships inside the wheel."""

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SEED_PROMPT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        check=True,
    )
    (path,) = dist.glob("octoscaffold-*.whl")
    return path


def test_wheel_contains_the_catalog(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "octoscaffold/templates/ocl/aws-lambda/template.yaml" in names
    assert "octoscaffold/templates/ocl/_shared/approval-step.ocl.j2" in names
    assert "octoscaffold/cli.py" in names


@pytest.mark.slow
def test_installed_wheel_scaffolds_from_another_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(
        [str(bin_dir / "octoscaffold"), "new", SEED_PROMPT, "--out", "out"],
        cwd=elsewhere, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    project = elsewhere / "out/.octopus/octopub-sam"
    assert sorted(p.name for p in project.iterdir()) == [
        "deployment_process.ocl", "deployment_settings.ocl", "runbooks", "schema_version.ocl", "variables.ocl",
    ]
    proc = subprocess.run([str(bin_dir / "python"), "-m", "octoscaffold", "--version"], capture_output=True, text=True)
    assert proc.stdout.startswith("octoscaffold, version ")
