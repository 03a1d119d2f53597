"""Fixtures: a private git configuration, a user's repository with a dirty checkout, bare remotes
over file:// and HTTP, a GitHub/GitLab stand-in, and a byte-exact picture of the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from octoscaffold.cli import cli

from .servers import FakeForge, GitServer

PROMPT = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'
BRANCH = "octoscaffold/octopub-sam"
TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN")


def git(repo: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(autouse=True)
def private_git(tmp_path, monkeypatch):
    """Git reads and writes only a configuration of this test (the developer's is never used)."""
    home = tmp_path / "home"
    home.mkdir()
    config = home / ".gitconfig"
    config.write_text("[user]\n\tname = Rita Reviewer\n\temail = rita@example.com\n[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                 "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_ASKPASS", "SSH_ASKPASS", *TOKEN_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    return config


@pytest.fixture(scope="session")
def dirty_repo_template(tmp_path_factory) -> Path:
    """Built once, copied for each test: a repository on `main` with history, a stash, staged and
    unstaged changes and untracked files."""
    root = tmp_path_factory.mktemp("template")
    config = root / "gitconfig"
    config.write_text("[user]\n\tname = Template\n\temail = template@example.com\n")
    env = {**os.environ, "HOME": str(root), "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
    repo = root / "app"
    repo.mkdir()

    def run_git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)

    run_git("init", "-q", "-b", "main")
    (repo / "README.md").write_text("# app\n")
    (repo / "src").mkdir()
    (repo / "src/app.py").write_text("print('hello')\n")
    run_git("add", ".")
    run_git("commit", "-q", "-m", "Initial commit")
    (repo / "README.md").write_text("# app\n\nwork in progress\n")
    run_git("stash", "push", "-q", "-m", "saved for later")
    (repo / "src/app.py").write_text("print('hello, staged')\n")
    (repo / "staged.txt").write_text("staged\n")
    run_git("add", "src/app.py", "staged.txt")
    (repo / "src/app.py").write_text("print('hello, not staged')\n")
    (repo / "README.md").write_text("# app\n\nunstaged edit\n")
    (repo / "notes.txt").write_text("untracked\n")
    return repo


@pytest.fixture
def user_repo(tmp_path, dirty_repo_template) -> Path:
    repo = tmp_path / "app"
    shutil.copytree(dirty_repo_template, repo, symlinks=True)
    return repo


@pytest.fixture
def origin(tmp_path, user_repo) -> Path:
    """A bare repository as `origin`, over file://, holding main."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(user_repo, "remote", "add", "origin", bare.as_uri())
    git(user_repo, "push", "-q", "origin", "main")
    return bare


@pytest.fixture
def git_server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    server = GitServer(root)
    yield server
    server.close()


@pytest.fixture
def http_origin(git_server, user_repo) -> Path:
    """acme/widgets served over HTTP with basic auth, as `origin` (credentials in the URL)."""
    bare = git_server.create("acme/widgets.git")
    git(user_repo, "remote", "add", "origin", git_server.url("acme/widgets.git"))
    git(user_repo, "push", "-q", "origin", "main")
    return bare


@pytest.fixture
def forge(git_server):
    fake = FakeForge(git_server.root).start()
    yield fake
    fake.close()


def checkout_state(repo: Path) -> dict:
    """Everything the user sees of the checkout, byte for byte: files, index, HEAD, stash."""
    files = {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    dot_git = repo / ".git"
    return {
        "files": files,
        "index": (dot_git / "index").read_bytes(),
        "HEAD": (dot_git / "HEAD").read_bytes(),
        "main": git(repo, "rev-parse", "refs/heads/main"),
        "stash": git(repo, "rev-parse", "refs/stash"),
        "stash list": git(repo, "stash", "list"),
        "staged": git(repo, "diff", "--cached", "--name-status"),
    }


def branches(repo: Path) -> list[str]:
    return git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").splitlines()
