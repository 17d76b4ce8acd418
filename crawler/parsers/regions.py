"""Country pages (``/countries/<slug>``): which lines are the site-wide delegations block and
which are the page's own content.

Both parts carry delegation sentences, often word for word the same, so the sentence text cannot
tell them apart; where they sit can. The block is one element holding the sentences of several
countries: the smallest element around the sentences of the *other* countries (or, when block
and content share one flat parent, the longest run of sentences with distinct countries), grown
over the neighbouring representative / website lines and sentence groups of countries not yet in
it, so a block with only one other country, or with the page's country at its edge, is whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from .lexicon import COUNTRY_LINK_TEXT, find_country
from .news import is_block_line
from .textlines import Document, Line
from .tree import common_ancestor

# "/countries/<slug>" (optionally under a language prefix or with a trailing slash).
_COUNTRY_PATH = re.compile(r"/countries/(?P<slug>[^/]+)/?$")

Sentences = list[tuple[int, dict]]  # (line index, delegation record)


def country_slug(url: str) -> str | None:
    m = _COUNTRY_PATH.search(urlsplit(url).path)
    return unquote(m["slug"]) if m else None


def is_country_url(url: str) -> bool:
    """True when the URL path is a member state's page, ``/countries/<slug>``."""
    return country_slug(url) is not None


def country_of_page(url: str, doc: Document) -> str | None:
    """ISO code of the country a country page is about: from its slug, else its ``<title>``."""
    slug = country_slug(url) or ""
    return find_country(re.sub(r"[-_]+", " ", slug)) or find_country(doc.title or "")


class _Tree:
    """Line <-> element lookups. The chains keep lxml proxies alive, so ``id()`` stays valid."""

    def __init__(self, lines: list[Line]) -> None:
        self.chains = [[ln.block, *ln.block.iterancestors()] for ln in lines]
        self.ids = [{id(el) for el in chain} for chain in self.chains]

    def under(self, el: Any) -> set[int]:
        return {i for i, ids in enumerate(self.ids) if id(el) in ids}

    def common(self, indexes: Iterable[int]) -> Any:
        return common_ancestor([self.chains[i][0] for i in indexes])


def block_lines(
    doc: Document,
    country: str | None,
    sentences: Sentences,
    ends: dict[int, int],
    is_content: Callable[[Line], bool],
) -> set[int]:
    """Indexes of the lines of ``doc`` that belong to the site-wide block (empty: no block).

    ``sentences`` are every delegation sentence on the page, repeats included, ``ends`` the last
    line of each; ``is_content`` tells lines only the page's own content has (its heading, the
    member names).
    """
    others = [i for i, r in sentences if r["country"] != country]
    own = [i for i, r in sentences if r["country"] == country]
    if not others:
        if len(own) < 2:
            return set()  # one sentence of the page's country: the content's, the block is gone
        names = next(
            (ln.index for ln in doc.lines if is_content(ln) and ln.heading != 1), len(doc.lines)
        )
        above = [i for i in own if i < names]
        mine = above[-1] if above else own[-1]  # the sentence right above the member names
        others = [i for i in own if i != mine]
    tree = _Tree(doc.lines)
    inside = tree.under(tree.common(others))
    found = [r["country"] for i, r in sentences if i in inside and r["country"]]
    if len(found) != len(set(found)):  # block and content share one parent element
        span = _longest_run(sentences, ends)
    else:
        span = min(inside), max(inside) + 1
    return set(range(*_extend(doc, dict(sentences), ends, span, is_content)))


def _extend(
    doc: Document,
    sentences: dict[int, dict],
    ends: dict[int, int],
    span: tuple[int, int],
    is_content: Callable[[Line], bool],
) -> tuple[int, int]:
    """Grow ``[lo, hi)`` over neighbouring block lines and whole sentence groups (a sentence
    with its representative / website lines) of countries not yet inside; backwards first, so
    that of two sentences of the page's country the nearer one joins the block."""

    wrapped = {j for i, end in ends.items() for j in range(i + 1, end + 1)}

    def blockish(i: int) -> bool:
        line = doc.lines[i]
        text = line.text
        return i in wrapped or (
            not is_content(line)
            and (is_block_line(text) or bool(COUNTRY_LINK_TEXT.fullmatch(text)))
        )

    lo, hi = span
    present = {r["country"] for i, r in sentences.items() if lo <= i < hi}
    while before := [i for i in sentences if i < lo]:
        start = max(before)
        if sentences[start]["country"] in present:
            break
        if not all(blockish(i) for i in range(start + 1, lo)):
            break
        lo = start
        present.add(sentences[lo]["country"])
    while hi < len(doc.lines):
        if hi in sentences:
            if sentences[hi]["country"] in present:
                break
            present.add(sentences[hi]["country"])
        elif not blockish(hi):
            break
        hi += 1
    return lo, hi


def _longest_run(sentences: Sentences, ends: dict[int, int]) -> tuple[int, int]:
    """Block and content as siblings in one element: the line span of the longest run of
    consecutive sentences with distinct countries."""
    best = (0, 0)
    for start in range(len(sentences)):
        seen: set = set()
        end = start
        while end < len(sentences) and sentences[end][1]["country"] not in seen:
            seen.add(sentences[end][1]["country"])
            end += 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    last = sentences[best[1] - 1][0]
    return sentences[best[0]][0], ends.get(last, last) + 1
