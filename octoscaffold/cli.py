"""The `octoscaffold` command: flags in, library calls out. Heavy modules load inside commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from octoscaffold import __version__
from octoscaffold.commands.catalog import catalog_option
from octoscaffold.errors import EXIT_FOUND, OctoscaffoldError

SEED = 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"'


# Commands defined beside the library they drive, imported only when used (keeps start-up fast).
LAZY_COMMANDS = {
    "apply": "octoscaffold.octopus.apply:apply",
    "diagnose": "octoscaffold.diagnose.command:diagnose",
    "lint": "octoscaffold.lint.command:lint",
    "catalog": "octoscaffold.commands.catalog:catalog",
    "spec": "octoscaffold.commands.spec:spec",
    "update": "octoscaffold.update.command:update",
}


def _ocl_error() -> type[Exception]:
    """The OCL library's error root, if that library was loaded (it is a leaf with its own)."""
    module = sys.modules.get("octoscaffold.ocl.errors")
    return module.OclError if module is not None else OctoscaffoldError


class _Group(click.Group):
    """Turns library errors into one line on stderr and the documented exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for name in LAZY_COMMANDS if self._load(name) is not None]
        return sorted([*super().list_commands(ctx), *lazy])

    def get_command(self, ctx: click.Context, name: str):
        return super().get_command(ctx, name) or self._load(name)

    @staticmethod
    def _load(name: str):
        import importlib

        if name not in LAZY_COMMANDS:
            return None
        module, attribute = LAZY_COMMANDS[name].split(":")
        try:
            return getattr(importlib.import_module(module), attribute)
        except ModuleNotFoundError as error:
            if error.name and module.startswith(error.name):
                return None  # that part of octoscaffold is not there
            raise

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (OctoscaffoldError, _ocl_error()) as error:
            from octoscaffold.inputs import printable

            # One line, whatever the message quotes (paths that are not UTF-8, text from servers).
            click.echo(f"octoscaffold: error: {printable(error)}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="octoscaffold")
def cli() -> None:
    """Turn a sentence into an Octopus Deploy Config-as-Code project that follows best practices.

    \b
    Example:
      octoscaffold new 'Create an AWS Lambda project called "OctoPub SAM"' --out .

    Exit codes: 0 success, 1 found something (lint findings, fmt --check),
    2 usage or input error, 3 an external service failed.
    """


def _echo_warnings(warnings: list[str], hint: bool = False) -> None:
    from octoscaffold.inputs import printable

    for warning in warnings:  # they quote the prompt: escaped like any text from outside
        click.echo(f"octoscaffold: warning: {printable(warning)}", err=True)
    if warnings and hint:
        click.echo(
            "octoscaffold: hint: with a model configured (--model), what the rules did not understand "
            "is asked of the model (docs/llm.md)",
            err=True,
        )


def _echo_sources(sources: dict[str, str]) -> None:
    """Which values came from the organisation defaults, one line per settings file (stderr)."""
    by_origin: dict[str, list[str]] = {}
    for path, origin in sources.items():
        by_origin.setdefault(origin, []).append(path)
    for origin, paths in by_origin.items():
        click.echo(f"octoscaffold: from the [defaults] of the {origin}: {', '.join(paths)}", err=True)


def _report(scaffold, out: Path, done) -> None:
    """What was written (and removed), which defaults were applied, and what must exist in Octopus."""
    from octoscaffold.inputs import printable

    click.echo(f"Wrote {len(done.written)} files to {printable(out)}:")
    for path in done.written:
        click.echo(f"  {path}")
    if done.removed:
        click.echo("Removed files an earlier render made that this one does not:")
        for path in done.removed:
            click.echo(f"  {path}")
    for path in done.kept:
        click.echo(f"octoscaffold: warning: {path} was made by an earlier render and edited since; left in place", err=True)
    _report_details(scaffold)


def _report_details(scaffold) -> None:
    from octoscaffold.policy import OPTIONAL_PRACTICES  # [opt]: available, not asked for

    click.echo("\nBest practices:")
    for practice in scaffold.spec.practices:
        mark = "on " if practice.applied else ("opt" if practice.id in OPTIONAL_PRACTICES else "off")
        click.echo(f"  [{mark}] {practice.id}: {practice.detail}")
    prereqs = scaffold.prerequisites
    click.echo(f'\nMust exist in the Octopus space "{scaffold.spec.project.space}" first:')
    for requirement in prereqs.required[1:]:
        click.echo(f"  - {requirement}")
    if prereqs.recommended:
        click.echo("\nRecommended:")
        for requirement in prereqs.recommended:
            click.echo(f"  - {requirement}")
    click.echo(f"\nThen: {prereqs.connect}")
    click.echo(f"With the Octopus CLI:\n  {prereqs.command}")


def _report_review(scaffold, outcome) -> None:
    """Where the files went: branch, push, pull request (for a dry run: where they would go)."""
    short = (outcome.commit_sha or "")[:7]
    if outcome.dry_run:
        click.echo("Dry run: nothing was written, pushed or opened.")
        verb = {
            "create": f"would be created from {outcome.base}",
            "update": "exists; a commit replacing the project's files would be added",
            "unchanged": "already holds these files; nothing to commit",
        }[outcome.action]
        click.echo(f"Branch {outcome.branch} {verb} ({outcome.base} is at {outcome.base_sha[:7]}).")
    elif outcome.action == "unchanged":
        click.echo(f"Branch {outcome.branch} already holds these files (commit {short}); nothing to commit.")
    else:
        how = f"new, from {outcome.base}" if outcome.action == "create" else "added to the existing branch"
        click.echo(f"Committed to branch {outcome.branch} ({how}) as {short}.")
    if outcome.action != "unchanged":
        click.echo(f"Commit: {outcome.message.splitlines()[0]}")
        for change in outcome.changes:
            click.echo(f"  {change.status} {change.path}")
    if outcome.remote:
        where = f"{outcome.remote} ({outcome.remote_url})"
        click.echo(f"Would push it to {where}, without force." if outcome.dry_run else f"Pushed to {where}.")
    forge = outcome.forge
    if forge is not None and outcome.dry_run:
        click.echo(
            f"Would open a {forge.what} on {forge.name} {forge.path} from {outcome.branch} into {outcome.base} "
            f"(or update the open one).\nTitle: {outcome.title}\n\n{outcome.body}",
            nl=False,
        )
        return
    if forge is not None and outcome.pull_request is not None:
        pr = outcome.pull_request
        mark = "!" if forge.kind in ("gitlab", "azure") else "#"
        verb = "Opened" if pr.created else "Updated the open"
        click.echo(f"{verb} {forge.what} {mark}{pr.number}: {pr.url}")
    _report_details(scaffold)


_UNDERSTANDING = (
    "parser", "model", "base_url", "name_", "template", "group", "space", "lifecycle", "environments", "strict", "yes",
)

_out_option = click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="Folder to write into. Without it, the files go onto a review branch of the repository.",
)
_force_option = click.option(
    "--force", is_flag=True, help="Overwrite this project's files in --out, or replace them on the branch."
)
_BRANCH_OPTIONS = [
    click.option(
        "--repo",
        type=click.Path(file_okay=False, path_type=Path),
        help="Repository to commit to (default: the one around the current folder).",
    ),
    click.option("--base", metavar="BRANCH", help="Branch to start from and merge into (default: the current one)."),
    click.option("--branch", metavar="NAME", help="Review branch (default: octoscaffold/<project-slug>)."),
    click.option("--push", is_flag=True, help="Push the review branch (never forced)."),
    click.option("--remote", metavar="NAME", default="origin", show_default=True, help="Remote to push to."),
    click.option(
        "--pr",
        is_flag=True,
        help="Open a pull request, or update the open one; implies --push. "
        "Token from GH_TOKEN/GITHUB_TOKEN, GITLAB_TOKEN, AZURE_DEVOPS_TOKEN/SYSTEM_ACCESSTOKEN or BITBUCKET_TOKEN.",
    ),
    click.option(
        "--forge-url",
        metavar="URL",
        help="API root of a self-hosted forge: https://HOST/api/v3 (GitHub Enterprise), https://HOST/api/v4 (GitLab), "
        "https://HOST/COLLECTION (Azure DevOps Server), https://HOST/rest/api/1.0 (Bitbucket Data Center).",
    ),
    click.option(
        "--pr-template", type=click.Path(dir_okay=False, path_type=Path), help="Jinja template for the pull request body."
    ),
    click.option("--dry-run", is_flag=True, help="Print the branch, files and pull request; change nothing."),
]


def _branch_options(command):
    for option in reversed(_BRANCH_OPTIONS):
        command = option(command)
    return command


def _publish(result, out: Path | None, force: bool, options: dict) -> None:
    """Write to --out, or publish to a review branch of the repository."""
    from octoscaffold.errors import UserError

    defaults = {"remote": "origin"}
    given = [
        f"--{name.replace('_', '-')}"
        for name, value in options.items()
        if value not in (None, False) and value != defaults.get(name)  # `--branch ''` was given too
    ]
    if out is not None:
        if given:
            raise UserError(f"{given[0]} is for a review branch, not for --out", hint=f"drop --out or {given[0]}")
        from octoscaffold import scaffold

        done = scaffold.write(result, out, force=force)
        _report(result, out, done)
        return
    from octoscaffold.publish.review import Options, publish

    outcome = publish(result, Options(force=force, **options))
    _report_review(result, outcome)


def _parser_options(function):
    """How a prompt is understood: parser and model, values that override it, and asking."""
    options = [
        click.option(
            "--parser",
            type=click.Choice(["auto", "rules", "llm"]),
            default="auto",
            show_default=True,
            help="The offline rules alone, the rules with a model for what they leave open, or that "
            "model whenever one is configured (auto).",
        ),
        click.option(
            "--model",
            envvar="OCTOSCAFFOLD_MODEL",
            help="Model asked about what the rules leave open; setting one makes --parser auto use it "
            "[env: OCTOSCAFFOLD_MODEL].",
        ),
        click.option(
            "--base-url",
            envvar="OPENAI_BASE_URL",
            help="OpenAI-compatible endpoint of the model [env: OPENAI_BASE_URL].",
        ),
        click.option("--name", "name_", metavar="NAME", help="Project name, whatever the prompt says."),
        click.option("--template", "-t", metavar="KIND", help="Kind of project (a catalog id), whatever the prompt says."),
        click.option("--group", metavar="GROUP", help="Project group, whatever the prompt says."),
        click.option("--space", metavar="SPACE", help="Octopus space, whatever the prompt says."),
        click.option("--lifecycle", metavar="NAME", help="Lifecycle name, whatever the prompt says."),
        click.option(
            "--environments",
            metavar="A,B,...",
            help="Environments in promotion order, comma-separated, whatever the prompt says.",
        ),
        click.option("--strict", is_flag=True, help="Treat any warning (a guess, words not understood) as an error: exit 2."),
        click.option("--yes", "-y", is_flag=True, help="Never ask on the terminal; refuse instead when the name or kind is missing."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _understood(prompt: str, catalog, *, err: bool, parser: str, model, base_url, name_, template, group, space,
                lifecycle, environments, strict: bool, yes: bool):
    """The resolved spec of a prompt. Says how it was understood (on stderr when stdout carries
    the result), then every warning; with --strict a warning is an error."""
    from octoscaffold import scaffold
    from octoscaffold.commands.ask import TerminalAsker, interactive
    from octoscaffold.errors import UserError
    from octoscaffold.understand import Overrides, configured_model
    from octoscaffold.understand.progress import waiting

    overrides = Overrides(
        name=name_, template=template, group=group, space=space, lifecycle=lifecycle,
        environments=tuple(e.strip() for e in (environments or "").split(",") if e.strip()),
    )
    from octoscaffold.defaults import organisation_defaults

    ask = TerminalAsker() if not yes and interactive() else None
    spec, used = scaffold.plan_with(
        prompt, catalog, parser=parser, model=model, base_url=base_url, progress=waiting, overrides=overrides, ask=ask,
        defaults=organisation_defaults(),
    )
    chosen = configured_model(model, base_url) if parser != "rules" else None
    if used == "rules+llm":
        how = f"the rules parser and the model {chosen}"
    elif chosen:
        how = f"the rules parser (nothing was left open for the model {chosen})"
    else:
        how = "the rules parser" + (" (no model configured)" if parser == "auto" else "")
    click.echo(f"octoscaffold: understood by {how}" if err else f"Understood by {how}.", err=err)
    _echo_sources(spec.sources)
    _echo_warnings(spec.warnings, hint=not chosen and not strict and any(w.startswith("not understood") for w in spec.warnings))
    if strict and spec.warnings:
        count = len(spec.warnings)
        raise UserError(
            f"--strict: the prompt left {count} warning{'s' if count > 1 else ''}",
            hint="say it plainly in the prompt, or give the value as a flag (--name, --template, ...)",
        )
    return spec


@cli.command()
@click.argument("prompt")
@_out_option
@_force_option
@_branch_options
@_parser_options
@catalog_option
def new(prompt: str, out: Path | None, force: bool, catalogs: tuple[Path, ...], **options) -> None:
    """Scaffold a project from a PROMPT into --out, or onto a review branch.

    Writes .octopus/<slug>/ (deployment_process.ocl, deployment_settings.ocl,
    variables.ocl, schema_version.ocl, runbooks/) and the resolved spec in
    .octoscaffold/<slug>.yaml, then lists what must exist in Octopus.

    Without --out, inside a git repository (or with --repo), the files are
    committed to the branch octoscaffold/<slug> without touching the checkout;
    --push pushes it and --pr opens a pull request.

    Anything guessed or not understood is said as a warning. On a terminal a
    missing name or kind is asked for; --name, --template and the like
    override the prompt, and --strict refuses any guess.

    \b
    Example:
      octoscaffold new 'Create an AWS Lambda project called "OctoPub SAM" in the project group "AWS"' --out .
      octoscaffold new 'k8s project for the orders api, envs dev/staging/prod' --out .
      octoscaffold new 'Create an AWS Lambda project called "OctoPub SAM"' --pr
    """
    from octoscaffold import scaffold
    from octoscaffold.catalog import load_catalog

    catalog = load_catalog(extra=catalogs)
    understanding = {k: options.pop(k) for k in _UNDERSTANDING}
    spec = _understood(prompt, catalog, err=False, **understanding)
    result = scaffold.build(spec, catalog)
    _publish(result, out, force, options)


@cli.command()
@click.argument("prompt")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Output format of the spec.",
)
@_parser_options
@catalog_option
def plan(prompt: str, fmt: str, catalogs: tuple[Path, ...], **understanding) -> None:
    """Print the spec a PROMPT resolves to, without writing anything.

    Save it, edit it, and render it with `octoscaffold render`. Warnings go
    to stderr; the options that override the prompt are those of `new`.

    \b
    Example:
      octoscaffold plan 'Create an AWS Lambda project called "Audit Trail" in the us-west-2 region' > spec.yaml
      octoscaffold plan 'lambda for pay-svc, nodejs20.x, 512 MB, no approval' --strict
    """
    from octoscaffold.catalog import load_catalog
    from octoscaffold.spec import dump_spec

    spec = _understood(prompt, load_catalog(extra=catalogs), err=True, **understanding)
    click.echo(dump_spec(spec, fmt), nl=False)


@cli.command()
@click.argument("spec_file", metavar="SPEC", type=click.Path(dir_okay=False, path_type=Path))
@_out_option
@_force_option
@_branch_options
@catalog_option
def render(spec_file: Path, out: Path | None, force: bool, catalogs: tuple[Path, ...], **options) -> None:
    """Render a SPEC file (YAML or JSON) into --out or onto a review branch, without a prompt.

    A minimal spec is enough; missing fields take the best-practice defaults.
    The branch options work as for `new`.

    \b
    Example:
      octoscaffold render spec.yaml --out .
      octoscaffold render spec.yaml --push --force
    """
    from octoscaffold import scaffold
    from octoscaffold.spec import load_spec

    from octoscaffold.catalog import load_catalog

    result = scaffold.build(load_spec(spec_file), load_catalog(extra=catalogs))
    _publish(result, out, force, options)


@cli.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if any file would change.")
@click.option("--diff", is_flag=True, help="Print a unified diff of the changes.")
def fmt_command(paths: tuple[Path, ...], check: bool, diff: bool) -> None:
    """Rewrite OCL files in the layout Octopus itself writes.

    PATHS are files or folders (searched for *.ocl). With --check or --diff
    nothing is written. Syntax errors are reported as path:line:col and exit 2.

    \b
    Example:
      octoscaffold fmt --check .octopus
    """
    from octoscaffold.errors import EXIT_USAGE
    from octoscaffold.ocl.fmt import format_paths

    report = format_paths(list(paths), write=not (check or diff))
    changed = [f for f in report.files if f.changed]
    for result in changed:
        if diff:
            click.echo(result.diff(), nl=False)
        elif check:
            click.echo(f"would reformat {result.path}")
        else:
            click.echo(f"reformatted {result.path}")
    for error in report.errors:
        click.echo(f"octoscaffold: error: {error}", err=True)
    if report.errors:
        sys.exit(EXIT_USAGE)
    if changed and (check or diff):
        sys.exit(EXIT_FOUND)


def main() -> None:
    import os

    # octoscaffold uses no pydantic plugins; looking for them costs ~40 ms at every start.
    # An explicit setting (even an empty one) is respected.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    cli(prog_name="octoscaffold")


if __name__ == "__main__":
    main()
