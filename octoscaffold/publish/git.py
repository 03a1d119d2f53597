"""Put generated files on a review branch without touching the user's checkout.

The commit is built with git plumbing: blobs go into the object database, a tree is assembled in a
throw-away index file outside the repository (GIT_INDEX_FILE), and the branch is moved with a
compare-and-swap `update-ref`. The working tree, the real index, HEAD and the stash are never
written, so a dirty checkout stays exactly as it was.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import git
from gitdb.base import IStream

from octoscaffold.errors import GitError, UserError
from octoscaffold.inputs import printable
from octoscaffold.provenance import blob_id
from octoscaffold.publish.forge import redact

ZERO = "0" * 40
FILE_MODE = "100644"
PUSH_TIMEOUT = 120  # seconds; a push that takes longer is stopped and reported

# Git must fail rather than wait for a password nobody will type.
_QUIET_ENV = {"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
# Paths given to git commands are file names, never patterns (`*`, `?`, `[` are ordinary characters).
_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}


@dataclass(frozen=True)
class Change:
    status: str  # "A" added, "M" modified, "D" deleted, " " unchanged
    path: str


@dataclass
class BranchPlan:
    """What publishing to a branch will do; `action` is create, update or unchanged."""

    repo: git.Repo
    branch: str
    base: str  # the base branch name (the pull request's target)
    base_sha: str
    parent_sha: str  # the commit the new commit goes on top of
    old_sha: str | None  # the branch's tip before, if it existed
    action: str
    files: dict[str, str]
    remove: list[str]  # paths under the project's folder that the new commit drops
    changes: list[Change]
    message: str
    commit_sha: str | None = None
    moved: bool = False  # this run moved the branch ref

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"


def open_repo(path: Path | None) -> git.Repo:
    """The repository at or above `path` (the current folder when None)."""
    where = Path(path) if path is not None else Path.cwd()
    try:
        repo = git.Repo(where, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UserError(
            f"{printable(where)} is not inside a git repository",
            hint="pass --out DIR to write a folder, or run inside a repository (or pass --repo PATH)",
        ) from None
    if repo.bare:
        raise UserError(f"{printable(where)} is a bare repository", hint="pass --repo with a clone that has a working tree")
    _check_usable(repo, where)
    return repo


def _check_usable(repo: git.Repo, where: Path) -> None:
    """GitPython reads a repository git itself refuses (owned by another user, a format from a newer
    git); say so now, not as a puzzling failure of a later command."""
    try:
        repo.git.rev_parse("--git-dir")
    except git.GitCommandError as error:
        repo.close()
        text = output(error.stderr)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        reason = next((ln for ln in lines if ln.startswith("fatal: ")), lines[0] if lines else f"status {error.status}")
        hint = "see what git status says there, or pass --repo with another repository"
        if "safe.directory" in text:
            hint = f"if you trust it: git config --global --add safe.directory {printable(repo.working_dir)}"
        raise UserError(f"git cannot use the repository at {printable(where)}: {printable(reason.removeprefix('fatal: '))}",
                        hint=hint) from None


def author(repo: git.Repo) -> git.Actor:
    """The author from the user's git config; a clear error when it is not set."""
    name, email = _config(repo, "user.name"), _config(repo, "user.email")
    missing = [key for key, value in (("user.name", name), ("user.email", email)) if not str(value).strip()]
    if missing:
        raise UserError(
            f"git has no {' and no '.join(missing)} to author the commit",
            hint='set them with git config --global user.name "Your Name" and user.email you@example.com',
        )
    return git.Actor(str(name), str(email))


def _config(repo: git.Repo, key: str) -> str:
    """A value as git itself resolves it (global, XDG, includes, GIT_CONFIG_GLOBAL...)."""
    try:
        return repo.git.config("--get", key)
    except git.GitCommandError:
        return ""


def current_branch(repo: git.Repo) -> str | None:
    try:
        return repo.head.reference.name if not repo.head.is_detached else None
    except TypeError:  # HEAD points at something that is not a branch
        return None


def _resolve(repo: git.Repo, ref: str) -> str | None:
    try:
        return repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except git.GitCommandError:
        return None


_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def _branch_name_problem(name: str) -> str | None:
    """Why git would refuse `name` as a branch (the rules of `git check-ref-format --branch`), or
    None. `@` is refused too: check-ref-format lets it pass, but every other command reads it as HEAD."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "it is not UTF-8 text"
    bad = _REF_FORBIDDEN.search(name)
    parts = name.split("/")
    if not name:
        return "it is empty"
    if name in ("@", "HEAD"):
        return f"git reads {name} as the current commit"
    if name.startswith("-"):
        return "it starts with '-'"
    if bad:
        blank = bad.group() <= " " or bad.group() == "\x7f"
        return "it holds a space or a control character" if blank else f"it holds '{bad.group()}'"
    for sequence in ("..", "@{", "//"):
        if sequence in name:
            return f"it holds '{sequence}'"
    if name.startswith("/") or name.endswith("/"):
        return "it starts or ends with '/'"
    if name.endswith("."):
        return "it ends with '.'"
    if any(part.startswith(".") for part in parts):
        return "a part of it starts with '.'"
    if any(part.endswith(".lock") for part in parts):
        return "a part of it ends with '.lock'"
    return None


def check_branch_name(name: str, option: str = "--branch") -> None:
    """Refuse a branch name git would refuse or read as something else, before anything is done."""
    problem = _branch_name_problem(name)
    if problem:
        raise UserError(f"'{printable(name)}' is not a valid branch name for {option}: {problem}",
                        hint=f"pass {option} with a name git accepts, such as review/my-project")


def _check_branch_name(repo: git.Repo, name: str) -> None:
    """Git's own check as well, for any rule a newer git adds (no --branch: it would expand @{-1})."""
    check_branch_name(name)
    try:
        repo.git.check_ref_format(f"refs/heads/{name}")
    except git.GitCommandError:
        raise UserError(f"'{printable(name)}' is not a valid branch name for --branch",
                        hint="choose another --branch") from None


def _dot_git(part: str) -> bool:
    """`.git` in any case, also as Windows reads it (`.git.`, `.git `, `git~1`): git drops such paths."""
    part = part.lower()
    return part.rstrip(". ") == ".git" or part == "git~1"


def _path_problem(path: str) -> str | None:
    parts = path.split("/")
    if re.search(r"[\x00-\x1f\x7f]", path):
        return "it holds a control character"
    if path.startswith("/"):
        return "it is absolute"
    if "" in parts:
        return "it has an empty part ('//' or a '/' at the end)"
    if any(part in (".", "..") for part in parts):
        return "it has a '.' or '..' part"
    if any(_dot_git(part) for part in parts):
        return "git never stores files inside a .git folder"
    return None


def check_path(path: str) -> None:
    """Refuse a path git would not store: `update-index` drops such paths without failing."""
    problem = _path_problem(path)
    if problem:
        raise UserError(f"cannot commit '{printable(path)}': {problem}",
                        hint="change git.base_path in the spec to a plain folder such as .octopus/my-project")


def _checked_out(repo: git.Repo) -> set[str]:
    """Branches checked out in any work tree of this repository."""
    out = repo.git.worktree("list", "--porcelain")
    return {line.split(" ", 1)[1].removeprefix("refs/heads/") for line in out.splitlines() if line.startswith("branch ")}


def _tree_files(repo: git.Repo, commit: str, paths: list[str]) -> dict[str, str]:
    """`{path: blob sha}` of the files under `paths` in `commit`."""
    return {path: sha for path, (_, sha) in tree_entries(repo, commit, paths).items()}


def tree_entries(repo: git.Repo, commit: str, paths: list[str]) -> dict[str, tuple[str, str]]:
    """`{path: (mode, sha)}` of the entries under `paths` in `commit`."""
    out = repo.git.ls_tree("-r", "-z", "--full-tree", commit, "--", *paths, env=_LITERAL)
    found = {}
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, _, sha = meta.split()
        found[path] = (mode, sha)
    return found


def _project_paths(files: dict[str, str], base_path: str) -> list[str]:
    """The project's folder and every generated file outside it (the stored spec)."""
    outside = sorted(p for p in files if not p.startswith(base_path + "/"))
    return [base_path, *outside]


def _changes(existing: dict[str, str], files: dict[str, str]) -> tuple[list[Change], list[str]]:
    changes = []
    for path, text in sorted(files.items()):
        sha = blob_id(text)
        status = "A" if path not in existing else ("M" if existing[path] != sha else " ")
        changes.append(Change(status, path))
    removed = sorted(p for p in existing if p not in files)
    changes += [Change("D", p) for p in removed]
    return changes, removed


def base_commit(repo: git.Repo, base: str | None, remote: str = "origin") -> tuple[str, str]:
    """(the base branch, its commit): `base`, else the current branch; a local branch, else
    `<remote>/base`. Raises UserError naming what is missing."""
    if base is not None:
        check_branch_name(base, "--base")  # a branch, never a revision such as main~1
    else:
        base = current_branch(repo)
        if base is None:
            raise UserError("HEAD is not on a branch, so there is no base branch", hint="pass --base BRANCH")
        check_branch_name(base, "--base (HEAD names it)")  # a hand-edited HEAD may name anything
    sha = _resolve(repo, f"refs/heads/{base}") or _resolve(repo, f"refs/remotes/{remote}/{base}")
    if sha is None:
        if base == current_branch(repo):
            raise UserError(f"branch {base} has no commits yet", hint="commit something first, or pass --base")
        raise UserError(f"there is no branch {base!r} (locally or on {remote})", hint="pass --base with an existing branch")
    return base, sha


def plan_branch(
    repo: git.Repo,
    files: dict[str, str],
    *,
    base_path: str,
    message: str,
    base: str | None = None,
    branch: str,
    remote: str = "origin",
    force: bool = False,
) -> BranchPlan:
    """Decide what to commit where; raises UserError for refusals. Writes nothing."""
    for path in [base_path, *files]:
        check_path(path)
    _check_branch_name(repo, branch)
    base, base_sha = base_commit(repo, base, remote)
    if branch == base:
        raise UserError(f"the review branch and the base are both {branch!r}", hint="choose another --branch")
    if branch in _checked_out(repo):
        raise UserError(f"branch {branch} is checked out", hint="switch to another branch first, or choose another --branch")

    paths = _project_paths(files, base_path)
    old_sha = _resolve(repo, f"refs/heads/{branch}")
    if old_sha is not None:
        existing = _tree_files(repo, old_sha, paths)
        changes, removed = _changes(existing, files)
        if all(c.status == " " for c in changes):
            action = "unchanged"
        elif not force:
            raise UserError(
                f"branch {branch} already exists with other content at {base_path}",
                hint="use --force to add a commit that replaces it, or choose another --branch",
            )
        else:
            action = "update"
        parent = old_sha
    else:
        existing = _tree_files(repo, base_sha, paths)
        if existing and not force:
            shown = ", ".join(sorted(existing)[:2]) + (", ..." if len(existing) > 2 else "")
            raise UserError(
                f"{base} already has files at the project's path ({shown})",
                hint="use --force to replace them on the review branch, or change git.base_path in the spec",
            )
        changes, removed = _changes(existing, files)
        action = "create"
        parent = base_sha
        if all(c.status == " " for c in changes):
            raise UserError(f"{base} already holds exactly these files", hint="there is nothing to review")
    return BranchPlan(repo, branch, base, base_sha, parent, old_sha, action, files, removed, changes, message)


def commit_branch(plan: BranchPlan, actor: git.Actor) -> None:
    """Write the commit and move the branch to it (nothing to do when unchanged)."""
    repo = plan.repo
    if plan.action == "unchanged":
        plan.commit_sha = plan.old_sha
        return
    with tempfile.TemporaryDirectory(prefix="octoscaffold-index-") as folder:
        env = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
        repo.git.read_tree(plan.parent_sha, env=env)
        lines = [f"0 {ZERO}\t{path}" for path in plan.remove]
        for path, text in sorted(plan.files.items()):
            data = text.encode("utf-8")
            sha = repo.odb.store(IStream("blob", len(data), io.BytesIO(data))).hexsha.decode("ascii")
            lines.append(f"{FILE_MODE} {sha}\t{path}")
        with _stdin("".join(line + "\0" for line in lines)) as stdin:  # NUL-separated: any path is one entry
            repo.git.update_index("-z", "--index-info", istream=stdin, env=env)
        tree = repo.git.write_tree(env=env)
    stamp = {
        "GIT_AUTHOR_NAME": actor.name or "",
        "GIT_AUTHOR_EMAIL": actor.email or "",
        "GIT_COMMITTER_NAME": actor.name or "",
        "GIT_COMMITTER_EMAIL": actor.email or "",
    }
    sha = _commit_tree(repo, tree, plan.parent_sha, plan.message, stamp)
    _verify(plan, sha)
    expected = plan.old_sha or ZERO
    try:
        repo.git.update_ref("-m", "octoscaffold: review branch", plan.ref, sha, expected)
    except git.GitCommandError:
        raise GitError(
            f"branch {plan.branch} changed while the commit was being made; nothing was changed",
            hint="run the command again",
        ) from None
    plan.commit_sha = sha
    plan.moved = True


def _commit_tree(repo: git.Repo, tree: str, parent: str, message: str, env: dict[str, str]) -> str:
    """`git commit-tree`, signed when the repository's effective config sets commit.gpgsign, which
    commit-tree (unlike commit) does not read itself: `-S` then signs as git commit would, with
    user.signingkey in gpg.format (openpgp, x509, ssh). A signature git cannot make stops the
    command here, before any branch moves."""

    def said(error: git.GitCommandError) -> str:  # git's words (and gpg's or ssh-keygen's) on one line
        lines = [ln.strip().removeprefix("fatal: ").removeprefix("error: ") for ln in output(error.stderr).splitlines()]
        return printable("; ".join(dict.fromkeys(filter(None, lines)))[:500]) or f"status {error.status}"

    try:
        sign = repo.git.config("--type=bool", "--get", "commit.gpgsign").strip() == "true"
    except git.GitCommandError as error:
        if error.status != 1:  # 1: not set
            raise UserError(f"git cannot read commit.gpgsign: {said(error)}; nothing was changed",
                            hint="set it to true or false with git config commit.gpgsign") from None
        sign = False
    with _stdin(message) as stdin:
        try:
            return repo.git.commit_tree(tree, "-p", parent, *(["-S"] if sign else []), istream=stdin, env=env)
        except git.GitCommandError as error:
            if not sign:
                raise
            reason = said(error)
    raise UserError(f"commit.gpgsign is set but git could not sign the commit: {reason}; nothing was changed",
                    hint="fix the key git signs with (user.signingkey, gpg.format), or turn signing off in this "
                    "repository: git config commit.gpgsign false")


def _verify(plan: BranchPlan, commit: str) -> None:
    """The commit must hold every file as reported, byte for byte, and change nothing else: git's
    index drops some paths without failing and replaces a file by a folder of the same name."""
    repo = plan.repo
    held = tree_entries(repo, commit, sorted(plan.files))
    missing = [p for p, text in sorted(plan.files.items()) if held.get(p) != (FILE_MODE, blob_id(text))]
    out = repo.git.diff_tree("-r", "-z", "--no-renames", "--name-only", plan.parent_sha, commit)
    others = sorted(set(filter(None, out.split("\0"))) - set(plan.files) - set(plan.remove))
    if not missing and not others:
        return
    if missing:
        problem = f"git did not store {_some(missing)} in the commit"
    else:
        problem = f"the commit would also remove or change {_some(others)} (a file where a generated file needs a folder?)"
    raise UserError(f"{problem}; nothing was changed",
                    hint=f"rename that file on {plan.base}, or change git.base_path in the spec")


def _some(paths: list[str]) -> str:
    shown = ", ".join(f"'{printable(p)}'" for p in paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def undo_branch(plan: BranchPlan) -> None:
    """Put the branch back where it was (delete it if this run created it); only if still ours."""
    if not plan.moved or plan.commit_sha is None:
        return
    repo = plan.repo
    try:
        if plan.old_sha is None:
            repo.git.update_ref("-d", plan.ref, plan.commit_sha)
        else:
            repo.git.update_ref("-m", "octoscaffold: undo", plan.ref, plan.old_sha, plan.commit_sha)
    except git.GitCommandError:
        return  # someone moved it meanwhile: leave their work alone
    plan.moved = False


def remote_url(repo: git.Repo, remote: str) -> str:
    if remote not in [r.name for r in repo.remotes]:
        known = ", ".join(r.name for r in repo.remotes) or "none"
        raise UserError(f"there is no git remote named '{printable(remote)}' (remotes: {printable(known)})",
                        hint="pass --remote NAME")
    return repo.git.remote("get-url", remote)


class PushTimeout(GitError):
    """The push did not finish in time; the remote may or may not have the branch."""


def push_branch(plan: BranchPlan, remote: str, timeout: float = PUSH_TIMEOUT) -> None:
    """Push the branch (never forced). Raises GitError with the remote's reason."""
    refspec = f"{plan.ref}:{plan.ref}"
    try:
        plan.repo.git.push("--porcelain", remote, refspec, env=_QUIET_ENV, kill_after_timeout=timeout)
    except git.GitCommandError as error:
        killed = isinstance(error.status, int) and error.status < 0
        if killed or "did not complete in" in output(error.stderr):  # GitPython stopped it (kill_after_timeout)
            raise PushTimeout(f"pushing {plan.branch} to {remote} did not finish within {timeout:g} s") from None
        raise GitError(printable(push_failure(error, remote, plan.branch))) from None  # hooks' text is the remote's


def output(text: object) -> str:
    """What git printed, without the `stderr: '...'` wrapping GitPython adds."""
    text = str(text or "").strip()
    match = re.fullmatch(r"(?:stdout|stderr): '(.*)'", text, re.DOTALL)
    return match.group(1) if match else text


# An HTTP status as git reports it ("returned error: 403"), never digits of a port ("port 40163").
_REFUSED = re.compile(r"authentication failed|could not read username|permission denied|\b(?:error:|http) 40[13]\b")


def push_failure(error: git.GitCommandError, remote: str, branch: str) -> str:
    """One line saying why a push failed, credentials removed."""
    stderr = output(error.stderr)
    text = redact(output(error.stdout) + "\n" + stderr)
    lower = text.lower()
    rejected = re.search(r"^!\t\S+\t\[(?:remote )?rejected\]\s*(?:\((.*)\))?", text, re.MULTILINE)
    if "non-fast-forward" in lower or "fetch first" in lower:
        return (
            f"{remote} already has a branch {branch} with other commits, so the push was rejected "
            f"(git fetch {remote} {branch}:{branch} and run again with --force, or choose another --branch)"
        )
    if rejected:
        reason = rejected.group(1) or "no reason given"
        return f"{remote} rejected the push of {branch}: {reason}"
    if _REFUSED.search(lower):
        return f"{remote} refused the credentials for the push (configure a git credential helper or an SSH key)"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if lines:
        reason = redact(lines[-1]).removeprefix("fatal: ").removeprefix("error: ")
    elif not isinstance(error.status, int):
        reason = f"git did not finish ({error.status})"
    else:
        reason = f"git exited with status {error.status}"
    return f"could not push {branch} to {remote}: {reason}"


def _stdin(text: str):
    """A real file holding `text` (git reads it as its standard input)."""
    stream = tempfile.TemporaryFile()
    stream.write(text.encode("utf-8"))
    stream.seek(0)
    return stream
