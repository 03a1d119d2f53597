"""Time the offline rules parser (run by hand: `python benchmarks/understand.py`).

Target: under 5 ms per prompt. Runs every prompt of ../shared/prompts/dev.yaml (or a built-in set)
many times and prints the median time per prompt, and how many dev.yaml cases it gets right.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "prompts" / "dev.yaml"


def main() -> None:
    from ruamel.yaml import YAML

    from octoscaffold.catalog import load_catalog
    from octoscaffold.errors import OctoscaffoldError
    from octoscaffold.understand import understand_rules

    catalog = load_catalog()
    if SHARED.exists():
        cases = YAML(typ="safe").load(SHARED.read_text(encoding="utf-8"))
    else:
        print(f"{SHARED} not found: timing the seed prompt only", file=sys.stderr)
        cases = [{"prompt": 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'}]

    def run(prompt):
        try:
            return understand_rules(prompt, catalog)
        except OctoscaffoldError as error:
            return error

    for case in cases:  # warm the pattern cache
        run(case["prompt"])
    times = []
    for case in cases:
        start = time.perf_counter()
        for _ in range(20):
            run(case["prompt"])
        times.append((time.perf_counter() - start) / 20 * 1000)

    right = 0
    for case in cases:
        result = run(case["prompt"])
        if "error" in case:
            right += isinstance(result, OctoscaffoldError) and case["error"].lower() in str(result).lower()
            continue
        if isinstance(result, OctoscaffoldError):
            continue
        data = result.model_dump(by_alias=True)
        ok = True
        for dotted, value in case.get("expect", {}).items():
            if dotted.startswith(("lifecycle.environments", "approval.", "security_scan.")):
                continue  # resolved by the policy, not the parser
            node = data
            if dotted.endswith("[].name"):
                node = [r["name"] for r in (data.get(dotted.split("[")[0]) or [])]
            else:
                for part in dotted.split("."):
                    node = node.get(part) if isinstance(node, dict) else None
            if dotted == "project.group" and node is None:
                node = "Default Project Group"
            ok &= node == value
        right += ok

    print(f"prompts:            {len(cases)}")
    print(f"median per prompt:  {statistics.median(times):.2f} ms   (target < 5 ms)")
    print(f"slowest prompt:     {max(times):.2f} ms")
    print(f"right (parser-level fields): {right}/{len(cases)}")


if __name__ == "__main__":
    main()
