"""The review branch: built from the base without checking anything out, refusals, idempotence,
--force, --dry-run and pushing to a bare `origin` over file://."""

from __future__ import annotations

import subprocess

from octoscaffold import scaffold
from octoscaffold.spec import dump_spec

from .conftest import BRANCH, PROMPT, branches, checkout_state, git, run

GENERATED = [
    ".octopus/octopub-sam/deployment_process.ocl",
    ".octopus/octopub-sam/deployment_settings.ocl",
    ".octopus/octopub-sam/runbooks/delete-lambda-stack.ocl",
    ".octopus/octopub-sam/schema_version.ocl",
    ".octopus/octopub-sam/variables.ocl",
    ".octoscaffold/octopub-sam.yaml",
]


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("octoscaffold: error: "), result.stderr
    return lines[0]


def tree_of(repo, ref: str) -> dict[str, bytes]:
    names = git(repo, "ls-tree", "-r", "--name-only", ref).splitlines()
    return {name: subprocess.run(["git", "-C", str(repo), "show", f"{ref}:{name}"], capture_output=True).stdout
            for name in names}


def test_commit_on_a_new_branch_leaves_the_dirty_checkout_exactly_as_it_was(user_repo, monkeypatch):
    before = checkout_state(user_repo)
    monkeypatch.chdir(user_repo / "src")  # anywhere inside the repository
    result = run("new", PROMPT)
    assert result.exit_code == 0, result.output
    assert checkout_state(user_repo) == before
    assert branches(user_repo) == ["main", BRANCH]

    files = tree_of(user_repo, BRANCH)
    expected = scaffold.build(scaffold.plan(PROMPT)).files
    assert sorted(files) == sorted(["README.md", "src/app.py", *GENERATED])
    for path in GENERATED:
        assert files[path] == expected[path].encode("utf-8")
    assert files["README.md"] == b"# app\n"  # from the base commit, not the dirty checkout
    assert git(user_repo, "rev-parse", f"{BRANCH}^") == git(user_repo, "rev-parse", "main")
    author = git(user_repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH)
    assert author == "Rita Reviewer <rita@example.com>|Rita Reviewer <rita@example.com>"
    message = git(user_repo, "log", "-1", "--format=%B", BRANCH)
    assert message.splitlines()[0] == "Add Octopus project OctoPub SAM (octoscaffold)"
    assert "Template: aws-lambda (AWS Lambda (SAM)), version 1.0.0" in message
    out = result.stdout
    assert f"Committed to branch {BRANCH} (new, from main)" in out
    assert "  A .octopus/octopub-sam/deployment_process.ocl" in out
    assert 'Must exist in the Octopus space "Default" first:' in out
    assert "Pushed" not in out


def test_the_same_spec_again_is_a_no_op(user_repo):
    assert run("new", PROMPT, "--repo", str(user_repo)).exit_code == 0
    tip = git(user_repo, "rev-parse", BRANCH)
    before = checkout_state(user_repo)
    result = run("new", PROMPT, "--repo", str(user_repo))
    assert result.exit_code == 0, result.output
    assert "already holds these files" in result.stdout and "nothing to commit" in result.stdout
    assert git(user_repo, "rev-parse", BRANCH) == tip
    assert checkout_state(user_repo) == before


def test_render_publishes_a_spec_file_the_same_way(user_repo, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(dump_spec(scaffold.plan(PROMPT)))
    result = run("render", str(spec), "--repo", str(user_repo))
    assert result.exit_code == 0, result.output
    first = tree_of(user_repo, BRANCH)
    git(user_repo, "branch", "-D", BRANCH)
    assert run("new", PROMPT, "--repo", str(user_repo)).exit_code == 0
    assert tree_of(user_repo, BRANCH) == first


def test_branch_with_other_content_is_refused_then_replaced_with_force(user_repo):
    assert run("new", PROMPT, "--repo", str(user_repo)).exit_code == 0
    old_tip = git(user_repo, "rev-parse", BRANCH)
    other = PROMPT + ' in the region "eu-west-1"'
    before = checkout_state(user_repo)
    line = one_error_line(run("new", other, "--repo", str(user_repo)), 2)
    assert f"branch {BRANCH} already exists with other content" in line and "--force" in line
    assert git(user_repo, "rev-parse", BRANCH) == old_tip

    result = run("new", other, "--repo", str(user_repo), "--force")
    assert result.exit_code == 0, result.output
    assert "added to the existing branch" in result.stdout
    assert git(user_repo, "rev-parse", f"{BRANCH}^") == old_tip  # a new commit on top: pushes stay fast-forward
    assert b"eu-west-1" in tree_of(user_repo, BRANCH)[".octoscaffold/octopub-sam.yaml"]
    assert checkout_state(user_repo) == before


def test_files_at_the_project_path_on_the_base_are_refused_unless_forced(user_repo):
    git(user_repo, "stash", "push", "-q", "--include-untracked")  # a clean tree to commit the stale file
    stale = user_repo / ".octopus/octopub-sam/old-notes.ocl"
    stale.parent.mkdir(parents=True)
    stale.write_text("x = 1\n")
    git(user_repo, "add", ".octopus")
    git(user_repo, "commit", "-q", "-m", "An earlier attempt")
    git(user_repo, "stash", "pop", "-q")
    before = checkout_state(user_repo)

    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo)), 2)
    assert "main already has files at the project's path (.octopus/octopub-sam/old-notes.ocl)" in line
    assert branches(user_repo) == ["main"]

    result = run("new", PROMPT, "--repo", str(user_repo), "--force")
    assert result.exit_code == 0, result.output
    assert "  D .octopus/octopub-sam/old-notes.ocl" in result.stdout
    assert ".octopus/octopub-sam/old-notes.ocl" not in tree_of(user_repo, BRANCH)
    assert checkout_state(user_repo) == before


def test_base_and_branch_options(user_repo):
    git(user_repo, "branch", "release", "main")
    result = run("new", PROMPT, "--repo", str(user_repo), "--base", "release", "--branch", "review/lambda")
    assert result.exit_code == 0, result.output
    assert git(user_repo, "rev-parse", "review/lambda^") == git(user_repo, "rev-parse", "release")
    assert "(new, from release)" in result.stdout


def test_refusals_change_nothing(user_repo, tmp_path, private_git):
    before = checkout_state(user_repo)
    cases = [
        (["--base", "nope"], "there is no branch 'nope'"),
        (["--branch", "bad..name"], "'bad..name' is not a valid branch name"),
        (["--branch", "main"], "the review branch and the base are both 'main'"),
        (["--push"], "there is no git remote named 'origin'"),
        (["--out", str(tmp_path / "out"), "--push"], "is for a review branch, not for --out"),
    ]
    for args, message in cases:
        line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), *args), 2)
        assert message in line, line
    private_git.write_text("")  # no user.name / user.email anywhere
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo)), 2)
    assert "git has no user.name and no user.email to author the commit" in line and "git config" in line
    assert checkout_state(user_repo) == before
    assert branches(user_repo) == ["main"]
    assert not (tmp_path / "out").exists()


def test_the_checked_out_branch_and_a_detached_head_are_refused(user_repo):
    git(user_repo, "branch", BRANCH)
    git(user_repo, "worktree", "add", "-q", str(user_repo.parent / "other"), BRANCH)
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo)), 2)
    assert f"branch {BRANCH} is checked out" in line
    git(user_repo, "checkout", "-q", "--detach", "HEAD")
    line = one_error_line(run("new", PROMPT, "--repo", str(user_repo), "--branch", "x"), 2)
    assert "HEAD is not on a branch" in line and "--base" in line


def test_outside_a_repository_without_out_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = one_error_line(run("new", PROMPT), 2)
    assert "is not inside a git repository" in line and "--out DIR" in line
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]


def test_dry_run_prints_the_plan_and_changes_nothing_anywhere(user_repo, origin):
    def everything():
        return {str(p): p.read_bytes() for root in (user_repo, origin) for p in sorted(root.rglob("*")) if p.is_file()}

    before = everything()
    result = run("new", PROMPT, "--repo", str(user_repo), "--push", "--dry-run")
    assert result.exit_code == 0, result.output
    assert everything() == before
    out = result.stdout
    assert out.startswith("Understood by the rules parser (no model configured).\nDry run: nothing was written, pushed or opened.")
    assert f"Branch {BRANCH} would be created from main" in out
    for path in GENERATED:
        assert f"  A {path}" in out
    assert f"Would push it to origin ({origin.as_uri()}), without force." in out


def test_push_to_a_bare_origin_over_file_url(user_repo, origin):
    before = checkout_state(user_repo)
    result = run("new", PROMPT, "--repo", str(user_repo), "--push")
    assert result.exit_code == 0, result.output
    assert f"Pushed to origin ({origin.as_uri()})." in result.stdout
    assert git(origin, "rev-parse", BRANCH) == git(user_repo, "rev-parse", BRANCH)
    assert checkout_state(user_repo) == before
    again = run("new", PROMPT, "--repo", str(user_repo), "--push")  # nothing new: the push is up to date
    assert again.exit_code == 0, again.output


def test_a_forced_update_pushes_fast_forward(user_repo, origin):
    assert run("new", PROMPT, "--repo", str(user_repo), "--push").exit_code == 0
    old_tip = git(origin, "rev-parse", BRANCH)
    result = run("new", PROMPT + ' in the region "eu-west-1"', "--repo", str(user_repo), "--push", "--force")
    assert result.exit_code == 0, result.output
    assert git(origin, "rev-parse", f"{BRANCH}^") == old_tip
