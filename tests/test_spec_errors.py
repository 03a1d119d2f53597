"""One plain line per invalid spec, naming the field the way docs/spec.md does."""

from __future__ import annotations

import pytest

from octoscaffold.spec.base import ModelError
from octoscaffold.spec.model import ProjectSpec

BASE = {"project": {"name": "Shop"}, "template": "aws-lambda"}


@pytest.mark.parametrize(("change", "message"), [
    ({"template": None}, "template: must be text (got null)"),
    ({"colour": "blue"}, "colour: is not a spec field (check the spelling; see docs/spec.md)"),
    ({"project": {}}, "project.name: is required"),
    ({"tenancy": {"mode": "sometimes"}},
     "tenancy.mode: must be one of 'untenanted', 'tenanted' or 'tenanted-or-untenanted' (got 'sometimes')"),
    ({"parameters": {"memory": 1, "ratio": float("nan")}},
     "parameters.ratio: must be text, a whole number, true/false or a list of text (got nan)"),
    ({"parameters": {"tags": ["a", 2]}}, "parameters.tags.1: must be text (got 2)"),
    ({"settings": {"accounts": {"aws": {"prod": "x"}}}},
     "settings.accounts: must be one of 'nonproduction' or 'production' (got 'prod')"),
    ({"settings": {"schema_version": 0}}, "settings.schema_version: must be at least 1 (got 0)"),
    ({"project": {"name": "x" * 201}}, "project.name: must have at most 200 characters (got 201)"),
    ({"lifecycle": {"environments": ["e"] * 501}}, "lifecycle.environments: must have at most 500 items (got 501)"),
    ({"variables": [{"name": "A"}, {"name": "B", "type": "Secret"}]}, "variables.1.type: must be one of 'String'"),
    ({"approval": {"enabled": "maybe"}}, "approval.enabled: must be true or false (got 'maybe')"),
    ({"project": ["Shop"]}, "project: must be a mapping (got a list)"),
    ({"runbooks": "nightly"}, "runbooks: must be a list or null (got 'nightly')"),
    ({"tenancy": {"mode": "yes"}}, "tenancy.mode: must be one of 'untenanted'"),
    ({"settings": {"accounts": {"aws": ["a"]}}}, "settings.accounts.aws: must be a mapping (got a list)"),
    ({"project": {"name": "Shop", "slug": "Not A Slug"}}, "project.slug: 'Not A Slug' must be lowercase letters"),
    ({"git": {"base_path": "../out"}}, "git.base_path: must be a relative folder inside the repository"),
    ({"project": {"name": "Sh\x00op"}}, "project.name holds a NUL character at character 3"),
])
def test_the_first_problem_is_one_line_naming_its_field(change, message):
    with pytest.raises(ModelError) as problem:
        ProjectSpec.model_validate({**BASE, **change})
    assert str(problem.value).startswith(message), str(problem.value)
    assert "\n" not in str(problem.value)


def test_the_checks_run_for_models_built_in_code_too():
    from octoscaffold.spec.model import Project

    with pytest.raises(ValueError, match="needs at least one letter or digit"):
        Project(name="  ")
    assert Project(name=" Orders API ").slug == "orders-api"


def test_the_json_schema_keeps_declared_order_constraints_and_descriptions():
    schema = ProjectSpec.model_json_schema()
    assert schema["required"] == ["project", "template"]
    project = schema["$defs"]["Project"]["properties"]
    assert project["name"]["maxLength"] == 200 and project["name"]["description"] == "Display name of the Octopus project."
    assert schema["$defs"]["Variable"]["properties"]["type"]["enum"][:2] == ["String", "Sensitive"]


@pytest.mark.parametrize(("word", "value"), [("yes", True), ("No", False), ("on", True), ("OFF", False), ("y", True),
                                              ("true", True), ("False", False)])
def test_yaml_1_1_yes_no_words_mean_true_or_false_where_a_boolean_goes(word, value):
    spec = ProjectSpec.model_validate({**BASE, "approval": {"enabled": word}, "security_scan": {"enabled": word}})
    assert spec.approval.enabled is value and spec.security_scan.enabled is value


def test_a_yes_no_word_from_a_spec_file_is_stored_as_true_or_false():
    from octoscaffold.spec.io import dump_spec, spec_from_text

    text = "apiVersion: octoscaffold/v1\ntemplate: aws-lambda\nproject:\n  name: Shop\napproval:\n  enabled: no\n"
    assert "approval:\n  enabled: false\n" in dump_spec(spec_from_text(text))
