"""Matchers for the single lines of the delegations block, in English and Russian.

Each ``parse_*`` function takes one normalised text segment and returns a record or ``None`` when
the segment is not that kind of line. ``country`` is set only when the line itself names one;
the block parser fills it from the preceding delegation sentence otherwise.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import (
    COUNTED_NOUN,
    COUNTRY_LINK_TEXT,
    COUNTRY_NAME_ONLY,
    NUMBER_WORD,
    TRAILING_COUNTRY_NAME,
    find_country,
    member_role,
    to_int,
)
from .text import cyrillic_ratio

# Where a new block line starts inside a longer text line. Needed when the whole block is one
# element with bare text nodes, or when a link's text is glued to the next sentence
# ("...kenesh.kg/Delegation of the Federal Assembly"). Case-sensitive on purpose: these words start
# a line with a capital; mid-sentence they are lower case.
_LINE_START = re.compile(
    r"(?:The\s+)?Delegation\s+of\s|Plenipotentiary\s+[Rr]epresentative"
    r"|(?:Official\s+)?(?:Web[- ]?site|Site)\s+of\s"
    r"|Делегаци[яи]\s|Полномочн\w*\s+представител|(?:Официальный\s+)?(?:Веб-|Интернет-)?[Сс]айт\s"
)
# Only the capitalised forms may split a line mid-text.
_SPLIT_OK = re.compile(r"^[A-ZА-ЯЁ]")

_DELEGATION = {
    "en": re.compile(
        r"(?:The\s+)?Delegation\s+of\s+(?:the\s+)?(?P<parl>.+?)\s*to\s+the\s+"
        r"(?:CSTO\s+(?:PA|Parliamentary\s+Assembly)|Parliamentary\s+Assembly\s+of\s+the\s+"
        r"(?:CSTO|Collective\s+Security\s+Treaty\s+Organi[sz]ation))(?![\w])"
        r"\s*[,:]?\s*(?P<rest>.*)",
        re.I | re.S,
    ),
    "ru": re.compile(
        r"Делегаци[яи]\s+(?P<parl>.+?)\s*в\s+(?:ПА\s+ОДКБ|Парламентск\w+\s+Ассамбле\w+\s+"
        r"(?:ОДКБ|Организации\s+Договора\s+о\s+коллективной\s+безопасности))(?![\w])"
        r"\s*[,:]?\s*(?P<rest>.*)",
        re.I | re.S,
    ),
}
# "7 deputies", "twelve members", "7 (seven) deputies"
_ITEM = re.compile(
    rf"(?<![\w-])(?P<count>\d{{1,3}}|{NUMBER_WORD})(?:\s*\([^()]{{1,20}}\))?"
    rf"\s+(?P<noun>{COUNTED_NOUN})(?!\w)",
    re.I,
)
_PHRASE_JOINER = re.compile(r"(?:,|;|\s+(?:and|и)\s*)$", re.I)
_SENTENCE_END = re.compile(r"\.(?=\s|$)")
_TRAILING_JOINERS = re.compile(r"(?:[\s,;:]|\b(?:and|и)\b)+$", re.I)
_LEADING_PREP = re.compile(r"^(?:(?:of|from|in)\s+(?:the\s+)?|(?:из|от|в)\s+)", re.I)

_REPRESENTATIVE = {
    "en": re.compile(
        r"(?P<label>Plenipotentiary\s+representatives?\b[^:]*?)\s*:\s*(?P<v>.*)", re.I
    ),
    "ru": re.compile(r"(?P<label>Полномочн\w*\s+представител\w*[^:]*?)\s*:\s*(?P<v>.*)", re.I),
}
# The label stops at the first colon that is not the one in "http:" (a line may lack the colon).
_LABEL_BODY = r"(?:(?!https?:|www\.)[^:])*?"
_WEBSITE = {
    "en": re.compile(
        rf"(?P<label>(?:Official\s+)?(?:Web[- ]?site|Site)\s+of\b{_LABEL_BODY})\s*:\s*(?P<v>.*)",
        re.I,
    ),
    "ru": re.compile(
        rf"(?P<label>(?:Официальный\s+)?(?:Веб-|Интернет-)?сайт\b{_LABEL_BODY})\s*:\s*(?P<v>.*)",
        re.I,
    ),
}
# ASCII-ish URLs only: a Cyrillic word glued after a link ends the URL.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\u0400-\u04ff]+"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[^\s<>\"'\u0400-\u04ff]*)?",
    re.I,
)
_REP_START = re.compile(r"Plenipotentiary\s+representatives?|Полномочн\w*\s+представител", re.I)
_SITE_START = re.compile(r"(?:Official\s+)?Web[- ]?site\s+of|(?:Официальный\s+)?сайт\s", re.I)


def split_segments(text: str) -> list[str]:
    """Split a text line before every capitalised block-line start, dropping empty pieces."""
    return list(_segments(text))


# Every match of _LINE_START holds one of these (it is case-sensitive): a text without any of
# them is one segment, and is not searched (most of a page's lines are article text).
_LINE_START_WORDS = ("Delegation", "Plenipotentiary", "Web", "Site", "Делегаци", "Полномочн", "айт")


def _has_line_start_word(text: str) -> bool:
    """Whether ``text`` holds one of ``_LINE_START_WORDS`` (spelt out: a generator over them
    costs more than the searches)."""
    return (
        "Delegation" in text or "Plenipotentiary" in text or "Web" in text or "Site" in text
        or "Делегаци" in text or "Полномочн" in text or "айт" in text
    )  # fmt: skip


@lru_cache(maxsize=16384)  # the block's lines recur on every page
def _segments(text: str) -> tuple[str, ...]:
    if not _has_line_start_word(text):
        whole = text.strip()
        return (whole,) if whole else ()
    cuts = [m.start() for m in _LINE_START.finditer(text) if _SPLIT_OK.match(m.group())]
    bounds = [0, *(c for c in cuts if c > 0), len(text)]
    pieces = (text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False))
    return tuple(p for p in pieces if p)


def _clean_tail(tail: str) -> str | None:
    tail = _TRAILING_JOINERS.sub("", tail.strip().rstrip(".").strip())
    tail = _LEADING_PREP.sub("", tail, count=1).strip()
    if not tail or COUNTRY_NAME_ONLY.fullmatch(tail):
        return None
    return tail


def parse_chambers(phrase: str) -> list[dict]:
    """``"10 deputies of the State Duma ... and 12 senators of the Russian Federation"`` -> items.

    Items are cut where a count followed by a counted noun starts, so "and", "и" and commas inside
    a chamber's name never split it. A tail that only names a country is no chamber (``None``).
    Each item keeps its ``phrase``, the words the sentence used for it.
    """
    items = list(_ITEM.finditer(phrase))
    ends = [m.start() for m in items[1:]] + [len(phrase)]
    chambers = []
    for m, end in zip(items, ends[: len(items)], strict=True):
        tail = phrase[m.end() : end]
        chambers.append(
            {
                "count": to_int(m["count"]),
                "member_title": m["noun"],
                "member_role": member_role(m["noun"]),
                "chamber": _clean_tail(tail),
                "phrase": _clean_phrase(phrase[m.start() : end]),
            }
        )
    return chambers


def _clean_phrase(words: str) -> str:
    """One chamber's words, without the joiner to the next ("and", "и", a comma) or the stop."""
    words = " ".join(words.split()).rstrip(".")
    while (trimmed := _PHRASE_JOINER.sub("", words).strip()) != words:
        words = trimmed
    return words


def parse_delegation_sentence(segment: str) -> dict | None:
    """Parse "Delegation of X to the CSTO PA <wording> <counts>." / "Делегация X в ПА ОДКБ ...".

    Returns ``None`` for text that is not a delegation sentence. A sentence that names the
    delegation but whose seat counts cannot be read comes back with ``seats`` ``None`` (garbled).
    """
    for lang, rx in _DELEGATION.items():
        m = rx.match(segment)
        if m:
            language = lang
            break
    else:
        return None
    rest = m["rest"]
    end = _SENTENCE_END.search(rest)
    if end:  # anything after the sentence (e.g. glued member names) is not part of it
        rest = rest[: end.start()]
    text = segment[: m.start("rest") + len(rest)].strip()
    text += "." if end else ""
    chambers = parse_chambers(rest)
    head, *parts = chambers or [None]
    if (
        len(parts) > 1
        and head["chamber"] is None
        and head["count"] == sum(c["count"] for c in parts)
    ):
        chambers = parts  # a total first: "16 members: 8 deputies of ... and 8 senators of ..."
    if not chambers and not re.search(r"\d", rest):
        return None  # a news sentence about a delegation, not the block line
    first = _ITEM.search(rest)
    wording = re.sub(r"\s+", " ", rest[: first.start()] if first else "").strip(" ,:;-–—")
    return {
        "type": "delegation",
        "country": find_country(m["parl"]) or find_country(text),
        "language": language,
        "parliament": m["parl"].strip(" ,"),
        "wording": wording.lower() or None,
        "seats": sum(c["count"] for c in chambers) if chambers else None,
        "chambers": chambers,
        "text": text,
    }


def parse_representative(segment: str) -> dict | None:
    """``"Plenipotentiary representative of X[, suffix]:NAME"`` -> role and name (may be None).

    ``segment`` may hold "\\n" where the page source had a newline (see ``soft_lines``).
    """
    for language, rx in _REPRESENTATIVE.items():
        m = rx.match(segment)
        if m:
            # The name ends at a source newline or where a country link's text is glued on.
            name = TRAILING_COUNTRY_NAME.sub("", m["v"].strip().split("\n")[0])
            label = " ".join(m["label"].split())
            return {
                "type": "representative",
                "country": find_country(label),
                "language": language,
                "name": name.strip().rstrip(".,;").strip() or None,
                "role": label,
            }
    return None


def _unglue_url(url: str, rest: str) -> str:
    """Cut a country link's text glued onto an address: ".../ru/Republic" + " of Kazakhstan"."""
    for m in re.finditer(r"[A-Z]", url):
        if COUNTRY_LINK_TEXT.match(url[m.start() :] + rest):
            return url[: m.start()]
    return url


def _website(language: str, label: str, value: str) -> dict:
    value = value.strip()
    m = _URL.match(value)
    url = _unglue_url(m.group(), value[m.end() :]).rstrip(".,;)") if m else None
    return {
        "type": "website",
        "country": find_country(label),
        "language": language,
        "label": label.strip(),
        "url": url or None,
    }


def parse_website(segment: str) -> dict | None:
    """``"Website of X: URL"`` (nothing after the colon -> url ``None``); also without colon."""
    for language, rx in _WEBSITE.items():
        m = rx.match(segment)
        if m:
            return _website(language, m["label"], m["v"])
    if not _SITE_START.match(segment):  # before looking for an address in a long line
        return None
    url = _URL.search(segment)
    if url and url.group().lower().startswith(("http", "www")):
        label = segment[: url.start()]
        return _website("ru" if cyrillic_ratio(label) > 0.5 else "en", label, url.group())
    return None


# How every record that the block's lines are read as starts: a delegation sentence,
# a representative or a website line (each ``parse_*`` regex above, also with a following
# segment joined on, begins with one of these, under the same re.I). A segment that starts
# otherwise is no block line, and the block reader does not try it.
_RECORD_START = re.compile(
    r"the|delegation|делегаци|plenipotentiary|полномочн|official|web|site"
    r"|официальный|веб-|интернет-|сайт",
    re.I,
)


def may_start_record(segment: str) -> bool:
    """False when no block line can start at ``segment`` (a cheap test before the parsers)."""
    return _RECORD_START.match(segment) is not None


def inert_line(text: str) -> bool:
    """True when no block line can start anywhere in a line of this text: it holds none of
    the words a block line starts with mid-line, so it is one segment, and that segment starts
    like no record. (A line's soft text has the same characters but for whitespace, so this
    holds of it too.)"""
    return not _has_line_start_word(text) and _RECORD_START.match(text) is None


def starts_block_line(segment: str) -> bool:
    """True when ``segment`` begins like a delegation, representative or website line."""
    m = _LINE_START.match(segment)
    return bool(m and _SPLIT_OK.match(m.group()))


_COUNT_START = re.compile(rf"(?:and\s+|и\s+|[,;]\s*)?{_ITEM.pattern}", re.I)


def starts_with_count(segment: str) -> bool:
    """True for the next item of a chamber list: "4 deputies from ...", "and 12 senators ..."."""
    return bool(_COUNT_START.match(segment))


def starts_delegation(segment: str) -> bool:
    return bool(re.match(r"(?:The\s+)?Delegation\s+of\s|Делегаци[яи]\s", segment))


def is_url_only(segment: str) -> bool:
    """A cell or line holding nothing but an address (the value of a website line)."""
    m = _URL.fullmatch(segment.strip().rstrip(".,;"))
    return bool(m and re.match(r"https?://|www\.|\S+\.[a-z]{2,}/?$", segment.strip(), re.I))


def is_name_like(segment: str) -> bool:
    """A person's name on its own: 1-6 capitalised words, no digits, colons or country names."""
    words = segment.split()
    return (
        0 < len(words) <= 6
        and not re.search(r"[\d:@/]", segment)
        and not segment.endswith(".")
        and all(w[0].isupper() for w in words)
        and not COUNTRY_LINK_TEXT.fullmatch(segment)
        and not starts_block_line(segment)
    )


def looks_like_block_line(segment: str) -> bool:
    """True for a representative line, or a website line with an address, even if unparsable.

    A bare "Сайт ..." is not enough: "Сайт на техническом обслуживании" is no block line.
    """
    if _REP_START.match(segment):
        return True
    return bool(_SITE_START.match(segment) and re.search(r"https?://|www\.", segment))
