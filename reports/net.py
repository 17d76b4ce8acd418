"""Net changes over a period: each entity from its state before the first change to its state
after the last. A -> B -> C reads as A -> C; A -> B -> A is no net change, listed as a
flip-flop (a value that went and came back is worth knowing, but not as a change)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from store.compare import FieldChange, as_json
from store.report_queries import net_field_changes
from store.transitions import Transition


@dataclass
class NetChange:
    change_set: Transition
    crawls: list[int]  # every crawl that detected a step, oldest first
    steps: int


@dataclass
class FlipFlop:
    """An entity that changed in the period and ended as it began."""

    first: Transition
    last: Transition
    crawls: list[int]
    steps: int
    first_detected: datetime
    last_detected: datetime


def net_changes(sets: list[Transition]) -> tuple[list[NetChange], list[FlipFlop]]:
    """Collapse each entity's change sets (given oldest first) into one, or a flip-flop."""
    by_entity: dict[str, list[Transition]] = {}
    for cs in sets:
        by_entity.setdefault(cs.entity, []).append(cs)
    changes: list[NetChange] = []
    flips: list[FlipFlop] = []
    for steps in by_entity.values():
        crawls = sorted({cs.crawl for cs in steps})
        if len(steps) == 1:
            changes.append(NetChange(steps[0], crawls, 1))
            continue
        first, last = steps[0], steps[-1]
        old, new = first.old, last.new
        same = (old is None and new is None) or (
            first.old_hash is not None and first.old_hash == last.new_hash
        )
        if same:
            flips.append(
                FlipFlop(first, last, crawls, len(steps), first.detected_at, last.detected_at)
            )
            continue
        changes.append(NetChange(_collapse(first, last, steps), crawls, len(steps)))
    return changes, flips


def _collapse(first: Transition, last: Transition, steps: list[Transition]) -> Transition:
    old, new = first.old, last.new
    if old is not None and new is not None:
        kind = "modified"
        fields = net_field_changes(old, new, last.type)
    else:
        kind = "added" if old is None else "removed"
        category = next((f.category for cs in steps for f in cs.fields if f.field == ""), "text")
        # the whole entity's content as plain JSON, as the stored changes give it (a
        # transition's versions are its type's records)
        fields = [FieldChange(kind, "", as_json(old), as_json(new), category)]
    return replace(
        last,
        id=None,
        change=kind,
        previous_version=first.previous_version,
        old=old,
        old_hash=first.old_hash,
        fields=fields,
        before=first.before,
    )
