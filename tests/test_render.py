"""Rendering: the catalog's output is canonical OCL with the best practices in it, and safe."""

import re
import shutil

import pytest

from octoscaffold.catalog import builtin_root, load_catalog
from octoscaffold.errors import TemplateError
from octoscaffold.ocl import canonical, parse
from octoscaffold.ocl.view import view_from_texts
from octoscaffold.scaffold import build, plan
from octoscaffold.spec import spec_from_data
from conftest import SEED_PROMPT

BASE = ".octopus/octopub-sam"


@pytest.fixture(scope="module")
def seed():
    return build(plan(SEED_PROMPT))


@pytest.fixture(scope="module")
def view(seed):
    return view_from_texts(seed.rendered.ocl_files())


def test_seed_writes_the_config_as_code_layout(seed):
    assert list(seed.files) == [
        f"{BASE}/deployment_process.ocl",
        f"{BASE}/deployment_settings.ocl",
        f"{BASE}/runbooks/delete-lambda-stack.ocl",
        f"{BASE}/schema_version.ocl",
        f"{BASE}/variables.ocl",
        ".octoscaffold/octopub-sam.yaml",
    ]


def test_every_file_is_canonical_ocl(seed):
    for path, text in seed.rendered.ocl_files().items():
        assert canonical(text, path=path) == text, path
        assert not text.endswith("\n")


def test_approval_is_first_and_scoped_to_production(view):
    first = view.deployment_process.steps[0]
    (action,) = first.actions
    assert action.action_type == "Octopus.Manual"
    assert action.environments == ("production",)
    assert action.get_property("Octopus.Action.Manual.Instructions")


def test_lambda_steps_exclude_security_and_scan_runs_everywhere(view):
    actions = [a for step in view.deployment_process.steps for a in step.actions]
    types = [a.action_type for a in actions]
    assert types == [
        "Octopus.Manual",
        "Octopus.AwsRunScript",
        "Octopus.AwsUploadS3",
        "Octopus.AwsRunCloudFormation",
        "Octopus.Script",
    ]
    for action in actions[1:4]:
        assert action.excluded_environments == ("security",)
        assert action.worker_pool_variable == "Project.WorkerPool"
        assert action.get_property("Octopus.Action.AwsAccount.Variable") == "Project.AWS.Account"
        assert action.container.image == "octopusdeploy/worker-tools:6.6.4-ubuntu.24.04"
    scan = actions[-1]
    assert view.deployment_process.steps[-1].slug == "scan-for-vulnerabilities"
    assert not scan.environments and not scan.excluded_environments
    assert "trivy" in scan.get_property("Octopus.Action.Script.ScriptBody")
    assert scan.packages[0].package_id == "octopub-sam-sbom"


def test_security_environment_comes_after_production(seed):
    assert seed.spec.lifecycle.environments[-2:] == ["Production", "Security"]


def test_variables_follow_project_component_name(view):
    names = [v.name for v in view.variables]
    assert "Project.AWS.Account" in names and "Project.WorkerPool" in names
    assert all(re.fullmatch(r"Project(\.[A-Z][A-Za-z0-9]*)+", n) for n in names), names
    account = view.variable("Project.AWS.Account")
    assert account.type == "AmazonWebServicesAccount"
    assert {v.value: v.scope.environment for v in account.values} == {
        "aws-nonproduction": ("development", "test"),
        "aws-production": ("production",),
    }
    assert view.variable("Project.WorkerPool").type == "WorkerPool"


def test_settings_have_versioning_and_schema(view):
    assert view.deployment_settings.versioning_strategy.template.startswith("#{Octopus.Date.Year}")
    assert view.schema_version.version == 14
    (runbook,) = view.runbooks
    assert runbook.environments == ("development", "test")
    assert runbook.process.steps[0].actions[0].action_type == "Octopus.AwsDeleteCloudFormation"


def test_rendering_is_deterministic():
    spec = plan(SEED_PROMPT)
    assert build(spec).files == build(spec).files


def test_aws_lambda_snapshot(seed, snapshot_ocl):
    assert seed.files == snapshot_ocl


def test_switched_off_defaults_leave_no_trace():
    spec = spec_from_data({
        "project": {"name": "Bare"}, "template": "aws-lambda",
        "approval": {"enabled": False}, "security_scan": {"enabled": False}, "runbooks": [],
    })
    files = build(spec).files
    process = files[".octopus/bare/deployment_process.ocl"]
    assert "Octopus.Manual" not in process and "scan-for-vulnerabilities" not in process
    assert "excluded_environments" not in process
    assert not any("/runbooks/" in p for p in files)


def test_spec_values_cannot_inject_ocl():
    evil = 'Evil"\n}\nstep "pwned" {'
    spec = spec_from_data({
        "project": {"name": "Evil", "description": evil}, "template": "aws-lambda",
        "approval": {"instructions": evil},
        "variables": [{"name": "Project.Injected.Value", "value": evil}],
        "runbooks": [{"name": "Ops", "description": evil}],
    })
    files = build(spec).files
    process = parse(files[".octopus/evil/deployment_process.ocl"])
    assert [b.labels[0] for b in process.body] == [
        "approve-production-deployment", "check-aws-access", "upload-lambda-package",
        "deploy-lambda-sam-template", "scan-for-vulnerabilities",
    ]
    view = view_from_texts({p.split("evil/", 1)[1]: t for p, t in files.items() if p.startswith(".octopus/")})
    assert view.deployment_process.steps[0].actions[0].get_property("Octopus.Action.Manual.Instructions") == evil
    assert view.variable("Project.Injected.Value").values[0].value == evil
    assert view.runbooks[0].description == evil


def _catalog(tmp_path, files):
    root = tmp_path / "catalog"
    shutil.copytree(builtin_root() / "_shared", root / "_shared")
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return load_catalog(root)


MANIFEST = "id: evil\ntitle: Evil\nversion: 0.1.0\ndescription: test\nkeywords: [evil]\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
        ("{{ project.__class__.__init__.__globals__ }}", "unsafe"),
        ("{% include '../../../../etc/passwd' %}", "not found"),
        ("{{ raw('/etc/passwd') }}", "not found"),
        ("{{ undefined_thing }}", "undefined"),
        ('step "x" {\n  action {\n    properties = {\n      A = "1"\n      A = "2"\n    }\n  }\n}', "invalid ocl"),
        ('step "x" {\n  action {\n    properties = {\n      A = "#{Project.Nope}"\n    }\n  }\n}', "#{project.nope} is not defined in variables.ocl"),
    ],
)
def test_bad_templates_are_stopped_with_a_clear_error(tmp_path, body, message):
    catalog = _catalog(tmp_path, {"evil/template.yaml": MANIFEST, "evil/deployment_process.ocl.j2": body,
                                  "evil/variables.ocl.j2": ""})
    spec = spec_from_data({"project": {"name": "X"}, "template": "evil"})
    with pytest.raises(TemplateError) as error:
        build(spec, catalog)
    assert message in str(error.value).lower()
    assert "evil" in str(error.value)


def test_manifest_errors_name_file_and_field(tmp_path):
    with pytest.raises(TemplateError, match=r"broken/template.yaml: .*keywords: is required"):
        _catalog(tmp_path, {"broken/template.yaml": "id: broken\ntitle: B\nversion: 1\ndescription: d\n"})


def test_sensitive_variables_of_a_kind_count_as_defined_and_are_prerequisites(tmp_path):
    manifest = MANIFEST + "sensitive_variables:\n  - name: Project.Db.Password\n    description: the database password\n"
    body = ('step "migrate" {\n  action {\n    action_type = "Octopus.Script"\n    notes = "n"\n'
            '    properties = {\n      Octopus.Action.Script.ScriptBody = "migrate -p #{Project.Db.Password}"\n'
            '    }\n  }\n}')
    catalog = _catalog(tmp_path, {"evil/template.yaml": manifest, "evil/deployment_process.ocl.j2": body,
                                  "evil/variables.ocl.j2": ""})
    result = build(spec_from_data({"project": {"name": "X"}, "template": "evil"}), catalog)
    needed = [str(r) for r in result.prerequisites.required]
    assert 'sensitive variable "Project.Db.Password" (the database password; set its value in the project)' in needed


def test_spec_variables_with_one_name_become_one_variable_with_scoped_values():
    spec = spec_from_data({
        "project": {"name": "Shop"}, "template": "aws-lambda",
        "variables": [
            {"name": "Project.Web.Url", "value": "https://test.example", "environments": ["Development", "Test"]},
            {"name": "Project.Web.Url", "value": "https://example", "environments": ["Production"]},
        ],
    })
    view = view_from_texts(build(spec).rendered.ocl_files())
    (variable,) = [v for v in view.variables if v.name == "Project.Web.Url"]
    assert [(v.value, v.scope.environment) for v in variable.values] == [
        ("https://test.example", ("development", "test")),
        ("https://example", ("production",)),
    ]


def test_output_that_fails_lint_is_refused(tmp_path):
    body = ('step "deploy-site" {\n  name = "Deploy Site"\n  action {\n    action_type = "Octopus.IIS"\n'
            '    notes = "n"\n    packages {\n      package_id = "site"\n    }\n  }\n}')
    catalog = _catalog(tmp_path, {"evil/template.yaml": MANIFEST, "evil/deployment_process.ocl.j2": body,
                                  "evil/variables.ocl.j2": ""})
    with pytest.raises(TemplateError, match=r"broken project: deployment_process.ocl:\d+:\d+: PROC003"):
        build(spec_from_data({"project": {"name": "X"}, "template": "evil"}), catalog)
