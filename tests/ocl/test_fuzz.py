"""Mutated real files: whatever the damage, parse raises OclSyntaxError or returns a writable tree."""

from __future__ import annotations

import random
import time

from octoscaffold.ocl import OclSyntaxError, parse, write

from .helpers import normalise

SEED = 20240611
BUDGET_SECONDS = 5.0
MAX_CASES = 6000
NASTY = [b"\x00", b"\xff", b"\xc3", b"\r", b"\n", b'"', b"\\", b"{", b"}", b"[", b"]", b"<<-EOT\n", b"EOT", b"=", b"\t", b"\xef\xbb\xbf"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    size = len(data)
    at = rng.randrange(size + 1)
    span = rng.randint(1, 64)
    operation = rng.randrange(5)
    if operation == 0:  # truncate
        return data[:at]
    if operation == 1:  # delete a span
        return data[:at] + data[at + span :]
    if operation == 2:  # duplicate a span
        return data[:at] + data[at : at + span] + data[at:]
    if operation == 3 and size:  # flip bits of one byte
        index = rng.randrange(size)
        return data[:index] + bytes([data[index] ^ (1 << rng.randrange(8))]) + data[index + 1 :]
    return data[:at] + rng.choice(NASTY) + data[at:]


def test_mutated_corpus_files_raise_only_syntax_errors(corpus_dir):
    rng = random.Random(SEED)
    files = sorted(corpus_dir.glob("*.ocl"))
    originals = [path.read_bytes() for path in files]
    started = time.perf_counter()
    cases = errors = 0
    while cases < MAX_CASES and time.perf_counter() - started < BUDGET_SECONDS:
        data = rng.choice(originals)
        for _ in range(rng.randint(1, 3)):
            data = mutate(data, rng)
        cases += 1
        try:
            doc = parse(data, "fuzz.ocl")
        except OclSyntaxError as err:
            errors += 1
            assert err.line >= 1 and err.column >= 1
            assert str(err).startswith(f"fuzz.ocl:{err.line}:{err.column}: ")
            continue
        assert normalise(parse(write(doc))) == normalise(doc)
    assert cases >= 1000, f"only {cases} cases in {BUDGET_SECONDS}s"
    assert 0 < errors < cases
