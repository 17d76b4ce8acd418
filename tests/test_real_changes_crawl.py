"""Issue 15, crawls: what a partial crawl tells about its failed pages, and that an off-site
redirect never even reaches the other host.

Built on the fault suite's harness (``tests/faults``: the pacsto replica behind a fault proxy,
a clean baseline, a fault crawl then a clean recovery crawl), whose scenarios check status,
changes and captures for every fault class; these tests check what the suite does not.
"""

from __future__ import annotations

import pytest
from faults.harness import FaultSite
from faults.scenarios import BY_ID, COUNTRY, NEWS, OFFSITE_ARTICLE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with FaultSite(tmp_path_factory.mktemp("real_changes")) as fault_site:
        yield fault_site


def test_a_partial_crawl_names_its_failed_page_and_the_sets_it_held_back(site):
    outcome = site.outcome(BY_ID["http-503@country-ru"])
    crawl = outcome.fault_crawl
    assert crawl["status"] == "partial" and "removed nothing" in crawl["reason"]
    assert crawl["failed_pages"] == [
        {
            "url": site.url + COUNTRY,
            "language": "ru",
            "role": "country",
            "outcome": "http-error",
            "reason": "HTTP 503",
        }
    ]
    held_back = crawl["incomplete_sets"]
    assert {"pacsto/ru/website/RU", "pacsto/ru/representative/RU", "pacsto/ru/member/RU"} <= set(
        held_back
    ), "the failed page's country is held back in each set it adds lines to"
    assert "pacsto/ru/website" not in held_back, "the rest of the block's sets were whole"
    assert "pacsto/en/website" not in held_back, "the other edition was whole"
    assert crawl["missing_unconfirmed"] == 0
    assert crawl["new_versions"] == 0 and outcome.changes == []


def test_an_off_site_redirect_is_a_failed_page_and_the_other_host_is_never_asked(site):
    other = site.servers[2]
    other.clear_requests()
    outcome = site.outcome(BY_ID["redirect-offsite@news-ru"])
    assert [(p["url"], p["outcome"]) for p in outcome.fault_crawl["failed_pages"]] == [
        (site.url + NEWS, "off-site")
    ]
    reason = outcome.fault_crawl["failed_pages"][0]["reason"]
    assert reason == f"redirected off the site to {site.offsite_url}{OFFSITE_ARTICLE}"
    assert other.requests == [], "nothing is fetched from the other host"
