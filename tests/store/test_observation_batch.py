"""Staging a crawl's observations: parts of one fact, and a cost that grows with the crawl."""

from __future__ import annotations

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


class _CountingParts(dict):
    """A ``by_part`` that counts how often staging walks the whole of it."""

    walks = 0

    def items(self):
        type(self).walks += 1
        return super().items()

    def values(self):
        type(self).walks += 1
        return super().values()

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_staging_many_parts_does_not_rescan_what_was_staged_before():
    """Every fact seen in two parts: an add looks at its own fact's parts, never at all staged."""
    batch = ObservationBatch()
    batch.by_part = _CountingParts()
    for n in range(2_000):
        country = f"X{n}"
        batch.add(seats(country, 5, "block", 1))
        batch.add(seats(country, 5 + n % 2, "country-page", 2))
    assert len(batch) == 2_000
    assert len(batch.disagreements) == 1_000
    assert _CountingParts.walks == 0, "staging walked every staged part"
