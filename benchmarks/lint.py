"""Lint a generated monorepo of 2,000 projects (about 10,000 files) built from the catalog and the corpus.

Run by hand:  python benchmarks/lint.py [--projects 2000] [--out FOLDER] [--jobs N] [--repeat 3]
Target: under 10 seconds for the whole monorepo on a 2-core machine; the time per file is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from octoscaffold.lint import lint_paths
from octoscaffold.lint.engine import _project_of

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "ocl-corpus"


def catalog_projects() -> list[dict[str, str]]:
    """One project per example spec of every catalog kind."""
    from octoscaffold.catalog import load_catalog
    from octoscaffold.scaffold import build
    from octoscaffold.spec import load_spec

    found = []
    for template in load_catalog().templates.values():
        for example in template.manifest.examples:
            found.append(dict(build(load_spec(template.folder / example)).rendered.ocl_files()))
    return found


def corpus_projects(corpus: Path) -> list[dict[str, str]]:
    """The corpus files laid out again by their flattened repository paths, grouped into projects."""
    projects: dict[str, dict[str, str]] = {}
    for source in sorted(corpus.glob("*.ocl")):
        found = _project_of(Path(*source.name.split("__")))
        if found is None:
            continue
        root, key = found
        projects.setdefault(str(root), {})[key] = source.read_text(encoding="utf-8")
    # Whole projects only (process, settings, variables, schema...), not a repository's lone file.
    return [files for files in projects.values() if len(files) >= 4]


def write_monorepo(out: Path, count: int, corpus: Path) -> int:
    sources = catalog_projects()
    if corpus.is_dir():
        sources += corpus_projects(corpus)
    written = 0
    for index in range(count):
        files = sources[index % len(sources)]
        folder = out / f"team-{index // 100:02d}" / f"service-{index:04d}" / ".octopus"
        for key, text in files.items():
            path = folder / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    return written


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--projects", type=int, default=2000)
    options.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    options.add_argument("--out", type=Path, help="keep the monorepo here (default: a temporary folder)")
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: every core)")
    args = options.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        out = args.out or Path(temporary) / "monorepo"
        start = time.perf_counter()
        files = write_monorepo(out, args.projects, args.corpus)
        size = sum(path.stat().st_size for path in out.rglob("*.ocl")) / 1e6
        print(f"monorepo: {args.projects} projects, {files} files, {size:.1f} MB (written in {time.perf_counter() - start:.1f} s)")
        results = {}
        for jobs in sorted({1, args.jobs}):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                report = lint_paths([out], jobs=jobs)
                times.append(time.perf_counter() - start)
            best, median = min(times), statistics.median(times)
            results[jobs] = best
            print(f"lint, {jobs} process{'es' if jobs != 1 else ''}: best {best:.2f} s, median {median:.2f} s; {best / files * 1000:.3f} ms per file")
        print(f"{len(report.findings)} findings; most frequent: " + ", ".join(f"{rule} {n}" for rule, n in Counter(f.rule for f in report.findings).most_common(5)))
        target = 10.0
        best = min(results.values())
        print(f"target: under {target:.0f} s -> {'met' if best < target else 'NOT met'} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        return 0 if best < target else 1


if __name__ == "__main__":
    sys.exit(main())
