"""Reading the project's name: after its own word (`called`, `name:`, `as`), or from weaker clues
when there is none ("for the orders api", "the billing-worker ECS project", `orders-api: k8s`,
a lone identifier), each clue weaker than the one before and the weakest said to be a guess.

A name keeps what the user wrote: articles and possessives dropped, a phrase typed in lower case
capitalised, an identifier as typed. Kind words, stages, platforms and technology words are not a
name on their own, and a name ends before a parameter's value (`called x port 3000`).
"""

from __future__ import annotations

import re

from octoscaffold.errors import PromptError
from octoscaffold.spec.naming import slugify
from octoscaffold.understand.kinds import ends_with_kind
from octoscaffold.understand.patterns import LazyPattern
from octoscaffold.understand.patterns import rx as _rx
from octoscaffold.understand.text import CLAUSE_END, Token, name_case
from octoscaffold.understand.words import DETERMINERS, ENVIRONMENT_WORDS, FILLER, PLATFORMS, STAGES, STOP, TECH, VERBS

_NAME_CUE = _rx(
    r"\b(?:called|named|titled|title\s+it|dubbed|labell?ed|known\s+as|calls?\s+(?:it|this|the\s+project)|call(?=\s+\")|name\s+(?:it|this|the\s+project|(?=project\b)project)"
    r"|give\s+it\s+(?:the\s+)?name|name(?=\s+\")|(?<![\w-])(?<!the )name(?=\s+(?!(?:is|it|of|the|for|should|will|must|and|to|yet|later|soon|now|today|tbd|tba|here|there|please|pls|this|that|whatever|something|anything)\b)[\w\"])|(?:its|the\s+project'?s?)\s+name\s*(?::|=|is|should\s+be)?"
    r"|(?:project\s+|app\s+)?name\s*(?::|=|is|should\s+be|will\s+be|would\s+be|shall\s+be|of)"
    r"|with\s+(?:the\s+)?name(?:\s+of)?|by\s+the\s+name(?:\s+of)?|under\s+the\s+name)(?=\s|$|\W)\s*:?\s*",
    needs="call name title dubbed label known",
)
# "runbooks called X", "a group named Y": the name of something else.
_OTHER_THING = _rx(
    r"\b(?:runbooks?|group|space|lifecycle|pool|team|tenants?|customers|environments?|envs?|steps?|variables?|feed|"
    r"account|trigger|channel|database|db|bucket|repo|repository|branch|folder|namespace|app\s+pool|slot|queue|"
    r"topic|table)\s*$"
)
_AS_CUE = _rx(
    r"(?<!such )(?<!well )(?<!same )(?<!run )(?<!runs )(?<!running )(?<!start )(?<!starts )(?<!log in )(?<!login )"
    r"(?<!run it )(?<!runs it )(?<!run them )(?<!start it )(?<!deploy it )"
    r"\bas\s+(?!a\b|an\b|the\b|soon\b|well\b|of\b|per\b|usual\b|needed\b|part\b|if\b|tenants?\b|customers\b)",
    needs="as",
)
# "the service name is X": another thing's name, not the project's
_OTHER_NAMED = _rx(
    r"\b(?:service|database|db|site|website|chart|image|pool|bucket|slot|group|branch|repo|repository|user|host|team|stack|"
    r"cluster|namespace|container|queue|table|schema|file|folder|directory|package|feed|tenant|environment|env|space|"
    r"lifecycle|runbook|account|variable|step|web\s+app|function\s+app|resource\s+group)\s+$"
)
# A value, not a name word: a version, a region, a number with a unit.
_VALUE_LIKE = LazyPattern(
    r"[a-z]*\d+(?:\.[\dx]+)+|(?:[a-z]{2})(?:-gov)?-[a-z]+-\d|[a-z]+(?:us|europe|asia)\d?|\d[\w.]*", flags=0
)
# Words between a name and the kind it is deployed as: "Claims Portal on app service",
# "Notification Hub as a helm release".
_CONNECTORS = frozenset("as a an on onto to into using with via in".split())
# Verbs that end a name unless a name word follows ("the release notes", "the run tracker").
_SOFT_STOPS = frozenset(
    "release releases run push ship target targets worker workers scan deployment deployments stage tenant team".split()
)
_BREAKS = frozenset("in into with without using on to for from at via through by that which and or then plus".split())


class Names:
    """The name rules of the reader (octoscaffold.understand.rules._Reader)."""

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

    def _read_name(self, index: int, *, explicit: bool = False) -> tuple[list[Token], int] | None:
        """An unquoted or quoted name starting at token `index`: its tokens and the end position."""
        tokens = self.tokens
        while index < len(tokens) and tokens[index].text in (":", "=") and self.prompt.free_token(index):
            index += 1
        while index < len(tokens) and tokens[index].kind == "punct" and tokens[index].text not in CLAUSE_END | {",", ":"}:
            index += 1  # "named 🚀rocket": a symbol before the name is no part of it
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
            acronym_led = bool(taken) and all(t.text.isupper() for t in taken)  # "HR portal", "SMS gateway"
            if taken and taken[0].capitalised and not token.capitalised and not token.text.isupper() and not acronym_led:
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
        cue = self.cues.match(self.prompt.text, token.start) if self.cues else None
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
            alone = index < 0 and len(taken) == 1  # "networking terraform", "grafana docker"
            if alone and not shaped and not last_resort:
                continue
            if not (shaped or definite or alone or len(taken) >= 2) or not self._usable_name(taken):
                continue
            prompt.use(taken[0].start, taken[-1].end)
            lower = taken[0].kind != "quoted" and all(t.text == t.low for t in taken)
            return name_case(taken, self._prose(taken)), lower and (len(taken) > 1 or alone and not taken[0].slug_like)
        return None

    def _name_after_project(self) -> tuple[str, bool] | None:
        """`lambda project orders-api`, `new k8s proj "Edge Router"`, `tomcat app petclinic`."""
        tokens = self.tokens
        kind_ends = {end for _, end in self.prompt.kind_spans}
        for index, token in enumerate(tokens[:-1]):
            if token.end in kind_ends and token.low not in ("project", "proj", "app", "service", "svc"):
                # "IIS website intranet-portal", "helm: grafana", "bicep: landing-zone"
                step = 2 if tokens[index + 1].text == ":" and index + 2 < len(tokens) else 1
                after = tokens[index + step]
                ends = index + step + 1 >= len(tokens) or tokens[index + step + 1].text in CLAUSE_END | {",", ":"}
                plain = after.kind == "word" and after.low not in STOP | FILLER | TECH | ENVIRONMENT_WORDS | self.kind_words
                if after.kind == "quoted" or after.slug_like or step == 2 and after.kind == "word" or plain and ends:
                    found = self._read_name(index + step)
                    if found and self._usable_name(found[0]) and self.prompt.free_token(index + step):
                        self.prompt.use(tokens[index + 1].start, found[1])
                        return name_case(found[0], self._prose(found[0])), False
                continue
            if token.low not in ("project", "proj", "app", "service", "svc"):
                continue
            right_after_kind = index > 0 and not self.prompt.free_token(index - 1)
            if token.low not in ("project", "proj") and not right_after_kind:
                continue  # "app" introduces a name only right after the kind ("tomcat app petclinic")
            step = 2 if tokens[index + 1].text == ":" and index + 2 < len(tokens) else 1
            after = tokens[index + step]
            shaped = after.kind == "quoted" or after.slug_like or (
                after.capitalised and after.low not in STOP | ENVIRONMENT_WORDS | PLATFORMS
            ) or step == 2 and after.low in DETERMINERS  # "first project: the checkout frontend"
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
        """`a helm chart for payments-api`, `for the orders api`, `a canary rollout of the search service`."""
        kind_ends = [end for _, end in self.prompt.kind_spans]
        for match in _rx(r"\b(?:for|of)\s+").finditer(self.prompt.text):
            if not self.prompt.free(*match.span()):
                continue
            if match.group().lower().startswith("of") and not any(
                re.fullmatch(r"\s*(?:\w+\s+)?", self.prompt.text[end : match.start()]) for end in kind_ends if end <= match.start()
            ):
                continue  # "of" names the thing only right after the kind ("a canary rollout of X")
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
        """A name to offer when none was found: an identifier or a capitalised word, never a verb."""
        for index, token in enumerate(self.tokens):
            if token.kind != "word" or not self.prompt.free_token(index) or token.low in FILLER | VERBS:
                continue
            if (token.slug_like or token.capitalised and index > 0) and self._usable_name([token]):
                return token.text
        return None
