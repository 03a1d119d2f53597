"""`octoscaffold catalog`: list the project kinds and show one."""

from __future__ import annotations

import click


@click.group()
def catalog() -> None:
    """List the project kinds in the catalog, and show what one generates.

    \b
    Example:
      octoscaffold catalog list
      octoscaffold catalog show aws-lambda
    """


@catalog.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_command(fmt: str) -> None:
    """List every template: id, version, source and title.

    \b
    Example:
      octoscaffold catalog list --format json
    """
    import json

    from octoscaffold.catalog import load_catalog

    templates = load_catalog().templates.values()
    if fmt == "json":
        rows = [
            {"id": t.id, "version": t.manifest.version, "source": t.source, "title": t.manifest.title,
             "description": t.manifest.description, "keywords": t.manifest.keywords}
            for t in templates
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max((len(t.id) for t in templates), default=2)
    for template in templates:
        click.echo(f"{template.id:{width}}  {template.manifest.version:8}  {template.source:9}  {template.manifest.title}")


@catalog.command("show")
@click.argument("template_id", metavar="ID")
def show_command(template_id: str) -> None:
    """Show one template: description, keywords, parameters, runbooks, prerequisites.

    \b
    Example:
      octoscaffold catalog show kubernetes
    """
    from octoscaffold.catalog import load_catalog

    template = load_catalog().get(template_id)
    manifest = template.manifest
    click.echo(f"{manifest.id} {manifest.version} ({template.source}): {manifest.title}")
    click.echo(f"\n{manifest.description}")
    click.echo(f"\nKeywords: {', '.join(manifest.keywords)}")
    if manifest.parameters:
        click.echo("\nParameters (spec: parameters.<name>):")
        for name, parameter in manifest.parameters.items():
            choices = f"; one of {', '.join(parameter.choices)}" if parameter.choices else ""
            click.echo(f"  {name} ({parameter.type}, default {parameter.default!r}{choices}): {parameter.description}")
    if manifest.runbooks:
        click.echo("\nRunbooks:")
        for runbook in manifest.runbooks:
            where = "" if runbook.production else " (not in production)"
            click.echo(f"  {runbook.name}{where}: {runbook.description}")
    needs = [f"{p.kind} {p.name}" + (f": {p.detail}" if p.detail else "") for p in manifest.prerequisites]
    needs += [f"sensitive variable {v.name}: {v.description}" for v in manifest.sensitive_variables]
    if needs:
        click.echo("\nAlso needs in Octopus:")
        for need in needs:
            click.echo(f"  {need}")
    if manifest.examples:
        click.echo("\nExample specs:")
        for example in manifest.examples:
            click.echo(f"  {template.folder / example}")
