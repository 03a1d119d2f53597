"""Every kind of the built-in catalog under every combination of the spec's switches renders a
project that is canonical OCL (the formatter changes no byte, and formatting twice changes
nothing), parses, lints clean under the spec's own settings and keeps Octopus's conventions.

Switches: tenancy (untenanted / tenanted), approval on/off, security scan on/off, the failure
notification (none / Slack) and organisation defaults ([defaults] of .octoscaffold.toml, applied to
the example spec as `plan` applies them to a prompt) on/off. Built in process, one test per kind.
"""

from __future__ import annotations

import itertools

import pytest

from octoscaffold.catalog import load_catalog
from octoscaffold.lint import config_for_spec, lint_view
from octoscaffold.lint.conventions import check_conventions
from octoscaffold.ocl import parse
from octoscaffold.ocl.fmt import format_text
from octoscaffold.ocl.view import view_from_texts
from octoscaffold.scaffold import build
from octoscaffold.defaults import apply_defaults, read_defaults
from octoscaffold.spec import spec_from_data
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.spec.naming import slugify

from tests.lint.test_corpus_and_catalog import KNOWN_TEMPLATE_FINDINGS

CATALOG = load_catalog()
KINDS = sorted(CATALOG.templates)


def _tenancy(spec, tenanted: bool) -> None:
    spec.tenancy.mode = "tenanted" if tenanted else "untenanted"
    spec.tenancy.tenants = (spec.tenancy.tenants or ["Acme", "Globex"]) if tenanted else []
    if not tenanted:
        spec.tenancy.tenant_tags = []


def _approval(spec, on: bool) -> None:
    spec.approval.enabled = on


def _scan(spec, on: bool) -> None:
    spec.security_scan.enabled = on


def _notification(spec, on: bool) -> None:
    spec.notification.channel = "slack" if on else "none"


SWITCHES = [("tenanted", _tenancy), ("approval", _approval), ("scan", _scan)]
if "notification" in ProjectSpec.__struct_fields__:  # the failure notification, where the spec has it
    SWITCHES.append(("notification", _notification))
SWITCHES.append(("defaults", None))  # applied to the spec's data before it is read

# A team's [defaults] table with every kind of key (docs/cli.md, Organisation defaults).
DEFAULTS = read_defaults(None, {
    "space": "Platform",
    "group": "Platform Apps",
    "lifecycle": "Standard",
    "environments": ["Dev", "Test", "Prod"],
    "worker_pool": "linux-workers",
    "approval_team": "release-managers",
    "scanner_image": "registry.example.com/aquasecurity/trivy:0.69.3",
    "feeds": {"packages": "artifactory", "images": "acme-registry", "sbom": "artifactory", "charts": "acme-charts"},
    "accounts": {"aws": {"nonproduction": "aws-dev", "production": "aws-prod"},
                 "azure": {"nonproduction": "azure-dev", "production": "azure-prod"}},
}, "test defaults")


def combinations():
    for values in itertools.product((False, True), repeat=len(SWITCHES)):
        yield dict(zip((name for name, _ in SWITCHES), values))


def _base(kind: str):
    """The template and the data of its first example spec, as written (defaults fill the rest)."""
    from ruamel.yaml import YAML

    template = CATALOG.get(kind)
    return template, YAML(typ="safe", pure=True).load((template.folder / template.manifest.examples[0]).read_text(encoding="utf-8"))


def _spec(template, data: dict, with_defaults: bool):
    import copy

    data = copy.deepcopy(data)
    if with_defaults:
        assert apply_defaults(data, DEFAULTS, set(template.manifest.parameters))
    return spec_from_data(data, "matrix")


@pytest.mark.parametrize("kind", KINDS)
def test_every_switch_combination_renders_canonical_lint_clean_ocl(kind):
    template, base = _base(kind)
    known = KNOWN_TEMPLATE_FINDINGS.get(kind, set())
    for combination in combinations():
        spec = _spec(template, base, combination["defaults"])
        for name, apply in SWITCHES:
            if apply is not None:
                apply(spec, combination[name])
        label = f"{kind} {combination}"
        result = build(spec, CATALOG)
        texts = result.rendered.ocl_files()
        assert texts, label
        for path, text in texts.items():
            parse(text, path)  # parses (raises with the place otherwise)
            formatted = format_text(text, path)
            assert formatted == text, f"{label}: {path} is not canonical"
            assert format_text(formatted, path) == formatted, f"{label}: {path}: formatting is not idempotent"
        view = view_from_texts(texts)
        findings = lint_view(view, config_for_spec(result.spec, template.manifest))
        assert [str(f) for f in findings if f.rule not in known] == [], label
        security = slugify(result.spec.security_scan.environment) if result.spec.security_scan.active else None
        assert [str(f) for f in check_conventions(view, security=security)] == [], label
        practices = {p.id: p.applied for p in result.spec.practices}
        assert practices["approval"] == combination["approval"], label
        assert practices["security-scan"] == (combination["scan"] and result.spec.security_scan.active), label


def test_the_matrix_covers_every_switch_both_ways():
    seen = list(combinations())
    assert len(seen) == 2 ** len(SWITCHES) and len(KINDS) >= 10
    for name, _ in SWITCHES:
        assert {combination[name] for combination in seen} == {False, True}
