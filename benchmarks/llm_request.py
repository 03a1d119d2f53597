"""Size of the requests the hybrid parser sends (run by hand: `python benchmarks/llm_request.py`).

Prints the characters of each request body as sent, and an estimate of its tokens, for three
prompts: one the rules are sure of (no request at all), one with a misspelt kind (one question),
and one whose words the rules did not understand (the most questions a request carries), each
for Structured Outputs and for the JSON-mode fallback. Target: under 4,000 tokens.

Tokens are estimated (no tokenizer is bundled; tiktoken loads its vocabulary from the network):
the larger of characters / 4 and one token per word or symbol. benchmarks/llm_eval.py reports the
count a real model's tokenizer gives (SmolLM2: about 950 tokens for the largest request).
"""

from __future__ import annotations

import json
import re

from octoscaffold.catalog import load_catalog
from octoscaffold.config import LLMSettings
from octoscaffold.understand.hybrid import ANSWER_TOKENS, questions, schema, system_text, user_text
from octoscaffold.understand.llm import Chat
from octoscaffold.understand.rules import read

PROMPTS = {
    "sure": 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"',
    "misspelt kind": 'Create a lamda project called "OctoPub SAM" in the project group "AWS"',
    "words not understood": 'Create a lambda project called "OctoPub SAM"; it should reach Sandbox first and only later Live',
}
TARGET_TOKENS = 4000


def estimate_tokens(text: str) -> int:
    return max(len(text) // 4, len(re.findall(r"\w+|[^\w\s]", text)))


def body(prompt: str, mode: str, base_url: str | None) -> dict | None:
    catalog = load_catalog()
    reading = read(prompt, catalog)
    fields = questions(reading)
    if not fields:
        return None
    chat = Chat(LLMSettings(model="gpt-4o-mini", base_url=base_url, response_format=mode))
    chat.max_tokens = ANSWER_TOKENS
    chat.system, chat.schema = system_text(catalog), schema(fields, catalog)
    chat.turns = [{"role": "user", "content": user_text(reading, fields)}]
    return chat.request()


def main() -> None:
    print(f"{'prompt':22} {'request':34} {'chars':>7} {'~tokens':>8}  target")
    for label, prompt in PROMPTS.items():
        for mode, base_url, name in (
            ("json_schema", None, "Structured Outputs (json_schema)"),
            ("json_object", "http://127.0.0.1:8000/v1", "JSON mode fallback (json_object)"),
        ):
            sent = body(prompt, mode, base_url)
            if sent is None:
                print(f"{label:22} {name:34} {'-':>7} {'-':>8}  no request: nothing left open")
                continue
            text = json.dumps(sent, ensure_ascii=False, separators=(",", ":"))
            tokens = estimate_tokens(text)
            verdict = "ok" if tokens < TARGET_TOKENS else "OVER"
            print(f"{label:22} {name:34} {len(text):>7} {tokens:>8}  <{TARGET_TOKENS} {verdict}")
    print(f"Longest answer asked for: {ANSWER_TOKENS} tokens (max_tokens); a full answer is about 60.")


if __name__ == "__main__":
    main()
