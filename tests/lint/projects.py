"""A small project that follows every practice, and helpers to change one thing in it."""

from __future__ import annotations

from pathlib import Path

from octoscaffold.lint import LintConfig, lint_view
from octoscaffold.ocl.view import view_from_texts

APPROVAL = '''step "approve-production-deployment" {
    name = "Approve Production Deployment"

    action {
        action_type = "Octopus.Manual"
        environments = ["production"]
        notes = "Waits for a person to approve the release."
        properties = {
            Octopus.Action.Manual.Instructions = "Approve #{Octopus.Release.Number}?"
        }
    }
}
'''

DEPLOY = '''step "deploy-web-app" {
    name = "Deploy Web App"
    properties = {
        Octopus.Action.TargetRoles = "shop-web"
    }

    action {
        action_type = "Octopus.TentaclePackage"
        excluded_environments = ["security"]
        notes = "Deploys the site."
        properties = {
            Octopus.Action.Package.PackageId = "shop"
            Octopus.Action.Script.ScriptBody = "echo #{Project.Web.Url}"
        }

        packages {
            package_id = "shop"
        }
    }
}
'''

WORKER = '''step "run-migrations" {
    name = "Run Migrations"

    action {
        action_type = "Octopus.AwsRunScript"
        excluded_environments = ["security"]
        notes = "Migrates the database."
        properties = {
            Octopus.Action.RunOnServer = "true"
            Octopus.Action.Script.ScriptBody = "aws s3 ls"
        }
        worker_pool_variable = "Project.WorkerPool"

        container {
            feed = "ghcr"
            image = "ghcr.io/octopusdeploylabs/aws-workertools"
        }
    }
}
'''

SCAN = '''step "scan-for-vulnerabilities" {
    name = "Scan for Vulnerabilities"

    action {
        action_type = "Octopus.Script"
        notes = "Scans the SBOM."
        properties = {
            Octopus.Action.RunOnServer = "true"
            Octopus.Action.Script.ScriptBody = "trivy sbom #{Octopus.Action.Package[sbom].ExtractedPath}/bom.json"
        }
        worker_pool_variable = "Project.WorkerPool"

        packages "sbom" {
            package_id = "shop-sbom"
        }
    }
}
'''

VARIABLES = '''variable "Project.WorkerPool" {
    type = "WorkerPool"

    value "hosted-ubuntu" {}
}

variable "Project.Web.Url" {
    value "https://dev.example.com" {
        environment = ["development"]
    }

    value "https://example.com" {
        environment = ["production"]
    }
}

variable "Project.AWS.Account" {
    type = "AmazonWebServicesAccount"

    value "aws-dev" {
        environment = ["development"]
    }

    value "aws-prod" {
        environment = ["production"]
    }
}
'''

SETTINGS = '''versioning_strategy {
    template = "#{Octopus.Date.Year}.#{Octopus.Date.Month}.i"
}
'''

RUNBOOK = '''name = "Restart Site"
environment_scope = "Specified"
environments = ["development", "production"]

run_retention_policy {
    type = "Default"
}

process {
    step "restart-site" {
        name = "Restart Site"
        properties = {
            Octopus.Action.TargetRoles = "shop-web"
        }

        action {
            action_type = "Octopus.Script"
            notes = "Restarts the site."
            properties = {
                Octopus.Action.RunOnServer = "false"
                Octopus.Action.Script.ScriptBody = "iisreset"
            }
        }
    }
}
'''


def good_files() -> dict[str, str]:
    return {
        "schema_version.ocl": "version = 9",
        "deployment_process.ocl": "\n".join([APPROVAL, DEPLOY, WORKER, SCAN]),
        "deployment_settings.ocl": SETTINGS,
        "variables.ocl": VARIABLES,
        "runbooks/restart-site.ocl": RUNBOOK,
    }


def changed(**changes: str | tuple[str, str] | None) -> dict[str, str]:
    """The good project with files replaced (text), edited ((old, new) replaced once) or removed (None).

    File names use `__` for `/` and `_ocl` for `.ocl`: changed(variables_ocl=...)."""
    files = good_files()
    for key, change in changes.items():
        name = key.replace("__", "/").replace("_ocl", ".ocl")
        if change is None:
            files.pop(name)
        elif isinstance(change, tuple):
            old, new = change
            assert old in files[name], f"{old!r} is not in {name}"
            files[name] = files[name].replace(old, new, 1)
        else:
            files[name] = change
    return files


def lint(files: dict[str, str], config: LintConfig | None = None):
    return lint_view(view_from_texts(files), config)


def rules_found(files: dict[str, str], config: LintConfig | None = None) -> set[str]:
    return {finding.rule for finding in lint(files, config)}


def write_project(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
