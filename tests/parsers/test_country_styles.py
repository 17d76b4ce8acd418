"""Every block markup of test_markup_styles on a country page, with the page's own content
before or after the block: the block's records must be exactly those of the block alone."""

from pathlib import Path

import pytest
from test_markup_styles import RU_BLOCK, SEEDS, STYLES, style_p

from crawler.parsers import parse_pacsto_page

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"

CONTENT = {
    "en": "<div><h1>Russian Federation</h1><p>Delegation of the Federal Assembly of the Russian "
    "Federation to the CSTO PA is represented by 9 deputies of the State Duma of the Russian "
    "Federation and 12 senators of the Russian Federation.</p><p>Members of the delegation: "
    "Ivan Petrov, Sergei SIDOROV and Anna Kuznetsova</p></div>",
    "ru": "<div><h1>Российская Федерация</h1><p>Делегация Федерального Собрания Российской "
    "Федерации в ПА ОДКБ представлена 9 депутатами Государственной Думы и 12 сенаторами "
    "Российской Федерации.</p><p>Состав делегации: ПЕТРОВ Иван Сергеевич, Сидоров Сергей "
    "Петрович и Кузнецова Анна Ивановна</p></div>",
}


def seed_lines(name: str) -> list[str]:
    if name == "ru":
        return RU_BLOCK
    lines = (PAGES / "seeds" / name).read_text(encoding="utf-8").splitlines()
    return [ln for ln in lines if ln.startswith(("Delegation ", "Plenipotentiary ", "Website "))]


@pytest.mark.parametrize("first", ["content", "block"])
@pytest.mark.parametrize("name", [SEEDS[1], "ru"])
@pytest.mark.parametrize("style", STYLES, ids=lambda f: f.__name__)
def test_every_block_style_is_split_from_the_content(name, style, first):
    lines = seed_lines(name)
    block, content = style(lines), CONTENT["ru" if name == "ru" else "en"]
    if "<body>" in block:
        html = block.replace("<body>", f"<body>{content}", 1)
        html = html if first == "content" else block.replace("</body>", f"{content}</body>")
    else:
        html = content + block if first == "content" else block + content
    result = parse_pacsto_page(html, "https://pacsto.org/countries/russian-federation")
    reference = parse_pacsto_page(style_p(lines), "https://pacsto.org/").records

    assert result.missing == [] and result.errors == []
    assert [r for r in result.records if r["part"] == "block"] == reference
    own = [r for r in result.records if r["part"] == "country-page"]
    assert [(r["type"], r.get("seats"), r.get("position")) for r in own] == [
        ("delegation", 21, None),
        ("member", None, 1),
        ("member", None, 2),
        ("member", None, 3),
    ]
