"""Generated output is linted with the spec's own settings (lint.config_for_spec): the lifecycle's
environments are known, references that cannot resolve are errors, and `new`/`render` write
nothing that has one. This is the one check of generated projects; there is no second checker."""

from __future__ import annotations

import pytest

from octoscaffold.lint import blocking, config_for_spec, lint_view
from octoscaffold.ocl.view import view_from_texts
from octoscaffold.scaffold import resolve_spec
from octoscaffold.spec.io import spec_from_data


@pytest.fixture(scope="module")
def config():
    spec = resolve_spec(spec_from_data({
        "apiVersion": "octoscaffold/v1", "project": {"name": "Shop"}, "template": "script",
        "lifecycle": {"environments": ["Development", "Production", "Security"]},
        "variables": [{"name": "Project.Db.Password", "type": "Sensitive"}],
    }))
    return config_for_spec(spec)


def errors(config, process="", variables="", runbooks=None) -> list[str]:
    texts = {"schema_version.ocl": "version = 9", "deployment_process.ocl": process, "variables.ocl": variables}
    texts.update({f"runbooks/{k}.ocl": v for k, v in (runbooks or {}).items()})
    return [f"{f.path}:{f.line}: {f.rule} {f.message}" for f in blocking(lint_view(view_from_texts(texts), config))]


def test_references_that_resolve_are_no_error(config):
    process = '''
step "deploy" {
    name = "Deploy"
    action {
        action_type = "Octopus.Script"
        excluded_environments = ["security"]
        properties = {
            Octopus.Action.Script.ScriptBody = "echo #{Project.App.Name | ToLower} #{Octopus.Action.Package[app].PackageVersion} #{Project.Db.Password}"
        }
        packages "app" {
            package_id = "app"
        }
    }
}
step "notify" {
    name = "Notify"
    action {
        action_type = "Octopus.Script"
        properties = {
            Octopus.Action.Script.ScriptBody = "echo #{Octopus.Action[Deploy].Output.Done}"
        }
    }
}'''
    variables = 'variable "Project.App.Name" {\n    value "x" {\n        environment = ["production"]\n    }\n}'
    assert errors(config, process, variables) == []


def test_each_broken_reference_is_an_error_with_its_position(config):
    process = '''step "deploy" {
    name = "Deploy"
    action {
        action_type = "Octopus.Script"
        environments = ["staging"]
        properties = {
            Octopus.Action.Script.ScriptBody = "#{Project.Missing} #{Octopus.Action.Package[nope].PackageVersion} #{Octopus.Action[Ghost].Output.X} #{Octopus.Step[Phantom].Status.Code}"
        }
    }
}

step "deploy" {
    name = "Deploy again"
    action {
        action_type = "Octopus.Script"
    }
}'''
    found = errors(config, process)
    assert any("PROC013" in e and "Phantom" in e for e in found), found
    assert any("PROC013" in e and "Ghost" in e for e in found), found
    assert any("ENV003" in e and "'staging'" in e for e in found), found
    assert any("VAR003" in e and "Project.Missing" in e for e in found), found
    assert any("PROC005" in e and "nope" in e for e in found), found
    assert any(e.startswith("deployment_process.ocl:12: OCL002") for e in found), found


def test_secrets_and_scopes_in_variables(config):
    variables = '''variable "Project.Db.Password" {
    value "hunter2" {}
}

variable "Project.Api.Url" {
    value "#{Project.Api.Host}/v1" {
        environment = ["moon"]
    }
}'''
    found = errors(config, variables=variables)
    assert any("VAR002" in e and "Project.Db.Password" in e for e in found), found
    assert any("ENV003" in e and "'moon'" in e for e in found), found
    assert any("VAR003" in e and "Project.Api.Host" in e for e in found), found


def test_runbook_environments_must_be_in_the_lifecycle(config):
    runbook = 'name = "Ops"\nenvironments = ["mars"]\n\nprocess {\n}'
    assert any("ENV003" in e and "'mars'" in e for e in errors(config, runbooks={"ops": runbook}))


def test_a_practice_switched_off_is_not_asked_for():
    spec = resolve_spec(spec_from_data({"apiVersion": "octoscaffold/v1", "project": {"name": "Shop"},
                                        "template": "script", "security_scan": {"enabled": False}}))
    config = config_for_spec(spec)
    assert not config.enabled("PROC009") and not config.enabled("ENV002")
