"""The analysts' change report: what changed in a period, in words, with its significance.

``build_report`` reads the archive through ``store.report_queries`` and returns a
``reports.model.Report``; the renderers (``render_md``, ``render_html``, ``render_data``) only
format it. A change is one entity's field changes from one crawl taken together (or, with
``net``, over the whole period), grouped by country and entity, newest first.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from reports.describe import country_name, details, group_of, statement
from reports.links import CaptureLinker, relink
from reports.model import Flip, Item, Options, Report, timestamp
from reports.net import FlipFlop, net_changes
from reports.significance import Verdict, judge, rank
from store.archive import Archive, utcnow
from store.entities import TYPES as TYPE_ORDER
from store.entities import Record
from store.entities.delegation import Delegation
from store.queries import spiders_of_sites
from store.report_queries import change_sets, crawls_between, seat_history
from store.tenures import member_tenures
from store.transitions import CaptureRef, Transition

ASSEMBLY = "pacsto"
__all__ = ["Options", "Report", "build_report"]


def build_report(
    archive: Archive,
    options: Options,
    rules: list | None = None,
    now: datetime | None = None,
    replay: CaptureLinker | None = None,
    timelines: bool = True,
) -> Report:
    """Read the archive and assemble the report; ``rules`` enable the disagreements section.

    ``replay`` makes the replay URL of a capture (the command line builds it from the replay
    server's address); without it capture links go to the live site and say so. ``timelines``
    reads the member lists' tenures (only the HTML page draws them)."""
    o = replace(options, countries=[c.upper() for c in options.countries])
    country_sites = [site for site, (cc, _name) in o.site_info.items() if cc in o.countries]
    sets = change_sets(archive, o.since, o.until, o.countries, o.sites, o.types, country_sites)
    for cs in sets:
        if cs.country is None and cs.site in o.site_info:
            cs.country = o.site_info[cs.site][0]
    relink(archive, sets)
    flips: list[Flip] = []
    if o.net:
        collapsed, flip_flops = net_changes(sets)
        pairs = [(n.change_set, n.crawls, n.steps) for n in collapsed]
        flips = [_flip(f) for f in flip_flops]
    else:
        pairs = [(cs, [cs.crawl], 1) for cs in sets]
    names = {site: name for site, (_cc, name) in o.site_info.items()}
    items = [_item(cs, crawls, steps, judge(cs), names, replay) for cs, crawls, steps in pairs]
    lowest = rank(o.min_significance)
    ranks = {level: rank(level) for level in {i.significance for i in items}}
    shown = [i for i in items if ranks[i.significance] >= lowest]
    flips = [f for f in flips if rank(f.significance) >= lowest]
    spiders = spiders_of_sites(o.sites) if o.sites else o.spiders
    findings = _findings(archive, rules, o) if rules is not None else []
    seats = seat_history(archive, until=o.until, countries=o.countries or None)
    return Report(
        options=o,
        generated_at=now or utcnow(),
        items=_in_order(shown),
        hidden=len(items) - len(shown),
        crawls=crawls_between(archive, o.since, o.until, spiders or None),
        flips=sorted(flips, key=lambda f: (_country_key(f.country), f.group_title)),
        findings=findings,
        seats=seats,
        tenures=_assembly_tenures(archive, o.countries) if timelines else [],
        replay=replay is not None,
    )


def _assembly_tenures(archive: Archive, countries: list[str]) -> list:
    """The assembly's member lists over time, for the membership timelines."""
    tenures = member_tenures(archive, source=ASSEMBLY)
    return [t for t in tenures if not countries or t.country in countries]


def _link(ref: CaptureRef | None, language: str | None, replay: CaptureLinker | None):
    return replay(ref.url, ref.fetched_at, language) if ref and replay else None


def _item(
    cs: Transition,
    crawls: list[int],
    steps: int,
    verdict: Verdict,
    names: dict[str, str],
    replay: CaptureLinker | None = None,
) -> Item:
    group, title = group_of(cs, names.get(cs.site))
    changed = [f.field for f in cs.fields]
    if len(changed) > 1:  # most changes touch one field
        changed.sort()
    identity = "|".join([cs.entity, str(cs.previous_version), str(cs.version), cs.change, *changed])
    before, after = cs.before, cs.after
    return Item(  # positional, in Item's order: a fifth of the cost of naming 26, 100k times
        identity, cs.country, country_name(cs.country), group, title,
        cs.entity, cs.type, cs.site, cs.language, cs.change,
        verdict.level, verdict.why, statement(cs), details(cs), cs.fields,
        cs.detected_at, crawls, steps, cs.version, cs.previous_version,
        before, after, _seats(cs.old_record), _seats(cs.new_record),
        _link(before, cs.language, replay), _link(after, cs.language, replay),
    )  # fmt: skip


def _seats(record: Record | None) -> int | None:
    """A delegation's seat count, when its record gives a number."""
    seats = record.seats if isinstance(record, Delegation) else None
    return seats if isinstance(seats, int) else None


def _flip(f: FlipFlop) -> Flip:
    _group, title = group_of(f.first)
    return Flip(
        country=f.first.country,
        group_title=title,
        entity=f.first.entity,
        parts=statement(f.first),
        significance=judge(f.first).level,
        crawls=f.crawls,
        steps=f.steps,
        first_detected=f.first_detected,
        last_detected=f.last_detected,
    )


def _country_key(code: str | None) -> tuple[int, str]:
    return (1, "") if code is None else (0, country_name(code))


def _in_order(items: list[Item]) -> list[Item]:
    """Country by name, then entity type, then the entity changed last first; newest first."""
    newest: dict[str, float] = {}
    for item in items:
        newest[item.group] = max(newest.get(item.group, 0.0), timestamp(item.detected_at))
    kinds = {kind: n for n, kind in enumerate(TYPE_ORDER)}

    def key(item: Item) -> tuple:
        return (
            _country_key(item.country),
            kinds.get(item.type, len(TYPE_ORDER)),
            -newest[item.group],
            item.group_title,
            item.group,
            -timestamp(item.detected_at),
            -item.crawls[-1],
        )

    return sorted(items, key=key)


def _findings(archive: Archive, rules: list, o: Options) -> list[Any]:
    """Cross-source disagreements open now that had opened by the end of the period."""
    from reports.checks import run_checks

    wanted = {c.upper() for c in o.countries}
    return [
        f
        for f in run_checks(archive, rules)
        if (not wanted or f.country in wanted)
        and (o.until is None or f.since is None or f.since < o.until)
    ]
