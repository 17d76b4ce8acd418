"""The site registry (``crawler/sites.toml``): the assembly and every national parliament site.

``site_ids()`` is the one list of the sites parlwatch knows; everything that names, validates or
iterates over sites (the CLI, the runner, the demo, WARC import, reparse) reads it from here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

REGISTRY_FILE = files("crawler").joinpath("sites.toml")  # also inside an egg (scrapyd)

ASSEMBLY = "assembly"
NATIONAL = "national"

# What the generic national spider needs of every language (a site with its own spider class
# declares only what that class reads).
NATIONAL_PATHS = ("home", "news_list", "news_page", "article", "delegation")


@dataclass(frozen=True)
class LanguagePaths:
    prefix: str = "/"
    home: str = "/"
    news_list: str = ""
    news_page: str = ""
    article: str = ""
    delegation: str = ""
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
    sites: dict[str, SiteConfig] = {}
    for entry in data.get("site", []):
        try:
            languages = {
                code: LanguagePaths(**paths) for code, paths in entry.pop("languages").items()
            }
            entry["assembly_match"] = tuple(entry.get("assembly_match", ()))
            site = SiteConfig(languages=languages, **entry)
        except (KeyError, TypeError) as exc:
            raise RegistryError(f"{path}: bad site entry {entry.get('id', '?')}: {exc}") from exc
        if site.id in sites:
            raise RegistryError(f"{path}: site {site.id} listed twice")
        if site.kind not in (ASSEMBLY, NATIONAL):
            raise RegistryError(f"{path}: site {site.id}: kind must be assembly or national")
        _check_paths(site)
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
