"""Counts in sentences (``store.wording.plural``): "1 change", never "1 changes"."""

from __future__ import annotations

import pytest

from store.wording import plural


@pytest.mark.parametrize(
    ("count", "noun", "many", "text"),
    [
        (0, "change", None, "0 changes"),
        (1, "change", None, "1 change"),
        (2, "change", None, "2 changes"),
        (1, "body", "bodies", "1 body"),
        (3, "body", "bodies", "3 bodies"),
        (1, "new version", None, "1 new version"),
    ],
)
def test_the_noun_is_singular_for_one_only(count, noun, many, text):
    assert plural(count, noun, many) == text
