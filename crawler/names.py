"""Person names: telling a name from other text on a page, and one key for one person.

A name is 2-4 capitalised words ("Иванов Иван Иванович", "ИВАНОВ Иван Иванович", "Igor Sergeenko",
"Рахмон Эмомали", "Мамытов Марлен уулу") or a surname with initials ("Иванов И.И.", "И.И. Иванов").
Institution words ("Республика Беларусь", "Жогорку Кенеш", "Совет Федерации") and the usual
menu words ("Contact Us", "Пресс Центр") are refused by a stop list of word stems.

A person's key is the same across languages, scripts and spellings: English pages write "Viktor
Kogut", Russian ones "Когут Виктор Валентинович" or "КОГУТ Виктор"; transliterations vary (kh / h,
-zoda / -zade, y / i). The key is the set of name words without the patronymic, transliterated to
ASCII (anyascii), folded to a rough phonetic spelling, sorted. Keys are entity keys: an archive
finds a member's history by them, so :func:`person_key` must never change for a name already seen
(tests/parsers/person_keys.json pins them).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# -- recognising a name -------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PARTICLES = _words(
    "уулу кызы оглы оглу улы ули кизи ибн бин фон де ван дер ал аль bin ibn von van de der al el "
    "da di du la le"
)
ABBREVIATIONS = _words(
    "ОДКБ СНГ ПА ЕАЭС ОБСЕ ООН ШОС МПА РФ РБ РК КР РТ США ЕС CSTO PA CIS UN OSCE EAEU SCO IPA "
    "FAQ RSS PDF HTML"
)
# Stems long enough to be refused as prefixes ...
_STOP_PREFIX = sorted(
    _words(
        "республик белорус федерац российск казахстан кыргызстан кыргызск киргиз таджикистан "
        "таджикск "
        "армянск ассамбле парламент организац договор новост контакт документ комитет комисси "
        "министерств правительств президент председател депутат руководител заместител делегац "
        "государствен национальн федеральн межпарламент международн постоянн верховн конституц "
        "законодат евразийск содружеств независим коллективн безопасност сотрудничеств подробн "
        "биограф мероприят календар обращени приемн приёмн структур деятельност информац официальн "
        "полезн аппарат фракци понедельник вторник четверг пятниц суббот воскресень пленарн "
        "republic federation kazakhstan kyrgyz tajikistan assembl representative parliament "
        "organization organisation collective security committee commission ministry government "
        "president delegation national international structure legislat activit information "
        "official eurasian commonwealth apparatus sitemap gallery publication plenary"
    )
)
# ... and short words refused only as whole words (with their inflections).
_STOP_WORDS = (
    r"росси[яиюе]й?|беларусь|армени[яи]|дум[аыеуо]й?|совет(?:а|е|у|ы|ом)?|собрани[еяю]м?|"
    r"палат[аыеуо]й?|кенеш[аеу]?|оли|маджлиси?|мажилис[аеу]?|сенат[аеу]?|главн(?:ая|ое|ый)|"
    r"пресс|член(?:а|ы|ов)?|состав|закон[ыа]?|союз[аеу]?|фото|видео|архив|поиск|карта|версия|"
    r"анонсы?|граждан|сайт[аеу]?|ссылки|спикер|партия|бюджет|регион|центр|вход|все|ещё|еще|"
    r"назад|далее|январ[ьяе]|феврал[ьяе]|март[аеу]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|"
    r"август[аеу]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]|сред[аы]|москва|минск|"
    r"астана|бишкек|душанбе|ереван|алматы|belarus|russia|armenia|duma|council|house|senate|"
    r"treaty|home|news|contacts?|about|us|press|cent(?:er|re)|documents?|"
    r"chair(?:man|woman|person)?|speaker|deputy|deputies|members?|head|state|read|more|"
    r"photos?|videos?|archive|search|map|site|version|events?|main|page|links?|useful|latest|"
    r"popular|related|union|staff|login|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|minsk|moscow|astana|bishkek|dushanbe|yerevan|view|all|back|next|previous|english|"
    r"russian|media|library|history|leadership|sessions?|meetings?|agenda|calendar|our|welcome"
)
_STOP = re.compile(rf"(?:{'|'.join(_STOP_PREFIX)})\w*|{_STOP_WORDS}", re.I)
_PATRONYMIC = re.compile(
    r"(?:вич|вна|чна|ична|оглы|кызы|улы|уулу|qizi|ovich|evich|ovna|evna)$", re.I
)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.-?){1,3}$")
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.)]|[•·▪●◦*–—-])\s*")


def clean_name(text: str) -> str:
    """Name text without list numbering, bullets or trailing punctuation (an initial's dot kept)."""
    text = _NUMBERING.sub("", text).strip().strip(",;:").strip()
    while text.endswith(".") and not _INITIALS.match(text.split()[-1] if text.split() else ""):
        text = text[:-1].rstrip()
    return text


def _kind(token: str) -> str | None:
    if token.lower() in PARTICLES and token.islower():
        return "particle"
    if _INITIALS.match(token) and token.replace(".", "").replace("-", "").isupper():
        return "initials"
    letters = token.replace("-", "").replace("'", "").replace("’", "")
    if not letters.isalpha() or len(letters) < 2:
        return None
    parts = re.split(r"[-'’]", token)
    if all(p[:1].isupper() and (p[1:].islower() or not p[1:]) for p in parts if p):
        return "cap"
    if letters.isupper() and token not in ABBREVIATIONS:
        return "caps"
    return None


def name_strength(text: str) -> int:
    """0: not a name; 1: two capitalised words (could be a name); 2: surely a person's name."""
    tokens = text.split()
    kinds = [_kind(t) for t in tokens]
    if not kinds or None in kinds or kinds[0] == "particle":
        return 0
    words = [t for t, k in zip(tokens, kinds, strict=True) if k != "particle"]
    main = [k for k in kinds if k != "particle"]
    if not 2 <= len(main) <= 4 or any(_STOP.fullmatch(w) for w in words if len(w) > 1):
        return 0
    scripts = {bool(re.search(r"[A-Za-z]", w)) for w in words if not _INITIALS.match(w)}
    if len(scripts) > 1:
        return 0
    if "initials" in main:
        full = [i for i, k in enumerate(main) if k != "initials"]
        ok = len(full) == 1 and full[0] in (0, len(main) - 1) and len(main) <= 3
        return 2 if ok else 0
    if main.count("caps") > 1 or ("caps" in main and main[0] != "caps" and main[-1] != "caps"):
        return 0
    if "caps" in main or "particle" in kinds or any(_PATRONYMIC.search(w) for w in words):
        return 2
    return 2 if len(main) >= 3 else 1


def is_name(text: str) -> bool:
    return name_strength(text) > 0


# -- keys ---------------------------------------------------------------------------------------

# What a key leaves out: Russian and Central Asian patronymics, and the particles that mark them
# (Kyrgyz "уулу"). Narrower than what :func:`name_strength` takes as the mark of a name, and
# kept apart from it: changing them would change keys.
_KEY_PATRONYMIC = re.compile(
    r"(?:ович|евич|ьич|ична|инична|овна|евна|ovich|evich|ovna|evna|ichna)$"
)
_KEY_PARTICLES = {"уулу", "кызы", "улы", "оглы", "оглу", "кизи", "uulu", "kyzy", "uly", "ogly"}
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
        if position > 0 and _KEY_PATRONYMIC.search(words[position].lower()):
            return words[:position] + words[position + 1 :]
    return words


def person_key(name: str) -> str:
    """``"Когут Виктор Валентинович"`` and ``"Viktor Kogut"`` -> ``"kogut-viktor"``."""
    words = [w for w in name_words(name) if w.lower() not in _KEY_PARTICLES]
    if len(words) >= 3:
        words = _without_patronymic(words)
    folded = sorted({fold(w) for w in words} - {""})
    return "-".join(folded)


def same_person(a: str, b: str) -> bool:
    """Whether two written names are one person: equal keys, or one key's words within the
    other's (a list that omits a middle name or adds one)."""
    ka, kb = set(person_key(a).split("-")), set(person_key(b).split("-"))
    return bool(ka and kb) and (ka == kb or (min(len(ka), len(kb)) >= 2 and (ka <= kb or kb <= ka)))
