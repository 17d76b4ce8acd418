"""Decoding, and flattening a page into the lines of text a reader sees.

The national parsers never look for a class name or an id. A page is flattened into logical lines:
block-level elements and ``<br>`` end a line, inline elements (links, spans, bold) do not. Each
line keeps its structural context - heading level, whether it sits in page chrome (``nav``,
``footer``, ``aside``, a page-level ``header``, or the equivalent ARIA roles), how much of it is
link text, its innermost block element - which is all the parsers need to tell content from chrome.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector
from w3lib.encoding import html_body_declared_encoding, html_to_unicode


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


BLOCK_TAGS = words(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 header hgroup hr "
    "html legend li main menu nav noframes ol p pre section summary table tbody td tfoot th "
    "thead tr ul"
)
SKIP_TAGS = words(
    "head script style template noscript iframe object embed svg math select textarea button "
    "canvas audio video map option"
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
CHROME_TAGS = frozenset({"nav", "footer", "aside", "menu"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu"})
CONTENT_TAGS = frozenset({"article", "main", "section"})

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")
_LOWER_CYRILLIC = re.compile(r"[а-яё]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def norm(text: str) -> str:
    """NFC, no soft hyphens or zero-width characters, single spaces (``&nbsp;`` included)."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def _guess_encoding(body: bytes) -> str:
    """Used only when neither the HTTP header, a BOM nor a ``<meta>`` declares a charset."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode a response body: BOM, HTTP charset, ``<meta>`` charset, then a UTF-8/cp1251 guess.

    A header charset that garbles the body (many U+FFFD) loses to the ``<meta>`` declaration,
    then to windows-1251: old government CMSs declare windows-1251 only in ``<meta>`` while the
    server claims UTF-8.
    """
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_encoding)
    if text.count("\ufffd") > 5:
        declared = html_body_declared_encoding(body) or "cp1251"
        _, retry = html_to_unicode(f"text/html; charset={declared}", body)
        if retry.count("\ufffd") < text.count("\ufffd"):
            text = retry
    elif "utf" not in encoding.lower() and re.search(rb"[\x80-\xff]", body):
        # UTF-8 declared as windows-1251 decodes without errors, as mojibake ("РџР°Р»")
        try:
            utf8 = body.decode("utf-8")
        except UnicodeDecodeError:
            return text
        if len(_LOWER_CYRILLIC.findall(utf8)) > len(_LOWER_CYRILLIC.findall(text)):
            _, text = html_to_unicode("text/html; charset=utf-8", body)
    return text


def parse_html(html: str) -> Any | None:
    """The lxml root of ``html`` (``None`` for an empty document)."""
    if not html or not html.strip():
        return None
    return Selector(text=html).root


def is_hidden(el: Any) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def tag_of(el: Any) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def _is_content(el: Any) -> bool:
    return tag_of(el) in CONTENT_TAGS or (el.get("role") or "").strip().lower() == "main"


def _chrome_kind(el: Any, tag: str, in_content: bool) -> str | None:
    role = (el.get("role") or "").strip().lower()
    if tag in CHROME_TAGS or role in CHROME_ROLES:
        return tag if tag in CHROME_TAGS else role
    if tag == "header" and not in_content:
        return "header"
    return None


def in_chrome(el: Any) -> bool:
    """Whether ``el`` (or an ancestor) is page chrome, by the same rules as :func:`flatten`."""
    chain = [el, *el.iterancestors()]
    for i, node in enumerate(chain):
        tag = tag_of(node)
        if tag is None:
            continue
        in_content = any(_is_content(a) for a in chain[i + 1 :])
        if _chrome_kind(node, tag, in_content) or is_hidden(node):
            return True
    return False


@dataclass(frozen=True, eq=False)
class Line:
    """One logical line of visible text."""

    index: int
    text: str
    block: Any  # innermost block-level lxml element
    heading: int = 0  # 1..6 inside <hN>, else 0
    chrome: bool = False
    link_ratio: float = 0.0  # share of the characters that are link text
    datetime: str | None = None  # a <time datetime="..."> value inside the line
    caption: bool = False  # inside <figcaption>


@dataclass(frozen=True)
class _Ctx:
    block: Any
    heading: int = 0
    chrome: bool = False
    link: bool = False
    content: bool = False
    caption: bool = False


class _Builder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._pieces: list[str] = []
        self._link = 0
        self._ctx: _Ctx | None = None
        self._datetime: str | None = None

    def add(self, text: str | None, ctx: _Ctx) -> None:
        if not text:
            return
        if self._ctx is None and text.strip():
            self._ctx = ctx
        self._pieces.append(text)
        if ctx.link:
            self._link += len(norm(text))

    def note_datetime(self, value: str | None) -> None:
        if value and value.strip() and self._datetime is None:
            self._datetime = value.strip()

    def flush(self) -> None:
        text = norm("".join(self._pieces))
        ctx = self._ctx
        if text and ctx is not None:
            ratio = min(1.0, self._link / len(text))
            self.lines.append(
                Line(len(self.lines), text, ctx.block, ctx.heading, ctx.chrome, ratio,
                     self._datetime, ctx.caption)
            )  # fmt: skip
        self._pieces, self._link, self._ctx, self._datetime = [], 0, None, None


def flatten(root: Any) -> list[Line]:
    """Flatten an lxml (sub)tree into :class:`Line` objects, in document order."""
    out = _Builder()
    top = _Ctx(block=root, chrome=root is not None and in_chrome(root))
    stack: list[tuple[bool, Any, _Ctx]] = [(True, root, top)]
    while stack:
        start, el, parent = stack.pop()
        tag = tag_of(el)
        if not start:
            if tag in BLOCK_TAGS:
                out.flush()
            if el is not root:
                out.add(el.tail, parent)
            continue
        if tag is None or tag in SKIP_TAGS or is_hidden(el):
            stack.append((False, el, parent))
            continue
        content = parent.content or _is_content(el)
        ctx = _Ctx(
            block=el if tag in BLOCK_TAGS else parent.block,
            heading=HEADINGS.get(tag, parent.heading),
            chrome=parent.chrome or _chrome_kind(el, tag, parent.content) is not None,
            link=parent.link or (tag == "a" and el.get("href") is not None),
            content=content,
            caption=parent.caption or tag == "figcaption",
        )
        if tag in BLOCK_TAGS or tag == "br":
            out.flush()
        if tag == "time":
            out.note_datetime(el.get("datetime"))
        out.add(el.text, ctx)
        stack.append((False, el, parent))
        stack.extend((True, child, ctx) for child in reversed(el))
    out.flush()
    return out.lines


def element_text(el: Any) -> str:
    """Visible text of ``el``, lines joined by a space (``<br>`` never glues two words)."""
    return " ".join(line.text for line in flatten(el))


def contains(ancestor: Any, el: Any) -> bool:
    """Whether ``el`` is ``ancestor`` or inside it."""
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def common_ancestor(elements: list[Any]) -> Any:
    """The deepest element containing all of ``elements``."""
    chain = [elements[0], *elements[0].iterancestors()]
    for candidate in chain:
        if all(contains(candidate, el) for el in elements[1:]):
            return candidate
    return chain[-1]


def subtree_ids(el: Any) -> tuple[set[int], list[Any]]:
    """ids of ``el`` and its descendants, and the nodes themselves: keep the list alive while
    using the ids (lxml proxies that nobody references are freed and their ids reused)."""
    nodes = list(el.iter())
    return {id(node) for node in nodes}, nodes


def lines_within(lines: list[Line], el: Any) -> list[Line]:
    """The lines whose block is ``el`` or inside it."""
    ids, _nodes = subtree_ids(el)
    return [line for line in lines if id(line.block) in ids]


def base_href(root: Any, url: str) -> str:
    """The page URL, or its ``<base href>`` when it has one."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(url, href)
    return url


def absolute_url(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``, fragment dropped; None for non-page links."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    if re.match(r"(?i)(javascript|mailto|tel|data|callto|skype):", href):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def links(root: Any) -> Iterator[Any]:
    """Visible ``<a href>`` elements, in document order."""
    for a in root.iter("a"):
        if a.get("href") is not None and not any(
            tag_of(n) in SKIP_TAGS or is_hidden(n) for n in (a, *a.iterancestors())
        ):
            yield a
