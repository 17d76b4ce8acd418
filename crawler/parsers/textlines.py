"""Turn an HTML page (or part of one) into the logical lines of text a reader sees.

The parsers never look for a class name or an id. Instead the page is flattened into lines:
block-level elements and ``<br>`` end a line, inline elements (links, spans, bold) do not. Each
line keeps a little structural context - heading level, whether it sits in page chrome and which,
how much of it is link text, its innermost block element - which is all the parsers need to tell
content from chrome.

Both parser families use this one flattener. They differ in a few rules, kept side by side in
:class:`Reading`: :data:`ASSEMBLY` for the assembly's pages, :data:`NATIONAL` for the national
parliaments' (which also skip hidden elements, and count a ``<section>`` as content).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree
from parsel import Selector
from parsel.selector import create_root_node

from .text import decode_body, normalize_text, soft_lines
from .tree import BLOCK_TAGS, NATIONAL_SKIP_TAGS, SKIP_TAGS, is_hidden, subtree_ids, tag_of

HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "menu"})
# The assembly's chrome kinds by ARIA role (a "banner" counts only outside the article).
_ASSEMBLY_ROLES = {"navigation": "nav", "contentinfo": "footer", "complementary": "aside"}
_NATIONAL_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu"}
)
_NATIONAL_CONTENT = frozenset({"article", "main", "section"})
# fmt: off
# Inline elements that, without a role, leave block, heading, chrome, link and caption as they are.
_PLAIN_INLINE = frozenset({
    "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "del", "em", "font", "i", "img",
    "input", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})
# fmt: on


@dataclass(frozen=True, eq=False)
class Line:
    """One logical line of visible text."""

    index: int
    text: str
    block: Any = field(repr=False)  # innermost block-level lxml element
    heading: int = 0  # 1..6 inside <hN>, else 0
    chrome: str | None = None  # the kind of chrome it sits in ("nav", "footer", ...), else None
    link_ratio: float = 0.0  # share of the characters that are link text
    datetime: str | None = None  # a <time datetime="..."> value inside the line
    caption: bool = False  # inside <figcaption>
    raw: str = field(default="", repr=False)  # the text as in the source, before normalising

    @cached_property
    def soft(self) -> str:
        """The text with source newlines kept as "\\n" (see :func:`.text.soft_lines`)."""
        return soft_lines(self.raw)


class _Ctx:
    """What an element's text inherits from the elements around it. ``content``: inside the
    page's content (``article`` / ``main``; for the national reading also ``section`` and
    ``role="main"``), where a ``header`` is no chrome."""

    __slots__ = ("block", "heading", "chrome", "link", "content", "caption")

    def __init__(
        self,
        block: Any,
        heading: int = 0,
        chrome: str | None = None,
        link: bool = False,
        content: bool = False,
        caption: bool = False,
    ) -> None:
        self.block, self.heading, self.chrome = block, heading, chrome
        self.link, self.content, self.caption = link, content, caption


@dataclass(frozen=True)
class Reading:
    """One parser family's rules for reading a page.

    ``national``: skip hidden elements and ``<option>``; chrome is any ``nav`` / ``footer`` /
    ``aside`` / ``menu``, a chrome ARIA role, or a ``header`` outside ``article`` / ``main`` /
    ``section``; a link is an ``<a href>``; link text is measured normalised; typographic quotes
    are kept. Otherwise (the assembly): a ``nav`` inside the site ``header`` is "nav", a ``header``
    or ``role="banner"`` is chrome only outside ``article`` / ``main``; any ``<a>`` is a link;
    link text is measured stripped; quotes are made straight.
    """

    national: bool

    @property
    def skip_tags(self) -> frozenset[str]:
        return NATIONAL_SKIP_TAGS if self.national else SKIP_TAGS

    def top(self, root: Any) -> _Ctx:
        """The context of ``root``'s parent: a part of a page may sit in chrome already."""
        return _Ctx(root, chrome=chrome_of(root) if self.national else None)

    def child(self, el: Any, tag: str, parent: _Ctx) -> _Ctx:
        role = el.get("role")
        role = role.strip().lower() if role else ""
        if self.national:
            chrome = parent.chrome or _national_chrome(tag, role, parent.content)
            content = parent.content or tag in _NATIONAL_CONTENT or role == "main"
            link = parent.link or (tag == "a" and el.get("href") is not None)
        else:
            content = parent.content or tag in ("article", "main")
            chrome = _assembly_chrome(tag, role, parent.chrome, content)
            link = parent.link or tag == "a"
        return _Ctx(
            el if tag in BLOCK_TAGS else parent.block,
            HEADING_LEVELS.get(tag, parent.heading),
            chrome,
            link,
            content,
            parent.caption or tag == "figcaption",
        )

    def link_chars(self, text: str) -> int:
        if self.national:
            return len(normalize_text(text, straight_quotes=False))
        return len(text.strip())


ASSEMBLY = Reading(national=False)
NATIONAL = Reading(national=True)


def _assembly_chrome(tag: str, role: str, chrome: str | None, in_article: bool) -> str | None:
    if chrome not in (None, "header"):
        return chrome
    if tag in _CHROME_TAGS:  # a <nav> inside the site <header> is "nav"
        return "nav" if tag == "menu" else tag
    if role in _ASSEMBLY_ROLES:
        return _ASSEMBLY_ROLES[role]
    if chrome is None and (tag == "header" or role == "banner") and not in_article:
        return "header"
    return chrome


def _national_chrome(tag: str, role: str, in_content: bool) -> str | None:
    if tag in _CHROME_TAGS:
        return tag
    if role in _NATIONAL_ROLES:
        return role
    return "header" if tag == "header" and not in_content else None


def _is_content(el: Any, tag: str | None) -> bool:
    return tag in _NATIONAL_CONTENT or (el.get("role") or "").strip().lower() == "main"


def chrome_of(el: Any) -> str | None:
    """The chrome ``el`` (or an ancestor) sits in by the national rules, ``"hidden"`` for a
    hidden ancestor, else None: what :func:`flatten` would say of its text."""
    in_content = False
    for node in reversed([el, *el.iterancestors()]):
        tag = tag_of(node)
        if tag is None:
            continue
        role = (node.get("role") or "").strip().lower()
        kind = _national_chrome(tag, role, in_content)
        if kind or is_hidden(node):
            return kind or "hidden"
        in_content = in_content or _is_content(node, tag)
    return None


def in_chrome(el: Any) -> bool:
    """Whether ``el`` (or an ancestor) is page chrome or hidden, by the national rules."""
    return chrome_of(el) is not None


class _LineBuilder:
    def __init__(self, reading: Reading) -> None:
        self.reading = reading
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
        if ctx.link:
            self._link_chars += self.reading.link_chars(text)

    def note_datetime(self, value: str | None) -> None:
        """The first ``<time datetime>`` of the line (the assembly keeps a blank one too)."""
        if value and self._datetime is None and (value.strip() or not self.reading.national):
            self._datetime = value.strip()

    def flush(self) -> None:
        if not self._pieces:  # nothing to write, but a <time> met so far belongs to no line
            self._datetime = None
            return
        raw = "".join(self._pieces)
        ctx = self._ctx  # None: the pieces are all whitespace, which normalise to nothing
        text = "" if ctx is None else normalize_text(raw, straight_quotes=not self.reading.national)
        if text and ctx is not None:
            ratio = min(1.0, self._link_chars / len(text))
            self.lines.append(
                Line(len(self.lines), text, ctx.block, ctx.heading, ctx.chrome, ratio,
                     self._datetime, ctx.caption, raw)
            )  # fmt: skip
        self._pieces, self._link_chars, self._ctx, self._datetime = [], 0, None, None


def flatten(root: Any, reading: Reading) -> list[Line]:
    """Flatten an lxml element (a page or part of one) into :class:`Line` objects, in document
    order. lxml walks the tree, so unclosed tags nested very deep are no problem."""
    out = _LineBuilder(reading)
    add, flush, child = out.add, out.flush, reading.child
    skip_tags, skip_hidden = reading.skip_tags, reading.national
    stack = [reading.top(root)]
    blocks: list[bool] = []  # whether each open element is block-level (its end ends a line)
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            parent = stack[-1]
            tag = el.tag.lower()
            block = tag in BLOCK_TAGS
            blocks.append(block)
            if tag in skip_tags or (skip_hidden and is_hidden(el)):
                walker.skip_subtree()  # its "end" still comes: a block still ends the line there
                stack.append(parent)
                continue
            if tag in _PLAIN_INLINE and el.get("role") is None:
                ctx = parent  # an inline element without a role changes nothing
            else:
                ctx = child(el, tag, parent)
            if block or tag == "br":
                flush()
            if tag == "time":
                out.note_datetime(el.get("datetime"))
            if el.text:
                add(el.text, ctx)
            stack.append(ctx)
        elif event == "end":
            stack.pop()
            if blocks.pop():
                flush()
            if el.tail and el is not root:
                add(el.tail, stack[-1])
        elif el.tail and el is not root:  # a comment or PI: only its tail is text
            add(el.tail, stack[-1])
    flush()
    return out.lines


def element_text(el: Any) -> str:
    """Visible text of ``el`` by the national rules, lines joined by a space (``<br>`` never glues
    two words)."""
    return " ".join(line.text for line in flatten(el, NATIONAL))


def lines_within(lines: list[Line], el: Any) -> list[Line]:
    """The lines whose block is ``el`` or inside it."""
    ids, _nodes = subtree_ids(el)
    return [line for line in lines if id(line.block) in ids]


def parse_html(html: str) -> Any | None:
    """The lxml root of ``html`` (``None`` for an empty document)."""
    if not html or not html.strip():
        return None
    return Selector(text=html).root


class HtmlTree:
    """An assembly page's HTML parsed once, for both the edition check (``crawler.edition``) and
    the parsers (:meth:`Document.from_html`), which read the same page one after the other.

    ``root`` is the tree parsel builds (``Selector(text=text, type="html").root``); ``limited``:
    the parse needed libxml2's ``huge_tree`` (over 255 levels deep, or a text node of over
    10 MB), so that a parse without it, as the edition check's own, would differ.
    """

    __slots__ = ("text", "root", "limited")

    def __init__(self, text: str) -> None:
        self.text = text
        # as parsel's create_root_node, first without huge_tree: the same tree unless a limit
        # was hit, which libxml2 reports (a fatal error, logged even after many others)
        body = text.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
        parser = lxml.html.HTMLParser(recover=True, encoding="utf-8", huge_tree=False)
        root = etree.fromstring(body, parser=parser)
        self.limited = any("XML_PARSE_HUGE" in error.message for error in parser.error_log)
        if self.limited:
            root = create_root_node(text, lxml.html.HTMLParser, huge_tree=True)
        elif root is None:
            root = etree.fromstring(b"<html/>", parser=parser)
        self.root: Any = root


_LAST_TREE = threading.local()  # the last page's HtmlTree, per thread


def html_tree(text: str) -> HtmlTree:
    """The parsed tree of ``text``, shared with the last caller that parsed the same text in
    this thread. Callers must not change the tree."""
    last: HtmlTree | None = getattr(_LAST_TREE, "tree", None)
    if last is not None and (last.text is text or last.text == text):
        return last
    tree = _LAST_TREE.tree = HtmlTree(text)
    return tree


@dataclass
class Document:
    """A decoded assembly page: its URL, ``<title>``, logical lines and the encoding used."""

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
        root = html_tree(text).root
        if not isinstance(root, etree._Element):
            return cls(url, [], None, encoding)
        titles = root.xpath("//title")
        title = normalize_text(titles[0].text_content()) if titles else None
        return cls(url, flatten(root, ASSEMBLY), title or None, encoding)

    def text(self, *, skip_chrome: bool = False) -> str:
        return "\n".join(ln.text for ln in self.lines if not (skip_chrome and ln.chrome))
