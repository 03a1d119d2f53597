import json

import pytest

from octoscaffold.errors import SpecError
from octoscaffold.spec import dump_spec, load_spec, spec_from_data, spec_from_text

MINIMAL = {"apiVersion": "octoscaffold/v1", "project": {"name": "OctoPub SAM"}, "template": "aws-lambda"}


def test_minimal_spec_takes_defaults():
    spec = spec_from_data(MINIMAL)
    assert spec.project.slug == "octopub-sam"
    assert spec.project.group == "Default Project Group"
    assert spec.tenancy.mode == "untenanted"
    assert spec.approval.enabled and spec.security_scan.enabled
    assert spec.runbooks is None  # the template's own, once resolved


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_spec_round_trips(fmt, tmp_path):
    spec = spec_from_data(
        {
            **MINIMAL,
            "project": {"name": 'Quote "Of" The Day', "group": "Café"},
            "lifecycle": {"environments": ["Dev", "Prod"]},
            "parameters": {"region": "us-west-2", "memory_size": 512},
            "variables": [{"name": "Project.Web.Banner", "value": "line 1\nline 2"}],
        }
    )
    path = tmp_path / f"spec.{fmt}"
    path.write_text(dump_spec(spec, fmt), encoding="utf-8")
    assert load_spec(path) == spec
    if fmt == "json":
        assert json.loads(path.read_text())["apiVersion"] == "octoscaffold/v1"


def test_yaml_keeps_field_order_and_alias():
    text = dump_spec(spec_from_data(MINIMAL))
    assert text.startswith("apiVersion: octoscaffold/v1\nproject:\n  name: OctoPub SAM\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**MINIMAL, "tenancy": {"mode": "sometimes"}}, "tenancy.mode: must be one of 'untenanted'"),
        ({**MINIMAL, "project": {"name": "X", "slug": "Bad Slug"}}, "project.slug"),
        ({**MINIMAL, "colour": "blue"}, "colour: is not a spec field"),
        ({"apiVersion": "octoscaffold/v1", "template": "aws-lambda"}, "project: is required"),
        ({**MINIMAL, "apiVersion": "octoscaffold/v9"}, "apiVersion 'octoscaffold/v9' is not supported"),
        ({**MINIMAL, "lifecycle": {"environments": ["Prod", "prod"]}}, "must be distinct"),
        ({**MINIMAL, "tenancy": {"tenant_tags": ["Region"]}}, "TagSet/Tag"),
        ({**MINIMAL, "git": {"base_path": "../outside"}}, "git.base_path: must be a relative folder"),
        ({**MINIMAL, "project": {"name": "!!!"}}, "at least one letter or digit"),
        (["not", "a", "mapping"], "a spec is a mapping"),
    ],
)
def test_invalid_specs_name_the_field(data, message):
    with pytest.raises(SpecError) as error:
        spec_from_data(data)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_malformed_yaml_gives_position(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("project:\n  name: [unclosed\ntemplate: x\n")
    with pytest.raises(SpecError) as error:
        load_spec(path)
    assert str(error.value).startswith(f"{path}:")
    assert "invalid YAML" in str(error.value)


def test_malformed_json_and_missing_file(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{"project": ')
    with pytest.raises(SpecError, match="invalid JSON"):
        load_spec(path)
    with pytest.raises(SpecError, match="no such spec file"):
        load_spec(tmp_path / "missing.yaml")


def test_yaml_reads_json_text():
    assert spec_from_text(json.dumps(MINIMAL)).project.name == "OctoPub SAM"


def test_comments_in_a_spec_file_survive_resolving_and_saving(tmp_path):
    from octoscaffold.scaffold import resolve_spec

    path = tmp_path / "spec.yaml"
    path.write_text(
        "# Our ledger service\n"
        "apiVersion: octoscaffold/v1\n"
        "template: aws-lambda  # the kind\n"
        "project:\n"
        "  name: Ledger  # display name\n"
        "parameters:\n"
        "  region: eu-west-1  # data must stay in the EU\n"
    )
    saved = dump_spec(resolve_spec(load_spec(path)))
    assert saved.startswith("# Our ledger service\napiVersion: octoscaffold/v1\ntemplate: aws-lambda  # the kind\n")
    assert "name: Ledger  # display name" in saved
    assert "region: eu-west-1  # data must stay in the EU" in saved
    assert "memory_size: 256" in saved  # defaults filled in
    assert spec_from_text(saved) == resolve_spec(load_spec(path))


@pytest.mark.parametrize(("line", "comment"), [
    ("a: b # c", True), ("# top", True), ("a: 'x #y' # c", True), ("a: 'x #y'", False), ('  - "q #{x}"', False),
    ("a: O'Brien # it's", True), ("a: a 'b # c'", True), ("k: |\n  echo #x", True), ('a: "x\\" #"', False),
    ("a: 'it''s #1'", False), ("instructions: 'release #{Octopus.Release.Number}?'", False),
])
def test_comments_are_told_from_hashes_in_quoted_values(line, comment):
    from octoscaffold.spec.io import _has_comment

    assert _has_comment(line) is comment


def test_both_loaders_read_a_stored_spec_alike_and_comments_survive():
    from octoscaffold.scaffold import build, plan
    from octoscaffold.spec.io import _yaml, _yaml_c, dump_spec, spec_from_text

    text = build(plan('Create an AWS Lambda project called "OctoPub SAM"')).files[".octoscaffold/octopub-sam.yaml"]
    assert "#{Octopus" in text
    assert _yaml_c().load(text) == _yaml().load(text)
    assert dump_spec(spec_from_text(text)) == text
    commented = text.replace("template: aws-lambda\n", "template: aws-lambda  # chosen by the platform team\n")
    assert "# chosen by the platform team" in dump_spec(spec_from_text(commented))


@pytest.mark.parametrize("line", ["  environments: [Dev, Test]", "a: {b: 1}", "script: |", "- >", "a: !!str 5", "---"])
def test_a_styled_value_keeps_the_round_trip_loader(line):
    from octoscaffold.spec.io import _plain_layout

    assert not _plain_layout(f"apiVersion: octoscaffold/v1\n{line}\n")


def test_a_spec_file_without_comments_keeps_its_key_order_and_flow_lists():
    from octoscaffold.spec.io import dump_spec, spec_from_text

    text = "template: aws-lambda\nproject:\n  name: Orders\n  group: Shop\napiVersion: octoscaffold/v1\n"
    assert dump_spec(spec_from_text(text)).startswith("template: aws-lambda\nproject:\n  name: Orders\n  group: Shop\n")
    flow = text + "lifecycle:\n  environments: [Dev, Production]\n"
    assert "  environments: [Dev, Production]\n" in dump_spec(spec_from_text(flow))
