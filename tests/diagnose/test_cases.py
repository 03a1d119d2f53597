"""Every written log: the outcome, the first failing step and the cause's signature must be found,
as written and in the shapes real logs come in (no header, Windows line ends, other times)."""

from __future__ import annotations

import re

import pytest

from octoscaffold.diagnose import diagnose, load_signatures, parse_text, read_log

from .conftest import LOGS, cases

CATALOG = load_signatures(builtin_only=True)
CASES = cases()


def verdict(diagnosis) -> tuple:
    step = diagnosis.step.name if diagnosis.step else None
    cause = diagnosis.cause.signature.id if diagnosis.cause and diagnosis.failed else None
    return diagnosis.outcome, step, cause


def expected(case) -> tuple:
    return case["outcome"], case["step"], case["cause"]


def test_enough_logs_of_every_kind():
    failing = [c for c in CASES if c["outcome"] in ("failed", "waiting", "canceled")]
    assert len(failing) >= 30
    assert {c["outcome"] for c in CASES} >= {"success", "success-with-warnings", "failed", "waiting", "canceled", "paused"}
    assert len({c["cause"] for c in failing}) >= 30  # different causes, not one cause many times
    assert any(c["file"].endswith(".json") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_written_log(case):
    assert verdict(diagnose(read_log(LOGS / case["file"]), CATALOG)) == expected(case)


RAW = [c for c in CASES if c["file"].endswith(".log")]


@pytest.mark.parametrize("case", RAW, ids=[c["file"] for c in RAW])
def test_windows_line_ends_and_iso_times(case):
    text = (LOGS / case["file"]).read_text(encoding="utf-8")
    text = re.sub(r"^(\d\d:\d\d:\d\d)", r"2024-03-11T\1.123Z", text, flags=re.MULTILINE).replace("\n", "\r\n")
    assert verdict(diagnose(parse_text(text.split("\n")), CATALOG)) == expected(case)


KNOWABLE = [c for c in RAW if c["outcome"] in ("failed", "success", "success-with-warnings")]


@pytest.mark.parametrize("case", KNOWABLE, ids=[c["file"] for c in KNOWABLE])
def test_without_the_header(case):
    lines = [line for line in (LOGS / case["file"]).read_text(encoding="utf-8").split("\n") if "|" in line]
    assert verdict(diagnose(parse_text(lines), CATALOG)) == expected(case)


def test_evidence_is_a_few_numbered_lines_of_the_log():
    log_lines = (LOGS / "terraform-lock.log").read_text().split("\n")
    diagnosis = diagnose(read_log(LOGS / "terraform-lock.log"), CATALOG)
    evidence = diagnosis.cause.evidence
    assert 1 <= len(evidence) <= 5
    for line in evidence:
        assert log_lines[line.number - 1].endswith(line.text)


def test_cascade_is_apart_from_the_failure():
    diagnosis = diagnose(read_log(LOGS / "aws-credentials.log"), CATALOG)
    assert [n.name for n in diagnosis.cascade] == ["Upload Lambda Package", "Deploy Lambda SAM Template"]
    assert diagnosis.action_path == ["Hosted Ubuntu"]
    assert diagnosis.step_seconds is not None and diagnosis.step_seconds > 0


def test_first_failure_in_process_order_and_the_others_named():
    diagnosis = diagnose(read_log(LOGS / "two-failures.log"), CATALOG)
    assert diagnosis.step.name == "Deploy API"
    assert [n.name for n in diagnosis.other_failures] == ["Deploy Worker"]


def test_unknown_cause_is_said_and_the_first_errors_shown():
    diagnosis = diagnose(read_log(LOGS / "unknown-error.log"), CATALOG)
    assert diagnosis.failed and diagnosis.cause is None
    assert "frobnicator" in diagnosis.first_errors[0].text


def test_generic_cause_is_labelled_low_confidence():
    diagnosis = diagnose(read_log(LOGS / "script-exit.log"), CATALOG)
    assert diagnosis.cause.signature.id == "script-exit-code"
    assert diagnosis.cause.confidence == "low"


def test_success_with_warnings_points_at_them():
    diagnosis = diagnose(read_log(LOGS / "warnings-only.log"), CATALOG)
    assert not diagnosis.failed
    assert diagnosis.warning_count == 1
    assert "expires in 12 days" in diagnosis.warnings[0].text
