"""`octoscaffold diagnose`: flags in, a diagnosis out. Only click is imported at module level."""

from __future__ import annotations

from pathlib import Path

import click

from octoscaffold.commands.catalog import catalog_option


@click.command("diagnose")
@click.argument("log", required=False, type=click.Path(path_type=Path, readable=False, allow_dash=True))
@click.option("--server", metavar="URL", help="Octopus server to fetch the task from [env: OCTOPUS_URL].")
@click.option("--task", "task", metavar="ID|URL",
              help="ServerTasks-123, Deployments-45, RunbookRuns-6, or a URL from the web portal (read-only; "
                   "the key is read from OCTOPUS_API_KEY).")
@click.option("--space", metavar="SPACE", help="Space name or id for --task [env: OCTOPUS_SPACE].")
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path),
              help="The project's OCL folder (.octopus/<slug>): tie the failure to its steps and variables.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text for people, json for programs, markdown for a pull request or a chat message.")
@click.option("--model", envvar="OCTOSCAFFOLD_MODEL",
              help="Model that explains the failure beside the signatures [env: OCTOSCAFFOLD_MODEL].")
@click.option("--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible endpoint of the model [env: OPENAI_BASE_URL].")
@click.option("--no-model", is_flag=True, help="Signatures only, offline, even with a model configured.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@catalog_option
def diagnose(log: Path | None, server: str | None, task: str | None, space: str | None, project: Path | None,
             fmt: str, model: str | None, base_url: str | None, no_model: bool, output: Path | None,
             catalogs: tuple[Path, ...]) -> None:
    """Explain why a deployment failed: the first failing step, the likely cause, evidence, next steps.

    LOG is a raw task log (Task log > Download) or the JSON of the task details
    endpoint; - reads standard input. Or fetch it live with --task.

    \b
    Exit codes: 0 it did not fail, 1 a failure explained, 2 bad input
    or a log that does not say whether it failed, 3 the server or the
    model could not be reached.

    \b
    Examples:
      octoscaffold diagnose ServerTasks-1234.log.txt
      octoscaffold diagnose --task https://octopus.example.com/app#/Spaces-1/tasks/ServerTasks-1234
      octoscaffold diagnose task.log --project .octopus/my-app --format markdown
    """
    from octoscaffold.diagnose.analyze import diagnose as run
    from octoscaffold.diagnose.logs import read_chunks, read_log
    from octoscaffold.inputs import printable
    from octoscaffold.diagnose.report import render
    from octoscaffold.diagnose.signatures import load_signatures
    from octoscaffold.errors import UserError

    if (log is None) == (task is None):
        raise UserError("give either a LOG file (or - for stdin) or --task, not both" if log else
                        "no log given", hint="octoscaffold diagnose FILE, or --task ServerTasks-123 with --server")
    if server and not task:
        raise UserError("--server needs --task", hint="--task ServerTasks-123")
    catalog = load_signatures(tuple(catalogs))
    if task is not None:
        from octoscaffold.diagnose.live import fetch, parse_target

        chunks, resource = fetch(parse_target(task), server=server, space=space)
        parsed = read_chunks(chunks, printable(task))
        parsed.task = resource
    else:
        parsed = read_log(log)
    diagnosis = run(parsed, catalog)
    checks = None
    if project is not None:
        from octoscaffold.diagnose.project import crosscheck

        checks = crosscheck(diagnosis, project)
    explanation, problem = None, None
    settings = None
    if not no_model:
        from octoscaffold.config import llm_settings

        settings = llm_settings(model=model, base_url=base_url)
        if not settings.model:
            settings = None
    if settings is not None:
        from octoscaffold.diagnose.model import explain
        from octoscaffold.errors import LLMError

        try:
            explanation = explain(diagnosis, settings)
        except LLMError as error:
            problem = error  # the signatures are still shown, then the error ends the command (exit 3)
    text = render(diagnosis, fmt, crosschecks=checks, explanation=explanation)
    if output is not None:
        from octoscaffold.lint.command import write_report

        write_report(output, text)
    else:
        click.echo(text, nl=False)
    if problem is not None:
        raise problem
    # "Could not tell" is not "did not fail": a script must not read it as a success.
    click.get_current_context().exit(1 if diagnosis.failed else 2 if diagnosis.outcome == "unknown" else 0)
