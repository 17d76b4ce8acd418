"""The one ingest path: what a page contributes, its outcome, and how it is staged and stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from archive.snapshots import last_full_capture
from crawler.ingest import Ingest, KnownHistory
from crawler.items import Page, ParseOutcome
from crawler.page_reading import is_html, outcome_text, read_page
from store.archive import FINISHED, Archive
from store.captures import body_digest, last_full_captures
from store.models import Capture
from store.queries import KnownPage

T0 = datetime(2025, 6, 1, 12, 0, 0)
NEWS_URL = "http://127.0.0.1:8000/ru/news/12/"
NEWS_KEY = "duma_ru/ru/news/ru/news/12"
ARTICLE = {"type": "news", "language": "ru", "url": NEWS_URL, "title": "Заседание"}


class Parser:
    """A site parser that says what it was asked to read."""

    def __init__(self, outcome: ParseOutcome | None = None) -> None:
        self.outcome = outcome or ParseOutcome(records=[dict(ARTICLE)])
        self.calls: list[tuple[str, str]] = []

    def parse_page(self, body, url, language, content_type, role, fetched_at=None):
        self.calls.append((url, role))
        return self.outcome


def page(status: int | None, body: bytes | None = b"<html></html>", **kwargs) -> Page:
    values = {
        "site": "duma_ru",
        "url": NEWS_URL,
        "language": "ru",
        "role": "news",
        "fetched_at": T0,
        "status": status,
        "body": body,
        "headers": {"content-type": "text/html; charset=utf-8"},
    }
    return Page(**(values | kwargs))


def known(digest: str | None = None) -> KnownPage:
    return KnownPage(NEWS_KEY, "ru", "/ru/news/12/", '"v1"', None, digest)


@pytest.mark.parametrize(
    ("fetched", "outcome", "parsed", "confirms", "gone"),
    [
        (page(None, None, error="TimeoutError"), "network-error", False, [], []),
        (page(503), "http-error", False, [], []),
        (page(404), "gone", False, [], [NEWS_KEY]),
        (page(410, role="list"), "http-error", False, [], []),
        (page(304, None, known=known()), "ok", False, [NEWS_KEY], []),
        (page(304, None), "ok", False, [NEWS_KEY], []),  # an imported revisit of a news page
        (page(304, None, role="list"), "ok", False, [], []),
        (page(200, known=known(body_digest(b"<html></html>"))), "ok", False, [NEWS_KEY], []),
        (page(200, known=known("sha256:other")), "ok", True, [], []),
        (page(200, headers={"content-type": "application/pdf"}), "ok", False, [], []),
        (page(200), "ok", True, [], []),
    ],
)
def test_read_page_decides_the_outcome_and_what_a_page_contributes(
    fetched, outcome, parsed, confirms, gone
):
    parser = Parser()
    reading = read_page(fetched, parser)
    assert reading.outcome == outcome
    assert bool(parser.calls) == parsed
    assert bool(reading.records) == parsed
    assert (reading.confirms, reading.gone) == (confirms, gone)


def test_a_page_without_its_expected_block_is_layout_missing_and_says_why():
    parser = Parser(ParseOutcome(missing=["news"], errors=["no article"]))
    fetched = page(200)
    reading = read_page(fetched, parser)
    assert reading.outcome == "layout-missing" and reading.errors == ["no article"]
    assert outcome_text(fetched, reading) == "expected content missing: news"
    assert outcome_text(page(None, None, error="boom"), read_page(page(None, None), parser)) == (
        "fetch failed (boom)"
    )
    assert outcome_text(page(503), read_page(page(503), parser)) == "HTTP 503"


def test_is_html_assumes_html_without_a_content_type():
    assert is_html(None) and is_html("application/xhtml+xml") and is_html("text/xml")
    assert not is_html("application/pdf")


@pytest.fixture
def local_archive(sqlite_url) -> Archive:
    return Archive(sqlite_url)


def test_add_records_the_capture_and_stages_what_the_page_contributes(local_archive):
    crawl_id = local_archive.start_crawl("duma_ru")
    ingest = Ingest(local_archive, crawl_id, Parser())
    gone = ingest.add(page(404, b"not here", url="http://127.0.0.1:8000/ru/news/13/"))
    read = ingest.add(page(200))
    with local_archive.session() as session:  # written in batches: not yet
        assert session.scalars(select(Capture)).all() == []
    ingest.flush()
    with local_archive.session() as session:
        captures = {c.id: c for c in session.scalars(select(Capture))}
    assert captures[gone.capture_id].outcome == "gone"
    assert captures[read.capture_id].outcome == "ok"
    assert captures[read.capture_id].canonical_url == "http://127.0.0.1:8000/ru/news/12"
    batch = ingest.settled()
    assert list(batch.observations) == [NEWS_KEY]
    assert batch.gone == {"duma_ru/ru/news/ru/news/13": (T0, gone.capture_id)}
    assert [obs.type for obs in read.observations] == ["news"]


def test_a_stored_capture_is_not_recorded_again_and_known_content_is_only_confirmed(
    local_archive,
):
    crawl_id = local_archive.start_crawl("duma_ru")
    first = Ingest(local_archive, crawl_id, Parser()).add(page(200))
    local_archive.finish_crawl(crawl_id, FINISHED, None)
    hashes = {NEWS_KEY: _content_hash_of_article()}
    members = {"duma_ru/ru/news": {NEWS_KEY, "duma_ru/ru/news/ru/news/99"}}
    again = Ingest(local_archive, crawl_id, Parser(), KnownHistory(hashes, members, {NEWS_KEY}))
    added = again.add(page(200, capture_id=first.capture_id))
    assert added.capture_id == first.capture_id
    with local_archive.session() as session:
        assert len(session.scalars(select(Capture)).all()) == 1
    batch = again.settled()
    assert batch.observations == {} and list(batch.confirmed) == [NEWS_KEY]


def test_a_set_shown_whole_removes_nothing_unless_every_member_was_reread(local_archive):
    outcome = ParseOutcome(records=[], complete_sets=["member/RU"])
    members = {"duma_ru/ru/member/RU": {"a", "b"}}
    for reread, kept in (({"a"}, {}), ({"a", "b"}, {"duma_ru/ru/member/RU": T0})):
        history = KnownHistory({}, members, reread)
        ingest = Ingest(local_archive, 1, Parser(outcome), history)
        ingest.add(page(200, role="delegation", capture_id=1))
        assert ingest.settled().complete_scopes == kept


def _content_hash_of_article() -> str:
    from crawler.observations import record_content
    from store.diff import content_hash

    return content_hash(record_content(dict(ARTICLE)))


def test_last_full_capture_is_the_body_a_304_stands_for(local_archive):
    crawl_id = local_archive.start_crawl("duma_ru")
    ingest = Ingest(local_archive, crawl_id, Parser())
    full = ingest.add(page(200)).capture_id
    ingest.add(page(200, b"later", fetched_at=T0 + timedelta(hours=2)))
    ingest.add(page(200, b"english", language="en", fetched_at=T0 + timedelta(minutes=5)))
    not_modified = ingest.add(page(304, None, fetched_at=T0 + timedelta(hours=1))).capture_id

    def asking(at, exclude_id=None):  # what a capture asking for its full capture gives
        url = "http://127.0.0.1:8000/ru/news/12"
        return SimpleNamespace(canonical_url=url, language="ru", fetched_at=at, id=exclude_id)

    with local_archive.session() as session:
        found = last_full_capture(session, asking(T0 + timedelta(hours=1)))
        assert found is not None and found.id == full
        assert last_full_capture(session, asking(T0, full)) is None
        assert not_modified != full


def test_last_full_captures_answer_as_last_full_capture_for_each(local_archive):
    crawl_id = local_archive.start_crawl("duma_ru")
    ingest = Ingest(local_archive, crawl_id, Parser())
    full = ingest.add(page(200)).capture_id
    ingest.add(page(200, b"later", fetched_at=T0 + timedelta(hours=2)))
    ingest.add(page(200, b"english", language="en", fetched_at=T0 + timedelta(minutes=5)))
    ingest.add(page(304, None, fetched_at=T0 + timedelta(hours=1)))
    ingest.add(page(304, None, fetched_at=T0 + timedelta(hours=3)))
    ingest.add(page(304, None, language="en", fetched_at=T0 + timedelta(hours=4)))
    ingest.add(page(404, None, fetched_at=T0 + timedelta(hours=5)))
    ingest.flush()
    with local_archive.session() as session:
        captures = list(session.scalars(select(Capture).order_by(Capture.id)))
        batched = last_full_captures(session, captures, chunk=1)
        single = {c.id: last_full_capture(session, c) for c in captures}
    ids = {cid: found.id if found else None for cid, found in batched.items()}
    assert ids == {cid: found.id if found else None for cid, found in single.items()}
    assert ids[captures[0].id] is None and full in ids.values()
    assert len(set(ids.values())) == 4  # none, the first, the later, the English full capture
