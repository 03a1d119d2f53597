"""Shared fixtures.

`../shared` (reference material and the OCL corpus) sits beside the repository. Tests that need it
skip with a message when it is absent; with CI=true they fail instead, so a broken path cannot pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
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
