"""openai (and its HTTP client) load only when the LLM parser actually makes a request."""

from __future__ import annotations

import subprocess
import sys


def test_rules_path_imports_no_openai(tmp_path):
    code = (
        "import sys\n"
        "from octoscaffold.catalog import load_catalog\n"
        "from octoscaffold.understand import understand\n"
        "spec, used = understand('Create a lambda project called \"X\"', load_catalog(), parser='auto')\n"
        "assert used == 'rules', used\n"
        "print(sorted(m for m in ('openai', 'httpx', 'httpx2') if m in sys.modules))\n"
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, check=True
    )
    assert result.stdout.strip() == "[]"
