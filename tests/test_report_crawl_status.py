"""How a report counts crawls by status: a partial crawl is applied with failed pages (shown on
its own, naming them), an abandoned one (its process died) is failed like a failed one."""

from __future__ import annotations

from datetime import datetime

from observed import FAILED_COUNTRY_PAGE, crawl, website

from reports.render_data import render
from reports.report import Options, build_report
from store.archive import FAILED, PARTIAL, Archive
from store.models import Crawl


def test_partial_is_shown_apart_and_abandoned_counts_as_failed(sqlite_url):
    archive = Archive(sqlite_url)
    crawl(archive, [website("RU", datetime(2026, 1, 1))])
    partial = crawl(
        archive,
        [website("RU", datetime(2026, 1, 2))],
        status=PARTIAL,
        complete=False,
        failed=[FAILED_COUNTRY_PAGE],
    )
    failed = crawl(archive, [], status=FAILED)
    abandoned = archive.start_crawl("pacsto")
    with archive.sessions.begin() as session:
        session.get(Crawl, abandoned).pid = 2**22 + 1  # no such process
    archive.close_dead_crawls()

    report = build_report(archive, Options(), rules=[])
    summary = report.summary()
    statuses = {c["id"]: c["status"] for c in summary["failed_crawls"]}
    assert statuses == {failed: "failed", abandoned: "abandoned"}
    assert [(c["id"], c["failed_pages"]) for c in summary["partial_crawls"]] == [
        (partial, [FAILED_COUNTRY_PAGE])
    ]
    row = summary["coverage"]["pacsto"]
    assert (row["finished"], row["partial"], row["failed"]) == (1, 1, 2)
    md = render(report, "md")
    assert "**2 FAILED**" in md and "abandoned" in md
    assert "1 PARTIAL" in md and "country en https://pacsto.org/countries/kyrgyz-republic" in md
    html = render(report, "html")
    assert "PARTIAL" in html and "kyrgyz-republic: HTTP 503" in html


def _assembly_member(name: str, key: str, when: datetime):
    from store.observations import Observation

    return Observation(
        key=f"pacsto/ru/member/{key}",
        type="member",
        scope="pacsto/ru/member/TJ",
        site="pacsto",
        content={"name": name, "source": "pacsto"},
        observed_at=when,
        language="ru",
        country="TJ",
    )


def test_the_assemblys_member_lists_are_headed_by_its_name_in_the_cli_report(sqlite_url):
    from click.testing import CliRunner

    from parlwatch.cli import cli

    archive = Archive(sqlite_url)
    crawl(archive, [_assembly_member("Боботов Исмоил", "boboev-ismoil", datetime(2026, 1, 1))])
    crawl(
        archive,
        [
            _assembly_member("Боботов Исмоил", "boboev-ismoil", datetime(2026, 1, 2)),
            _assembly_member("Курбонзода Рустам", "kurbonzoda-rustam", datetime(2026, 1, 2)),
        ],
    )
    done = CliRunner().invoke(cli, ["report", "--db", sqlite_url])
    assert done.exit_code == 0, done.output
    assert "CSTO Parliamentary Assembly member list (pacsto, ru)" in done.output
    assert "pacsto member list" not in done.output
