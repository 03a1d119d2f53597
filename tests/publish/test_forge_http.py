"""HTTP to the forge with real servers on 127.0.0.1: redirects are never followed (the token would
go along), idempotent requests are retried a bounded number of times, and nothing waits forever."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

from octoscaffold.errors import ForgeError, UserError
from octoscaffold.publish import forge as forges
from octoscaffold.publish.forge import Api, Forge, Token, open_or_update, token_for

from .conftest import BRANCH, PROMPT, branches, git, run
from .servers import FakeForge
from .test_branch import one_error_line

VARIABLE = {"github": "GH_TOKEN", "gitlab": "GITLAB_TOKEN"}
LISTING = {"github": "/repos/acme/widgets/pulls", "gitlab": "/projects/acme%2Fwidgets/merge_requests"}


@pytest.fixture
def elsewhere(git_server):
    """A second forge on another port, recording whatever reaches it (it would answer properly)."""
    other = FakeForge(git_server.root).start()
    yield other
    other.close()


def open_pr(user_repo, forge, kind: str, monkeypatch):
    monkeypatch.setenv(VARIABLE[kind], forge.token)
    return run("new", PROMPT, "--repo", str(user_repo), "--pr", "--forge-url", forge.api(kind))


def on(forge, kind: str) -> Forge:
    return Forge(kind, forge.api(kind), "acme/widgets", "https://forge.example/acme/widgets")


def token_arrived(server, token: str) -> bool:
    return any(token in value for request in server.requests for value in request.headers.values())


@pytest.fixture
def no_pauses(monkeypatch) -> list[float]:
    """The pauses between attempts, recorded instead of slept."""
    pauses: list[float] = []
    monkeypatch.setattr(forges, "_pause", pauses.append)
    return pauses


# -- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["github", "gitlab"])
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_server_is_not_followed_with_the_token(user_repo, http_origin, forge, elsewhere,
                                                                     monkeypatch, kind, status):
    target = elsewhere.api(kind) + LISTING[kind]
    forge.fail["GET"] = (status, {"message": "Moved"})
    forge.fail_headers["GET"] = {"Location": target}
    line = one_error_line(open_pr(user_repo, forge, kind, monkeypatch), 3)
    what = "pull requests" if kind == "github" else "merge requests"
    assert f"redirected listing {what} to {target} (HTTP {status})" in line
    assert f"(HTTP {status}); it was not followed, as it would carry the token there" in line
    assert f"the branch {BRANCH} is committed locally and pushed to origin" in line
    assert elsewhere.requests == [] and not token_arrived(elsewhere, forge.token)
    assert [r.method for r in forge.requests] == ["GET"]  # not retried either
    assert forge.token not in line
    assert git(http_origin, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_a_redirect_of_the_creation_is_not_followed(user_repo, http_origin, forge, elsewhere, monkeypatch, kind):
    """307 keeps the method and the body: following it would open the pull request elsewhere."""
    forge.fail["POST"] = (307, {})
    forge.fail_headers["POST"] = {"Location": elsewhere.api(kind) + LISTING[kind]}
    line = one_error_line(open_pr(user_repo, forge, kind, monkeypatch), 3)
    assert "redirected opening the" in line and "(HTTP 307)" in line
    assert elsewhere.requests == [] and elsewhere.pulls == {}
    assert [r.method for r in forge.requests] == ["GET", "POST"]


def test_a_redirect_on_the_same_server_is_not_followed_either(forge):
    """Same origin: an HTTP library following it would keep every header, the token included."""
    forge.fail["GET"] = (302, {})
    forge.fail_headers["GET"] = {"Location": "/api/v3/user/keys"}
    api = Api(on(forge, "github"), {"Authorization": f"Bearer {forge.token}"}, Token(forge.token, "GH_TOKEN"))
    with pytest.raises(ForgeError) as failure:
        api.request("GET", "/repos/acme/widgets/pulls", what="listing pull requests")
    api.close()
    assert f"redirected listing pull requests to {forge.api('github')}/user/keys (HTTP 302)" in str(failure.value)
    assert [r.path for r in forge.requests] == ["/api/v3/repos/acme/widgets/pulls"]


def test_a_redirect_without_a_location_or_with_a_forged_one_is_one_line(forge):
    forge.fail["GET"] = (301, {})
    forge.fail_headers["GET"] = {"Location": "https://user:pw@evil.example/\x9b2J"}  # C1: a terminal's CSI
    api = Api(on(forge, "gitlab"), {"PRIVATE-TOKEN": forge.token}, Token(forge.token, "GITLAB_TOKEN"))
    with pytest.raises(ForgeError) as failure:
        api.request("GET", "/projects/x%2Fy/merge_requests")
    message = str(failure.value)
    assert "redirected GET /projects/x%2Fy/merge_requests to https://evil.example/\\x9b2J (HTTP 301)" in message
    assert "\x9b" not in message and "pw" not in message and "\n" not in message
    forge.fail["GET"] = (301, {})
    del forge.fail_headers["GET"]
    with pytest.raises(ForgeError, match=r"redirected GET /projects/x%2Fy/merge_requests \(HTTP 301\)"):
        api.request("GET", "/projects/x%2Fy/merge_requests")
    api.close()


# -- bounded retries ----------------------------------------------------------------------------


def test_the_listing_is_asked_again_after_two_503s_then_the_201_of_the_creation(user_repo, http_origin, forge, monkeypatch, no_pauses):
    forge.fail["GET"] = (503, {"message": "Service Unavailable"})
    forge.fail_times["GET"] = 2
    result = open_pr(user_repo, forge, "github", monkeypatch)
    assert result.exit_code == 0, result.output
    assert "Opened pull request #1: https://github.example/acme/widgets/pull/1" in result.stdout
    assert [r.method for r in forge.requests] == ["GET", "GET", "GET", "POST"]
    assert no_pauses == [forges.BACKOFF, 2 * forges.BACKOFF]  # no Retry-After: growing pauses


def test_an_update_answered_503_twice_succeeds_at_the_third_request(forge, no_pauses):
    """A GitLab update (PUT, idempotent): 503, 503, then the stand-in's own answer."""
    forge.fail["PUT"] = (503, {"message": "busy"})
    forge.fail_times["PUT"] = 2
    forge.fail_headers["PUT"] = {"Retry-After": "1"}
    forge.pulls["acme/widgets"] = [{"iid": 4, "state": "opened", "title": "t", "description": "d",
                                    "source_branch": BRANCH, "target_branch": "main",
                                    "web_url": "https://gitlab.example/acme/widgets/-/merge_requests/4"}]
    pull = open_or_update(on(forge, "gitlab"), Token(forge.token, "GITLAB_TOKEN"), head=BRANCH, base="main",
                          title="new title", body="new body", timeout=5)
    assert (pull.number, pull.created) == (4, False)
    assert [r.method for r in forge.requests] == ["GET", "PUT", "PUT", "PUT"]
    assert no_pauses == [1.0, 1.0]  # Retry-After honoured
    assert forge.pulls["acme/widgets"][0]["title"] == "new title"


def test_a_get_answered_503_twice_succeeds_at_the_third_request(forge, no_pauses):
    forge.fail["GET"] = (503, {})
    forge.fail_times["GET"] = 2
    api = Api(on(forge, "github"), {"Authorization": f"Bearer {forge.token}"}, Token(forge.token, "GH_TOKEN"))
    answer = api.request("GET", "/repos/acme/widgets/pulls", params={"state": "open", "head": "acme:x"})
    api.close()
    assert answer == [] and len(forge.requests) == 3 and len(no_pauses) == 2


@pytest.mark.parametrize("kind", ["github", "gitlab"])
def test_a_forge_that_keeps_failing_gets_a_clear_error_after_three_requests(user_repo, http_origin, forge,
                                                                             monkeypatch, kind):
    forge.fail["GET"] = (503, {"message": "Service Unavailable"})
    forge.fail_times["GET"] = 10**6  # forever
    monkeypatch.setattr(forges, "BACKOFF", 0.05)
    started = time.monotonic()
    line = one_error_line(open_pr(user_repo, forge, kind, monkeypatch), 3)
    assert time.monotonic() - started < 20
    what = "pull requests" if kind == "github" else "merge requests"
    assert (f"failed on listing {what} (HTTP 503: Service Unavailable); try again later (asked 3 times)") in line
    assert [r.method for r in forge.requests] == ["GET"] * forges.ATTEMPTS
    assert branches(user_repo) == ["main", BRANCH]  # pushed, so kept


def test_the_creation_is_not_sent_twice_after_a_5xx(user_repo, http_origin, forge, monkeypatch, no_pauses):
    """A 502 after a POST may come after the forge opened the pull request: not sent again."""
    forge.fail["POST"] = (502, {"message": "Bad Gateway"})
    line = one_error_line(open_pr(user_repo, forge, "github", monkeypatch), 3)
    assert "GitHub failed on opening the pull request (HTTP 502: Bad Gateway); try again later;" in line
    assert [r.method for r in forge.requests] == ["GET", "POST"] and no_pauses == []


def test_the_creation_is_sent_again_after_a_429(user_repo, http_origin, forge, monkeypatch, no_pauses):
    """429: the forge did not act on it."""
    forge.fail["POST"] = (429, {"message": "You have exceeded a secondary rate limit"})
    forge.fail_headers["POST"] = {"Retry-After": "2"}
    result = open_pr(user_repo, forge, "gitlab", monkeypatch)
    assert result.exit_code == 0, result.output
    assert [r.method for r in forge.requests] == ["GET", "POST", "POST"] and no_pauses == [2.0]
    assert "Opened merge request !1" in result.stdout


def test_a_long_retry_after_is_not_waited_for(forge, no_pauses):
    forge.fail["GET"] = (429, {"message": "API rate limit exceeded"})
    forge.fail_headers["GET"] = {"Retry-After": "3600"}
    api = Api(on(forge, "github"), {"Authorization": f"Bearer {forge.token}"}, Token(forge.token, "GH_TOKEN"))
    with pytest.raises(ForgeError) as failure:
        api.request("GET", "/repos/acme/widgets/pulls", what="listing pull requests")
    api.close()
    assert str(failure.value) == ("GitHub limited the rate of requests (HTTP 429: API rate limit exceeded on listing "
                                  "pull requests); try again later (GitHub asks to wait 3600 s)")
    assert len(forge.requests) == 1 and no_pauses == []


def test_a_refusal_is_not_retried(forge, no_pauses):
    forge.fail["GET"] = (422, {"message": "Validation Failed"})
    api = Api(on(forge, "github"), {}, Token(forge.token, "GH_TOKEN"))
    with pytest.raises(ForgeError, match=r"refused GET /x \(HTTP 422: Validation Failed\)$"):
        api.request("GET", "/x")
    api.close()
    assert len(forge.requests) == 1 and no_pauses == []


class Hangup:
    """A server on 127.0.0.1 that accepts each connection, reads a little and closes it unanswered."""

    def __init__(self) -> None:
        self.connections = 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            self.connections += 1
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(65536)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._socket.close()


@pytest.fixture
def hangup():
    server = Hangup()
    yield server
    server.close()


def test_a_dropped_connection_is_retried_for_a_get_only(hangup, no_pauses):
    forge = Forge("gitlab", f"http://127.0.0.1:{hangup.port}/api/v4", "acme/widgets", "https://x.example/a/b")
    api = Api(forge, {"PRIVATE-TOKEN": "secret-token-1"}, Token("secret-token-1", "GITLAB_TOKEN"), timeout=5)
    with pytest.raises(ForgeError) as failure:
        api.request("GET", "/projects/acme%2Fwidgets/merge_requests")
    assert f"cannot reach GitLab at http://127.0.0.1:{hangup.port}/api/v4:" in str(failure.value)
    assert str(failure.value).endswith("(asked 3 times)") and hangup.connections == 3
    with pytest.raises(ForgeError) as failure:  # the request may have arrived: not sent again
        api.request("POST", "/projects/acme%2Fwidgets/merge_requests", {"title": "t"})
    api.close()
    assert "asked" not in str(failure.value) and hangup.connections == 4
    assert "secret-token-1" not in str(failure.value)


def test_a_connection_that_cannot_be_made_is_retried_even_for_a_post(no_pauses):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    forge = Forge("github", f"http://127.0.0.1:{port}/api/v3", "acme/widgets", "https://x.example/a/b")
    api = Api(forge, {}, Token("t0ken", "GH_TOKEN"), timeout=5)
    with pytest.raises(ForgeError) as failure:
        api.request("POST", "/repos/acme/widgets/pulls", {"title": "t"}, what="opening the pull request")
    api.close()
    assert str(failure.value).startswith(f"cannot reach GitHub at http://127.0.0.1:{port}/api/v3: ")
    assert str(failure.value).endswith("(asked 3 times)") and len(no_pauses) == 2


# -- timeouts -----------------------------------------------------------------------------------


def test_a_forge_that_does_not_answer_is_asked_once(forge, no_pauses):
    forge.delay = 5
    api = Api(on(forge, "gitlab"), {}, Token(forge.token, "GITLAB_TOKEN"), timeout=0.3)
    started = time.monotonic()
    with pytest.raises(ForgeError) as failure:
        api.request("GET", "/projects/acme%2Fwidgets/merge_requests", what="listing merge requests")
    api.close()
    assert time.monotonic() - started < 2
    assert str(failure.value) == "GitLab did not answer within 0.3 s (listing merge requests)"
    assert len(forge.requests) == 1 and no_pauses == []


class Trickle:
    """A server that answers 200 at once, then one byte of the body every 0.1 s, forever."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    def _serve(self) -> None:
        try:
            connection, _ = self._socket.accept()
        except OSError:
            return
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   b"Transfer-Encoding: chunked\r\n\r\n")
                while not self._stop.wait(0.1):
                    connection.sendall(b"1\r\n \r\n")
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._socket.close()


def test_an_answer_that_trickles_in_times_out_too(no_pauses):
    trickle = Trickle()
    forge = Forge("github", f"http://127.0.0.1:{trickle.port}/api/v3", "acme/widgets", "https://x.example/a/b")
    api = Api(forge, {}, Token("t0ken", "GH_TOKEN"), timeout=0.5)
    started = time.monotonic()
    try:
        with pytest.raises(ForgeError, match=r"^GitHub did not answer within 0.5 s \(GET /x\)$"):
            api.request("GET", "/x")
    finally:
        api.close()
        trickle.close()
    assert time.monotonic() - started < 3


def test_proxy_settings_httpx_refuses_are_one_line(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "socks9://user:hunter2@proxy.example:1080")
    forge = Forge("github", "https://api.github.com", "acme/widgets", "https://github.com/acme/widgets")
    with pytest.raises(ForgeError) as failure:
        open_or_update(forge, Token("t0ken-value", "GH_TOKEN"), head="b", base="main", title="t", body="b")
    assert str(failure.value).startswith("cannot prepare HTTP requests to GitHub: ")
    assert "hunter2" not in str(failure.value) and "\n" not in str(failure.value)


# -- the token ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc\ndef", "abc def", "t\u00f6ken", "abc\x00"])
def test_a_token_no_http_header_can_carry_is_refused_without_showing_it(value):
    forge = Forge("github", "https://api.github.com", "acme/widgets", "https://github.com/acme/widgets")
    with pytest.raises(UserError) as failure:
        token_for(forge, {"GH_TOKEN": value})
    assert "GH_TOKEN holds a character no token has" in str(failure.value)
    assert value not in str(failure.value)


def test_httpx_is_imported_only_when_a_request_is_made():
    code = ("import sys, octoscaffold.cli, octoscaffold.publish.review, octoscaffold.publish.forge, "
            "octoscaffold.publish.github, octoscaffold.publish.gitlab; print('httpx' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
