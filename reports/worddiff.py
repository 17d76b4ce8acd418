"""Word-level differences of scraped text, and how each report format shows them.

A diff is a list of ``(op, text)`` pieces, ``op`` being ``=`` (kept), ``-`` (deleted) or ``+``
(inserted). Markdown and plain text show ``[-old-]{+new+}`` (git's word-diff style); HTML shows
``<del>``/``<ins>``. Long unchanged stretches are shortened to a few words of context.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from markupsafe import Markup, escape

from store.compare import common_ends, common_suffix

Piece = tuple[str, str]
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
CONTEXT_WORDS = 8
_NEWLINE = "\n"  # f-string expressions of Python 3.11 take no backslash


def word_diff(old: str | None, new: str | None) -> list[Piece]:
    """Pieces turning ``old`` into ``new``, compared word by word (punctuation on its own)."""
    return list(_word_diff(old or "", new or ""))


@lru_cache(maxsize=4096)  # a report describes a change and then shows it: one diff for both
def _word_diff(old: str, new: str) -> tuple[Piece, ...]:
    # An edit of a long text is usually local: the words before and after it are kept as they
    # are, and only the middle is tokenised and matched (tokenising a whole article is the
    # slow part, and the matcher is quadratic in what it is given). The kept head and tail are
    # found on the characters, then moved back to a token boundary of both texts: a token
    # depends only on the characters next to it, so the head and tail are exactly the equal
    # leading and trailing tokens a token-by-token comparison finds.
    head, tail = common_ends(old, new)
    room = min(len(old), len(new)) - head  # what the tail could take beside the head
    while not (_boundary(old, head) and _boundary(new, head)):
        head -= 1
    if tail == room and room < min(len(old), len(new)) - head:  # the tail stopped at the head
        tail = common_suffix(old, new, min(len(old), len(new)) - head)
    while not (_boundary(old, len(old) - tail) and _boundary(new, len(new) - tail)):
        tail -= 1
    pieces: list[Piece] = []
    _add(pieces, "=", old[:head])
    middle_a = _TOKEN.findall(old, head, len(old) - tail)
    middle_b = _TOKEN.findall(new, head, len(new) - tail)
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(pieces, "=", "".join(middle_a[i1:i2]))
            continue
        if i2 > i1:
            _add(pieces, "-", "".join(middle_a[i1:i2]))
        if j2 > j1:
            _add(pieces, "+", "".join(middle_b[j1:j2]))
    _add(pieces, "=", old[len(old) - tail :])
    return tuple(_join_runs(_tidy(pieces)))


def _kind(char: str) -> int:
    """What ``_TOKEN`` makes of a character: a run of spaces, a run of word characters, or a
    token of its own (``\\s`` is ``str.isspace``, ``\\w`` ``str.isalnum`` or ``_``)."""
    if char.isspace():
        return 0
    return 1 if char.isalnum() or char == "_" else 2


def _boundary(text: str, index: int) -> bool:
    """Whether a token of ``text`` starts (or ends) at ``index``."""
    if index <= 0 or index >= len(text):
        return True
    kind = _kind(text[index])
    return kind == 2 or kind != _kind(text[index - 1])


def _join_runs(pieces: list[Piece]) -> list[Piece]:
    """``[-consists-]{+is+} [-of-]{+represented by+}`` -> ``[-consists of-]{+is represented by+}``:
    changes separated by nothing but a space read as one change."""
    out: list[Piece] = []
    run: list[Piece] = []  # change pieces (and the spaces between them) not yet emitted

    def flush() -> None:
        old = "".join(t for op, t in run if op in "-=")
        new = "".join(t for op, t in run if op in "+=")
        if any(op == "-" for op, _ in run):
            _add(out, "-", old)
        if any(op == "+" for op, _ in run):
            _add(out, "+", new)
        run.clear()

    for index, (op, text) in enumerate(pieces):
        between = 0 < index < len(pieces) - 1 and pieces[index + 1][0] != "="
        if op != "=" or (run and not text.strip() and between):
            run.append((op, text))
            continue
        flush()
        _add(out, op, text)
    flush()
    return out


def _add(pieces: list[Piece], op: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))


def _tidy(pieces: list[Piece]) -> list[Piece]:
    """Move a change's edge spaces into the kept text, so markers hug the words."""
    out: list[Piece] = []
    for op, text in pieces:
        if op == "=" or not text.strip():
            _add(out, op, text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        _add(out, "=", lead)
        _add(out, op, text.strip())
        _add(out, "=", trail)
    return out


def changed_words(pieces: list[Piece]) -> int:
    return sum(len(text.split()) for op, text in pieces if op != "=")


def shorten(pieces: list[Piece], context: int = CONTEXT_WORDS) -> list[Piece]:
    """Keep ``context`` words around each change; elide the rest of unchanged stretches."""
    out: list[Piece] = []
    last = len(pieces) - 1
    for index, (op, text) in enumerate(pieces):
        keep_head = context if index > 0 else 0
        keep_tail = context if index < last else 0
        most = keep_head + keep_tail + 2
        first = _first_words(text, most) if op == "=" else []
        if op != "=" or len(first) <= most:
            out.append((op, text))
            continue
        lead, trail = _edge_spaces(text)
        head = " ".join(first[:keep_head]) + " " if keep_head else ""
        tail = " " + " ".join(_last_words(text, keep_tail)) if keep_tail else ""
        out.append(("=", f"{lead}{head}…{tail}{trail}"))
    return out


# Only the words kept are split off an unchanged stretch (an article's text is long): they
# are looked for in a window at its start or end, and the whole text is split only when the
# window holds too few of them (words longer than _WORD_ROOM characters on average).
_WORD_ROOM = 40


def _first_words(text: str, count: int) -> list[str]:
    """``text.split(None, count)``: the first ``count`` words and the rest, when there are
    more (then only the length of the answer and its first ``count`` words are of use)."""
    found = text[: (count + 1) * _WORD_ROOM].split(None, count)
    return found if len(found) > count else text.split(None, count)


def _last_words(text: str, count: int) -> list[str]:
    """The last ``count`` words of ``text`` (which has more than that)."""
    found = text[-(count + 1) * _WORD_ROOM :].rsplit(None, count)
    return (found if len(found) > count else text.rsplit(None, count))[1:]


def _edge_spaces(text: str) -> tuple[str, str]:
    """The white space ``text`` starts and ends with (``strip`` would copy the text)."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[:start], text[end:]


_OPEN = {"=": "", "-": "[-", "+": "{+"}
_CLOSE = {"=": "", "-": "-]", "+": "+}"}


def diff_text(pieces: list[Piece], escape_text=None) -> str:
    """``[-old-]{+new+}`` form; ``escape_text`` escapes each piece for the target format."""
    escape = escape_text or str  # str of a str is that very str
    return "".join(
        [f"{_OPEN[op]}{escape(text.replace(_NEWLINE, ' '))}{_CLOSE[op]}" for op, text in pieces]
    )


def diff_html(pieces: list[Piece]) -> Markup:
    """``<del>``/``<ins>`` form, every piece of text escaped."""
    tags = {"-": "del", "+": "ins"}
    out = Markup("")
    for op, text in pieces:
        if op == "=":
            out += escape(text)
        else:
            out += Markup(f"<{tags[op]}>") + escape(text) + Markup(f"</{tags[op]}>")
    return out
