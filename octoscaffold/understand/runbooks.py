"""Runbooks in plain words: named (`runbooks "Backup", "Restore"`), asked for by purpose (`a runbook
that restarts the service`, `a restart runbook`), or none (`no runbooks`). A purpose becomes the
kind's own runbook when one does that (its verb, and its object or none), else a name of its own.
"""

from __future__ import annotations

import re

from octoscaffold.catalog import Template
from octoscaffold.understand.patterns import NEGATE as _NEGATE
from octoscaffold.understand.patterns import OFF_AFTER as _OFF_AFTER
from octoscaffold.understand.patterns import rx as _rx
from octoscaffold.understand.text import Token
from octoscaffold.understand.words import DETERMINERS, FILLER, STOP

_NO_RUNBOOKS = _rx(
    rf"\b{_NEGATE}\s+(?:the\s+|any\s+)?runbooks?\b|\brunbooks?{_OFF_AFTER}|\brunbooks?\s*:\s*none\b", needs="runbook"
)
_RUNBOOK_CUE = _rx(r"\brunbooks?\s*(?::|=|called|named|titled|like)?\s*", needs="runbook")
_RUNBOOK_PURPOSE = _rx(
    r"\brunbooks?\s+(?:(?:is|are)\s+(?:needed|required|wanted)\s*,?\s*)?(?:that\s+|which\s+|to\s+|for\s+|so\s+(?:we|i)\s+can\s+)"
    r"(?:(?:can|will|would|should)\s+)?",
    needs="runbook",
)
_RUNBOOK_AFTER = _rx(r"\brunbooks?\b", needs="runbook")
_TRAILING = frozenset("as well too also please pls please asap again".split())
_RUNBOOK_VERBS = (
    "restart|reboot|bounce|recycle|stop|start|delete|destroy|remove|clear|flush|purge|invalidate|backup|back\\s+up"
    "|restore|rollback|roll\\s+back|scale|swap|collect|prune|switch|rotate|reindex|vacuum|drain|refresh|sync|resync"
    "|uninstall|teardown|tear\\s+down|clean|cleanup|reset|warm|seed|export|import|snapshot"
)
_SYNONYMS = {"reboot": "restart", "bounce": "restart", "recycle": "restart", "teardown": "delete", "destroy": "delete",
             "remove": "delete", "purge": "invalidate", "flush": "invalidate", "clear": "invalidate", "bust": "invalidate",
             "revert": "rollback", "undo": "rollback"}


class Runbooks:
    """The runbook rules of the reader (octoscaffold.understand.rules._Reader)."""

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
            found = self._list_after(_RUNBOOK_CUE, names=True, through_kind=True, keep_case=True) or self._list_before(
                _RUNBOOK_AFTER, vocabulary=False, names=True, through_kind=True, keep_case=True
            )
            if found and (any(t.kind == "quoted" or t.capitalised for item in found.items for t in item)):
                own = {r.name.lower(): r.name for r in template.manifest.runbooks} if template else {}
                names = [own.get(v.lower(), v) for v in found.values]  # the kind's own spelling
                tail = _rx(r"^\s*(?:only|runbooks?)\b").match(prompt.text[found.end :])
                if tail and prompt.free(found.end, found.end + tail.end()):
                    prompt.use(found.end, found.end + tail.end())
            elif found:
                prompt.used = [s for s in prompt.used if not (s[0] <= found.start and found.end <= s[1])]
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

