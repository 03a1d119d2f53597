"""Render a resolved spec with its catalog template into canonical OCL files.

Templates run in Jinja's sandbox with every expression escaped for OCL (see filters.py). Each
rendered file is parsed and rewritten by the OCL writer, so output is in Octopus's own layout and a
template bug is caught here, naming the template, before anyone sees the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from octoscaffold.catalog import OCL_FILES, Catalog, Template
from octoscaffold.errors import TemplateError
from octoscaffold.render import filters
from octoscaffold.spec.model import ProjectSpec, Runbook
from octoscaffold.spec.naming import package_reference, slugify, step_name, target_tag

SPEC_FOLDER = ".octoscaffold"


@dataclass(frozen=True)
class Environment:
    name: str
    slug: str
    production: bool
    security: bool


@dataclass(frozen=True)
class Rendered:
    """The result of rendering: file texts by path relative to the repository root."""

    spec: ProjectSpec
    template: Template
    files: dict[str, str]

    @property
    def base_path(self) -> str:
        assert self.spec.git.base_path is not None
        return self.spec.git.base_path

    def ocl_files(self) -> dict[str, str]:
        """OCL texts keyed by path relative to the base path (as a config-as-code folder holds them)."""
        prefix = self.base_path + "/"
        return {p[len(prefix) :]: t for p, t in self.files.items() if p.startswith(prefix)}


def spec_path(spec: ProjectSpec) -> str:
    return f"{SPEC_FOLDER}/{spec.slug}.yaml"


def _bytecode_cache():
    """Compiled templates cached per octoscaffold version (keyed by source checksum), or None."""
    from jinja2 import FileSystemBytecodeCache

    from octoscaffold.cache import cache_dir

    folder = cache_dir("jinja")

    class QuietCache(FileSystemBytecodeCache):
        """A cache that cannot be written is no cache, never an error."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, ValueError, EOFError):
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return QuietCache(str(folder)) if folder is not None else None


@lru_cache(maxsize=8)
def _environment(roots: tuple[Path, ...]):
    from jinja2 import StrictUndefined

    from octoscaffold.render.sandbox import ConfinedLoader, OclSandbox

    env = OclSandbox(
        loader=ConfinedLoader([str(root) for root in roots]),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        finalize=filters.finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["raw"] = lambda name: _raw(env, name)
    env.filters.update(
        ocl=filters.ocl,
        json=filters.json_text,
        slug=slugify,
        step_name=step_name,
        package_reference=package_reference,
        scanner=filters.scanner,
        pod_security=filters.pod_security,
    )
    return env


def _raw(env, name: str) -> str:
    """A catalog file's text, unrendered (scripts use `${#x}` and other Jinja-like syntax)."""
    source, _, _ = env.loader.get_source(env, name)
    return source.rstrip("\n")


def _context(spec: ProjectSpec, template: Template) -> dict:
    from octoscaffold.render.sandbox import read_only

    # Templates get read-only views: they can never change the spec that is stored.
    return {name: read_only(value) for name, value in _values(spec, template).items()}


def _values(spec: ProjectSpec, template: Template) -> dict:
    from octoscaffold.policy import is_production

    security = spec.security_scan.environment if spec.security_scan.active else None
    environments = [
        Environment(name, slugify(name), name != security and is_production(name), name == security)
        for name in spec.lifecycle.environments
    ]
    security_env = next((e for e in environments if e.security), None)
    return {
        "spec": spec,
        "project": spec.project,
        "params": spec.parameters,
        "environments": environments,
        "security": security_env,
        # Deployment steps skip the Security environment; only the scan runs there.
        "excluded": [security_env.slug] if security_env else [],
        "approval_environments": [slugify(e) for e in spec.approval.environments],
        "worker_pool_variable": "Project.WorkerPool",
        "extra_variables": _extra_variables(spec),
        "manifest": template.manifest,
        "multi_tenancy_mode": {
            "untenanted": None,
            "tenanted": "Tenanted",
            "tenanted-or-untenanted": "TenantedOrUntenanted",
        }[spec.tenancy.mode],
        "target_tag": lambda role: target_tag(spec.slug, role),
        # The account slug of a cloud (aws, azure, gcp) for an environment class (nonproduction,
        # production): the spec's settings.accounts, else `<cloud>-<class>`.
        "account_name": lambda cloud, environment_class: spec.settings.accounts.get(cloud, {}).get(
            environment_class, f"{cloud}-{environment_class}"
        ),
    }


def _extra_variables(spec: ProjectSpec) -> list[dict]:
    """The spec's own non-sensitive variables, one entry per name with all its values in order
    (the same name with different scopes is one OCL variable with several values)."""
    grouped: dict[str, dict] = {}
    for variable in spec.variables:
        if variable.type == "Sensitive":
            continue
        entry = grouped.setdefault(variable.name, {"name": variable.name, "type": variable.type, "values": []})
        entry["values"].append(
            {"value": variable.value, "description": variable.description,
             "environments": [slugify(e) for e in variable.environments]}
        )
    return list(grouped.values())


def _where(error: BaseException, name: str) -> str:
    """`template-file:line` of a Jinja error: from the error, or from the template frames Jinja
    puts into the traceback of errors raised while rendering."""
    line = getattr(error, "lineno", None)
    filename = getattr(error, "filename", None)
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    if filename:
        parts = Path(filename).parts
        filename = "/".join(parts[-2:]) if len(parts) > 1 else filename
    return f"{filename or name}" + (f":{line}" if line else "")


def _render_one(env, name: str, context: dict) -> str:
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateNotFound

    from octoscaffold.render.sandbox import OutputTooLarge, RenderTimeout, limits, render_stream, time_limit_setting

    seconds = time_limit_setting()
    try:
        with limits(seconds):
            return render_stream(env.get_template(name), context)
    except RenderTimeout as error:
        raise TemplateError(f"{_where(error, name)}: rendering took longer than {seconds:g} s (an endless loop?)") from None
    except OutputTooLarge as error:
        raise TemplateError(f"{_where(error, name)}: {error}; a template must not make files that large") from None
    except MemoryError as error:
        raise TemplateError(f"{_where(error, name)}: rendering ran out of its memory allowance") from None
    except TemplateNotFound as error:
        raise TemplateError(f"{name}: template file {error.name} not found in the catalog folders") from None
    except JinjaError as error:
        raise TemplateError(f"{_where(error, name)}: {_printable(error)}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError, RecursionError, UnicodeError) as error:
        raise TemplateError(f"{_where(error, name)}: {type(error).__name__}: {_printable(error)}") from None
    except OSError as error:
        raise TemplateError(f"{name}: cannot read {_printable(error.filename or 'a template file')}: {error.strerror}") from None


def _printable(error: BaseException) -> str:
    from octoscaffold.inputs import printable

    text = printable(error)
    return text if len(text) <= 300 else text[:300] + "..."


def render(spec: ProjectSpec, catalog: Catalog) -> Rendered:
    """Render a resolved spec (see octoscaffold.policy.resolve) into canonical files."""
    from octoscaffold.ocl import OclSyntaxError, canonical
    from octoscaffold.render.sandbox import read_only
    from octoscaffold.spec.io import dump_spec

    template = catalog.get(spec.template)
    env = _environment(catalog.roots)
    context = _context(spec, template)
    base = spec.git.base_path
    sources: dict[str, tuple[str, str]] = {}
    for name in OCL_FILES:
        loader_name = template.file_for(name)
        sources[f"{base}/{name}"] = (loader_name, _render_one(env, loader_name, context))
    own_runbooks = {r.name: r for r in template.manifest.runbooks}
    for runbook in spec.runbooks or []:
        loader_name = _runbook_file(template, own_runbooks.get(runbook.name))
        text = _render_one(env, loader_name, {**context, "runbook": read_only(_runbook_context(runbook))})
        sources[f"{base}/runbooks/{slugify(runbook.name)}.ocl"] = (loader_name, text)

    files: dict[str, str] = {}
    for path, (loader_name, text) in sources.items():
        try:
            files[path] = canonical(text, path=loader_name)
        except OclSyntaxError as error:
            raise TemplateError(f"template {template.id} rendered invalid OCL: {error}") from None
    # The stored spec records what was made and from what: a later render can tell its own stale
    # files, and `update` what the user edited since.
    spec = spec.model_copy(update={"generated": provenance(template, files)})
    files[spec_path(spec)] = dump_spec(spec)
    return Rendered(spec, template, dict(sorted(files.items())))


def provenance(template: Template, files: dict[str, str]):
    from octoscaffold import __version__
    from octoscaffold.provenance import blob_id, catalog_name, template_hash
    from octoscaffold.spec.model import Generated

    return Generated(
        template=template.id,
        version=template.manifest.version,
        hash=template_hash(template.folder),
        catalog=catalog_name(template.source),
        octoscaffold=__version__,
        files={path: blob_id(text) for path, text in sorted(files.items())},
    )


def _runbook_file(template: Template, own) -> str:
    return f"{template.id}/{own.file}" if own else "_shared/runbook.ocl.j2"


def _runbook_context(runbook: Runbook) -> dict:
    return {
        "name": runbook.name,
        "slug": slugify(runbook.name),
        "description": runbook.description,
        "environments": [slugify(e) for e in runbook.environments],
    }
