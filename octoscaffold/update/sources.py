"""Where `update` reads a project's files: a branch of a git repository, or a folder.

Both answer three questions: which stored specs are there (`.octoscaffold/*.yaml`), what does a
file hold now ("ours"), and what did octoscaffold render last time ("base", by the git blob id the
stored spec recorded). Reads are bounded like every other reader of user input.
"""

from __future__ import annotations

import os
from pathlib import Path

from octoscaffold.errors import UserError
from octoscaffold.inputs import MAX_OCL_BYTES, printable, read_bytes
from octoscaffold.render import SPEC_FOLDER

MAX_SPECS = 5_000  # stored specs in one repository
_FILE_MODES = ("100644", "100755")


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise UserError(f"{printable(where)} is not UTF-8 text", hint="save it as UTF-8, or restore the generated file") from None


class Objects:
    """Blobs of a repository's object database, read through one `git cat-file --batch`."""

    def __init__(self, repo) -> None:
        self.repo = repo

    def blob(self, sha: str, where: str) -> str | None:
        """The text of blob `sha`, or None when the repository does not have it."""
        try:
            info = self.repo.odb.info(bytes.fromhex(sha))
        except (ValueError, OSError):  # git cat-file does not have it
            return None
        if info.type != b"blob":
            return None
        if info.size > MAX_OCL_BYTES:
            raise UserError(f"{printable(where)} holds {info.size:,} bytes; an OCL file is at most {MAX_OCL_BYTES:,}")
        return _text(self.repo.odb.stream(bytes.fromhex(sha)).read(), where)


class GitSource:
    """The files of one commit (the tip of the base branch); nothing in the checkout is read."""

    def __init__(self, repo, commit: str, label: str) -> None:
        self.repo, self.commit, self.label = repo, commit, label
        self.objects = Objects(repo)
        self._tree: dict[str, tuple[str, str]] | None = None

    def _entries(self) -> dict[str, tuple[str, str]]:
        """{path: (mode, blob id)} of every file in the commit, listed once."""
        if self._tree is None:
            from octoscaffold.publish import git as plumbing

            self._tree = plumbing.tree_entries(self.repo, self.commit, ["."])
        return self._tree

    def close(self) -> None:
        self.repo.close()

    def specs(self) -> list[str]:
        found = sorted(p for p, (mode, _) in self._entries().items()
                       if p.startswith(SPEC_FOLDER + "/") and p.endswith(".yaml") and p.count("/") == 1 and mode == "100644")
        return _bounded(found)

    def files_under(self, folder: str) -> dict[str, str]:
        """{path: blob id} of the regular files under `folder`."""
        prefix = folder.rstrip("/") + "/"
        return {p: sha for p, (mode, sha) in self._entries().items() if p.startswith(prefix) and mode in _FILE_MODES}

    def read(self, path: str) -> str | None:
        entry = self._entries().get(path)
        if entry is None or entry[0] not in _FILE_MODES:
            return None
        return self.objects.blob(entry[1], f"{self.label}:{path}")

    def blob(self, sha: str, path: str) -> str | None:
        return self.objects.blob(sha, f"{path} as rendered ({sha[:7]})")

    def at_last_spec_commit(self, spec_path: str, path: str) -> str | None:
        """`path` as it was in the last commit that changed the stored spec: the render it was
        committed with, unless the user edited the file in that same commit."""
        from octoscaffold.publish import git as plumbing

        last = self.repo.git.log("-1", "--format=%H", self.commit, "--", spec_path).strip()
        if not last:
            return None
        entry = plumbing.tree_entries(self.repo, last, [path]).get(path)
        return self.objects.blob(entry[1], f"{path} at {last[:7]}") if entry else None


def open_git(path: str, commit: str, label: str) -> GitSource:
    import git

    return GitSource(git.Repo(path), commit, label)


class FolderSource:
    """The files in a folder on disk; blobs are looked up in the git repository around it, if any."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.label = str(root)
        self.objects = None
        import git

        try:
            self.objects = Objects(git.Repo(self.root, search_parent_directories=True))
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            pass  # no repository around it: a base is known only where a file is as it was rendered

    def close(self) -> None:
        if self.objects is not None:
            self.objects.repo.close()

    def specs(self) -> list[str]:
        folder = self.root / SPEC_FOLDER
        if folder.is_symlink() or not folder.is_dir():
            return []
        found = sorted(f"{SPEC_FOLDER}/{p.name}" for p in folder.iterdir() if p.suffix == ".yaml" and not p.is_symlink() and p.is_file())
        return _bounded(found)

    def files_under(self, folder: str) -> dict[str, str]:
        from octoscaffold.provenance import blob_id

        top = self.root / folder
        if top.is_symlink() or not top.is_dir():
            return {}
        found = {}
        for current, names, files in os.walk(top):  # links are neither followed nor listed
            names[:] = [n for n in names if not os.path.islink(os.path.join(current, n))]
            for name in files:
                path = Path(current, name)
                if path.is_symlink() or not path.is_file():
                    continue
                relative = path.relative_to(self.root).as_posix()
                found[relative] = blob_id(read_bytes(path, "project file", limit=MAX_OCL_BYTES))
        return found

    def read(self, path: str) -> str | None:
        target = self.root / path
        if _linked(self.root, path) or not target.is_file():
            return None
        return _text(read_bytes(target, "project file", limit=MAX_OCL_BYTES), str(target))

    def blob(self, sha: str, path: str) -> str | None:
        return self.objects.blob(sha, f"{path} as rendered ({sha[:7]})") if self.objects else None

    def at_last_spec_commit(self, spec_path: str, path: str) -> str | None:
        return None  # a folder has no history of its own


def _linked(root: Path, relative: str) -> bool:
    """Whether any step from `root` down to `relative` is a symbolic link (never read through one)."""
    path = root
    for part in Path(relative).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


def _bounded(found: list[str]) -> list[str]:
    if len(found) > MAX_SPECS:
        raise UserError(f"{len(found):,} stored specs; update reads at most {MAX_SPECS:,} at once", hint="name the projects to update")
    return found
