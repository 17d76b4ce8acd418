"""URL canonicalisation and entity keys: one page, one URL; one thing, one history."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.observations import entity_key, observations_from_records, record_content
from crawler.urls import canonical_url, page_path


@pytest.mark.parametrize(
    "url",
    [
        "http://pacsto.org/events/x",
        "https://www.pacsto.org/events/x/",
        "https://pacsto.org/events/x#top",
        "HTTPS://WWW.PACSTO.ORG/events/x",
    ],
)
def test_host_spellings_collapse_to_one_url(url):
    assert canonical_url(url) == "https://pacsto.org/events/x"


def test_loopback_replicas_keep_http_and_their_port():
    assert canonical_url("http://127.0.0.1:8123/events/x/") == "http://127.0.0.1:8123/events/x"
    assert canonical_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123/"


def test_page_path_keeps_a_sorted_query():
    assert page_path("https://house.gov.by/ru/news/?page=2&a=1") == "/ru/news?a=1&page=2"


def test_news_keys_do_not_depend_on_host_or_port():
    a = {"type": "news", "language": "en", "url": "http://127.0.0.1:1/events/x", "title": "T"}
    b = dict(a, url="https://www.pacsto.org/events/x/")
    assert entity_key("pacsto", a) == entity_key("pacsto", b) == "pacsto/en/news/events/x"
    assert "url" not in record_content(a)


def test_member_keys_survive_a_role_rewording_and_ignore_list_position():
    a = {
        "type": "member",
        "language": "ru",
        "name": "ИВАНОВ Иван",
        "role": "member",
        "position": 3,
        "source": "duma_ru",
    }
    b = dict(a, role="deputy_head", position=1)
    assert entity_key("duma_ru", a) == entity_key("duma_ru", b) == "duma_ru/ru/member/ivan-ivanov"
    assert "position" not in record_content(a)


def test_website_keys_follow_the_label_not_the_url():
    rec = {
        "type": "website",
        "language": "en",
        "country": "BY",
        "url": None,
        "label": "Website of the Council of the Republic",
    }
    assert entity_key("pacsto", rec) == "pacsto/en/website/BY/council-of-the-republic"


def test_observations_carry_scope_and_capture():
    rec = {"type": "delegation", "language": "ru", "country": "KG", "seats": 6}
    (obs,) = observations_from_records("pacsto", [rec], datetime(2026, 1, 1), 7)
    assert (obs.key, obs.scope, obs.capture_id) == (
        "pacsto/ru/delegation/KG",
        "pacsto/ru/delegation",
        7,
    )
    assert obs.content == {"seats": 6}


def test_pacsto_takes_a_base_url_per_language_defaulting_to_the_live_hosts():
    from crawler.spiders.pacsto import PacstoSpider

    live = PacstoSpider()
    assert live.base_urls == {"en": "https://pacsto.org", "ru": "https://paodkb.org"}
    mirror = PacstoSpider(base_url="http://127.0.0.1:9/")
    assert mirror.base_urls == {"en": "http://127.0.0.1:9", "ru": "http://127.0.0.1:9"}
    split = PacstoSpider(base_url_en="http://en.example", base_url_ru="http://ru.example")
    assert split.base_urls == {"en": "http://en.example", "ru": "http://ru.example"}


def test_a_sites_history_includes_its_imports_and_reparses():
    from store.queries import spiders_of_sites

    assert spiders_of_sites(["pacsto"]) == ["pacsto", "import:pacsto", "reparse:pacsto"]
