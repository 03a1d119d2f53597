"""The spinner: drawn only on a terminal, with the elapsed time, and its line cleaned afterwards."""

from __future__ import annotations

import io
import os
import time

from octoscaffold.understand.progress import waiting


class Terminal(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def test_nothing_on_a_pipe():
    stream = io.StringIO()
    with waiting("Asking m", stream=stream):
        time.sleep(0.05)
    assert stream.getvalue() == ""


def test_spinner_on_a_terminal():
    stream = Terminal()
    with waiting("Asking m", stream=stream, interval=0.01):
        time.sleep(0.15)
    text = stream.getvalue()
    assert "Asking m... 0.0s" in text
    assert "s\x1b[K" in text
    assert text.endswith("\r\x1b[K")  # the line is left empty
    assert any(frame in text for frame in "⠋⠙⠹")


def test_ascii_frames_without_utf8():
    class Plain(Terminal):
        encoding = "ascii"

    stream = Plain()
    with waiting("Asking m", stream=stream, interval=0.01):
        time.sleep(0.05)
    assert "| Asking m" in stream.getvalue()
    assert not any(frame in stream.getvalue() for frame in "⠋⠙⠹")


def test_cleans_up_on_error():
    stream = Terminal()
    try:
        with waiting("Asking m", stream=stream, interval=0.01):
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert stream.getvalue().endswith("\r\x1b[K")


def test_a_real_pty():
    """On a real terminal device (a pseudo-terminal), the spinner is drawn on it."""
    import pty

    leader, follower = pty.openpty()
    try:
        with open(follower, "w", encoding="utf-8", closefd=False) as stream:
            with waiting("Asking m", stream=stream, interval=0.01):
                time.sleep(0.05)
        drawn = os.read(leader, 4096).decode("utf-8")
    finally:
        os.close(leader)
        os.close(follower)
    assert "Asking m..." in drawn
