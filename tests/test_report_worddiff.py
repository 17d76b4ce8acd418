"""Word diffs of scraped text: the pieces, how a report shortens and shows them, and the
folding that tells a rewording from a change of formatting only.

Each fast path is checked against the plain definition it replaces, on random texts.
"""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import pytest

from reports.worddiff import (
    _TOKEN,
    _add,
    _join_runs,
    _tidy,
    diff_html,
    diff_text,
    shorten,
    word_diff,
)
from store.entities.significance import fold, same_folded


def test_word_diff_marks_and_escapes():
    pieces = word_diff("consists of 7 deputies", "is represented by 6 deputies")
    assert diff_text(pieces) == "[-consists of 7-]{+is represented by 6+} deputies"
    html = str(diff_html(word_diff("a <b>", "a <i>")))
    assert "<b>" not in html and "<i>" not in html and "&lt;" in html
    assert "<del>" in html and "<ins>" in html
    long = " ".join(f"w{i}" for i in range(100))
    short = diff_text(shorten(word_diff(long, long.replace("w50", "W50"))))
    assert short.startswith("… w42") and "[-w50-]{+W50+}" in short and short.endswith("w58 …")


def shorten_by_splitting_whole(pieces: list[tuple[str, str]], context: int = 8) -> list:
    """``shorten`` as it was first written: every unchanged stretch split and stripped whole."""
    out = []
    for index, (op, text) in enumerate(pieces):
        keep_head = context if index > 0 else 0
        keep_tail = context if index < len(pieces) - 1 else 0
        words = text.split() if op == "=" else []
        if op != "=" or len(words) <= keep_head + keep_tail + 2:
            out.append((op, text))
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        head = " ".join(words[:keep_head]) + " " if keep_head else ""
        tail = " " + " ".join(words[len(words) - keep_tail :]) if keep_tail else ""
        out.append(("=", f"{lead}{head}…{tail}{trail}"))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_shorten_keeps_the_same_words_as_splitting_the_whole_text(seed):
    """``shorten`` looks for the words it keeps near the ends of a long stretch only; words
    longer than its window (a URL, a run of digits) make it split the whole text instead."""
    rng = random.Random(seed)

    def stretch() -> str:
        lengths = [rng.choice([1, 5, 12, 60, 300]) for _ in range(rng.randrange(0, 40))]
        words = ["ж" * n if rng.random() < 0.5 else "w" * n for n in lengths]
        gaps = [rng.choice([" ", "  ", "\n", "\t "]) for _ in words]
        edges = [rng.choice(["", " ", "\n  "]) for _ in range(2)]
        return edges[0] + "".join(w + g for w, g in zip(words, gaps, strict=True)) + edges[1]

    pieces = [(op, stretch() or "x") for op in rng.choice(["=+=", "=-", "+=", "=-+=", "="])]
    assert shorten(pieces) == shorten_by_splitting_whole(pieces)


def whole_text_word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The word diff as it was first written: both texts tokenised whole, equal leading and
    trailing tokens kept, the rest matched. ``word_diff`` must give exactly this."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    pieces: list[tuple[str, str]] = []
    _add(pieces, "=", "".join(a[:head]))
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    for tag, i1, i2, j1, j2 in SequenceMatcher(
        None, middle_a, middle_b, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            _add(pieces, "=", "".join(middle_a[i1:i2]))
            continue
        if i2 > i1:
            _add(pieces, "-", "".join(middle_a[i1:i2]))
        if j2 > j1:
            _add(pieces, "+", "".join(middle_b[j1:j2]))
    _add(pieces, "=", "".join(a[len(a) - tail :]))
    return _join_runs(_tidy(pieces))


# spaces of several kinds, word characters, punctuation, a combining accent, compatibility forms
TEXT_CHARS = list("ab  .,\n-_1éжЁё\tB") + [
    "\u0301",
    "\u00a0",
    "\u3000",
    "ﬁ",
    "ß",
    "Σ",
    "\u2163",
    "ｱ",
]


def edits(seed: int, cases: int) -> list[tuple[str, str]]:
    """Short random texts and edits of them (insertions, deletions, replacements)."""
    rng = random.Random(seed)

    def text(n: int) -> str:
        return "".join(rng.choice(TEXT_CHARS) for _ in range(n))

    out = []
    for _ in range(cases):
        old = text(rng.randint(0, 24))
        new = list(old)
        for _ in range(rng.randint(0, 3)):
            at = rng.randint(0, len(new))
            roll = rng.random()
            if roll < 0.4:
                new[at:at] = text(rng.randint(1, 4))
            elif roll < 0.7:
                del new[at : at + rng.randint(1, 3)]
            else:
                new[at : at + 1] = text(1)
        out.append((old, "".join(new) if rng.random() < 0.9 else text(rng.randint(0, 24))))
    return out


def test_word_diff_is_the_whole_text_token_diff():
    """Only the middle is tokenised: head and tail found on characters give the same pieces."""
    for old, new in edits(17, 4000):
        assert word_diff(old, new) == whole_text_word_diff(old, new), (old, new)
    article = " ".join(f"Слово{i}, word{i}." for i in range(400))
    edited = article.replace("word200.", "word200 and more.").replace("Слово9,", "Слово9;")
    assert word_diff(article, edited) == whole_text_word_diff(article, edited)


def test_same_folded_is_equality_of_the_folded_texts():
    for old, new in edits(3, 4000):
        assert same_folded(old, new) == (fold(old) == fold(new)), (old, new)
    article = " ".join(f"Слово{i} word{i}." for i in range(400))
    assert same_folded(article, article.replace("word7.", "WORD7 ,"))
    assert not same_folded(article, article.replace("word7.", "word8."))
    assert same_folded(None, "") and not same_folded(1, 2)
