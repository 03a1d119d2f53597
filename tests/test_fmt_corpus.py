"""`octoscaffold fmt --check` agrees with Octopus: the files it writes itself need no change."""

import shutil

from click.testing import CliRunner

from conftest import need_shared
from octoscaffold.cli import cli


def test_fmt_check_is_clean_on_the_canonical_corpus(tmp_path):
    corpus = need_shared("ocl-corpus")
    names = [n for n in (corpus / "CANONICAL.txt").read_text().splitlines() if n and not n.startswith("#")]
    assert len(names) > 100
    for name in names:
        shutil.copy(corpus / name, tmp_path / name)
    result = CliRunner().invoke(cli, ["fmt", "--check", str(tmp_path)])
    assert result.exit_code == 0, result.stdout[:2000]
    assert result.stdout == ""


def test_fmt_reformats_the_older_layouts_and_then_is_clean(tmp_path):
    corpus = need_shared("ocl-corpus")
    canonical = set((corpus / "CANONICAL.txt").read_text().splitlines())
    older = sorted(p for p in corpus.glob("*.ocl") if p.name not in canonical)
    assert older
    for path in older:
        shutil.copy(path, tmp_path / path.name)
    first = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert first.exit_code == 0
    assert first.stdout.count("reformatted ") > 0
    assert CliRunner().invoke(cli, ["fmt", "--check", str(tmp_path)]).exit_code == 0
