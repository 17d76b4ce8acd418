"""News feeds (RSS / Atom, read by feedparser) and sitemaps (Scrapy's sitemap reader), pure.

A national site's feed says which articles are new, with their titles and dates: the same
evidence a news list's link text gives (``crawler.items.Listed``). A sitemap lists every page of
a site, with a modification date at best. Both are read from bytes; nothing here fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from time import struct_time
from urllib.parse import urljoin

import feedparser
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots


@dataclass(frozen=True)
class FeedEntry:
    """One feed item (or sitemap URL): its link, and the title and date the feed gives it."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO date


def _iso(parsed: struct_time | None) -> str | None:
    return date(*parsed[:3]).isoformat() if parsed else None


def looks_like_feed(body: bytes) -> bool:
    head = body[:600].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def read_feed(body: bytes, url: str) -> list[FeedEntry]:
    """The items of an RSS or Atom feed, in feed order; [] for anything that is not a feed."""
    if not looks_like_feed(body):
        return []
    parsed = feedparser.parse(body)
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        title = (entry.get("title") or "").strip() or None
        entries.append(FeedEntry(urljoin(url, link), title, _iso(published)))
    return entries


def read_sitemap(body: bytes) -> tuple[list[str], list[FeedEntry]]:
    """(sitemaps a sitemap index names, URLs a urlset lists); both empty for a broken file."""
    try:
        sitemap = Sitemap(body)
    except Exception:  # lxml refuses a body that is no XML at all
        return [], []
    entries = [e for e in sitemap if e.get("loc")]
    if sitemap.type == "sitemapindex":
        return [e["loc"] for e in entries], []
    urls = [FeedEntry(e["loc"], None, (e.get("lastmod") or "")[:10] or None) for e in entries]
    return [], urls


def robots_sitemaps(robots_text: str, url: str) -> list[str]:
    """The sitemaps robots.txt declares."""
    return list(sitemap_urls_from_robots(robots_text.encode("utf-8"), base_url=url))
