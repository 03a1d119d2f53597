"""A real HTTP server on 127.0.0.1 that speaks `/v1/chat/completions`.

It answers from a script (one reply per request, in order), can inject faults (status codes,
headers, delays, broken bodies), and records every request, so the tests drive the real `openai`
client against it and assert on what was sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from octoscaffold.catalog import load_catalog

HERE = Path(__file__).resolve().parent
SMALL_CATALOG = load_catalog(HERE / "catalog")


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # a dict is sent as JSON, a str as it is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts)
    drip: float = 0.0  # seconds between the bytes of the body (a server that drips its answer)
    content_type: str = "application/json"


def completion(content: Any = None, *, finish_reason: str = "stop", refusal: str | None = None) -> Reply:
    """A chat completion whose message is `content` (a dict is sent as its JSON text)."""
    if isinstance(content, (dict, list)):
        content = json.dumps(content)
    message = {"role": "assistant", "content": content, "refusal": refusal}
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    )


def error(status: int, message: str = "failed", headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"error": {"message": message, "type": "test", "code": None}}, headers or {})


def answer(**fields: Any) -> dict[str, Any]:
    """A model's answer to the hybrid parser's questions: only the fields it was asked."""
    return dict(fields)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


class FakeOpenAI:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.bytes_sent = 0  # of the last body, as far as the client took it
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake.requests.append(Recorded(self.path, headers, body))
                reply = fake.replies.popleft() if fake.replies else error(500, "no scripted reply left")
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                payload = data.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type)
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    fake.bytes_sent = 0
                    if reply.drip:
                        for index in range(len(payload)):
                            self.wfile.write(payload[index : index + 1])
                            self.wfile.flush()
                            fake.bytes_sent += 1
                            time.sleep(reply.drip)
                    else:
                        self.wfile.write(payload)
                        fake.bytes_sent = len(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: Any) -> None:
                pass  # keep test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def root(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self.root + "/v1"

    def script(self, *replies: Reply) -> "FakeOpenAI":
        self.replies.extend(replies)
        return self

    def bodies(self) -> list[Any]:
        return [r.body for r in self.requests]


@pytest.fixture
def llm_server():
    fake = FakeOpenAI()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No LLM settings from the developer's environment, home or repository leak into a test."""
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OCTOSCAFFOLD_MODEL",
        "OCTOSCAFFOLD_API_KEY",
        "OCTOSCAFFOLD_LLM_TIMEOUT",
        "OCTOSCAFFOLD_LLM_DEADLINE",
        "OCTOSCAFFOLD_CACHE_DIR",
        "XDG_CACHE_HOME",
        "OCTOSCAFFOLD_LLM_RETRIES",
        "OCTOSCAFFOLD_LLM_MAX_TOKENS",
        "OCTOSCAFFOLD_RESPONSE_FORMAT",
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_API_KEY",
        "OPENAI_API_VERSION",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    from octoscaffold.understand import llm

    llm._JSON_MODE_ONLY.clear()
    return monkeypatch
