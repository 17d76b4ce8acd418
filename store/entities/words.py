"""The pieces statements are made of, shared by every entity type's words.

A statement is a list of parts: ``("t", ...)`` is the report's own wording, ``("s", ...)`` is
scraped text, which every report format escapes its own way.
"""

from __future__ import annotations

Part = tuple[str, str]


def flat(value: object) -> str:
    """Scraped text on one line; nothing for ``None``."""
    return " ".join(str(value).split()) if value is not None else ""


def quote(value: object, limit: int | None = None) -> str:
    """``'value'`` for prose, spaces collapsed, cut at ``limit`` characters with an ellipsis."""
    text = " ".join(str(value).split()) if value is not None else "nothing"
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"'{text}'" if value is not None else text


def quoted_change(old: object, new: object) -> list[Part]:
    """``'old' -> 'new'`` with both sides marked as scraped text."""
    return [("t", "'"), ("s", flat(old)), ("t", "' -> '"), ("s", flat(new)), ("t", "'")]


def delta(old: int | None, new: int | None) -> str:
    """``−1`` / ``+2`` (a real minus sign, as typeset)."""
    if old is None or new is None:
        return ""
    diff = new - old
    return f"+{diff}" if diff > 0 else f"\u2212{-diff}" if diff < 0 else "±0"


def plain(parts: list[Part]) -> str:
    return "".join(text for _, text in parts)
