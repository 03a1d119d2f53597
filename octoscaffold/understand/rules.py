"""The offline rules parser: a prompt → a spec, with no model and no network.

Each rule finds one kind of fact (name, group, environments, ...) and marks the characters it used.
Whatever no rule used and is not filler ("create a ... project") becomes a warning, so no part of a
prompt is dropped silently. The project kind, and parameters with a fixed set of choices, come from
the catalog's own manifests, so a template author's new kind is understood too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from octoscaffold.catalog import Catalog, Template
from octoscaffold.errors import PromptError
from octoscaffold.spec.model import ProjectSpec

# A quoted value: "double", 'single' (not an apostrophe inside a word) or “curly”.
_Q = r"""(?:"(?P<{0}d>(?:[^"\\]|\\.)*)"|“(?P<{0}c>[^”]*)”|(?<!\w)'(?P<{0}s>(?:[^'\\]|\\.)*)'(?!\w))"""
# An unquoted name: capitalised words (or digits), e.g. OctoPub SAM, Orders-API.
_WORDS = r"(?P<{0}w>[A-Z0-9][\w.&-]*(?:[ ]+[A-Z0-9][\w.&-]*)*)"
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+|then\s+)?|\s+(?:and|or|&|then)\s+|\s*(?:->|→|=>|>)\s*|\s+to\s+)"
_WORD = r"\b(?!(?:and|or|then|to)\b)[A-Za-z0-9][\w.-]*"
_ITEM = rf"""(?:"(?:[^"\\]|\\.)*"|“[^”]*”|(?<!\w)'(?:[^'\\]|\\.)*'(?!\w)|{_WORD}(?:[ ](?!(?:and|or|then|to)\b)[A-Z0-9][\w.-]*)?)"""
_LIST = rf"(?P<list>{_ITEM}(?:{_SEP}{_ITEM})*)"
_QUOTED_LIST = r"""(?P<list>(?:"(?:[^"\\]|\\.)*"|“[^”]*”)(?:\s*(?:,|and|&|\s)\s*(?:and\s+)?(?:"(?:[^"\\]|\\.)*"|“[^”]*”))*)"""

_FILLER = set(
    """a an the and or with in into for to of on at by please i we want need would like me us our my
    create creates make build generate scaffold set setup up new add octopus deploy deploys deploying
    deployment project projects called named titled that which it this using use uses should can be
    is are will support supports supporting allow allows allowing also just some run runs running
    our its their""".split()
)
_AWS_REGION = re.compile(
    r"\b((?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|southeast"
    r"|northwest|southwest)-\d)\b",
    re.IGNORECASE,
)
_AZURE_REGION = re.compile(
    r"\b(eastus2?|westus[23]?|centralus|northcentralus|southcentralus|westcentralus|canadacentral|canadaeast"
    r"|brazilsouth|northeurope|westeurope|uksouth|ukwest|francecentral|germanywestcentral|swedencentral"
    r"|switzerlandnorth|norwayeast|australiaeast|australiasoutheast|southeastasia|eastasia|japaneast"
    r"|japanwest|koreacentral|centralindia|southafricanorth|uaenorth)\b",
    re.IGNORECASE,
)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _value(name: str) -> str:
    """A quoted value; its text is in the group `<name>d`, `<name>c` or `<name>s`."""
    return _Q.format(name)


def _quoted(match: re.Match, name: str) -> str | None:
    for suffix in "dcsw":
        value = match.groupdict().get(name + suffix)
        if value is not None:
            return re.sub(r"\\(.)", r"\1", value).strip() if suffix in "ds" else value.strip()
    return None


_NAME_RULES = [
    _rx(rf"\b(?:called|named|titled|(?:call|name)\s+it|with\s+the\s+name|(?:project\s+)?name\s*(?::|is))\s+{_value('n')}"),
    re.compile(rf"\b(?:[Cc]alled|[Nn]amed|[Tt]itled)\s+{_WORDS.format('n')}"),
    _rx(r"\b(?:called|named|titled)\s+(?P<nw>[a-z0-9]+(?:[-_.][a-z0-9]+)+)\b"),
    _rx(rf"\bproject\s+(?:for\s+)?{_value('n')}"),
    _rx(rf"{_value('n')}(?=\s+(?:[\w/-]+\s+){{0,3}}project\b)"),
]
_GROUP_RULES = [
    _rx(rf"\b(?:in|into|under)\s+(?:the\s+)?(?:project\s+)?group\s+(?:called\s+|named\s+)?{_value('g')}"),
    _rx(rf"\b(?:in|into|under)\s+(?:the\s+)?{_value('g')}\s+(?:project\s+)?group\b"),
    _rx(rf"\b(?:project\s+)?group\s*:?\s*{_value('g')}"),
    re.compile(rf"\b(?:in|into|under)\s+(?:the\s+)?(?:project\s+)?group\s+{_WORDS.format('g')}"),
    re.compile(rf"\b(?i:in|into|under|for)\s+the\s+{_WORDS.format('g')}\s+(?i:project\s+)?(?i:group)\b"),
]
_SPACE_RULES = [
    _rx(rf"\b(?:in|into)\s+(?:the\s+)?space\s+(?:called\s+|named\s+)?{_value('s')}"),
    re.compile(rf"\b(?i:in|into)\s+(?i:the\s+)?(?i:space)\s+(?i:called\s+|named\s+)?{_WORDS.format('s')}"),
    _rx(rf"\b(?:in|into)\s+(?:the\s+)?{_value('s')}\s+space\b"),
    re.compile(rf"\b(?:in|into)\s+the\s+{_WORDS.format('s')}\s+space\b"),
]
_LIFECYCLE_RULES = [
    _rx(rf"\b(?:using|with|in|on|uses)\s+(?:the\s+|a\s+)?lifecycle\s+(?:called\s+|named\s+)?{_value('l')}"),
    re.compile(rf"\b(?i:using|with|in|on|uses)\s+(?i:the\s+|a\s+)?(?i:lifecycle)\s+(?i:called\s+|named\s+)?{_WORDS.format('l')}"),
    _rx(rf"\b(?:using|with|in|on|uses)\s+(?:the\s+)?{_value('l')}\s+lifecycle\b"),
    re.compile(rf"\b(?:using|with|in|on|uses)\s+the\s+{_WORDS.format('l')}\s+lifecycle\b"),
]
_ENVIRONMENT_RULES = [
    _rx(rf"\b(?:with|and|has|having|across|through)\s+(?:the\s+)?environments?\s*:?\s+{_LIST}"),
    _rx(rf"\benvironments?\s*:\s*{_LIST}"),
    _rx(rf"\b(?:with|and|has|having|across|through)\s+(?:the\s+)?{_LIST}\s+environments\b"),
    _rx(rf"\b(?:deploying|deploys|deploy|deployed|released?)\s+(?:it\s+)?(?:to|through|across|into)\s+"
        rf"{_LIST}(?=\s*(?:environments?\b|[.;]|$))"),
    _rx(rf"\b(?:promoting|promotes|promoted|promote|going|goes)\s+(?:it\s+)?(?:from\s+|through\s+|across\s+)?{_LIST}(?=\s*(?:environments?\b|[.;]|$))"),
    re.compile(rf"\b(?i:to|through|across)\s+(?P<list>[A-Z][\w.-]*(?:{_SEP}[A-Z][\w.-]*)+)(?=\s*(?:(?i:environments?)\b|[.;]|$))"),
    _rx(rf"\b(?:across|through)\s+{_LIST}(?=\s*(?:environments?\b|[.;]|$))"),
]
_TENANT_RULES = [
    _rx(rf"\b(?:for|with|to|and)\s+(?:the\s+|its\s+)?(?:tenants?|customers?|clients?)\s*:?\s+{_LIST}"),
    _rx(rf"\b(?:tenants?|customers?)\s*:\s*{_LIST}"),
]
_RUNBOOK_RULES = [
    _rx(rf"\b(?:with\s+|and\s+|plus\s+)?(?:a\s+|the\s+)?runbooks?\s+(?:called\s+|named\s+|titled\s+)?{_QUOTED_LIST}"),
    _rx(r"\b(?:with\s+|and\s+|plus\s+)?(?:a\s+|the\s+)?runbooks?\s+(?:to|that|for)\s+(?P<task>[a-z][\w -]*?)"
        r"(?=\s*(?:[,.;]|\s+and\s+(?:a|the|with)\b|$))"),
]
_BOTH_TENANCY = _rx(
    r"\b(?:tenanted\s+(?:and|or)\s+untenanted|untenanted\s+(?:and|or)\s+tenanted)(?:\s+deployments)?"
    r"|\bwith\s+or\s+without\s+(?:a\s+)?tenants?\b"
)
_TENANTED = _rx(
    r"\b(?:requires?\s+a\s+tenant(?:\s+for\s+(?:every|each)\s+deployment)?|tenanted\s+only|must\s+be\s+tenanted|"
    r"(?:is\s+|be\s+)?(?:multi-?\s?)?tenant(?:ed|s)?(?:\s+deployments)?)"
)
_NO_APPROVAL = _rx(
    r"\b(?:without|with\s+no|no|skip|skipping|disable|disabled|drop)\s+(?:a\s+|an\s+|the\s+|any\s+)?(?:manual\s+)?"
    r"(?:approvals?|intervention)(?:\s+steps?)?"
)
_NO_SCAN = _rx(
    r"\b(?:without|with\s+no|no|skip|skipping|disable|disabled|drop)\s+(?:a\s+|an\s+|the\s+|any\s+)?"
    r"(?:security|vulnerability|sbom|trivy)(?:\s+(?:scanning|scans?|environment|checks?))?(?:\s+steps?)?"
)
_TEAM = _rx(rf"\b(?:approved|approval|approvals)\s+(?:is\s+)?(?:by|from)\s+(?:the\s+)?(?:team\s+)?{_value('t')}(?:\s+team)?")
_TEAM_PLAIN = _rx(r"\b(?:approved|approval|approvals)\s+(?:is\s+)?(?:by|from)\s+(?:the\s+)?(?P<tw>[\w-]+)\s+team\b")
_VERSIONING = _rx(r"\b(?P<kind>semantic|semver|date[\s-]*based|date)\s+(?:release\s+)?(?:versioning|versions|version\s+numbers)\b")
_GUIDED = _rx(r"\b(?:with\s+)?guided\s+failure(?:\s+mode)?\s*(?P<state>on|off|enabled|disabled)?|\bwithout\s+guided\s+failure\b")
_WORKER_POOL = _rx(rf"\b(?:on|using|with|in)\s+(?:the\s+)?worker\s+pool\s+{_value('w')}|"
                   rf"\b(?:on|using|with|in)\s+(?:the\s+)?{_value('v')}\s+worker\s+pool\b|"
                   r"\b(?:on|using|with|in)\s+(?:the\s+)?worker\s+pool\s+(?P<ww>[a-z0-9]+(?:-[a-z0-9]+)+)|"
                   r"\b(?:on|using|with|in)\s+(?:the\s+)?(?P<vw>[a-z0-9]+(?:-[a-z0-9]+)+)\s+worker\s+pool\b")
_DESCRIPTION = _rx(rf"\b(?:with\s+)?(?:the\s+)?description\s*:?\s+{_value('x')}")


def _split_list(text: str) -> list[str]:
    out = []
    for item in re.findall(_ITEM, text):
        if item.lower() in ("and", "or", "then", "to"):
            continue
        if item[0] in "\"'“":
            out.append(re.sub(r"\\(.)", r"\1", item[1:-1]).strip())
        else:
            out.append(item[0].upper() + item[1:] if item.islower() else item)
    return [i for i in out if i]


@dataclass
class _Prompt:
    text: str
    used: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.used)

    def first(self, rules: list[re.Pattern[str]]) -> re.Match | None:
        for rule in rules:
            for match in rule.finditer(self.text):
                if match.end() > match.start() and self.free(*match.span()):
                    self.used.append(match.span())
                    return match
        return None

    def unused(self) -> str:
        """The text with the used parts blanked out (positions kept)."""
        chars = list(self.text)
        for a, b in self.used:
            chars[a:b] = " " * (b - a)
        return "".join(chars)

    def masked(self) -> str:
        """The unused text with quoted values blanked out too: names never select a kind."""
        return re.sub(r""""(?:[^"\\]|\\.)*"|“[^”]*”""", lambda m: " " * len(m.group()), self.unused())

    def leftovers(self) -> list[str]:
        fragments = []
        for piece in re.split(r"\s{2,}|[.;!?](?:\s|$)", self.unused()):
            words = re.findall(r"[\w'/-]+|\"(?:[^\"\\]|\\.)*\"|“[^”]*”", piece)
            if any(w.lower() not in _FILLER for w in words):
                while words and words[0].lower() in _FILLER:
                    words.pop(0)
                while words and words[-1].lower() in _FILLER:
                    words.pop()
                fragments.append(" ".join(words))
        return fragments


def _phrase(text: str) -> re.Pattern[str]:
    words = r"[\s/-]+".join(re.escape(w) for w in re.split(r"[\s/-]+", text.strip()))
    return _rx(rf"(?<!\w){words}(?!\w)")


def _catalog_key(catalog: Catalog) -> tuple:
    return tuple((t.id, tuple(t.manifest.keywords), t.manifest.description) for t in catalog.templates.values())


def _keyword_rules(catalog: Catalog) -> list[tuple[str, str, int, re.Pattern[str]]]:
    return _compiled_keywords(_catalog_key(catalog))


@lru_cache(maxsize=8)
def _compiled_keywords(
    kinds: tuple[tuple[str, tuple[str, ...], str], ...],
) -> list[tuple[str, str, int, re.Pattern[str]]]:
    """(kind, keyword, generality, pattern). A keyword's generality is how many other kinds'
    descriptions name it: "kubernetes" is a platform that Helm, Kustomize and Argo CD build on,
    so "with Helm on Kubernetes" means Helm."""
    words = {template_id: _words(text) for template_id, _, text in kinds}
    rules = []
    for template_id, keywords, _ in kinds:
        for keyword in {template_id.replace("-", " "), *keywords}:
            phrase = _words(keyword)
            generality = sum(1 for other, text in words.items() if other != template_id and phrase in text)
            rules.append((template_id, keyword, generality, _phrase(keyword)))
    rules.sort(key=lambda r: (r[2], -len(r[1]), r[0], r[1]))
    return rules


def _words(text: str) -> str:
    """Text as lowercase words between single spaces, for quick whole-phrase containment tests."""
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


@lru_cache(maxsize=64)
def _platform_rules(catalog_key: tuple, chosen: str, description: str) -> list[re.Pattern[str]]:
    """Keywords of other kinds that the chosen kind's description names (its platform)."""
    text = _words(description)
    return [
        rule
        for template_id, keyword, _, rule in _compiled_keywords(catalog_key)
        if template_id != chosen and _words(keyword) in text
    ]


def _kind(prompt: _Prompt, catalog: Catalog) -> str:
    masked = prompt.masked()
    # Score: the most specific keyword matched (least general, then longest), then how many matched.
    scores: dict[str, tuple[tuple[int, int], int]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for template_id, keyword, generality, rule in _keyword_rules(catalog):
        for match in rule.finditer(masked):
            taken = spans.get(template_id, [])
            if prompt.free(*match.span()) and all(match.end() <= a or match.start() >= b for a, b in taken):
                best, count = scores.get(template_id, ((-(10**6), 0), 0))
                scores[template_id] = (max(best, (-generality, len(keyword))), count + 1)
                spans.setdefault(template_id, []).append(match.span())
    if not scores:
        words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]+", masked) if w.lower() not in _FILLER]
        vocabulary = {
            word: template.id
            for template in catalog.templates.values()
            for keyword in [template.id, *template.manifest.keywords]
            for word in re.split(r"[\s/-]+", keyword.lower())
            if len(word) > 2
        }
        close = sorted({vocabulary[m] for w in words for m in difflib.get_close_matches(w, vocabulary, n=2, cutoff=0.75)})
        raise PromptError(
            "no template in the catalog matches the kind of project the prompt asks for",
            hint=f"closest: {', '.join(close)}" if close else f"known templates: {', '.join(catalog.ids())}",
        )
    chosen = max(sorted(scores), key=lambda t: scores[t])
    prompt.used.extend(spans[chosen])
    # Words of the platform the chosen kind builds on ("Helm on Kubernetes") were understood too.
    for rule in _platform_rules(_catalog_key(catalog), chosen, catalog.get(chosen).manifest.description):
        prompt.used.extend(m.span() for m in rule.finditer(masked) if prompt.free(*m.span()))
    return chosen


def _parameters(prompt: _Prompt, template: Template) -> dict:
    """Parameters a prompt can name: a region, and any choice the manifest lists (e.g. cloud: aws)."""
    parameters: dict = {}
    definitions = template.manifest.parameters
    for name, regions in (("region", _AWS_REGION), ("location", _AZURE_REGION), ("region", _AZURE_REGION)):
        if name in definitions and name not in parameters:
            match = prompt.first([regions])
            if match:
                parameters[name] = match.group(1).lower()
                prompt.first([_rx(r"\b(?:in\s+)?(?:the\s+)?(?:aws\s+|azure\s+)?(?:region|location)\b")])
    for name, definition in definitions.items():
        if definition.type == "boolean" and name not in parameters:
            # "with change sets", "without CloudFront": the words may also have chosen the kind.
            phrase = r"\s+".join(re.escape(w) for w in name.split("_"))
            rule = _rx(rf"\b(?P<how>with|without|no|using|use)\s+(?:a\s+|an\s+|the\s+)?{phrase}\b")
            for match in rule.finditer(prompt.text):
                if prompt.free(*match.span("how")):
                    prompt.used.append(match.span() if prompt.free(*match.span()) else match.span("how"))
                    parameters[name] = match.group("how").lower() in ("with", "using", "use")
                    break
        if not definition.choices or name in parameters:
            continue
        for choice in sorted(definition.choices, key=len, reverse=True):
            match = prompt.first([_phrase(choice)]) if len(choice) > 1 else None
            if match:
                parameters[name] = choice
                break
    return parameters


def _only_quoted_value(prompt: _Prompt) -> str:
    """Without "called ...", the one quoted value no other rule used is the name."""
    values = [
        m for m in re.finditer(_Q.format("n"), prompt.text) if prompt.free(*m.span()) and _quoted(m, "n")
    ]
    if len(values) != 1:
        error = PromptError(
            "the prompt names no project" if not values else "the prompt does not say which quoted value is the project's name",
            hint="""give the name in quotes after "called", e.g. 'called "My App"'""",
        )
        error.missing = "name"
        raise error
    prompt.used.append(values[0].span())
    return _quoted(values[0], "n") or ""


def _runbooks(match: re.Match) -> list[dict]:
    if match.groupdict().get("task"):
        task = " ".join(match.group("task").split())
        return [{"name": task[0].upper() + task[1:]}]
    return [{"name": name} for name in _split_list(match.group("list"))]


def understand(text: str, catalog: Catalog) -> ProjectSpec:
    """Read a prompt into an (unresolved) spec; raise PromptError when it cannot be done."""
    from octoscaffold.spec.io import spec_from_data

    text = " ".join(text.split())
    if not text:
        raise PromptError(
            "the prompt is empty",
            hint="""describe the project, e.g. 'Create an AWS Lambda project called "My App"'""",
        )
    prompt = _Prompt(text)
    data: dict = {"project": {}, "prompt": text}

    name = prompt.first(_NAME_RULES)
    if name is not None and _quoted(name, "n"):
        data["project"]["name"] = _quoted(name, "n")
    for key, rules, group in (("group", _GROUP_RULES, "g"), ("space", _SPACE_RULES, "s")):
        match = prompt.first(rules)
        if match:
            data["project"][key] = _quoted(match, group)
    match = prompt.first([_DESCRIPTION])
    if match:
        data["project"]["description"] = _quoted(match, "x")

    lifecycle: dict = {}
    match = prompt.first(_LIFECYCLE_RULES)
    if match:
        lifecycle["name"] = _quoted(match, "l")
    match = prompt.first(_ENVIRONMENT_RULES)
    if match:
        lifecycle["environments"] = _split_list(match.group("list"))
    if lifecycle:
        data["lifecycle"] = lifecycle

    tenancy: dict = {}
    match = prompt.first(_TENANT_RULES)
    if match:
        tenancy["tenants"] = _split_list(match.group("list"))
    if prompt.first([_BOTH_TENANCY]):
        tenancy["mode"] = "tenanted-or-untenanted"
    elif prompt.first([_TENANTED]) or tenancy.get("tenants"):
        tenancy["mode"] = "tenanted"
    if tenancy:
        data["tenancy"] = tenancy

    match = prompt.first(_RUNBOOK_RULES)
    if match:
        data["runbooks"] = _runbooks(match)
    approval: dict = {}
    if prompt.first([_NO_APPROVAL]):
        approval["enabled"] = False
    match = prompt.first([_TEAM, _TEAM_PLAIN])
    if match:
        approval["team"] = _quoted(match, "t") or match.group("tw")
        approval["team"] = re.sub(r"[^a-z0-9]+", "-", approval["team"].lower()).strip("-")
    if approval:
        data["approval"] = approval
    if prompt.first([_NO_SCAN]):
        data["security_scan"] = {"enabled": False}
    match = prompt.first([_VERSIONING])
    if match:
        data["versioning"] = {"strategy": "semantic" if match.group("kind").lower().startswith("sem") else "date"}
    settings: dict = {}
    match = prompt.first([_GUIDED])
    if match:
        state = (match.group("state") or ("off" if match.group(0).lower().startswith("without") else "on")).lower()
        settings["guided_failure_mode"] = "On" if state in ("on", "enabled") else "Off"
    match = prompt.first([_WORKER_POOL])
    if match:
        pool = _quoted(match, "w") or _quoted(match, "v") or match.group("ww") or match.group("vw") or ""
        settings["worker_pool"] = re.sub(r"[^a-z0-9]+", "-", pool.lower()).strip("-")
    if settings:
        data["settings"] = settings

    if "name" not in data["project"]:
        data["project"]["name"] = _only_quoted_value(prompt)
    template_id = _kind(prompt, catalog)
    data["template"] = template_id
    parameters = _parameters(prompt, catalog.get(template_id))
    if parameters:
        data["parameters"] = parameters

    data["warnings"] = [
        f"not understood: {fragment}" if '"' in fragment else f'not understood: "{fragment}"'
        for fragment in prompt.leftovers()
    ]
    return spec_from_data(data, "prompt")
