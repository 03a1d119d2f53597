"""Shared fixtures.

`../shared` (reference material and the OCL corpus) sits beside the repository. Tests that need it
skip with a message when it is absent; with CI=true they fail instead, so a broken path cannot pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the template cache of test runs out of the user's home."""
    os.environ["OCTOSCAFFOLD_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
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
