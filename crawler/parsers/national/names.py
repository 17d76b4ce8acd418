"""What a person's name, a delegation role and a chamber look like, in Russian and English.

A name is 2-4 capitalised words ("Иванов Иван Иванович", "ИВАНОВ Иван Иванович", "Igor Sergeenko",
"Рахмон Эмомали", "Мамытов Марлен уулу") or a surname with initials ("Иванов И.И.", "И.И. Иванов").
Institution words ("Республика Беларусь", "Жогорку Кенеш", "Совет Федерации") and the usual
menu words ("Contact Us", "Пресс Центр") are refused by a stop list of word stems.
"""

from __future__ import annotations

import re

from .dom import words

PARTICLES = words(
    "уулу кызы оглы оглу улы ули кизи ибн бин фон де ван дер ал аль bin ibn von van de der al el "
    "da di du la le"
)
ABBREVIATIONS = words(
    "ОДКБ СНГ ПА ЕАЭС ОБСЕ ООН ШОС МПА РФ РБ РК КР РТ США ЕС CSTO PA CIS UN OSCE EAEU SCO IPA "
    "FAQ RSS PDF HTML"
)
# Stems long enough to be refused as prefixes ...
_STOP_PREFIX = sorted(
    words(
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
MORE = re.compile(
    r"(?:подробн\w*|читать(?:\s+\w+)?|далее|ещё|еще|биография|профиль|страница\s+\w+|"
    r"персональная\s+страница|перейти|more|read\s+more|details|profile|biography|"
    r"view\s+profile|continue\s+reading|cv)\W*|[»→>.…]+",
    re.I,
)
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


# -- roles ---------------------------------------------------------------------------------------

_DELEG = r"(?:парламентск\w+\s+)?делегаци\w*"
_EN_DELEG = r"(?:of\s+)?(?:the\s+)?(?:parliamentary\s+)?delegation"
_ROLE_SEARCH = [
    ("deputy_head", rf"заместител\w*\s+(?:руководител|глав|председател)\w*\s+{_DELEG}"),
    ("deputy_head", rf"(?:deputy|vice)[\s-]+(?:head|chair\w*|leader)\s+{_EN_DELEG}"),
    ("head", rf"(?:руководител|глав|председател)\w*\s+{_DELEG}"),
    ("head", rf"(?:head|chair\w*|leader)\s+{_EN_DELEG}|delegation\s+(?:head|leader)"),
    ("member", rf"член\w*\s+{_DELEG}|members?\s+{_EN_DELEG}"),
]
_ROLE_BARE = [
    ("deputy_head", r"(?:перв\w+\s+)?заместител\w*(?:\s+(?:руководител|глав)\w*)?"),
    ("deputy_head", r"(?:first\s+)?(?:deputy|vice)[\s-]+(?:head|leader)s?"),
    ("head", r"руководител\w*|глава|head|leader"),
    ("member", r"член\w*|members?"),
]
_ROLE_SEARCH_RX = [(role, re.compile(rx, re.I)) for role, rx in _ROLE_SEARCH]
_ROLE_BARE_RX = [(role, re.compile(rx, re.I)) for role, rx in _ROLE_BARE]


def _bare(text: str) -> str:
    return text.strip().strip(":;,.()[]–—- ").strip()


def role_match(text: str) -> tuple[str, str] | None:
    """(canonical role, the words naming it) for the delegation role named in ``text``."""
    for role, rx in _ROLE_SEARCH_RX:
        m = rx.search(text)
        if m:
            return role, m[0]
    bare = _bare(text)
    for role, rx in _ROLE_BARE_RX:
        if rx.fullmatch(bare):
            return role, bare
    return None


def role_of(text: str) -> str | None:
    """Canonical delegation role named in ``text``: "head", "deputy_head", "member" or None."""
    found = role_match(text)
    return found[0] if found else None


_STAFF = re.compile(
    rf"(?:секретар|помощник|консультант|референт|советник|сотрудник)\w*\s+(?:\w+\s+)?{_DELEG}|"
    rf"(?:secretary|assistant|advis[eo]r|staff)\s+{_EN_DELEG}|секретариат|secretariat",
    re.I,
)


def is_staff(text: str) -> bool:
    """The delegation's staff ("ответственный секретарь делегации"), not a member."""
    return bool(_STAFF.search(text)) and role_of(_STAFF.sub(" ", text)) is None


def is_role_label(text: str) -> bool:
    """A line that is only a role ("Члены делегации:", "Deputy Head") - a section label."""
    bare = _bare(text)
    if not bare or len(bare) > 60:
        return False
    return any(rx.fullmatch(bare) for _, rx in _ROLE_SEARCH_RX + _ROLE_BARE_RX)


# -- chambers ------------------------------------------------------------------------------------

CHAMBERS = [
    ("Majlisi Milli", r"маджлиси\s+милл[иӣ]|majlisi\s+milli"),
    ("Majlisi Namoyandagon", r"маджлиси\s+намояндагон|majlisi\s+namoyandagon"),
    ("House of Representatives", r"палат\w*\s+представителей|house\s+of\s+representatives"),
    ("Council of the Republic", r"совет\w*\s+республики|council\s+of\s+the\s+republic"),
    ("State Duma", r"государственн\w*\s+дум\w*|state\s+duma"),
    ("Federation Council", r"совет\w*\s+федерации|federation\s+council"),
    ("Mazhilis", r"\bмажилис(?:а|е|ом|у)?\b|\bmazhilis\b"),
    ("Senate", r"\bсенат(?:а|е|ом|у)?\b|\bsenate\b"),
    ("Jogorku Kenesh", r"жогорку\s+кенеш\w*|jogorku\s+kenesh"),
]
_CHAMBER_RX = [(name, re.compile(rx, re.I)) for name, rx in CHAMBERS]
KNOWN_CHAMBERS = frozenset(name for name, _ in CHAMBERS)


def chambers_in(text: str) -> list[str]:
    """Canonical (English) names of the chambers ``text`` mentions, in canonical order."""
    return [name for name, rx in _CHAMBER_RX if rx.search(text)]


def chamber_only(text: str) -> str | None:
    """The chamber a line consists of ("Маджлиси милли", "Депутаты Сената"), else None."""
    found = [(name, rx) for name, rx in _CHAMBER_RX if rx.search(text)]
    if len(found) != 1 or role_of(text):
        return None
    rest = found[0][1].sub(" ", text)
    return found[0][0] if len(re.findall(r"[^\W\d_]+", rest)) <= 2 else None
