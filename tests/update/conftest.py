"""Fixtures for `update`: two versions of a catalog template, real repositories (the publishing
tests' private git configuration, dirty checkout and HTTP forge stand-ins), and commits made
with git plumbing so the user's checkout is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from publish.conftest import (  # noqa: F401  (fixtures shared with the publishing tests)
    PROMPT,
    branches,
    checkout_state,
    dirty_repo_template,
    forge,
    git,
    git_server,
    http_origin,
    private_git,
    run,
    user_repo,
)

from octoscaffold.catalog import builtin_root

SLUG = "octopub-sam"
FOLDER = f".octopus/{SLUG}"
PROCESS = f"{FOLDER}/deployment_process.ocl"
VARIABLES = f"{FOLDER}/variables.ocl"
SPEC = f".octoscaffold/{SLUG}.yaml"
UPDATE_BRANCH = f"octoscaffold/update-{SLUG}"

# Version 1 has a variable that version 2 removes.
EXTRA_VARIABLE = '\nvariable "Project.AWS.Lambda.Owner" {\n    value "platform-team" {}\n}\n'
SMOKE_STEP = '''
step "smoke-test-lambda" {
    name = "Smoke Test Lambda"

    action {
        action_type = "Octopus.AwsRunScript"
{% include "_shared/excluded-environments.ocl.j2" %}
        notes = "Invokes the function once after the deployment."
        properties = {
{% include "_shared/aws-properties.ocl.j2" %}
            Octopus.Action.Script.ScriptBody = "aws lambda invoke --function-name \\"#{Project.AWS.Lambda.FunctionName}\\" out.json"
            Octopus.Action.Script.ScriptSource = "Inline"
            Octopus.Action.Script.Syntax = "Bash"
        }
        worker_pool_variable = "{{ worker_pool_variable }}"

{% include "_shared/worker-container.ocl.j2" %}
    }
}
'''


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def catalogs(tmp_path) -> tuple[Path, Path]:
    """(v1, v2) catalog folders, each holding the template aws-lambda (overriding the built-in).
    v2 adds a step, changes a property and removes a variable."""
    v1, v2 = tmp_path / "catalog-v1", tmp_path / "catalog-v2"
    for folder in (v1, v2):
        shutil.copytree(builtin_root() / "aws-lambda", folder / "aws-lambda")
    variables = v1 / "aws-lambda/variables.ocl.j2"
    variables.write_text(variables.read_text().rstrip("\n") + "\n" + EXTRA_VARIABLE)
    process = v2 / "aws-lambda/deployment_process.ocl.j2"
    _edit(process, 'Octopus.Action.Aws.S3.TargetMode = "EntirePackage"', 'Octopus.Action.Aws.S3.TargetMode = "FilePerPackage"')
    _edit(process, '\nstep "deploy-lambda-sam-template" {', SMOKE_STEP + '\nstep "deploy-lambda-sam-template" {')
    _edit(v2 / "aws-lambda/template.yaml", "version: 1.0.0", "version: 1.1.0")
    return v1, v2


def commit_files(repo: Path, branch: str, changes: dict[str, str | None], message: str) -> str:
    """Commit `changes` ({path: text, or None to delete}) on top of `branch` without touching the
    checkout or the index (as a colleague's merged pull request would arrive)."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(folder) / "index")}

        def plumb(*args: str, data: str | None = None) -> str:
            done = subprocess.run(["git", "-C", str(repo), *args], input=data, env=env, capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stderr
            return done.stdout.strip()

        plumb("read-tree", branch)
        for path, text in changes.items():
            if text is None:
                plumb("update-index", "--force-remove", "--", path)
            else:
                blob = plumb("hash-object", "-w", "--stdin", data=text)
                plumb("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
        tree = plumb("write-tree")
        commit = plumb("commit-tree", tree, "-p", branch, "-m", message)
        plumb("update-ref", f"refs/heads/{branch}", commit)
        return commit


def show(repo: Path, ref: str, path: str) -> str:
    return git(repo, "show", f"{ref}:{path}")


@pytest.fixture
def scaffolded(user_repo, catalogs) -> Path:  # noqa: F811 (the imported fixture)
    """The user's repository with the project made from v1 merged into main."""
    v1, _ = catalogs
    made = run("new", PROMPT, "--catalog", str(v1), "--repo", str(user_repo))
    assert made.exit_code == 0, made.output
    git(user_repo, "update-ref", "refs/heads/main", f"octoscaffold/{SLUG}")  # the pull request was merged
    git(user_repo, "branch", "-D", f"octoscaffold/{SLUG}")
    return user_repo
