"""Reading task logs: the raw format's tree, the details JSON, and input that is not what we expect."""

from __future__ import annotations

import io
import json
import os

import pytest

from octoscaffold.diagnose import logs
from octoscaffold.diagnose.logs import parse_json, parse_text, read_log
from octoscaffold.errors import UserError

from .conftest import LOGS

RAW = """Task ID:        ServerTasks-5
Task status:    Failed
Task duration:  12 seconds

                    | == Failed: Deploy App release 1.0.0 to Test ==
10:00:01   Verbose  |   Guided failure is not enabled for this task
                    |   
                    |   == Failed: Step 1: Run a Script ==
                    |     
                    |     Failed: Hosted Ubuntu
10:00:02   Info     |       line one
10:00:03   Error    |       first error
                    |       continued: with a colon
Success: not a header, no blank line before
10:00:05   Fatal    |       The action Run a Script on Hosted Ubuntu failed
                    |   
                    |   == Skipped: Step 2: After ==
"""


def test_raw_tree_header_and_levels():
    log = parse_text(RAW.split("\n"))
    assert log.header["Task ID"] == "ServerTasks-5" and log.status == "Failed"
    root = log.root
    assert root.name == "Deploy App release 1.0.0 to Test" and root.status == "Failed"
    assert [(s.status, s.name) for s in root.children] == [("Failed", "Step 1: Run a Script"), ("Skipped", "Step 2: After")]
    target = root.children[0].children[0]
    assert target.name == "Hosted Ubuntu" and target.error_count == 2
    texts = [line.text for line in target.kept()]
    assert "continued: with a colon" in texts
    assert "Success: not a header, no blank line before" in texts
    assert target.errors[0].number == 12 and target.errors[0].time == "10:00:03"


def test_successful_activities_keep_only_errors_and_warnings():
    lines = ["                    | == Success: Deploy ==", "                    |   ",
             "                    |   == Success: Step 1 ==", *[f"10:00:{i % 60:02}   Info     |     chatter {i}" for i in range(5000)],
             "10:01:00   Warning  |     a warning"]
    step = parse_text(lines).root.children[0]
    assert step.lines == 5001 and not step.head and not step.tail
    assert [w.text for w in step.warnings] == ["a warning"]


def test_failed_activities_keep_head_and_tail_only():
    lines = ["                    | == Failed: Deploy ==", "                    |   ",
             "                    |   == Failed: Step 1 ==", *[f"10:00:00   Info     |     line {i}" for i in range(10_000)]]
    step = parse_text(lines).root.children[0]
    kept = step.kept()
    assert len(kept) == logs.KEEP_HEAD + logs.KEEP_TAIL
    assert kept[-1].text == "line 9999"


def test_a_pipe_inside_a_plain_message_is_not_the_tree():
    log = parse_text(["ERROR: grep foo | wc -l failed", "something else"])
    assert log.format == "text"
    assert log.top.errors[0].text == "ERROR: grep foo | wc -l failed"


def test_cut_short_log_keeps_what_it_has():
    text = RAW.split("\n")[:12]
    log = parse_text(text)
    assert log.root.children[0].children[0].errors[0].text == "first error"


def test_details_json(tmp_path):
    document = json.loads((LOGS / "k8s-crashloop.json").read_text())
    log = parse_json(document)
    assert log.format == "json" and log.status == "Failed"
    assert log.root.children[0].name == "Deploy raw Kubernetes YAML"
    single = parse_json(document["ActivityLogs"][0])
    assert single.root.name == log.root.name
    only_task = parse_json({"Id": "ServerTasks-1", "State": "Failed", "ErrorMessage": "Login failed for user 'sa'."})
    assert only_task.top.errors[0].text == "Login failed for user 'sa'."


@pytest.mark.parametrize("document", ['{"Task": 1', '{"foo": 1}', '[1, 2'])
def test_json_that_is_not_a_task_is_one_line(tmp_path, document):
    path = tmp_path / "task.json"
    path.write_text(document)
    with pytest.raises(UserError) as caught:
        read_log(path)
    assert "\n" not in str(caught.value)


def test_bad_files_are_one_line(tmp_path):
    with pytest.raises(UserError, match="no such log file"):
        read_log(tmp_path / "missing.log")
    with pytest.raises(UserError, match="is a folder"):
        read_log(tmp_path)
    empty = tmp_path / "empty.log"
    empty.write_text("\n\n")
    with pytest.raises(UserError, match="empty"):
        read_log(empty)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="not a regular file"):
        read_log(fifo)


def test_bytes_that_are_not_utf8_and_endless_lines(tmp_path):
    path = tmp_path / "odd.log"
    path.write_bytes(b"\xef\xbb\xbf" + RAW.encode().replace(b"first error", b"first \xff error") + b"x" * 300_000)
    log = read_log(path)
    target = log.root.children[0].children[0]
    assert target.errors[0].text == "first \ufffd error"
    assert all(len(line.text) <= logs.MAX_LINE for node in log.nodes() for line in node.kept())


def test_standard_input():
    stream = io.BytesIO(RAW.replace("\n", "\r\n").encode())
    stream.isatty = lambda: False
    log = read_log("-", stdin=stream)
    assert log.root.children[0].children[0].errors[0].text == "first error"


def test_times_in_several_forms():
    assert logs.elapsed("23:59:50", "00:00:10") == 20
    assert logs.elapsed("2024-03-11 09:00:00", "2024-03-11 09:01:30") == 90
    assert logs.elapsed("11:59:00 PM", "12:00:30 AM") == 90
    assert logs.elapsed("10:00:00.250", "10:00:02.900") == 2
    assert logs.seconds("no time") is None
