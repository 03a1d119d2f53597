"""Lists in a prompt: `envs: Int, QA, Prod`, `dev/uat/prod`, `Staging then Prod`, `"A" and "B"`.

A list ends where its clause ends, or at the first word that cannot be an item ("environments A, B
and runbooks for X" is A, B): a separator is only taken when an item follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from octoscaffold.spec.naming import slugify
from octoscaffold.understand.text import CLAUSE_END, Prompt, Token, entity_case
from octoscaffold.understand.words import ENVIRONMENT_WORDS, FILLER, STOP

# Words between items: "dev, qa and then prod", "first dev, after that test, finally production".
_SEPARATOR_WORDS = frozenset(
    "and then or & + to after that next finally lastly later followed by plus it last afterwards eventually".split()
)
_LEAD = frozenset(": = , are is of like the only just both first namely i.e. e.g. called named please pls".split())
_ENDS = frozenset("environments environment envs env stages only tenants customers".split())


@dataclass
class ListRead:
    values: list[str]
    start: int
    end: int
    items: list[list[Token]]
    repeated: list[str] = field(default_factory=list)  # items named twice ("dev, Dev"), kept once


def _item(prompt: Prompt, index: int, names: bool, vocabulary: bool, free) -> tuple[list[Token], int] | None:
    """The item starting at `index` and the index after it, or None if none can start there."""
    tokens = prompt.tokens
    if index >= len(tokens) or not free(index):
        return None
    first = tokens[index]
    if first.kind == "quoted":
        return ([first], index + 1) if first.text else None
    if first.kind != "word" or (first.low in STOP or first.low in FILLER) and not first.capitalised:
        return None
    if first.text[0].isdigit() and not names:
        return None  # "1 GB of memory" is no environment
    if vocabulary and not (first.capitalised or first.low in ENVIRONMENT_WORDS or first.slug_like and names):
        return None
    item = [first]
    index += 1
    # More words: "Prod AU", "Pre Prod", "Change Advisory Board"; a lower-case item is one word
    # unless it is a name list ("orders db, orders api").
    while index < len(tokens) and free(index) and tokens[index].kind == "word":
        word = tokens[index]
        if word.low in _SEPARATOR_WORDS or word.low in STOP and not (first.capitalised and word.capitalised):
            break
        if first.capitalised and (word.capitalised or word.text.isupper()):
            item.append(word)
        elif names and not first.capitalised and not word.capitalised and word.low not in FILLER and len(item) < 3:
            item.append(word)
        else:
            break
        index += 1
    # An item ends where the list goes on or the clause ends: "and git branch" starts a new ask.
    if item[-1].kind == "word" and index < len(tokens):
        following = tokens[index]
        side_by_side = following.low in ENVIRONMENT_WORDS - {"stage"} and _stage(item)
        if following.kind == "word" and following.low not in STOP | _SEPARATOR_WORDS | FILLER | _ENDS and not side_by_side:
            return None
    return item, index


def _separator(prompt: Prompt, index: int, free) -> int | None:
    """The index after a separator starting at `index`, or None if there is none."""
    tokens = prompt.tokens
    start = index
    while index < len(tokens) and free(index):
        token = tokens[index]
        if [t.low for t in tokens[index : index + 3]] in (["at", "the", "end"], ["in", "the", "end"]):
            index += 3
        elif token.kind == "arrow" or token.kind == "punct" and token.text in ",/&+>":
            index += 1
        elif token.kind == "word" and token.low in _SEPARATOR_WORDS:
            index += 1
        else:
            break
    return index if index > start else None


def read_list(
    prompt: Prompt,
    index: int,
    *,
    names: bool = False,
    vocabulary: bool = False,
    single: bool = True,
    keep_case: bool = False,
    through_kind: bool = False,
) -> ListRead | None:
    """Read a list from token `index` (after its cue). `vocabulary`: lower-case items must be
    environment words (for lists with no cue of their own). `single=False` needs two items.
    `through_kind`: the kind's own words may be inside an item ("Roll Back Helm Release")."""
    tokens = prompt.tokens

    def free(i: int) -> bool:
        return prompt.free(tokens[i].start, tokens[i].end, besides_kind=through_kind)

    while index < len(tokens) and free(index):
        if tokens[index].low in _LEAD:
            index += 1
        elif tokens[index].text == "(":
            inside = read_list(prompt, index + 1, names=names, vocabulary=vocabulary, single=False,
                               keep_case=keep_case, through_kind=through_kind)
            if inside is not None and prompt.index_at(inside.end) < len(tokens) and tokens[prompt.index_at(inside.end)].text == ")":
                return inside  # "3 projects (inventory-api, inventory-web, inventory-worker)"
            close = next((i for i in range(index + 1, min(index + 6, len(tokens))) if tokens[i].text == ")"), None)
            if close is None:
                break
            index = close + 1  # "children (in order): a, b"
        else:
            break
    found = _item(prompt, index, names, vocabulary, free)
    if found is None:
        return None
    items = [found[0]]
    index = found[1]
    while True:
        after = _separator(prompt, index, free)
        if after is None and _stage(items[-1]) and index < len(tokens) and tokens[index].low in ENVIRONMENT_WORDS - {"stage"}:
            after = index  # "envs dev staging prod": environment words side by side
        if after is None:
            break
        found = _item(prompt, after, names, vocabulary, free)
        if found is None:
            break
        if names and all(i[0].kind == "quoted" or i[0].capitalised for i in items) and not (
            found[0][0].kind == "quoted" or found[0][0].capitalised
        ):
            break  # "tenants North and South, and allow untenanted": the names have ended
        if all(_stage(i) for i in items) and found[0][0].kind == "word" and not _stage(found[0]) and not found[0][0].capitalised:
            break  # "dev -> staging -> prod, backups before prod": the list of stages has ended
        items.append(found[0])
        index = found[1]
    if len(items) < (1 if single else 2):
        return None
    if vocabulary and not any(
        item[0].kind == "quoted" or any(t.low in ENVIRONMENT_WORDS for t in item) for item in items
    ):
        return None  # "through PRs": capitals alone do not make an environment
    values, repeated, seen = [], [], set()
    for item in items:
        value = _value(item, keep_case)
        key = slugify(value)
        if key in seen:
            repeated.append(value)
        else:
            seen.add(key)
            values.append(value)
    return ListRead(values, items[0][0].start, items[-1][-1].end, items, repeated)


def read_list_before(prompt: Prompt, index: int, *, vocabulary: bool = True, **options) -> ListRead | None:
    """A list that ends just before token `index` ("QA and Production environments")."""
    tokens = prompt.tokens
    start = index
    while start - 1 >= 0 and prompt.free_token(start - 1):
        token = tokens[start - 1]
        if token.kind == "punct" and token.text in CLAUSE_END | {":"}:
            break
        if token.kind == "word" and (token.low in STOP - _SEPARATOR_WORDS or token.low in FILLER - _SEPARATOR_WORDS):
            break
        start -= 1
    while start < index:
        found = read_list(prompt, start, vocabulary=vocabulary, **options)
        if found is not None and prompt.index_at(found.end) == index:
            return found
        start += 1
    return None


def _stage(item: list[Token]) -> bool:
    """An item that is an environment word as people type them ("dev", "prod")."""
    return len(item) == 1 and item[0].kind == "word" and item[0].low in ENVIRONMENT_WORDS


def _value(item: list[Token], keep_case: bool = False) -> str:
    if item[0].kind == "quoted":
        return item[0].text
    text = " ".join(t.text for t in item)
    return text if keep_case else entity_case(text)
