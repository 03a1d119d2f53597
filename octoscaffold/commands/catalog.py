"""`octoscaffold catalog`: list the project kinds, show one, and help template authors."""

from __future__ import annotations

from pathlib import Path

import click

catalog_option = click.option(
    "--catalog",
    "catalogs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of templates, searched before the others (repeatable).",
)


@click.group()
def catalog() -> None:
    """List the project kinds in the catalog, show one, create and check your own.

    Templates come from, in order: --catalog folders, OCTOSCAFFOLD_CATALOG_PATH,
    the repository's .octoscaffold.toml, the user config, installed packages
    (entry points "octoscaffold.catalogs"), then the built-in catalog. A template
    with the id of a later one overrides it.

    \b
    Example:
      octoscaffold catalog list
      octoscaffold catalog show aws-lambda
      octoscaffold catalog new acme-service --dir ./catalog
      octoscaffold catalog check ./catalog
    """


@catalog.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@catalog_option
def list_command(fmt: str, catalogs: tuple[Path, ...]) -> None:
    """List every template: id, version, source and title.

    \b
    Example:
      octoscaffold catalog list --format json
    """
    import json

    from octoscaffold.catalog import load_catalog
    from octoscaffold.inputs import printable

    templates = load_catalog(extra=catalogs).templates.values()
    if fmt == "json":
        rows = [
            {"id": t.id, "version": t.manifest.version, "source": t.source, "title": t.manifest.title,
             "description": t.manifest.description, "keywords": t.manifest.keywords}
            for t in templates
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    id_width = max((len(t.id) for t in templates), default=2)
    source_width = max((len(t.source) for t in templates), default=6)
    for template in templates:
        click.echo(printable(
            f"{template.id:{id_width}}  {template.manifest.version:8}  {template.source:{source_width}}  "
            f"{template.manifest.title}"
        ))


@catalog.command("show")
@click.argument("template_id", metavar="ID")
@catalog_option
def show_command(template_id: str, catalogs: tuple[Path, ...]) -> None:
    """Show one template: description, keywords, parameters, runbooks, prerequisites.

    \b
    Example:
      octoscaffold catalog show kubernetes
    """
    from octoscaffold.catalog import load_catalog
    from octoscaffold.inputs import printable

    template = load_catalog(extra=catalogs).get(template_id)
    manifest = template.manifest
    # A third-party manifest's texts are printed with control characters escaped.
    click.echo(printable(f"{manifest.id} {manifest.version} ({template.source}): {manifest.title}"))
    click.echo(printable(f"\n{manifest.description}", lines=True))
    click.echo(printable(f"\nKeywords: {', '.join(manifest.keywords)}", lines=True))
    if manifest.parameters:
        click.echo("\nParameters (spec: parameters.<name>):")
        for name, parameter in manifest.parameters.items():
            choices = f"; one of {', '.join(parameter.choices)}" if parameter.choices else ""
            click.echo(printable(f"  {name} ({parameter.type}, default {parameter.default!r}{choices}): {parameter.description}"))
    if manifest.runbooks:
        click.echo("\nRunbooks:")
        for runbook in manifest.runbooks:
            where = "" if runbook.production else " (not in production)"
            click.echo(printable(f"  {runbook.name}{where}: {runbook.description}"))
    needs = [f"{p.kind} {p.name}" + (f": {p.detail}" if p.detail else "") for p in manifest.prerequisites]
    needs += [f"sensitive variable {v.name}: {v.description}" for v in manifest.sensitive_variables]
    if needs:
        click.echo("\nAlso needs in Octopus:")
        for need in needs:
            click.echo(printable(f"  {need}"))
    if manifest.examples:
        click.echo("\nExample specs:")
        for example in manifest.examples:
            click.echo(f"  {printable(template.folder / example)}")


@catalog.command("new")
@click.argument("template_id", metavar="ID")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Catalog folder to create the template in.",
)
def new_command(template_id: str, folder: Path) -> None:
    """Create a template folder ID: manifest, Jinja files, a script and an example spec.

    It passes `catalog check` as created; edit it from there.

    \b
    Example:
      octoscaffold catalog new acme-service --dir ./catalog
    """
    from octoscaffold.authoring import new_template
    from octoscaffold.inputs import printable

    written = new_template(folder, template_id)
    click.echo(f"Created {printable(folder / template_id)}:")
    for path in written:
        click.echo(f"  {printable(path)}")
    click.echo(f"\nCheck it with: octoscaffold catalog check {printable(folder)}")


@catalog.command("check")
@click.argument("folder", metavar="DIR", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--update", is_flag=True, help="Write the rendered output as the new snapshots and record versions in catalog-lock.json.")
def check_command(folder: Path | None, update: bool) -> None:
    """Check the templates in a catalog folder DIR (default: the current folder).

    Validates each manifest, renders every example spec, parses, checks and lints
    the output, and compares it with the snapshots kept in <template>/snapshots/
    (written by --update). With a catalog-lock.json in DIR, a template whose files
    changed while its version did not is refused; --update records new and bumped
    versions (and creates the lock). Exit 1 if any template has a problem.

    \b
    Example:
      octoscaffold catalog check ./catalog --update
    """
    import sys

    from octoscaffold.authoring import check_folder
    from octoscaffold.errors import EXIT_FOUND
    from octoscaffold.inputs import printable

    results = check_folder(folder or Path("."), update=update)
    for result in results:
        status = "ok" if result.ok else "FAILED"
        click.echo(f"{result.template.id}: {status} ({result.examples} example{'s' * (result.examples != 1)})")
        # example names and problems come from the catalog's files: no control characters to the terminal
        for example in result.updated:
            click.echo(f"  snapshot written: {printable(example)}")
        if result.recorded is not None:
            click.echo(f"  version {printable(result.recorded)} recorded in catalog-lock.json")
        for problem in result.problems:
            click.echo(f"  {printable(problem)}")
    if not all(result.ok for result in results):
        sys.exit(EXIT_FOUND)
