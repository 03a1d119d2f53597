"""What the model answers: the part of a spec a prompt can say, in a shape strict JSON Schema allows.

OpenAI's strict Structured Outputs want every property required and no free-form objects, so the
answer differs from `ProjectSpec` in three ways: a field the prompt did not mention is `null` or,
for lists, `[]` (never left out; `runbooks: null` keeps the template's own, `[]` means none),
`parameters` is a list of name/value pairs (a spec has a mapping), and
`project.name` and `template` may be `null` when the prompt does not say them (the caller turns that
into a `PromptError`). `to_spec_data` maps an answer onto spec data; `ProjectSpec` validates it.
"""

from __future__ import annotations

import copy
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from octoscaffold.spec.model import GuidedFailureMode, TenancyMode, VariableType

class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswerProject(_Answer):
    name: str | None
    slug: str | None
    group: str | None
    space: str | None
    description: str | None


class AnswerParameter(_Answer):
    name: str
    value: Union[str, int, bool, list[str]]


class AnswerLifecycle(_Answer):
    name: str | None
    environments: list[str]


class AnswerTenancy(_Answer):
    mode: TenancyMode | None
    tenants: list[str]
    tenant_tags: list[str] = Field(description="TagSet/Tag")


class AnswerApproval(_Answer):
    enabled: bool | None
    environments: list[str]
    instructions: str | None
    team: str | None


class AnswerSecurityScan(_Answer):
    enabled: bool | None
    environment: str | None


class AnswerRunbook(_Answer):
    name: str
    description: str | None
    environments: list[str]


class AnswerVariable(_Answer):
    name: str
    value: str | None
    type: VariableType | None
    environments: list[str]
    description: str | None


class AnswerVersioning(_Answer):
    strategy: Literal["date", "semantic"] | None
    template: str | None


class AnswerSettings(_Answer):
    guided_failure_mode: GuidedFailureMode | None
    worker_pool: str | None


class AnswerGit(_Answer):
    base_path: str | None


class Answer(_Answer):
    project: AnswerProject
    template: str | None
    parameters: list[AnswerParameter]
    lifecycle: AnswerLifecycle | None
    tenancy: AnswerTenancy | None
    approval: AnswerApproval | None
    security_scan: AnswerSecurityScan | None
    runbooks: list[AnswerRunbook] | None = Field(description="null: the template's own")
    variables: list[AnswerVariable]
    versioning: AnswerVersioning | None
    settings: AnswerSettings | None
    git: AnswerGit | None
    warnings: list[str]


# Keywords strict mode does not accept, or that only cost tokens.
_DROP = {"title", "default", "examples", "discriminator"}


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in the strict form: refs inlined, every property required,
    `additionalProperties: false` on every object, no titles or defaults."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = convert(copy.deepcopy(definitions[node["$ref"].split("/")[-1]]))
            # A description beside the ref belongs to the field, not to the type.
            if "description" in node:
                target["description"] = node["description"]
            return target
        out = {key: convert(value) for key, value in node.items() if key not in _DROP}
        branches = out.get("anyOf")
        if branches and all(set(b) == {"type"} and isinstance(b["type"], str) for b in branches):
            # `anyOf: [{type: string}, {type: null}]` says the same as `type: [string, null]`.
            # Enums keep the anyOf form: llama.cpp's grammar ignores an enum beside a type list.
            out["type"] = [b["type"] for b in out.pop("anyOf")]

        if out.get("type") == "object" or "properties" in out:
            out["type"] = "object"
            out["required"] = list(out.get("properties", {}))
            out["additionalProperties"] = False
        return out

    return convert(schema)


def answer_schema(template_ids: list[str]) -> dict[str, Any]:
    """The strict schema of an `Answer`, with the catalog's ids as the template enum.

    Parameter names are not an enum: they depend on the template, the catalog text lists them,
    and a wrong one is caught by validation and sent back."""
    schema = strict_schema(Answer)
    properties = schema["properties"]
    # null stays allowed: it is how the model says that no template fits. An anyOf rather than
    # `type: [string, null]`, so that llama.cpp's grammar keeps the enum too.
    template = properties["template"]
    del template["type"]
    template["anyOf"] = [{"type": "string", "enum": sorted(template_ids)}, {"type": "null"}]
    return schema


def bounded_schema(schema: dict[str, Any], max_length: int = 100, max_items: int = 20) -> dict[str, Any]:
    """The schema with every string and list bounded, for servers that turn it into a grammar
    (llama.cpp, vLLM): a small model otherwise rambles inside one string until the token limit.
    Not for OpenAI's strict mode, which does not take these keywords."""

    def bound(node: Any) -> Any:
        if isinstance(node, list):
            return [bound(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: bound(value) for key, value in node.items()}
        kind = out.get("type")
        if isinstance(kind, list):
            # llama.cpp drops bounds beside a type list: one branch per type instead.
            out["anyOf"] = [bound({"type": k}) for k in out.pop("type")]
        elif kind == "string" and "enum" not in out:
            out["maxLength"] = max_length
        elif kind == "array":
            out["maxItems"] = max_items
        return out

    return bound(schema)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def to_spec_data(answer: Answer, prompt: str) -> dict[str, Any]:
    """Spec data from an answer: nulls and empty lists dropped (the spec's defaults apply, and
    they are the same), parameters as a mapping. Only `runbooks: []` is kept: it means none."""
    data = _without_nulls(answer.model_dump())
    parameters = data.pop("parameters", [])
    if parameters:
        data["parameters"] = {p["name"]: p["value"] for p in parameters}
    if not data.get("variables"):
        data.pop("variables", None)
    for key, value in list(data.items()):
        if isinstance(value, dict) and key != "project":
            value = {k: v for k, v in value.items() if v != []}
            if value:
                data[key] = value
            else:
                del data[key]  # an object that says nothing
    data["prompt"] = prompt
    return data
