"""Delegation members at a date, from the store's tenures."""

from __future__ import annotations

import json
from datetime import datetime
from itertools import groupby

from store.tenures import Tenure


def members_json(rows: list[Tenure]) -> str:
    return json.dumps([t.to_dict() for t in rows], ensure_ascii=False, indent=2)


def _start(tenure: Tenure) -> str:
    if tenure.start is not None:
        return f"since {tenure.start.date().isoformat()}"
    return f"before {tenure.first_seen.date().isoformat()} (start unknown)"


def members_text(rows: list[Tenure], when: datetime) -> str:
    if not rows:
        return f"no members known at {when.date().isoformat()}"
    lines = [f"members at {when.date().isoformat()}"]
    key = lambda t: (t.country or "", t.source, t.language or "", t.chamber or "")  # noqa: E731
    for (country, source, language, chamber), group in groupby(sorted(rows, key=key), key=key):
        group = list(group)
        lines.append(f"\n{country} · {source} ({language}) · {chamber} — {len(group)} listed")
        for t in group:
            lines.append(f"  {t.name:<40} {t.role or '':<12} {_start(t)}")
    return "\n".join(lines)
