"""How much a change matters, decided by fixed rules and explained in one line.

Levels, highest first: ``substantive`` (a seat count, a person, a chamber, a representative),
``wording`` (the same facts in other words: a label, a title, a sentence), ``routine`` (a news
item published or withdrawn: the ordinary flow of a site) and ``minor`` (a link, formatting,
order). A change takes the highest level of its
parts, and the explanation of the part that decided it. The rules live with each entity type
(``store/entities/``); which labels name the same body lives in ``reports/synonyms.toml`` (see
that file and docs/reports.md), which this module reads for them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from store.entities.significance import LEVELS, Verdict, rank
from store.entities.synonyms import Synonyms
from store.transitions import Transition

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
__all__ = ["LEVELS", "Synonyms", "Verdict", "default_synonyms", "judge", "rank"]


@cache
def default_synonyms() -> Synonyms:
    return Synonyms.load(SYNONYMS_FILE)


def judge(t: Transition, synonyms: Synonyms | None = None) -> Verdict:
    """The significance of one change, with the reason."""
    return t.significance(synonyms or default_synonyms())
