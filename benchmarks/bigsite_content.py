"""What the synthetic assembly site publishes: news articles in English and Russian.

The text is recombined from the sentences of the pacsto replica's own news (real wording of
the assembly's site), so the parsers see the language, punctuation and lengths they see live.
Everything is seeded: the same arguments always give the same site, byte for byte.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from replica.site import load_site

LANGUAGES = ("en", "ru")
PER_LIST_PAGE = 20
# the newest article's date; older ones go back about a day apart
LATEST = date(2026, 11, 30)
PAGE_BYTES = (6500, 9000)  # the size of an article page, chrome included, per language

EVENTS = [
    (
        "Permanent Commission on Defence and Security Issues Met",
        "Состоялось заседание Постоянной комиссии по вопросам обороны и безопасности",
    ),
    (
        "Council of the Assembly Approved the Plan of Model Lawmaking",
        "Совет Ассамблеи утвердил план модельного законотворчества",
    ),
    (
        "Observers of the CSTO PA Monitored the Elections",
        "Наблюдатели ПА ОДКБ провели мониторинг выборов",
    ),
    (
        "Executive Secretary of the CSTO PA Spoke at the Security Forum",
        "Ответственный секретарь ПА ОДКБ выступил на форуме по безопасности",
    ),
    (
        "Expert Advisory Council Discussed Information Security",
        "Экспертно-консультативный совет обсудил вопросы информационной безопасности",
    ),
    (
        "Parliamentarians Observed the Exercises of the Collective Forces",
        "Парламентарии наблюдали за учениями Коллективных сил",
    ),
    (
        "Permanent Commission on Political Affairs Considered Draft Recommendations",
        "Постоянная комиссия по политическим вопросам рассмотрела проекты рекомендаций",
    ),
]
PLACES = [
    ("in St. Petersburg", "в Санкт-Петербурге"),
    ("in Moscow", "в Москве"),
    ("in Minsk", "в Минске"),
    ("in Astana", "в Астане"),
    ("in Bishkek", "в Бишкеке"),
    ("in Dushanbe", "в Душанбе"),
]
REVISION = {
    "en": "Updated on {day}: the list of participants of the meeting was clarified.",
    "ru": "Обновлено {day}: уточнен список участников заседания.",
}
_SENTENCE_END = re.compile(r"(?<=[.!?»\"])(?<!St\.)\s+(?=[A-ZА-ЯЁ«\"])")


@dataclass
class Article:
    """One news item, published in both languages at ``/events/<slug>``."""

    slug: str
    published: date
    title: dict[str, str]
    body: dict[str, list[str]]
    modified: datetime
    revisions: int = 0

    @property
    def path(self) -> str:
        return f"/events/{self.slug}"


@dataclass
class SiteContent:
    """The articles, newest first, and when the site as a whole last changed."""

    articles: list[Article]
    built_at: datetime
    per_page: int = PER_LIST_PAGE
    revision_rounds: int = 0
    revised: list[str] = field(default_factory=list)  # paths revised by the last round

    @property
    def list_pages(self) -> int:
        return max(1, math.ceil(len(self.articles) / self.per_page))

    def page_count(self) -> int:
        """Pages a crawl of both languages fetches: home, list pages and articles."""
        return len(LANGUAGES) * (1 + self.list_pages + len(self.articles))


def articles_for_pages(pages: int, per_page: int = PER_LIST_PAGE) -> int:
    """How many articles make a site of about ``pages`` pages (3,992 -> 1,900 articles)."""
    per_language = max(pages, 6) / len(LANGUAGES) - 1  # less the home page
    return max(1, round(per_language / (1 + 1 / per_page)))


def sentence_pool() -> dict[str, list[str]]:
    """Every sentence of every news paragraph of the pacsto replica, per language."""
    site = load_site("pacsto")
    pool: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for version in site.versions.values():
        for item in (version.data.get("news") or {}).values():
            for lang in LANGUAGES:
                for paragraph in (item.get("body") or {}).get(lang, []):
                    pool[lang].update(s for s in _SENTENCE_END.split(paragraph) if len(s) > 40)
    return {lang: sorted(sentences) for lang, sentences in pool.items()}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _body(rng: random.Random, sentences: list[str], budget: int) -> list[str]:
    """At least two paragraphs of 2-4 sentences, and more while they fit in ``budget`` bytes."""
    paragraphs: list[str] = []
    size = 0
    while True:
        paragraph = " ".join(rng.sample(sentences, rng.randint(2, 4)))
        cost = len(paragraph.encode("utf-8")) + 16  # the <p> and its indentation
        if len(paragraphs) >= 2 and size + cost > budget:
            return paragraphs
        paragraphs.append(paragraph)
        size += cost


def build_content(articles: int, chrome_bytes: dict[str, int], seed: int = 17) -> SiteContent:
    """``articles`` news items; ``chrome_bytes`` is an empty article page's size per language,
    so that each page comes out between 6 and 9 KB."""
    rng = random.Random(seed)
    pool = sentence_pool()
    items = []
    for number in range(articles):
        published = LATEST - timedelta(days=number * 3 // 4)
        event, place = rng.choice(EVENTS), rng.choice(PLACES)
        title = {lang: f"{event[i]} {place[i]}" for i, lang in enumerate(LANGUAGES)}
        body = {
            lang: _body(rng, pool[lang], rng.randint(*PAGE_BYTES) - chrome_bytes[lang])
            for lang in LANGUAGES
        }
        slug = f"{_slug(title['en'])}-{articles - number:05d}"
        modified = datetime(published.year, published.month, published.day, 9, tzinfo=UTC)
        items.append(Article(slug, published, title, body, modified))
    built_at = max((a.modified for a in items), default=datetime(2026, 12, 1, tzinfo=UTC))
    return SiteContent(items, built_at)


def revise(content: SiteContent, percent: float, now: datetime | None = None) -> list[Article]:
    """Revise ``percent`` % of the articles (at least one): a sentence is added to the last
    paragraph in both languages, so exactly two pages per article change. Each round picks
    other articles; returns the revised ones."""
    count = max(1, round(len(content.articles) * percent / 100)) if percent > 0 else 0
    content.revision_rounds += 1
    rng = random.Random(content.revision_rounds)
    chosen = rng.sample(content.articles, min(count, len(content.articles)))
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    for article in chosen:
        article.revisions += 1
        day = f"{now:%d.%m.%Y} ({content.revision_rounds}.{article.revisions})"
        for lang in LANGUAGES:
            article.body[lang][-1] += " " + REVISION[lang].format(day=day)
        article.modified = now
    content.revised = [a.path for a in chosen]
    return chosen
