"""docs/cli.md's command reference is generated from the commands: it cannot drift."""

from __future__ import annotations

from conftest import REPO

from octoscaffold.commands.reference import BEGIN, END, main, reference, rewrite


def test_the_reference_in_docs_matches_the_commands():
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert rewrite(text) == text, "run: python -m octoscaffold.commands.reference docs/cli.md"


def test_every_command_and_option_is_in_the_reference():
    from octoscaffold.cli import cli

    section = reference()
    assert section.startswith(BEGIN) and section.rstrip().endswith(END)
    for name in cli.list_commands(None):
        assert f"### `octoscaffold {name}`" in section
    for option in ("--force", "--strict", "--dry-run", "--pr-template", "--catalog", "--format"):
        assert f"{option}" in section


def test_check_mode_says_when_the_file_is_stale(tmp_path, capsys):
    stale = tmp_path / "cli.md"
    stale.write_text("# Command line\n\n" + BEGIN + "\nold\n" + END + "\n")
    assert main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main([str(stale)]) == 0 and main(["--check", str(stale)]) == 0
