"""Questions on the terminal when a prompt leaves the name or kind open (never without a terminal)."""

from __future__ import annotations

import sys

import click


def interactive() -> bool:
    """Only a person at a terminal is asked; pipes, CI logs and --yes never are."""
    return sys.stdin.isatty() and sys.stderr.isatty()


class TerminalAsker:
    """Asks on stderr, so stdout keeps only the command's result (`plan` prints the spec there)."""

    def name(self, guess: str | None) -> str | None:
        return click.prompt("The prompt names no project. Project name", default=guess or None, err=True)

    def kind(self, options: list[str], everything: list[str], why: str) -> str | None:
        click.echo(f"{why[0].upper()}{why[1:]}. Closest: {', '.join(options)}", err=True)
        return click.prompt(
            "Kind of project (any catalog id)",
            type=click.Choice(everything),
            default=options[0] if options else None,
            show_choices=False,
            err=True,
        )

    def confirm_kind(self, kind: str, typed: str) -> bool:
        return click.confirm(f'Read "{typed}" as the kind {kind}. Is that right?', default=True, err=True)
