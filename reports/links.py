"""Which capture a change links to, and where that link goes.

A delegation (or representative) is stated by the assembly's site-wide block, shown on every
page: the version records whichever page the crawl read it from, often another country's page.
A reader checking Russia's change wants Russia's own page, so each "before"/"after" capture is
replaced by the capture of the same crawl and language that best shows the entity: the country's
own page (``/countries/<slug>``), else the site's home page, else the one recorded.

Links go to the replay of the exact capture when the command line gives a ``CaptureLinker``
(the replay server's address; reports never import archive), else to the live URL, which the
formats label as live: it shows the site today, not as captured.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from store.archive import Archive
from store.captures import SiblingCapture, sibling_captures
from store.transitions import CaptureRef, Transition

# (url as fetched, fetch time, language) -> the replay URL of that capture
CaptureLinker = Callable[[str, datetime, str | None], str]
BLOCK_TYPES = ("delegation", "representative")


def page_country(url: str) -> str | None:
    """The country a ``/countries/<slug>`` page is about, else None."""
    # imported here: the crawler's parsers (lxml, parsel, their lexicons) take a tenth of a
    # second to import, and only reports with block entities to relink need them
    from crawler.parsers.lexicon import find_country
    from crawler.parsers.regions import country_slug

    slug = country_slug(url)
    return find_country(slug.replace("-", " ").replace("_", " ")) if slug else None


def is_home(url: str) -> bool:
    return urlsplit(url).path in ("", "/") and not urlsplit(url).query


def best_capture(
    ref: CaptureRef, country: str | None, siblings: list[SiblingCapture]
) -> CaptureRef:
    """The sibling capture showing ``country`` best: its own page, else the home page."""
    if country is None or ref.status in (404, 410) or page_country(ref.url) == country:
        return ref
    for wanted in (lambda c: page_country(c.url) == country, lambda c: is_home(c.url)):
        chosen = next((c for c in siblings if wanted(c)), None)
        if chosen is not None:
            return CaptureRef(chosen.id, chosen.url, chosen.fetched_at, chosen.status)
    return ref


def relink(archive: Archive, sets: list[Transition]) -> None:
    """Point each block entity's before/after at its country's page (see the module's doc)."""
    movable = [cs for cs in sets if cs.type in BLOCK_TYPES and cs.country]
    ids = {ref.id for cs in movable for ref in (cs.before, cs.after) if ref is not None}
    if not ids:
        return
    with archive.session() as session:
        siblings = sibling_captures(session, ids)
    for cs in movable:
        if cs.before is not None:
            cs.before = best_capture(cs.before, cs.country, siblings.get(cs.before.id, []))
        if cs.after is not None:
            cs.after = best_capture(cs.after, cs.country, siblings.get(cs.after.id, []))
