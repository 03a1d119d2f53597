"""Accuracy and speed of the offline rules parser (run by hand: `python benchmarks/understand.py`).

For every prompt set (tests/understand/prompts/*.yaml, ../shared/prompts/dev.yaml, and any YAML
files given on the command line, e.g. a held-out set) it prints how many cases come out fully
right (every expected spec value, error or warning, checked after the best-practice policy, as
the tests do) and the milliseconds per prompt of the parser alone. Targets: under 5 ms per
prompt; every set at 100%, a held-out set at 90% or more.

    python benchmarks/understand.py [--show] [EXTRA.yaml ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "understand"))

from cases import PROMPTS, check, load_cases  # noqa: E402

SHARED = REPO.parent / "shared" / "prompts" / "dev.yaml"
REPEAT = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extra", nargs="*", type=Path, help="more prompt files (same format)")
    parser.add_argument("--show", action="store_true", help="print every case that is not fully right")
    args = parser.parse_args()

    from octoscaffold.catalog import load_catalog
    from octoscaffold.errors import OctoscaffoldError
    from octoscaffold.understand import read

    catalog = load_catalog()
    files = sorted(PROMPTS.glob("*.yaml")) + ([SHARED] if SHARED.exists() else []) + list(args.extra)
    print(f"{'set':24} {'cases':>6} {'right':>6} {'share':>7} {'ms/prompt':>10} {'slowest':>8}")
    every: list[float] = []
    total = right_total = 0
    for path in files:
        cases = load_cases(path)
        right = 0
        times = []
        for case in cases:
            wrong = check(case)
            right += not wrong
            if wrong and args.show:
                print(f"  {case['prompt']!r}\n    " + "\n    ".join(wrong))
            start = time.perf_counter()
            for _ in range(REPEAT):
                try:
                    read(case["prompt"], catalog)
                except OctoscaffoldError:
                    pass
            times.append((time.perf_counter() - start) / REPEAT * 1000)
        every += times
        total += len(cases)
        right_total += right
        print(
            f"{path.stem:24} {len(cases):>6} {right:>6} {right / max(len(cases), 1):>7.1%} "
            f"{statistics.median(times):>10.2f} {max(times):>8.2f}"
        )
    print(
        f"{'all':24} {total:>6} {right_total:>6} {right_total / max(total, 1):>7.1%} "
        f"{statistics.median(every):>10.2f} {max(every):>8.2f}"
    )
    print("target: < 5 ms per prompt (median)")


if __name__ == "__main__":
    main()
