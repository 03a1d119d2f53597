"""The offline rules parser: a prompt → a spec, with no model and no network.

Each rule finds one kind of fact (name, group, environments, ...) and marks the characters it used.
Whatever no rule used and is not filler ("create a ... project") becomes a warning, so no part of a
prompt is dropped silently. The project kind comes from the catalog's own keywords.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from octoscaffold.catalog import Catalog
from octoscaffold.errors import PromptError
from octoscaffold.spec.model import ProjectSpec

# A quoted value: "double", 'single' (not an apostrophe inside a word) or “curly”.
_Q = r"""(?:"(?P<{0}d>(?:[^"\\]|\\.)*)"|“(?P<{0}c>[^”]*)”|(?<!\w)'(?P<{0}s>(?:[^'\\]|\\.)*)'(?!\w))"""
# An unquoted name: capitalised words (or digits), e.g. OctoPub SAM, Orders-API.
_WORDS = r"(?P<{0}w>[A-Z0-9][\w.&-]*(?:[ ]+[A-Z0-9][\w.&-]*)*)"
_AND = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)"
_ITEM = r"""(?:"(?:[^"\\]|\\.)*"|“[^”]*”|(?<!\w)'(?:[^'\\]|\\.)*'(?!\w)|[A-Za-z0-9][\w.-]*)"""
_LIST = rf"(?P<list>{_ITEM}(?:{_AND}{_ITEM})*)"

_FILLER = set(
    """a an the and or with in into for to of on at by please i we want need would like me us our my
    create creates make build generate scaffold set setup up new add octopus deploy deploys deploying
    deployment project projects called named titled that which it this using use uses should can be
    is are will support supports supporting allow allows allowing""".split()
)
_REGION = re.compile(
    r"\b((?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|southeast"
    r"|northwest|southwest)-\d)\b",
    re.IGNORECASE,
)


def _quoted(match: re.Match, name: str) -> str | None:
    for suffix in "dcsw":
        value = match.groupdict().get(name + suffix)
        if value is not None:
            return re.sub(r"\\(.)", r"\1", value).strip() if suffix in "ds" else value.strip()
    return None


def _value(name: str) -> str:
    return _Q.format(name)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_NAME_RULES = [
    _rx(rf"\b(?:called|named|titled|name\s+it|with\s+the\s+name)\s+{_value('n')}"),
    re.compile(rf"\b(?:[Cc]alled|[Nn]amed|[Tt]itled)\s+{_WORDS.format('n')}"),
    _rx(rf"\bproject\s+{_value('n')}"),
    _rx(rf"{_value('n')}\s+project\b"),
]
_GROUP_RULES = [
    _rx(rf"\b(?:in|into|under)\s+(?:the\s+)?project\s+group\s+(?:called\s+|named\s+)?{_value('g')}"),
    _rx(rf"\b(?:in|into|under)\s+(?:the\s+)?{_value('g')}\s+project\s+group\b"),
    _rx(rf"\b(?:project\s+)?group\s*:?\s*{_value('g')}"),
    re.compile(rf"\b(?:in|into|under)\s+(?:the\s+)?project\s+group\s+{_WORDS.format('g')}"),
]
_SPACE_RULES = [
    _rx(rf"\b(?:in|into)\s+(?:the\s+)?space\s+(?:called\s+|named\s+)?{_value('s')}"),
    _rx(rf"\b(?:in|into)\s+(?:the\s+)?{_value('s')}\s+space\b"),
]
_LIFECYCLE_RULES = [
    _rx(rf"\b(?:using|with|in|on)\s+(?:the\s+|a\s+)?lifecycle\s+(?:called\s+|named\s+)?{_value('l')}"),
    _rx(rf"\b(?:using|with|in|on)\s+(?:the\s+)?{_value('l')}\s+lifecycle\b"),
]
_ENVIRONMENT_RULES = [
    _rx(rf"\b(?:with|and|has|having)\s+(?:the\s+)?environments?\s*:?\s+{_LIST}"),
    _rx(rf"\b(?:with|and|has|having)\s+(?:the\s+)?{_LIST}\s+environments\b"),
    _rx(rf"\b(?:deploying|deploys|deploy|deployed|promoting|promoted)\s+(?:it\s+)?to\s+{_LIST}(?=\s*(?:environments?\b|[.;]|$))"),
]
_TENANT_RULES = [_rx(rf"\b(?:for|with)\s+(?:the\s+)?tenants?\s*:?\s+{_LIST}")]
_RUNBOOK_RULES = [_rx(rf"\b(?:with\s+|and\s+)?(?:a\s+|the\s+)?runbooks?\s+(?:called\s+|named\s+)?{_LIST}")]
_BOTH_TENANCY = _rx(r"\b(?:tenanted\s+(?:and|or)\s+untenanted|untenanted\s+(?:and|or)\s+tenanted)(?:\s+deployments)?")
_TENANTED = _rx(
    r"\b(?:requires?\s+a\s+tenant(?:\s+for\s+every\s+deployment)?|tenanted\s+only|must\s+be\s+tenanted|"
    r"(?:is\s+|be\s+)?(?:multi-)?tenanted(?:\s+deployments)?)"
)
_NO_APPROVAL = _rx(
    r"\b(?:without|with\s+no|no|skip|skipping|disable)\s+(?:a\s+|an\s+|the\s+|any\s+)?(?:manual\s+)?"
    r"(?:approvals?|intervention)(?:\s+steps?)?"
)
_NO_SCAN = _rx(
    r"\b(?:without|with\s+no|no|skip|skipping|disable)\s+(?:a\s+|the\s+|any\s+)?(?:security|vulnerability)"
    r"(?:\s+(?:scanning|scans?|environment))?(?:\s+steps?)?"
)


def _split_list(text: str) -> list[str]:
    items = re.findall(_ITEM, text)
    out = []
    for item in items:
        if item.lower() in ("and", "or"):
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
                if self.free(*match.span()):
                    self.used.append(match.span())
                    return match
        return None

    def masked(self) -> str:
        """The text with used parts and quoted values blanked out (positions kept)."""
        chars = list(self.text)
        for a, b in self.used:
            chars[a:b] = " " * (b - a)
        text = "".join(chars)
        return re.sub(r""""(?:[^"\\]|\\.)*"|“[^”]*”""", lambda m: " " * len(m.group()), text)

    def leftovers(self) -> list[str]:
        fragments = []
        for piece in re.split(r"\s{2,}|[.;!?](?:\s|$)", self.masked()):
            words = re.findall(r"[\w'/-]+", piece)
            if any(w.lower() not in _FILLER for w in words):
                while words and words[0].lower() in _FILLER:
                    words.pop(0)
                while words and words[-1].lower() in _FILLER:
                    words.pop()
                fragments.append(" ".join(words))
        return fragments


def _keyword_rules(catalog: Catalog) -> list[tuple[str, str, re.Pattern[str]]]:
    rules = []
    for template in catalog.templates.values():
        for keyword in [template.id.replace("-", " "), *template.manifest.keywords]:
            words = r"[\s/-]+".join(re.escape(w) for w in re.split(r"[\s/-]+", keyword.strip()))
            rules.append((template.id, keyword, _rx(rf"(?<!\w){words}(?!\w)")))
    # Longest phrases first: "aws lambda" beats "aws".
    rules.sort(key=lambda r: -len(r[1]))
    return rules


def _kind(prompt: _Prompt, catalog: Catalog) -> str:
    masked = prompt.masked()
    scores: dict[str, tuple[int, int]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for template_id, keyword, rule in _keyword_rules(catalog):
        for match in rule.finditer(masked):
            if prompt.free(*match.span()) and all(
                match.end() <= a or match.start() >= b for a, b in spans.get(template_id, [])
            ):
                best, count = scores.get(template_id, (0, 0))
                scores[template_id] = (max(best, len(keyword)), count + 1)
                spans.setdefault(template_id, []).append(match.span())
    if not scores:
        words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]+", masked) if w.lower() not in _FILLER]
        close = sorted(
            {t for w in words for t in difflib.get_close_matches(w, catalog.ids(), n=2, cutoff=0.6)}
        )
        known = close or catalog.ids()
        raise PromptError(
            "no template in the catalog matches the kind of project the prompt asks for",
            hint=f"{'closest' if close else 'known'} templates: {', '.join(known)}",
        )
    chosen = max(sorted(scores), key=lambda t: scores[t])
    prompt.used.extend(spans[chosen])
    return chosen


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
    if name is None or not _quoted(name, "n"):
        raise PromptError(
            "the prompt names no project",
            hint="""give the name in quotes, e.g. 'called "My App"'""",
        )
    data["project"]["name"] = _quoted(name, "n")
    for key, rules, group in (("group", _GROUP_RULES, "g"), ("space", _SPACE_RULES, "s")):
        match = prompt.first(rules)
        if match:
            data["project"][key] = _quoted(match, group)
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
        data["runbooks"] = [{"name": n} for n in _split_list(match.group("list"))]
    if prompt.first([_NO_APPROVAL]):
        data["approval"] = {"enabled": False}
    if prompt.first([_NO_SCAN]):
        data["security_scan"] = {"enabled": False}

    template_id = _kind(prompt, catalog)
    data["template"] = template_id
    parameters = catalog.get(template_id).manifest.parameters
    match = prompt.first([_REGION])
    if match and "region" in parameters:
        data["parameters"] = {"region": match.group(1).lower()}
        prompt.first([_rx(r"\b(?:in\s+)?(?:the\s+)?(?:aws\s+)?region\b")])
    elif match:
        prompt.used.remove(match.span())

    data["warnings"] = [f'not understood: "{fragment}"' for fragment in prompt.leftovers()]
    return spec_from_data(data, "prompt")
