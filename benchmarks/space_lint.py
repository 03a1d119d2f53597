"""Lint a whole live space of 500 projects (every fifth in Git) served by the stand-in Octopus server.

Run by hand:  python benchmarks/space_lint.py [--projects 500] [--workers 4] [--repeat 3]
Target: under 20 seconds for 500 projects. The server runs in another process, so the memory
printed is the client's own: its peak should grow far slower than the number of projects.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 20.0


def _serve(projects: int, queue, stop) -> None:
    from tests.octopus.fixtures import realistic_space
    from tests.octopus.server import StandIn

    with StandIn(realistic_space(projects)) as server:
        queue.put(server.url)
        stop.wait()


def _lint(url: str, workers: int):
    from octoscaffold.lint import LintConfig
    from octoscaffold.lint.rules.space import registered
    from octoscaffold.octopus.client import Octopus, OctopusSettings
    from octoscaffold.octopus.space import lint_space
    from tests.octopus.server import API_KEY

    with registered(), Octopus(OctopusSettings(url, API_KEY)) as api:
        return lint_space(api, LintConfig(), workers=workers)


def measure(projects: int, workers: int, repeat: int) -> None:
    context = multiprocessing.get_context("spawn")
    queue, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(projects, queue, stop), daemon=True)
    server.start()
    try:
        url = queue.get(timeout=60)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = _lint(url, workers)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        _lint(url, workers)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        stop.set()
        server.join(10)
    best = min(times)
    findings = len(result.report.findings)
    print(f"{projects} projects, {workers} workers: best {best:.2f} s, median {statistics.median(times):.2f} s "
          f"({best / projects * 1000:.1f} ms a project), {findings} findings, client peak {peak / 1e6:.1f} MB"
          + (f"  [target {TARGET:.0f} s: {'met' if best < TARGET else 'MISSED'}]" if projects >= 500 else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for projects in sorted({max(1, args.projects // 5), args.projects}):
        measure(projects, args.workers, args.repeat)


if __name__ == "__main__":
    main()
