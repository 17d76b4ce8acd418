"""Where a capture is replayed: the URL scheme of ``parlwatch replay`` (pywb).

``parlwatch replay`` serves one pywb collection holding every capture, plus one collection per
language asked for (``<collection>-<language>``, e.g. ``parlwatch-en``). The language collections
exist because pacsto serves English and Russian at one URL (a replica or mirror does, too): both
captures of that URL are often made within the same second, and a pywb address
(``/<collection>/<14-digit timestamp>/<url>``) has second precision, so in the shared collection
one of them would hide the other. Within a language collection every capture has an address of
its own, so the replay URL of a capture is always in the collection of its language; captures
without a language (none are made today) are in the main collection.

Addresses, as pywb serves them::

    <replay>/<collection>/<timestamp14>/<url>        the page, rewritten for the browser
    <replay>/<collection>/<timestamp14>id_/<url>     the bytes as captured ("raw")
    <replay>/<collection>/timemap/link/<url>         pywb's TimeMap
    <replay>/<collection>/cdx?url=<url>              pywb's CDX server

Nothing here talks to pywb or the archive: these are pure functions, usable by anything that
knows a capture's URL, time and language.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

REPLAY_URL_ENV = "PARLWATCH_REPLAY_URL"
COLLECTION_ENV = "PARLWATCH_REPLAY_COLLECTION"
DEFAULT_COLLECTION = "parlwatch"


def replay_url(base: str, collection: str, timestamp: str, url: str, raw: bool = False) -> str:
    """The replay address of the capture of ``url`` at ``timestamp`` (14 digits) in ``collection``.

    ``raw`` gives the bytes exactly as captured (pywb's ``id_`` mode), else the page rewritten
    for a browser. ``base`` is the replay server's root, e.g. ``http://127.0.0.1:8080``.
    """
    if not (timestamp.isdigit() and len(timestamp) == 14):
        raise ValueError(f"a capture's timestamp has 14 digits, not {timestamp!r}")
    return f"{base.rstrip('/')}/{collection}/{timestamp}{'id_' if raw else ''}/{url}"


def language_collection(collection: str, language: str | None) -> str:
    """The collection that gives every capture made asking for ``language`` its own address."""
    return f"{collection}-{language}" if language else collection


@dataclass(frozen=True)
class ReplayAddress:
    """A replay server and the collection the archive is served as.

    ``by_language`` False is the layout of a plain ``wb-manager`` collection of an exported WARC
    (one collection, no language collections).
    """

    base: str
    collection: str = DEFAULT_COLLECTION
    by_language: bool = True

    def collection_of(self, language: str | None) -> str:
        if not self.by_language:
            return self.collection
        return language_collection(self.collection, language)

    def memento(
        self, timestamp: str, url: str, language: str | None = None, raw: bool = False
    ) -> str:
        """The replay URL of one capture: its 14-digit time, its URL as fetched, its language."""
        return replay_url(self.base, self.collection_of(language), timestamp, url, raw)

    def timemap(self, url: str, language: str | None = None) -> str:
        return f"{self.base.rstrip('/')}/{self.collection_of(language)}/timemap/link/{url}"

    def timegate(self, url: str, language: str | None = None) -> str:
        return f"{self.base.rstrip('/')}/{self.collection_of(language)}/{url}"


def configured_address(
    base: str | None = None, collection: str | None = None
) -> ReplayAddress | None:
    """The replay address from options or ``$PARLWATCH_REPLAY_URL`` /
    ``$PARLWATCH_REPLAY_COLLECTION``; None when no replay server is configured (then there is
    no replay URL to give, and callers say so instead of inventing one)."""
    base = base or os.environ.get(REPLAY_URL_ENV)
    if not base:
        return None
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"a replay URL starts with http:// or https://, not {base!r}")
    return ReplayAddress(base, collection or os.environ.get(COLLECTION_ENV) or DEFAULT_COLLECTION)


def wb_manager_address(archive_url: str) -> ReplayAddress:
    """``http://host:8080/coll`` (a collection made with ``wb-manager`` from ``export warc``)."""
    base, _, collection = archive_url.rstrip("/").rpartition("/")
    return ReplayAddress(base, collection, by_language=False)
