"""Template parameters in plain words: "20 min bake time", "port 3000", "via pull requests".

Each parameter's manifest entry may say how a prompt names it (`prompt:` with cues, a unit, a
pattern, aliases; see docs/template-authoring.md), so a template author's own parameters are
understood without touching the parser. Reading by type:

- integer: a number next to a cue ("port 3000", "3 replicas", "1 GB of memory"), converted from
  the prompt's unit to the parameter's;
- boolean: a cue, negated or not ("with change sets", "no staging slot", "cloudfront: off");
- a choice: its aliases or the choice itself, anywhere ("through PRs" → PullRequest);
- a string: the pattern anywhere ("nodejs20.x", "ap-south-1"), or the value after a cue
  ("health endpoint /status");
- a list: the items after a cue ("deploys orders-db, orders-api then orders-web").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from octoscaffold.catalog import NAMED_PATTERNS, ParameterDef, PromptHint, Template
from octoscaffold.understand.patterns import may_occur
from octoscaffold.understand.text import Prompt, Token
from octoscaffold.understand.words import NEGATED_AFTER, NEGATORS

_NUMBER = r"(?P<num>\d+(?:[.,]\d+)?)"
_UNITS = {
    "minutes": {"s": 1 / 60, "sec": 1 / 60, "secs": 1 / 60, "second": 1 / 60, "seconds": 1 / 60,
                "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "h": 60, "hr": 60, "hrs": 60,
                "hour": 60, "hours": 60},
    "seconds": {"ms": 1 / 1000, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "m": 60, "min": 60,
                "mins": 60, "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600},
    "MB": {"mb": 1, "mib": 1, "meg": 1, "megs": 1, "megabytes": 1, "m": 1, "gb": 1024, "gib": 1024, "g": 1024,
           "gigs": 1024, "gig": 1024, "gigabytes": 1024},
    "cpu-units": {"units": 1, "unit": 1, "cpu": 1024, "cpus": 1024, "vcpu": 1024, "vcpus": 1024, "core": 1024,
                  "cores": 1024},
}
_VIA = frozenset("through via using with by in as on".split())
_BEFORE_NUMBER = (
    r"(?:\s*(?::|=|~|\b(?:is|of|to|at|on|for|around|about|approximately|roughly|set|be|must|should|will|would|needs?|"
    r"of|the|a|an)\b)){0,4}\s*"
)


@dataclass
class ParameterReading:
    values: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _phrase(text: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s/_-]+", text.strip()) if w]
    return r"(?<![\w-])" + r"[\s/_-]*".join(words) + r"(?![\w-])"


@lru_cache(maxsize=512)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _phrase_matches(phrase: str, text: str) -> Iterator[re.Match[str]]:
    """The matches of `_phrase(phrase)` in `text`; none, without compiling it, when the phrase
    cannot be there (a template has many cues, and a prompt names few)."""
    return _rx(_phrase(phrase)).finditer(text) if may_occur(phrase, text) else iter(())


def _number(text: str, unit: str | None, to_unit: str | None) -> int | None:
    value = float(text.replace(",", "."))
    if to_unit and unit:
        factor = _UNITS[to_unit].get(unit.lower())
        if factor is None:
            return None
        value *= factor
    elif to_unit == "cpu-units" and value < 16:
        value *= 1024  # "0.5 vCPU" written without the unit
    if value != int(value) and abs(value - round(value)) > 1e-6:
        return None
    if not 0 <= value <= _LARGEST:
        return None  # "999999999999 GB": not a setting anyone means; left for a warning
    return int(round(value))


def read_parameters(prompt: Prompt, template: Template, already: dict) -> ParameterReading:
    """Parameters the prompt names for `template` (the ones in `already` are kept)."""
    reading = ParameterReading(dict(already))
    definitions = template.manifest.parameters
    hinted = [(name, d, d.prompt or PromptHint()) for name, d in definitions.items()]
    # Choices and aliases first: they are the most specific words ("sql server", "pull requests").
    for name, definition, hint in hinted:
        if name not in reading.values and (definition.choices or hint.aliases):
            value = _choice(prompt, definition, hint)
            if value is not None:
                reading.values[name] = value
    # Then every cue, longest first, so "host port" is not read as "port".
    cues = sorted(
        ((cue, name, definition, hint) for name, definition, hint in hinted for cue in hint.cues),
        key=lambda c: (-len(c[0]), c[1]),
    )
    for cue, name, definition, hint in cues:
        if name in reading.values:
            continue
        value = _by_cue(prompt, cue, definition, hint)
        if value is None and definition.type == "integer" and " " in cue.strip():
            # The cue's words anywhere in one clause: "In production it needs 5 replicas".
            others = [c for c, n, _, _ in cues if n != name]
            value = _scattered(prompt, cue, hint, others)
        if value is not None:
            reading.values[name] = value
    # A size with its unit says which parameter it is when only one takes sizes: "512 MB".
    sized = [(n, d, h) for n, d, h in hinted if h.unit == "MB"]
    if len(sized) == 1 and sized[0][0] not in reading.values:
        name, definition, hint = sized[0]
        units = "|".join(sorted(_UNITS["MB"], key=len, reverse=True))
        for match in _rx(rf"(?<![\w.]){_NUMBER}\s*(?P<unit>{units})\b").finditer(prompt.text):
            if prompt.free(*match.span()) and match.group("unit").lower() not in ("m", "g"):
                value = _number(match.group("num"), match.group("unit"), "MB")
                if value is not None:
                    prompt.use(*match.span())
                    reading.values[name] = value
                    break
    # Patterns anywhere ("nodejs20.x", "eu-west-1").
    for name, definition, hint in hinted:
        if name not in reading.values and hint.pattern and hint.alone and definition.type == "string":
            match = prompt.first([_rx(rf"(?<![\w.-])(?:{hint.regex()})(?![\w-])")])
            if match:
                reading.values[name] = _matched(match)
                _use_words_around(prompt, match.start(), match.end())
    reading.warnings += _stray_regions(prompt, template)
    return reading


def _choice(prompt: Prompt, definition: ParameterDef, hint: PromptHint) -> object:
    options: list[tuple[str, str]] = []  # (phrase, choice)
    for choice, words in hint.aliases.items():
        options += [(w, choice) for w in words]
    for choice in definition.choices or []:
        # A choice with aliases is named by them only: "worker" alone is no ask to run on one.
        if len(choice) > 1 and choice not in hint.aliases:
            options.append((choice, choice))
    for phrase, choice in sorted(options, key=lambda o: -len(o[0])):
        if phrase.startswith("@"):
            match = _rx(rf"(?<![\w-])(?:{NAMED_PATTERNS[phrase[1:]]})(?![\w-])").search(prompt.text)
            if match:
                return _typed(choice, definition)
            continue
        for match in _phrase_matches(phrase, prompt.text):
            if prompt.free(*match.span(), besides_kind=True):
                if _negated(prompt, match.start(), match.end()):
                    prompt.use(*_with_negation(prompt, match.start(), match.end()))
                    if definition.type == "boolean":
                        return choice != "true"
                    continue  # "no direct commits": not this choice; another may be named

                start = match.start()
                before = prompt.index_before(start)
                if before >= 0 and prompt.tokens[before].low in _VIA and prompt.free_token(before):
                    start = prompt.tokens[before].start  # "through PRs", "via pull requests"
                prompt.use(start, match.end())
                return _typed(choice, definition)
    return None


def _matched(match: re.Match) -> str:
    """A pattern's match, or its group named `value` when it has one (`/?(?P<value>...)`)."""
    return match.groupdict().get("value") or match.group()


def _typed(choice: str, definition: ParameterDef) -> object:
    return choice == "true" if definition.type == "boolean" else choice


def _by_cue(prompt: Prompt, cue: str, definition: ParameterDef, hint: PromptHint) -> object:
    for match in _phrase_matches(cue, prompt.text):
        start, end = match.span()
        if not prompt.free(start, end, besides_kind=True):
            continue
        value = {
            "integer": _integer,
            "boolean": _boolean,
            "list": _list,
        }.get(definition.type, _string)(prompt, start, end, definition, hint)
        if value is not None:
            return value
    return None


_LARGEST = 2**31 - 1
_ANY_UNIT = "|".join(sorted({u for table in _UNITS.values() for u in table}, key=len, reverse=True))


def _integer(prompt: Prompt, start: int, end: int, definition: ParameterDef, hint: PromptHint):
    units = "|".join(sorted(_UNITS.get(hint.unit or "", {}), key=len, reverse=True))
    # A number in another kind of unit ("30 MB" for minutes) is not this parameter's.
    unit = rf"(?:\s*(?P<unit>{units})\b)?(?!\s*(?:{_ANY_UNIT})\b)" if units else rf"(?!\s*(?:{_ANY_UNIT})\b)"
    after = _rx(rf"^{_BEFORE_NUMBER}{_NUMBER}{unit}(?!\w|\.\d)").search(prompt.text[end:])
    if after and prompt.free(end, end + after.end()):
        value = _number(after.group("num"), after.groupdict().get("unit"), hint.unit)
        if value is not None:
            prompt.use(start, end + after.end())
            return value
    before = _rx(rf"(?<![\w.]){_NUMBER}{unit}\s*(?:of\s+)?(?:the\s+|a\s+)?$").search(prompt.text[:start])
    if before and prompt.free(before.start(), start):
        value = _number(before.group("num"), before.groupdict().get("unit"), hint.unit)
        if value is not None:
            prompt.use(before.start(), end)
            return value
    return None


def _scattered(prompt: Prompt, cue: str, hint: PromptHint, others: list[str]) -> int | None:
    """The cue's words in any order within one part of a clause, with a number next to one of them:
    "In production it needs 5 replicas", "prod should run 4 replicas"."""
    words = [w.lower() for w in re.split(r"[\s/_-]+", cue) if w and w.lower() not in ("in", "for", "of", "the")]
    integer = ParameterDef(type="integer", description="", default=0)
    for part in re.finditer(r"[^.;!?(),]+", prompt.text):
        found = {w: _rx(rf"(?<![\w-]){re.escape(w)}(?![\w-])").search(part.group()) for w in words}
        if not all(found.values()) or any(next(_phrase_matches(o, part.group()), None) for o in others if " " in o):
            continue  # ...or another parameter's own cue is there ("host port ... container listens")
        for word in reversed(words):
            start, end = part.start() + found[word].start(), part.start() + found[word].end()
            if prompt.free(start, end):
                value = _integer(prompt, start, end, integer, hint)
                if value is not None:
                    for other in words:
                        span = (part.start() + found[other].start(), part.start() + found[other].end())
                        if prompt.free(*span):
                            prompt.use(*span)
                    return value
    return None


def _negated(prompt: Prompt, start: int, end: int) -> bool:
    """"no X", "without the X", "don't want X", "X: off", "switch the X off"."""
    clause = re.split(r"[.;!?,(]", prompt.text[:start])[-1]
    before = clause.lower().split()[-4:]
    if any(w in NEGATORS or w in ("not", "don't", "dont", "never", "doesn't", "isn't") for w in before):
        return True
    after = re.match(r"\s*[:=]?\s*(?:is\s+|are\s+|should\s+be\s+)?(\w+)", prompt.text[end:])
    return bool(after and after.group(1).lower() in NEGATED_AFTER)


def _with_negation(prompt: Prompt, start: int, end: int) -> tuple[int, int]:
    """The cue's span widened to the negating words around it."""
    head = re.search(r"(?:\b(?:no|not|without|w/o|skip|drop|disable|don't|dont|never|turn\s+off)\b[\w\s'-]{0,20}?)$",
                     prompt.text[:start], re.IGNORECASE)
    tail = re.match(r"\s*[:=]?\s*(?:is\s+|are\s+|should\s+be\s+)?(?:off|disabled|no|false|none)\b", prompt.text[end:], re.IGNORECASE)
    new_start = head.start() if head and prompt.free(head.start(), start) else start
    new_end = end + tail.end() if tail and prompt.free(end, end + tail.end()) else end
    return new_start, new_end


def _boolean(prompt: Prompt, start: int, end: int, definition: ParameterDef, hint: PromptHint):
    value = not _negated(prompt, start, end)
    if value:
        tail = re.match(r"\s*[:=]?\s*(?:on|yes|true|enabled)\b", prompt.text[end:], re.IGNORECASE)
        head = re.search(r"\b(?:with|use|using|enable|turn\s+on|add)\s+(?:a\s+|an\s+|the\s+)?$", prompt.text[:start], re.IGNORECASE)
        span = (head.start() if head and prompt.free(head.start(), start) else start,
                end + (tail.end() if tail else 0))
    else:
        span = _with_negation(prompt, start, end)
    prompt.use(*span)
    prompt.reread_spans.append(span)
    return value


def _value_token(prompt: Prompt, end: int) -> Token | None:
    index = prompt.index_at(end)
    skip = {":", "=", "is", "at", "of", "to", "on", "in", "under", "set", "be", "should", "must", "will", "the", "a",
            "url", "path", "endpoint", "route", "file"}
    while index < len(prompt.tokens) and prompt.tokens[index].low in skip and index - prompt.index_at(end) < 4:
        index += 1
    if index < len(prompt.tokens):
        token = prompt.tokens[index]
        plain = token.kind == "word" and token.low not in _NOT_VALUES
        if (token.kind in ("quoted", "path", "url") or plain) and prompt.free(token.start, token.end):
            return _joined(prompt, index)
    return None


def _joined(prompt: Prompt, index: int) -> Token:
    """`requarks/wiki`, `stacks/audit.yaml`: words and slashes written without spaces are one value."""
    tokens = prompt.tokens
    token = tokens[index]
    if token.kind != "word":
        return token
    last = index
    while (
        last + 2 < len(tokens)
        and tokens[last + 1].text == "/"
        and tokens[last + 1].start == tokens[last].end
        and tokens[last + 2].start == tokens[last + 1].end
        and tokens[last + 2].kind in ("word", "path")
    ):
        last += 2
    if last == index:
        return token
    return Token(prompt.text[token.start : tokens[last].end], "word", token.start, tokens[last].end)


_NOT_VALUES = frozenset("and or with for to in on the a an please pls it this that is be should must will".split())


def _string(prompt: Prompt, start: int, end: int, definition: ParameterDef, hint: PromptHint):
    token = _value_token(prompt, end)
    if token is None and hint.pattern:
        # "a 10m timeout": a value of the parameter's own shape right before its cue
        index = prompt.index_before(start)
        while index >= 0 and prompt.tokens[index].low in ("a", "an", "the"):
            index -= 1
        before = prompt.tokens[index] if index >= 0 else None
        if before is not None and prompt.free_token(index) and _rx(rf"^(?:{hint.regex()})$").match(before.text):
            prompt.use(before.start, end)
            return _matched(_rx(rf"^(?:{hint.regex()})$").match(before.text))
    if token is None:
        return None
    value = token.text
    if hint.pattern:
        match = _rx(rf"^(?:{hint.regex()})$").match(token.text)
        if not match:
            return None
        value = _matched(match)
    prompt.use(start, token.end)
    return value


def _list(prompt: Prompt, start: int, end: int, definition: ParameterDef, hint: PromptHint):
    from octoscaffold.understand.lists import read_list

    items = read_list(prompt, prompt.index_at(end), names=True, keep_case=True)
    if items is None or not items.values:
        return None
    prompt.use(start, items.end)
    return items.values


def _use_words_around(prompt: Prompt, start: int, end: int) -> None:
    """`in the eu-west-1 region`, `region: eu-west-1`: the words naming the value are understood too."""
    naming = {"region", "location", "runtime", "aws", "azure", "gcp"}
    index = prompt.index_before(start)
    while index >= 0 and prompt.tokens[index].low in naming | {":", "in", "the", "to"} and prompt.free_token(index):
        prompt.use(prompt.tokens[index].start, prompt.tokens[index].end)
        index -= 1
    index = prompt.index_at(end)
    while index < len(prompt.tokens) and prompt.tokens[index].low in naming and prompt.free_token(index):
        prompt.use(prompt.tokens[index].start, prompt.tokens[index].end)
        index += 1


def _stray_regions(prompt: Prompt, template: Template) -> list[str]:
    """A region no parameter took: say so, rather than deploy somewhere else without a word."""
    warnings = []
    for cloud, key in (("AWS", "aws-region"), ("Azure", "azure-region"), ("Google Cloud", "gcp-region")):
        for match in _rx(rf"(?<![\w-])(?:{NAMED_PATTERNS[key]})(?![\w-])").finditer(prompt.text):
            if prompt.free(*match.span()):
                prompt.use(*match.span())
                _use_words_around(prompt, match.start(), match.end())
                warnings.append(
                    f"{match.group()} is an {cloud} region, and {template.id} has no {cloud} region to set; "
                    "it was not used"
                )
    return warnings
