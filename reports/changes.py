"""The change list (``parlwatch changes``) as text or JSON, from the store's query API."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby

from store.queries import ChangeRow

SIGNS = {"added": "+", "modified": "~", "removed": "-"}
MAX_VALUE_CHARS = 100


def changes_json(rows: Iterable[ChangeRow]) -> str:
    return json.dumps([row.to_dict() for row in rows], ensure_ascii=False, indent=2)


def changes_text(rows: Iterable[ChangeRow]) -> str:
    """One block per crawl, one line per changed field: ``~ entity field [category] old -> new``."""
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
        what = f"added: {_summary(row.new)}"
    elif row.change == "removed":
        what = f"removed (was: {_summary(row.old)})"
    else:
        what = f"{_short(row.old)} -> {_short(row.new)}"
    return f"{sign} {where} [{row.category}] {what}"


def _summary(content: object) -> str:
    """A whole entity in a few words: its title, name, sentence or URL."""
    if isinstance(content, dict):
        for key in ("title", "name", "text", "label", "url"):
            if content.get(key):
                return _short(content[key])
    return _short(content)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
