"""The change list (``parlwatch changes``) as text or JSON, from the store's query API."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import groupby

from reports.worddiff import diff_text, shorten, word_diff
from store.queries import ChangeRow

SIGNS = {"added": "+", "modified": "~", "removed": "-"}


def changes_json(rows: Iterable[ChangeRow]) -> str:
    return "\n".join(stream_changes_json(rows))


def stream_changes_json(rows: Iterable[ChangeRow]) -> Iterator[str]:
    """The JSON array of ``changes_json`` in pieces, one row at a time: joined by newlines,
    the same text as ``json.dumps(list, indent=2)``."""
    held: str | None = None  # each item waits for the next, to know whether a comma follows
    for row in rows:
        item = "  " + json.dumps(row.to_dict(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield "[" if held is None else held + ","
        held = item
    if held is None:
        yield "[]"
    else:
        yield held
        yield "]"


def changes_text(rows: Iterable[ChangeRow]) -> str:
    return "\n".join(stream_changes_text(rows))


def stream_changes_text(rows: Iterable[ChangeRow]) -> Iterator[str]:
    """One block per crawl, one line per changed field: ``~ entity field [category] diff``.

    A modified text shows as a word diff (``[-old-]{+new+}``) with its whole changed part and a
    few words of context, never cut off in the middle of the difference."""
    empty = True
    for (crawl, detected_at), group in groupby(rows, key=lambda r: (r.crawl, r.detected_at)):
        empty = False
        yield f"crawl {crawl} ({detected_at})"
        for row in group:
            yield "  " + _line(row)
    if empty:
        yield "no changes"


def _line(row: ChangeRow) -> str:
    sign = SIGNS.get(row.change, "?")
    where = f"{row.entity} {row.field}".rstrip()
    if row.change == "added":
        what = f"added: {summary_of(row.new)}"
    elif row.change == "removed":
        what = f"removed (was: {summary_of(row.old)})"
    else:
        what = value_change(row.old, row.new)
    return f"{sign} {where} [{row.category}] {what}"


def summary_of(content: object) -> str:
    """A whole entity in a few words: its title, name, sentence or URL, in full."""
    if isinstance(content, dict):
        for key in ("title", "name", "text", "label", "url"):
            if content.get(key):
                return _value(content[key])
    return _value(content)


def value_change(old: object, new: object) -> str:
    """One field's change on one line: a word diff for texts, ``old -> new`` for the rest."""
    if isinstance(old, str) and isinstance(new, str):
        flat_old, flat_new = " ".join(old.split()), " ".join(new.split())
        return diff_text(shorten(word_diff(flat_old, flat_new)))
    return f"{_value(old)} -> {_value(new)}"


def _value(value: object) -> str:
    if isinstance(value, str):
        return repr(" ".join(value.split()))
    return json.dumps(value, ensure_ascii=False)
