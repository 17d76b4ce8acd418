"""``parlwatch discover`` and a stale registry, against replicas whose pages moved (version 2027).

Every national replica with a 2027 version moves its delegation page and news list (a new
convocation, a redesign); parlament_tj's 2027 home page links to neither, only its robots.txt
sitemap and its RSS feed lead there. ``discover`` must propose the new paths; a crawl with the old
registry must warn before that; after ``discover --write`` (always on a copy of sites.toml) the
crawl must find everything where it was and record no change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.registry import REGISTRY_FILE, load_registry
from replica import ReplicaServer
from store.archive import Archive
from store.queries import list_changes, list_crawls

pytestmark = pytest.mark.e2e

MOVED = {
    "duma_ru": {
        "delegation": "/duma/structure/pa-odkb/",
        "news_list": "/press/news/",
        "news_page": "/press/news/page/{n}/",
        "article": r"/news/\d+/",
    },
    "sovrep_by": {
        "delegation": "/ru/deyatelnost/mezhparlamentskoe-sotrudnichestvo/odkb/",
        "news_list": "/ru/press-centr/novosti/",
        "news_page": "/ru/press-centr/novosti/page/{n}/",
        "article": r"/ru/novosti/\d+\.html",
    },
    "house_by": {
        "delegation": "/ru/international/pa-odkb/",
        "news_list": "/ru/press/news/",
        "news_page": "/ru/press/news/?page={n}",
        "article": r"/ru/news/view/[\w-]+-\d+/?",
    },
    "mazhilis_kz": {
        "delegation": "/ru/mazhilis/international/pa-odkb",
        "news_list": "/ru/mazhilis/press/news",
        "news_page": "/ru/mazhilis/press/news?page={n}",
        "article": r"/ru/mazhilis/news/details/\d+",
    },
    "senate_kz": {
        "delegation": "/ru/senate/international/pa-odkb",
        "news_list": "/ru/senate/press/news",
        "news_page": "/ru/senate/press/news?page={n}",
        "article": r"/ru/senate/news/details/\d+",
    },
    "kenesh_kg": {
        "delegation": "/ru/international/pa-odkb",
        "news_list": "/ru/press/news/",
        "news_page": "/ru/press/news/?page={n}",
        "article": r"/ru/article/show/\d+/[\w-]+",
    },
    "council_ru": {
        "delegation": "/activity/international/pa-odkb/",
        "news_list": "/press-center/news/",
        "news_page": "/press-center/news/?page={n}",
        "article": r"/events/news/\d+/",
    },
    "parlament_tj": {
        "delegation": "/ru/mezhdunarodnye-svyazi/pa-odkb",
        "news_list": "/ru/press/news",
        "news_page": "/ru/press/news?page={n}",
        "article": r"/ru/news/\d+",
        "feed": "/ru/rss/news.xml",
        "sitemap": "/sitemap.xml",
    },
}


def parlwatch(*args: str, registry: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if registry is not None:
        env["PARLWATCH_REGISTRY"] = str(registry)
    return subprocess.run(
        [sys.executable, "-m", "parlwatch", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.fixture
def registry(tmp_path) -> Path:
    """A copy of sites.toml: tests never write the real one."""
    copy = tmp_path / "sites.toml"
    copy.write_text(Path(str(REGISTRY_FILE)).read_text(encoding="utf-8"), encoding="utf-8")
    return copy


@pytest.mark.parametrize("site", list(MOVED))
def test_discover_proposes_the_moved_paths(site, registry):
    with ReplicaServer(site, version="2027") as srv:
        done = parlwatch("discover", site, "--base-url", srv.url, "--delay", "0")
    assert done.returncode == 0, done.stdout + done.stderr
    for key, path in MOVED[site].items():
        value = f"'{path}'" if key == "article" else f'"{path}"'
        assert f"\n{key} = {value}\n" in done.stdout, (key, done.stdout)
    assert f'id = "{site}"' in done.stdout
    if site == "house_by":  # both editions moved
        assert '\ndelegation = "/en/international/pa-odkb/"\n' in done.stdout
    # the real registry is untouched by a discover without --write
    assert (
        load_registry.__wrapped__(REGISTRY_FILE)[site].languages["ru"].delegation
        != (MOVED[site]["delegation"])
    )


def test_discover_on_an_unmoved_site_proposes_the_registry_as_it_is():
    with ReplicaServer("kenesh_kg", version="2026") as srv:
        done = parlwatch("discover", "kenesh_kg", "--base-url", srv.url, "--delay", "0")
    assert done.returncode == 0, done.stderr
    marks = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("# ")][1:]
    assert marks and set(marks) == {"="}, done.stdout
    article = next(line for line in done.stdout.splitlines() if " ru article: " in line)
    assert "\\d" in article and "\\\\" not in article, "the pattern as written in sites.toml"


def test_discover_refuses_the_assembly_and_a_site_it_cannot_reach():
    assert "has a spider of its own" in parlwatch("discover", "pacsto").stderr
    done = parlwatch("discover", "duma_ru", "--base-url", "http://127.0.0.1:9", "--delay", "0")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("error: nothing fetched")


@pytest.mark.parametrize("site", ["parlament_tj", "duma_ru"])
def test_a_moved_site_warns_then_discover_repairs_the_registry_with_no_false_change(
    site, registry, tmp_path
):
    db = str(tmp_path / "archive.db")
    with ReplicaServer(site, version="2026") as srv:
        crawl = ("crawl", site, "--base-url", srv.url, "--db", db)
        before = parlwatch(*crawl, registry=registry)
        assert before.returncode == 0, before.stdout + before.stderr
        assert "stale" not in before.stdout

        srv.set_version("2027")
        stale = parlwatch(*crawl, registry=registry)
        assert f"registry entry looks stale: {site}/ru delegation" in stale.stdout
        assert f"parlwatch discover {site} --base-url {srv.url}" in stale.stdout, "not live"
        report = parlwatch("report", "--db", db)
        assert f"REGISTRY STALE** {site.replace('_', chr(92) + '_')}" in report.stdout
        assert "but registry entries look stale" in report.stdout  # never a plain "no changes"

        fixed = parlwatch(
            "discover", site, "--base-url", srv.url, "--delay", "0", "--write", registry=registry
        )
        assert fixed.returncode == 0, fixed.stderr
        assert f"{registry}: {site} updated" in fixed.stdout
        assert "+delegation = " in fixed.stdout  # the difference is shown
        paths = load_registry.__wrapped__(registry)[site].languages["ru"]
        assert {k: getattr(paths, k) for k in MOVED[site]} == MOVED[site]

        after = [parlwatch(*crawl, registry=registry) for _ in range(2)]

    archive = Archive(db)
    crawls = sorted(list_crawls(archive), key=lambda c: c.id)
    assert [c.status for c in crawls][-2:] == ["finished", "finished"], after[0].stdout
    assert all("stale" not in done.stdout for done in after)
    assert crawls[1].stats["registry_stale"], "the warning is kept with the crawl"
    assert not crawls[-1].stats["registry_stale"]
    assert list_changes(archive) == []  # moved pages are no change; nothing was withdrawn
    listing = parlwatch("crawls", "--db", db, "--format", "json")
    rows = {row["id"]: row for row in json.loads(listing.stdout)}
    assert "parlwatch discover" in rows[crawls[1].id]["registry_warning"]
    assert "REGISTRY STALE" not in parlwatch("report", "--db", db).stdout  # repaired


def test_the_real_registry_was_not_written(registry):
    assert registry.read_text(encoding="utf-8") == Path(str(REGISTRY_FILE)).read_text(
        encoding="utf-8"
    )
