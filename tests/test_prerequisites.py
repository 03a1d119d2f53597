"""What must exist in Octopus is read from the OCL itself, so any template's needs are found."""

from octoscaffold.ocl.view import view_from_texts
from octoscaffold.prerequisites import find_prerequisites
from octoscaffold.spec import spec_from_data

PROCESS = '''
step "deploy" {
    action {
        action_type = "Octopus.AzurePowerShell"
        worker_pool = "azure-workers"
        container {
            feed = "docker-hub"
            image = "octopusdeploy/worker-tools:6.5.0-ubuntu.22.04"
        }
        packages "site" {
            feed = "artifactory"
            package_id = "web.site"
        }
        git_dependencies {
            default_branch = "main"
            git_credential_id = "github-deploy"
            git_credential_type = "Library"
            repository_uri = "https://example.com/ops.git"
        }
    }
}
'''
VARIABLES = '''
variable "Project.Azure.Account" {
    type = "AzureAccount"
    value "azure-dev" {
        environment = ["dev"]
    }
    value "azure-prod" {
        environment = ["prod"]
    }
}
variable "Project.Web.Certificate" {
    type = "Certificate"
    value "web-cert" {}
}
'''


def spec(**fields):
    data = {"project": {"name": "Web", "group": "Sites"}, "template": "any",
            "lifecycle": {"name": "Release", "environments": ["Dev", "Prod"]}, **fields}
    return spec_from_data(data)


def test_reads_feeds_pools_accounts_and_certificates_from_ocl():
    view = view_from_texts({"deployment_process.ocl": PROCESS, "variables.ocl": VARIABLES})
    found = [str(r) for r in find_prerequisites(spec(), view).required]
    assert found == [
        'space "Default"',
        'project group "Sites"',
        'lifecycle "Release" (phases: Dev → Prod)',
        'environment "Dev" (slug dev)',
        'environment "Prod" (slug prod)',
        'feed "artifactory" (package web.site)',
        'feed "docker-hub" (image octopusdeploy/worker-tools:6.5.0-ubuntu.22.04)',
        'worker pool "azure-workers"',
        'git credential "github-deploy" (for https://example.com/ops.git)',
        'Azure account "azure-dev" (Project.Azure.Account in dev)',
        'Azure account "azure-prod" (Project.Azure.Account in prod)',
        'certificate "web-cert" (Project.Web.Certificate in all environments)',
    ]


def test_spec_only_needs_tenants_teams_and_secrets():
    s = spec(
        tenancy={"mode": "tenanted", "tenants": ["Acme"], "tenant_tags": ["Regions/EU"]},
        approval={"team": "release-managers"},
        variables=[{"name": "Project.Db.Password", "type": "Sensitive"}],
    )
    result = find_prerequisites(s, view_from_texts({}))
    found = [str(r) for r in result.required]
    assert 'team "release-managers" (responsible for the approval)' in found
    assert 'tenant "Acme" (connected to the project)' in found
    assert 'tenant tag "Regions/EU"' in found
    assert any(r.startswith('sensitive variable "Project.Db.Password"') for r in found)
    assert "tenanted deployments required" in result.connect
    assert [r.name for r in result.recommended] == ["Daily Security Scan"]
