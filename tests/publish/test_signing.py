"""commit.gpgsign: the review branch's commit is signed as git commit would sign it, and a signature
git cannot make stops the command before any branch moves. A real repository, a real SSH key made
for the test, and git's own verify-commit."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import BRANCH, PROMPT, branches, checkout_state, git, run
from .test_branch import one_error_line

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None,
                                reason="ssh-keygen is not installed: SSH signing cannot be tried")

EMAIL = "rita@example.com"  # the author of conftest's private git configuration


@pytest.fixture
def ssh_key(tmp_path):
    key = tmp_path / "keys" / "id_ed25519"
    key.parent.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", EMAIL, "-f", str(key)], check=True)
    return key


@pytest.fixture
def allowed_signers(tmp_path, ssh_key):
    signers = tmp_path / "keys" / "allowed_signers"
    signers.write_text(f'{EMAIL} namespaces="git" {(ssh_key.parent / "id_ed25519.pub").read_text().strip()}\n')
    return signers


def signing(repo, key) -> None:
    git(repo, "config", "commit.gpgsign", "true")
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key))


def verify(repo, ref: str, signers) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), "-c", f"gpg.ssh.allowedSignersFile={signers}", "verify-commit",
                           "--raw", ref], check=False, capture_output=True, text=True)


def test_the_review_commit_is_signed_with_the_configured_ssh_key(user_repo, ssh_key, allowed_signers):
    signing(user_repo, ssh_key)
    before = checkout_state(user_repo)
    result = run("new", PROMPT, "--repo", str(user_repo))
    assert result.exit_code == 0, result.output
    checked = verify(user_repo, BRANCH, allowed_signers)
    assert checked.returncode == 0, checked.stderr
    assert f'Good "git" signature for {EMAIL} with ED25519 key' in checked.stderr
    assert "gpgsig -----BEGIN SSH SIGNATURE-----" in git(user_repo, "cat-file", "commit", BRANCH)
    assert checkout_state(user_repo) == before


def test_the_signed_commit_is_what_is_pushed(user_repo, origin, ssh_key, allowed_signers):
    signing(user_repo, ssh_key)
    result = run("new", PROMPT, "--repo", str(user_repo), "--push")
    assert result.exit_code == 0, result.output
    assert git(origin, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)
    assert verify(origin, BRANCH, allowed_signers).returncode == 0


def test_an_update_of_the_branch_is_signed_too(user_repo, ssh_key, allowed_signers):
    assert run("new", PROMPT, "--repo", str(user_repo)).exit_code == 0  # before signing was switched on
    signing(user_repo, ssh_key)
    result = run("new", PROMPT + ' in the region "eu-west-1"', "--repo", str(user_repo), "--force")
    assert result.exit_code == 0, result.output
    assert verify(user_repo, BRANCH, allowed_signers).returncode == 0
    assert verify(user_repo, f"{BRANCH}~1", allowed_signers).returncode != 0  # the first was not signed


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("missing key", "Couldn't load public key {missing}: No such file or directory?"),
        ("no key", "either user.signingkey or gpg.ssh.defaultKeyCommand needs to be configured"),
        ("no gpg", "cannot run {missing}: No such file or directory; gpg failed to sign the data"),
    ],
)
def test_a_signature_git_cannot_make_stops_before_any_branch_moves(user_repo, origin, tmp_path, setup, reason):
    missing = tmp_path / "nowhere" / "id_ed25519"
    git(user_repo, "config", "commit.gpgsign", "true")
    if setup == "missing key":
        git(user_repo, "config", "gpg.format", "ssh")
        git(user_repo, "config", "user.signingkey", str(missing))
    elif setup == "no key":
        git(user_repo, "config", "gpg.format", "ssh")
    else:  # openpgp, with gpg not where git is told to find it
        git(user_repo, "config", "gpg.program", str(missing))
    before = checkout_state(user_repo)
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--push"), 2)
    assert line == ("octoscaffold: error: commit.gpgsign is set but git could not sign the commit: "
                    f"{reason.format(missing=missing)}; nothing was changed (fix the key git signs with "
                    "(user.signingkey, gpg.format), or turn signing off in this repository: "
                    "git config commit.gpgsign false)")
    assert branches(user_repo) == ["main"] and branches(origin) == ["main"]
    assert checkout_state(user_repo) == before


def test_the_existing_branch_stays_where_it_was_when_signing_fails(user_repo, tmp_path):
    assert run("new", PROMPT, "--repo", str(user_repo)).exit_code == 0
    tip = git(user_repo, "rev-parse", BRANCH)
    git(user_repo, "config", "commit.gpgsign", "true")
    git(user_repo, "config", "gpg.format", "ssh")
    git(user_repo, "config", "user.signingkey", str(tmp_path / "gone"))
    one_error_line(run("new", PROMPT + ' in the region "eu-west-1"', "--repo", str(user_repo), "--force"), 2)
    assert git(user_repo, "rev-parse", BRANCH) == tip


def test_the_effective_config_decides_including_git_c_in_the_environment(user_repo, tmp_path, monkeypatch):
    """`git -c commit.gpgsign=false` reaches octoscaffold's git through GIT_CONFIG_COUNT/KEY/VALUE."""
    git(user_repo, "config", "commit.gpgsign", "true")
    git(user_repo, "config", "gpg.format", "ssh")
    git(user_repo, "config", "user.signingkey", str(tmp_path / "gone"))
    for name, value in {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "commit.gpgsign",
                        "GIT_CONFIG_VALUE_0": "false"}.items():
        monkeypatch.setenv(name, value)
    result = run("new", PROMPT, "--repo", str(user_repo))
    assert result.exit_code == 0, result.output
    assert "gpgsig" not in git(user_repo, "cat-file", "commit", BRANCH)


@pytest.mark.parametrize("value", [None, "false", "no", "0"])
def test_without_commit_gpgsign_the_commit_is_not_signed(user_repo, value):
    if value is not None:
        git(user_repo, "config", "commit.gpgsign", value)
    git(user_repo, "config", "user.signingkey", "/nowhere/key")  # not used: nothing asks for a signature
    result = run("new", PROMPT, "--repo", str(user_repo))
    assert result.exit_code == 0, result.output
    assert "gpgsig" not in git(user_repo, "cat-file", "commit", BRANCH)


def test_a_commit_gpgsign_that_is_not_a_boolean_is_refused_as_git_would(user_repo):
    git(user_repo, "config", "commit.gpgsign", "sometimes")
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo)), 2)
    assert line == ("octoscaffold: error: git cannot read commit.gpgsign: bad boolean config value 'sometimes' for "
                    "'commit.gpgsign'; nothing was changed (set it to true or false with git config commit.gpgsign)")
    assert branches(user_repo) == ["main"]
