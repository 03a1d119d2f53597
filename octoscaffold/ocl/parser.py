"""OCL text → syntax tree.

A hand-written scanner over the whole text with anchored, compiled regexes. Blocks are tracked on an
explicit stack rather than by recursion, so nesting depth is limited only by memory. Dictionaries and
lists cannot nest (Octopus's parser rejects it), so they need no stack.
"""

from __future__ import annotations

import os
import re

from .ast import (
    Attribute,
    Block,
    Boolean,
    Dictionary,
    Document,
    Entry,
    List,
    Null,
    Number,
    String,
)
from .errors import OclFileError, OclSyntaxError

# Whitespace is what Octopus's parser (.NET char.IsWhiteSpace) takes for it: tab, LF, VT, FF, CR,
# U+0085 and the Unicode space and line/paragraph separators. Python's str.isspace() and regex \s
# add U+001C-U+001F, which Octopus keeps as content, so neither is used here (nor strip() without
# arguments, split() or splitlines()). Only LF ends a line; "whitespace other than newline" includes
# CR, which makes CRLF and mixed line endings need no special case.
SPACE_CHARS = "\t\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
WHITESPACE_CHARS = SPACE_CHARS + "\n"
_SPACE = "[" + re.escape(SPACE_CHARS) + "]"
_SP = re.compile(_SPACE + "*")
_WS = re.compile("[" + re.escape(WHITESPACE_CHARS) + "]*")
_NAME = re.compile(r"\w+")
_BARE_KEY = re.compile('[^"' + re.escape(WHITESPACE_CHARS) + "]+")
_QUOTED = re.compile(r'"([^"\\\n\r]*(?:\\.[^"\\\n\r]*)*)"')
_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"'}
_SCALAR = re.compile(r"(?:(-?[0-9]+(?:\.[0-9]+)?)|(true|false|null))(?![\w.])")
# The same without the look-ahead: Octopus's parser reads the longest literal it can and lets the next
# statement start right after it (`a = 1b = 2` is a = 1 and b = 2), so a value followed directly by
# more text is only an error when that text is not a statement (`a = 1e6` is refused).
_SCALAR_PREFIX = re.compile(r"(?:(-?[0-9]+(?:\.[0-9]+)?)|(true|false|null))")
_HEREDOC_OPEN = re.compile("<<(-?)([^" + re.escape(WHITESPACE_CHARS) + "]*)" + _SPACE + "*")

MAX_DEPTH = 100  # blocks inside blocks; Octopus's own files nest at most 5 deep


def find_closer(text: str, tag: str, start: int) -> tuple[int, int, int] | None:
    """The first line at or after offset `start` (a line start) holding only `tag` and whitespace:
    (offset of that line, its indentation, offset just after its trailing whitespace), or None.

    Plain string search rather than a regex per tag: a file may hold any number of distinct tags,
    and each line is looked at once, so this is linear in the text however hostile."""
    n = len(text)
    pos = start
    while True:
        at = text.find(tag, pos)
        if at < 0:
            return None
        line_start = text.rfind("\n", start - 1, at) + 1
        if _SP.match(text, line_start).end() == at:
            end = _SP.match(text, at + len(tag)).end()
            if end == n or text[end] == "\n":
                return line_start, at - line_start, end
        # The tag can only close a line as its first non-blank text: go on at the next line.
        newline = text.find("\n", at)
        if newline < 0:
            return None
        pos = newline + 1


def closes_heredoc(line: str, tag: str) -> bool:
    """Whether `line` would end a heredoc tagged `tag` (the writer uses this to choose tags)."""
    return line.strip(SPACE_CHARS) == tag


def read_heredoc_lines(lines: list[str], indented: bool, closer_indent: int) -> str:
    """Join heredoc content lines into the value, as Octopus does.

    CRs at line ends are dropped; the lines are joined with CRLF only when a line other than the last
    ended in CR (the last one's CR belongs to the file's own line ending). For `<<-`, the smallest
    indentation of the non-blank lines and of the closing line is removed from every line.
    """
    separator = "\n"
    if any("\r" in line for line in lines):
        if any(line.endswith("\r") for line in lines[:-1]):
            separator = "\r\n"
        lines = [line.rstrip("\r") for line in lines]
    if indented:
        cut = closer_indent
        for line in lines:
            if cut == 0:
                break
            rest = line.lstrip(SPACE_CHARS)
            if rest:
                cut = min(cut, len(line) - len(rest))
        if cut:
            lines = [line[cut:] if len(line) > cut else "" for line in lines]
    return separator.join(lines)


def parse(text: str | bytes, path: str | None = None) -> Document:
    """Parse OCL text (or UTF-8 bytes) into a `Document`. Raises only `OclSyntaxError`."""
    if isinstance(text, (bytes, bytearray)):
        text = decode(bytes(text), path)
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Parser(text, path).document()


def decode(data: bytes, path: str | None = None) -> str:
    """The text of an OCL file's bytes (a leading BOM kept). Bytes that are not UTF-8, and NUL
    characters (a binary file, or UTF-16), raise OclSyntaxError at their line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            message = "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"
        else:
            message = f"invalid UTF-8 byte 0x{data[exc.start]:02x}; OCL files are UTF-8 text (save the file as UTF-8)"
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        source = data[start : len(data) if end < 0 else end].decode("utf-8", "replace").rstrip("\r")
        raise OclSyntaxError(
            message,
            path=path,
            line=data.count(b"\n", 0, exc.start) + 1,
            column=len(data[start : exc.start].decode("utf-8", "replace")) + 1,
            source_line=source,
        ) from None
    if "\x00" in text:
        at = text.index("\x00")
        raise _Parser(text, path).error(
            "a NUL character: OCL files are text, and this looks like a binary or UTF-16 file", at
        )
    return text


def read_file(path: str | os.PathLike[str]) -> str:
    """The text of one OCL file, a leading BOM kept.

    A regular file of at most MAX_OCL_BYTES, opened without blocking (a FIFO or a device is
    refused, never waited on): OclFileError otherwise. Text that is not UTF-8 or holds NUL
    characters raises OclSyntaxError."""
    from octoscaffold.inputs import MAX_OCL_BYTES, read_bytes

    return decode(read_bytes(path, "OCL file", limit=MAX_OCL_BYTES, error=OclFileError), os.fspath(path))


def _describe(ch: str) -> str:
    if not ch:
        return "end of file"
    if ch == "\n":
        return "end of line"
    if ch.isprintable() and not ch.isspace():
        return repr(ch)
    return f"character U+{ord(ch):04X}"


class _Parser:
    __slots__ = ("text", "path", "n", "line", "line_start", "names")

    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        self.n = len(text)
        self.line = 1
        self.line_start = 0  # offset of the current line's first character
        self.names: dict[str, str] = {}  # one string object per distinct name or key

    # -- positions and errors ------------------------------------------------------------

    def error(self, message: str, pos: int) -> OclSyntaxError:
        text = self.text
        pos = min(pos, self.n)
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        return OclSyntaxError(
            message,
            path=self.path,
            line=text.count("\n", 0, pos) + 1,
            column=pos - start + 1,
            source_line=text[start : self.n if end < 0 else end].rstrip("\r"),
        )

    def skip(self, pos: int) -> int:
        """Skip whitespace including newlines, keeping the line count."""
        end = _WS.match(self.text, pos).end()
        if end != pos:
            newlines = self.text.count("\n", pos, end)
            if newlines:
                self.line += newlines
                self.line_start = self.text.rfind("\n", pos, end) + 1
        return end

    def cr_hint(self, start: int, end: int) -> str:
        """For a file with old Mac line ends: a CR alone ends no line in OCL."""
        if "\r" in self.text[start:end]:
            return " (a CR alone does not end a line: OCL lines end in LF or CRLF; convert the line endings)"
        return ""

    def follow_error(self, pos: int, last_end: int, last_start: int, what: str, message: str, at: int) -> OclSyntaxError:
        """The error for text at `pos` that is not a statement (or entry): `message` at `at`, unless
        it follows the previous statement on the same line (which ended at `last_end`; its value
        started at `last_start`, -1 after a '}'). Then a number or keyword directly followed by it
        is reported as the bad value it was meant to be (`a = 1e6`), and anything else as text
        after that statement."""
        text = self.text
        if last_end < 0 or "\n" in text[last_end:pos]:
            return self.error(message, at)
        if pos == last_end and last_start >= 0 and _SCALAR_PREFIX.match(text, last_start):
            return self.error(self.bad_value(last_start), last_start)
        if message.startswith("comments"):
            return self.error(message, at)
        word = _NAME.match(text, pos)
        shown = repr(word.group()) if word is not None else _describe(text[pos : pos + 1])
        previous = "the value" if last_start >= 0 else "'}'"
        return self.error(
            f"unexpected {shown} after {previous}; expected a new line or another {what}{self.cr_hint(last_end, pos)}", pos
        )

    # -- document and blocks ---------------------------------------------------------------

    def document(self) -> Document:
        """Statements as Octopus's parser reads them: each may follow the previous one on the same
        line (after a value or a '}'), separated by whitespace or by nothing at all."""
        text, n = self.text, self.n
        doc = Document([])
        body = doc.body
        open_blocks: list[Block] = []
        names = self.names
        last_end = last_start = -1  # where the previous statement ended, where its value started
        pos = self.skip(0)
        while pos < n:
            ch = text[pos]
            if ch == "}":
                if not open_blocks:
                    raise self.error("unexpected '}': no block is open here", pos)
                open_blocks.pop()
                body = open_blocks[-1].body if open_blocks else doc.body
                pos += 1
                last_end, last_start = pos, -1
            else:
                match = _NAME.match(text, pos)
                if match is None:
                    raise self.follow_error(pos, last_end, last_start, "attribute or block", self.bad_statement(pos), pos)
                name = names.setdefault(match.group(), match.group())
                line, column = self.line, pos - self.line_start + 1
                after = _SP.match(text, match.end()).end()
                ch = text[after : after + 1]
                if ch == "=":
                    last_start = _SP.match(text, after + 1).end()
                    value, pos = self.value(last_start, True)
                    body.append(Attribute(name, value, line, column))
                    last_end = pos
                elif ch == '"' or ch == "{" or (ch == "\n" and self.brace_follows(after)):
                    block, pos, has_body = self.block_header(name, after, line, column)
                    body.append(block)
                    if has_body:
                        if len(open_blocks) >= MAX_DEPTH:
                            raise self.error(
                                f"blocks nested more than {MAX_DEPTH} levels deep; Octopus's own files nest"
                                " at most a few levels (is this file generated by mistake?)",
                                pos - 1 if text[pos - 1 : pos] == "{" else pos,
                            )
                        open_blocks.append(block)
                        body = block.body
                        last_end = -1
                    else:
                        last_end, last_start = pos, -1
                else:
                    raise self.follow_error(
                        pos, last_end, last_start, "attribute or block",
                        f"expected '=' or a block after {name!r}, found {_describe(ch)}", after,
                    )
            pos = self.skip(pos)
        if open_blocks:
            block = open_blocks[-1]
            raise self.error(
                f"unexpected end of file: block {block.name!r} opened on line {block.line} is not closed",
                n,
            )
        return doc

    def brace_follows(self, pos: int) -> bool:
        """Whether the next text after the whitespace (line breaks included) at `pos` is '{': Octopus
        takes a block's '{' on a later line than its name and labels."""
        return self.text.startswith("{", _WS.match(self.text, pos).end())

    def bad_statement(self, pos: int) -> str:
        ch = self.text[pos]
        if ch == "#" or self.text.startswith("//", pos) or self.text.startswith("/*", pos):
            return "comments are not supported in OCL"
        return f"unexpected {_describe(ch)}; expected an attribute, a block or '}}'"

    def block_header(self, name: str, pos: int, line: int, column: int) -> tuple[Block, int, bool]:
        """Labels and '{' of a block; returns the block, where to go on (after the '{' line's
        whitespace, or after the '}' of an empty block), and whether a body follows."""
        text = self.text
        labels: list[str] = []
        while text.startswith('"', pos):
            label, pos = self.quoted(pos)
            labels.append(label)
            pos = _SP.match(text, pos).end()
        if not text.startswith("{", pos):
            if not self.brace_follows(pos):  # labels stay on the name's line; only '{' may come later
                raise self.error(f"expected '{{' to open block {name!r}, found {_describe(text[pos : pos + 1])}", pos)
            pos = self.skip(pos)
        block = Block(name, labels, [], line, column)
        start = pos + 1
        pos = _SP.match(text, start).end()
        if text.startswith("}", pos):
            return block, pos + 1, False
        if pos < self.n and text[pos] != "\n":
            raise self.error(f"a block's contents must start on a new line after '{{'{self.cr_hint(start, pos)}", pos)
        return block, pos, True

    # -- values --------------------------------------------------------------------------

    def value(self, pos: int, dictionary_allowed: bool):
        """The value starting at `pos`, and the offset just after it."""
        text = self.text
        ch = text[pos : pos + 1]
        line, column = self.line, pos - self.line_start + 1
        if ch == '"':
            value, end = self.quoted(pos)
            return String(value, False, line, column), end
        if ch == "<":
            return self.heredoc(pos, line, column)
        if ch == "[":
            return self.list(pos, line, column)
        if ch == "{":
            if not dictionary_allowed:
                raise self.error("dictionaries cannot be nested; a dictionary value must be a literal", pos)
            return self.dictionary(pos, line, column)
        match = _SCALAR.match(text, pos) or _SCALAR_PREFIX.match(text, pos)
        if match is None:
            raise self.error(self.bad_value(pos), pos)
        number = match.group(1)
        if number is not None:
            return Number(number, line, column), match.end()
        word = match.group(2)
        if word == "null":
            return Null(line, column), match.end()
        return Boolean(word == "true", line, column), match.end()

    def bad_value(self, pos: int) -> str:
        ch = self.text[pos : pos + 1]
        if not ch or ch == "\n" or (ch == "\r" and self.text.startswith("\r\n", pos)):
            return "expected a value before the end of the line"
        if ch == "'":
            return "strings use double quotes"
        word = _NAME.match(self.text, pos)
        if word is not None and word.group()[0] in "0123456789-":
            return f"invalid number {word.group()!r}"
        if word is not None:
            return f"expected a value, found {word.group()!r} (true, false and null are lower case; strings are quoted)"
        return f"expected a value, found {_describe(ch)}"

    def quoted(self, pos: int) -> tuple[str, int]:
        """A double-quoted string at `pos`: its value and the offset after the closing quote."""
        match = _QUOTED.match(self.text, pos)
        if match is None:
            raise self.error(
                "unterminated string: a quoted string must close on the same line (use a heredoc for several lines)",
                pos,
            )
        value = match.group(1)
        if "\\" in value:
            value = self.unescape(value, pos + 1)
        return value, match.end()

    def unescape(self, raw: str, offset: int) -> str:
        def replace(match: re.Match[str]) -> str:
            found = _ESCAPES.get(match.group(1))
            if found is None:
                bad = match.group(1)
                shown = repr(bad)[1:-1] if bad.isprintable() else f"U+{ord(bad):04X}"
                raise self.error(
                    f"unknown escape '\\{shown}' in string; only \\\\, \\\", \\n, \\r and \\t are allowed"
                    " (write a backslash as \\\\)",
                    offset + match.start(),
                )
            return found

        return _ESCAPE.sub(replace, raw)

    def heredoc(self, pos: int, line: int, column: int) -> tuple[String, int]:
        text = self.text
        match = _HEREDOC_OPEN.match(text, pos)
        if match is None:
            raise self.error(f"expected a value, found {_describe(text[pos])}", pos)
        tag = match.group(2)
        if not tag:
            raise self.error("a heredoc needs a tag directly after '<<' or '<<-', e.g. <<-EOT", match.start(2))
        end = match.end()
        if end >= self.n:
            raise self.error(f"unterminated heredoc: no line with closing tag {tag!r}", pos)
        if text[end] != "\n":
            raise self.error(f"unexpected {_describe(text[end])} after heredoc tag {tag!r}; expected a new line", end)
        start = end + 1
        closer = find_closer(text, tag, start)
        if closer is None:
            raise self.error(f"unterminated heredoc: no line with closing tag {tag!r}", pos)
        closer_start, closer_indent, closer_end = closer
        content = text[start:closer_start]
        lines = content[:-1].split("\n") if content else []
        value = read_heredoc_lines(lines, match.group(1) == "-", closer_indent)
        self.line += len(lines) + 1
        self.line_start = closer_start
        return String(value, True, line, column), closer_end

    def list(self, pos: int, line: int, column: int) -> tuple[List, int]:
        text = self.text
        items: list[String | Number] = []
        kind = None
        pos = self.skip(pos + 1)
        if text.startswith("]", pos):
            return List(items, line, column), pos + 1
        while True:
            ch = text[pos : pos + 1]
            start = pos
            item_line, item_column = self.line, pos - self.line_start + 1
            if ch == '"':
                value, pos = self.quoted(pos)
                item, item_kind = String(value, False, item_line, item_column), "string"
            else:
                match = _SCALAR.match(text, pos)
                if match is None or match.group(1) is None:
                    if ch == "]" and items:
                        raise self.error("trailing comma in list", pos)
                    raise self.error(f"lists hold only quoted strings or numbers, found {_describe(ch)}", pos)
                number = match.group(1)
                item, item_kind = Number(number, item_line, item_column), ("decimal" if "." in number else "integer")
                pos = match.end()
            if kind is None:
                kind = item_kind
            elif item_kind != kind:
                article = "an" if item_kind == "integer" else "a"
                raise self.error(
                    f"list items must be all strings, all integers or all decimals; found {article} {item_kind} among {kind}s",
                    start,
                )
            items.append(item)
            pos = self.skip(pos)
            ch = text[pos : pos + 1]
            if ch == ",":
                pos = self.skip(pos + 1)
            elif ch == "]":
                return List(items, line, column), pos + 1
            else:
                raise self.error(f"expected ',' or ']' in list, found {_describe(ch)}", pos)

    def dictionary(self, pos: int, line: int, column: int) -> tuple[Dictionary, int]:
        """Entries are separated as statements are: by whitespace, line breaks or nothing at all."""
        text, n, names = self.text, self.n, self.names
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        last_end = last_start = -1
        pos += 1
        while True:
            pos = self.skip(pos)
            if pos >= n:
                raise self.error(f"unexpected end of file: dictionary opened on line {line} is not closed", pos)
            ch = text[pos]
            if ch == "}":
                return Dictionary(entries, line, column), pos + 1
            key_line, key_column = self.line, pos - self.line_start + 1
            if ch == '"':
                key, after = self.quoted(pos)
            else:
                key = _BARE_KEY.match(text, pos).group()
                after = pos + len(key)
            key = names.setdefault(key, key)
            after = _SP.match(text, after).end()
            if not text.startswith("=", after):
                if ch != '"' and "=" in key:
                    message, at = "write dictionary entries as 'key = value', with a space before '='", pos
                else:
                    message, at = f"expected '=' after key {key!r}, found {_describe(text[after : after + 1])}", after
                raise self.follow_error(pos, last_end, last_start, "entry", message, at)
            if key in seen:
                raise self.error(f"duplicate key {key!r} in dictionary (first on line {seen[key]})", pos)
            seen[key] = key_line
            last_start = _SP.match(text, after + 1).end()
            value, pos = self.value(last_start, False)
            last_end = pos
            entries.append(Entry(key, value, key_line, key_column))
