"""The change report's data: options, reported changes, flip-flops, and the report itself.

Renderers read only these; ``to_dict`` is the JSON shape (CSV flattens the same fields).
"""

from __future__ import annotations

import hashlib
import heapq
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from reports.describe import Detail, Part, plain
from reports.significance import LEVELS, rank
from reports.worddiff import diff_text
from store.archive import FINISHED, NOT_APPLIED, PARTIAL
from store.compare import FieldChange
from store.queries import CrawlRow
from store.report_queries import CaptureRef, SeatPoint


@dataclass
class Options:
    since: datetime | None = None
    until: datetime | None = None
    countries: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    min_significance: str = "minor"
    net: bool = False
    spiders: list[str] | None = None  # whose crawls count as coverage (None: all)
    # site id -> (country, chamber name), from the registry: national news carry no country
    site_info: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(slots=True)
class Item:
    """One reported change: an entity's change in one crawl (or its net change).

    Its ``id`` and its ``fields`` as mappings are made when asked: the Markdown report of
    100,000 changes shows neither, and making them cost a tenth of its time."""

    identity: str  # what the change is, in words: ``id`` is its UUID (see ``change_id``)
    country: str | None
    country_name: str
    group: str
    group_title: str
    entity: str
    type: str
    site: str
    language: str | None
    change: str
    significance: str
    why: str
    parts: list[Part]
    details: list[Detail]
    field_changes: list[FieldChange]
    detected_at: datetime
    crawls: list[int]
    steps: int
    version: int | None
    previous_version: int | None
    before: CaptureRef | None
    after: CaptureRef | None
    seats_before: int | None = None
    seats_after: int | None = None
    before_replay: str | None = None  # the replay URL of the "before" capture, when configured
    after_replay: str | None = None
    _id: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        """A stable UUID of the change: the same change has it in every report and format."""
        if self._id is None:
            self._id = change_id(self.identity)
        return self._id

    @property
    def fields(self) -> list[dict[str, Any]]:
        """The field changes as the JSON shape gives them."""
        return [
            {"change": c.change, "field": c.field, "old": c.old, "new": c.new}
            | {"category": c.category}
            for c in self.field_changes
        ]

    @property
    def statement(self) -> str:
        return plain(self.parts)

    @property
    def categories(self) -> list[str]:
        return sorted({f.category for f in self.field_changes})

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (CSV flattens the same fields)."""
        delta = None
        if self.seats_before is not None and self.seats_after is not None:
            delta = self.seats_after - self.seats_before
        return {
            "id": self.id,
            "country": self.country,
            "country_name": self.country_name,
            "heading": self.group_title,
            "entity": self.entity,
            "type": self.type,
            "site": self.site,
            "language": self.language,
            "change": self.change,
            "significance": self.significance,
            "why": self.why,
            "statement": self.statement,
            "categories": self.categories,
            "detected_at": iso(self.detected_at),
            "crawls": self.crawls,
            "steps": self.steps,
            "version": self.version,
            "previous_version": self.previous_version,
            "seats_before": self.seats_before,
            "seats_after": self.seats_after,
            "seats_delta": delta,
            "before": _capture_dict(self.before, self.before_replay),
            "after": _capture_dict(self.after, self.after_replay),
            "details": [
                {
                    "label": d.label,
                    "diff": diff_text(d.pieces) if d.pieces is not None else None,
                    "value": d.value,
                }
                for d in self.details
            ],
            "fields": self.fields,
        }


ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/parlwatch/changes")


def change_id(identity: str) -> str:
    """``str(uuid.uuid5(ID_NAMESPACE, identity))``, without building a UUID object: the SHA-1
    of the namespace and the name in hex, cut to 16 bytes with dashes, with the version (5,
    the 13th digit) and the RFC 4122 variant (the 17th digit's two high bits: 10) set."""
    h = hashlib.sha1(_NAMESPACE_BYTES + identity.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT_DIGIT[h[16]]}{h[17:20]}-{h[20:32]}"


_NAMESPACE_BYTES = ID_NAMESPACE.bytes
# a hex digit with its two high bits set to 10 (8, 9, a or b: the variant), by its value
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


HEADLINES = 8
HEADLINE_PARTS = 3  # statements said in one headline; the rest are counted
# which kinds of entity lead among changes of one significance
HEADLINE_TYPES = ("delegation", "member", "representative", "website", "news")


_LEVEL_RANK = {level: rank(level) for level in LEVELS}
_HEADLINE_KIND = {kind: n for n, kind in enumerate(HEADLINE_TYPES)}


@lru_cache(maxsize=65536)
def timestamp(when: datetime) -> float:
    """``when.timestamp()`` once per moment: the changes of a crawl share theirs, and a naive
    datetime's timestamp asks the C library for the local time zone each time."""
    return when.timestamp()


def _headline_key(item: Item) -> tuple:
    """Changes that tie on it keep the report's order (``heapq.nsmallest`` is stable): no
    change id is made for the ordering's sake (the Markdown report shows none)."""
    kind = _HEADLINE_KIND.get(item.type, len(HEADLINE_TYPES))
    national = item.site != "pacsto"
    level = _LEVEL_RANK.get(item.significance)
    level = rank(item.significance) if level is None else level
    return (-level, national, kind, -timestamp(item.detected_at))


@dataclass
class Headline:
    """One line of the summary: an entity heading's most significant changes."""

    item: Item  # the first of them (its significance, heading, anchor)
    parts: list[list[Part]]  # what they said, up to HEADLINE_PARTS statements
    count: int  # how many changes of that significance the heading has

    @property
    def more(self) -> int:
        return self.count - len(self.parts)

    @property
    def sentence(self) -> str:
        said = "; ".join(plain(p) for p in self.parts)
        more = f" (and {self.more} more)" if self.more else ""
        return f"{self.item.country_name}, {self.item.group_title}: {said}{more}"


@dataclass
class Flip:
    """An entity that changed and changed back within the period (net mode)."""

    country: str | None
    group_title: str
    entity: str
    parts: list[Part]  # the first step, which was later undone
    significance: str
    crawls: list[int]
    steps: int
    first_detected: datetime
    last_detected: datetime


@dataclass
class Report:
    options: Options
    generated_at: datetime
    items: list[Item]
    hidden: int
    crawls: list[CrawlRow]
    flips: list[Flip]
    findings: list[Any]
    seats: list[SeatPoint]
    tenures: list[Any] = field(default_factory=list)  # store.tenures.Tenure of the assembly
    replay: bool = False  # capture links go to a replay server (else to the live site)
    # headlines by limit, worked out once: the summary and every renderer ask for them
    _headlines: dict[int, list[Headline]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def headlines(self, limit: int = HEADLINES) -> list[Headline]:
        """The few things that matter most, one per entity heading (a member list's joins and
        departures read as one line): seats, people and representatives before wording, the
        assembly before national sites; routine and minor changes never lead."""
        if limit not in self._headlines:
            self._headlines[limit] = self._find_headlines(limit)
        return list(self._headlines[limit])

    def _find_headlines(self, limit: int) -> list[Headline]:
        ranks = {level: rank(level) for level in LEVELS}
        wording = ranks["wording"]
        groups: dict[tuple[str | None, str], list[Item]] = {}
        for item in self.items:
            if ranks[item.significance] >= wording:
                groups.setdefault((item.country, item.group), []).append(item)
        out = []
        for items in groups.values():
            if len(items) == 1:  # most headings (a news item each) have one change
                out.append((_headline_key(items[0]), items, 1))
                continue
            top = max(ranks[i.significance] for i in items)
            tops = [i for i in items if ranks[i.significance] == top]
            lead = heapq.nsmallest(HEADLINE_PARTS, tops, key=_headline_key)
            out.append((_headline_key(lead[0]), lead, len(tops)))
        # (key, the heading's leading changes, how many it has); Headlines only for the chosen
        chosen = heapq.nsmallest(limit, out, key=itemgetter(0))
        return [Headline(lead[0], [i.parts for i in lead], count) for _, lead, count in chosen]

    def countries(self) -> list[tuple[str | None, str, list[tuple[str, str, list[Item]]]]]:
        """[(code, name, [(group key, heading, items)])] in report order."""
        out: list = []
        for item in self.items:
            if not out or out[-1][0] != item.country:
                out.append((item.country, item.country_name, []))
            groups = out[-1][2]
            if not groups or groups[-1][0] != item.group:
                groups.append((item.group, item.group_title, []))
            groups[-1][2].append(item)
        return out

    @property
    def failed_crawls(self) -> list[CrawlRow]:
        """Crawls that applied nothing: failed, interrupted, or abandoned (their process died)."""
        return [c for c in self.crawls if c.status in NOT_APPLIED]

    @property
    def partial_crawls(self) -> list[CrawlRow]:
        """Crawls applied with some pages that did not come back whole: what they saw counts,
        and the sets those pages carry removed nothing (``stats.failed_pages`` names them).
        Neither finished nor failed: shown on their own, with their failed pages."""
        return [c for c in self.crawls if c.status == PARTIAL]

    def significance_counts(self) -> dict[str, int]:
        """{level: changes shown}, highest level first."""
        by_level = Counter(item.significance for item in self.items)
        return {level: by_level.get(level, 0) for level in reversed(LEVELS)}

    def summary(self) -> dict[str, Any]:
        by_category: Counter[str] = Counter()
        per_crawl: Counter[int] = Counter()
        for item in self.items:  # most changes touch one field, from one crawl: no sets made
            if len(item.field_changes) == 1:
                by_category[item.field_changes[0].category] += 1
            else:
                by_category.update(item.categories)
            if len(item.crawls) == 1:
                per_crawl[item.crawls[0]] += 1
            else:
                per_crawl.update(set(item.crawls))
        crawls = {c.id: c for c in self.crawls}
        used = sorted(per_crawl)
        coverage: dict[str, dict[str, Any]] = {}
        for crawl in self.crawls:
            row = coverage.setdefault(
                crawl.spider, {"finished": 0, "partial": 0, "failed": 0, "last": None}
            )
            if crawl.status == FINISHED:
                row["finished"] += 1
                row["last"] = crawl.finished
            elif crawl.status == PARTIAL:
                row["partial"] += 1
            elif crawl.status in NOT_APPLIED:
                row["failed"] += 1
        return {
            "changes": len(self.items),
            "hidden_below_min_significance": self.hidden,
            "by_significance": self.significance_counts(),
            "by_category": dict(sorted(by_category.items())),
            "crawls_with_changes": [
                {
                    "id": n,
                    "spider": crawls[n].spider if n in crawls else None,
                    "finished": crawls[n].finished if n in crawls else None,
                    "changes": per_crawl[n],
                }
                for n in used
            ],  # fmt: skip
            "crawls_in_period": len(self.crawls),
            "failed_crawls": [c.to_dict() | {"stats": None} for c in self.failed_crawls],
            "partial_crawls": [
                c.to_dict() | {"stats": None, "failed_pages": c.stats.get("failed_pages") or []}
                for c in self.partial_crawls
            ],
            "coverage": coverage,
            "flip_flops": len(self.flips),
            "disagreements": len(self.findings),
            "headlines": [
                {"significance": h.item.significance, "change": h.item.id, "text": h.sentence}
                for h in self.headlines()
            ],
            "links": "replay" if self.replay else "live",
        }

    def to_dict(self) -> dict[str, Any]:
        o = self.options
        return {
            "generated_at": iso(self.generated_at),
            "period": {"since": iso(o.since), "until": iso(o.until)},
            "filters": {
                "countries": o.countries,
                "sites": o.sites,
                "types": o.types,
                "min_significance": o.min_significance,
                "net": o.net,
            },
            "summary": self.summary(),
            "changes": [item.to_dict() for item in self.items],
            "flip_flops": [
                {
                    "entity": f.entity,
                    "heading": f.group_title,
                    "country": f.country,
                    "first_step": plain(f.parts),
                    "crawls": f.crawls,
                    "steps": f.steps,
                    "first_detected": iso(f.first_detected),
                    "last_detected": iso(f.last_detected),
                }
                for f in self.flips
            ],  # fmt: skip
            "disagreements": [f.to_dict() | {"sentence": f.sentence()} for f in self.findings],
        }


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") + "Z"


def _capture_dict(ref: CaptureRef | None, replay: str | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "id": ref.id,
        "url": ref.url,
        "fetched_at": iso(ref.fetched_at),
        "status": ref.status,
        "replay_url": replay,
        "link": replay or ref.url,
        "link_kind": "replay" if replay else "live",
    }
