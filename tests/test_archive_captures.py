"""Capture index, snapshots and TimeMaps on a history crawled from the replicas."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

import pytest
from click.testing import CliRunner
from test_archive_fixture import archive_cli

from archive.capture_index import iter_captures, parse_timestamp, query_captures
from parlwatch.output import echo_json, echo_json_array, echo_lines
from store.archive import Archive

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def history(replica_histories):
    return replica_histories.get("archive")


def run(history, *args: str):
    result = CliRunner().invoke(archive_cli(), [*args, "--db", history.url])
    return result


def test_spellings_of_one_url_find_the_same_captures(history):
    archive = Archive(history.url)
    base = history.base("sovrep_by")
    bare = base.removeprefix("http://")
    spellings = [f"{base}/ru/pa-odkb/", f"{base}/ru/pa-odkb", f"{bare}/ru/pa-odkb"]
    found = [[c.id for c in query_captures(archive, url)] for url in spellings]
    assert found[0] and found[0] == found[1] == found[2]
    # four crawls of the replica fetched it, the unreachable one never did
    assert [c.status for c in query_captures(archive, spellings[0])] == [200, 200, 503, 200]


def test_match_types_and_filters(history):
    archive = Archive(history.url)
    base = history.base("pacsto")
    exact = query_captures(archive, base + "/events/")
    prefix = query_captures(archive, base + "/events/", match="prefix")
    host = query_captures(archive, base, match="host")
    assert 0 < len(exact) < len(prefix) < len(host)
    assert all(c.canonical_url.startswith(base + "/events") for c in prefix)
    assert query_captures(archive, base + "/events*") == prefix  # CDX wildcard
    assert {c.status for c in query_captures(archive, base, match="host", status=503)} == {503}
    assert query_captures(archive, base, match="host", limit=3) == host[:3]
    assert query_captures(archive, base, match="host", limit=-2) == host[-2:]
    dead = history.manifest["steps"][-1]["bases"]["pacsto"]
    failed = query_captures(archive, dead, match="host", status="none")
    assert failed and all(c.status is None and c.error for c in failed)


def test_collapse_digest_keeps_one_row_per_run_of_content(history):
    archive = Archive(history.url)
    rows = query_captures(archive, history.base("pacsto") + "/", language="en")
    assert [r.status for r in rows] == [200, 200, 503, 200]
    collapsed = query_captures(
        archive, history.base("pacsto") + "/", language="en", collapse="digest"
    )
    # 2025, 2026, the outage page, then 2026 again (content changed back from the outage page)
    assert [r.status for r in collapsed] == [200, 200, 503, 200]
    news = query_captures(archive, history.base("sovrep_by"), match="prefix", collapse="digest")
    everything = query_captures(archive, history.base("sovrep_by"), match="prefix")
    assert len(news) < len(everything)
    assert not [r for r in news if r.status == 304], "a 304 repeats the content before it"


def test_from_and_to_pad_like_the_cdx_server(history):
    assert parse_timestamp("2025", upper=True) == datetime(2025, 12, 31, 23, 59, 59, 999999)
    assert parse_timestamp("202506") == datetime(2025, 6, 1)
    first, second = history.manifest["steps"][:2]
    archive = Archive(history.url)
    until = datetime.fromisoformat(first["finished"])
    rows = query_captures(archive, history.base("pacsto"), match="host", until=until)
    assert rows and all(r.fetched_at <= until for r in rows)
    since = datetime.fromisoformat(second["started"])
    later = query_captures(archive, history.base("pacsto"), match="host", since=since)
    assert not {r.id for r in rows} & {r.id for r in later}


def test_captures_command_formats(history):
    url = history.base("pacsto") + "/"
    as_json = json.loads(run(history, "captures", url, "--format", "json").output)
    assert len(as_json) == 8 and {row["language"] for row in as_json} == {"en", "ru"}
    cdxj = run(history, "captures", url, "--format", "cdxj", "--language", "en").output
    lines = cdxj.strip().splitlines()
    assert len(lines) == 4
    key, stamp, fields = lines[0].split(" ", 2)
    assert key.endswith(")/") and re.fullmatch(r"\d{14}", stamp)
    assert json.loads(fields)["digest"].startswith("sha256:")


def test_snapshot_is_byte_identical_to_what_the_replica_served(history):
    first = history.manifest["steps"][0]["finished"]
    en = run(history, "snapshot", history.base("pacsto"), "--at", first, "--language", "en")
    assert en.exit_code == 0, en.output
    assert en.stdout_bytes == history.served("pacsto-en-2025")
    ru = run(history, "snapshot", history.base("pacsto"), "--at", first, "--language", "ru")
    assert ru.stdout_bytes == history.served("pacsto-ru-2025") != en.stdout_bytes


def test_snapshot_of_a_windows_1251_page_keeps_its_encoding(history):
    first = history.manifest["steps"][0]["finished"]
    url = history.base("sovrep_by") + "/ru/pa-odkb/"
    result = run(history, "snapshot", url, "--at", first, "--headers")
    assert result.exit_code == 0, result.output
    head, _, body = result.stdout_bytes.partition(b"\r\n\r\n")
    assert body == history.served("sovrep-delegation-2025")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Совет" in body.decode("cp1251")
    digest = re.search(rb"Parlwatch-Digest: (sha256:[0-9a-f]{64})", head).group(1).decode()
    assert digest == "sha256:" + hashlib.sha256(body).hexdigest()
    assert head.startswith(b"HTTP/1.1 200 OK")


def test_snapshot_explains_what_it_cannot_answer(history):
    url = history.base("pacsto") + "/"
    ambiguous = run(history, "snapshot", url, "--at", "2099")
    assert ambiguous.exit_code == 1
    assert "en (4 captures" in ambiguous.output and "ru (4 captures" in ambiguous.output
    early = run(history, "snapshot", url, "--at", "2001-01-01", "--language", "en")
    assert early.exit_code == 1 and "no capture" in early.output
    assert "the first capture is at" in early.output


def test_snapshot_through_a_304_gives_the_confirmed_body(history):
    archive = Archive(history.url)
    rows = query_captures(archive, history.base("sovrep_by"), match="prefix", status=304)
    assert rows
    target = rows[-1]
    result = run(
        history, "snapshot", target.url, "--at", target.fetched_at.isoformat(), "--headers"
    )
    assert result.exit_code == 0, result.output
    head, _, body = result.stdout_bytes.partition(b"\r\n\r\n")
    assert b"was a 304 Not Modified" in head
    assert f"Parlwatch-Capture: {target.id} ".encode() in head
    digest = re.search(rb"Parlwatch-Digest: (\S+)", head).group(1).decode()
    assert digest == "sha256:" + hashlib.sha256(body).hexdigest()


def test_timemap_is_rfc_7089_link_format(history):
    url = history.base("pacsto") + "/"
    replay = ["--replay-url", "http://localhost:8080"]
    result = run(history, "timemap", url, "--language", "en", *replay)
    assert result.exit_code == 0, result.output
    entries = result.output.strip().split(",\n")
    assert entries[0] == f'<{url}>; rel="original"'
    assert 'rel="self"; type="application/link-format"; from="' in entries[1]
    assert entries[2].endswith('rel="timegate"')
    mementos = entries[3:]
    assert len(mementos) == 4
    pattern = re.compile(
        r"<http://localhost:8080/parlwatch-en/(\d{14})/(\S+)>; "
        r'rel="((?:first )?(?:last )?memento)"; '
        r'datetime="\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT"'
    )
    parsed = [pattern.fullmatch(m) for m in mementos]
    assert all(parsed), mementos
    assert [p.group(3) for p in parsed] == ["first memento", "memento", "memento", "last memento"]
    stamps = [p.group(1) for p in parsed]
    assert stamps == sorted(stamps)


def test_the_captures_listing_streams_as_the_json_and_lines_it_always_printed(history):
    url = history.base("pacsto")
    archive = Archive(history.url)
    rows = query_captures(archive, url, match="host")
    assert len(rows) > 50
    as_json = run(history, "captures", url, "--match", "host", "--format", "json").output
    assert as_json == json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"
    text = run(history, "captures", url, "--match", "host").output.splitlines()
    assert len(text) == len(rows) and text[-1].endswith(rows[-1].url)
    assert run(history, "captures", url + "/nothing", "--format", "json").output == "[]\n"
    assert run(history, "captures", url + "/nothing").output == "no captures\n"


def test_iter_captures_reads_as_it_is_consumed(history):
    """The first row arrives before the rest are read: the listing holds no more than a batch
    (at a million captures the whole listing took 930 MB)."""
    archive = Archive(history.url)
    stream = iter_captures(archive, history.base("pacsto"), match="host")
    first = next(stream)
    assert first == query_captures(archive, history.base("pacsto"), match="host", limit=1)[0]
    stream.close()  # the connection is given back when the consumer stops early


def test_collapse_with_a_negative_limit_keeps_the_last_runs(history):
    archive = Archive(history.url)
    url = history.base("sovrep_by")
    collapsed = query_captures(archive, url, match="prefix", collapse="digest")
    assert len(collapsed) > 3
    last = query_captures(archive, url, match="prefix", collapse="digest", limit=-3)
    assert last == collapsed[-3:]
    assert query_captures(archive, url, match="prefix", collapse="digest", limit=2) == collapsed[:2]


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_json_and_lines_printed_in_chunks_read_as_printed_whole(capsys, chunk):
    flat = {"a": 1, "b": 'жук "q"\t\u2028', "c": None, "d": True, "e": -0.1, "f": 1e300}
    odd_keys = {1: "x", None: "y", False: 2.0}  # keys json turns into text its own way
    items = [flat, {}, [1, [2, {"d": "x\ny"}]], "text", 3.5, odd_keys, {"n": float("nan")}]
    for count in range(len(items) + 1):
        echo_json(items[:count])
        whole = capsys.readouterr().out
        echo_json_array(iter(items[:count]), chunk=chunk)
        assert capsys.readouterr().out == whole
    assert echo_lines((f"line {n}" for n in range(5)), chunk=chunk) == 5
    assert capsys.readouterr().out == "".join(f"line {n}\n" for n in range(5))
    assert echo_lines(iter([]), chunk=chunk) == 0
    assert capsys.readouterr().out == ""


def test_a_page_cut_by_limit_names_its_resume_key_and_the_next_page_follows_on(history):
    url = history.base("pacsto")
    whole = run(history, "captures", url, "--match", "host").stdout.splitlines()
    first = run(history, "captures", url, "--match", "host", "--limit", "5")
    assert first.stdout.splitlines() == whole[:5]
    key = first.stderr.strip().removeprefix("more: --resume-key ")
    assert key.isdigit(), first.stderr
    second = run(history, "captures", url, "--match", "host", "--limit", "5", "--resume-key", key)
    assert second.stdout.splitlines() == whole[5:10]
    rest = run(history, "captures", url, "--match", "host", "--resume-key", key)
    assert rest.stdout.splitlines() == whole[5:] and rest.stderr == ""  # no limit: no next page
    last = run(history, "captures", url, "--match", "host", "--limit", str(len(whole)))
    assert last.stderr == ""  # the listing ended with the page
    unknown = run(history, "captures", url, "--resume-key", "999999")
    assert unknown.exit_code == 2 and "no capture 999999" in unknown.output
    backwards = run(history, "captures", url, "--limit", "-3", "--resume-key", key)
    assert backwards.exit_code == 2 and "no page after them" in backwards.output
