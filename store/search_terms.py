"""The words of news search: Snowball stems in Russian and English, a query's terms, the
FTS5 and ``to_tsquery`` texts made of them, and the ranking and snippets of the search that
runs without a database index (``store.search``'s fallback)."""

from __future__ import annotations

import re
from functools import cache

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
_TERM = re.compile(r'"([^"]+)"|(\w+)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer(language)


def stem(word: str) -> str:
    """A word's Snowball stem, lower-case, ``ё`` as ``е``: Russian for Cyrillic, else English."""
    word = word.lower().replace("ё", "е")
    if word.isdigit():
        return word
    return _stemmer("russian" if _CYRILLIC.search(word) else "english").stemWord(word)


def stems(textual: str | None) -> list[str]:
    return [stem(w) for w in _WORD.findall(textual or "")]


def query_terms(query: str) -> list[tuple[str, bool]]:
    """``'senators "model law"'`` -> [("senators", True), ("model law", False)] (prefix?)."""
    return [(phrase or word, not phrase) for phrase, word in _TERM.findall(query)]


def stemmed_terms(query: str) -> list[tuple[list[str], bool]]:
    """Each term of ``query`` as its stems (a phrase has several) and whether it is a prefix."""
    terms = [(stems(term), prefix) for term, prefix in query_terms(query)]
    return [(words, prefix) for words, prefix in terms if words]


def fts_query(query: str) -> str:
    """The FTS5 query over stems: ``senators "model law"`` -> ``"senat"* "model law"``."""
    return " ".join(
        '"' + " ".join(words) + '"' + ("*" if prefix else "")
        for words, prefix in stemmed_terms(query)
    )


def ts_query(query: str) -> str:
    """The PostgreSQL ``to_tsquery`` text: each word's prefix ``:*``, a phrase with ``<->``."""
    parts = []
    for term, prefix in query_terms(query):
        words = [re.sub(r"[^\w]", "", w) for w in _WORD.findall(term)]
        words = [w for w in words if w]
        if words:
            parts.append(" <-> ".join(words) + (":*" if prefix else ""))
    return " & ".join(parts)


def _count(words: list[str], term: list[str], prefix: bool) -> int:
    """How often ``term`` (a word's or a phrase's stems) occurs in ``words`` (stems)."""
    n = len(term)
    found = 0
    for i in range(len(words) - n + 1):
        head, last = words[i : i + n - 1], words[i + n - 1]
        if head == term[:-1] and (last.startswith(term[-1]) if prefix else last == term[-1]):
            found += 1
    return found


def score_content(content: dict, terms: list[tuple[list[str], bool]]) -> float:
    title, body = stems(content.get("title")), stems(content.get("body"))
    score = 0.0
    for term, prefix in terms:
        found = _count(title, term, prefix) * TITLE_WEIGHT + _count(body, term, prefix)
        if not found:
            return 0.0  # every term must match, as in FTS5
        score += found
    return score


def content_snippet(content: dict, terms: list[tuple[list[str], bool]], width: int = 60) -> str:
    """Some words around the first match in the body (else the title), matches in brackets."""
    wanted = [(words[0], prefix or len(words) > 1) for words, prefix in terms]

    def hit(word: str) -> bool:
        s = stem(word)
        return any(s.startswith(w) if p else s == w for w, p in wanted)

    body, title = content.get("body") or "", content.get("title") or ""
    textual = body if any(hit(m.group()) for m in _WORD.finditer(body)) else title
    first = next((m.start() for m in _WORD.finditer(textual) if hit(m.group())), 0)
    start, end = max(0, first - width), min(len(textual), first + width)
    piece = _WORD.sub(
        lambda m: f"[{m.group()}]" if hit(m.group()) else m.group(), textual[start:end]
    )
    return ("…" if start else "") + " ".join(piece.split()) + ("…" if end < len(textual) else "")
