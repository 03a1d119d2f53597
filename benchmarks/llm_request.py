"""Size of one LLM parser request for the seed prompt (run by hand: `python benchmarks/llm_request.py`).

Prints the characters of the request body as sent, and an estimate of its tokens, for the
Structured Outputs request (the usual one) and for the JSON-mode fallback (servers without
`json_schema`, where the schema also goes into the prompt). Target: under 4,000 tokens, and one
request per prompt when the model answers validly.

No tokenizer is bundled (tiktoken loads its vocabulary from the network), so tokens are
estimated two ways and the larger is shown: characters / 4 (English prose), and one token per
word or symbol (closer for JSON, where every brace, quote and colon tends to be a token).
"""

from __future__ import annotations

import argparse
import json
import re

from octoscaffold.catalog import load_catalog
from octoscaffold.config import LLMSettings
from octoscaffold.understand.llm import RetryPolicy, _Conversation
from octoscaffold.understand.progress import silent

SEED = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'
TARGET_TOKENS = 4000


def estimate_tokens(text: str) -> int:
    return max(len(text) // 4, len(re.findall(r"\w+|[^\w\s]", text)))


def request_body(mode: str, base_url: str | None) -> dict:
    settings = LLMSettings(model="gpt-4o-mini", base_url=base_url, response_format=mode)
    return _Conversation(SEED, load_catalog(), settings, RetryPolicy(), silent).request()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the Structured Outputs request body")
    args = parser.parse_args()
    rows = [
        ("Structured Outputs (json_schema)", request_body("json_schema", None)),
        ("JSON mode fallback (json_object)", request_body("json_object", "http://127.0.0.1:8000/v1")),
    ]
    if args.show:
        print(json.dumps(rows[0][1], indent=2, ensure_ascii=False))
    catalog = load_catalog()
    print(f"Seed prompt: {SEED}")
    print(f"Catalog: {len(catalog.templates)} kinds\n")
    print(f"{'request':34} {'chars':>7} {'~tokens':>8}  target")
    worst = 0
    for name, body in rows:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        tokens = estimate_tokens(text)
        worst = max(worst, tokens) if name.startswith("Structured") else worst
        verdict = "ok" if tokens < TARGET_TOKENS else "OVER"
        print(f"{name:34} {len(text):>7} {tokens:>8}  <{TARGET_TOKENS} {verdict}")
    system = rows[0][1]["messages"][0]["content"]
    schema = json.dumps(rows[0][1]["response_format"], separators=(",", ":"))
    print(f"\nof which system prompt: {len(system)} chars (~{estimate_tokens(system)} tokens), "
          f"schema: {len(schema)} chars (~{estimate_tokens(schema)} tokens)")
    print("Requests per prompt with a valid answer: 1")


if __name__ == "__main__":
    main()
