"""Each entity type's home: its record, key, versioned content and field categories."""

from __future__ import annotations

import json

import pytest

from crawler.observations import IDENTIFIERS
from store import entities
from store.entities.delegation import Chamber, Delegation
from store.entities.member import Member

SENTENCE = {
    "type": "delegation",
    "country": "RU",
    "language": "en",
    "parliament": "Federal Assembly of the Russian Federation",
    "wording": "consists of",
    "seats": 22,
    "chambers": [
        {"count": 10, "member_title": "deputies", "member_role": "deputy", "chamber": "State Duma"},
        {"count": 12, "member_title": "senators", "member_role": "senator", "chamber": None},
    ],
    "text": "Delegation of ... consists of 10 deputies of the State Duma and 12 senators.",
    "part": "block",
}


def test_the_registry_lists_every_type_once_in_report_order():
    assert entities.TYPES == ["delegation", "representative", "website", "member", "news"]
    assert entities.block_types() == ["delegation", "representative", "website"]
    assert all(entities.home(name).name == name for name in entities.TYPES)


def test_a_typed_record_is_the_parsers_json_key_for_key():
    record = entities.record_of(dict(SENTENCE))
    assert isinstance(record, Delegation) and record == SENTENCE
    assert json.loads(json.dumps(record)) == SENTENCE and list(record) == list(SENTENCE)
    assert record.seats == 22 and isinstance(record.chambers[1], Chamber)
    assert record.chambers[1].member_title == "senators" and record.chambers[1].chamber is None
    assert Member({"name": "A B"}).role is None, "a key the record lacks reads as None"


@pytest.mark.parametrize(
    ("record", "key", "content"),
    [
        (SENTENCE, "pacsto/en/delegation/RU", {k: SENTENCE[k] for k in list(SENTENCE)[3:8]}),
        (
            {"type": "website", "country": "KG", "language": "en", "part": "block",
             "label": "Official website of the Kyrgyz Republic", "url": "http://kenesh.kg"},
            "pacsto/en/website/KG/kyrgyz-republic",
            {"label": "Official website of the Kyrgyz Republic", "url": "http://kenesh.kg"},
        ),
        (
            {"type": "member", "country": "RU", "chamber": "State Duma", "name": "Иванов Иван",
             "role": "member", "role_text": None, "source": "duma_ru", "language": "ru",
             "profile_url": None, "position": 3},
            "duma_ru/ru/member/ivan-ivanov",
            {"chamber": "State Duma", "name": "Иванов Иван", "role": "member",
             "role_text": None, "profile_url": None},
        ),
        (
            {"type": "news", "url": "http://127.0.0.1:8123/events/a-b/", "language": "ru",
             "title": "T", "published": "2026-01-02", "published_text": "Вчера", "body": "B",
             "about_assembly": True},
            "duma_ru/ru/news/events/a-b",
            {"title": "T", "published": "2026-01-02", "body": "B", "about_assembly": True},
        ),
    ],
)  # fmt: skip
def test_key_and_versioned_content_come_from_the_home(record, key, content):
    typed = entities.record_of(record)
    home = entities.home(typed.type)
    site = "pacsto" if key.startswith("pacsto/") else "duma_ru"
    assert home.key(site, typed, IDENTIFIERS) == key
    assert home.content(typed) == content and type(home.content(typed)) is dict


@pytest.mark.parametrize(
    ("kind", "path", "category"),
    [
        ("delegation", ["seats"], "seats"),
        ("delegation", ["chambers", 1, "count"], "seats"),
        ("delegation", ["chambers", 1, "member_title"], "wording"),
        ("delegation", ["chambers", 0, "chamber"], "wording"),
        ("delegation", ["chambers", 2], "text"),
        ("delegation", ["text"], "text"),
        ("delegation", [], "seats"),
        ("representative", ["name"], "person"),
        ("representative", [], "person"),
        ("website", ["url"], "link"),
        ("website", [], "link"),
        ("member", ["post"], "person"),
        ("member", ["role"], "wording"),
        ("member", ["role_text"], "text"),
        ("member", ["profile_url"], "link"),
        ("news", ["published"], "date"),
        ("news", ["about_assembly"], "text"),
        ("news", [], "text"),
    ],
)
def test_field_categories_are_the_homes(kind, path, category):
    assert entities.home(kind).category_of(path) == category
