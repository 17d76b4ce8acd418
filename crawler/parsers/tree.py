"""Small lookups on lxml elements shared by both parser families: tag, visibility, ancestry,
links. None of them looks at a class name or an id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
    "legend", "li", "main", "menu", "nav", "noframes", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# Elements whose text no reader sees. The national parsers also skip <option> outside <select>.
SKIP_TAGS = frozenset({
    "head", "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
    "select", "textarea", "button", "canvas", "audio", "video", "map",
})
# fmt: on
NATIONAL_SKIP_TAGS = SKIP_TAGS | {"option"}

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NOT_A_PAGE = re.compile(r"(?i)(javascript|mailto|tel|data|callto|skype):")


def tag_of(el: Any) -> str | None:
    """The lower-case tag name; None for comments and processing instructions."""
    return el.tag.lower() if isinstance(el.tag, str) else None


def is_hidden(el: Any) -> bool:
    """``hidden``, ``aria-hidden="true"``, or an inline ``display: none`` / ``visibility: hidden``
    style."""
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def ancestors(el: Any) -> list[Any]:
    """``el`` and its ancestors, innermost first."""
    return [el, *el.iterancestors()]


def contains(ancestor: Any, el: Any) -> bool:
    """Whether ``el`` is ``ancestor`` or inside it."""
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def common_ancestor(elements: list[Any]) -> Any:
    """The deepest element holding all ``elements`` (identity compared: lxml keeps one proxy per
    node while it is referenced)."""
    chains = [list(reversed(ancestors(el))) for el in elements]
    found = chains[0][0]
    for nodes in zip(*chains, strict=False):
        if any(n is not nodes[0] for n in nodes):
            break
        found = nodes[0]
    return found


def subtree_ids(el: Any) -> tuple[set[int], list[Any]]:
    """ids of ``el`` and its descendants, and the nodes themselves: keep the list alive while
    using the ids (lxml proxies that nobody references are freed and their ids reused)."""
    nodes = list(el.iter())
    return {id(node) for node in nodes}, nodes


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
    if not href or href.startswith("#") or _NOT_A_PAGE.match(href):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def links(root: Any) -> Iterator[Any]:
    """Visible ``<a href>`` elements, in document order."""
    for a in root.iter("a"):
        if a.get("href") is not None and not any(
            tag_of(n) in NATIONAL_SKIP_TAGS or is_hidden(n) for n in ancestors(a)
        ):
            yield a
