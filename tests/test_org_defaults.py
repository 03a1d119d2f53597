"""Organisation defaults: the [defaults] table of .octoscaffold.toml and the user config, applied
before the prompt (the prompt and the flags win), each recorded in the spec's `sources`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from octoscaffold.catalog import load_catalog
from octoscaffold.cli import cli
from octoscaffold.defaults import organisation_defaults, read_defaults
from octoscaffold.errors import UserError
from octoscaffold.scaffold import build, plan_with
from octoscaffold.understand import Overrides

CATALOG = load_catalog()
REPOSITORY_DEFAULTS = """
[defaults]
space = "Platform"
environments = ["Dev", "Test", "Prod"]
worker_pool = "linux-workers"
approval_team = "release-managers"
scanner_image = "registry.example.com/aquasecurity/trivy:0.69.3"

[defaults.feeds]
images = "acme-registry"
packages = "artifactory"

[defaults.accounts.aws]
nonproduction = "aws-dev"
production = "aws-prod"

[defaults.notification]
channel = "email"
to = ["platform@example.com"]
"""


@pytest.fixture
def repository(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".octoscaffold.toml").write_text(REPOSITORY_DEFAULTS)
    monkeypatch.chdir(repo)
    return repo


def user_config(text: str) -> Path:
    import os

    path = Path(os.environ["XDG_CONFIG_HOME"]) / "octoscaffold" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_fill_what_the_prompt_leaves_open(repository):
    spec, _ = plan_with('AWS Lambda project called "Orders"', CATALOG, parser="rules", defaults=organisation_defaults())
    assert spec.project.space == "Platform"
    assert spec.lifecycle.environments == ["Dev", "Test", "Prod", "Security"]
    assert spec.settings.worker_pool == "linux-workers"
    assert spec.approval.team == "release-managers"
    assert spec.parameters["feed"] == "artifactory"
    assert spec.notification.channel == "email" and spec.notification.to == ["platform@example.com"]
    assert spec.sources["project.space"] == "repository .octoscaffold.toml"
    assert spec.sources["settings.accounts.aws.production"] == "repository .octoscaffold.toml"
    files = build(spec, CATALOG).files
    variables = files[".octopus/orders/variables.ocl"]
    assert '"aws-dev"' in variables and '"aws-prod"' in variables
    process = files[".octopus/orders/deployment_process.ocl"]
    assert "registry.example.com/aquasecurity/trivy:0.69.3" in process
    assert 'Octopus.Action.Email.To = "platform@example.com"' in process


def test_the_prompt_and_the_flags_win(repository):
    spec, _ = plan_with(
        'k8s project called "Orders", worker pool big-pool, envs qa/live', CATALOG, parser="rules",
        overrides=Overrides(space="Ops"), defaults=organisation_defaults(),
    )
    assert spec.project.space == "Ops"
    assert spec.settings.worker_pool == "big-pool"
    assert spec.lifecycle.environments == ["QA", "Live", "Security"]
    assert "project.space" not in spec.sources and "settings.worker_pool" not in spec.sources
    assert "lifecycle.environments" not in spec.sources
    assert spec.parameters["image_feed"] == "acme-registry"  # the kind has the parameter
    assert "feed" not in spec.parameters  # ...and not this one: a default never adds a parameter


def test_the_repository_wins_over_the_user_config_value_by_value(repository):
    user_config('[defaults]\nspace = "Mine"\ngroup = "My Group"\n')
    chosen = {d.path: (d.value, d.origin) for d in organisation_defaults()}
    assert chosen["project.space"] == ("Platform", "repository .octoscaffold.toml")
    assert chosen["project.group"] == ("My Group", "user config")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"spaces": "x"}, "unknown key 'spaces'"),
        ({"feeds": {"nuget": "x"}}, "unknown feed 'nuget'"),
        ({"accounts": {"oracle": {"production": "x"}}}, "unknown cloud 'oracle'"),
        ({"accounts": {"aws": {"staging": "x"}}}, "unknown environment class 'staging'"),
        ({"notification": {"webhook": "x"}}, "unknown key 'webhook'"),
        ({"environments": "Dev"}, "environments must be a list"),
        ({"space": 3}, "space must be a non-empty string"),
    ],
)
def test_an_unknown_key_or_a_wrong_type_is_an_error_naming_the_file(table, message):
    with pytest.raises(UserError, match=message) as error:
        read_defaults(Path("/repo/.octoscaffold.toml"), table, "repository .octoscaffold.toml")
    assert "/repo/.octoscaffold.toml: [defaults]" in str(error.value)


def test_plan_says_on_stderr_where_each_default_came_from(repository):
    user_config('[defaults]\ngroup = "Platform Apps"\n')
    result = CliRunner().invoke(cli, ["plan", 'AWS Lambda project called "Orders"', "--parser", "rules"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(line.startswith("octoscaffold: from the [defaults] of the repository .octoscaffold.toml: project.space,")
               for line in lines), lines
    assert "octoscaffold: from the [defaults] of the user config: project.group" in lines
    assert "sources:" in result.stdout and "project.group: user config" in result.stdout


def test_a_bad_defaults_table_stops_plan_with_one_line(repository):
    (repository / ".octoscaffold.toml").write_text('[defaults]\nlifecycles = "x"\n')
    result = CliRunner().invoke(cli, ["plan", 'AWS Lambda project called "Orders"', "--parser", "rules"])
    assert result.exit_code == 2
    assert ".octoscaffold.toml: [defaults] unknown key 'lifecycles'" in result.stderr


def test_without_defaults_the_spec_is_stored_as_before():
    from octoscaffold.spec.io import dump_spec

    spec, _ = plan_with('AWS Lambda project called "Orders"', CATALOG, parser="rules")
    assert not spec.sources
    assert "sources" not in dump_spec(spec)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"scanner_image": "trivy; rm -rf /"}, ["scanner_image", "not a container image reference"]),
        ({"lifecycle": "\x00x"}, ["lifecycle", "control character"]),
        ({"space": "Ops\nTeam"}, ["space", "control character"]),
        ({"environments": ["Dev", "\x1b[31mProd"]}, ["environments", "control character"]),
    ],
    ids=["shell-in-image", "nul", "newline", "escape-sequence"],
)
def test_a_crafted_value_is_refused_naming_the_file(tmp_path, table, words):
    """Refused where it was written, not later as if the prompt had said it."""
    path = tmp_path / ".octoscaffold.toml"
    with pytest.raises(UserError) as raised:
        read_defaults(path, table, "repository")
    message = str(raised.value)
    assert message.startswith(f"{path}: [defaults]") and "\n" not in message and "\x1b" not in message
    for word in words:
        assert word in message
