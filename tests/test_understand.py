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


def _spec(prompt):
    return understand(prompt, CATALOG)


@pytest.mark.parametrize(
    ("prompt", "path", "value"),
    [
        ('Create the "Orders API" serverless project', "project.name", "Orders API"),
        ('Create a Lambda project for "Orders API"', "project.name", "Orders API"),
        ("Make a lambda project called Price Feed in group Trading", "project.group", "Trading"),
        ('Create a lambda project called "X" under the "Payments" group', "project.group", "Payments"),
        ('Create a lambda project called "X" in the Docs space', "project.space", "Docs"),
        ('Create a lambda project called "X" using the Regulated lifecycle', "lifecycle.name", "Regulated"),
        ('Create a lambda project called "X". Environments: Dev, Test, Prod', "lifecycle.environments", ["Dev", "Test", "Prod"]),
        ('Create a lambda project called "X" promoted from Dev to QA to Prod', "lifecycle.environments", ["Dev", "QA", "Prod"]),
        ('Create a lambda project called "X" going Dev -> Staging -> Production', "lifecycle.environments", ["Dev", "Staging", "Production"]),
        ('Create a lambda project called "X" across dev, staging and prod', "lifecycle.environments", ["Dev", "Staging", "Prod"]),
        ('Create a lambda project called "X" with environments Dev, Pre Prod and Prod AU', "lifecycle.environments", ["Dev", "Pre Prod", "Prod AU"]),
        ('Create a lambda project called "X" for customers "Acme" and "Globex"', "tenancy.tenants", ["Acme", "Globex"]),
        ('Create a multi-tenant lambda project called "X"', "tenancy.mode", "tenanted"),
        ('Create a lambda project called "X" with or without tenants', "tenancy.mode", "tenanted-or-untenanted"),
        ('Create a lambda project called "X" with a runbook to restart the function', "runbooks[].name", ["Restart the function"]),
        ('Create a lambda project called "X", approved by the release-managers team', "approval.team", "release-managers"),
        ('Create a lambda project called "X" with semantic versioning', "versioning.strategy", "semantic"),
        ('Create a lambda project called "X" with guided failure on', "settings.guided_failure_mode", "On"),
        ('Create a lambda project called "X" on the worker pool "Default Worker Pool"', "settings.worker_pool", "default-worker-pool"),
        ('Create a lambda project called "X" with the description "Prices for the shop"', "project.description", "Prices for the shop"),
        ('Create a lambda project called "X" without the Security environment', "security_scan.enabled", False),
        ('Create a lambda project called "X". Skip the approval.', "approval.enabled", False),
        ('Create a lambda project called "X" in ap-southeast-2', "parameters.region", "ap-southeast-2"),
    ],
)
def test_more_phrasings(prompt, path, value):
    spec = _spec(prompt).model_dump(by_alias=True)
    assert _path(spec, path) == value
    assert spec["warnings"] == []


def test_choice_parameters_come_from_the_manifest(tmp_path):
    import shutil

    from octoscaffold.catalog import builtin_root, load_catalog

    root = tmp_path / "catalog"
    shutil.copytree(builtin_root() / "_shared", root / "_shared")
    (root / "infra").mkdir()
    (root / "infra" / "template.yaml").write_text(
        "id: infra\ntitle: Infra\nversion: 1.0.0\ndescription: d\nkeywords: [infrastructure as code]\n"
        "parameters:\n  cloud:\n    type: string\n    description: c\n    default: none\n"
        "    choices: [aws, azure, gcp, none]\n"
    )
    catalog = load_catalog(root)
    spec = understand('Create an infrastructure as code project called "Net" for Azure storage', catalog)
    assert spec.template == "infra" and spec.parameters == {"cloud": "azure"}
    assert spec.warnings == ['not understood: "storage"']


@pytest.mark.parametrize(
    ("prompt", "template", "name", "extra"),
    [
        ('I need a new Octopus project for our payments API running on Kubernetes, call it "Payments API"',
         "kubernetes", "Payments API", {}),
        ('Set up a Helm chart deployment named "Grafana" for the Observability group', "helm", "Grafana",
         {"project.group": "Observability"}),
        ('We deploy a Windows service called "Rates Engine" to Dev, Test and Production', "windows-service",
         "Rates Engine", {"lifecycle.environments": ["Dev", "Test", "Production"]}),
        ('lambda function "Thumbnailer" in us-east-2 with semantic versioning', "aws-lambda", "Thumbnailer",
         {"parameters.region": "us-east-2", "versioning.strategy": "semantic"}),
        ('GitOps with Argo CD for "Storefront"', "argo-cd", "Storefront", {}),
        ('Create a database migration project with Flyway for "Orders DB" on SQL Server', "database-migration",
         "Orders DB", {"parameters.database_engine": "sql-server"}),
        ('Deploy a docker container to a VM; project name: "Status"', "docker", "Status", {}),
    ],
)
def test_unseen_phrasings(prompt, template, name, extra):
    spec = understand(prompt, CATALOG)
    data = spec.model_dump(by_alias=True)
    assert (spec.template, spec.project.name) == (template, name)
    for path, value in extra.items():
        assert _path(data, path) == value


def test_quoted_values_are_the_children_of_an_orchestration():
    spec = understand('Orchestrate the deployment of "Web", "API" and "DB" in a project called "Train"', CATALOG)
    assert spec.template == "orchestration"
    assert spec.parameters["child_projects"] == ["Web", "API", "DB"]
    assert spec.warnings == []


def test_several_quoted_values_and_no_name_is_an_error():
    with pytest.raises(PromptError, match="does not say which quoted value is the project's name"):
        understand('Create a Kubernetes project with "Web" and "API"', CATALOG)


@pytest.mark.parametrize(
    ("prompt", "template", "extra"),
    [
        ('Create a new project "Inventory" that deploys to Kubernetes using Helm', "helm", {}),
        ('Build me an Azure web app project called "Shop" with Dev and Prod environments and tenants North and South',
         "azure-web-app", {"tenancy.tenants": ["North", "South"], "lifecycle.environments": ["Dev", "Prod"]}),
        ("Create a kubernetes project called web-api", "kubernetes", {"project.name": "web-api"}),
        ('Create a blue green deployment project called "Pay" on the default-worker-pool worker pool', "blue-green",
         {"settings.worker_pool": "default-worker-pool"}),
        ('Create a CloudFormation project called "Network" with change sets', "aws-cloudformation",
         {"parameters.change_sets": True}),
        ('Create a static website project called "Docs" without CloudFront', "aws-s3-static-site",
         {"parameters.cloudfront": False}),
    ],
)
def test_platforms_booleans_and_slugs(prompt, template, extra):
    spec = understand(prompt, CATALOG)
    data = spec.model_dump(by_alias=True)
    assert spec.template == template
    for path, value in extra.items():
        assert _path(data, path) == value
    assert spec.warnings == []
