"""The signature catalog: the built-in files, files from other catalog folders, and bad ones."""

from __future__ import annotations

import pytest

from octoscaffold.diagnose.signatures import CATEGORIES, SignatureError, check_pattern, load_signatures

CATALOG = load_signatures(builtin_only=True)

GOOD = """area: acme
signatures:
  - id: {id}
    title: Acme widget jammed
    category: infrastructure
    weight: 95
    patterns:
      - 'widget (?P<widget>\\w+) jammed'
    cause: The widget {{{{widget}}}} jammed.
    next_steps:
      - Unjam {{{{widget}}}}.
"""


def test_builtin_catalog_covers_the_areas():
    assert len(CATALOG.signatures) >= 40
    assert {s.category for s in CATALOG.signatures} == set(CATEGORIES)
    areas = {s.area for s in CATALOG.signatures}
    assert areas >= {"octopus", "packages", "scripts", "aws", "azure", "gcp", "terraform", "kubernetes", "windows",
                     "java", "database", "network"}
    for signature in CATALOG.signatures:
        assert signature.docs and signature.docs.startswith("https://")


@pytest.mark.parametrize("text, wanted", [
    ("Error: Error acquiring the state lock", "terraform-state-lock"),
    ("ERROR: (gcloud.auth) Could not load the default credentials.", "gcp-authentication"),
    ("Back-off restarting failed container api in pod api-1", "k8s-crash-loop"),
    ("UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", "helm-release-stuck"),
    ("Only one usage of each socket address (protocol/network address/port) is normally permitted", "port-in-use"),
    ("x509: certificate signed by unknown authority", "certificate-untrusted"),
    ("No space left on device", "disk-full"),
    ("Stack api is in UPDATE_ROLLBACK_FAILED state and can not be updated.", "cloudformation-rollback-state"),
    ("FAIL - Application already exists at path [/shop]", "tomcat-manager-fail"),
    ("liquibase: Validation Failed: 1 change sets check sum", "migration-checksum-mismatch"),
    # Real messages (Calamari, AWS, Kudu, Helm, SQL Server, PostgreSQL, kustomize, Windows):
    ("The drive containing the directory 'D:\\Apps' on machine 'WEB01' does not have enough free disk space "
     "available for this operation to proceed.", "disk-full"),
    ("SEVERE: TOMCAT-DEPLOY-ERROR-0007: A HTTP return code indicated that the login failed due to invalid group "
     "membership.", "tomcat-manager-unauthorized"),
    ("InvalidParameterValueException: Unzipped size must be smaller than 262144000 bytes", "lambda-package-too-large"),
    ("Resource handler returned message: \"The runtime parameter of nodejs14.x is no longer supported for creating or "
     "updating AWS Lambda functions.", "lambda-runtime-deprecated"),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed",
     "ecs-task-secrets"),
    ("Error: template: orders/templates/deployment.yaml:40:28: executing \"orders/templates/deployment.yaml\" at "
     "<.Values.resources.limits.memory>: nil pointer evaluating interface {}.memory", "helm-values-missing"),
    ("Error: accumulating resources: accumulation err='accumulating resources from 'hpa.yaml'", "kustomize-build-failed"),
    ("System.Data.SqlClient.SqlException (0x80131904): Invalid column name 'TenantKey'.", "sql-error"),
    ('ERROR: relation "billing.invoice_lines" does not exist', "sql-error"),
    ("The Scheduler service did not start due to a logon failure.", "windows-service-logon"),
    ("Failed to download package Fabrikam.Web v1.2.3 from feed: 'ProGet'. 503 Service Unavailable", "feed-unavailable"),
    ("There is a deployment currently in progress. Please try again when it completes.", "azure-deployment-in-progress"),
])
def test_messages_found_by_their_signature(text, wanted):
    assert CATALOG.get(wanted).match(text) is not None


@pytest.mark.parametrize("text, not_wanted", [
    # Helm prints UPGRADE FAILED in capitals; a database tool's "Upgrade failed" is not Helm.
    ("Upgrade failed due to an unexpected exception:", "helm-upgrade-failed"),
])
def test_close_messages_of_other_tools_are_not_taken(text, not_wanted):
    assert CATALOG.get(not_wanted).match(text) is None


def test_placeholders_filled_from_the_match():
    signature = CATALOG.get("k8s-namespace-missing")
    captures = signature.match('Error from server (NotFound): namespaces "orders" not found')
    assert signature.fill(signature.cause, captures).startswith("The step deploys to the namespace orders")


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)*b", "(\\w+\\s?)*x", "(a)\\1", "x" * 401, "(unclosed"])
def test_dangerous_or_broken_patterns_refused(pattern):
    with pytest.raises(ValueError):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", ["a.{0,80}b", "(?:\\d+\\.){3}\\d+", "foo|bar", "x[ab]+y"])
def test_ordinary_patterns_accepted(pattern):
    check_pattern(pattern)


def test_a_user_folder_adds_and_overrides_by_id(tmp_path, monkeypatch):
    folder = tmp_path / "catalog" / "_signatures"
    folder.mkdir(parents=True)
    (folder / "acme.yaml").write_text(GOOD.format(id="acme-widget") + GOOD.format(id="disk-full").split("signatures:\n")[1])
    catalog = load_signatures((tmp_path / "catalog",))
    assert catalog.get("acme-widget").match("widget w7 jammed") == {"widget": "w7"}
    assert catalog.get("disk-full").title == "Acme widget jammed"  # the user's replaces ours
    assert len(catalog.signatures) == len(CATALOG.signatures) + 1
    monkeypatch.setenv("OCTOSCAFFOLD_CATALOG_PATH", str(tmp_path / "catalog"))
    assert load_signatures().get("acme-widget") is not None


@pytest.mark.parametrize("text, message", [
    ("area: acme\nsignatures: []\n", "signatures"),
    (GOOD.format(id="x1").replace("infrastructure", "weather"), "category"),
    (GOOD.format(id="x2").replace("(?P<widget>\\w+)", "(\\w+)+"), "repeat"),
    (GOOD.format(id="x3").replace("(?P<widget>\\w+)", "\\w+"), "{{widget}}"),
    (GOOD.format(id="x4") + "    colour: red\n", "colour"),
    ("area: acme\nsignatures: &a [*a]\n", "aliases"),
    ("area: [unclosed\n", "invalid YAML"),
])
def test_bad_signature_files_are_one_line(tmp_path, text, message):
    folder = tmp_path / "_signatures"
    folder.mkdir()
    (folder / "bad.yaml").write_text(text)
    with pytest.raises(SignatureError) as caught:
        load_signatures((tmp_path,))
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert "bad.yaml" in str(caught.value)
