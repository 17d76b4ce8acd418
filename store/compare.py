"""Compare two versions' content: canonical form, list alignment and field-level differences.

Generic over entity types: their homes (``store.entities``) add the categories of their fields
and what is not versioned. deepdiff does the comparison. Lists of records are first aligned item
to item by what they share (a delegation may list its chambers in another order from one capture
to the next, and a chamber may be renamed and recounted at once: each new chamber is paired with
the old one it resembles most), so changes are reported field by field. The content hash is
computed on an order-free canonical form, so a pure reordering writes no new version at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_ADDED = {"dictionary_item_added", "iterable_item_added", "attribute_added", "set_item_added"}
_REMOVED = {"dictionary_item_removed", "iterable_item_removed", "attribute_removed"}
_REMOVED |= {"set_item_removed"}


@dataclass(frozen=True)
class FieldChange:
    change: str  # added / modified / removed
    field: str  # e.g. "chambers[1].member_title"; "" is the entity as a whole
    old: Any
    new: Any
    category: str


def canonical(value: Any) -> Any:
    """An order-free form of ``value``: lists are sorted by their items' JSON."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def as_json(value: Any) -> Any:
    """``value`` with every mapping a plain ``dict`` (typed records are dicts underneath)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON form of ``content``."""
    data = json.dumps(canonical(content), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


@lru_cache(maxsize=4096)  # a report judges a change, says it and shows it: one pass for all
def common_ends(a: str, b: str) -> tuple[int, int]:
    """(head, tail): how many leading and trailing characters ``a`` and ``b`` share, the tail
    not overlapping the head (an edit of a long text is usually a few words in its middle)."""
    head = common_prefix(a, b)
    return head, common_suffix(a, b, min(len(a), len(b)) - head)


def common_prefix(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` share. Slices are compared, not characters:
    first the whole of the shorter text, then stretches doubling in length from the start, then
    halves of the stretch that differs (work in proportion to the shared part)."""
    n = min(len(a), len(b))
    if b.startswith(a) if len(a) == n else a.startswith(b):
        return n
    low, end = 0, min(16, n)
    while a[low:end] == b[low:end]:  # stops before n: the texts differ there
        low, end = end, min(end + 2 * (end - low), n)
    return _bisect(lambda i, j: a[i:j] == b[i:j], low, end - 1)


def common_suffix(a: str, b: str, limit: int) -> int:
    """How many trailing characters ``a`` and ``b`` share, at most ``limit`` (itself at most
    the shorter text's length), found as ``common_prefix`` finds a head."""
    if limit <= 0 or a[len(a) - limit :] == b[len(b) - limit :]:
        return max(limit, 0)

    def same(i: int, j: int) -> bool:  # the characters i+1..j from the end
        return a[len(a) - j : len(a) - i] == b[len(b) - j : len(b) - i]

    low, end = 0, min(16, limit)
    while same(low, end):
        low, end = end, min(end + 2 * (end - low), limit)
    return _bisect(same, low, end - 1)


def _bisect(same, low: int, high: int) -> int:
    """The largest n in [low, high] with ``same(low, n)``, given that ``same(low, high + 1)``
    does not hold."""
    while low < high:
        middle = (low + high + 1) // 2
        if same(low, middle):
            low = middle
        else:
            high = middle - 1
    return low


def field_path(parts: list[Any]) -> str:
    """``['chambers', 1, 'member_title']`` -> ``chambers[1].member_title``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def align(old: Any, new: Any) -> tuple[Any, bool]:
    """``new`` with each list of dicts reordered to pair its items with ``old``'s.

    Greedy pairing by the number of equal fields (ties keep page order); unpaired new items go
    last, so they are reported as added. Returns (aligned, complete): complete is false when
    some old item found no partner, and then positions cannot be trusted.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out, complete = {}, True
        for key, value in new.items():
            out[key], ok = align(old[key], value) if key in old else (value, True)
            complete = complete and ok
        return out, complete
    if not (isinstance(old, list) and isinstance(new, list)):
        return new, True
    if not all(isinstance(item, dict) for item in old + new):
        return new, True
    pairs = sorted(
        ((_likeness(o, n), -i, -j, i, j) for i, o in enumerate(old) for j, n in enumerate(new)),
        reverse=True,
    )
    placed: dict[int, int] = {}
    for score, _ni, _nj, i, j in pairs:
        if score > 0 and i not in placed and j not in placed.values():
            placed[i] = j
    if len(placed) < len(old):
        return new, False
    aligned, complete = [], True
    for i in range(len(old)):
        item, ok = align(old[i], new[placed[i]])
        aligned.append(item)
        complete = complete and ok
    extras = [n for j, n in enumerate(new) if j not in placed.values()]
    return aligned + extras, complete


def aligned(old: Any, new: Any) -> Any:
    """``new`` with its lists of records ordered to pair item by item with ``old``'s."""
    result, complete = align(old, new)
    return result if complete else new


def _likeness(a: dict, b: dict) -> int:
    return sum(1 for k, v in a.items() if k in b and b[k] == v)


def field_changes(
    old: dict, new: dict, category_of: Callable[[list[Any]], str]
) -> list[FieldChange]:
    """Field-level changes from ``old`` to ``new``, in a stable order.

    ``category_of`` names the category of a field path (``['chambers', 1, 'count']``; ``[]``
    is the entity as a whole): each entity type's home knows its fields'.
    """
    from deepdiff import DeepDiff  # here: the reports import this module, never diff (40 ms)

    old, new = as_json(old), as_json(new)  # typed records compare as the JSON they are
    aligned, complete = align(old, new)
    if complete:
        tree = DeepDiff(old, aligned, verbose_level=2, view="tree")
    else:
        tree = DeepDiff(old, new, ignore_order=True, verbose_level=2, view="tree")
    changes: list[FieldChange] = []
    for report_type, levels in tree.items():
        for level in levels:
            if report_type in _REMOVED:
                parts = level.path(output_format="list")
                kind, old_value, new_value = "removed", level.t1, None
            else:
                parts = level.path(output_format="list", use_t2=True)
                kind = "added" if report_type in _ADDED else "modified"
                old_value = None if kind == "added" else level.t1
                new_value = level.t2
            changes.append(
                FieldChange(
                    change=kind,
                    field=field_path(parts),
                    old=_plain(old_value),
                    new=_plain(new_value),
                    category=category_of(parts),
                )
            )
    changes.sort(key=lambda c: (c.field, c.change))
    return changes


def _plain(value: Any) -> Any:
    """deepdiff marks absent values with a sentinel; the store wants JSON."""
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return None
