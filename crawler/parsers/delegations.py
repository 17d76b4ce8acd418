"""The site-wide delegations block: one sentence per national delegation, each followed by its
plenipotentiary representative and website lines (and sometimes member names, ignored).

The same line formats recur in a country page's content; ``parse_positions`` reads any part."""

from __future__ import annotations

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
from .textlines import Document, Line

_KEY_ORDER = {
    "representative": ("type", "country", "language", "name", "role"),
    "website": ("type", "country", "language", "label", "url"),
}
_MAX_CONTINUATION = 3  # segments a wrapped sentence may be spread over


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


class DelegationBlockParser:
    """Find the delegations block by its content, wherever and however it is laid out.

    ``parse`` raises :class:`BlockNotFound` when no delegation sentence is on the page; problems
    with single lines (unreadable counts, unknown country, orphan lines) go to ``errors``.
    """

    block = "delegations"

    def __init__(self) -> None:
        self.errors: list[str] = []

    def parse(self, doc: Document) -> list[dict]:
        return [record for _, record in self.parse_positions(doc)]

    def parse_positions(
        self,
        doc: Document,
        lines: list[Line] | None = None,
        *,
        country: str | None = None,
        require: bool = True,
        dedupe: bool = True,
    ) -> list[tuple[int, dict]]:
        """Records with the index of the line they come from (for merging in page order).

        ``lines`` limits the search to part of the page (a country page's own content);
        ``country`` is given to representative / website lines before any sentence names one.
        With ``require=False`` a part without a delegation sentence raises nothing. ``ends``
        maps the line of each delegation sentence to the last line it spans.
        """
        self.errors = []
        self.ends: dict[int, int] = {}
        where: list[int] = []
        segs: list[str] = []
        for line in doc.lines if lines is None else lines:
            for segment in split_segments(line.soft or line.text):  # "\n": value-end hints
                where.append(line.index)
                segs.append(segment)
        found: list[tuple[int, dict]] = []
        current = country  # country of the nearest preceding delegation sentence
        seen_sentence = False
        i = 0
        while i < len(segs):
            record, used = _read_delegation(segs, i)
            if record is None:
                record, used = _read_labelled(segs, i)
            elif record["type"] == "delegation":
                seen_sentence = True
                self.ends[where[i]] = where[i + used - 1]
                current = record["country"]
                self._check_sentence(record)
            if record is not None and record["type"] != "delegation":
                record = self._attach(record, current, _flat(segs[i]))
            if record is not None:
                found.append((where[i], record))
            i += used
        if not seen_sentence and require:
            raise BlockNotFound(
                self.block, "no 'Delegation of ... to the CSTO PA' / 'Делегация ... в ПА ОДКБ' line"
            )
        return _dedupe(found) if dedupe else found

    def _attach(self, record: dict, current: str | None, text: str) -> dict:
        """Give a representative / website line a country: its own if it names one, else the
        country of the delegation sentence above it."""
        if record["country"] is None:
            record["country"] = current
        if record["country"] is None:
            self.errors.append(f"{self.block}: no country for line {text[:120]!r}")
        if record["type"] == "representative" and record["name"] is None:
            self.errors.append(f"{self.block}: no name in {text[:120]!r}")
        keys = _KEY_ORDER[record["type"]]
        return {k: record[k] for k in keys} | record

    def _check_sentence(self, record: dict) -> None:
        text = record["text"][:120]
        if record["country"] is None:
            self.errors.append(f"{self.block}: unknown country in {text!r}")
        if record["seats"] is None:
            self.errors.append(f"{self.block}: seat counts unreadable in {text!r}")


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
