"""Saved national-parliament pages, decoded the way the spider decodes a response body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from crawler.parsers.national import decode_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "national"
# "Now" for the saved pages: relative dates ("вчера", "2 дня назад") resolve against it.
FETCHED_AT = datetime(2026, 3, 12, 12, 0)


@pytest.fixture
def page() -> Callable[[str], str]:
    """``page("name.html")``: a fixture page as text (served without a charset header)."""

    def load(name: str) -> str:
        return decode_html((FIXTURES / name).read_bytes(), None)

    return load


@pytest.fixture
def fetched_at() -> datetime:
    return FETCHED_AT
