"""Prompts as an attacker writes them: too long, binary, unbalanced, repetitive. Only a clear
PromptError/SpecError may come out, never a traceback, and nothing a prompt says reaches the spec
except through its typed fields."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from octoscaffold.catalog import load_catalog
from octoscaffold.cli import cli
from octoscaffold.errors import OctoscaffoldError, PromptError
from octoscaffold.understand.rules import understand
from octoscaffold.understand.text import MAX_PROMPT

CATALOG = load_catalog()


def test_a_prompt_over_the_limit_is_refused_in_one_line(clean_env):
    result = CliRunner().invoke(cli, ["plan", "k8s project called x " + "with more words " * 200])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"octoscaffold reads at most {MAX_PROMPT:,}" in line and result.stdout == ""


@pytest.mark.parametrize(
    "prompt",
    [
        '"' * 1999,
        "'" * 1999,
        "and " * 490,
        "k8s, " * 390,
        "envs " + ", ".join(["dev"] * 300),
        "called " * 280,
        "lambda " + "-> " * 600,
        "\x00\x01\x02 k8s project called x \x7f",
        "k8s project called \u202eevil\u202c",
        "helm chart for " + "a-" * 900 + "b",
        'k8s project called "unterminated',
        "k8s project called '" + "\\" * 500,
        "tenants " + " and ".join(f"t{i}" for i in range(300)),
        "k8s project called x with a runbook to " + "restart and " * 150,
    ],
)
def test_hostile_prompts_end_in_a_prompt_error_or_a_spec(prompt):
    try:
        spec = understand(prompt, CATALOG)
    except OctoscaffoldError as error:
        assert "\n" not in str(error)
        return
    assert spec.template in CATALOG.templates


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["k8s", "lambda", "called", "named", "for", "the", "envs", "dev", "/", ",", "->", '"', "'", "and",
                 "no", "approval", "group", "tenants", "port", "3000", "runbook", "to", "restart", ":", "project",
                 "helm", "chart", "on", "EKS", "1", "GB", "memory", "as", "Orders", "API", "orders-api", "(", ")"]
            ),
            st.text(max_size=12),
        ),
        max_size=60,
    )
)
def test_any_words_in_any_order(words):
    prompt = " ".join(words)
    try:
        spec = understand(prompt, CATALOG)
    except PromptError as error:
        assert str(error)
        return
    except OctoscaffoldError as error:  # a spec value the model refuses, said in one line
        assert "\n" not in str(error)
        return
    assert spec.project.name.strip() and spec.template in CATALOG.templates


@pytest.mark.parametrize(
    ("prompt", "what", "said"),
    [
        ("k8s project called orders-api, envs: Dev, dev, DEV", ("environments", ["Dev"]),
         'the environment "DEV" is named twice; it is kept once'),
        ("k8s project called orders-api tenants: acme, acme", ("tenants", ["Acme"]),
         'the tenant "Acme" is named twice; it is kept once'),
        ("lambda called x with 999999999999999999999 GB of memory", ("memory", None),
         'not understood: "999999999999999999999 GB of memory"'),
        ("canary called x soak 1e9 minutes", ("name", "x"), 'not understood: "soak 1e9 minutes"'),
        ("k8s project named 🚀rocket", ("name", "rocket"), None),
        ("lambda called x with port -1", ("name", "x"), 'not understood: "port -1"'),
    ],
)
def test_what_a_hurried_stranger_types(prompt, what, said):
    """Repeated list items, absurd numbers, a value glued to the name, an emoji: read, or said."""
    spec = understand(prompt, CATALOG)
    key, value = what
    actual = {
        "environments": spec.lifecycle.environments,
        "tenants": spec.tenancy.tenants,
        "memory": spec.parameters.get("memory_size"),
        "name": spec.project.name,
    }[key]
    assert actual == value
    if said:
        assert said in spec.warnings
