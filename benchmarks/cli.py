"""Cold-process timings of the CLI (run by hand: `python benchmarks/cli.py [--runs N]`).

Targets on a 2-core machine: `octoscaffold --help` under 150 ms, an offline `new` under 400 ms.
Peers measured in the same run: the bare interpreter (the floor any Python CLI pays), and, when
installed, copier and cookiecutter's `--help`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'


def median_ms(make_command, runs: int) -> float:
    times = []
    for _ in range(runs):
        command = make_command()
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    beside = Path(sys.executable).with_name("octoscaffold")
    exe = str(beside) if beside.exists() else shutil.which("octoscaffold")
    if not exe:
        sys.exit("octoscaffold is not installed in this environment")
    scratch = Path(tempfile.mkdtemp(prefix="octoscaffold-bench-"))
    counter = iter(range(10**6))

    def new_command():
        return [exe, "new", SEED, "--out", str(scratch / str(next(counter)))]

    subprocess.run([exe, "--help"], check=True, stdout=subprocess.DEVNULL)  # warm the OS file cache
    rows = [
        ("python -c pass (floor)", median_ms(lambda: [sys.executable, "-c", "pass"], runs), None),
        ("octoscaffold --help", median_ms(lambda: [exe, "--help"], runs), 150),
        ("octoscaffold new (offline)", median_ms(new_command, runs), 400),
    ]
    for peer in ("copier", "cookiecutter"):
        path = shutil.which(peer)
        if path:
            rows.append((f"{peer} --help (peer)", median_ms(lambda: [path, "--help"], runs), None))
        else:
            print(f"({peer} not installed: `pip install {peer}` to compare)")
    shutil.rmtree(scratch, ignore_errors=True)

    floor = rows[0][1]
    print(f"\nmedian of {runs} cold runs")
    print(f"{'command':32} {'ms':>8} {'x floor':>8} {'target':>8}  verdict")
    for name, ms, target in rows:
        verdict = "" if target is None else ("ok" if ms <= target else "SLOW")
        target_text = f"{target}" if target else "-"
        print(f"{name:32} {ms:8.1f} {ms / floor:8.2f} {target_text:>8}  {verdict}")


if __name__ == "__main__":
    main()
