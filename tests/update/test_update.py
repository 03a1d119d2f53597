"""`octoscaffold update` end to end: template v1 → scaffold → user edits → template v2 → update,
in real repositories, with the real CLI."""

from __future__ import annotations

import json

import pytest

from octoscaffold.ocl import canonical, parse, write
from octoscaffold.ocl.view import view_from_texts

from .conftest import (
    FOLDER,
    PROCESS,
    SLUG,
    SPEC,
    UPDATE_BRANCH,
    VARIABLES,
    branches,
    checkout_state,
    commit_files,
    git,
    run,
    show,
)


def update(repo, catalog, *args):
    return run("update", "--repo", str(repo), "--catalog", str(catalog), *args)


def process_view(repo, ref):
    texts = {}
    for path in git(repo, "ls-tree", "-r", "--name-only", ref, "--", FOLDER).splitlines():
        texts[path[len(FOLDER) + 1:]] = show(repo, ref, path)
    return view_from_texts(texts, folder=None), texts


def action_properties(view, step_slug):
    step = next(s for s in view.deployment_process.steps if s.slug == step_slug)
    return {key: prop.value for key, prop in step.actions[0].properties.items()}


def hand_edits(repo):
    """A property changed, a step and a variable of the user's own: by hand, laid out loosely."""
    process = show(repo, "main", PROCESS)
    process = process.replace('Octopus.Action.Package.DownloadOnTentacle = "False"',
                              'Octopus.Action.Package.DownloadOnTentacle   =   "True"')
    process += '\n\nstep "notify-team" {\n  name = "Notify Team"\n  action {\n    action_type = "Octopus.Script"\n' \
               '    properties = {\n      Octopus.Action.Script.ScriptBody = "echo deployed"\n' \
               '      Octopus.Action.Script.ScriptSource = "Inline"\n      Octopus.Action.Script.Syntax = "Bash"\n' \
               '      Octopus.Action.RunOnServer = "true"\n    }\n    worker_pool_variable = "Project.WorkerPool"\n  }\n}\n'
    variables = show(repo, "main", VARIABLES) + '\n\nvariable "Project.Team.Channel" {\n    value "#deploys" {}\n}'
    commit_files(repo, "main", {PROCESS: process, VARIABLES: variables}, "Our own changes")


def octopus_ui_edit(repo):
    """What saving in the Octopus UI commits: the region scoped per environment, written canonically."""
    document = parse(show(repo, "main", VARIABLES), VARIABLES)
    variable = next(b for b in document.blocks("variable") if b.labels == ["Project.AWS.Region"])
    value = next(variable.blocks("value"))
    scoped = parse('variable "x" {\n    value "eu-west-1" {\n        environment = ["production"]\n    }\n}').body[0]
    variable.body.insert(variable.body.index(value) + 1, next(scoped.blocks("value")))
    commit_files(repo, "main", {VARIABLES: write(document)}, "Octopus: update variables")


def test_update_keeps_every_edit_and_applies_every_change(scaffolded, catalogs):
    v2 = catalogs[1]
    hand_edits(scaffolded)
    octopus_ui_edit(scaffolded)
    main_before = git(scaffolded, "rev-parse", "main")
    before = checkout_state(scaffolded)

    result = update(scaffolded, v2)
    assert result.exit_code == 0, result.output
    assert "aws-lambda 1.0.0 → 1.1.0" in result.output
    assert f"committed to {UPDATE_BRANCH}" in result.output

    view, texts = process_view(scaffolded, UPDATE_BRANCH)
    steps = [s.slug for s in view.deployment_process.steps]
    # the catalog's new step, in the catalog's place; the user's own step kept at the end
    assert steps.index("smoke-test-lambda") == steps.index("deploy-lambda-sam-template") - 1
    assert steps[-1] == "notify-team"
    upload = action_properties(view, "upload-lambda-package")
    assert upload["Octopus.Action.Aws.S3.TargetMode"] == "FilePerPackage"  # catalog change applied
    assert upload["Octopus.Action.Package.DownloadOnTentacle"] == "True"  # hand edit kept
    variables = texts["variables.ocl"]
    assert "Project.AWS.Lambda.Owner" not in variables  # removed by the catalog
    assert 'variable "Project.Team.Channel"' in variables  # the user's own
    assert 'value "eu-west-1" {\n        environment = ["production"]' in variables  # saved in the Octopus UI
    # canonical, and lint clean
    for name, text in texts.items():
        assert canonical(text, name) == text, name
    stored = show(scaffolded, UPDATE_BRANCH, SPEC)
    assert "version: 1.1.0" in stored
    # the checkout, main and other branches are untouched
    assert git(scaffolded, "rev-parse", "main") == main_before
    assert checkout_state(scaffolded) == before
    assert sorted(branches(scaffolded)) == sorted(["main", UPDATE_BRANCH])


def test_the_updated_project_lints_clean(scaffolded, catalogs, tmp_path):
    hand_edits(scaffolded)
    assert update(scaffolded, catalogs[1]).exit_code == 0
    out = tmp_path / "export"
    git(scaffolded, "worktree", "add", "-q", str(out), UPDATE_BRANCH)
    linted = run("lint", str(out / FOLDER))
    assert linted.exit_code == 0, linted.output


def test_the_pull_request_says_what_changed_and_what_was_kept(scaffolded, catalogs):
    hand_edits(scaffolded)
    result = update(scaffolded, catalogs[1], "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert branches(scaffolded) == ["main"]
    import git as gitpython

    from octoscaffold.catalog import load_catalog
    from octoscaffold.update import body
    from octoscaffold.update import run as update_run
    from octoscaffold.update.sources import GitSource

    repo = gitpython.Repo(scaffolded)
    source = GitSource(repo, git(scaffolded, "rev-parse", "main"), "main")
    item = update_run.update_project(source, SPEC, load_catalog(extra=(catalogs[1],)))
    title, values = body.describe(item, [], "https://example.com/acme/widgets.git", UPDATE_BRANCH, "main")
    from octoscaffold.publish.body import render_body

    text = render_body(values, body.TEMPLATE)
    assert title == "Update Octopus project OctoPub SAM to aws-lambda 1.1.0 (octoscaffold)"
    assert "template aws-lambda 1.0.0 → 1.1.0" in text
    assert 'properties["Octopus.Action.Aws.S3.TargetMode"] changed: `"EntirePackage"` → `"FilePerPackage"`' in text
    assert 'step "smoke-test-lambda" added' in text
    assert 'variable "Project.AWS.Lambda.Owner" removed' in text
    kept = text.split("## Your edits kept")[1].split("##")[0]
    assert "Octopus.Action.Package.DownloadOnTentacle" in kept and 'step "notify-team" added' in kept
    lint = text.split("## Lint")[1]
    assert "OCL003 step 'Notify Team' has no notes" in lint  # the user's own step, linted like the rest
    repo.close()


def test_a_second_run_does_nothing(scaffolded, catalogs):
    v2 = catalogs[1]
    assert update(scaffolded, v2).exit_code == 0
    tip = git(scaffolded, "rev-parse", UPDATE_BRANCH)
    again = update(scaffolded, v2)
    assert again.exit_code == 0 and "already holds this update" in again.output
    assert git(scaffolded, "rev-parse", UPDATE_BRANCH) == tip
    git(scaffolded, "update-ref", "refs/heads/main", UPDATE_BRANCH)  # merged
    merged = update(scaffolded, v2)
    assert merged.exit_code == 0 and f"{SLUG}: up to date (aws-lambda 1.1.0)" in merged.output
    assert update(scaffolded, v2, "--check").exit_code == 0


def test_check_exits_1_listing_each_project_behind(scaffolded, catalogs):
    v1, v2 = catalogs
    made = run("new", 'Create an AWS Lambda project called "Billing"', "--catalog", str(v1), "--repo", str(scaffolded))
    assert made.exit_code == 0, made.output
    git(scaffolded, "update-ref", "refs/heads/main", "octoscaffold/billing")
    assert update(scaffolded, v1, "--check", "--all").exit_code == 0
    result = update(scaffolded, v2, "--check", "--all")
    assert result.exit_code == 1, result.output
    assert "billing: behind (aws-lambda 1.0.0 → 1.1.0)" in result.output
    assert f"{SLUG}: behind (aws-lambda 1.0.0 → 1.1.0)" in result.output
    assert sorted(branches(scaffolded)) == ["main", "octoscaffold/billing"]  # --check wrote nothing
    data = json.loads(update(scaffolded, v2, "--check", "--all", "--format", "json").output)
    assert [(d["slug"], d["status"]) for d in data] == [("billing", "behind"), (SLUG, "behind")]


def test_more_than_one_project_needs_names_or_all(scaffolded, catalogs):
    v1 = catalogs[0]
    run("new", 'Create an AWS Lambda project called "Billing"', "--catalog", str(v1), "--repo", str(scaffolded))
    git(scaffolded, "update-ref", "refs/heads/main", "octoscaffold/billing")
    result = update(scaffolded, v1)
    assert result.exit_code == 2 and "2 projects here; name the ones to update or pass --all" in result.output
    unknown = update(scaffolded, v1, "billng")
    assert unknown.exit_code == 2 and "no stored spec for billng" in unknown.output and "billing" in unknown.output


def test_a_true_conflict_is_refused_with_a_list(scaffolded, catalogs):
    process = show(scaffolded, "main", PROCESS).replace(
        'Octopus.Action.Aws.S3.TargetMode = "EntirePackage"', 'Octopus.Action.Aws.S3.TargetMode = "SinglePackage"')
    commit_files(scaffolded, "main", {PROCESS: process}, "Our target mode")
    before = checkout_state(scaffolded)
    result = update(scaffolded, catalogs[1])
    assert result.exit_code == 1, result.output
    assert "1 conflict with the catalog" in result.output and "nothing was written" in result.output
    assert 'properties["Octopus.Action.Aws.S3.TargetMode"]' in result.output
    assert '"SinglePackage"' in result.output and '"FilePerPackage"' in result.output
    assert branches(scaffolded) == ["main"]
    assert checkout_state(scaffolded) == before


def test_conflicts_as_markers_are_written_and_said(scaffolded, catalogs):
    process = show(scaffolded, "main", PROCESS).replace(
        'Octopus.Action.Aws.S3.TargetMode = "EntirePackage"', 'Octopus.Action.Aws.S3.TargetMode = "SinglePackage"')
    commit_files(scaffolded, "main", {PROCESS: process}, "Our target mode")
    result = update(scaffolded, catalogs[1], "--conflicts", "markers")
    assert result.exit_code == 0, result.output
    assert "conflict(s) written as markers; these files do not parse until resolved" in result.output
    text = show(scaffolded, UPDATE_BRANCH, PROCESS)
    assert '<<<<<<< ours\n            Octopus.Action.Aws.S3.TargetMode = "SinglePackage"\n=======\n' in text
    assert '            Octopus.Action.Aws.S3.TargetMode = "FilePerPackage"\n>>>>>>> catalog' in text
    assert 'step "smoke-test-lambda"' in text  # the rest of the merge is there
    message = git(scaffolded, "log", "-1", "--format=%B", UPDATE_BRANCH)
    assert "Conflicts left as markers: 1" in message


def test_without_provenance_only_what_is_missing_is_added(scaffolded, catalogs):
    stored = show(scaffolded, "main", SPEC)
    old = stored[: stored.index("generated:")]  # a spec from before provenance was recorded
    process = show(scaffolded, "main", PROCESS).replace(
        'Octopus.Action.Aws.S3.TargetMode = "EntirePackage"', 'Octopus.Action.Aws.S3.TargetMode = "SinglePackage"')
    commit_files(scaffolded, "main", {SPEC: old, PROCESS: process}, "Older octoscaffold")
    result = update(scaffolded, catalogs[1])
    assert result.exit_code == 0, result.output
    assert "aws-lambda unknown version → 1.1.0" in result.output
    assert "only what was missing was added" in result.output
    assert 'not touched: .octopus/octopub-sam/deployment_process.ocl: step "upload-lambda-package"' in result.output
    view, texts = process_view(scaffolded, UPDATE_BRANCH)
    assert "smoke-test-lambda" in [s.slug for s in view.deployment_process.steps]
    assert action_properties(view, "upload-lambda-package")["Octopus.Action.Aws.S3.TargetMode"] == "SinglePackage"
    assert "Project.AWS.Lambda.Owner" in texts["variables.ocl"]  # a two-way proposal removes nothing
    assert "generated:" in show(scaffolded, UPDATE_BRANCH, SPEC)  # from now on the base is known


def test_a_base_not_in_the_repository_comes_from_the_last_commit_of_the_spec(scaffolded, catalogs):
    # the files were edited before their first commit: the rendered blob was never stored
    import re

    stored = show(scaffolded, "main", SPEC)
    stored = re.sub(r"(deployment_process.ocl: )[0-9a-f]{40}", r"\g<1>" + "ab" * 20, stored)
    commit_files(scaffolded, "main", {SPEC: stored}, "Spec recorded elsewhere")
    result = update(scaffolded, catalogs[1])
    assert result.exit_code == 0, result.output
    assert "no record of the last render" not in result.output
    view, _ = process_view(scaffolded, UPDATE_BRANCH)
    assert action_properties(view, "upload-lambda-package")["Octopus.Action.Aws.S3.TargetMode"] == "FilePerPackage"


def test_update_in_a_folder_in_place(tmp_path, catalogs):
    v1, v2 = catalogs
    out = tmp_path / "plain"
    assert run("new", 'Create an AWS Lambda project called "OctoPub SAM"', "--catalog", str(v1), "--out", str(out)).exit_code == 0
    process = out / PROCESS
    process.write_text(process.read_text().replace(
        'Octopus.Action.Package.DownloadOnTentacle = "False"', 'Octopus.Action.Package.DownloadOnTentacle = "True"'))
    result = run("update", "--out", str(out), "--catalog", str(v2))
    assert result.exit_code == 0, result.output
    text = process.read_text()
    assert 'step "smoke-test-lambda"' in text and 'DownloadOnTentacle = "True"' in text
    assert "Project.AWS.Lambda.Owner" not in (out / VARIABLES).read_text()
    again = run("update", "--out", str(out), "--catalog", str(v2))
    assert again.exit_code == 0 and "up to date" in again.output


def test_a_dropped_runbook_is_removed_only_when_unedited(tmp_path, catalogs):
    v1, v2 = catalogs
    manifest = v2 / "aws-lambda/template.yaml"
    text = manifest.read_text()
    start = text.index("runbooks:\n")
    manifest.write_text(text[:start] + text[text.index("examples:\n"):])
    out = tmp_path / "plain"
    assert run("new", 'Create an AWS Lambda project called "OctoPub SAM"', "--catalog", str(v1), "--out", str(out)).exit_code == 0
    spec = out / SPEC
    spec.write_text(spec.read_text().replace("runbooks:\n  - name: Delete Lambda Stack", "runbooks_: x\nrunbooks:\n  - name: Delete Lambda Stack", 0))
    runbook = out / FOLDER / "runbooks/delete-lambda-stack.ocl"
    assert runbook.exists()
    # the stored spec lists the runbook; the new template no longer makes it: an unedited file goes
    import re

    spec.write_text(re.sub(r"runbooks:\n(  - .*\n(    .*\n)*)", "runbooks: []\n", spec.read_text(), count=1))
    result = run("update", "--out", str(out), "--catalog", str(v2))
    assert result.exit_code == 0, result.output
    assert not runbook.exists()
    assert f"D {FOLDER}/runbooks/delete-lambda-stack.ocl" in result.output


def test_a_broken_project_is_one_line_and_the_others_still_update(scaffolded, catalogs):
    v1, v2 = catalogs
    run("new", 'Create an AWS Lambda project called "Billing"', "--catalog", str(v1), "--repo", str(scaffolded))
    git(scaffolded, "update-ref", "refs/heads/main", "octoscaffold/billing")
    commit_files(scaffolded, "main", {PROCESS: 'step "x" {\n    name = \n'}, "A broken file")
    result = update(scaffolded, v2, "--all")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = next(line for line in result.output.splitlines() if line.startswith(f"octoscaffold: error: {SLUG}: cannot update"))
    assert "deployment_process.ocl" in line
    assert "billing: update (aws-lambda 1.0.0 → 1.1.0)" in result.output
    assert "octoscaffold/update-billing" in branches(scaffolded)


@pytest.mark.parametrize("stored", ["apiVersion: octoscaffold/v1\nproject: [", "\x00\x01", "just text"])
def test_a_stored_spec_that_cannot_be_read_is_reported_not_raised(scaffolded, catalogs, stored):
    commit_files(scaffolded, "main", {SPEC: stored}, "Damaged spec")
    result = update(scaffolded, catalogs[1])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith(f"octoscaffold: error: {SLUG}: cannot update:")
    assert branches(scaffolded) == ["main"]


def test_out_refuses_branch_options(tmp_path, catalogs):
    result = run("update", "--out", str(tmp_path), "--pr")
    assert result.exit_code == 2 and "--pr is for a review branch, not for --out" in result.output


def test_a_folder_with_no_stored_specs_says_so(tmp_path):
    result = run("update", "--out", str(tmp_path))
    assert result.exit_code == 2 and "holds no stored specs" in result.output


def test_update_pushes_and_opens_a_pull_request_then_updates_it(scaffolded, catalogs, http_origin, forge, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", forge.token)
    git(scaffolded, "push", "-q", "origin", "main")
    hand_edits(scaffolded)
    git(scaffolded, "push", "-q", "origin", "main")
    pr = ["--pr", "--forge-url", forge.api("github")]
    result = update(scaffolded, catalogs[1], *pr)
    assert result.exit_code == 0, result.output
    created = next(r for r in forge.requests if r.method == "POST")
    assert created.body["head"] == UPDATE_BRANCH and created.body["base"] == "main"
    assert created.body["title"] == "Update Octopus project OctoPub SAM to aws-lambda 1.1.0 (octoscaffold)"
    body = created.body["body"]
    for part in ("template aws-lambda 1.0.0 → 1.1.0", "## Catalog changes applied", 'step "smoke-test-lambda" added',
                 "## Your edits kept", 'step "notify-team" added', f"changed: `{PROCESS}`"):
        assert part in body, part
    assert git(http_origin, "rev-parse", UPDATE_BRANCH) == git(scaffolded, "rev-parse", UPDATE_BRANCH)
    assert "opened pull request https://github.example/acme/widgets/pull/1" in result.output
    assert forge.token not in result.output

    forge.requests.clear()
    again = update(scaffolded, catalogs[1], *pr)  # nothing new: no commit, the open pull request refreshed
    assert again.exit_code == 0, again.output
    assert "already holds this update" in again.output
    assert [r.method for r in forge.requests] == ["GET", "PATCH"]
    assert len(forge.pulls["acme/widgets"]) == 1
