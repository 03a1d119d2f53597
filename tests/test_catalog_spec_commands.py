import json

from click.testing import CliRunner

from octoscaffold.catalog import load_catalog
from octoscaffold.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_catalog_list_names_every_kind():
    result = run("catalog", "list")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == load_catalog().ids()
    rows = json.loads(run("catalog", "list", "--format", "json").stdout)
    assert {row["id"] for row in rows} == set(listed)
    assert all(row["source"] == "built-in" and row["keywords"] for row in rows)


def test_catalog_show_and_unknown_id():
    result = run("catalog", "show", "aws-lambda")
    assert result.exit_code == 0
    assert "region (string, default 'us-east-1')" in result.stdout
    assert "Delete Lambda Stack (not in production)" in result.stdout
    result = run("catalog", "show", "aws-lamda")
    assert result.exit_code == 2
    assert "unknown template 'aws-lamda' (did you mean aws-lambda" in result.stderr


def test_spec_schema_is_json_schema_of_the_spec():
    schema = json.loads(run("spec", "schema").stdout)
    assert set(schema["required"]) == {"project", "template"}
    assert "apiVersion" in schema["properties"]
    assert schema["$defs"]["Tenancy"]["properties"]["mode"]["enum"] == [
        "untenanted", "tenanted", "tenanted-or-untenanted"]


def test_spec_check(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("project: {name: Shop}\ntemplate: aws-lambda\nparameters: {memory_size: 512}\n")
    assert run("spec", "check", str(good)).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("project: {name: Shop}\ntemplate: aws-lambda\nparameters: {memory_size: lots}\n")
    result = run("spec", "check", str(bad))
    assert result.exit_code == 2
    assert "parameters.memory_size: must be an integer (got 'lots')" in result.stderr


def test_group_help_has_examples():
    for command in (["catalog"], ["catalog", "list"], ["catalog", "show"], ["spec"], ["spec", "schema"], ["spec", "check"]):
        assert "Example:" in run(*command, "--help").stdout, command
