"""How many complete observations must lack an entity before it is removed (a setting read
when an archive opens, kept apart from ``store.versions`` so that opening one is quick)."""

from __future__ import annotations

import os

REMOVAL_CONFIRMATIONS_ENV = "PARLWATCH_REMOVAL_CONFIRMATIONS"
DEFAULT_REMOVAL_CONFIRMATIONS = 2


def removal_confirmations(value: int | str | None = None) -> int:
    """How many consecutive complete observations must lack an entity before it is removed:
    ``value``, else ``$PARLWATCH_REMOVAL_CONFIRMATIONS``, else 2."""
    if value is None:
        value = os.environ.get(REMOVAL_CONFIRMATIONS_ENV, "").strip()
        value = value or DEFAULT_REMOVAL_CONFIRMATIONS
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(
            f"{REMOVAL_CONFIRMATIONS_ENV} must be a whole number of at least 1, not {value!r}"
        )
    return count
