"""Fuzzed specs, bounded in time: mutated real examples go through the same path as `render`
(read, validate, resolve, render, check). Whatever the damage, the outcome is a rendered project
or an OctoscaffoldError; a valid spec's values come back exactly from the stored spec."""

from __future__ import annotations

import random
import time
from pathlib import Path

from octoscaffold.catalog import load_catalog
from octoscaffold.errors import OctoscaffoldError
from octoscaffold.scaffold import build
from octoscaffold.spec.io import spec_from_text

REPO = Path(__file__).resolve().parents[2]
SEED = 20261129
BUDGET_SECONDS = 8.0
MAX_CASES = 400
NASTY = ["\x00", "\r", "\x85", "\u2028", "\ufeff", "\ud800", "&a ", "*a", "!!python/object:os.system ", "{", "[",
         "'", '"', "\\", ": ", "- ", "#", "\t", "9" * 40, "-1", "~", ".git/", "../", "/", "\n  ", "\n" + " " * 200]


def mutate(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    span = rng.randint(1, 40)
    operation = rng.randrange(4)
    if operation == 0:
        return text[:at] + text[at + span :]
    if operation == 1:
        return text[:at] + text[at : at + span] * rng.randint(2, 5) + text[at:]
    return text[:at] + rng.choice(NASTY) + text[at:]


def test_mutated_examples_render_or_fail_with_a_clear_error():
    catalog = load_catalog()
    examples = sorted((REPO / "templates" / "ocl").glob("*/examples/*.yaml"))
    originals = [path.read_text() for path in examples]
    rng = random.Random(SEED)
    started = time.perf_counter()
    cases = rendered = 0
    surprises: list[str] = []
    while cases < MAX_CASES and time.perf_counter() - started < BUDGET_SECONDS:
        text = rng.choice(originals)
        for _ in range(rng.randint(1, 4)):
            text = mutate(text, rng)
        cases += 1
        try:
            result = build(spec_from_text(text, "fuzz"), catalog)
        except OctoscaffoldError as error:
            assert "\n" not in str(error), str(error)
            continue
        except Exception as error:  # noqa: BLE001 - that is the finding
            surprises.append(f"{type(error).__name__}: {error!s:.200} <- {text[:300]!r}")
            continue
        rendered += 1
        stored = spec_from_text(result.files[f".octoscaffold/{result.spec.slug}.yaml"], "stored")
        assert stored.model_dump(exclude={"files"}) == result.spec.model_dump(exclude={"files"})
    assert surprises == [], surprises[:3]
    assert cases >= 50 and rendered >= 5, (cases, rendered)
