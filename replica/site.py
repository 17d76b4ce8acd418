"""Loading a replica site: ``sites/<id>/site.toml`` plus its per-version data files.

A version's data is the deep merge, in order, of the data files the version lists, so a later
version only states what changed (a new news item, one re-worded sentence) and everything else
stays byte-for-byte identical. Bilingual values are written as tables keyed by language code
(``title = { ru = "...", en = "..." }``) and resolved per request by :func:`localize`.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SITES_DIR = Path(__file__).parent / "sites"

#: Version names the framework provides for every site.
OUTAGE = "outage"
MAINTENANCE = "maintenance"
SPECIAL_VERSIONS = (OUTAGE, MAINTENANCE)


@dataclass(frozen=True)
class Route:
    """One path pattern of a site, e.g. ``/events/{slug}`` rendered by ``article.html.j2``.

    With ``collection``, the path parameter must name a key of that data table (after
    localization), else the path is a 404; the entry is passed to the template as ``item``.
    """

    path: str
    template: str
    collection: str | None = None
    status: int = 200
    content_type: str = "text/html"  # e.g. "application/rss+xml" for a feed


@dataclass(frozen=True)
class Version:
    name: str
    data: dict[str, Any]
    last_modified: datetime | None
    robots: str
    special: bool = False
    # the version's own routes (a redesign that moves pages); None: the site's routes
    routes: list[Route] | None = None


@dataclass
class Site:
    id: str
    root: Path
    languages: list[str]
    default_language: str
    encoding: str
    charset_in_header: bool
    cache_control: str
    retry_after: int
    title: dict[str, str]
    routes: list[Route]
    versions: dict[str, Version] = field(default_factory=dict)
    months: dict[str, list[str]] = field(default_factory=dict)

    @property
    def version_names(self) -> list[str]:
        return list(self.versions)


def available_sites() -> list[str]:
    """Ids of the sites shipped in ``replica/sites`` (directories holding a ``site.toml``)."""
    return sorted(p.parent.name for p in SITES_DIR.glob("*/site.toml"))


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``: tables merge key by key, anything else
    (strings, lists) is replaced. Keys keep the position they first had in ``base``."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


class _Missing:
    """Marker for a value that does not exist in the requested language."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


def localize(value: Any, lang: str, languages: list[str]) -> Any:
    """Resolve every ``{ru = ..., en = ...}`` table in ``value`` to its ``lang`` entry.

    A table whose keys are all language codes of the site is a translation table. When it has
    no entry for ``lang`` the value is absent in that edition: it is dropped from the enclosing
    table or list (how a country or a news item can be missing from one language only).
    """
    if isinstance(value, dict):
        if value and all(k in languages for k in value):
            return localize(value[lang], lang, languages) if lang in value else MISSING
        out = {}
        for key, sub in value.items():
            resolved = localize(sub, lang, languages)
            if resolved is not MISSING:
                out[key] = resolved
        return out
    if isinstance(value, list):
        items = (localize(v, lang, languages) for v in value)
        return [v for v in items if v is not MISSING]
    return value


def _read_data(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return tomllib.loads(text)


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"last_modified must be a date-time, got {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def load_site(site_id: str, sites_dir: Path = SITES_DIR) -> Site:
    """Read ``<sites_dir>/<site_id>/site.toml`` and every version's data files."""
    root = sites_dir / site_id
    config_path = root / "site.toml"
    if not config_path.is_file():
        raise ValueError(f"unknown replica site {site_id!r}; available: {available_sites()}")
    cfg = tomllib.loads(config_path.read_text(encoding="utf-8"))

    languages = list(cfg.get("languages", ["ru"]))
    site = Site(
        id=site_id,
        root=root,
        languages=languages,
        default_language=cfg.get("default_language", languages[0]),
        encoding=cfg.get("encoding", "utf-8"),
        charset_in_header=cfg.get("charset_in_header", True),
        cache_control=cfg.get("cache_control", "max-age=0"),
        retry_after=int(cfg.get("retry_after", 3600)),
        title=cfg.get("title", {}),
        routes=[Route(**r) for r in cfg.get("routes", [])],
        months=cfg.get("months", {}),
    )
    if site.default_language not in languages:
        raise ValueError(f"{site_id}: default_language not in languages")

    robots = cfg.get("robots", "User-agent: *\nDisallow:\n")
    for entry in cfg.get("versions", []):
        name = entry["name"]
        if name in SPECIAL_VERSIONS or name in site.versions:
            raise ValueError(f"{site_id}: version name {name!r} is reserved or repeated")
        data: dict[str, Any] = {}
        for filename in entry.get("data", []):
            data = deep_merge(data, _read_data(root / "data" / filename))
        site.versions[name] = Version(
            name=name,
            data=data,
            last_modified=_as_utc(entry.get("last_modified")),
            robots=entry.get("robots", robots),
            routes=[Route(**r) for r in entry["routes"]] if "routes" in entry else None,
        )
    if not site.versions:
        raise ValueError(f"{site_id}: site.toml lists no versions")
    for name in SPECIAL_VERSIONS:
        site.versions[name] = Version(name, {}, None, robots, special=True)
    return site
