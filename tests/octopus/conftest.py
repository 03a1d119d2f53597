"""The stand-in Octopus server and a scaffolded project to apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from .fixtures import REPO_URL, base_space
from .server import API_KEY, StandIn

SEED = {
    "project": {"name": "OctoPub SAM", "group": "AWS"},
    "template": "aws-lambda",
}


@pytest.fixture
def standin():
    with StandIn(base_space()) as server:
        yield server


@pytest.fixture
def octopus_env(monkeypatch, standin):
    monkeypatch.setenv("OCTOPUS_URL", standin.url)
    monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
    return standin


def scaffold_into(folder: Path, **fields) -> Path:
    """Render a project into `folder` (spec in .octoscaffold/, OCL in .octopus/<slug>/)."""
    from octoscaffold import scaffold
    from octoscaffold.spec import spec_from_data

    data = {**SEED, **fields}
    result = scaffold.build(spec_from_data(data))
    scaffold.write(result, folder)
    return folder


@pytest.fixture(scope="session")
def _rendered(tmp_path_factory):
    return scaffold_into(tmp_path_factory.mktemp("scaffold"))


@pytest.fixture
def project_dir(tmp_path, _rendered):
    import shutil

    target = tmp_path / "repo"
    shutil.copytree(_rendered, target)
    return target


def publish_ocl(standin: StandIn, folder: Path, slug: str = "octopub-sam", branch: str = "main") -> None:
    """Put the project's steps on the branch of the stand-in's repository, as if the review branch
    were merged: what Octopus reads from Git once the project is connected."""
    from octoscaffold.ocl.view import load_project

    view = load_project(folder / ".octopus" / slug)
    steps = [{"Id": f"s{i}", "Name": step.name, "Slug": step.slug, "Actions": []} for i, step in enumerate(view.deployment_process.steps)]
    standin.space.git[(REPO_URL, f"refs/heads/{branch}", f".octopus/{slug}")] = {
        "process": {"Id": "deploymentprocess", "Steps": steps}, "variables": {"Variables": []}, "settings": {}}
