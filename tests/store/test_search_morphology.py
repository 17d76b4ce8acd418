"""Search with Russian and English morphology, ranked in the database, on SQLite (FTS5 over
Snowball stems, and the Python fallback) and on PostgreSQL (tsvector, ``russian``/``english``).

The items are written as the store keeps them (an entity and its versions); the crawled
history's search is tested in tests/test_archive_search_history.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from store.models import Entity, Version
from store.search import search_news
from store.search_terms import fts_query, stem, ts_query

T0 = datetime(2026, 2, 1, 9, 0)
NEWS = {
    "duma-nom": ("ru", "Дума приняла закон о бюджете", "Депутаты одобрили поправки."),
    "duma-gen": ("ru", "Заседание Думы", "Председатель Думы открыл заседание; в Думе обсудили."),
    "duma-dat": ("ru", "Депутаты обсудили законопроект", "Законопроект внесён в Думу весной."),
    "council": ("ru", "Совет Федерации одобрил закон", "Сенаторы проголосовали единогласно."),
    "senators": ("en", "Senators approved the law", "The senator said the Duma agreed."),
    "edited": ("ru", "Старый заголовок", "Старый текст."),
}


def add_news(archive, slug: str, language: str, title: str, body: str, n: int) -> None:
    with archive.session() as session:
        entity = Entity(
            key=f"pacsto/{language}/news/events/{slug}",
            type="news",
            scope=f"pacsto/{language}/news",
            site="pacsto",
            language=language,
            first_seen=T0 + timedelta(minutes=n),
            last_seen=T0 + timedelta(minutes=n),
        )
        session.add(entity)
        session.flush()
        session.add(
            Version(
                entity_id=entity.id,
                content_hash=f"sha256:{slug}",
                content={"title": title, "body": body, "published": "2026-02-01"},
                first_seen=T0 + timedelta(minutes=n),
                last_seen=T0 + timedelta(minutes=n),
            )
        )
        session.commit()


def new_version(archive, slug: str, title: str, body: str) -> None:
    with archive.session() as session:
        entity = session.query(Entity).filter(Entity.key.endswith(f"/{slug}")).one()
        session.add(
            Version(
                entity_id=entity.id,
                content_hash=f"sha256:{slug}-2",
                content={"title": title, "body": body, "published": "2026-02-01"},
                first_seen=T0 + timedelta(days=1),
                last_seen=T0 + timedelta(days=1),
            )
        )
        session.commit()


@pytest.fixture
def news_archive(archive):
    for n, (slug, (language, title, body)) in enumerate(NEWS.items()):
        add_news(archive, slug, language, title, body, n)
    return archive


def methods(archive) -> list[str]:
    return ["postgres"] if archive.engine.dialect.name == "postgresql" else ["fts5", "fallback"]


def slugs(hits) -> list[str]:
    return [h.key.rsplit("/", 1)[-1] for h in hits]


def test_stems_of_both_languages():
    assert stem("Дума") == stem("Думы") == stem("Думе") == stem("Думу") == "дум"
    assert stem("сенаторы") == stem("Сенатор") and stem("senators") == stem("senator")
    assert stem("ёлка") == stem("елка")
    assert fts_query('Думы "Совет Федерации"') == '"дум"* "совет федерац"'
    assert ts_query('Думы "Совет Федерации"') == "Думы:* & Совет <-> Федерации"


def test_every_form_of_a_word_finds_the_same_items_ranked_in_the_database(news_archive):
    for method in methods(news_archive):
        forms = {
            form: slugs(search_news(news_archive, form, method=method))
            for form in ("Дума", "Думы", "Думе", "думу")
        }
        found = set(forms["Дума"])
        # the Latin "Duma" of the English item is another word: not found by the Cyrillic one
        assert found == {"duma-nom", "duma-gen", "duma-dat"}, (method, forms)
        assert all(set(hits) == found for hits in forms.values()), (method, forms)
        # in the title and twice in the body, then in the title, then once in the body
        assert forms["Дума"] == ["duma-gen", "duma-nom", "duma-dat"], (method, forms)
        hits = search_news(news_archive, "Думы", method=method)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert any("[Дум" in h.snippet for h in hits), method
        senators = slugs(search_news(news_archive, "сенатор", method=method))
        assert senators == ["council"], method
        english = slugs(search_news(news_archive, "senator", language="en", method=method))
        assert english == ["senators"], method
        assert search_news(news_archive, "Дума несуществующееслово", method=method) == []


def test_a_new_version_replaces_the_old_words_in_the_index(news_archive):
    for method in methods(news_archive):
        assert slugs(search_news(news_archive, "старый", method=method)) == ["edited"]
    new_version(news_archive, "edited", "Новый заголовок о Думе", "Новый текст.")
    for method in methods(news_archive):
        assert search_news(news_archive, "старый", method=method) == [], method
        assert "edited" in slugs(search_news(news_archive, "Дума", method=method)), method


def test_the_title_outranks_the_body(news_archive):
    for method in methods(news_archive):
        # "одобрил" in the council's title, "одобрили" in the other's body
        assert slugs(search_news(news_archive, "одобрил", method=method)) == [
            "council",
            "duma-nom",
        ], method
