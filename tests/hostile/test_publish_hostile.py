"""Attacks on publishing: paths git would drop, branch names git refuses, local errors reported as
remote ones, credentials with `@` in remote URLs, and a forge that answers with forged lines.

Real git repositories in temp folders, a bare `origin` (file:// or HTTP through git http-backend)
and a GitHub/GitLab stand-in on 127.0.0.1; the CLI runs as a subprocess.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from publish.servers import FakeForge, GitServer

from octoscaffold import scaffold
from octoscaffold.errors import ForgeError, UserError
from octoscaffold.publish import git as publish_git
from octoscaffold.publish.forge import Forge, number, redact, web_address
from octoscaffold.spec import dump_spec

from .conftest import clean_environment, refused, tree

PROMPT = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'
BRANCH = "octoscaffold/octopub-sam"


# --- a user's repository, with a checkout that must stay exactly as it was -------------------


@pytest.fixture
def env(home) -> dict[str, str]:
    return clean_environment(home)


def use(env: dict, monkeypatch) -> None:
    """Make `env` the environment of this process (for tests that call the library)."""
    for name in list(os.environ):
        if name not in env:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def git(env: dict, repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], check=False, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path, env) -> Path:
    """`main` with one commit, a stash, a staged and an unstaged change, an untracked file."""
    path = tmp_path / "app"
    path.mkdir()
    git(env, path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("# app\n")
    git(env, path, "add", ".")
    git(env, path, "commit", "-q", "-m", "Initial commit")
    (path / "README.md").write_text("# app\nstashed\n")
    git(env, path, "stash", "push", "-q")
    (path / "staged.txt").write_text("staged\n")
    git(env, path, "add", "staged.txt")
    (path / "README.md").write_text("# app\nunstaged\n")
    (path / "notes.txt").write_text("untracked\n")
    return path


@pytest.fixture
def origin(tmp_path, env, repo) -> Path:
    bare = tmp_path / "origin.git"
    git(env, tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(env, repo, "remote", "add", "origin", bare.as_uri())
    git(env, repo, "push", "-q", "origin", "main")
    return bare


def state(env: dict, repo: Path) -> dict:
    """Working tree, index, HEAD, every ref and the stash, byte for byte."""
    dot_git = repo / ".git"
    return {
        "files": {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*"))
                  if p.is_file() and ".git" not in p.relative_to(repo).parts},
        "index": (dot_git / "index").read_bytes(),
        "HEAD": (dot_git / "HEAD").read_bytes(),
        "refs": git(env, repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "stash": git(env, repo, "stash", "list"),
    }


def spec_with_base_path(folder: Path, base_path: str) -> Path:
    text = dump_spec(scaffold.plan(PROMPT)).replace("base_path: .octopus/octopub-sam", f"base_path: {base_path!r}")
    assert repr(base_path) in text
    path = folder / "spec.yaml"
    path.write_text(text)
    return path


# --- 1. paths git would silently drop ----------------------------------------------------------


@pytest.mark.parametrize("base_path", [".git", ".git/hooks", ".GIT", "sub/.git", "a/.Git/b"])
def test_a_base_path_inside_a_dot_git_folder_is_refused(run_cli, env, repo, tmp_path, base_path):
    spec = spec_with_base_path(tmp_path, base_path)
    before = state(env, repo)
    result = run_cli("render", spec, "--repo", repo)
    refused(result, ".git")
    assert state(env, repo) == before


@pytest.mark.parametrize("path", [".git/hooks/post-checkout", ".GIT/config", "sub/.git/x", "a/.gIt",
                                  ".git./x", "git~1/x", "a/../b", "./a", "a//b", "/abs", "a/", "a\nb"])
def test_publishing_refuses_a_path_git_would_not_store(env, repo, monkeypatch, path):
    """Defence in depth below the spec validator: the library refuses such a path itself."""
    use(env, monkeypatch)
    before = state(env, repo)
    with publish_git.open_repo(repo) as handle, pytest.raises(UserError) as caught:
        publish_git.plan_branch(handle, {path: "x = 1\n"}, base_path="a", message="m", branch="review")
    assert "cannot commit" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert state(env, repo) == before


def test_a_commit_missing_a_reported_file_moves_no_ref(env, repo, monkeypatch):
    """If git still drops a file, the commit is thrown away before the branch points at it."""
    use(env, monkeypatch)
    before = state(env, repo)
    with publish_git.open_repo(repo) as handle:
        plan = publish_git.plan_branch(handle, {"ok/a.ocl": "a = 1\n"}, base_path="ok", message="m", branch="review")
        plan.files[".git/hooks/post-checkout"] = "#!/bin/sh\n"  # past the checks of plan_branch
        with pytest.raises(UserError) as caught:
            publish_git.commit_branch(plan, publish_git.author(handle))
    assert ".git/hooks/post-checkout" in str(caught.value) and "nothing was changed" in str(caught.value)
    assert not plan.moved
    assert state(env, repo) == before


def test_a_base_file_the_commit_would_replace_by_a_folder_is_refused(run_cli, env, repo):
    """A file `.octoscaffold` on main: git would silently drop it to make room for the spec folder."""
    git(env, repo, "stash", "push", "-q", "--include-untracked")
    (repo / ".octoscaffold").write_text("a file, not a folder\n")
    git(env, repo, "add", ".octoscaffold")
    git(env, repo, "commit", "-q", "-m", "a file named like the folder")
    git(env, repo, "stash", "pop", "-q")
    before = state(env, repo)
    result = run_cli("new", PROMPT, "--repo", repo)
    refused(result, ".octoscaffold", "nothing was changed")
    assert state(env, repo) == before


# --- 2. branch names git refuses ---------------------------------------------------------------

BAD_BRANCHES = ["@", "a..b", "x.lock", "a/x.lock/b", "-x", "a b", "~", "^", ":", "?", "*", "[", "\\", "a/", "/a",
                "a.", "@{", "a@{-1}", "@{-1}", "HEAD", ".hidden", "a//b", "a/.b", "tab\there", "esc\x1b[31m", "del\x7f"]
GOOD_BRANCHES = ["review/lambda", "octoscaffold/octopub-sam", "a.b", "a@b", "x-lock", "ünïcode", "a/b.c/d", "@a"]


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    """A repository with one commit and its environment, shared by the name checks (read only)."""
    root = tmp_path_factory.mktemp("judge")
    env = clean_environment(root)
    git(env, root, "init", "-q", "-b", "main")
    git(env, root, "commit", "-q", "--allow-empty", "-m", "one")
    return env, root


@pytest.mark.parametrize("name", BAD_BRANCHES + GOOD_BRANCHES)
def test_branch_names_are_judged_as_git_judges_them(judge, name):
    """The rules agree with `git check-ref-format --branch`, except `@`: git lets it pass, but every
    other command reads `@` as HEAD, so such a branch can never be named."""
    env, repo = judge
    done = subprocess.run(["git", "-C", str(repo), "check-ref-format", "--branch", name],
                          check=False, capture_output=True, text=True, env=env)
    git_accepts = done.returncode == 0 and done.stdout.strip() == name
    assert git_accepts == (name in GOOD_BRANCHES or name == "@")
    if name in GOOD_BRANCHES:
        publish_git.check_branch_name(name)
    else:
        with pytest.raises(UserError, match="is not a valid branch name for --branch"):
            publish_git.check_branch_name(name)


@pytest.mark.parametrize("name", ["@", "a..b", "esc\x1b[31m"])
def test_a_branch_name_git_refuses_is_one_clear_error(run_cli, env, repo, origin, name):
    before, remote = state(env, repo), git(env, origin, "for-each-ref")
    result = run_cli("new", PROMPT, "--repo", repo, "--branch", name, "--push")
    line = refused(result, "is not a valid branch name", "--branch")
    assert "\x1b" not in line
    assert state(env, repo) == before
    assert git(env, origin, "for-each-ref") == remote


def test_an_empty_branch_name_is_refused(run_cli, env, repo):
    before = state(env, repo)
    refused(run_cli("new", PROMPT, "--repo", repo, "--branch", ""), "empty", "--branch")
    assert state(env, repo) == before


@pytest.mark.parametrize("base", ["main~0", "@"])
def test_a_base_that_is_not_a_branch_name_is_refused(run_cli, env, repo, base):
    """`main~0` resolved to a commit and became the pull request's target branch."""
    before = state(env, repo)
    refused(run_cli("new", PROMPT, "--repo", repo, "--base", base), "--base")
    assert state(env, repo) == before


def test_a_current_branch_git_would_refuse_is_not_printed_raw(run_cli, env, repo):
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/x\x1b[2J..y\n")
    before = tree(repo)
    line = refused(run_cli("new", PROMPT, "--repo", repo), "not a valid branch name", "--base")
    assert "\x1b" not in line
    assert tree(repo) == before


# --- 3. local errors are input errors (exit 2), not failures of a remote (exit 3) -------------


def test_a_repository_git_refuses_to_use_is_exit_2(run_cli, env, repo, origin):
    git(env, repo, "config", "core.repositoryformatversion", "99")
    before = tree(repo)
    line = refused(run_cli("new", PROMPT, "--repo", repo, "--push"), str(repo), "repo version")
    assert "remote" not in line
    assert tree(repo) == before


def test_a_repository_with_a_missing_object_is_exit_2(run_cli, env, repo, origin):
    """A local git command failing is about this repository, not a remote: exit 2, git's words."""
    tree_id = git(env, repo, "rev-parse", "main^{tree}")
    (repo / ".git" / "objects" / tree_id[:2] / tree_id[2:]).unlink()
    before = tree(repo)
    line = refused(run_cli("new", PROMPT, "--repo", repo, "--push"), "git ls-tree failed", "not a tree object")
    assert "remote" not in line
    assert tree(repo) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the repository to another user")
def test_a_repository_owned_by_someone_else_is_exit_2_with_the_fix(run_cli, env, repo, origin):
    for root, dirs, files in os.walk(repo):
        for name in [".", *dirs, *files]:
            os.lchown(os.path.join(root, name), 65534, 65534)
    line = refused(run_cli("new", PROMPT, "--repo", repo, "--push"), "safe.directory")
    assert "no commits" not in line


def test_a_pull_request_template_that_is_not_text_is_exit_2(run_cli, env, repo, tmp_path):
    git(env, repo, "remote", "add", "origin", "https://github.com/acme/widgets.git")
    template = tmp_path / "body.j2"
    template.write_bytes(b"\xff\xfe not UTF-8")
    refused(run_cli("new", PROMPT, "--repo", repo, "--pr", "--dry-run", "--pr-template", template), "body.j2", "UTF-8")


def test_a_pull_request_template_that_is_a_fifo_is_exit_2_not_a_hang(run_cli, env, repo, tmp_path):
    git(env, repo, "remote", "add", "origin", "https://github.com/acme/widgets.git")
    fifo = tmp_path / "body.j2"
    os.mkfifo(fifo)
    result = run_cli("new", PROMPT, "--repo", repo, "--pr", "--dry-run", "--pr-template", fifo, timeout=20)
    refused(result, "body.j2")


def test_a_pull_request_template_without_pr_is_refused(run_cli, env, repo, tmp_path):
    template = tmp_path / "body.j2"
    template.write_text("{{ title }}\n")
    before = state(env, repo)
    refused(run_cli("new", PROMPT, "--repo", repo, "--pr-template", template), "--pr-template", "--pr")
    assert state(env, repo) == before


# --- 4. credentials in remote URLs, whatever they hold -----------------------------------------


@pytest.mark.parametrize("url, shown", [
    ("https://user:p@ss-TOKEN@host/repo.git", "https://host/repo.git"),
    ("https://p@ss@w@rd-TOKEN@host:8443/a/b.git", "https://host:8443/a/b.git"),
    ("ssh://git:TOKEN@host/a/b.git and http://x:TOKEN@y/z", "ssh://host/a/b.git and http://y/z"),
    ("https://host/a@b/c.git", "https://host/a@b/c.git"),  # an @ in the path is not a credential
    ("https://TOKEN@host?x", "https://host?x"),
])
def test_redaction_removes_the_whole_userinfo(url, shown):
    assert redact(url) == shown


def test_a_password_with_at_signs_never_shows(run_cli, env, repo):
    git(env, repo, "remote", "add", "origin", "http://user:p@ss-TOKEN@127.0.0.1:1/acme/widgets.git")
    dry = run_cli("new", PROMPT, "--repo", repo, "--push", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would push it to origin (http://127.0.0.1:1/acme/widgets.git)" in dry.stdout
    failed = run_cli("new", PROMPT, "--repo", repo, "--push")
    refused(failed, "could not push", code=3)
    unknown = run_cli("new", PROMPT, "--repo", repo, "--pr", "--dry-run")
    refused(unknown, "cannot tell which forge")
    for result in (dry, failed, unknown):
        assert "TOKEN" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_a_remote_url_with_control_characters_is_printed_escaped(run_cli, env, repo):
    git(env, repo, "config", "remote.origin.url", "https://example.invalid/a\x1b[2Jb\rc.git")
    result = run_cli("new", PROMPT, "--repo", repo, "--push", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert "Would push it to origin (https://example.invalid/a\\x1b[2Jb\\rc.git)" in result.stdout


# --- 5. what the forge answers is checked and escaped ------------------------------------------


@pytest.fixture
def served(tmp_path, env, repo):
    """acme/widgets over HTTP as `origin` and a forge on 127.0.0.1: (forge, CLI arguments per kind)."""
    root = tmp_path / "served"
    root.mkdir()
    server = GitServer(root)
    server.create("acme/widgets.git")
    git(env, repo, "remote", "add", "origin", server.url("acme/widgets.git"))
    forge = FakeForge(root).start()
    yield forge
    forge.close()
    server.close()


def open_pr(run_cli, repo, forge, kind: str):
    variable = "GH_TOKEN" if kind == "github" else "GITLAB_TOKEN"
    return run_cli("new", PROMPT, "--repo", repo, "--pr", "--forge-url", forge.api(kind), env={variable: forge.token})


FORGED = "https://forge.example/pull/1\nOpened pull request #2: https://evil.example"
URL_FIELD = {"github": "html_url", "gitlab": "web_url"}
NUMBER_FIELD = {"github": "number", "gitlab": "iid"}


@pytest.mark.parametrize("value", [FORGED, "javascript:alert(1)", "https://x.example/\x1b[2J", "https://a b.example/",
                                   "https://user@evil.example/", "http://", "", None, 7, ["https://x.example/"]])
def test_only_a_plain_web_address_is_taken_from_the_forge(value):
    forge = Forge("github", "https://api.github.com", "acme/widgets", "https://github.com/acme/widgets")
    with pytest.raises(ForgeError, match="not a web address") as caught:
        web_address(value, forge)
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert web_address("https://github.com/acme/widgets/pull/12", forge) == "https://github.com/acme/widgets/pull/12"


@pytest.mark.parametrize("value", [0, -1, True, False, "1", "1/../x", 1.0, None, 10**20])
def test_only_a_positive_integer_is_a_pull_request_number(value):
    forge = Forge("gitlab", "https://gitlab.com/api/v4", "acme/widgets", "https://gitlab.com/acme/widgets")
    with pytest.raises(ForgeError, match="not a positive integer"):
        number(value, forge)
    assert number(12, forge) == 12


@pytest.mark.parametrize("kind, url", [("github", FORGED), ("gitlab", "https://x.example/\x1b[2J")])
def test_a_pull_request_url_that_is_not_a_web_address_is_refused(run_cli, repo, served, kind, url):
    served.fail["POST"] = (201, {NUMBER_FIELD[kind]: 1, URL_FIELD[kind]: url, "title": "x\nForged: line"})
    result = open_pr(run_cli, repo, served, kind)
    line = refused(result, "not a web address", "pushed", code=3)
    assert "\x1b" not in line
    assert "evil.example" not in result.stdout and "Forged" not in result.stdout + result.stderr


@pytest.mark.parametrize("kind, number", [("github", True), ("gitlab", "1")])
def test_a_pull_request_number_that_is_not_a_positive_integer_is_refused(run_cli, repo, served, kind, number):
    served.fail["POST"] = (201, {NUMBER_FIELD[kind]: number, URL_FIELD[kind]: "https://forge.example/pull/1"})
    refused(open_pr(run_cli, repo, served, kind), "does not describe", code=3)


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_an_open_pull_request_with_a_forged_number_is_not_followed(run_cli, repo, served, kind):
    """A number like `1/../../x` would send the update (and the token) to another API path."""
    served.fail["GET"] = (200, [{NUMBER_FIELD[kind]: "1/../../../user/keys", "state": "open"}])
    refused(open_pr(run_cli, repo, served, kind), "number", code=3)
    assert [r.method for r in served.requests] == ["GET"]


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_an_error_message_from_the_forge_is_escaped(run_cli, repo, served, kind):
    served.fail["POST"] = (422, {"message": "Validation Failed\x1b[2J\x1b]0;title\x07\r\nocto: ok\u2028x"})
    result = open_pr(run_cli, repo, served, kind)
    line = refused(result, "Validation Failed", code=3)
    for char in ("\x1b", "\x07", "\r", "\u2028"):
        assert char not in result.stderr
    assert "\\x1b[2J" in line


def test_a_sound_answer_still_opens_the_pull_request(run_cli, repo, served):
    result = open_pr(run_cli, repo, served, "github")
    assert result.returncode == 0, result.stderr
    assert "Opened pull request #1: https://github.example/acme/widgets/pull/1" in result.stdout
