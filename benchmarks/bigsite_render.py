"""Render the synthetic site's pages with the pacsto replica's own templates.

The chrome (header, menu, the site-wide delegations block in each language, footer) and the
article markup are the replica's; only the paginated news list is ours
(``benchmarks/templates/events_page.html.j2``). Pages render once, to bytes, before serving.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2

from benchmarks.bigsite_content import LANGUAGES, Article, SiteContent
from replica.site import load_site, localize

TEMPLATES = Path(__file__).with_name("templates")
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}
# the replica data whose delegations block, labels and menu the site shows
DATA_VERSION = "2026-12"


def list_path(page: int) -> str:
    return "/events/" if page == 1 else f"/events/?page={page}"


class PageRenderer:
    """Renders home, list and article pages of a ``SiteContent`` in one language each."""

    def __init__(self) -> None:
        site = load_site("pacsto")
        self.site = site
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader(TEMPLATES),
                    jinja2.FileSystemLoader(site.root / "templates"),
                ]
            ),
            autoescape=jinja2.select_autoescape(["html", "j2"]),
            keep_trailing_newline=True,
        )
        self.env.filters["longdate"] = jinja2.pass_context(_longdate)
        version = site.versions[DATA_VERSION]
        self.data: dict[str, dict[str, Any]] = {}
        for lang in LANGUAGES:
            data = localize(version.data, lang, site.languages)
            data["countries"] = {}  # no country pages: home, lists and articles only
            data["news"] = {}
            self.data[lang] = data

    def _render(self, template: str, lang: str, path: str, **extra: Any) -> bytes:
        context = {
            "lang": lang,
            "charset": "utf-8",
            "site_title": localize(self.site.title, lang, self.site.languages),
            "data": self.data[lang],
            "path": path,
            **extra,
        }
        return self.env.get_template(template).render(context).encode("utf-8")

    def article(self, article: Article, lang: str) -> bytes:
        item = {"title": article.title[lang], "date": article.published, "body": article.body[lang]}
        return self._render("article.html.j2", lang, article.path, item=item)

    def chrome_bytes(self) -> dict[str, int]:
        """The size of an article page with an empty title and body, per language."""
        day = date(2026, 1, 1)
        title, body = dict.fromkeys(LANGUAGES, ""), {lang: [] for lang in LANGUAGES}
        empty = Article("x", day, title, body, datetime(day.year, day.month, day.day, tzinfo=UTC))
        return {lang: len(self.article(empty, lang)) for lang in LANGUAGES}

    def home(self, content: SiteContent, lang: str) -> bytes:
        latest = content.articles[: self.data[lang].get("home_news_limit", 3)]
        data = dict(self.data[lang], news=_news_table(latest, lang))
        return self._render("home.html.j2", lang, "/", data=data)

    def list_page(self, content: SiteContent, lang: str, page: int) -> bytes:
        start = (page - 1) * content.per_page
        chunk = content.articles[start : start + content.per_page]
        last = content.list_pages
        window = sorted({1, last, *range(max(1, page - 3), min(last, page + 3) + 1)})
        return self._render(
            "events_page.html.j2",
            lang,
            list_path(page),
            items=list(_news_table(chunk, lang).items()),
            page=page,
            pager=[(n, list_path(n)) for n in window],
        )


def _news_table(articles: list[Article], lang: str) -> dict[str, dict[str, Any]]:
    return {a.slug: {"date": a.published, "title": a.title[lang]} for a in articles}


def _longdate(context: Any, value: date) -> str:
    months = MONTHS.get(context["lang"], MONTHS["en"]).split()
    return f"{value.day} {months[value.month - 1]} {value.year}"
