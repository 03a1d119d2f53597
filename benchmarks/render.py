"""Render every catalog kind in one process (run by hand: `python benchmarks/render.py`).

Target: all kinds, first example each, in under 1 second, cold (the first build also loads the
catalog and compiles templates). Printed beside it: the same builds warm, and the share of time
spent in Jinja alone versus parsing, canonical writing and checking the output.
"""

from __future__ import annotations

import time


def main() -> None:
    start = time.perf_counter()
    from octoscaffold.catalog import load_catalog
    from octoscaffold.render import _context, _environment
    from octoscaffold.scaffold import build, resolve_spec
    from octoscaffold.spec import load_spec

    catalog = load_catalog()
    specs = [load_spec(t.folder / t.manifest.examples[0]) for t in catalog.templates.values() if t.manifest.examples]
    imported = time.perf_counter()
    for spec in specs:
        build(spec, catalog)
    cold = time.perf_counter() - imported

    runs = 5
    warm_start = time.perf_counter()
    for _ in range(runs):
        for spec in specs:
            build(spec, catalog)
    warm = (time.perf_counter() - warm_start) / runs

    jinja_start = time.perf_counter()
    env = _environment(catalog.roots)
    for _ in range(runs):
        for spec in specs:
            resolved = resolve_spec(spec, catalog)
            template = catalog.get(resolved.template)
            context = _context(resolved, template)
            for name in ("deployment_process.ocl", "variables.ocl", "deployment_settings.ocl"):
                env.get_template(template.file_for(name)).render(context)
    jinja = (time.perf_counter() - jinja_start) / runs

    print(f"kinds rendered:           {len(specs)}")
    print(f"imports:                  {(imported - start) * 1000:7.1f} ms")
    print(f"all kinds, cold:          {cold * 1000:7.1f} ms   (target < 1000 ms: {'ok' if cold < 1 else 'SLOW'})")
    print(f"all kinds, warm:          {warm * 1000:7.1f} ms   ({warm / len(specs) * 1000:.1f} ms per kind)")
    print(f"  of which Jinja alone:   {jinja * 1000:7.1f} ms   ({jinja / warm:.0%}; the rest parses, rewrites and checks)")


if __name__ == "__main__":
    main()
