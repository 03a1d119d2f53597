"""Shared fixtures.

`../shared` (reference material and the OCL corpus) sits beside the repository. Tests that need it
skip with a message when it is absent; with CI=true they fail instead, so a broken path cannot pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


# Variables that would let the developer's setup change a test (a model, a key, a token, a server).
ISOLATED_PREFIXES = ("OCTOSCAFFOLD_", "OPENAI_", "AZURE_OPENAI_", "GH_", "GITHUB_", "GITLAB_", "OCTOPUS_")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the template cache of test runs out of the user's home."""
    os.environ["OCTOSCAFFOLD_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """No test sees the developer's environment: every OCTOSCAFFOLD_*, OPENAI_*, GH_*/GITHUB_*,
    GITLAB_* and OCTOPUS_* variable is cleared (but the test run's own cache folder), and HOME and
    the config folders point at an empty temporary home, so no user config, token or model is
    read and no real API is called. A test sets what it needs with monkeypatch."""
    cache = os.environ.get("OCTOSCAFFOLD_CACHE_DIR")
    for name in [n for n in os.environ if n.startswith(ISOLATED_PREFIXES)]:
        monkeypatch.delenv(name)
    if cache:
        monkeypatch.setenv("OCTOSCAFFOLD_CACHE_DIR", cache)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
SHARED = Path(os.environ.get("OCTOSCAFFOLD_SHARED", REPO.parent / "shared"))


def need_shared(*parts: str) -> Path:
    """Return a path inside ../shared, or skip (fail under CI) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: the reference material in ../shared is needed for this test"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def corpus_dir() -> Path:
    return need_shared("ocl-corpus")


@pytest.fixture
def snapshot_ocl(snapshot):
    """Snapshots stored in the top-level snapshots/ folder, one .ambr file per test module."""
    from syrupy.extensions.amber import AmberSnapshotExtension

    class TopLevelSnapshots(AmberSnapshotExtension):
        @classmethod
        def dirname(cls, *, test_location) -> str:
            return str(REPO / "snapshots")

    return snapshot.use_extension(TopLevelSnapshots)


SEED_PROMPT = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'
