"""Every rule fires on a project that breaks its practice, and stays silent on a close variant that does not."""

from __future__ import annotations

import pytest

from octoscaffold.lint import RULES, lint_view
from octoscaffold.lint.config import LintConfig
from octoscaffold.ocl.view import view_from_texts

from .projects import APPROVAL, DEPLOY, SCAN, VARIABLES, WORKER, changed, good_files, lint, rules_found

P = "deployment_process_ocl"
V = "variables_ocl"
S = "deployment_settings_ocl"
R = "runbooks__restart-site_ocl"
NO_TARGETS_OK = 'connectivity_policy {\n    allow_deployments_to_no_targets = true\n}\n\nversioning_strategy {\n    template = "#{Octopus.Date.Year}.i"\n}\n'
K8S = DEPLOY.replace('"Octopus.TentaclePackage"', '"Octopus.KubernetesDeployRawYaml"')
AZURE = WORKER.replace('"Octopus.AwsRunScript"', '"Octopus.AzurePowerShell"').replace('"aws s3 ls"', '"az webapp restart --name #{Project.Azure.WebApp.Name}"')
WEB_APP = '\nvariable "Project.Azure.WebApp.Name" {\n    value "shop-#{Octopus.Environment.Name | ToLower}" {}\n}\n'
TENANTED_RUNBOOK = ('environment_scope = "Specified"\n', 'environment_scope = "Specified"\nmulti_tenancy_mode = "Tenanted"\n')

# rule id → (changes that break it, changes that come close without breaking it)
CASES = {
    "OCL001": ({"schema_version_ocl": None}, {"schema_version_ocl": "version = 12"}),
    "OCL002": (
        {P: "\n".join([APPROVAL, DEPLOY, DEPLOY.replace('"Deploy Web App"', '"Deploy Again"'), SCAN])},
        {P: "\n".join([APPROVAL, DEPLOY, DEPLOY.replace('"deploy-web-app"', '"deploy-again"'), SCAN])},
    ),
    "OCL003": ({P: ('notes = "Deploys the site."', "")}, {P: ('notes = "Deploys the site."', 'notes = "Copies the site."')}),
    "OCL004": (
        {P: ('name = "Deploy Web App"', 'condition = "Always"\n    name = "Deploy Web App"')},
        {P: ('name = "Deploy Web App"', 'condition = "Always"\n    name = "Always Deploy Web App"')},
    ),
    "OCL005": (
        {P: ('name = "Deploy Web App"\n    properties = {', 'condition = "Variable"\n    name = "Deploy Web App"\n    properties = {\n        Octopus.Step.ConditionVariableExpression = "#{if A}#{if B}True#{/if}#{/if}"')},
        {P: ('name = "Deploy Web App"\n    properties = {', 'condition = "Variable"\n    name = "Deploy Web App"\n    properties = {\n        Octopus.Step.ConditionVariableExpression = "#{unless Octopus.Deployment.Error}#{if B}True#{/if}#{/unless}"')},
    ),
    "OCL006": ({P: ('name = "Deploy Web App"', 'name = "Deploy [Web] App"')}, {P: ('name = "Deploy Web App"', 'name = "Deploy Web App (blue)"')}),
    "OCL007": ({P: ('step "deploy-web-app"', 'step "Deploy Web App"')}, {P: ('step "deploy-web-app"', 'step "deploy-web-app-2"')}),
    "VAR001": ({V: VARIABLES + '\nvariable "ApiUrl" {\n    value "x" {}\n}\n'}, {V: VARIABLES + '\nvariable "ConnectionStrings:Default" {\n    value "x" {}\n}\n'}),
    "VAR002": (
        {V: VARIABLES + '\nvariable "Project.Db.Password" {\n    value "hunter2" {}\n}\n'},
        {V: VARIABLES + '\nvariable "Project.Db.Password" {\n    type = "Sensitive"\n\n    value {}\n}\n\nvariable "Project.Db.SecretName" {\n    value "db-secret" {}\n}\n'},
    ),
    "VAR003": (
        {P: ("echo #{Project.Web.Url}", "echo #{Project.Web.Missing}")},
        {P: ("echo #{Project.Web.Url}", "echo #{Project.AWS.Account.AccessKey} #{Project.Db.Password} #{Library.Shared.X}")},
    ),
    "VAR004": (
        {V: ('environment = ["production"]', 'environment = ["development"]')},
        {V: ('environment = ["production"]', 'environment = ["development", "production"]')},
    ),
    "VAR005": (
        {P: "\n".join([APPROVAL, DEPLOY, WORKER.replace('worker_pool_variable = "Project.WorkerPool"', 'worker_pool = "hosted-ubuntu"'), SCAN.replace('worker_pool_variable = "Project.WorkerPool"', 'worker_pool = "hosted-ubuntu"')])},
        {P: "\n".join([APPROVAL, DEPLOY, WORKER.replace('worker_pool_variable = "Project.WorkerPool"', 'worker_pool = "hosted-ubuntu"'), SCAN])},
    ),
    "VAR007": (
        {P: "\n".join([APPROVAL, AZURE, SCAN]), V: VARIABLES + WEB_APP, R: TENANTED_RUNBOOK},
        {P: "\n".join([APPROVAL, AZURE, SCAN]), V: VARIABLES + WEB_APP.replace("}\" {}", "}-#{Octopus.Deployment.Tenant.Name | ToLower}\" {}"), R: TENANTED_RUNBOOK},
    ),
    "VAR006": ({V: ('value "aws-dev" {\n        environment = ["development"]\n    }', 'value "aws-dev" {}')}, {}),
    "PROC001": ({P: ('image = "ghcr.io/octopusdeploylabs/aws-workertools"', 'image = ""')}, {}),
    "PROC002": ({P: ('worker_pool_variable = "Project.WorkerPool"\n\n        container', "container")}, {P: ('worker_pool_variable = "Project.WorkerPool"\n\n        container', 'worker_pool = "aws-workers"\n\n        container')}),
    "PROC003": (
        {P: ('    properties = {\n        Octopus.Action.TargetRoles = "shop-web"\n    }\n', "")},
        {P: ('action_type = "Octopus.TentaclePackage"', 'action_type = "Octopus.Script"')},
    ),
    "PROC004": ({P: ('TargetRoles = "shop-web"', 'TargetRoles = "web-server"')}, {P: ('TargetRoles = "shop-web"', 'TargetRoles = "shop-web-server"')}),
    "PROC005": (
        {P: ("#{Octopus.Action.Package[sbom].ExtractedPath}", "#{Octopus.Action.Package[bom].ExtractedPath}")},
        {P: ('packages "sbom" {', 'packages "sbom" {\n            feed = "octopus-server-built-in"')},
    ),
    "PROC006": (
        {P: ('Octopus.Action.Manual.Instructions = "Approve #{Octopus.Release.Number}?"', 'Octopus.Action.Manual.Instructions = ""')},
        {P: ('Octopus.Action.Manual.Instructions = "Approve #{Octopus.Release.Number}?"', 'Octopus.Action.Manual.Instructions = "Check the change log."\n            Octopus.Action.Manual.ResponsibleTeamIds = "release-managers"')},
    ),
    "PROC007": (
        {P: "\n".join([APPROVAL, DEPLOY.replace('excluded_environments = ["security"]', 'environments = ["test"]'), WORKER.replace('excluded_environments = ["security"]', 'environments = ["test"]'), WORKER.replace('"run-migrations"', '"run-more"').replace('excluded_environments = ["security"]', 'environments = ["test"]'), SCAN])},
        {P: "\n".join([APPROVAL, DEPLOY.replace('excluded_environments = ["security"]', 'environments = ["test"]'), WORKER.replace('excluded_environments = ["security"]', 'environments = ["test"]'), SCAN])},
    ),
    "PROC008": (
        {P: "\n".join([APPROVAL, K8S.replace('PackageId = "shop"', 'PackageId = "shop"\n            Octopus.Action.Kubernetes.ResourceStatusCheck = "False"'), SCAN])},
        {P: "\n".join([APPROVAL, K8S.replace('PackageId = "shop"', 'PackageId = "shop"\n            Octopus.Action.Kubernetes.ResourceStatusCheck = "True"'), SCAN])},
    ),
    "PROC009": ({P: "\n".join([APPROVAL, DEPLOY, WORKER])}, {P: "\n".join([APPROVAL, WORKER])}),
    "PROC010": (
        {P: ('Octopus.Action.Script.ScriptBody = "aws s3 ls"', 'Octopus.Action.Script.ScriptBody = "if (\\"#{Octopus.Environment.Name}\\" -eq \\"Production\\") { exit 1 }"')},
        {P: ('Octopus.Action.Script.ScriptBody = "aws s3 ls"', 'Octopus.Action.Script.ScriptBody = "if (\\"#{Octopus.Environment.Name}\\" -eq \\"Security\\") { exit 0 }"')},
    ),
    "PROC011": (
        {P: "\n".join([DEPLOY, APPROVAL, WORKER, SCAN])},
        {P: "\n".join([WORKER.replace('name = "Run Migrations"', 'name = "Plan Migrations"'), APPROVAL, DEPLOY, SCAN])},
    ),
    "PROC013": (
        {P: ('"echo #{Project.Web.Url}"', '"echo #{Octopus.Action[Deploy Old App].Output.Url}"')},
        {P: ('"echo #{Project.Web.Url}"', '"echo #{Octopus.Action[Deploy Web App].Output.Url}"')},
    ),
    "ENV003": (
        {V: VARIABLES.replace('environment = ["production"]', 'environment = ["prodution"]')},
        {V: VARIABLES.replace('environment = ["production"]', 'environment = ["test"]')},
    ),
    "PROC012": ({P: ('TargetRoles = "shop-web"', 'TargetRoles = "ShopWeb"')}, {P: ('TargetRoles = "shop-web"', 'TargetRoles = "shop-web, shop-api"')}),
    "SET001": ({S: 'connectivity_policy {\n    allow_deployments_to_no_targets = false\n}\n'}, {S: 'versioning_strategy {\n\n    donor_package {\n        step = "deploy-web-app"\n    }\n}\n'}),
    "SET002": (
        {S: NO_TARGETS_OK},
        {S: NO_TARGETS_OK, P: "\n".join([APPROVAL, WORKER.replace('"Run Migrations"', '"Check Targets Exist"'), DEPLOY, SCAN])},
    ),
    "RB001": ({R: ('environment_scope = "Specified"\n', "")}, {R: ('environment_scope = "Specified"\nenvironments = ["development", "production"]\n', 'environment_scope = "FromProjectLifecycles"\n')}),
    "RB002": ({R: ('run_retention_policy {\n    type = "Default"\n}\n', "")}, {}),
    "ENV002": ({P: "\n".join([APPROVAL, DEPLOY.replace('excluded_environments = ["security"]', ""), SCAN])}, {P: "\n".join([APPROVAL, SCAN])}),
    "LNT001": (
        {P: ('notes = "Deploys the site."', 'notes = "Deploys the site. octoscaffold-lint: ignore PROC004"')},
        {P: ('notes = "Deploys the site."', 'notes = "Deploys the site. octoscaffold-lint: ignore PROC004 -- shared tag"')},
    ),
}

# The rules no project-level case can show (the runner reports it), tested in test_paths.py.
NOT_HERE = {"OCL000"}


def test_every_rule_has_a_case():
    assert set(CASES) | NOT_HERE == set(RULES)


def test_at_least_twenty_rules_with_a_stable_id_and_severity():
    assert len(RULES) >= 20
    for rule_id, current in RULES.items():
        assert current.id == rule_id
        assert current.severity in ("error", "warning", "info")
        assert rule_id[-3:].isdigit()


# Rules that need to know more than the OCL says: the config they run with.
CONFIGS = {"ENV003": LintConfig(environments=("Development", "Test", "Production", "Security"))}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id):
    bad, _ = CASES[rule_id]
    findings = [finding for finding in lint(changed(**bad), CONFIGS.get(rule_id)) if finding.rule == rule_id]
    assert findings, f"{rule_id} did not fire"
    for finding in findings:
        assert finding.severity == RULES[rule_id].severity
        assert finding.line >= 1 and finding.column >= 1
        assert finding.path.endswith(".ocl")
        assert finding.message and "\n" not in finding.message


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_stays_silent_on_a_close_variant(rule_id):
    _, good = CASES[rule_id]
    assert rule_id not in rules_found(changed(**good), CONFIGS.get(rule_id))


def test_environments_are_checked_only_where_the_lifecycle_is_known():
    files = changed(**CASES["ENV003"][0])
    assert "ENV003" not in rules_found(files)
    config = LintConfig(environments=("Development", "Production"))
    messages = [f.message for f in lint(files, config) if f.rule == "ENV003"]
    assert any("'prodution'" in m for m in messages) and any("'security'" in m for m in messages)


def test_the_good_project_is_clean():
    assert lint(good_files()) == []


def test_positions_point_at_the_offending_element():
    files = changed(variables_ocl=VARIABLES + '\nvariable "Project.Db.Password" {\n    value "hunter2" {}\n}\n')
    [finding] = [f for f in lint(files) if f.rule == "VAR002"]
    lines = files["variables.ocl"].splitlines()
    assert lines[finding.line - 1].strip().startswith('value "hunter2"')
    assert finding.location == f"variables.ocl:{finding.line}:{finding.column}"


def test_duplicate_variable_across_blocks_and_without_scope():
    extra = '\nvariable "Project.Region" {\n    value "us-east-1" {}\n}\n\nvariable "project.region" {\n    value "eu-west-1" {}\n}\n'
    findings = [f for f in lint(changed(variables_ocl=VARIABLES + extra)) if f.rule == "VAR004"]
    assert len(findings) == 1 and "no scope" in findings[0].message


def test_connection_string_with_a_referenced_password_is_not_a_plain_secret():
    extra = '\nvariable "Project.Db.ConnectionString" {\n    value "Server=db;User=app;Password=#{Project.Db.Password}" {}\n}\n'
    assert "VAR002" not in rules_found(changed(variables_ocl=VARIABLES + extra))
    leaked = extra.replace("#{Project.Db.Password}", "s3cret")
    assert "VAR002" in rules_found(changed(variables_ocl=VARIABLES + leaked))


def test_undefined_reference_is_skipped_without_variables_file():
    files = changed(variables_ocl=None, deployment_process_ocl=("echo #{Project.Web.Url}", "echo #{Project.Web.Missing}"))
    assert "VAR003" not in rules_found(files)


def test_known_variables_count_as_defined():
    from octoscaffold.lint import LintConfig

    files = changed(deployment_process_ocl=("echo #{Project.Web.Url}", "echo #{Project.Feature.Flag}"))
    assert "VAR003" in rules_found(files)
    assert "VAR003" not in rules_found(files, LintConfig(known_variables=("Project.Feature.Flag",)))


def test_lint_view_works_on_an_empty_project():
    assert lint_view(view_from_texts({"deployment_process.ocl": "", "schema_version.ocl": "version = 9"})) == []
