"""The change list (``parlwatch changes``) as text or JSON, from the store's query API."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby

from reports.worddiff import diff_text, shorten, word_diff
from store.queries import ChangeRow

SIGNS = {"added": "+", "modified": "~", "removed": "-"}


def changes_json(rows: Iterable[ChangeRow]) -> str:
    return json.dumps([row.to_dict() for row in rows], ensure_ascii=False, indent=2)


def changes_text(rows: Iterable[ChangeRow]) -> str:
    """One block per crawl, one line per changed field: ``~ entity field [category] diff``.

    A modified text shows as a word diff (``[-old-]{+new+}``) with its whole changed part and a
    few words of context, never cut off in the middle of the difference."""
    lines: list[str] = []
    for (crawl, detected_at), group in groupby(rows, key=lambda r: (r.crawl, r.detected_at)):
        lines.append(f"crawl {crawl} ({detected_at})")
        for row in group:
            lines.append("  " + _line(row))
    return "\n".join(lines) if lines else "no changes"


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
