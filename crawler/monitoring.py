"""Sharp-drop detection: a crawl that finished but brought back far less than it usually does.

The idea is spidermon's stats history: a spider whose output suddenly falls has usually met a
changed layout that its parsers half-read, which a "finished" status alone does not show (zero
delegations parsed on pages that always had five). Each count of a crawl is compared with the
median of the same count over the site's last few finished crawls.

Which count: ``entities_by_type`` (distinct entities seen or confirmed, by type) when the
pipeline records it, as it does not depend on how many pages were re-parsed rather than
answered 304; otherwise ``records_by_type`` (records parsed, by type).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

from store.archive import Archive
from store.crawl_history import FINISHED, CrawlInfo, finished_before

METRICS = ("entities_by_type", "records_by_type")
HISTORY = 5  # finished crawls to compare with
MIN_HISTORY = 3  # fewer than this and there is no "usual" yet
KEEP = 0.5  # a count at or below this share of its median is a sharp drop
MIN_MEDIAN = 2  # counts usually below this are too small to judge


@dataclass(frozen=True)
class Drop:
    """One count that fell sharply."""

    type: str
    count: int
    median: float
    history: int  # how many earlier crawls the median is over
    metric: str

    def text(self) -> str:
        return f"{self.type} {self.count} (median {self.median:g})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _metric(stats: list[dict]) -> str:
    for metric in METRICS:
        if all(metric in s for s in stats):
            return metric
    return METRICS[-1]


def sharp_drops(
    current: dict,
    history: list[dict],
    *,
    min_history: int = MIN_HISTORY,
    keep: float = KEEP,
    min_median: float = MIN_MEDIAN,
) -> list[Drop]:
    """Counts of ``current`` (a crawl's stats) that fell to ``keep`` of their usual value or less.

    ``history`` holds the stats of earlier finished crawls of the same site.
    """
    if len(history) < min_history:
        return []
    metric = _metric([current, *history])
    counts = current.get(metric) or {}
    kinds = sorted({kind for stats in history for kind in stats.get(metric) or {}})
    drops = []
    for kind in kinds:
        usual = median([(stats.get(metric) or {}).get(kind, 0) for stats in history])
        got = int(counts.get(kind, 0))
        if usual >= min_median and got <= usual * keep:
            drops.append(Drop(kind, got, usual, len(history), metric))
    return drops


def crawl_drops(archive: Archive, crawl: CrawlInfo, history: int = HISTORY) -> list[Drop]:
    """The sharp drops of one finished crawl against the finished crawls of its site before it."""
    if crawl.status != FINISHED:
        return []
    earlier = finished_before(archive, crawl.site, crawl.id, history)
    return sharp_drops(crawl.stats, [c.stats for c in earlier])


def drop_warning(archive: Archive, crawl: CrawlInfo, history: int = HISTORY) -> str | None:
    """A one-line warning when ``crawl``'s output dropped sharply; None when it did not.

    When the crawl covered other languages than usual, the warning says so: a crawl of one
    language brings back about half of what a crawl of two does.
    """
    drops = crawl_drops(archive, crawl, history)
    if not drops:
        return None
    text = (
        f"output dropped sharply against the last {drops[0].history} finished crawls: "
        + ", ".join(d.text() for d in drops)
    )
    earlier = finished_before(archive, crawl.site, crawl.id, history)
    usual = Counter(c.languages for c in earlier).most_common(1)
    if usual and crawl.languages and usual[0][0] != crawl.languages:
        text += (
            f" (this crawl: {','.join(crawl.languages)}; usually: {','.join(usual[0][0]) or '?'})"
        )
    return text
