"""Publish a scaffold for review: a branch, optionally pushed, optionally a pull request.

Everything that can be checked is checked before anything is written (repository, remote, forge,
token, author, refusals, the body template). After that the steps run in order, and a failure
undoes what this run did locally unless the push already succeeded; the error says what is where.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from octoscaffold.errors import ForgeError, GitError, UserError
from octoscaffold.inputs import read_text
from octoscaffold.publish import body as bodies
from octoscaffold.publish import forge as forges


@dataclass(frozen=True)
class Options:
    repo: Path | None = None
    base: str | None = None
    branch: str | None = None  # default octoscaffold/<slug>
    push: bool = False
    remote: str = "origin"
    pr: bool = False  # implies push
    forge_url: str | None = None
    pr_template: Path | None = None
    dry_run: bool = False
    force: bool = False
    timeout: float = forges.TIMEOUT  # seconds per forge API request
    push_timeout: float = 120.0  # seconds for the whole push
    environ: Mapping[str, str] | None = None  # where tokens are read; os.environ when None


@dataclass
class Outcome:
    """What happened (or, for a dry run, what would happen)."""

    branch: str
    base: str
    base_sha: str
    action: str  # create, update or unchanged
    changes: list
    message: str
    commit_sha: str | None
    dry_run: bool
    remote: str | None = None
    remote_url: str | None = None
    pushed: bool = False
    forge: forges.Forge | None = None
    title: str | None = None
    body: str | None = None
    pull_request: forges.PullRequest | None = None
    notes: list[str] = field(default_factory=list)


def default_branch(scaffold) -> str:
    return f"octoscaffold/{scaffold.spec.slug}"


@dataclass(frozen=True)
class Proposal:
    """What goes on a review branch: the files (relative to the repository), the project folder
    they belong to, the branch, the commit message, and how the pull request describes it
    (`describe(changes, repository_url, branch, base)` → (title, body values))."""

    files: dict[str, str]
    base_path: str
    branch: str
    message: str
    describe: Callable[..., tuple[str, dict]]
    body_template: Path = bodies.DEFAULT_TEMPLATE


def scaffold_proposal(scaffold, branch: str | None = None) -> Proposal:
    def describe(changes, repository_url, branch, base):
        values = bodies.context(scaffold, changes=changes, repository_url=repository_url, branch=branch, base=base,
                                lint=bodies.lint_result(scaffold))
        return values["title"], values

    return Proposal(scaffold.files, scaffold.rendered.base_path, default_branch(scaffold) if branch is None else branch,
                    bodies.commit_message(scaffold), describe)


def publish(scaffold, options: Options) -> Outcome:
    """Commit a scaffold to its review branch; push; open or update the pull request."""
    return publish_proposal(lambda branch: scaffold_proposal(scaffold, branch), options)


def publish_proposal(proposal: Proposal | Callable[[str | None], Proposal], options: Options) -> Outcome:
    """`proposal` is a Proposal, or a function making one for the --branch option (None: its default)."""
    import git as gitpython

    from octoscaffold.publish import git

    _check_options(options)
    if callable(proposal) and not isinstance(proposal, Proposal):
        proposal = proposal(options.branch)
    repo = git.open_repo(options.repo)
    try:
        return _publish(repo, proposal, options)
    except gitpython.GitCommandError as error:
        # A local git command (pushes are handled in git.push_branch): something about this
        # repository, so an input error. One line, no credentials.
        lines = [ln for ln in git.output(error.stderr).splitlines() if ln.strip()]
        reason = forges.shown(lines[-1].strip() if lines else f"status {error.status}")
        command = error.command[1] if len(error.command) > 1 else ""
        raise UserError(
            f"git {command} failed in {forges.shown(repo.working_dir)}: {reason.removeprefix('fatal: ')}",
            hint="git fsck there says what is wrong with the repository; nothing was changed",
        ) from None
    finally:
        repo.close()


def _check_options(options: Options) -> None:
    """What can be refused from the options alone, before the repository is opened."""
    from octoscaffold.publish import git

    if options.branch is not None:
        git.check_branch_name(options.branch, "--branch")
    if options.base is not None:
        git.check_branch_name(options.base, "--base")
    if options.pr_template is not None:
        if not options.pr:
            raise UserError("--pr-template is used only with --pr", hint="add --pr, or drop --pr-template")
        read_text(options.pr_template, "pull request template")  # a FIFO, a device or binary is one clear line


def _publish(repo, proposal: Proposal, options: Options) -> Outcome:
    from octoscaffold.publish import git

    push = options.push or options.pr
    url = git.remote_url(repo, options.remote) if push else None
    forge = token = None
    if options.pr:
        forge = forges.detect(url or "", options.forge_url)
        if not options.dry_run:
            token = forges.token_for(forge, dict(options.environ) if options.environ is not None else None)
    actor = git.author(repo)
    plan = git.plan_branch(
        repo,
        proposal.files,
        base_path=proposal.base_path,
        message=proposal.message,
        base=options.base,
        branch=proposal.branch,
        remote=options.remote,
        force=options.force,
    )
    outcome = Outcome(
        branch=plan.branch,
        base=plan.base,
        base_sha=plan.base_sha,
        action=plan.action,
        changes=plan.changes,
        message=plan.message,
        commit_sha=plan.old_sha if plan.action == "unchanged" else None,
        dry_run=options.dry_run,
        remote=options.remote if push else None,
        remote_url=forges.shown(url) if url else None,
        forge=forge,
    )
    if forge is not None:
        outcome.title, values = proposal.describe(plan.changes, forge.clone, plan.branch, plan.base)
        outcome.body = bodies.render_body(values, options.pr_template or proposal.body_template)
    if options.dry_run:
        return outcome

    git.commit_branch(plan, actor)
    outcome.commit_sha = plan.commit_sha
    if not push:
        return outcome
    try:
        git.push_branch(plan, options.remote, options.push_timeout)
    except GitError as error:
        where = _after_failed_push(plan, options.remote)
        if isinstance(error, git.PushTimeout):
            where = where.replace(" is unchanged", " may or may not have received it")
        raise GitError(f"{error}; {where}") from None
    except BaseException:
        git.undo_branch(plan)
        raise
    outcome.pushed = True
    if forge is None or token is None:
        return outcome
    try:
        outcome.pull_request = forges.open_or_update(
            forge, token, head=plan.branch, base=plan.base, title=outcome.title or "", body=outcome.body or "",
            timeout=options.timeout,
        )
    except ForgeError as error:
        raise ForgeError(
            f"{error}; the branch {plan.branch} is committed locally and pushed to {options.remote}: "
            f"re-run with --pr to retry"
        ) from None
    return outcome


def _after_failed_push(plan, remote: str) -> str:
    """Undo the local branch change and say what exists where."""
    from octoscaffold.publish import git

    action = plan.action
    git.undo_branch(plan)
    if plan.moved:  # could not undo: someone moved the branch meanwhile
        return f"the local branch {plan.branch} was kept because it changed meanwhile; {remote} is unchanged"
    if action == "create":
        return f"no branch was kept locally and {remote} is unchanged"
    if action == "update":
        return f"the local branch {plan.branch} is back at its previous commit and {remote} is unchanged"
    return f"the local branch {plan.branch} is as it was and {remote} is unchanged"

