"""``parlwatch check`` lists entities missing from a complete observation whose removal is not
yet confirmed; seen again, they leave the list without any change recorded."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from click.testing import CliRunner

from parlwatch.cli import cli
from store.archive import FINISHED, Archive
from store.observations import Observation, ObservationBatch
from store.queries import list_changes

T0 = datetime(2026, 3, 1, 9, 0, 0)


def website(country: str, when: datetime) -> Observation:
    return Observation(
        key=f"pacsto/ru/website/{country}",
        type="website",
        scope="pacsto/ru/website",
        site="pacsto",
        content={"url": f"http://parliament.{country.lower()}"},
        observed_at=when,
        language="ru",
        country=country,
    )


def crawl(archive: Archive, *observations: Observation) -> int:
    crawl_id = archive.start_crawl("pacsto")
    batch = ObservationBatch()
    for obs in observations:
        batch.add(obs)
    batch.mark_complete("pacsto/ru/website", max(o.observed_at for o in observations))
    archive.finish_crawl(crawl_id, FINISHED, batch)
    return crawl_id


def missing_in_check(db: str) -> list[dict]:
    done = CliRunner().invoke(cli, ["check", "--db", db, "--format", "json"])
    assert done.exit_code == 0, done.output
    return [f for f in json.loads(done.output) if f["kind"] == "missing-unconfirmed"]


def test_check_lists_missing_unconfirmed_until_the_entity_returns(sqlite_url):
    archive = Archive(sqlite_url)
    crawl(archive, website("AM", T0), website("KG", T0))
    first = crawl(archive, website("KG", T0 + timedelta(days=1)))
    (finding,) = missing_in_check(sqlite_url)
    assert finding["country"] == "AM" and finding["since"] == "2026-03-02T09:00:00Z"
    assert finding["values"]["complete observations lacking it"] == 1
    assert finding["values"]["needed to record a removal"] == 2
    assert finding["detail"] == f"first lacked by crawl {first}"
    text = CliRunner().invoke(cli, ["check", "--db", sqlite_url]).output
    assert "[missing-unconfirmed] AM: pacsto/ru/website/AM missing" in text
    crawl(archive, website("AM", T0 + timedelta(days=2)), website("KG", T0 + timedelta(days=2)))
    assert missing_in_check(sqlite_url) == []
    assert list_changes(archive) == []
