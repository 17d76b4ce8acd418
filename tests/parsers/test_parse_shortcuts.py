"""The shortcuts that make reading a page cheaper give what the long way gives: the tree parsed
once for the edition check and the parsers, the block reader's pre-filter, the record copies
and the letter counts."""

import copy
import random
import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawler import edition
from crawler.parsers import blocklines, delegations, news
from crawler.parsers.text import decode_body, letter_counts
from crawler.parsers.textlines import Document, html_tree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = sorted(FIXTURES.rglob("*.htm*"))

# lines a reader of the block must still see, however they are written
TRICKY_LINES = [
    "delegation of the Republic of Armenia to the CSTO PA: 4 deputies.",
    "THE DELEGATION OF THE REPUBLIC OF BELARUS TO THE CSTO PA - 3 deputies",
    "ДЕЛЕГАЦИЯ Республики Казахстан в ПА ОДКБ: 4 депутата",
    "ſite of the Parliament: http://parliament.am",  # re.I matches the long s as "s"
    "Web site of the Parliament: www.parliament.am",
    "Website of the Parliament:",
    "http://parliament.am",
    "Official website of the Jogorku Kenesh: kenesh.kg",
    "официальный сайт Парламента: www.parlament.kz",
    "Интернет-сайт Парламента: http://parlam.kz",
    "Полномочный представитель: Иванов Иван Иванович",
    "Plenipotentiary representative of the Republic of Tajikistan:",
    "Rahmon Emomali",
    "Text about the assembly. Delegation of the Kyrgyz Republic to the CSTO PA 5 deputies.",
    "The news about a delegation of the State Duma to the CSTO PA, which met today.",
    "and 12 senators of the Federation Council.",
    "Сайт на техническом обслуживании",
]


def _bodies() -> list[bytes]:
    edge = [
        b"",
        b"   ",
        b"\n<html><body><p>text</p></body></html>\n\n",
        b"\xc2\xa0<p>\xd0\xb0\xd0\xb1\xd0\xb2</p>\xc2\xa0",  # starts and ends with a NBSP
        b"<p>a\x00b \xd0\xb0</p>",
        b"<nav>a</nav>b<!-- c -->d<?pi x?>e<header>f<footer>g</footer>h</header>i",
        b"<html><head><title>t</title></head><body>" + b"<div>\xd0\xb0" * 300 + b"</body></html>",
        b"<template><p>x</p></template>y<noscript>z</noscript>",
    ]
    return [path.read_bytes() for path in PAGES] + edge


def _main_text_alone(body: bytes, content_type: str | None) -> str:
    """The edition check's text as it was computed before the tree was shared."""
    _encoding, text = html_to_unicode(content_type, body)
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    for element in root.xpath(edition._NOT_TEXT):
        element.drop_tree()
    return root.text_content()


@pytest.mark.parametrize("content_type", [None, "text/html; charset=windows-1251"])
def test_the_shared_tree_gives_the_edition_check_its_own_text(content_type):
    for body in _bodies():
        alone, shared = _main_text_alone(body, content_type), edition.main_text(body, content_type)
        # the shared tree is parsed from the stripped text: it may lose trailing ASCII spaces
        assert shared == alone or (
            alone.rstrip(" \t\n\r") == shared.rstrip(" \t\n\r")
            and not alone[len(alone.rstrip(" \t\n\r")) :].strip(" \t\n\r")
        ), body[:80]
        for language in ("en", "ru"):
            lengths = len(alone) - len(alone.rstrip()), len(shared) - len(shared.rstrip())
            assert edition.edition_problem(body, content_type, language) == _problem(
                alone, language
            ), (body[:80], lengths)


def _problem(text: str, language: str) -> str | None:
    original = edition.main_text
    edition.main_text = lambda body, content_type: text
    try:
        return edition.edition_problem(b"", None, language)
    finally:
        edition.main_text = original


def test_the_parsers_tree_is_parsels():
    for body in _bodies():
        text, _encoding = decode_body(body, None)
        if not text.strip():
            continue
        expected = Selector(text=text, type="html").root
        assert etree.tostring(html_tree(text).root) == etree.tostring(expected), body[:80]


def test_a_tree_past_libxml2s_limits_is_not_shared():
    text = "<html><body>" + "<div>a" * 300 + "</body></html>"
    tree = html_tree(text)
    assert tree.limited
    assert etree.tostring(tree.root) == etree.tostring(Selector(text=text, type="html").root)


def test_the_edition_check_parses_only_once():
    body = (FIXTURES / "pages" / "en_2026_table.html").read_bytes()
    edition.main_text(body, None)
    tree = html_tree(decode_body(body, None)[0])
    block = Document.from_html(body, "https://pacsto.org/").lines[0].block
    assert block.getroottree().getroot() is tree.root


def _lines_of_pages() -> list[list]:
    return [Document.from_html(body, "https://pacsto.org/").lines for body in _bodies()]


def test_the_block_reader_skips_only_lines_that_cannot_match(monkeypatch):
    pages = _lines_of_pages()
    tricky = Document.from_html(
        "".join(f"<p>{line}</p>" for line in TRICKY_LINES), "https://pacsto.org/"
    ).lines
    pages.append(tricky)
    fast = [_reading(lines) for lines in pages]
    fast_block = [news.is_block_line(ln.text) for lines in pages for ln in lines]
    delegations._READINGS.clear()
    news.is_block_line.cache_clear()
    blocklines._segments.cache_clear()
    monkeypatch.setattr(delegations, "inert_line", lambda text: False)
    monkeypatch.setattr(news, "inert_line", lambda text: False)
    monkeypatch.setattr(delegations, "may_start_record", lambda segment: True)
    monkeypatch.setattr(blocklines, "_has_line_start_word", lambda text: True)
    try:
        assert [_reading(lines) for lines in pages] == fast
        assert [news.is_block_line(ln.text) for lines in pages for ln in lines] == fast_block
    finally:
        delegations._READINGS.clear()
        news.is_block_line.cache_clear()
        blocklines._segments.cache_clear()
    assert any(records for records, _ends, _errors in fast[-1:])


def _reading(lines: list) -> tuple:
    found = delegations.read_delegations(lines)
    return found.records, found.ends, found.errors


def test_an_inert_line_is_one_segment_that_starts_no_record():
    texts = [ln.text for lines in _lines_of_pages() for ln in lines] + TRICKY_LINES
    assert any(blocklines.inert_line(text) for text in texts)
    for text in texts:
        if blocklines.inert_line(text):
            assert blocklines.split_segments(text) == [text.strip()]
            assert not blocklines.may_start_record(text.strip())
    for word in blocklines._LINE_START_WORDS:
        assert blocklines._has_line_start_word(f"x {word} y")
    assert not blocklines._has_line_start_word("Delegatio Plenipotentiar We Sit айТ")


def test_record_copies_are_deep_copies():
    record = {
        "type": "delegation",
        "seats": 7,
        "wording": None,
        "ratio": 0.5,
        "ok": True,
        "chambers": [{"count": 7, "chamber": "State Duma", "tags": ("a", "b")}],
    }
    copied = delegations._copy(record)
    assert copied == copy.deepcopy(record)
    copied["chambers"][0]["count"] = 8
    assert record["chambers"][0]["count"] == 7


def test_letter_counts_are_the_regular_expressions_counts():
    cyrillic, latin = re.compile(r"[\u0400-\u04ff]+"), re.compile(r"[A-Za-z]+")
    alphabet = "aZzбЁ\u0400\u04ff\u0500\u03ff \ufffd\ud800é€😀Ӏ\x00"
    rng = random.Random(17)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        expected = sum(map(len, cyrillic.findall(text))), sum(map(len, latin.findall(text)))
        assert letter_counts(text) == expected, text


def test_non_ascii_words_are_the_patterns_matches():
    alphabet = ["a", "б", "\u00a0", " ", "\n", "\u2003", "é", "x", "\u3000", ".", "\x1c", "\t"]
    rng = random.Random(17)
    texts = [edition.main_text(body, None) for body in _bodies()]
    for _ in range(20000):
        texts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))))
    assert any("\u00a0" in text and not text.isascii() for text in texts)
    for text in texts:
        assert edition.non_ascii_words(text) == edition._NON_ASCII_WORD.findall(text), text
