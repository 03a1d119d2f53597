"""`octoscaffold spec`: the spec's JSON Schema, and checking a spec file."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def spec() -> None:
    """Work with spec files: print their JSON Schema, check one.

    \b
    Example:
      octoscaffold spec schema > octoscaffold.schema.json
      octoscaffold spec check spec.yaml
    """


@spec.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a spec (for editors and validation).

    \b
    Example:
      octoscaffold spec schema > octoscaffold.schema.json
    """
    import json

    from octoscaffold.spec.model import ProjectSpec

    click.echo(json.dumps(ProjectSpec.model_json_schema(by_alias=True), indent=2))


@spec.command("check")
@click.argument("spec_file", metavar="SPEC", type=click.Path(dir_okay=False, path_type=Path))
def check_command(spec_file: Path) -> None:
    """Check a spec file: valid fields, a known template, valid parameters.

    \b
    Example:
      octoscaffold spec check spec.yaml
    """
    from octoscaffold.scaffold import resolve_spec
    from octoscaffold.spec import load_spec

    resolved = resolve_spec(load_spec(spec_file))
    click.echo(f"{spec_file}: ok ({resolved.template}, project {resolved.project.name!r})")
