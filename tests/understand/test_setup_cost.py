"""The rules parser's set-up in a fresh process: patterns are compiled only as a prompt needs them,
and find exactly what the patterns compiled whole find.

- A catalog's keywords and cues are matched with an expression of only the phrases that may occur
  in the text; its matches must be those of the expression of every phrase (as it was built before).
- A rule's pattern with `needs` is not run on a text without one of those words; every match of the
  pattern must hold one of them, which is checked on the parsed pattern itself.
- Both rest on `folded`: wherever a case-insensitive pattern matches an ASCII character, the folded
  text has it, in lower case; checked for every character there is.
"""

from __future__ import annotations

import re
import sys

import pytest

from octoscaffold.catalog import load_catalog
from octoscaffold.understand import entities, kinds, names, rules, runbooks
from octoscaffold.understand.patterns import LazyPattern, folded, may_occur

from .cases import PROMPTS, load_cases

try:  # Python 3.11 and later
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

CATALOG = load_catalog()
SEPARATORS = " \t/_-"
# Characters a phrase's words or a needed word may hold (all printable ASCII but the separators).
ASCII = [chr(c) for c in range(33, 127) if chr(c) not in SEPARATORS]


def _prompts() -> list[str]:
    return [case["prompt"] for path in sorted(PROMPTS.glob("*.yaml")) for case in load_cases(path)]


def _spellings(text: str) -> list[str]:
    """`text` as written, and as case-insensitive patterns also take it or nearly so."""
    return [
        text, text.upper(), text.title(), text.replace("s", "ſ"), text.replace("i", "ı"), text.upper().replace("I", "İ"),
        text.replace("k", "K"), text.replace(" ", ""), text.replace(" ", "-"), text.replace(" ", "/"),
        text.replace(" ", "_"), text.replace(" ", " \t "), f"x{text}", f"{text}s", f"{text}es", f"{text}-y", f"({text}).",
    ]


PROMPT_TEXTS = _prompts()
TEXTS = [spelt for text in PROMPT_TEXTS for spelt in _spellings(text)]


def test_folding_keeps_each_character_a_case_insensitive_pattern_takes_for_an_ascii_one():
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    fold = folded.__wrapped__(everything)  # not kept in the cache
    assert len(fold) == len(everything)
    for char in ASCII:
        taken = [m.start() for m in re.finditer(re.escape(char), everything, re.IGNORECASE)]
        assert taken and all(fold[i] == char.lower() for i in taken), char


# -- the catalog's phrases ---------------------------------------------------------------------------


def _whole_kind_pattern() -> re.Pattern[str]:
    """The expression of every kind keyword, built as before."""
    phrases = {
        phrase.lower()
        for t in CATALOG.templates.values()
        for phrase in (t.id.replace("-", " "), *t.manifest.keywords, *t.manifest.similar_keywords)
    }
    ordered = sorted(phrases, key=lambda p: (-len(p), p))
    alternatives = [r"[\s/_-]*".join(re.escape(w) for w in re.split(r"[\s/_-]+", p) if w) for p in ordered]
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?:e?s)?(?![\w-])", re.IGNORECASE)


def _whole_cue_pattern() -> re.Pattern[str]:
    """The expression of every parameter cue, built as before."""
    cues = {
        cue.lower()
        for t in CATALOG.templates.values()
        for definition in t.manifest.parameters.values()
        for cue in (definition.prompt.cues if definition.prompt else [])
    }
    alternatives = [
        r"[\s/_-]+".join(re.escape(w) for w in re.split(r"[\s/_-]+", c) if w) for c in sorted(cues, key=lambda c: (-len(c), c))
    ]
    return re.compile(r"(?:" + "|".join(alternatives or ["(?!)"]) + r")(?![\w-])", re.IGNORECASE)


def _spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in matches]


def _index() -> kinds._Index:
    return kinds.per_catalog(CATALOG, "index", lambda c: kinds._index(kinds._catalog_key(c)))


def _catalog_phrases() -> list[str]:
    """Every keyword, similar keyword, id and parameter cue of the catalog."""
    phrases = set()
    for t in CATALOG.templates.values():
        phrases |= {*t.manifest.keywords, *t.manifest.similar_keywords, t.id}
        phrases |= {c for d in t.manifest.parameters.values() for c in (d.prompt.cues if d.prompt else [])}
    return sorted(phrases)


PHRASE_TEXTS = [f"a {spelt} now" for phrase in _catalog_phrases() for spelt in _spellings(phrase)]


@pytest.mark.parametrize("texts", [TEXTS, PHRASE_TEXTS], ids=["prompts", "phrases"])
def test_kind_keywords_match_as_the_whole_expression_does(texts):
    whole, phrases = _whole_kind_pattern(), _index().phrases
    for text in texts:
        assert _spans(phrases.finditer(text)) == _spans(whole.finditer(text)), text
        assert kinds.names_a_kind(CATALOG, text) == bool(whole.search(text)), text


@pytest.mark.parametrize("texts", [PROMPT_TEXTS, PHRASE_TEXTS], ids=["prompts", "phrases"])
def test_parameter_cues_match_as_the_whole_expression_does(texts):
    whole = _whole_cue_pattern()
    for text in texts:
        pattern = kinds.cue_pattern(CATALOG, text)
        for position in range(len(text) + 1):
            ours = pattern.match(text, position) if pattern else None
            theirs = whole.match(text, position)
            assert (ours and ours.span()) == (theirs and theirs.span()), (text, position)


def test_a_prompt_compiles_only_the_phrases_it_may_hold():
    text = 'Create an AWS Lambda project called "OctoPub SAM"'
    pattern = _index().phrases.pattern(text)
    assert pattern is not None and pattern.pattern.count("|") < 10
    assert kinds.cue_pattern(CATALOG, "a lambda for the orders api") is None


@pytest.mark.parametrize(
    ("phrase", "text", "may"),
    [
        ("helm chart", "a HELMCHART", True),
        ("helm chart", "helm/chart", True),
        ("helm chart", "a chart of helm", False),
        ("aws lambda", "AWS Lambdas", True),
        ("kubernetes", "KUBERNETEſ", True),  # the long s is an s to the engine
        ("iis", "İIS", True),
        ("café", "anything", True),  # beyond ASCII: never left out
        ("-", "anything", True),  # no words: matches anywhere
    ],
)
def test_may_occur(phrase, text, may):
    assert may_occur(phrase, text) is may


# -- the rules' patterns -----------------------------------------------------------------------------


def _guarded() -> list[tuple[str, LazyPattern]]:
    found = []
    for module in (rules, entities, runbooks, names, kinds):
        for name, value in vars(module).items():
            for number, pattern in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(pattern, LazyPattern) and pattern.needs:
                    found.append((f"{module.__name__.rsplit('.', 1)[-1]}.{name}[{number}]", pattern))
    return found


GUARDED = _guarded()


def _always_holds(items, needs: list[str], run: str = "") -> bool:
    """Whether every match of the parsed pattern `items` holds one of `needs`: a run of literal
    characters holds one (runs go on into a group or each branch), or a repeated part that every
    match goes through at least once always does."""
    items = list(items)
    for index, (op, av) in enumerate(items):
        if op is sre_constants.LITERAL:
            run += chr(av).lower()
            if any(word in run for word in needs):
                return True
            continue
        rest = items[index + 1 :]
        if op is sre_constants.SUBPATTERN and _always_holds([*av[-1], *rest], needs, run):
            return True
        if op is sre_constants.BRANCH and all(_always_holds([*branch, *rest], needs, run) for branch in av[1]):
            return True
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1 and _always_holds(av[2], needs):
            return True
        run = ""
    return False


def test_there_are_guarded_rules():
    assert len(GUARDED) >= 30


@pytest.mark.parametrize(
    ("source", "needs"),
    [(rules._APPROVAL, "approv sign intervention"), (rules._SCAN, "scan sec vuln"), (r"\b(?:group|grp)\b", "group")],
)
def test_a_word_missing_from_needs_is_noticed(source, needs):
    assert not _always_holds(sre_parse.parse(source, re.IGNORECASE), needs.split())


@pytest.mark.parametrize(("name", "pattern"), GUARDED, ids=[name for name, _ in GUARDED])
def test_every_match_of_a_guarded_rule_holds_a_needed_word(name, pattern):
    assert all(word.isascii() and word == word.lower() for word in pattern.needs)
    assert _always_holds(sre_parse.parse(pattern.source, pattern.flags), pattern.needs)
    for text in PROMPT_TEXTS:
        for spelt in (text, text.upper(), text.replace("s", "ſ"), text.replace("i", "ı"), text.upper().replace("I", "İ")):
            assert _spans(pattern.finditer(spelt)) == _spans(pattern.compiled.finditer(spelt)), spelt


def test_a_guarded_rule_is_not_compiled_for_a_text_without_its_words():
    pattern = LazyPattern(r"\btenants?\b", needs="tenant")
    assert pattern.search("a lambda for orders") is None
    assert list(pattern.finditer("a lambda for orders")) == []
    assert "compiled" not in vars(pattern)
    assert pattern.search("two TENANTS").group() == "TENANTS"
    assert "compiled" in vars(pattern)
