"""The action types and property keys Octopus's own files use, for `catalog check`.

The sets live in `known.json` beside this module, shipped in the package. They are built from the
real files in `shared/ocl-corpus` (every `action_type`, and every key of a `properties` map of a
step, action or package reference) and from the step reference `shared/reference/ocl-steps.md`
(the action types and property keys it lists, `{A,B}` lists expanded, `Prefix.*` kept as a prefix).
Regenerate after the corpus or the reference changes:

    python -m octoscaffold.lint.known ../shared > octoscaffold/lint/known.json

A key names a package reference in brackets (`Octopus.Action.Package[web].FeedId`); the name is
replaced by `*` in the sets, and in the keys checked against them.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("known.json")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_TOKEN = re.compile(r"`([^`]+)`")
_NAME = re.compile(r"^(Octopus\.[A-Za-z0-9.\[\]*]+(?:\{[A-Za-z0-9.,]+\})?[A-Za-z0-9.*]*|OctopusUseBundledTooling)$")


# Names real Octopus steps use that neither the corpus nor ocl-steps.md shows, each checked by name
# against Octopus's own code or reference: Calamari and Octopus Server constants, the Terraform
# provider (OctopusDeployLabs/terraform-provider-octopusdeploy) and Octopus's action-type reference
# (OctopusDeploy/github-agent-plugin, skills/writing-ocl/references/action-types.md).
SUPPLEMENT_TYPES = {
    "Octopus.ArgoCDUpdateImageTags": "action-type reference (ArgoCD)",
    "Octopus.AwsApplyCloudFormationChangeSet": "action-type reference (AWS)",
    "Octopus.AwsDeleteCloudFormation": "action-type reference (AWS)",
    "Octopus.Kubernetes.Kustomize": "action-type reference (Kubernetes)",
    "Octopus.TerraformDestroy": "Calamari Terraform action types",
    "Octopus.TerraformPlan": "Calamari Terraform action types",
    "Octopus.TerraformPlanDestroy": "Calamari Terraform action types",
    "Octopus.TomcatDeploy": "action-type reference (Java)",
}
SUPPLEMENT_KEYS = {
    "Octopus.Action.ArgoCD.CommitMessageDescription": "Octopus Server ArgoCD constants",
    "Octopus.Action.ArgoCD.CommitMessageSummary": "Octopus Server ArgoCD constants",
    "Octopus.Action.ArgoCD.CommitMethod": "action-type reference (ArgoCD)",
    "Octopus.Action.ArgoCD.StepVerification.Method": "action-type reference (ArgoCD)",
    "Octopus.Action.ArgoCD.StepVerification.Timeout": "action-type reference (ArgoCD)",
    "Octopus.Action.ArgoCD.Sync.Mode": "action-type reference (ArgoCD)",
    "Octopus.Action.Aws.CloudFormation.ChangeSet.Arn": "action-type reference (AWS)",
    "Octopus.Action.Aws.CloudFormation.ChangeSet.Defer": "Calamari AWS constants",
    "Octopus.Action.Aws.CloudFormation.ChangeSet.GenerateName": "Calamari AWS constants",
    "Octopus.Action.AzureAccount.Variable": "Calamari Azure constants",
    "Octopus.Action.CustomScripts.PostDeploy.sh": "custom deployment scripts feature (Octopus.Action.CustomScripts.<phase>.<ext>)",
    "Octopus.Action.DeployRelease.DeploymentCondition": "action-type reference (Octopus)",
    "Octopus.Action.DeployRelease.ProjectId": "action-type reference (Octopus)",
    "Octopus.Action.GoogleCloud.Project": "Calamari Google Cloud constants",
    "Octopus.Action.GoogleCloud.Region": "Calamari Google Cloud constants",
    "Octopus.Action.GoogleCloudAccount.Variable": "Calamari Google Cloud constants",
    "Octopus.Action.Helm.AdditionalArgs": "Calamari Helm constants",
    "Octopus.Action.Helm.ReleaseName": "Calamari Helm constants",
    "Octopus.Action.Helm.TemplateValuesSources": "Calamari Helm constants",
    "Octopus.Action.Helm.Timeout": "Calamari Helm constants",
    "Octopus.Action.Kubernetes.Kustomize.OverlayPath": "Calamari Kubernetes constants",
    "Octopus.Action.SubstituteInFiles.TargetFiles": "Calamari substitute-in-files feature",
    "Octopus.Action.Terraform.AdditionalInitParams": "Calamari Terraform constants",
    "Octopus.Action.Terraform.EnvVariables": "Calamari Terraform constants",
    "Octopus.Action.Terraform.TemplateDirectory": "Calamari Terraform constants",
    "Octopus.Action.WindowsService.Description": "Terraform provider (Windows service step)",
    "Tomcat.Deploy.Controller": "action-type reference (Java)",
    "Tomcat.Deploy.Enabled": "action-type reference (Java)",
    "Tomcat.Deploy.Name": "action-type reference (Java)",
    "Tomcat.Deploy.Password": "action-type reference (Java)",
    "Tomcat.Deploy.User": "action-type reference (Java)",
}


def normal_key(key: str) -> str:
    """`Octopus.Action.Package[web].FeedId` → `Octopus.Action.Package[*].FeedId`."""
    return _BRACKETS.sub("[*]", key) if "[" in key else key


@lru_cache(maxsize=1)
def known() -> dict:
    """{"source": ..., "action_types": set, "property_keys": set, "property_prefixes": tuple}."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        "source": data["source"],
        "action_types": frozenset(data["action_types"]),
        "property_keys": frozenset(data["property_keys"]),
        "property_prefixes": tuple(data["property_prefixes"]),
    }


def is_known_key(key: str) -> bool:
    data = known()
    key = normal_key(key)
    return key in data["property_keys"] or key.startswith(data["property_prefixes"])


def _expand(token: str) -> list[str]:
    match = re.search(r"\{([^}]*)\}", token)
    if match is None:
        return [token]
    return [found for part in match.group(1).split(",") for found in _expand(token[: match.start()] + part + token[match.end() :])]


def build(shared: Path) -> dict:
    """The sets, from `shared/ocl-corpus/*.ocl` and `shared/reference/ocl-steps.md`."""
    from octoscaffold.ocl import Block, Dictionary, parse

    types: set[str] = set()
    keys: set[str] = set()
    prefixes: set[str] = set()
    files = sorted((shared / "ocl-corpus").glob("*.ocl"))
    for path in files:
        stack = list(parse(path.read_bytes(), str(path)).body)
        while stack:
            item = stack.pop()
            if not isinstance(item, Block):
                continue
            stack.extend(item.body)
            if item.name not in ("action", "step", "packages"):
                continue
            kind = item.get("action_type")
            if item.name == "action" and kind is not None:
                types.add(kind.value)
            properties = item.get("properties")
            if isinstance(properties, Dictionary) and (item.name != "action" or kind is not None):
                keys.update(normal_key(entry.key) for entry in properties.entries)
    reference = (shared / "reference" / "ocl-steps.md").read_text(encoding="utf-8")
    for line in reference.splitlines():
        cells = line.split("|")
        if len(cells) > 3 and cells[1].strip().startswith("`Octopus."):
            types.add(_TOKEN.search(cells[1]).group(1))
        for token in _TOKEN.findall(line):
            for name in _expand(token.strip()):
                if not _NAME.match(name) or name in types or name.startswith("Octopus.Features"):
                    continue
                if name.endswith(".*"):
                    prefixes.add(name[:-1])
                elif name.count(".") >= 2 or name == "OctopusUseBundledTooling":
                    keys.add(normal_key(name))
    keys -= types
    types |= set(SUPPLEMENT_TYPES)
    keys |= set(SUPPLEMENT_KEYS)
    return {
        "source": (
            f"built by octoscaffold.lint.known from {len(files)} real files in shared/ocl-corpus (action_type values; keys of"
            " the properties of steps, actions with an action_type, and package references) and shared/reference/ocl-steps.md;"
            " plus SUPPLEMENT_TYPES and SUPPLEMENT_KEYS of octoscaffold/lint/known.py, each checked against Octopus's code"
        ),
        "action_types": sorted(types),
        "property_keys": sorted(keys),
        "property_prefixes": sorted(prefixes),
    }


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")), indent=1))
