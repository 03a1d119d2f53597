"""The prompt reader on the prompt sets (tests/understand/prompts/*.yaml) and on composed prompts.

Every case of every set must come out fully right: the expected spec values after the policy, the
expected refusal, the expected warning. The property tests then compose prompts from parts (kind
phrase × name style × environment style × switches × group, in shuffled order and with varied
joins) and check that each part is recovered, so no single phrasing is what passes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from octoscaffold.catalog import load_catalog
from octoscaffold.scaffold import plan

from .cases import PROMPTS, check, load_cases

CATALOG = load_catalog()


def _cases():
    return [
        pytest.param(case, id=f"{path.stem}-{number:03d}")
        for path in sorted(PROMPTS.glob("*.yaml"))
        for number, case in enumerate(load_cases(path), 1)
    ]


def test_the_sets_are_large_and_cover_every_kind():
    cases = [p.values[0] for p in _cases()]
    assert len(cases) >= 200
    kinds = {c["expect"]["template"] for c in cases if "template" in c.get("expect", {})}
    assert kinds == set(CATALOG.ids())
    assert sum("error" in c for c in cases) >= 20 and sum("warns" in c for c in cases) >= 20


@pytest.mark.parametrize("case", _cases())
def test_prompt_set_case(case):
    wrong = check(case)
    assert not wrong, f"{case['prompt']!r}: " + "; ".join(wrong)


# -- composed prompts ---------------------------------------------------------------------------

KINDS = {
    "kubernetes": ["k8s project", "kubernetes deployment", "EKS project", "project on AKS"],
    "helm": ["helm chart", "Helm project", "helm release on GKE"],
    "kustomize": ["kustomize project", "kustomize overlays on k8s"],
    "argo-cd": ["Argo CD project", "gitops project", "argocd app"],
    "aws-lambda": ["lambda", "AWS Lambda project", "serverless function"],
    "aws-ecs": ["ECS service", "fargate project"],
    "aws-cloudformation": ["CloudFormation stack", "cfn project"],
    "aws-s3-static-site": ["static website on S3", "SPA on S3"],
    "azure-web-app": ["App Service project", "azure web app"],
    "azure-function": ["Azure Functions project", "function app"],
    "azure-resource-group": ["Bicep project", "ARM template deployment"],
    "terraform": ["Terraform project", "terraform config"],
    "iis": ["IIS website", "IIS project"],
    "windows-service": ["Windows service", "windows service project"],
    "java-tomcat": ["Tomcat project", "tomcat app"],
    "docker": ["docker project", "container on a linux vm"],
    "database-migration": ["flyway project", "database migrations project"],
    "orchestration": ["release orchestration project", "release train"],
    "progressive": ["canary deployment", "progressive delivery project"],
    "blue-green": ["blue/green deployment", "blue green project"],
    "script": ["script project", "bash script project"],
    "empty": ["empty project", "blank project"],
}
WORDS = ["orders", "billing", "ledger", "atlas", "quotes", "loyalty", "gateway", "inventory", "pricing", "harbor"]
SUFFIXES = ["api", "worker", "portal", "sync", "engine", "hub"]
ENVIRONMENTS = ["Dev", "QA", "UAT", "Staging", "Prod", "Live", "Test", "Preprod"]
GROUPS = ["Retail", "Platform", "Core Banking", "Data"]


@st.composite
def names(draw):
    """(how the prompt writes it, the name the spec must have, where it goes)."""
    first, second = draw(st.sampled_from(WORDS)), draw(st.sampled_from(SUFFIXES))
    slug = f"{first}-{second}"
    title = f"{first.capitalize()} {second.upper() if second == 'api' else second.capitalize()}"
    style = draw(st.sampled_from(["quoted", "slug", "phrase", "capitals", "name-colon", "call-it", "for-slug"]))
    return {
        "quoted": (f'called "{title}"', title, "after"),
        "slug": (f"called {slug}", slug, "after"),
        "phrase": (f"for the {first} {second}", title, "after"),
        "capitals": (f"named {title}", title, "after"),
        "name-colon": (f"name: {slug}", slug, "clause"),
        "call-it": (f"call it {slug}", slug, "clause"),
        "for-slug": (f"for {slug}", slug, "after"),
    }[style]


@st.composite
def environments(draw):
    chosen = draw(st.lists(st.sampled_from(ENVIRONMENTS), min_size=2, max_size=3, unique=True))
    typed = [e.lower() if draw(st.booleans()) else e for e in chosen]
    style = draw(st.integers(0, 5))
    if style == 0:
        text = f"envs {', '.join(typed)}"
    elif style == 1:
        text = "/".join(typed)
    elif style == 2:
        text = "deploying to " + " then ".join(typed)
    elif style == 3:
        text = f"environments {', '.join(typed[:-1])} and {typed[-1]}"
    elif style == 4:
        text = " -> ".join(typed)
    else:
        text = f"with {', '.join(typed[:-1])} and {typed[-1]} environments"
    return text, chosen


SWITCHES = {
    "approval": ["no approval", "skip the approval", "approval: off", "without a manual approval", "drop the approval gate"],
    "scan": ["no vuln scan", "without scanning", "drop the security scan", "skip trivy", "no security environment"],
}


@st.composite
def prompts(draw):
    kind = draw(st.sampled_from(sorted(KINDS)))
    phrase = draw(st.sampled_from(KINDS[kind]))
    name_text, name, where = draw(names())
    expected = {"template": kind, "project.name": name}
    head = draw(st.sampled_from(["", "create a ", "please set up a ", "need a ", "new "]))
    clauses = []
    kind_clause = f"{head}{phrase} {name_text}" if where == "after" else f"{head}{phrase}"
    if where == "clause":
        clauses.append(name_text)
    if draw(st.booleans()):
        text, chosen = draw(environments())
        clauses.append(text)
        expected["environments"] = chosen
    if draw(st.booleans()):
        clauses.append(draw(st.sampled_from(SWITCHES["approval"])))
        expected["approval"] = False
    if draw(st.booleans()):
        clauses.append(draw(st.sampled_from(SWITCHES["scan"])))
        expected["scan"] = False
    if draw(st.booleans()):
        group = draw(st.sampled_from(GROUPS))
        clauses.append(draw(st.sampled_from([f'in group "{group}"', f"group {group}", f"in the {group} group"])))
        expected["group"] = group
    clauses = draw(st.permutations(clauses))
    join = draw(st.sampled_from([", ", ". ", "; "]))
    return join.join([kind_clause, *clauses]), expected


@settings(max_examples=int(__import__("os").environ.get("PROMPT_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompts())
def test_composed_prompts_are_read_part_by_part(composed):
    text, expected = composed
    spec = plan(text, CATALOG, parser="rules")
    assert spec.template == expected["template"], text
    assert spec.project.name == expected["project.name"], text
    scan = expected.get("scan", True)
    environments = expected.get("environments", ["Development", "Test", "Production"])
    assert spec.lifecycle.environments == environments + (["Security"] if scan else []), text
    assert spec.approval.enabled is expected.get("approval", True), text
    assert spec.security_scan.enabled is scan, text
    assert spec.project.group == expected.get("group", "Default Project Group"), text
    assert not [w for w in spec.warnings if w.startswith("not understood")], (text, spec.warnings)


def test_every_reading_is_the_same_in_every_process(tmp_path):
    """No set or dict order leaks into a reading: two hash seeds, the same specs for every case."""
    import os
    import subprocess
    import sys

    script = tmp_path / "read_all.py"
    script.write_text(
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from cases import PROMPTS, load_cases\n"
        "from octoscaffold.catalog import load_catalog\n"
        "from octoscaffold.errors import OctoscaffoldError\n"
        "from octoscaffold.understand.rules import read\n"
        "catalog = load_catalog()\n"
        "out = []\n"
        "for path in sorted(PROMPTS.glob('*.yaml')):\n"
        "    for case in load_cases(path):\n"
        "        try:\n"
        "            r = read(case['prompt'], catalog)\n"
        "            out.append([r.data, r.all_warnings(), r.missing])\n"
        "        except OctoscaffoldError as error:\n"
        "            out.append(str(error))\n"
        "print(json.dumps(out, sort_keys=True))\n",
        encoding="utf-8",
    )
    here = str(PROMPTS.parent)
    runs = [
        subprocess.run(
            [sys.executable, str(script), here], check=True, capture_output=True, text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "4242")
    ]
    assert runs[0] == runs[1] and len(runs[0]) > 10000
