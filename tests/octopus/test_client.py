"""The Octopus client's own limits, against real servers on 127.0.0.1: an answer too large is
refused before it is read, one that trickles in is cut off, a large one can be streamed."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from octoscaffold.octopus.client import MAX_RESPONSE, Octopus, OctopusError, OctopusSettings


def serve(respond) -> tuple[str, threading.Thread]:
    """A one-connection HTTP server that answers with `respond(connection)`."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def run() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            try:
                respond(connection)
            except OSError:
                pass
        listener.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}", thread


def client(url: str, timeout: float = 2.0) -> Octopus:
    return Octopus(OctopusSettings(url, "API-TEST", "Spaces-1", timeout=timeout, retries=0))


def test_an_answer_announced_too_large_is_refused_unread():
    def respond(connection):
        connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {MAX_RESPONSE + 1}\r\n\r\n".encode())
        connection.sendall(b"[" + b" " * 1000)

    url, _ = serve(respond)
    with client(url) as octopus, pytest.raises(OctopusError, match="over 67,108,864 bytes"):
        octopus.get("/api/spaces/all")


def test_an_answer_that_trickles_in_is_cut_off():
    def respond(connection):
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
        for _ in range(60):
            time.sleep(0.1)
            connection.sendall(b" ")

    url, _ = serve(respond)
    started = time.monotonic()
    with client(url, timeout=0.5) as octopus, pytest.raises(OctopusError, match="kept arriving for over 2 s"):
        octopus.get("/api/spaces/all")
    assert time.monotonic() - started < 5


def test_a_large_answer_can_be_streamed_in_chunks():
    body = b"x" * (3 * 1024 * 1024)

    def respond(connection):
        connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)

    url, _ = serve(respond)
    with client(url) as octopus:
        chunks = list(octopus.stream("/api/tasks/ServerTasks-1/raw"))
    assert b"".join(chunks) == body and len(chunks) > 1


def test_a_streamed_error_is_one_line():
    def respond(connection):
        data = b'{"ErrorMessage": "The resource you requested was not found."}'
        connection.sendall(f"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)

    url, _ = serve(respond)
    with client(url) as octopus, pytest.raises(OctopusError, match="404 The resource you requested was not found"):
        list(octopus.stream("/api/tasks/ServerTasks-9/raw"))
