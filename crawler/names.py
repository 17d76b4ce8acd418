"""A person's key: one key for one person across languages, scripts and spellings.

English pages write "Viktor Kogut", Russian ones "Когут Виктор Валентинович" or "КОГУТ Виктор";
transliterations vary (kh / h, -zoda / -zade, y / i). The key is the set of name words without
the patronymic, transliterated to ASCII (anyascii), folded to a rough phonetic spelling, sorted.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Russian and Central Asian patronymics, and the particles that mark them (Kyrgyz "уулу").
_PATRONYMIC = re.compile(r"(?:ович|евич|ьич|ична|инична|овна|евна|ovich|evich|ovna|evna|ichna)$")
_PARTICLES = {"уулу", "кызы", "улы", "оглы", "оглу", "кизи", "uulu", "kyzy", "uly", "ogly"}
# Spelling folds applied in order, to ASCII lower case.
_FOLDS = (
    (r"dzh|dj", "j"),
    (r"zh", "j"),
    (r"kh", "h"),
    (r"tch", "ch"),
    (r"(zade|zadeh|zoda)$", "zoda"),
    (r"^ye", "e"),
    (r"yo", "e"),
    (r"y", "i"),
    (r"w", "v"),
    (r"ph", "f"),
    (r"x", "ks"),
    (r"(.)\1+", r"\1"),
)


def name_words(name: str) -> list[str]:
    """The words of a name, initials ("И.", "I.") dropped."""
    text = unicodedata.normalize("NFKC", name).replace("ё", "е").replace("Ё", "Е")
    return [w for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text) if len(w) > 1]


def fold(word: str) -> str:
    ascii_word = re.sub(r"[^a-z-]", "", anyascii(word).lower())
    for pattern, replacement in _FOLDS:
        ascii_word = re.sub(pattern, replacement, ascii_word)
    return ascii_word


def _without_patronymic(words: list[str]) -> list[str]:
    """Drop the one patronymic of "Фамилия Имя Отчество" (last) or "Имя Отчество Фамилия"
    (middle). Belarusian and Serbian surnames end in -ович/-евич too (Мицкевич, Ярошевич), so
    the first word is never taken for one, and only one word is dropped."""
    for position in (len(words) - 2, len(words) - 1):
        if position > 0 and _PATRONYMIC.search(words[position].lower()):
            return words[:position] + words[position + 1 :]
    return words


def person_key(name: str) -> str:
    """``"Когут Виктор Валентинович"`` and ``"Viktor Kogut"`` -> ``"kogut-viktor"``."""
    words = [w for w in name_words(name) if w.lower() not in _PARTICLES]
    if len(words) >= 3:
        words = _without_patronymic(words)
    folded = sorted({fold(w) for w in words} - {""})
    return "-".join(folded)


def same_person(a: str, b: str) -> bool:
    """Whether two written names are one person: equal keys, or one key's words within the
    other's (a list that omits a middle name or adds one)."""
    ka, kb = set(person_key(a).split("-")), set(person_key(b).split("-"))
    return bool(ka and kb) and (ka == kb or (min(len(ka), len(kb)) >= 2 and (ka <= kb or kb <= ka)))
