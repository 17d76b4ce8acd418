"""The seed block rendered in many unrelated markups must always give the same records.

The parser will meet markup nobody has seen yet, so each style below changes one thing a real
or replica page might do: line containers, separators, glue, encodings of spaces, tag soup.
"""

import html
import re

import pytest

from crawler.parsers import parse_pacsto_page

SEEDS = ["000_4514039d58d35e4e.txt", "004_d4874e3d9276681c.txt"]
COUNTRY_LINK = {
    "BY": "Republic of Belarus",
    "KZ": "Republic of Kazakhstan",
    "KG": "Kyrgyz Republic",
    "RU": "Russian Federation",
    "TJ": "Republic of Tajikistan",
}
COUNTRY_LINK_RU = {
    "BY": "Республика Беларусь",
    "KZ": "Республика Казахстан",
    "KG": "Кыргызская Республика",
    "RU": "Российская Федерация",
    "TJ": "Республика Таджикистан",
}
RU_BLOCK = [
    "Делегация Национального собрания Республики Беларусь в ПА ОДКБ состоит из 7 депутатов "
    "Палаты представителей Национального собрания Республики Беларусь и 4 членов Совета "
    "Республики Национального собрания Республики Беларусь.",
    "Полномочный представитель Национального собрания Республики Беларусь: Когут Виктор",
    "Сайт Палаты представителей Национального собрания Республики Беларусь: http://house.gov.by/",
    "Сайт Совета Республики Национального собрания Республики Беларусь: "
    "http://www.sovrep.gov.by/ru/",
    "Делегация Парламента Республики Казахстан в ПА ОДКБ состоит из 8 депутатов Мажилиса "
    "Парламента Республики Казахстан и 8 депутатов Сената Парламента Республики Казахстан.",
    "Полномочный представитель Парламента Республики Казахстан, заместитель Ответственного "
    "секретаря ПА ОДКБ: Рогалев Виктор",
    "Делегация Жогорку Кенеша Кыргызской Республики в ПА ОДКБ состоит из 6 депутатов.",
    "Полномочный представитель Жогорку Кенеша Кыргызской Республики: Алишев Шабданбек",
    "Сайт Жогорку Кенеша Кыргызской Республики: http://www.kenesh.kg/",
    "Делегация Федерального Собрания Российской Федерации в ПА ОДКБ представлена 10 депутатами "
    "Государственной Думы Федерального Собрания Российской Федерации и 12 сенаторами "
    "Российской Федерации.",
    "Полномочный представитель Федерального Собрания Российской Федерации – заместитель "
    "Ответственного секретаря ПА ОДКБ: КРОТОВ Михаил",
    "Делегация Маджлиси Оли Республики Таджикистан в ПА ОДКБ состоит из 6 депутатов Маджлиси "
    "милли Маджлиси Оли Республики Таджикистан и 6 депутатов Маджлиси намояндагон Маджлиси Оли "
    "Республики Таджикистан.",
]


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def split_value(line: str) -> tuple[str, str]:
    label, _, value = line.partition(": ")
    return label, value


def value_html(value: str) -> str:
    return (
        f'<a href="{value}">{esc(value)}</a>'
        if value.startswith("http")
        else f"<b>{esc(value)}</b>"
    )


def is_sentence(line: str) -> bool:
    return line.startswith(("Delegation", "Делегация"))


def country_of(line: str) -> str | None:
    for code, words in [("BY", "Belarus Беларусь"), ("KZ", "Kazakhstan Казахстан"),
                        ("KG", "Kyrgyz Кыргыз"), ("RU", "Russian Российской"),
                        ("TJ", "Tajikistan Таджикистан")]:  # fmt: skip
        head = re.split(" to the CSTO| в ПА ОДКБ", line)[0]
        if is_sentence(line) and any(w in head for w in words.split()):
            return code
    return None


def inline(line: str) -> str:
    if is_sentence(line):
        return esc(line)
    label, value = split_value(line)
    return f"{esc(label)}: {value_html(value)}"


def style_p(lines):
    return "<div>" + "".join(f"<p>{inline(ln)}</p>" for ln in lines) + "</div>"


def style_br(lines):
    return "<div>" + "<br>\n".join(inline(ln) for ln in lines) + "</div>"


def style_unclosed_li(lines):
    return "<ul>" + "".join(f"<li>{inline(ln)}\n" for ln in lines) + "</ul>"


def style_table_rows(lines):
    return "<table>" + "".join(f"<tr><td>{inline(ln)}" for ln in lines) + "</table>"


def style_text_nodes(lines):
    """Everything in one <div>, lines only separated by source newlines."""
    return "<div>\n" + "\n".join(inline(ln) for ln in lines) + "\n</div>"


def style_glued_country_links(lines):
    """A country link glued before each sentence and after the previous line: no whitespace."""
    out = []
    for ln in lines:
        code = country_of(ln)
        names = COUNTRY_LINK_RU if ln.startswith("Делегация") else COUNTRY_LINK
        link = f'<a href="/countries/{code}">{names[code]}</a>' if code else ""
        out.append(link + inline(ln))
    return "<div>" + "".join(out) + "</div>"


def style_label_value_cells(lines):
    rows = []
    for ln in lines:
        if is_sentence(ln):
            rows.append(f"<tr><td colspan=2>{esc(ln)}</td></tr>")
        else:
            label, value = split_value(ln)
            rows.append(f"<tr><th>{esc(label)}:</th><td>{value_html(value)}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def style_definition_list(lines):
    """Labels without colons in <dt>, values in <dd>."""
    items = []
    for ln in lines:
        if is_sentence(ln):
            items.append(f"<dt>{esc(ln)}</dt>")
        else:
            label, value = split_value(ln)
            items.append(f"<dt>{esc(label)}</dt><dd>{value_html(value)}</dd>")
    return "<dl>" + "".join(items) + "</dl>"


def style_nbsp(lines):
    return "".join(f"<p>{inline(ln).replace(' ', '&nbsp;')}</p>" for ln in lines)


def style_wrapped_sentences(lines):
    """Sentences broken by <br> after "to the CSTO PA" and after the first "and"."""
    out = []
    for ln in lines:
        text = inline(ln)
        if is_sentence(ln):
            for joint in (" to the CSTO PA ", " в ПА ОДКБ "):
                text = text.replace(joint, joint.rstrip() + "<br>", 1)
            for joint in (" and ", " и "):
                text = text.replace(joint, "<br>" + joint.lstrip(), 1)
        out.append(f"<p>{text}</p>")
    return "".join(out)


def style_tag_soup(lines):
    """Upper-case tags, <font>/<span> nesting, zero-width spaces, unclosed <P>."""
    return "<TABLE><TR><TD>" + "".join(
        f"<P><FONT SIZE=2><SPAN>{inline(ln).replace(': ', ':&#8203; ')}</SPAN></FONT>"
        for ln in lines
    ) + "</TABLE>"  # fmt: skip


def style_xhtml(lines):
    body = "".join(f"<div><span>{inline(ln)}</span></div>" for ln in lines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>t</title></head><body>{body}</body></html>"
    )


STYLES = [
    style_p, style_br, style_unclosed_li, style_table_rows, style_text_nodes,
    style_glued_country_links, style_label_value_cells, style_definition_list, style_nbsp,
    style_wrapped_sentences, style_tag_soup, style_xhtml,
]  # fmt: skip


def seed_block(seed_path, name: str) -> list[str]:
    if name == "ru":
        return RU_BLOCK
    lines = (seed_path / name).read_text(encoding="utf-8").splitlines()
    return [ln for ln in lines if re.match(r"(Delegation|Plenipotentiary|Website) ", ln)]


def rebuilt_lines(records: list[dict]) -> list[str]:
    out = []
    for r in records:
        if r["type"] == "delegation":
            out.append(r["text"])
        elif r["type"] == "representative":
            out.append(f"{r['role']}: {r['name']}")
        else:
            out.append(f"{r['label']}: {r['url']}")
    return out


@pytest.fixture(scope="module")
def seed_path():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "seeds"


@pytest.mark.parametrize("name", [*SEEDS, "ru"])
@pytest.mark.parametrize("style", STYLES, ids=lambda f: f.__name__)
def test_every_style_gives_the_same_records(seed_path, name, style):
    block = seed_block(seed_path, name)
    reference = parse_pacsto_page(style_p(block), "https://pacsto.org/").records
    result = parse_pacsto_page(style(block).encode("utf-8"), "https://pacsto.org/")

    assert result.missing == [] and result.errors == []
    assert len(result.records) == len(block)
    assert rebuilt_lines(result.records) == block
    assert result.records == reference
    assert [r["seats"] for r in result.records if r["type"] == "delegation"] == [11, 16, 6, 22, 12]
