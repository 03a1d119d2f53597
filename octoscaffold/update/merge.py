"""Three-way merge of OCL documents that knows what an OCL item is.

base is what octoscaffold rendered last time, ours the file as it is now (edited by hand, or
rewritten by the Octopus UI), theirs a new render from the catalog. Every body is merged item by
item, matched by identity rather than by line:

- an attribute by its name, a dictionary entry (`properties = {...}`) by its key;
- a labelled block by (name, first label): `step "deploy"`, `variable "Project.Region"`;
- a `value` block of a `variable` by its scope (the attributes other than `description`), because
  its label is the variable's value: a new value for the same scope is a change, not remove + add;
- an unlabelled block (`container`, `process`) by (name, occurrence among same-named siblings).
Two items that would share an identity are told apart by their occurrence.

For each identity: both sides agree → that; only one side changed it → that side; both changed
blocks (or dictionaries) → merge inside them; anything else is a conflict. Lists and scalars are
atomic. Sides are compared by meaning (layout, attribute order, heredoc or quoted do not count),
so a canonical rewrite by the Octopus UI is not an edit.

With no base (`base=None`: a project scaffolded before provenance was kept) the merge only adds
what ours lacks, and reports other differences as untouched; it never conflicts.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from octoscaffold.ocl import (
    Attribute,
    Block,
    Dictionary,
    Document,
    Entry,
    List,
    OclError,
    String,
    parse,
    runbook_hint,
    write,
)
from octoscaffold.ocl.parser import MAX_DEPTH
from octoscaffold.ocl.writer import key_order, key_text, literal, quote

SHORT = 200  # characters of each side's text kept in a Change
SEPARATOR = " › "
WHOLE_FILE = "(whole file)"  # the path of a change to a file's presence
_NOT_SCOPE = frozenset({"description"})
_STRETCH = 1000  # lines: a longer differing stretch between anchors is one hunk


@dataclass(frozen=True)
class Change:
    """One reported item: where, what kind of change, and each side's short OCL text (None: absent)."""

    path: str  # e.g. 'step "deploy" › action › properties["Octopus.Action.Aws.Region"]'
    kind: str  # "added", "changed", "removed": what the side that differs did to the base
    base: str | None
    ours: str | None
    theirs: str | None


@dataclass
class FileMerge:
    """The merge of one file.

    `text` is canonical OCL, or None when the result is that the file does not exist. When there are
    conflicts and markers were not asked for, `text` holds the resolution that keeps ours' side of
    every conflict: it parses, but it is not a merge to write; a caller refuses while `conflicts`
    is not empty. With markers, `text` holds conflict markers (`markers` is True) and does not parse.
    """

    path: str
    text: str | None
    applied: list[Change] = field(default_factory=list)  # catalog changes applied
    kept: list[Change] = field(default_factory=list)  # user edits kept (three-way)
    untouched: list[Change] = field(default_factory=list)  # two-way: differences left as the user has them
    conflicts: list[Change] = field(default_factory=list)
    markers: bool = False


# ---- normal form: `==` then compares meaning ------------------------------------------------------


def _normal_value(value):
    kind = type(value)
    if kind is String:
        return String(value.value)  # heredoc or quoted is layout; the writer decides afresh
    if kind is List:
        return List([_normal_value(item) for item in value.items])
    if kind is Dictionary:
        entries = sorted(value.entries, key=lambda entry: key_order(entry.key))
        return Dictionary([Entry(entry.key, _normal_value(entry.value)) for entry in entries])
    return value


def _normal_body(body: list, depth: int) -> list:
    if depth > MAX_DEPTH:
        raise OclError(f"blocks nested more than {MAX_DEPTH} levels deep")
    attributes = sorted((item for item in body if type(item) is Attribute), key=lambda item: item.name)
    blocks = [item for item in body if type(item) is Block]
    return [Attribute(item.name, _normal_value(item.value)) for item in attributes] + [
        Block(item.name, list(item.labels), _normal_body(item.body, depth + 1)) for item in blocks
    ]


def _normal(doc: Document) -> Document:
    """A copy in the writer's order (attributes sorted, then blocks) with layout flags dropped."""
    return Document(_normal_body(doc.body, 0))


# ---- identity --------------------------------------------------------------------------------------


def _frozen(value):
    """A hashable stand-in for a literal, for use in a key."""
    if type(value) is List:
        return tuple(_frozen(item) for item in value.items)
    return _value_text(value)


def _scope(value_block: Block) -> list[Attribute]:
    """What a variable's value applies to: its attributes but the description (sorted by _normal)."""
    return [a for a in value_block.body if type(a) is Attribute and a.name not in _NOT_SCOPE]


def _identity(item, parent: str | None) -> tuple:
    if type(item) is Entry:
        return ("entry", item.key)
    if type(item) is Attribute:
        return ("attribute", item.name)
    if item.name == "value" and parent == "variable":
        return ("value", tuple((a.name, _frozen(a.value)) for a in _scope(item)))
    return ("block", item.name, item.labels[0] if item.labels else None)


def _keyed(items: list, parent: str | None) -> list[tuple[tuple, object]]:
    """(key, item) in order; a repeated identity gets its occurrence number."""
    seen: dict[tuple, int] = {}
    out = []
    for item in items:
        identity = _identity(item, parent)
        count = seen.get(identity, 0)
        seen[identity] = count + 1
        out.append(((identity, count), item))
    return out


def _segment(key: tuple, item) -> str:
    identity, count = key
    suffix = f" #{count + 1}" if count else ""
    if identity[0] == "entry":
        return f"[{quote(item.key)}]{suffix}"
    if identity[0] == "attribute":
        return item.name + suffix
    if identity[0] == "value":
        scope = ", ".join(f"{a.name} = {_value_text(a.value)}" for a in _scope(item))
        return f"value ({scope or 'unscoped'}){suffix}"
    return item.name + "".join(" " + quote(label) for label in item.labels) + suffix


def _join(path: str, segment: str) -> str:
    if segment.startswith("[") or not path:
        return path + segment
    return path + SEPARATOR + segment


# ---- short text for reports ------------------------------------------------------------------------


def _value_text(value) -> str:
    if type(value) is not Dictionary:
        return literal(value)
    entries = sorted(value.entries, key=lambda entry: key_order(entry.key))
    return "{ " + ", ".join(f"{key_text(e.key)} = {_value_text(e.value)}" for e in entries) + " }"


def _short(node) -> str | None:
    """One line of OCL for a report, cut at SHORT characters."""
    if node is None or type(node) is str:
        text = node
    elif type(node) in (Attribute, Entry):
        text = _value_text(node.value)
    else:
        doc = node if type(node) is Document else Document([node])
        text = " ".join(line.strip() for line in write(doc, runbook=False).split("\n") if line.strip())
    if text is not None and len(text) > SHORT:
        text = text[: SHORT - 1] + "…"
    return text


def _kind(before, after) -> str:
    return "added" if before is None else "removed" if after is None else "changed"


def _nested(node) -> str | None:
    """What an item can be merged inside of: a block's body, a dictionary's entries, or nothing."""
    if type(node) is Block:
        return "block"
    if type(node) is Attribute and type(node.value) is Dictionary:
        return "dictionary"
    return None


# ---- the merge -------------------------------------------------------------------------------------


class _Merger:
    def __init__(self, prefer: str, two_way: bool) -> None:
        if prefer not in ("ours", "theirs"):
            raise ValueError(f"prefer is 'ours' or 'theirs', not {prefer!r}")
        self.prefer = prefer
        self.two_way = two_way
        self.applied: list[Change] = []
        self.kept: list[Change] = []
        self.untouched: list[Change] = []
        self.conflicts: list[Change] = []

    def report(self, into: list[Change], path: str, kind: str, b, o, t) -> None:
        into.append(Change(path, kind, _short(b), _short(o), _short(t)))

    def item(self, path: str, b, o, t):
        """The merged item (None: absent), reporting what happened to it."""
        if o == t:
            return o
        if self.two_way:
            return self.add_missing(path, o, t)
        sort = _nested(o)
        if sort is not None and sort == _nested(t) and (b is None or _nested(b) == sort):
            return self.inside(path, b, o, t)  # also when one side alone changed: finer reports
        if b == o:
            self.report(self.applied, path, _kind(b, t), b, o, t)
            return t
        if b == t:
            self.report(self.kept, path, _kind(b, o), b, o, t)
            return o
        self.report(self.conflicts, path, "removed" if o is None or t is None else _kind(b, o), b, o, t)
        return o if self.prefer == "ours" else t

    def add_missing(self, path: str, o, t):
        """Two-way: take what ours lacks, leave what ours has."""
        if o is None:
            self.report(self.applied, path, "added", None, o, t)
            return t
        if t is None:
            return o
        if _nested(o) is not None and _nested(o) == _nested(t):
            return self.inside(path, None, o, t)
        self.report(self.untouched, path, "changed", None, o, t)
        return o

    def inside(self, path: str, b, o, t):
        """Merge two (or three) blocks, or dictionary attributes, item by item."""
        if type(o) is Attribute:
            base = b.value.entries if b is not None else []
            return Attribute(o.name, Dictionary(self.items(path, base, o.value.entries, t.value.entries, None)))
        labels = self.labels(path, b, o, t)
        body = self.items(path, b.body if b is not None else [], o.body, t.body, o.name)
        return Block(o.name, labels, body)

    def labels(self, path: str, b, o, t) -> list[str]:
        """Labels are compared like an attribute (a `value` block's label is the variable's value)."""
        if o.labels == t.labels:
            return o.labels
        base = None if b is None or self.two_way else b.labels
        texts = [None if labels is None else " ".join(map(quote, labels)) for labels in (base, o.labels, t.labels)]
        path, kind = path + SEPARATOR + "label", "added" if base is None else "changed"
        if self.two_way:
            self.report(self.untouched, path, "changed", *texts)
            return o.labels
        if base == o.labels:
            self.report(self.applied, path, "changed", *texts)
            return t.labels
        if base == t.labels:
            self.report(self.kept, path, "changed", *texts)
            return o.labels
        self.report(self.conflicts, path, kind, *texts)
        return o.labels if self.prefer == "ours" else t.labels

    def items(self, path: str, base: list, ours: list, theirs: list, parent: str | None) -> list:
        """Merge one body (or dictionary): each identity on its own, then put them in order."""
        b, o, t = _keyed(base, parent), _keyed(ours, parent), _keyed(theirs, parent)
        b_map, o_map, t_map = dict(b), dict(o), dict(t)
        merged: dict[tuple, object] = {}
        for key, item in o + t + b:  # reports in ours' order, then theirs' additions, then removals
            if key not in merged:
                segment = _segment(key, item)
                merged[key] = self.item(_join(path, segment), b_map.get(key), o_map.get(key), t_map.get(key))
        order = self.order([k for k, _ in b], [k for k, _ in o], [k for k, _ in t])
        return [merged[key] for key in order if merged.get(key) is not None]

    def order(self, base: list, ours: list, theirs: list) -> list:
        """Ours' order, with the items only theirs has right after their nearest preceding sibling
        in theirs. When the catalog reordered items the user left in place, theirs' order leads."""
        in_ours, in_theirs = set(ours), set(theirs)
        common = [key for key in base if key in in_ours and key in in_theirs]
        shared = set(common)
        relative_ours = [key for key in ours if key in shared]
        relative_theirs = [key for key in theirs if key in shared]
        lead, follow = ours, theirs
        if not self.two_way and relative_ours == common and relative_theirs != common:
            lead, follow = theirs, ours
        placed = set(lead)
        after: dict[tuple | None, list] = {}
        anchor = None
        for key in follow:
            if key in placed:
                anchor = key
            else:
                after.setdefault(anchor, []).append(key)
        out = list(after.get(None, []))
        for key in lead:
            out.append(key)
            out.extend(after.get(key, []))
        return out


def merge_documents(
    base: Document | None, ours: Document, theirs: Document, *, prefer: str = "ours"
) -> tuple[Document, list[Change], list[Change], list[Change], list[Change]]:
    """(merged, applied, kept, untouched, conflicts). `base=None` merges two-way (add only).

    A conflict resolves to ours' side, or theirs' with `prefer="theirs"`; the inputs are not changed.
    """
    return _merge(_normal(base) if base is not None else None, _normal(ours), _normal(theirs), prefer)


def _merge(b: Document | None, o: Document, t: Document, prefer: str):
    """merge_documents on documents already in normal form."""
    merger = _Merger(prefer, two_way=b is None)
    body = merger.items("", b.body if b is not None else [], o.body, t.body, None)
    return Document(body), merger.applied, merger.kept, merger.untouched, merger.conflicts


# ---- whole files -----------------------------------------------------------------------------------


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Lines found exactly once in each text, in an order both agree on (patience diff's anchors):
    they split a long file into short stretches, so the line diff stays fast however long it is."""
    count_a, count_b = Counter(a), Counter(b)
    in_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [(i, in_b[line]) for i, line in enumerate(a) if count_a[line] == 1 and line in in_b]
    tails: list[int] = []  # longest increasing run of b positions, by patience sorting
    ends: list[int] = []  # index in pairs of each tail
    before = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        at = bisect_left(tails, j)
        before[index] = ends[at - 1] if at else -1
        tails[at:at + 1], ends[at:at + 1] = [j], [index]
    chain, index = [], ends[-1] if ends else -1
    while index >= 0:
        chain.append(pairs[index])
        index = before[index]
    return chain[::-1]


def _opcodes(a: list[str], b: list[str]):
    """SequenceMatcher's opcodes, run only on the stretches between anchors that differ."""
    i = j = 0
    for next_i, next_j in [*_anchors(a, b), (len(a), len(b))]:
        if a[i:next_i] == b[j:next_j]:
            yield "equal", i, next_i, j, next_j
        elif max(next_i - i, next_j - j) > _STRETCH:
            yield from _coarse(a, b, i, next_i, j, next_j)
        else:
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a[i:next_i], b[j:next_j], False).get_opcodes():
                yield tag, i + i1, i + i2, j + j1, j + j2
        if next_i < len(a):
            yield "equal", next_i, next_i + 1, next_j, next_j + 1
        i, j = next_i + 1, next_j + 1


def _coarse(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int):
    """A long stretch as equal head, one differing middle, equal tail: coarse but right, where a
    finer diff could take minutes."""
    head = 0
    while i1 + head < i2 and j1 + head < j2 and a[i1 + head] == b[j1 + head]:
        head += 1
    tail = 0
    while i2 - tail > i1 + head and j2 - tail > j1 + head and a[i2 - tail - 1] == b[j2 - tail - 1]:
        tail += 1
    yield "equal", i1, i1 + head, j1, j1 + head
    yield "replace", i1 + head, i2 - tail, j1 + head, j2 - tail
    yield "equal", i2 - tail, i2, j2 - tail, j2


def _markers(ours_text: str, theirs_text: str) -> str:
    """Equal lines as they are; each run of differing lines between conflict markers."""
    a, b = ours_text.split("\n"), theirs_text.split("\n")
    out: list[str] = []
    mine: list[str] = []
    catalog: list[str] = []
    for tag, i1, i2, j1, j2 in [*_opcodes(a, b), ("equal", len(a), len(a), len(b), len(b))]:
        if tag != "equal":
            mine += a[i1:i2]
            catalog += b[j1:j2]
            continue
        if mine or catalog:
            out += ["<<<<<<< ours", *mine, "=======", *catalog, ">>>>>>> catalog"]
            mine, catalog = [], []
        out += a[i1:i2]
    return "\n".join(out)


def _presence(result: FileMerge, b, o, t, two_way: bool) -> bool:
    """Settle a file missing on ours' or theirs' side; False when both have it."""
    if o is not None and t is not None:
        return False
    into, kind, keep = None, "", None
    if o is None and t is None:
        pass  # gone on both sides (or never there): nothing to say
    elif two_way:
        into, kind, keep = (result.applied, "added", t) if o is None else (result.untouched, "removed", o)
    elif t is None:  # the catalog no longer renders it
        if b is None:
            into, kind, keep = result.kept, "added", o  # the user's own file
        elif b == o:
            into, kind = result.applied, "removed"
        else:
            into, kind, keep = result.conflicts, "removed", o  # edited here, removed there
    elif b is None:
        into, kind, keep = result.applied, "added", t
    else:  # the user deleted it
        into, kind = (result.kept, "removed") if b == t else (result.conflicts, "removed")
    if into is not None:
        into.append(Change(WHOLE_FILE, kind, _short(b), _short(o), _short(t)))
    result.text = write(keep, runbook=runbook_hint(result.path)) if keep is not None else None
    return True


def merge_file(
    path: str, base: str | None, ours: str | None, theirs: str | None, *, two_way: bool = False, markers: bool = False
) -> FileMerge:
    """Merge one file's three texts (None: the file does not exist on that side).

    Sides are parsed with `path` (ours first: a file the user broke raises its OclError naming it)
    and compared by meaning. With `two_way`, base is ignored and only what ours lacks is added.
    With `markers`, conflicts come back as text between conflict markers (see FileMerge).
    """
    o = parse(ours, path) if ours is not None else None
    t = parse(theirs, path) if theirs is not None else None
    b = parse(base, path) if base is not None and not two_way else None
    b, o, t = (_normal(doc) if doc is not None else None for doc in (b, o, t))
    result = FileMerge(path, None)
    if _presence(result, b, o, t, two_way):
        return result
    if b is None and not two_way:
        b = Document([])  # the file is new on both sides: everything in it was added
    runbook = runbook_hint(path)
    merged, result.applied, result.kept, result.untouched, result.conflicts = _merge(b, o, t, "ours")
    result.text = write(merged, runbook=runbook)
    if markers and result.conflicts:
        theirs_side = write(_merge(b, o, t, "theirs")[0], runbook=runbook)
        if theirs_side != result.text:
            result.text, result.markers = _markers(result.text, theirs_side), True
    return result
