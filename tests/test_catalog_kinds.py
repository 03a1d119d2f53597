"""Every catalog kind, rendered from each of its example specs and from adversarial specs.

Adding a kind to templates/ocl/ adds it here: snapshot, determinism, best-practice shape, safety.
"""

import re

import pytest

from octoscaffold.catalog import load_catalog
from octoscaffold.ocl import canonical
from octoscaffold.ocl.view import view_from_texts
from octoscaffold.scaffold import build
from octoscaffold.spec import load_spec, spec_from_data
from octoscaffold.spec.naming import slugify

CATALOG = load_catalog()
EXAMPLES = [
    pytest.param(template, example, id=f"{template.id}/{example}")
    for template in CATALOG.templates.values()
    for example in template.manifest.examples
]
KINDS = [pytest.param(t, id=t.id) for t in CATALOG.templates.values()]
# Steps that change nothing and may come before the approval (a plan is reviewed, then approved).
READ_ONLY_ACTIONS = {"Octopus.TerraformPlan", "Octopus.TerraformPlanDestroy"}
READ_ONLY_STEPS = {"Report Terraform Plan"}  # a script that attaches the plan as an artifact
TARGET_ACTIONS = {
    "Octopus.TentaclePackage", "Octopus.IIS", "Octopus.WindowsService", "Octopus.TomcatDeploy",
    "Octopus.JavaArchive", "Octopus.KubernetesDeployRawYaml", "Octopus.KubernetesDeployContainers",
    "Octopus.HelmChartUpgrade", "Octopus.Kubernetes.Kustomize", "Octopus.KubernetesRunScript",
    "Octopus.TransferPackage", "Octopus.AzureAppService",
}


def example_spec(template, example):
    return load_spec(template.folder / example)


def view_of(result):
    return view_from_texts(result.rendered.ocl_files())


def test_every_kind_has_examples_keywords_and_a_description():
    for template in CATALOG.templates.values():
        manifest = template.manifest
        assert manifest.examples, template.id
        assert manifest.keywords and manifest.description and manifest.title, template.id
        for example in manifest.examples:
            assert example_spec(template, example).template == template.id


@pytest.mark.parametrize(("template", "example"), EXAMPLES)
def test_example_snapshot(template, example, snapshot_ocl):
    result = build(example_spec(template, example), CATALOG)
    assert result.files == snapshot_ocl


@pytest.mark.parametrize(("template", "example"), EXAMPLES)
def test_example_is_canonical_and_deterministic(template, example):
    spec = example_spec(template, example)
    first, second = build(spec, CATALOG), build(spec, CATALOG)
    assert first.files == second.files
    for path, text in first.rendered.ocl_files().items():
        assert canonical(text, path=path) == text, path


@pytest.mark.parametrize(("template", "example"), EXAMPLES)
def test_example_follows_the_best_practices(template, example):
    result = build(example_spec(template, example), CATALOG)
    spec, view = result.spec, view_of(result)
    steps = list(view.deployment_process.steps) if view.deployment_process else []
    actions = [a for step in steps for a in step.actions]
    security = slugify(spec.security_scan.environment) if spec.security_scan.enabled else None

    manual = [i for i, a in enumerate(actions) if a.action_type == "Octopus.Manual"]
    if spec.approval.enabled and actions:
        approval = actions[manual[0]]
        assert all(a.action_type in READ_ONLY_ACTIONS or a.name in READ_ONLY_STEPS for a in actions[: manual[0]]), "approval must come first"
        assert set(approval.environments) == {slugify(e) for e in spec.approval.environments}
        assert approval.get_property("Octopus.Action.Manual.Instructions")

    scans = [a for a in actions if "Scan for Vulnerabilities" in a.name]
    if security and actions:
        assert len(scans) == 1, "one vulnerability scan step"
        assert not scans[0].environments and not scans[0].excluded_environments, "the scan runs everywhere"
        for action in actions:
            if action is scans[0] or action.action_type == "Octopus.Manual":
                continue
            runs_in_security = (security in action.environments) or (
                not action.environments and security not in action.excluded_environments
            )
            assert not runs_in_security, f"{action.name} must skip {security}"
    else:
        assert not scans

    for step in steps:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", step.slug), step.slug
        assert not re.search(r"[()\[\]]", step.name), step.name
        for tag in step.target_roles:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag), tag
            assert tag.startswith(spec.slug), f"target tag {tag} should name the project"
        for action in step.actions:
            assert action.notes, f"{step.name} needs notes"
            if action.action_type in TARGET_ACTIONS:
                assert step.target_roles, f"{step.name} runs on targets and needs target tags"
            elif action.get_property("Octopus.Action.RunOnServer", "").lower() == "true":
                assert action.worker_pool_variable == "Project.WorkerPool" or action.worker_pool, step.name
    for variable in view.variables:
        assert re.fullmatch(r"Project(\.[A-Z][A-Za-z0-9]*)+", variable.name) or ":" in variable.name, variable.name
    assert view.deployment_settings.versioning_strategy is not None
    assert view.schema_version.version == spec.settings.schema_version
    for runbook in view.runbooks:
        assert runbook.environments and security not in runbook.environments
    names = {r.name for r in result.prerequisites.required}
    assert spec.project.group in names and spec.lifecycle.name in names


@pytest.mark.parametrize("template", KINDS)
def test_switching_every_default_off(template):
    spec = spec_from_data({
        "project": {"name": "Plain"}, "template": template.id,
        "approval": {"enabled": False}, "security_scan": {"enabled": False}, "runbooks": [],
    })
    result = build(spec, CATALOG)
    view = view_of(result)
    assert not view.runbooks
    actions = [a for p in view.processes for a in p.actions]
    assert not any("security" in a.excluded_environments for a in actions)
    assert not any("Scan for Vulnerabilities" in a.name for a in actions)


ADVERSARIAL = [
    'Quote "Of" The Day',
    "Back\\slash\\",
    "line one\nline two\nEOT\n  EOT",
    "#{Octopus.Environment.Name} ${HOME} %{x}",
    "Café Münster Ünïcode ✓ 漢字",
    "N" * 500,
]


@pytest.mark.parametrize("template", KINDS)
@pytest.mark.parametrize("value", ADVERSARIAL, ids=["quotes", "backslash", "eot", "templates", "unicode", "long"])
def test_adversarial_values_stay_values(template, value):
    """Every string parameter and free-text field set to a hostile value still renders valid OCL
    with the same steps as the defaults, and the values read back unchanged."""
    parameters = {
        name: value for name, p in template.manifest.parameters.items() if p.type in ("string", "slug") and not p.choices
    }
    spec = spec_from_data({
        "project": {"name": value[:200], "description": value}, "template": template.id,
        "approval": {"instructions": value},
        "runbooks": [{"name": "Ops", "description": value}],
        "variables": [{"name": "Project.Adversarial.Value", "value": value}],
    })
    plain = build(spec_from_data({"project": {"name": "Plain"}, "template": template.id,
                                  "runbooks": [{"name": "Ops"}]}), CATALOG)
    try:
        result = build(spec.model_copy(update={"parameters": parameters}), CATALOG)
    except Exception as error:  # a parameter may be validated (e.g. must be a slug): that is fine
        from octoscaffold.errors import SpecError

        assert isinstance(error, SpecError), error
        result = build(spec, CATALOG)
    view, plain_view = view_of(result), view_of(plain)
    slugs = lambda v: [s.slug for s in v.deployment_process.steps] if v.deployment_process else []
    assert slugs(view) == slugs(plain_view)
    assert view.variable("Project.Adversarial.Value").values[0].value == value
    assert view.runbook("ops").description == value
    if spec.approval.enabled and view.deployment_process:
        manual = [a for a in view.deployment_process.actions if a.action_type == "Octopus.Manual"]
        # A kind may add where to find what is approved (Terraform: the plan artifact).
        assert manual[0].get_property("Octopus.Action.Manual.Instructions").startswith(value)


# Renders every example of the catalog and prints one SHA-256 over all the files, in order.
_RENDER_ALL = """
import hashlib
from octoscaffold.catalog import load_catalog
from octoscaffold.scaffold import build
from octoscaffold.spec import load_spec
catalog = load_catalog()
digest = hashlib.sha256()
for template in sorted(catalog.templates.values(), key=lambda t: t.id):
    for example in template.manifest.examples:
        for path, text in build(load_spec(template.folder / example), catalog).files.items():
            digest.update(path.encode() + b"\\0" + text.encode() + b"\\0")
print(digest.hexdigest())
"""


def test_every_example_gives_the_same_bytes_in_every_process():
    """Determinism across processes: different hash seeds (set and dict order of strings) and a
    cold template cache must not change one byte of any kind's output."""
    import os
    import subprocess
    import sys
    import tempfile

    digests = set()
    for seed in ("0", "1", "4242"):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "PYTHONHASHSEED": seed, "OCTOSCAFFOLD_CACHE_DIR": cache}
            done = subprocess.run([sys.executable, "-c", _RENDER_ALL], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        digests.add(done.stdout.strip())
    assert len(digests) == 1, digests
