"""Issue 15, "Correct what is wrong or doubtful": each correction an Octopus expert asked for, shown
on the kinds it concerns (the evidence for each is in docs/catalog.md, "Corrections")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from octoscaffold.catalog import load_catalog
from octoscaffold.lint import lint_view
from octoscaffold.lint.config import LintConfig
from octoscaffold.ocl.view import view_from_texts
from octoscaffold.scaffold import build
from octoscaffold.spec import load_spec, spec_from_data
from octoscaffold.spec.model import Settings

CATALOG = load_catalog()
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "ocl"
EXAMPLES = [(t, e) for t in CATALOG.templates.values() for e in t.manifest.examples]
AZURE_NAMES = {
    "azure-web-app": ("Project.Azure.ResourceGroup.Name", "Project.Azure.WebApp.Name"),
    "azure-function": ("Project.Azure.ResourceGroup.Name", "Project.Azure.FunctionApp.Name"),
    "azure-resource-group": ("Project.Azure.ResourceGroup.Name",),
}
TENANT = "#{Octopus.Deployment.Tenant.Name"


def render(template: str, **data):
    return build(spec_from_data({"project": {"name": "Claims"}, "template": template, **data}), CATALOG)


def view_of(result):
    return view_from_texts(result.rendered.ocl_files())


def all_actions(view):
    return [action for process in view.processes for action in process.actions]


def process_text(result) -> str:
    return next(text for path, text in result.rendered.ocl_files().items() if path.endswith("deployment_process.ocl"))


# Schema version ------------------------------------------------------------------------------


def test_the_default_schema_version_is_the_newest_in_real_exports(corpus_dir):
    versions = {int(re.fullmatch(r"version = (\d+)", p.read_text().strip()).group(1)) for p in corpus_dir.glob("*schema_version.ocl")}
    assert Settings().schema_version == max(versions) == 14


@pytest.mark.parametrize("kind", sorted(CATALOG.templates))
def test_every_kind_writes_schema_version_14_and_the_spec_may_choose_an_older_one(kind):
    assert view_of(render(kind)).schema_version.version == 14
    older = render(kind, settings={"schema_version": 9})
    assert any(path.endswith("schema_version.ocl") and text == "version = 9" for path, text in older.rendered.ocl_files().items())


# Tenants on Azure kinds ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(AZURE_NAMES))
def test_tenanted_azure_resource_names_include_the_tenant(kind):
    tenanted = view_of(render(kind, tenancy={"mode": "tenanted", "tenants": ["North", "South"]}))
    untenanted = view_of(render(kind))
    for name in AZURE_NAMES[kind]:
        values = [v.value for v in tenanted.variable(name).values]
        assert values and all(TENANT in value for value in values), (name, values)
        assert not any(TENANT in v.value for v in untenanted.variable(name).values)
    assert "VAR007" not in {f.rule for f in lint_view(tenanted, LintConfig(tenanted=True))}


@pytest.mark.parametrize("kind", sorted(AZURE_NAMES))
def test_var007_catches_a_tenanted_azure_project_whose_names_do_not_vary(kind):
    result = render(kind, tenancy={"mode": "tenanted", "tenants": ["North"]}, runbooks=[])
    files = {path: re.sub(r"#\{if Octopus\.Deployment\.Tenant\.Name\}.*?#\{/if\}", "", text) for path, text in result.rendered.ocl_files().items()}
    view = view_from_texts(files)
    assert "VAR007" in {f.rule for f in lint_view(view, LintConfig(tenanted=True))}
    # Without runbooks the OCL does not show the tenancy; the linter has to be told.
    assert "VAR007" not in {f.rule for f in lint_view(view, LintConfig(tenanted=False))}


def test_generated_tenanted_azure_projects_are_linted_as_tenanted():
    from octoscaffold.lint.generated import config_for_spec

    result = render("azure-web-app", tenancy={"mode": "tenanted", "tenants": ["North"]})
    assert config_for_spec(result.spec).tenanted is True
    assert config_for_spec(render("azure-web-app").spec).tenanted is False


def test_var007_reads_the_arm_resource_group_property():
    arm = render("azure-resource-group", parameters={"template_file": "azuredeploy.json"}, tenancy={"mode": "tenanted", "tenants": ["North"]})
    files = {path: text.replace('"#{Project.Azure.ResourceGroup.Name}"', '"rg-claims"') for path, text in arm.rendered.ocl_files().items()}
    findings = [f for f in lint_view(view_from_texts(files), LintConfig(tenanted=True)) if f.rule == "VAR007"]
    assert any("Octopus.Action.Azure.ResourceGroupName" in f.message for f in findings)


# Terraform -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp", "none"])
def test_the_terraform_plan_is_attached_before_the_approval_and_named_in_its_instructions(cloud):
    result = render("terraform", parameters={"cloud": cloud})
    steps = view_of(result).deployment_process.steps
    names = [s.name for s in steps]
    assert names[:3] == ["Plan Terraform Changes", "Report Terraform Plan", "Approve Production Deployment"]
    report = steps[1].actions[0]
    script = report.get_property("Octopus.Action.Script.ScriptBody")
    assert "Octopus.Action[Plan Terraform Changes].Output.TerraformPlanOutput" in script
    assert 'new_octopusartifact "$PWD/$PLAN_FILE" "terraform-plan-#{Octopus.Environment.Name}.txt"' in script
    instructions = steps[2].actions[0].get_property("Octopus.Action.Manual.Instructions")
    assert instructions.startswith(result.spec.approval.instructions)
    assert "terraform-plan-#{Octopus.Environment.Name}.txt" in instructions
    assert not [f for f in lint_view(view_of(result)) if f.rule in ("PROC011", "PROC013")]


def test_terraform_aws_state_is_locked_with_s3_native_locking_by_default_or_dynamodb():
    default = process_text(render("terraform"))
    assert 'backend-config=\\"use_lockfile=true\\"' in default and "dynamodb_table" not in default
    dynamo = render("terraform", parameters={"state_locking": "dynamodb"})
    assert 'backend-config=\\"dynamodb_table=#{Project.Terraform.State.LockTable}\\"' in process_text(dynamo)
    assert "use_lockfile" not in process_text(dynamo)
    assert view_of(dynamo).variable("Project.Terraform.State.LockTable").values[0].value == "claims-terraform-state-locks"
    # azurerm and gcs lock the state themselves.
    for cloud in ("azure", "gcp"):
        text = process_text(render("terraform", parameters={"cloud": cloud}))
        assert "use_lockfile" not in text and "dynamodb_table" not in text


# Checks that may never fire ------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "check", "deploy"), [
    ("iis", "Check Web Servers Were Deployed", "Deploy Website to IIS"),
    ("windows-service", "Check Servers Were Deployed", "Deploy Windows Service"),
])
def test_no_target_checks_read_the_machines_in_the_deploy_steps_tag(kind, check, deploy):
    process = view_of(render(kind)).deployment_process
    (tag,) = next(s for s in process.steps if s.name == deploy).target_roles
    script = next(s for s in process.steps if s.name == check).actions[0].get_property("Octopus.Action.Script.ScriptBody")
    assert f'MACHINES="#{{Octopus.Environment.MachinesInRole[{tag}]}}"' in script
    assert "Status.Code" not in script.replace("status code", "")  # not a reliable signal
    assert '"" | "#{"*)' in script and "exit 1" in script  # empty, or left unreplaced: fail


# Kustomize, Argo CD, Tomcat, orchestration, images ------------------------------------------


def test_kustomize_git_credential_is_an_id_as_octopus_writes_it():
    template = CATALOG.templates["kustomize"]
    result = build(load_spec(template.folder / "examples/external-repository.yaml"), CATALOG)
    (dependency,) = view_of(result).deployment_process.steps[-2].actions[0].git_dependencies
    assert re.fullmatch(r"GitCredentials-\d+", dependency.git_credential_id)
    assert dependency.git_credential_type == "Library"
    assert any(r.kind == "git credential" and r.name == dependency.git_credential_id for r in result.prerequisites.required)
    assert template.manifest.parameters["git_credential"].prompt.pattern == r"GitCredentials-\d+"


@pytest.mark.parametrize("commit_method", ["DirectCommit", "PullRequest"])
def test_argo_cd_asks_argo_cd_to_sync(commit_method):
    action = view_of(render("argo-cd", parameters={"commit_method": commit_method})).deployment_process.steps[1].actions[0]
    assert action.action_type == "Octopus.ArgoCDUpdateImageTags"
    assert action.get_property("Octopus.Action.ArgoCD.Sync.Mode") == "AllEnvironments"


def test_tomcat_manager_password_goes_through_a_sensitive_variable():
    result = render("java-tomcat")
    view = view_of(result)
    action = view.deployment_process.steps[1].actions[0]
    assert action.get_property("Tomcat.Deploy.Password") == "#{Project.Tomcat.Manager.Password}"
    assert "Project.Tomcat.Manager.Password" in {v.name for v in CATALOG.templates["java-tomcat"].manifest.sensitive_variables}
    assert view.variable("Project.Tomcat.Manager.Password") is None  # never in git
    assert any(r.kind == "sensitive variable" and r.name == "Project.Tomcat.Manager.Password" for r in result.prerequisites.required)


def test_orchestration_chooses_children_from_the_releases_feed():
    result = render("orchestration", parameters={"child_projects": ["claims-api"]})
    package = view_of(result).deployment_process.steps[1].actions[0].packages[0]
    # The built-in "Octopus Server Releases (built-in)" feed, slugged as Octopus slugs
    # "Octopus Server (built-in)" (octopus-server-built-in).
    assert package.feed == "octopus-server-releases-built-in" and package.package_id == "claims-api"
    assert any(r.kind == "feed" and r.name == "octopus-server-releases-built-in" for r in result.prerequisites.required)


def test_no_template_uses_a_latest_or_untagged_image():
    for path in TEMPLATES.rglob("*"):
        if path.is_file() and path.suffix in (".j2", ".sh", ".yaml", ".ps1", ".py", ".tf"):
            assert ":latest" not in path.read_text(), path
    for template, example in EXAMPLES:
        for action in all_actions(view_of(build(load_spec(template.folder / example), CATALOG))):
            image = action.container.image if action.container else ""
            assert not image or re.search(r":[\w.-]+$|@sha256:[0-9a-f]{64}$", image), (template.id, image)
    scan = (TEMPLATES / "_shared/scripts/scan-sbom.sh").read_text()
    assert re.search(r"ghcr\.io/aquasecurity/trivy:[\d.]+@sha256:[0-9a-f]{64}", scan)
    assert CATALOG.templates["database-migration"].manifest.parameters["flyway_image"].default == "redgate/flyway:13.9.0"


# Helm ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", ["examples/default.yaml", "examples/platform.yaml"])
def test_helm_values_go_through_template_values_sources(example):
    template = CATALOG.templates["helm"]
    result = build(load_spec(template.folder / example), CATALOG)
    action = next(s for s in view_of(result).deployment_process.steps if s.name == "Upgrade Helm Chart").actions[0]
    assert action.get_property("Octopus.Action.Helm.YamlValues") is None
    (source,) = json.loads(action.get_property("Octopus.Action.Helm.TemplateValuesSources"))
    assert source["Type"] == "InlineYaml"
    assert "replicaCount: #{Project.Helm.ReplicaCount}" in source["Value"]
    assert "#{Octopus.Action.Package[app].PackageVersion}" in source["Value"]


# The checklist -------------------------------------------------------------------------------

SECRET_REFERENCE = re.compile(r"#\{(Project\.[\w.]*(?:Password|Token|Secret|ApiKey|Key))\}")


@pytest.mark.parametrize(("template", "example"), EXAMPLES, ids=[f"{t.id}/{e}" for t, e in EXAMPLES])
def test_the_checklist_names_what_the_process_needs(template, example):
    result = build(load_spec(template.folder / example), CATALOG)
    view = view_of(result)
    listed = {(r.kind, r.name) for r in result.prerequisites.required}
    names = {name for _, name in listed}
    for action in all_actions(view):
        for package in action.packages:
            if package.feed:
                assert ("feed", package.feed) in listed, package.feed
        if action.container and action.container.feed:
            assert ("feed", action.container.feed) in listed
        for dependency in action.git_dependencies:
            if dependency.git_credential_id:
                assert ("git credential", dependency.git_credential_id) in listed
    for step in (s for p in view.processes for s in p.steps):
        for tag in step.target_roles:
            assert ("deployment target tag", tag) in listed
    defined = {v.name for v in view.variables}
    for action in all_actions(view):  # secrets the steps use (a description's example is not one)
        for prop in action.properties.values():
            for name in SECRET_REFERENCE.findall(prop.value if isinstance(prop.value, str) else ""):
                if name not in defined:
                    assert ("sensitive variable", name) in listed, name
    if template.id == "aws-lambda":
        assert any(r.kind == "S3 bucket" for r in result.prerequisites.required)
    if template.id == "azure-resource-group":
        assert any(r.kind == "package contents" for r in result.prerequisites.required)
    assert result.spec.project.group in names
