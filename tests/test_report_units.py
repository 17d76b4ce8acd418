"""Report building blocks without a crawl: escaping, significance rules, net mode, items (word
diffs are in test_report_worddiff.py).

The end-to-end behaviour is tested on crawled histories (test_report.py,
test_report_safety.py); these cases cover what the replica's versions cannot show.
"""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from reports.net import net_changes
from reports.render_common import md_escape, safe_url
from reports.significance import Synonyms, default_synonyms, judge
from store.report_queries import ChangeSet, FieldChange

T0 = datetime(2026, 1, 1)


def delegation(count: int, title: str, chamber: str | None, country: str = "RU") -> dict:
    role = {"senators": "senator", "deputies": "deputy"}.get(title, "member")
    text = f"Delegation consists of {count} {title}" + (f" of the {chamber}." if chamber else ".")
    return {
        "seats": count,
        "wording": "consists of",
        "chambers": [
            {"count": count, "member_title": title, "member_role": role, "chamber": chamber}
        ],
        "text": text,
    }


def change_set(old, new, kind="delegation", n=1, country="RU", language="en", fields=None):
    return ChangeSet(
        entity=f"pacsto/{language}/{kind}/{country}",
        type=kind,
        site="pacsto",
        language=language,
        country=country,
        crawl=n,
        detected_at=T0 + timedelta(days=n),
        change="modified" if old and new else "added" if new else "removed",
        version=n,
        previous_version=n - 1,
        old=old,
        new=new,
        old_hash=repr(sorted(old.items())) if old else None,
        new_hash=repr(sorted(new.items())) if new else None,
        fields=fields or [FieldChange("modified", "x", None, None, "wording")],
    )


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://www.kenesh.kg/", True),
        ("https://pacsto.org/events/x?a=1", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("http:alert(1)", False),
        ("//evil.example/", False),
        ("http://x/\njavascript:", False),
        (None, False),
    ],
)
def test_only_web_urls_become_links(url, ok):
    assert (safe_url(url) is not None) is ok
    if ok:
        assert "(" not in safe_url(url + "(x)") and ")" not in safe_url(url + "(x)")


def test_markdown_escape_neutralises_markup():
    assert md_escape("<script>alert(1)</script>") == "\\<script>alert(1)\\</script>"
    assert md_escape("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert md_escape("a\n\n# heading *b*") == "a \\# heading \\*b\\*"


def test_markdown_escape_flattens_every_kind_of_whitespace():
    """The escape skips its substitutions for text that needs none: it must still flatten
    and escape exactly as the plain substitutions would (unicode spaces, controls, runs)."""
    import re

    whitespace, special = re.compile(r"\s+"), re.compile(r"([\\`*_{}\[\]<&|~#$])")
    palette = [*"aЖ \n\t\xa0\u2003\u3000\x1c\x85\u200b\x00*[<&|~#$`{\\!", "  "]
    rnd = random.Random(17)
    for _ in range(3000):
        text = "".join(rnd.choice(palette) for _ in range(rnd.randint(0, 8)))
        flat = whitespace.sub(" ", text)
        assert md_escape(text) == special.sub(r"\\\1", flat.strip()), repr(text)
        assert md_escape(text, keep_edges=True) == special.sub(r"\\\1", flat), repr(text)


def test_times_are_written_alike_whether_formatted_or_cached():
    from datetime import UTC

    from reports.render_common import fmt_time

    naive = datetime(2026, 1, 23, 6, 40, 0, 123456)
    assert fmt_time(naive) == fmt_time(naive) == "2026-01-23 06:40:00 UTC"
    moscow = datetime(2026, 1, 23, 9, 40, tzinfo=timezone(timedelta(hours=3)))
    assert moscow == naive.replace(microsecond=0, tzinfo=UTC)
    assert fmt_time(moscow) == "2026-01-23 09:40:00 UTC"  # its own fields, as before caching
    assert fmt_time("2026-01-23T06:40:00Z") == "2026-01-23 06:40:00 UTC"
    assert fmt_time(None) == "—"


def test_the_report_is_written_in_batches_of_pieces():
    from parlwatch.commands_report import write_chunks

    writes: list[str] = []
    write_chunks((f"{n}\n" for n in range(5)), writes.append, batch=2)
    assert writes == ["0\n1\n", "2\n3\n", "4\n"]
    write_chunks(iter([]), writes.append)
    assert len(writes) == 3


def test_markdown_pieces_are_whole_lines_and_make_the_document():
    from reports.describe import Detail
    from reports.model import Item, Options, Report
    from reports.render_md import markdown_chunks, render_markdown
    from store.report_queries import CaptureRef

    def item(n: int, group: str, before: CaptureRef | None) -> Item:
        pieces = [("=", "kept\ntext "), ("+", "*new*")]
        after = CaptureRef(n + 1, "http://x.org/a", T0, 304)
        return Item(
            f"id{n}", "RU", "Russian Federation", group, f"Heading {group}", "e", "news",
            "pacsto", "en", "changed", "wording", "why <not>", [("t", "text edited")],
            [Detail("text", pieces), Detail("title", None, None)], [], T0, [n, n + 1],
            2, 2, 1, before, after,
        )  # fmt: skip

    items = [item(1, "a", None), item(3, "a", CaptureRef(2, "javascript:x", T0, 200))]
    report = Report(Options(net=True), T0, items + [item(5, "b", None)], 0, [], [], [], [])
    pieces = list(markdown_chunks(report))
    assert all(piece.endswith("\n") for piece in pieces)
    document = "".join(pieces)
    assert document == render_markdown(report) and document.endswith("None found.\n")
    assert "## Flip-flops (no net change)\n\nNone in this period.\n\n## Cross" in document
    assert "  text: kept text {+\\*new\\*+}  \n  title: (none)  \n  [after: capture 2" in document
    assert "before: capture 2, 2026-01-01 00:00:00 UTC (javascript:x) · [after:" in document


def test_synonyms_file_is_complete():
    synonyms = default_synonyms()
    assert {body.id for body in synonyms.bodies} >= {"federation-council", "state-duma"}
    for body in synonyms.bodies:
        assert body.note and set(body.chamber) == {"en", "ru"} and set(body.titles) == {"en", "ru"}
    council = delegation(12, "members", "Federation Council of the Russian Federation")
    assert synonyms.body("RU", "en", council["chambers"][0]).id == "federation-council"
    senators = {"count": 12, "member_title": "сенаторами", "chamber": None}
    assert synonyms.body("RU", "ru", senators).id == "federation-council"
    assert synonyms.body("KG", "en", senators) is None  # per country


def test_same_count_same_body_is_wording_else_substantive():
    old = delegation(12, "members", "Federation Council of the Russian Federation")
    verdict = judge(change_set(old, delegation(12, "senators", None)))
    assert verdict.level == "wording" and "same body (Federation Council)" in verdict.why
    moved = judge(
        change_set(old, delegation(12, "deputies", "State Duma of the Russian Federation"))
    )
    assert moved.level == "substantive" and "another body" in moved.why
    renamed = judge(change_set(old, delegation(12, "members", "Council of Elders")))
    assert renamed.level == "substantive" and "reports/synonyms.toml" in renamed.why
    assert judge(
        change_set(old, delegation(11, "members", old["chambers"][0]["chamber"]))
    ).level == ("substantive")
    empty = Synonyms([], {})
    assert judge(change_set(old, delegation(12, "senators", None)), empty).level == "substantive"


def test_people_links_and_formatting():
    def one(field, old, new, kind="representative", category="person"):
        cs = change_set({field: old}, {field: new}, kind=kind)
        cs.fields = [FieldChange("modified", field, old, new, category)]
        return judge(cs)

    assert one("name", "Mikhail Krotov", "Ivan Petrov").level == "substantive"
    assert one("name", "КРОТОВ Михаил", "Михаил Кротов").level == "minor"
    assert one("url", "http://a/", "http://b/", "website", "link").level == "minor"
    assert one("title", "Council  met.", "council met", "news", "text").level == "minor"
    assert one("title", "Council met", "Council adjourned", "news", "text").level == "wording"


def test_net_collapses_modified_a_b_c_and_cancels_a_b_a():
    a, b, c = (delegation(n, "deputies", None, "KG") for n in (7, 6, 5))
    steps = [change_set(a, b, n=1, country="KG"), change_set(b, c, n=2, country="KG")]
    [net], flips = net_changes(steps)
    assert flips == [] and net.steps == 2 and net.crawls == [1, 2]
    assert net.change_set.old == a and net.change_set.new == c
    assert {(f.field, f.old, f.new) for f in net.change_set.fields} >= {("seats", 7, 5)}
    back = [change_set(a, b, n=1, country="KG"), change_set(b, a, n=2, country="KG")]
    changes, [flip] = net_changes(back)
    assert changes == [] and flip.steps == 2 and flip.crawls == [1, 2]


def test_a_member_edit_names_the_member_and_what_changed():
    from reports.describe import statement

    old = {"name": "Ashurzoda Faridun", "post": "Deputy", "biography": "One two three."}
    new = dict(old, post="Deputy, Chairman", biography="One two four.")
    text = "".join(part for _kind, part in statement(change_set(old, new, kind="member")))
    assert text.startswith("Ashurzoda Faridun: post changed")
    assert "biography edited (2 words changed)" in text  # one word out, one in


def test_markdown_says_one_page_failed_not_one_pages():
    from types import SimpleNamespace

    from reports.render_md import _partial_lines

    page = {"role": "country", "language": "en", "url": "http://x/ru", "reason": "timeout"}
    crawl = SimpleNamespace(id=7, spider="pacsto", stats={"failed_pages": [page]})
    lines = _partial_lines(SimpleNamespace(partial_crawls=[crawl]))
    assert "  - crawl 7 (pacsto): 1 page failed" in lines


def test_a_report_file_is_replaced_only_when_whole(tmp_path):
    """The report is written as it is rendered; a rendering that fails half way leaves the
    file that was there (an earlier report) as it was, and no partial file beside it."""
    from parlwatch.commands_report import replaced_when_done

    target = tmp_path / "report.md"
    target.write_text("the earlier report\n", encoding="utf-8")
    with pytest.raises(RuntimeError), replaced_when_done(str(target)) as handle:
        handle.write("half of a new ")
        raise RuntimeError("rendering failed")
    assert target.read_text(encoding="utf-8") == "the earlier report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    with replaced_when_done(str(target)) as handle:
        handle.write("the new report\n")
    assert target.read_text(encoding="utf-8") == "the new report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_the_report_leaves_the_parsers_and_deepdiff_unimported():
    """A tenth of a second of the command's start: lxml, parsel and the parsers' lexicons are
    for relinking block entities only, deepdiff for diffing versions (net mode)."""
    modules = "parlwatch.commands_report reports.report reports.render_data reports.checks"
    code = (
        f"import sys; import {', '.join(modules.split())}; "
        "print(sorted({m.split('.')[0] if m.startswith('deepdiff') else m for m in sys.modules"
        " if m.startswith(('deepdiff', 'crawler.parsers', 'lxml', 'parsel'))}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_change_ids_are_the_uuid5_of_the_identity():
    """``change_id`` sets the version and variant digits on the hex digest itself."""
    import uuid

    from reports.model import ID_NAMESPACE, change_id

    rng = random.Random(5)
    for n in range(3000):
        identity = "|".join(["pacsto/ru/news/события", str(n), str(rng.random()), "modified"])
        assert change_id(identity) == str(uuid.uuid5(ID_NAMESPACE, identity))


def test_an_item_takes_each_attribute_from_its_own_source():
    """``_item`` builds an Item positionally: every attribute must land in its own field."""
    from reports.describe import details, group_of, statement
    from reports.model import change_id
    from reports.report import _item
    from store.transitions import CaptureRef

    cs = change_set(delegation(7, "deputies", None), delegation(6, "deputies", None), n=3)
    cs.before = CaptureRef(11, "http://a.example/countries/russia", T0, 304)
    cs.after = CaptureRef(12, "http://a.example/countries/russia?x", T0 + timedelta(1), 200)
    verdict = judge(cs)

    def replay(url: str, when: datetime, language: str | None) -> str:
        return f"replay:{url}:{when:%d}:{language}"

    item = _item(cs, [2, 3], 2, verdict, {"pacsto": "Assembly"}, replay)
    group, title = group_of(cs, "Assembly")
    expected = {
        "country": "RU", "country_name": "Russian Federation", "group": group,
        "group_title": title, "entity": cs.entity, "type": "delegation", "site": "pacsto",
        "language": "en", "change": "modified", "significance": verdict.level,
        "why": verdict.why, "parts": statement(cs), "details": details(cs),
        "fields": [{"change": "modified", "field": "x", "old": None, "new": None,
                    "category": "wording"}],
        "detected_at": cs.detected_at, "crawls": [2, 3], "steps": 2, "version": 3,
        "previous_version": 2, "before": cs.before, "after": cs.after, "seats_before": 7,
        "seats_after": 6, "before_replay": replay(cs.before.url, T0, "en"),
        "after_replay": replay(cs.after.url, T0 + timedelta(1), "en"),
    }  # fmt: skip
    assert {name: getattr(item, name) for name in expected} == expected
    made = {f.name for f in dataclasses.fields(item) if f.init}
    assert made == set(expected) - {"fields"} | {"identity", "field_changes"}
    assert item.field_changes is cs.fields
    assert item.identity.startswith(f"{cs.entity}|2|3|modified|")
    assert len(item.id) == 36 and item.id == change_id(item.identity)
