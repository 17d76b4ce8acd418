"""The site-wide delegations block: one sentence per national delegation, each followed by its
plenipotentiary representative and website lines (and sometimes member names, ignored).

The same line formats recur in a country page's content; :func:`read_delegations` reads any part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .blocklines import (
    is_name_like,
    is_url_only,
    parse_delegation_sentence,
    parse_representative,
    parse_website,
    split_segments,
    starts_block_line,
    starts_delegation,
    starts_with_count,
)
from .errors import BlockNotFound
from .textlines import Line

_KEY_ORDER = {
    "representative": ("type", "country", "language", "name", "role"),
    "website": ("type", "country", "language", "label", "url"),
}
_MAX_CONTINUATION = 3  # segments a wrapped sentence may be spread over
# the segments a reading at one position looks at: the sentence and its continuations
_WINDOW = _MAX_CONTINUATION + 1
BLOCK = "delegations"


def _flat(segment: str) -> str:
    return " ".join(segment.split())


def _complete(record: dict | None) -> bool:
    return record is not None and record["seats"] is not None


def _read_delegation(segs: list[str], i: int) -> tuple[dict | None, int]:
    """A delegation sentence at ``segs[i]``, joined with the following segments when it was
    broken by ``<br>`` or its counts sit in the following list items / cells.

    Returns the record (or ``None``) and the number of segments it used.
    """
    first = _flat(segs[i])
    record = parse_delegation_sentence(first)
    if not starts_delegation(first):
        return record, 1
    best, best_used = (record, 1) if _complete(record) else (None, 1)
    joined = first
    for used in range(2, _MAX_CONTINUATION + 2):
        if i + used - 1 >= len(segs):
            break
        nxt = _flat(segs[i + used - 1])
        if starts_block_line(nxt):
            break
        if best is not None and (best["text"].endswith(".") or not starts_with_count(nxt)):
            break  # the sentence is complete; a further count item would extend it
        joined = f"{joined} {nxt}"
        candidate = parse_delegation_sentence(joined)
        if _complete(candidate):
            best, best_used = candidate, used
        elif best is not None:
            break
    return (best, best_used) if best is not None else (record, 1)


def _read_labelled(segs: list[str], i: int) -> tuple[dict | None, int]:
    """A representative or website line. Its value may sit in the next cell ("label" | "value"),
    or its label may be wrapped onto the next line."""
    seg, flat = segs[i], _flat(segs[i])
    nxt = _flat(segs[i + 1]) if i + 1 < len(segs) else ""
    free = bool(nxt) and not starts_block_line(nxt)  # the next segment is no block line itself
    record = parse_representative(seg) or parse_website(flat)
    if record is None and _colonless_label(flat):
        if free and ":" in nxt:  # label wrapped onto the next line
            joined = f"{seg} {segs[i + 1]}"
            record = parse_representative(joined) or parse_website(_flat(joined))
            if record is not None:
                return record, 2
        record = parse_representative(flat + ":")
        site = None if record else parse_website(flat + ":")
        # "Сайт на техническом обслуживании" is no website line: demand an address or a country
        if site and ((free and is_url_only(nxt)) or site["country"]):
            record = site
    if record is None:
        return None, 1
    if record["type"] == "representative" and record["name"] is None and free and is_name_like(nxt):
        record["name"] = nxt
        return record, 2
    if record["type"] == "website" and record["url"] is None and free and is_url_only(nxt):
        record["url"] = nxt.rstrip(".,;")
        return record, 2
    return record, 1


def _colonless_label(flat: str) -> bool:
    return starts_block_line(flat) and not starts_delegation(flat) and ":" not in flat


@dataclass
class DelegationLines:
    """What :func:`read_delegations` found in a run of lines.

    ``records``: each with the index of the line it comes from (for merging in page order);
    ``ends``: the line of each delegation sentence -> the last line it spans; ``errors``: problems
    with single lines (unreadable counts, unknown country, orphan lines).
    """

    records: list[tuple[int, dict]] = field(default_factory=list)
    ends: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def missing(self) -> BlockNotFound | None:
        """What to report when the lines hold no delegation sentence (else None)."""
        if self.ends:
            return None
        return BlockNotFound(
            BLOCK, "no 'Delegation of ... to the CSTO PA' / 'Делегация ... в ПА ОДКБ' line"
        )


def read_delegations(
    lines: list[Line],
    *,
    country: str | None = None,
    dedupe: bool = True,
) -> DelegationLines:
    """The delegations block's records in ``lines`` (a page, or part of one such as a country
    page's own content), found by their content wherever and however the block is laid out.

    ``country`` is given to representative / website lines before any sentence names one;
    ``dedupe`` drops exact repeats. Lines without a delegation sentence: see
    :meth:`DelegationLines.missing`.
    """
    out = DelegationLines()
    where: list[int] = []
    segs: list[str] = []
    for line in lines:
        for segment in split_segments(line.soft or line.text):  # "\n": value-end hints
            where.append(line.index)
            segs.append(segment)
    found: list[tuple[int, dict]] = []
    current = country  # country of the nearest preceding delegation sentence
    i = 0
    while i < len(segs):
        record, used = _read_at(segs, i)
        if record is not None and record["type"] == "delegation":
            out.ends[where[i]] = where[i + used - 1]
            current = record["country"]
            out.errors += _sentence_errors(record)
        if record is not None and record["type"] != "delegation":
            record = _attach(record, current)
            out.errors += _line_errors(record, _flat(segs[i]))
        if record is not None:
            found.append((where[i], record))
        i += used
    out.records = _dedupe(found) if dedupe else found
    return out


# (the segments in the window) -> (record, segments used): the site-wide block is the same on
# every page of a crawl, so its lines are read once. Reading at a position depends on the
# window alone, so a hit is exactly what reading again would give.
_READINGS: dict[tuple[str, ...], tuple[dict | None, int]] = {}
_READINGS_MAX = 20_000


def _read_at(segs: list[str], i: int) -> tuple[dict | None, int]:
    """The delegation sentence, or else the representative / website line, at ``segs[i]``
    (a copy: the caller gives it a country)."""
    window = tuple(segs[i : i + _WINDOW])
    known = _READINGS.get(window)
    if known is None:
        record, used = _read_delegation(segs, i)
        if record is None:
            record, used = _read_labelled(segs, i)
        if len(_READINGS) >= _READINGS_MAX:
            _READINGS.clear()
        known = _READINGS[window] = (record, used)
    record, used = known
    return (_copied(record) if record is not None else None), used


def _copied(value: Any) -> Any:
    """A copy of a record read at a position: its dicts and lists new, its leaves (text,
    numbers, None, which nothing changes in place) shared. ``copy.deepcopy`` did the same with
    a memo, a few hundred calls a page."""
    if type(value) is dict:
        return {key: _copied(item) for key, item in value.items()}
    if type(value) is list:
        return [_copied(item) for item in value]
    return value


def _attach(record: dict, current: str | None) -> dict:
    """Give a representative / website line a country: its own if it names one, else the
    country of the delegation sentence above it."""
    if record["country"] is None:
        record["country"] = current
    keys = _KEY_ORDER[record["type"]]
    return {k: record[k] for k in keys} | record


def _line_errors(record: dict, text: str) -> list[str]:
    errors = []
    if record["country"] is None:
        errors.append(f"{BLOCK}: no country for line {text[:120]!r}")
    if record["type"] == "representative" and record["name"] is None:
        errors.append(f"{BLOCK}: no name in {text[:120]!r}")
    return errors


def _sentence_errors(record: dict) -> list[str]:
    text = record["text"][:120]
    errors = []
    if record["country"] is None:
        errors.append(f"{BLOCK}: unknown country in {text!r}")
    if record["seats"] is None:
        errors.append(f"{BLOCK}: seat counts unreadable in {text!r}")
    return errors


def _dedupe(found: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """Drop exact repeats within one part of a page; first one wins. (A country page's content
    repeating the block is parsed separately and kept: see ``page.py``.)"""
    out, seen = [], set()
    for index, record in found:
        key = repr(sorted(record.items()))
        if key not in seen:
            seen.add(key)
            out.append((index, record))
    return out
