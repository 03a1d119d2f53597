"""The offline rules parser: a prompt → a spec, with no model and no network.

Rules read one fact each (the name, the group, the environments, a switch, a parameter...) and
mark the words they used; what no rule used and is not filler becomes a warning, so no part of a
prompt is dropped silently. A value that was guessed rather than read (a misspelt kind, a name
taken from a phrase) is said in the warnings too. The kind and the parameters come from the
catalog's manifests, so a template author's new kind is understood without touching this file.

The order matters: values next to their own word are read first (`group "Storage"`, `called X`),
then the kind, then lists and switches, and the name from weaker clues last ("for the orders api",
"the billing-worker project", a lone identifier).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from octoscaffold.catalog import Catalog, Template
from octoscaffold.errors import PromptError
from octoscaffold.spec.model import ProjectSpec
from octoscaffold.understand.kinds import (
    KindReading,
    catalog_words,
    cue_pattern,
    distance,
    find_kind,
    keyword_phrase_words,
    keyword_words,
    names_a_kind,
    per_catalog,
)
from octoscaffold.understand.entities import Entities
from octoscaffold.understand.lists import ListRead, read_list, read_list_before
from octoscaffold.understand.names import Names
from octoscaffold.understand.patterns import NEGATE as _NEGATE
from octoscaffold.understand.patterns import OFF_AFTER as _OFF_AFTER
from octoscaffold.understand.patterns import Rule
from octoscaffold.understand.patterns import rx as _rx
from octoscaffold.understand.runbooks import Runbooks
from octoscaffold.understand.text import (
    CLAUSE_END,
    MAX_PROMPT,
    Prompt,
    Token,
    normalise,
)
from octoscaffold.understand.words import ENVIRONMENT_WORDS, FILLER, LEADING, STOP

EXAMPLE = """describe the project, e.g. 'Create an AWS Lambda project called "My App"'"""

# -- what a prompt may say, as patterns over the normalised text -----------------------------------
# (`needs`: words one of which every match holds; a prompt with none of them is not searched)

_ENV_CUE = _rx(
    r"\b(?:(?:environment|env)\s+list|envs?|environments?|stages|lifecycle\s+(?:of|with)|lifecycle(?=\s*(?::|=)))"
    r"(?:\s*(?::|=|\bare\b|\bis\b|should\s+be|will\s+be|like))*\s*",
    needs="env stages lifecycle",
)
_ENV_AFTER = _rx(r"\b(?:envs?|environments?|stages)\b", needs="env stages")
_MOVE = _rx(
    r"\b(?:deploy(?:s|ed|ing)?|ship(?:s|ped|ping)?|releas(?:e|es|ed|ing)|promot(?:e|es|ed|ing)|go(?:es|ing)?|"
    r"roll(?:s|ed|ing)?\s+out|push(?:es|ed|ing)?|move[sd]?|progress(?:es|ing)?|flow(?:s|ing)?|run(?:s|ning)?)"
    r"(?:\s+(?:it|this|them|only|just|straight|directly|first))*(?:\s+(?:to|through|thru|across|into|between|via|in|from))?\s+"
    r"(?:the\s+)?(?:(?:envs?|environments?|stages)\s*:?\s*)?",
    needs="deploy ship releas promot go roll push move progress flow run",
)
_ACROSS = _rx(
    r"\b(?:across|through|thru|between)\s+(?:the\s+)?(?:(?:envs?|environments?|stages)\s*:?\s*)?",
    needs="across through thru between",
)
_FROM_TO = _rx(r"\bfrom\s+(?=\S+\s+(?:to|->|→|=>|then)\s)", needs="from")
_ONLY = _rx(r"\b(?:only|just)\s+(?=\S)", needs="only just")
_TENANT_CUE = _rx(
    r"\b(?:tenants|customers|clients)\s*(?::|=|are|is|like|called|named)?\s*|\btenant\s*(?::|=|(?=\"))\s*",
    needs="tenant customers clients",
)
_TENANT_AFTER = _rx(r"\b(?:as\s+)?(?:tenants|customers|clients)\b", needs="tenants customers clients")
_BOTH_TENANCY = _rx(
    r"\b(?:tenanted\s+(?:and|or|&|/)\s+untenanted|untenanted\s+(?:and|or|&|/)\s+tenanted)(?:\s+deploy(?:ment)?s)?"
    r"|\bwith\s+or\s+without\s+(?:a\s+)?tenants?\b|\b(?:tenants?|tenancy)\s+(?:is\s+|are\s+)?optional\b"
    r"|\boptionally\s+tenanted\b|\buntenanted(?:\s+deploy(?:ment)?s|\s+deploys|\s+releases)?\s+(?:\w+\s+){0,3}?"
    r"(?:allowed|ok|okay|fine|possible|permitted|supported|too|as\s+well|work|works)(?:\s+too)?"
    r"|\b(?:or|and)\s+untenanted\b|\buntenanted\s+(?:too|also|as\s+well)\b"
    r"|\b(?:also\s+)?allow(?:ing|s)?\s+untenanted(?:\s+deploy(?:ment)?s)?(?:\s+too|\s+as\s+well)?"
    r"|\b(?:tenanted\s+)?(?:but\s+)?(?:also\s+)?without\s+(?:a\s+)?tenant(?:\s+too)?\b",
    needs="tenan",
)
_UNTENANTED = _rx(r"\b(?:untenanted|not\s+tenanted|no\s+tenants|without\s+tenants|single[\s-]+tenant)\b", needs="tenant")
_TENANTED = _rx(
    r"\b(?:requires?\s+a\s+tenant(?:\s+(?:for|on)\s+(?:every|each)\s+deploy(?:ment)?)?|tenanted(?:\s+only)?|must\s+be\s+tenanted"
    r"|multi[\s-]?tenant(?:ed)?|multitenant|(?:one\s+)?per[\s-]+(?:tenant|customer)|tenant[\s-]+aware"
    r"|(?:a\s+)?tenant\s+(?:for|on)\s+(?:every|each)\s+deploy(?:ment)?)(?:\s+deploy(?:ment)?s)?",
    needs="tenant customer",
)
_APPROVAL = (
    r"(?:(?:manual|prod(?:uction)?|human)\s+)?(?:approvals?(?:\s+(?:gates?|steps?|stages?|checks?))?|approve\s+steps?"
    r"|sign[\s-]?offs?|manual\s+(?:interventions?|gates?|approval)|intervention\s+steps?)"
)
_SCAN = (
    r"(?:(?:vuln(?:erability)?|security|cve|trivy|sbom|container|image|sec)\s+)?(?:scan(?:s|ning|ner)?)"
    r"|(?:the\s+)?security\s+(?:env(?:ironment)?s?|stage|checks?)|sec\s+env|trivy|vuln(?:erability)?\s+checks?"
    r"|(?:the\s+)?security\s+(?:step|part|bit)"
)
# Words one of which every approval (and scan) phrase holds.
_APPROVAL_WORDS = "approv sign manual intervention"
_SCAN_WORDS = "scan sec trivy vuln"
_NO_APPROVAL = [
    _rx(rf"\b{_NEGATE}\s+(?:a\s+|an\s+|the\s+|any\s+|for\s+)?(?:\w+\s+)?{_APPROVAL}\b(?:\s+steps?)?", needs=_APPROVAL_WORDS),
    _rx(rf"\b{_APPROVAL}{_OFF_AFTER}", needs=_APPROVAL_WORDS),
]
_NO_SCAN = [
    _rx(rf"\b{_NEGATE}\s+(?:a\s+|an\s+|the\s+|any\s+|for\s+)?(?:\w+\s+)?(?:{_SCAN})\b(?:\s+steps?)?", needs=_SCAN_WORDS),
    _rx(rf"\b(?:{_SCAN}){_OFF_AFTER}", needs=_SCAN_WORDS),
]
# "don't skip", "never without", "nothing goes to prod without": a negated negation
_DOUBLE_NEGATION = _rx(
    r"\b(?:don'?t|do\s+not|never|not|nothing|no\s+one|nobody|nowhere|cannot|can'?t|mustn'?t|won'?t|shouldn'?t)\b[^.;!?]*$"
)
# "no approval (needed) for dev or test": the approval is in production only anyway
_NON_PRODUCTION_SCOPE = _rx(
    r"^\s*(?:is\s+|are\s+)?(?:needed|required|necessary)?\s*(?:for|in|on)\s+(?:the\s+)?"
    r"(?:dev\w*|test\w*|qa|uat|sit|staging|stage|int\w*|sandbox|non-?prod\w*|lower)(?:\s*(?:,|or|and|/)\s*"
    r"(?:dev\w*|test\w*|qa|uat|sit|staging|stage|int\w*|sandbox|non-?prod\w*|lower))*(?:\s+env\w*)?"
)
_WITH_APPROVAL = _rx(rf"\b(?:with|and|plus|keep|include)\s+(?:a\s+|an\s+|the\s+)?{_APPROVAL}\b", needs=_APPROVAL_WORDS)
_GUIDED = _rx(
    rf"\b(?P<neg>{_NEGATE}\s+(?:the\s+)?)?(?P<pos>(?:with|enable|enabled|use|using|turn\s+on|switch\s+on)\s+(?:the\s+)?)?"
    r"guided[\s-]+failures?(?:\s+mode)?(?:\s*(?::|=|is)?\s*(?P<state>on|off|enabled|disabled|yes|no|true|false)\b)?",
    needs="guided",
)
# "Guided failure we don't want, please switch it off."
_GUIDED_OFF_LATER = _rx(
    r"^[^.;!?]{0,40}?\b(?:don'?t\s+(?:want|need)|do\s+not\s+(?:want|need)|not\s+(?:wanted|needed)|(?:switch|turn)(?:ed)?\s+(?:it\s+)?off"
    r"|disabled?(?:\s+it)?|off)\b(?:\s+it\s+off|\s+off)?"
)
_VERSIONING = _rx(
    r"\b(?P<kind>semver|sem[\s-]?ver|semantic|date[\s-]*based|date|calver|calendar)(?:\s+(?:release\s+)?"
    r"(?:versioning|versions?|version\s+numbers|numbering|release\s+numbers))?\b",
    needs="sem date calver calendar",
)
_VERSIONING_FULL = _rx(
    r"\b(?:versioning|versions?|version\s+numbers|numbering)\s*(?::|=|is|by|using)?\s*(?P<kind>semver|semantic|date[\s-]*based|date|calver)\b",
    needs="sem date calver",
)
_MULTI = [
    _rx(
        r"\b(?:two|three|four|five|2|3|4|5|several|multiple|a\s+couple\s+of|a\s+few|some)\s+(?:\w+\s+){0,2}projects\b",
        needs="projects",
    ),
    _rx(
        r"\b(?:projects|charts|lambdas|apps|services|pipelines|sites|stacks)\s+(?:for|called|named)\b[^.;!?]*?(?:\band\b|&|,)",
        needs="projects charts lambdas apps services pipelines sites stacks",
    ),
    _rx(r"\bone\s+(?:for|called|named)\b.*\b(?:one|another|the\s+other)\s+(?:for|called|named)\b", needs="one"),
    _rx(
        r"\b(?:and|also|plus)\s+(?:another|a\s+second|a\s+separate)\s+(?:\w+\s+){0,3}?(?:project|one)\b",
        needs="another second separate",
    ),
    _rx(
        r"\beach\s+with\s+(?:its|their)\s+own\s+project\b|\bseparate\s+projects\b|\bone\s+project\s+(?:for\s+)?each\b",
        needs="project",
    ),
    _rx(
        r"\b(?:and|plus|also)\s+(?:a|an|another)\s+(?:\S+\s+){1,3}?(?:project|proj)\s+(?:for|called|named)\b",
        needs="proj",
    ),
]
_ABOUT_DEPLOYMENT = _rx(
    r"\b(?:deploy\w*|project|release\w*|pipeline|app|application|service|api|site|website|environment\w*|octopus|"
    r"infra\w*|server|cluster|database|db|container|image|package|build|ci|cd|devops|stack|function|job|worker|code|"
    r"web|frontend|backend|microservices?|batch|cron|etl|transport|rollout|ship\w*)\b"
)

# Typos of the words rules look for ("enviroments", "aproval"): fixed before reading.
_CUE_WORDS = frozenset(
    """environments environment envs approval approvals approve approved approver tenants tenant tenanted
    customers runbooks runbook security vulnerability scanning scanner lifecycle project deployment
    deploy deploying deployed worker called named semantic versioning guided failure description group
    without replicas memory minutes seconds
    region location""".split()
)
_SORTED_CUE_WORDS = sorted(_CUE_WORDS)


@dataclass
class Reading:
    """What the rules read from a prompt, before the spec model checks it.

    `guesses` holds a warning per field whose value was guessed ("project.name", "template"):
    when a flag, an answer on the terminal or a model settles the field, its warning goes."""

    data: dict
    warnings: list[str] = field(default_factory=list)
    guesses: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # "name", "template"
    name_guess: str | None = None
    name_problem: str | None = None  # why no name could be chosen, when there is more to say
    suggestions: list[str] = field(default_factory=list)  # kinds, when none was named
    unread: list[str] = field(default_factory=list)  # the words no rule understood, fragment by fragment
    about_deployment: bool = True  # False: the prompt says nothing about deploying software
    typed_kind: str | None = None  # the misspelt word a kind was guessed from

    @property
    def leftovers(self) -> list[str]:
        return [w for w in self.warnings if w.startswith("not understood")]

    def all_warnings(self) -> list[str]:
        return [*self.guesses.values(), *self.warnings]

    def settle(self, path: str, value) -> None:
        """A value given by the user (a flag, an answer): no longer missing, no longer a guess."""
        section, _, key = path.rpartition(".")
        target = self.data
        for part in filter(None, section.split(".")):
            target = target.setdefault(part, {})
        target[key] = value
        self.guesses.pop(path, None)
        missing = {"project.name": "name", "template": "template"}.get(path)
        if missing in self.missing:
            self.missing.remove(missing)

    def spec(self) -> ProjectSpec:
        from octoscaffold.spec.io import spec_from_data

        return spec_from_data({**self.data, "warnings": self.all_warnings()}, "prompt")


def understand(text: str, catalog: Catalog) -> ProjectSpec:
    """Read a prompt into an (unresolved) spec; raise PromptError when it cannot be done."""
    reading = read(text, catalog)
    raise_missing(reading, catalog)
    return reading.spec()


def raise_missing(reading: Reading, catalog: Catalog) -> None:
    if "template" in reading.missing and ("name" not in reading.missing or not reading.about_deployment):
        if not reading.about_deployment:
            raise PromptError(
                "the prompt does not ask for a deployment project: no template in the catalog fits it",
                hint=EXAMPLE,
            )
        close = reading.suggestions
        raise PromptError(
            "no template in the catalog matches the kind of project the prompt asks for",
            hint=f"closest: {', '.join(close)}; name one, or see `octoscaffold catalog list`"
            if close
            else f"known templates: {', '.join(catalog.ids())}",
        )
    if "name" in reading.missing:
        guess = f'; did you mean "{reading.name_guess}"?' if reading.name_guess else ""
        error = PromptError(
            reading.name_problem or "the prompt names no project" + guess,
            hint="""give the name after "called", e.g. 'called "My App"', or use --name""",
        )
        error.missing = "name"  # type: ignore[attr-defined]
        raise error


def read(text: str, catalog: Catalog, *, template: str | None = None) -> Reading:
    """Read a prompt; raise PromptError only for what no answer can fix (empty, too long, two
    projects). A missing name or kind is in `Reading.missing`. `template` forces the kind (a
    flag): its parameters are the ones read."""
    original = " ".join(text.split())
    if not original:
        raise PromptError("the prompt is empty", hint=EXAMPLE)
    if len(original) > MAX_PROMPT:
        raise PromptError(
            f"the prompt is {len(original):,} characters long; octoscaffold reads at most {MAX_PROMPT:,}",
            hint="describe one project in a few sentences; put details in a spec file (octoscaffold render)",
        )
    if re.search(r"[\x00\ud800-\udfff]", original):
        raise PromptError("the prompt holds bytes that are not UTF-8 text (or a NUL)", hint="retype it, or check the terminal's encoding")
    corrected, corrections = _correct_typos(normalise(text), catalog)
    prompt = Prompt.of(corrected)
    reading = Reading({"project": {}, "prompt": original})
    reading.warnings += corrections
    _Reader(prompt, catalog, reading, template).run()
    return reading


def _correct_typos(text: str, catalog: Catalog) -> tuple[str, list[str]]:
    """Fix misspelt words the rules look for ("enviroments"), and words of a kind's name
    ("azure fucntion app"), saying so for the latter: they decide the kind."""
    phrase_words, known = per_catalog(catalog, "typo_tables", _typo_tables)
    warnings = []

    def fix(match: re.Match) -> str:
        word = match.group()
        low = word.lower()
        if len(low) < 5 or low in known or not low.isalpha() or low.endswith("s") and low[:-1] in known:
            return word
        for candidate in phrase_words:
            if candidate[0] == low[0] and low not in (candidate + "s", candidate[:-1]) and distance(low, candidate, 1) <= 1:
                warnings.append(f'read "{word}" as "{candidate}"')
                return candidate
        for candidate in _SORTED_CUE_WORDS:
            if candidate in (low + "s", low + "es") or low in (candidate + "s", candidate + "es"):
                continue  # a plural or singular, not a typo: "customer" is no misspelt "customers"
            if candidate[0] == low[0] and distance(low, candidate, 1 if len(low) < 9 else 2) <= (1 if len(low) < 9 else 2):
                return candidate if word.islower() else candidate.capitalize() if word[0].isupper() else candidate
        return word

    # Only words outside quotes: a quoted value is kept exactly as typed.
    parts = re.split(r"(\"(?:[^\"\\]|\\.)*\"|(?<!\w)'(?:[^'\\]|\\.)*'(?!\w))", text)
    return "".join(p if i % 2 else re.sub(r"[A-Za-z]+", fix, p) for i, p in enumerate(parts)), warnings


def _typo_tables(catalog: Catalog) -> tuple[list[str], frozenset[str]]:
    """The words of kind names a typo may be corrected to, and the words that are never typos."""
    known = FILLER | STOP | ENVIRONMENT_WORDS | _CUE_WORDS | keyword_words(catalog) | catalog_words(catalog)
    return sorted(keyword_phrase_words(catalog)), known


def _check_single_project(prompt: Prompt, template: Template | None) -> None:
    """Refuse a prompt that asks for several projects, unless the kind itself takes a list of
    projects ("a parent project that deploys our 3 projects")."""
    takes_projects = template is not None and any(
        d.type == "list" and d.prompt and any("project" in c for c in d.prompt.cues)
        for d in template.manifest.parameters.values()
    )
    for rule in _MULTI[1:] if takes_projects else _MULTI:
        match = rule.search(prompt.text)
        if match:
            raise PromptError(
                f'the prompt asks for more than one project ("{match.group().strip()}"); '
                "octoscaffold makes one project per prompt",
                hint="run it once for each project",
            )


class _Reader(Names, Entities, Runbooks):
    def __init__(self, prompt: Prompt, catalog: Catalog, reading: Reading, forced: str | None = None) -> None:
        self.forced = catalog.get(forced).id if forced else None
        self.prompt = prompt
        self.catalog = catalog
        self.reading = reading
        self.data = reading.data
        self.kind_words = keyword_words(catalog)
        self.cues = cue_pattern(catalog, prompt.text)  # the cues in this prompt
        self.names: list[tuple[str, str]] = []  # (name, how) from explicit cues

    @property
    def tokens(self) -> list[Token]:
        return self.prompt.tokens

    def run(self) -> None:
        data, prompt = self.data, self.prompt
        self._explicit_names()
        self._description()
        self._entities(quoted_only=True)
        self._entities(quoted_only=False)
        kind = find_kind(prompt, self.catalog)
        if self.forced:
            kind = KindReading(self.forced, kind.matches)
        prompt.kind_spans = sorted(
            {(m.start, m.end) for m in kind.matches}
            | {s for s in prompt.used if any(s[0] <= m.start and m.end <= s[1] for m in kind.matches)}
        )
        self._check_two_projects(kind)
        if kind.template_id:
            from octoscaffold.understand.kinds import platform_conflict

            conflict = platform_conflict(prompt.text, self.catalog, kind.template_id)
            if conflict and self.forced:
                self.reading.warnings.append(conflict.replace("; for Windows use", "; chosen by --template anyway; for Windows there is"))
            elif conflict:
                raise PromptError(conflict, hint="name the platform the servers run, e.g. 'blue/green on Linux servers'")
        _check_single_project(prompt, self.catalog.templates.get(kind.template_id) if kind.template_id else None)
        self._tenancy()
        self._switches()
        self._environments()
        template = self.catalog.templates.get(kind.template_id) if kind.template_id else None
        self._runbooks(template)
        if template is not None:
            from octoscaffold.understand.parameters import read_parameters

            parameters = read_parameters(prompt, template, {})
            if parameters.values:
                data["parameters"] = parameters.values
            self.reading.warnings += parameters.warnings
        self._name()
        self._kind(kind)
        if template is not None:
            self._platform_words(template)
        self.reading.about_deployment = (
            kind.template_id is not None
            or bool(_ABOUT_DEPLOYMENT.search(prompt.text))
            or names_a_kind(self.catalog, prompt.text)
        )
        self.reading.unread = prompt.leftovers()
        self.reading.warnings += [
            f'not understood: "{fragment}"' if '"' not in fragment else f"not understood: {fragment}"
            for fragment in self.reading.unread
        ]

    # -- names -------------------------------------------------------------------------------

    def _platform_words(self, template: Template) -> None:
        """"SPA on S3", "a Java war on Tomcat", "tag updates": words that only say more about the
        chosen kind (its title's and keywords' words, the places its description names)."""
        manifest = template.manifest
        text = f" {manifest.title} {manifest.description} ".lower()
        own = {w for phrase in [manifest.title, *manifest.keywords] for w in re.findall(r"[a-z0-9.]+", phrase.lower())}
        own -= STOP | FILLER
        for index, token in enumerate(self.tokens):
            if token.kind != "word" or not self.prompt.free_token(index):
                continue
            if token.low in own or token.low.rstrip("s") in own:
                self.prompt.use(token.start, token.end)
            elif token.low in _PLACES:
                if re.search(rf"(?<![\w-]){re.escape(token.low.rstrip('s'))}s?(?![\w-])", text):
                    start = token.start
                    if index > 0 and self.tokens[index - 1].low in LEADING and self.prompt.free_token(index - 1):
                        start = self.tokens[index - 1].start
                    self.prompt.use(start, token.end)

    # -- the kind ------------------------------------------------------------------------------

    def _kind(self, kind: KindReading) -> None:
        if kind.template_id is None:
            self.reading.missing.append("template")
            self.reading.suggestions = kind.suggestions
            return
        self.data["template"] = kind.template_id
        if kind.warnings:
            self.reading.guesses["template"] = "; ".join(kind.warnings)
        self.reading.typed_kind = kind.typed

    # -- group, space, lifecycle, worker pool, team ----------------------------------------------

    def _check_two_projects(self, kind: KindReading) -> None:
        """"a kubernetes project for orders-api and a lambda for orders-events": two projects."""
        kinds = {m.keyword.template_id for m in kind.matches}
        if len(kinds) < 2:
            return
        first = min(kind.matches, key=lambda m: m.start)
        for match in kind.matches:
            if match.keyword.template_id == first.keyword.template_id:
                continue
            before = self.prompt.text[max(0, match.start - 20) : match.start].lower()
            after = self.prompt.text[match.end : match.end + 30].lower()
            if re.search(r"\b(?:and|plus|also)\s+(?:a|an|another)\s+$", before) and re.match(
                r"^\s*(?:project\s+|proj\s+|app\s+|service\s+)?(?:for|called|named)\b", after
            ):
                raise PromptError(
                    f"the prompt asks for more than one project ({first.keyword.template_id} and "
                    f"{match.keyword.template_id}); octoscaffold makes one project per prompt",
                    hint="run it once for each project",
                )

    # -- tenants and environments ----------------------------------------------------------------

    def _list_after(self, cue: Rule, **options) -> ListRead | None:
        for match in cue.finditer(self.prompt.text):
            if not self.prompt.free(*match.span()):
                continue
            found = read_list(self.prompt, self.prompt.index_at(match.end()), **options)
            if found and not _clause_between(self.prompt, match.end(), found.start):
                self.prompt.use(match.start(), found.end)
                return found
        return None

    def _list_before(self, cue: Rule, **options) -> ListRead | None:
        for match in cue.finditer(self.prompt.text):
            if not self.prompt.free(*match.span()):
                continue
            found = read_list_before(self.prompt, self.prompt.index_at(match.start()), **options)
            if found:
                self.prompt.use(found.start, match.end())
                return found
        return None

    def _tenancy(self) -> None:
        prompt, tenancy = self.prompt, {}
        found = self._list_after(_TENANT_CUE, names=True) or self._list_before(_TENANT_AFTER, vocabulary=False)
        if found:
            tenancy["tenants"] = found.values
            self._say_repeated(found, "tenant")
        if prompt.first([_BOTH_TENANCY]):
            tenancy["mode"] = "tenanted-or-untenanted"
        elif prompt.first([_TENANTED]) or tenancy.get("tenants"):
            tenancy["mode"] = "tenanted"
            prompt.first([_TENANTED])
        elif prompt.first([_UNTENANTED]):
            tenancy["mode"] = "untenanted"
        if tenancy:
            self.data["tenancy"] = tenancy

    def _say_repeated(self, found: ListRead, what: str) -> None:
        for value in found.repeated:
            self.reading.warnings.append(f'the {what} "{value}" is named twice; it is kept once')

    def _environments(self) -> None:
        prompt = self.prompt
        found = (
            self._list_after(_ENV_CUE)
            or self._list_before(_ENV_AFTER)
            or self._list_after(_MOVE, vocabulary=True)
            or self._list_after(_FROM_TO, vocabulary=True, single=False)
            or self._list_after(_ONLY, vocabulary=True)
            or self._list_after(_ACROSS, vocabulary=True)
            or self._vocabulary_run()
        )
        if not found:
            return
        values = [v for v in found.values if v]
        self._say_repeated(found, "environment")
        # "dev, qa and prod environments" may leave the word itself after the list
        tail = _rx(r"^\s*(?:envs?|environments?|stages|only)\b").match(prompt.text[found.end :])
        if tail and prompt.free(found.end, found.end + tail.end()):
            prompt.use(found.end, found.end + tail.end())
        self.data.setdefault("lifecycle", {})["environments"] = values

    def _vocabulary_run(self) -> ListRead | None:
        """Environment words in a row without a cue: `dev/uat/prod`, `dev -> test -> prod`."""
        for index, token in enumerate(self.tokens):
            if token.kind == "word" and token.low in ENVIRONMENT_WORDS and self.prompt.free_token(index):
                found = read_list(self.prompt, index, vocabulary=True, single=False)
                if found and sum(v.lower() in ENVIRONMENT_WORDS for v in found.values) >= 2:
                    self.prompt.use(found.start, found.end)
                    return found
        return None

    # -- switches --------------------------------------------------------------------------------

    def _switched_off(self, rules: list[Rule]) -> bool | None:
        """True for "no approval", None when nothing is said. "Don't skip the scan", "nothing goes
        to prod without sign-off" and "no approval for dev or test" keep the practice on."""
        prompt = self.prompt
        for rule in rules:
            for match in rule.finditer(prompt.text):
                if not prompt.free(*match.span()):
                    continue
                clause = re.split(r"[.;!?,]", prompt.text[: match.start()])[-1]
                scoped = _NON_PRODUCTION_SCOPE.match(prompt.text[match.end():])
                if _DOUBLE_NEGATION.search(clause) or scoped:
                    prompt.use(match.start(), match.end() + (scoped.end() if scoped else 0))
                    return False
                prompt.use(*match.span())
                return True
        return None

    def _switches(self) -> None:
        prompt, data = self.prompt, self.data
        if self._switched_off(_NO_APPROVAL):
            data.setdefault("approval", {})["enabled"] = False
        else:
            prompt.first([_WITH_APPROVAL])
        if self._switched_off(_NO_SCAN):
            data["security_scan"] = {"enabled": False}
        for match in _GUIDED.finditer(prompt.text):
            if prompt.free(*match.span()):
                prompt.use(*match.span())
                state = (match.group("state") or "").lower()
                off = bool(match.group("neg")) or state in ("off", "disabled", "no", "false")
                later = _GUIDED_OFF_LATER.match(prompt.text[match.end():])
                if not match.group("neg") and not state and later:
                    off = True
                    prompt.use(match.end(), match.end() + later.end())
                data.setdefault("settings", {})["guided_failure_mode"] = "Off" if off else "On"
                break
        match = prompt.first([_VERSIONING_FULL, _VERSIONING])
        if match:
            kind = match.group("kind").lower().replace(" ", "")
            if kind.startswith("date") and not _rx(r"versio|numb").search(match.group()):
                prompt.used.remove(match.span())  # a bare "date" is no versioning ask
            else:
                data["versioning"] = {"strategy": "semantic" if kind.startswith("sem") else "date"}

    # -- runbooks ----------------------------------------------------------------------------------


_PLACES = frozenset(
    """aws azure gcp google amazon microsoft linux windows ubuntu s3 ec2 vm vms server servers machine machines
    cluster clusters container containers image images nginx kubernetes worker workers cloud""".split()
)


def _clause_between(prompt: Prompt, start: int, end: int) -> bool:
    return any(t.kind == "punct" and t.text in CLAUSE_END for t in prompt.tokens if start <= t.start < end)
