"""Which entity sets a run saw whole, by the pages its site declares for them.

A set (the English websites, the Russian representatives, the members listed for RU) may remove
its absent entities only when the run saw it whole: every page that carries it, as the site's
``[[site.sets]]`` declare (``crawler/sites.toml``), came back whole in this run. A page that
failed, was not its edition's text, redirected off the site, or showed the set sharply shrunk
holds the set back. A set declared ``each_country`` is held back only for a country whose
country page failed, or is not in the run: the rest of the set is complete (the site-wide block
came back whole on every other page), and that country's entities in it are neither counted
missing nor removed (``Settled.except_countries``); with no country page whole, nothing is. A
country that no whole block of the run names any more, and whose own page is gone (404/410) or
no longer linked, is not held back: that is how a country leaving the assembly looks, and its
absence counts towards a (corroborated) removal like any other.
Which pages happened to parse decides nothing.

``SetLedger`` is kept by ``crawler.ingest.Ingest`` for one run (a crawl, a reparse, an import).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from crawler.items import GONE, OK
from crawler.observations import scope_of
from crawler.registry import COUNTRY, SetRule
from store.observations import Observation

# A set that loses at least this many of its entities at once, and at least a quarter of them,
# against what the archive holds, is not believed: a half-rendered template looks like that.
SHRINK_MIN_LOST = 2
SHRINK_MIN_SHARE = 0.25


def sharp_shrink(held: int, shown: int) -> bool:
    """``shown`` entities where the archive holds ``held``: too sharp a drop to be a change?"""
    lost = held - shown
    return lost >= SHRINK_MIN_LOST and lost >= SHRINK_MIN_SHARE * held


@dataclass(frozen=True)
class PageFact:
    """One page of a run, as far as sets are concerned."""

    url: str
    language: str | None
    role: str
    country: str | None  # the country the page is about (a country or delegation page)
    outcome: str
    why: str  # the outcome in words
    fetched_at: datetime
    # the sets the parser read whole on it ("delegation", "member/RU"); None: not parsed
    shows: frozenset[str] | None = None

    def whole_for(self, set_name: str) -> bool:
        return self.outcome == OK and (self.shows is None or set_name in self.shows)

    def describe(self) -> str:
        return f"{self.role} {self.language or '?'} {self.url}: {self.why}"

    def to_dict(self) -> dict[str, str | None]:
        """As a crawl's ``stats.failed_pages`` lists it."""
        return {
            "url": self.url,
            "language": self.language,
            "role": self.role,
            "outcome": self.outcome,
            "reason": self.why,
        }


def describe_failed(page: dict) -> str:
    """One of ``stats.failed_pages`` in words (``PageFact.describe``)."""
    return f"{page['role']} {page['language'] or '?'} {page['url']}: {page['reason']}"


@dataclass
class Settled:
    """The sets a run saw whole (scope -> when), and those it holds back (scope -> why); a
    complete set may still hold back some countries' entities (scope -> those countries), whose
    own page failed (``held_back`` then names ``scope/country``)."""

    complete: dict[str, datetime] = field(default_factory=dict)
    held_back: dict[str, str] = field(default_factory=dict)
    except_countries: dict[str, set[str]] = field(default_factory=dict)


def _resolve(set_name: str, country: str | None) -> str:
    return set_name.replace(COUNTRY, country or "")


class SetLedger:
    """The pages of one run of one site, and what the archive held before it (``present``:
    scope -> {entity key: country}), to tell which declared sets the run saw whole."""

    def __init__(
        self, site: str, rules: Iterable[SetRule], present: dict[str, dict[str, str | None]]
    ) -> None:
        self.site = site
        self.rules = tuple(rules)
        self.present = present
        self.pages: list[PageFact] = []

    def scope(self, set_name: str, language: str | None) -> str:
        kind, _, country = set_name.partition("/")
        return scope_of(self.site, language, kind, country or None)

    def shrink(
        self, language: str | None, role: str, country: str | None, observed: list[Observation]
    ) -> str | None:
        """Why a parsed page's sets are sharply smaller than the archive holds, or None."""
        for rule in self.rules:
            if not rule.measure or not rule.carried_by(role):
                continue
            if COUNTRY in rule.measure and country is None:
                continue
            scope = self.scope(_resolve(rule.measure, country), language)
            held = len(self.present.get(scope, {}))
            shown = len({obs.key for obs in observed if obs.scope == scope})
            if held and sharp_shrink(held, shown):
                return f"{scope} shows {shown} of the {held} entities the archive holds"
        return None

    def add(self, page: PageFact) -> None:
        self.pages.append(page)

    def failed_pages(self) -> list[PageFact]:
        return [p for p in self.pages if p.outcome not in (OK, GONE)]

    def settle(self, observed: dict[str, set[str | None]]) -> Settled:
        """Which declared sets every carrying page showed whole; ``observed``: scope -> the
        countries this run's observations of it named."""
        settled = Settled()
        for language in sorted({p.language for p in self.pages}, key=str):
            for rule in self.rules:
                for set_name in rule.sets:
                    for name, carriers in self._carriers(rule, set_name, language):
                        scope = self.scope(name, language)
                        why, countries = self._why_incomplete(
                            rule, name, language, carriers, observed
                        )
                        if why is None:
                            pages = carriers + self._each_country_pages(rule, language)
                            settled.complete[scope] = max(p.fetched_at for p in pages)
                            if countries:
                                settled.except_countries[scope] = set(countries)
                            for country, reason in sorted(countries.items()):
                                settled.held_back[f"{scope}/{country}"] = reason
                        elif carriers or scope in self.present:
                            settled.held_back[scope] = why
        return settled

    def _carriers(
        self, rule: SetRule, set_name: str, language: str | None
    ) -> list[tuple[str, list[PageFact]]]:
        """(resolved set name, the run's pages carrying it) for one declared set."""
        pages = [
            p
            for p in self.pages
            if p.language == language and rule.carried_by(p.role) and p.outcome != GONE
        ]
        if COUNTRY not in set_name:
            return [(set_name, pages)]
        prefix = self.scope(_resolve(set_name, ""), language) + "/"
        countries = {p.country for p in pages} | {
            scope.removeprefix(prefix) for scope in self.present if scope.startswith(prefix)
        }
        unknown = [p for p in pages if p.country is None and p.outcome != OK]
        return [
            (_resolve(set_name, c), [p for p in pages if p.country == c] + unknown)
            for c in sorted(c for c in countries if c)
        ]

    def _why_incomplete(
        self,
        rule: SetRule,
        name: str,
        language: str | None,
        carriers: list[PageFact],
        observed: dict[str, set[str | None]],
    ) -> tuple[str | None, dict[str, str]]:
        """Why the set is not complete (None: it is), and the countries whose own page failed
        (country -> why), held back within a set that is otherwise complete."""
        if not carriers:
            return "no page of this run carries it", {}
        broken = [p for p in carriers if not p.whole_for(name)]
        own = {id(p) for p in broken if self._own_country_page(rule, p)}
        broken = [p for p in broken if id(p) not in own]
        if broken:
            return "; ".join(p.describe() for p in broken), {}
        if not rule.each_country:
            return None, {}
        scopes = [self.scope(s, language) for s in rule.sets]
        held = {c for s in scopes for c in self.present.get(s, {}).values()}
        seen = {c for s in scopes for c in observed.get(s, set())}
        by_country = self._each_country_pages(rule, language)
        if not any(p.outcome == OK for p in by_country):
            return f"no {rule.each_country} page of this run came back whole", {}
        judged = {c for c in held | seen if c}
        countries = {}
        for country in sorted(judged):
            pages = [p for p in by_country if p.country == country]
            if country not in seen and all(p.outcome == GONE for p in pages):
                continue  # gone from every whole block, its own page gone or unlinked: absent
            if not pages:
                countries[country] = f"no {rule.each_country} page for {country}"
            elif not all(p.outcome == OK for p in pages):
                countries[country] = "; ".join(p.describe() for p in pages if p.outcome != OK)
        if judged and judged <= set(countries):  # no country whole: nothing to judge
            return "; ".join(countries[c] for c in sorted(judged)), {}
        for p in self.pages:  # a failed page of a country the set does not hold (yet)
            if id(p) in own and p.country not in countries:
                countries[p.country or ""] = p.describe()
        return None, countries

    @staticmethod
    def _own_country_page(rule: SetRule, page: PageFact) -> bool:
        """A failed page about one country, of the role that adds that country's lines to the
        set: it holds back that country only."""
        return bool(rule.each_country) and page.role == rule.each_country and bool(page.country)

    def _each_country_pages(self, rule: SetRule, language: str | None) -> list[PageFact]:
        if not rule.each_country:
            return []
        return [p for p in self.pages if p.language == language and p.role == rule.each_country]
