"""CDXJ lines, as pywb and the CDX server read them: ``<surt> <timestamp14> <json>``."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1 << 16)
def surt_key(url: str) -> str:
    """The SURT form pywb sorts and looks up by (``org,pacsto)/events/x``). Remembered: a
    listing repeats each URL once per capture, and the surt library takes 50 µs a URL."""
    import surt

    try:
        return surt.surt(url)
    except Exception:  # noqa: BLE001 - surt raises bare exceptions on odd URLs; keep the URL
        return url


def cdxj_line(url: str, timestamp: str, fields: dict[str, Any]) -> str:
    data = {k: v for k, v in fields.items() if v is not None}
    return f"{surt_key(url)} {timestamp} {json.dumps(data, ensure_ascii=False)}"


def sorted_lines(lines: list[str]) -> list[str]:
    """pywb binary-searches the index: lines sorted by key and timestamp, byte order."""
    return sorted(lines, key=lambda line: line.encode("utf-8"))
