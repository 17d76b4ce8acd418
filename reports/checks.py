"""Cross-source checks: the same fact, published in several places, that does not agree.

The assembly's English and Russian editions are edited independently, and the national
chambers publish their own lists: a difference between them is data to report (with the
sources, the values, and since when), not a parse error and not a change over time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from store.archive import Archive
from store.entities.delegation import Delegation
from store.queries import CurrentState, current_states, membership_changed_at
from store.versions import missing_entities

ASSEMBLY = "pacsto"


@dataclass(frozen=True)
class ChamberRule:
    """How to find a national site's chamber in the assembly's delegation sentence.

    ``match``: words that identify the chamber in a chamber's name, title or role (any one
    suffices); empty means the site stands for the whole delegation.
    """

    site: str
    country: str
    match: tuple[str, ...] = ()


@dataclass
class Finding:
    kind: str  # languages / assembly-vs-national / ...
    country: str | None
    subject: str
    values: dict[str, Any]  # source -> value
    since: datetime | None
    detail: str = ""
    sources: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        """The disagreement in words: who says what (lists name who only one side has)."""
        said = [_said(source, value) for source, value in self.values.items()]
        text = f"{self.subject} — " + "; ".join(said) + "."
        if self.detail and self.detail not in text:
            text += f" ({self.detail}.)"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["since"] = self.since.isoformat(timespec="seconds") + "Z" if self.since else None
        return data


def _said(source: str, value: Any) -> str:
    """One source's side of a disagreement, as a clause."""
    if isinstance(value, list | tuple | set):
        side = source.removesuffix(" only")
        if not value:
            return f"everyone {side} lists is on the other list too"
        return f"only {side} lists " + ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return f"{source} {'lists it' if value else 'does not list it'}"
    if isinstance(value, dict):
        value = value.get("text") or value.get("seats") or "nothing"
    for suffix, verb in ((" seats", "states {} seats"), (" names", "lists {} names")):
        if source.endswith(suffix):
            return f"{source.removesuffix(suffix)} {verb.format(value)}"
    return f"{source} says {value}"


def run_checks(archive: Archive, rules: list[ChamberRule]) -> list[Finding]:
    """Every cross-source check, on the archive's current state."""
    from reports import member_checks

    delegations = current_states(archive, "delegation", site=ASSEMBLY)
    findings = language_disagreements(delegations)
    findings += national_count_disagreements(archive, delegations, rules)
    findings += member_checks.seats_vs_names(archive)
    findings += member_checks.language_lists(archive)
    findings += member_checks.assembly_vs_national_lists(
        archive, {rule.site: rule.country for rule in rules}
    )
    findings += member_checks.block_vs_country_page(archive)
    return sorted(findings, key=lambda f: (f.country or "", f.kind, f.subject))


def _by_country(states: list[CurrentState]) -> dict[str, dict[str, CurrentState]]:
    out: dict[str, dict[str, CurrentState]] = {}
    for state in states:
        out.setdefault(state.country or "?", {})[state.language or "?"] = state
    return out


def _delegation(state: CurrentState) -> Delegation:
    return Delegation(state.content)


def _counts(delegation: Delegation) -> list[int]:
    return sorted(chamber.count or 0 for chamber in delegation.chambers or [])


def language_disagreements(delegations: list[CurrentState]) -> list[Finding]:
    """The assembly's editions disagree on a delegation's seats, or list it in one only."""
    findings = []
    languages = sorted({s.language for s in delegations if s.language})
    for country, editions in sorted(_by_country(delegations).items()):
        if len(editions) < len(languages):
            present = sorted(editions)
            findings.append(
                Finding(
                    kind="languages",
                    country=country,
                    subject="delegation listed in one edition only",
                    values={f"{ASSEMBLY}/{lang}": lang in editions for lang in languages},
                    since=max(s.since for s in editions.values()),
                    detail=f"only in: {', '.join(present)}",
                    sources=[f"{ASSEMBLY}/{lang}" for lang in present],
                )
            )
            continue
        seats = {lang: _delegation(state).seats for lang, state in editions.items()}
        chambers = {lang: _counts(_delegation(state)) for lang, state in editions.items()}
        if len(set(seats.values())) > 1 or len({tuple(c) for c in chambers.values()}) > 1:
            findings.append(
                Finding(
                    kind="languages",
                    country=country,
                    subject="seats differ between editions",
                    values={f"{ASSEMBLY}/{lang}": seats[lang] for lang in sorted(seats)},
                    since=max(s.since for s in editions.values()),
                    detail="chamber counts: "
                    + "; ".join(
                        f"{lang} " + " + ".join(str(n) for n in chambers[lang])
                        for lang in sorted(chambers)
                    ),
                    sources=[f"{ASSEMBLY}/{lang}" for lang in sorted(editions)],
                )
            )
    return findings


def assembly_seats_for(delegation: Delegation, rule: ChamberRule) -> int | None:
    """The seats the assembly gives ``rule``'s chamber; None when no chamber matches."""
    if not rule.match:
        return delegation.seats
    words = [w.lower() for w in rule.match]
    for chamber in delegation.chambers or []:
        labels = (chamber.chamber, chamber.member_title, chamber.member_role)
        text = " ".join(str(label or "") for label in labels).lower()
        if any(word in text for word in words):
            return chamber.count
    return None


def national_count_disagreements(
    archive: Archive, delegations: list[CurrentState], rules: list[ChamberRule]
) -> list[Finding]:
    """The assembly's seat count for a chamber vs the names the chamber's own site lists."""
    by_country = _by_country(delegations)
    findings = []
    for rule in rules:
        members = current_states(archive, "member", site=rule.site)
        if not members:
            continue
        for language in sorted({m.language or "?" for m in members}):
            listed = [m for m in members if (m.language or "?") == language]
            values: dict[str, Any] = {}
            sinces = [membership_changed_at(archive, rule.site, language)]
            for lang, state in sorted(by_country.get(rule.country, {}).items()):
                seats = assembly_seats_for(_delegation(state), rule)
                if seats is not None:
                    values[f"{ASSEMBLY}/{lang}"] = seats
                    sinces.append(state.since)
            if not values or all(v == len(listed) for v in values.values()):
                continue
            values[f"{rule.site}/{language}"] = len(listed)
            findings.append(
                Finding(
                    kind="assembly-vs-national",
                    country=rule.country,
                    subject=f"{rule.site}: seats stated by the assembly vs names listed",
                    values=values,
                    since=max(s for s in sinces if s is not None),
                    detail=f"{len(listed)} names listed on {rule.site} ({language})",
                    sources=list(values),
                )
            )
    return findings


def missing_unconfirmed(archive: Archive) -> list[Finding]:
    """Entities that complete observations of their set lacked, not (yet) enough of them to
    record a removal: still present in the history, listed here until they return (no change
    at all) or the removal is confirmed (dated at the first observation that lacked them)."""
    with archive.session() as session:
        missing = missing_entities(session)
    needed = archive.removal_confirmations
    return [
        Finding(
            kind="missing-unconfirmed",
            country=m.country,
            subject=f"{m.key} missing, removal not confirmed",
            values={
                "last seen": _iso(m.last_seen),
                "complete observations lacking it": m.count,
                "needed to record a removal": needed,
            },
            since=m.since,
            detail=f"first lacked by crawl {m.crawl_id}",
            sources=[f"{m.site}/{m.language or '?'}"],
        )
        for m in missing
    ]


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def findings_text(findings: list[Finding]) -> str:
    """``parlwatch check``'s text: each disagreement as the report words it (who says what,
    never a Python list); a missing entity's counts as ``name=value``."""
    if not findings:
        return "no disagreements"
    lines = []
    for f in findings:
        since = f.since.isoformat(timespec="seconds") + "Z" if f.since else "unknown"
        if f.kind == "missing-unconfirmed":
            values = ", ".join(f"{source}={value}" for source, value in f.values.items())
            lines.append(f"[{f.kind}] {f.country}: {f.subject} — {values} (since {since})")
            if f.detail:
                lines.append(f"    {f.detail}")
            continue
        lines.append(f"[{f.kind}] {f.country}: {f.sentence()} Open since {since}.")
    return "\n".join(lines)
