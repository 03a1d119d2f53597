"""What the model answers: the part of a spec a prompt can say, in a shape strict JSON Schema allows.

OpenAI's strict Structured Outputs want every property required and no free-form objects, so the
answer differs from `ProjectSpec` in three ways: a field the prompt did not mention is `null`
(never left out), `parameters` is a list of name/value pairs (a spec has a mapping), and
`project.name` and `template` may be `null` when the prompt does not say them (the caller turns that
into a `PromptError`). `to_spec_data` maps an answer onto spec data; `ProjectSpec` validates it.
"""

from __future__ import annotations

import copy
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from octoscaffold.spec.model import GuidedFailureMode, TenancyMode, VariableType

NOT_SAID = "null when the prompt does not say"


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswerProject(_Answer):
    name: str | None = Field(description="The project name exactly as written (quotes removed); null if none.")
    slug: str | None = Field(description="Only if the prompt gives a slug; else null.")
    group: str | None = Field(description="Project group; " + NOT_SAID + ".")
    space: str | None = Field(description="Octopus space; " + NOT_SAID + ".")
    description: str | None = Field(description=NOT_SAID + ".")


class AnswerParameter(_Answer):
    name: str = Field(description="A parameter of the chosen template.")
    value: Union[str, int, bool, list[str]]


class AnswerLifecycle(_Answer):
    name: str | None
    environments: list[str] | None = Field(description="In the order given; never add Security.")


class AnswerTenancy(_Answer):
    mode: TenancyMode | None
    tenants: list[str] | None
    tenant_tags: list[str] | None = Field(description="Written TagSet/Tag.")


class AnswerApproval(_Answer):
    enabled: bool | None = Field(description="false only if the prompt asks for no approval.")
    environments: list[str] | None
    instructions: str | None
    team: str | None


class AnswerSecurityScan(_Answer):
    enabled: bool | None = Field(description="false only if the prompt asks for no security scan.")
    environment: str | None


class AnswerRunbook(_Answer):
    name: str
    description: str | None
    environments: list[str] | None


class AnswerVariable(_Answer):
    name: str
    value: str | None
    type: VariableType | None
    environments: list[str] | None
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
    template: str | None = Field(description="Catalog id of the project kind; null if none fits.")
    parameters: list[AnswerParameter] | None = Field(description="Only values the prompt gives.")
    lifecycle: AnswerLifecycle | None
    tenancy: AnswerTenancy | None
    approval: AnswerApproval | None
    security_scan: AnswerSecurityScan | None
    runbooks: list[AnswerRunbook] | None = Field(description="Only runbooks the prompt names.")
    variables: list[AnswerVariable] | None
    versioning: AnswerVersioning | None
    settings: AnswerSettings | None
    git: AnswerGit | None
    warnings: list[str] = Field(description="Each part of the prompt the spec cannot express; else [].")


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
    # null stays allowed: it is how the model says that no template fits.
    properties["template"]["enum"] = [*sorted(template_ids), None]
    return schema


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def to_spec_data(answer: Answer, prompt: str) -> dict[str, Any]:
    """Spec data from an answer: nulls dropped (the spec's defaults apply), parameters as a mapping."""
    data = _without_nulls(answer.model_dump())
    parameters = data.pop("parameters", None)
    if parameters:
        data["parameters"] = {p["name"]: p["value"] for p in parameters}
    for key in [k for k, v in data.items() if v == {} and k != "project"]:
        del data[key]  # an object with every field null said nothing
    data["prompt"] = prompt
    return data
