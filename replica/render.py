"""Turn (site, version, path, request headers) into a complete HTTP response.

Everything here is generic; what a site looks like lives in its templates and data. The server
(``replica.server``) only moves bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2

from replica.negotiate import choose_language, http_date, not_modified
from replica.site import MAINTENANCE, OUTAGE, Site, Version, localize

GENERIC_TEMPLATES = Path(__file__).parent / "templates"

#: Month names in the form used after a day number ("28 мая 2025"); a site may add or override
#: languages with a ``[months]`` table in its site.toml.
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Renderer:
    """Renders one site. Thread-safe: it holds no per-request state."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader(site.root / "templates"),
                    jinja2.FileSystemLoader(GENERIC_TEMPLATES),
                ]
            ),
            autoescape=jinja2.select_autoescape(["html", "j2"]),
            keep_trailing_newline=True,
            extensions=["jinja2.ext.do"],
        )
        months = {lang: names.split() for lang, names in MONTHS.items()} | site.months
        self.env.filters["longdate"] = jinja2.pass_context(
            lambda ctx, d: _longdate(d, months.get(ctx["lang"], months["en"]))
        )
        self.env.filters["isodate"] = lambda d: d.isoformat()
        self._routes = [(_compile(r.path), r) for r in site.routes]
        self._version_routes = {
            name: [(_compile(r.path), r) for r in version.routes]
            for name, version in site.versions.items()
            if version.routes is not None
        }
        self._static = site.root / "static"

    # -- entry point -------------------------------------------------------------------------

    def render(self, version_name: str, raw_path: str, headers: dict[str, str]) -> Response:
        """Respond to a GET (the server strips the body for HEAD).

        ``headers`` holds the request headers with lower-case names.
        """
        version = self.site.versions[version_name]
        path = unquote(urlsplit(raw_path).path) or "/"
        if version.name == OUTAGE:
            return self._outage()
        if path == "/robots.txt":
            resp = Response(200, {"Content-Type": "text/plain; charset=utf-8"})
            resp.body = version.robots.encode("utf-8")
            return self._finish(resp, version, headers)
        static = self._static_file(path)
        if static is not None:
            return self._finish(static, version, headers)

        lang = choose_language(
            headers.get("accept-language"), self.site.languages, self.site.default_language
        )
        if version.name == MAINTENANCE:
            resp = self._page("maintenance.html.j2", version, lang, {"path": path})
        else:
            resp = self._route(version, path, raw_path, lang)
        resp.headers.setdefault("Content-Language", lang)
        if len(self.site.languages) > 1:
            resp.headers["Vary"] = "Accept-Language"
        return self._finish(resp, version, headers)

    # -- pieces ------------------------------------------------------------------------------

    def _route(self, version: Version, path: str, raw_path: str, lang: str) -> Response:
        """First matching route wins. A path parameter named ``lang`` (``/{lang}/news/{slug}``)
        fixes the language for sites whose editions live under path prefixes."""
        query = {k: v[-1] for k, v in parse_qs(urlsplit(raw_path).query).items()}
        for pattern, route in self._version_routes.get(version.name, self._routes):
            match = pattern.fullmatch(path)
            if not match:
                continue
            params = match.groupdict()
            page_lang = params.pop("lang", lang)
            if page_lang not in self.site.languages:
                continue
            data = localize(version.data, page_lang, self.site.languages)
            extra: dict[str, Any] = {"data": data, "params": params, "query": query, "path": path}
            if route.collection is not None:
                item = _lookup(data.get(route.collection), params)
                if item is None:
                    break  # e.g. a news slug this version does not have yet
                extra["item"] = item
            resp = self._page(route.template, version, page_lang, extra, route.status)
            if route.content_type != "text/html":
                resp.headers["Content-Type"] = f"{route.content_type}; charset={self.site.encoding}"
            resp.headers["Content-Language"] = page_lang
            return resp
        data = localize(version.data, lang, self.site.languages)
        return self._page("404.html.j2", version, lang, {"data": data, "path": path}, 404)

    def _page(
        self, template: str, version: Version, lang: str, extra: dict[str, Any], status: int = 200
    ) -> Response:
        site = self.site
        context = {
            "lang": lang,
            "version": version.name,
            "charset": site.encoding,
            "site_id": site.id,
            "site_title": localize(site.title, lang, site.languages),
            "data": {},
            **extra,
        }
        text = self.env.get_template(template).render(context)
        content_type = "text/html"
        if site.charset_in_header:
            content_type += f"; charset={site.encoding}"
        body = text.encode(site.encoding, errors="xmlcharrefreplace")
        return Response(status, {"Content-Type": content_type}, body)

    def _outage(self) -> Response:
        body = self.env.get_template("outage.html.j2").render().encode("utf-8")
        headers = {
            "Content-Type": "text/html",
            "Retry-After": str(self.site.retry_after),
            "Cache-Control": "no-store",
            "Content-Length": str(len(body)),
        }
        return Response(503, headers, body)

    def _static_file(self, path: str) -> Response | None:
        if not self._static.is_dir() or path.endswith("/"):
            return None
        candidate = (self._static / path.lstrip("/")).resolve()
        if not candidate.is_file() or not candidate.is_relative_to(self._static.resolve()):
            return None
        ctype = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        if ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        return Response(200, {"Content-Type": ctype}, candidate.read_bytes())

    def _finish(self, resp: Response, version: Version, headers: dict[str, str]) -> Response:
        """Add length and validators; turn a 200 into a 304 when the client's copy is current."""
        resp.headers["Content-Length"] = str(len(resp.body))
        if self.site.cache_control:
            resp.headers["Cache-Control"] = self.site.cache_control
        if resp.status != 200:
            return resp
        etag = '"' + hashlib.sha256(resp.body).hexdigest()[:24] + '"'
        resp.headers["ETag"] = etag
        if version.last_modified is not None:
            resp.headers["Last-Modified"] = http_date(version.last_modified)
        if not_modified(headers, etag, version.last_modified):
            keep = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Language")
            return Response(304, {k: v for k, v in resp.headers.items() if k in keep})
        return resp


def _compile(pattern: str) -> re.Pattern[str]:
    """``/events/{slug}`` -> a regex with a named group matching one path segment."""
    parts = re.split(r"\{(\w+)\}", pattern)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
    )
    return re.compile(regex)


def _lookup(collection: Any, params: dict[str, str]) -> Any:
    if not isinstance(collection, dict) or len(params) != 1:
        return None
    return collection.get(next(iter(params.values())))


def _longdate(value: date | datetime | str, months: list[str]) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {months[value.month - 1]} {value.year}"
