"""Crawls made of observations, without a spider: for tests of what the store and the
reports make of a crawl's outcome (statuses, failed pages, missing entities)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from store.archive import FINISHED, Archive
from store.observations import Observation, ObservationBatch

# one of a partial crawl's ``stats.failed_pages``
FAILED_COUNTRY_PAGE = {
    "url": "https://pacsto.org/countries/kyrgyz-republic",
    "language": "en",
    "role": "country",
    "outcome": "http-error",
    "reason": "HTTP 503",
}


def website(country: str, when: datetime, url: str | None = None, language: str = "en"):
    """The assembly's website line of ``country``, as one crawl observed it."""
    return Observation(
        key=f"pacsto/{language}/website/{country}",
        type="website",
        scope=f"pacsto/{language}/website",
        site="pacsto",
        content={"url": url or f"http://parliament.{country.lower()}"},
        observed_at=when,
        language=language,
        country=country,
    )


def crawl(
    archive: Archive,
    observations: Iterable[Observation],
    status: str = FINISHED,
    complete: bool = True,
    failed: Iterable[dict] = (),
) -> int:
    """One crawl of pacsto that saw ``observations``; with ``complete``, their sets whole."""
    crawl_id = archive.start_crawl("pacsto")
    batch = ObservationBatch()
    for obs in observations:
        batch.add(obs)
        if complete:
            batch.mark_complete(obs.scope, obs.observed_at)
    archive.finish_crawl(crawl_id, status, batch, {"failed_pages": list(failed)})
    return crawl_id
