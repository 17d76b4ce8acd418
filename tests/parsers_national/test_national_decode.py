"""decode_html: a charset in the HTTP header, only in <meta>, or a wrong one in the header."""

from pathlib import Path

from crawler.parsers.national import decode_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "national"


def test_windows_1251_declared_only_in_meta():
    body = (FIXTURES / "members_sovrep_cp1251.html").read_bytes()
    assert "ПЕТРОВСКИЙ Виктор Степанович".encode("cp1251") in body
    text = decode_html(body, "text/html")
    assert "ПЕТРОВСКИЙ Виктор Степанович" in text


def test_header_claiming_utf8_loses_to_meta_when_it_garbles_the_page():
    body = (FIXTURES / "news_sovrep_cp1251.html").read_bytes()
    text = decode_html(body, "text/html; charset=utf-8")
    assert "Сенаторы посетили Витебскую область" in text
    assert "\ufffd" not in text


def test_header_charset_is_used():
    body = "<html><body><p>Делегация в ПА ОДКБ</p></body></html>".encode("koi8-r")
    assert "Делегация в ПА ОДКБ" in decode_html(body, "text/html; charset=koi8-r")


def test_undeclared_bytes_are_guessed():
    utf8 = "<p>Палата представителей</p>".encode()
    cp1251 = "<p>Палата представителей</p>".encode("cp1251")
    assert "Палата представителей" in decode_html(utf8, None)
    assert "Палата представителей" in decode_html(cp1251, None)


def test_utf8_body_served_as_windows_1251_is_not_mojibake():
    body = '<meta charset="windows-1251"><p>Делегация в ПА ОДКБ</p>'.encode()
    assert "Делегация в ПА ОДКБ" in decode_html(body, "text/html; charset=windows-1251")
    assert "Делегация в ПА ОДКБ" in decode_html(body, None)
