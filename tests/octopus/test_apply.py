"""`octoscaffold apply` against the stand-in server: the real client over HTTP on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from octoscaffold.cli import cli

from .conftest import publish_ocl, scaffold_into
from .fixtures import REPO_URL
from .server import API_KEY


def run(folder, *args, env=None):
    result = CliRunner().invoke(cli, ["apply", "--repo", str(folder), "--git-url", REPO_URL, *args], env=env)
    assert API_KEY not in result.output
    return result


def statuses(output: str) -> dict[tuple[str, str], str]:
    """(kind, name) → status, from the first table of the output."""
    found = {}
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("STATUS"))
    header = lines[start]
    kind_at, name_at, detail_at = header.index("KIND"), header.index("NAME"), header.index("DETAIL")
    for line in lines[start + 1:]:
        if not line.strip():
            break
        found[(line[kind_at:name_at].strip(), line[name_at:detail_at].strip())] = line[:kind_at].strip()
    return found


def drop(space, collection, name):
    space.data[collection] = [item for item in space.data[collection] if item["Name"] != name]


def test_present_missing_and_different(octopus_env, project_dir):
    space = octopus_env.space
    space.find("environments", "Test").update(Name="QA", Slug="qa")
    lifecycle = space.find("lifecycles", "DevSecOps")
    lifecycle["Phases"] = [lifecycle["Phases"][i] for i in (0, 2, 1, 3)]  # Test after Production
    space.find("feeds", "Docker Hub")["FeedType"] = "NuGet"
    space.find("accounts", "aws-production")["AccountType"] = "AzureServicePrincipal"
    result = run(project_dir)
    assert result.exit_code == 1, result.output
    found = statuses(result.output)
    assert found[("environment", "Test")] == "missing"
    assert found[("environment", "Production")] == "present"
    assert found[("lifecycle", "DevSecOps")] == "different"
    assert found[("feed", "docker-hub")] == "different"
    assert found[("feed", "octopus-server-built-in")] == "present"
    assert found[("AWS account", "aws-production")] == "different"
    assert found[("AWS account", "aws-nonproduction")] == "present"
    assert found[("project", "OctoPub SAM")] == "missing"
    assert "a NuGet feed; needs Docker" in result.output
    assert "phases: Development → Production → QA → Security" in result.output
    assert octopus_env.writes() == []


def test_create_missing_creates_what_is_safe_and_lists_the_rest(octopus_env, project_dir):
    space = octopus_env.space
    drop(space, "environments", "Security")
    drop(space, "lifecycles", "DevSecOps")
    drop(space, "projectgroups", "AWS")
    drop(space, "accounts", "aws-production")
    publish_ocl(octopus_env, project_dir)
    result = run(project_dir, "--create-missing", "--git-credential", "github-deploy")
    assert result.exit_code == 1, result.output  # the account is still missing
    writes = [(r.method, r.path) for r in octopus_env.writes()]
    assert writes[:3] == [("POST", "/api/Spaces-1/environments"), ("POST", "/api/Spaces-1/projectgroups"),
                          ("POST", "/api/Spaces-1/lifecycles")]
    assert ("POST", "/api/Spaces-1/projects") in writes
    assert not any("accounts" in path for _, path in writes)
    lifecycle = space.find("lifecycles", "DevSecOps")
    names = {e["Id"]: e["Name"] for e in space.data["environments"]}
    assert [names[p["OptionalDeploymentTargets"][0]] for p in lifecycle["Phases"]] == ["Development", "Test", "Production", "Security"]
    project = space.find("projects", "OctoPub SAM")
    assert project["ProjectGroupId"] == space.find("projectgroups", "AWS")["Id"]
    settings = project["PersistenceSettings"]
    assert (settings["Type"], settings["Url"], settings["DefaultBranch"], settings["BasePath"]) == (
        "VersionControlled", REPO_URL, "main", ".octopus/octopub-sam")
    assert settings["Credentials"] == {"Type": "Reference", "Id": space.find("git-credentials", "github-deploy")["Id"]}
    trigger = space.triggers[0]
    assert trigger["Action"]["DestinationEnvironmentId"] == space.find("environments", "Security")["Id"]
    assert trigger["Action"]["SourceEnvironmentIds"] == [space.find("environments", "Production")["Id"]]
    assert "For a person" in result.output and 'AWS account "aws-production"' in result.output
    assert "Verified: the process read back from main has the" in result.output
    assert statuses(result.output.split("Now:")[1])[("AWS account", "aws-production")] == "missing"


def test_second_run_changes_nothing_and_says_so(octopus_env, project_dir):
    publish_ocl(octopus_env, project_dir)
    first = run(project_dir, "--create-missing", "--git-credential", "github-deploy")
    assert first.exit_code == 0, first.output
    assert "created project OctoPub SAM" in first.output
    sent = len(octopus_env.writes())
    second = run(project_dir, "--create-missing", "--git-credential", "github-deploy")
    assert second.exit_code == 0, second.output
    assert len(octopus_env.writes()) == sent
    assert "Nothing to change" in second.output and "Verified" in second.output


def test_unmerged_branch_is_not_verified(octopus_env, project_dir):
    result = run(project_dir, "--create-missing")
    assert result.exit_code == 1
    # Octopus committed an empty process to the empty folder; the OCL is still on the review branch.
    assert "Not verified: the process read back from main has 0 steps" in result.output
    assert octopus_env.space.find("projects", "OctoPub SAM")["PersistenceSettings"]["Credentials"] == {"Type": "Anonymous"}


def test_dry_run_prints_every_write_and_sends_none(octopus_env, project_dir):
    drop(octopus_env.space, "environments", "Security")
    drop(octopus_env.space, "lifecycles", "DevSecOps")
    result = run(project_dir, "--create-missing", "--dry-run")
    assert result.exit_code == 1
    assert octopus_env.writes() == []
    assert "Dry run: 5 writes would be sent." in result.output
    for line in ("POST /api/Spaces-1/environments", "POST /api/Spaces-1/projects",
                 "POST /api/Spaces-1/projects/<id of the project OctoPub SAM>/git/convert"):
        assert line in result.output.splitlines()
    assert '"Name": "Security"' in result.output


def test_tenants_are_created_or_connected(octopus_env, tmp_path):
    folder = scaffold_into(tmp_path / "t", tenancy={"mode": "tenanted", "tenants": ["Acme", "Globex"]})
    publish_ocl(octopus_env, folder)
    result = run(folder, "--create-missing")
    assert result.exit_code == 0, result.output
    space = octopus_env.space
    project_id = space.find("projects", "OctoPub SAM")["Id"]
    assert project_id in space.find("tenants", "Acme")["ProjectEnvironments"]  # connected (PUT)
    assert len(space.find("tenants", "Globex")["ProjectEnvironments"][project_id]) == 4  # created, connected
    assert space.find("projects", "OctoPub SAM")["TenantedDeploymentMode"] == "Tenanted"
    assert ("PUT", f"/api/Spaces-1/tenants/{space.find('tenants', 'Acme')['Id']}") in [(r.method, r.path) for r in octopus_env.writes()]


def test_a_different_project_is_left_alone(octopus_env, project_dir):
    space = octopus_env.space
    space.add("projects", {"Name": "OctoPub SAM", "ProjectGroupId": space.find("projectgroups", "Web")["Id"],
                           "LifecycleId": space.find("lifecycles", "Legacy")["Id"]})
    result = run(project_dir, "--create-missing")
    assert result.exit_code == 1
    assert statuses(result.output)[("project", "OctoPub SAM")] == "different"
    assert "not in version control" in result.output and "it is left as it is" in result.output
    assert not any(r.path.endswith("/git/convert") or r.path.endswith("/projects") for r in octopus_env.writes())


# -- failures: one line, exit 3, never the key ------------------------------------------------


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.startswith("octoscaffold: error:")]
    assert len(lines) == 1, result.output
    return lines[0]


def test_401_wrong_key(octopus_env, project_dir):
    result = run(project_dir, env={"OCTOPUS_API_KEY": "API-WRONG"})
    assert result.exit_code == 3
    line = one_error_line(result)
    assert "401" in line and "check OCTOPUS_API_KEY" in line and "API-WRONG" not in result.output


def test_403_404_409_500_are_one_line(octopus_env, project_dir):
    cases = [("GET", r"/feeds$", 403, "You do not have permission to perform this action."),
             ("GET", r"/projectgroups$", 404, "The resource was not found."),
             ("POST", r"/projects$", 409, "Another change was made at the same time."),
             ("GET", r"/lifecycles$", 500, "An unexpected error occurred.")]
    for method, path, status, message in cases:
        octopus_env.faults.clear()
        octopus_env.fail(method, path, status, message)
        result = run(project_dir, "--create-missing")
        assert result.exit_code == 3, (status, result.output)
        line = one_error_line(result)
        assert f"{status} {message}" in line and "\n" not in line


def test_retries_a_503_then_succeeds(octopus_env, project_dir):
    octopus_env.fail("GET", r"/environments$", 503, "Service unavailable", times=1)
    result = run(project_dir)
    assert result.exit_code == 1  # only the project is missing
    assert sum(1 for r in octopus_env.requests if r.path.endswith("/environments")) == 2


def test_timeout(octopus_env, project_dir):
    octopus_env.fail("GET", r"/spaces/all", status=0, delay=1.5, times=3)
    result = run(project_dir, "--timeout", "1")
    assert result.exit_code == 3
    assert "no answer within 1 s" in one_error_line(result)


def test_missing_space_is_a_usage_error(octopus_env, project_dir):
    result = run(project_dir, "--space", "Nope")
    assert result.exit_code == 2 and "no space Nope" in one_error_line(result)


def test_key_travels_only_in_its_header(octopus_env, project_dir):
    run(project_dir, "--create-missing", "--dry-run")
    assert octopus_env.requests
    for request in octopus_env.requests:
        assert request.headers.get("X-Octopus-ApiKey") == API_KEY
        assert API_KEY not in request.path and API_KEY not in str(request.query) and API_KEY not in str(request.body)


def test_a_repository_cannot_choose_the_server(monkeypatch, project_dir):
    monkeypatch.setenv("OCTOPUS_API_KEY", API_KEY)
    (project_dir / ".octoscaffold.toml").write_text('[octopus]\nurl = "https://collector.example.com"\n', encoding="utf-8")
    monkeypatch.chdir(project_dir)
    result = CliRunner().invoke(cli, ["apply", "--git-url", REPO_URL])
    assert result.exit_code == 2
    assert "is named only by" in one_error_line(result)


def test_no_spec_or_no_ocl_is_one_line(tmp_path, octopus_env):
    result = run(tmp_path)
    assert result.exit_code == 2 and "no stored spec" in one_error_line(result)


def test_help_does_not_import_httpx():
    code = "import sys; from octoscaffold.cli import cli; cli(['--help'], standalone_mode=False); print('httpx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("False")
