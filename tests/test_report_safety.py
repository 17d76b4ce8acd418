"""Scraped hostile text stays inert in every report format, and net mode collapses A -> B -> C.

History: the replica as 2025, 2026, then ``xss`` (2026 with a news title that is a script
element and a website line linking to ``javascript:alert(1)``), crawled by the real spider (the
``xss`` history of tests/replica_histories.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import feedparser
import lxml.html
import pytest

from reports.describe import Detail
from reports.render_data import render
from reports.report import Options, build_report
from store.queries import list_crawls
from store.report_queries import CaptureRef

pytestmark = pytest.mark.e2e
SCRIPT = "<script>alert(1)</script>"
NEWS_EN = (
    "pacsto/en/news/events/ekspertno-konsultativnyy-sovet-pri-sovete-pa-odkb-obsudil-plan-"
    "raboty-na-2026-god-5b1a4e7f-9c61-4d2a-8e90-d15f3c2e8d3f"
)
FORMATS = ("md", "html", "csv", "json", "atom")


@pytest.fixture(scope="module")
def archive(replica_histories):
    history = replica_histories.get("xss")
    for step in history.steps:
        assert step["exit"] == 0, step["stdout"] + step["stderr"][-2000:]
    return history.archive()


@pytest.fixture(scope="module")
def hostile(archive):
    """Only what the xss crawl found: the script title and the website line."""
    since = list_crawls(archive, last=1)[0].started
    report = build_report(archive, Options(since=_parse(since)), rules=[])
    assert {item.type for item in report.items} == {"news", "website"}
    assert any(SCRIPT in item.statement for item in report.items), "the title must be reported"
    return report


def _parse(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso.rstrip("Z"))


def _no_active_content(html: str) -> None:
    root = lxml.html.document_fromstring(html)
    assert root.xpath("//script") == []
    hrefs = [h.strip().lower() for h in root.xpath("//@href")]
    assert hrefs and not [h for h in hrefs if not h.startswith(("http://", "https://", "#"))]
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.I)


def test_html_shows_the_script_as_text(hostile):
    html = render(hostile, "html")
    _no_active_content(html)
    ET.fromstring(html)  # still well-formed
    text = lxml.html.document_fromstring(html).text_content()
    assert SCRIPT in text, "the title is shown, as text"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_escapes_the_script(hostile):
    md = render(hostile, "md")
    assert "\\<script>alert(1)\\</script>" in md
    assert not re.search(r"(?<!\\)<script", md)
    assert "](javascript:" not in md.lower()


def test_atom_content_is_escaped(hostile):
    xml = render(hostile, "atom")
    root = ET.fromstring(xml)
    assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "script"]
    assert "<script" not in xml
    for content in root.iter("{http://www.w3.org/2005/Atom}content"):
        _no_active_content(content.text or "")
    feed = feedparser.parse(xml)
    assert not feed.bozo
    assert any(SCRIPT in entry.title for entry in feed.entries), "titles are text, kept as typed"


def test_data_formats_keep_the_text_as_data(hostile):
    data = json.loads(render(hostile, "json"))
    assert any(SCRIPT in change["statement"] for change in data["changes"])
    rows = list(csv.DictReader(io.StringIO(render(hostile, "csv"))))
    assert any(SCRIPT in row["statement"] for row in rows)
    assert not [v for row in rows for v in row.values() if v[:1] in ("=", "+", "@")]


def test_javascript_urls_are_never_links(hostile):
    """The crawler keeps only http(s) addresses, so the xss line arrived without one; a
    javascript: value that reached the report anyway must still not become a link."""
    website = next(item for item in hostile.items if item.type == "website")
    assert website.statement == "address removed (was http://www.kenesh.kg/)"
    evil = "javascript:alert(1)"
    tampered = replace(
        website,
        details=[
            Detail("address now", value=evil),
            Detail("profile link now", value=" JavaScript:x"),
        ],
        after=CaptureRef(1, evil, website.detected_at, 200),
        parts=[("t", "address changed: "), ("s", evil)],
    )
    report = replace(hostile, items=[tampered])
    for fmt in FORMATS:
        out = render(report, fmt)
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", out, re.I), fmt
        assert "](javascript:" not in out.lower(), fmt
    _no_active_content(render(report, "html"))


def test_net_collapses_a_to_b_to_c(archive):
    plain = build_report(archive, Options())
    steps = [item for item in plain.items if item.entity == NEWS_EN]
    assert [item.change for item in sorted(steps, key=lambda i: i.crawls)] == ["added", "modified"]
    net = build_report(archive, Options(net=True))
    [item] = [item for item in net.items if item.entity == NEWS_EN]
    assert item.change == "added" and item.steps == 2 and len(item.crawls) == 2
    assert item.statement == f"published (2026-01-20): '{SCRIPT}'"  # C, not B
    assert "Expert Advisory Council" not in item.statement
    assert [f["field"] for f in item.fields] == [""] and item.fields[0]["new"]["title"] == SCRIPT
    assert net.flips == []
    md = render(net, "md")
    assert "net of 2 changes" in md
