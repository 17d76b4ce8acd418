"""``parlwatch check`` lists entities missing from a complete observation whose removal is not
yet confirmed; seen again, they leave the list without any change recorded."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import observed
from click.testing import CliRunner

from parlwatch.cli import cli
from store.archive import Archive
from store.queries import list_changes

T0 = datetime(2026, 3, 1, 9, 0, 0)


def crawl(archive, *observations):
    return observed.crawl(archive, observations)


def website(country, when):
    return observed.website(country, when, language="ru")


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
    listed = CliRunner().invoke(cli, ["crawls", "--db", sqlite_url]).output
    assert "1 missing, removal not confirmed yet (parlwatch check)" in listed
    crawl(archive, website("AM", T0 + timedelta(days=2)), website("KG", T0 + timedelta(days=2)))
    assert missing_in_check(sqlite_url) == []
    assert list_changes(archive) == []


def test_check_text_words_list_disagreements_as_sentences():
    from reports.checks import Finding, findings_text

    finding = Finding(
        kind="language-lists",
        country="TJ",
        subject="the English and Russian member lists differ",
        values={"pacsto/en only": [], "pacsto/ru only": ["Курбонзода Рустам"]},
        since=T0,
    )
    text = findings_text([finding])
    assert "[]" not in text and "=[" not in text and "['" not in text
    assert "only pacsto/ru lists Курбонзода Рустам" in text
    assert text.endswith("Open since 2026-03-01T09:00:00Z.")


def test_changes_of_a_crawl_name_the_removals_it_confirmed(sqlite_url):
    """`crawls` counts a confirmed removal in the confirming crawl's changes; `changes --crawl`
    of that crawl says where the removal is dated instead of a bare "no changes"."""
    archive = Archive(sqlite_url)
    crawl(archive, website("AM", T0), website("KG", T0))
    first = crawl(archive, website("KG", T0 + timedelta(days=1)))
    second = crawl(archive, website("KG", T0 + timedelta(days=2)))
    text = CliRunner().invoke(cli, ["changes", "--db", sqlite_url, "--crawl", str(second)]).output
    assert f"crawl {second} confirmed 1 removal," in text
    assert f"pacsto/ru/website/AM (crawl {first})" in text
    history = CliRunner().invoke(cli, ["history", "pacsto/ru/website/AM", "--db", sqlite_url])
    assert f"by crawl {first} (site), confirmed by crawl {second}" in history.output
    missing = CliRunner().invoke(cli, ["changes", "--db", sqlite_url, "--crawl", "999"])
    assert missing.exit_code == 2 and "no crawl 999" in missing.output
