"""PROC: steps of the deployment process and of runbooks."""

from __future__ import annotations

import re
from typing import Iterator

from ..context import EXPRESSION, SECURITY, Context, action_texts, is_scan, is_target_action, runs_on_worker
from octoscaffold.spec.naming import SLUG_RE, slugify

from ..model import Hit, rule

PACKAGE_LABEL = re.compile(r"^[A-Za-z0-9.,_#-]+$")
PACKAGE_REFERENCE = re.compile(r"Octopus\.Action\.Package\[([^\]]*)\]")
STEP_REFERENCE = re.compile(r"Octopus\.(?:Action|Step)\[([^\]]+)\]")
# Steps that call a cloud or cluster CLI and so need that CLI on the worker.
TOOL_ACTION_TYPES = ("Octopus.AwsRunScript", "Octopus.AzurePowerShell", "Octopus.GoogleCloudScripting", "Octopus.KubernetesRunScript", "Octopus.KubernetesDeployRawYaml", "Octopus.Terraform")
K8S_STATUS_TYPES = {"Octopus.KubernetesDeployRawYaml", "Octopus.KubernetesDeployContainers", "Octopus.HelmChartUpgrade", "Octopus.Kubernetes.Kustomize", "kustomize"}
# Steps that change nothing and may come before the approval (they show the approver what will change).
READ_ONLY_TYPES = {"Octopus.TerraformPlan", "Octopus.TerraformPlanDestroy", "Octopus.AzureResourceGroup.Validate"}
READ_ONLY_NAMES = re.compile(r"^(check|verify|validate|plan|preview|generate|report|calculate|review|create (a )?(delta|report|change)|what.?if|diff|notify|send|scan|build|lint|test)\b", re.IGNORECASE)
ENVIRONMENT_LITERAL = re.compile(
    r"Octopus\.Environment\.Name\}?[\"']?\s*(?:-eq|-ne|==|!=|=)\s*\\?[\"']([^\"'\\]+)\\?[\"']", re.IGNORECASE
)


APPROVAL_NAME = re.compile(r"approv|sign.?off|authori[sz]", re.IGNORECASE)


def _is_approval(action) -> bool:
    return action.action_type == "Octopus.Manual" and APPROVAL_NAME.search(action.name) is not None


@rule("PROC001", "info", "cloud script step without an execution container")
def tool_container(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for action in process.actions:
            kind = action.action_type or ""
            if kind.startswith(TOOL_ACTION_TYPES) and runs_on_worker(action) and not (action.container and action.container.image):
                yield Hit(action.position, f"step {action.name!r} ({kind}) runs on a worker without an execution container; use a worker-tools image so the CLI versions are known", action)


@rule("PROC002", "warning", "worker step without a worker pool")
def worker_pool(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for action in process.actions:
            if runs_on_worker(action) and not action.worker_pool and not action.worker_pool_variable:
                yield Hit(action.position, f"step {action.name!r} runs on a worker but names no worker pool, so it falls back to the default pool", action)


@rule("PROC003", "error", "target step without target tags")
def target_tags(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            if step.target_roles:
                continue
            for action in step.actions:
                if is_target_action(action):
                    yield Hit(step.position, f"step {step.name!r} deploys to targets ({action.action_type}) but sets no Octopus.Action.TargetRoles", step)
                    break


def _tags(ctx: Context) -> Iterator[tuple[object, object, str]]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            prop = step.properties.get("Octopus.Action.TargetRoles")
            for tag in step.target_roles:
                if "#{" not in tag:
                    yield step, prop, tag


@rule("PROC004", "warning", "generic target tag")
def generic_tag(ctx: Context) -> Iterator[Hit]:
    for step, prop, tag in _tags(ctx):
        if tag.lower() in ctx.options.generic_tags:
            yield Hit(prop.position, f"target tag {tag!r} is generic; name the project and role (e.g. 'my-app-web') so only its targets are picked", step)


@rule("PROC012", "info", "target tag not kebab-case")
def tag_format(ctx: Context) -> Iterator[Hit]:
    for step, prop, tag in _tags(ctx):
        if not SLUG_RE.match(tag) and tag.lower() not in ctx.options.generic_tags:
            yield Hit(prop.position, f"target tag {tag!r} is not kebab-case (e.g. {slugify(tag)!r})", step)


@rule("PROC005", "error", "bad or dangling package reference")
def package_references(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for action in process.actions:
            names = {package.name for package in action.packages}
            for package in action.packages:
                if package.name and not PACKAGE_LABEL.match(package.name):
                    yield Hit(package.position, f"package reference name {package.name!r} may only hold letters, digits and . , _ # -", action)
            for element, text in action_texts(action):
                if "Octopus.Action.Package[" not in text:
                    continue
                for expression in EXPRESSION.findall(text):
                    for name in PACKAGE_REFERENCE.findall(expression):
                        if name not in names and "#{" not in name:
                            yield Hit(element.position, f"#{{Octopus.Action.Package[{name}]...}} names no package of step {action.name!r}", action)


@rule("PROC006", "warning", "manual step without instructions")
def manual_instructions(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for action in process.actions:
            if action.action_type != "Octopus.Manual":
                continue
            if not str(action.get_property("Octopus.Action.Manual.Instructions") or "").strip():
                yield Hit(action.position, f"manual step {action.name!r} has no instructions: say what to check before approving", action)
            teams = action.properties.get("Octopus.Action.Manual.ResponsibleTeamIds")
            if teams is not None and not str(teams.value or "").strip():
                yield Hit(teams.position, f"manual step {action.name!r} has an empty responsible-teams list", action)


@rule("PROC007", "info", "process differs by environment")
def environment_specific(ctx: Context) -> Iterator[Hit]:
    process = ctx.process
    if process is None:
        return
    scoped = [
        action
        for action in process.actions
        if action.action_type != "Octopus.Manual"
        and (action.environments or [name for name in action.excluded_environments if name.lower() != SECURITY])
    ]
    if len(scoped) > 2:
        yield Hit(scoped[2].position, f"{len(scoped)} steps run only in some environments; keep one process for every environment and vary variables instead", scoped[2])


@rule("PROC008", "warning", "Kubernetes step status check off")
def k8s_status(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for action in process.actions:
            if action.action_type not in K8S_STATUS_TYPES:
                continue
            prop = action.properties.get("Octopus.Action.Kubernetes.ResourceStatusCheck")
            if prop is not None and str(prop.value).lower() == "false":
                yield Hit(prop.position, f"step {action.name!r} turns off the Kubernetes object status check, so a failed rollout looks successful", action)


def _deploys_packages(ctx: Context) -> bool:
    return any(action.packages or action.get_property("Octopus.Action.Package.PackageId") for action in ctx.process.actions)


@rule("PROC009", "warning", "no vulnerability scan")
def vulnerability_scan(ctx: Context) -> Iterator[Hit]:
    process = ctx.process
    if process is None or not process.steps or not _deploys_packages(ctx):
        return
    if not any(is_scan(action) for action in process.actions):
        yield Hit(process.position, "the process deploys packages but has no vulnerability scan step (e.g. Trivy or Grype on an SBOM)", process)


@rule("PROC010", "warning", "environment name hard-coded in a script")
def hard_coded_environment(ctx: Context) -> Iterator[Hit]:
    for process, _ in ctx.all_processes():
        for step in process.steps:
            for action in step.actions:
                for element, text in action_texts(action):
                    if "Environment.Name" not in text:
                        continue
                    for name in ENVIRONMENT_LITERAL.findall(text):
                        if name.lower() != SECURITY and "#{" not in name:
                            yield Hit(element.position, f"step {action.name!r} compares the environment with {name!r}; use a variable scoped to that environment", action)


@rule("PROC011", "warning", "approval is not the first step")
def approval_first(ctx: Context) -> Iterator[Hit]:
    process = ctx.process
    if process is None:
        return
    for index, step in enumerate(process.steps):
        if any(_is_approval(action) for action in step.actions):
            before = [
                earlier
                for earlier in process.steps[:index]
                if not all(a.action_type in READ_ONLY_TYPES or READ_ONLY_NAMES.match(a.name) or a.is_disabled for a in earlier.actions)
            ]
            if before:
                yield Hit(step.position, f"approval {step.name!r} comes after step {before[0].name!r}; approve before anything changes (only read-only steps such as a plan may come first)", step)
            return


@rule("PROC013", "error", "reference to a step not in this process")
def step_references(ctx: Context) -> Iterator[Hit]:
    """`#{Octopus.Action[Name]...}` and `#{Octopus.Step[Name]...}` resolve only to a step or an
    action of the same process: another name is an empty value at deployment time."""
    for process, _ in ctx.all_processes():
        names = {step.name for step in process.steps} | {action.name for action in process.actions}
        for step in process.steps:
            for action in step.actions:
                for element, text in [*action_texts(action), *((p, p.value) for p in step.properties.values() if isinstance(p.value, str))]:
                    for expression in EXPRESSION.findall(text):
                        for name in STEP_REFERENCE.findall(expression):
                            if name not in names and not name.startswith("#{"):
                                yield Hit(element.position, f"#{{Octopus.Action[{name}]...}} names no step of this process", action)
