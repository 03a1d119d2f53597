"""Typed view: values and positions on a small project and on real projects from the corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from octoscaffold.ocl import OclSyntaxError, load_project, view_from_texts
from octoscaffold.ocl.view import Position, iter_elements

from .helpers import read_corpus

PROCESS = '''step "deploy-web" {
    name = "Deploy web"
    properties = {
        Octopus.Action.TargetRoles = "web, api"
    }

    action {
        action_type = "Octopus.Script"
        environments = ["production"]
        excluded_environments = ["dev"]
        is_disabled = true
        notes = <<-EOT
                Two
                lines
                EOT
        properties = {
            Octopus.Action.Script.Syntax = "Bash"
        }
        worker_pool_variable = ""

        container {
            feed = "docker-hub"
            image = "octopusdeploy/worker-tools"
        }

        packages "helper" {
            acquisition_location = "Server"
            feed = "octopus-server-built-in"
            package_id = "Helper"
            properties = {
                Extract = "True"
            }
        }
    }
}

step "notify" {
    condition = "Always"

    action {
        properties = {
            Octopus.Action.Template.Id = "ActionTemplates-1"
            Octopus.Action.Template.Version = "7"
        }
        worker_pool = "hosted-ubuntu"
    }
}'''

VARIABLES = '''variable "Project.Db.Name" {
    value "db-test" {
        environment = ["test"]
    }

    value "db-prod" {
        environment = ["production"]
        role = ["db"]
    }
}

variable "Project.Azure.Account" {
    type = "AzureAccount"

    value "azure-oidc" {}
}

variable "Runbook.Replicas" {
    value {
        process = ["runbook/scale"]

        prompt {
            description = ""
            display_settings = {
                Octopus.ControlType = "SingleLineText"
            }
            label = "Replicas"
            required = true
        }
    }
}'''

SETTINGS = '''default_guided_failure_mode = "On"

connectivity_policy {
    allow_deployments_to_no_targets = true
}

versioning_strategy {
    donor_package {
        package = "cli"
        step = "push-cli"
    }
}'''

RUNBOOK = '''name = "Scale"
environment_scope = "Specified"
environments = ["production"]
multi_tenancy_mode = "Tenanted"

run_retention_policy {
    quantity_to_keep = 5
    type = "Count"
    unit = "Days"
}

process {
    step "scale" {
        action {
            action_type = "Octopus.KubernetesRunScript"
        }
    }
}'''

TEXTS = {
    "deployment_process.ocl": PROCESS,
    "variables.ocl": VARIABLES,
    "deployment_settings.ocl": SETTINGS,
    "schema_version.ocl": "version = 10",
    "runbooks/scale.ocl": RUNBOOK,
}


@pytest.fixture
def view():
    return view_from_texts(TEXTS)


def test_steps_and_actions(view):
    deploy, notify = view.deployment_process.steps
    assert (deploy.slug, deploy.name, deploy.condition, deploy.start_trigger) == (
        "deploy-web",
        "Deploy web",
        "Success",
        "StartAfterPrevious",
    )
    assert deploy.target_roles == ("web", "api")
    assert deploy.position == Position("deployment_process.ocl", 1, 1)
    action = deploy.actions[0]
    assert action.name == "Deploy web" and action.slug is None
    assert action.action_type == "Octopus.Script"
    assert (action.environments, action.excluded_environments) == (("production",), ("dev",))
    assert action.is_disabled is True and action.is_required is False
    assert action.notes == "Two\nlines"
    assert action.worker_pool is None and action.worker_pool_variable == ""
    assert action.get_property("Octopus.Action.Script.Syntax") == "Bash"
    assert action.properties["Octopus.Action.Script.Syntax"].position == Position("deployment_process.ocl", 17, 13)
    assert action.position == Position("deployment_process.ocl", 7, 5)
    assert action.where("worker_pool_variable") == Position("deployment_process.ocl", 19, 9)
    assert action.where("worker_pool") == action.position
    assert (action.container.feed, action.container.image) == ("docker-hub", "octopusdeploy/worker-tools")
    assert action.container.position.line == 21
    package = action.packages[0]
    assert (package.name, package.package_id, package.feed, package.acquisition_location) == (
        "helper",
        "Helper",
        "octopus-server-built-in",
        "Server",
    )
    assert package.get_property("Extract") == "True"
    assert package.position.line == 26
    template = notify.actions[0]
    assert notify.condition == "Always"
    assert template.action_type is None
    assert (template.template_id, template.template_version) == ("ActionTemplates-1", "7")
    assert template.worker_pool == "hosted-ubuntu"


def test_variables_values_scopes_and_prompts(view):
    name, account, replicas = view.variables
    assert name.name == "Project.Db.Name" and name.type is None
    assert [value.value for value in name.values] == ["db-test", "db-prod"]
    assert name.values[1].scope.environment == ("production",)
    assert name.values[1].scope.role == ("db",)
    assert name.values[1].position == Position("variables.ocl", 6, 5)
    assert name.values[1].where("role") == Position("variables.ocl", 8, 9)
    assert account.type == "AzureAccount" and account.values[0].scope.is_empty
    value = replicas.values[0]
    assert value.value is None
    assert value.scope.process == ("runbook/scale",)
    assert (value.prompt.label, value.prompt.required, value.prompt.control_type) == ("Replicas", True, "SingleLineText")
    assert view.variable("Project.Azure.Account") is account


def test_settings_schema_and_runbooks(view):
    settings = view.deployment_settings
    assert settings.guided_failure_mode == "On"
    assert settings.connectivity_policy.allow_deployments_to_no_targets is True
    assert settings.versioning_strategy.template is None
    assert (settings.versioning_strategy.donor_package.package, settings.versioning_strategy.donor_package.step) == (
        "cli",
        "push-cli",
    )
    assert settings.versioning_strategy.donor_package.position == Position("deployment_settings.ocl", 8, 5)
    assert view.schema_version.version == 10
    runbook = view.runbook("scale")
    assert (runbook.name, runbook.environment_scope, runbook.environments, runbook.multi_tenancy_mode) == (
        "Scale",
        "Specified",
        ("production",),
        "Tenanted",
    )
    assert (runbook.retention.quantity_to_keep, runbook.retention.type, runbook.retention.unit) == (5, "Count", "Days")
    assert runbook.guided_failure_mode == "EnvironmentDefault"
    assert runbook.process.steps[0].actions[0].position == Position("runbooks/scale.ocl", 14, 9)
    assert [process.steps[0].slug for process in view.processes] == ["deploy-web", "scale"]


def test_every_element_has_a_position(view):
    elements = list(iter_elements(view))
    assert len(elements) > 20
    for element in elements:
        assert element.position.path in TEXTS
        assert element.position.line >= 1 and element.position.column >= 1


def test_missing_files_are_absent():
    view = view_from_texts({"variables.ocl": ""})
    assert view.deployment_process is None and view.deployment_settings is None and view.schema_version is None
    assert view.variables == () and view.runbooks == () and view.processes == ()


def test_view_from_texts_reports_syntax_errors_with_the_relative_path():
    with pytest.raises(OclSyntaxError) as caught:
        view_from_texts({"runbooks/x.ocl": "name = "})
    assert str(caught.value).startswith("runbooks/x.ocl:1:8: ")


def _corpus_project(corpus_dir, prefix):
    files = sorted(corpus_dir.glob(prefix + "*.ocl"))
    return {path.name[len(prefix) :].replace("__", "/"): read_corpus(corpus_dir, path.name) for path in files}


def test_real_project_from_the_corpus(corpus_dir):
    texts = _corpus_project(corpus_dir, "BobJWalker__Hello-Containers__.octopus__")
    view = view_from_texts(texts)
    assert view.schema_version.version == 10
    assert len(view.runbooks) == 2
    assert {runbook.slug for runbook in view.runbooks} == {"provision-infrastructure", "deprovision-infrastructure"}
    provision = view.runbook("provision-infrastructure")
    assert provision.name == "Provision Infrastructure"
    assert [template.template_slug for template in provision.process.process_templates][0] == "key-vault-retrieve-secrets"
    assert provision.process.process_templates[0].parameters[0].name == "KeyVault.Template.Vault.Name"
    assert provision.retention.type == "Default"
    chaos = view.deployment_process.steps[0]
    assert (chaos.slug, chaos.condition) == ("chaos-monkey", "Variable")
    assert chaos.actions[0].action_type == "Octopus.Script"
    simulate = view.variable("Project.Simulate.Failure")
    assert simulate.values[0].prompt.control_type == "Checkbox"
    assert simulate.values[0].scope.process == ("deployment-process",)


def test_load_project_reads_a_folder(corpus_dir, tmp_path):
    texts = _corpus_project(corpus_dir, "BobJWalker__HomeLab__.octopus__argocd__")
    for relative, text in texts.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    view = load_project(tmp_path)
    assert view.folder == tmp_path
    assert set(view.documents) == set(texts)
    assert len(view.runbooks) == 5
    backup = view.runbook("backup-files-to-nas")
    assert backup.position.path == str(tmp_path / "runbooks" / "backup-files-to-nas.ocl")
    step = backup.process.steps[0]
    assert step.position.path == backup.position.path and step.position.line > 1
    # Same content as the in-memory view; only the paths in positions differ.
    in_memory = view_from_texts(texts)
    assert [runbook.name for runbook in view.runbooks] == [runbook.name for runbook in in_memory.runbooks]
    assert in_memory.runbook("backup-files-to-nas").position.path == "runbooks/backup-files-to-nas.ocl"
    workers = [action.worker_pool for process in view.processes for action in process.actions if action.worker_pool]
    assert workers, "HomeLab's runbooks run on worker pools"


def test_load_project_of_an_empty_folder(tmp_path):
    view = load_project(tmp_path)
    assert (view.deployment_process, view.variables, view.runbooks, dict(view.documents)) == (None, (), (), {})


def test_step_package_action_keeps_its_inputs(corpus_dir):
    texts = _corpus_project(corpus_dir, "JChatmasOctopus__eShopOnWeb__.octopus__")
    actions = view_from_texts(texts).deployment_process.actions
    ecs = [action for action in actions if action.action_type == "aws-ecs"]
    assert ecs and ecs[0].step_package_version
    assert ecs[0].inputs.get("desiredCount").python == 1
    assert isinstance(ecs[0].inputs.get("desiredCount").python, int)
    assert not isinstance(ecs[0].inputs.get("desiredCount").python, Decimal)
