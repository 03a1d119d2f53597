"""Pushing over HTTP to `git http-backend` behind basic auth: success, refused credentials,
rejected pushes and an unreachable remote. A failed push keeps no new local branch."""

from __future__ import annotations

import socket
import time

import pytest

from .conftest import BRANCH, PROMPT, branches, checkout_state, git, run
from .test_branch import one_error_line


def test_push_over_http_with_credentials(user_repo, http_origin, git_server):
    before = checkout_state(user_repo)
    result = run("new", PROMPT, "--repo", str(user_repo), "--push")
    assert result.exit_code == 0, result.output
    assert git(http_origin, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)
    assert f"Pushed to origin (http://127.0.0.1:{git_server.port}/acme/widgets.git)." in result.stdout
    assert git_server.password not in result.output
    assert ("POST", "/acme/widgets.git/git-receive-pack") in git_server.requests
    assert checkout_state(user_repo) == before


@pytest.mark.parametrize("credentials", ["none", "wrong"])
def test_refused_credentials_keep_nothing(user_repo, http_origin, git_server, credentials):
    url = git_server.url("acme/widgets.git", credentials=credentials != "none", password="guessed-wrong")
    git(user_repo, "remote", "set-url", "origin", url)
    before = checkout_state(user_repo)
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--push"), 3)
    assert "origin refused the credentials for the push" in line
    assert "no branch was kept locally and origin is unchanged" in line
    assert "guessed-wrong" not in line
    assert branches(user_repo) == ["main"]
    assert git(http_origin, "for-each-ref", "refs/heads") .count("\n") == 0  # main only
    assert checkout_state(user_repo) == before


def test_a_push_rejected_by_a_hook_keeps_nothing(user_repo, http_origin):
    hook = http_origin / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'branches need a ticket number' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = checkout_state(user_repo)
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--push"), 3)
    assert "origin rejected the push of octoscaffold/octopub-sam: pre-receive hook declined" in line
    assert "no branch was kept locally" in line
    assert branches(user_repo) == ["main"]
    assert checkout_state(user_repo) == before


def test_a_diverged_remote_branch_is_never_overwritten(user_repo, http_origin, tmp_path):
    other = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", str(http_origin), str(other))
    git(other, "checkout", "-q", "-b", BRANCH)
    (other / "theirs.txt").write_text("a colleague's work\n")
    git(other, "add", ".")
    git(other, "commit", "-q", "-m", "Their work")
    git(other, "push", "-q", "origin", BRANCH)
    theirs = git(http_origin, "rev-parse", BRANCH)
    before = checkout_state(user_repo)

    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--push"), 3)
    assert f"origin already has a branch {BRANCH} with other commits" in line
    assert f"git fetch origin {BRANCH}:{BRANCH}" in line
    assert git(http_origin, "rev-parse", BRANCH) == theirs
    assert branches(user_repo) == ["main"]
    assert checkout_state(user_repo) == before


def test_a_failed_push_after_force_puts_the_branch_back(user_repo, http_origin):
    assert run("new", PROMPT, "--repo", str(user_repo)).exit_code == 0  # committed, not pushed
    tip = git(user_repo, "rev-parse", BRANCH)
    hook = http_origin / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = checkout_state(user_repo)
    line = one_error_line(
        run("new", PROMPT + ' in the region "eu-west-1"', "--repo", str(user_repo), "--push", "--force"), 3
    )
    assert f"the local branch {BRANCH} is back at its previous commit and origin is unchanged" in line
    assert git(user_repo, "rev-parse", BRANCH) == tip
    assert checkout_state(user_repo) == before


def test_an_unreachable_remote_keeps_nothing(user_repo):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    git(user_repo, "remote", "add", "origin", f"http://127.0.0.1:{port}/acme/widgets.git")
    before = checkout_state(user_repo)
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--push"), 3)
    assert "could not push octoscaffold/octopub-sam to origin" in line and f"127.0.0.1 port {port}" in line
    assert "no branch was kept locally" in line
    assert branches(user_repo) == ["main"]
    assert checkout_state(user_repo) == before


def test_a_remote_that_never_answers_times_out(user_repo):
    from octoscaffold import scaffold
    from octoscaffold.errors import GitError
    from octoscaffold.publish.review import Options, publish

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        git(user_repo, "remote", "add", "origin", f"http://127.0.0.1:{silent.getsockname()[1]}/acme/widgets.git")
        before = checkout_state(user_repo)
        started = time.monotonic()
        with pytest.raises(GitError) as failure:
            publish(scaffold.build(scaffold.plan(PROMPT)), Options(repo=user_repo, push=True, push_timeout=1))
        assert time.monotonic() - started < 5
    message = str(failure.value)
    assert "pushing octoscaffold/octopub-sam to origin did not finish within 1 s" in message
    assert "no branch was kept locally and origin may or may not have received it" in message
    assert branches(user_repo) == ["main"]
    assert checkout_state(user_repo) == before


@pytest.mark.parametrize("port", [401, 40163, 40399, 4030])
def test_a_port_that_looks_like_a_status_is_not_a_refusal(port):
    """git's own wording for a refused connection; a port starting 401/403 once read as "credentials refused"."""
    import git as gitpython

    from octoscaffold.publish.git import push_failure

    stderr = (f"fatal: unable to access 'http://127.0.0.1:{port}/acme/widgets.git/': "
              f"Failed to connect to 127.0.0.1 port {port} after 0 ms: Couldn't connect to server")
    line = push_failure(gitpython.GitCommandError(["git", "push"], 128, stderr), "origin", BRANCH)
    assert line.startswith(f"could not push {BRANCH} to origin: unable to access") and f"port {port}" in line


@pytest.mark.parametrize("stderr", [
    "fatal: unable to access 'http://h/r.git/': The requested URL returned error: 403",
    "remote: Invalid username or password.\nfatal: Authentication failed for 'https://h/r.git/'",
    "git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.",
])
def test_refusals_in_git_own_words(stderr):
    import git as gitpython

    from octoscaffold.publish.git import push_failure

    line = push_failure(gitpython.GitCommandError(["git", "push"], 128, stderr), "origin", BRANCH)
    assert line.startswith("origin refused the credentials for the push")
