"""The suite cannot be fooled by the developer's environment (see conftest._isolated_environment)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ISOLATED_PREFIXES, REPO


def test_no_token_model_or_server_of_the_developer_is_visible(tmp_path_factory):
    leaked = [name for name in os.environ if name.startswith(ISOLATED_PREFIXES) and name != "OCTOSCAFFOLD_CACHE_DIR"]
    assert leaked == []
    home = Path(os.environ["HOME"])
    assert home.is_relative_to(tmp_path_factory.getbasetemp()) and not any(home.iterdir())
    assert Path(os.environ["XDG_CONFIG_HOME"]).is_relative_to(home)


def test_a_model_and_a_key_in_the_developer_environment_change_no_test(tmp_path):
    """Run a few tests that would call a model if one leaked in, with a model, keys and tokens set."""
    env = {**os.environ, "OCTOSCAFFOLD_MODEL": "gpt-4o-mini", "OPENAI_API_KEY": "sk-not-a-real-key",
           "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "GH_TOKEN": "ghp_not_real", "OCTOPUS_API_KEY": "API-NOPE"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_cli.py", "-k", "new or plan"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert " passed" in done.stdout
