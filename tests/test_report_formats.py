"""``parlwatch report`` formats on a real history: Markdown, HTML (also in headless Chromium),
Atom, CSV, JSON, and the command itself.

The history: the real spider crawls the pacsto replica as 2024, 2025, an outage (a failed crawl)
and 2026 (the ``seats`` history of tests/replica_histories.py, shared with test_report.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from parlwatch.commands_report import report as report_command
from reports.render_data import CSV_COLUMNS, render
from reports.report import Options, build_report

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
KG_EN = "pacsto/en/delegation/KG"


@pytest.fixture(scope="module")
def main(replica_histories):
    history = replica_histories.get("seats")
    exits = [step["exit"] for step in history.steps]
    assert exits == [0, 0, 1, 0], "2024, 2025, 2026 finish; the outage fails"
    return history.archive()


@pytest.fixture(scope="module")
def full(main):
    return build_report(main, Options(), rules=[])


def test_markdown_word_diffs_and_capture_links(full):
    md = render(full, "md")
    assert "### Russian Federation delegation (en)" in md
    assert "[-consists of-]{+is represented by+}" in md
    assert "12 [-members of the Federation Council-]{+senators+} of the Russian Federation" in md
    assert "consists of [-7-]{+6+} deputies." in md
    assert re.search(
        r"\[after: capture \d+, \d{4}-\d\d-\d\d [\d:]+ UTC\]\(http://127\.0\.0\.1:", md
    )
    assert (
        md.index("## Summary") < md.index("## Kyrgyz Republic") < md.index("## Russian Federation")
    )


def test_html_is_well_formed_self_contained_and_linked(full):
    html = render(full, "html")
    root = ET.fromstring(html)  # polyglot markup: well-formed XML as well as HTML
    tags = [el.tag.rsplit("}", 1)[-1] for el in root.iter()]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not re.search(r"@import|url\(|\bsrc=", html)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    toc = [a.get("href") for a in root.iter("a") if (a.get("href") or "").startswith("#")]
    assert len(toc) > 10 and all(href[1:] in ids for href in toc)
    assert "<del>members of the Federation Council</del><ins>senators</ins>" in html
    capture_links = [a for a in root.iter("a") if (a.text or "").startswith("capture ")]
    assert capture_links and all(
        a.get("href").startswith("http://127.0.0.1:") for a in capture_links
    )
    polylines = [el for el in root.iter() if el.tag.endswith("polyline")]
    assert len(polylines) == 5  # one seat line per delegation
    assert "Kyrgyz Republic (6)" in html


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]  # fmt: skip


def chromium_binary() -> str:
    """Debian's chromium, which ``make test`` installs; its absence fails, never skips."""
    names = ("chromium", "chromium-headless-shell", "chromium-browser", "google-chrome")
    binary = next((shutil.which(n) for n in names if shutil.which(n)), None)
    if binary is None:
        pytest.fail("no chromium on PATH: `make chromium` (apt-get install -y chromium)")
    return binary


def test_html_renders_in_chromium(full, tmp_path):
    """The page in a real browser: a screenshot of the first screen (artifacts/report.png) that
    is not blank, and the DOM Chromium built: the summary comes before the contents, which are
    collapsed, and nothing but our own inline SVG and CSS."""
    binary = chromium_binary()
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "report.html"
    page.write_text(render(full, "html"), encoding="utf-8")
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    base = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run(
        base + ["--window-size=1280,900", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=90,
        check=True,
    )
    width, height, pixels = _png(shot.read_bytes())
    assert (width, height) == (1280, 900)
    assert len(set(pixels[::97])) > 20, "the screenshot must not be blank"
    dom = subprocess.run(
        base + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=90
    ).stdout
    assert "<svg" in dom and "<script" not in dom and "Russian Federation delegation (en)" in dom
    assert dom.index('id="summary"') < dom.index("What matters most") < dom.index('class="toc"')
    toc = dom[dom.index('class="toc"') :]
    assert toc.index("<details>") < toc.index("<summary>Contents")  # collapsed, not open


def _png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the (filtered) pixel bytes of a PNG, without an imaging library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


def test_atom_parses_and_keeps_ids_across_runs(main, full):
    first = feedparser.parse(render(full, "atom"))
    assert not first.bozo and first.version == "atom10"
    assert len(first.entries) == len(full.items)
    ids = [entry.id for entry in first.entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    again = feedparser.parse(render(build_report(main, Options(), rules=[]), "atom"))
    assert [entry.id for entry in again.entries] == ids
    kg = next(e for e in first.entries if "Kyrgyz Republic delegation (en)" in e.title)
    assert kg.title == "[substantive] Kyrgyz Republic delegation (en): 7 -> 6 deputies, \u22121"
    assert "<del>7</del><ins>6</ins>" in kg.content[0].value


def test_csv_has_a_header_and_a_row_per_change(full):
    rows = list(csv.DictReader(io.StringIO(render(full, "csv"))))
    assert rows and list(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(full.items)
    kg = next(row for row in rows if row["entity"] == KG_EN)
    assert (kg["significance"], kg["seats_before"], kg["seats_after"], kg["seats_delta"]) == (
        "substantive",
        "7",
        "6",
        "-1",
    )
    assert kg["after_capture_url"].startswith("http://127.0.0.1:")


def test_json_has_the_report_fields(full):
    data = json.loads(render(full, "json"))
    assert [c["id"] for c in data["changes"]] == [item.id for item in full.items]
    assert data["changes"] == [json.loads(json.dumps(item.to_dict())) for item in full.items]
    rows = list(csv.DictReader(io.StringIO(render(full, "csv"))))
    for change, row in zip(data["changes"], rows, strict=True):
        flattened = {f"{side}_{name}" for side in ("before", "after")
                     for name in ("capture_url", "captured_at", "link")}  # fmt: skip
        assert set(CSV_COLUMNS) - flattened - {"link_kind", "changed_fields", "evidence"} <= set(
            change
        )
        assert row["changed_fields"].split() == [f["field"] or "(whole)" for f in change["fields"]]
        assert not row["evidence"].startswith(("[", "{")) and row["link_kind"] == "live"
        assert (change["id"], change["statement"], change["why"]) == (
            row["id"],
            row["statement"],
            row["why"],
        )
    assert data["summary"]["failed_crawls"][0]["status"] == "failed"


def test_command_writes_each_format(main, tmp_path):
    url = str(main.engine.url)
    for fmt in ("md", "html", "csv", "json", "atom"):
        out = tmp_path / f"report.{fmt}"
        result = CliRunner().invoke(
            report_command, ["--db", url, "--country", "KG", "--format", fmt, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert "Kyrgyz Republic" in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(report_command, ["--db", url, "--net", "--type", "delegation"])
    assert result.exit_code == 0 and "7 -> 6 deputies" in result.output


def test_the_command_line_report_ends_its_process_with_its_output_whole(main, tmp_path):
    """From the console entry point a report ends the process without freeing what it built
    (``parlwatch.process_end``): the file, or stdout down a pipe, is whole all the same, and
    the archive was closed first (SQLite removes its write-ahead log on the last close)."""
    db = tmp_path / "copy.db"
    shutil.copyfile(main.engine.url.database, db)
    out = tmp_path / "report.md"
    args = [sys.executable, "-m", "parlwatch", "report", "--db", str(db)]
    to_file = subprocess.run([*args, "-o", str(out)], capture_output=True, text=True, timeout=120)
    to_pipe = subprocess.run(args, capture_output=True, encoding="utf-8", timeout=120)
    assert to_file.returncode == to_pipe.returncode == 0, to_file.stderr + to_pipe.stderr
    expected = CliRunner().invoke(report_command, ["--db", str(db)]).output
    undated = [re.sub(r"(?m)^Generated .*$", "", text) for text in (expected, to_pipe.stdout)]
    assert undated[0] == undated[1] and expected.endswith("\n")
    assert re.sub(r"(?m)^Generated .*$", "", out.read_text(encoding="utf-8")) == undated[0]
    assert re.fullmatch(r"wrote \d+ changes to .*report\.md\n", to_file.stderr)
    assert not Path(f"{db}-wal").exists()


def replay_link(url: str, fetched_at, language) -> str:
    return f"http://replay.test/parlwatch-{language}/{fetched_at:%Y%m%d%H%M%S}/{url}"


def test_capture_links_go_to_the_replay_when_configured(main, full):
    replayed = build_report(main, Options(), rules=[], replay=replay_link)
    md, html = render(replayed, "md"), render(replayed, "html")
    assert "Capture links open the replay of the exact capture." in md
    assert re.search(r"\[after: replay of capture \d+, [^]]+\]\(http://replay\.test/parlwatch-en/"
                     r"\d{14}/http://127\.0\.0\.1:", md)  # fmt: skip
    links = [a.get("href") for a in ET.fromstring(html).iter("a")
             if (a.text or "").startswith(("capture", "replay of capture"))]  # fmt: skip
    assert links and all(href.startswith("http://replay.test/") for href in links)
    change = json.loads(render(replayed, "json"))["changes"][0]
    assert change["after"]["link_kind"] == "replay"
    assert change["after"]["link"] == change["after"]["replay_url"] != change["after"]["url"]
    feed = feedparser.parse(render(replayed, "atom"))
    assert all(e.link.startswith("http://replay.test/") for e in feed.entries if "link" in e)
    row = next(csv.DictReader(io.StringIO(render(replayed, "csv"))))
    assert row["link_kind"] == "replay" and row["after_link"].startswith("http://replay.test/")
    # without a replay server the links are the live pages, and every format says so
    assert "capture links go to the LIVE pages" in render(full, "md")
    assert "(link: live page, not the capture)" in render(full, "html")
    assert json.loads(render(full, "json"))["changes"][0]["after"]["link_kind"] == "live"


def test_a_delegation_change_links_its_own_country_page(full):
    ru = [i for i in full.items if i.entity == "pacsto/en/delegation/RU"]
    assert ru
    for item in ru:
        for ref in (item.before, item.after):
            assert ref is not None and ref.url.endswith("/countries/russian-federation"), ref


def test_summary_leads_with_sentences_seats_table_and_headlines(full):
    html = render(full, "html")
    summary = html[html.index('<section id="summary">') : html.index('<nav class="toc"')]
    assert re.search(r'<p class="lead">\d+ changes in this period: \d+ substantive', summary)
    first = full.headlines()[0]
    assert first.item.entity == KG_EN and first.item.significance == "substantive"
    assert "Kyrgyz Republic delegation (en): 7 -&gt; 6 deputies" in summary
    row = re.search(r"<tr class=\"moved\"><td>Kyrgyz Republic</td><td>(\d+)</td><td>(\d+)</td>"
                    r"<td>([^<]+)</td>", summary)  # fmt: skip
    assert row and row.groups() == ("7", "6", "-1")
    md = render(full, "md")
    assert md.index("What matters most") < md.index("<details><summary>Contents</summary>")
    assert "| Kyrgyz Republic | 7 | 6 | -1 |" in md


def test_csv_for_spreadsheets_has_a_bom_and_flat_cells(main, tmp_path):
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        report_command,
        ["--db", str(main.engine.url), "--format", "csv", "--bom", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and "fields" not in rows[0]
    for row in rows:
        for value in row.values():
            with pytest.raises(ValueError):
                json.loads(value) if value.startswith(("[", "{")) else _not_json()
    kg = next(r for r in rows if r["entity"] == KG_EN and r["seats_delta"])
    assert "[-7-]{+6+}" in kg["evidence"]


def _not_json() -> None:
    raise ValueError("not JSON")
