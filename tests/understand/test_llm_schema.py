"""The strict JSON Schema of the answer, and how an answer maps onto a spec."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from octoscaffold.catalog import load_catalog
from octoscaffold.spec.io import spec_from_data
from octoscaffold.understand.answer import Answer, answer_schema, strict_schema, to_spec_data

from .conftest import answer


def objects(node: Any):
    """Every object schema inside `node`."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def keys(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            found |= keys(value)
    elif isinstance(node, list):
        for value in node:
            found |= keys(value)
    return found


def test_every_object_is_strict():
    schema = answer_schema(["a", "b"])
    found = list(objects(schema))
    assert len(found) > 10
    for node in found:
        assert node["additionalProperties"] is False
        assert set(node["required"]) == set(node["properties"])


def test_no_refs_titles_or_defaults():
    used = keys(answer_schema(["a"]))
    assert not used & {"$ref", "$defs", "title", "default"}


def test_template_enum_is_the_catalog_plus_null():
    catalog = load_catalog()
    schema = answer_schema(catalog.ids())
    assert schema["properties"]["template"]["anyOf"] == [
        {"type": "string", "enum": catalog.ids()},
        {"type": "null"},
    ]


def test_enums_stay_in_an_any_of():
    """llama.cpp turns a schema into a grammar, and drops an enum that sits beside a type list."""
    schema = answer_schema(["a"])
    mode = schema["properties"]["tenancy"]["anyOf"][0]["properties"]["mode"]
    assert mode == {
        "anyOf": [{"enum": ["untenanted", "tenanted", "tenanted-or-untenanted"], "type": "string"}, {"type": "null"}]
    }


def test_converter_on_a_small_model():
    class Inner(BaseModel):
        size: int | None = None

    class Outer(BaseModel):
        name: str = "x"
        inner: Inner | None = None
        tags: list[str] = []

    assert strict_schema(Outer) == {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "inner": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {"size": {"type": ["integer", "null"]}},
                        "required": ["size"],
                        "additionalProperties": False,
                    },
                    {"type": "null"},
                ]
            },
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["name", "inner", "tags"],
        "additionalProperties": False,
    }


def test_answer_covers_what_a_prompt_can_say():
    """Every spec field a prompt can set has a place in the answer; the policy's do not."""
    from octoscaffold.spec.model import ProjectSpec

    spec_fields = set(ProjectSpec.model_fields) - {"api_version", "prompt", "practices"}
    assert set(Answer.model_fields) == spec_fields


def test_nulls_fall_back_to_the_spec_defaults():
    data = to_spec_data(Answer.model_validate(answer()), "the prompt")
    assert data == {
        "project": {"name": "OctoPub SAM", "group": "AWS"},
        "template": "lambda",
        "warnings": [],
        "prompt": "the prompt",
    }
    spec = spec_from_data(data)
    assert spec.slug == "octopub-sam"
    assert spec.approval.enabled is True


def test_parameters_become_a_mapping():
    data = to_spec_data(
        Answer.model_validate(answer(parameters=[{"name": "region", "value": "us-west-2"}])), "p"
    )
    assert data["parameters"] == {"region": "us-west-2"}


def test_an_object_of_nulls_says_nothing():
    empty = {"enabled": None, "environments": [], "instructions": None, "team": None}
    data = to_spec_data(Answer.model_validate(answer(approval=empty)), "p")
    assert "approval" not in data


def test_bounded_schema_for_grammar_servers():
    from octoscaffold.understand.answer import bounded_schema

    schema = bounded_schema(answer_schema(["a"]), max_length=50, max_items=5)
    name = schema["properties"]["project"]["properties"]["name"]
    assert name["anyOf"] == [{"type": "string", "maxLength": 50}, {"type": "null"}]
    environments = schema["properties"]["lifecycle"]["anyOf"][0]["properties"]["environments"]
    assert environments["maxItems"] == 5 and environments["items"]["maxLength"] == 50
    template = schema["properties"]["template"]["anyOf"][0]
    assert "maxLength" not in template  # an enum needs no bound
    assert "maxLength" not in keys(answer_schema(["a"]))  # never in the strict schema
