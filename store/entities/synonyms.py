"""Which chamber labels name the same body: the knowledge of ``reports/synonyms.toml``.

The file is the analysts' (see docs/reports.md); this is how the delegation's rules read it. A
phrase resolves to a body when its chamber name contains one of the body's names, or, when it
names no chamber, when its member title implies one ("12 senators" names the Federation Council).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.entities.significance import fold


@dataclass(frozen=True)
class Body:
    id: str
    country: str
    name: str
    note: str
    chamber: dict[str, list[str]] = field(default_factory=dict)
    implied_by_title: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, list[str]] = field(default_factory=dict)


class Synonyms:
    """The bodies and word forms of a synonyms file."""

    def __init__(self, bodies: list[Body], forms: dict[tuple[str, str], str]) -> None:
        self.bodies = bodies
        self.forms = forms  # (language, folded form) -> word

    @classmethod
    def load(cls, path: Path) -> Synonyms:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        bodies = [Body(**entry) for entry in data.get("body", [])]
        forms = {
            (entry["language"], fold(form)): entry["word"]
            for entry in data.get("form", [])
            for form in entry["forms"]
        }
        return cls(bodies, forms)

    def body(
        self, country: str | None, language: str | None, chamber: dict[str, Any] | None
    ) -> Body | None:
        """The body a chamber phrase names: by its chamber name, else by an implying title."""
        if not chamber:
            return None
        lang = language or ""
        name, title = fold(chamber.get("chamber")), fold(chamber.get("member_title"))
        for body in self.bodies:
            if body.country != country:
                continue
            if name and any(fold(n) in name for n in body.chamber.get(lang, [])):
                return body
            if not name and title in {fold(t) for t in body.implied_by_title.get(lang, [])}:
                return body
        return None

    def body_key(
        self, country: str | None, language: str | None, chamber: dict[str, Any] | None
    ) -> str:
        body = self.body(country, language, chamber)
        return body.id if body else fold((chamber or {}).get("chamber"))

    def word(self, language: str | None, form: object) -> str | None:
        return self.forms.get((language or "", fold(form)))
