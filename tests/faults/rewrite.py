"""Pure rewrites of a pacsto replica page (HTML in, HTML out) for the content faults.

Each one turns a page the replica served into what a site going wrong would send instead: the
delegations block left out or half rendered by its template, the Russian text re-encoded as
windows-1251 under a utf-8 declaration, the article moved into an older table layout with bold
person names in a sidebar before it, or the page padded past the crawl's download cap.

They rely on the replica's markup (``replica/sites/pacsto/templates``), never on parlwatch's
parsers, and raise ``ValueError`` when that markup is not there, so a replica change shows up
as a failing fault-suite test rather than as a fault silently not injected.
"""

from __future__ import annotations

import re
from html import unescape

BLOCK_START = '<div class="delegations">'
MAIN_START = '<div class="main-content">'
_DELEGATION = re.compile(r'\s*<div class="delegation delegation--[^"]*"[^>]*>.*?</div>', re.S)
_TITLE = re.compile(r'<h2 class="news-detail__title">(.*?)</h2>', re.S)
_DATE = re.compile(r'<div class="news-detail__date">(.*?)</div>', re.S)
_TEXT = re.compile(r'<div class="news-detail__text">(.*?)</div>', re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_HEAD_TITLE = re.compile(r"<title>(.*?)</title>", re.S)

# Bold names in the old layout's sidebar: the assembly's leadership, in the page's language.
SIDEBAR_PEOPLE = {
    "en": [
        ("Vyacheslav Volodin", "Chairman of the CSTO PA Council"),
        ("Sergey Pospelov", "Executive Secretary of the CSTO PA"),
    ],
    "ru": [
        ("Вячеслав Володин", "Председатель Совета ПА ОДКБ"),
        ("Сергей Поспелов", "Ответственный секретарь ПА ОДКБ"),
    ],
}


def _block_span(html: str) -> tuple[int, int]:
    """Start and end offsets of the site-wide delegations block (its outer ``<div>``)."""
    start = html.find(BLOCK_START)
    main = html.find(MAIN_START, start)
    if start < 0 or main < 0:
        raise ValueError("no delegations block before the main content")
    sidebar_end = html.rindex("</div>", start, main)  # closes <div class="sidebar">
    block_end = html.rindex("</div>", start, sidebar_end) + len("</div>")
    return start, block_end


def without_block(html: str) -> str:
    """The page with the site-wide delegations block left out (a template include failed)."""
    start, end = _block_span(html)
    return html[:start] + html[end:]


def half_block(html: str, keep: int = 2) -> str:
    """The page whose block lists only its first ``keep`` delegations (a half-rendered template)."""
    start, end = _block_span(html)
    block = html[start:end]
    found = list(_DELEGATION.finditer(block))
    if len(found) <= keep:
        raise ValueError(f"the block has {len(found)} delegations, not more than {keep}")
    cut = block[: found[keep].start()] + block[found[-1].end() :]
    return html[:start] + cut + html[end:]


def as_windows_1251(body: bytes) -> bytes:
    """The utf-8 page's text encoded as windows-1251; its declarations still say utf-8."""
    return body.decode("utf-8").encode("cp1251", "xmlcharrefreplace")


def padded(html: str, size: int) -> str:
    """The page grown to at least ``size`` bytes by a comment before ``</body>``."""
    missing = max(0, size - len(html.encode("utf-8")))
    return html.replace("</body>", f"<!-- {'x' * missing} -->\n</body>", 1)


def old_table_layout(html: str, language: str) -> str:
    """The article of an ``/events/<slug>`` page in an older table layout, as CMSs had it.

    The left cell (before the article in source order) holds the delegations block, then the
    assembly's leadership as bold names with their posts; the right cell holds the date, the
    title in bold and the paragraphs. The ``<title>`` names only the site, as old CMSs did.
    """
    title, date, text = _TITLE.search(html), _DATE.search(html), _TEXT.search(html)
    head_title = _HEAD_TITLE.search(html)
    if not (title and date and text and head_title):
        raise ValueError("not a replica article page")
    start, end = _block_span(html)
    site = unescape(head_title.group(1)).rsplit(" | ", 1)[-1]
    paragraphs = "\n".join(
        f"<p>{p.strip()}</p>" for p in _PARAGRAPH.findall(text.group(1)) if p.strip()
    )
    people = "\n".join(f"<p><b>{name}</b><br>{post}</p>" for name, post in SIDEBAR_PEOPLE[language])
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{site}</title>
</head>
<body>
<table width="100%" border="0" cellpadding="0" cellspacing="0">
<tr><td colspan="2"><a href="/">{site}</a> | <a href="/events/">News</a></td></tr>
<tr>
<td width="240" valign="top" class="left">
{html[start:end]}
{people}
</td>
<td valign="top">
<div class="date">{date.group(1).strip()}</div>
<p><b>{title.group(1).strip()}</b></p>
{paragraphs}
</td>
</tr>
</table>
</body>
</html>
"""
