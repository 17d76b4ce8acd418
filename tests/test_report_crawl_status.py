"""How a report counts crawls by status: a partial crawl is applied with failed pages (shown on
its own, naming them), an abandoned one (its process died) is failed like a failed one."""

from __future__ import annotations

from datetime import datetime

from reports.render_data import render
from reports.report import Options, build_report
from store.archive import FAILED, FINISHED, PARTIAL, Archive
from store.models import Crawl
from store.observations import Observation, ObservationBatch

FAILED_PAGE = {
    "url": "https://pacsto.org/countries/kyrgyz-republic",
    "language": "en",
    "role": "country",
    "outcome": "http-error",
    "reason": "HTTP 503",
}


def observed(when: datetime) -> ObservationBatch:
    batch = ObservationBatch()
    batch.add(
        Observation(
            key="pacsto/en/website/RU",
            type="website",
            scope="pacsto/en/website",
            site="pacsto",
            content={"url": "http://duma.gov.ru"},
            observed_at=when,
            language="en",
            country="RU",
        )
    )
    return batch


def test_partial_is_shown_apart_and_abandoned_counts_as_failed(sqlite_url):
    archive = Archive(sqlite_url)
    finished = archive.start_crawl("pacsto")
    archive.finish_crawl(finished, FINISHED, observed(datetime(2026, 1, 1)))
    partial = archive.start_crawl("pacsto")
    stats = {"failed_pages": [FAILED_PAGE]}
    archive.finish_crawl(partial, PARTIAL, observed(datetime(2026, 1, 2)), stats, "1 page(s)")
    failed = archive.start_crawl("pacsto")
    archive.finish_crawl(failed, FAILED, reason="HTTP 503")
    abandoned = archive.start_crawl("pacsto")
    with archive.sessions.begin() as session:
        session.get(Crawl, abandoned).pid = 2**22 + 1  # no such process
    archive.close_dead_crawls()

    report = build_report(archive, Options(), rules=[])
    summary = report.summary()
    statuses = {c["id"]: c["status"] for c in summary["failed_crawls"]}
    assert statuses == {failed: "failed", abandoned: "abandoned"}
    assert [(c["id"], c["failed_pages"]) for c in summary["partial_crawls"]] == [
        (partial, [FAILED_PAGE])
    ]
    row = summary["coverage"]["pacsto"]
    assert (row["finished"], row["partial"], row["failed"]) == (1, 1, 2)
    md = render(report, "md")
    assert "**2 FAILED**" in md and "abandoned" in md
    assert "1 PARTIAL" in md and "country en https://pacsto.org/countries/kyrgyz-republic" in md
    html = render(report, "html")
    assert "PARTIAL" in html and "kyrgyz-republic: HTTP 503" in html
