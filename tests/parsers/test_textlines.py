"""HTML -> logical lines (the flattener both parser families use), text normalisation and body
decoding."""

import codecs

import pytest
from parsel import Selector

from crawler.parsers import ASSEMBLY, NATIONAL, Document, decode_body, flatten
from crawler.parsers.text import detect_language, normalize_text, soft_lines
from crawler.parsers.textlines import chrome_of, element_text, in_chrome


def lines_of(html: str) -> list[str]:
    return [ln.text for ln in Document.from_html(html, "https://pacsto.org/").lines]


def test_blocks_and_br_break_lines_inline_elements_do_not():
    html = "<div>one <b>bold</b><a href=x>link</a> two<br>three<p>four</p>five</div>"
    assert lines_of(html) == ["one boldlink two", "three", "four", "five"]


def test_unclosed_paragraphs_list_items_and_cells():
    html = "<ul><li>first<li>second</ul><p>para one<p>para two<table><tr><td>a<td>b</table>"
    assert lines_of(html) == ["first", "second", "para one", "para two", "a", "b"]


def test_scripts_styles_comments_and_selects_are_not_text():
    html = (
        "<p>keep<script>var x = 'no';</script><style>p{}</style><!-- hidden --> tail</p>"
        "<select><option>English</option></select><noscript>enable js</noscript>"
    )
    assert lines_of(html) == ["keep tail"]


def test_nbsp_invisible_characters_and_curly_quotes():
    assert (
        normalize_text("7\u00a0deputies\u200b of\u00ad the\u202fHouse") == "7 deputies of the House"
    )
    assert normalize_text("\u201cumbrella\u201d CSTO\u2019s") == '"umbrella" CSTO\'s'
    assert normalize_text("«зонтик»") == "«зонтик»"
    assert normalize_text("Й") == "Й"  # decomposed И + breve, composed by NFC


def test_soft_lines_keep_source_newlines_only():
    assert (
        soft_lines("Kogut Viktor\n   Republic of\tBelarus  ") == "Kogut Viktor\nRepublic of Belarus"
    )


def test_line_context_heading_chrome_links_and_time():
    html = (
        "<header><nav><a href='/'>Home</a></nav></header>"
        "<article><header><h1>Title</h1><time datetime='2025-05-28'>28 May 2025</time></header>"
        "<p>Text <a href='#'>more</a></p></article><aside><p>side</p></aside>"
        "<div role='contentinfo'>(c) 2025</div>"
    )
    lines = Document.from_html(html).lines
    assert [(ln.text, ln.heading, ln.chrome) for ln in lines] == [
        ("Home", 0, "nav"),  # a <nav> inside the site <header>
        ("Title", 1, None),
        ("28 May 2025", 0, None),
        ("Text more", 0, None),
        ("side", 0, "aside"),
        ("(c) 2025", 0, "footer"),
    ]
    assert lines[2].datetime == "2025-05-28"
    assert lines[3].link_ratio == pytest.approx(4 / 9)


def test_deeply_nested_unclosed_divs_do_not_overflow():
    html = "<div>" * 1500 + "deep" + "</div>" * 10  # deeper than the recursion limit
    assert lines_of(html) == ["deep"]


def test_title_element_is_read():
    assert Document.from_html("<title> A &amp; B </title><p>x").title == "A & B"


RUSSIAN = "<html><head>{meta}</head><body><p>Делегация</p></body></html>"


@pytest.mark.parametrize(
    ("meta", "content_type", "encoding"),
    [
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
            None,
            "cp1251",
        ),
        ('<meta charset="windows-1251">', "text/html", "cp1251"),
        ("", "text/html; charset=windows-1251", "cp1251"),
        ("", None, "cp1251"),  # undeclared: not valid UTF-8, so windows-1251
    ],
)
def test_windows_1251_bodies(meta, content_type, encoding):
    body = RUSSIAN.format(meta=meta).encode("cp1251")
    text, used = decode_body(body, content_type)
    assert "Делегация" in text
    assert codecs.lookup(used).name == codecs.lookup(encoding).name


def test_utf8_with_bom_and_plain_utf8():
    body = RUSSIAN.format(meta="").encode("utf-8")
    assert "Делегация" in decode_body(codecs.BOM_UTF8 + body)[0]
    assert "Делегация" in decode_body(body)[0]
    assert decode_body("already text") == ("already text", None)


def test_detect_language():
    assert detect_language("Делегация Национального собрания, CSTO PA") == "ru"
    assert detect_language("Delegation of the National Assembly, ПА") == "en"
    assert detect_language("") == "en"


def test_wrong_header_charset_without_meta_falls_back_to_the_guess():
    body = ("<p>" + "Делегация Национального собрания " * 5 + "</p>").encode("cp1251")
    text, used = decode_body(body, "text/html; charset=utf-8")
    assert "Делегация Национального собрания" in text
    assert codecs.lookup(used).name == "cp1251"


# -- one flattener, two readings -----------------------------------------------------------------

TWO_READINGS = (
    "<body><div hidden>hidden div</div><p>a<span style='display: none'>b</span>c</p>"
    "<option>loose option</option>"
    "<section><header><h2>Section title</h2></header><p>“Quoted” text</p></section>"
    "<nav><a>anchor without href</a></nav></body>"
)


def readings(html: str):
    root = Selector(text=html, type="html").root
    return flatten(root, ASSEMBLY), flatten(root, NATIONAL)


def test_the_national_reading_skips_hidden_elements_and_loose_options():
    assembly, national = readings(TWO_READINGS)
    assert [ln.text for ln in assembly][:3] == ["hidden div", "abc", "loose option"]
    assert [ln.text for ln in national][:1] == ["ac"]


def test_a_section_header_is_content_for_the_national_reading_only():
    assembly, national = readings(TWO_READINGS)
    title = next(ln for ln in assembly if ln.text == "Section title")
    assert (title.heading, title.chrome) == (2, "header")
    title = next(ln for ln in national if ln.text == "Section title")
    assert (title.heading, title.chrome) == (2, None)


def test_quotes_are_straightened_for_the_assembly_and_kept_for_the_national_reading():
    assembly, national = readings(TWO_READINGS)
    assert '"Quoted" text' in [ln.text for ln in assembly]
    assert "“Quoted” text" in [ln.text for ln in national]


def test_a_link_is_any_anchor_for_the_assembly_and_an_href_for_the_national_reading():
    assembly, national = readings(TWO_READINGS)
    assert (assembly[-1].chrome, assembly[-1].link_ratio) == ("nav", 1.0)
    assert (national[-1].chrome, national[-1].link_ratio) == ("nav", 0.0)


def test_part_of_a_page_keeps_the_chrome_it_sits_in():
    root = Selector(text="<nav><ul><li><a href='/'>Home</a></li></ul></nav>", type="html").root
    link = root.find(".//a")
    assert chrome_of(link) == "nav" and in_chrome(link)
    assert [(ln.text, ln.chrome) for ln in flatten(link, NATIONAL)] == [("Home", "nav")]
    hidden = Selector(text="<div aria-hidden='true'><p>x</p></div>", type="html").root
    assert chrome_of(hidden.find(".//p")) == "hidden"
    assert element_text(root) == "Home"


def test_a_time_without_text_belongs_to_no_line():
    html = "<p><time datetime='2025-05-28'></time></p><p>next</p>"
    for lines in readings(html):
        assert [(ln.text, ln.datetime) for ln in lines] == [("next", None)]


def test_soft_text_keeps_source_newlines():
    (line,) = Document.from_html("<p>Kogut Viktor\n  Republic of Belarus</p>").lines
    assert line.text == "Kogut Viktor Republic of Belarus"
    assert line.soft == "Kogut Viktor\nRepublic of Belarus"
