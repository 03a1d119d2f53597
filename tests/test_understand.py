"""The offline rules parser, on ../shared/prompts/dev.yaml and on our own cases."""

import json

import pytest
from click.testing import CliRunner

from conftest import SHARED, need_shared
from octoscaffold.catalog import load_catalog
from octoscaffold.cli import cli
from octoscaffold.errors import PromptError
from octoscaffold.understand import understand_rules as understand

CATALOG = load_catalog()


def _dev_cases():
    from ruamel.yaml import YAML

    path = SHARED / "prompts" / "dev.yaml"
    if not path.exists():
        return [pytest.param(None, id="dev.yaml-missing")]
    cases = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [pytest.param(case, id=f"{i:02d}-{case['prompt'][:40]}") for i, case in enumerate(cases)]


def _path(data, dotted):
    if dotted.endswith("[].name"):
        return [item["name"] for item in _path(data, dotted[: -len("[].name")])]
    for part in dotted.split("."):
        data = data[part]
    return data


@pytest.mark.parametrize("case", _dev_cases())
def test_dev_prompts(case):
    need_shared("prompts", "dev.yaml")
    expected_template = case.get("expect", {}).get("template")
    if expected_template and expected_template not in CATALOG.templates:
        pytest.skip(f"template {expected_template!r} is not in the catalog yet")
    result = CliRunner().invoke(cli, ["plan", "--format", "json", case["prompt"]])
    if "error" in case:
        assert result.exit_code == 2, result.output
        assert case["error"].lower() in result.stderr.lower()
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        return
    assert result.exit_code == 0, result.stderr
    spec = json.loads(result.stdout)
    for dotted, value in case["expect"].items():
        assert _path(spec, dotted) == value, dotted
    if "warns" in case:
        said = " ".join(spec["warnings"]) + result.stderr
        assert case["warns"].lower() in said.lower()


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Create a lambda project called OctoPub SAM in the project group AWS", {"name": "OctoPub SAM", "group": "AWS"}),
        ('Please make a serverless project named “Price Feed”', {"name": "Price Feed"}),
        ("Create a Lambda project called 'Don\\'t Panic'", {"name": "Don't Panic"}),
        ('Create a SAM project called "X" deploying to staging and production', {"environments": ["Staging", "Production", "Security"]}),
        ('Create a lambda project called "X" with environments Dev, QA and Prod', {"environments": ["Dev", "QA", "Prod", "Security"]}),
    ],
)
def test_phrasings(prompt, expected):
    from octoscaffold.scaffold import plan

    spec = plan(prompt)
    actual = {
        "name": spec.project.name,
        "group": spec.project.group,
        "environments": spec.lifecycle.environments,
    }
    assert {k: actual[k] for k in expected} == expected
    assert spec.template == "aws-lambda"


def test_unused_words_become_warnings():
    spec = understand('Create a lambda project called "Edge" with a Slack notification on failure', CATALOG)
    assert len(spec.warnings) == 1
    assert "Slack notification on failure" in spec.warnings[0]


def test_filler_is_not_a_warning():
    spec = understand('Please create a new AWS Lambda project for me called "Edge".', CATALOG)
    assert spec.warnings == []


def test_kind_comes_from_catalog_keywords_not_quoted_names():
    with pytest.raises(PromptError, match="no template"):
        understand('Create a project called "My Lambda Thing"', CATALOG)


@pytest.mark.parametrize(
    ("prompt", "message"),
    [("   ", "the prompt is empty"), ("Create a lambda project", "names no project"),
     ('Create a COBOL project called "Batch"', "no template in the catalog")],
)
def test_errors(prompt, message):
    with pytest.raises(PromptError, match=message):
        understand(prompt, CATALOG)
