"""Which changes a target hears about: by category, country, site and significance.

Significance is pluggable. The default is a fixed mapping from a change's category (seats and
persons matter most, links least); ``set_significance`` (or ``PARLWATCH_SIGNIFICANCE=
module:function``) swaps in a richer model, such as the one in ``reports/``, as a function from
a ``store.queries.ChangeRow`` to one of ``LEVELS``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

from store.entities.significance import LEVELS, MINOR, ROUTINE, SUBSTANTIVE, WORDING
from store.notifications import Target
from store.queries import ChangeRow

CATEGORIES = ("seats", "person", "wording", "link", "text", "date")
SIGNIFICANCE_ENV = "PARLWATCH_SIGNIFICANCE"

CATEGORY_LEVELS = {
    "seats": SUBSTANTIVE,
    "person": SUBSTANTIVE,
    "wording": WORDING,
    "text": WORDING,
    "date": WORDING,
    "link": MINOR,
}

Significance = Callable[[ChangeRow], str]


def category_level(row: ChangeRow) -> str:
    """The default model, on the levels the reports use (``store.entities.significance``): a
    news item published or withdrawn is routine, the ordinary flow of a site; any other whole
    entity appearing or going is substantive (links excepted)."""
    if row.field == "" and row.type == "news":
        return ROUTINE
    if row.field == "" and row.category != "link":
        return SUBSTANTIVE
    return CATEGORY_LEVELS.get(row.category, WORDING)


_model: Significance | None = None


def set_significance(model: Significance | None) -> None:
    """Use ``model`` to rank changes (None: back to the environment or the default)."""
    global _model
    _model = model


def significance() -> Significance:
    if _model is not None:
        return _model
    spec = os.environ.get(SIGNIFICANCE_ENV)
    if spec:
        module, _, name = spec.partition(":")
        return getattr(importlib.import_module(module), name)
    return category_level


def site_of(row: ChangeRow) -> str:
    return row.entity.split("/", 1)[0]


def select_changes(target: Target, rows: list[ChangeRow]) -> list[ChangeRow]:
    """The rows ``target`` asked for; an empty filter list means "all"."""
    rank = significance()
    floor = LEVELS.index(target.min_level) if target.min_level else 0
    return [
        row
        for row in rows
        if (not target.categories or row.category in target.categories)
        and (not target.countries or (row.country or "") in target.countries)
        and (not target.sites or site_of(row) in target.sites)
        and (floor == 0 or LEVELS.index(rank(row)) >= floor)
    ]
