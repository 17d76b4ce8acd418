"""Turn an HTML page into logical text lines.

The parsers never look for a class name or an id. Instead the page is flattened into the lines a
reader would see: block-level elements and ``<br>`` end a line, inline elements (links, spans,
bold) do not. Each line keeps a little structural context (heading level, whether it sits in
page chrome, how much of it is link text, its innermost block element) for the article parser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree
from parsel import Selector
from w3lib.encoding import html_to_unicode

# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
    "legend", "li", "main", "menu", "nav", "noframes", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
SKIP_TAGS = frozenset({
    "head", "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
    "select", "textarea", "button", "canvas", "audio", "video", "map",
})
# fmt: on
HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
CHROME_ROLES = {"navigation": "nav", "banner": "header", "contentinfo": "footer"}
CHROME_ROLES["complementary"] = "aside"

_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'"} | {
    "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
})  # fmt: skip
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def normalize_text(text: str) -> str:
    """NFC, no invisible characters, straight quotes, single spaces (``&nbsp;`` included).

    Russian «guillemets» are kept: they are the normal Russian quotes, not a typographic variant.
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()


def soft_lines(text: str) -> str:
    """Like :func:`normalize_text`, but a whitespace run holding a source newline becomes "\\n".

    Browsers render those newlines as spaces; they are kept only as a hint where a value ends
    when a whole block is bare text nodes in one element (a name followed by a country link).
    """
    runs = re.split(r"[ \t\f\v]*(?:\r\n|\r|\n)\s*", text)
    parts = (normalize_text(run) for run in runs)
    return "\n".join(p for p in parts if p)


def cyrillic_ratio(text: str) -> float:
    """Share of Cyrillic among the Cyrillic + Latin letters of ``text`` (0.0 without letters)."""
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    return cyr / (cyr + lat) if cyr + lat else 0.0


def detect_language(text: str) -> str:
    """``"ru"`` when most letters are Cyrillic, else ``"en"``."""
    return "ru" if cyrillic_ratio(text) > 0.5 else "en"


def _guess_bytes_encoding(body: bytes) -> str:
    """Used only when neither HTTP header, BOM nor ``<meta>`` declares a charset."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def decode_body(body: bytes | str, content_type: str | None = None) -> tuple[str, str | None]:
    """Decode a response body as served; return ``(text, encoding)``.

    Order: BOM, HTTP ``Content-Type`` charset, ``<meta>`` charset / http-equiv, then a UTF-8 or
    windows-1251 guess. A header charset that garbles the body (many U+FFFD) loses to the
    ``<meta>`` declaration or the guess - old CMS pages declare windows-1251 only in ``<meta>``.
    """
    if isinstance(body, str):
        return body, None
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_bytes_encoding)
    if text.count("\ufffd") > 10 and content_type:  # retry without the (wrong) header charset
        retried, text2 = html_to_unicode(None, body, auto_detect_fun=_guess_bytes_encoding)
        if text2.count("\ufffd") < text.count("\ufffd"):
            encoding, text = retried, text2
    return text, encoding


@dataclass(frozen=True)
class Line:
    """One logical line of visible text."""

    index: int
    text: str
    block: Any = field(repr=False, compare=False)  # innermost block-level lxml element
    heading: int = 0  # 1..6 inside <hN>, else 0
    chrome: str | None = None  # "nav" | "header" | "footer" | "aside" | None
    link_ratio: float = 0.0  # share of the characters that are link text
    datetime: str | None = None  # a <time datetime="..."> value inside the line
    soft: str = ""  # the text with source newlines kept as "\n" (see soft_lines)


@dataclass(frozen=True)
class _Ctx:
    block: Any
    heading: int = 0
    chrome: str | None = None
    in_link: bool = False
    in_article: bool = False


def _child_ctx(el: Any, tag: str, parent: _Ctx) -> _Ctx:
    chrome = parent.chrome
    in_article = parent.in_article or tag in ("article", "main")
    role = (el.get("role") or "").strip().lower()
    if chrome in (None, "header"):  # a <nav> inside the site <header> is "nav"
        if tag in ("nav", "footer", "aside", "menu"):
            chrome = "nav" if tag == "menu" else tag
        elif role in CHROME_ROLES and CHROME_ROLES[role] != "header":
            chrome = CHROME_ROLES[role]
        elif chrome is None and (tag == "header" or role == "banner") and not in_article:
            chrome = "header"
    return _Ctx(
        block=el if tag in BLOCK_TAGS else parent.block,
        heading=HEADING_LEVELS.get(tag, parent.heading),
        chrome=chrome,
        in_link=parent.in_link or tag == "a",
        in_article=in_article,
    )


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._pieces: list[str] = []
        self._link_chars = 0
        self._ctx: _Ctx | None = None
        self._datetime: str | None = None

    def add(self, text: str | None, ctx: _Ctx) -> None:
        if not text:
            return
        if self._ctx is None and text.strip():
            self._ctx = ctx
        self._pieces.append(text)
        if ctx.in_link:
            self._link_chars += len(text.strip())

    def note_datetime(self, value: str | None) -> None:
        if value and self._datetime is None:
            self._datetime = value.strip()

    def flush(self) -> None:
        raw = "".join(self._pieces)
        text = normalize_text(raw)
        if text and self._ctx is not None:
            ctx, ratio = self._ctx, min(1.0, self._link_chars / len(text))
            line = Line(len(self.lines), text, ctx.block, ctx.heading, ctx.chrome, ratio)
            self.lines.append(replace(line, datetime=self._datetime, soft=soft_lines(raw)))
        self._pieces, self._link_chars, self._ctx, self._datetime = [], 0, None, None


def html_to_lines(root: Any) -> list[Line]:
    """Flatten an lxml tree into logical :class:`Line` objects, in document order."""
    out = _LineBuilder()
    # Explicit stack instead of recursion: unclosed tags can nest very deep.
    stack: list[tuple[bool, Any, _Ctx]] = [(True, root, _Ctx(block=root))]
    while stack:
        start, el, parent = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if not start:  # end of ``el``: ``parent`` is the context of el's parent
            if tag in BLOCK_TAGS:
                out.flush()
            if el is not root:
                out.add(el.tail, parent)
            continue
        if tag is None or tag in SKIP_TAGS:  # comments, PIs, scripts: only the tail counts
            stack.append((False, el, parent))
            continue
        ctx = _child_ctx(el, tag, parent)
        if tag in BLOCK_TAGS or tag == "br":
            out.flush()
        if tag == "time":
            out.note_datetime(el.get("datetime"))
        out.add(el.text, ctx)
        stack.append((False, el, parent))
        stack.extend((True, child, ctx) for child in reversed(el))
    out.flush()
    return out.lines


@dataclass
class Document:
    """A decoded page: its URL, ``<title>``, logical lines and the encoding used."""

    url: str
    lines: list[Line]
    title: str | None = None
    encoding: str | None = None

    @classmethod
    def from_html(
        cls, body: bytes | str, url: str = "", content_type: str | None = None
    ) -> Document:
        text, encoding = decode_body(body, content_type)
        if not text.strip():
            return cls(url, [], None, encoding)
        root = Selector(text=text, type="html").root
        titles = root.xpath("//title") if isinstance(root, etree._Element) else []
        title = normalize_text(titles[0].text_content()) if titles else None
        lines = html_to_lines(root) if isinstance(root, etree._Element) else []
        return cls(url, lines, title or None, encoding)

    def text(self, *, skip_chrome: bool = False) -> str:
        return "\n".join(ln.text for ln in self.lines if not (skip_chrome and ln.chrome))
