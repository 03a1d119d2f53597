"""One settings reader: one search rule for every command, the user config where platformdirs says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from octoscaffold.errors import UserError
from octoscaffold.settings import find_repository_config, read_table, user_config_path


def test_the_search_stops_at_the_repository_root(tmp_path):
    (tmp_path / ".octoscaffold.toml").write_text('[llm]\nmodel = "from-above-the-repository"\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    deep = repo / "services" / "orders"
    deep.mkdir(parents=True)
    assert find_repository_config(deep) is None
    (repo / ".octoscaffold.toml").write_text('[llm]\nmodel = "repo"\n')
    assert find_repository_config(deep) == repo / ".octoscaffold.toml"
    (deep / ".octoscaffold.toml").write_text("[lint]\n")
    assert find_repository_config(deep / "file.ocl") == deep / ".octoscaffold.toml"


def test_llm_lint_and_catalog_settings_use_the_same_rule(tmp_path, monkeypatch):
    """A file above the repository is read by no command (it used to be read by the LLM settings)."""
    from octoscaffold.config import llm_settings
    from octoscaffold.lint.config import find_config

    (tmp_path / ".octoscaffold.toml").write_text('[llm]\nmodel = "leaked"\n[catalog]\npaths = ["nowhere"]\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    monkeypatch.chdir(repo)
    assert llm_settings().model is None
    assert find_config(repo) is None


def test_the_user_config_follows_xdg_and_platformdirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert user_config_path() == tmp_path / "xdg" / "octoscaffold" / "config.toml"
    assert user_config_path({"HOME": str(tmp_path)}) == tmp_path / ".config" / "octoscaffold" / "config.toml"


def test_a_table_that_is_not_a_table_and_a_file_that_is_not_toml_are_one_line(tmp_path):
    path = tmp_path / ".octoscaffold.toml"
    path.write_text('llm = "x"\n')
    with pytest.raises(UserError, match=r"\[llm\] must be a table"):
        read_table(path, "llm")
    path.write_text("[llm\n")
    with pytest.raises(UserError, match="not valid TOML"):
        read_table(path, "llm")


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / ".octoscaffold.toml"
    path.write_text('[llm]\nmodel = "one"\n')
    assert read_table(path, "llm") == {"model": "one"}
    read_table(path, "llm")["model"] = "changed by a caller"
    assert read_table(path, "llm") == {"model": "one"}
    path.write_text('[llm]\nmodel = "two-two"\n')
    os.utime(path, ns=(1, 1))
    assert read_table(path, "llm") == {"model": "two-two"}


def test_help_does_not_import_platformdirs():
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "octoscaffold", "--help"],
                          capture_output=True, text=True, cwd=Path(__file__).parent)
    assert done.returncode == 0
    assert "platformdirs" not in done.stderr
