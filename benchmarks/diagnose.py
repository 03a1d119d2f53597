"""How well and how fast `octoscaffold diagnose` reads task logs.

1. The share diagnosed correctly on the written test logs (tests/diagnose/logs/cases.yaml: the
   outcome, the first failing step and the cause's signature must all be right), and the same
   logs reshaped the ways real ones differ (no header, Windows line ends, other time formats).
2. The same on a second, held-out set (benchmarks/diagnose-heldout): logs written without
   seeing the analyzer. Its first look, before any signature was added for it: outcome 30/30,
   first failing step 25/25, cause 14/25.
3. The time and peak memory to diagnose a generated raw log of 100 MB (target: under 5 s), with
   its failure near the end among many successful steps and targets.

    python benchmarks/diagnose.py [--size-mb 100]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from octoscaffold.diagnose import diagnose, load_signatures, read_log  # noqa: E402
from octoscaffold.diagnose.logs import parse_text  # noqa: E402

LOGS = REPO / "tests" / "diagnose" / "logs"
TARGET_SECONDS = 5.0


def cases() -> list[dict]:
    return [json.loads(line[2:]) for line in (LOGS / "cases.yaml").read_text().splitlines() if line.startswith("- ")]


def verdict(diagnosis) -> tuple:
    step = diagnosis.step.name if diagnosis.step else None
    cause = diagnosis.cause.signature.id if diagnosis.cause and diagnosis.failed else None
    return diagnosis.outcome, step, cause


def reshaped(text: str) -> dict[str, str]:
    """The same log as people also have it."""
    lines = text.split("\n")
    body = [line for line in lines if "|" in line] or lines
    return {
        "as written": text,
        "no header": "\n".join(body),
        "CRLF": text.replace("\n", "\r\n"),
        "ISO times": re.sub(r"^(\d\d:\d\d:\d\d)", r"2024-03-11T\1.000Z", text, flags=re.MULTILINE),
    }


def accuracy() -> None:
    catalog = load_signatures(builtin_only=True)
    total = right = 0
    for shape in ("as written", "no header", "CRLF", "ISO times"):
        shape_total = shape_right = 0
        for case in cases():
            path = LOGS / case["file"]
            expected = (case["outcome"], case["step"], case["cause"])
            if path.suffix == ".json" and shape != "as written":
                continue
            if shape == "no header" and case["outcome"] in ("waiting", "paused", "canceled"):
                continue  # without the header's status these are honestly unknowable from the tree alone
            if path.suffix == ".json":
                log = read_log(path)
            else:
                log = parse_text(reshaped(path.read_text(encoding="utf-8"))[shape].split("\n"))
            got = verdict(diagnose(log, catalog))
            shape_total += 1
            shape_right += got == expected
            if got != expected and shape == "as written":
                print(f"  wrong: {case['file']}: {got} (expected {expected})")
        total += shape_total
        right += shape_right
        print(f"{shape:>11}: {shape_right}/{shape_total} diagnosed correctly ({100 * shape_right / max(shape_total, 1):.0f}%)")
    print(f"{'all':>11}: {right}/{total} ({100 * right / max(total, 1):.0f}%)")


def generate(path: Path, size_mb: int) -> None:
    """A raw log of about `size_mb` MB: many steps and targets, chatty, one failure near the end."""
    rng = random.Random(7)
    chatter = [
        "Verbose  |       Extracting package to: C:\\Octopus\\Applications\\Production\\App\\1.0.{n}",
        "Info     |       Copying file {n} of 20000 to the destination folder",
        "Verbose  |       Performing variable substitution on 'appsettings.{n}.json'",
        "Info     |       Waiting for deployment \"web\" rollout to finish: {n} of 50 updated replicas are available...",
    ]
    limit = size_mb * 1_000_000
    with path.open("w", encoding="utf-8") as out:
        out.write("Task ID:        ServerTasks-99999\nTask status:    Failed\nTask duration:  2 hours\n\n")
        out.write("                    | == Failed: Deploy Big release 1.0.0 to Production ==\n")
        step = 0
        while out.tell() < limit:
            step += 1
            out.write(f"                    |   \n                    |   == Success: Step {step}: Deploy part {step} ==\n")
            for target in range(5):
                out.write(f"                    |     \n                    |     Success: web-{target:03}\n")
                for n in range(400):
                    second = (step * 7 + n) % 60
                    out.write(f"10:{(step // 60) % 60:02}:{second:02}   {rng.choice(chatter).format(n=n)}\n")
        out.write("                    |   \n                    |   == Failed: Final step: Swap slots ==\n")
        out.write("                    |     \n                    |     Failed: web-000\n")
        out.write("11:59:01   Error    |       Error acquiring the state lock\n")
        out.write("11:59:01   Error    |       The remote script failed with exit code 1\n")
        out.write("                    |   \n                    |   == Skipped: Notify ==\n")


def speed(size_mb: int) -> None:
    catalog = load_signatures(builtin_only=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.log"
        generate(path, size_mb)
        size = path.stat().st_size
        tracemalloc.start()
        start = time.perf_counter()
        diagnosis = diagnose(read_log(path), catalog)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        # tracemalloc slows Python down; time once more without it.
        start = time.perf_counter()
        diagnose(read_log(path), catalog)
        plain = time.perf_counter() - start
    print(f"{size / 1e6:.0f} MB log: {plain:.2f} s (target < {TARGET_SECONDS:g} s; {seconds:.2f} s with tracing), "
          f"peak Python memory {peak / 1e6:.1f} MB; found {verdict(diagnosis)}")


HELDOUT = REPO / "benchmarks" / "diagnose-heldout"


def heldout() -> None:
    """The second set: logs written by someone who had not seen the analyzer, its signatures or
    its test logs. Outcome, first failing step and the signature of the cause are each counted."""
    from ruamel.yaml import YAML

    expected = YAML(typ="safe").load((HELDOUT / "expected.yaml").read_text())
    catalog = load_signatures(())
    outcome = step = cause = failed = 0
    for name, want in expected.items():
        found = diagnose(read_log(HELDOUT / name), catalog)
        outcome += found.failed == want["failed"]
        if not want["failed"]:
            continue
        failed += 1
        got_step = found.step.name if found.step else ""
        step += want["step"].lower() in got_step.lower()
        got = found.cause.signature.id if found.cause else None
        if got == want.get("signature"):
            cause += 1
        else:
            print(f"  cause: {name}: {got} (expected {want.get('signature')})")
    print(f"held-out: outcome {outcome}/{len(expected)}, first failing step {step}/{failed}, cause {cause}/{failed}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=100)
    args = parser.parse_args()
    accuracy()
    heldout()
    speed(args.size_mb)


if __name__ == "__main__":
    main()
