"""Which catalog kind a prompt asks for, from the words each manifest lists.

A kind is chosen by its keywords (`keywords`, and `similar_keywords` for a close fit that is said
in a warning), spelt loosely: separators may be spaces, hyphens, slashes or nothing ("helm chart",
"helmchart"), and a word a letter or two away from a keyword ("kuberntes") counts, with a warning.
When several kinds are named, the one that builds on the others wins: a kind whose description
names another's keyword ("A Helm chart ... on Kubernetes clusters") beats it; then the manifest's
`priority` (tools such as Terraform over the platforms they provision); then a word after
"with/using/via" (the tool) over one after "on/to" (the platform); then the longer keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from octoscaffold.catalog import Catalog
from octoscaffold.understand.patterns import required, rx, squeezed
from octoscaffold.understand.text import Prompt
from octoscaffold.understand.words import FILLER

# English words a letter away from a keyword: never read as a misspelt kind.
_NOT_TYPOS = frozenset(
    """customize customise customized customised customizing customer customers dockers docket
    scripts lambdas helmet helper terraforming serverside flywheel flyers canary's migrate
    migrating migration migrations database databases template templates function functions
    services service static statics websites website""".split()
)
_TOOL_BEFORE = frozenset("with using via through by use uses".split())
_PLATFORM_BEFORE = frozenset("on onto to into inside atop in".split())


@dataclass(frozen=True)
class Keyword:
    template_id: str
    phrase: str  # as the manifest writes it
    similar: bool  # from `similar_keywords`: a close fit, not the thing itself


@dataclass(frozen=True)
class Match:
    keyword: Keyword
    start: int
    end: int
    typed: str  # the text as written
    fuzzy: bool = False
    role: int = 0  # +1 after with/using (a tool), -1 after on/to (a platform)


@dataclass
class KindReading:
    template_id: str | None
    matches: list[Match] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    typed: str | None = None  # the misspelt word the kind was guessed from


def _key(text: str) -> str:
    return re.sub(r"[\s/_-]+", "", text.lower())


@dataclass(frozen=True)
class Phrases:
    """Phrases found with one case-insensitive regular expression, `before (?:a|b|...) after`: the
    phrases longest first, each phrase's words joined by `joint` (a pattern of separators).

    Compiling the phrases of a whole catalog costs more than reading a prompt, and a command reads
    one prompt; so each text gets an expression of only the phrases that may occur in it (see
    `patterns.required`). A phrase that matches nowhere in a text changes none of the matches
    there, so they are those of the expression of every phrase."""

    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # (what a text must hold, `required`; the words)
    joint: str
    before: str
    after: str

    @classmethod
    def of(cls, phrases: set[str], joint: str, before: str, after: str) -> Phrases:
        ordered = sorted(phrases, key=lambda p: (-len(p), p))
        return cls(tuple((required(p), tuple(w for w in re.split(r"[\s/_-]+", p) if w)) for p in ordered), joint, before, after)

    def pattern(self, text: str) -> re.Pattern[str] | None:
        """The expression for `text`, or None when no phrase can occur in it."""
        letters = squeezed(text)
        chosen = [self.joint.join(map(re.escape, words)) for needed, words in self.phrases if needed in letters]
        if not chosen:
            return None
        return re.compile(f"{self.before}(?:{'|'.join(chosen)}){self.after}", re.IGNORECASE)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        pattern = self.pattern(text)
        return pattern.finditer(text) if pattern else iter(())


@dataclass(frozen=True)
class _Index:
    phrases: Phrases
    by_key: dict[str, tuple[Keyword, ...]]
    named_by: dict[str, frozenset[str]]  # keyword (by key) → kinds whose descriptions name it
    priority: dict[str, int]
    vocabulary: dict[str, tuple[Keyword, ...]]  # single words (and joined phrases) for typos
    descriptions: dict[str, frozenset[str]]


def _catalog_key(catalog: Catalog) -> tuple:
    return tuple(
        (
            t.id,
            tuple(t.manifest.keywords),
            tuple(t.manifest.similar_keywords),
            t.manifest.description,
            t.manifest.title,
            t.manifest.priority,
        )
        for t in catalog.templates.values()
    )


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


@lru_cache(maxsize=8)
def _index(kinds: tuple) -> _Index:
    keywords: list[Keyword] = []
    for template_id, words, similar, _, _, _ in kinds:
        keywords.append(Keyword(template_id, template_id.replace("-", " "), False))
        keywords += [Keyword(template_id, w, False) for w in words]
        keywords += [Keyword(template_id, w, True) for w in similar]
    by_key: dict[str, list[Keyword]] = {}
    for keyword in keywords:
        by_key.setdefault(_key(keyword.phrase), []).append(keyword)
    # Words joined by any separators or none ("helmchart"); a plural is the same kind ("lambdas").
    phrases = Phrases.of({k.phrase.lower() for k in keywords}, r"[\s/_-]*", r"(?<![\w-])", r"(?:e?s)?(?![\w-])")
    descriptions = {template_id: _words(f"{title} {description}") for template_id, _, _, description, title, _ in kinds}
    using: dict[str, list[str]] = {}  # a word → the kinds whose descriptions use it
    for template_id, text in descriptions.items():
        for word in set(text.split()):
            using.setdefault(word, []).append(template_id)
    named_by: dict[str, set[str]] = {}
    for keyword in keywords:
        if keyword.similar:
            continue
        phrase = _words(keyword.phrase)
        first = phrase.split()[:1]
        for other in using.get(first[0], ()) if first else descriptions:  # only those using its first word
            if other != keyword.template_id and phrase in descriptions[other]:
                named_by.setdefault(_key(keyword.phrase), set()).add(other)
    vocabulary: dict[str, list[Keyword]] = {}
    for keyword in keywords:
        parts = re.split(r"[\s/_-]+", keyword.phrase.lower())
        for word in sorted({*parts, "".join(parts)}):
            if len(word) >= 5 and word.isalpha():
                vocabulary.setdefault(word, []).append(keyword)
    return _Index(
        phrases,
        {k: tuple(v) for k, v in by_key.items()},
        {k: frozenset(v) for k, v in named_by.items()},
        {template_id: priority for template_id, *_, priority in kinds},
        {k: tuple(v) for k, v in vocabulary.items()},
        {k: frozenset(v.split()) for k, v in descriptions.items()},
    )


def names_a_kind(catalog: Catalog, text: str) -> bool:
    """Whether any kind's keyword is written anywhere in `text` (used or not)."""
    pattern = per_catalog(catalog, "index", lambda c: _index(_catalog_key(c))).phrases.pattern(text)
    return bool(pattern and pattern.search(text))


def ends_with_kind(catalog: Catalog, text: str) -> bool:
    """Whether `text` ends with a kind's keyword ("iis website", "k8s project")."""
    index = per_catalog(catalog, "index", lambda c: _index(_catalog_key(c)))
    text = re.sub(r"\s+(?:project|proj|app)?\s*$", "", text)
    return any(m.end() == len(text) for m in index.phrases.finditer(text))


_PER_CATALOG: dict[int, tuple[Catalog, dict[str, Any]]] = {}


def per_catalog(catalog: Catalog, name: str, build: Callable[[Catalog], Any]) -> Any:
    """`build(catalog)`, computed once per catalog object (a catalog is loaded once per run and
    never changes; it is kept here, so its id cannot be reused by another object)."""
    entry = _PER_CATALOG.get(id(catalog))
    if entry is None or entry[0] is not catalog:
        if len(_PER_CATALOG) > 8:
            _PER_CATALOG.clear()
        entry = _PER_CATALOG[id(catalog)] = (catalog, {})
    values = entry[1]
    if name not in values:
        values[name] = build(catalog)
    return values[name]


def catalog_words(catalog: Catalog) -> frozenset[str]:
    """Every word the catalog's own texts use: real words, never taken for misspellings."""

    def build(catalog: Catalog) -> frozenset[str]:
        texts = []
        for template in catalog.templates.values():
            manifest = template.manifest
            texts += [manifest.title, manifest.description, *manifest.keywords]
            texts += [r.name + " " + r.description for r in manifest.runbooks]
            for definition in manifest.parameters.values():
                texts += [definition.description, *(definition.choices or [])]
        return frozenset(w for text in texts for w in re.findall(r"[a-z]+", text.lower()))

    return per_catalog(catalog, "catalog_words", build)


def _phrases(catalog: Catalog) -> list[list[str]]:
    """Every keyword, similar keyword and id of the catalog, as lists of lower-case words."""
    return [
        re.split(r"[\s/_-]+", phrase.lower())
        for t in catalog.templates.values()
        for phrase in (*t.manifest.keywords, *t.manifest.similar_keywords, t.id)
    ]


def keyword_words(catalog: Catalog) -> frozenset[str]:
    """Every one-word keyword of the catalog ("k8s", "lambda", "helm"): such a word ends a name."""
    return per_catalog(catalog, "keyword_words", lambda c: frozenset(p[0] for p in _phrases(c) if len(p) == 1))


def keyword_phrase_words(catalog: Catalog) -> frozenset[str]:
    """Words of six letters or more inside the catalog's keyword phrases ("function" of "function
    app"). A one-word keyword is left to `find_kind`, which says the kind was guessed from a typo."""

    def build(catalog: Catalog) -> frozenset[str]:
        words = {w for p in _phrases(catalog) if len(p) > 1 for w in p if len(w) >= 6 and w.isalpha()}
        return frozenset(words - keyword_words(catalog))

    return per_catalog(catalog, "keyword_phrase_words", build)


def cue_pattern(catalog: Catalog, text: str) -> re.Pattern[str] | None:
    """The parameter cues of the catalog ("health endpoint", "port") that can occur in `text`,
    longest first, as one pattern; None when there are none."""

    def build(catalog: Catalog) -> Phrases:
        cues = {
            cue.lower()
            for template in catalog.templates.values()
            for definition in template.manifest.parameters.values()
            for cue in (definition.prompt.cues if definition.prompt else [])
        }
        return Phrases.of(cues, r"[\s/_-]+", "", r"(?![\w-])")

    return per_catalog(catalog, "cues", build).pattern(text)


def distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance between a and b, or limit + 1 once it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_limit(word: str) -> int:
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def _role(prompt: Prompt, start: int) -> int:
    index = prompt.index_before(start)
    for back in range(index, max(index - 3, -1), -1):
        word = prompt.tokens[back].low
        if word in _TOOL_BEFORE:
            return 1
        if word in _PLATFORM_BEFORE:
            return -1
        if prompt.tokens[back].kind == "punct":
            break
    return 0


def find_kind(prompt: Prompt, catalog: Catalog) -> KindReading:
    """The kind the prompt asks for; marks the kind words (and the platform words) as used."""
    index = per_catalog(catalog, "index", lambda c: _index(_catalog_key(c)))
    masked = prompt.masked()
    matches: list[Match] = []
    for m in index.phrases.finditer(masked):
        key = _key(m.group())
        keywords = index.by_key.get(key) or index.by_key.get(key[:-1]) or index.by_key.get(key[:-2], ())
        for keyword in keywords:
            matches.append(Match(keyword, m.start(), m.end(), m.group(), role=_role(prompt, m.start())))
    if not matches:
        matches = _typos(prompt, masked, index)
    if not matches:
        return KindReading(None, suggestions=_suggestions(prompt, masked, index))
    return _choose(prompt, matches, index)


def _typos(prompt: Prompt, masked: str, index: _Index) -> list[Match]:
    found = []
    for token in prompt.tokens:
        word = token.low
        if token.kind != "word" or masked[token.start : token.end] != token.text or not word.isalpha():
            continue
        limit = typo_limit(word)
        if not limit or word in _NOT_TYPOS or word in FILLER or word in index.vocabulary:
            continue
        best = None
        for candidate, keywords in index.vocabulary.items():
            if candidate[0] != word[0] and candidate[:2] != word[:2][::-1]:
                continue
            d = distance(word, candidate, min(limit, typo_limit(candidate)))
            if d <= min(limit, typo_limit(candidate)) and (best is None or d < best[0]):
                best = (d, candidate, keywords)
        if best:
            for keyword in best[2]:
                # Only a keyword that is this one word: "kuberntes" is kubernetes, but "lamda" alone
                # is not "aws lambda" unless the keyword itself is one word.
                if _key(keyword.phrase) == best[1]:
                    found.append(Match(keyword, token.start, token.end, token.text, fuzzy=True, role=_role(prompt, token.start)))
    return found


def _choose(prompt: Prompt, matches: list[Match], index: _Index) -> KindReading:
    kinds = sorted({m.keyword.template_id for m in matches})

    def builds_on(kind: str, other: str) -> bool:
        """`kind`'s description names a keyword of `other` that the prompt used ("Helm ... on Kubernetes")."""
        return any(
            kind in index.named_by.get(_key(m.keyword.phrase), ())
            for m in matches
            if m.keyword.template_id == other and not m.keyword.similar
        )

    platforms = {k for k in kinds for other in kinds if other != k and builds_on(other, k) and not builds_on(k, other)}
    # "a CloudFormation stack that creates the ECS cluster": what another kind creates is its object.
    first = {k: min(m.start for m in matches if m.keyword.template_id == k) for k in kinds}
    objects = {
        k for k in kinds
        if any(first[other] < verb < first[k] for other in kinds if other != k for verb in _object_verbs(prompt, first[k]))
    }
    def score(kind: str) -> tuple:
        own = [m for m in matches if m.keyword.template_id == kind]
        exact = [m for m in own if not m.fuzzy and not m.keyword.similar]
        return (
            kind not in objects,
            kind not in platforms,
            index.priority.get(kind, 0),
            max(m.role for m in own),
            bool(exact),
            not all(m.fuzzy for m in own),
            max(len(m.keyword.phrase) for m in (exact or own)),
            len(own),
            kind,
        )

    ranked = sorted(kinds, key=score, reverse=True)
    chosen = ranked[0]
    reading = KindReading(chosen, matches)
    own = [m for m in matches if m.keyword.template_id == chosen]
    described = index.descriptions[chosen]
    for m in matches:
        if prompt.free(m.start, m.end):
            end = m.end
            after = prompt.index_at(m.end)
            # "serverless function", "helm chart release": the noun after the kind's words, when the
            # kind's description uses it, is part of the kind
            noun = prompt.tokens[after].low if after < len(prompt.tokens) and prompt.free_token(after) else ""
            if noun in _KIND_NOUNS and (noun in described or noun.rstrip("s") in described or noun in ("fn", "func")):
                end = prompt.tokens[after].end
            prompt.use(_with_preposition(prompt, m.start), end)
    fuzzy = sorted({m.typed for m in own if m.fuzzy})
    if fuzzy:
        reading.typed = fuzzy[0]
        reading.warnings.append(f"guessed the kind {chosen} from {', '.join(map(repr, fuzzy))} (a misspelling?)")
    elif all(m.keyword.similar for m in own):
        words = sorted({m.typed for m in own})
        reading.warnings.append(
            f"no kind in the catalog is {' or '.join(map(repr, words))}; {chosen} is the closest "
            f"(see `octoscaffold catalog show {chosen}`)"
        )
    rivals = [k for k in ranked[1:] if score(k)[:4] == score(chosen)[:4]]
    if rivals:
        reading.warnings.append(
            f"the prompt names more than one kind ({', '.join([chosen, *rivals])}); chose {chosen}"
        )
    return reading


_KIND_NOUNS = frozenset(
    """function functions fn func app apps application applications service services site sites website websites stack
    stacks chart charts release releases deployment deployments template templates cluster clusters container
    containers image images infrastructure config configuration migration migrations rollout rollouts""".split()
)


_OBJECT_VERBS = rx(
    r"\b(?:creates?|creating|provisions?|provisioning|builds?|sets?\s+up|spins?\s+up|stands?\s+up|manages?|"
    r"runs?|running|hosts?|contains?|wraps?|packages?)\b"
)


def _object_verbs(prompt: Prompt, position: int) -> list[int]:
    """Positions of verbs such as "creates" or "runs" in the clause before `position`."""
    clause_start = max((prompt.text.rfind(c, 0, position) for c in ".;!?"), default=-1) + 1
    return [clause_start + m.start() for m in _OBJECT_VERBS.finditer(prompt.text[clause_start:position])]


def _with_preposition(prompt: Prompt, start: int) -> int:
    """"using Helm", "on Kubernetes": the word that ties a kind to the sentence is understood too."""
    index = prompt.index_before(start)
    if index >= 0 and prompt.tokens[index].low in _TOOL_BEFORE | _PLATFORM_BEFORE and prompt.free_token(index):
        return prompt.tokens[index].start
    return start


def _suggestions(prompt: Prompt, masked: str, index: _Index) -> list[str]:
    """Kinds whose keywords are near the prompt's words, whose keyword phrases it half says ("web
    app" of "azure web app"), or whose descriptions share its words."""
    words = [w for w in re.findall(r"[a-z0-9]+", masked.lower()) if w not in FILLER and len(w) > 2]
    every = set(re.findall(r"[a-z0-9]+", masked.lower()))
    scores: dict[str, float] = {}
    for keywords in index.by_key.values():
        for keyword in keywords:
            parts = [p for p in re.findall(r"[a-z0-9]+", keyword.phrase.lower()) if p not in FILLER]
            if len(parts) > 1:
                share = sum(p in every for p in parts) / len(parts)
                if share >= 0.5:
                    scores[keyword.template_id] = max(scores.get(keyword.template_id, 0), 4 * share)
    for word in words:
        near: set[str] = set()
        for candidate, keywords in index.vocabulary.items():
            if len(word) >= 4 and word not in index.vocabulary and 0 < distance(word, candidate, 2) <= min(2, typo_limit(candidate) + 1):
                near.update(k.template_id for k in keywords)
        for kind in near:  # "kubernets", "lamdba": a misspelt keyword
            scores[kind] = scores.get(kind, 0) + 3
        sharing = [k for k, text in index.descriptions.items() if word in text]
        if sharing and len(sharing) <= 8:
            for kind in sharing:
                scores[kind] = scores.get(kind, 0) + 1 / len(sharing)
    # Only kinds with some evidence: a misspelt keyword, half a keyword phrase, or two words only
    # their descriptions use; "a COBOL batch job" suggests nothing.
    return [k for k, v in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])) if v >= 2][:3]


# "Windows", "IIS", "Windows Server": the prompt names a Windows platform (not "maintenance windows").
_WINDOWS = rx(
    r"(?<!maintenance )(?<!deployment )(?<!rolling )(?<!release )(?<!change )(?<!time )(?<!freeze )"
    r"\b(?:windows|iis|asp\.net(?!\s*core)|\.net\s+framework)\b",
    needs="windows iis .net",
)


def platform_conflict(text: str, catalog: Catalog, template_id: str) -> str | None:
    """Why the kind cannot be what the prompt asks for, or None: a kind whose description names
    Linux and not Windows never deploys to the Windows servers a prompt names (a Linux kind is not
    chosen silently for "blue/green on IIS"). The message names the kinds that fit Windows."""
    template = catalog.templates.get(template_id)
    if template is None:
        return None
    described = template.manifest.description.lower()
    if "linux" not in described or "windows" in described:
        return None
    named = _WINDOWS.search(text)
    if named is None:
        return None
    fitting = sorted(t.id for t in catalog.templates.values() if "windows" in t.manifest.description.lower())
    return (
        f"the prompt names {named.group()!r}, but {template_id} deploys to Linux servers only; "
        f"for Windows use {', '.join(fitting) or 'a kind of your own'} (rolling deployments with parameters.window_size), "
        "or say Linux"
    )
