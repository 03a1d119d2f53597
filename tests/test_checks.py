"""The renderer's own checks on a whole project."""

from octoscaffold.ocl.view import view_from_texts
from octoscaffold.render.checks import check_project

ENVIRONMENTS = ["Development", "Production", "Security"]


def problems(process="", variables="", runbooks=None):
    texts = {"deployment_process.ocl": process, "variables.ocl": variables}
    texts.update({f"runbooks/{k}.ocl": v for k, v in (runbooks or {}).items()})
    return check_project(view_from_texts(texts), ENVIRONMENTS)


def test_a_clean_project_has_no_problems():
    process = '''
step "deploy" {
    name = "Deploy"
    action {
        action_type = "Octopus.Script"
        excluded_environments = ["security"]
        properties = {
            Octopus.Action.Script.ScriptBody = "echo #{Project.App.Name | ToLower} #{Octopus.Action.Package[app].PackageVersion}"
        }
        packages "app" {
            package_id = "app"
        }
    }
}
step "notify" {
    action {
        action_type = "Octopus.Script"
        properties = {
            Octopus.Action.Script.ScriptBody = "echo #{Octopus.Action[Deploy].Output.Done}"
        }
    }
}'''
    variables = 'variable "Project.App.Name" {\n    value "x" {\n        environment = ["production"]\n    }\n}'
    assert problems(process, variables) == []


def test_each_broken_reference_is_reported_with_its_position():
    process = '''step "deploy" {
    action {
        action_type = "Octopus.Script"
        environments = ["staging"]
        properties = {
            Octopus.Action.Script.ScriptBody = "#{Project.Missing} #{Octopus.Action.Package[nope].PackageVersion} #{Octopus.Action[Ghost].Output.X} #{Octopus.Step[Phantom].Status.Code}"
        }
    }
}
step "deploy" {
    action {
        action_type = "Octopus.Script"
    }
}'''
    found = problems(process)
    assert len(found) == 6, found
    assert any("no step named 'Phantom'" in p for p in found)
    assert any("environment 'staging' is not in the lifecycle" in p for p in found)
    assert any("variable Project.Missing is used but not defined" in p for p in found)
    assert any("no package 'nope'" in p for p in found)
    assert any("no step named 'Ghost'" in p for p in found)
    assert any(p.startswith("deployment_process.ocl:10:") and "used twice" in p for p in found)


def test_secrets_and_scopes_in_variables():
    variables = '''variable "Project.Db.Password" {
    value "hunter2" {}
}
variable "Project.Api.Url" {
    value "#{Project.Api.Host}/v1" {
        environment = ["moon"]
    }
}'''
    found = problems(variables=variables)
    assert any("Project.Db.Password looks like a secret" in p for p in found)
    assert any("environment 'moon'" in p for p in found)
    assert any("Project.Api.Host is used but not defined" in p for p in found)


def test_runbook_environments_must_be_in_the_lifecycle():
    runbook = 'name = "Ops"\nenvironments = ["mars"]\n\nprocess {\n}'
    assert any("runbook environment 'mars'" in p for p in problems(runbooks={"ops": runbook}))
