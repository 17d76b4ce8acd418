"""The text of a response: decoding its bytes, normalising strings, telling Russian from English.

Both parser families decode here, each with its own fallback rules (see :func:`decode_body` and
:func:`decode_html`), and normalise with :func:`normalize_text`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from w3lib.encoding import html_body_declared_encoding, html_to_unicode

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_QUOTE = re.compile("[\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033]")
_STRAIGHT = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'"}
    | {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'}
)
_NEWLINE_RUN = re.compile(r"[ \t\f\v]*(?:\r\n|\r|\n)\s*")
# the UTF-8 bytes that count letters: an ASCII letter is its own byte, and every character of
# U+0400-U+04FF (Cyrillic) starts with one of 0xD0-0xD3, bytes no other character contains
_LATIN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CYRILLIC_LEADS = bytes(range(0xD0, 0xD4))
_LOWER_CYRILLIC = re.compile(r"[а-яё]")


def normalize_text(text: str, *, straight_quotes: bool = True) -> str:
    """NFC, no invisible characters, single spaces (``&nbsp;`` included), and with
    ``straight_quotes`` typographic quotes made straight (the assembly's parsers compare wordings
    across editions that differ in quotes; the national parsers keep a title as written).

    Russian «guillemets» are kept: they are the normal Russian quotes, not a typographic variant.
    """
    if not text.isascii():  # ASCII has nothing to compose, remove or straighten
        text = unicodedata.normalize("NFC", text)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
        if straight_quotes and _QUOTE.search(text):
            text = text.translate(_STRAIGHT)
    return " ".join(text.split())  # str.split() and re's \s agree on what is whitespace


@lru_cache(maxsize=4096)  # the delegations block's lines recur on every page
def soft_lines(text: str) -> str:
    """Like :func:`normalize_text`, but a whitespace run holding a source newline becomes "\\n".

    Browsers render those newlines as spaces; they are kept only as a hint where a value ends
    when a whole block is bare text nodes in one element (a name followed by a country link).
    """
    if "\n" not in text and "\r" not in text:
        return normalize_text(text)
    parts = (normalize_text(run) for run in _NEWLINE_RUN.split(text))
    return "\n".join(p for p in parts if p)


def letter_counts(text: str) -> tuple[int, int]:
    """How many Cyrillic (U+0400-U+04FF) and Latin (A-Z, a-z) letters ``text`` holds.

    Counted on its UTF-8 bytes by deleting the bytes that mark them (``bytes.translate``), a
    few microseconds for a page, where collecting the runs with a regular expression took a
    tenth of a millisecond or more.
    """
    data = text.encode("utf-8", "surrogatepass")
    cyrillic = len(data) - len(data.translate(None, _CYRILLIC_LEADS))
    return cyrillic, len(data) - len(data.translate(None, _LATIN_BYTES))


def cyrillic_ratio(text: str) -> float:
    """Share of Cyrillic among the Cyrillic + Latin letters of ``text`` (0.0 without letters)."""
    cyr, lat = letter_counts(text)
    return cyr / (cyr + lat) if cyr + lat else 0.0


def detect_language(text: str) -> str:
    """``"ru"`` when most letters are Cyrillic, else ``"en"``."""
    return "ru" if cyrillic_ratio(text) > 0.5 else "en"


def _guess_encoding(body: bytes) -> str:
    """Used only when neither HTTP header, BOM nor ``<meta>`` declares a charset."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def decode_body(body: bytes | str, content_type: str | None = None) -> tuple[str, str | None]:
    """Decode an assembly page as served; return ``(text, encoding)``.

    Order: BOM, HTTP ``Content-Type`` charset, ``<meta>`` charset / http-equiv, then a UTF-8 or
    windows-1251 guess. A header charset that garbles the body (many U+FFFD) loses to the
    ``<meta>`` declaration or the guess - old CMS pages declare windows-1251 only in ``<meta>``.
    """
    if isinstance(body, str):
        return body, None
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_encoding)
    if text.count("\ufffd") > 10 and content_type:  # retry without the (wrong) header charset
        retried, text2 = html_to_unicode(None, body, auto_detect_fun=_guess_encoding)
        if text2.count("\ufffd") < text.count("\ufffd"):
            encoding, text = retried, text2
    return text, encoding


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode a national page: BOM, HTTP charset, ``<meta>`` charset, then a UTF-8/cp1251 guess.

    A header charset that garbles the body (many U+FFFD) loses to the ``<meta>`` declaration,
    then to windows-1251: old government CMSs declare windows-1251 only in ``<meta>`` while the
    server claims UTF-8. UTF-8 served as windows-1251 (mojibake) is read as UTF-8.
    """
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_encoding)
    if text.count("\ufffd") > 5:
        declared = html_body_declared_encoding(body) or "cp1251"
        _, retry = html_to_unicode(f"text/html; charset={declared}", body)
        if retry.count("\ufffd") < text.count("\ufffd"):
            text = retry
    elif "utf" not in encoding.lower() and re.search(rb"[\x80-\xff]", body):
        # UTF-8 declared as windows-1251 decodes without errors, as mojibake ("РџР°Р»")
        try:
            utf8 = body.decode("utf-8")
        except UnicodeDecodeError:
            return text
        if len(_LOWER_CYRILLIC.findall(utf8)) > len(_LOWER_CYRILLIC.findall(text)):
            _, text = html_to_unicode("text/html; charset=utf-8", body)
    return text
