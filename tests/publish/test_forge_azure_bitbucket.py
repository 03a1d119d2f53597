"""Pull requests on Azure DevOps, Bitbucket Cloud and Bitbucket Data Center, against stand-ins of
their APIs on 127.0.0.1 (servers.py cites the documentation each follows), with the branch pushed
over HTTP by git itself and requests made by the real httpx client."""

from __future__ import annotations

import base64
import re
import subprocess
import sys

import pytest

from octoscaffold.errors import ForgeError, UserError
from octoscaffold.publish import forge as forges
from octoscaffold.publish.azure import DESCRIPTION_LIMIT, within_limit
from octoscaffold.publish.forge import Forge, Token, detect, open_or_update, token_for

from .conftest import BRANCH, PROMPT, branches, checkout_state, git, run
from .servers import FakeForge
from .test_branch import one_error_line

KINDS = ["azure", "bitbucket", "bitbucket-server"]
VARIABLE = {"azure": "AZURE_DEVOPS_TOKEN", "bitbucket": "BITBUCKET_TOKEN", "bitbucket-server": "BITBUCKET_TOKEN"}
# where each stand-in keeps the repository's pull requests, and the listing's path below the API root
KEY = {"azure": "shop/widgets", "bitbucket": "acme/widgets", "bitbucket-server": "acme/widgets"}
LISTING = {"azure": "/shop/_apis/git/repositories/widgets/pullrequests",
           "bitbucket": "/repositories/acme/widgets/pullrequests",
           "bitbucket-server": "/projects/acme/repos/widgets/pull-requests"}
UPDATE = {"azure": "PATCH", "bitbucket": "PUT", "bitbucket-server": "PUT"}


@pytest.fixture(autouse=True)
def no_forge_tokens(monkeypatch):
    for name in ("AZURE_DEVOPS_TOKEN", "SYSTEM_ACCESSTOKEN", "BITBUCKET_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def no_pauses(monkeypatch) -> list[float]:
    pauses: list[float] = []
    monkeypatch.setattr(forges, "_pause", pauses.append)
    return pauses


def served(kind: str, git_server, user_repo):
    """The repository on the git server where the forge `kind` keeps it, as the user's origin."""
    path = {"azure": "acme/shop/_git/widgets", "bitbucket": "acme/widgets.git",
            "bitbucket-server": "scm/acme/widgets.git"}[kind]
    bare = git_server.create(path.removesuffix(".git") + ".git")
    git(user_repo, "remote", "add", "origin", git_server.url(path))
    git(user_repo, "push", "-q", "origin", "main")
    return bare


def open_pr(user_repo, forge, kind: str, monkeypatch, *more: str):
    monkeypatch.setenv(VARIABLE[kind], forge.token)
    return run("new", PROMPT, "--repo", str(user_repo), "--pr", "--forge-url", forge.api(kind), *more)


def on(forge: FakeForge, kind: str) -> Forge:
    api = forge.api(kind)
    if kind == "azure":
        return Forge(kind, api, "shop/widgets", f"{api}/shop/_git/widgets")
    return Forge(kind, api, "acme/widgets", "https://forge.example/acme/widgets")


def units(text: str) -> int:
    """A length as Azure DevOps counts it."""
    return len(text.encode("utf-16-le")) // 2


def calls(forge) -> list[str]:
    return [f"{r.method} {r.path}" for r in forge.requests]


# -- detection ------------------------------------------------------------------------------------

AZURE = ("azure", "https://dev.azure.com/acme", "shop/widgets", "https://dev.azure.com/acme/shop/_git/widgets",
         "https://dev.azure.com/acme/shop/_git/widgets")
BITBUCKET = ("bitbucket", "https://api.bitbucket.org/2.0", "acme/widgets", "https://bitbucket.org/acme/widgets",
             "https://bitbucket.org/acme/widgets.git")
DATA_CENTER = ("bitbucket-server", "https://bb.example.com/rest/api/1.0", "acme/widgets",
               "https://bb.example.com/projects/acme/repos/widgets", "https://bb.example.com/scm/acme/widgets.git")


@pytest.mark.parametrize(
    ("remote", "forge_url", "expected"),
    [
        ("https://dev.azure.com/acme/shop/_git/widgets", None, AZURE),
        ("https://acme@dev.azure.com/acme/shop/_git/widgets", None, AZURE),
        ("https://acme:s3cret@dev.azure.com/acme/shop/_git/widgets", None, AZURE),
        ("git@ssh.dev.azure.com:v3/acme/shop/widgets", None, AZURE),
        ("ssh://git@ssh.dev.azure.com/v3/acme/shop/widgets", None, AZURE),
        ("https://acme.visualstudio.com/shop/_git/widgets", None, AZURE),
        ("https://acme.visualstudio.com/DefaultCollection/shop/_git/widgets", None, AZURE),
        ("acme@vs-ssh.visualstudio.com:v3/acme/shop/widgets", None, AZURE),
        ("https://dev.azure.com/acme/My%20Shop/_git/widgets", None,
         ("azure", "https://dev.azure.com/acme", "My%20Shop/widgets", "https://dev.azure.com/acme/My%20Shop/_git/widgets",
          "https://dev.azure.com/acme/My%20Shop/_git/widgets")),
        ("https://tfs.example.com/tfs/DefaultCollection/shop/_git/widgets", "https://tfs.example.com/tfs/DefaultCollection/",
         ("azure", "https://tfs.example.com/tfs/DefaultCollection", "shop/widgets",
          "https://tfs.example.com/tfs/DefaultCollection/shop/_git/widgets",
          "https://tfs.example.com/tfs/DefaultCollection/shop/_git/widgets")),
        ("ssh://tfs.example.com:22/tfs/DefaultCollection/shop/_git/widgets", "https://tfs.example.com/tfs/DefaultCollection",
         ("azure", "https://tfs.example.com/tfs/DefaultCollection", "shop/widgets",
          "https://tfs.example.com/tfs/DefaultCollection/shop/_git/widgets",
          "https://tfs.example.com/tfs/DefaultCollection/shop/_git/widgets")),
        ("https://bitbucket.org/acme/widgets.git", None, BITBUCKET),
        ("https://rita@bitbucket.org/acme/widgets.git", None, BITBUCKET),
        ("git@bitbucket.org:acme/widgets.git", None, BITBUCKET),
        ("https://bb.example.com/scm/acme/widgets.git", "https://bb.example.com/rest/api/1.0", DATA_CENTER),
        ("ssh://git@bb.example.com:7999/acme/widgets.git", "https://bb.example.com/rest/api/1.0/", DATA_CENTER),
        ("https://bb.example.com/bitbucket/scm/acme/widgets.git", "https://bb.example.com/bitbucket/rest/api/1.0",
         ("bitbucket-server", "https://bb.example.com/bitbucket/rest/api/1.0", "acme/widgets",
          "https://bb.example.com/bitbucket/projects/acme/repos/widgets",
          "https://bb.example.com/bitbucket/scm/acme/widgets.git")),
    ],
)
def test_the_forge_is_read_from_every_remote_form(remote, forge_url, expected):
    forge = detect(remote, forge_url)
    assert (forge.kind, forge.api, forge.path, forge.web, forge.clone) == expected
    assert forge.what == "pull request"
    assert "s3cret" not in repr(forge)


@pytest.mark.parametrize(
    ("remote", "forge_url", "message"),
    [
        ("https://dev.azure.com/acme/shop/widgets", None, ("does not name an Azure DevOps repository as "
                                                           "ORGANIZATION/PROJECT/_git/REPOSITORY")),
        ("https://dev.azure.com/acme/shop/_git", None, "does not name an Azure DevOps repository"),
        ("https://dev.azure.com/acme/shop/_git/widgets/extra", None, "does not name an Azure DevOps repository"),
        ("git@ssh.dev.azure.com:v3/acme/shop", None, "does not name an Azure DevOps repository"),
        ("https://bitbucket.org/acme", None, "does not name a repository as owner/name"),
        ("https://bitbucket.org/acme/widgets/extra.git", None, "does not name a repository as owner/name"),
        ("https://bb.example.com/a/b/c.git", "https://bb.example.com/rest/api/1.0", "does not name a repository"),
        ("https://code.example.org/team/app.git", "https://code.example.org/", "cannot tell the forge from --forge-url"),
        ("https://code.example.org/team/app.git", None, "cannot tell which forge hosts"),
    ],
)
def test_remotes_that_name_no_repository_are_refused_up_front(remote, forge_url, message):
    with pytest.raises(UserError) as failure:
        detect(remote, forge_url)
    assert message in str(failure.value)


def test_the_hint_names_every_form_of_forge_url():
    with pytest.raises(UserError) as failure:
        detect("https://code.example.org/team/app.git")
    for form in ("https://HOST/api/v3", "https://HOST/api/v4", "https://HOST/COLLECTION (Azure DevOps Server)",
                 "https://HOST/rest/api/1.0 (Bitbucket Data Center)"):
        assert form in str(failure.value)


# -- tokens ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "environ", "source"),
    [
        ("azure", {"AZURE_DEVOPS_TOKEN": "pat-1", "SYSTEM_ACCESSTOKEN": "job-1"}, "AZURE_DEVOPS_TOKEN"),
        ("azure", {"SYSTEM_ACCESSTOKEN": "job-1"}, "SYSTEM_ACCESSTOKEN"),
        ("azure", {"AZURE_DEVOPS_TOKEN": " ", "SYSTEM_ACCESSTOKEN": "job-1"}, "SYSTEM_ACCESSTOKEN"),
        ("bitbucket", {"BITBUCKET_TOKEN": "bb-1", "GH_TOKEN": "gh"}, "BITBUCKET_TOKEN"),
        ("bitbucket-server", {"BITBUCKET_TOKEN": "bb-1"}, "BITBUCKET_TOKEN"),
    ],
)
def test_the_token_variables(kind, environ, source):
    token = token_for(Forge(kind, "https://x.example", "a/b", "https://x.example/a/b"), environ)
    assert token.source == source and token.value == environ[source]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("azure", "no Azure DevOps token to open the pull request (set AZURE_DEVOPS_TOKEN or SYSTEM_ACCESSTOKEN"),
        ("bitbucket", "no Bitbucket token to open the pull request (set BITBUCKET_TOKEN"),
        ("bitbucket-server", "no Bitbucket Data Center token to open the pull request (set BITBUCKET_TOKEN"),
    ],
)
def test_without_a_token_nothing_is_written_or_sent(kind, expected, user_repo, git_server, forge):
    served(kind, git_server, user_repo)
    git_server.requests.clear()
    before = checkout_state(user_repo)
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--pr", "--forge-url", forge.api(kind)), 2)
    assert expected in line
    assert branches(user_repo) == ["main"] and forge.requests == [] and git_server.requests == []
    assert checkout_state(user_repo) == before


@pytest.mark.parametrize(
    ("kind", "source", "header"),
    [
        ("azure", "AZURE_DEVOPS_TOKEN", lambda t: "Basic " + base64.b64encode(f":{t}".encode()).decode()),
        ("azure", "SYSTEM_ACCESSTOKEN", lambda t: f"Bearer {t}"),
        ("bitbucket", "BITBUCKET_TOKEN", lambda t: f"Bearer {t}"),
        ("bitbucket-server", "BITBUCKET_TOKEN", lambda t: f"Bearer {t}"),
    ],
)
def test_the_token_goes_in_the_authorization_header_only(forge, kind, source, header):
    forge.pulls[KEY[kind]] = []
    with pytest.raises(ForgeError):  # nothing was pushed: the creation is refused, after the listing
        open_or_update(on(forge, kind), Token(forge.token, source), head="nowhere", base="main", title="t", body="b")
    assert len(forge.requests) == 2
    secret = {forge.token, base64.b64encode(f":{forge.token}".encode()).decode()}
    for request in forge.requests:
        assert request.headers["authorization"] == header(forge.token)
        others = [v for k, v in request.headers.items() if k != "authorization"]
        others += [str(request.body), str(request.query), request.path]
        assert not any(s in value for s in secret for value in others)


# -- opening, then updating -----------------------------------------------------------------------


def test_azure_devops_pull_request_opened_then_updated(user_repo, git_server, forge, monkeypatch):
    bare = served("azure", git_server, user_repo)
    before = checkout_state(user_repo)
    result = open_pr(user_repo, forge, "azure", monkeypatch)
    assert result.exit_code == 0, result.output
    route = "/azure/acme/shop/_apis/git/repositories/widgets/pullrequests"
    assert calls(forge) == [f"GET {route}", f"POST {route}"]
    listing, created = forge.requests
    assert listing.query == {"api-version": ["7.1"], "searchCriteria.sourceRefName": [f"refs/heads/{BRANCH}"],
                             "searchCriteria.status": ["active"]}
    assert created.query == {"api-version": ["7.1"]}
    assert created.headers["x-tfs-fedauthredirect"] == "Suppress"
    assert created.body["sourceRefName"] == f"refs/heads/{BRANCH}" and created.body["targetRefName"] == "refs/heads/main"
    assert created.body["title"] == "Add Octopus project OctoPub SAM (octoscaffold)"
    description = created.body["description"]  # the default body is longer than Azure DevOps keeps
    assert description.startswith("This adds the Octopus Deploy project **OctoPub SAM**")
    assert units(description) <= DESCRIPTION_LIMIT and description.endswith("prints the whole description.*")
    url = f"{forge.api('azure')}/shop/_git/widgets/pullrequest/1"
    assert re.search(rf"Opened pull request [#!]1: {re.escape(url)}\n", result.stdout)
    assert forge.token not in result.output
    assert git(bare, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)
    assert checkout_state(user_repo) == before

    forge.requests.clear()
    again = open_pr(user_repo, forge, "azure", monkeypatch, "--force")
    assert again.exit_code == 0, again.output
    assert calls(forge) == [f"GET {route}", f"PATCH {route}/1"]
    assert forge.requests[1].query == {"api-version": ["7.1"]}
    assert set(forge.requests[1].body) == {"title", "description"}
    assert len(forge.pulls["shop/widgets"]) == 1
    assert re.search(r"Updated the open pull request [#!]1: ", again.stdout)


def test_bitbucket_cloud_pull_request_opened_then_updated(user_repo, git_server, forge, monkeypatch):
    bare = served("bitbucket", git_server, user_repo)
    result = open_pr(user_repo, forge, "bitbucket", monkeypatch)
    assert result.exit_code == 0, result.output
    route = "/2.0/repositories/acme/widgets/pullrequests"
    assert calls(forge) == [f"GET {route}", f"POST {route}"]
    listing, created = forge.requests
    assert listing.query == {"q": [f'source.branch.name="{BRANCH}" AND state="OPEN"']}
    assert created.headers["authorization"] == f"Bearer {forge.token}"
    assert created.body["source"] == {"branch": {"name": BRANCH}}
    assert created.body["destination"] == {"branch": {"name": "main"}}
    assert "```mermaid" in created.body["description"]
    assert "Opened pull request #1: https://bitbucket.example/acme/widgets/pull-requests/1" in result.stdout
    assert git(bare, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)

    forge.requests.clear()
    again = open_pr(user_repo, forge, "bitbucket", monkeypatch)
    assert again.exit_code == 0, again.output
    assert calls(forge) == [f"GET {route}", f"PUT {route}/1"]
    assert set(forge.requests[1].body) == {"title", "description"}
    assert len(forge.pulls["acme/widgets"]) == 1
    assert "Updated the open pull request #1" in again.stdout


def test_bitbucket_data_center_pull_request_opened_then_updated_with_its_version(user_repo, git_server, forge,
                                                                                 monkeypatch):
    bare = served("bitbucket-server", git_server, user_repo)
    result = open_pr(user_repo, forge, "bitbucket-server", monkeypatch)
    assert result.exit_code == 0, result.output
    route = "/bitbucket/rest/api/1.0/projects/acme/repos/widgets/pull-requests"
    assert calls(forge) == [f"GET {route}", f"POST {route}"]
    listing, created = forge.requests
    assert listing.query == {"at": [f"refs/heads/{BRANCH}"], "direction": ["OUTGOING"], "state": ["OPEN"]}
    assert created.body["fromRef"] == {"id": f"refs/heads/{BRANCH}"}
    assert created.body["toRef"] == {"id": "refs/heads/main"}
    url = f"http://127.0.0.1:{forge.port}/bitbucket/projects/ACME/repos/widgets/pull-requests/1"
    assert f"Opened pull request #1: {url}" in result.stdout
    assert git(bare, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)

    pull = forge.pulls["acme/widgets"][0]
    pull["version"] = 3  # someone edited it meanwhile, and asked for a review
    pull["reviewers"] = [{"user": {"name": "dana"}, "role": "REVIEWER", "approved": True}]
    forge.requests.clear()
    again = open_pr(user_repo, forge, "bitbucket-server", monkeypatch)
    assert again.exit_code == 0, again.output
    assert calls(forge) == [f"GET {route}", f"PUT {route}/1"]
    assert forge.requests[1].body["version"] == 3
    assert forge.requests[1].body["reviewers"] == [{"user": {"name": "dana"}}]
    assert [r["user"]["name"] for r in pull["reviewers"]] == ["dana"] and pull["version"] == 4
    assert "Updated the open pull request #1" in again.stdout


def test_a_bitbucket_branch_with_a_quote_is_found_by_its_exact_name(forge, no_pauses):
    head = 'review/"quoted"\\name'
    forge.pulls["acme/widgets"] = [
        {"id": 7, "state": "OPEN", "title": "t", "description": "d", "source": {"branch": {"name": head}},
         "destination": {"branch": {"name": "main"}}, "links": {"html": {"href": "https://bitbucket.example/p/7"}}}]
    pull = open_or_update(on(forge, "bitbucket"), Token(forge.token, "BITBUCKET_TOKEN"), head=head, base="main",
                          title="new", body="body")
    assert (pull.number, pull.created, pull.url) == (7, False, "https://bitbucket.example/p/7")
    assert forge.requests[0].query["q"] == ['source.branch.name="review/\\"quoted\\"\\\\name" AND state="OPEN"']


def test_dry_run_names_the_forge_and_contacts_nobody(user_repo, git_server, forge, monkeypatch):
    served("azure", git_server, user_repo)
    git_server.requests.clear()
    result = open_pr(user_repo, forge, "azure", monkeypatch, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"Would open a pull request on Azure DevOps shop/widgets from {BRANCH} into main" in result.stdout
    assert forge.requests == [] and git_server.requests == []


# -- failures: one line, without the token --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "document", "status", "expected"),
    [
        ("azure", {"$id": "1", "innerException": None, "typeKey": "GitPullRequestExistsException",
                   "message": "TF401179: An active pull request for the source and target branch already exists.",
                   "errorCode": 0, "eventId": 3000}, 409,
         ("Azure DevOps refused opening the pull request (HTTP 409: TF401179: An active pull request for the source "
         "and target branch already exists.)")),
        ("bitbucket", {"type": "error", "error": {"message": "Bad request", "detail": "destination: no such branch",
                                                  "fields": {"destination": ["no such branch"]}}}, 400,
         "Bitbucket refused opening the pull request (HTTP 400: Bad request; destination: no such branch)"),
        ("bitbucket-server", {"errors": [{"context": None, "exceptionName": "com.atlassian.bitbucket.pull."
                                          "DuplicatePullRequestException", "message": "Only one pull request may be "
                                          "open for a given source and target branch"}]}, 409,
         ("Bitbucket Data Center refused opening the pull request (HTTP 409: Only one pull request may be open for "
         "a given source and target branch)")),
    ],
)
def test_an_error_body_becomes_one_line_and_the_branch_stays_pushed(user_repo, git_server, forge, monkeypatch,
                                                                    kind, document, status, expected):
    bare = served(kind, git_server, user_repo)
    document = {**document, "echo": forge.token}  # a forge quoting the token back is not printed either
    forge.fail["POST"] = (status, document)
    line = one_error_line(open_pr(user_repo, forge, kind, monkeypatch), 3)
    assert expected in line
    assert f"the branch {BRANCH} is committed locally and pushed to origin: re-run with --pr to retry" in line
    assert forge.token not in line
    assert git(bare, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("azure", ("Azure DevOps rejected the token from AZURE_DEVOPS_TOKEN (HTTP 401: TF400813: The user '' is not "
                  "authorized to access this resource.); check that it is valid")),
        ("bitbucket", ("Bitbucket rejected the token from BITBUCKET_TOKEN (HTTP 401: Token is invalid, expired, or not "
                      "supported for this endpoint.)")),
        ("bitbucket-server", ("Bitbucket Data Center rejected the token from BITBUCKET_TOKEN (HTTP 401: Authentication "
                             "failed. Please check your credentials and try again.)")),
    ],
)
def test_a_rejected_token_is_named_by_its_variable_never_shown(user_repo, git_server, forge, monkeypatch, kind,
                                                               expected):
    served(kind, git_server, user_repo)
    monkeypatch.setenv(VARIABLE[kind], "wrong-token-9876543210")
    result = run("new", PROMPT, "--repo", str(user_repo), "--pr", "--forge-url", forge.api(kind))
    line = one_error_line(result, 3)
    assert expected in line and "wrong-token-9876543210" not in result.output
    assert [r.method for r in forge.requests] == ["GET"]


def test_the_sign_in_page_azure_devops_answers_instead_of_401_is_a_rejected_token(forge):
    forge.fail["GET"] = (203, "<html><title>Sign In</title></html>")
    with pytest.raises(ForgeError) as failure:
        open_or_update(on(forge, "azure"), Token(forge.token, "SYSTEM_ACCESSTOKEN"), head=BRANCH, base="main",
                       title="t", body="b")
    assert str(failure.value) == ("Azure DevOps rejected the token from SYSTEM_ACCESSTOKEN (HTTP 203: it answered "
                                  "listing pull requests with its sign-in page); check that it is valid")


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_that_is_not_a_list_is_one_line(forge, kind):
    forge.fail["GET"] = (200, {"values": "nothing", "value": 3})
    with pytest.raises(ForgeError, match=r"answered the pull request list with something that is not a list$"):
        open_or_update(on(forge, kind), Token(forge.token, VARIABLE[kind]), head=BRANCH, base="main",
                       title="t", body="b")


# -- redirects and retries ------------------------------------------------------------------------


@pytest.fixture
def elsewhere(git_server):
    other = FakeForge(git_server.root).start()
    yield other
    other.close()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_is_never_followed_with_the_token(user_repo, git_server, forge, elsewhere, monkeypatch, kind,
                                                     status):
    served(kind, git_server, user_repo)
    target = elsewhere.api(kind) + LISTING[kind]
    forge.fail["GET"] = (status, {})
    forge.fail_headers["GET"] = {"Location": target}
    line = one_error_line(open_pr(user_repo, forge, kind, monkeypatch), 3)
    assert f"redirected listing pull requests to {target} (HTTP {status}); it was not followed" in line
    assert elsewhere.requests == [] and [r.method for r in forge.requests] == ["GET"]
    assert forge.token not in line


@pytest.mark.parametrize("kind", KINDS)
def test_a_429_is_waited_for_as_retry_after_asks_then_the_creation_is_sent_again(user_repo, git_server, forge,
                                                                                  monkeypatch, no_pauses, kind):
    served(kind, git_server, user_repo)
    forge.fail["POST"] = (429, {"message": "Too many requests"})
    forge.fail_headers["POST"] = {"Retry-After": "2"}
    result = open_pr(user_repo, forge, kind, monkeypatch)
    assert result.exit_code == 0, result.output
    assert [r.method for r in forge.requests] == ["GET", "POST", "POST"] and no_pauses == [2.0]
    assert len(forge.pulls[KEY[kind]]) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_an_update_is_retried_after_503s_and_a_long_retry_after_is_not_waited_for(forge, no_pauses, kind):
    token = Token(forge.token, VARIABLE[kind])
    pull = {"azure": {"pullRequestId": 5, "status": "active", "sourceRefName": f"refs/heads/{BRANCH}",
                      "targetRefName": "refs/heads/main", "title": "t", "description": "d"},
            "bitbucket": {"id": 5, "state": "OPEN", "title": "t", "description": "d",
                          "source": {"branch": {"name": BRANCH}}, "destination": {"branch": {"name": "main"}},
                          "links": {"html": {"href": "https://bitbucket.example/acme/widgets/pull-requests/5"}}},
            "bitbucket-server": {"id": 5, "version": 0, "state": "OPEN", "title": "t", "description": "d",
                                 "fromRef": {"id": f"refs/heads/{BRANCH}"}, "toRef": {"id": "refs/heads/main"},
                                 "links": {"self": [{"href": "https://bb.example.com/projects/A/repos/w/pull-requests/5"}]}},
            }[kind]
    forge.pulls[KEY[kind]] = [pull]
    method = UPDATE[kind]
    forge.fail[method] = (503, {"message": "busy"})
    forge.fail_times[method] = 2
    done = open_or_update(on(forge, kind), token, head=BRANCH, base="main", title="new title", body="b")
    assert (done.number, done.created) == (5, False) and pull["title"] == "new title"
    assert [r.method for r in forge.requests] == ["GET", method, method, method]
    assert no_pauses == [forges.BACKOFF, 2 * forges.BACKOFF]

    forge.requests.clear()
    forge.fail["GET"] = (429, {"message": "slow down"})
    forge.fail_headers["GET"] = {"Retry-After": "120"}
    with pytest.raises(ForgeError, match=r"limited the rate of requests .* \(.* asks to wait 120 s\)$"):
        open_or_update(on(forge, kind), token, head=BRANCH, base="main", title="t", body="b")
    assert len(forge.requests) == 1


# -- Azure DevOps' 4000 characters ----------------------------------------------------------------


def test_a_long_description_is_cut_with_a_note_when_opening_and_when_updating(user_repo, git_server, forge):
    served("azure", git_server, user_repo)
    git(user_repo, "push", "-q", "origin", f"main:{BRANCH}")
    body = "## Files\n\n" + "".join(f"- A .octopus/app/file{i}.ocl\n" for i in range(50))
    body += "\n```mermaid\nflowchart TB\n" + "".join(f"  step{i} --> step{i + 1}\n" for i in range(400)) + "```\n"
    assert units(body) > 2 * DESCRIPTION_LIMIT
    token = Token(forge.token, "AZURE_DEVOPS_TOKEN")
    pull = open_or_update(on(forge, "azure"), token, head=BRANCH, base="main", title="t", body=body)
    assert pull.created
    sent = forge.requests[-1].body["description"]
    assert units(sent) <= DESCRIPTION_LIMIT
    assert sent.startswith(body[:2000])
    assert sent.endswith("Azure DevOps keeps at most 4,000 characters of a description, so the rest was left out. "
                         "The commit holds every file; `--dry-run` prints the whole description.*")
    kept, _note = sent.split("\n\n---\n")
    assert kept.count("```") == 2  # the diagram's fence was closed before the note

    pull = open_or_update(on(forge, "azure"), token, head=BRANCH, base="main", title="t", body=body + "more\n")
    assert not pull.created and forge.requests[-1].method == "PATCH"
    assert units(forge.requests[-1].body["description"]) <= DESCRIPTION_LIMIT


@pytest.mark.parametrize("filler", ["a", "\U0001f680", "é", "````\n"])
def test_the_cut_counts_as_azure_devops_does_and_splits_no_character(filler):
    text = "intro\n```mermaid\n" + filler * 5000
    cut = within_limit(text)
    assert units(cut) <= DESCRIPTION_LIMIT
    cut.encode("utf-8")  # no half of a surrogate pair
    assert within_limit("short ```\n") == "short ```\n"
    assert within_limit("x" * DESCRIPTION_LIMIT) == "x" * DESCRIPTION_LIMIT


def test_httpx_and_the_forge_modules_are_imported_only_when_needed():
    code = ("import sys, octoscaffold.publish.azure, octoscaffold.publish.bitbucket; print('httpx' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
