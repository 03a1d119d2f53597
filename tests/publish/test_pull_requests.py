"""Pull requests against a GitHub/GitLab stand-in on 127.0.0.1, with the branch pushed over HTTP."""

from __future__ import annotations

import time

import pytest

from octoscaffold import scaffold
from octoscaffold.errors import ForgeError, UserError
from octoscaffold.publish.forge import detect
from octoscaffold.publish.review import Options, publish

from .conftest import BRANCH, PROMPT, branches, checkout_state, git, run
from .test_branch import one_error_line


@pytest.fixture
def github(forge, http_origin, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", forge.token)
    return ["--pr", "--forge-url", forge.api("github")]


@pytest.fixture
def gitlab(forge, http_origin, monkeypatch):
    monkeypatch.setenv("GITLAB_TOKEN", forge.token)
    return ["--pr", "--forge-url", forge.api("gitlab")]


def calls(forge) -> list[str]:
    return [f"{r.method} {r.path}" for r in forge.requests]


def test_github_pull_request_is_opened_after_the_push(user_repo, http_origin, forge, github):
    before = checkout_state(user_repo)
    result = run("new", PROMPT, "--repo", str(user_repo), *github)
    assert result.exit_code == 0, result.output
    assert calls(forge) == ["GET /api/v3/repos/acme/widgets/pulls", "POST /api/v3/repos/acme/widgets/pulls"]
    listing, created = forge.requests
    assert listing.query == {"state": ["open"], "head": [f"acme:{BRANCH}"]}
    assert created.headers["authorization"] == f"Bearer {forge.token}"
    assert created.body["head"] == BRANCH and created.body["base"] == "main"
    assert created.body["title"] == "Add Octopus project OctoPub SAM (octoscaffold)"
    body = created.body["body"]
    for part in ("```mermaid\nflowchart TB", PROMPT, "## Files", "## Best-practice defaults", "## Lint",
                 'what must exist in the Octopus space "Default"', 'lifecycle "DevSecOps"',
                 "## Connecting the project to this repository", "--git-url http://127.0.0.1:"):
        assert part in body, part
    assert "alice" not in body and "open-sesame" not in body  # the clone URL without credentials
    assert "Opened pull request #1: https://github.example/acme/widgets/pull/1" in result.stdout
    assert forge.token not in result.output
    assert git(http_origin, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)
    assert checkout_state(user_repo) == before


def test_an_open_pull_request_is_updated_not_duplicated(user_repo, forge, github):
    assert run("new", PROMPT, "--repo", str(user_repo), *github).exit_code == 0
    forge.requests.clear()
    changed = PROMPT + ' in the region "eu-west-1"'
    result = run("new", changed, "--repo", str(user_repo), "--force", *github)
    assert result.exit_code == 0, result.output
    assert calls(forge) == ["GET /api/v3/repos/acme/widgets/pulls", "PATCH /api/v3/repos/acme/widgets/pulls/1"]
    assert len(forge.pulls["acme/widgets"]) == 1
    assert "eu-west-1" in forge.pulls["acme/widgets"][0]["body"]
    assert "Updated the open pull request #1" in result.stdout

    forge.requests.clear()
    again = run("new", changed, "--repo", str(user_repo), *github)  # same spec: no commit, body refreshed
    assert again.exit_code == 0, again.output
    assert "nothing to commit" in again.stdout
    assert [r.method for r in forge.requests] == ["GET", "PATCH"]


def test_gitlab_merge_request_opened_then_updated(user_repo, forge, gitlab):
    result = run("new", PROMPT, "--repo", str(user_repo), *gitlab)
    assert result.exit_code == 0, result.output
    assert calls(forge) == ["GET /api/v4/projects/acme%2Fwidgets/merge_requests",
                            "POST /api/v4/projects/acme%2Fwidgets/merge_requests"]
    listing, created = forge.requests
    assert listing.query == {"state": ["opened"], "source_branch": [BRANCH]}
    assert created.headers["private-token"] == forge.token
    assert created.body["source_branch"] == BRANCH and created.body["target_branch"] == "main"
    assert "```mermaid" in created.body["description"]
    assert "Opened merge request !1: https://gitlab.example/acme/widgets/-/merge_requests/1" in result.stdout

    forge.requests.clear()
    result = run("new", PROMPT, "--repo", str(user_repo), *gitlab)
    assert result.exit_code == 0, result.output
    assert [r.method for r in forge.requests] == ["GET", "PUT"]
    assert "Updated the open merge request !1" in result.stdout


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("bad-token", "GitHub rejected the token from GH_TOKEN (HTTP 401: Bad credentials)"),
        ("422", "GitHub refused opening the pull request (HTTP 422: Validation Failed; A pull request already exists"),
        ("500", "GitHub failed on listing pull requests (HTTP 502: Server Error); try again later"),
    ],
)
def test_forge_failures_keep_the_pushed_branch_and_say_so(user_repo, http_origin, forge, github, monkeypatch,
                                                          setup, expected):
    if setup == "bad-token":
        monkeypatch.setenv("GH_TOKEN", "not-the-right-token-42")
    elif setup == "422":
        forge.fail["POST"] = (422, {"message": "Validation Failed",
                                    "errors": [{"message": f"A pull request already exists for acme:{BRANCH}."}]})
    else:  # answered to every attempt
        forge.fail["GET"] = (502, {"message": "Server Error"})
        forge.fail_times["GET"] = 3
        forge.fail_headers["GET"] = {"Retry-After": "0"}
    before = checkout_state(user_repo)
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), *github), 3)
    assert expected in line
    assert f"the branch {BRANCH} is committed locally and pushed to origin: re-run with --pr to retry" in line
    assert forge.token not in line and "not-the-right-token-42" not in line
    assert git(http_origin, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)
    assert checkout_state(user_repo) == before


def test_a_forge_that_does_not_answer_times_out(user_repo, http_origin, forge, monkeypatch):
    forge.delay = 5
    options = Options(repo=user_repo, pr=True, forge_url=forge.api("github"), timeout=0.5,
                      environ={"GITHUB_TOKEN": forge.token})
    before = checkout_state(user_repo)
    started = time.monotonic()
    with pytest.raises(ForgeError) as failure:
        publish(scaffold.build(scaffold.plan(PROMPT)), options)
    assert time.monotonic() - started < 4
    assert "GitHub did not answer within 0.5 s (listing pull requests)" in str(failure.value)
    assert forge.token not in str(failure.value)
    assert branches(user_repo) == ["main", BRANCH]  # pushed, so kept
    assert git(http_origin, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)
    assert checkout_state(user_repo) == before


def test_without_a_token_nothing_happens(user_repo, http_origin, forge, git_server):
    before = checkout_state(user_repo)
    git_server.requests.clear()
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--pr", "--forge-url", forge.api("github")), 2)
    assert "no GitHub token to open the pull request (set GH_TOKEN or GITHUB_TOKEN" in line
    assert branches(user_repo) == ["main"] and forge.requests == [] and git_server.requests == []
    assert checkout_state(user_repo) == before


def test_dry_run_shows_the_pull_request_and_contacts_nobody(user_repo, http_origin, forge, git_server, github):
    git_server.requests.clear()
    everything = {str(p): p.read_bytes() for p in sorted(user_repo.rglob("*")) if p.is_file()}
    result = run("new", PROMPT, "--repo", str(user_repo), "--dry-run", *github)
    assert result.exit_code == 0, result.output
    assert forge.requests == [] and git_server.requests == []
    assert {str(p): p.read_bytes() for p in sorted(user_repo.rglob("*")) if p.is_file()} == everything
    out = result.stdout
    assert f"Would open a pull request on GitHub acme/widgets from {BRANCH} into main" in out
    assert "Title: Add Octopus project OctoPub SAM (octoscaffold)" in out
    assert "```mermaid" in out and "## Connecting the project to this repository" in out


def test_a_custom_body_template(user_repo, forge, github, tmp_path):
    template = tmp_path / "body.md.j2"
    template.write_text("{{ project.name }} from {{ template.id }} {{ template.version }}\n\n{{ mermaid }}\n"
                        "{% for f in files %}{{ f.status }} {{ f.path }}\n{% endfor %}")
    result = run("new", PROMPT, "--repo", str(user_repo), "--pr-template", str(template), *github)
    assert result.exit_code == 0, result.output
    body = forge.pulls["acme/widgets"][0]["body"]
    assert body.startswith("OctoPub SAM from aws-lambda 1.0.0\n\nflowchart TB\n")
    assert "A .octoscaffold/octopub-sam.yaml" in body

    template.write_text("{% for f in files %}\n")
    forge.requests.clear()
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--force", "--pr-template", str(template),
                              *github), 2)
    assert f"{template}:" in line and "template syntax error" in line
    assert forge.requests == []


@pytest.mark.parametrize(
    ("remote", "forge_url", "kind", "api", "path"),
    [
        ("https://github.com/acme/widgets.git", None, "github", "https://api.github.com", "acme/widgets"),
        ("git@github.com:acme/widgets.git", None, "github", "https://api.github.com", "acme/widgets"),
        ("ssh://git@github.example.com:2222/acme/widgets", "https://github.example.com/api/v3", "github",
         "https://github.example.com/api/v3", "acme/widgets"),
        ("https://token:secret@gitlab.com/group/sub/project.git", None, "gitlab", "https://gitlab.com/api/v4",
         "group/sub/project"),
        ("git@code.example.org:team/app.git", "https://code.example.org/api/v4/", "gitlab",
         "https://code.example.org/api/v4", "team/app"),
    ],
)
def test_the_forge_is_read_from_the_remote(remote, forge_url, kind, api, path):
    forge = detect(remote, forge_url)
    assert (forge.kind, forge.api, forge.path) == (kind, api, path)
    assert "secret" not in forge.web


@pytest.mark.parametrize(
    ("remote", "forge_url", "message"),
    [
        ("https://code.example.org/team/app.git", None, "cannot tell which forge hosts"),
        ("https://code.example.org/team/app.git", "https://code.example.org/", "cannot tell the forge from --forge-url"),
        ("file:///srv/git/app.git", None, "is not on a forge"),
        ("https://github.com/just-one-part", None, "does not name a repository as owner/name"),
    ],
)
def test_remotes_that_name_no_forge(remote, forge_url, message):
    with pytest.raises(UserError) as failure:
        detect(remote, forge_url)
    assert message in str(failure.value)
