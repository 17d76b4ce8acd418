"""The fault scenarios: a fault class on a target (a page, or every page, in one or both
languages), what a correct crawl does about it, and what parlwatch does today where it falls short.

What is expected (issue 15):

- ``status``: the fault crawl ends ``failed`` when a root page is not usable, ``partial`` when
  only other pages are not, ``finished`` when the fault leaves every page usable (a slow body);
  a half-rendered block cannot be told from the page alone, so ``partial`` or ``failed``.
- ``changes``: the fault crawl plus a clean recovery crawl of the unchanged site record nothing.
- ``offsite``: no capture is stored under another host's URL.

``today`` maps each of those checks that parlwatch does not pass yet to what goes wrong,
measured with ``python -m tests.faults.table``; the tests mark them ``xfail(strict=True)``, so a
fix turns them into failures (XPASS) until its author removes the entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import faultclasses as fc
from . import rewrite
from .proxy import Target

ROOT = "/"
COUNTRY = "/countries/russian-federation"
NEWS = "/events/s-1-yanvarya-rossiya-pristupila-k-predsedatelstvu-v-odkb"
# A news item only the 2024 edition has: what the off-site host answers for a news page.
OFFSITE_ARTICLE = "/events/sovet-pa-odkb-utverdil-plan-meropriyatiy-na-2025-god"

CHECKS = ("status", "changes", "offsite")
DOWNLOAD_TIMEOUT = 3  # seconds: the suite's crawls give up on a page this fast
DOWNLOAD_CAP = 200_000  # bytes: the suite's download cap (the largest replica page is ~28 KB)
BIG_BODY = 50 * 1024 * 1024


def _target(name: str, path: str | None, *languages: str) -> Target:
    return Target(name, None if path is None else frozenset({path}), frozenset(languages))


ROOT_EN, ROOT_RU = _target("root-en", ROOT, "en"), _target("root-ru", ROOT, "ru")
COUNTRY_EN, COUNTRY_RU = _target("country-en", COUNTRY, "en"), _target("country-ru", COUNTRY, "ru")
NEWS_EN, NEWS_RU = _target("news-en", NEWS, "en"), _target("news-ru", NEWS, "ru")
EVERY_PAGE = _target("every-page", None, "en", "ru")


class SideServers(Protocol):
    """The other hosts a fault may send the crawler to (see ``harness.FaultSite``)."""

    offsite_url: str
    maintenance_url: str


@dataclass(frozen=True)
class FaultClass:
    """A kind of fault: how to make its proxy action, and crawl settings it needs."""

    name: str
    make: Callable[[SideServers], fc.Action]
    overrides: Mapping[str, Any] = field(default_factory=dict)


def _offsite_path(path: str) -> str:
    return OFFSITE_ARTICLE if path.startswith("/events/") and path != "/events/" else path


def _any_language(edit: Callable[[str], str]) -> Callable[[str, str], str]:
    return lambda html, _language: edit(html)


FAULT_CLASSES = {
    f.name: f
    for f in [
        FaultClass("http-503", lambda s: fc.http_503()),
        FaultClass("reset", lambda s: fc.connection_reset()),
        FaultClass("truncated", lambda s: fc.truncated_body()),
        FaultClass("timeout", lambda s: fc.no_answer(3 * DOWNLOAD_TIMEOUT)),
        FaultClass("slow-body", lambda s: fc.slow_body(DOWNLOAD_TIMEOUT / 4)),
        FaultClass("oversize", lambda s: fc.oversize_declared(2 * DOWNLOAD_CAP)),
        FaultClass(
            "oversize-50mb",
            lambda s: fc.oversize_streamed(BIG_BODY),
            # the project's own cap (crawler/settings.py), not the suite's lowered one
            {"DOWNLOAD_MAXSIZE": None},
        ),
        FaultClass("redirect-loop", lambda s: fc.redirect_loop()),
        FaultClass("redirect-offsite", lambda s: fc.redirect_to(s.offsite_url, _offsite_path)),
        FaultClass("maintenance-200", lambda s: fc.served_by(s.maintenance_url)),
        FaultClass("block-missing", lambda s: fc.rewritten(_any_language(rewrite.without_block))),
        FaultClass("block-half", lambda s: fc.rewritten(_any_language(rewrite.half_block))),
        FaultClass("cp1251-as-utf8", lambda s: fc.mis_encoded()),
        FaultClass("sidebar-bold", lambda s: fc.rewritten(rewrite.old_table_layout)),
    ]
}  # fmt: skip

# The test module each fault class is tested in (several modules: pytest-xdist spreads files).
FAMILIES = {
    "transport": ["http-503", "reset", "truncated", "timeout"],
    "size_redirect": [
        "slow-body",
        "oversize",
        "oversize-50mb",
        "redirect-loop",
        "redirect-offsite",
    ],
    "content": ["maintenance-200", "block-missing", "block-half", "cp1251-as-utf8", "sidebar-bold"],
}

FAILED, PARTIAL, FINISHED = ("failed",), ("partial",), ("finished",)
NOT_FINISHED = ("partial", "failed")


@dataclass(frozen=True)
class Scenario:
    fault: str
    target: Target
    expect: tuple[str, ...]
    today: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.fault}@{self.target.name}"

    @property
    def fault_class(self) -> FaultClass:
        return FAULT_CLASSES[self.fault]


# What goes wrong today (measured with ``python -m tests.faults.table``, version 2026-09): every
# scenario passes since the ingest rules of issue 15 (crawler/ingest.py, crawler/completeness.py).
# A scenario that fails again is listed here as ``add(..., check="what goes wrong")``.


def _matrix() -> list[Scenario]:
    out: list[Scenario] = []

    def add(fault: str, target: Target, expect: tuple[str, ...], **today: str) -> None:
        out.append(Scenario(fault, target, expect, today))

    for fault in ("http-503", "reset", "truncated", "timeout", "oversize", "redirect-loop"):
        add(fault, ROOT_EN if fault in ("http-503", "timeout") else ROOT_RU, FAILED)
        add(fault, COUNTRY_RU if fault in ("http-503", "truncated") else COUNTRY_EN, PARTIAL)
        add(fault, NEWS_EN if fault in ("reset", "oversize") else NEWS_RU, PARTIAL)
        add(fault, EVERY_PAGE, FAILED)
    add("slow-body", COUNTRY_EN, FINISHED)
    add("slow-body", EVERY_PAGE, FINISHED)
    add("oversize-50mb", COUNTRY_RU, PARTIAL)
    add("redirect-offsite", ROOT_EN, FAILED)
    add("redirect-offsite", COUNTRY_RU, PARTIAL)
    add("redirect-offsite", NEWS_EN, PARTIAL)
    add("redirect-offsite", NEWS_RU, PARTIAL)
    add("maintenance-200", ROOT_RU, FAILED)
    add("maintenance-200", COUNTRY_EN, PARTIAL)
    add("maintenance-200", EVERY_PAGE, FAILED)
    add("block-missing", ROOT_EN, FAILED)
    add("block-missing", COUNTRY_RU, PARTIAL)
    add("block-missing", EVERY_PAGE, FAILED)
    add("block-half", ROOT_RU, NOT_FINISHED)
    add("block-half", EVERY_PAGE, NOT_FINISHED)
    add("cp1251-as-utf8", ROOT_RU, FAILED)
    add("cp1251-as-utf8", COUNTRY_RU, PARTIAL)
    add("cp1251-as-utf8", NEWS_RU, PARTIAL)
    add("sidebar-bold", NEWS_EN, FINISHED)
    add("sidebar-bold", NEWS_RU, FINISHED)
    return out


SCENARIOS = _matrix()
BY_ID = {s.id: s for s in SCENARIOS}
