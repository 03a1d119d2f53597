"""Parse and write throughput of octoscaffold.ocl over the OCL corpus, against python-hcl2.

Run by hand:  python benchmarks/ocl_parse.py [CORPUS_DIR] [--repeat N]
The comparison with python-hcl2 (`pip install python-hcl2`) uses only the files hcl2 accepts, for
both libraries, so the ratio compares like with like. Targets: ≥ 5 MB/s parsing, ≥ 10× python-hcl2,
peak memory while holding every parsed file ≤ 20× the corpus size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Callable

from octoscaffold.ocl import parse, write

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "ocl-corpus"


def best_and_median(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def megabytes(texts: list[str]) -> float:
    return sum(len(text.encode("utf-8")) for text in texts) / 1e6


def report(label: str, size: float, timing: tuple[float, float]) -> float:
    best, median = timing
    print(f"{label:<34} {size / best:8.2f} MB/s best   {size / median:8.2f} MB/s median")
    return size / best


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    options.add_argument("--repeat", type=int, default=7)
    args = options.parse_args()

    files = sorted(args.corpus.glob("*.ocl"))
    if not files:
        print(f"no .ocl files in {args.corpus}")
        return 1
    texts = [path.read_bytes().decode("utf-8") for path in files]
    size = megabytes(texts)
    print(f"corpus: {len(files)} files, {size:.2f} MB, best and median of {args.repeat} runs\n")

    parse_rate = report("octoscaffold.ocl parse", size, best_and_median(lambda: [parse(t) for t in texts], args.repeat))
    docs = [parse(text) for text in texts]
    report("octoscaffold.ocl write", size, best_and_median(lambda: [write(d) for d in docs], args.repeat))

    # Peak memory while the whole corpus is held parsed at once.
    tracemalloc.start()
    held = [parse(text) for text in texts]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del held
    corpus_bytes = size * 1e6
    print(f"\npeak memory holding all parsed files: {peak / 1e6:.1f} MB = {peak / corpus_bytes:.1f}x corpus size (target <= 20x)")

    try:
        import hcl2
    except ImportError:
        print("\npython-hcl2 is not installed; skipping the comparison (pip install python-hcl2)")
        return 0

    accepted, rejected = [], 0
    for text in texts:
        try:
            hcl2.loads(text)
        except Exception:  # hcl2 rejects some valid OCL (Octopus-only heredoc and key rules)
            rejected += 1
        else:
            accepted.append(text)
    subset = megabytes(accepted)
    print(f"\npython-hcl2 accepts {len(accepted)} of {len(texts)} files ({rejected} rejected); comparing on {subset:.2f} MB")
    hcl_repeat = max(1, min(3, args.repeat))
    hcl_rate = report("python-hcl2 loads", subset, best_and_median(lambda: [hcl2.loads(t) for t in accepted], hcl_repeat))
    ours = report("octoscaffold.ocl parse (same files)", subset, best_and_median(lambda: [parse(t) for t in accepted], args.repeat))
    print(f"\nratio: {ours / hcl_rate:.1f}x python-hcl2 (target >= 10x); parse {parse_rate:.1f} MB/s (target >= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
