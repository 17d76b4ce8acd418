"""Is a page's text in the edition it was asked for? A page decoded with the wrong charset (a
windows-1251 body declared utf-8, or the reverse) or served in the other language must not be
read into records: its entities would be garbage, or be keyed to the other edition.

The test reads the page's main text (its body without scripts, styles and page chrome) as the
parsers would decode it, and looks at three robust ratios: the share of U+FFFD replacement
characters, the share of words that are mojibake (UTF-8 bytes read as a single-byte charset),
and the share of letters in the script of the requested language. A page with too little text
to judge is given the benefit of the doubt.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

from crawler.parsers.text import letter_counts
from crawler.parsers.textlines import html_tree

CYRILLIC_LANGUAGES = frozenset({"ru", "be", "uk", "kk", "ky", "tg", "bg", "sr", "mn"})
LATIN_LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "pl", "tr", "uz", "az", "ro"})

MIN_LETTERS = 40  # fewer letters than this: nothing to judge
MAX_REPLACEMENT = 0.2  # share of U+FFFD among letters and U+FFFD
MAX_MOJIBAKE = 0.5  # share of non-ASCII words that are mojibake
MIN_MOJIBAKE_WORDS = 5
MIN_OWN_SCRIPT = 0.3  # share of the edition's script among Cyrillic and Latin letters

_NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")
_ASCII_SPACE_RUN = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f ]+")  # the ASCII characters of \s
_NON_ASCII_SPACE = re.compile(r"[^\S\x00-\x7f]")
_NOT_TEXT = "//script|//style|//noscript|//template|//head|//nav|//header|//footer"
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip() strips, in ASCII
_NOT_TEXT_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "nav", "header", "footer"}
)
_SINGLE_BYTE = ("cp1251", "cp1252", "latin-1")


def main_text(body: bytes, content_type: str | None) -> str:
    """The visible text of the page's main part, decoded as its declarations say.

    The tree is the one the parsers read next (``html_tree``: parsed once per page) unless it
    could give another text than this check's own parse: that tree is parsed from the text
    stripped and without NUL characters, and may lose trailing whitespace, which changes no
    count below when it is ASCII whitespace (so a page that starts or ends with other
    whitespace, or holds a NUL, or hits libxml2's size limits, is parsed here again).
    """
    _encoding, text = html_to_unicode(content_type, body)
    stripped = text.strip()
    if stripped and "\x00" not in text and len(stripped) == len(text.strip(_ASCII_SPACE)):
        tree = html_tree(text)
        if not tree.limited:
            return _text_outside(tree.root, _NOT_TEXT_TAGS)
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    for element in root.xpath(_NOT_TEXT):
        element.drop_tree()
    return root.text_content()


def non_ascii_words(text: str) -> list[str]:
    """``_NON_ASCII_WORD.findall(text)``, at less than half the cost (the pattern is retried at
    every character of an ASCII word). No match starts at or spans ASCII whitespace, so the
    text is read chunk by chunk between it; a chunk without non-ASCII whitespace is one \\S run,
    a match whole when it holds a non-ASCII character; the others (a NBSP inside) go to the
    pattern itself."""
    if text.isascii():
        return []
    words: list[str] = []
    for chunk in _ASCII_SPACE_RUN.split(text):
        if chunk.isascii():
            continue
        if _NON_ASCII_SPACE.search(chunk) is None:
            words.append(chunk)
        else:
            words += _NON_ASCII_WORD.findall(chunk)
    return words


def _text_outside(root: etree._Element, skipped: frozenset[str]) -> str:
    """``root.text_content()`` once every element named in ``skipped`` is dropped (their tails
    kept, as ``drop_tree`` keeps them), without changing the tree."""
    pieces: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            if el.tag in skipped and el is not root:
                walker.skip_subtree()  # its "end" still comes, with its tail
            elif el.text:
                pieces.append(el.text)
        elif el is not root and el.tail:  # an element's end, a comment or a processing instruction
            pieces.append(el.tail)
    return "".join(pieces)


@lru_cache(maxsize=65536)  # an edition's words recur from page to page
def _is_mojibake(word: str) -> bool:
    for codec in _SINGLE_BYTE:
        try:
            if word.encode(codec).decode("utf-8") != word:
                return True
        except UnicodeError:
            continue
    return False


def edition_problem(body: bytes, content_type: str | None, language: str | None) -> str | None:
    """Why the page's text cannot be the ``language`` edition's, or None when it can be."""
    text = main_text(body, content_type)
    cyrillic, latin = letter_counts(text)
    replaced = text.count("\ufffd")
    if cyrillic + latin + replaced < MIN_LETTERS:
        return None
    if replaced / (cyrillic + latin + replaced) >= MAX_REPLACEMENT:
        share = round(100 * replaced / (cyrillic + latin + replaced))
        return f"the text is {share}% replacement characters (a wrong charset)"
    words = non_ascii_words(text)
    garbled = sum(1 for word in words if _is_mojibake(word))
    if garbled >= MIN_MOJIBAKE_WORDS and garbled / len(words) >= MAX_MOJIBAKE:
        return f"{garbled} of {len(words)} words are mojibake (UTF-8 read as a single-byte charset)"
    if cyrillic + latin < MIN_LETTERS:
        return None
    if language in CYRILLIC_LANGUAGES:
        own, script = cyrillic, "Cyrillic"
    elif language in LATIN_LANGUAGES:
        own, script = latin, "Latin"
    else:
        return None
    if own / (cyrillic + latin) < MIN_OWN_SCRIPT:
        share = round(100 * own / (cyrillic + latin))
        return f"only {share}% of the letters are {script}, the script of the {language} edition"
    return None
