from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@pytest.fixture
def page():
    """Raw bytes of a saved page under tests/fixtures/pages/."""
    return lambda name: (PAGES / name).read_bytes()


@pytest.fixture
def seed():
    """A seed capture split into block lines, title, date and body paragraphs."""

    def load(name: str) -> dict:
        lines = (PAGES / "seeds" / name).read_text(encoding="utf-8").splitlines()
        start = next(
            i for i, ln in enumerate(lines) if not ln.startswith(("Deleg", "Pleni", "Web"))
        )
        return {
            "block": lines[:start],
            "title": lines[start],
            "date": lines[start + 1],
            "body": lines[start + 3 :],  # the title is repeated once after the date
        }

    return load
