"""Counts in sentences: ``plural(1, "change")`` is "1 change", ``plural(2, "change")`` "2 changes".

It lives in the lowest layer because every layer writes counts for people (the crawler's
progress and discovery, the reports, the command line and the notifications).
"""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, the noun plural unless the count is 1; ``many`` is the plural
    when adding "s" is wrong (``plural(n, "entity", "entities")``)."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
