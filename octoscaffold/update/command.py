"""`octoscaffold update`: bring scaffolded projects up to date with the catalog, keeping edits."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from octoscaffold.commands.catalog import catalog_option

EXIT_BEHIND = 1  # --check found a project behind the catalog, or conflicts stopped an update
PUBLISHERS = 4  # review branches committed at once


@click.command()
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.option("--all", "every", is_flag=True, help="Every project with a stored spec (.octoscaffold/*.yaml).")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when any project is behind the catalog, listing each.")
@click.option("--conflicts", type=click.Choice(["refuse", "markers"]), default="refuse", show_default=True,
              help="On a true conflict: refuse that project (exit 1), or write git-style conflict markers and say so.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Update the files in this folder in place. Without it, each project's update goes onto a "
              "review branch octoscaffold/update-<slug> of the repository.")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path),
              help="Repository to update (default: the one around the current folder).")
@click.option("--base", metavar="BRANCH", help="Branch whose files are updated, and the pull request's target (default: the current one).")
@click.option("--branch", metavar="NAME", help="Review branch, for one project (default: octoscaffold/update-<slug>).")
@click.option("--push", is_flag=True, help="Push each review branch (never forced).")
@click.option("--remote", metavar="NAME", default="origin", show_default=True, help="Remote to push to.")
@click.option("--pr", is_flag=True, help="Open a pull request per project, or update the open one; implies --push.")
@click.option("--forge-url", metavar="URL", help="API root of a self-hosted forge (see `octoscaffold new --help`).")
@click.option("--pr-template", type=click.Path(dir_okay=False, path_type=Path), help="Jinja template for the pull request body.")
@click.option("--dry-run", is_flag=True, help="Print what would change; write, commit and push nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@catalog_option
def update(slugs, every, check, conflicts, out, repo, base, branch, push, remote, pr, forge_url, pr_template, dry_run,
           fmt, catalogs) -> None:
    """Re-render stored specs with today's catalog and merge the result into each project.

    For every file: base = what octoscaffold rendered last time (the git blob id the
    stored spec recorded), ours = the file now, theirs = the new render. Steps,
    actions, properties, variables and runbooks are matched by name, so your edits
    and the catalog's changes both survive; only the same thing changed on both
    sides is a conflict. A project whose spec recorded no provenance gets only what
    is missing (new steps, properties), and the rest is listed as not touched.
    With nothing new, nothing happens.

    \b
    Examples:
      octoscaffold update --check --all       # for CI: exit 1 if any project is behind
      octoscaffold update octopub-sam --pr    # review branch, pushed, pull request
      octoscaffold update --all --out .       # in place, in a folder

    Exit codes: 0 done or nothing to do, 1 behind (--check) or conflicts refused,
    2 usage or input error (a project that cannot be read), 3 git or forge failed.
    """
    from octoscaffold.catalog import load_catalog
    from octoscaffold.errors import UserError
    from octoscaffold.update import run

    given = [name for name, value in (("--push", push), ("--pr", pr), ("--branch", branch), ("--base", base),
                                      ("--forge-url", forge_url), ("--pr-template", pr_template), ("--repo", repo)) if value]
    if out is not None and given:
        raise UserError(f"{given[0]} is for a review branch, not for --out", hint=f"drop --out or {given[0]}")
    if check and (push or pr or branch):
        raise UserError("--check changes nothing; it takes no --push, --pr or --branch")
    markers = conflicts == "markers"
    if out is not None:
        from functools import partial

        from octoscaffold.update.sources import FolderSource

        if not out.is_dir():
            raise UserError(f"{out} is not a folder", hint="pass the folder that holds .octoscaffold/ and the project")
        open_source = partial(FolderSource, out)
    else:
        open_source = _git_source(repo, base, remote)
    source = open_source()
    try:
        label = source.label
        specs = run.select(source, slugs, every)
    finally:
        source.close()
    if branch is not None and len(specs) > 1:
        raise UserError("--branch names one review branch; more than one project is being updated", hint="drop --branch")
    load_catalog(extra=catalogs)  # a catalog that cannot be loaded is one error, not one per project
    updates = run.update_many(open_source, specs, catalogs, markers=markers)

    outcomes = {}
    behind = [item for item in updates if item.status == run.BEHIND]
    if not check and out is not None:
        outcomes = {item.slug: _write(item, out, dry_run) for item in behind}
    elif not check and behind:
        from concurrent.futures import ThreadPoolExecutor
        from functools import partial

        publish = partial(_publish, repo=repo, base=label, branch=branch, push=push, remote=remote, pr=pr,
                          forge_url=forge_url, pr_template=pr_template, dry_run=dry_run)
        # git does the work in its own processes: a few at once use every core
        with ThreadPoolExecutor(PUBLISHERS) as pool:
            outcomes = dict(zip([item.slug for item in behind], pool.map(publish, behind)))
    _report(updates, outcomes, fmt, check)
    if any(item.status == run.FAILED for item in updates):
        sys.exit(2)
    if any(item.status == run.CONFLICTS for item in updates) or (check and any(item.status != run.CURRENT for item in updates)):
        sys.exit(EXIT_BEHIND)


def _git_source(repo_path, base, remote):
    """A function opening the base branch's files (in this process or a worker)."""
    from functools import partial

    from octoscaffold.publish import git as plumbing
    from octoscaffold.update.sources import open_git

    repo = plumbing.open_repo(repo_path)
    try:
        base, commit = plumbing.base_commit(repo, base, remote)
        return partial(open_git, repo.git_dir, commit, base)
    finally:
        repo.close()


def _write(item, out: Path, dry_run: bool) -> dict:
    """Write one project's changes into the folder, all or nothing."""
    from octoscaffold.publish.folder import write_files

    if dry_run:
        return {"dry_run": True}
    files = {path: text for path, text in item.changed.items() if text is not None}
    done = write_files(files, out, force=True, recorded=item.removed)
    return {"written": done.written, "removed": done.removed, "kept": done.kept}


def _publish(item, repo, base, branch, push, remote, pr, forge_url, pr_template, dry_run) -> dict:
    from functools import partial

    from octoscaffold.publish.review import Options, Proposal, publish_proposal
    from octoscaffold.update import body

    proposal = Proposal(
        files=item.files,
        base_path=item.base_path,
        branch=branch or f"octoscaffold/update-{item.slug}",
        message=body.commit_message(item),
        describe=partial(body.describe, item),
        body_template=body.TEMPLATE,
    )
    options = Options(repo=repo, base=base, push=push, remote=remote, pr=pr, forge_url=forge_url,
                      pr_template=pr_template, dry_run=dry_run, force=True)
    return {"outcome": publish_proposal(proposal, options)}


def _change_line(path: str, change) -> str:
    from octoscaffold.inputs import printable

    sides = f" (yours: {change.ours}; catalog: {change.theirs})" if change.ours or change.theirs else ""
    return printable(f"{path}: {change.path} {change.kind}{sides}")


def _report(updates, outcomes: dict, fmt: str, check: bool) -> None:
    if fmt == "json":
        click.echo(json.dumps([_as_json(item, outcomes.get(item.slug)) for item in updates], indent=2, ensure_ascii=False))
        return
    from octoscaffold.inputs import printable
    from octoscaffold.update import body, run

    for item in updates:
        if item.status == run.FAILED:  # one line each, on stderr like every other error
            click.echo(f"octoscaffold: error: {item.slug}: cannot update: {item.error}", err=True)
            continue
        where = body.versions(item)
        if item.status == run.CURRENT:
            click.echo(f"{item.slug}: up to date ({where})")
            continue
        if item.status == run.CONFLICTS:
            click.echo(f"{item.slug}: {len(item.conflicts)} conflict{'s' * (len(item.conflicts) != 1)} with the catalog "
                       f"({where}); nothing was written for it (--conflicts markers writes them as markers):")
            for path, change in item.conflicts:
                click.echo(f"  {_change_line(path, change)}")
            continue
        summary = f"{len(item.applied)} catalog change{'s' * (len(item.applied) != 1)}, {len(item.kept)} of your edits kept"
        click.echo(f"{item.slug}: {'behind' if check else 'update'} ({where}): {summary}")
        for path, text in sorted(item.changed.items()):
            if path != item.spec_path:
                click.echo(f"  {'D' if text is None else 'M'} {printable(path)}")
        for line in item.practices:
            click.echo(printable(f"  practice {line}"))
        if item.unknown_base:
            click.echo(f"  no record of the last render for {len(item.unknown_base)} file(s): only what was missing was added")
            for path, change in item.untouched:
                click.echo(f"  not touched: {_change_line(path, change)}")
        if item.markers:
            click.echo(f"  {len(item.conflicts)} conflict(s) written as markers; these files do not parse until resolved:")
            for path, change in item.conflicts:
                click.echo(f"    {_change_line(path, change)}")
        for finding in item.findings:
            click.echo(printable(f"  lint: {finding}"))
        _report_outcome(outcomes.get(item.slug))


def _report_outcome(outcome: dict | None) -> None:
    from octoscaffold.inputs import printable

    if outcome is None:
        return
    if outcome.get("dry_run"):
        click.echo("  dry run: nothing was written")
        return
    if "written" in outcome:
        for path in outcome["removed"]:
            click.echo(f"  removed {printable(path)}")
        for path in outcome["kept"]:
            click.echo(f"  kept {printable(path)} (edited since; remove it yourself if it should go)")
        click.echo(f"  wrote {len(outcome['written'])} file(s)")
        return
    result = outcome["outcome"]
    short = (result.commit_sha or "")[:7]
    if result.dry_run:
        click.echo(f"  dry run: would commit to {result.branch} from {result.base}")
    elif result.action == "unchanged":
        click.echo(f"  branch {result.branch} already holds this update ({short})")
    else:
        click.echo(f"  committed to {result.branch} as {short}")
    if result.pushed:
        click.echo(f"  pushed to {result.remote}")
    if result.pull_request is not None:
        verb = "opened" if result.pull_request.created else "updated the open"
        click.echo(f"  {verb} {result.forge.what} {result.pull_request.url}")


def _as_json(item, outcome: dict | None) -> dict:
    def rows(pairs):
        return [{"file": p, "where": c.path, "kind": c.kind, "base": c.base, "ours": c.ours, "theirs": c.theirs} for p, c in pairs]

    data = {
        "slug": item.slug, "status": item.status, "template": item.template, "old_version": item.old_version,
        "new_version": item.new_version, "error": item.error,
        "files": {p: ("D" if t is None else "M") for p, t in sorted(item.changed.items())},
        "practices": item.practices, "applied": rows(item.applied), "kept": rows(item.kept),
        "untouched": rows(item.untouched), "conflicts": rows(item.conflicts), "markers": item.markers,
        "lint": [str(f) for f in item.findings],
    }
    if outcome and "outcome" in outcome:
        result = outcome["outcome"]
        data["branch"] = {"name": result.branch, "action": result.action, "commit": result.commit_sha, "pushed": result.pushed,
                          "pull_request": result.pull_request.url if result.pull_request else None}
    elif outcome and "written" in outcome:
        data["written"], data["removed"] = outcome["written"], outcome["removed"]
    return data
