"""chamber phrases: each chamber of a stored delegation keeps the words its sentence used

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 14:20:00.000000

Since this revision the parser keeps each chamber's phrase ("12 senators of the Russian
Federation") in the chamber's record, and reports quote it from there. Delegation versions
stored before have none: this finds each one in the version's sentence the way reports found
it until then (the count and member title, up to the next chamber's), so those versions read as
they did. A chamber the sentence does not contain keeps no phrase (reports rebuild one from its
fields, as they did). The phrase is not compared, so no content hash changes.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_entity = sa.table("entity", sa.column("id", sa.Integer), sa.column("type", sa.String))
_version = sa.table(
    "version",
    sa.column("id", sa.Integer),
    sa.column("entity_id", sa.Integer),
    sa.column("content", sa.JSON),
)
# What separated one chamber's phrase from the next in a sentence.
_JOINER = re.compile(r"(?:,|;|\s+(?:and|и)\s*)$", re.I)


def found_phrases(text: str, chambers: list[dict]) -> list[str | None]:
    """Each chamber's phrase as the sentence words it (None where it does not), as reports
    quoted them before chambers kept their phrases."""
    text = " ".join(text.split())
    starts: list[tuple[int, int]] = []  # (position in text, chamber index)
    taken: set[int] = set()
    for index, chamber in enumerate(chambers):
        title, count = chamber.get("member_title"), chamber.get("count")
        if not title or not isinstance(count, int):
            continue
        pattern = rf"(?<!\w){count}\s+{re.escape(title)}(?!\w)"
        for match in re.finditer(pattern, text):
            if match.start() not in taken:  # two chambers may share "6 deputies"
                taken.add(match.start())
                starts.append((match.start(), index))
                break
    phrases: list[str | None] = [None] * len(chambers)
    starts.sort()
    for n, (start, index) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
        phrase = text[start:end].strip().rstrip(".")
        while _JOINER.search(phrase):
            phrase = _JOINER.sub("", phrase).strip()
        phrases[index] = phrase
    return phrases


def _delegation_versions(bind: sa.engine.Connection) -> list:
    query = (
        sa.select(_version.c.id, _version.c.content)
        .join(_entity, _entity.c.id == _version.c.entity_id)
        .where(_entity.c.type == "delegation")
        .order_by(_version.c.id)
    )
    return bind.execute(query).all()


def _chambers(content: object) -> list[dict]:
    chambers = content.get("chambers") if isinstance(content, dict) else None
    return [c for c in chambers if isinstance(c, dict)] if isinstance(chambers, list) else []


def upgrade() -> None:
    bind = op.get_bind()
    for version_id, content in _delegation_versions(bind):
        chambers = _chambers(content)
        if not chambers or all("phrase" in c for c in chambers):
            continue
        phrases = found_phrases(content.get("text") or "", chambers)
        for chamber, phrase in zip(chambers, phrases, strict=True):
            if phrase is not None and "phrase" not in chamber:
                chamber["phrase"] = phrase
        bind.execute(_version.update().where(_version.c.id == version_id).values(content=content))


def downgrade() -> None:
    bind = op.get_bind()
    for version_id, content in _delegation_versions(bind):
        chambers = _chambers(content)
        if any("phrase" in c for c in chambers):
            for chamber in chambers:
                chamber.pop("phrase", None)
            bind.execute(
                _version.update().where(_version.c.id == version_id).values(content=content)
            )
