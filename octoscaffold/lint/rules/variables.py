"""VAR: project variables, their names, scopes, values and the references to them."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from octoscaffold.spec.naming import SECRET_NAME

from ..context import EXPRESSION, Context, action_texts, step_texts
from ..model import Hit, rule

ACCOUNT_TYPES = {"AmazonWebServicesAccount", "AzureAccount", "GoogleCloudAccount"}
# The first name inside #{...}: after an optional if/unless/each keyword, up to a filter, operator or space.
REFERENCE = re.compile(r"^\s*(?:(?:if|unless)\s+|each\s+\w+\s+in\s+)?([A-Za-z_][\w.\[\]\- ]*?)\s*(?:\||==|!=|$)")
INDEX = re.compile(r"\[[^\]]*\]")
# The last part of a name that is about a secret rather than the secret itself (Project.Db.SecretName).
ABOUT_SECRET = re.compile(r"(names?|ids?|path|file|url|uri|arn|vault|store|secrets|version|expiry|expires|header|length|ttl|rotation)$", re.IGNORECASE)
CONNECTION_PASSWORD = re.compile(r"(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]*)", re.IGNORECASE)


def _is_reference_only(value: str) -> bool:
    return bool(value) and EXPRESSION.sub("", value).strip() == ""


def _plain_secret(name: str, value: str) -> bool:
    """True when a value of a secret-looking variable holds the secret itself."""
    if ABOUT_SECRET.search(name.rsplit(".", 1)[-1].rsplit(":", 1)[-1]) or _is_reference_only(value):
        return False
    if "connectionstring" in name.lower().replace(".", "").replace("_", ""):
        # A composite string is fine when its password part is a reference (or it has none).
        return any(part.strip() and not _is_reference_only(part.strip()) for part in CONNECTION_PASSWORD.findall(value))
    return True


def _name_ok(name: str) -> bool:
    return (
        name.startswith(("Project.", "Library.", "Octopus", "Tenant."))
        or ":" in name  # configuration replacement, e.g. ConnectionStrings:Default
    )


@rule("VAR001", "warning", "variable name outside the Project namespace")
def variable_name(ctx: Context) -> Iterator[Hit]:
    seen: set[str] = set()
    for variable in ctx.view.variables:
        if variable.name in seen or _name_ok(variable.name):
            continue
        seen.add(variable.name)
        yield Hit(
            variable.position,
            f"variable {variable.name!r} should be named Project.<Component>.<Name> (or be a config setting with ':')",
            variable,
        )


@rule("VAR002", "error", "likely secret with a plain value")
def plain_secret(ctx: Context) -> Iterator[Hit]:
    for variable in ctx.view.variables:
        if not SECRET_NAME.search(variable.name):
            continue
        for value in variable.values:
            kind = value.type or variable.type
            if kind == "Sensitive" or not value.value or not _plain_secret(variable.name, value.value):
                continue
            if kind not in (None, "String"):
                continue  # accounts, certificates, worker pools name other objects
            yield Hit(
                value.position,
                f"{variable.name} looks like a secret but its value is in git in plain text; make it Sensitive and set it in Octopus",
                variable,
            )


def _referenced_names(text: str) -> Iterator[str]:
    for expression in EXPRESSION.findall(text):
        found = REFERENCE.match(expression)
        if found:
            yield INDEX.sub("", found.group(1)).strip()


@rule("VAR003", "warning", "reference to an undefined project variable")
def undefined_reference(ctx: Context) -> Iterator[Hit]:
    # Without variables.ocl the variables live in the Octopus database: nothing to compare with.
    if "variables.ocl" not in ctx.files or ctx.view.documents.get("variables.ocl") is None:
        return
    defined = {variable.name.lower() for variable in ctx.view.variables} | ctx.options.known_variables
    reported: set[tuple[str, str]] = set()

    def check(element, text: str, owner) -> Iterator[Hit]:
        if "#{" not in text:
            return
        for name in _referenced_names(text):
            lower = name.lower()
            # Only the project's own namespace is checked: library sets and step templates bring others.
            if not lower.startswith("project.") or _defined(lower, defined):
                continue
            if SECRET_NAME.search(name):
                continue  # sensitive values are kept in Octopus, not in git, by design
            key = (element.position.path or "", name)
            if key in reported:
                continue
            reported.add(key)
            yield Hit(element.position, f"#{{{name}}} is not defined in variables.ocl", owner)

    for process, _ in ctx.all_processes():
        for step in process.steps:
            for element, text in step_texts(step):
                yield from check(element, text, step)
            for action in step.actions:
                for element, text in action_texts(action):
                    yield from check(element, text, action)
    for variable in ctx.view.variables:
        for value in variable.values:
            if value.value and "#{" in value.value:
                yield from check(value, value.value, variable)


def _defined(name: str, defined: set[str]) -> bool:
    """Defined itself, or a property of a defined variable (Project.Aws.Account.AccessKey)."""
    while True:
        if name in defined:
            return True
        if "." not in name:
            return False
        name = name.rsplit(".", 1)[0]


def _scope_key(scope) -> tuple:
    return tuple(tuple(sorted(item.lower() for item in getattr(scope, name))) for name in ("environment", "role", "machine", "channel", "action", "process", "tenant_tag"))


@rule("VAR004", "error", "duplicate variable value")
def duplicate_value(ctx: Context) -> Iterator[Hit]:
    seen: dict[tuple, object] = {}
    for variable in ctx.view.variables:
        for value in variable.values:
            if value.prompt is not None:
                continue
            key = (variable.name.lower(), _scope_key(value.scope))
            first = seen.get(key)
            if first is None:
                seen[key] = value
                continue
            scope = "no scope" if value.scope.is_empty else "the same scope"
            yield Hit(
                value.position,
                f"{variable.name} has two values with {scope} (the other at line {first.position.line}); Octopus picks one unpredictably",
                variable,
            )


@rule("VAR005", "info", "worker pool repeated instead of a variable")
def repeated_worker_pool(ctx: Context) -> Iterator[Hit]:
    process = ctx.process
    if process is None:
        return
    pools = Counter(action.worker_pool for action in process.actions if action.worker_pool)
    for action in process.actions:
        if action.worker_pool and pools[action.worker_pool] > 1:
            yield Hit(
                action.where("worker_pool"),
                f"worker pool {action.worker_pool!r} is set on {pools[action.worker_pool]} steps; use a WorkerPool variable (Project.WorkerPool) and worker_pool_variable",
                action,
            )
            pools[action.worker_pool] = 0  # once per pool


@rule("VAR006", "warning", "account variable not scoped per environment")
def account_scope(ctx: Context) -> Iterator[Hit]:
    for variable in ctx.view.variables:
        if variable.type not in ACCOUNT_TYPES:
            continue
        for value in variable.values:
            if not value.scope.environment:
                yield Hit(
                    value.position,
                    f"account variable {variable.name} has a value for every environment; scope one account per environment (at least production apart)",
                    variable,
                )


# Steps that deploy to Azure: the built-in Azure steps, and any step with an Azure account.
AZURE_ACTION_PREFIX = "Octopus.Azure"
AZURE_ACCOUNT_PROPERTIES = ("Octopus.Action.Azure.AccountId", "Octopus.Action.AzureAccount.Variable")
AZURE_NAME_PROPERTIES = ("Octopus.Action.Azure.ResourceGroupName",)
# Variables that name the Azure resource a deployment writes to (Project.Azure.WebApp.Name).
AZURE_RESOURCE_NAME = re.compile(r"(resourcegroup|webapp|functionapp|appservice)name$")
TENANT_REFERENCE = re.compile(r"#\{[^}]*\b(Octopus\.Deployment\.Tenant\.|Octopus\.Tenant\.)", re.IGNORECASE)
TENANCY_MODES = ("tenanted", "tenantedoruntenanted")


def _is_azure(action) -> bool:
    return (action.action_type or "").startswith(AZURE_ACTION_PREFIX) or any(
        action.get_property(name) for name in AZURE_ACCOUNT_PROPERTIES
    )


def _is_tenanted(ctx: Context) -> bool:
    """The project deploys tenants: the linter was told so (the spec, the server), or the OCL shows
    it (a tenanted runbook, tenant tags on a step, a value scoped to tenant tags)."""
    if ctx.options.tenanted is not None:
        return ctx.options.tenanted
    return (
        any((runbook.multi_tenancy_mode or "").lower() in TENANCY_MODES for runbook in ctx.view.runbooks)
        or any(action.tenant_tags for process, _ in ctx.all_processes() for action in process.actions)
        or any(value.scope.tenant_tag for variable in ctx.view.variables for value in variable.values)
    )


def _varies_by_tenant(name: str, variables: dict, seen: set[str]) -> bool:
    """Whether a variable can take a different value for each tenant. A variable not in
    variables.ocl may be a tenant or library variable set per tenant: given the benefit of the doubt."""
    key = name.lower()
    found = variables.get(key)
    if found is None:
        return True
    if key in seen:
        return False
    seen.add(key)
    for variable in found:
        for value in variable.values:
            if value.scope.tenant_tag or value.prompt is not None:
                return True
            text = value.value or ""
            if TENANT_REFERENCE.search(text):
                return True
            if any(not ref.lower().startswith("octopus.") and _varies_by_tenant(ref, variables, seen) for ref in _referenced_names(text)):
                return True
    return False


def _text_varies(text: str, variables: dict) -> bool:
    return bool(TENANT_REFERENCE.search(text)) or any(
        not ref.lower().startswith("octopus.") and _varies_by_tenant(ref, variables, set()) for ref in _referenced_names(text)
    )


@rule("VAR007", "warning", "Azure resource name the same for every tenant")
def azure_name_per_tenant(ctx: Context) -> Iterator[Hit]:
    if not _is_tenanted(ctx):
        return
    variables: dict[str, list] = {}
    for variable in ctx.view.variables:
        variables.setdefault(variable.name.lower(), []).append(variable)
    reported: set[str] = set()
    for process, _ in ctx.all_processes():
        for action in process.actions:
            if not _is_azure(action):
                continue
            for name in AZURE_NAME_PROPERTIES:
                prop = action.properties.get(name)
                if prop is not None and isinstance(prop.value, str) and prop.value and not _text_varies(prop.value, variables):
                    yield Hit(
                        prop.position,
                        f"{name} is {prop.value!r} for every tenant, so tenants deploy over each other; add #{{Octopus.Deployment.Tenant.Name}} or use a tenant variable",
                        action,
                    )
            for _, text in action_texts(action):
                for ref in _referenced_names(text) if "#{" in text else ():
                    key = ref.lower()
                    normalised = re.sub(r"[._\-]", "", key)
                    if key in reported or key not in variables or not AZURE_RESOURCE_NAME.search(normalised):
                        continue
                    reported.add(key)
                    if not _varies_by_tenant(ref, variables, set()):
                        variable = variables[key][0]
                        yield Hit(
                            variable.position,
                            f"{variable.name} names an Azure resource but has the same value for every tenant, so tenants deploy over each other; add #{{Octopus.Deployment.Tenant.Name}} to its values or make it a tenant variable",
                            variable,
                        )
