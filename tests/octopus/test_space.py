"""`octoscaffold lint --server`: a realistic 50-project space on the stand-in server, read-only."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from octoscaffold.cli import cli
from octoscaffold.lint import RULES

from .fixtures import realistic_space
from .server import API_KEY, StandIn


@pytest.fixture(scope="module")
def space_server():
    with StandIn(realistic_space(50)) as server:
        yield server


@pytest.fixture
def space_env(monkeypatch, space_server):
    monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
    space_server.faults.clear()
    return space_server


def lint(server, *args):
    result = CliRunner().invoke(cli, ["lint", "--server", server.url, *args])
    assert API_KEY not in result.output
    return result


def findings_of(server, *args) -> dict:
    result = lint(server, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_space_rules_and_project_rules_together(space_env):
    data = findings_of(space_env)
    by_rule: dict[str, list[dict]] = {}
    for finding in data["findings"]:
        by_rule.setdefault(finding["rule"], []).append(finding)
    duplicate = [f for f in by_rule["SPC001"] if f["message"].startswith("Project.Slack.Channel")]
    assert len(duplicate) == 1 and "in 50 projects" in duplicate[0]["message"]
    assert duplicate[0]["path"].endswith("/variables.ocl") and duplicate[0]["line"] > 1
    no_approval = {f["message"].split("'")[1] for f in by_rule["SPC002"]}
    assert "Billing Service 1" in no_approval and "Orders Service 0" not in no_approval
    assert {f["path"] for f in by_rule["SPC003"]} == {"Default/lifecycles/default-lifecycle", "Default/lifecycles/legacy"}
    assert [f["path"] for f in by_rule["SPC004"]] == ["Default/environments/staging"]
    assert [f["path"] for f in by_rule["SPC005"]] == ["Default/workerpools/azure-workers"]
    assert [f["path"] for f in by_rule["SPC006"]] == ["Default/libraryvariablesets/old-notifications"]
    assert len(by_rule["SPC007"]) == 40  # every project not in Git
    assert "13 of 50 projects" in by_rule["SPC008"][0]["message"]
    assert {f["message"].split("'")[1] for f in by_rule["SPC009"]} == {
        "inventory-svc-7", "notify-svc-29", "orders-svc-40", "shipping-svc-18"}
    # The OCL rules see the converted projects: a generic tag, a plain secret, runbooks without a scope.
    assert any("target tag 'web' is generic" in f["message"] for f in by_rule["PROC004"])
    assert any(f["path"].endswith("/variables.ocl") for f in by_rule["VAR002"])
    assert all(f["path"].split("/")[2] == "runbooks" for f in by_rule["RB001"])
    # Sensitive values and library sets count as defined; a project read through the API has no schema file.
    assert "VAR003" not in by_rule and "OCL001" not in by_rule
    projects = {p["name"]: p for p in data["projects"]}
    assert len(projects) == 50 and sum(p["source"] == "git" for p in projects.values()) == 10
    assert projects["Notify Service 9"]["source"] == "git" and projects["Notify Service 9"]["steps"] == 3
    assert data["space"] == "Default" and data["exit_code"] == 1


def test_read_only_and_bounded(space_env):
    space_env.requests.clear()
    space_env.most_in_flight = 0
    space_env.fail("GET", r"/deploymentprocesses", status=0, delay=0.02)  # slow enough for requests to overlap
    result = lint(space_env, "--workers", "3")
    assert result.exit_code == 1
    assert space_env.requests and all(r.method == "GET" for r in space_env.requests)
    assert 2 <= space_env.most_in_flight <= 3


def test_text_has_the_summary_table(space_env):
    result = lint(space_env)
    assert result.exit_code == 1
    table = result.output.split("Space Default: 50 projects\n")[1].splitlines()
    assert table[0].split() == ["PROJECT", "SOURCE", "STEPS", "RUNBOOKS", "ERRORS", "WARNINGS", "INFO"]
    assert len(table) == 51
    row = next(line for line in table if line.startswith("Notify Service 9 "))
    assert row.split()[3:5] == ["git", "3"]


def test_select_sarif_and_github(space_env):
    data = findings_of(space_env, "--select", "SPC001")
    assert {f["rule"] for f in data["findings"]} == {"SPC001"}
    sarif = json.loads(lint(space_env, "--format", "sarif", "--select", "SPC").output)
    run = sarif["runs"][0]
    assert {r["ruleId"] for r in run["results"]} >= {"SPC001", "SPC007"}
    assert "SPC009" in {r["id"] for r in run["tool"]["driver"]["rules"]}
    github = lint(space_env, "--format", "github", "--select", "SPC006").output.splitlines()
    assert github[0].startswith("::notice file=Default/libraryvariablesets/old-notifications,line=1,col=1,title=SPC006::")
    assert not any(rule.startswith("SPC") for rule in RULES)  # known only while a space is linted


def test_config_severity_and_list_rules(space_env, tmp_path, monkeypatch):
    (tmp_path / ".octoscaffold.toml").write_text('[lint]\nignore = ["SPC007"]\n[lint.severity]\nSPC002 = "error"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = findings_of(space_env)
    assert "SPC007" not in {f["rule"] for f in data["findings"]}
    assert {f["severity"] for f in data["findings"] if f["rule"] == "SPC002"} == {"error"}
    listed = lint(space_env, "--list-rules").output
    assert "SPC005   info     unused worker pool" in listed.splitlines()


def test_failures_are_one_line(space_env, monkeypatch):
    monkeypatch.setenv("OCTOPUS_API_KEY", "API-WRONG")
    result = lint(space_env)
    assert result.exit_code == 3 and "401" in result.output and "API-WRONG" not in result.output
    monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
    space_env.fail("GET", r"/variables/variableset-Projects-7$", 500, "Database timeout")
    result = lint(space_env)
    assert result.exit_code == 3
    assert result.output.strip().splitlines()[-1].endswith("500 Database timeout")


def test_a_project_the_server_will_not_give_is_reported_and_the_others_are_read(space_env):
    """A 404 for one project's variables (its branch gone, say) is that project's finding, not the
    end of the run; the other 49 are still linted."""
    space_env.fail("GET", r"/variables/variableset-Projects-7$", 404, "The resource you requested was not found.")
    result = lint(space_env, "--format", "json")
    assert result.exit_code == 2, result.output[-500:]  # as for a file lint cannot read
    data = json.loads(result.output)
    unreadable = [f for f in data["findings"] if f["rule"] == "OCL000"]
    assert len(unreadable) == 1 and "could not be read" in unreadable[0]["message"]
    assert "404" in unreadable[0]["message"]
    assert len(data["projects"]) == 50
    assert [p["source"] for p in data["projects"]].count("unreadable") == 1


def test_paths_and_server_together_are_refused(space_env):
    result = lint(space_env, ".octopus")
    assert result.exit_code == 2 and "give no PATHS" in result.output


def test_the_view_names_things_by_slug(space_env):
    """A database project's JSON read from the server becomes OCL naming slugs, not ids."""
    from octoscaffold.octopus.client import Octopus, OctopusSettings
    from octoscaffold.octopus.ocl_from_api import Slugs, process_document, variables_document
    from octoscaffold.ocl import write
    from octoscaffold.ocl.view import view_from_texts

    with Octopus(OctopusSettings(space_env.url, API_KEY)) as api:
        project = next(p for p in api.all(api.space_path("projects")) if p["Name"] == "Orders Service 0")
        process = api.get(api.space_path(f"deploymentprocesses/{project['DeploymentProcessId']}"))
        variables = api.get(api.space_path(f"variables/{project['VariableSetId']}"))
        slugs = Slugs(environments=Slugs.of(api.all(api.space_path("environments"))),
                      feeds=Slugs.of(api.all(api.space_path("feeds"))), worker_pools=Slugs.of(api.all(api.space_path("workerpools"))))
    variables_doc, sensitive = variables_document(variables, slugs)
    view = view_from_texts({"deployment_process.ocl": write(process_document(process, slugs)), "variables.ocl": write(variables_doc)})
    approve, deploy, smoke, scan = view.deployment_process.steps
    assert approve.actions[0].environments == ("production",)
    assert deploy.actions[0].excluded_environments == ("security",) and deploy.target_roles == ("web",)
    assert deploy.actions[0].packages[0].feed == "octopus-server-built-in"
    assert smoke.actions[0].worker_pool == "hosted-ubuntu"
    assert [v.scope.environment for v in view.variable("Project.Web.Url").values] == [("development",), ("production",)]
    assert sensitive == ["Project.Db.Password"] and view.variable("Project.Db.Password") is None
