"""Company legal forms as people write them (株式会社, (株), ㈱, Inc., Co., Ltd.), and the
company matching key built on them.

The profile recognises a company name by the forms and the clean stage folds them; clean
derives generated codes from the key and dedupe matches stored records by it, so all
read one list and one key. Our own: no library knows the Japanese legal forms.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

from migrator.distinct import ODD_SPACES, CharTable, LineOf, fold_joined
from migrator.reference.kanji import FOLD as KANJI_FOLD

COMPANY_MARKERS = (
    r"(?=[株有合一公社財医学宗特NＮ(（㈱㈲㈾㈴])"  # a cheap first-character test: 3x faster
    r"(?:(?:株式|有限|合同|合資|合名)会社|(?:一般|公益)?(?:社団|財団)法人"
    r"|(?:医療|学校|宗教|社会福祉|特定非営利活動|NPO)法人"
    r"|[(（]\s*[株有同資名]\s*[)）]|[㈱㈲㈾㈴])"
    r"|[\s,、](?i:inc|llc|l\.l\.c|ltd|limited|corp|corporation|co|company|incorporated|plc"
    r"|llp|gmbh|k\.k|holdings|group)\b\.?"
)
"""Legal-form words anywhere in a value: 株式会社 before or after, (株), ㈱, Inc., Co., Ltd."""

LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "株式会社": ("株", "㈱"),
    "有限会社": ("有", "㈲"),
    "合同会社": ("同",),
    "合資会社": ("資", "㈾"),
    "合名会社": ("名", "㈴"),
    "一般社団法人": ("一社",),
    "一般財団法人": ("一財",),
    "公益社団法人": ("公社",),
    "公益財団法人": ("公財",),
    "社団法人": ("社",),  # the pre-2008 form `(社)` names; 一般 or 公益 is not ours to guess
    "財団法人": ("財",),
    "医療法人社団": (),
    "医療法人財団": (),
    "医療法人": ("医",),
    "社会福祉法人": ("福",),
    "特定非営利活動法人": ("特非", "NPO法人", "ＮＰＯ法人"),
    "学校法人": ("学",),
    "宗教法人": ("宗",),
}
"""Each legal form's full written form, with the abbreviations people type for it.

A one- or two-letter abbreviation counts only in brackets (`(株)`, `（一社）`); circled
forms (`㈱`) and `NPO法人` count anywhere. Extends COMPANY_MARKERS.
"""

ENGLISH_FORMS: dict[str, str] = {
    "inc": "Inc.", "incorporated": "Incorporated", "llc": "LLC", "l.l.c": "LLC",
    "ltd": "Ltd.", "limited": "Limited", "co": "Co.", "corp": "Corp.",
    "corporation": "Corporation", "company": "Company", "gmbh": "GmbH", "kk": "K.K.",
    "k.k": "K.K.", "plc": "PLC", "llp": "LLP",
}
"""English legal forms (lower case, no final dot) and how `legal_form` writes them."""


def _marker_forms() -> tuple[list[str], list[str]]:
    """The legal forms a marker is written as: whole or bare (the longest first), and
    those counted only in brackets."""
    full: list[str] = list(LEGAL_FORMS)
    bracketed: list[str] = []
    bare: list[str] = []
    for abbreviations in LEGAL_FORMS.values():
        for abbr in abbreviations:
            (bracketed if abbr.isalpha() and "法人" not in abbr else bare).append(abbr)
    return sorted(full + bare, key=len, reverse=True), bracketed


MARKER_STARTS = re.escape("".join(sorted({"(", "（", *(f[0] for f in _marker_forms()[0])})))
"""The characters a marker can start with (a bracket, a form's first letter), escaped for
a character set."""


def _marker_pattern(first_letter: bool = True, lines: bool = False) -> re.Pattern[str]:
    longest, bracketed = _marker_forms()
    brackets = "|".join(sorted(bracketed, key=len, reverse=True))
    space = r"[^\S\n]*" if lines else r"\s*"
    inside = rf"{space}(?:{brackets}){space}[)）]"
    # `first_letter`: every alternative starts with one character, each opening bracket its
    # own, so that a search skips to the characters a marker starts with (MARKER_STARTS):
    # 13 -> 4 ms over 100,000 names without a marker, against a lookahead for them first,
    # itself 5x faster than no such test; the same matches
    opening = rf"\({inside}|（{inside}" if first_letter else rf"[(（]{inside}"
    return re.compile(f"{opening}|" + "|".join(map(re.escape, longest)))


MARKER = _marker_pattern()
CANONICAL = {abbr: form for form, abbrs in LEGAL_FORMS.items() for abbr in abbrs} | {
    form: form for form in LEGAL_FORMS
}
MARKER_LINES = _marker_pattern(lines=True)
"""MARKER for texts joined by newlines: the spaces it allows inside brackets stop at one."""

_ENGLISH_WORDS = "|".join(re.escape(k) for k in sorted(ENGLISH_FORMS, key=len, reverse=True))
_ENGLISH_TAIL = re.compile(rf"(?:[\s,、]+(?:{_ENGLISH_WORDS})\.?)+\s*$", re.IGNORECASE)
# _ENGLISH_TAIL at the end of each line of texts joined by newlines: a separator is
# [\s,、] but not a newline, written as one character set without it, and the first one is
# written out of its repeat so that a search skips to it by that set (3x faster, then
# 45 -> 35 ms over 100,000 names against a lookbehind for the newline), the same language
_SEPARATOR = "[" + re.escape(" " + ODD_SPACES) + ",、]"
_ENGLISH_TAIL_LINES = re.compile(
    rf"{_SEPARATOR}(?:{_SEPARATOR})*(?:{_ENGLISH_WORDS})\.?"
    rf"(?:(?:{_SEPARATOR})+(?:{_ENGLISH_WORDS})\.?)*[^\S\n]*$", re.IGNORECASE | re.MULTILINE)
_ENGLISH_WORD = re.compile(r"[a-z.]+[a-z]", re.IGNORECASE)
_AND = re.compile(r"(?<![a-z])and(?![a-z])|＆")
_KEEP_IN_KEY = {"&", "ー"}


def bare(marker: str) -> str:
    """`（ 株 ）` → `株`: the abbreviation inside a bracketed marker."""
    return re.sub(r"[()（）\s]", "", marker)


def english_form(name: str) -> tuple[str, str | None]:
    """The name without its trailing English legal forms, and those forms written canonically."""
    match = _ENGLISH_TAIL.search(name)
    if match is None or match.start() == 0:
        return name, None
    return name[: match.start()], _english_words(match.group(0))


_RE_CASE = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
"""Letters `re.IGNORECASE` takes for i, s and k (`İnc`, `ıNC`, `ſ`, the Kelvin sign) that
`str.lower` does not write as them."""


def _english_words(tail: str) -> str:
    return ", ".join(ENGLISH_FORMS[w.translate(_RE_CASE).lower()]
                     for w in _ENGLISH_WORD.findall(tail))


def english_form_lines(text: str, forms: list[object] | None = None) -> str:
    """`english_form` of each line of `text` (names joined by newlines): the lines without
    their trailing English legal forms. Where `forms` is given, line i's forms go to
    `forms[i]` if it holds None: a line matches once at most, at its leftmost tail, as
    `english_form`'s search does."""
    line_of = LineOf()

    def strip(match: re.Match[str]) -> str:
        start = match.start()
        if start == 0 or match.string[start - 1] == "\n":  # the whole line: no name left
            return match.group(0)
        if forms is not None:
            line = line_of(match)
            if forms[line] is None:
                forms[line] = _english_words(match.group(0))
        return ""

    return _ENGLISH_TAIL_LINES.sub(strip, text)


class _KeyFold(CharTable):
    """casefold, then the kanji fold, then hiragana to katakana, for one character at a time.

    All three map each character on its own, so their composition is one `str.translate`
    table, filled on first sight of a character instead of for all 1.1 million up front.
    """

    def __missing__(self, code: int) -> str:
        folded = jaconv.hira2kata(chr(code).casefold().translate(KANJI_FOLD))
        self[code] = folded
        return folded


class _KeyChars(CharTable):
    """A key keeps letters, marks, digits, `&` and `ー`; punctuation, spaces, symbols and
    control characters (Unicode categories P, Z, S, C) go. Filled on first sight."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = char if char in _KEEP_IN_KEY or unicodedata.category(char)[0] not in "PZSC" \
            else None
        self[code] = kept
        return kept


class _KeyLines(CharTable):
    """_KEY_FOLD, then _KEY_CHARS_LINES, for one character: both map each character on
    its own, so one `str.translate` table does both where no `and` is to be written `&`
    between them (`_key_lines`). Filled on first sight."""

    def __missing__(self, code: int) -> str:
        kept = "".join(_KEY_CHARS_LINES[ord(char)] or "" for char in _KEY_FOLD[code] or "")
        self[code] = kept
        return kept


_KEY_FOLD = _KeyFold()
_KEY_CHARS = _KeyChars()
_KEY_CHARS_LINES = _KeyChars({ord("\n"): "\n"})  # _KEY_CHARS over joined lines
_KEY_LINES = _KeyLines()
_MAY_BE_AND = re.compile("[aA][nN][dD]|＆")
"""What may fold to `and` or `＆` once NFKC-normalised (no other character casefolds to
a, n or d, checked over all of Unicode), for `_AND` to write as `&`."""


def match_key(name: str) -> str:
    """`(株)やまだ商事`, `ヤマダ商事㈱`, `Yamada & Co., Ltd.` → a key without legal form,
    case, width, spaces or punctuation, hiragana as katakana, `and`/`＆` as `&`, and old
    kanji in their everyday form (`髙﨑` → `高崎`).

    Two table translations instead of a Python test per character: 100,000 keys cost
    about a second less. tests/reference/test_companies.py holds it to the step-by-step
    definition.
    """
    name = MARKER.sub(" ", name)
    name, _ = english_form(name)
    name = unicodedata.normalize("NFKC", name).translate(_KEY_FOLD)
    return _AND.sub("&", name).translate(_KEY_CHARS)


def match_keys(names: list[str]) -> list[str]:
    """`[match_key(n) for n in names]` as one run over the names joined by newlines: the
    legal forms are dropped by patterns that stop at a newline, and NFKC, the folds and
    `&` each map characters, or `and` between non-letters, inside a line.
    tests/reference/test_companies.py holds it to match_key."""
    lines = fold_joined(names, match_key_lines)
    return [match_key(name) for name in names] if lines is None else lines


def match_key_lines(text: str, forms: list[object] | None = None) -> str:
    """`match_key` of each line of `text`, the names joined by newlines (none holding one);
    `forms` as `english_form_lines` fills it."""
    return _key_lines(english_form_lines(MARKER_LINES.sub(" ", text), forms))


def _key_lines(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # one translation instead of two where `_AND` has nothing to write: 100,000 Japanese
    # names took 50 + 55 ms to translate twice, 50 ms once, 6 ms to tell
    if _MAY_BE_AND.search(text) is None:
        return _KEY_LINES.translate(text)
    text = _KEY_FOLD.translate(text)
    # the regex steps through every character; `in` scans for what it needs (0.054 ->
    # 0.002 s for 100,000 Japanese names, which hold neither)
    if "and" in text or "＆" in text:
        text = _AND.sub("&", text)
    return _KEY_CHARS_LINES.translate(text)
