"""Which text encoding a CSV's bytes are in: BOM, UTF-8, Japanese, then anything else.

Why our own Japanese heuristic before charset-normalizer: measured on the fixtures in
tests/fixtures/read/ and csvkit's files in ../shared/wild, charset-normalizer 3.5 alone
reads csvkit's test_latin1.csv (ISO-8859-1, one 0xA9 byte) as `cp932`, turning © into
the half-width katakana ｩ; names the short half-width-kana files cp932_hankaku_only.csv
and eucjp_hankaku_only.csv `cp949` (Korean mojibake), and short kanji-only Japanese
files too; names eucjp_short.csv `euc_jis_2004` and semicolon_quoted_cp1252.csv
`cp1250`; and reads short French or German Latin-1 as cp775, mac_iceland or cp1250.
A short file gives a statistical detector too little to go on, while a CP932 or
EUC-JP decoding can be judged by whether it reads like Japanese or like mojibake
(`japanese_score`), and a cp1252 one by whether it reads like Latin text.

Known limit: GB2312 Chinese and EUC-KR Korean without kana can decode as EUC-JP
kanji and be taken for it; pass --encoding for those.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from os import PathLike

from migrator.errors import ReadError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: FF FE 00 00 starts both
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE_CHARS = 65536
"""Judging a decoding looks at its first characters only; the whole file is decoded."""
_PLAUSIBLE = 0.5
"""Least mean score per non-ASCII character for a decoding to count as Japanese."""
_ISO2022_ESCAPES = ("\x1b$B", "\x1b$@", "\x1b(J", "\x1b(I")
_CONTROLS = dict.fromkeys(
    [*range(0, 9), 11, *range(14, 26), *range(28, 32), *range(0x7F, 0xA0)])
"""Control characters that text does not hold; tab, newlines, form feed, SUB, ESC spared."""
_JAPANESE_CODECS = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp",
                    "euc_jis_2004", "euc_jisx0213", "iso2022_jp", "iso2022_jp_1",
                    "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext"}
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_WIDE_CODECS = {"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"}
UNDECODABLE = ("could not be decoded as text in any known encoding "
               "(tried UTF-8, CP932, EUC-JP, Latin-1); pass --encoding to name it")


@dataclass(frozen=True)
class EncodingGuess:
    """The codec that decodes a file, and how sure and why."""

    name: str
    """A Python codec name: utf-8, utf-8-sig, utf-16, cp932, euc_jp, latin-1, cp1252..."""
    bom: bool
    """The file starts with a byte order mark (the codec removes it)."""
    confidence: float
    """0..1; a BOM or valid UTF-8 is 1.0, the Latin-1 fallback 0.5."""
    method: str
    """What decided: bom, utf-8, japanese-heuristic, charset-normalizer, latin-fallback."""


def detect_encoding(data: bytes, path: str | PathLike[str] | None = None) -> EncodingGuess:
    """The encoding of `data`, or ReadError (naming `path`) when nothing decodes it as text.

    >>> detect_encoding("顧客コード".encode("cp932")).name
    'cp932'
    """
    name = path if path is not None else "the data"
    guess = _by_bom(data) or _by_utf8(data) or _by_japanese(data)
    if guess is None:
        mixed = _odd_lines(data)
        if mixed is not None:
            raise ReadError(name, mixed)
        guess = _by_charset_normalizer(data) or _by_western(data)
    if guess is None:
        raise ReadError(name, _why_undecodable(data))
    return guess


_LINE_CODECS = (("utf-8", "UTF-8"), ("cp932", "CP932"), ("euc_jp", "EUC-JP"))


def _odd_lines(data: bytes) -> str | None:
    """The problem of a file that reads in one encoding except some lines, naming them.

    Asked before the statistical detectors, which otherwise pick a code page that
    decodes everything into mojibake (a UTF-8 file with one CP932 line appended read
    as cp855, ptcp154 or latin-1). The evidence: the other lines are valid UTF-8 with
    multi-byte characters, or read like Japanese in CP932 or EUC-JP; most of them
    decode, or the ones that do not are the whole end of the file.
    """
    lines = [(n, line) for n, line in enumerate(data.split(b"\n"), 1) if not line.isascii()]
    for codec, label in _LINE_CODECS:
        good: list[str] = []
        bad: list[int] = []
        for n, line in lines:
            try:
                good.append(line.decode(codec))
            except UnicodeDecodeError:
                bad.append(n)
        if not good or not bad:
            continue
        tail = bad == [n for n, _ in lines if n >= bad[0]]
        if not (len(good) > len(bad) or tail and codec == "utf-8"):
            continue
        if codec != "utf-8" and japanese_score("\n".join(good)[:_SAMPLE_CHARS]) < _PLAUSIBLE:
            continue
        return _odd_lines_problem(data, label, codec, bad, tail)
    return None


def _odd_lines_problem(data: bytes, label: str, codec: str, bad: list[int], tail: bool) -> str:
    last = data.rsplit(b"\n", 1)[-1]
    if bad == [data.count(b"\n") + 1] and _cut_short(last, codec):
        return (f"ends in the middle of a {label} character (line {bad[0]}); "
                "the file looks truncated")
    if tail:
        return (f"mixes encodings: it reads as {label} up to line {bad[0]}, where the bytes "
                f"are not {label}; save it again in one encoding or pass --encoding to name it")
    return (f"reads as {label} except on {_lines_named(bad)}, where the bytes are not "
            f"{label} (damaged, or in another encoding); fix or remove those lines, or pass "
            "--encoding to name the file's encoding")


def _lines_named(numbers: list[int]) -> str:
    """`line 2`, `lines 2 and 5`, `lines 2, 5 and 9`, `lines 2, 5, 9 and 4 more`."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    shown = [f"{n:,}" for n in numbers[:3]]
    if len(numbers) > 3:
        return f"lines {', '.join(shown)} and {len(numbers) - 3:,} more"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


def _cut_short(line: bytes, codec: str) -> bool:
    """Does `line` fail to decode only because its last character is cut off?"""
    try:
        line.decode(codec)
    except UnicodeDecodeError as err:
        return err.reason == "unexpected end of data" or len(line) - err.start <= 1
    return False


def _why_undecodable(data: bytes) -> str:
    """Name the line where a mostly-decodable file breaks: mixed encodings or a cut file."""
    for codec, label in (("utf-8", "UTF-8"), ("cp932", "CP932"), ("euc_jp", "EUC-JP")):
        try:
            data.decode(codec)
        except UnicodeDecodeError as err:
            good = data[: err.start]
            if len(good) < len(data) // 2 or not _NON_ASCII.search(good):
                continue
            line = good.count(b"\n") + 1
            if err.reason == "unexpected end of data" or len(data) - err.start <= 2:
                return (f"ends in the middle of a {label} character (line {line}); "
                        "the file looks truncated")
            return (f"mixes encodings: it reads as {label} up to line {line}, where the "
                    f"bytes are not {label}; save it again in one encoding "
                    "or pass --encoding to name it")
    return UNDECODABLE


def _decode(data: bytes, codec: str) -> str | None:
    """The strict decoding of `data`, if it is sensible text; else None."""
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if _is_sensible(text) else None


def _is_sensible(text: str) -> bool:
    """Few control characters: more than 5% (or 1% NULs), beyond a stray one, is binary."""
    sample = text[:_SAMPLE_CHARS]
    controls = len(sample) - len(sample.translate(_CONTROLS))
    nuls = sample.count("\x00")
    return not ((controls > 1 and controls * 20 > len(sample))
                or (nuls > 1 and nuls * 100 > len(sample)))


def _by_bom(data: bytes) -> EncodingGuess | None:
    for bom, codec in _BOMS:
        if data.startswith(bom) and _decode(data, codec) is not None:
            return EncodingGuess(codec, True, 1.0, "bom")
    return None


def _by_utf8(data: bytes) -> EncodingGuess | None:
    """Valid UTF-8 (pure ASCII included); ISO-2022-JP is 7-bit, so it is recognised here."""
    text = _decode(data, "utf-8")
    if text is None:
        return None
    if "\x1b" in text and any(esc in text for esc in _ISO2022_ESCAPES) \
            and _decode(data, "iso2022_jp"):  # one-character search first: memchr speed
        return EncodingGuess("iso2022_jp", False, 1.0, "japanese-heuristic")
    return EncodingGuess("utf-8", False, 1.0, "utf-8")


def _by_japanese(data: bytes) -> EncodingGuess | None:
    """CP932 or EUC-JP when a decoding reads like Japanese; the better one when both do.

    A tie goes to CP932, by far the more common in files from Windows.
    """
    scored = []
    for codec in ("cp932", "euc_jp"):
        text = _decode(data, codec)
        if text is not None:
            scored.append((japanese_score(text[:_SAMPLE_CHARS]), codec))
    if not scored:
        return None
    score, codec = max(scored, key=lambda sc: sc[0])  # max keeps the first of equals
    if score < _PLAUSIBLE:
        return None
    return EncodingGuess(codec, False, round(min(score, 1.0), 2), "japanese-heuristic")


def _by_charset_normalizer(data: bytes) -> EncodingGuess | None:
    """charset-normalizer's best guess, unless it is Japanese or BOM-less UTF-16/32.

    Japanese was judged above, and UTF-16 without a BOM is refused (the user names it).
    For Latin-script text its guess among code pages is often wrong on short files
    (cp775, mac_iceland or cp1250 for French), so cp1252/Latin-1 wins whenever it reads
    as clean Latin text and the guess is not in a script of its own (Cyrillic, Greek...).
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding in _JAPANESE_CODECS | _WIDE_CODECS:
        return None
    text = _decode(data, best.encoding)
    if text is None:
        return None
    guess = EncodingGuess(best.encoding, False, round(max(0.0, 1.0 - best.chaos), 2),
                          "charset-normalizer")
    western = _by_western(data)
    if western is None:
        return guess
    western_text = data.decode(western.name)
    if western_text == text:
        return replace(guess, name=western.name)
    if _own_script(text) or not _reads_as_latin(western_text):
        return guess
    return western


def _by_western(data: bytes) -> EncodingGuess | None:
    """cp1252 when its extra printable bytes 0x80-0x9F occur, else Latin-1 (decodes anything)."""
    if _C1_BYTES.search(data) and _decode(data, "cp1252") is not None:
        return EncodingGuess("cp1252", False, 0.5, "latin-fallback")
    if _decode(data, "latin-1") is not None:
        return EncodingGuess("latin-1", False, 0.5, "latin-fallback")
    return None


_VOICED = frozenset("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ")
"""Half-width kana that take the voiced mark ﾞ; ﾊ-ﾎ also take the semi-voiced ﾟ."""


def japanese_score(text: str) -> float:
    """Mean score per non-ASCII character: near 1 reads like Japanese, 0 or below like mojibake.

    For: kana, common (JIS level 1) kanji, CJK punctuation, full-width forms, ㈱.
    Against: half-width kana that stand alone or break spelling (a CP932 reading of
    Latin-1 or EUC-JP bytes), rare kanji, private-use and box-drawing characters.
    """
    total, count, kanji = 0.0, 0, set()
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        count += 1
        total += _hankaku_score(text, i) if "\uff61" <= ch <= "\uff9f" else _char_score(ch)
        if "\u4e00" <= ch <= "\u9fff":
            kanji.add(ch)
    if len(kanji) >= 4 and len({_jis_row(k) for k in kanji}) == 1:
        # Text spreads over the reading-ordered JIS rows; kanji all from one row are
        # EUC-JP half-width kana (0x8E, kana) read as CP932 (lead byte 0x8E, one row).
        return -1.0
    return total / count if count else 0.0


@lru_cache(maxsize=16384)
def _char_score(ch: str) -> float:
    o = ord(ch)
    if 0x3000 <= o <= 0x30FF or 0x3200 <= o <= 0x32FF or 0xFF01 <= o <= 0xFF5E:
        return 1.0  # CJK punctuation, kana, enclosed ㈱㈲, full-width forms
    if 0x4E00 <= o <= 0x9FFF:
        return _kanji_score(ch)
    if 0xE000 <= o <= 0xF8FF:
        return -2.0  # private use: CP932's user-defined area
    if 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or o >= 0x20000 or 0x2500 <= o <= 0x257F:
        return -1.0  # rare CJK extensions and compatibility forms, box drawing
    if 0x0370 <= o <= 0x04FF:
        return -0.5  # Greek and Cyrillic: in CP932, but rare in Japanese data
    return 1.0 if _in_cp932(ch) else 0.0  # ○ × ※ 〒 ① Ⅱ: marks Japanese sheets use


def _in_cp932(ch: str) -> bool:
    try:
        return len(ch.encode("cp932")) == 2
    except UnicodeEncodeError:
        return False


@lru_cache(maxsize=16384)
def _jis_row(ch: str) -> int:
    """The JIS X 0208 row of a kanji (its EUC-JP lead byte); 0 outside JIS X 0208."""
    try:
        encoded = ch.encode("euc_jp")
    except UnicodeEncodeError:
        return 0
    return encoded[0] if len(encoded) == 2 else 0


def _kanji_score(ch: str) -> float:
    """JIS X 0208 level 1 (EUC-JP lead byte below 0xD0) holds the kanji in daily use."""
    row = _jis_row(ch)
    if not row:
        return -1.0  # not in JIS X 0208: CP932 vendor extensions, JIS X 0212
    return 1.0 if row < 0xD0 else -0.5


def _is_hankaku(ch: str) -> bool:
    return "\uff61" <= ch <= "\uff9f"


def _hankaku_score(text: str, i: int) -> float:
    """Half-width kana count when they spell: in runs, marks after the kana that take them."""
    ch = text[i]
    prev = text[i - 1] if i else ""
    if ch <= "\uff65":
        return -0.5  # ｡｢｣､･: rare in data, frequent when EUC-JP is read as CP932
    if ch == "ﾞ":
        return 1.0 if prev in _VOICED else -1.0
    if ch == "ﾟ":
        return 1.0 if prev and prev in "ﾊﾋﾌﾍﾎ" else -1.0
    if "ｧ" <= ch <= "ｰ":
        return 1.0 if _is_hankaku(prev) and prev > "\uff65" else -1.0  # small kana, ｰ
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if not (_is_hankaku(prev) or _is_hankaku(nxt)):
        return -2.0  # a lone kana between ASCII: Latin-1 © read as CP932 is ｩ
    return 1.0


def _own_script(text: str) -> bool:
    """Most non-ASCII letters are of a non-Latin script, in words without ASCII letters.

    Russian in cp1251 passes; French read as cp1251 (Besanзon) does not.
    """
    sample = text[:_SAMPLE_CHARS]
    letters = own = 0
    for i, ch in enumerate(sample):
        if ch < "\x80" or not ch.isalpha():
            continue
        letters += 1
        if _script(ch) == "LATIN":
            continue
        prev, nxt = sample[i - 1:i], sample[i + 1:i + 2]
        if not (prev.isascii() and prev.isalpha() or nxt.isascii() and nxt.isalpha()):
            own += 1
    return own * 2 > letters


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


def _reads_as_latin(text: str) -> bool:
    """No C1 controls, and no symbol inside a word (Polish ł read as cp1252: Wa³brzych)."""
    sample = text[:_SAMPLE_CHARS]
    for i, ch in enumerate(sample):
        if ch < "\x80" or ch.isalpha():
            continue
        if ch <= "\x9f" or sample[i - 1:i].isalpha() and sample[i + 1:i + 2].isalpha():
            return False
    return True
