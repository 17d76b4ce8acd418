"""A stale registry entry, said out loud: the pages ``crawler/sites.toml`` names have moved.

The national spider notes what it met at the registry's paths (``RegistryWatch``): a delegation
page that is missing (4xx), redirects elsewhere or holds no member list; a news list that is
missing or redirects; and how many articles the news list, the home page and the feed linked to.
At the crawl's end ``stale_signs`` turns that, with the crawls before it, into warnings kept in
the crawl's stats (``stats["registry_stale"]``): a list of ``{entry, page, path, problem}``.
A news list that links to no article counts only after ``EMPTY_NEWS_CRAWLS`` crawls in a row (a
quiet week is no redesign). ``stale_warning`` is the one line the CLI, the report and the
notifications show; it names the entry and the fix, ``parlwatch discover SITE``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from store.archive import Archive
from store.crawl_history import recent_crawls

STATS_KEY = "registry_stale"
WATCH_KEY = "registry_watch"
EMPTY_NEWS_CRAWLS = 3


@dataclass
class RegistryWatch:
    """What one crawl met at the registry's paths (kept in the crawl's stats)."""

    signs: list[dict] = field(default_factory=list)
    news_links: int = 0
    lists_read: int = 0  # news lists / feeds read whole (200): without one, no count

    def sign(self, entry: str, page: str, path: str, problem: str) -> None:
        self.signs.append({"entry": entry, "page": page, "path": path, "problem": problem})

    def to_dict(self) -> dict:
        return asdict(self)


def page_problem(status: int | None, asked: str, final: str, refused: str | None) -> str | None:
    """Why a registry page is no longer where the registry says; None when it is."""
    if refused:
        return f"redirects to {refused}"
    if status is not None and 400 <= status < 500:
        return f"answers HTTP {status}"
    if urlsplit(asked).path.rstrip("/") != urlsplit(final).path.rstrip("/"):
        return f"redirects to {urlsplit(final).path}"
    return None


def _news_counts(archive: Archive, site: str, before: int) -> list[int]:
    """Articles linked by the news list in the site's crawls before ``before``, newest first
    (crawls that read no list whole are skipped)."""
    counts = []
    for crawl in recent_crawls(archive, site, last=EMPTY_NEWS_CRAWLS * 3):
        watch = crawl.stats.get(WATCH_KEY) or {}
        if crawl.id < before and watch.get("lists_read"):
            counts.append(int(watch.get("news_links", 0)))
    return counts


def stale_signs(
    archive: Archive, site: str, crawl_id: int, watch: RegistryWatch, news_list: dict[str, str]
) -> list[dict]:
    """The warnings of crawl ``crawl_id``: the pages met this time, plus a news list (by
    language: its path) that linked to no article in this crawl and the ones before it."""
    signs = list(watch.signs)
    if watch.lists_read and watch.news_links == 0:
        earlier = _news_counts(archive, site, crawl_id)[: EMPTY_NEWS_CRAWLS - 1]
        if len(earlier) == EMPTY_NEWS_CRAWLS - 1 and not any(earlier):
            for language, path in news_list.items():
                signs.append(
                    {
                        "entry": f"{site}/{language}",
                        "page": "news_list",
                        "path": path,
                        "problem": f"linked to no article in {EMPTY_NEWS_CRAWLS} crawls in a row",
                    }
                )
    return sorted(signs, key=lambda s: (s["entry"], s["page"]))


def stale_warning(stats: dict) -> str | None:
    """One line naming the stale registry entries of a crawl, and the fix; None when none."""
    signs = stats.get(STATS_KEY) or []
    if not signs:
        return None
    sites = sorted({(s["entry"].split("/")[0], s.get("base_url")) for s in signs}, key=str)
    pages = "; ".join(f"{s['entry']} {s['page']} {s['path']} {s['problem']}" for s in signs)
    fixes = ", ".join(
        f"`parlwatch discover {site}{f' --base-url {base}' if base else ''}`"
        for site, base in sites
    )
    return f"registry entry looks stale: {pages} — run {fixes} (crawler/sites.toml)"


def registry_stats(archive: Archive, spider: object, crawl_id: int) -> dict:
    """The stats a crawl keeps on its registry entry (none for a spider that keeps no watch)."""
    watch = getattr(spider, "registry_watch", None)
    site = getattr(spider, "site", None)
    if watch is None or site is None:
        return {}
    news_list = {lang: site.languages[lang].news_list for lang in spider.crawl_languages}
    signs = stale_signs(archive, site.id, crawl_id, watch, news_list)
    for sign in signs:  # crawled elsewhere than the live site (a replica, a mirror): discover there
        language = sign["entry"].partition("/")[2]
        base = spider.base_urls.get(language)
        if base and base != site.base_urls.get(language):
            sign["base_url"] = base
    return {WATCH_KEY: watch.to_dict(), STATS_KEY: signs}
