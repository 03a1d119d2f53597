"""The command reference at the end of docs/cli.md, generated from the command tree itself, so
options, their help and the exit codes can never drift from what the commands do.

    python -m octoscaffold.commands.reference docs/cli.md    # rewrite the reference section
    python -m octoscaffold.commands.reference --check docs/cli.md
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

BEGIN = "<!-- reference: generated from the commands by `python -m octoscaffold.commands.reference docs/cli.md`; do not edit by hand -->"
END = "<!-- end of the generated reference -->"


def _commands(group: click.Group, ctx: click.Context, prefix: str):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, click.Context(command, info_name=name, parent=ctx), path)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _option_row(param: click.Parameter, ctx: click.Context) -> str | None:
    if not isinstance(param, click.Option):  # arguments are in the usage line
        return None
    record = param.get_help_record(ctx)
    if record is None:
        return None
    names, help_text = record
    return f"| `{_cell(names)}` | {_cell(help_text)} |"


def reference() -> str:
    """The reference section: every command with its usage, summary, arguments and options."""
    from octoscaffold.cli import cli
    from octoscaffold.errors import EXIT_EXTERNAL, EXIT_FOUND, EXIT_OK, EXIT_USAGE

    root = click.Context(cli, info_name="octoscaffold", **cli.context_settings)
    lines = [BEGIN, "", "## Reference", ""]
    lines += [
        "Every command and option, as `--help` shows them. Exit codes of every command: "
        f"{EXIT_OK} success, {EXIT_FOUND} found something, {EXIT_USAGE} usage or input error, "
        f"{EXIT_EXTERNAL} an external service failed.",
        "",
    ]
    for path, command in _commands(cli, root, "octoscaffold"):
        ctx = click.Context(command, info_name=path.split()[-1], parent=root)
        pieces = command.collect_usage_pieces(ctx)
        lines += [f"### `{path}`", "", "```", f"{path} {' '.join(pieces)}".rstrip(), "```", ""]
        summary = (command.help or "").split("\n\n")[0]
        if summary:
            lines += [" ".join(summary.split()), ""]
        rows = [row for param in command.get_params(ctx) if (row := _option_row(param, ctx))]
        if rows:
            lines += ["| option | meaning |", "|---|---|", *rows, ""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def rewrite(text: str) -> str:
    """`text` (docs/cli.md) with its reference section replaced, or appended if it has none."""
    section = reference()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + section.rstrip("\n") + tail
    return text.rstrip("\n") + "\n\n" + section


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    path = Path(paths[0] if paths else "docs/cli.md")
    text = path.read_text(encoding="utf-8")
    new = rewrite(text)
    if check:
        if new != text:
            print(f"{path}: the command reference is out of date; run python -m octoscaffold.commands.reference {path}")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
