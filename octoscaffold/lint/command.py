"""`octoscaffold lint`: flags in, `lint_paths` out. Only click is imported at module level."""

from __future__ import annotations

from pathlib import Path

import click


def _split(values: tuple[str, ...]) -> list[str]:
    """`--select VAR --select PROC001,PROC002` → ["VAR", "PROC001", "PROC002"]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def write_report(path: Path, text: str) -> None:
    """Write the report to `path`, or raise UserError in one line (a missing folder, no permission).

    Opened without blocking, so a FIFO that nobody reads is refused instead of hanging; one that is
    read (`--output /dev/stdout` in a pipeline) is written normally."""
    import errno
    import os

    from octoscaffold.errors import UserError
    from octoscaffold.inputs import printable

    shown = printable(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags, 0o666)
    except OSError as problem:
        if problem.errno == errno.ENXIO:
            reason = "it is a pipe nobody reads"
        elif isinstance(problem, FileNotFoundError):
            reason = "its folder does not exist; create it first"
        else:
            reason = problem.strerror or str(problem)
        raise UserError(f"{shown}: cannot write the report ({reason})") from None
    try:
        os.set_blocking(handle, True)
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(handle, data) :]
    except OSError as problem:
        raise UserError(f"{shown}: cannot write the report ({problem.strerror or problem})") from None
    finally:
        os.close(handle)


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))  # reading says what is wrong
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="text (grouped by file), json, sarif (2.1.0, for code scanning) or github (workflow annotations).",
)
@click.option("--select", multiple=True, metavar="IDS", help="Only these rules: ids or prefixes, comma-separated (e.g. VAR,PROC003).")
@click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rules: ids or prefixes, comma-separated.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Exit 1 when a finding is at least this severe [default: the config's, else warning].",
)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config file (default: the nearest .octoscaffold.toml up to the repository root).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file instead of standard output.")
@click.option("--color/--no-color", default=None, help="Colour the text format (default: when writing to a terminal).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True, help="Processes for large trees; 0 means one per core.")
@click.option("--list-rules", is_flag=True, help="List the rules with their ids and severities, then exit.")
@click.option("--server", metavar="URL", help="Lint a live Octopus space instead of files (read-only; key from OCTOPUS_API_KEY).")
@click.option("--space", metavar="NAME", help="Space of --server, by name or id (default: the default space).")
@click.option("--workers", type=click.IntRange(min=1, max=32), default=4, show_default=True, help="Requests in flight with --server.")
def lint(
    paths: tuple[Path, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: Path | None,
    output: Path | None,
    color: bool | None,
    jobs: int,
    list_rules: bool,
    server: str | None = None,
    space: str | None = None,
    workers: int = 4,
) -> None:
    """Check OCL files against Octopus Deploy best practices, offline.

    PATHS are .ocl files or folders (default: the current folder). Files of one
    project are checked together; findings are reported for the files named.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on,
    2 usage error or a file that does not parse.

    \b
    Examples:
      octoscaffold lint .octopus
      octoscaffold lint --format sarif --output lint.sarif .octopus
      octoscaffold lint --select VAR,PROC --fail-on error .octopus/my-app
      octoscaffold lint --server https://octopus.example.com --space Default
    """
    import os
    import sys

    from octoscaffold.lint import (
        RULES,
        LintConfig,
        find_config,
        lint_paths,
        load_config,
    )
    from octoscaffold.lint.report import render

    if server is not None or space is not None:  # a live space (octoscaffold.octopus.space)
        from octoscaffold.errors import UserError
        from octoscaffold.octopus.space import run

        if paths:
            raise UserError("--server lints a live space; give no PATHS with it")
        text, code = run(server=server, space=space, select=_split(select), ignore=_split(ignore), fail_on=fail_on,
                         config_path=config_path, fmt=fmt, colour=color, workers=workers, list_rules=list_rules,
                         to_terminal=output is None and sys.stdout.isatty())
        if output is not None:
            write_report(output, text)
        else:
            click.echo(text, nl=False)
        click.get_current_context().exit(code)
    if list_rules:
        for rule_id in sorted(RULES):
            current = RULES[rule_id]
            click.echo(f"{rule_id:<8} {current.severity:<8} {current.title}")
        return
    targets = list(paths) or [Path(".")]
    if config_path is None:
        try:
            config_path = find_config(targets[0])
        except OSError as problem:  # a name too long, a loop of links: say so in one line
            from octoscaffold.errors import UserError
            from octoscaffold.inputs import printable

            raise UserError(f"{printable(targets[0])}: cannot read it ({problem.strerror or problem})") from None
    config = load_config(config_path) if config_path is not None else LintConfig()
    config = config.with_flags(select=_split(select), ignore=_split(ignore), fail_on=fail_on)
    report = lint_paths(targets, config, jobs=jobs or os.cpu_count() or 1)
    # A project octoscaffold generated keeps its spec in .octoscaffold/<slug>.yaml: practices it
    # switched off are reported as off by choice, not as findings (octoscaffold.lint.choices).
    from octoscaffold.lint.choices import apply_spec_choices

    apply_spec_choices(report)
    if output is not None:
        write_report(output, render(report, fmt))
    else:
        colour = color if color is not None else (fmt == "text" and sys.stdout.isatty())
        click.echo(render(report, fmt, colour=colour), nl=False)
    click.get_current_context().exit(report.exit_code)
