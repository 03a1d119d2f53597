"""A realistic space for the stand-in server: environments, lifecycles, feeds, worker pools,
accounts, tenants, library variable sets and N projects (every fifth one in Git), built
deterministically from its size. The bodies are ours; the field names are Octopus's (see server.py)."""

from __future__ import annotations

from .server import Space, slugify

REPO_URL = "https://github.com/acme/platform.git"

KINDS = ["Orders", "Billing", "Catalog", "Search", "Payments", "Identity", "Reports", "Inventory", "Shipping", "Notify"]


def base_space() -> Space:
    """The shared part of a space: what a scaffold needs, mostly present."""
    space = Space()
    for name in ("Development", "Test", "Staging", "Production", "Security"):
        space.add("environments", {"Name": name, "Description": "", "UseGuidedFailure": False,
                                   "AllowDynamicInfrastructure": False, "SortOrder": 0})
    env = {e["Name"]: e["Id"] for e in space.data["environments"]}

    def phases(*names: str) -> list[dict]:
        return [{"Id": space.new_id("Phases"), "Name": n, "OptionalDeploymentTargets": [env[n]], "AutomaticDeploymentTargets": [],
                 "MinimumEnvironmentsBeforePromotion": 0, "IsOptionalPhase": False} for n in names]

    space.add("lifecycles", {"Name": "Default Lifecycle", "Phases": phases("Development", "Test", "Production")})
    space.add("lifecycles", {"Name": "DevSecOps", "Phases": phases("Development", "Test", "Production", "Security")})
    space.add("lifecycles", {"Name": "Legacy", "Phases": phases("Development", "Production")})
    for name in ("Default Project Group", "Web", "AWS", "Data"):
        space.add("projectgroups", {"Name": name, "Description": ""})
    space.add("feeds", {"Name": "Octopus Server (built-in)", "Slug": "octopus-server-built-in", "FeedType": "BuiltIn"})
    space.add("feeds", {"Name": "Docker Hub", "Slug": "docker-hub", "FeedType": "Docker", "FeedUri": "https://index.docker.io"})
    space.add("feeds", {"Name": "GitHub Container Registry", "Slug": "ghcr", "FeedType": "Docker", "FeedUri": "https://ghcr.io"})
    space.add("feeds", {"Name": "Helm Charts", "Slug": "helm-charts", "FeedType": "Helm", "FeedUri": "https://charts.example.com"})
    space.add("workerpools", {"Name": "Default Worker Pool", "Slug": "default-worker-pool", "IsDefault": True,
                              "WorkerPoolType": "StaticWorkerPool"})
    space.add("workerpools", {"Name": "Hosted Ubuntu", "Slug": "hosted-ubuntu", "IsDefault": False, "WorkerPoolType": "DynamicWorkerPool"})
    space.add("workerpools", {"Name": "Azure Workers", "Slug": "azure-workers", "IsDefault": False, "WorkerPoolType": "StaticWorkerPool"})
    space.add("accounts", {"Name": "aws-production", "Slug": "aws-production", "AccountType": "AmazonWebServicesAccount",
                           "EnvironmentIds": [env["Production"]]})
    space.add("accounts", {"Name": "aws-nonproduction", "Slug": "aws-nonproduction", "AccountType": "AmazonWebServicesAccount",
                           "EnvironmentIds": []})
    space.add("accounts", {"Name": "azure-prod", "Slug": "azure-prod", "AccountType": "AzureServicePrincipal", "EnvironmentIds": []})
    space.add("git-credentials", {"Name": "github-deploy", "Description": "deploy key",
                                  "Details": {"Type": "UsernamePassword", "Username": "octo-bot"}})
    space.add("tagsets", {"Name": "Regions", "Tags": [
        {"Id": "Tags-1", "Name": "EU", "CanonicalTagName": "Regions/EU", "Color": "#333333"},
        {"Id": "Tags-2", "Name": "US", "CanonicalTagName": "Regions/US", "Color": "#333333"}]})
    space.add("teams", {"Name": "Release Managers", "Slug": "release-managers"})
    space.add("tenants", {"Name": "Acme", "TenantTags": ["Regions/EU"], "ProjectEnvironments": {}})
    space.machine_roles = ["orders-web", "catalog-web"]
    return space


def _action(space: Space, name: str, kind: str, **extra) -> dict:
    action = {
        "Id": space.new_id("Actions"), "Name": name, "Slug": slugify(name), "ActionType": kind, "Notes": extra.pop("notes", None),
        "IsDisabled": False, "IsRequired": False, "WorkerPoolId": extra.pop("pool", None), "WorkerPoolVariable": None,
        "Container": {"Image": None, "FeedId": None}, "Environments": extra.pop("envs", []), "ExcludedEnvironments": extra.pop("excluded", []),
        "Channels": [], "TenantTags": [], "Packages": extra.pop("packages", []), "Condition": "Success",
        "Properties": extra.pop("properties", {}), "GitDependencies": [],
    }
    return action


def _step(space: Space, name: str, action: dict, roles: str | None = None) -> dict:
    properties = {"Octopus.Action.TargetRoles": roles} if roles else {}
    return {"Id": space.new_id("Steps"), "Name": name, "Slug": slugify(name), "PackageRequirement": "LetOctopusDecide",
            "Properties": properties, "Condition": "Success", "StartTrigger": "StartAfterPrevious", "Actions": [action]}


def _variable(space: Space, name: str, value: str | None, *, envs=(), kind: str = "String", sensitive: bool = False) -> dict:
    return {"Id": space.new_id("Variables"), "Name": name, "Value": None if sensitive else value, "Description": None,
            "Scope": {"Environment": list(envs)} if envs else {}, "IsEditable": True, "Prompt": None,
            "Type": "Sensitive" if sensitive else kind, "IsSensitive": sensitive}


def project_name(index: int) -> str:
    kind = KINDS[index % len(KINDS)]
    if index % 11 == 7:
        return f"{kind.lower()}-svc-{index}"  # a few projects named another way
    return f"{kind} Service {index}"


def add_project(space: Space, index: int, *, cac: bool) -> dict:
    env = {e["Name"]: e["Id"] for e in space.data["environments"]}
    feed = {f["Slug"]: f["Id"] for f in space.data["feeds"]}
    pool = {p["Slug"]: p["Id"] for p in space.data["workerpools"]}
    lifecycle = space.find("lifecycles", "DevSecOps" if index % 3 else "Legacy")
    group = space.find("projectgroups", ["Default Project Group", "Web", "AWS", "Data"][index % 4])
    common = space.find("libraryvariablesets", "Common")
    name = project_name(index)
    project = space.add("projects", {
        "Name": name, "Description": f"{name} for the platform", "ProjectGroupId": group["Id"], "LifecycleId": lifecycle["Id"],
        "IncludedLibraryVariableSetIds": [common["Id"]] if common and index % 2 == 0 else [],
        "VersioningStrategy": {"Template": "#{Octopus.Date.Year}.#{Octopus.Date.Month}.#{Octopus.Date.Day}.i", "DonorPackage": None}
        if index % 4 else None,
        "ReleaseNotesTemplate": None,
    })
    slug = project["Slug"]
    steps = []
    if index % 4 != 1:  # most projects approve before production
        steps.append(_step(space, "Approve Production Deployment", _action(
            space, "Approve Production Deployment", "Octopus.Manual", envs=[env["Production"]],
            properties={"Octopus.Action.Manual.Instructions": "Check the change ticket.", "Octopus.Action.RunOnServer": "false"})))
    steps.append(_step(space, "Deploy Web", _action(
        space, "Deploy Web", "Octopus.TentaclePackage", excluded=[env["Security"]], notes="Deploys the site.",
        packages=[{"Id": space.new_id("Packages"), "Name": "", "PackageId": f"{slug}.web", "FeedId": feed["octopus-server-built-in"],
                   "AcquisitionLocation": "Server", "Properties": {}}],
        properties={"Octopus.Action.Package.PackageId": f"{slug}.web", "Octopus.Action.Package.FeedId": feed["octopus-server-built-in"]}),
        roles="web" if index % 6 == 0 else f"{slug}-web"))
    steps.append(_step(space, "Run Smoke Tests", _action(
        space, "Run Smoke Tests", "Octopus.Script", pool=pool["hosted-ubuntu"], notes="Calls the health endpoint.",
        properties={"Octopus.Action.RunOnServer": "true", "Octopus.Action.Script.ScriptSource": "Inline",
                    "Octopus.Action.Script.Syntax": "Bash", "Octopus.Action.Script.ScriptBody": "curl -f #{Project.Web.Url}/health"})))
    if index % 5 != 2:
        steps.append(_step(space, "Scan for Vulnerabilities", _action(
            space, "Scan for Vulnerabilities", "Octopus.Script", pool=pool["hosted-ubuntu"], notes="Trivy over the SBOM.",
            properties={"Octopus.Action.RunOnServer": "true", "Octopus.Action.Script.ScriptSource": "Inline",
                        "Octopus.Action.Script.Syntax": "Bash", "Octopus.Action.Script.ScriptBody": "trivy sbom sbom.json"})))
    variables = [
        _variable(space, "Project.Web.Url", f"https://{slug}.dev.example.com", envs=[env["Development"]]),
        _variable(space, "Project.Web.Url", f"https://{slug}.example.com", envs=[env["Production"]]),
        _variable(space, "Project.Slack.Channel", "#deployments"),  # the same in every project: a library set's job
        _variable(space, "Project.Db.Password", None, sensitive=True),
    ]
    if index % 7 == 3:
        variables.append(_variable(space, "ApiToken", "plain-text-token"))
    process = {"Id": project["DeploymentProcessId"], "ProjectId": project["Id"], "SpaceId": space.id, "Version": 3, "Steps": steps}
    variable_set = {"Id": project["VariableSetId"], "OwnerId": project["Id"], "SpaceId": space.id, "Version": 2}
    if cac:
        base_path = f".octopus/{slug}"
        project["IsVersionControlled"] = True
        project["PersistenceSettings"] = {
            "Type": "VersionControlled", "Url": REPO_URL, "DefaultBranch": "main", "BasePath": base_path,
            "Credentials": {"Type": "Reference", "Id": space.find("git-credentials", "github-deploy")["Id"]},
            "ProtectedDefaultBranch": False, "ProtectedBranchNamePatterns": [],
            "ConversionState": {"VariablesAreInGit": True, "RunbooksAreInGit": False}}
        plain = [v for v in variables if not v["IsSensitive"]]
        space.git[(REPO_URL, "refs/heads/main", base_path)] = {
            "process": process, "variables": {"Variables": plain},
            "settings": {"DefaultGuidedFailureMode": "EnvironmentDefault", "VersioningStrategy": project.get("VersioningStrategy"),
                         "ConnectivityPolicy": project["ProjectConnectivityPolicy"]}}
        space.processes[project["DeploymentProcessId"]] = dict(process, Steps=[])
        space.variable_sets[project["VariableSetId"]] = dict(variable_set, Variables=[v for v in variables if v["IsSensitive"]])
    else:
        space.processes[project["DeploymentProcessId"]] = process
        space.variable_sets[project["VariableSetId"]] = dict(variable_set, Variables=variables)
    if index % 3 == 0:
        runbook_id = space.new_id("Runbooks")
        process_id = f"RunbookProcess-{runbook_id}"
        space.runbooks.append({"Id": runbook_id, "Name": "Restart Web", "Slug": "restart-web", "ProjectId": project["Id"], "SpaceId": space.id,
                               "Description": "Restarts the site.", "RunbookProcessId": process_id,
                               "EnvironmentScope": "All" if index % 2 else "Specified",
                               "Environments": [] if index % 2 else [env["Production"]], "MultiTenancyMode": "Untenanted",
                               "DefaultGuidedFailureMode": "EnvironmentDefault",
                               "RunRetentionPolicy": {"QuantityToKeep": 100, "ShouldKeepForever": False}})
        space.runbook_processes[process_id] = {"Id": process_id, "RunbookId": runbook_id, "ProjectId": project["Id"], "SpaceId": space.id,
                                               "Steps": [_step(space, "Restart Site", _action(
                                                   space, "Restart Site", "Octopus.Script", notes="Restarts IIS.",
                                                   properties={"Octopus.Action.RunOnServer": "false",
                                                               "Octopus.Action.Script.ScriptBody": "iisreset"}), roles=f"{slug}-web")]}
    return project


def realistic_space(projects: int = 50) -> Space:
    space = base_space()
    common = space.add("libraryvariablesets", {"Name": "Common", "ContentType": "Variables", "VariableSetId": "variableset-LibraryVariableSets-1"})
    space.variable_sets[common["VariableSetId"]] = {"Id": common["VariableSetId"], "OwnerId": common["Id"], "Variables": [
        _variable(space, "Library.Common.Region", "eu-west-1")]}
    unused = space.add("libraryvariablesets", {"Name": "Old Notifications", "ContentType": "Variables",
                                                "VariableSetId": "variableset-LibraryVariableSets-2"})
    space.variable_sets[unused["VariableSetId"]] = {"Id": unused["VariableSetId"], "OwnerId": unused["Id"], "Variables": []}
    for index in range(projects):
        add_project(space, index, cac=index % 5 == 4)
    return space
