"""Practices a team asks for, each a switch recorded in `spec.practices`: the SBOM source, a
failure notification, rolling deployments, a Kubernetes smoke test and pod security context, a
donor-package release version, retention and channels; and kinds that never silently change the
platform the prompt names."""

from __future__ import annotations

import pytest

from octoscaffold.catalog import load_catalog
from octoscaffold.errors import PromptError, SpecError
from octoscaffold.ocl.view import view_from_texts
from octoscaffold.policy import resolve
from octoscaffold.scaffold import build, plan_with
from octoscaffold.spec import spec_from_data
from octoscaffold.spec.io import dump_spec

CATALOG = load_catalog()


def spec(template="aws-lambda", **fields):
    return spec_from_data({"project": {"name": "Web"}, "template": template, **fields})


def practices(resolved):
    return {p.id: p for p in resolved.practices}


def process_of(result):
    return view_from_texts(result.rendered.ocl_files()).deployment_process


def step(result, slug):
    return next(s for s in process_of(result).steps if s.slug == slug)


# -- the SBOM source ----------------------------------------------------------------------------


def test_the_sbom_package_is_the_default_and_shown_as_a_practice():
    result = build(spec(), CATALOG)
    sbom = practices(result.spec)["sbom"]
    assert sbom.applied and sbom.switch == "security_scan.sbom" and "web-sbom" in sbom.detail
    scan = step(result, "scan-for-vulnerabilities").actions[0]
    assert [p.name for p in scan.packages] == ["sbom"]
    assert "sbom:" not in dump_spec(result.spec)  # the default is not written into stored specs


def test_sbom_image_scans_the_deployed_container_image():
    result = build(spec("kubernetes", security_scan={"sbom": "image"}), CATALOG)
    scan = step(result, "scan-for-vulnerabilities").actions[0]
    (image,) = scan.packages
    assert (image.name, image.acquisition_location, image.feed, image.package_id) == ("image", "NotAcquired", "docker-hub", "web")
    body = scan.get_property("Octopus.Action.Script.ScriptBody")
    assert "#{Octopus.Action.Package[image].Image}" in body and " image --quiet" in body
    assert not [f for f in result.findings if f.severity == "error"]


def test_sbom_image_is_refused_for_a_kind_without_a_container_image():
    with pytest.raises(SpecError, match="security_scan.sbom: template 'iis' deploys no container image"):
        build(spec("iis", security_scan={"sbom": "image"}), CATALOG)


def test_sbom_none_has_no_scan_a_warning_and_the_practice_off():
    result = build(spec(security_scan={"sbom": "none"}), CATALOG)
    recorded = practices(result.spec)
    assert not recorded["sbom"].applied and not recorded["security-scan"].applied
    assert "Security" not in result.spec.lifecycle.environments and result.spec.lifecycle.name == "Application"
    assert any(w.startswith("security_scan.sbom is none") for w in result.spec.warnings)
    assert not any(s.name == "Scan for Vulnerabilities" for s in process_of(result).steps)
    assert not any(f.rule in ("PROC009", "ENV002") for f in result.findings)
    assert resolve(result.spec, CATALOG.get("aws-lambda")) == result.spec  # idempotent, one warning


def test_the_scanner_image_replaces_the_pinned_one_and_must_be_an_image_reference():
    result = build(spec(security_scan={"scanner_image": "registry.example.com/trivy:0.69.3"}), CATALOG)
    body = step(result, "scan-for-vulnerabilities").actions[0].get_property("Octopus.Action.Script.ScriptBody")
    assert "registry.example.com/trivy:0.69.3" in body and "ghcr.io/aquasecurity/trivy" not in body
    with pytest.raises(Exception, match="not a container image reference"):
        spec(security_scan={"scanner_image": "trivy; rm -rf /"})


# -- failure notification -----------------------------------------------------------------------


def test_email_notification_runs_on_failure_after_every_other_step():
    result = build(spec(notification={"channel": "email", "to": ["ops@example.com"], "teams": ["release-managers"]}), CATALOG)
    last = process_of(result).steps[-1]
    assert (last.slug, last.condition) == ("notify-on-failure", "Failure")
    action = last.actions[0]
    assert action.action_type == "Octopus.Email"
    assert action.get_property("Octopus.Action.Email.To") == "ops@example.com"
    assert action.get_property("Octopus.Action.Email.ToTeamIds") == "release-managers"
    assert practices(result.spec)["failure-notification"].applied
    required = [str(r) for r in result.prerequisites.required]
    assert 'team "release-managers" (emailed when a deployment fails)' in required


def test_email_notification_needs_someone_to_write_to():
    with pytest.raises(SpecError, match="notification.to"):
        build(spec(notification={"channel": "email"}), CATALOG)


@pytest.mark.parametrize("channel", ["slack", "teams"])
def test_slack_and_teams_post_to_a_webhook_kept_in_octopus(channel):
    result = build(spec(notification={"channel": channel}), CATALOG)
    action = step(result, "notify-on-failure").actions[0]
    assert action.action_type == "Octopus.Script"
    assert "#{Project.Notification.WebhookUrl}" in action.get_property("Octopus.Action.Script.ScriptBody")
    webhook = [v for v in result.spec.variables if v.name == "Project.Notification.WebhookUrl"]
    assert len(webhook) == 1 and webhook[0].type == "Sensitive" and not webhook[0].value
    assert any(r.name == "Project.Notification.WebhookUrl" for r in result.prerequisites.required)
    assert not [f for f in result.findings if f.severity == "error"]
    assert resolve(result.spec, CATALOG.get("aws-lambda")) == result.spec


def test_a_notification_is_added_even_without_the_security_scan():
    result = build(spec(security_scan={"enabled": False}, notification={"channel": "teams"}), CATALOG)
    assert process_of(result).steps[-1].slug == "notify-on-failure"


# -- rolling deployments, smoke tests, pod security ----------------------------------------------


@pytest.mark.parametrize(("template", "deploy"), [
    ("iis", "deploy-website-to-iis"), ("windows-service", "deploy-windows-service"), ("java-tomcat", "deploy-war-to-tomcat"),
])
def test_rolling_deployments_set_the_window_size(template, deploy):
    off = build(spec(template), CATALOG)
    assert "Octopus.Action.MaxParallelism" not in step(off, deploy).properties
    assert not practices(off.spec)["rolling-deployment"].applied
    on = build(spec(template, parameters={"window_size": 2}), CATALOG)
    assert step(on, deploy).get_property("Octopus.Action.MaxParallelism") == "2"
    recorded = practices(on.spec)["rolling-deployment"]
    assert recorded.applied and recorded.switch == "parameters.window_size"


def test_a_prompt_asks_for_a_rolling_window():
    resolved, _ = plan_with('IIS website called "Shop", rolling deployment 2 servers at a time', CATALOG, parser="rules")
    assert resolved.parameters["window_size"] == 2


def test_kubernetes_smoke_test_and_pod_security_context():
    result = build(spec("kubernetes", parameters={"smoke_test": True, "pod_security_context": True}), CATALOG)
    steps = [s.slug for s in process_of(result).steps]
    assert steps.index("run-smoke-test") == steps.index("deploy-kubernetes-resources") + 1
    smoke = step(result, "run-smoke-test")
    assert smoke.actions[0].action_type == "Octopus.KubernetesRunScript" and smoke.target_roles
    yaml_text = step(result, "deploy-kubernetes-resources").actions[0].get_property(
        "Octopus.Action.KubernetesContainers.CustomResourceYaml")
    from ruamel.yaml import YAML

    deployment = next(d for d in YAML(typ="safe").load_all(yaml_text) if d["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"] == {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    assert pod["containers"][0]["securityContext"] == {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    assert pod["containers"][0]["image"] == "#{Octopus.Action.Package[app].Image}"
    recorded = practices(result.spec)
    assert recorded["smoke-test"].applied and recorded["pod-security-context"].applied
    assert not [f for f in result.findings if f.severity == "error"]


def test_helm_smoke_test_runs_the_charts_tests():
    result = build(spec("helm", parameters={"smoke_test": True}), CATALOG)
    body = step(result, "run-smoke-test").actions[0].get_property("Octopus.Action.Script.ScriptBody")
    assert 'helm test "$RELEASE"' in body


def test_kubernetes_defaults_leave_the_output_alone():
    result = build(spec("kubernetes"), CATALOG)
    assert "run-smoke-test" not in [s.slug for s in process_of(result).steps]
    assert "securityContext" not in result.files[".octopus/web/deployment_process.ocl"]
    recorded = practices(result.spec)
    assert not recorded["smoke-test"].applied and not recorded["pod-security-context"].applied


# -- release versions, retention, channels ------------------------------------------------------


def test_release_versions_from_a_donor_package():
    result = build(spec("iis", versioning={"donor_package": {"step": "deploy-website-to-iis"}}), CATALOG)
    settings = view_from_texts(result.rendered.ocl_files()).deployment_settings
    assert "donor_package" in result.files[".octopus/web/deployment_settings.ocl"]
    assert settings.versioning_strategy is not None
    assert result.spec.versioning.template is None
    assert practices(result.spec)["versioning"].switch == "versioning.donor_package"


def test_a_donor_package_must_name_a_step_and_package_of_the_process():
    with pytest.raises(SpecError, match="versioning.donor_package.step: the process has no step 'deploy'"):
        build(spec("iis", versioning={"donor_package": {"step": "deploy"}}), CATALOG)
    with pytest.raises(SpecError, match="has no package 'web'"):
        build(spec("iis", versioning={"donor_package": {"step": "deploy-website-to-iis", "package": "web"}}), CATALOG)
    with pytest.raises(Exception, match="not both"):
        spec(versioning={"template": "1.0.i", "donor_package": {"step": "x"}})


def test_retention_and_channels_are_prerequisites_and_practices():
    result = build(spec(lifecycle={"retention": {"releases": 3, "production_days": 90}},
                        channels=[{"name": "Hotfix", "lifecycle": "Hotfix"}]), CATALOG)
    required = [str(r) for r in result.prerequisites.required]
    assert any("retention: keep 3 releases in each non-production phase and 90 days in production" in r for r in required)
    assert 'channel "Hotfix" (of this project, with the lifecycle Hotfix)' in required
    assert 'lifecycle "Hotfix" (for the channel Hotfix)' in required
    recorded = practices(result.spec)
    assert recorded["retention"].applied and recorded["channels"].applied


# -- kinds keep the platform the prompt names ----------------------------------------------------


@pytest.mark.parametrize("prompt", [
    'IIS site called "Shop" with blue green deployment',
    'canary rollout of "Shop" on Windows servers',
    'blue/green deployment on windows server called "Shop"',
])
def test_a_linux_kind_is_never_chosen_for_windows(prompt):
    with pytest.raises(PromptError) as error:
        plan_with(prompt, CATALOG, parser="rules")
    message = str(error.value)
    assert "deploys to Linux servers only" in message and "iis, windows-service" in message


def test_linux_and_maintenance_windows_are_fine():
    resolved, _ = plan_with('blue/green deployment called "Shop" on linux, maintenance windows on sunday', CATALOG, parser="rules")
    assert resolved.template == "blue-green"
