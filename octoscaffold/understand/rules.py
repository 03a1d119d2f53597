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
from octoscaffold.spec.naming import slugify
from octoscaffold.understand.kinds import (
    KindReading,
    catalog_words,
    cue_pattern,
    distance,
    ends_with_kind,
    find_kind,
    keyword_phrase_words,
    keyword_words,
)
from octoscaffold.understand.lists import ListRead, read_list, read_list_before
from octoscaffold.understand.text import (
    CLAUSE_END,
    MAX_PROMPT,
    Prompt,
    Token,
    entity_case,
    name_case,
    normalise,
    strip_determiners,
)
from octoscaffold.understand.words import (
    DETERMINERS,
    ENVIRONMENT_WORDS,
    FILLER,
    PLATFORMS,
    STAGES,
    STOP,
    TECH,
    VERBS,
)

EXAMPLE = """describe the project, e.g. 'Create an AWS Lambda project called "My App"'"""


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# -- what a prompt may say, as patterns over the normalised text -----------------------------------

_NAME_CUE = _rx(
    r"\b(?:called|named|titled|title\s+it|dubbed|labell?ed|known\s+as|call\s+(?:it|this|the\s+project)|call(?=\s+\")|name\s+(?:it|this|the\s+project|(?=project\b)project)"
    r"|give\s+it\s+(?:the\s+)?name|name(?=\s+\")|(?<![\w-])(?<!the )name(?=\s+(?!(?:is|it|of|the|for|should|will|must|and|to|yet|later|soon|now|today|tbd|tba|here|there|please|pls|this|that|whatever|something|anything)\b)[\w\"])|(?:its|the\s+project'?s?)\s+name\s*(?::|=|is|should\s+be)?"
    r"|(?:project\s+|app\s+)?name\s*(?::|=|is|should\s+be|will\s+be|would\s+be|shall\s+be|of)"
    r"|with\s+(?:the\s+)?name(?:\s+of)?|by\s+the\s+name(?:\s+of)?|under\s+the\s+name)(?=\s|$|\W)\s*:?\s*"
)
# "runbooks called X", "a group named Y": the name of something else.
_OTHER_THING = _rx(
    r"\b(?:runbooks?|group|space|lifecycle|pool|team|tenants?|customers|environments?|envs?|steps?|variables?|feed|"
    r"account|trigger|channel|database|db|bucket|repo|repository|branch|folder|namespace|app\s+pool)\s*$"
)
_AS_CUE = _rx(
    r"(?<!such )(?<!well )(?<!same )(?<!run )(?<!runs )(?<!running )(?<!start )(?<!starts )(?<!log in )(?<!login )"
    r"(?<!run it )(?<!runs it )(?<!run them )(?<!start it )(?<!deploy it )"
    r"\bas\s+(?!a\b|an\b|the\b|soon\b|well\b|of\b|per\b|usual\b|needed\b|part\b|if\b|tenants?\b|customers\b)"
)
# "the service name is X": another thing's name, not the project's
_OTHER_NAMED = _rx(
    r"\b(?:service|database|db|site|website|chart|image|pool|bucket|slot|group|branch|repo|repository|user|host|team|stack|"
    r"cluster|namespace|container|queue|table|schema|file|folder|directory|package|feed|tenant|environment|env|space|"
    r"lifecycle|runbook|account|variable|step|web\s+app|function\s+app|resource\s+group)\s+$"
)
_TAIL = r"(?:\s*(?::|=|\bis\b|\bare\b|called|named|should\s+be|will\s+be|would\s+be|must\s+be|shall\s+be|please|pls|of))*\s*"
_GROUP_CUE = _rx(rf"(?<!resource )(?<!resource-)\b(?:project\s+)?(?:group|grp){_TAIL}")
_GROUP_AFTER = _rx(r"(?<!resource )(?<!resource-)\b(?:project\s+)?(?:group|grp)\b")
_SPACE_CUE = _rx(rf"\b(?:octopus\s+)?space{_TAIL}")
_SPACE_AFTER = _rx(r"\bspace\b")
_LIFECYCLE_CUE = _rx(rf"\blifecycle{_TAIL}")
_LIFECYCLE_AFTER = _rx(r"\blifecycle\b")
_POOL_CUE = _rx(rf"\b(?:worker\s+pool|workerpool|pool){_TAIL}")
_POOL_AFTER = _rx(r"\b(?:worker\s+pool|workers?\s+pool|pool)\b")
_DESCRIPTION = _rx(r"\b(?:description|desc|described\s+as|describe\s+it\s+as)\s*(?::|=|is)?\s*")
_ENV_CUE = _rx(
    r"\b(?:envs?|environments?|stages|lifecycle\s+(?:of|with)|(?:lifecycle|environments?|envs?)\s*(?::|=|are|is|should\s+be|will\s+be|like)"
    r"|(?:environment|env)\s+list)\s*(?::)?\s*"
)
_ENV_AFTER = _rx(r"\b(?:envs?|environments?|stages)\b")
_MOVE = _rx(
    r"\b(?:deploy(?:s|ed|ing)?|ship(?:s|ped|ping)?|releas(?:e|es|ed|ing)|promot(?:e|es|ed|ing)|go(?:es|ing)?|"
    r"roll(?:s|ed|ing)?\s+out|push(?:es|ed|ing)?|move[sd]?|progress(?:es|ing)?|flow(?:s|ing)?|run(?:s|ning)?)"
    r"(?:\s+(?:it|this|them|only|just|straight|directly|first))*(?:\s+(?:to|through|thru|across|into|between|via|in|from))?\s+"
    r"(?:the\s+)?(?:(?:envs?|environments?|stages)\s*:?\s*)?"
)
_ACROSS = _rx(r"\b(?:across|through|thru|between)\s+(?:the\s+)?(?:(?:envs?|environments?|stages)\s*:?\s*)?")
_FROM_TO = _rx(r"\bfrom\s+(?=\S+\s+(?:to|->|→|=>|then)\s)")
_ONLY = _rx(r"\b(?:only|just)\s+(?=\S)")
_TENANT_CUE = _rx(r"\b(?:tenants|customers|clients)\s*(?::|=|are|is|like|called|named)?\s*|\btenant\s*(?::|=|(?=\"))\s*")
_TENANT_AFTER = _rx(r"\b(?:as\s+)?(?:tenants|customers|clients)\b")
_BOTH_TENANCY = _rx(
    r"\b(?:tenanted\s+(?:and|or|&|/)\s+untenanted|untenanted\s+(?:and|or|&|/)\s+tenanted)(?:\s+deploy(?:ment)?s)?"
    r"|\bwith\s+or\s+without\s+(?:a\s+)?tenants?\b|\b(?:tenants?|tenancy)\s+(?:is\s+|are\s+)?optional\b"
    r"|\boptionally\s+tenanted\b|\buntenanted(?:\s+deploy(?:ment)?s|\s+releases)?\s+(?:\w+\s+){0,3}?(?:allowed|ok|okay|fine|possible|permitted|supported|too|as\s+well)(?:\s+too)?"
    r"|\b(?:or|and)\s+untenanted\b|\buntenanted\s+(?:too|also|as\s+well)\b"
    r"|\b(?:also\s+)?allow(?:ing|s)?\s+untenanted(?:\s+deploy(?:ment)?s)?(?:\s+too|\s+as\s+well)?"
    r"|\b(?:tenanted\s+)?(?:but\s+)?(?:also\s+)?without\s+(?:a\s+)?tenant(?:\s+too)?\b"
)
_UNTENANTED = _rx(r"\b(?:untenanted|not\s+tenanted|no\s+tenants|without\s+tenants|single[\s-]+tenant)\b")
_TENANTED = _rx(
    r"\b(?:requires?\s+a\s+tenant(?:\s+(?:for|on)\s+(?:every|each)\s+deploy(?:ment)?)?|tenanted(?:\s+only)?|must\s+be\s+tenanted"
    r"|multi[\s-]?tenant(?:ed)?|multitenant|(?:one\s+)?per[\s-]+(?:tenant|customer)|tenant[\s-]+aware"
    r"|(?:a\s+)?tenant\s+(?:for|on)\s+(?:every|each)\s+deploy(?:ment)?)(?:\s+deploy(?:ment)?s)?"
)
_NEGATE = (
    r"(?:no|without|w/o|skip|skipping|drop|dropping|remove|removing|removal\s+of|disable|disabling|disabled|deactivate|deactivating"
    r"|deactivation\s+of|exclude|omit|nix|ditch|lose"
    r"|don'?t\s+(?:need|want|add|include|require|use)|do\s+not\s+(?:need|want|add|include|require|use)|no\s+need\s+for"
    r"|turn\s+off|switch\s+off|get\s+rid\s+of|leave\s+out|not|never|zero|none\s+of)"
)
_OFF_AFTER = (
    r"\s*(?::|=|-)?\s*(?:is\s+|are\s+)?(?:off|disabled|no|none|false|not\s+needed|not\s+required|unnecessary|"
    r"isn'?t\s+needed|aren'?t\s+needed|can\s+be\s+skipped|skipped|removed|dropped)\b"
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
_NO_APPROVAL = [_rx(rf"\b{_NEGATE}\s+(?:a\s+|an\s+|the\s+|any\s+|for\s+)?(?:\w+\s+)?{_APPROVAL}\b(?:\s+steps?)?"),
                _rx(rf"\b{_APPROVAL}{_OFF_AFTER}")]
_NO_SCAN = [_rx(rf"\b{_NEGATE}\s+(?:a\s+|an\s+|the\s+|any\s+|for\s+)?(?:\w+\s+)?(?:{_SCAN})\b(?:\s+steps?)?"),
            _rx(rf"\b(?:{_SCAN}){_OFF_AFTER}")]
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
_WITH_APPROVAL = _rx(rf"\b(?:with|and|plus|keep|include)\s+(?:a\s+|an\s+|the\s+)?{_APPROVAL}\b")
_TEAM_CUE = _rx(
    r"\b(?:approv\w*|approval\s+step|sign[\s-]?offs?|signed\s+off)\s+(?:is\s+|are\s+|needed\s+|required\s+|done\s+|comes\s+|given\s+)*"
    r"(?:only\s+)?(?:by|from|of|go(?:es)?\s+to|routed\s+to|sent\s+to|handled\s+by|owned\s+by)\s+(?:the\s+)?(?:team\s+)?|\bapprovers?\s*(?::|=|are|is)\s*(?:the\s+)?(?:team\s+)?"
)
_TEAM_BEFORE = _rx(
    r"\s+(?:team\s+)?(?:(?:must|should|has\s+to|have\s+to|needs?\s+to|will|to|can|shall|always|also)\s+)*(?:to\s+)?"
    r"(?:approves?|approving|signs?\s+off|sign[\s-]offs?)\b"
)
_GUIDED = _rx(
    rf"\b(?P<neg>{_NEGATE}\s+(?:the\s+)?)?(?P<pos>(?:with|enable|enabled|use|using|turn\s+on|switch\s+on)\s+(?:the\s+)?)?"
    r"guided[\s-]+failures?(?:\s+mode)?(?:\s*(?::|=|is)?\s*(?P<state>on|off|enabled|disabled|yes|no|true|false)\b)?"
)
# "Guided failure we don't want, please switch it off."
_GUIDED_OFF_LATER = _rx(
    r"^[^.;!?]{0,40}?\b(?:don'?t\s+(?:want|need)|do\s+not\s+(?:want|need)|not\s+(?:wanted|needed)|(?:switch|turn)(?:ed)?\s+(?:it\s+)?off"
    r"|disabled?(?:\s+it)?|off)\b(?:\s+it\s+off|\s+off)?"
)
_VERSIONING = _rx(
    r"\b(?P<kind>semver|sem[\s-]?ver|semantic|date[\s-]*based|date|calver|calendar)(?:\s+(?:release\s+)?"
    r"(?:versioning|versions?|version\s+numbers|numbering|release\s+numbers))?\b"
)
_VERSIONING_FULL = _rx(r"\b(?:versioning|versions?|version\s+numbers|numbering)\s*(?::|=|is|by|using)?\s*(?P<kind>semver|semantic|date[\s-]*based|date|calver)\b")
_NO_RUNBOOKS = _rx(rf"\b{_NEGATE}\s+(?:the\s+|any\s+)?runbooks?\b|\brunbooks?{_OFF_AFTER}|\brunbooks?\s*:\s*none\b")
_RUNBOOK_CUE = _rx(r"\brunbooks?\s*(?::|=|called|named|titled|like)?\s*")
_RUNBOOK_PURPOSE = _rx(
    r"\brunbooks?\s+(?:(?:is|are)\s+(?:needed|required|wanted)\s*,?\s*)?(?:that\s+|which\s+|to\s+|for\s+|so\s+(?:we|i)\s+can\s+)"
    r"(?:(?:can|will|would|should)\s+)?"
)
_RUNBOOK_AFTER = _rx(r"\brunbooks?\b")
_MULTI = [
    _rx(r"\b(?:two|three|four|five|2|3|4|5|several|multiple|a\s+couple\s+of|a\s+few|some)\s+(?:\w+\s+){0,2}projects\b"),
    _rx(r"\b(?:projects|charts|lambdas|apps|services|pipelines|sites|stacks)\s+(?:for|called|named)\b[^.;!?]*?(?:\band\b|&|,)"),
    _rx(r"\bone\s+(?:for|called|named)\b.*\b(?:one|another|the\s+other)\s+(?:for|called|named)\b"),
    _rx(r"\b(?:and|also|plus)\s+(?:another|a\s+second|a\s+separate)\s+(?:\w+\s+){0,3}?(?:project|one)\b"),
    _rx(r"\beach\s+with\s+(?:its|their)\s+own\s+project\b|\bseparate\s+projects\b|\bone\s+project\s+(?:for\s+)?each\b"),
    _rx(r"\b(?:and|plus|also)\s+(?:a|an|another)\s+(?:\S+\s+){1,3}?(?:project|proj)\s+(?:for|called|named)\b"),
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
    corrected, corrections = _correct_typos(normalise(text), catalog)
    prompt = Prompt.of(corrected)
    reading = Reading({"project": {}, "prompt": original})
    reading.warnings += corrections
    _check_single_project(prompt)
    _Reader(prompt, catalog, reading, template).run()
    return reading


def _correct_typos(text: str, catalog: Catalog) -> tuple[str, list[str]]:
    """Fix misspelt words the rules look for ("enviroments"), and words of a kind's name
    ("azure fucntion app"), saying so for the latter: they decide the kind."""
    phrase_words = keyword_phrase_words(catalog)
    known = FILLER | STOP | ENVIRONMENT_WORDS | _CUE_WORDS | keyword_words(catalog) | catalog_words(catalog)
    warnings = []

    def fix(match: re.Match) -> str:
        word = match.group()
        low = word.lower()
        if len(low) < 5 or low in known or not low.isalpha() or low.endswith("s") and low[:-1] in known:
            return word
        for candidate in sorted(phrase_words):
            if candidate[0] == low[0] and low not in (candidate + "s", candidate[:-1]) and distance(low, candidate, 1) <= 1:
                warnings.append(f'read "{word}" as "{candidate}"')
                return candidate
        for candidate in sorted(_CUE_WORDS):
            if candidate in (low + "s", low + "es") or low in (candidate + "s", candidate + "es"):
                continue  # a plural or singular, not a typo: "customer" is no misspelt "customers"
            if candidate[0] == low[0] and distance(low, candidate, 1 if len(low) < 9 else 2) <= (1 if len(low) < 9 else 2):
                return candidate if word.islower() else candidate.capitalize() if word[0].isupper() else candidate
        return word

    # Only words outside quotes: a quoted value is kept exactly as typed.
    parts = re.split(r"(\"(?:[^\"\\]|\\.)*\"|(?<!\w)'(?:[^'\\]|\\.)*'(?!\w))", text)
    return "".join(p if i % 2 else re.sub(r"[A-Za-z]+", fix, p) for i, p in enumerate(parts)), warnings


def _check_single_project(prompt: Prompt) -> None:
    for rule in _MULTI:
        match = rule.search(prompt.text)
        if match:
            raise PromptError(
                f'the prompt asks for more than one project ("{match.group().strip()}"); '
                "octoscaffold makes one project per prompt",
                hint="run it once for each project",
            )


class _Reader:
    def __init__(self, prompt: Prompt, catalog: Catalog, reading: Reading, forced: str | None = None) -> None:
        self.forced = catalog.get(forced).id if forced else None
        self.prompt = prompt
        self.catalog = catalog
        self.reading = reading
        self.data = reading.data
        self.kind_words = keyword_words(catalog)
        self.cues = cue_pattern(catalog)
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
        self.reading.about_deployment = bool(_ABOUT_DEPLOYMENT.search(prompt.text)) or kind.template_id is not None
        self.reading.warnings += [
            f'not understood: "{fragment}"' if '"' not in fragment else f"not understood: {fragment}"
            for fragment in prompt.leftovers()
        ]

    # -- names -------------------------------------------------------------------------------

    def _explicit_names(self) -> None:
        """`called X`, `named X`, `name: X`, `call it X`, `as Release Train`."""
        for match in _NAME_CUE.finditer(self.prompt.text):
            before = self.prompt.text[: match.start()]
            if not self.prompt.free(*match.span()) or _OTHER_THING.search(before):
                continue
            if re.match(r"name\b", match.group(), re.IGNORECASE) and _OTHER_NAMED.search(before):
                if not ends_with_kind(self.catalog, before.rstrip()):  # "iis website name x" names the project
                    continue
            found = self._read_name(self.prompt.index_at(match.end()), explicit=True)
            if found:
                tokens, end = found
                self.prompt.use(match.start(), end)
                self.names.append((name_case(tokens, self._prose(tokens)), "cue"))
        if not self.names:
            found = self._name_as()
            if found:
                self.names.append((found[0], "cue"))
        distinct = {slugify(n) for n, _ in self.names}
        if len(distinct) > 1:
            raise PromptError(
                f"the prompt names more than one project ({', '.join(repr(n) for n, _ in self.names)}); "
                "octoscaffold makes one project per prompt",
                hint="run it once for each project",
            )

    def _name_as(self) -> tuple[str, bool] | None:
        """`set it up as Release Train`, `as orders-api`: only a name-shaped value."""
        for match in _AS_CUE.finditer(self.prompt.text):
            index = self.prompt.index_at(match.end())
            if not self.prompt.free(*match.span()) or index >= len(self.tokens):
                continue
            token = self.tokens[index]
            if token.kind == "quoted" or token.slug_like or token.capitalised:
                found = self._read_name(index, explicit=True)
                if found and self._usable_name(found[0]):
                    self.prompt.use(match.start(), found[1])
                    return name_case(found[0], self._prose(found[0])), False
        return None

    def _read_name(self, index: int, *, explicit: bool = False, backwards: bool = False) -> tuple[list[Token], int] | None:
        """An unquoted or quoted name starting at token `index`: its tokens and the end position."""
        tokens = self.tokens
        while index < len(tokens) and tokens[index].text in (":", "=") and self.prompt.free_token(index):
            index += 1
        if index >= len(tokens) or not self.prompt.free_token(index):
            return None
        first = tokens[index]
        if first.kind == "quoted":
            return ([first], first.end) if first.text else None
        taken: list[Token] = []
        while index < len(tokens) and len(taken) < 6 and self.prompt.free_token(index):
            token = tokens[index]
            if token.kind != "word":
                break
            low = token.low
            if not taken and (low in DETERMINERS or low.endswith("'s")):
                index += 1
                continue
            capital_run = bool(taken) and taken[0].capitalised and token.capitalised
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            soft = low in _SOFT_STOPS and (
                following is not None and following.kind == "word" and following.low not in STOP | FILLER
                or bool(taken) and (following is None or following.text in CLAUSE_END | {",", ":"})
            )
            if low in STOP and not soft and not (token.capitalised and (not taken or capital_run) and low not in _BREAKS):
                break
            if low in self.kind_words and not (explicit and token.capitalised) and not token.slug_like:
                break
            if low in ("please", "pls", "plz", "thanks", "thx", "asap", "too", "pronto"):
                break
            if taken and not token.capitalised and self._starts_value(index):
                break  # "called x health endpoint /status", "called x nodejs20.x", "x port 3000"
            if taken and taken[0].capitalised and not token.capitalised and not token.text.isupper():
                if low in ("of", "&", "and", "de", "the") and index + 1 < len(tokens) and tokens[index + 1].capitalised:
                    taken.append(token)
                    index += 1
                    continue
                break
            taken.append(token)
            index += 1
            if ("-" in token.text or "_" in token.text) and not explicit:
                break
        if not taken:
            return None
        return taken, taken[-1].end

    def _starts_value(self, index: int) -> bool:
        """Whether token `index` begins a parameter's value: `nodejs20.x`, `health endpoint /x`, `port 3000`."""
        token = self.tokens[index]
        if _VALUE_LIKE.fullmatch(token.low):
            return True
        cue = self.cues.match(self.prompt.text, token.start)
        if cue is None:
            return False
        if " " in cue.group().strip():
            return True
        after = self.prompt.index_at(cue.end())
        return after < len(self.tokens) and (
            self.tokens[after].kind in ("quoted", "path", "url") or bool(_VALUE_LIKE.fullmatch(self.tokens[after].low))
        )

    def _prose(self, tokens: list[Token]) -> bool:
        """Whether a name was written after "the", "our" or a possessive: prose, not an identifier."""
        index = self.prompt.index_before(tokens[0].start)
        return index >= 0 and (self.tokens[index].low in DETERMINERS or self.tokens[index].low.endswith("'s"))

    def _usable_name(self, tokens: list[Token], definite: bool = False) -> bool:
        """Words that can be a name on their own (not "prod", "aws", "python", "me"); after "the"
        a technology word names a thing ("for the frontend")."""
        words = [t.low for t in tokens if t.kind == "word"]
        if any(t.kind == "quoted" for t in tokens):
            return True
        unusable = STAGES | PLATFORMS | FILLER | self.kind_words | STOP - _SOFT_STOPS
        if not definite:
            unusable |= TECH
        if not words or all(w in unusable for w in words):
            return False
        return not any(w in ("me", "us", "you", "them", "everyone", "each", "every", "all", "now", "later") for w in words)

    def _name(self) -> None:
        project = self.data["project"]
        if self.names:
            project["name"] = self.names[0][0]
            return
        for finder in (self._name_quoted, self._name_before_kind, self._name_after_project, self._name_after_for,
                       self._name_deployed, self._name_leading, self._name_alone, self._name_identifier):
            found = finder()
            if found:
                name, guessed = found
                project["name"] = name
                if guessed:
                    self.reading.guesses["project.name"] = (
                        f'guessed the project name "{name}" from the prompt\'s words; '
                        """say 'called "..."' or use --name to be exact"""
                    )
                return
        self.reading.missing.append("name")
        self.reading.name_guess = self._any_phrase()

    def _name_alone(self) -> tuple[str, bool] | None:
        """A two-word prompt: "networking terraform", "grafana docker" (a guess)."""
        return self._name_before_kind(last_resort=True)

    def _name_before_kind(self, last_resort: bool = False) -> tuple[str, bool] | None:
        """`the payments-web blue/green project`, `"Orders API" k8s project`, `Orders API on k8s`."""
        prompt, tokens = self.prompt, self.tokens
        for start, _ in sorted(prompt.kind_spans) + [(t.start, t.end) for t in tokens if t.low in ("project", "proj", "projects")]:
            index = prompt.index_before(start)
            # skip other kind words and platform words between ("Orders API *AWS* lambda")
            while index >= 0 and (
                tokens[index].low in self.kind_words | PLATFORMS | {"project", "proj", "/"} and not prompt.free_token(index)
                or tokens[index].low in _CONNECTORS | PLATFORMS and prompt.free_token(index)
            ):
                index -= 1
            taken: list[Token] = []
            while index >= 0 and prompt.free_token(index) and len(taken) < 5:
                token = tokens[index]
                if token.kind == "quoted":
                    taken = [token] if not taken else taken
                    break
                if token.kind != "word" or token.low in STOP | DETERMINERS | VERBS | FILLER | self.kind_words:
                    break
                if token.low in TECH | PLATFORMS | ENVIRONMENT_WORDS and not token.slug_like:
                    break
                if taken and ("-" in token.text or "_" in token.text) != ("-" in taken[0].text or "_" in taken[0].text):
                    break  # "move orders-api": an identifier is a whole name
                taken.insert(0, token)
                index -= 1
                if "-" in token.text or "_" in token.text:
                    break
            if not taken:
                continue
            before = tokens[index].low if index >= 0 else ""
            definite = before in ("the", "our", "my", "their", "your") or before.endswith("'s")
            shaped = taken[0].kind == "quoted" or any(t.slug_like or t.capitalised and t.low not in FILLER for t in taken)
            if index >= 0 and tokens[index].capitalised and shaped and not taken[0].kind == "quoted":
                # "Create Orders API k8s project": the capital of a sentence's first word is no clue
                pass
            alone = index < 0 and len(taken) == 1  # "networking terraform", "grafana docker"
            if alone and not shaped and not last_resort:
                continue
            if not (shaped or definite or alone or len(taken) >= 2) or not self._usable_name(taken):
                continue
            if taken[0].capitalised and index < 0 and len(taken) == 1 and taken[0].low in VERBS:
                continue
            prompt.use(taken[0].start, taken[-1].end)
            lower = taken[0].kind != "quoted" and all(t.text == t.low for t in taken)
            return name_case(taken, self._prose(taken)), lower and (len(taken) > 1 or alone and not taken[0].slug_like)
        return None

    def _name_after_project(self) -> tuple[str, bool] | None:
        """`lambda project orders-api`, `new k8s proj "Edge Router"`, `tomcat app petclinic`."""
        tokens = self.tokens
        for index, token in enumerate(tokens[:-1]):
            if token.low not in ("project", "proj", "app", "service", "svc"):
                continue
            right_after_kind = index > 0 and not self.prompt.free_token(index - 1)
            if token.low not in ("project", "proj") and not right_after_kind:
                continue  # "app" introduces a name only right after the kind ("tomcat app petclinic")
            step = 2 if tokens[index + 1].text == ":" and index + 2 < len(tokens) else 1
            after = tokens[index + step]
            shaped = after.kind == "quoted" or after.slug_like or (
                after.capitalised and after.low not in STOP | ENVIRONMENT_WORDS | PLATFORMS
            )
            if shaped:
                found = self._read_name(index + step)
                if found and self._usable_name(found[0]):
                    self.prompt.use(token.start, found[1])
                    return name_case(found[0], self._prose(found[0])), False
                continue
            # "flyway proj loyalty": one lower-case word right after the kind and "project"
            ends = index + 2 >= len(tokens) or tokens[index + 2].kind == "punct"
            plain = after.kind == "word" and after.low not in STOP | FILLER | TECH | ENVIRONMENT_WORDS | self.kind_words
            if token.low in ("project", "proj", "app") and right_after_kind and plain and ends and self.prompt.free_token(index + 1):
                self.prompt.use(token.start, after.end)
                return after.text, False
        return None

    def _name_after_for(self) -> tuple[str, bool] | None:
        """`a helm chart for payments-api`, `for the orders api`."""
        for match in _rx(r"\bfor\s+").finditer(self.prompt.text):
            if not self.prompt.free(*match.span()):
                continue
            index = self.prompt.index_at(match.end())
            found = self._read_name(index)
            definite = index < len(self.tokens) and self.tokens[index].low in ("the", "our", "my", "their")
            if not found or not self._usable_name(found[0], definite):
                continue
            tokens, end = found
            self.prompt.use(match.start(), end)
            name = name_case(tokens, self._prose(tokens))
            return name, name != " ".join(t.text for t in tokens)
        return None

    def _name_deployed(self) -> tuple[str, bool] | None:
        """`deploy the orders api to kubernetes`, `ship billing-worker on ECS`."""
        rule = _rx(r"\b(?:deploy(?:s|ed|ing)?|ship(?:s|ping)?|release|run(?:s|ning)?|host(?:s|ing)?|publish(?:es|ing)?)\s+")
        for match in rule.finditer(self.prompt.text):
            if not self.prompt.free(*match.span()):
                continue
            found = self._read_name(self.prompt.index_at(match.end()))
            if not found or not self._usable_name(found[0]):
                continue
            after = self.prompt.index_at(found[1])
            ends = after >= len(self.tokens) or self.tokens[after].text in CLAUSE_END
            if not ends and self.tokens[after].low not in ("to", "on", "onto", "into", "with", "using", "via", "in", "as"):
                continue
            tokens, end = found
            self.prompt.use(match.start(), end)
            return name_case(tokens, self._prose(tokens)), len(tokens) > 1 and all(t.text == t.low for t in tokens)
        return None

    def _name_leading(self) -> tuple[str, bool] | None:
        """Slack style: `orders-api: k8s, envs dev/prod`, `storefront, blue/green style`."""
        tokens = self.tokens
        taken: list[Token] = []
        for index, token in enumerate(tokens[:4]):
            if not self.prompt.free_token(index):
                break
            if token.text in (":", ",", ";") and taken and self._usable_name(taken):
                if all(t.kind == "word" and t.low not in VERBS | FILLER for t in taken) or taken[0].kind == "quoted":
                    self.prompt.use(taken[0].start, token.end)
                    guessed = not (len(taken) == 1 and (taken[0].slug_like or taken[0].kind == "quoted"))
                    return name_case(taken, self._prose(taken)), guessed
                break
            if token.kind not in ("word", "quoted"):
                break
            taken.append(token)
        return None

    def _name_quoted(self) -> tuple[str, bool] | None:
        """The one quoted value no other rule used."""
        values = [t for i, t in enumerate(self.tokens) if t.kind == "quoted" and t.text and self.prompt.free_token(i)]
        if len(values) == 1:
            self.prompt.use(values[0].start, values[0].end)
            return values[0].text, False
        if len(values) > 1:
            self.reading.name_problem = (
                f"the prompt does not say which quoted value is the project's name ({', '.join(repr(v.text) for v in values)})"
            )
        return None

    def _name_identifier(self) -> tuple[str, bool] | None:
        """A lone identifier no rule used (`billing-worker`): a guess, said as one."""
        for index, token in enumerate(self.tokens):
            if token.slug_like and self.prompt.free_token(index) and self._usable_name([token]) and not re.fullmatch(r"v?\d[\d.x]*", token.low):
                self.prompt.use(token.start, token.end)
                return token.text, True
        return None

    def _any_phrase(self) -> str | None:
        for index, token in enumerate(self.tokens):
            if token.kind == "word" and self.prompt.free_token(index) and self._usable_name([token]) and token.low not in FILLER:
                return token.text
        return None

    def _platform_words(self, template: Template) -> None:
        """"SPA on S3", "IIS on Windows servers": words that only say where the chosen kind runs."""
        text = f" {template.manifest.title} {template.manifest.description} ".lower()
        for index, token in enumerate(self.tokens):
            if token.kind == "word" and token.low in _PLACES and self.prompt.free_token(index):
                if re.search(rf"(?<![\w-]){re.escape(token.low.rstrip('s'))}s?(?![\w-])", text):
                    start = token.start
                    if index > 0 and self.tokens[index - 1].low in _LEADING and self.prompt.free_token(index - 1):
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

    def _entity(self, cue: re.Pattern[str], after: re.Pattern[str], quoted_only: bool) -> tuple[str, str] | None:
        """A value next to its word: `group "Storage"`, `"Storage" group`, `group payments`,
        `in the Payments group`. Returns (value, how) with how "quoted" or "words"."""
        prompt = self.prompt
        for match in cue.finditer(prompt.text):
            if not prompt.free(*match.span()):
                continue
            index = prompt.index_at(match.end())
            if index < len(self.tokens) and prompt.free_token(index):
                token = self.tokens[index]
                if token.kind == "quoted" and token.text:
                    prompt.use(self._widen_left(match.start()), token.end)
                    return token.text, "quoted"
                if not quoted_only and token.kind == "word" and match.group().strip():
                    found = self._read_value(index)
                    if found:
                        value, end = found
                        prompt.use(self._widen_left(match.start()), end)
                        return value, "words"
        for match in after.finditer(prompt.text):
            if not prompt.free(*match.span()):
                continue
            index = prompt.index_before(match.start())
            if index < 0 or not prompt.free_token(index):
                continue
            token = self.tokens[index]
            if token.kind == "quoted" and token.text:
                prompt.use(self._widen_left(token.start), match.end())
                return token.text, "quoted"
            if quoted_only or token.kind != "word":
                continue
            taken: list[Token] = []
            while index >= 0 and prompt.free_token(index) and self.tokens[index].kind == "word" and len(taken) < 4:
                word = self.tokens[index]
                if word.low in STOP | DETERMINERS | VERBS or word.low in FILLER and not word.capitalised:
                    break
                taken.insert(0, word)
                index -= 1
            if taken:
                prompt.use(self._widen_left(taken[0].start), match.end())
                return entity_case(" ".join(t.text for t in taken)), "words"
        return None

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

    def _widen_left(self, start: int) -> int:
        """`under the "Payments" group`: the words leading to a value were understood too."""
        index = self.prompt.index_before(start)
        while index >= 0 and self.prompt.free_token(index) and self.tokens[index].low in _LEADING:
            start = self.tokens[index].start
            index -= 1
        return start

    def _read_value(self, index: int) -> tuple[str, int] | None:
        """Unquoted words after a cue, up to the clause's end or a word that starts another ask."""
        taken: list[Token] = []
        while index < len(self.tokens) and len(taken) < 4 and self.prompt.free_token(index):
            token = self.tokens[index]
            if token.kind != "word" or token.low in STOP and not (taken and token.capitalised and taken[0].capitalised):
                break
            if token.low in self.kind_words and not token.capitalised:
                break
            if taken and taken[0].capitalised != token.capitalised and not token.text.isupper():
                break
            if not taken and token.low in DETERMINERS:
                index += 1
                continue
            taken.append(token)
            index += 1
        if not taken:
            return None
        return entity_case(" ".join(t.text for t in taken)), taken[-1].end

    def _entities(self, *, quoted_only: bool) -> None:
        project = self.data["project"]
        for key, cue, after in (("group", _GROUP_CUE, _GROUP_AFTER), ("space", _SPACE_CUE, _SPACE_AFTER)):
            if key not in project:
                found = self._entity(cue, after, quoted_only)
                if found:
                    project[key] = found[0]
        lifecycle = self.data.setdefault("lifecycle", {})
        if "name" not in lifecycle:
            found = self._lifecycle(quoted_only)
            if found:
                lifecycle["name"] = found
        if not lifecycle:
            del self.data["lifecycle"]
        settings = self.data.setdefault("settings", {})
        if "worker_pool" not in settings:
            found = self._entity(_POOL_CUE, _POOL_AFTER, quoted_only)
            if found:
                settings["worker_pool"] = slugify(found[0])
        if not settings:
            del self.data["settings"]
        self._team(quoted_only)

    def _lifecycle(self, quoted_only: bool) -> str | None:
        prompt = self.prompt
        # "lifecycle: dev -> qa -> prod" lists environments, it does not name a lifecycle
        for match in _LIFECYCLE_CUE.finditer(prompt.text):
            if prompt.free(*match.span()) and not quoted_only:
                found = read_list(prompt, prompt.index_at(match.end()), single=False, vocabulary=True)
                if found and len(found.values) >= 2:
                    return None
        found = self._entity(_LIFECYCLE_CUE, _LIFECYCLE_AFTER, quoted_only)
        return found[0] if found else None

    def _team(self, quoted_only: bool) -> None:
        prompt = self.prompt
        team = None
        for match in _TEAM_CUE.finditer(prompt.text):
            if not prompt.free(*match.span()):
                continue
            index = prompt.index_at(match.end())
            if index < len(self.tokens) and self.tokens[index].kind == "quoted":
                team, end = self.tokens[index].text, self.tokens[index].end
            elif quoted_only:
                continue
            else:
                found = self._team_words(index)
                if not found:
                    continue
                team, end = found
            tail = _rx(r"^\s+team\b").match(prompt.text[end:])
            prompt.use(match.start(), end + (tail.end() if tail else 0))
            break
        if team is None and not quoted_only:
            for match in _TEAM_BEFORE.finditer(prompt.text):
                if not prompt.free(*match.span()):
                    continue
                index = prompt.index_before(match.start())
                taken: list[Token] = []
                while index >= 0 and prompt.free_token(index) and len(taken) < 4:
                    token = self.tokens[index]
                    if token.kind == "quoted":
                        taken = [token]
                        index -= 1
                        break
                    if token.kind != "word" or token.low in DETERMINERS:
                        break
                    if token.low in STOP | FILLER and not (token.capitalised and index > 0 and self.tokens[index - 1].kind == "word"):
                        break
                    taken.insert(0, token)
                    index -= 1
                if taken:
                    team = " ".join(t.text for t in taken)
                    prompt.use(taken[0].start, match.end())
                    break
        if team is not None and slugify(team):
            self.data.setdefault("approval", {})["team"] = slugify(team)

    def _team_words(self, index: int) -> tuple[str, int] | None:
        """`the Change Advisory Board team`, `platform team`, `DBAs`: words up to "team"."""
        taken: list[Token] = []
        while index < len(self.tokens) and self.prompt.free_token(index) and len(taken) < 5:
            token = self.tokens[index]
            if token.kind != "word" or token.low == "team" or token.low in STOP and not token.capitalised:
                break
            if not taken and token.low in DETERMINERS:
                index += 1
                continue
            taken.append(token)
            index += 1
        if not taken:
            return None
        return " ".join(t.text for t in taken), taken[-1].end

    def _description(self) -> None:
        """`description "Prices for the shop"`, or `Description: prices for the shop` up to the clause's end."""
        for match in _DESCRIPTION.finditer(self.prompt.text):
            index = self.prompt.index_at(match.end())
            if not self.prompt.free(*match.span()) or index >= len(self.tokens):
                continue
            if self.tokens[index].kind == "quoted":
                self.prompt.use(match.start(), self.tokens[index].end)
                self.data["project"]["description"] = self.tokens[index].text
                return
            if ":" in match.group():
                end = index
                while end < len(self.tokens) and self.tokens[end].text not in CLAUSE_END and self.prompt.free_token(end):
                    end += 1
                if end > index:
                    self.prompt.use(match.start(), self.tokens[end - 1].end)
                    self.data["project"]["description"] = self.prompt.text[self.tokens[index].start : self.tokens[end - 1].end]
                    return

    # -- tenants and environments ----------------------------------------------------------------

    def _list_after(self, cue: re.Pattern[str], **options) -> ListRead | None:
        for match in cue.finditer(self.prompt.text):
            if not self.prompt.free(*match.span()):
                continue
            found = read_list(self.prompt, self.prompt.index_at(match.end()), **options)
            if found and not _clause_between(self.prompt, match.end(), found.start):
                self.prompt.use(match.start(), found.end)
                return found
        return None

    def _list_before(self, cue: re.Pattern[str], **options) -> ListRead | None:
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
        if prompt.first([_BOTH_TENANCY]):
            tenancy["mode"] = "tenanted-or-untenanted"
        elif prompt.first([_TENANTED]) or tenancy.get("tenants"):
            tenancy["mode"] = "tenanted"
            prompt.first([_TENANTED])
        elif prompt.first([_UNTENANTED]):
            tenancy["mode"] = "untenanted"
        if tenancy:
            self.data["tenancy"] = tenancy

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
        # "dev, qa and prod environments" may leave the word itself after the list
        tail = _rx(r"^\s*(?:envs?|environments?|stages)\b").match(prompt.text[found.end :])
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

    def _switched_off(self, rules: list[re.Pattern[str]]) -> bool | None:
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

    def _runbooks(self, template: Template | None) -> None:
        prompt = self.prompt
        if prompt.first([_NO_RUNBOOKS]):
            self.data["runbooks"] = []
            return
        names: list[str] = []
        for match in _RUNBOOK_PURPOSE.finditer(prompt.text):
            if prompt.free(*match.span()):
                end = self._purposes(match.end(), template, names)
                if end:
                    prompt.use(match.start(), end)
        if not names:
            found = self._list_after(_RUNBOOK_CUE, names=True)
            if found and (any(t.kind == "quoted" or t.capitalised for item in found.items for t in item)):
                names = found.values
            elif found:
                prompt.used.remove(next(s for s in prompt.used if s[1] == found.end))
        if not names:
            for match in _RUNBOOK_AFTER.finditer(prompt.text):
                # "a restart runbook", "add a cache flush runbook"
                if not prompt.free(*match.span()):
                    continue
                index = prompt.index_before(match.start())
                words: list[Token] = []
                while index >= 0 and prompt.free_token(index) and self.tokens[index].kind == "word" and len(words) < 3:
                    if self.tokens[index].low in STOP | DETERMINERS | FILLER:
                        break
                    words.insert(0, self.tokens[index])
                    index -= 1
                if words:
                    names.append(self._runbook_name([t.text for t in words], template))
                    prompt.use(words[0].start, match.end())
        if names:
            self.data["runbooks"] = [{"name": n} for n in dict.fromkeys(names)]

    def _purposes(self, position: int, template: Template | None, names: list[str]) -> int | None:
        """`to restart the service and to clear the cache` → runbook names; the end position."""
        index = self.prompt.index_at(position)
        end = None
        while index < len(self.tokens):
            words: list[Token] = []
            while index < len(self.tokens) and self.prompt.free(self.tokens[index].start, self.tokens[index].end, besides_kind=True):
                token = self.tokens[index]
                if token.kind != "word" or token.low in ("and", "plus", "then", "but", "with", "also"):
                    break
                if token.low in ("in", "on", "for") and words and len(words) >= 2:
                    break
                words.append(token)
                index += 1
            while words and words[-1].low in _TRAILING:
                words.pop()  # "to resync the app as well", "... too"
            if not words:
                break
            names.append(self._runbook_name([t.text for t in words], template))
            end = words[-1].end
            # "... and (a runbook) to clear the cache"
            rest = _rx(
                r"^\s*(?:,\s*)?(?:and|plus|also)\s+(?:(?:one|another|a\s+runbook|runbooks?)\s+)?"
                rf"(?:(?:to|that|for)\s+|(?=[a-z]+ing\b|(?:{_RUNBOOK_VERBS})\b))"
            ).match(self.prompt.text[end:])
            if not rest:
                break
            index = self.prompt.index_at(end + rest.end())
        return end

    def _runbook_name(self, words: list[str], template: Template | None) -> str:
        """The template's own runbook that does this, or the purpose as a name."""
        said = [_stem(w) for w in _phrasal(" ".join(words)).split() if w.lower() not in DETERMINERS]
        if template is not None and said:
            # The template's runbook whose verb is the purpose's, and whose object the purpose
            # names too, or names nothing else ("a restart runbook" on a Windows service).
            best, score = None, 0
            for runbook in template.manifest.runbooks:
                own = [_stem(w) for w in _phrasal(runbook.name).split()]
                if not own or own[0] != said[0]:
                    continue
                objects = set(said[1:])
                hits = sum(1 for w in objects if any(o == w or len(w) >= 4 and o.startswith(w) for o in own[1:]))
                if (hits or not objects) and (hits, -len(own)) > (score, -99):
                    best, score = runbook.name, hits
            if best:
                return best
        text = " ".join([_imperative(words[0]), *words[1:]])
        return text[0].upper() + text[1:]


# A value, not a name word: a version, a region, a number with a unit.
_VALUE_LIKE = re.compile(
    r"[a-z]*\d+(?:\.[\dx]+)+|(?:[a-z]{2})(?:-gov)?-[a-z]+-\d|[a-z]+(?:us|europe|asia)\d?|\d+(?:mb|gb|m|s|ms|min|mins|h)?"
)
_PLACES = frozenset(
    """aws azure gcp google amazon microsoft linux windows ubuntu s3 ec2 vm vms server servers machine machines
    cluster clusters container containers image images nginx kubernetes worker workers cloud""".split()
)
_LEADING = frozenset("in into under on onto to using with within inside the a an our my their its".split())
# Words between a name and the kind it is deployed as: "Claims Portal on app service",
# "Notification Hub as a helm release".
_CONNECTORS = frozenset("as a an on onto to into using with via in".split())
# Verbs that end a name unless a name word follows ("the release notes", "the run tracker").
_SOFT_STOPS = frozenset(
    "release releases run push ship target targets worker workers scan deployment deployments stage tenant team".split()
)
_BREAKS = frozenset("in into with without using on to for from at via through by that which and or then plus".split())
_TRAILING = frozenset("as well too also please pls please asap again".split())
_RUNBOOK_VERBS = (
    "restart|reboot|bounce|recycle|stop|start|delete|destroy|remove|clear|flush|purge|invalidate|backup|back\\s+up"
    "|restore|rollback|roll\\s+back|scale|swap|collect|prune|switch|rotate|reindex|vacuum|drain|refresh|sync|resync"
    "|uninstall|teardown|tear\\s+down|clean|cleanup|reset|warm|seed|export|import|snapshot"
)
_SYNONYMS = {"reboot": "restart", "bounce": "restart", "recycle": "restart", "teardown": "delete", "destroy": "delete",
             "remove": "delete", "purge": "invalidate", "flush": "invalidate", "clear": "invalidate", "bust": "invalidate",
             "revert": "rollback", "undo": "rollback"}


def _imperative(word: str) -> str:
    """`restarts` → `restart`, `flushes` → `flush`, `clearing` → `clear` (a purpose as a command)."""
    low = word.lower()
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("sses", "ches", "shes", "xes", "zes")):
        return low[:-2]
    if low.endswith("ing") and len(low) > 5:
        return low[:-3]
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def _phrasal(text: str) -> str:
    """Two-word verbs as one: "tear down" → "teardown", "backing up" → "backup"."""
    text = text.lower()
    for verb, joined in (("tear", "teardown"), ("back", "backup"), ("roll", "rollback"), ("clean", "cleanup"), ("spin", "spindown")):
        particle = {"tear": "down", "back": "up", "roll": "back", "clean": "up", "spin": "down"}[verb]
        text = re.sub(rf"\b{verb}(?:s|ing|ed)?\s+{particle}\b", joined, text)
    return text


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    for key, value in _SYNONYMS.items():
        if word == _stem_plain(key):
            return _stem_plain(value)
    return word


def _stem_plain(word: str) -> str:
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def _clause_between(prompt: Prompt, start: int, end: int) -> bool:
    return any(t.kind == "punct" and t.text in CLAUSE_END for t in prompt.tokens if start <= t.start < end)
