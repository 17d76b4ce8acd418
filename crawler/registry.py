"""The site registry (``crawler/sites.toml``): the assembly and every national parliament site.

``site_ids()`` is the one list of the sites parlwatch knows; everything that names, validates or
iterates over sites (the CLI, the runner, the demo, WARC import, reparse) reads it from here.
Each site also declares which of its pages carry which entity sets (``SetRule``): what a crawl,
a reparse or an import must hold, whole, before a set may count as complete.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit

# also inside an egg (scrapyd); PARLWATCH_REGISTRY names another file (a copy, in tests)
REGISTRY_FILE: Path | Traversable = (
    Path(os.environ["PARLWATCH_REGISTRY"])
    if os.environ.get("PARLWATCH_REGISTRY")
    else files("crawler").joinpath("sites.toml")
)

ASSEMBLY = "assembly"
NATIONAL = "national"

# What the generic national spider needs of every language (a site with its own spider class
# declares only what that class reads).
NATIONAL_PATHS = ("home", "news_list", "news_page", "article", "delegation")

EVERY_PAGE = "*"  # in a SetRule's ``pages``: a page of any role
COUNTRY = "{country}"  # in a set's name: the country the carrying page is about


@dataclass(frozen=True)
class SetRule:
    """Which pages carry some entity sets, so which pages a run needs whole to call them complete.

    ``sets`` are entity types ("delegation"), or a type per country ("member/{country}": the set
    of the country the page is about). A set is complete in a run only when the run holds a page
    of a ``pages`` role carrying it and every such page came back whole; with ``each_country``,
    also one whole page of that role for every country the set holds; and no carrying page shows
    the ``measure`` set sharply shrunk against what the archive holds (``crawler.completeness``).
    """

    sets: tuple[str, ...]
    pages: tuple[str, ...]
    each_country: str = ""
    measure: str = ""

    @classmethod
    def from_toml(cls, entry: dict) -> SetRule:
        return cls(
            sets=tuple(entry["sets"]),
            pages=tuple(entry["pages"]),
            each_country=entry.get("each_country", ""),
            measure=entry.get("measure", ""),
        )

    def carried_by(self, role: str) -> bool:
        return EVERY_PAGE in self.pages or role in self.pages


@dataclass(frozen=True)
class LanguagePaths:
    prefix: str = "/"
    home: str = "/"
    news_list: str = ""
    news_page: str = ""
    article: str = ""
    delegation: str = ""
    # optional: the RSS/Atom feed and the sitemap of the news, read before the news list
    feed: str = ""
    sitemap: str = ""
    # this language's host, when it is not the site's ``base_url`` (paodkb.org for pacsto's ru)
    base_url: str | None = None

    @property
    def article_pattern(self) -> re.Pattern[str]:
        return re.compile(self.article)


@dataclass(frozen=True)
class SiteConfig:
    id: str
    name: str
    base_url: str
    country: str | None = None
    chamber: str = ""
    languages: dict[str, LanguagePaths] = field(default_factory=dict)
    date_order: str = "DMY"
    assembly_match: tuple[str, ...] = ()
    kind: str = NATIONAL  # "assembly" (the CSTO PA) or "national" (a national chamber)
    # "module.Class" of a spider of the site's own; empty: the generic national spider
    spider: str = ""
    # which pages carry which entity sets (``[[site.sets]]``, else the ``[national]`` default)
    sets: tuple[SetRule, ...] = ()

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(self.languages)

    @property
    def base_urls(self) -> dict[str, str]:
        """Language -> the live host it is published on."""
        return {code: paths.base_url or self.base_url for code, paths in self.languages.items()}


class RegistryError(ValueError):
    pass


@cache
def load_registry(path: Path | Traversable = REGISTRY_FILE) -> dict[str, SiteConfig]:
    """Site id -> config, in file order; a malformed entry raises ``RegistryError``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    national_sets = data.get("national", {}).get("sets", [])
    sites: dict[str, SiteConfig] = {}
    for entry in data.get("site", []):
        try:
            languages = {
                code: LanguagePaths(**paths) for code, paths in entry.pop("languages").items()
            }
            entry["assembly_match"] = tuple(entry.get("assembly_match", ()))
            default_sets = national_sets if entry.get("kind", NATIONAL) == NATIONAL else []
            entry["sets"] = tuple(SetRule.from_toml(r) for r in entry.get("sets", default_sets))
            site = SiteConfig(languages=languages, **entry)
        except (KeyError, TypeError) as exc:
            raise RegistryError(f"{path}: bad site entry {entry.get('id', '?')}: {exc}") from exc
        if site.id in sites:
            raise RegistryError(f"{path}: site {site.id} listed twice")
        if site.kind not in (ASSEMBLY, NATIONAL):
            raise RegistryError(f"{path}: site {site.id}: kind must be assembly or national")
        _check_paths(site)
        _check_sets(site)
        sites[site.id] = site
    return sites


def _check_paths(site: SiteConfig) -> None:
    for code, paths in site.languages.items():
        if not site.spider:
            absent = [name for name in NATIONAL_PATHS if not getattr(paths, name)]
            if absent:
                raise RegistryError(f"{site.id}/{code}: missing {', '.join(absent)}")
        try:
            re.compile(paths.article)
        except re.error as exc:
            raise RegistryError(f"{site.id}/{code}: bad article pattern: {exc}") from exc


def _check_sets(site: SiteConfig) -> None:
    for rule in site.sets:
        if not rule.sets or not rule.pages:
            raise RegistryError(f"{site.id}: a [[site.sets]] entry needs sets and pages")
        if rule.each_country and any(COUNTRY in name for name in rule.sets):
            raise RegistryError(f"{site.id}: each_country is for sets of every country")


def site_ids() -> list[str]:
    """Every site parlwatch knows, the assembly first, then the registry's order."""
    return list(load_registry())


def site_config(site_id: str) -> SiteConfig:
    """The registry entry of ``site_id``; ``KeyError`` names the known sites."""
    sites = load_registry()
    if site_id not in sites:
        raise KeyError(f"unknown site {site_id!r}; known: {', '.join(sites)}")
    return sites[site_id]


def national_sites() -> dict[str, SiteConfig]:
    """The national parliament sites (every entry but the assembly), in registry order."""
    return {sid: site for sid, site in load_registry().items() if site.kind == NATIONAL}


def _host(url: str) -> str:
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    return host.removeprefix("www.")


def site_for_url(url: str) -> tuple[str, str] | None:
    """(site id, language) of the registry entry published on ``url``'s host (``www.`` and the
    scheme don't matter; a language whose path prefix the URL starts with wins), or None."""
    host, path = _host(url), urlsplit(url).path or "/"
    found: list[tuple[int, str, str]] = []
    for site in load_registry().values():
        for language, base in site.base_urls.items():
            if _host(base) == host:
                prefix = site.languages[language].prefix or "/"
                found.append((len(prefix) if path.startswith(prefix) else -1, site.id, language))
    best = [f for f in found if f[0] == max(found)[0]] if found else []
    if len({site_id for _, site_id, _ in best}) != 1:
        return None  # no site on this host, or several and the path does not tell which
    _, site_id, language = best[0]
    return site_id, language
