"""Word lists the rules parser reads prompts with. Plain data: no patterns, no logic."""

from __future__ import annotations


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no fact in a request ("Hi! Could you please create a new project for us?").
FILLER = _set(
    """a an the and or with in into for to of on at by as so if up it its it's this that these those
    i i'd i'm i've we we'd we're we've us our ours me my mine you your they their them he she his her
    please pls plz kindly thanks thank thx ty cheers u ur ya gimme lemme yall y'all hi hello hey hiya yo ok okay sure great cool
    could can would will should shall may might must need needs needed want wants wanted like love
    wish do does did done be is are was were been being have has had having get gets got go let let's
    lets gonna wanna create creates created creating make makes made making build builds building
    generate generates scaffold scaffolds set sets setup setting add adds adding start spin bootstrap
    give provide prepare produce write put place init initialise initialize new fresh another basic simple
    standard typical usual normal small little quick quickly just also too then now some any all one
    very really actually maybe perhaps thing stuff something someone please-please
    octopus octo deploy deploys deployed deploying deployment deployments project projects proj prj
    app apps application applications pipeline pipelines setup config configuration
    which what where when who how there here about around ready properly correctly well best practice
    practices good right proper default defaults nice clean usual regular style approach strategy pattern way
    kind type sort help helps running runs starts started serves served hosted hosting adopting using""".replace("please-please", "")
)

# Words that end an unquoted value ("for the orders api *on* k8s", "group Payments *with* ...").
STOP = _set(
    """in into under with without w/o using use uses on onto to for from at via through across by
    that which who where when while and but or then plus also so please pls plz thanks thx no not
    nor don't dont deploy deploys deployed deploying deployment deployments ship
    release releases released releasing promote promotes promoted promoting go goes going gone roll
    rolls rolled rolling rollout push pushes pushed run runs running runnable target targets
    env envs environment environments stages group groups space spaces lifecycle lifecycles
    tenant tenants tenanted untenanted multi-tenant customers clients region regions location port
    ports runbook runbooks approval approvals approve approved approver approvers sign-off signoff
    scan scans scanning team teams worker workers pool pools called named titled as is are was be
    should must will would can could need needs want wants has have having with it its this please
    project projects proj pipeline if because since after before first then
    finally only both each every all skip skipping drop disable disabled enable enabled turn off
    semver semantic versioning versions guided failure description desc we i you they he she us them me
    what how why whose whom""".replace(" w/o", "")
)

# Words that start a request or separate asks; never part of a name.
VERBS = _set(
    """create make build generate scaffold set setup add need want give spin bootstrap prepare new
    init initialise initialize deploy ship release get move migrate put port lift shift""".replace("  ", " ")
)

DETERMINERS = _set("a an the our my your their his her its this that some new")

# Lower-case words shown in capitals when a name is typed in lower case ("orders api" → Orders API).
ACRONYMS = _set(
    """api apis ui ux db sql etl crm erp cms sso cdn dns ml ai id qa uat sit dr aws gcp iis vm vms
    sms pdf b2b b2c b2e iot kpi sla sftp ftp http https rest grpc json xml csv jwt oauth saml ldap
    smtp ssh vpn vpc iam ci cd e2e pos hr it bi gis ocr nlp llm ppe spa cli sdk ssr seo rpc mq"""
)

# Environment names people use, read as environments in a list without the word "environments".
ENVIRONMENT_WORDS = _set(
    """dev devel develop development test tests testing qa qc uat sit stage staging stg preprod
    pre-prod pre-production preproduction prod prd production live int integration sandbox sbx demo
    perf performance load dr nonprod non-prod nonproduction hotfix preview review beta alpha canary
    training trn e2e acceptance accept ppe systest system-test local ci qat cert certification
    pilot green blue ops security"""
)

# Words that say "not" before or after a feature ("no approval", "approval: off").
NEGATORS = _set(
    """no without w/o skip skipping skipped drop dropping remove removing disable disabled exclude
    excluding omit omitting minus sans zero lose ditch kill none"""
)
NEGATED_AFTER = _set("off disabled no false none skipped removed unnecessary optional")

# Technology words that describe a project but are not its name ("a python lambda").
TECH = _set(
    """python node nodejs node.js javascript typescript js ts java kotlin scala go golang rust ruby php
    perl dotnet .net net csharp c# c++ react angular vue svelte next nextjs nuxt springboot django
    flask fastapi express rails laravel nginx apache redis postgres postgresql mysql mongo mongodb sql
    linux windows ubuntu debian container containers containerized containerised dockerized docker
    microservice microservices micro web backend frontend front-end back-end fullstack api rest
    graphql grpc serverless cloud aws azure gcp google amazon microsoft vm vms server servers
    cluster clusters infra infrastructure iac static dynamic legacy internal external public private
    prod production staging dev test main primary secondary demo sample example poc prototype
    function functions job jobs worker cron batch daemon lambda http https"""
)
# Cloud and platform names: never a project's name on their own.
PLATFORMS = _set("aws azure gcp google amazon microsoft linux windows ubuntu kubernetes k8s cloud on-prem onprem")

# The stages of a release: on their own they never name a project ("a lambda for prod").
STAGES = _set(
    """dev devel develop development test tests testing qa qc uat sit stage staging stg preprod pre-prod
    pre-production preproduction prod prd production live int integration nonprod non-prod"""
)

# Words that lead up to a value and are understood with it ("under the", "on the").
LEADING = _set("in into under on onto to using with within inside the a an our my their its")
