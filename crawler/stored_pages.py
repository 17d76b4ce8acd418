"""A site's spider outside Scrapy, for pages read from the archive (``reparse``, ``import warc``)
and saved pages (``parlwatch parse``).

A spider's ``parse_page`` is pure, so an instance made without a crawler will do. What a crawl
knows from its requests — the role of a page (root / list / news / delegation) and the moment
relative dates ("вчера") resolve against — is rebuilt here from the URL and the capture time.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from urllib.parse import urlsplit

from scrapy.utils.misc import load_object

from crawler.items import ParseOutcome
from crawler.registry import site_config
from crawler.spiders.base import ArchiveSpider
from store.release import RELEASE

# The version of the parsers, recorded on every version they produce.
PARSER_VERSION = RELEASE


@cache
def site_spider(site: str) -> ArchiveSpider:
    """A spider of ``site`` made without a crawler: only its parser and URL rules are used.

    The class is the one the registry entry names, else the generic national spider made for it.
    """
    config = site_config(site)
    if config.spider:
        return load_object(config.spider)()
    from crawler.spiders.national import NATIONAL_SPIDERS

    return NATIONAL_SPIDERS[site]()


def page_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def role_of(spider: ArchiveSpider, url: str, language: str) -> str:
    """The role the spider gives ``url``: its start pages first, then its link patterns."""
    target = page_target(url)
    for path, role in spider.start_pages(language):
        if target == path or target.rstrip("/") == path.rstrip("/"):
            return role
    for role, pattern in spider.link_patterns(language):
        if pattern.fullmatch(target):
            return role
    return "page"


def parse_stored(
    spider: ArchiveSpider,
    body: bytes,
    url: str,
    language: str,
    content_type: str | None,
    fetched_at: datetime,
    role: str | None = None,
) -> ParseOutcome:
    """``spider.parse_page`` on a saved body as if it had just been fetched at ``fetched_at``."""
    role = role or role_of(spider, url, language)
    return spider.parse_page(body, url, language, content_type, role, fetched_at=fetched_at)
