"""The discovery crawl: a small, polite Scrapy crawl of one national site (``parlwatch discover``).

From each language's home page it follows the site's own links to ``DISCOVERY_DEPTH``, reads
robots.txt's sitemaps (Scrapy's sitemap reader), the RSS/Atom feeds the pages announce
(feedparser) and the site search a page declares (a GET form, asked for "ОДКБ"); robots.txt is
obeyed and the page count capped. Every page is noted as ``crawler.discovery.SeenPage``; the
scoring happens afterwards (``crawler.discovery.propose``). A sitemap or feed naming the live
host while the crawl runs against another base URL (a replica, a mirror) is read on that base.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from crawler.discovery import Findings, SeenPage, target_of
from crawler.feeds import looks_like_feed, read_feed, read_sitemap, robots_sitemaps
from crawler.parsers.kind import count_persons, is_article, names_assembly
from crawler.parsers.national import decode_html
from crawler.registry import SiteConfig

DISCOVERY_SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "DEPTH_LIMIT": 3,
    "CLOSESPIDER_PAGECOUNT": 150,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_DELAY": 0.5,
    "AUTOTHROTTLE_ENABLED": False,
    "HTTPERROR_ALLOW_ALL": True,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "USER_AGENT": "parlwatch-discover (+https://github.com/parlwatch)",
}
SEARCH_WORD = "ОДКБ"
_SEARCH_FIELDS = re.compile(r"^(?:q|query|search\w*|text|s|keys|word|searchword)$", re.I)
_PRIORITY = re.compile(r"одкб|csto|odkb|ассамбле|делегац|delegat|новост|news|novosti|press", re.I)
_SKIP = re.compile(r"\.(?:pdf|docx?|xlsx?|jpe?g|png|gif|zip|rar|mp4|css|js)$", re.I)
SAMPLE = 4  # pages fetched of each kind of URL a sitemap or feed lists


class DiscoverySpider(scrapy.Spider):
    name = "parlwatch-discover"

    def __init__(self, site: SiteConfig, base_url: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        self.base = base_url.rstrip("/")
        self.host = urlsplit(self.base).netloc
        self.live_hosts = {urlsplit(u).netloc for u in site.base_urls.values()}
        self.findings = Findings()
        self.searched_forms: set[str] = set()
        self.search_urls: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.base + "/robots.txt", callback=self.on_robots, priority=10)
        for language, paths in self.site.languages.items():
            yield self.page(self.base + paths.home, language)

    # -- helpers ------------------------------------------------------------------------------

    def on_base(self, url: str) -> str | None:
        """``url`` on the crawled base (a live-host URL mapped onto it); None when off-site."""
        parts = urlsplit(url)
        if parts.netloc == self.host:
            return url
        if parts.netloc in self.live_hosts or parts.netloc.removeprefix("www.") in {
            h.removeprefix("www.") for h in self.live_hosts
        }:
            base = urlsplit(self.base)
            return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return None

    def page(self, url: str, language: str, priority: int = 0) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.on_page,
            headers={"Accept-Language": language},
            meta={"language": language},
            priority=priority,
        )

    def sample(self, urls: list[str], language: str) -> list[scrapy.Request]:
        """A few URLs of each path shape: singletons (a delegation page) all, articles some."""
        from crawler.discovery import path_pattern

        shapes: dict[str, int] = {}
        requests = []
        for url in urls:
            shape = path_pattern(urlsplit(url).path)
            shapes[shape] = shapes.get(shape, 0) + 1
            if shapes[shape] <= SAMPLE:
                requests.append(self.page(url, language, 1))
        return requests

    def language_of(self, url: str) -> str:
        target = target_of(url)
        for language, paths in self.site.languages.items():
            if paths.prefix not in ("", "/") and target.startswith(paths.prefix):
                return language
        return self.site.language_codes[0]

    # -- callbacks ----------------------------------------------------------------------------

    def on_robots(self, response: Response):
        for sitemap in robots_sitemaps(response.text, response.url):
            url = self.on_base(sitemap)
            if url:
                yield scrapy.Request(url, callback=self.on_sitemap, priority=5)

    def on_sitemap(self, response: Response):
        if response.status != 200:
            return
        more, entries = read_sitemap(response.body)
        for sitemap in more:
            url = self.on_base(sitemap)
            if url:
                yield scrapy.Request(url, callback=self.on_sitemap, priority=5)
        if entries:
            self.findings.sitemaps[target_of(response.url)] = entries
            urls = [u for u in (self.on_base(e.url) for e in entries) if u]
            for language in self.site.language_codes:
                mine = [u for u in urls if self.language_of(u) == language]
                yield from self.sample(mine, language)

    def on_feed(self, response: Response):
        entries = read_feed(response.body, response.url) if response.status == 200 else []
        if not entries:
            return
        self.findings.feeds[target_of(response.url)] = entries
        urls = [u for u in (self.on_base(e.url) for e in entries) if u]
        yield from self.sample(urls, response.meta["language"])

    def on_page(self, response: Response):
        language = response.meta["language"]
        if looks_like_feed(response.body[:600]):
            yield from self.on_feed(response)
            return
        seen = SeenPage(response.url, response.meta.get("depth", 0), response.status)
        if response.url in self.search_urls:
            self.findings.searched.append(response.url)
        self.findings.pages[seen.target] = seen
        if response.status != 200 or not hasattr(response, "css"):
            return
        html = decode_html(response.body, response.headers.get("Content-Type", b"").decode())
        seen.names_assembly = names_assembly(html)
        seen.persons = count_persons(html, response.url) if seen.names_assembly else 0
        seen.article = is_article(html, response.url, self.site.date_order)
        for link in response.css("a[href]"):
            url = self.on_base(urljoin(response.url, link.attrib["href"].strip()).split("#")[0])
            if url and not _SKIP.search(urlsplit(url).path):
                text = " ".join(" ".join(link.css("::text").getall()).split())
                seen.links.append((url, text))
        for href in response.css(
            'link[rel="alternate"][type*="rss"]::attr(href), '
            'link[rel="alternate"][type*="atom"]::attr(href)'
        ).getall():
            url = self.on_base(urljoin(response.url, href))
            if url:
                yield scrapy.Request(
                    url, callback=self.on_feed, meta={"language": language}, priority=5
                )
        yield from self.search(response, language)
        for url, text in seen.links:
            priority = 2 if _PRIORITY.search(f"{text} {url}") else 0
            yield self.page(url, self.language_of(url), priority)

    def search(self, response: Response, language: str):
        """The site search a page declares (a GET form with a text field), asked once."""
        for form in response.css("form"):
            if (form.attrib.get("method") or "get").lower() != "get":
                continue
            names = [n for n in form.css("input::attr(name)").getall() if _SEARCH_FIELDS.match(n)]
            action = self.on_base(urljoin(response.url, form.attrib.get("action") or ""))
            if not names or not action or action in self.searched_forms:
                continue
            self.searched_forms.add(action)
            url = action.split("?")[0] + "?" + urlencode({names[0]: SEARCH_WORD})
            self.search_urls.add(url)
            yield self.page(url, language, 3)
