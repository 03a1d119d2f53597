"""Template authors: user catalogs override and extend the built-in one, safely, with tooling."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from octoscaffold.catalog import load_catalog
from octoscaffold.cli import cli
from octoscaffold.errors import TemplateError
from octoscaffold.scaffold import build, plan
from octoscaffold.spec import spec_from_data

MANIFEST = """id: {id}
title: {title}
version: 2.0.0
description: {title} the Acme way.
keywords: [{keywords}]
parameters:
  sbom_feed: {{type: slug, description: SBOM feed, default: octopus-server-built-in}}
  sbom_package_id: {{type: string, description: SBOM package, default: "{{slug}}-sbom"}}
examples: [examples/default.yaml]
"""
PROCESS = """{% include "_shared/approval-step.ocl.j2" %}

step "acme-deploy" {
    name = "Acme Deploy"
    action {
        action_type = "Octopus.Script"
{% include "_shared/excluded-environments.ocl.j2" %}
        notes = "{% include "_shared/acme-note.txt" %}"
        properties = {
            Octopus.Action.RunOnServer = "true"
            Octopus.Action.Script.ScriptBody = "acme-deploy #{Octopus.Environment.Name}"
            Octopus.Action.Script.ScriptSource = "Inline"
            Octopus.Action.Script.Syntax = "Bash"
        }
        worker_pool_variable = "{{ worker_pool_variable }}"
    }
}

{% include "_shared/scan-step.ocl.j2" %}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def acme_template(template_id: str, title: str, keywords: str) -> dict[str, str]:
    return {
        f"{template_id}/template.yaml": MANIFEST.format(id=template_id, title=title, keywords=keywords),
        f"{template_id}/deployment_process.ocl.j2": PROCESS,
        f"{template_id}/variables.ocl.j2": '{% include "_shared/variables-common.ocl.j2" %}',
        f"{template_id}/examples/default.yaml": f"project: {{name: Demo}}\ntemplate: {template_id}\n",
    }


@pytest.fixture
def acme(tmp_path, monkeypatch):
    """A company catalog that overrides `script`, adds `acme-service` and shares a partial."""
    root = write(tmp_path / "acme", {
        **acme_template("script", "Acme script", "script, bash"),
        **acme_template("acme-service", "Acme service", "acme service"),
        "_shared/acme-note.txt": "Deployed the Acme way.",
    })
    monkeypatch.setenv("OCTOSCAFFOLD_CATALOG_PATH", str(root))
    return root


def test_user_templates_override_and_extend_and_are_listed(acme):
    catalog = load_catalog()
    assert catalog.get("script").manifest.title == "Acme script"
    assert catalog.get("script").source == "OCTOSCAFFOLD_CATALOG_PATH"
    assert catalog.get("acme-service").source == "OCTOSCAFFOLD_CATALOG_PATH"
    assert catalog.get("kubernetes").source == "built-in"
    listing = CliRunner().invoke(cli, ["catalog", "list"]).stdout
    assert re.search(r"^acme-service +2\.0\.0 +OCTOSCAFFOLD_CATALOG_PATH +Acme service$", listing, re.MULTILINE)
    assert "script" in listing and "Acme script" in listing


def test_user_templates_are_understood_rendered_and_share_partials(acme):
    spec = plan('Create an Acme service project called "Billing"')
    assert spec.template == "acme-service"
    files = build(spec).files
    process = files[".octopus/billing/deployment_process.ocl"]
    assert 'notes = "Deployed the Acme way."' in process
    assert process.startswith('step "approve-production-deployment"')  # the built-in partial
    assert plan('Create a bash project called "Ops"').template == "script"


def test_catalog_flag_wins_over_the_environment(acme, tmp_path):
    other = write(tmp_path / "other", acme_template("acme-service", "Other service", "acme service"))
    assert load_catalog(extra=(other,)).get("acme-service").manifest.title == "Other service"


def test_missing_catalog_folder_names_its_origin(monkeypatch, tmp_path):
    monkeypatch.setenv("OCTOSCAFFOLD_CATALOG_PATH", str(tmp_path / "gone"))
    with pytest.raises(TemplateError, match=r"gone \(from OCTOSCAFFOLD_CATALOG_PATH\) does not exist"):
        load_catalog()


def test_catalog_from_an_installed_package(tmp_path):
    """An entry point in the group octoscaffold.catalogs, found through real package metadata."""
    site = tmp_path / "site"
    write(site, {
        "acme_catalog/__init__.py": "from pathlib import Path\n\ndef folder():\n    return Path(__file__).parent / 'templates'\n",
        **{f"acme_catalog/templates/{k}": v for k, v in acme_template("acme-batch", "Acme batch", "acme batch").items()},
        "acme_catalog/templates/_shared/acme-note.txt": "batch",
        "acme_catalog-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: acme-catalog\nVersion: 1.0\n",
        "acme_catalog-1.0.dist-info/entry_points.txt": "[octoscaffold.catalogs]\nacme = acme_catalog:folder\n",
    })
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-m", "octoscaffold", "catalog", "list"], capture_output=True, text=True, env=env, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "acme-batch" in proc.stdout and "package acme-catalog" in proc.stdout


def test_catalog_new_then_check_then_snapshot_safety(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "catalog"
    folder.mkdir()
    created = runner.invoke(cli, ["catalog", "new", "acme-web", "--dir", str(folder)])
    assert created.exit_code == 0, created.output
    assert (folder / "acme-web" / "template.yaml").is_file()
    assert runner.invoke(cli, ["catalog", "new", "acme-web", "--dir", str(folder)]).exit_code == 2
    checked = runner.invoke(cli, ["catalog", "check", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "acme-web: ok (1 example)" in checked.stdout
    assert runner.invoke(cli, ["catalog", "check", str(folder), "--update"]).exit_code == 0
    snapshot = folder / "acme-web" / "snapshots" / "default" / ".octopus" / "example-service" / "deployment_process.ocl"
    assert snapshot.is_file()
    script = folder / "acme-web" / "scripts" / "deploy.sh"
    script.write_text(script.read_text() + "\necho changed\n")
    changed = runner.invoke(cli, ["catalog", "check", str(folder)])
    assert changed.exit_code == 1
    assert "differs from its snapshot in .octopus/example-service/deployment_process.ocl" in changed.stdout


def test_catalog_check_reports_manifest_errors_with_file_and_field(tmp_path):
    write(tmp_path, {"bad/template.yaml": "id: bad\ntitle: Bad\nversion: 1.0.0\ndescription: d\nkeywords: []\n"})
    result = CliRunner().invoke(cli, ["catalog", "check", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad/template.yaml: keywords: must not be empty" in result.stderr


MALICIOUS = {
    "dunder": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ project.__class__.__init__.__globals__['os'] }}",
    "import": "{% import 'os' as os %}",
    "absolute": "{% include '/etc/passwd' %}",
    "parent": "{% include '../../../../../../etc/passwd' %}",
    "raw": "{{ raw('../../../../../../etc/passwd') }}",
    "symlink": "{% include 'evil/passwd' %}",
    "memory": "{{ 'x' * 10000000000 }}",
    "power": "{{ 10 ** 100000000 }}",
    "loop": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("attack", sorted(MALICIOUS))
def test_malicious_templates_are_stopped_with_the_template_named(tmp_path, monkeypatch, attack):
    root = write(tmp_path / "evil-catalog", {
        "evil/template.yaml": MANIFEST.format(id="evil", title="Evil", keywords="evil"),
        "evil/deployment_process.ocl.j2": "\n\n" + MALICIOUS[attack],
        "evil/variables.ocl.j2": "",
    })
    (root / "evil" / "passwd").symlink_to("/etc/passwd")
    monkeypatch.setenv("OCTOSCAFFOLD_RENDER_TIMEOUT", "1")
    catalog = load_catalog(extra=(root,))
    with pytest.raises(TemplateError) as error:
        build(spec_from_data({"project": {"name": "X"}, "template": "evil"}), catalog)
    message = str(error.value)
    assert "evil/deployment_process.ocl.j2" in message
    assert "root:" not in message  # nothing of /etc/passwd leaked
    if attack in ("dunder", "globals", "memory", "power", "loop"):
        assert "deployment_process.ocl.j2:3" in message  # the offending line


def test_catalogs_named_in_the_repository_and_user_config(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    write(repo, {
        **{f"catalog/{k}": v for k, v in acme_template("acme-service", "Repo service", "acme service").items()},
        "catalog/_shared/acme-note.txt": "repo",
        ".octoscaffold.toml": '[catalog]\npaths = ["catalog"]\n',
        "app/src/.keep": "",
    })
    home = write(tmp_path / "home", {
        **{f"mine/{k}": v for k, v in acme_template("acme-batch", "My batch", "acme batch").items()},
        "mine/_shared/acme-note.txt": "user",
    })
    write(home, {".config/octoscaffold/config.toml": f'[catalog]\npaths = ["{home / "mine"}"]\n'})
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.chdir(repo / "app" / "src")
    catalog = load_catalog()
    assert catalog.get("acme-service").source.startswith(".octoscaffold.toml")
    assert catalog.get("acme-batch").source.startswith("user config")
    assert [s.origin.split(" ")[0] for s in catalog.sources][:2] == [".octoscaffold.toml", "user"]


def test_a_bad_catalog_table_is_a_clear_error(tmp_path, monkeypatch):
    write(tmp_path, {".octoscaffold.toml": "[catalog]\npaths = \"catalog\"\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["catalog", "list"])
    assert result.exit_code == 2
    assert "[catalog] paths must be a list of folders" in result.stderr


def test_a_fifo_posing_as_package_metadata_does_not_block_start_up(tmp_path, monkeypatch):
    import os
    import sys

    from octoscaffold.catalog import _declares_catalogs

    folder = tmp_path / "evil-1.0.dist-info"
    folder.mkdir()
    os.mkfifo(folder / "entry_points.txt")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert _declares_catalogs() is False  # returns at once instead of waiting for a writer
