"""Plain-text renderings of an entity's history for ``parlwatch history`` and ``show``."""

from __future__ import annotations

import json

from reports.changes import summary_of, value_change
from store.entity_history import EntityAt, EntityHistory, VersionRow
from store.wording import plural


def _capture_line(label: str, ref) -> str:
    if ref is None:
        return f"    {label}: unknown"
    body = ref.digest or ("not modified, no body" if ref.status == 304 else "no body")
    return f"    {label}: capture {ref.id} at {ref.fetched_at}, HTTP {ref.status}, {body}"


def version_text(row: VersionRow) -> list[str]:
    until = f"superseded {row.superseded_at}" if row.superseded_at else "current"
    lines = [
        f"v{row.number}  seen {row.first_seen} … {row.last_seen}  ({until})",
        f"    cause: {row.cause} (crawl {row.crawl}, {row.spider}), "
        f"parser {row.parser_version or 'unknown'}, content {row.content_hash[:19]}",
    ]
    for name, value in row.content_dates.items():
        lines.append(f"    {name}: {value}  (the date the content carries, not when we saw it)")
    lines.append(_capture_line("from", row.capture))
    if row.last_capture and (row.capture is None or row.last_capture.id != row.capture.id):
        lines.append(_capture_line("last confirmed by", row.last_capture))
    for change in row.changes:
        field = change["field"] or "(whole entity)"
        if change["change"] == "added":
            lines.append(f"    added {field}: {summary_of(change['new'])}")
        else:
            lines.append(
                f"    {change['change']} {field}: {value_change(change['old'], change['new'])}"
                f"  [{change['category']}, {change['cause']}]"
            )
    return lines


def history_text(history: EntityHistory) -> str:
    lines = [
        f"{history.key}  ({history.type}, {history.country or '--'}, "
        f"{history.language or '--'}) — {history.state}",
        f"first seen {history.first_seen}, last seen {history.last_seen}, "
        f"{plural(len(history.versions), 'version')}",
        "",
    ]
    for row in history.versions:
        lines += version_text(row)
    for removal in history.removals:
        confirmed = removal.get("confirmed_by")
        lines.append(
            f"removed  detected {removal['detected_at']} by crawl {removal['crawl']} "
            f"({removal['cause']})" + (f", confirmed by crawl {confirmed}" if confirmed else "")
        )
    return "\n".join(lines)


def entity_at_text(state: EntityAt) -> str:
    head = f"{state.history.key} at {state.at.isoformat(timespec='seconds')}Z: "
    if state.version is None:
        return head + state.status.replace("-", " ") + f" ({state.note})"
    lines = [head + state.note, *version_text(state.version)[1:], ""]
    lines.append(json.dumps(state.version.content, ensure_ascii=False, indent=2))
    return "\n".join(lines)
