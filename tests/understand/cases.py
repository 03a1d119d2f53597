"""Prompt cases (tests/understand/prompts/*.yaml, ../shared/prompts/dev.yaml) and how one is checked.

A case is `{prompt, expect: {json.path: value}}`, `{prompt, error: WORD}` or either with
`warns: WORD`. `check(case)` returns the list of what came out wrong (empty when right); the
tests and benchmarks/understand.py share it.
"""

from __future__ import annotations

from pathlib import Path

PROMPTS = Path(__file__).parent / "prompts"


def load_cases(path: Path) -> list[dict]:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []


def _path(data, dotted: str):
    if dotted.endswith("[].name"):
        return [item["name"] for item in _path(data, dotted[: -len("[].name")])]
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return "<missing>"
        data = data[part]
    return data


def check(case: dict, plan=None) -> list[str]:
    """What `plan(prompt)` got wrong for this case: [] when it is right.

    `plan` turns a prompt into a resolved spec (default: the rules parser and the policy)."""
    from octoscaffold.errors import OctoscaffoldError

    if plan is None:
        from octoscaffold.scaffold import plan as plan_rules

        def plan(prompt):
            return plan_rules(prompt, parser="rules")

    try:
        spec = plan(case["prompt"])
    except OctoscaffoldError as error:
        if "error" in case and case["error"].lower() in str(error).lower():
            return []
        return [f"error: {error}"]
    if "error" in case:
        return [f"expected an error ({case['error']}), got {spec.template} {spec.project.name!r}"]
    data = spec.model_dump(by_alias=True)
    wrong = []
    for dotted, value in case.get("expect", {}).items():
        actual = _path(data, dotted)
        if actual != value:
            wrong.append(f"{dotted}: {actual!r} != {value!r}")
    if "warns" in case and case["warns"].lower() not in " ".join(spec.warnings).lower():
        wrong.append(f"no warning about {case['warns']!r} (warnings: {spec.warnings})")
    return wrong
