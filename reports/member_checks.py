"""Checks on the assembly's own member lists (its country pages) against other sources.

- the seats a delegation sentence states vs the names its country page lists;
- the English list vs the Russian list (who is only in one);
- the assembly's list vs the national chambers' lists (who is only in one);
- the site-wide block vs the country page, when they state a delegation differently.

People are compared by the person key in their entity key (``…/member/<person key>``), which is
the same for one person across languages and spellings.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from reports.checks import ASSEMBLY, Finding
from store.archive import Archive
from store.entities.delegation import Delegation
from store.entities.member import Member
from store.queries import CurrentState, current_states, list_crawls, membership_changed_at


def person_of(state: CurrentState) -> str:
    return state.key.split("/member/", 1)[-1]


def _lists(states: list[CurrentState]) -> dict[tuple[str, str], dict[str, str]]:
    """(country, language) -> {person key: name as written}: the names the list shows now. A
    member its last complete observation lacked (missing, the removal not yet confirmed) is
    not among them: the site no longer lists them, and ``check`` says so on its own line."""
    out: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for state in states:
        if state.missing_since is not None:
            continue
        member = Member(state.content)
        out[(state.country or "?", state.language or "?")][person_of(state)] = member.name or ""
    return out


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def seats_vs_names(archive: Archive) -> list[Finding]:
    delegations = {
        (s.country, s.language): s for s in current_states(archive, "delegation", ASSEMBLY)
    }
    findings = []
    for (country, language), people in sorted(
        _lists(current_states(archive, "member", ASSEMBLY)).items()
    ):
        delegation = delegations.get((country, language))
        seats = Delegation(delegation.content).seats if delegation is not None else None
        if seats in (None, len(people)):
            continue
        findings.append(
            Finding(
                kind="seats-vs-names",
                country=country,
                subject=f"{ASSEMBLY}/{language}: seats stated vs names listed",
                values={
                    f"{ASSEMBLY}/{language} seats": seats,
                    f"{ASSEMBLY}/{language} names": len(people),
                },
                since=_latest(
                    delegation.since, membership_changed_at(archive, ASSEMBLY, language, country)
                ),
                detail=f"{len(people)} names listed for {seats} seats",
                sources=[f"{ASSEMBLY}/{language}"],
            )
        )
    return findings


def _only_in(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(a[key] for key in a.keys() - b.keys())


def language_lists(archive: Archive) -> list[Finding]:
    lists = _lists(current_states(archive, "member", ASSEMBLY))
    findings = []
    for country in sorted({c for c, _ in lists}):
        en, ru = lists.get((country, "en")), lists.get((country, "ru"))
        if en is None or ru is None or en.keys() == ru.keys():
            continue
        findings.append(
            Finding(
                kind="language-lists",
                country=country,
                subject="the English and Russian member lists differ",
                values={
                    f"{ASSEMBLY}/en only": _only_in(en, ru),
                    f"{ASSEMBLY}/ru only": _only_in(ru, en),
                },
                since=_latest(
                    membership_changed_at(archive, ASSEMBLY, "en", country),
                    membership_changed_at(archive, ASSEMBLY, "ru", country),
                ),
                sources=[f"{ASSEMBLY}/en", f"{ASSEMBLY}/ru"],
            )
        )
    return findings


def assembly_vs_national_lists(archive: Archive, national_sites: dict[str, str]) -> list[Finding]:
    """``national_sites``: site id -> country."""
    assembly = _lists(current_states(archive, "member", ASSEMBLY))
    findings = []
    for country in sorted(set(national_sites.values())):
        sites = [site for site, c in national_sites.items() if c == country]
        national: dict[str, str] = {}
        for site in sites:
            national.update(
                _lists(current_states(archive, "member", site)).get((country, "ru"), {})
            )
        listed = assembly.get((country, "ru")) or assembly.get((country, "en"))
        if not national or listed is None or listed.keys() == national.keys():
            continue
        language = "ru" if (country, "ru") in assembly else "en"
        findings.append(
            Finding(
                kind="assembly-vs-national-lists",
                country=country,
                subject="the assembly's member list vs the national chambers' lists",
                values={
                    f"{ASSEMBLY}/{language} only": _only_in(listed, national),
                    f"{'+'.join(sites)} only": _only_in(national, listed),
                },
                since=_latest(
                    membership_changed_at(archive, ASSEMBLY, language, country),
                    *(membership_changed_at(archive, site) for site in sites),
                ),
                sources=[f"{ASSEMBLY}/{language}", *sites],
            )
        )
    return findings


def block_vs_country_page(archive: Archive) -> list[Finding]:
    """Disagreements between the block and a country page, open in the latest finished crawl."""
    crawls = [c for c in list_crawls(archive, spider=ASSEMBLY, last=50) if c.status == "finished"]
    if not crawls:
        return []
    findings = []
    for key, parts in sorted((crawls[0].stats.get("disagreements") or {}).items()):
        since = crawls[0].started
        for older in crawls[1:]:
            if (older.stats.get("disagreements") or {}).get(key) != parts:
                break
            since = older.started
        country = key.rsplit("/", 1)[-1]
        findings.append(
            Finding(
                kind="block-vs-country-page",
                country=country,
                subject=f"{key}: the site-wide block and the country page differ",
                values={part: content.get("seats", content) for part, content in parts.items()},
                since=datetime.fromisoformat(since.rstrip("Z")),
                detail="; ".join(f"{p}: {c.get('text', c)}" for p, c in parts.items()),
                sources=[f"{ASSEMBLY} {part}" for part in parts],
            )
        )
    return findings
