import pytest

from octoscaffold.catalog import load_catalog
from octoscaffold.errors import SpecError
from octoscaffold.policy import is_production, production_environments, resolve
from octoscaffold.spec import spec_from_data

LAMBDA = load_catalog().get("aws-lambda")


def resolved(**fields):
    return resolve(spec_from_data({"project": {"name": "OctoPub SAM"}, "template": "aws-lambda", **fields}), LAMBDA)


def practices(spec):
    return {p.id: p for p in spec.practices}


def test_defaults_are_applied_and_recorded():
    spec = resolved()
    assert spec.lifecycle.environments == ["Development", "Test", "Production", "Security"]
    assert spec.lifecycle.name == "DevSecOps"
    assert spec.approval.environments == ["Production"]
    assert spec.approval.instructions
    assert spec.versioning.template == "#{Octopus.Date.Year}.#{Octopus.Date.Month}.#{Octopus.Date.Day}.i"
    assert spec.git.base_path == ".octopus/octopub-sam"
    assert spec.parameters["region"] == "us-east-1"
    assert spec.parameters["package_id"] == "octopub-sam"  # "{slug}" in the manifest
    recorded = practices(spec)
    assert {"approval", "security-scan", "versioning", "guided-failure", "worker-pool-variable", "runbooks"} <= set(recorded)
    default_on = {"approval", "security-scan", "sbom", "versioning", "guided-failure", "worker-pool-variable", "secrets", "runbooks"}
    assert all(p.applied for p in recorded.values() if p.id in default_on)
    # Practices a team may ask for are recorded off, with the switch that turns them on.
    assert {p.id: p.switch for p in recorded.values() if not p.applied} == {
        "failure-notification": "notification.channel", "retention": "lifecycle.retention"}
    assert recorded["approval"].switch == "approval.enabled"


def test_resolving_is_idempotent():
    once = resolved(lifecycle={"environments": ["QA", "Production"]})
    assert resolve(once, LAMBDA) == once


def test_switching_defaults_off_is_recorded():
    spec = resolved(approval={"enabled": False}, security_scan={"enabled": False}, runbooks=[])
    assert spec.lifecycle.environments == ["Development", "Test", "Production"]
    assert spec.lifecycle.name == "Application"
    recorded = practices(spec)
    assert not recorded["approval"].applied and "switched off" in recorded["approval"].detail
    assert not recorded["security-scan"].applied
    assert not recorded["runbooks"].applied


def test_semantic_versioning_option():
    spec = resolved(versioning={"strategy": "semantic"})
    assert spec.versioning.template.endswith("#{Octopus.Version.NextPatch}")


@pytest.mark.parametrize(
    ("name", "production"),
    [("Production", True), ("Prod", True), ("Production - AU", True), ("prod-eu", True), ("Live", True),
     ("Pre-Prod", False), ("PreProd", False), ("Products", False), ("Staging", False), ("Security", False)],
)
def test_production_detection(name, production):
    assert is_production(name) is production


def test_production_falls_back_to_last_before_security():
    assert production_environments(["Dev", "Staging", "Security"], "Security") == ["Staging"]
    assert production_environments(["Dev", "Prod AU", "Prod US", "Security"], "Security") == ["Prod AU", "Prod US"]


def test_runbooks_marked_not_for_production_skip_it():
    spec = resolved()
    (runbook,) = spec.runbooks
    assert runbook.name == "Delete Lambda Stack"
    assert runbook.environments == ["Development", "Test"]


def test_user_runbooks_run_everywhere_but_security():
    spec = resolved(runbooks=[{"name": "Clear Cache"}])
    assert spec.runbooks[0].environments == ["Development", "Test", "Production"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"parameters": {"colour": "blue"}}, "parameters.colour: template 'aws-lambda' has no such parameter"),
        ({"approval": {"environments": ["Staging"]}}, "approval.environments: Staging is not in lifecycle.environments"),
        ({"runbooks": [{"name": "A b"}, {"name": "a-b"}]}, "runbook names must be distinct"),
        ({"runbooks": [{"name": "X", "environments": ["Moon"]}]}, "not in lifecycle.environments"),
    ],
)
def test_policy_errors_name_the_field(fields, message):
    with pytest.raises(SpecError, match=message.replace(".", r"\.").replace("(", r"\(")):
        resolved(**fields)


def test_secret_looking_variables_become_sensitive_without_value():
    spec = resolved(variables=[
        {"name": "Project.Database.Password", "value": "hunter2"},
        {"name": "Project.Web.Title", "value": "Shop"},
    ])
    password, title = spec.variables
    assert (password.type, password.value) == ("Sensitive", "")
    assert (title.type, title.value) == ("String", "Shop")
    assert "Project.Database.Password" in practices(spec)["secrets"].detail
