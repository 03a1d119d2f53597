"""`octoscaffold spec`: the spec's JSON Schema, and checking a spec file."""

from __future__ import annotations

from pathlib import Path

import click

from octoscaffold.commands.catalog import catalog_option


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
@catalog_option
def check_command(spec_file: Path, catalogs: tuple[Path, ...]) -> None:
    """Check a spec file exactly as `render` would: valid fields, a known
    template, valid parameters, and a project that renders and lints without
    an error. Nothing is written.

    \b
    Example:
      octoscaffold spec check spec.yaml
    """
    from octoscaffold.catalog import load_catalog
    from octoscaffold.inputs import printable
    from octoscaffold.scaffold import build
    from octoscaffold.spec import load_spec

    # The same validation as `render`: one path, so the two can never disagree.
    resolved = build(load_spec(spec_file), load_catalog(extra=catalogs)).spec
    click.echo(f"{printable(spec_file)}: ok ({resolved.template}, project {resolved.project.name!r})")
