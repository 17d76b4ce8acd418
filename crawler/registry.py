"""The registry of national parliament sites (``crawler/sites.toml``)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

REGISTRY_FILE = files("crawler").joinpath("sites.toml")  # also inside an egg (scrapyd)


@dataclass(frozen=True)
class LanguagePaths:
    prefix: str
    home: str
    news_list: str
    news_page: str
    article: str
    delegation: str

    @property
    def article_pattern(self) -> re.Pattern[str]:
        return re.compile(self.article)


@dataclass(frozen=True)
class SiteConfig:
    id: str
    name: str
    country: str
    chamber: str
    base_url: str
    languages: dict[str, LanguagePaths] = field(default_factory=dict)
    date_order: str = "DMY"
    assembly_match: tuple[str, ...] = ()

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(self.languages)


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
        for code, paths in site.languages.items():
            try:
                re.compile(paths.article)
            except re.error as exc:
                raise RegistryError(f"{site.id}/{code}: bad article pattern: {exc}") from exc
        sites[site.id] = site
    return sites
