"""Finding a national site's pages again: from what a small crawl saw, the registry paths.

``crawler.discovery_spider`` walks the home page to a small depth, robots.txt's sitemaps, the
feeds and the site search, and notes for every page what it is (``SeenPage``: the persons it
lists, whether it names the CSTO PA, whether it is an article, its links). This module scores
those pages as the delegation page, the news list and the article pattern (``propose``), and
turns the result into a registry entry (``entry_toml``) or an edit of ``sites.toml``
(``rewrite_registry``). Pure: no fetching here.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from crawler.feeds import FeedEntry
from crawler.parsers.kind import MIN_PERSONS
from crawler.registry import LanguagePaths, SiteConfig
from store.wording import plural

_ASSEMBLY_WORDS = re.compile(r"одкб|odkb|csto|pa-?odkb|ассамбле", re.I)
_NEWS_WORDS = re.compile(r"новост|news|novosti|press|events", re.I)


@dataclass
class SeenPage:
    """One page the discovery crawl fetched, as the classifiers saw it."""

    url: str
    depth: int = 0
    status: int = 200
    names_assembly: bool = False
    persons: int = 0
    article: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute url, link text)

    @property
    def target(self) -> str:
        return target_of(self.url)


@dataclass
class Findings:
    """Everything the discovery crawl saw."""

    pages: dict[str, SeenPage] = field(default_factory=dict)  # by target (path?query)
    feeds: dict[str, list[FeedEntry]] = field(default_factory=dict)  # feed target -> entries
    sitemaps: dict[str, list[FeedEntry]] = field(default_factory=dict)
    searched: list[str] = field(default_factory=list)  # search result pages fetched


@dataclass(frozen=True)
class Proposal:
    """The paths proposed for one language, and why (one line per path)."""

    language: str
    paths: LanguagePaths
    reasons: dict[str, str]


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _escape(text: str) -> str:
    return re.escape(text).replace("\\-", "-")


def segment_pattern(segment: str, last: bool) -> str:
    """One path segment as a regex: ids and slugs generalised, words kept."""
    if re.fullmatch(r"\d+", segment):
        return r"\d+"
    m = re.fullmatch(r"(\d+)(\.\w+)", segment)
    if m:
        return r"\d+" + _escape(m.group(2))
    if re.fullmatch(r"[\w-]+-\d+", segment):
        return r"[\w-]+-\d+"
    if last and re.fullmatch(r"[\w]+(?:-[\w]+){2,}", segment):
        return r"[\w-]+"
    return _escape(segment)


def path_pattern(path: str) -> str:
    """``/ru/press/news/5146`` -> ``/ru/press/news/\\d+`` (a trailing slash kept, optional)."""
    slash = path.endswith("/") and path != "/"
    segments = [s for s in path.strip("/").split("/")]
    parts = [segment_pattern(s, i == len(segments) - 1) for i, s in enumerate(segments)]
    return "/" + "/".join(parts) + ("/?" if slash else "")


def _article_pattern(articles: list[str], old: str, avoid: set[str]) -> tuple[str, str]:
    """The pattern most article paths share; the registry's own when it still fits them."""
    if not articles:
        return old, "no article found: kept"
    if old and sum(bool(re.fullmatch(old, a)) for a in articles) * 2 > len(articles):
        return old, f"still matches {plural(len(articles), 'article')} found"
    counts = Counter(path_pattern(urlsplit(a).path) for a in articles)
    for pattern, count in counts.most_common():
        if not any(re.fullmatch(pattern, p) for p in avoid):
            return pattern, f"matches {count} of {plural(len(articles), 'article')} found"
    return old, "no pattern sets the articles apart: kept"


def _lists_delegation(page: SeenPage) -> bool:
    """Names the CSTO PA and lists several persons (so no article, whatever else it has)."""
    return page.names_assembly and page.persons >= MIN_PERSONS


def _delegation(
    pages: list[SeenPage], old: str, linked: dict[str, str], article: re.Pattern[str]
) -> tuple[str, str]:
    candidates = [p for p in pages if _lists_delegation(p) and not article.fullmatch(p.target)]
    if not candidates:
        return old, "no page lists persons and names the CSTO PA: kept"

    def score(p: SeenPage) -> float:
        s = p.persons + 3 * bool(_ASSEMBLY_WORDS.search(p.target))
        s += 3 * bool(_ASSEMBLY_WORDS.search(linked.get(p.target, ""))) - 0.5 * p.depth
        return s + 100 * (p.target == old)  # the registry's page, when it still is one

    best = max(candidates, key=score)
    why = f"lists {best.persons} persons and names the CSTO PA"
    return best.target, why + (f" ({len(candidates)} candidates)" if len(candidates) > 1 else "")


def _news_list(
    pages: list[SeenPage], pattern: str, old: str, homes: set[str], linked: dict[str, str]
) -> tuple[SeenPage | None, str]:
    article = re.compile(pattern)

    def articles_on(p: SeenPage) -> int:
        return len({target_of(u) for u, _ in p.links if article.fullmatch(target_of(u))})

    candidates = [
        p for p in pages if p.target not in homes and "?" not in p.target and articles_on(p) >= 3
    ]
    if not candidates:
        return None, "no page links to several articles"

    def score(p: SeenPage) -> float:
        s = articles_on(p) + 3 * bool(_NEWS_WORDS.search(linked.get(p.target, "") + p.target))
        return s + 100 * (p.target == old) - 0.5 * p.depth

    best = max(candidates, key=score)
    return best, f"links to {plural(articles_on(best), 'article')}"


def _news_page(listing: SeenPage | None, pattern: str, old: str) -> tuple[str, str]:
    """The list's later pages, as a template with ``{n}`` (from its "page 2" link)."""
    if listing is None:
        return old, "kept"
    base = listing.target
    article = re.compile(pattern)
    templates: Counter[str] = Counter()
    for url, _text in listing.links:
        target = target_of(url)
        if article.fullmatch(target) or target == base or not target.startswith(base.rstrip("/")):
            continue
        rest = target[len(base.rstrip("/")) :]
        m = re.fullmatch(r"(/?\??[\w/=&-]*?)(\d+)(/?)", rest)
        if m and not re.search(r"\d", m.group(1)):
            templates[base.rstrip("/") + m.group(1) + "{n}" + m.group(3)] += 1
    if templates:
        return templates.most_common(1)[0][0], "from the list's page links"
    if old and old.startswith(base.rstrip("/")):
        return old, "no page links: kept"
    return base + "?page={n}", "no page links: a guess"


def _in_language(target: str, prefix: str) -> bool:
    return (
        prefix in ("", "/") or target.startswith(prefix) or target.rstrip("/") == prefix.rstrip("/")
    )


def propose(site: SiteConfig, language: str, findings: Findings) -> Proposal:
    """The registry paths of ``site``'s ``language`` that what the crawl saw supports."""
    old = site.languages[language]
    pages = [
        p for p in findings.pages.values() if p.status == 200 and _in_language(p.target, old.prefix)
    ]
    linked: dict[str, str] = {}
    for p in findings.pages.values():
        for url, text in p.links:
            linked[target_of(url)] = f"{linked.get(target_of(url), '')} {text}"
    feed_links = [
        e.url
        for entries in findings.feeds.values()
        for e in entries
        if _in_language(target_of(e.url), old.prefix)
    ]
    homes = {old.home, "/", old.prefix}
    found = {
        p.target for p in pages if p.article and not _lists_delegation(p) and p.target not in homes
    }
    articles = sorted(found | set(map(target_of, feed_links)))
    article, why_article = _article_pattern(articles, old.article, homes)
    delegation, why_delegation = _delegation(pages, old.delegation, linked, re.compile(article))
    listing, why_list = _news_list(pages, article, old.news_list, homes, linked)
    news_page, why_page = _news_page(listing, article, old.news_page)
    feed = next(
        (
            t
            for t, entries in findings.feeds.items()
            if any(re.fullmatch(article, target_of(e.url)) for e in entries)
        ),
        old.feed,
    )
    sitemap = next(iter(findings.sitemaps), old.sitemap)
    paths = replace(
        old,
        delegation=delegation,
        article=article,
        news_list=listing.target if listing else old.news_list,
        news_page=news_page,
        feed=feed,
        sitemap=sitemap,
    )
    reasons = {
        "delegation": why_delegation,
        "article": why_article,
        "news_list": why_list,
        "news_page": why_page,
        "feed": "entries match the article pattern" if feed != old.feed else "kept",
        "sitemap": "declared in robots.txt" if sitemap != old.sitemap else "kept",
    }
    return Proposal(language, paths, reasons)


# -- the registry text --------------------------------------------------------------------------

LANGUAGE_KEYS = ("prefix", "home", "news_list", "news_page", "article", "delegation", "feed")
LANGUAGE_KEYS += ("sitemap",)


def _value(key: str, value: str) -> str:
    return f"'{value}'" if key == "article" else f'"{value}"'


def language_toml(language: str, paths: LanguagePaths) -> list[str]:
    lines = [f"[site.languages.{language}]"]
    lines += [
        f"{key} = {_value(key, getattr(paths, key))}"
        for key in LANGUAGE_KEYS
        if getattr(paths, key)
    ]
    if paths.base_url:
        lines.append(f'base_url = "{paths.base_url}"')
    return lines


def entry_toml(site: SiteConfig, proposals: list[Proposal]) -> str:
    """A ready ``[[site]]`` entry of ``sites.toml`` with the proposed paths."""
    lines = [
        "[[site]]",
        f'id = "{site.id}"',
        f'name = "{site.name}"',
        f'country = "{site.country}"',
        f'chamber = "{site.chamber}"',
        f'base_url = "{site.base_url}"',
        f'date_order = "{site.date_order}"',
        "assembly_match = [" + ", ".join(f'"{m}"' for m in site.assembly_match) + "]",
    ]
    for proposal in proposals:
        lines += ["", *language_toml(proposal.language, proposal.paths)]
    return "\n".join(lines) + "\n"


def rewrite_registry(text: str, site_id: str, proposals: list[Proposal]) -> str:
    """``sites.toml``'s text with ``site_id``'s language tables set to the proposed paths
    (comments and every other entry untouched)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == f'id = "{site_id}"'), None)
    if start is None:
        raise KeyError(f"{site_id} is not in the registry file")
    end = next((i for i in range(start, len(lines)) if lines[i].strip() == "[[site]]"), len(lines))
    block = lines[start:end]
    for proposal in proposals:
        header = f"[site.languages.{proposal.language}]"
        head = block.index(header)
        stop = next(
            (i for i in range(head + 1, len(block)) if block[i].startswith("[") or not block[i]),
            len(block),
        )
        table = language_toml(proposal.language, proposal.paths)
        block[head:stop] = table
    return "\n".join([*lines[:start], *block, *lines[end:]]) + "\n"


def registry_diff(old: str, new: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), name, name
        )
    )
