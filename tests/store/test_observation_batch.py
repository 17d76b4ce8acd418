"""Staging a crawl's observations: parts of one fact, and a cost that grows with the crawl."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from store.observations import Observation, ObservationBatch

T0 = datetime(2025, 6, 1, 12, 0, 0)


def seats(country: str, count: int, part: str, minutes: int) -> Observation:
    return Observation(
        key=f"pacsto/en/delegation/{country}",
        type="delegation",
        scope="pacsto/en/delegation",
        site="pacsto",
        content={"seats": count},
        observed_at=T0 + timedelta(minutes=minutes),
        language="en",
        country=country,
        part=part,
    )


def test_parts_are_kept_per_fact_in_the_order_first_seen():
    batch = ObservationBatch()
    batch.add(seats("TJ", 11, "country-page", 1))
    batch.add(seats("KG", 6, "block", 2))
    batch.add(seats("TJ", 12, "block", 3))
    batch.add(seats("TJ", 10, "country-page", 0))  # older than the part's latest: ignored
    assert list(batch.disagreements) == ["pacsto/en/delegation/TJ"]
    assert list(batch.disagreements["pacsto/en/delegation/TJ"].items()) == [
        ("country-page", {"seats": 11}),
        ("block", {"seats": 12}),
    ]
    assert batch.observations["pacsto/en/delegation/TJ"].content == {"seats": 12}


def test_staging_many_parts_does_not_rescan_what_was_staged_before():
    """Every fact seen in two parts: 2 × 20 000 adds stay well under a second's work each."""
    batch = ObservationBatch()
    started = time.perf_counter()
    for n in range(20_000):
        country = f"X{n}"
        batch.add(seats(country, 5, "block", 1))
        batch.add(seats(country, 5 + n % 2, "country-page", 2))
    elapsed = time.perf_counter() - started
    assert len(batch) == 20_000
    assert len(batch.disagreements) == 10_000
    assert elapsed < 5, f"staging took {elapsed:.1f} s: it rescans the staged parts"
