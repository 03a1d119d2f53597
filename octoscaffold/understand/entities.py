"""Values next to their own word: group, space, lifecycle, worker pool, the approval's team, the
description. `group "Storage"`, `"Storage" group`, `group payments`, `in the Payments group`,
`approved by the Change Advisory Board team`, `DBAs must approve`.
"""

from __future__ import annotations

from octoscaffold.spec.naming import slugify
from octoscaffold.understand.lists import read_list
from octoscaffold.understand.patterns import Rule
from octoscaffold.understand.patterns import rx as _rx
from octoscaffold.understand.text import CLAUSE_END, Token, entity_case
from octoscaffold.understand.words import DETERMINERS, FILLER, LEADING, STOP, VERBS

_TAIL = r"(?:\s*(?::|=|\bis\b|\bare\b|called|named|should\s+be|will\s+be|would\s+be|must\s+be|shall\s+be|please|pls|of))*\s*"
_GROUP_CUE = _rx(rf"(?<!resource )(?<!resource-)\b(?:project\s+)?(?:group|grp)\b{_TAIL}", needs="group grp")
_GROUP_AFTER = _rx(r"(?<!resource )(?<!resource-)\b(?:project\s+)?(?:group|grp)\b", needs="group grp")
_SPACE_CUE = _rx(rf"\b(?:octopus\s+)?space\b{_TAIL}", needs="space")
_SPACE_AFTER = _rx(r"\bspace\b", needs="space")
_LIFECYCLE_CUE = _rx(rf"\blifecycle\b{_TAIL}", needs="lifecycle")
_LIFECYCLE_AFTER = _rx(r"\blifecycle\b", needs="lifecycle")
_POOL_CUE = _rx(rf"\b(?:worker\s+pool|workerpool|pool)\b{_TAIL}", needs="pool")
_POOL_AFTER = _rx(r"\b(?:worker\s+pool|workers?\s+pool|pool)\b", needs="pool")
_DESCRIPTION = _rx(r"\b(?:description|desc|described\s+as|describe\s+it\s+as)\s*(?::|=|is)?\s*", needs="desc")
_TEAM_CUE = _rx(
    r"\b(?:approv\w*|approval\s+step|sign[\s-]?offs?|signed\s+off)"
    r"(?:\s+(?:is|are|must|should|will|needs?|has|have|to|be|done|given|made|needed|required|comes|only|always))*\s+"
    r"(?:by|from|of|go(?:es)?\s+to|routed\s+to|sent\s+to|handled\s+by|owned\s+by)\s+(?:the\s+)?(?:team\s+)?"
    r"|\bapprovers?\s*(?::|=|are|is)\s*(?:the\s+)?(?:team\s+)?",
    needs="approv sign",
)
_TEAM_BEFORE = _rx(
    r"\s+(?:team\s+)?(?:(?:must|should|has\s+to|have\s+to|needs?\s+to|will|to|can|shall|always|also)\s+)*(?:to\s+)?"
    r"(?:approves?|approving|signs?\s+off|sign[\s-]offs?)\b",
    needs="approv sign",
)


class Entities:
    """The entity rules of the reader (octoscaffold.understand.rules._Reader)."""

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

    def _entity(self, cue: Rule, after: Rule, quoted_only: bool) -> tuple[str, str] | None:
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

    def _widen_left(self, start: int) -> int:
        """`under the "Payments" group`: the words leading to a value were understood too."""
        index = self.prompt.index_before(start)
        while index >= 0 and self.prompt.free_token(index) and self.tokens[index].low in LEADING:
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
